"""How concrete a point is: named systems, numbers, partners, and rarity across agencies.

Drafters asked for "the best, most concrete versions, not twenty copies of the boilerplate". A point
such as 「與高雄醫學大學合作，每季辦理2場長照諮詢」 names a partner and gives numbers; 「加強為民服務品質」
says nothing another agency could reuse. The score is a transparent weighted sum in [0, 1]:

    specificity = 0.30·named + 0.20·numbers + 0.15·partners + 0.25·rarity + 0.10·detail

* ``named``    — named systems, quoted names 「…」, Latin names/acronyms (APP, LINE, QR Code):
  ``min(1, count / 2)``.
* ``numbers``  — quantities (digits, or Chinese numerals followed by a unit such as 場/次/件/%):
  ``min(1, count / 2)``.
* ``partners`` — other organisations (大學, 協會, 基金會, 企業, 社區, 醫院…) or words of
  cooperation (合作, 結合, 攜手): ``min(1, count / 2)``.
* ``rarity``   — ``log(A / a) / log(A)`` with ``a`` the agencies using this text (or a copy of it)
  and ``A`` all agencies of the corpus: 1 for a text only one agency wrote, 0 for one all use.
  A point that merely copies its own measure title counts as used by all (the suggester's rule).
* ``detail``   — ``min(1, chars / 60)`` of the normalised text: a bare slogan is not a method.

The weights were set by reading the seed plans' points, not fitted; rarity is kept below the three
content signals together so an unusual but empty sentence does not win.

>>> round(specificity("與高雄醫學大學合作，每季辦理2場「長照諮詢」", n_agencies=1, total_agencies=10), 2)
0.68
>>> round(specificity("加強為民服務品質", n_agencies=10, total_agencies=10), 2)
0.01
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

WEIGHTS = {"named": 0.30, "numbers": 0.20, "partners": 0.15, "rarity": 0.25, "detail": 0.10}

_NAMED = re.compile(
    r"「[^」]{2,20}」|『[^』]{2,20}』|[A-Za-z][A-Za-z0-9@+\-]{1,}(?:\s?[A-Za-z0-9]+)*"
    r"|[\u4e00-\u9fff]{2,8}(?:系統|平台|平臺|專線|網站|專區|小幫手|資料庫|APP|App|app|地圖|帳號|機器人)"
)
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％)?|[一二三四五六七八九十百千兩]+(?:場|次|件|人|處|所|日|天|週|周|小時|個|項|年|月|季|梯|班|家|名|成)"
)
_PARTNER = re.compile(
    r"大學|學校|學院|協會|基金會|公會|企業|公司|社區|醫院|診所|銀行|團體|NGO|志工|警察|消防|里長|里辦公處|商圈|合作社"
    r"|合作|結合|攜手|協力|聯合|夥伴"
)
# Numbering left inside points ("第1次", years such as 113年) still counts: it is concrete. What we
# avoid counting is the template's own "1999" hotline only when it is the sole number — not worth a rule.


@dataclass(frozen=True)
class Specificity:
    """The parts of a specificity score (each in [0, 1]) and their weighted sum ``score``."""

    named: float
    numbers: float
    partners: float
    rarity: float
    detail: float

    @property
    def score(self) -> float:
        return (WEIGHTS["named"] * self.named + WEIGHTS["numbers"] * self.numbers
                + WEIGHTS["partners"] * self.partners + WEIGHTS["rarity"] * self.rarity
                + WEIGHTS["detail"] * self.detail)


def rarity(n_agencies: int, total_agencies: int) -> float:
    """``log(A / a) / log(A)``, clipped to [0, 1]; 1 when the corpus has a single agency."""
    if total_agencies <= 1:
        return 1.0
    a = min(max(n_agencies, 1), total_agencies)
    return math.log(total_agencies / a) / math.log(total_agencies)


def specificity_parts(text: str, *, n_agencies: int = 1, total_agencies: int = 1) -> Specificity:
    """The components of :func:`specificity` for one text."""
    named, numbers, partners, detail = _content(text)
    return Specificity(named=named, numbers=numbers, partners=partners,
                       rarity=rarity(n_agencies, total_agencies), detail=detail)


@lru_cache(maxsize=65536)
def _content(text: str) -> tuple[float, float, float, float]:
    # Cached: the same corpus texts are scored on every keystroke of a drafter.
    chars = sum(1 for c in text if c.isalnum())
    return (min(1.0, len(_NAMED.findall(text)) / 2), min(1.0, len(_NUMBER.findall(text)) / 2),
            min(1.0, len(_PARTNER.findall(text)) / 2), min(1.0, chars / 60))


def specificity(text: str, *, n_agencies: int = 1, total_agencies: int = 1) -> float:
    """Specificity in [0, 1] (formula in the module docstring)."""
    return specificity_parts(text, n_agencies=n_agencies, total_agencies=total_agencies).score
