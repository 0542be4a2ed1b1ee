"""What the checks stage (issue 21) costs: builds with the checks on and off, interleaved, same run.

Run: ``python benchmarks/bench_checks.py [--units 200000] [--repeat 5]``. Prints, for the bundled ``doi_current``
(every year) and for a synthetic sub-national panel (``--units`` units x 10 years x the 11 DOI indicators,
``units="any"``, random values: the ``jump`` check finds millions of jumps there and lists at most
``ictindex.checks.MAX_ROWS`` per indicator), the median seconds with ``checks="off"`` and with the checks on
(the defaults), and the ratio on/off. Runs alternate (off, on, off, on, ...) so both see the same machine load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import synthetic_panel  # noqa: E402

from ictindex import IctIndexWarning, build_index, datasets  # noqa: E402


def _seconds(call) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IctIndexWarning)
        call()
    return time.perf_counter() - start


def interleaved(build, repeat: int) -> tuple[float, float]:
    """Median seconds of ``build(checks="off")`` and ``build(checks=None)`` (the defaults), alternating."""
    off, on = [], []
    for _ in range(repeat):
        off.append(_seconds(lambda: build("off")))
        on.append(_seconds(lambda: build(None)))
    return statistics.median(off), statistics.median(on)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    panel = datasets.load("itu")
    synthetic = synthetic_panel(args.units)
    cases = [
        ("bundled doi_current, every year", lambda checks: build_index(panel, "doi_current", checks=checks)),
        (
            f"synthetic {args.units:,} units x 10 years x 11 indicators (doi, units='any')",
            lambda checks: build_index(synthetic, "doi", units="any", checks=checks),
        ),
    ]
    for name, build in cases:
        off, on = interleaved(build, args.repeat)
        print(f"{name}: checks off median {off:.3f} s, checks on median {on:.3f} s, ratio on/off {on / off:.2f}")


if __name__ == "__main__":
    main()
