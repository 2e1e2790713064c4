"""Stored analysis results (:mod:`svcsim.analysis`) against recomputing them, in the same run:
compute + store, load, add one plan + refresh, and each page of the reviewer's workspace.

    python benchmarks/analysis_store.py --points 100000 [--seed 0] [--work /tmp/analysis_store_bench]
        [--append-results]

Corpus: ``svcsim.synth.generate_points_corpus`` plans added straight to a fresh SQLite corpus (no
files), vectors from the hash encoder; the database with every plan but the last is kept under
``--work`` as ``base-<points>-<seed>.db`` and copied for later runs. The last generated plan is held
back and added after the first compute: "a new plan arrives".

The stored analysis every command and the web page read (points and measure titles, pairs down to
near_copy) is timed against the plain library calls it replaces (``analyse`` → ``score_innovation``
→ ``cluster_corpus``): compute + store, load, the first pairs of ``svcsim dupes --json | head``, and
every ``/api`` route of the reviewer's workspace through FastAPI's test client
(``svcsim.web.routes.add_review_routes``) as ``svcsim serve`` builds it (the corpus' entries read in
the request's thread, then the stored results), cold (first request) and warm, over stored and over
recomputed results.

After adding the plan, the refreshed results are compared field by field with a full recompute on
the same corpus (the run fails if they differ): the dupes with ``analyse``, innovation and clusters
with plain ``score_innovation`` / ``cluster_corpus`` calls (no kept segmentation, no shared search).
The refresh runs in a new ``Analysis`` as a new process would: what it reuses comes from the database
(the stored scan, the kept token offsets of ``segment_spans``), not from this process' memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_LOAD_S = 2.0
TARGET_ADD_S = 15.0
TARGET_PAGE_S = 2.0
ROWS: list[tuple[str, float | None, float | None, str]] = []


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"  {label:<58}{dt:>8.2f} s   peak RSS {peak_rss_gb():5.2f} GB", flush=True)
    return out, dt


def row(what: str, stored: float | None, recompute: float | None, target: str = "") -> None:
    ROWS.append((what, stored, recompute, target))


def _dicts(r) -> tuple:
    """Every field of a DupesResult, comparable; the pairs by the arrays that produce them plus the
    first 2,000 (at 100k points the stream holds ~6·10⁷ pairs: expanding them all takes hours)."""
    import itertools

    import numpy as np

    def plain(x):
        return x.to_dict() if hasattr(x, "to_dict") else repr(x)

    ps = r.pairs
    arrays = [np.asarray(a) for a in (ps.unit_of, ps.cross_u, ps.cross_v, ps.cross_lexical, ps.groups.group,
                                      ps.groups.template, ps.hidden)]
    pairs = (len(ps), ps.min_label, ps.keys, ps.units, [(a.dtype.str, a.tobytes()) for a in arrays], ps.weak,
             sorted(ps.synonym_blocks), [p.to_dict() for p in itertools.islice(ps, 2000)])
    return (pairs, [o.to_dict() for o in r.originality], [s.to_dict() for s in r.self_reuse],
            [plain(b) for b in r.boilerplate], [plain(c) for c in r.clusters], {k: plain(v) for k, v in r.status.items()},
            (r.overlap.agencies, r.overlap.counts.tolist(), r.overlap.n_points.tolist()), repr(r.hidden))


def _themes(r) -> tuple:
    """Every field of a ClusteringResult, comparable."""
    return (r.to_dicts(), r.labels, repr(r.clusters), repr(r.outliers), r.threshold, r.method, r.corpus.ids())


def _routes(work, plan_ids: list[int], source: tuple[int, int]) -> dict[str, float]:
    """Seconds per route: the first request (which builds the workspace's tables), then each route."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from svcsim.web.routes import add_review_routes

    app = FastAPI()
    add_review_routes(app, work)
    client = TestClient(app)
    out = {}

    def get(path: str) -> float:
        t0 = time.perf_counter()
        r = client.get(path)
        dt = time.perf_counter() - t0
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        return dt

    out["first request (/api/plans): load + tables"] = get("/api/plans")
    out["/api/plans"] = get("/api/plans")
    out["/api/plans/{id} (slowest of 5)"] = max(get(f"/api/plans/{i}") for i in plan_ids)
    out["/api/plans/{id}/points/{eid}/sources"] = get(f"/api/plans/{source[0]}/points/{source[1]}/sources")
    out["/api/overlap"] = get("/api/overlap")
    out["/api/innovations"] = get("/api/innovations")
    out["/api/themes"] = get("/api/themes")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path("/tmp/analysis_store_bench"))
    ap.add_argument("--append-results", action="store_true", help="append the table to benchmarks/RESULTS.md")
    ap.add_argument("--no-separate-baseline", dest="separate_baseline", action="store_false",
                    help="take the first compute as the recompute baseline (no separate analyse/score/cluster "
                         "before it); after the added plan the refreshed results are still compared with full "
                         "recomputes")
    args = ap.parse_args(argv)

    from svcsim.analysis import Analysis
    from svcsim.dupes import analyse
    from svcsim.embed import load_encoder
    from svcsim.embed.cache import embed_corpus
    from svcsim.store import Corpus
    from svcsim.synth import generate_points_corpus
    from svcsim.web.workspace import Workspace, stored_results

    load0 = os.getloadavg()
    print(f"analysis_store: {args.points:,} points, seed {args.seed}, load average {load0}")
    args.work.mkdir(parents=True, exist_ok=True)
    base = args.work / f"base-{args.points}-{args.seed}.db"
    db = args.work / "corpus.db"
    for f in args.work.glob("corpus.db*"):
        f.unlink()
    plans = generate_points_corpus(args.points, seed=args.seed).plans
    encoder = load_encoder("hash")
    if not base.exists():
        tmp = base.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        c = Corpus.open(tmp, create=True)
        timed(f"ingest {len(plans) - 1} plans (kept as {base.name})", lambda: [c.add_plan(p) for p in plans[:-1]])
        timed("embed (hash, cached in the corpus)", lambda: embed_corpus(c, encoder))
        c.close()
        tmp.rename(base)
    shutil.copyfile(base, db)
    corpus = Corpus.open(db)
    everything, _ = timed("embed_corpus (every entry, from the cache)", lambda: embed_corpus(corpus, encoder))
    points = everything.of_kind("point")
    print(f"  entries: {len(everything):,} ({len(points):,} points)", flush=True)

    # -- the stored analysis: points and measure titles, pairs down to near_copy ----------------------
    # what every command (dupes, report, innovations, clusters) and the web page read
    print("the stored analysis (points + measure titles, near_copy):")
    from svcsim.clusters import cluster_corpus, score_innovation
    from svcsim.web.workspace import Results, corpus_entries

    a = Analysis.open(corpus, everything, min_label="near_copy")
    if args.separate_baseline:
        fd, t_rd = timed("recompute: analyse(points + titles, min_label='near_copy')",
                         lambda: analyse(everything, min_label="near_copy"))
        fi, t_ri = timed("recompute: score_innovation", lambda: score_innovation(points, dupes=fd))
        fc, t_rc = timed("recompute: cluster_corpus", lambda: cluster_corpus(points))
        _, t_store = timed("Analysis: compute + store (dupes, innovation, clusters)", lambda: a.refresh())
    else:  # the baseline is the first compute itself (each step plus its write of ~1 s)
        fd, t_rd = timed("Analysis: compute + store dupes", a.dupes)
        fi, t_ri = timed("Analysis: compute + store innovation", a.innovation)
        fc, t_rc = timed("Analysis: compute + store clusters", a.clusters)
        t_store = t_rd + t_ri + t_rc
    fresh, t_recompute = Results(fd, fi, fc), t_rd + t_ri + t_rc

    def load():
        b = Analysis.open(corpus, everything, min_label="near_copy")
        return b.dupes(), b.innovation(), b.clusters()

    (d, i, c), t_load = timed("Analysis: load dupes + innovation + clusters", load)
    assert _dicts(d) == _dicts(fresh.dupes) and i.to_dicts() == fresh.innovation.to_dicts() \
        and c.to_dicts() == fresh.clustering.to_dicts(), "loaded results differ from the recomputed ones"
    b = Analysis.open(corpus, everything, min_label="near_copy")
    _, t_ld = timed("  of which dupes", b.dupes)
    _, t_li = timed("  of which innovation", b.innovation)
    _, t_lc = timed("  of which clusters", b.clusters)
    loaded, t_dl = timed("Analysis: load dupes alone", lambda: Analysis.open(corpus, everything,
                                                                             min_label="near_copy").dupes())
    _, t_head = timed("  first 10 pairs as JSON (dupes --json | head)",
                      lambda: [json.dumps(p.to_dict(), ensure_ascii=False) for p, _ in zip(loaded.pairs, range(10))])
    row("compute + store (dupes, innovation, clusters)", t_store, t_recompute,
        f"recompute: dupes {t_rd:.1f} / innovation {t_ri:.1f} / clusters {t_rc:.1f} s")
    row("load (dupes + innovation + clusters)", t_load, t_recompute, f"≤ {TARGET_LOAD_S:.0f} s")
    row("  load dupes / innovation / clusters", None, None, f"{t_ld:.2f} / {t_li:.2f} / {t_lc:.2f} s")
    row("load dupes + first 10 pairs (dupes --json \\| head)", t_dl + t_head, t_rd, f"≤ {TARGET_LOAD_S:.0f} s")

    by_size = sorted(range(len(d.originality)), key=lambda k: -d.originality[k].n_points)
    plan_ids = by_size[:3] + [0, len(d.originality) - 1]
    # the sources of a template point: the widest copy group, the worst case for one request
    widest = max((cl for cl in d.clusters if cl.members[0].kind == "point"), key=lambda cl: len(cl.members))
    member = widest.members[len(widest.members) // 2]
    pid = next(k for k, o in enumerate(d.originality) if o.file == member.file)
    # as `svcsim serve` builds it: the corpus' entries read in the request's thread, then the stored results
    stored_routes = _routes(Workspace(corpus_entries(db, encoder), results=stored_results(db), freeze=True),
                            plan_ids, (pid, member.id))
    import gc

    gc.unfreeze()  # serve's freeze, undone: the refresh below is timed as a process that froze nothing
    # over recomputed results: the first request costs the recompute above plus the same tables
    recomputed_routes = _routes(Workspace(lambda: everything, results=lambda e: fresh), plan_ids, (pid, member.id))
    recomputed_routes["first request (/api/plans): load + tables"] += t_recompute
    for route, dt in stored_routes.items():
        print(f"  {route:<58}{dt:>8.3f} s stored | {recomputed_routes[route]:>8.3f} s recomputed", flush=True)
        row(f"web {route}", dt, recomputed_routes[route], f"≤ {TARGET_PAGE_S:.0f} s")

    # -- a new plan arrives --------------------------------------------------------------------------
    # the database as it is now (results stored), for the same refresh in fresh processes below
    fresh_db = args.work / "fresh.db"
    corpus._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # noqa: SLF001 - the file copy must hold everything
    shutil.copyfile(db, fresh_db)
    print("add one plan, then refresh:")

    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def step(label, fn):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        steps[label] = time.perf_counter() - t0
        cpu[label] = time.process_time() - c0  # every thread of the process (faiss/BLAS use 2)
        return out

    def add_and_refresh():
        step("add_plan", lambda: corpus.add_plan(plans[-1]))
        emb = step("embed_corpus", lambda: embed_corpus(corpus, encoder))
        new = Analysis.open(corpus, emb, min_label="near_copy")
        step("dupes (scan update)", new.dupes)
        step("innovation (refresh)", new.innovation)
        step("clusters (refresh)", new.clusters)
        return emb, new

    (emb2, new), t_add = timed("add + embed + refresh", add_and_refresh)
    print("  " + ", ".join(f"{k} {v:.2f} s ({cpu[k]:.2f} CPU-s)" for k, v in steps.items()))
    how = new.scan_update
    print(f"  how the scan was brought up to date: {how}")
    print(f"  what innovation reused of the kept lists and parses: {new.innovation_update}")
    pts2 = emb2.of_kind("point")
    re_d, t_re2 = timed("recompute on the new corpus: analyse(points + titles)",
                        lambda: analyse(emb2, min_label="near_copy"))
    re_i, t_re2i = timed("recompute on the new corpus: score_innovation", lambda: score_innovation(pts2, dupes=re_d))
    re_c, t_re2c = timed("recompute on the new corpus: cluster_corpus", lambda: cluster_corpus(pts2))
    same_parts = {"dupes": _dicts(new.dupes()) == _dicts(re_d),
                  "innovation": new.innovation().to_dicts() == re_i.to_dicts(),
                  "clusters": _themes(new.clusters()) == _themes(re_c)}
    print(f"  equal to the full recompute, per result: {same_parts}")
    same = all(same_parts.values())
    print(f"  refreshed results equal the full recompute: {same}")
    row("add one plan + embed + refresh everything", t_add, t_re2 + t_re2i + t_re2c, f"≤ {TARGET_ADD_S:.0f} s")
    row("  of which add_plan + embed_corpus", steps["add_plan"] + steps["embed_corpus"], None, "")
    row("  of which dupes, scan update", steps["dupes (scan update)"], t_re2,
        f"{cpu['dupes (scan update)']:.1f} CPU-s; recompute: analyse")
    row("  of which innovation, refresh", steps["innovation (refresh)"], t_re2i,
        f"{cpu['innovation (refresh)']:.1f} CPU-s; recompute: plain score_innovation, segmenting every text")
    row("  of which clusters, refresh", steps["clusters (refresh)"], t_re2c,
        f"{cpu['clusters (refresh)']:.1f} CPU-s; recompute: plain cluster_corpus, segmenting every text")
    row("refreshed results equal a full recompute", None, None, "yes" if same else "NO")

    # -- the same as a user does it: `svcsim ingest new.txt`, then `svcsim report`, fresh processes ----
    import subprocess

    from svcsim.synth.render import write_plan

    plan_file = args.work / "new plan" / Path(plans[-1].file).name
    plan_file.parent.mkdir(parents=True, exist_ok=True)
    write_plan(plans[-1], plan_file)
    env = dict(os.environ, SVCSIM_HOME=str(args.work))
    cli_steps = {}
    for label, argv in [("svcsim ingest <the new plan>", ["ingest", str(plan_file)]),
                        ("svcsim report (refreshes dupes, innovation, themes; writes the report)",
                         ["report", "--out", str(args.work / "fresh-report.html"), "--model", "hash"])]:
        t0 = time.perf_counter()
        out = subprocess.run([shutil.which("svcsim") or "svcsim", *argv, "--db", str(fresh_db)],
                             capture_output=True, text=True, env=env)
        cli_steps[label] = time.perf_counter() - t0
        assert out.returncode == 0, out.stderr[-2000:]
        said = (out.stderr.strip().splitlines() or [""])[-1]
        print(f"  {label:<58}{cli_steps[label]:>8.2f} s  ({said})", flush=True)
    row("the same, as a user: svcsim ingest + svcsim report (fresh processes)", sum(cli_steps.values()), None,
        " / ".join(f"{v:.2f}" for v in cli_steps.values()) + " s (ingest / report, incl. the report itself)")
    corpus.close()

    lines = ["| | stored | recompute (same run) | target / note |", "|---|---|---|---|"]
    for what, s, r, target in ROWS:
        lines.append(f"| {what} | {'' if s is None else f'{s:.2f} s'} | {'' if r is None else f'{r:.2f} s'} | {target} |")
    table = "\n".join(lines)
    print()
    print(table)
    print(f"\npeak RSS {peak_rss_gb():.2f} GB; load average at start {load0}, at end {os.getloadavg()}")
    if args.append_results:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n## {stamp} — stored analysis, incremental refresh and the workspace at "
                    f"{len(everything):,} entries ({len(points):,} points; `benchmarks/analysis_store.py "
                    f"--points {args.points} --seed {args.seed}`)\n\n{table}\n\npeak RSS {peak_rss_gb():.2f} GB; "
                    f"load average {load0[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 shared cores). "
                    f"Scan update per kind: {how}.\n")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
