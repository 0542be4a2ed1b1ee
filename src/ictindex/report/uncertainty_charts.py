"""Charts of an uncertainty and a sensitivity analysis (matplotlib only; each returns the Figure).

``rank_uncertainty_chart``
    One row per economy, sorted by nominal (or median) rank: the 5-95 % rank interval as a bar,
    the median rank as a dot and the nominal rank as a diamond (COINr's ``plot_uncertainty``;
    the JRC audits' rank-interval figure).
``sobol_chart``
    First-order and total Sobol' indices per uncertain input with their bootstrap intervals
    (COINr's ``plot_sensitivity``).

Both take ``ax=None`` (draw on the caller's Axes when given) and pass ``**kwargs`` to the main
matplotlib call, and add a source line naming the analysis. ``uncertainty_table`` is the report's
table and ``add_uncertainty_section`` adds chart, table and text to a report folder.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ictindex.countries import report_name
from ictindex.errors import SpecError
from ictindex.report.style import PALETTE, WIDTH, add_source, figure_for, legend_below, style

if TYPE_CHECKING:
    from ictindex.report.document import Report
    from ictindex.sensitivity import SensitivityResult
    from ictindex.uncertainty import UncertaintyResult

__all__ = [
    "rank_uncertainty_chart",
    "sobol_chart",
    "uncertainty_source",
    "uncertainty_table",
    "add_uncertainty_section",
]


def uncertainty_source(result: UncertaintyResult) -> str:
    """One line naming what was varied and how often (the chart's source line)."""
    factors = ", ".join(f.name.replace("_", " ") for f in result.problem.factors)
    return (
        f"Source: ictindex uncertainty analysis of {result.problem.base.framework.name}; {result.n:,} replications "
        f"({result.sampler} sample, seed {result.seed}) varying {factors}."
    )


def _canvas(ax: Axes | None, height: float, width: float = WIDTH) -> tuple[Figure, Axes]:
    return figure_for(ax, height=height, width=width)


def _source(fig: Figure, text: str) -> None:
    """The source line under the chart (a figure label, so the constrained layout keeps room for it)."""
    add_source(fig, text)


def rank_uncertainty_chart(
    result: UncertaintyResult,
    *,
    year: int | None = None,
    top: int | None = 40,
    order: str = "nominal",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Figure:
    """Nominal rank, median rank and 5-95 % rank interval of every economy, best first.

    Parameters
    ----------
    result
        An :class:`~ictindex.uncertainty.UncertaintyResult`.
    year
        The year shown (default: the latest).
    top
        Show the first ``top`` economies in that order (``None``: all).
    order
        ``nominal`` or ``median``: the rank the rows are sorted by.
    ax
        Draw on this Axes instead of a new figure.
    **kwargs
        Passed to the interval bars (``Axes.hlines``), e.g. ``color``, ``linewidth``.
    """
    if order not in ("nominal", "median"):
        raise SpecError(f"order must be 'nominal' or 'median', got {order!r}", field="order")
    ranks = result.ranks
    years = sorted(ranks["year"].unique())
    year = years[-1] if year is None else year
    if year not in years:
        raise SpecError(f"no year {year} in the analysis", field="year", hint=f"choose among {years}")
    table = ranks[ranks["year"] == year].sort_values([f"{order}_rank", "median_rank", "economy"])
    total = len(table)
    if top is not None:
        table = table.head(top)
    y = np.arange(len(table))
    with style():
        fig, ax = _canvas(ax, height=1.3 + 0.13 * len(table))
        options = {"color": PALETTE[0], "linewidth": 2.2, "alpha": 0.45, "label": "5-95 % of replications"} | kwargs
        ax.hlines(y, table["rank_q05"], table["rank_q95"], **options)
        ax.scatter(table["median_rank"], y, s=14, color=PALETTE[0], zorder=3, label="median rank")
        ax.scatter(
            table["nominal_rank"].astype(float),
            y,
            s=16,
            marker="D",
            facecolor="white",
            edgecolor="black",
            linewidth=0.7,
            zorder=4,
            label="nominal rank",
        )
        ax.set_yticks(y, [_names(result)(e) for e in table["economy"]])
        ax.set_ylim(len(table) - 0.4, -0.6)
        ax.set_xlim(0.5, max(float(table["rank_q95"].max()), float(table["nominal_rank"].max())) + 0.5)
        ax.grid(axis="x")
        ax.set_xlabel("rank (1 = best)")
        subset = f"\nfirst {len(table)} of {total} economies by {order} rank" if len(table) < total else ""
        ax.set_title(f"{result.problem.base.framework.name}, {year}: rank uncertainty{subset}")
        legend_below(ax, ncols=3)  # under the axes: the whiskers reach every corner of a long ranking
        _source(fig, uncertainty_source(result))
    return fig


def sobol_chart(result: SensitivityResult, *, ax: Axes | None = None, **kwargs: Any) -> Figure:
    """First-order and total Sobol' indices of every uncertain input with their bootstrap intervals.

    ``**kwargs`` are passed to both ``Axes.barh`` calls (e.g. ``height``, ``alpha``).
    """
    table = result.indices.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(table))
    height = kwargs.pop("height", 0.36)
    has_ci = table["S1_low"].notna().all()
    with style():
        fig, ax = _canvas(ax, height=1.3 + 0.35 * len(table))
        for offset, column, colour, label in (
            (height / 2, "ST", PALETTE[1], "total"),
            (-height / 2, "S1", PALETTE[0], "first order"),
        ):
            errors = None
            if has_ci:
                errors = np.vstack(
                    [
                        (table[column] - table[f"{column}_low"]).clip(lower=0),
                        (table[f"{column}_high"] - table[column]).clip(lower=0),
                    ]
                )
            ax.barh(
                y + offset,
                table[column],
                height=height,
                color=colour,
                label=label,
                xerr=errors,
                error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "black"},
                **kwargs,
            )
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_yticks(y, [f.replace("_", " ") for f in table["factor"]])
        ax.set_xlim(min(0.0, float(table["S1"].min()) - 0.05), 1.0)
        ax.grid(axis="x")
        level = "" if not has_ci else " (bars: bootstrap interval)"
        ax.set_xlabel(f"Sobol' index{level}")
        target = "the mean absolute rank shift" if result.target == "rank_shift" else result.target
        ax.set_title(f"What drives the uncertainty of {target}")
        legend_below(ax, ncols=3)
        runs = result.runs
        text = uncertainty_source(runs).replace(
            f"{runs.n:,} replications", f"{runs.n:,} runs (n = {result.n}, Saltelli design)"
        )
        _source(fig, text)
    return fig


