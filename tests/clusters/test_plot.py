"""plot_map: writes a PNG, picks a CJK font when installed, warns with a hint when not."""

from __future__ import annotations

import warnings

import numpy as np
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


@pytest.mark.parametrize("n, d", [(2000, 16), (12, 40)])  # many rows (sklearn: covariance solver) and few (full SVD)
def test_pca_is_sklearns_projection_with_its_signs(n, d):
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(n)
    x = (rng.normal(size=(n, d)) * np.linspace(3, 0.5, d) + 0.3).astype(np.float32)
    want = PCA(n_components=2, svd_solver="covariance_eigh" if n > 10 * d else "full").fit_transform(x)
    np.testing.assert_allclose(plot_mod.pca(x, 2), want, rtol=1e-3, atol=1e-3 * np.abs(want).max())


def test_weighted_pca_equals_repeating_the_rows():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 8)).astype(np.float32)
    w = rng.integers(1, 5, size=50)
    np.testing.assert_allclose(plot_mod.pca(x, 2, weights=w), plot_mod.pca(np.repeat(x, w, axis=0), 2)[np.cumsum(w) - 1],
                               atol=1e-4)


def test_map_of_a_corpus_equals_the_map_of_its_vectors(tmp_path, monkeypatch):
    from svcsim.embedded import EmbeddedCorpus
    from svcsim.model import Entry

    monkeypatch.setattr(plot_mod, "_installed_font_names", lambda: {"DejaVu Sans"})
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 6)).astype(np.float32)[rng.integers(0, 40, size=120)]  # repeated rows
    es = [Entry(id=i, kind="point", agency="甲", year=2024, file="a.txt", item="一", measure="(一)", n=i, text=str(i))
          for i in range(len(x))]
    labels = np.arange(len(x)) % 4 - 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = plot_map(x, labels, tmp_path / "a.png").read_bytes()
        b = plot_map(EmbeddedCorpus(es, x), labels, tmp_path / "b.png").read_bytes()
    assert a == b
