"""``svcsim innovations`` and ``svcsim clusters``: skins over :mod:`svcsim.clusters`."""

from __future__ import annotations

import click

from svcsim.cli.common import db_option, echo_json, json_option, load_encoder, model_option, open_corpus, progress_enabled, ref, say
from svcsim.i18n import t, year


def _stored(db: str | None, model: str | None, use):
    """``use(analysis)`` on the corpus's stored analysis (points and measure titles, near copies and
    closer: the one ``svcsim report``, ``dupes`` and the web page read; the titles are the template
    innovation compares with): read from the corpus database when current, else computed and kept."""
    from svcsim.analysis import Analysis
    from svcsim.embed.cache import embed_corpus

    encoder = load_encoder(model)
    with open_corpus(db) as corpus:
        with corpus.snapshot():
            embedded = embed_corpus(corpus, encoder, show_progress=progress_enabled())
        return use(Analysis.open(corpus, embedded, min_label="near_copy"))


@click.command("innovations")
@db_option
@model_option
@click.option("--top", "top", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many points to list (best first).")
@json_option
def innovations_cmd(db: str | None, model: str | None, top: int, as_json: bool) -> None:
    """Rank the most innovative points: no counterpart in other agencies, not boilerplate, specific.

    Each point shows its score in [0, 1] and the reasons behind it.
    """
    scores = _stored(db, model, lambda a: a.innovation())
    rows = scores.to_dicts()
    for rank, s in enumerate(scores[:top], start=1):
        if as_json:
            echo_json(rows[rank - 1])
        else:
            say(f"{rank:>3}. {s.score:.3f}  {ref(s.entry)}\n     {s.entry.text}\n     " + "；".join(s.reasons))
    say(t("cli.innovations.summary", shown=min(top, len(scores)), total=len(scores)), err=True)


@click.command("clusters")
@db_option
@model_option
@click.option("--method", type=click.Choice(["agglomerative", "hdbscan"]), default="agglomerative", show_default=True,
              help="Clustering method.")
@click.option("--innovative-only", "innovative_only", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              is_flag=False, flag_value=0.2, metavar="[SHARE]",
              help="Cluster only the most innovative points (default share when given alone: 0.2 = top 20 %).")
@click.option("--assign-outliers", is_flag=True, help="Give each outlier its nearest cluster (still listed as outliers on stderr).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), default=None, metavar="PATH.png",
              help="Also write a 2-D map of the clusters to this PNG.")
@json_option
def clusters_cmd(db: str | None, model: str | None, method: str, innovative_only: float | None,
                 assign_outliers: bool, map_path: str | None, as_json: bool) -> None:
    """Cluster points into themes labelled with Chinese keywords, largest first.

    Points in no cluster are outliers (id -1 in --json), unless --assign-outliers.
    """
    from pathlib import Path

    result = _stored(db, model, lambda a: a.clusters(method=method, innovative_only=innovative_only,
                                                      assign_outliers=assign_outliers))
    if as_json:
        for obj in result.to_dicts():
            echo_json(obj)
    else:
        for obj in result.to_dicts():
            head = t("cli.clusters.outliers") if obj["id"] == -1 else f"#{obj['id']} {'、'.join(obj['keywords'])}"
            years = "、".join(year(y) for y in obj["years"]) or year(None)
            say(t("cli.clusters.row", head=head, size=obj["size"], agencies=len(obj["agencies"]), years=years))
            if obj["representative"]:
                say(f"    {obj['representative']}")
    if map_path:
        from svcsim.report.plot import plot_map

        written = plot_map(result.corpus.vectors, list(result.labels), Path(map_path), cluster_labels=result.clusters)
        say(t("cli.clusters.map", path=written.resolve()), err=True)
    say(t("cli.clusters.summary", n=len(result.clusters), outliers=len(result.outliers),
          assigned=t("cli.clusters.assigned") if assign_outliers else "", points=len(result.entries),
          method=method, threshold=result.threshold), err=True)