# -- the report's table and section ---------------------------------------------------------------------
def _names(result: UncertaintyResult) -> Any:
    """Display names of the units of the analysis (its build's units table; ITU's names of economies)."""
    spec = getattr(getattr(result.problem, "base", None), "spec", None)
    return spec.units.name if spec is not None else report_name


def uncertainty_table(result: UncertaintyResult, *, year: int | None = None) -> pd.DataFrame:
    """The report's rank-uncertainty table for one year: economy (name), nominal and median rank, the
    5-95 % rank interval, the nominal score and the share of replications in the top k; best first."""
    ranks = result.ranks
    year = int(ranks["year"].max()) if year is None else int(year)
    table = ranks[ranks["year"] == year]
    top = f"p_top{result.top}"
    return pd.DataFrame(
        {
            "economy": table["economy"].map(_names(result)),
            "nominal rank": table["nominal_rank"],
            "median rank": table["median_rank"],
            "rank 5 %": table["rank_q05"],
            "rank 95 %": table["rank_q95"],
            "score": table["nominal_score"],
            f"share in top {result.top}": table[top],
        }
    ).reset_index(drop=True)


def add_uncertainty_section(
    report: Report, result: UncertaintyResult, *, year: int | None = None, formats: Sequence[str] = ("png", "svg")
) -> Report:
    """Add the uncertainty section to a report folder written by :func:`ictindex.report.write_report`:
    the rank-uncertainty chart and table (CSV, LaTeX) and an HTML section before the methodology."""
    from ictindex.report.export import to_html, to_latex, write_csv
    from ictindex.report.style import save_figure

    year = int(result.ranks["year"].max()) if year is None else int(year)
    fig = rank_uncertainty_chart(result, year=year, top=40)
    charts = save_figure(fig, report.folder / "charts" / "rank_uncertainty", tuple(dict.fromkeys(("png", *formats))))
    report.charts["rank_uncertainty"] = charts
    table = uncertainty_table(result, year=year)
    [csv] = write_csv({"uncertainty": table}, report.folder / "tables")
    caption = f"{result.problem.base.framework.name}, {year}: rank uncertainty over {result.n:,} replications"
    tex = report.folder / "tables" / "uncertainty.tex"
    tex.write_text(to_latex(table, caption=caption, label="tab:uncertainty", decimals=3) + "\n", encoding="utf-8")
    report.tables["uncertainty"] = [csv, tex]
    image = base64.b64encode(charts[0].read_bytes()).decode("ascii")
    esc = html.escape
    section = "\n".join(
        [
            "<h2 id='uncertainty'>Uncertainty of the ranks</h2>",
            f"<p>{esc(uncertainty_source(result).removeprefix('Source: '))} Each economy's median rank and the "
            "interval holding 90 % of its ranks; a rank difference inside overlapping intervals is not robust to "
            "these methodological choices.</p>",
            f'<figure id="fig-rank_uncertainty"><img alt="{esc(caption)}" src="data:image/png;base64,{image}">'
            f"<figcaption>{esc(caption)}.</figcaption></figure>",
            f"<div class='scroll'>{to_html(table, decimals=3)}</div>",
        ]
    )
    page = report.html.read_text(encoding="utf-8")
    anchor = "<h2 id='methodology'>" if "<h2 id='methodology'>" in page else "</body>"
    report.html.write_text(page.replace(anchor, section + "\n" + anchor, 1), encoding="utf-8")
    return report
