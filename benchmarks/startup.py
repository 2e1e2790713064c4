"""Start-up cost: ``import svcsim`` and ``svcsim --help``, against ``python -c pass`` in the same run.

Each command runs in a fresh interpreter (subprocess) ``--runs`` times after one warm-up run (so the
OS file cache is warm, as it is for a user's second command); the median wall time is reported, and
the figure minus the bare interpreter's is the cost svcsim adds. Targets: import ≤ 0.3 s, ``--help``
≤ 0.5 s (absolute, interpreter included). Also lists any heavy module the import pulls in.

    python benchmarks/startup.py [--runs 9] [--no-append]

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.scale_env import ROOT, append_results  # noqa: E402

HEAVY = ("torch", "faiss", "sentence_transformers", "transformers", "jieba", "opencc", "sklearn", "pandas",
         "matplotlib")


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _time(cmd: list[str], runs: int) -> tuple[float, float, float, float]:
    """(median, min, max) wall seconds and median CPU seconds over ``runs`` runs after one warm-up.

    CPU seconds (user + system of the child) barely move when other processes compete for the
    cores, so they show the cost itself when the wall time is inflated by a busy machine.
    """
    subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True)
    times, cpus = [], []
    for _ in range(runs):
        c = _cpu_children()
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True)
        times.append(time.perf_counter() - t)
        cpus.append(_cpu_children() - c)
    return statistics.median(times), min(times), max(times), statistics.median(cpus)


def _heavy_loaded(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    return sorted({m.split(".")[0] for m in out} & set(HEAVY))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="timed runs per command (median reported)")
    ap.add_argument("--no-append", action="store_true", help="print only; do not append to RESULTS.md")
    args = ap.parse_args(argv)

    py = sys.executable
    script = shutil.which("svcsim")
    cases = [
        ("python -c pass (baseline)", [py, "-c", "pass"], None),
        ("import svcsim", [py, "-c", "import svcsim"], 0.3),
        ("python -m svcsim --help", [py, "-m", "svcsim", "--help"], 0.5),
    ]
    if script:
        cases.append(("svcsim --help (console script)", [script, "--help"], 0.5))
    rows = ["| command | median s | min s | max s | minus baseline s | median CPU s | target | met (wall) |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    base = None
    missed = 0
    for name, cmd, target in cases:
        med, lo, hi, cpu = _time(cmd, args.runs)
        base = med if base is None else base
        met = "" if target is None else ("yes" if med <= target else f"NO (+{med - target:.3f} s)")
        missed += bool(target is not None and med > target)
        rows.append(f"| `{name}` | {med:.3f} | {lo:.3f} | {hi:.3f} | {med - base:+.3f} | {cpu:.3f} | "
                    f"{'' if target is None else f'≤ {target}'} | {met} |")
        print(rows[-1], flush=True)
    heavy = _heavy_loaded("import svcsim")
    heavy_help = _heavy_loaded("import sys; sys.argv=['svcsim','--help']\n"
                               "from svcsim.cli.main import main\ntry:\n    main()\nexcept SystemExit:\n    pass")
    load = os.getloadavg()[0]
    busy = load > (os.cpu_count() or 1)
    body = "\n".join([
        f"Start-up, median of {args.runs} fresh interpreters after one warm-up (`benchmarks/startup.py`). "
        f"Load average {load:.1f} on {os.cpu_count()} cores"
        + (" — the machine is busy, so wall times are inflated; 'minus baseline' and CPU s show svcsim's own cost."
           if busy else "."), "",
        *rows, "",
        (f"Heavy modules loaded by `import svcsim`: {', '.join(heavy) or 'none'}; "
        f"by `svcsim --help`: {', '.join(heavy_help) or 'none'}."),
    ])
    print(body.splitlines()[-1])
    if not args.no_append:
        print(f"appended to {append_results('start-up', body)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
