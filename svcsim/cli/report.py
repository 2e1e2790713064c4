"""``svcsim report``: one self-contained HTML file (a skin over dupes.analyse + report.build_report)."""

from __future__ import annotations

import click

from svcsim.cli.common import (db_option, freeze_for_exit, load_encoder, model_option, open_corpus,
                               progress_enabled)


@click.command("report")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="HTML file to write.")
@db_option
@model_option
@click.option("--min-class", "min_class", type=click.Choice(("copy", "near_copy", "paraphrase", "related")),
              default="near_copy", show_default=True, help="Weakest class of pair to show side by side.")
@click.option("--max-pairs", default=2000, show_default=True, help="At most this many pairs per table.")
@click.option("--clusters/--no-clusters", default=True, show_default=True,
              help="Add the innovation ranking, the cluster table and the 2-D map of points.")
def report_cmd(out: str, db: str | None, model: str | None, min_class: str, max_pairs: int, clusters: bool) -> None:
    """Write an HTML report: plan originality, agency overlap, reused points side by side,
    innovative points and clusters of themes with a 2-D map."""
    from svcsim.analysis import Analysis
    from svcsim.embed.cache import embed_corpus
    from svcsim.gcpause import bulk
    from svcsim.i18n import t
    from svcsim.report import build_report, write_report

    encoder = load_encoder(model)
    extra = []
    # The collector paused for the whole command: it reads ~10⁶ objects (entries, stored results,
    # pairs) that hold no cycles, and its full passes over them were ~0.5 s of a 100k report.
    with bulk():
        with open_corpus(db) as corpus:
            with corpus.snapshot():
                embedded = embed_corpus(corpus, encoder, show_progress=progress_enabled())
                n_plans = len(corpus.plans())
            # stored in the corpus database: read when current, else computed once (one duplicate
            # scan, which innovation and the themes reuse) and kept for the next report
            analysis = Analysis.open(corpus, embedded, min_label=min_class)
            result = analysis.dupes()
            if clusters:
                from svcsim.analysis.artefacts import kept_bytes
                from svcsim.report.themes import theme_sections

                innovation = analysis.innovation()
                # the themes every other door shows (web page, svcsim clusters): one stored clustering;
                # the drawn map is kept beside the stored results, drawn again only when it would change
                extra = theme_sections(analysis.clusters(), innovation,
                                       keep_map=lambda key, draw: kept_bytes(analysis, "report-map", key, draw))
        n_points = len(analysis.points)  # of_kind("point") once, shared with the analyses
        subtitle = t("report.subtitle", plans=n_plans, points=n_points, titles=len(embedded) - n_points,
                     model=encoder.name)
        page = build_report(result, subtitle=subtitle, max_pairs=max_pairs, extra_sections=extra)
        freeze_for_exit()  # before the collector is back on: what the report read is not walked again
    path = write_report(out, page)
    click.echo(t("cli.report.written", pairs=len(result.pairs), plans=len(result.originality), path=path.resolve()),
               err=True)
