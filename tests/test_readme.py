"""The README's two commands and .ci/run must not drift apart."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_ci_runs_the_readme_setup_and_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick, tests = _bash_blocks(readme)[:2]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup = quick.split(" && svcsim ")[0]
    assert setup.startswith("pip install torch==2.13.0")
    assert setup in ci
    assert tests in ci.splitlines()
    assert ci.index(setup) < ci.index(tests)
