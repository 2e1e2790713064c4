"""The CLI skin: `svcsim suggest` text and JSON output, errors as one line and exit code 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fixture_plans import SPECIFIC, WINDOW, build_corpus
from svcsim.cli.main import cli
from svcsim.embed import HashEncoder


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "corpus.db"
    build_corpus(path, HashEncoder(dim=256)).close()
    return str(path)


def run(args):
    return CliRunner(env={"SVCSIM_LANG": "zh"}).invoke(cli, args, catch_exceptions=False)


def test_suggest_json_lines_with_warning_object(db):
    r = run(["suggest", WINDOW.format(self="本署"), "--agency", "高雄市政府甲局", "--db", db, "--model", "hash",
             "--json"])
    assert r.exit_code == 0, r.output
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    sugg = [o for o in objs if "warning" not in o]
    warn = [o for o in objs if "warning" in o]
    assert 1 <= len(sugg) <= 5 and len(warn) == 1
    for field in ("text", "agency", "year", "file", "item", "measure", "n", "score", "used_by"):
        assert field in sugg[0]
    assert warn[0]["warning"]["label"] == "near_copy"
    assert "本處" in r.stdout or "本所" in r.stdout or "本局" in r.stdout  # Chinese unescaped


def test_suggest_text_output_warns_on_stderr(db):
    r = run(["suggest", SPECIFIC["乙處"], "--agency", "高雄市政府甲局", "--db", db, "--model", "hash"])
    assert r.exit_code == 0
    assert r.stderr.startswith("警告：草稿與 高雄市政府乙處 ") and "完全相同" in r.stderr
    assert r.stdout.startswith("1. ")


def test_measure_only(db):
    r = run(["suggest", "--measure", "一(二)", "--k", "2", "--db", db, "--model", "hash", "--json"])
    assert r.exit_code == 0
    assert len(r.stdout.splitlines()) == 2


def test_bad_measure_is_one_line_exit_2(db):
    r = run(["suggest", "x", "--measure", "九(九)", "--db", db, "--model", "hash"])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "已知的代碼" in r.stderr


def test_check_reports_missing_measure_from_a_plan_file(db, tmp_path):
    import dataclasses

    from fixture_plans import plan_for
    from svcsim.synth.render import write_plan

    plan = dataclasses.replace(plan_for("甲局", 114, drop=("二(一)",)), agency="高雄市政府新局")
    path = tmp_path / "draft.txt"
    write_plan(plan, path, messy=False)
    r = run(["check", str(path), "--db", db, "--model", "hash", "--json"])
    assert r.exit_code == 0, r.output
    findings = [json.loads(line) for line in r.stdout.splitlines()]
    assert {"kind": "missing", "code": "二(一)"} in [{"kind": f["kind"], "code": f["measure"]["code"]} for f in findings]
