"""The calibrated pair classifier that tells ``paraphrase`` from ``related`` from neither.

A multinomial logistic regression over :data:`svcsim.dupes.features.FEATURES`, fitted by
``benchmarks/pairs_eval.py`` on labelled pairs (the shared gold pairs and our own,
``benchmarks/labels/pairs/``) and stored as plain JSON — feature names, standardisation, one row of
weights per class, the decision thresholds — in ``svcsim/dupes/data/pair_model.json``. No pickle:
applying it is two numpy lines, and scikit-learn is imported only to fit one.

The decision, from the class probabilities ``p``:

* ``paraphrase`` when ``p[paraphrase] ≥ paraphrase_min``;
* else ``related`` when ``p[paraphrase] + p[related] ≥ related_min``;
* else no label (the pair is not reported).

Only pairs whose cosine reaches ``min_cosine`` are scored at all (the candidate gate). The
cosines, and so the weights, belong to the encoder named in ``encoder``: another model needs a
model fitted on its own cosines (``PairScan(pair_model=None)`` falls back to the fixed cut-offs of
:class:`~svcsim.dupes.classify.Thresholds`).

>>> m = load_default()
>>> m.classes
('paraphrase', 'related', 'none')
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from svcsim.dupes.features import FEATURES
from svcsim.errors import InputError

FORMAT = "svcsim-pair-model"
VERSION = 1
CLASSES = ("paraphrase", "related", "none")


@dataclass(frozen=True)
class PairModel:
    """A fitted pair classifier (see the module docstring).

    Attributes:
        features: feature names, the columns the weights apply to.
        mean: per-feature mean used to standardise.
        scale: per-feature standard deviation used to standardise.
        coef: one row of weights per class of :data:`CLASSES`.
        intercept: one bias per class.
        min_cosine: pairs below this cosine are not scored (never labelled).
        paraphrase_min: probability of ``paraphrase`` needed to say paraphrase.
        related_min: probability of ``paraphrase`` + ``related`` needed to say related.
        encoder: the model whose cosines the weights were fitted on.
        meta: how it was fitted (data, counts, library versions); informative only.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    min_cosine: float = 0.88
    paraphrase_min: float = 0.5
    related_min: float = 0.5
    encoder: str = "intfloat/multilingual-e5-small"
    classes: tuple[str, ...] = CLASSES
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        nf, nc = len(self.features), len(self.classes)
        if tuple(self.features) != FEATURES:
            raise InputError("pair model", f"features {list(self.features)} are not this svcsim's "
                                           f"{list(FEATURES)}; refit it with benchmarks/pairs_eval.py --fit")
        if tuple(self.classes) != CLASSES:
            raise InputError("pair model", f"classes {list(self.classes)}; expected {list(CLASSES)}")
        shapes = (len(self.mean), len(self.scale), len(self.intercept), len(self.coef))
        if shapes != (nf, nf, nc, nc) or any(len(row) != nf for row in self.coef):
            raise InputError("pair model", f"weights do not fit {nf} features × {nc} classes")
        numbers = [*self.mean, *self.scale, *self.intercept, *(v for row in self.coef for v in row),
                   self.min_cosine, self.paraphrase_min, self.related_min]
        if not all(math.isfinite(v) for v in numbers) or any(s <= 0 for s in self.scale):
            raise InputError("pair model", "holds a non-finite weight or a non-positive scale")

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per row of ``x`` (columns in :data:`CLASSES` order)."""
        z = (np.asarray(x, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.coef).T + np.asarray(self.intercept)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def decide(self, x: np.ndarray) -> list[str | None]:
        """``"paraphrase"``, ``"related"`` or ``None`` per row of features ``x``."""
        if len(x) == 0:
            return []
        p = self.proba(x)
        out: list[str | None] = []
        for para, rel in zip(p[:, 0].tolist(), p[:, 1].tolist()):
            if para >= self.paraphrase_min:
                out.append("paraphrase")
            elif para + rel >= self.related_min:
                out.append("related")
            else:
                out.append(None)
        return out

    def to_json(self) -> dict:
        d = asdict(self)
        d = {"format": FORMAT, "version": VERSION, **{k: (list(map(list, v)) if k == "coef" else v)
                                                       for k, v in d.items()}}
        return d

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (to a temporary name first, then renamed)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def from_json(cls, d: dict, where: str = "pair model") -> "PairModel":
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise InputError(where, f"not a {FORMAT} file (format={d.get('format') if isinstance(d, dict) else None!r})")
        if d.get("version") != VERSION:
            raise InputError(where, f"version {d.get('version')!r}; this svcsim reads version {VERSION}")
        keys = {f for f in cls.__dataclass_fields__}
        try:
            kw = {k: v for k, v in d.items() if k in keys}
            for k in ("features", "classes", "mean", "scale", "intercept"):
                kw[k] = tuple(kw[k])
            kw["coef"] = tuple(tuple(float(v) for v in row) for row in kw["coef"])
            return cls(**kw)
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(where, f"malformed pair model: {e}") from None

    @classmethod
    def load(cls, path: str | Path) -> "PairModel":
        path = Path(path)
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(str(path), f"cannot read the pair model: {e}") from None
        return cls.from_json(d, where=str(path))


@lru_cache(maxsize=1)
def load_default() -> PairModel:
    """The shipped model (``svcsim/dupes/data/pair_model.json``), read once."""
    text = resources.files("svcsim.dupes").joinpath("data", "pair_model.json").read_text(encoding="utf-8")
    return PairModel.from_json(json.loads(text), where="svcsim/dupes/data/pair_model.json")


def fit_pair_model(x: np.ndarray, y: list[str], *, c: float = 1.0, random_state: int = 0,
                   **settings) -> PairModel:
    """Fit a :class:`PairModel` (scikit-learn's ``LogisticRegression``, balanced class weights).

    Args:
        x: feature rows (:data:`~svcsim.dupes.features.FEATURES` columns).
        y: a label of :data:`CLASSES` per row.
        c: inverse regularisation strength.
        random_state: passed to scikit-learn (the lbfgs fit is deterministic anyway).
        **settings: other :class:`PairModel` fields (thresholds, ``min_cosine``, ``meta``…).
    """
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(x, dtype=np.float64)
    bad = sorted(set(y) - set(CLASSES))
    if bad:
        raise InputError("fit_pair_model", f"unknown labels {bad}; use {list(CLASSES)}")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=random_state)
    lr.fit((x - mean) / scale, y)
    order = [list(lr.classes_).index(k) if k in lr.classes_ else None for k in CLASSES]
    coef = tuple(tuple(lr.coef_[i].tolist()) if i is not None else (0.0,) * x.shape[1] for i in order)
    intercept = tuple(float(lr.intercept_[i]) if i is not None else -1e3 for i in order)
    return PairModel(features=FEATURES, mean=tuple(mean.tolist()), scale=tuple(scale.tolist()),
                     coef=coef, intercept=intercept, **settings)
