"""Reliability under kills, concurrency and damage: prints ONE table.

    python benchmarks/reliability.py                 # default run, ~5-10 min on 2 cores
    python benchmarks/reliability.py --kills 10      # quicker smoke run

Rows:
* ``kill -9 ingest``: ``svcsim ingest`` (the installed entry point) killed at random times; after each
  kill the database is checked: every plan complete (its entries match its stored JSON and point
  count), no plan committed before the kill missing. Data lost = lost or partial plans.
* ``kill -9 index``: ``svcsim index`` killed at random times while embedding a corpus of ~20k texts;
  committed embedding chunks must survive the kill and be reused by the next run. Data lost =
  cached vectors that disappeared, plus texts embedded again after being committed.
* ``readers during writes``: ``svcsim search`` / ``svcsim plans`` run while ingests and index
  updates write. Failure = a crash (traceback, or an exit code other than 0 and 2); the clean
  "index is behind, run svcsim index" errors are counted in the notes, not as failures.
* ``damaged state``: each case of issue 12 (foreign index, truncated/edited/garbled index files,
  foreign SQLite file, bad model name, damaged model weights, NaN vectors, full disk, races...).
  Failure = a traceback or an unclear error; data lost = a silent wrong answer (exit 0 where the
  state was wrong).
* ``evasion <kind>``: copies planted under each evasion of issue 12 (``benchmarks/evasion.py``).
* ``fuzz <reader>``: ≥ 10,000 mutated documents per reader (:func:`fuzz_readers`, ``benchmarks/_fuzz.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "plans"
SVCSIM = shutil.which("svcsim") or "svcsim"


@dataclass
class Row:
    name: str
    tried: int = 0          # inputs / runs tried
    faults: int = 0         # faults injected (kills, concurrent writes, damaged states)
    failures: int = 0       # crashes, tracebacks, unclear errors
    lost: int = 0           # lost or partial plans, lost work, silent wrong answers
    notes: list[str] = field(default_factory=list)


def run(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([SVCSIM, *args], env=env, capture_output=True, text=True, timeout=timeout)


def crashed(p: subprocess.CompletedProcess) -> bool:
    return "Traceback" in p.stderr or p.returncode not in (0, 2)


def clean_error(p: subprocess.CompletedProcess, *needles: str) -> bool:
    lines = [x for x in p.stderr.splitlines() if x.startswith("svcsim: error: ")]
    return p.returncode == 2 and "Traceback" not in p.stderr and len(lines) == 1 and all(n in lines[0] for n in needles)


def kill_at_random(args: list[str], env: dict, rng: random.Random, upto: float) -> bool:
    """Start ``svcsim ARGS`` in its own process group and SIGKILL the group at a random time; True if killed."""
    p = subprocess.Popen([SVCSIM, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.wait(timeout=rng.uniform(0.05, upto))
        return False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return True


# -- plans -----------------------------------------------------------------------------------------
def make_plan_files(folder: Path, copies: int) -> list[Path]:
    """``copies`` renamed variants of every example plan (another agency name each)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(EXAMPLES.glob("*.txt")):
        agency, year = src.stem.rsplit("_", 1)
        text = src.read_text(encoding="utf-8")
        for i in range(copies):
            name = f"{agency}{i:02d}"
            dst = folder / f"{name}_{year}.txt"
            dst.write_text(text.replace(agency, name), encoding="utf-8")
            out.append(dst)
    return out


def db_state(db: Path) -> tuple[dict[str, str], list[str]]:
    """plan_key → content hash of complete plans, and the keys of partial ones."""
    if not db.exists():
        return {}, []
    conn = sqlite3.connect(db, timeout=30)  # read-write only so that a killed writer's hot journal rolls back
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "plans" not in tables:
            return {}, []
        complete, partial = {}, []
        for pid, key, h, n_points, plan_json in conn.execute(
                "SELECT id, plan_key, content_hash, n_points, plan_json FROM plans"):
            texts = [r[0] for r in conn.execute(
                "SELECT text FROM entries WHERE plan_id = ? AND kind = 'point' ORDER BY ord", (pid,))]
            plan = json.loads(plan_json)
            want = [p["text"] for it in plan["items"] for m in it["measures"] for p in m["points"]]
            (complete.__setitem__(key, h) if texts == want and len(texts) == n_points else partial.append(key))
        return complete, partial
    finally:
        conn.close()


