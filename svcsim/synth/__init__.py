"""Synthetic 提升服務計畫 with planted ground truth, and the messy seed-like text writer.

Only the standard library and :mod:`svcsim.model` are used, so importing this stays cheap.

>>> from svcsim.synth import generate_corpus, write_plan
>>> corpus = generate_corpus(n_agencies=3, n_years=2, seed=0)
>>> text = write_plan(corpus.plans[0])          # the text a parser reads back into the plan
"""

from __future__ import annotations

from svcsim.synth.generate import (
    PlanTruth,
    PlantedPair,
    Provenance,
    RefKey,
    SynthCorpus,
    corpus_shape,
    generate_corpus,
    generate_points_corpus,
    iter_corpus,
    iter_points_corpus,
    ref_key,
)
from svcsim.synth.render import write_plan

__all__ = [
    "PlanTruth",
    "PlantedPair",
    "Provenance",
    "RefKey",
    "SynthCorpus",
    "corpus_shape",
    "generate_corpus",
    "generate_points_corpus",
    "iter_corpus",
    "iter_points_corpus",
    "ref_key",
    "write_plan",
]
