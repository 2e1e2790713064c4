"""200 drafters at once against the real server: latency and refusals with and without the model queue.

Ingests ``examples/plans`` into a temp corpus, then for each server mode starts a real server on a
free port and fires ``--clients`` concurrent ``POST /api/suggest`` (one connection each), ``--rounds`` times:

* ``sequential``  — one request at a time against the gated server: what a single draft costs.
* ``no queue``    — the app with its gate removed (``create_app(..., max_inflight=None)``), i.e. how the
  server behaved before issue 12: every request takes a worker thread and waits on the suggester's
  lock in no particular order.
* ``queue``       — ``svcsim serve`` itself (the installed entry point, default gate: one model call
  at a time, arrival order, 503 + Retry-After when the queued work would exceed 1 s).

Prints one row per mode: answers (200), refusals (503), other statuses, and p50/p95/max latency of
all requests, of the answers alone, and of the refusals alone, in ms.

    python benchmarks/web_load.py [--clients 200] [--rounds 3] [--model hash]

``--model`` defaults to ``hash`` (the lexical test encoder: fast, so the queue rarely fills); the
real default model (``--model default``) makes each draft cost tens of ms, which is where a
burst turns into a multi-second tail without the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "examples" / "plans"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drafts(n: int) -> list[str]:
    """Drafts taken from the example plans' own lines (Chinese runs of 8–60 characters)."""
    lines = []
    for p in sorted(PLANS.glob("*.txt")):
        lines += [m.group() for m in re.finditer(r"[\u4e00-\u9fff，、]{8,60}", p.read_text(encoding="utf-8"))]
    if not lines:
        raise SystemExit(f"web_load: no draft text found in {PLANS}")
    return [lines[(i * 7919) % len(lines)] for i in range(n)]


def _serve_ungated(port: int) -> None:
    """The server without its model queue (the baseline), in this process."""
    import uvicorn

    from svcsim.cli.common import load_encoder, open_corpus
    from svcsim.suggest import Suggester
    from svcsim.web import create_app

    with open_corpus(None) as corpus:
        suggester = Suggester.build(corpus, load_encoder(None))
    uvicorn.run(create_app(suggester, max_inflight=None), host="127.0.0.1", port=port, log_level="warning")


def _start(cmd: list[str], env: dict, port: int) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300  # the real model converts itself on first use
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"web_load: {' '.join(cmd)} exited with {proc.returncode}:\n{proc.stderr.read()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/measures", timeout=2)
            return proc
        except httpx.TransportError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"web_load: {' '.join(cmd)} did not answer within 300 s") from None
            time.sleep(0.2)


async def _post(port: int, body: bytes) -> tuple[int, float]:
    """One ``POST /api/suggest`` on its own connection; (status, ms). A bare socket, not httpx: on a
    small machine the client shares the CPUs, and httpx costs more per request than the server does."""
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /api/suggest HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (port, len(body), body))
    await writer.drain()
    response = await reader.read()  # Connection: close — the server ends the stream after the answer
    writer.close()
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, (time.perf_counter() - t0) * 1e3


async def _fire(port: int, drafts: list[str], concurrent: bool) -> list[tuple[int, float]]:
    bodies = [json.dumps({"draft": d, "k": 5}, ensure_ascii=False).encode() for d in drafts]
    for b in bodies[:5]:  # warm the server's segmenter and caches
        await _post(port, b)
    if concurrent:
        return list(await asyncio.gather(*(_post(port, b) for b in bodies)))
    return [await _post(port, b) for b in bodies]


def _stats(ms: list[float]) -> str:
    if not ms:
        return f"{'-':>6} {'-':>6} {'-':>6}"
    a = np.asarray(ms)
    return f"{np.percentile(a, 50):6.0f} {np.percentile(a, 95):6.0f} {a.max():6.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sequential", type=int, default=50, help="requests in the sequential reference run")
    ap.add_argument("--model", default="hash", help="'hash' (default) or 'default' for multilingual-e5-small")
    ap.add_argument("--serve-ungated", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_ungated:
        _serve_ungated(args.serve_ungated)
        return
    svcsim = shutil.which("svcsim")
    if svcsim is None:
        raise SystemExit("web_load: the svcsim entry point is not installed (pip install -e .)")

    with tempfile.TemporaryDirectory(prefix="svcsim_web_load_") as tmp:
        env = {**os.environ, "SVCSIM_HOME": tmp, "SVCSIM_DB": str(Path(tmp) / "svcsim.db")}
        env.pop("SVCSIM_MODEL", None)
        if args.model != "default":
            env["SVCSIM_MODEL"] = args.model
        if args.model == "default" and os.environ.get("SVCSIM_HOME"):
            env["SVCSIM_HOME"] = os.environ["SVCSIM_HOME"]  # reuse an already converted model
        subprocess.run([svcsim, "ingest", str(PLANS)], env=env, check=True, capture_output=True)
        subprocess.run([svcsim, "index"], env=env, check=True, capture_output=True)

        drafts = _drafts(args.clients)
        modes = [
            ("sequential", [svcsim, "serve", "--port"], False),
            ("no queue", [sys.executable, __file__, "--serve-ungated"], True),
            ("queue", [svcsim, "serve", "--port"], True),
        ]
        print(f"web_load: {args.clients} concurrent clients × {args.rounds} rounds, model {args.model}, "
              f"{os.cpu_count()} CPUs")
        print(f"{'mode':<11} {'n':>5} {'200':>5} {'503':>5} {'other':>5} | {'all p50':>7} {'p95':>6} {'max':>6} | "
              f"{'200 p50':>7} {'p95':>6} {'max':>6} | {'503 p50':>7} {'p95':>6} {'max':>6}  (ms)")
        for name, cmd, concurrent in modes:
            port = _free_port()
            proc = _start(cmd + [str(port)], env, port)
            try:
                out: list[tuple[int, float]] = []
                rounds = args.rounds if concurrent else 1
                batch = drafts if concurrent else drafts[: args.sequential]
                for _ in range(rounds):
                    out += asyncio.run(_fire(port, batch, concurrent))
                    time.sleep(0.5)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
            ok = [t for s, t in out if s == 200]
            busy = [t for s, t in out if s == 503]
            other = len(out) - len(ok) - len(busy)
            print(f"{name:<11} {len(out):>5} {len(ok):>5} {len(busy):>5} {other:>5} | "
                  f"{_stats([t for _, t in out]):>21} | {_stats(ok):>21} | {_stats(busy):>21}")


if __name__ == "__main__":
    main()