def bench_kill_ingest(work: Path, env: dict, kills: int, rng: random.Random) -> Row:
    row = Row("kill -9 ingest")
    files = make_plan_files(work / "plans", 25)
    db = work / "ingest.db"
    e = {**env, "SVCSIM_DB": str(db)}
    start = time.perf_counter()
    p = run(["ingest", str(work / "plans"), "--workers", "1"], e, timeout=600)
    full = time.perf_counter() - start
    assert p.returncode == 0, p.stderr
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    before: dict[str, str] = {}
    while row.faults < kills:
        row.tried += 1
        if kill_at_random(["ingest", str(work / "plans"), "--workers", "1"], e, rng, full * 1.1):
            row.faults += 1
        after, partial = db_state(db)
        row.lost += len(partial) + sum(1 for k in before if k not in after)
        if len(after) == len(files) or rng.random() < 0.15:  # start again from nothing, so kills also hit creation
            for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                f.unlink(missing_ok=True)
            after = {}
        before = after
    p = run(["ingest", str(work / "plans"), "--workers", "1"], e, timeout=600)
    final, partial = db_state(db)
    row.tried += 1
    row.failures += crashed(p) or p.returncode != 0
    row.lost += len(partial) + (len(files) - len(final))
    row.notes.append(f"{len(files)} plan files, one uninterrupted run {full:.1f} s")
    return row


def bench_kill_index(work: Path, env: dict, kills: int, rng: random.Random) -> Row:
    row = Row("kill -9 index")
    sys.path.insert(0, str(ROOT))
    from svcsim.model import Item, Measure, Plan, Point
    from svcsim.store import Corpus

    db = work / "index.db"
    words = "建立 服務 流程 民眾 申辦 線上 窗口 檢討 公開 資訊 意見 回覆 機關 業務 系統 簡化 表單 滿意度 便民 措施".split()
    texts = 0
    with Corpus.open(db, create=True) as c:
        for a in range(120):
            points = tuple(Point(n + 1, f"{a}-{n}：" + "".join(rng.choice(words) for _ in range(12)) + "。", ("秘書室",))
                           for n in range(160))
            texts += len(points)
            c.add_plan(Plan(file=f"局{a}_113.txt", agency=f"局{a}", roc_year=113, title="計畫", goals=(),
                            items=(Item(code="一", title="項目", measures=(Measure(code="(一)", title="措施", points=points, units=("秘書室",)),)),),
                            content_hash=f"h{a}"))
    e = {**env, "SVCSIM_DB": str(db), "SVCSIM_MODEL": "hash-256"}
    start = time.perf_counter()
    p = run(["index"], e, timeout=600)
    full = time.perf_counter() - start
    assert p.returncode == 0, p.stderr

    def cached() -> int:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        finally:
            conn.close()

    def reset() -> None:
        with sqlite3.connect(db, timeout=30) as conn:
            conn.execute("DELETE FROM embeddings")

    reset()
    resumed = kept_chunks = 0
    while row.faults < kills:
        have = cached()
        row.tried += 1
        killed = kill_at_random(["index"], e, rng, full * 1.2)
        now = cached()
        row.lost += max(0, have - now)  # committed vectors must survive the kill
        if killed:
            row.faults += 1
            kept_chunks += now > have
        if now >= texts or not killed:
            p = run(["index"], e)  # finish; it must embed only what the killed runs left
            row.tried += 1
            row.failures += crashed(p) or p.returncode != 0
            msg = p.stderr
            if "embedded " in msg:
                total = int(msg.split("index: ")[1].split(" texts")[0])
                embedded = int(msg.split("embedded ")[1].split(",")[0])
                row.lost += max(0, embedded - (total - now))  # embedding committed texts again = lost work
                resumed += now > 0
            s = run(["search", "服務流程", "-k", "1"], e)
            row.failures += s.returncode != 0
            reset()
    p = run(["index"], e)  # after the last kill: the next run must clean what the killed saves left
    row.tried += 1
    row.failures += crashed(p) or p.returncode != 0
    orphans = [f.name for f in work.iterdir() if f.name.startswith(".index.index.") and f.is_dir()]
    left = [f.name for f in (work / "index.index").iterdir() if f.name not in ("manifest.json", ".lock")
            and not f.name.startswith("index-")] if (work / "index.index").exists() else []
    row.notes.append(f"{texts} texts, one uninterrupted run {full:.1f} s; {kept_chunks} kills kept new chunks, "
                     f"{resumed} finishing runs resumed from them; temp files left: {len(orphans) + len(left)}")
    row.failures += len(orphans) + len(left)
    return row


