"""Charts of the statistical audit: a correlation heatmap (:func:`correlation_heatmap`).

The numbers come from :mod:`ictindex.analysis`; this module only draws them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from ictindex.analysis import COLLINEAR_CORRELATION, WEAK_CORRELATION, correlation_matrix
from ictindex.report.style import WIDTH, figure_for, new_figure, style
from ictindex.result import IndexResult

__all__ = ["correlation_heatmap"]


def correlation_heatmap(
    result: IndexResult,
    *,
    node: str | None = None,
    year: int | None = None,
    method: str = "pearson",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Figure:
    """Correlations between a node's children and the node (or every indicator and the index).

    Cells are coloured on a diverging scale centred on 0 (blue positive, vermillion negative) and
    labelled with ``r``; an outlined cell marks a collinear pair (``|r| > 0.9``), an italic label a
    weak one (``|r| < 0.3``). ``kwargs`` go to :meth:`matplotlib.axes.Axes.imshow` (e.g. ``cmap``).
    """
    matrix = correlation_matrix(result, node=node, year=year, method=method)
    labels = list(matrix.columns)
    n = len(labels)
    with style():
        if ax is None:
            size = min(WIDTH, 1.6 + 0.32 * n)
            fig, ax = new_figure(height=size, width=size + 0.8)
        else:
            fig, ax = figure_for(ax, height=0, width=0)  # the caller's axes, its text set literally
        options = {"cmap": "RdBu", "norm": TwoSlopeNorm(vcenter=0.0, vmin=-1.0, vmax=1.0)} | kwargs
        image = ax.imshow(matrix.to_numpy(), **options)
        ax.set_xticks(np.arange(n), labels=labels, rotation=90)
        ax.set_yticks(np.arange(n), labels=labels)
        ax.tick_params(length=0, labelsize=5.5 if n > 25 else 7.5)
        ax.grid(False)
        if n <= 25:
            for i in range(n):
                for j in range(n):
                    r = matrix.iat[i, j]
                    if np.isnan(r):
                        continue
                    ax.text(
                        j,
                        i,
                        f"{r:.2f}",
                        ha="center",
                        va="center",
                        fontsize=6 if n > 12 else 7,
                        color="white" if abs(r) > 0.6 else "black",
                        style="italic" if abs(r) < WEAK_CORRELATION else "normal",
                    )
                    if i != j and abs(r) > COLLINEAR_CORRELATION:
                        ax.add_patch(_outline(j, i))
        where = "every indicator and the index" if node is None else f"the children of {node}"
        year_text = f", {year}" if year is not None else ""
        ax.set_title(f"{method.capitalize()} correlations: {where}{year_text}")
        fig.colorbar(image, ax=ax, shrink=0.8, label="r")
    return fig


def _outline(x: float, y: float) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.2)
