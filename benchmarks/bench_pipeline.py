"""Timings of the main pipeline on the bundled data: medians over repeated runs.

Run: ``python benchmarks/bench_pipeline.py``. Prints medians (seconds) for loading the
bundled panel, validating it, and building the current DOI for one year, for all years, and for all
years with the female and male indices (``by_sex=True``: two more builds plus the gender table).
"""

from __future__ import annotations

from timing import median_time

from ictindex import build_index, datasets
from ictindex.panel import validate_panel


def main() -> None:
    panel = datasets.load("itu")
    rows = [
        ("datasets.load('itu')", median_time(lambda: datasets.load("itu"))),
        ("validate_panel (79,844 rows)", median_time(lambda: validate_panel(panel))),
        ("build_index doi_current, 2023", median_time(lambda: build_index(panel, "doi_current", years=2023))),
        ("build_index doi_current, all years", median_time(lambda: build_index(panel, "doi_current"), 3)),
        (
            "build_index doi_current, all years, by_sex",
            median_time(lambda: build_index(panel, "doi_current", by_sex=True), 3),
        ),
    ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  median {seconds:.3f} s")
    one, every = rows[2][1], rows[3][1]
    years = len(build_index(panel, "doi_current").years)
    print(f"all {years} years / one year: ratio {every / one:.1f}; by sex / total: {rows[4][1] / every:.1f}")


if __name__ == "__main__":
    main()
