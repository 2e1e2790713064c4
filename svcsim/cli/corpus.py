"""``svcsim parse | ingest | plans | show``: reading plans into the corpus and looking at them."""

from __future__ import annotations

import click

from svcsim.cli.common import db_option, echo_json, json_option, open_corpus, progress_enabled, say
from svcsim.i18n import t, year


def _print_plan(plan) -> None:
    say(f"{plan.agency}  {year(plan.year, western=True)}  {plan.title}")
    for g in plan.goals:
        say(t("cli.show.goal", goal=g))
    for it in plan.items:
        say(f"{it.code}、{it.title}" if it.code != "0" else it.title)
        for m in it.measures:
            say(f"  {m.code}{m.title or t('cli.show.no_measure_title')}  [{' '.join(m.units)}]")
            for p in m.points:
                say(f"    {p.n}. {p.text}  [{' '.join(p.units)}]")


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the gold format, Chinese unescaped).")
def parse_cmd(file: str, as_json: bool) -> None:
    """Parse one plan FILE and print its items, measures and points."""
    from svcsim.ingest import parse_file

    plan = parse_file(file)
    if as_json:
        echo_json(plan.to_dict())
    else:
        _print_plan(plan)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@json_option
@click.option("--workers", type=int, default=None, envvar="SVCSIM_WORKERS",
              help="Processes that parse files (default: every core for a batch).")
def ingest_cmd(paths: tuple[str, ...], db: str | None, as_json: bool, workers: int | None) -> None:
    """Parse plan files (or folders of them) into the corpus database.

    Reads converted text (.txt/.md), PDF, Word (.docx/.doc), ODF (.odt) and HTML pages, telling
    the kind from each file's content. Each plan is written in its own transaction: a bad file is
    reported and skipped, the good ones are kept. Exit code 2 when any file was rejected.
    """
    from collections import Counter

    from svcsim.config import db_path
    from svcsim.ingest.files import PLAN_SUFFIXES
    from svcsim.ingest.into import read_plans

    target = db_path(db)
    created = not target.exists()
    with click.progressbar(length=0, label=t("cli.ingest.progress"), file=None if progress_enabled() else _Null()) as bar:
        def step(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        batch = read_plans(paths, workers=workers, progress=step)
    for f in batch.ignored:
        say(t("cli.ingest.not_read", path=f, kinds=' '.join(PLAN_SUFFIXES)), err=True)

    def report_rejected() -> None:
        for r in batch.rejected:
            if as_json:
                echo_json(r.to_dict())
            say(t("cli.ingest.rejected", path=r.path, reason=r.reason), err=True)

    if not batch.plans and batch.rejected:
        report_rejected()  # nothing to store: no database is created
        raise SystemExit(2)
    corpus = open_corpus(db, create=True)
    if created:
        click.echo(t("cli.ingest.created", path=target), err=True)
    with corpus:
        report = batch.store(corpus)
    if as_json:
        for r in report.files:
            if r.action != "rejected":
                echo_json(r.to_dict())
    report_rejected()
    counts, points = report.counts(), report.points()
    kinds = Counter(r.format for r in report.files if r.action != "rejected")
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    click.echo(
        t("cli.ingest.summary", plans_added=counts["added"], plans_replaced=counts["replaced"],
          plans_unchanged=counts["unchanged"], by_kind=by_kind or t("cli.ingest.no_kind"),
          points_added=points["added"], points_replaced=points["replaced"], points_unchanged=points["unchanged"],
          rejected=counts["rejected"], not_read=len(batch.ignored), path=target),
        err=True,
    )
    if batch.rejected:
        raise SystemExit(2)


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


@click.command("plans")
@db_option
@json_option
def plans_cmd(db: str | None, as_json: bool) -> None:
    """List the plans in the corpus."""
    with open_corpus(db, readonly=True) as corpus:
        plans = corpus.plans()
    for p in plans:
        if as_json:
            echo_json({"id": p.id, "agency": p.agency, "roc_year": p.roc_year, "year": p.year, "title": p.title,
                       "file": p.file, "path": p.path, "points": p.n_points, "content_hash": p.content_hash})
        else:
            say(t("cli.plans.row", id=f"{p.id:>4}", agency=p.agency, year=year(p.year, western=True),
                  points=f"{p.n_points:>4}", file=p.file))
    if not plans and not as_json:
        click.echo(t("cli.plans.none"), err=True)


@click.command("show")
@click.argument("plan")
@db_option
@json_option
def show_cmd(plan: str, db: str | None, as_json: bool) -> None:
    """Show one PLAN of the corpus (its id, file name, or 'AGENCY YEAR')."""
    with open_corpus(db, readonly=True) as corpus:
        p = corpus.get_plan(plan)
    if as_json:
        echo_json(p.to_dict())
    else:
        _print_plan(p)
