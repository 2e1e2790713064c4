"""What a user sees when things go wrong: one line, exit 2, the file and the fix; and no escapes or formulas."""

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from svcsim.cli.main import cli
from svcsim.index.corpus_index import index_dir
from svcsim.store import Corpus
from tests.helpers import make_plan

EVIL = "設置單一窗口\x1b]0;pwned\x07\x1b[2J\x1b[31m，提供\x9b1m一站式\u202e服務。\r"
FORMULA = '=HYPERLINK("http://evil.example","點此")設置單一窗口，提供民眾一站式服務。'


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path / "home"))  # its own models/: one test fakes the model
    monkeypatch.setenv("SVCSIM_MODEL", "hash")
    monkeypatch.setenv("SVCSIM_LANG", "en")  # these tests read the English wording of each error
    monkeypatch.delenv("SVCSIM_DB", raising=False)
    return tmp_path


def _db(tmp_path, *plans):
    path = tmp_path / "c.db"
    with Corpus.open(path, create=True) as c:
        for p in plans:
            c.add_plan(p)
    return path


def _fails_cleanly(result, *needles):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("svcsim: error: "), result.output
    assert "Traceback" not in result.output
    for n in needles:
        assert n in lines[0], lines[0]


def test_plans_on_a_foreign_sqlite_file_writes_nothing(env):
    path = env / "foreign.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (amount INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for cmd in (["plans"], ["show", "1"], ["search", "窗口"], ["dupes"], ["index"]):
        _fails_cleanly(CliRunner().invoke(cli, [*cmd, "--db", str(path)]), "foreign.sqlite", "not an svcsim corpus")
    assert path.read_bytes() == before and not (env / "foreign.sqlite-wal").exists()


def test_bad_hash_model_name(env, monkeypatch):
    _db(env, make_plan("甲局", 113))
    monkeypatch.setenv("SVCSIM_MODEL", "hash-abc")
    _fails_cleanly(CliRunner().invoke(cli, ["search", "窗口", "--db", str(env / "c.db")]), "hash-abc", "hash-DIM")


def test_new_db_under_a_path_that_is_a_file(env):
    (env / "notes.txt").write_text("x")
    plan = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "harbor_bureau_112.txt"
    r = CliRunner().invoke(cli, ["ingest", str(plan), "--db", str(env / "notes.txt" / "c.db")])
    assert r.exit_code == 2 and "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert "notes.txt is a file, not a folder" in r.output


def test_truncated_index_is_an_error_that_index_repairs(env):
    db = _db(env, make_plan("甲局", 113))
    r = CliRunner()
    assert r.invoke(cli, ["index", "--db", str(db)]).exit_code == 0
    d = index_dir(db)
    f = d / json.loads((d / "manifest.json").read_text())["file"]
    f.write_bytes(f.read_bytes()[:100])
    _fails_cleanly(r.invoke(cli, ["search", "單一窗口", "--db", str(db)]), "damaged", "svcsim index")
    fixed = r.invoke(cli, ["index", "--db", str(db)])
    assert fixed.exit_code == 0 and "rebuilt because" in fixed.output
    assert r.invoke(cli, ["search", "單一窗口", "--db", str(db)]).exit_code == 0


def test_old_index_of_a_deleted_db_is_not_used(env):
    db = _db(env, make_plan("甲局", 113))
    r = CliRunner()
    assert r.invoke(cli, ["index", "--db", str(db)]).exit_code == 0
    db.unlink()
    _db(env, make_plan("乙局", 114, points={("一", "(一)"): ["導入 AI 客服回覆常見問題。"]}))
    _fails_cleanly(r.invoke(cli, ["search", "AI 客服", "--db", str(db)]), "another corpus", "svcsim index")
    assert r.invoke(cli, ["index", "--db", str(db)]).exit_code == 0
    out = r.invoke(cli, ["search", "AI 客服", "--db", str(db), "--json"])
    assert out.exit_code == 0 and {json.loads(x)["agency"] for x in out.output.splitlines()} == {"乙局"}


def test_show_plans_search_strip_terminal_escapes(env):
    db = _db(env, make_plan("甲局\x1b[8m隱藏", 113, points={("一", "(一)"): [EVIL]}))
    r = CliRunner()
    assert r.invoke(cli, ["index", "--db", str(db)]).exit_code == 0
    for cmd in (["show", "1"], ["plans"], ["search", "單一窗口"], ["suggest", "設置單一窗口"]):
        out = r.invoke(cli, [*cmd, "--db", str(db)])
        assert out.exit_code == 0, out.output
        bad = [c for c in out.output if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c == "\u202e"]
        assert bad == [], (cmd, out.output)
    shown = r.invoke(cli, ["show", "1", "--db", str(db)]).output
    assert "設置單一窗口，提供一站式服務。" in shown and "pwned" not in shown


def test_json_keeps_the_text_exactly(env):
    db = _db(env, make_plan("甲局", 113, points={("一", "(一)"): [EVIL]}))
    out = CliRunner().invoke(cli, ["show", "1", "--db", str(db), "--json"])
    assert "\x9b" not in out.output and "\u202e" not in out.output
    texts = [p["text"] for it in json.loads(out.output)["items"] for m in it["measures"] for p in m["points"]]
    assert EVIL.strip() in [t.strip() for t in texts]


def test_dupes_csv_neutralises_formulas(env):
    db = _db(env, make_plan("甲局", 113, points={("一", "(一)"): [FORMULA]}),
             make_plan("乙局", 114, points={("一", "(一)"): [FORMULA]}))
    out = CliRunner().invoke(cli, ["dupes", "--csv", "--db", str(db)])
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    cells = [c for row in rows[1:] for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c[:1] in "=+-@\t\r" for c in cells if c)


def test_damaged_default_model_weights_are_detected(env, monkeypatch):
    from svcsim.embed.e5 import install as dm
    from svcsim.errors import ModelError

    def fake_convert(dest, source=None, *, progress=None):
        (dest / "model.safetensors").write_bytes(bytes(range(256)) * 64)
        (dest / "tokenizer.json").write_text("{}")
        return dest

    monkeypatch.setattr("svcsim.embed.e5.convert.convert", fake_convert)
    dest = dm.ensure_default_model(progress=False)
    weights = dest / "model.safetensors"
    with open(weights, "r+b") as fh:  # same size, a few bytes changed in place
        fh.seek(1000)
        fh.write(b"\xff\xff\xff\xff")
    with pytest.raises(ModelError, match="model.safetensors is damaged.*svcsim model install --force"):
        dm.ensure_default_model(progress=False)
    r = CliRunner().invoke(cli, ["model", "install", "--force"])
    assert r.exit_code == 0, r.output
    assert dm.ensure_default_model(progress=False) == dest and dm.damaged_files(dest) is None
