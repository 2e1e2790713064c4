"""Which agency a user means: ``--agency 勞工局`` finds 高雄市政府勞工局, however it is written.

Agency names in plans carry the city (高雄市政府勞工局, 高雄市海濱區公所) and 臺/台 varies; users type
the short form. :func:`match_agency` tries, in order: the exact name, the same name after
normalising (臺→台, spaces and the city prefix dropped), a unique prefix, a unique substring. No
match, or several, is an error that lists the candidates, never a silent empty result.

>>> names = ["高雄市政府勞工局", "高雄市政府社會局", "高雄市海濱區公所"]
>>> match_agency("勞工局", names), match_agency("臺高雄市海濱區公所", ["台高雄市海濱區公所"])
('高雄市政府勞工局', '台高雄市海濱區公所')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from svcsim.errors import InputError
from svcsim.i18n import t

_CITY = re.compile(r"^(?:[臺台]?[\u4e00-\u9fff]{1,2}[市縣](?:政府)?)")


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("臺", "台")


def _short(name: str) -> str:
    """The name without its city prefix (高雄市政府勞工局 → 勞工局); unchanged when nothing is left."""
    n = _norm(name)
    rest = _CITY.sub("", n, count=1)
    return rest or n


def agencies_named(name: str, agencies: Iterable[str]) -> list[str]:
    """The agencies ``name`` may mean, by the first rule that finds any (exact, normalised, prefix,
    substring); empty when none does. :func:`match_agency` wants exactly one.

    >>> agencies_named("局", ["高雄市政府勞工局", "高雄市政府社會局"])
    ['高雄市政府勞工局', '高雄市政府社會局']
    """
    known = sorted(set(agencies))
    wanted = _norm(name)
    if not wanted:
        return []
    if name in known:
        return [name]
    short = _short(name)
    for test in (lambda a: _norm(a) == wanted or _short(a) in (wanted, short),
                 lambda a: _norm(a).startswith(wanted) or _short(a).startswith(wanted),
                 lambda a: wanted in _norm(a)):
        hits = [a for a in known if test(a)]
        if hits:
            return hits
    return []


def match_agency(name: str, agencies: Iterable[str], *, where: str = "--agency") -> str:
    """The one agency of ``agencies`` that ``name`` means.

    Raises:
        InputError: no agency matches (the closest names are listed) or several do (they are listed).
    """
    known = sorted(set(agencies))
    wanted = _norm(name)
    if not wanted:
        raise InputError(where, key="store.agency_empty")
    hits = agencies_named(name, known)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise InputError(where, key="store.agency_many", name=name, n=len(hits), hits="、".join(hits[:8]))
    close = difflib.get_close_matches(wanted, [_norm(a) for a in known], n=5, cutoff=0.3)
    by_norm = {_norm(a): a for a in known}
    hint = (t("store.agency_closest", names="、".join(by_norm[c] for c in close)) if close
            else t("store.agency_count", n=len(known)))
    raise InputError(where, key="store.agency_none", name=name, hint=hint)
