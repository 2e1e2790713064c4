"""plot_map: writes a PNG, picks a CJK font when installed, warns with a hint when not."""

from __future__ import annotations

import warnings

import pytest

from svcsim.clusters import PointClusterer, label_clusters
from svcsim.report import plot as plot_mod
from svcsim.report.plot import plot_map
from svcsim.errors import InputError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def fitted(corpus):
    entries, vecs = corpus
    labels = PointClusterer(distance_threshold=0.5).fit(vecs, keys=[e.text for e in entries]).labels_
    return vecs, labels, label_clusters(entries, labels, vecs)


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_writes_png(tmp_path, fitted, monkeypatch, method):
    monkeypatch.setattr(plot_mod, "_installed_font_names", lambda: {"Noto Sans CJK JP", "DejaVu Sans"})
    vecs, labels, cls = fitted
    out = plot_map(vecs, labels, tmp_path / "sub" / "map.png", method=method, cluster_labels=cls)
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert not list(out.parent.glob("*.tmp"))


def test_picks_installed_cjk_font_without_warning(tmp_path, fitted, monkeypatch):
    monkeypatch.setattr(plot_mod, "_installed_font_names", lambda: {"DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK TC"})
    assert plot_mod.find_cjk_font() == "Noto Sans CJK TC"  # preference order, not set order
    vecs, labels, _ = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_map(vecs, labels, tmp_path / "a.png")


def test_warns_with_install_hint_when_no_cjk_font(tmp_path, fitted, monkeypatch):
    monkeypatch.setattr(plot_mod, "_installed_font_names", lambda: {"DejaVu Sans"})
    assert plot_mod.find_cjk_font() is None
    vecs, labels, cls = fitted
    with pytest.warns(UserWarning, match="apt-get install fonts-noto-cjk"):
        out = plot_map(vecs, labels, tmp_path / "b.png", cluster_labels=cls)
    assert out.is_file()


def test_font_choice_does_not_leak(tmp_path, fitted, monkeypatch):
    import matplotlib

    before = list(matplotlib.rcParams["font.family"])
    monkeypatch.setattr(plot_mod, "_installed_font_names", lambda: {"Noto Sans CJK TC"})
    vecs, labels, _ = fitted
    plot_map(vecs, labels, tmp_path / "c.png")
    assert list(matplotlib.rcParams["font.family"]) == before


def test_bad_arguments(tmp_path, fitted):
    vecs, labels, _ = fitted
    with pytest.raises(InputError, match="'pca' or 'tsne'"):
        plot_map(vecs, labels, tmp_path / "x.png", method="umap")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="ending in .png"):
        plot_map(vecs, labels, tmp_path / "x.svg")
    with pytest.raises(InputError, match="one label per row"):
        plot_map(vecs, labels[:-1], tmp_path / "x.png")


def test_plot_map_leaves_the_backend_alone(tmp_path):
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('svg')\n"
        "import numpy as np\nfrom svcsim.report.plot import plot_map\n"
        "x = np.random.default_rng(0).normal(size=(30, 8)).astype('float32')\n"
        f"plot_map(x, np.arange(30) % 3, r'{tmp_path / 'm.png'}')\n"
        "import matplotlib.pyplot as plt\nassert matplotlib.get_backend() == 'svg', matplotlib.get_backend()\n"
        "assert plt.get_fignums() == []\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (tmp_path / "m.png").stat().st_size > 1000
