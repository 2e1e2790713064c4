"""Where do the known innovative seed points rank under score_innovation with the real model?

Targets are located in the gold JSON by *which* point they are (file, item, measure, n), checked
against a short signature of their text so a changed gold file fails loudly instead of silently.
The library knows nothing of them. Done when all three are in the top decile.

    python benchmarks/innovation_seed.py            # real model (multilingual-e5-small)
    python benchmarks/innovation_seed.py --model hash
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import gold_plans, shared_or_skip  # noqa: E402

# (file prefix, item, measure, n, what the point is about, a substring the text must contain)
TARGETS = (
    ("000_", "六", "(一)", 3, "3-D pipeline map (三維圖資)", "三維"),
    ("003_", "六", "(二)", 1, "labour-law calculator app", "應用程式"),
    ("001_", "五", "(一)", 4, "AED placement by 三高一難", "AED"),
)


def find_targets(entries):
    out = []
    for prefix, item, measure, n, what, sig in TARGETS:
        hits = [e for e in entries if e.file.startswith(prefix) and e.item == item and e.measure == measure and e.n == n]
        if len(hits) != 1 or sig not in hits[0].text:
            raise SystemExit(f"innovation_seed: target {what!r} not found at {prefix}* {item}{measure}-{n}; gold changed?")
        out.append((what, hits[0]))
    return out


def ranks(model: str | None = None):
    """[(what, rank 1-based, percentile, score)], number of points."""
    from svcsim.clusters import score_innovation
    from svcsim.dupes import analyse
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.model import entries_from_plans

    # points and measure titles: the titles are the template the score measures distance from
    everything = entries_from_plans(gold_plans(shared_or_skip("innovation_seed")))
    if model == "hash":
        from svcsim.embed import HashEncoder

        enc = HashEncoder(dim=256)
    else:
        from svcsim.embed import load_encoder

        enc = load_encoder(model)
    embedded = EmbeddedCorpus(everything, enc.encode([e.text for e in everything], kind="passage"),
                              fingerprint=enc.fingerprint)
    points = embedded.of_kind("point")
    entries = list(points.entries)
    scores = score_innovation(points, dupes=analyse(embedded, min_label="near_copy"))
    pos = {s.entry.id: (r, s) for r, s in enumerate(scores, start=1)}
    rows = []
    for what, e in find_targets(entries):
        r, s = pos[e.id]
        rows.append((what, r, 100.0 * r / len(scores), s))
    return rows, len(scores), scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="model name/path, or 'hash'")
    args = ap.parse_args()
    t = time.perf_counter()
    rows, n, scores = ranks(args.model)
    decile = math.ceil(n / 10)
    print(f"{n} points; top decile = ranks 1–{decile}; {time.perf_counter() - t:.1f} s")
    print(f"{'target':<30} {'rank':>5} {'pct':>6} {'score':>6}  reasons")
    for what, r, pct, s in rows:
        print(f"{what:<30} {r:>5} {pct:>5.1f}% {s.score:>6.3f}  {'; '.join(s.reasons)}")
    print("\ntop 10:")
    for i, s in enumerate(scores[:10], start=1):
        print(f"{i:>3}. {s.score:.3f} {s.entry.file[:3]} {s.entry.item}{s.entry.measure}-{s.entry.n} {s.entry.text[:40]}")
    ok = all(r <= decile for _, r, _, _ in rows)
    print(f"\nall targets in the top decile: {ok}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
