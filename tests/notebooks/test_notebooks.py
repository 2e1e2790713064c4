"""The research notebooks run top to bottom on the example corpus and draw their figures.

Executing them uses the real default model and a Jupyter kernel (``python3``; the ``ipykernel``
package installs its spec), so those tests are marked slow. The staleness check is fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXAMPLES = ROOT / "examples" / "plans"

# notebook → the least number of figures (PNG outputs) it must produce
FIGURES = {"01_corpus_overview.ipynb": 3, "02_copy_paste.ipynb": 3, "03_innovation_clusters.ipynb": 3}


def test_committed_notebooks_match_their_sources():
    out = subprocess.run([sys.executable, str(NOTEBOOKS / "build.py"), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.fixture(scope="module")
def corpus_env(tmp_path_factory):
    if not any(EXAMPLES.glob("*.txt")):
        pytest.skip("examples/plans is empty")
    return {"SVCSIM_DB": str(tmp_path_factory.mktemp("nb") / "examples.db"), "SVCSIM_PLANS": str(EXAMPLES),
            "SVCSIM_MODEL": "multilingual-e5-small"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_runs_and_draws(name, corpus_env, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.fail("no 'python3' Jupyter kernel; run `python -m ipykernel install --user`")
    for k, v in corpus_env.items():
        monkeypatch.setenv(k, v)  # the kernel inherits the environment: the notebook reads its settings there
    # the kernel starts in notebooks/; make the checkout importable even without `pip install -e .`
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, with the failing cell and traceback, on any error

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "a code cell did not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    pngs = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert pngs >= FIGURES[name], f"{name}: {pngs} figures, expected at least {FIGURES[name]}"
