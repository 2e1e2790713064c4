"""Write the research notebooks (``*.ipynb``) from the cell sources below, with nbformat.

The notebooks are generated rather than hand-edited so that their code stays reviewable as plain
Python and a test can check the committed files are not stale. They are saved without outputs.

    python notebooks/build.py            # rewrite the three notebooks
    python notebooks/build.py --check    # exit 1 if a committed notebook differs from its source

Every notebook reads its settings from environment variables, with defaults for a reader who opens
it from ``notebooks/``: ``SVCSIM_DB`` (corpus; default: a new temp corpus), ``SVCSIM_PLANS`` (plans
ingested when the corpus is empty; default ``../examples/plans``), ``SVCSIM_MODEL`` (default
``multilingual-e5-small``, the bundled model; ``hash`` = the model-free lexical encoder; or a model path).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = r'''import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Image, display

import svcsim
from svcsim.report.plot import find_cjk_font

PLANS = Path(os.environ.get("SVCSIM_PLANS", "../examples/plans"))
DB = Path(os.environ.get("SVCSIM_DB") or Path(tempfile.mkdtemp(prefix="svcsim-nb-")) / "corpus.db")
MODEL = os.environ.get("SVCSIM_MODEL", "multilingual-e5-small")  # the bundled default model

# Chinese labels need a CJK font; without one matplotlib draws boxes (apt-get install fonts-noto-cjk).
FONT = find_cjk_font()
if FONT:
    plt.rcParams["font.family"] = FONT
    plt.rcParams["axes.unicode_minus"] = False
pd.set_option("display.max_colwidth", 80)

corpus = svcsim.open_corpus(DB)
if not corpus.plans():
    print(svcsim.ingest_paths(corpus, [PLANS]).counts())
print(f"corpus {DB}: {corpus.stats()}; CJK font: {FONT or 'none found'}")'''

ENCODER = r'''embedded = svcsim.embed_corpus(corpus, MODEL)   # vectors cached in the corpus database
points = embedded.of_kind("point")
print(f"{embedded}; {len(points)} points")'''


def overview() -> list:
    return [
        new_markdown_cell("# Corpus overview\n\nWhat is in the corpus: plans, agencies and years, how many "
                          "執行重點 each 執行要項 and 具體措施 holds, and which 執行單位 carry them. "
                          "Needs only the store (no model)."),
        new_code_cell(SETUP),
        new_markdown_cell("## Plans"),
        new_code_cell(r'''plans = pd.DataFrame([p.__dict__ for p in corpus.plans()])
plans[["id", "agency", "roc_year", "year", "file", "n_points"]]'''),
        new_code_cell(r'''entries = corpus.entries()
df = pd.DataFrame([{**e.to_dict(), "plan_id": e.plan_id, "units": list(e.units)} for e in entries])
pts = df[df["kind"] == "point"].copy()
pts["n_units"] = pts["units"].map(len)
print(f"{len(plans)} plans, {plans['agency'].nunique()} agencies, years {sorted(plans['year'].dropna().unique().tolist())}; "
      f"{len(pts)} points, {len(df) - len(pts)} measure titles")'''),
        new_markdown_cell("## Plans per year and agency"),
        new_code_cell(r'''per_year = plans.pivot_table(index="agency", columns="year", values="n_points", aggfunc="sum", fill_value=0)
ax = per_year.plot.barh(figsize=(8, 0.5 + 0.5 * len(per_year)), title="執行重點 per agency and year")
ax.set_xlabel("points")
plt.tight_layout()
plt.show()
per_year'''),
        new_markdown_cell("## Points per 執行要項 (item) and per 具體措施 (measure)"),
        new_code_cell(r'''by_item = (pts.groupby(["item", "item_title"]).size().rename("points").reset_index()
           .sort_values("points", ascending=False))
per_measure = pts.groupby(["plan_id", "item", "measure"]).size().rename("points")
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
by_item.set_index("item")["points"].plot.bar(ax=axes[0], rot=0, title="points per 執行要項 (all plans)")
per_measure.value_counts().sort_index().plot.bar(ax=axes[1], rot=0, title="具體措施 by number of points")
axes[1].set_xlabel("points in one measure")
axes[1].set_ylabel("measures")
plt.tight_layout()
plt.show()
per_measure.describe()'''),
        new_markdown_cell("## 執行單位 (units)"),
        new_code_cell(r'''units = pts.explode("units").dropna(subset=["units"])
top_units = units["units"].value_counts().head(15)
ax = top_units.iloc[::-1].plot.barh(figsize=(7, 5), title="most frequent 執行單位 (points carried)")
plt.tight_layout()
plt.show()
pts["n_units"].value_counts().sort_index().rename("points with this many units")'''),
    ]


def copy_paste() -> list:
    return [
        new_markdown_cell("# Copy-paste and boilerplate\n\nWhich plans are original, which agencies reuse "
                          "each other, one copied pair with its shared spans, and year-over-year reuse "
                          "within an agency. Uses `svcsim.dupes.analyse` and the tables of `svcsim.report.frames`."),
        new_code_cell(SETUP),
        new_code_cell(ENCODER),
        new_code_cell(r'''from svcsim.report.frames import copy_groups_frame, overlap_frame, pairs_frame

result = svcsim.dupes.analyse(embedded, min_label="paraphrase")
pairs = pairs_frame(result.pairs)
pairs.groupby(["label", "template", "cross_agency"]).size().rename("pairs").to_frame()'''),
        new_markdown_cell("## Originality per plan\n\nShare of a plan's points that are neither copied "
                          "(non-template copy/near copy of another plan) nor template text."),
        new_code_cell(r'''orig = result.to_frame("plans").sort_values("originality")
ax = orig.set_index("file")["originality"].plot.barh(figsize=(7, 0.4 + 0.4 * len(orig)), xlim=(0, 1),
                                                     title="originality per plan")
plt.tight_layout()
plt.show()
orig'''),
        new_markdown_cell("## Agency overlap\n\nRow agency's points found (copied, not template) in the "
                          "column agency's plans, as a share of the row agency's points."),
        new_code_cell(r'''ov = overlap_frame(result.overlap, share=True)
fig, ax = plt.subplots(figsize=(1.5 + 0.9 * len(ov), 1 + 0.8 * len(ov)))
im = ax.imshow(ov.values, cmap="Reds", vmin=0)
ax.set_xticks(range(len(ov.columns)), ov.columns, rotation=45, ha="right")
ax.set_yticks(range(len(ov.index)), ov.index)
for i in range(len(ov)):
    for j in range(len(ov)):
        ax.text(j, i, f"{ov.values[i, j]:.0%}", ha="center", va="center", fontsize=8)
fig.colorbar(im, ax=ax, label="share of row agency's points")
ax.set_title("agency overlap (non-template copies)")
plt.tight_layout()
plt.show()
overlap_frame(result.overlap)'''),
        new_markdown_cell("## One copied pair, highlighted\n\nThe strongest cross-agency pair that is not "
                          "template text; shared runs are marked in both texts (spans point into the "
                          "original text)."),
        new_code_cell(r'''import html

def marked(text, spans):
    out, pos = [], 0
    for s, e in sorted(spans):
        out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    return "".join(out + [html.escape(text[pos:])])

pool = [p for p in result.pairs if p.cross_agency and not p.template and p.label in ("near_copy", "copy")]
pool = pool or [p for p in result.pairs if p.cross_agency] or list(result.pairs)
if pool:
    p = pool[0]
    display(HTML(
        f"<p><b>{p.label}</b> — lexical {p.lexical:.2f}, cosine {p.semantic:.3f}</p>"
        f"<p>{html.escape(p.a.agency)} {p.a.year} {p.a.item}{p.a.measure}-{p.a.n}: {marked(p.a.text, [(s[0], s[1]) for s in p.spans])}</p>"
        f"<p>{html.escape(p.b.agency)} {p.b.year} {p.b.item}{p.b.measure}-{p.b.n}: {marked(p.b.text, [(s[2], s[3]) for s in p.spans])}</p>"))
else:
    print("no reuse pair in this corpus")'''),
        new_markdown_cell("## Year-over-year reuse within an agency"),
        new_code_cell(r'''yoy = result.to_frame("self_reuse")
if len(yoy):
    ax = yoy.pivot_table(index="agency", columns="year", values="share").plot.bar(
        figsize=(8, 4), ylim=(0, 1), title="share of points reused from the agency's previous plan")
    ax.set_ylabel("share")
    plt.tight_layout()
    plt.show()
yoy'''),
        new_markdown_cell("## Largest reuse clusters"),
        new_code_cell(r'''copy_groups_frame(result.clusters).head(10)'''),
    ]


def innovation() -> list:
    return [
        new_markdown_cell("# Innovation and clusters\n\nThemes of the points (clusters labelled with Chinese "
                          "keywords), how large each is per year, a 2-D map, and a ranking of the points "
                          "most likely to be new ideas."),
        new_code_cell(SETUP),
        new_code_cell(ENCODER),
        new_code_cell(r'''from svcsim.report.frames import cluster_sizes_by_year, clusters_frame
from svcsim.report.plot import plot_map

# points and measure titles, as svcsim report / innovations and the web page analyse them:
# the titles are the template a point is compared with (beyond_template)
dupes = svcsim.dupes.analyse(embedded, min_label="near_copy")      # template / copy signal
scores = svcsim.clusters.score_innovation(points, dupes=dupes)      # best first, each with its reasons
result = svcsim.clusters.cluster_corpus(points, innovation=scores)  # threshold "auto"
labels = np.asarray(result.labels)
print(f"{len(result.clusters)} clusters at cosine distance {result.threshold:.3f}; "
      f"{len(result.outliers)} of {len(points)} points in none")
clusters_frame(result).head(15)'''),
        new_markdown_cell("## Cluster sizes by year"),
        new_code_cell(r'''by_year = cluster_sizes_by_year(list(result.entries), labels)
top = by_year.loc[by_year.sum(axis=1).sort_values(ascending=False).index[:12]]
names = {cl.id: f"{cl.id}: {'、'.join(cl.keywords[:2])}" for cl in result.clusters}
ax = top.rename(index=names).plot.barh(stacked=True, figsize=(8, 5), title="largest clusters, points per year")
ax.invert_yaxis()
plt.tight_layout()
plt.show()
top'''),
        new_markdown_cell("## Innovation ranking\n\n`svcsim.clusters.score_innovation`: high when a point has no "
                          "close counterpart in other agencies' plans (novelty), is not template or copied text "
                          "(boilerplate, from `svcsim.dupes`), and is specific (rare words, named systems, "
                          "numbers, partners). Each score comes with its reasons."),
        new_code_cell(r'''rank = scores.to_frame()
rank[["rank", "score", "agency", "text", "reasons"]].head(15)'''),
        new_code_cell(r'''ax = rank["score"].plot.hist(bins=30, figsize=(6, 3), title="innovation scores")
ax.set_xlabel("score")
plt.tight_layout()
plt.show()'''),
        new_markdown_cell("## Map of the points\n\nA 2-D PCA projection of the embeddings, coloured by cluster."),
        new_code_cell(r'''map_png = plot_map(result.corpus.vectors, labels, Path(tempfile.mkdtemp()) / "map.png", cluster_labels=list(result.clusters),
                   title="points by cluster (PCA)")
display(Image(filename=str(map_png)))'''),
    ]


NOTEBOOKS = {
    "01_corpus_overview.ipynb": overview,
    "02_copy_paste.ipynb": copy_paste,
    "03_innovation_clusters.ipynb": innovation,
}


def build(name: str) -> nbformat.NotebookNode:
    nb = new_notebook(cells=NOTEBOOKS[name]())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"  # stable ids: regenerating gives identical files
    return nb


def main(argv: list[str]) -> int:
    stale = []
    for name in NOTEBOOKS:
        text = nbformat.writes(build(name)) + "\n"
        path = HERE / name
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"stale notebooks (run python notebooks/build.py): {', '.join(stale)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
