"""Report stage: publication charts, tables, exports and the report folder.

Charts (:mod:`~ictindex.report.charts`, :mod:`~ictindex.report.gender_charts`) are functions
returning a matplotlib Figure, also reachable as ``result.plot.<name>(...)``; tables
(:mod:`~ictindex.report.tables`) are tidy DataFrames; :mod:`~ictindex.report.export` writes
CSV, XLSX, LaTeX and HTML; :func:`write_report` writes the whole report folder.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from ictindex.plotting import PlotAccessor
from ictindex.report.charts import (
    distribution_chart,
    framework_diagram,
    profile_chart,
    rank_shift_chart,
    ranking_chart,
    unit_map,
    world_map,
)
from ictindex.report.divide_charts import lorenz_curve, sigma_convergence_chart
from ictindex.report.document import Report, write_report
from ictindex.report.export import to_html, to_latex, write_csv, write_xlsx
from ictindex.report.gender_charts import gender_dumbbell, parity_chart
from ictindex.report.style import save_figure
from ictindex.report.tables import coverage_table, gender_report_table, group_averages, ranking_table

__all__ = [
    "CHARTS",
    "PlotAccessor",
    "Report",
    "write_report",
    "save_figure",
    "ranking_chart",
    "profile_chart",
    "world_map",
    "unit_map",
    "rank_shift_chart",
    "distribution_chart",
    "framework_diagram",
    "gender_dumbbell",
    "parity_chart",
    "lorenz_curve",
    "sigma_convergence_chart",
    "ranking_table",
    "group_averages",
    "gender_report_table",
    "coverage_table",
    "write_csv",
    "write_xlsx",
    "to_latex",
    "to_html",
]

#: Every chart of ``result.plot``: name -> function (``map`` draws the units' own boundaries, or the world).
CHARTS: dict[str, Callable[..., Figure]] = {"map": unit_map} | {
    f.__name__: f
    for f in (
        ranking_chart,
        profile_chart,
        world_map,
        rank_shift_chart,
        distribution_chart,
        framework_diagram,
        gender_dumbbell,
        parity_chart,
        lorenz_curve,
        sigma_convergence_chart,
    )
}
