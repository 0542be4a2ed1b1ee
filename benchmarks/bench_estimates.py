"""World and group estimates (``ictindex.estimates``) on the bundled panel.

Run: ``python benchmarks/bench_estimates.py [--quick]``. Prints, measured in this run, the median seconds of:

1. Internet use (total, by sex, urban/rural), world + ITU regions + income + LDC/LLDC/SIDS, every year of the data,
   with the default 200 Monte Carlo draws, and the same without draws (alternative models only) — the ratio is the
   cost of the draws;
2. every headline indicator, the same groupings, every year, 200 draws;
3. the estimate of one year (2024): the models still see every year of the data, so this costs about as much as (1).
"""

from __future__ import annotations

import sys

from timing import median_time

import ictindex
from ictindex import datasets

GROUPINGS = ("world", "itu_region", "income", "ldc_lldc_sids")


def main(quick: bool = False) -> None:
    repeat = 1 if quick else 3
    panel = datasets.load("itu")
    internet = median_time(lambda: ictindex.estimates(panel, "internet_use", GROUPINGS), repeat)
    no_draws = median_time(lambda: ictindex.estimates(panel, "internet_use", GROUPINGS, draws=0), repeat)
    print(
        f"internet use, every year, 200 draws: {internet:.2f} s; without draws: {no_draws:.2f} s "
        f"(draws cost x{internet / no_draws:.2f})"
    )
    every = median_time(lambda: ictindex.estimates(panel, groupings=GROUPINGS), repeat)
    print(f"every headline indicator, every year, 200 draws: {every:.2f} s")
    one = median_time(lambda: ictindex.estimates(panel, "internet_use", GROUPINGS, years=[2024]), repeat)
    print(f"internet use, 2024 only: {one:.2f} s (x{one / internet:.2f} of every year)")


if __name__ == "__main__":
    main("--quick" in sys.argv)
