"""CPU time of the report, this checkout against the code of main f0f2aa8, side by side in the same run.

Runs ``ictindex report --framework doi_current --year 2023`` (the year is given: main's default year, 2025,
fails) as a new process, alternating the two checkouts (A = this one, B = the base), and prints for each the
median CPU time (user + system of the child process) and wall time, and the median of the paired ratios A/B.
The base is a second checkout of main f0f2aa8 run with ``PYTHONPATH=<base>/src`` (so it reads its own
``indicators/`` and ``data/``); make it once with::

    git worktree add --detach /work/wt/bench-base f0f2aa8

Run: ``python benchmarks/bench_report.py [--base /work/wt/bench-base] [--runs 3]``. Also times this checkout's
default report (no ``--year``: the year is chosen in the library) for information.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def run(source: Path, out: Path, *extra: str) -> tuple[float, float]:
    """CPU seconds (user + system of the child) and wall seconds of one ``ictindex report`` process."""
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "ictindex.cli", "report", "--out", str(out), *extra]
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=source)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, default=Path("/work/wt/bench-base"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (args.base / "src" / "ictindex").is_dir():
        sys.exit(f"no base checkout at {args.base}: git worktree add --detach {args.base} f0f2aa8")
    same = ("--framework", "doi_current", "--year", "2023")
    times: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
    with tempfile.TemporaryDirectory() as tmp:
        run(HERE, Path(tmp) / "warm-a", *same)  # warm-up: file caches, font cache
        run(args.base, Path(tmp) / "warm-b", *same)
        for i in range(args.runs):  # A B A B ...: the machine's load hits both alike
            times["A"].append(run(HERE, Path(tmp) / f"a{i}", *same))
            times["B"].append(run(args.base, Path(tmp) / f"b{i}", *same))
        default = run(HERE, Path(tmp) / "default")
    cpu_ratio = statistics.median(a[0] / b[0] for a, b in zip(times["A"], times["B"], strict=True))
    wall_ratio = statistics.median(a[1] / b[1] for a, b in zip(times["A"], times["B"], strict=True))
    for side, label in (("A", f"this checkout ({HERE})"), ("B", f"base f0f2aa8 ({args.base})")):
        cpu = statistics.median(t[0] for t in times[side])
        wall = statistics.median(t[1] for t in times[side])
        print(f"{label}: report --year 2023: median CPU {cpu:.2f} s, wall {wall:.2f} s ({args.runs} runs)")
    print(f"paired ratio A/B: CPU {cpu_ratio:.3f}, wall {wall_ratio:.3f} (target CPU <= 0.6)")
    print(f"this checkout, report with every default: CPU {default[0]:.2f} s, wall {default[1]:.2f} s (one run)")


if __name__ == "__main__":
    main()