def bench_readers(work: Path, env: dict, seconds: float, rng: random.Random) -> Row:
    row = Row("readers during writes")
    folder = work / "rw_plans"
    make_plan_files(folder, 3)
    db = work / "rw.db"
    e = {**env, "SVCSIM_DB": str(db), "SVCSIM_MODEL": "hash"}
    run(["ingest", str(folder), "--workers", "1"], e, timeout=600)
    run(["index"], e)
    stop = time.monotonic() + seconds
    writes = [0]

    def writer() -> None:
        i = 0
        while time.monotonic() < stop:
            i += 1
            for f in folder.glob("*.txt"):  # change every plan a little: replaced plans, new texts
                t = f.read_text(encoding="utf-8")
                f.write_text(t.replace("民眾", f"民眾{i % 7}", 1) if i % 2 else t.replace(f"民眾{(i - 1) % 7}", "民眾", 1),
                             encoding="utf-8")
            run(["ingest", str(folder), "--workers", "1"], e, timeout=600)
            run(["index"], e)
            writes[0] += 2

    t = threading.Thread(target=writer)
    t.start()
    behind = 0
    while time.monotonic() < stop:
        cmd = rng.choice([["search", "單一窗口", "-k", "3"], ["plans"], ["search", "線上申辦", "--json"]])
        p = run(cmd, e)
        row.tried += 1
        if crashed(p):
            row.failures += 1
            row.notes.append(p.stderr.strip().splitlines()[-1][:100])
        elif p.returncode == 2:
            behind += "behind" in p.stderr
            row.failures += not clean_error(p)
    t.join()
    row.faults = writes[0]
    row.notes.insert(0, f"{writes[0]} concurrent ingest/index runs; {behind} clean 'index is behind' errors")
    return row


