"""Every command's ``--json`` names the same things the same way: an entry is always :meth:`Entry.to_dict`.

Each command runs through the installed entry point on a small corpus (the ``hash`` encoder), and
every object in its output that stands for a point or measure title (it has ``text`` and ``agency``)
must carry exactly the entry fields, plus the result's own fields; a plan is always
``file, agency, roc_year, year``. A command that drifts to its own field set fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from svcsim.model import Entry

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "plans"
SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed (pip install -e .)")

ENTRY_FIELDS = set(Entry(id=1, kind="point", agency="甲", year=2024, file="f", item="一", measure="(一)", n=1,
                         text="x").to_dict())


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("json")
    plans = home / "plans"
    plans.mkdir()
    for f in sorted(EXAMPLES.glob("*.txt"))[:4]:
        shutil.copy(f, plans / f.name)
    e = dict(os.environ, SVCSIM_MODEL="hash", SVCSIM_DB=str(home / "c.db"))
    for args in (["ingest", str(plans)], ["index"]):
        subprocess.run([SVCSIM, *args], env=e, check=True, capture_output=True, timeout=600)
    return e


def _json(env, *args) -> list:
    out = subprocess.run([SVCSIM, *args, "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, f"svcsim {' '.join(args)} --json → {out.returncode}\n{out.stderr}"
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert rows, f"svcsim {' '.join(args)} --json printed nothing"
    return rows


def _objects(value, path="$"):
    """Every dict inside ``value``, with where it sits."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _objects(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _objects(v, f"{path}[{i}]")


COMMANDS = {
    "dupes": ["dupes", "--all"],
    "innovations": ["innovations", "--top", "5"],
    "clusters": ["clusters"],
    "search": ["search", "線上申辦", "--k", "3"],
    "suggest": ["suggest", "民眾線上預約臨櫃服務", "--k", "3"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_entry_has_the_entry_fields(env, name):
    n_entries = 0
    for row in _json(env, *COMMANDS[name]):
        for where, obj in _objects(row):
            if "text" in obj and "agency" in obj:
                n_entries += 1
                missing = ENTRY_FIELDS - set(obj)
                assert not missing, f"{name} {where} lacks entry fields {sorted(missing)}: {sorted(obj)}"
    assert n_entries, f"{name} --json holds no entry to check"


def test_plans_and_ingest_name_plans_alike(env):
    plan_fields = {"file", "agency", "roc_year", "year"}
    listed = _json(env, "plans")
    ingested = _json(env, "ingest", str(EXAMPLES))
    for row in listed + ingested:
        assert plan_fields <= set(row), sorted(row)
    assert {r["file"] for r in listed} <= {r["file"] for r in ingested}


def test_pairs_sides_are_entries(env):
    row = _json(env, *COMMANDS["dupes"])[0]
    assert set(row["a"]) == set(row["b"]) == ENTRY_FIELDS
