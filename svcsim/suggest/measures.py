"""The corpus's 具體措施 as drafters know them: codes like ``三(二)``, grouped across agencies.

Every plan numbers its measures, but the numbers only mean the same thing while agencies follow
the same city template; titles drift between template years (105 vs 110) and agencies reword them.
So a *slot* (one standard measure) gathers, at most once per plan, the measures whose titles are
close in meaning, and a code is only a hint that lowers the bar.

Cosines of different encoders live on different scales (e5 puts any two titles above 0.8, the
hash encoder near 0.2), so titles are compared by *lift* over the corpus baseline:

    lift(a, b) = (cos(a, b) − μ) / (1 − μ)

with μ the mean cosine between the corpus's distinct measure titles: 0 for a typical unrelated
pair, 1 for identical titles. Two titles are the same measure when ``lift ≥ SAME_LIFT``, or
``lift ≥ SAME_CODE_LIFT`` when they also carry the same code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from svcsim.errors import InputError
from svcsim.suggest.results import MeasureRef

SAME_LIFT = 0.55
SAME_CODE_LIFT = 0.25

_NUMERALS = "0一二三四五六七八九十"
_CODE = re.compile(r"^\s*([0一二三四五六七八九十]+)\s*[、.．]?\s*(?:[(（]\s*([一二三四五六七八九十]+)\s*[)）])?\s*$")


def parse_code(text: str) -> tuple[str, str] | None:
    """``"三(二)"`` / ``"三、（二）"`` → ``("三", "(二)")``; ``"0"`` → ``("0", "")``; else ``None``.

    >>> parse_code("三（二）"), parse_code("0"), parse_code("便民服務")
    (('三', '(二)'), ('0', ''), None)
    """
    m = _CODE.match(text)
    if not m:
        return None
    return m.group(1), f"({m.group(2)})" if m.group(2) else ""


def code_order(item: str, measure: str) -> tuple[int, int, str, str]:
    """Sort key putting 0 < 一 < 二 … and (一) < (二) …, unknown codes last."""
    def num(s: str) -> int:
        s = s.strip("()")
        if not s:
            return 0
        if s == "十":
            return 10
        if len(s) == 2 and s[0] == "十":
            return 10 + _NUMERALS.index(s[1]) if s[1] in _NUMERALS else 99
        return _NUMERALS.index(s) if len(s) == 1 and s in _NUMERALS else 99
    return num(item), num(measure), item, measure


@dataclass(frozen=True)
class MeasureInfo:
    """One measure of one corpus plan: where it is and which text rows hold its title and points."""

    plan_id: int
    agency: str
    year: int | None
    item: str
    measure: str
    item_title: str
    title: str
    title_row: int          # row of the title text in the SuggestIndex, -1 when untitled
    point_rows: tuple[int, ...]


@dataclass(frozen=True)
class MeasureSlot:
    """One standard measure across plans: its reference, member measures and title centroid."""

    ref: MeasureRef
    members: tuple[int, ...]      # indices into the catalogue's ``measures``
    agencies: frozenset[str]
    vector: np.ndarray


class MeasureCatalogue:
    """Measures of a corpus grouped into slots (see the module docstring for the rule)."""

    def __init__(self, measures: list[MeasureInfo], title_vectors: np.ndarray) -> None:
        """``title_vectors[i]`` is the (normalised) title vector of ``measures[i]`` (zeros if untitled)."""
        self.measures = measures
        self._vecs = title_vectors
        # one measure per distinct title row: the same set of vectors, so the same baseline, without
        # sorting tens of thousands of repeated template titles
        firsts = {m.title_row: i for i, m in reversed(list(enumerate(measures))) if m.title_row >= 0}
        self.baseline = _baseline(title_vectors, sorted(firsts.values()))
        self.slots = self._group()
        # Code → slot, counted once here: scanning every member of every slot per call cost ~170 ms
        # at 100k points, on each suggestion with a measure.
        counts: dict[tuple[str, str], Counter] = {}
        for si, s in enumerate(self.slots):
            for j in s.members:
                counts.setdefault((self.measures[j].item, self.measures[j].measure), Counter())[si] += 1
        self.slot_of_code = {code: self.slots[max(n, key=lambda i: (n[i], -i))] for code, n in counts.items()}

    @classmethod
    def restore(cls, measures: Sequence[MeasureInfo], baseline: float, slots: list[MeasureSlot],
                slot_of_code: dict[tuple[str, str], MeasureSlot]) -> "MeasureCatalogue":
        """A catalogue from the parts a built one holds (see :mod:`svcsim.suggest.tables`): no grouping."""
        self = cls.__new__(cls)
        self.measures = measures
        self._vecs = None  # only grouping reads the title vectors, and a restored catalogue is grouped
        self.baseline = baseline
        self.slots = slots
        self.slot_of_code = slot_of_code
        return self

    def lift(self, cos: np.ndarray | float) -> np.ndarray | float:
        return (cos - self.baseline) / (1.0 - self.baseline)

    def _group(self) -> list[MeasureSlot]:
        slot_members: list[list[int]] = []
        slot_plans: list[set[int]] = []
        slot_codes: list[Counter] = []
        # Centroids live in one growing matrix and each slot keeps its running sum, so a measure is
        # compared with every slot in one product and joining a slot costs one addition: stacking the
        # list and re-summing the members for every measure was quadratic (28 s at 100k points).
        dim = self._vecs.shape[1] if self._vecs.ndim == 2 else 0
        centroids = np.zeros((max(16, min(len(self.measures), 1024)), dim), dtype=self._vecs.dtype)
        sums: list[np.ndarray] = []
        n_slots = 0
        order = sorted(range(len(self.measures)), key=lambda i: (code_order(self.measures[i].item,
                                                                             self.measures[i].measure), i))
        for i in order:
            m = self.measures[i]
            best = -1
            if n_slots:
                c = centroids[:n_slots]
                lifts = self.lift(c @ self._vecs[i]) if m.title_row >= 0 else np.full(n_slots, -np.inf)
                for s in np.argsort(-lifts, kind="stable")[:8]:
                    if m.plan_id in slot_plans[s]:
                        continue
                    same_code = m.measure and slot_codes[s].most_common(1)[0][0] == (m.item, m.measure)
                    need = SAME_CODE_LIFT if same_code else SAME_LIFT
                    if lifts[s] >= need or (m.title_row < 0 and same_code):
                        best = int(s)
                        break
                if best < 0 and m.title_row < 0 and m.measure:
                    for s in range(n_slots):
                        if m.plan_id not in slot_plans[s] and slot_codes[s].most_common(1)[0][0] == (m.item, m.measure):
                            best = s
                            break
            if best < 0:
                if n_slots == len(centroids):
                    centroids = np.concatenate([centroids, np.zeros_like(centroids)])
                slot_members.append([i])
                slot_plans.append({m.plan_id})
                slot_codes.append(Counter({(m.item, m.measure): 1}))
                centroids[n_slots] = self._vecs[i]
                sums.append(self._vecs[i].copy())
                n_slots += 1
            else:
                slot_members[best].append(i)
                slot_plans[best].add(m.plan_id)
                slot_codes[best][(m.item, m.measure)] += 1
                sums[best] += self._vecs[i]   # the members' sum, in member order (untitled add zeros)
                if m.title_row >= 0:
                    v = sums[best]
                    centroids[best] = v / (np.linalg.norm(v) or 1.0)
        slots = []
        for members, codes, vec in zip(slot_members, slot_codes, centroids[:n_slots]):
            (item, measure), _ = codes.most_common(1)[0]
            titles = Counter(self.measures[j].title for j in members if self.measures[j].title)
            title = titles.most_common(1)[0][0] if titles else ""
            item_titles = Counter(self.measures[j].item_title for j in members if self.measures[j].item == item)
            agencies = frozenset(self.measures[j].agency for j in members)
            ref = MeasureRef(item=item, measure=measure, title=title,
                             item_title=item_titles.most_common(1)[0][0] if item_titles else "",
                             n_agencies=len(agencies))
            slots.append(MeasureSlot(ref, tuple(members), agencies, np.array(vec, dtype=np.float32)))
        slots.sort(key=lambda s: (code_order(s.ref.item, s.ref.measure), -s.ref.n_agencies, s.ref.title))
        return slots

    def by_code(self, item: str, measure: str) -> MeasureSlot | None:
        """The slot most agencies file under this code (the first such slot on a tie)."""
        return self.slot_of_code.get((item, measure))

    def best_for_vector(self, vec: np.ndarray, *, code: tuple[str, str] | None = None,
                        taken: set[int] | None = None) -> tuple[int, float] | None:
        """Index of the slot a title vector belongs to (same rule as grouping), with its lift."""
        if not self.slots:
            return None
        lifts = self.lift(np.stack([s.vector for s in self.slots]) @ vec)
        for s in np.argsort(-lifts, kind="stable"):
            if taken and int(s) in taken:
                continue
            ref = self.slots[s].ref
            need = SAME_CODE_LIFT if code and code[1] and (ref.item, ref.measure) == code else SAME_LIFT
            if lifts[s] >= need:
                return int(s), float(lifts[s])
            if lifts[s] < SAME_CODE_LIFT:
                break
        return None

    def known_codes(self, limit: int = 12) -> str:
        codes = [s.ref.code for s in self.slots if s.ref.measure]
        return ", ".join(codes[:limit]) + (" …" if len(codes) > limit else "")

    def resolve(self, measure: str, encode_title) -> MeasureSlot:
        """A code (``三(二)``) or a title → its slot; ``encode_title(text) -> vector`` embeds a title.

        Raises:
            InputError: the code is not in the corpus, or no measure title is close to the text.
        """
        code = parse_code(measure)
        if code is not None:
            slot = self.by_code(*code)
            if slot is None:
                raise InputError("--measure", key="suggest.measure_unknown", measure=measure, known=self.known_codes())
            return slot
        found = self.best_for_vector(encode_title(measure))
        if found is None:
            raise InputError("--measure", key="suggest.measure_no_title", measure=measure[:40], known=self.known_codes(3))
        return self.slots[found[0]]


def _baseline(vecs: np.ndarray, idx: list[int], sample: int = 2000) -> float:
    """Mean cosine between the distinct vectors among rows ``idx`` (a fixed sample on large corpora)."""
    if len(idx) < 2:
        return 0.0
    x = np.unique(vecs[idx], axis=0)
    if len(x) < 2:
        return 0.0
    if len(x) > sample:
        x = x[np.random.default_rng(0).choice(len(x), sample, replace=False)]
    g = x @ x.T
    n = len(x)
    mu = (g.sum() - np.trace(g)) / (n * (n - 1))
    return float(min(mu, 0.95))
