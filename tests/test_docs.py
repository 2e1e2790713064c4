"""The examples in the docstrings and in the README run, and say what they show.

Every module of the package is imported and its doctests run (``# doctest: +SKIP`` marks the few
that need a corpus of the reader's own). The README's Python example runs against
``examples/plans`` from the project root, with the bundled model (marked slow).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import svcsim

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
MODULES = sorted(m.name for m in pkgutil.walk_packages(svcsim.__path__, "svcsim.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in finder.find(module, name):  # each example sees its module's globals
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see above)"


def _readme_python() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    doctests = [b for b in blocks if b.lstrip().startswith(">>>")]
    assert doctests, "the README has no ```python block of >>> examples"
    return "\n".join(doctests)


@pytest.mark.slow
def test_readme_python_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(_readme_python(), {}, "README.md", str(ROOT / "README.md"), 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0, f"{result.failed} of {result.attempted} README examples failed"


def test_readme_example_is_one_import():
    code = _readme_python()
    imports = [line for line in code.splitlines() if re.match(r">>> (import|from) ", line)]
    assert imports == [">>> import svcsim"], imports
    assert "svcsim." in code
