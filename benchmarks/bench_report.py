"""Timing of the README's main command, ``ictindex report`` on the bundled data (acceptance: < 30 s
on the 2-core reference machine), and of its parts: medians over repeated runs.

Run: ``python benchmarks/bench_report.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_time

from ictindex import build_index, datasets
from ictindex.report import charts, write_report


def main() -> None:
    panel = datasets.load("itu")
    result = build_index(panel, "doi_current", years=[2022, 2023])
    gender = build_index(panel, "doi_gender", years=range(2014, 2024), by_sex=True)
    with tempfile.TemporaryDirectory() as tmp:
        cli = [
            sys.executable,
            "-m",
            "ictindex.cli",
            "report",
            "--framework",
            "doi_current",
            "--year",
            "2023",
            "--out",
            str(Path(tmp) / "cli"),
        ]
        rows = [
            (
                "ictindex report (CLI, new process)",
                median_time(lambda: subprocess.run(cli, check=True, capture_output=True), 3),
            ),
            (
                "write_report (library, built results)",
                median_time(lambda: write_report(result, Path(tmp) / "lib", year=2023, gender=gender), 3),
            ),
            ("world_map", median_time(lambda: charts.world_map(result, year=2023), 5)),
            ("ranking_chart (top 40)", median_time(lambda: charts.ranking_chart(result, year=2023), 5)),
            (
                "build doi_current 2022-2023 + doi_gender by sex",
                median_time(
                    lambda: (
                        build_index(panel, "doi_current", years=[2022, 2023]),
                        build_index(panel, "doi_gender", years=range(2014, 2024), by_sex=True),
                    ),
                    5,
                ),
            ),
        ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  median {seconds:.2f} s")
    print(f"report / 30 s budget: {rows[0][1] / 30:.0%}")


if __name__ == "__main__":
    main()
