"""``svcsim dupes`` over a real store, with the hash encoder (no model download)."""

import csv
import io
import json

import pytest
from click.testing import CliRunner
from dupes_corpus import C_COPY, C_SRC, PLANS

from svcsim.cli.main import cli
from svcsim.store import Corpus


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("SVCSIM_DB", raising=False)
    monkeypatch.delenv("SVCSIM_MODEL", raising=False)
    path = tmp_path / "c.db"
    with Corpus.open(path, create=True) as c:
        for p in PLANS:
            c.add_plan(p)
    return str(path)


def test_json_lines_carry_both_sides_label_and_spans(db):
    r = CliRunner().invoke(cli, ["dupes", "--db", db, "--model", "hash", "--json", "--all"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and "\\u" not in r.stdout
    for d in rows:
        assert {"a", "b", "label", "template", "lexical", "semantic", "spans"} <= set(d)
        assert {"agency", "year", "file", "item", "measure", "n", "text"} <= set(d["a"])
        assert d["label"] in ("copy", "near_copy")
    c = next(d for d in rows if {d["a"]["text"], d["b"]["text"]} == {C_SRC, C_COPY})
    assert c["label"] == "copy" and c["a"]["agency"] == "甲局"
    a0, a1, b0, b1 = c["spans"][0]
    assert c["a"]["text"][a0:a1].startswith("每年檢討")


def test_cross_agency_only_and_csv(db):
    r = CliRunner().invoke(cli, ["dupes", "--db", db, "--model", "hash", "--csv", "--cross-agency-only"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and all(row["a_agency"] != row["b_agency"] for row in rows)
    assert json.loads(rows[0]["spans"])


def test_missing_db_is_one_clear_line(tmp_path):
    r = CliRunner().invoke(cli, ["dupes", "--db", str(tmp_path / "none.db"), "--model", "hash"])
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_template_pairs_are_counted_not_listed_unless_all(db):
    some = CliRunner().invoke(cli, ["--lang", "en", "dupes", "--db", db, "--model", "hash", "--json"])
    zh = CliRunner().invoke(cli, ["--lang", "zh", "dupes", "--db", db, "--model", "hash", "--json"])
    every = CliRunner().invoke(cli, ["dupes", "--db", db, "--model", "hash", "--json", "--all"])
    listed = [json.loads(line) for line in some.stdout.splitlines()]
    full = [json.loads(line) for line in every.stdout.splitlines()]
    assert not any(d["template"] for d in listed) and listed == [d for d in full if not d["template"]]
    n_template = sum(d["template"] for d in full)
    assert n_template and f"{n_template} pairs of template text not listed" in some.stderr
    assert f"{n_template} 對制式文字配對未列出" in zh.stderr and zh.stdout == some.stdout
