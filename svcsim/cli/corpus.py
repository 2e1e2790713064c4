"""``svcsim parse | ingest | plans | show``: reading plans into the corpus and looking at them."""

from __future__ import annotations

import click

from svcsim.cli.common import db_option, echo_json, json_option, open_corpus, progress_enabled, say


def _print_plan(plan) -> None:
    say(f"{plan.agency}  {plan.roc_year}年 ({plan.year})  {plan.title}")
    for g in plan.goals:
        say(f"  目標: {g}")
    for it in plan.items:
        say(f"{it.code}、{it.title}" if it.code != "0" else it.title)
        for m in it.measures:
            say(f"  {m.code}{m.title or '（無措施標題）'}  [{' '.join(m.units)}]")
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
    from svcsim.ingest.batch import load_batch
    from svcsim.ingest.files import PLAN_SUFFIXES, scan_plan_files

    scan = scan_plan_files(paths)
    for f in scan.ignored:
        say(f"svcsim: not read {f}: not a plan file kind (reads {' '.join(PLAN_SUFFIXES)})", err=True)
    files = list(scan.files)
    order = {f: i for i, f in enumerate(files)}
    target = db_path(db)
    created = not target.exists()
    results = []
    with click.progressbar(length=len(files), label="parsing", file=None if progress_enabled() else _Null()) as bar:
        for r in load_batch(files, workers=workers):
            results.append(r)
            bar.update(1)
    results.sort(key=lambda r: order[r.path])
    rejected = [(str(r.path), r.error) for r in results if r.error is not None]
    parsed = [(r.path, r.plan, r.kind) for r in results if r.plan is not None]
    # one plan per agency and year: a second file claiming the same one in this batch is a conflict
    from svcsim.store.corpus import plan_key

    first: dict[str, str] = {}
    kept = []
    for f, plan, kind in parsed:
        k = plan_key(plan)
        if k in first:
            rejected.append((str(f), f"same agency and year as {first[k]} ({plan.agency} {plan.roc_year}); "
                                     "ingest it on its own to replace that plan"))
        else:
            first[k] = str(f)
            kept.append((f, plan, kind))
    parsed = kept
    if not parsed and rejected:
        for f, why in rejected:
            if as_json:
                echo_json({"file": f, "action": "rejected", "reason": why})
            say(f"svcsim: rejected {f}: {why}", err=True)
        raise SystemExit(2)
    corpus = open_corpus(db, create=True)
    if created:
        click.echo(f"svcsim: created corpus {target}", err=True)
    counts = {"added": 0, "replaced": 0, "unchanged": 0}
    points = {"added": 0, "replaced": 0, "skipped": 0}
    kinds: Counter[str] = Counter()
    with corpus:
        for f, plan, kind in parsed:
            out = corpus.add_plan(plan, path=str(f))
            counts[out.action] += 1
            kinds[kind] += 1
            if out.action == "unchanged":
                points["skipped"] += plan.n_points
            elif out.action == "replaced":
                points["replaced"] += plan.n_points
            else:
                points["added"] += plan.n_points
            if as_json:
                echo_json({"file": str(f), "action": out.action, "plan_id": out.plan_id, "agency": plan.agency,
                           "year": plan.year, "points": plan.n_points, "format": kind})
    for f, why in rejected:
        if as_json:
            echo_json({"file": f, "action": "rejected", "reason": why})
        say(f"svcsim: rejected {f}: {why}", err=True)
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    click.echo(
        f"plans: {counts['added']} added, {counts['replaced']} replaced, {counts['unchanged']} unchanged"
        f" (by format: {by_kind or 'none'}); "
        f"points: {points['added']} added, {points['replaced']} replaced, {points['skipped']} skipped; "
        f"files rejected: {len(rejected)}, not read: {len(scan.ignored)}  ({target})",
        err=True,
    )
    if rejected:
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
            say(f"{p.id:>4}  {p.agency}  {p.roc_year}  {p.n_points:>4} points  {p.file}")
    if not plans and not as_json:
        click.echo("no plans yet; add some with `svcsim ingest FILES`", err=True)


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
