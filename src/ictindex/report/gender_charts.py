"""Gender charts: female vs male scores (dumbbell) and parity scores with the parity band.

Both take an :class:`~ictindex.result.IndexResult` built with ``by_sex=True`` or its
``gender`` table, and return the matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ictindex.countries import report_name
from ictindex.gender import PARITY_BAND, gender_slice
from ictindex.report.style import FEMALE, MALE, NEUTRAL, WIDTH, new_figure, style

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["gender_dumbbell", "parity_chart", "gender_slice"]


def _name_of(data: IndexResult | pd.DataFrame) -> Callable[[str], str]:
    """Display names of the units: the result's units table (``result.units``), ITU's names of economies for a
    table."""
    return report_name if isinstance(data, pd.DataFrame) else data.units.name


def gender_dumbbell(
    data: IndexResult | pd.DataFrame,
    *,
    year: int | None = None,
    node: str | None = None,
    max_economies: int | None = None,
    name: str | None = None,
) -> Figure:
    """Female and male scores of each economy joined by a line, sorted by the relative gap.

    Economies with the largest gap (men ahead) are at the top. ``max_economies`` keeps the
    largest absolute gaps only (the title then says so).
    """
    rows, year, node, found = gender_slice(data, year, node)
    name = found if name is None else name
    rows = rows.assign(_abs=rows["gap"].abs())
    if max_economies is not None and len(rows) > max_economies:
        subset = f", {max_economies} largest gaps of {len(rows)}"
        rows = rows.nlargest(max_economies, "_abs")
    else:
        subset = ""
    rows = rows.sort_values(["gap", "economy"], ascending=[True, False]).reset_index(drop=True)
    y = np.arange(len(rows))
    with style():
        fig, ax = new_figure(height=1.3 + 0.17 * len(rows))
        ax.hlines(
            y,
            rows[["female", "male"]].min(axis=1),
            rows[["female", "male"]].max(axis=1),
            color=NEUTRAL,
            linewidth=1.2,
            zorder=1,
        )
        # men's squares under women's (smaller) circles, so equal scores show both
        ax.scatter(rows["female"], y, color=FEMALE, s=16, zorder=3, label="Women")
        ax.scatter(rows["male"], y, color=MALE, s=30, zorder=2, marker="s", label="Men")
        ax.set_yticks(y, [_name_of(data)(e) for e in rows["economy"]])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.grid(axis="x")
        ax.set_xlabel(f"{name} score")
        ax.set_title(f"{name}: women and men, {year}{subset}")
        fig.legend(loc="outside lower center", ncols=2)
    return fig


#: Rows of one panel of a parity chart (more rows: side-by-side panels, at most three).
PER_PANEL = 50


def parity_chart(
    data: IndexResult | pd.DataFrame,
    *,
    year: int | None = None,
    node: str | None = None,
    band: tuple[float, float] = PARITY_BAND,
    name: str | None = None,
) -> Figure:
    """Gender parity score (female / male) of each economy, with the parity band shaded.

    ``data`` may also be a parity table of one series (columns economy, year, node, female, male,
    parity); ``name`` then titles the chart."""
    rows, year, node, found = gender_slice(data, year, node)
    name = found if name is None else name
    rows = rows.sort_values(["parity", "economy"], ascending=[False, True]).reset_index(drop=True)
    # a long list is split into side-by-side panels of at most PER_PANEL rows (an A4 page, not a 5,000-px column)
    panels = min(3, max(1, -(-len(rows) // PER_PANEL)))
    per_panel = -(-len(rows) // panels)
    lo = min(float(rows["parity"].min()), band[0]) - 0.05
    hi = max(float(rows["parity"].max()), band[1]) + 0.05
    with style():
        fig = Figure(figsize=(WIDTH, 1.3 + 0.17 * per_panel), layout="constrained")
        axes = fig.subplots(1, panels, squeeze=False)[0]
        for k, ax in enumerate(axes):
            part = rows.iloc[k * per_panel : (k + 1) * per_panel].reset_index(drop=True)
            y = np.arange(len(part))
            colours = np.where(part["parity"] < band[0], FEMALE, np.where(part["parity"] > band[1], MALE, NEUTRAL))
            ax.axvspan(band[0], band[1], color="#E8E8E8", zorder=0)
            ax.axvline(1.0, color="black", linewidth=0.8, zorder=1)
            ax.hlines(y, 1.0, part["parity"], color=colours, linewidth=1.0, zorder=2)
            ax.scatter(part["parity"], y, color=colours, s=20 if panels == 1 else 12, zorder=3)
            ax.set_yticks(y, [_name_of(data)(e) for e in part["economy"]], fontsize=7.5 if panels == 1 else 6)
            ax.set_ylim(per_panel - 0.3, -0.7)
            ax.set_xlim(lo, hi)
            ax.grid(axis="x")
            ax.set_xlabel("Gender parity score (women / men)" if panels == 1 else "Parity score (women / men)")
        axes[0].set_title(
            f"{name}:\ngender parity score, {year}" if len(name) > 50 else f"{name}: gender parity score, {year}"
        )
        handles = [
            Patch(color="#E8E8E8", label=f"parity band {band[0]:.2f}-{band[1]:.2f}"),
            Line2D([], [], color=FEMALE, marker="o", linestyle="", label="women behind"),
            Line2D([], [], color=MALE, marker="o", linestyle="", label="men behind"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3)
    return fig
