"""svcsim — find boilerplate, copy-paste and innovation in Taiwanese 提升服務計畫 (service plans).

Importing this package is cheap: torch, sentence-transformers and faiss load only inside the
functions that need them.

>>> import svcsim
>>> plan = svcsim.parse_file("examples/plans/範例局_113.txt")   # doctest: +SKIP
>>> plan.agency, plan.year                                       # doctest: +SKIP
('高雄市政府範例局', 2024)
"""

from __future__ import annotations

from svcsim.errors import (
    IndexMismatchError,
    InputError,
    ModelError,
    PlanParseError,
    StoreError,
    SvcsimError,
)
from svcsim.model import Item, Measure, Plan, Point

__version__ = "0.1.0"

__all__ = [
    "Item",
    "Measure",
    "Plan",
    "Point",
    "SvcsimError",
    "InputError",
    "PlanParseError",
    "ModelError",
    "IndexMismatchError",
    "StoreError",
    "parse_file",
    "parse_text",
    "__version__",
]


def __getattr__(name: str):  # lazy re-exports keep `import svcsim` cheap
    if name in ("parse_file", "parse_text"):
        from svcsim import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module 'svcsim' has no attribute {name!r}")
