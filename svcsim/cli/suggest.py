"""``svcsim suggest | check | serve``: the drafting assistant on the command line and in a browser."""

from __future__ import annotations

import click

from svcsim.cli.common import (
    db_option,
    echo_json,
    json_option,
    label,
    load_encoder,
    model_option,
    open_corpus,
    progress_enabled,
    ref,
    say,
)
from svcsim.i18n import t, year


def _suggester(corpus, model: str | None):
    from svcsim.errors import IndexMismatchError, StoreError
    from svcsim.suggest import Suggester

    encoder = load_encoder(model)
    with corpus.snapshot():  # the start-up read sees one state of the corpus, even during an ingest
        try:  # the usual case, an index `svcsim index` keeps current: read it once
            suggester = Suggester.load(corpus, encoder)
        except IndexMismatchError:  # none yet, or behind the corpus: bring it up to date first
            suggester = Suggester.build(corpus, encoder, show_progress=progress_enabled())
    # the suggestion tables, when this process had to compute them: the next one reads them
    try:
        suggester.index.keep(corpus)
    except StoreError as exc:  # this answer does not need them: say so, and answer
        say(t("cli.suggest.not_kept", error=exc), err=True)
    return suggester


@click.command("suggest")
@click.argument("text", default="")
@click.option("--measure", default=None, help="The measure being written: a code such as 三(二), or its title.")
@click.option("--agency", default=None, help="Your agency: its own points are not suggested.")
@click.option("-k", "--k", "k", default=5, show_default=True, help="How many suggestions.")
@db_option
@model_option
@json_option
def suggest_cmd(text: str, measure: str | None, agency: str | None, k: int, db: str | None, model: str | None,
                as_json: bool) -> None:
    """Suggest how other agencies wrote the 執行重點 TEXT (or, with only --measure, that measure's best examples).

    A draft that copies another agency's point is warned about on stderr
    (with --json, as one more object {"warning": ...}).
    """
    with open_corpus(db) as corpus:
        result = _suggester(corpus, model).suggest(text, measure=measure, agency=agency, k=k)
    if as_json:
        for s in result.suggestions:
            echo_json(s.to_dict())
        if result.warning:
            echo_json({"warning": result.warning.to_dict()})
        return
    if result.measure:
        say(t("cli.suggest.measure", code=result.measure.code, title=result.measure.title), err=True)
    for i, s in enumerate(result.suggestions, 1):
        used = t("cli.suggest.used_by", n=s.n_used) if s.n_used > 1 else ""
        say(f"{i}. {s.score:.3f}  {ref(s.entry)}{used}\n   {s.entry.text}")
    if result.warning:
        w = result.warning
        copied = "".join(f"「{text[a0:a1]}」" for a0, a1, _, _ in w.spans)
        say(t("cli.suggest.warning", message=w.message, copied=copied), err=True)


@click.command("check")
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False))
@db_option
@model_option
@json_option
def check_cmd(plan_file: str, db: str | None, model: str | None, as_json: bool) -> None:
    """List the standard measures PLAN_FILE lacks or fills only with copied template text."""
    from svcsim.ingest import parse_file
    from svcsim.suggest import check_plan

    plan = parse_file(plan_file)
    with open_corpus(db) as corpus:
        report = check_plan(plan, _suggester(corpus, model))
    if as_json:
        for f in report.findings:
            echo_json(f.to_dict())
        return
    say(t("cli.check.summary", file=plan_file, missing=len(report.missing), boilerplate=len(report.boilerplate),
          n_standard=report.n_standard, copied=len(report.copied_points)), err=True)
    if report.reference_years:
        say(t("cli.check.reference", years="、".join(year(y, western=True) for y in report.reference_years)), err=True)
    else:
        say(t("cli.check.reference_none"), err=True)
    for f in report.findings:
        what = t("cli.check.missing") if f.kind == "missing" else t("cli.check.boilerplate", measure=f.draft_measure)
        say(f"{what}  {f.measure.code} {f.measure.title}")
        for s in f.examples:
            say(t("cli.check.example", agency=s.entry.agency, text=s.entry.text))
    if report.copied_points:
        say(t("cli.check.copied_head", n=len(report.copied_points)))
    for c in report.copied_points:
        w, src = c.copy, c.copy.source
        mine = t("cli.ref.point", code=c.draft_measure, n=c.n) if c.n is not None else t("cli.ref.title", code=c.draft_measure)
        copied = "".join(f"「{c.text[a0:a1]}」" for a0, a1, _, _ in w.spans)
        say(t("cli.check.copied", label=label(w.label), where=mine, text=c.text, agency=src.agency,
              source=t("cli.ref.point", code=f"{src.item}{src.measure}", n=src.n) if src.n is not None
              else t("cli.ref.title", code=f"{src.item}{src.measure}"),
              year=year(src.year, western=True), source_text=src.text, copied=copied))


@click.command("serve")
@db_option
@model_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; anything but 127.0.0.1 exposes the corpus to the network.")
@click.option("--port", default=8765, show_default=True, type=int)
def serve_cmd(db: str | None, model: str | None, host: str, port: int) -> None:
    """Serve the drafting page at http://HOST:PORT/ (suggestions as you type, copy warnings)."""
    import uvicorn

    from svcsim.web import create_app
    from svcsim.web.workspace import Workspace, corpus_entries, stored_results

    corpus = open_corpus(db)
    suggester = _suggester(corpus, model)
    # the reviewer's pages read the analyses kept in the corpus database (computed once if absent),
    # of the same entries as every command (points and measure titles): the page shows their figures
    workspace = Workspace(corpus_entries(corpus.path, suggester.encoder), results=stored_results(corpus.path),
                          freeze=True)
    app = create_app(suggester, host=host, workspace=workspace)
    workspace.warm()  # the reviewer's pages are ready by the time someone opens them
    say(t("cli.serve.serving", host=host, port=port), err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        corpus.close()
