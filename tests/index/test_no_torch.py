"""Commands that need no new embedding never import torch (issue #14): the model's size and
fingerprint come from its files, cached vectors from the corpus, a query goes through numpy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs the CLI in this interpreter, then reports whether torch or sentence-transformers were imported.
_RUN = """
import sys
sys.argv = ["svcsim", *sys.argv[1:]]
from svcsim.cli.main import main
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"torch", "sentence_transformers", "transformers"})
sys.stderr.write(f"\\nEXIT {code} HEAVY {','.join(heavy) or '-'}\\n")
"""


def _run(*args: str, db: Path) -> tuple[int, str, str]:
    out = subprocess.run([sys.executable, "-c", _RUN, *args, "--db", str(db)], capture_output=True, text=True,
                         timeout=600)
    last = out.stderr.strip().splitlines()[-1].split()
    assert last[0] == "EXIT", out.stderr
    return int(last[1]), last[3], out.stderr


@pytest.mark.slow
def test_cached_commands_never_import_torch(tmp_path):
    db = tmp_path / "c.db"
    one = ROOT / "examples" / "plans" / "海濱區公所_113.txt"
    subprocess.run([sys.executable, "-m", "svcsim", "ingest", str(one), "--db", str(db)], check=True,
                   capture_output=True)
    code, heavy, err = _run("index", db=db)  # the first run embeds: torch may load (more than a query)
    assert code == 0, err
    for args in (["index"], ["dupes", "--json"], ["clusters"], ["innovations"], ["search", "設置單一窗口"],
                 ["suggest", "設置單一窗口，提供民眾便捷服務"], ["report", "--out", str(tmp_path / "r.html")]):
        code, heavy, err = _run(*args, db=db)
        assert code == 0, (args, err)
        assert heavy == "-", (args, heavy)
