"""``svcsim index | search``: embeddings and semantic search."""

from __future__ import annotations

import sys

import click

from svcsim.cli.common import db_option, echo_json, json_option, load_encoder, model_option, open_corpus, progress_enabled, ref, say


@click.command("index")
@db_option
@model_option
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch (after changing model, or on a mismatch error).")
def index_cmd(db: str | None, model: str | None, rebuild: bool) -> None:
    """Embed every point and measure title (cached), update the FAISS index beside the corpus and prepare
    the drafting suggestions' tables."""
    from svcsim.embed.cache import EmbeddingInterrupted
    from svcsim.i18n import t
    from svcsim.index.corpus_index import update_index

    encoder = load_encoder(model)
    try:
        with open_corpus(db) as corpus:
            up = update_index(corpus, encoder, rebuild=rebuild, show_progress=progress_enabled())
            stats = corpus.stats()
            if up.added or up.rebuilt:
                _keep_suggestion_tables(corpus, encoder)
    except EmbeddingInterrupted as stop:  # Ctrl-C: every finished chunk is in the cache; say so in one line
        say(t("cli.index.interrupted", committed=stop.committed, missing=stop.missing,
              rest=stop.missing - stop.committed), err=True)
        sys.exit(130)
    if up.reason:
        say(t("cli.index.rebuilt_because", reason=up.reason.split(": ", 1)[-1]), err=True)
    say(
        t("cli.index.summary", count=up.count, kind=up.kind, points=stats["points"],
          titles=stats["measure_titles"], added=up.added, rebuilt=t("cli.index.rebuilt") if up.rebuilt else "",
          embedded=up.embedded, cached=up.cached, path=up.directory),
        err=True,
    )


def _keep_suggestion_tables(corpus, encoder) -> None:
    """Compute the drafting suggestions' tables now and keep them, so the first `svcsim suggest`
    (or the drafting page) after an ingest reads them instead of computing them (seconds at 100k)."""
    from svcsim.errors import StoreError
    from svcsim.i18n import t
    from svcsim.suggest.index import SuggestIndex

    try:
        SuggestIndex.load(corpus, encoder).keep(corpus)
    except StoreError as exc:  # the index is written; only the head start is lost
        say(t("cli.index.tables_kept_failed", error=exc), err=True)


@click.command("search")
@click.argument("text")
@click.option("-k", "--k", "k", default=10, show_default=True, help="How many results.")
@click.option("--agency", default=None, help="Only this agency.")
@click.option("--year", type=int, default=None, help="Only this year (Western or ROC).")
@db_option
@model_option
@json_option
def search_cmd(text: str, k: int, agency: str | None, year: int | None, db: str | None, model: str | None,
               as_json: bool) -> None:
    """Find the points closest in meaning to TEXT."""
    from svcsim.index.corpus_index import CorpusIndex

    from svcsim.store.agencies import match_agency

    encoder = load_encoder(model)
    with open_corpus(db, readonly=True) as corpus:
        if agency is not None:
            agency = match_agency(agency, (p.agency for p in corpus.plans()))
        hits = CorpusIndex.open(corpus, encoder).search(text, k=k, agency=agency, year=year)
    for h in hits:
        if as_json:
            echo_json(h.to_dict())
        else:
            say(f"{h.score:.3f}  {ref(h.entry)}  {h.entry.text}")
