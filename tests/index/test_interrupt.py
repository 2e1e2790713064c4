"""Ctrl-C during `svcsim index` keeps every committed chunk; the next run embeds only the rest and
writes the same index as a run that was never interrupted (issue #14)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from svcsim.index.vectors import VectorIndex

ROOT = Path(__file__).resolve().parents[2]
SVCSIM = shutil.which("svcsim")
pytestmark = pytest.mark.skipif(SVCSIM is None, reason="the svcsim entry point is not installed")


def _cached(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:  # the table is created by the first write
        return 0


def _index(db: Path, model: str, env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([SVCSIM, "index", "--db", str(db), "--model", model], env=env, capture_output=True,
                          text=True, timeout=kw.get("timeout", 300))


def _interrupted_run(db: Path, model: str, env: dict, after: int) -> tuple[subprocess.CompletedProcess, int]:
    """Start `svcsim index`, send SIGINT once ``after`` vectors are committed; (result, committed at SIGINT)."""
    proc = subprocess.Popen([SVCSIM, "index", "--db", str(db), "--model", model], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    seen = 0
    while proc.poll() is None and time.monotonic() < deadline:
        seen = _cached(db)
        if seen >= after:
            proc.send_signal(signal.SIGINT)
            break
        time.sleep(0.002)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), seen


def _same_index(a: Path, b: Path) -> None:
    ia, ib = VectorIndex.load(a), VectorIndex.load(b)
    ids = ia.ids()
    assert ib.fingerprint == ia.fingerprint and ib.count == ia.count
    assert np.array_equal(np.sort(ids), np.sort(ib.ids()))
    q = np.stack([ia._index.reconstruct(int(i)) for i in ids[:50]])
    sa, fa = ia.search(q, 5)
    sb, fb = ib.search(q, 5)
    assert np.array_equal(fa, fb)
    assert np.allclose(sa, sb, atol=1e-5)


def _check_interrupt_and_resume(tmp_path: Path, sources: list[Path], model: str, chunk: int, after: int) -> None:
    env = {**os.environ, "SVCSIM_EMBED_CHUNK": str(chunk), "SVCSIM_LANG": "zh"}
    db = tmp_path / "c.db"
    subprocess.run([SVCSIM, "ingest", *map(str, sources), "--db", str(db)], env=env, check=True,
                   capture_output=True)
    whole = tmp_path / "whole" / "c.db"
    whole.parent.mkdir()
    shutil.copy(db, whole)

    for _ in range(3):  # the hash model is fast: if the run ended before the signal, start over
        res, seen = _interrupted_run(db, model, env, after)
        if res.returncode != 0:
            break
        for p in (db.with_name("c.index"), db):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()
        shutil.copy(whole, db)
    assert res.returncode == 130, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    m = re.search(r"已嵌入並存入快取 (\d+) 則（共缺 (\d+) 則）", lines[0])
    assert m, lines[0]
    committed, missing = int(m.group(1)), int(m.group(2))
    assert committed >= after and committed % chunk == 0 and committed < missing
    assert _cached(db) == committed  # what the message says is what the cache holds
    assert not (db.with_name("c.index") / "manifest.json").exists()  # no half-written index

    again = _index(db, model, env)
    assert again.returncode == 0, again.stderr
    m2 = re.search(r"本次嵌入 (\d+) 則、取自快取 (\d+) 則", again.stderr)
    assert m2 and (int(m2.group(1)), int(m2.group(2))) == (missing - committed, committed), again.stderr

    assert _index(whole, model, env).returncode == 0
    _same_index(db.with_name("c.index"), whole.with_name("c.index"))


def test_interrupted_index_resumes_with_the_hash_model(tmp_path):
    sources = [ROOT / "examples" / "plans", ROOT / "examples" / "native"]
    _check_interrupt_and_resume(tmp_path, sources, "hash", chunk=1, after=20)


@pytest.mark.slow
def test_interrupted_index_resumes_with_the_default_model(tmp_path):
    sources = [ROOT / "examples" / "plans" / "海濱區公所_113.txt", ROOT / "examples" / "plans" / "海濱區公所_114.txt"]
    _check_interrupt_and_resume(tmp_path, sources, "multilingual-e5-small", chunk=8, after=16)
