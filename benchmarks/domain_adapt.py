"""Domain-adapt a sentence-transformers model on pairs mined from the plans' own structure.

Service plans share a template: every agency writes its 執行重點 under the same 具體措施 titles. That
structure gives training pairs without any labelling:

* **positive** — two points under the *same template measure* (measure titles equal after
  normalisation) in plans of *different agencies*: they answer the same brief in other words;
* **negative** — the other points of the batch (in-batch negatives of
  ``MultipleNegativesRankingLoss``); a batch never holds two points of one template measure, so
  no negative is secretly a positive.

:func:`mine_pairs` builds the pairs, :func:`tune_model` fine-tunes (a plain torch loop with the
MNRL objective: cross-entropy over scaled cosines, both directions) and writes a **new** model
directory with its own manifest and therefore its own fingerprint; the source model is never
touched. Reproducible: ``random_state`` seeds the pair order, the batches and torch.

**Measured, and not wired to the CLI because it does not help** (issue #15; ``benchmarks/RESULTS.md``).
Tuned from the default model on 884 pairs mined from ``examples/plans`` (``max_per_measure=40``,
60 steps of 16 pairs, lr 2e-5, seed 0; 12 minutes on 2 cores), checked on the three shared plans it
never saw: the cosine separates the gold paraphrase from the related pairs better (ROC AUC 0.712 →
0.765; paraphrase + related vs unrelated 0.980 → 0.992), but the pair classifier refitted on the
tuned cosines does not improve leave-one-plan-out (``benchmarks/pairs_eval.py --model DIR
--min-cosine 0.5``: paraphrase F1 0.72 → 0.72, related 0.34 → 0.37; at gate 0.6: 0.74 / 0.28). So the
default model stays, and ``svcsim model tune`` is not offered; the experiment lives here, beside
the other measurements, rather than in the package, so it stays repeatable without shipping unused code::

    python -c "import sys; sys.path.insert(0, 'benchmarks'); import domain_adapt; help(domain_adapt)"

>>> from svcsim.model import Entry
>>> es = [Entry(id=i, kind=k, agency=a, year=2024, file=f"{a}.txt", item="一", measure="(一)", n=n, text=t)
...       for i, (k, a, n, t) in enumerate([("measure_title", "甲", None, "簡化流程"), ("point", "甲", 1, "檢討表單"),
...                                          ("measure_title", "乙", None, "簡化流程。"), ("point", "乙", 1, "減少書表")])]
>>> [(p.a, p.b) for p in mine_pairs(es)]
[('檢討表單', '減少書表')]
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from svcsim.errors import InputError
from svcsim.model import Entry
from svcsim.text.normalize import match_key

__all__ = ["MinedPair", "TuneResult", "mine_pairs", "tune_model"]


@dataclass(frozen=True)
class MinedPair:
    """Two point texts under the same template measure in two agencies' plans."""

    a: str
    b: str
    measure: str


@dataclass(frozen=True)
class TuneResult:
    """What :func:`tune_model` wrote: the folder, its fingerprint and how it was trained."""

    path: Path
    fingerprint: str
    pairs: int
    steps: int
    seconds: float


def mine_pairs(entries: list[Entry] | tuple[Entry, ...], *, max_per_measure: int = 200,
               random_state: int = 0) -> list[MinedPair]:
    """Positive pairs from the plan structure (see the module docstring).

    Args:
        entries: points and measure titles of several plans (``svcsim.model.entries_from_plans``).
        max_per_measure: keep at most this many pairs per template measure, so the measures every
            plan fills with many points do not drown the others.
        random_state: seeds which pairs are kept.

    Returns:
        Pairs in a fixed order (by measure, then text), each unordered pair of distinct texts once.
    """
    entries = list(entries)
    if not all(isinstance(e, Entry) for e in entries):
        raise InputError("entries", "expected svcsim.model.Entry objects (svcsim.model.entries_from_plans)")
    title = {(e.file, e.plan_id, e.item, e.measure): match_key(e.text) for e in entries if e.kind == "measure_title"}
    by_measure: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for e in entries:
        if e.kind != "point" or not e.text.strip():
            continue
        key = title.get((e.file, e.plan_id, e.item, e.measure))
        if key:  # a measure without a title has no template to share
            by_measure[key][e.agency].add(e.text)
    rng = random.Random(random_state)
    out: list[MinedPair] = []
    for key in sorted(by_measure):
        agencies = sorted(by_measure[key])
        found: set[tuple[str, str]] = set()
        for i, ag_a in enumerate(agencies):
            for ag_b in agencies[i + 1:]:
                for ta in sorted(by_measure[key][ag_a]):
                    for tb in sorted(by_measure[key][ag_b]):
                        if match_key(ta) != match_key(tb):
                            found.add((ta, tb) if ta <= tb else (tb, ta))
        pairs = sorted(found)
        if len(pairs) > max_per_measure:
            pairs = sorted(rng.sample(pairs, max_per_measure))
        out.extend(MinedPair(a, b, key) for a, b in pairs)
    return out


