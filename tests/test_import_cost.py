"""`import svcsim` and `svcsim --help` must stay cheap: no torch, faiss, jieba or sentence-transformers."""

import subprocess
import sys

HEAVY = ["torch", "numba", "faiss", "sentence_transformers", "jieba", "opencc", "sklearn", "transformers", "pandas", "matplotlib"]


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return {m for m in HEAVY if m in out}


def test_import_svcsim_is_cheap():
    assert _loaded_after("import svcsim, svcsim.model, svcsim.errors, svcsim.config") == set()


def test_cli_help_is_cheap():
    code = (
        "from click.testing import CliRunner\nfrom svcsim.cli.main import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\nassert 'ingest' in r.output"
    )
    assert _loaded_after(code) == set()