# -- damaged states ----------------------------------------------------------------------------------
def bench_damage(work: Path, env: dict) -> Row:
    row = Row("damaged state")
    base = work / "dmg"
    plans = make_plan_files(work / "dmg_plans", 1)

    def case(name: str, ok: bool, silent: bool = False) -> None:
        row.tried += 1
        row.faults += 1
        if silent:
            row.lost += 1
            row.notes.append(f"silent: {name}")
        elif not ok:
            row.failures += 1
            row.notes.append(f"unclear: {name}")

    def fresh(n: int = 4) -> tuple[Path, dict]:
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir()
        db = base / "c.db"
        e = {**env, "SVCSIM_DB": str(db), "SVCSIM_MODEL": "hash"}
        assert run(["ingest", *map(str, plans[:n]), "--workers", "1"], e).returncode == 0
        assert run(["index"], e).returncode == 0
        return db, e

    def repaired(e: dict) -> bool:
        fix = run(["index"], e)
        return fix.returncode == 0 and run(["search", "單一窗口"], e).returncode == 0

    # the old index of a deleted corpus
    db, e = fresh()
    for f in base.glob("c.db*"):
        f.unlink()
    assert run(["ingest", *map(str, plans[4:8]), "--workers", "1"], e).returncode == 0
    p = run(["search", "單一窗口"], e)
    case("deleted db, old index, other corpus", clean_error(p, "another corpus") and repaired(e), p.returncode == 0)

    def manifest_path() -> Path:
        return base / "c.index" / "manifest.json"

    def vectors_path() -> Path:
        return base / "c.index" / json.loads(manifest_path().read_text())["file"]

    # truncated and same-size-changed vector files
    for name, damage in (("truncated index file", lambda b: b[: len(b) // 3]),
                         ("index file bytes changed, same size", lambda b: b[:-64] + bytes(64)),
                         ("empty index file", lambda b: b"")):
        db, e = fresh()
        vectors_path().write_bytes(damage(vectors_path().read_bytes()))
        p = run(["search", "單一窗口"], e)
        case(name, clean_error(p, "svcsim index") and repaired(e), p.returncode == 0)

    # manifest edits and garbage
    edits = {
        "count": lambda m: {**m, "count": m["count"] + 1}, "dim": lambda m: {**m, "dim": 7},
        "dim as text": lambda m: {**m, "dim": str(m["dim"])}, "kind": lambda m: {**m, "kind": "hnsw"},
        "nprobe": lambda m: {**m, "nprobe": m["nprobe"] + 5}, "fingerprint": lambda m: {**m, "fingerprint": "x"},
        "model": lambda m: {**m, "model": "other"}, "no file": lambda m: {k: v for k, v in m.items() if k != "file"},
        "file outside": lambda m: {**m, "file": "../c.db"}, "format": lambda m: {**m, "format_version": 1},
        "corpus id": lambda m: {**m, "extra": {**m["extra"], "corpus_id": "0" * 32}},
        "texts digest": lambda m: {**m, "extra": {**m["extra"], "texts_digest": "0" * 64}},
        "sha256": lambda m: {**m, "sha256": "0" * 64}, "bytes": lambda m: {**m, "bytes": -1},
        "created": lambda m: {**m, "created": "yesterday"},
    }
    db, e = fresh()
    for name, edit in edits.items():
        m = json.loads(manifest_path().read_text())
        manifest_path().write_text(json.dumps(edit(m), ensure_ascii=False))
        p = run(["search", "單一窗口"], e)
        case(f"manifest edit: {name}", clean_error(p, "svcsim index") and repaired(e), p.returncode == 0)
    for name, raw in (("empty", b""), ("half", None), ("binary", b"\x00\xff" * 50), ("json list", b"[1]")):
        data = manifest_path().read_bytes()
        manifest_path().write_bytes(raw if raw is not None else data[: len(data) // 2])
        p = run(["search", "單一窗口"], e)
        case(f"manifest garbled: {name}", clean_error(p, "svcsim index") and repaired(e), p.returncode == 0)

    # somebody else's SQLite file
    foreign = base / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE invoices (n INTEGER)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    for cmd in (["plans"], ["show", "1"], ["search", "x"], ["index"], ["dupes"]):
        p = run([*cmd, "--db", str(foreign)], e)
        untouched = foreign.read_bytes() == before and not Path(f"{foreign}-wal").exists()
        case(f"foreign SQLite: {cmd[0]}", clean_error(p, "not an svcsim corpus") and untouched,
             p.returncode == 0 or not untouched)

    # bad paths, names, files
    (base / "notes.txt").write_text("x")
    p = run(["ingest", str(plans[0]), "--db", str(base / "notes.txt" / "c.db")], e)
    case("db under a path that is a file", clean_error(p, "notes.txt"), p.returncode == 0)
    p = run(["search", "x"], {**e, "SVCSIM_MODEL": "hash-abc"})
    case("SVCSIM_MODEL=hash-abc", clean_error(p, "hash-abc"), p.returncode == 0)
    (base / "zip.db").write_bytes(b"PK\x03\x04" * 500)
    p = run(["plans", "--db", str(base / "zip.db")], e)
    case("not a database", clean_error(p, "zip.db"), p.returncode == 0)

    # orphaned temporary folder of a killed save (older svcsim layout), removed by the next index
    db, e = fresh()
    orphan = base / ".c.index.q8z3k1"
    orphan.mkdir()
    (orphan / "index.faiss").write_bytes(b"\0" * 1_000_000)
    p = run(["index"], e)
    case("orphaned temp index folder", p.returncode == 0 and not orphan.exists())

    # concurrent `index --rebuild` and first-time concurrent ingests
    procs = [subprocess.Popen([SVCSIM, "index", "--rebuild"], env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]
    outs = [(p.wait(), p.stderr.read()) for p in procs]
    case("4 concurrent index --rebuild", all(rc == 0 for rc, _ in outs) and run(["search", "x"], e).returncode == 0)
    for f in base.glob("race.db*"):
        f.unlink()
    er = {**e, "SVCSIM_DB": str(base / "race.db")}
    procs = [subprocess.Popen([SVCSIM, "ingest", str(plans[i]), "--workers", "1"], env=er, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(6)]
    outs = [(p.wait(), p.stderr.read()) for p in procs]
    listed = run(["plans", "--json"], er).stdout.splitlines()
    case("6 first-time concurrent ingests", all(rc == 0 for rc, _ in outs) and len(listed) == 6)

    # in-process cases: full disk, NaN vectors, damaged model weights
    sys.path.insert(0, str(ROOT))
    from svcsim.embed import HashEncoder
    from svcsim.errors import ModelError, StoreError
    from svcsim.embed.cache import vectors_for_texts
    from svcsim.store import Corpus
    from tests.helpers import make_plan

    with Corpus.open(base / "full.db", create=True) as c:
        c.add_plan(make_plan("甲局", 113))
        pages = c._conn.execute("PRAGMA page_count").fetchone()[0]
        c._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        try:
            c.add_plan(make_plan("乙局", 113, points={("一", "(一)"): ["很長的措施說明。" * 300] * 20}))
            case("disk full", False, silent=True)
        except StoreError as exc:
            case("disk full", "full" in str(exc) and "no transaction" not in str(exc) and len(c.plans()) == 1)

    class NaN(HashEncoder):
        def encode(self, texts, **kw):
            x = super().encode(texts, **kw)
            x[:, 0] = float("nan")
            return x

    with Corpus.open(base / "full.db") as c:
        try:
            vectors_for_texts(c, NaN(dim=16), [("k", "設置單一窗口")])
            case("NaN vectors", False, silent=True)
        except ModelError as exc:
            case("NaN vectors", "model install --force" in str(exc))

    import svcsim.embed.e5.convert as conv
    from svcsim.embed.e5 import install as dm

    real, old_home = conv.convert, os.environ.get("SVCSIM_HOME")
    os.environ["SVCSIM_HOME"] = str(base / "home")

    def fake_convert(dest, source=None, *, progress=None):
        (Path(dest) / "model.safetensors").write_bytes(os.urandom(1 << 20))
        return dest

    conv.convert = fake_convert
    try:
        dest = dm.ensure_default_model(progress=False)
        with open(dest / "model.safetensors", "r+b") as fh:
            fh.seek(5000)
            fh.write(b"\x7f\xff\xff\xff")
        try:
            dm.ensure_default_model(progress=False)
            case("model weights damaged in place", False, silent=True)
        except ModelError as exc:
            case("model weights damaged in place", "model install --force" in str(exc))
    finally:
        conv.convert = real
        if old_home is None:
            os.environ.pop("SVCSIM_HOME", None)
        else:
            os.environ["SVCSIM_HOME"] = old_home
    row.notes.insert(0, f"{row.tried} cases")
    return row


# -- fuzzing -------------------------------------------------------------------------------------------
def fuzz_readers(work: Path, per_reader: int) -> list[Row]:
    """Every reader (text, HTML, DOCX, ODT, PDF) on ``per_reader`` mutated documents each
    (``benchmarks/_fuzz.py``): a failure is any exception other than a one-line InputError that
    names the file, or a parse over 10 s; "faults injected" counts the inputs that were refused."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import _fuzz

    scratch = work / "fuzz"
    scratch.mkdir(exist_ok=True)
    rows = []
    for kind, tried, parsed, failures, examples in _fuzz.fuzz(scratch, per_reader):
        rows.append(Row(f"fuzz {kind}", tried=tried, faults=tried - parsed, failures=failures,
                        notes=[(f"{parsed} mutated inputs still parsed to a plan, {tried - parsed} refused with "
                               "one line")] + [f"e.g. {e}" for e in examples]))
    return rows


# -- evasion -------------------------------------------------------------------------------------------
def evasions(n_plants: int = 20, seed: int = 0) -> list[Row]:
    """Copies planted under each evasion (``benchmarks/evasion.py``): "failures" counts the plants
    not found as copy/near_copy with their spans, i.e. a copy the reviewer never sees."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import evasion
    from svcsim.dupes.classify import Thresholds

    entries, plants = evasion.plant(20, n_plants, seed)
    need = {name: Thresholds().contained_run for name in evasion.BURY}
    found = evasion.evaluate(entries, plants, need)
    planted: dict[str, int] = {}
    for _, _, name in plants:
        planted[name] = planted.get(name, 0) + 1
    return [Row(f"evasion {name}", tried=n, faults=n, failures=n - found.get(name, 0),
                notes=[f"{found.get(name, 0)} of {n} planted copies found (recall {found.get(name, 0) / n:.0%})"])
            for name, n in planted.items()]


# -- the table ------------------------------------------------------------------------------------------
def print_table(rows: list[Row], elapsed: float) -> None:
    head = ("check", "inputs tried", "faults injected", "failures", "data lost")
    body = [(r.name, str(r.tried), str(r.faults), str(r.failures), str(r.lost)) for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(5)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for b in body:
        print(line(b))
    print()
    for r in rows:
        for n in r.notes:
            print(f"  {r.name}: {n}")
    print(f"  total {elapsed:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=50, help="kill -9s each of ingest and index (default 50)")
    ap.add_argument("--readers-seconds", type=float, default=60.0, help="how long readers run during writes")
    ap.add_argument("--fuzz", type=int, default=10_000, help="mutated inputs per reader (default 10,000)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--fuzz-only", action="store_true", help="run only the reader fuzzing")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="svcsim-reliability-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "SVCSIM_HOME": str(work / "home"), "SVCSIM_MODEL": "hash"}
        env.pop("SVCSIM_DB", None)
        rows = [] if args.fuzz_only else [
            bench_kill_ingest(work, env, args.kills, rng), bench_kill_index(work, env, args.kills, rng),
            bench_readers(work, env, args.readers_seconds, rng), bench_damage(work, env), *evasions()]
        rows += fuzz_readers(work, args.fuzz)
    print_table(rows, time.perf_counter() - start)


if __name__ == "__main__":
    main()
