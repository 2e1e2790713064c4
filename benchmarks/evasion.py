"""Copies planted under each evasion (issue 12): how many copy/near_copy finds, now and before.

Run from the project root:
    python benchmarks/evasion.py [--agencies 20] [--plants 20] [--seed 0] [--baseline REV | --no-baseline]

A synthetic corpus (:func:`svcsim.synth.generate_corpus`) gets, per evasion, ``--plants`` verbatim
copies of points of one agency written into points of other agencies, disguised by one edit of
:data:`svcsim.synth.obfuscate.EVASIONS` (an invisible variation selector or CGJ after every
character, combining accents, Hangul fillers or zero-width characters between them, OpenCC
Simplified, full-width forms), or buried (:func:`svcsim.synth.obfuscate.bury`) after 200 or 800
normalised characters of other points. A plant is *found* when :func:`svcsim.dupes.find_pairs`
reports the pair as copy/near_copy and its spans are right: each span's two sides normalise to the
same text, and together they cover the copy (≥ 90 % of it; for a buried copy the contained-copy
bar, 30 characters).

The baseline column runs the same plants through the code of ``--baseline`` (default: the commit
before this work) in a subprocess on a ``git archive`` of it, as do the normalisation throughput
rows (``normalize_for_match`` with offsets, and ``match_key``, on 100k generated points).
Exit status 1 when any evasion is below 100 % recall.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "870ec48^"  # the commit before issue 12 item 1 (invisible characters, contained copies)
BURY = {"bury_200": 200, "bury_800": 800}


# ------------------------------------------------------------------ the part both codes run

def evaluate(entries: list[dict], plants: list[list[int]], need: dict[str, int]) -> dict[str, int]:
    """Per evasion, how many plants are found (copy/near_copy with right spans), by this svcsim."""
    from svcsim.dupes import find_pairs
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.embed import HashEncoder
    from svcsim.model import Entry
    from svcsim.text.normalize import match_key

    es = [Entry(**{**e, "units": tuple(e["units"])}) for e in entries]
    vectors = HashEncoder(dim=256).encode([e.text for e in es])
    got = {frozenset((p.a.id, p.b.id)): p for p in find_pairs(EmbeddedCorpus(es, vectors), min_label="near_copy")}
    by_id = {e.id: e for e in es}
    found: dict[str, int] = {}
    for src, dst, name in plants:
        p = got.get(frozenset((src, dst)))
        ok = p is not None and p.label in ("copy", "near_copy")
        if ok:
            covered = 0
            for a0, a1, b0, b1 in p.spans:
                ka, kb = match_key(p.a.text[a0:a1]), match_key(p.b.text[b0:b1])
                ok &= ka == kb
                covered += len(ka)
            ok &= covered >= need.get(name, int(0.9 * len(match_key(by_id[src].text))))
        found[name] = found.get(name, 0) + bool(ok)
    return found


def throughput(texts: list[str]) -> dict[str, float]:
    """Texts per second through the normaliser, with offsets and as a bare key."""
    from svcsim.text.normalize import match_key, normalize_for_match

    for t in texts[:2000]:
        normalize_for_match(t).offsets  # warm the per-character tables and caches
    out = {}
    t0 = time.perf_counter()
    for t in texts:
        normalize_for_match(t).offsets
    out["normalize_for_match (with offsets)"] = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for t in texts:
        match_key(t)
    out["match_key"] = len(texts) / (time.perf_counter() - t0)
    return out


# ------------------------------------------------------------------ planting

def plant(n_agencies: int, n_plants: int, seed: int):
    """Entries (as dicts) with every evasion planted, and the planted (source, copy, evasion) ids."""
    from svcsim.model import entries_from_plans
    from svcsim.synth import generate_corpus
    from svcsim.synth.obfuscate import EVASIONS, bury
    from svcsim.text.normalize import match_key

    corpus = generate_corpus(n_agencies=n_agencies, n_years=1, seed=seed)
    entries = entries_from_plans(corpus.plans)
    rng = random.Random(seed)
    points = [i for i, e in enumerate(entries) if e.kind == "point" and e.item != "0"]
    count: dict[str, int] = {}
    for i in points:
        count[match_key(entries[i].text)] = count.get(match_key(entries[i].text), 0) + 1
    # sources: long enough, and a text no other point has, so a found pair is the planted one
    sources = [i for i in points if len(match_key(entries[i].text)) >= 30 and count[match_key(entries[i].text)] == 1]
    rng.shuffle(sources)
    free = [i for i in points if i not in set(sources)]
    rng.shuffle(free)
    fillers = [entries[i].text for i in free[-200:]]
    plants = []
    for name in [*EVASIONS, *BURY]:
        done = 0
        while done < n_plants:
            src = sources.pop()
            text = entries[src].text
            if name in BURY:
                before = ""
                while len(match_key(before)) < BURY[name]:
                    before += rng.choice(fillers)
                new = bury(text, rng, before=before)
            else:
                new = EVASIONS[name](text, rng)
                if new is None:
                    continue  # nothing to edit (no ASCII for full_width …): take the next source
            dst = next(i for i in free if entries[i].agency != entries[src].agency)
            free.remove(dst)
            entries[dst] = dataclasses.replace(entries[dst], text=new)
            done += 1
            plants.append([entries[src].id, entries[dst].id, name])
    return [dataclasses.asdict(e) for e in entries], plants


def _points(n: int, seed: int) -> list[str]:
    from svcsim.model import entries_from_plans
    from svcsim.synth.generate import generate_points_corpus

    return [e.text for e in entries_from_plans(generate_points_corpus(n, seed=seed).plans, kinds=("point",))]


def run_baseline(rev: str, payload: dict) -> dict | None:
    """``worker`` mode of this script on a ``git archive`` of ``rev``; None when git cannot."""
    with tempfile.TemporaryDirectory(prefix="svcsim-baseline-") as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "svcsim"], capture_output=True)
        if archive.returncode:
            print(f"baseline skipped: git archive {rev} failed: {archive.stderr.decode().strip()}")
            return None
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        src = Path(tmp) / "payload.json"
        src.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": tmp}
        res = subprocess.run([sys.executable, __file__, "--worker", str(src)], capture_output=True, text=True,
                             env=env, cwd=tmp)
        if res.returncode:
            print(f"baseline failed:\n{res.stderr[-2000:]}")
            return None
        return json.loads(res.stdout.splitlines()[-1])


def worker(path: str) -> None:
    import svcsim

    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {"svcsim": str(Path(svcsim.__file__).parent),
           "found": evaluate(payload["entries"], payload["plants"], payload["need"]),
           "throughput": throughput(payload["texts"])}
    print(json.dumps(out, ensure_ascii=False))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, default=20)
    ap.add_argument("--plants", type=int, default=20, help="copies planted per evasion")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--points", type=int, default=100_000, help="texts for the throughput rows")
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline code")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    sys.path.insert(0, str(ROOT))
    from svcsim.dupes.classify import Thresholds

    t0 = time.perf_counter()
    entries, plants = plant(args.agencies, args.plants, args.seed)
    texts = _points(args.points, args.seed)
    need = {name: Thresholds().contained_run for name in BURY}
    print(f"{len(entries)} entries, {len(plants)} plants, {len(texts)} texts for throughput "
          f"(prepared in {time.perf_counter() - t0:.0f} s)")
    now = {"found": evaluate(entries, plants, need), "throughput": throughput(texts)}
    base = None if args.no_baseline else run_baseline(
        args.baseline, {"entries": entries, "plants": plants, "need": need, "texts": texts})
    planted: dict[str, int] = {}
    for _, _, name in plants:
        planted[name] = planted.get(name, 0) + 1
    head = f"{'evasion':<22}{'planted':>8}{'found':>7}{'recall':>8}"
    print("\n" + head + (f"{'baseline found':>16}{'recall':>8}" if base else ""))
    ok = True
    for name, n in planted.items():
        f = now["found"].get(name, 0)
        ok &= f == n
        row = f"{name:<22}{n:>8}{f:>7}{f / n:>8.0%}"
        if base:
            b = base["found"].get(name, 0)
            row += f"{b:>16}{b / n:>8.0%}"
        print(row)
    print(f"\n{'normaliser throughput (texts/s)':<40}{'now':>12}" + (f"{'baseline':>12}" if base else ""))
    for k, v in now["throughput"].items():
        print(f"{k:<40}{v:>12,.0f}" + (f"{base['throughput'][k]:>12,.0f}" if base else ""))
    if base:
        print(f"(baseline: {args.baseline}, run from {base['svcsim']})")
    print("\nevery evasion at 100 %" if ok else "\nrecall below 100 % for some evasion")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
