"""Import time of ictindex beside pandas (issue 25: ``import ictindex`` at most 1.5x ``import pandas``).

Run: ``python benchmarks/bench_import.py [runs]`` (default 15). Each run starts a fresh interpreter for each of
the commands below in turn (interleaved, so a drift of the machine's speed touches all of them alike) and times
it from outside; prints each command's median wall seconds and its ratio to ``import pandas``, the median of the
run-by-run ratios:

1. ``import pandas`` (the yardstick);
2. ``import ictindex`` (public names load on first use: PEP 562 ``__getattr__``);
3. ``import ictindex; ictindex.build_index`` (what a script pays before its first build: the engine's modules,
   pydantic and the framework models, without scipy.stats or matplotlib);
4. ``python -c pass`` (the interpreter alone, to read the others against).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS = {
    "import pandas": "import pandas",
    "import ictindex": "import ictindex",
    "ictindex.build_index": "import ictindex; ictindex.build_index",
    "interpreter": "pass",
}


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main(runs: int = 15) -> None:
    for code in COMMANDS.values():  # warm the file cache once
        wall(code)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, code in COMMANDS.items():
            times[name].append(wall(code))
    base = times["import pandas"]
    print(f"{runs} interleaved runs of each command ({sys.executable})")
    print(f"{'command':<24} {'median s':>9} {'ratio to import pandas (median of pairs)':>42}")
    for name, values in times.items():
        ratio = statistics.median(v / b for v, b in zip(values, base, strict=True))
        print(f"{name:<24} {statistics.median(values):9.3f} {ratio:42.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
