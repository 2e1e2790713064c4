"""Read and check a ``POST /api/suggest`` body, once, at the edge: every bad body is a 4xx, never a 500.

What is refused, and why it used to crash: bytes that are not UTF-8, text that is not JSON, JSON
nested so deeply that the parser recurses out of stack, numbers with more digits than Python will
convert, ``null`` or a number where a string belongs, and lone surrogates (``"\\ud800"`` is valid
JSON but no valid text, and the UTF-8 encoding of the answer would fail on it).

>>> parse_suggest('{"draft": "設置單一窗口", "k": 3}'.encode())
SuggestRequest(draft='設置單一窗口', measure=None, agency=None, k=3)
>>> parse_suggest(b'{"draft": null}')
Traceback (most recent call last):
...
svcsim.web.body.BadBody: draft must be a string, got null; send e.g. {"draft": "設置單一窗口"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_NAME_CHARS = 200  # a measure title or an agency name; a longer one is not a name
_FIELDS = ("draft", "measure", "agency", "k")
_EXAMPLE = '{"draft": "設置單一窗口"}'
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadBody(Exception):
    """A request body that cannot be used; ``status`` is the HTTP status to answer with (400 or 422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SuggestRequest:
    """What the page asks for: the draft, and optionally the measure, the drafter's agency and ``k``."""

    draft: str
    measure: str | None
    agency: str | None
    k: int


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "an object"
    return "a string"


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def load_json(raw: bytes) -> Any:
    """``raw`` as UTF-8 JSON, or :class:`BadBody` (400) saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadBody(400, f"body is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                      f"send JSON encoded as UTF-8, e.g. {_EXAMPLE}") from None
    try:
        return json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise BadBody(400, f"body is JSON nested too deeply to read; send a flat object, e.g. {_EXAMPLE}") from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers over Python's digit limit
        raise BadBody(400, f"body is not valid JSON ({exc}); send e.g. {_EXAMPLE}") from None


def _string(data: dict, name: str, *, max_chars: int | None) -> str | None:
    v = data.get(name)
    if v is None and name != "draft":
        return None
    if not isinstance(v, str):
        raise BadBody(422, f"{name} must be a string, got {_json_type(v)}; send e.g. {_EXAMPLE}")
    bad = _SURROGATE.search(v)
    if bad:
        raise BadBody(422, f"{name} has a lone surrogate U+{ord(bad.group()):04X} at character {bad.start()}, "
                      "which is not text; send valid Unicode")
    if max_chars is not None and len(v) > max_chars:
        raise BadBody(422, f"{name} is {len(v)} characters, over the {max_chars} limit for a name or code")
    return v


def parse_suggest(raw: bytes) -> SuggestRequest:
    """The body of ``POST /api/suggest`` as a :class:`SuggestRequest`, or :class:`BadBody`.

    ``draft`` defaults to ``""`` and ``k`` to 5; an empty ``measure`` or ``agency`` means none.
    The draft's length and ``k``'s range are the suggester's to check (it says the limits).
    """
    data = load_json(raw)
    if not isinstance(data, dict):
        raise BadBody(422, "expected a JSON object such as {\"draft\": \"設置單一窗口\", \"measure\": \"一(二)\"}, "
                      f"got {_json_type(data)}")
    unknown = [k for k in data if k not in _FIELDS]
    if unknown:
        # ascii(): a key may itself hold a lone surrogate, which must not reach the JSON answer
        raise BadBody(422, f"unknown field {ascii(unknown[0])}; the fields are {', '.join(_FIELDS)}")
    data.setdefault("draft", "")
    draft = _string(data, "draft", max_chars=None)
    measure = _string(data, "measure", max_chars=MAX_NAME_CHARS) or None
    agency = _string(data, "agency", max_chars=MAX_NAME_CHARS) or None
    k = data.get("k", 5)
    if isinstance(k, bool) or not isinstance(k, int):
        raise BadBody(422, f"k must be an integer, got {_json_type(k)}; e.g. \"k\": 5")
    return SuggestRequest(draft=draft, measure=measure, agency=agency, k=k)
