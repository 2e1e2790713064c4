"""``svcsim dupes``: list reused points and measure titles (a skin over :func:`svcsim.dupes.iter_pairs`).

Pairs are streamed: a sentence carried by N plans is N² pairs, so nothing here holds the list.
"""

from __future__ import annotations

import click

from svcsim.cli.common import db_option, echo_json, label, load_encoder, model_option, open_corpus, progress_enabled, ref, say
from svcsim.i18n import t

_LABELS = ("copy", "near_copy", "paraphrase", "related")
_CSV_COLUMNS = ("label", "template", "lexical", "semantic",
                *(f"{s}_{f}" for s in "ab" for f in ("kind", "agency", "year", "file", "item", "measure", "n", "text")),
                "spans")


@click.command("dupes")
@db_option
@model_option
@click.option("--min-class", "min_class", type=click.Choice(_LABELS), default="near_copy", show_default=True,
              help="Weakest class to list (copy > near_copy > paraphrase > related).")
@click.option("--cross-agency-only", is_flag=True, help="Skip pairs within one agency (repeats, self-reuse).")
@click.option("--json", "fmt", flag_value="json", help="One JSON object per line (Chinese unescaped).")
@click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row; spans as JSON.")
@click.option("--all", "show_all", is_flag=True,
              help="Also list the pairs of template text (by default they are counted by group, not listed).")
def dupes_cmd(db: str | None, model: str | None, min_class: str, cross_agency_only: bool, fmt: str | None,
              show_all: bool) -> None:
    """List copied, near-copied and paraphrased points, strongest first.

    Each pair's first side is the earlier plan (the likely source); spans are
    [a_start, a_end, b_start, b_end] offsets into the two original texts.
    """
    from svcsim.analysis import Analysis
    from svcsim.embed.cache import embed_corpus

    encoder = load_encoder(model)
    with open_corpus(db) as corpus:
        with corpus.snapshot():
            embedded = embed_corpus(corpus, encoder, show_progress=progress_enabled())
        # read from the corpus database when stored for this corpus state, else computed and kept
        result = Analysis.open(corpus, embedded, min_label=min_class).dupes()
    if show_all:
        pairs, skipped = (p for p in result.pairs if p.cross_agency or not cross_agency_only), [0]
    elif not cross_agency_only:  # template blocks skipped whole and counted, never expanded
        from svcsim.dupes.listing import without_template

        pairs, skipped = without_template(result.pairs)
    else:
        skipped = [0]  # template pairs not listed

        def wanted(stream):
            for p in stream:
                if not p.cross_agency:
                    continue
                if p.template:
                    skipped[0] += 1
                else:
                    yield p

        pairs = wanted(result.pairs)
    n = 0
    if fmt == "json":
        for n, p in enumerate(pairs, 1):  # noqa: B007 - n counts what was written
            echo_json(p.to_dict())
    elif fmt == "csv":
        n = _write_csv(pairs)
    else:
        for n, p in enumerate(pairs, 1):  # noqa: B007 - n counts what was written
            tag = f"{label(p.label)}{t('cli.dupes.template_tag') if p.template else ''}"
            say(t("cli.dupes.row", label=tag, lexical=p.lexical, semantic=p.semantic, a=ref(p.a), b=ref(p.b))
                + f"\n    {p.a.text}\n    {p.b.text}")
    if skipped[0]:
        say(t("cli.dupes.template_hidden", n=skipped[0]), err=True)
    n_points = len(embedded.of_kind("point"))
    say(t("cli.dupes.summary", n=n, min_class=min_class, points=n_points, titles=len(embedded) - n_points), err=True)


def _write_csv(pairs) -> int:
    import csv
    import json
    import sys

    w = csv.writer(sys.stdout)
    w.writerow(_CSV_COLUMNS)
    n = 0
    for n, p in enumerate(pairs, 1):  # noqa: B007 - n counts what was written
        d = p.to_dict()
        w.writerow([csv_cell(v) for v in (
            d["label"], d["template"], d["lexical"], d["semantic"],
            *(d[s][f] for s in "ab" for f in ("kind", "agency", "year", "file", "item", "measure", "n", "text")),
            json.dumps(d["spans"]))])
    return n


def csv_cell(value):
    r"""A CSV value a spreadsheet shows as text: a string starting with = + - @ (or tab/CR, which
    some strip before them) would run as a formula, e.g. =HYPERLINK(...), so it gets a leading '.

    >>> csv_cell('=HYPERLINK("http://x")'), csv_cell("設置單一窗口"), csv_cell(0.5)
    ('\'=HYPERLINK("http://x")', '設置單一窗口', 0.5)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
