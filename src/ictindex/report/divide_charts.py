"""Digital-divide charts: Lorenz curve, sigma-convergence, group gaps, urban/rural dumbbell, WSIS target progress.

Each chart takes the object it draws, as :mod:`ictindex.divide` (or :func:`ictindex.units.group_means`) computed
it — a :class:`~ictindex.divide.Lorenz`, a :class:`~ictindex.divide.Convergence`, a table — draws on ``ax`` when
given (otherwise on a new figure in the publication style), passes ``**kwargs`` to the main matplotlib call,
writes the ``source`` line under the axes when given, and returns the Figure. The charts format; the numbers come
from :mod:`ictindex.divide`, never from here (``result.plot.lorenz_curve()`` computes first, then draws).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ictindex import divide
from ictindex.countries import report_name
from ictindex.errors import MethodError
from ictindex.report.style import NEUTRAL, PALETTE, WIDTH, add_source, figure_for, legend_below, style
from ictindex.units import NO_GROUP

__all__ = [
    "lorenz_curve",
    "sigma_convergence_chart",
    "group_gap_chart",
    "urban_rural_dumbbell",
    "target_progress_chart",
    "DIVIDE_CHARTS",
]

RURAL, URBAN = "#009E73", "#CC79A7"
ITU_SOURCE = "Source: ITU (CC BY-NC-SA 3.0 IGO); population: World Bank WDI 2025 (CC BY 4.0); computed with ictindex."


@contextmanager
def _axes(ax: Axes | None, height: float, width: float = WIDTH) -> Iterator[tuple[Figure, Axes]]:
    with style():
        fig, ax = figure_for(ax, height=height, width=width)
        yield fig, ax


def _source(fig: Figure, text: str | None) -> None:
    """The source line under the chart, wrapped to the figure's width (:func:`~ictindex.report.style.add_source`:
    the layout keeps a strip for it); none without it."""
    if text:
        add_source(fig, text)


def lorenz_curve(
    curve: divide.Lorenz,
    *,
    ax: Axes | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Figure:
    """Lorenz curves of one year (a :class:`ictindex.divide.Lorenz`, from :func:`ictindex.divide.lorenz`): units
    ranked by value, the cumulative share of units (each once) and of population (population-weighted) against
    the cumulative share of the value total; the diagonal is equality. The legend gives both Gini coefficients.
    ``result.plot.lorenz_curve(year=...)`` computes the curves first."""
    if not isinstance(curve, divide.Lorenz):
        raise MethodError(
            f"lorenz_curve draws a Lorenz object, got {type(curve).__name__}",
            hint="compute it first (ictindex.divide.lorenz), or call result.plot.lorenz_curve()",
        )
    words = {"units": curve.noun, "population": "population"}
    with _axes(ax, 4.0, width=4.4) as (fig, ax):
        ax.plot([0, 1], [0, 1], color=NEUTRAL, linewidth=0.8, linestyle=":", label="equality")
        for (weighting, part), colour in zip(curve.curves.groupby("weighting", sort=False), PALETTE, strict=False):
            label = f"{words[weighting]} (Gini {curve.gini[weighting]:.3f})"
            ax.plot(part["x"], part["y"], color=colour, label=label, **kwargs)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel(f"Cumulative share of {curve.noun} / population, lowest scores first")
        ax.set_ylabel("Cumulative share of the score total")
        ax.set_title(f"{curve.label}: Lorenz curves,\n{curve.year} ({curve.units} {curve.noun})")
        ax.legend(loc="upper left")
        _source(fig, source)
    return fig


def sigma_convergence_chart(
    conv: divide.Convergence,
    *,
    label: str | None = None,
    measures: tuple[str, ...] = ("cv", "gini", "gini_weighted"),
    ax: Axes | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Figure:
    """Dispersion per year on the balanced panel (sigma-convergence; a :class:`ictindex.divide.Convergence`):
    coefficient of variation and Gini (each unit once, and population-weighted). Falling lines mean the divide
    narrows. ``result.plot.sigma_convergence_chart()`` computes the convergence first."""
    if not isinstance(conv, divide.Convergence):
        raise MethodError(
            f"sigma_convergence_chart draws a Convergence object, got {type(conv).__name__}",
            hint="compute it first (ictindex.divide.convergence), or call result.plot.sigma_convergence_chart()",
        )
    names = {
        "cv": "coefficient of variation",
        "gini": "Gini (each unit once)",
        "gini_weighted": "Gini (population)",
        "theil_t": "Theil T (population)",
        "theil_l": "Theil L (population)",
        "sd": "standard deviation",
    }
    sigma = conv.sigma
    with _axes(ax, 2.8) as (fig, ax):
        for colour, measure in zip(PALETTE, measures, strict=False):
            ax.plot(
                sigma["year"],
                sigma[measure],
                marker="o",
                markersize=3,
                color=colour,
                label=names.get(measure, measure),
                **kwargs,
            )
        ax.set_ylim(bottom=0)
        ax.grid(axis="y")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("Year")
        ax.set_title(f"{label + ': ' if label else ''}dispersion per year\n({conv.note})")
        legend_below(ax, ncols=len(measures))
        _source(fig, source)
    return fig


def group_gap_chart(
    table: pd.DataFrame,
    *,
    year: int | None = None,
    grouping: str = "income",
    mean: str = "weighted_mean",
    everyone: str = "World",
    ax: Axes | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Figure:
    """Bars of the group means (a :func:`ictindex.units.group_means` table with ``world`` and
    ``grouping``; its first code when it holds several) with the world mean as a line; the title gives the gap
    between the highest and lowest group; ``everyone`` names the line of all units ("World" for economies)."""
    year = int(table["year"].max()) if year is None else int(year)
    if "code" in table.columns and table["code"].nunique() > 1:
        table = table[table["code"] == table["code"].iloc[0]]
    rows = table[(table["year"] == year) & (table["grouping"] == grouping) & (table["group"] != NO_GROUP)]
    if rows.empty:
        raise MethodError(f"no '{grouping}' groups in the table for {year}", year=year, field="grouping")
    rows = rows.sort_values(mean)
    world = table[(table["year"] == year) & (table["grouping"] == "world")][mean]
    with _axes(ax, 0.9 + 0.28 * len(rows)) as (fig, ax):
        y = np.arange(len(rows))
        ax.barh(y, rows[mean], color=PALETTE[0], **kwargs)
        for yi, value, share in zip(y, rows[mean], rows["population_share"], strict=True):
            ax.text(value, yi, f" {value:.2f} ({share:.0%} of pop.)", va="center", fontsize=7)
        if not world.empty:
            ax.axvline(float(world.iloc[0]), color="black", linewidth=0.8, label=f"{everyone} {world.iloc[0]:.2f}")
            ax.legend(loc="lower right")
        ax.set_yticks(y, rows["group"])
        ax.set_xlim(0, rows[mean].max() * 1.35)
        ax.grid(axis="x")
        kind = "population-weighted" if mean == "weighted_mean" else "simple"
        gap = rows[mean].max() - rows[mean].min()
        ax.set_xlabel(f"Mean ({kind})")
        ax.set_title(f"Group means, {year}: gap between highest and lowest {gap:.2f}")
        _source(fig, source)
    return fig


def urban_rural_dumbbell(
    gaps: pd.DataFrame,
    *,
    max_economies: int | None = None,
    names: Callable[[str], str] = report_name,
    ax: Axes | None = None,
    source: str = ITU_SOURCE,
    **kwargs: Any,
) -> Figure:
    """Rural and urban values of each unit joined by a line, largest gap on top (the ``urban/rural`` rows of
    :func:`ictindex.divide.domestic_gaps`; ``names`` gives a unit's display name, e.g. ``result.units.name``)."""
    rows = gaps[gaps["dimension"] == "urban/rural"]
    if rows.empty:
        raise MethodError("no urban/rural values to plot", hint="the panel needs '<series>.urban' and '.rural' rows")
    subset = ""
    if max_economies is not None and len(rows) > max_economies:
        subset = f", {max_economies} largest gaps of {len(rows)}"
        rows = rows.assign(_abs=rows["difference"].abs()).nlargest(max_economies, "_abs")
    rows = rows.sort_values(["difference", "economy"], ascending=[True, False]).reset_index(drop=True)
    years = f"{rows['year'].min()}-{rows['year'].max()}" if rows["year"].nunique() > 1 else str(rows["year"].iloc[0])
    with _axes(ax, 1.3 + 0.16 * len(rows)) as (fig, ax):
        y = np.arange(len(rows))
        ax.hlines(
            y,
            rows[["lower", "reference"]].min(axis=1),
            rows[["lower", "reference"]].max(axis=1),
            color=NEUTRAL,
            linewidth=1.2,
            zorder=1,
        )
        ax.scatter(rows["lower"], y, color=RURAL, s=18, zorder=3, label="Rural", **kwargs)
        ax.scatter(rows["reference"], y, color=URBAN, s=18, zorder=2, marker="s", label="Urban", **kwargs)
        ax.set_yticks(y, [f"{names(e)} ({yr})" for e, yr in zip(rows["economy"], rows["year"], strict=True)])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.grid(axis="x")
        ax.set_xlabel("Individuals using the Internet (%)")
        ax.set_title(f"Internet use in urban and rural areas, latest year {years}{subset}")
        fig.legend(loc="outside lower center", ncols=2)
        _source(
            fig,
            "Source: ITU, Individuals using the Internet by gender and urban/rural location (CC BY-NC-SA 3.0 IGO)."
            if source == ITU_SOURCE
            else source,
        )
    return fig


def target_progress_chart(
    table: pd.DataFrame,
    *,
    target: str = "internet_users",
    grouping: str = "income",
    trends: pd.DataFrame | None = None,
    ax: Axes | None = None,
    source: str = ITU_SOURCE,
    breaks: pd.DataFrame | None = None,
    source_breaks: pd.DataFrame | None = None,
    **kwargs: Any,
) -> Figure:
    """Progress towards one WSIS target (a :func:`ictindex.divide.wsis_targets` table, or the same columns from
    the estimates with ``low``/``high``, drawn as a shaded interval): world and group
    values per year, the target drawn as a line, and with ``trends`` (:func:`ictindex.divide.wsis_trend_points`)
    the fitted logistic trend (dotted) up to the year the target would be reached where it is not reached yet.
    ``breaks`` (:func:`ictindex.findings.reporting_breaks`) are marked on the lines: an open circle where the
    share of the group's population reporting changed by more than a few points (a series break, not progress),
    with the change written beside it on the world's line (the groups' breaks are circles only, to keep the
    lines readable). ``source_breaks`` (:func:`ictindex.findings.source_breaks`) are marked as open diamonds: a year
    where economies whose value came from another series than the year before hold more than a few per cent of the
    group's population with values (a change of source, not progress). The legend sits under the axes, off the
    data."""
    rows = _target_rows(table, target, grouping)
    first = rows.iloc[0]
    with _axes(ax, 3.2) as (fig, ax):
        ax.axhline(
            first["target_value"],
            color="black",
            linewidth=0.9,
            linestyle="--",
            label=f"target {first['target_value']:.0f} %",
        )
        colours = iter(PALETTE)
        for (kind, group), part in rows.groupby(["grouping", "group"], sort=False):
            colour = "black" if kind == "world" else next(colours, NEUTRAL)
            part = part[part["meets_coverage"]].sort_values("year")
            if part.empty:
                continue
            _target_line(ax, part, colour, world=kind == "world", **kwargs)
            if trends is not None and not trends.empty:
                line = trends[(trends["target"] == target) & (trends["grouping"] == kind) & (trends["group"] == group)]
                if not line.empty:
                    ax.plot(line["year"], line["value"], color=colour, linestyle=":", linewidth=1)
            for marks, draw in ((breaks, _reporting_breaks), (source_breaks, _source_breaks)):
                if marks is not None and not marks.empty:
                    cut = marks[(marks["target"] == target) & (marks["grouping"] == kind) & (marks["group"] == group)]
                    draw(ax, part, cut, colour, world=kind == "world")
        ax.set_ylim(0, 100)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y")
        ax.set_ylabel("% (population-weighted)")
        ax.set_title(f"{first['name']}:\nprogress towards the WSIS target")
        if breaks is not None and not breaks.empty and breaks["target"].eq(target).any():
            ax.scatter(
                [], [], s=28, facecolors="white", edgecolors="black", label="series break (reporting population)"
            )
        if source_breaks is not None and not source_breaks.empty and source_breaks["target"].eq(target).any():
            ax.scatter([], [], s=30, marker="D", facecolors="white", edgecolors="black", label=SOURCE_BREAK_LABEL)
        legend_below(ax, ncols=2, fontsize=6.5)
        _source(fig, _target_source(source, estimated="imputed_share" in rows.columns))
    return fig


def _target_rows(table: pd.DataFrame, target: str, grouping: str) -> pd.DataFrame:
    """The rows of ``target`` for the world and the groups of ``grouping`` (units without a group left out)."""
    rows = table[
        (table["target"] == target) & table["grouping"].isin(["world", grouping]) & (table["group"] != NO_GROUP)
    ]
    if rows.empty:
        raise MethodError(
            f"no rows for target '{target}'", field="target", hint=f"targets: {sorted(table['target'].unique())}"
        )
    return rows


def _target_line(ax: Axes, part: pd.DataFrame, colour: str, *, world: bool, **kwargs: Any) -> None:
    """Draws one group's values per year (the world's thicker), its 95 % interval when the rows are estimates,
    labelled with the year the target was reached or is projected to be."""
    when, how = part["reached_year"].iloc[0], str(part["reached"].iloc[0])
    verb = "projected" if how == "projected" else ("reached by" if "at or before" in how else "reached")
    status = f"{verb} {when}" if pd.notna(when) else how
    if {"low", "high"} <= set(part.columns):  # estimates (ictindex.estimates): their 95 % interval
        ax.fill_between(part["year"], part["low"], part["high"], color=colour, alpha=0.12, linewidth=0)
    ax.plot(
        part["year"],
        part["value"],
        color=colour,
        linewidth=2 if world else 1.2,
        label=f"{part['group'].iloc[0]} ({status})",
        **kwargs,
    )


def _reporting_breaks(ax: Axes, part: pd.DataFrame, cut: pd.DataFrame, colour: str, *, world: bool) -> None:
    """Marks the group's breaks of reporting population (``cut``) on its line as open circles; on the world's
    line the change is written beside each."""
    at = part.set_index("year")["value"].reindex(cut["year"])
    ax.scatter(cut["year"], at, s=28, facecolors="white", edgecolors=colour, zorder=4, linewidths=1.2)
    for year, value, moved in zip(cut["year"], at, cut["change"], strict=True) if world else ():
        ax.annotate(
            f"{moved * 100:+.0f} pts reporting",
            (year, value),
            xytext=(3, -9),
            textcoords="offset points",
            fontsize=5.5,
            color=colour,
        )


#: The legend entry of a change of source on a group's line.
SOURCE_BREAK_LABEL = "series break (values from another series)"


def _source_breaks(ax: Axes, part: pd.DataFrame, cut: pd.DataFrame, colour: str, *, world: bool) -> None:
    """Marks the group's changes of source (``cut``, :func:`ictindex.findings.source_breaks`) on its line as open
    diamonds; on the world's line one note per run of consecutive years gives the largest share of the population
    whose values came from another series (above and left of the first diamond, off the reporting notes)."""
    at = part.set_index("year")["value"].reindex(cut["year"])
    ax.scatter(cut["year"], at, s=30, marker="D", facecolors="white", edgecolors=colour, zorder=4, linewidths=1.2)
    if not world or cut.empty:
        return
    years = cut["year"].astype(int).to_numpy()
    runs = np.cumsum(np.r_[True, np.diff(years) != 1])
    for run in np.unique(runs):
        inside = runs == run
        first, last = years[inside][0], years[inside][-1]
        when = f"{first}" if first == last else f"{first}-{str(last)[-2:]}"
        ax.annotate(
            f"{when}: {cut['series_changed_share'].to_numpy()[inside].max() * 100:.0f} % from another series",
            (first, at.to_numpy()[inside][0]),
            xytext=(-4, 6),
            textcoords="offset points",
            ha="right",
            fontsize=5.5,
            color=colour,
        )


def _target_source(source: str, *, estimated: bool) -> str:
    """The source line of a WSIS target chart, with what its lines, shading and marks mean."""
    if estimated:  # every economy counted: nothing is left undrawn
        return (
            f"{source} Every economy counted, non-reporting ones imputed (ictindex.estimates); shaded: 95 % "
            "interval. Dotted: logistic trend to the projected year."
        )
    return (
        f"{source} Years where economies with data hold too little of the group's population are not "
        "drawn. Dotted: logistic trend to the projected year. Open circles: the share of the group's "
        "population reporting changed by more than 5 points from the year before (a change of who reports). Open "
        "diamonds: economies holding more than 5 % of the group's population took their value from another series "
        "than the year before (a change of source)."
    )


DIVIDE_CHARTS: dict[str, Callable[..., Figure]] = {
    f.__name__: f
    for f in (lorenz_curve, sigma_convergence_chart, group_gap_chart, urban_rural_dumbbell, target_progress_chart)
}