def _batches(pairs: list[MinedPair], batch_size: int, rng: random.Random) -> list[list[MinedPair]]:
    """Shuffled batches in which no two pairs share a template measure or a text."""
    pool = pairs[:]
    rng.shuffle(pool)
    batches: list[list[MinedPair]] = []
    while pool:
        batch, seen_m, seen_t, rest = [], set(), set(), []
        for p in pool:
            if len(batch) < batch_size and p.measure not in seen_m and p.a not in seen_t and p.b not in seen_t:
                batch.append(p)
                seen_m.add(p.measure)
                seen_t.update((p.a, p.b))
            else:
                rest.append(p)
        if len(batch) < 2:
            break  # one measure left: no negatives to learn from
        batches.append(batch)
        pool = rest
    return batches


def tune_model(source: str | Path, pairs: list[MinedPair], out: str | Path, *, epochs: int = 1,
               batch_size: int = 16, lr: float = 2e-5, scale: float = 20.0, max_steps: int | None = None,
               random_state: int = 0, prompt: str = "passage: ",
               on_step: Callable[[int, float], None] | None = None) -> TuneResult:
    """Fine-tune the sentence-transformers model in ``source`` on ``pairs`` and save it to ``out``.

    Args:
        source: a sentence-transformers model folder (``load_encoder().path`` for the default).
        pairs: from :func:`mine_pairs`.
        out: the new model folder; must not exist (a tuned model never overwrites another).
        epochs, batch_size, lr: the usual; ``batch_size`` pairs give ``2·batch_size − 2`` negatives each.
        scale: multiplies the cosines before the softmax (sentence-transformers' MNRL default).
        max_steps: stop after this many optimiser steps (for a time budget).
        random_state: seeds batches, dropout and torch.
        prompt: prefix of both texts, as the encoder adds it to points (e5: ``"passage: "``).
        on_step: called after every optimiser step with the step number and the batch loss.

    Raises:
        InputError: ``out`` exists, or fewer than two usable pairs.
    """
    source, out = Path(source), Path(out)
    if out.exists():
        raise InputError(str(out), "already exists; a tuned model is written to a new folder, choose another --out")
    if len(pairs) < 2:
        raise InputError("pairs", f"got {len(pairs)} mined pairs; need plans of ≥ 2 agencies sharing measure titles")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(random_state)
    rng = random.Random(random_state)
    model = SentenceTransformer(str(source), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.float32})
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    t0, step = time.perf_counter(), 0
    for _ in range(epochs):
        for batch in _batches(pairs, batch_size, rng):
            texts = [prompt + p.a for p in batch] + [prompt + p.b for p in batch]
            feats = model.tokenize(texts)
            emb = model(feats)["sentence_embedding"]
            emb = torch.nn.functional.normalize(emb, dim=1)
            a, b = emb[: len(batch)], emb[len(batch):]
            sim = scale * a @ b.T
            target = torch.arange(len(batch))
            loss = (torch.nn.functional.cross_entropy(sim, target) + torch.nn.functional.cross_entropy(sim.T, target)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if on_step is not None:
                on_step(step, float(loss.item()))
            if max_steps is not None and step >= max_steps:
                break
        if max_steps is not None and step >= max_steps:
            break
    model.eval()
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    model.save(str(tmp))
    manifest = {"format": "svcsim-tuned-model", "version": 1, "source": str(source), "pairs": len(pairs),
                "steps": step, "epochs": epochs, "batch_size": batch_size, "lr": lr, "scale": scale,
                "random_state": random_state, "loss": "MultipleNegativesRankingLoss (in-batch, symmetric)",
                "mined": "points under the same template measure title in different agencies' plans"}
    (tmp / "svcsim_tune.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.rename(out)
    from svcsim.embed.st import load_encoder

    return TuneResult(path=out, fingerprint=load_encoder(out, lazy=True).fingerprint, pairs=len(pairs), steps=step,
                      seconds=time.perf_counter() - t0)
