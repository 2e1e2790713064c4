"""The architecture the folder tree promises, checked on the source: layers import downwards only.

Module-level and function-level imports both count (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "svcsim"
LIMIT_MODULE, LIMIT_CLASS = 400, 250


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = me.split(".")[: -node.level + (1 if path.name == "__init__.py" else 0) or None]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return {m for m in out if m == "svcsim" or m.startswith("svcsim.")}


GRAPH = {_module_name(p): _imports(p) for p in PKG.rglob("*.py")}
MODULES = set(GRAPH)


def _resolve(name: str) -> str | None:
    """The module an imported dotted name lives in (``svcsim.dupes.analyse`` → that module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _subpackage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("layer", ["dupes", "clusters"])
def test_analyses_import_neither_embed_nor_report(layer):
    bad = sorted((m, dep) for m, deps in GRAPH.items() if _subpackage(m) == layer
                 for dep in deps if _subpackage(dep) in ("embed", "report", "cli", "web"))
    assert bad == []


def test_store_never_calls_a_model():
    bad = sorted((m, d) for m, deps in GRAPH.items() if _subpackage(m) == "store" for d in deps
                 if _subpackage(d) in ("embed", "dupes", "clusters", "suggest", "report", "cli", "web"))
    assert bad == []


def test_no_import_cycle_between_subpackages():
    edges: dict[str, set[str]] = {}
    for m, deps in GRAPH.items():
        a = _subpackage(m)
        for d in deps:
            target = _resolve(d)
            b = _subpackage(target) if target else ""
            if a and b and a != b:
                edges.setdefault(a, set()).add(b)
    # depth-first search for a cycle
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        path.append(n)
        for k in sorted(edges.get(n, ())):
            if state.get(k) == 1:
                return path[path.index(k):] + [k]
            if k not in state and (c := visit(k)):
                return c
        state[n] = 2
        path.pop()
        return None

    for n in sorted(edges):
        if n not in state and (cycle := visit(n)):
            pytest.fail(f"import cycle between subpackages: {' → '.join(cycle)}")


def test_no_module_or_class_is_oversized():
    big = []
    for p in sorted(PKG.rglob("*.py")):
        src = p.read_text(encoding="utf-8")
        # the message catalogues are data, one message a line, kept whole so each language has one place
        if src.count("\n") > LIMIT_MODULE and p.parent.name != "i18n":
            big.append(f"{p.relative_to(PKG.parent)}: {src.count(chr(10))} lines")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > LIMIT_CLASS:
                big.append(f"{p.relative_to(PKG.parent)}: class {node.name} {node.end_lineno - node.lineno + 1} lines")
    assert big == []
