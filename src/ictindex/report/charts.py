"""Publication charts of an index result (matplotlib only; each returns the Figure).

``ranking_chart``
    Every scored economy (in several panels), the index score written at each bar; optionally
    stacked by each sub-index's contribution.
``profile_chart``
    An economy's index and sub-indices against its region's and income group's averages.
``world_map``
    Classed choropleth (quantile classes) on Natural Earth 1:110m boundaries (see
    :mod:`ictindex.report.maps`); economies without a score hatched; scored economies too small to
    draw listed under the map; a boundary disclaimer.
``rank_shift_chart``
    Slope chart of ranks between two years, or between two results (two methods).
``distribution_chart``
    Scores by region: box plots with every economy as a point.
``framework_diagram``
    The index tree with weights, aggregation methods and indicator directions.

Every chart takes ``ax=None`` (draw on the caller's Axes instead of a new figure), ``source=True``
(the source line under the chart: the framework's citation and the data's licences; a string
replaces it, ``False`` leaves it out) and ``**kwargs`` passed to the main matplotlib call, and
returns the Figure. All are also reachable as ``result.plot.<name>(...)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Polygon
from matplotlib.path import Path as MplPath

from ictindex.errors import MethodError
from ictindex.framework import Framework
from ictindex.geometry import Geometry, aspect, read_geometry
from ictindex.report.maps import DISCLAIMER, world_polygons
from ictindex.report.quality import FLAG, flag_handles, ranking_marks
from ictindex.report.style import (
    HALF_WIDTH,
    NEUTRAL,
    NO_DATA,
    PALETTE,
    WIDTH,
    add_source,
    bottom_centre_axes,
    figure_for,
    legend_below,
    style,
)
from ictindex.report.tables import RankingRule, apply_ranking_rule, node_label, report_year
from ictindex.units import group_means
from ictindex.weights import effective_weights

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "ranking_chart",
    "profile_chart",
    "world_map",
    "rank_shift_chart",
    "distribution_chart",
    "framework_diagram",
    "source_line",
    "map_not_drawn",
    "unit_map",
    "map_outside",
    "RANK_COLOURS",
    "group_view_chart",
    "source_changes",
    "marked_source_changes",
    "SOURCE_CHANGES",
]

#: Rank shift colours: Okabe-Ito blue (rose), vermillion (fell), grey (unchanged); they stay apart under
#: simulated deuteranopia and protanopia (tests/test_report.py), and unchanged lines are also dashed.
RANK_COLOURS = {"rose": "#0072B2", "fell": "#D55E00", "unchanged": "#7F7F7F"}
_MPL_310 = tuple(int(p) for p in mpl.__version__.split(".")[:2]) >= (3, 10)


def _licence_short(licence: str) -> str:
    return licence.split(" (")[0].split(":")[0].strip()


def source_line(result: IndexResult, years: Any = None) -> str:
    """The source line printed under a chart: who computed what, the method's citation and the data actually
    used in ``years`` (default: every year of the result) with their citations and licences
    (:func:`ictindex.findings.source_line`)."""
    from ictindex.findings import source_line as line
    from ictindex.findings import sources_used

    return line(result, sources_used(result, years))


def _finish(fig: Figure, result: IndexResult | None, source: bool | str | None) -> Figure:
    if source is True and result is not None:
        add_source(fig, source_line(result))
    elif isinstance(source, str):
        add_source(fig, source)
    return fig


def _sub_indices(result: IndexResult) -> list[str]:
    return [c.code for c in result.framework.node(result.framework.index).children]


def _ranking_with_children(result: IndexResult, year: int, rule: RankingRule | None = None) -> pd.DataFrame:
    """The year's ranking with a column for every child of the index: the sub-index score, or for
    an indicator directly under the index its normalised value on the framework's scale."""
    ranking = apply_ranking_rule(result, year, rule)[0]
    leaves = [c for c in _sub_indices(result) if c not in ranking.columns]
    if leaves:
        normalised = result.normalised
        normalised = normalised[normalised["year"] == year].set_index("economy")[leaves] * result.framework.scale
        ranking = ranking.join(normalised, on="economy")
    return ranking


def _index_is_arithmetic(fw: Framework) -> bool:
    return fw.node(fw.index).aggregation.method == "arithmetic"


def ranking_chart(
    result: IndexResult,
    *,
    year: int | None = None,
    top: int | None = None,
    stacked: bool = False,
    rows_per_panel: int = 52,
    rule: RankingRule | None = None,
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """Every scored economy, best first, the index score written at the end of each bar.

    The ranking is split into panels of ``rows_per_panel`` economies, two side by side (one panel
    when ``ax`` is given). ``top`` keeps the best ``top`` only (the title says so). With
    ``stacked=True`` and an arithmetic index, each bar is split into the sub-indices'
    contributions ``w_c * s_c`` (weights rescaled over the sub-indices present), which add up to the
    index; for other means the sub-index scores are drawn as points, since they do not add up.
    With a :class:`~ictindex.ranking.RankingRule`, only the economies it ranks are shown.
    ``kwargs`` go to :meth:`~matplotlib.axes.Axes.barh`.
    """
    year = report_year(result, year)
    fw = result.framework
    ranking = _ranking_with_children(result, year, rule)
    total = len(ranking)
    if top is not None:
        ranking = ranking.head(top)
    n_panels = 1 if ax is not None else max(1, math.ceil(len(ranking) / rows_per_panel))
    per_panel = math.ceil(len(ranking) / n_panels)
    columns = min(2, n_panels)
    grid_rows = math.ceil(n_panels / columns)
    subs = _sub_indices(result)
    weights = pd.Series(fw.node(fw.index).weights)[subs]
    subset = f" (top {len(ranking)} of {total})" if len(ranking) < total else f" ({total} {result.units.plural})"
    with style():
        if ax is None:
            fig = Figure(figsize=(WIDTH, 0.9 + grid_rows * (0.35 + 0.092 * per_panel)), layout="constrained")
            axes = list(np.atleast_1d(fig.subplots(grid_rows, columns, squeeze=False).ravel()))
        else:
            fig, _ = figure_for(ax, 0)
            axes = [ax]
        handles = []
        for k, panel_ax in enumerate(axes):
            part = ranking.iloc[k * per_panel : (k + 1) * per_panel].reset_index(drop=True)
            if part.empty:
                panel_ax.set_axis_off()
                continue
            handles = _ranking_panel(panel_ax, result, part, subs, weights, stacked, len(axes) > 1, **kwargs)
        label = f"{node_label(result, fw.index)} score"
        if stacked and _index_is_arithmetic(fw):
            label += " (bar segments: contribution of each sub-index)"
        elif stacked:
            label += f" ({fw.node(fw.index).aggregation.method} mean; points: sub-index scores)"
        for panel_ax in axes[-columns:]:
            panel_ax.set_xlabel(label if len(axes) == 1 else f"{node_label(result, fw.index)} score")
        axes[0].set_title(f"{fw.name}, {year}{subset}")
        handles = [*handles, *flag_handles(ranking_marks(result, year).reindex(ranking["economy"]).dropna())]
        if handles:
            below = bottom_centre_axes(fig) or axes[-1]
            legend_below(below, ncols=min(len(handles), 4 if len(axes) == 1 else 2), handles=handles)
    return _finish(fig, result, source)


def _ranking_panel(
    ax: Axes,
    result: IndexResult,
    part: pd.DataFrame,
    subs: list[str],
    weights: pd.Series,
    stacked: bool,
    compact: bool,
    **kwargs: Any,
) -> list[Any]:
    """Draws one panel of the ranking chart (the units of ``part``, best on top); returns its legend handles."""
    fw = result.framework
    y = np.arange(len(part))[::-1]
    if stacked and _index_is_arithmetic(fw):
        handles = _contribution_bars(ax, result, part, y, subs, weights, **kwargs)
    else:
        handles = _index_bars(ax, result, part, y, subs, stacked, **kwargs)
    size = 5 if compact else 6.5
    _score_labels(ax, result, part, y, size)
    ax.set_yticks(
        y, [f"{r}  {result.units.name(e)}" for r, e in zip(part["rank"], part["economy"], strict=True)], fontsize=size
    )
    ax.set_ylim(-0.6, len(part) - 0.4)
    ax.set_xlim(0, fw.scale * 1.12)
    ax.set_xticks(np.linspace(0, fw.scale, 3 if compact else 5))  # narrow panels: ticks that do not touch
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x")
    return handles


def _contribution_bars(
    ax: Axes,
    result: IndexResult,
    part: pd.DataFrame,
    y: np.ndarray,
    subs: list[str],
    weights: pd.Series,
    **kwargs: Any,
) -> list[Any]:
    """Draws the index of an arithmetic mean as stacked bars, one segment per sub-index (its weighted score,
    weights rescaled over the sub-indices present); returns the segments' legend handles."""
    present = part[subs].notna()
    share = present.mul(weights, axis=1)
    share = share.div(share.sum(axis=1), axis=0)
    contribution = part[subs].fillna(0).mul(share)
    left = np.zeros(len(part))
    handles: list[Any] = []
    for i, code in enumerate(subs):
        handles.append(
            ax.barh(
                y,
                contribution[code],
                left=left,
                color=PALETTE[i % len(PALETTE)],
                height=0.75,
                label=node_label(result, code),
                **kwargs,
            )
        )
        left += contribution[code].to_numpy()
    return handles


def _index_bars(
    ax: Axes,
    result: IndexResult,
    part: pd.DataFrame,
    y: np.ndarray,
    subs: list[str],
    stacked: bool,
    **kwargs: Any,
) -> list[Any]:
    """Draws the index as one bar per unit and, when ``stacked``, each sub-index score as a point; returns the
    points' legend handles (none without them)."""
    index = result.framework.index
    ax.barh(
        y,
        part[index],
        color=PALETTE[0] if not stacked else NEUTRAL,
        height=0.75,
        label=node_label(result, index),
        **kwargs,
    )
    if not stacked:
        return []
    return [
        ax.scatter(part[code], y, color=PALETTE[(i + 1) % len(PALETTE)], s=6, zorder=3, label=node_label(result, code))
        for i, code in enumerate(subs)
    ]


def _score_labels(ax: Axes, result: IndexResult, part: pd.DataFrame, y: np.ndarray, size: float) -> None:
    """Writes each unit's score at the end of its bar, at the published precision, and its flags after it
    (issue 21; the legend of the flags is under the chart)."""
    fw = result.framework
    scores = part[fw.index]
    for yy, value in zip(y, scores, strict=True):
        ax.text(value + fw.scale * 0.01, yy, f"{value:.{fw.rounding}f}", va="center", ha="left", fontsize=size - 0.5)
    marks = part["economy"].map(ranking_marks(result, int(part["year"].iloc[0]))).fillna("")
    for yy, value, mark in zip(y, scores, marks, strict=True):
        if mark:
            ax.annotate(
                mark,
                (value + fw.scale * 0.01, yy),
                xytext=(2.6 * size, 0),  # points: past the score's four characters
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=size - 1,
                color=FLAG,
                fontweight="bold",
                gid="flag",
            )


def _flag_line(result: IndexResult, economy: str, year: int) -> str:
    """Second title line of a profile: indicators present, estimates, carried values (ictindex.flags)."""
    flags = result.economy_flags
    if flags.empty:
        return ""
    row = flags[(flags["economy"] == economy) & (flags["year"] == year)]
    if row.empty:
        return ""
    r = row.iloc[0]
    warn = f" [{r['why']}]" if r["why"] else ""
    return (
        f"\n{r['present']} of {r['indicators']} indicators; {r['estimates']} estimated, "
        f"{r['carried']} carried forward{warn}"
    )


def profile_groupings(result: IndexResult) -> tuple[str, ...]:
    """The groupings a profile compares a unit with: region and income group for economies, the first two
    groupings of a units table, none for ``units="any"``."""
    units = result.units
    return ("region", "income") if units.resolves_names else tuple(units.group_columns[:2])


def profile_chart(
    result: IndexResult,
    economy: str,
    *,
    year: int | None = None,
    groups: pd.DataFrame | None = None,
    groupings: tuple[str, ...] | None = None,
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """Index and sub-index scores of one unit next to the simple averages of its groups (over the units
    scored that year; :func:`ictindex.units.group_means`): for an economy its region's and income group's, for
    a unit of a units table its first two groupings' (``groupings`` to choose).

    A sub-index the unit has no score for is drawn as missing (a hatched outline marked "no
    score"), never as a zero-length bar. ``kwargs`` go to :meth:`~matplotlib.axes.Axes.barh`.
    """
    year = report_year(result, year)
    units = result.units
    groups = units.groups(year) if groups is None else groups
    scores = _ranking_with_children(result, year).set_index("economy")
    if economy not in scores.index:
        raise MethodError(
            f"{units.noun} '{economy}' is not scored in {year}",
            economy=economy,
            year=year,
            hint="see result.excluded for the reason",
        )
    nodes = [result.framework.index, *_sub_indices(result)]
    series = {units.name(economy): scores.loc[economy, nodes].astype("float64")}
    wanted = [g for g in (groupings or profile_groupings(result)) if g in groups.columns]
    own = {g: groups[g].get(economy) for g in wanted}
    wanted = [g for g in wanted if isinstance(own[g], str)]
    if wanted:
        values = scores[nodes].reset_index().assign(year=year)
        means = group_means(values, wanted, column=nodes, groups=groups, units=units)
        for column in wanted:
            rows = means[(means["grouping"] == column) & (means["group"] == own[column])].set_index("code")
            members = int(rows.loc[nodes[0], "economies"])
            series[f"{own[column]} average ({members})"] = rows["simple_mean"].reindex(nodes).set_axis(nodes)
    table = pd.DataFrame(series)
    y = np.arange(len(nodes))
    height = 0.8 / len(table.columns)
    scale = result.framework.scale
    with style():
        fig, ax = figure_for(ax, height=1.4 + 0.5 * len(nodes))
        for i, label in enumerate(table.columns):
            offset = i - (len(table.columns) - 1) / 2
            values = table[label]
            colour = ["black", PALETTE[0], PALETTE[1]][i % 3]
            bars = ax.barh(
                y + offset * height, values.fillna(0), height=height * 0.95, color=colour, label=label, **kwargs
            )
            ax.bar_label(
                bars,
                labels=[f"{v:.{result.framework.rounding}f}" if pd.notna(v) else "" for v in values],
                padding=2,
                fontsize=6.5,
            )
            for yy, v in zip(y + offset * height, values, strict=True):
                if pd.isna(v):  # missing, not zero
                    ax.barh(
                        yy,
                        scale,
                        height=height * 0.95,
                        facecolor="none",
                        edgecolor=colour,
                        hatch="////",
                        linewidth=0.5,
                        alpha=0.5,
                    )
                    ax.text(scale * 0.02, yy, "no score", va="center", fontsize=6.5, color=colour)
        ax.set_yticks(y, [node_label(result, c) for c in nodes])
        ax.invert_yaxis()
        ax.set_xlim(0, scale * 1.08)
        ax.grid(axis="x")
        ax.set_xlabel("Score")
        ax.set_title(f"{units.name(economy)}: {result.framework.name}, {year}" + _flag_line(result, economy, year))
        legend_below(ax, ncols=min(3, len(table.columns)))
    return _finish(fig, result, source)


def group_view_chart(
    means: pd.DataFrame,
    *,
    result: IndexResult,
    grouping: str,
    year: int,
    everyone: str = "World",
    order: list[str] | None = None,
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """The world (all scored units) and each group of ``grouping``: the simple mean of the index and of each
    sub-index, one row of bars per group, the number of units in brackets. Draws a
    :func:`ictindex.units.group_means` table as given (``means``, one year, groupings ``world`` and
    ``grouping``); computes nothing. The report's default view (a unit's profile is drawn when asked for).
    ``kwargs`` go to :meth:`~matplotlib.axes.Axes.barh`."""
    nodes = [n for n in [result.framework.index, *_sub_indices(result)] if n in set(means["code"])]
    rows = means[means["grouping"].isin(["world", grouping]) & means["code"].isin(nodes)]
    table = rows.pivot_table(index=["grouping", "group"], columns="code", values="simple_mean", aggfunc="first")
    counts = rows[rows["code"] == nodes[0]].set_index(["grouping", "group"])["economies"]
    groups = [g for g in (order or []) if (grouping, g) in table.index]
    groups += sorted(g for (k, g) in table.index if k == grouping and g not in groups)
    keys = [("world", k[1]) for k in table.index if k[0] == "world"][:1] + [(grouping, g) for g in groups]
    labels = [f"{everyone if k[0] == 'world' else k[1]} ({int(counts.get(k, 0))})" for k in keys]
    decimals = result.framework.rounding
    y = np.arange(len(keys))
    height = 0.8 / len(nodes)
    with style():
        fig, ax = figure_for(ax, height=1.2 + (0.18 * len(nodes) + 0.12) * len(keys))
        for i, node in enumerate(nodes):
            offset = (i - (len(nodes) - 1) / 2) * height
            values = np.array([table.loc[k, node] if k in table.index else np.nan for k in keys], dtype="float64")
            colour = "black" if i == 0 else PALETTE[(i - 1) % len(PALETTE)]
            bars = ax.barh(y + offset, np.nan_to_num(values), height=height * 0.92, color=colour, **kwargs)
            bars.set_label(node_label(result, node))
            ax.bar_label(
                bars, labels=[f"{v:.{decimals}f}" if np.isfinite(v) else "" for v in values], padding=2, fontsize=6
            )
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, result.framework.scale * 1.1)
        ax.grid(axis="x")
        ax.set_xlabel("Simple mean of the scores")
        ax.set_title(f"{result.framework.name}, {year}: {everyone} and {result.units.group_label(grouping)}s")
        legend_below(ax, ncols=min(4, len(nodes)))
    return _finish(fig, result, source)


def map_not_drawn(result: IndexResult, *, year: int | None = None, node: str | None = None) -> list[str]:
    """Scored economies (ISO3, sorted) that have no polygon on the 1:110m map: listed under the map."""
    year = report_year(result, year)
    node = result.framework.index if node is None else node
    scored = set(result.ranking(year).set_index("economy")[node].dropna().index)
    return sorted(scored - {iso for iso, _ in world_polygons()})


def quantile_classes(values: pd.Series, classes: int = 5) -> tuple[pd.Series, list[str]]:
    """Quantile classes of ``values`` (``pd.qcut``; equal counts, fewer classes when values repeat):
    the class number of each value (0 = lowest) and a label per class, "low–high (count)"."""
    if values.nunique() < 2:  # one economy, or every score equal: one class (qcut would give none, all NaN)
        low, high = (float(values.min()), float(values.max())) if len(values) else (np.nan, np.nan)
        return pd.Series(0, index=values.index, dtype="int64"), [f"{low:.2f}–{high:.2f} ({len(values)})"]
    codes, edges = pd.qcut(values, q=classes, labels=False, retbins=True, duplicates="drop")
    counts = codes.value_counts().sort_index()
    labels = [f"{edges[k]:.2f}–{edges[k + 1]:.2f} ({int(counts.get(k, 0))})" for k in range(len(edges) - 1)]
    return codes.astype("int64"), labels


def _wrap_entries(entries: list[str], width: int) -> str:
    """Entries joined by ", " on lines of at most ``width`` characters, never breaking an entry."""
    lines, line = [], ""
    for entry in entries:
        candidate = f"{line}, {entry}" if line else entry
        if line and len(candidate) > width:
            lines.append(line + ",")
            line = entry
        else:
            line = candidate
    return "\n".join([*lines, line]) if line else ""


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False))


def world_map(
    result: IndexResult,
    *,
    year: int | None = None,
    node: str | None = None,
    classes: int = 5,
    cmap: str = "cividis",
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """Classed choropleth of a node's scores (default: the index) on Natural Earth 1:110m boundaries.

    Scores are grouped in ``classes`` quantile classes (equal numbers of economies; the legend gives
    each class's range and count), so the map shows differences across the whole distribution
    instead of one colour for most of the world. Economies without a score are hatched; scored
    economies with no polygon at this scale (small islands, city states) are listed under the map
    (:func:`~ictindex.report.charts.map_not_drawn`), never dropped silently; the UN-style boundary disclaimer follows.
    ``kwargs`` go to the :class:`~matplotlib.collections.PatchCollection` of the scored economies.
    """
    year = report_year(result, year)
    node = result.framework.index if node is None else node
    rounding = result.framework.rounding
    scores = result.ranking(year).set_index("economy")[node].dropna()
    codes, labels = quantile_classes(scores, classes)
    colours = colormaps[cmap](np.linspace(0.08, 0.95, len(labels)))
    shapes = world_polygons()
    not_drawn = map_not_drawn(result, year=year, node=node)
    entries = [f"{result.units.name(e)}\u00a0{scores[e]:.{rounding}f}" for e in not_drawn]
    note = (
        _wrap_entries([f"Scored but too small to draw at 1:110m ({len(not_drawn)}): {entries[0]}", *entries[1:]], 140)
        if entries
        else ""
    )
    footer = (note + "\n" if note else "") + _wrap(DISCLAIMER, 150)
    with style():
        fig, ax = figure_for(ax, height=3.3 + 0.09 * (footer.count("\n") + 1))
        scored_patches, faces, missing = [], [], []
        for iso, ring in shapes:
            if iso in codes.index:
                scored_patches.append(Polygon(ring, closed=True))
                faces.append(colours[codes[iso]])
            else:
                missing.append(Polygon(ring, closed=True))
        ax.add_collection(
            PatchCollection(missing, facecolor=NO_DATA, edgecolor="#AAAAAA", hatch="//////", linewidth=0.25)
        )
        ax.add_collection(PatchCollection(scored_patches, facecolor=faces, edgecolor="white", linewidth=0.25, **kwargs))
        ax.set_xlim(-170, 180)
        ax.set_ylim(-58, 84)
        ax.set_aspect(1.15)
        ax.set_axis_off()
        ax.set_title(f"{node_label(result, node)}, {year}: {len(labels)} quantile classes")
        handles = [Patch(facecolor=c, label=label) for c, label in zip(colours, labels, strict=True)]
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#AAAAAA", hatch="//////", label="not scored / no data"))
        ax.legend(
            handles=handles,
            loc="lower left",
            title=f"{node_label(result, node)} score",
            fontsize=6,
            title_fontsize=6.5,
            alignment="left",
        )
        ax.text(0, -0.01, footer, transform=ax.transAxes, va="top", ha="left", fontsize=5.5, color="#333333")
    return _finish(fig, result, source)


def _path(polygon: list[np.ndarray]) -> MplPath:
    """One polygon (exterior, then holes) as one compound path: the holes stay holes (rings are oriented)."""
    vertices = np.concatenate(polygon)
    codes = np.concatenate(
        [[MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY] for ring in polygon]
    )
    return MplPath(vertices, codes)


def map_outside(
    result: IndexResult, geometry: Geometry, *, year: int | None = None, node: str | None = None
) -> list[str]:
    """Scored units (sorted) that have no boundary in ``geometry``: listed under the map, never dropped."""
    year = report_year(result, year)
    node = result.framework.index if node is None else node
    scored = result.ranking(year).set_index("economy")[node].dropna().index
    return sorted(set(scored) - set(geometry))


def unit_map(
    result: IndexResult,
    *,
    geometry: Geometry | str | Any = None,
    year: int | None = None,
    node: str | None = None,
    classes: int = 5,
    cmap: str = "cividis",
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """Classed choropleth of a node's scores (default: the index) on the units' own boundaries.

    ``geometry`` is a GeoJSON path or mapping, or a :class:`~ictindex.geometry.Geometry` from
    :func:`~ictindex.geometry.read_geometry`, keyed by unit code; holes and multipolygons are drawn as such.
    Scores are grouped in ``classes`` quantile classes (the legend gives each class's range and count); units
    of the boundaries without a score are hatched; scored units without a boundary are listed under the map.
    Without ``geometry`` a result of economies is drawn on the bundled world map (:func:`world_map`); other
    units have no map to be drawn on (a :class:`~ictindex.errors.MethodError` says so).
    ``kwargs`` go to the :class:`~matplotlib.collections.PatchCollection` of the scored units.
    """
    units = result.units
    if geometry is None:
        if units.resolves_names:
            return world_map(result, year=year, node=node, classes=classes, cmap=cmap, ax=ax, source=source, **kwargs)
        raise MethodError(
            f"no boundaries of the {units.plural} to draw a map on",
            hint="pass geometry='boundaries.geojson' (GeoJSON features keyed by the unit codes)",
        )
    geo = geometry if isinstance(geometry, Geometry) else read_geometry(geometry)
    year = report_year(result, year)
    node = result.framework.index if node is None else node
    rounding = result.framework.rounding
    scores = result.ranking(year).set_index("economy")[node].dropna()
    if scores.nunique() > 1:
        codes, labels = quantile_classes(scores, classes)
    else:  # one value (or one unit): one class
        codes = pd.Series(0, index=scores.index)
        labels = [f"{scores.iloc[0]:.2f} ({len(scores)})"]
    colours = colormaps[cmap](np.linspace(0.08, 0.95, len(labels)))
    outside = map_outside(result, geo, year=year, node=node)
    entries = [f"{units.name(e)}\u00a0{scores[e]:.{rounding}f}" for e in outside]
    note = (
        _wrap_entries(
            [f"Scored but without a boundary in {geo.source} ({len(outside)}): {entries[0]}", *entries[1:]], 140
        )
        if entries
        else ""
    )
    footer = (note + "\n" if note else "") + _wrap(f"Boundaries: {geo.source} (given with the data).", 150)
    x0, y0, x1, y1 = geo.bounds
    pad_x, pad_y = (x1 - x0) * 0.03 or 1.0, (y1 - y0) * 0.03 or 1.0
    ratio = aspect(geo)
    with style():
        height = min(6.5, max(2.5, WIDTH * 0.8 * (y1 - y0) * ratio / max(x1 - x0, 1e-9)))
        fig, ax = figure_for(ax, height=height + 0.09 * (footer.count("\n") + 1))
        scored_patches, faces, missing = [], [], []
        for code in geo:
            for polygon in geo[code]:
                patch = PathPatch(_path(polygon))
                if code in codes.index:
                    scored_patches.append(patch)
                    faces.append(colours[codes[code]])
                else:
                    missing.append(patch)
        ax.add_collection(
            PatchCollection(missing, facecolor=NO_DATA, edgecolor="#AAAAAA", hatch="//////", linewidth=0.3)
        )
        ax.add_collection(PatchCollection(scored_patches, facecolor=faces, edgecolor="white", linewidth=0.4, **kwargs))
        ax.set_xlim(x0 - pad_x, x1 + pad_x)
        ax.set_ylim(y0 - pad_y, y1 + pad_y)
        ax.set_aspect(ratio)
        ax.set_axis_off()
        ax.set_title(f"{node_label(result, node)}, {year}: {len(labels)} quantile classes")
        handles = [Patch(facecolor=c, label=label) for c, label in zip(colours, labels, strict=True)]
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#AAAAAA", hatch="//////", label="not scored / no data"))
        ax.legend(
            handles=handles,
            loc="center left",
            bbox_to_anchor=(1.0, 0.5),
            title=f"{node_label(result, node)} score",
            fontsize=6,
            title_fontsize=6.5,
            alignment="left",
        )
        ax.text(0, -0.01, footer, transform=ax.transAxes, va="top", ha="left", fontsize=5.5, color="#333333")
    return _finish(fig, result, source)


def _ranks_in_both_years(
    result: IndexResult, years: tuple[int, int], rule: RankingRule | None
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, int]:
    """The ranks of the two years as the ranking table's change counts them (:func:`ictindex.ranking.ranking_table`):
    among the units ranked in both years (under ``rule``), on scores rounded to the published precision, so
    that the chart and the table tell the same moves. Returns both years' ranks, both years' places (1, 2, 3,
    ...: units tied at the published precision in the order of their unrounded scores, one line each) and how
    many units they rank."""
    from ictindex.ranking import _published_ranks

    index, decimals = result.framework.index, result.framework.rounding

    def ranked(year: int) -> pd.Series:
        if rule is not None and rule.active:
            table = apply_ranking_rule(result, year, rule)[0]
        else:
            table = result.scores[(result.scores["year"] == year) & result.scores[index].notna()]
        return table.set_index("economy")[index]

    first, second = ranked(years[0]), ranked(years[1])
    both = second.index[second.index.isin(first.index)]
    rank_a = _published_ranks(first.reindex(both), decimals).astype(int)
    rank_b = _published_ranks(second.reindex(both), decimals).astype(int)

    def places(rank: pd.Series, score: pd.Series) -> pd.Series:
        order = pd.DataFrame({"rank": rank, "score": -score.reindex(rank.index)}).sort_values(["rank", "score"])
        return pd.Series(np.arange(1, len(order) + 1), index=order.index)

    return rank_a, rank_b, places(rank_a, first), places(rank_b, second), len(both)


def rank_shift_chart(
    result: IndexResult,
    other: IndexResult | None = None,
    *,
    years: tuple[int, int] | None = None,
    top: int = 25,
    labels: tuple[str, str] | None = None,
    rule: RankingRule | None = None,
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """Slope chart of ranks: between two years of one result, or between two results
    (e.g. two methods) in the same year. Shows the ``top`` economies of the second ranking.

    Between two years the ranks are those the ranking table's change counts: among the units ranked in both
    years, on scores rounded to the published precision (a change within the rounding moves no unit, and a
    unit entering or leaving the ranking moves no other).

    Lines are coloured by direction (:data:`RANK_COLOURS`: blue rose, vermillion fell, grey dashed
    unchanged; a legend says so); economies not ranked in the first ranking are marked "new". Between two
    years, the line of a unit with a series that changed source between them
    (:func:`~ictindex.report.charts.source_changes`: a method break, not a change of the unit) carries an open
    diamond halfway, with a legend entry. Both rankings follow ``rule`` when given.
    ``kwargs`` go to :meth:`~matplotlib.axes.Axes.plot`.
    """
    if other is None:
        shift = _shift_between_years(result, years, top, labels, rule)
    else:
        shift = _shift_between_results(result, other, years, top, labels, rule)
    name = (other if other is not None else result).units.name
    with style():
        fig, ax = figure_for(ax, height=1.5 + 0.16 * len(shift.second), width=HALF_WIDTH + 2.2)
        seen = _draw_rank_lines(ax, shift, name, **kwargs)
        _rank_shift_axes(ax, shift)
        _rank_shift_legend(ax, seen)
    return _finish(
        fig, result if other is None else None, source if other is None or source is not True else source_line(other)
    )


#: Line style of each direction of a rank shift (unchanged lines are dashed as well as grey).
_RANK_STYLES = {"rose": "-", "fell": "-", "unchanged": "--"}
_RANK_WORDS = {"rose": "rose in rank", "fell": "fell in rank", "unchanged": "unchanged"}
#: The method breaks (:func:`ictindex.breaks.detect_breaks`) that are a change of source of a series.
SOURCE_CHANGES = ("series changes", "vintage changes")
#: The mark of a source change on a unit's line (an open diamond, gid ``source_change``) and its legend entry.
_SOURCE_MARK = {"marker": "D", "s": 16, "facecolors": "white", "linewidths": 0.9, "zorder": 4}
_SOURCE_WORDS = "a series changed source"


def source_changes(result: IndexResult, years: tuple[int, int]) -> list[str]:
    """The units with a series that changes source (another series, or another vintage of it) between the
    two years (``result.breaks``), sorted.

    >>> import ictindex
    >>> r = ictindex.build_index(ictindex.datasets.load("itu"), "doi_current", years=[2022, 2023])
    >>> source_changes(r, (2022, 2023))
    ['KEN', 'KIR']
    """
    breaks = result.breaks
    if breaks.empty:
        return []
    between = breaks["from_year"].ge(years[0]) & breaks["to_year"].le(years[1])
    return sorted(set(breaks.loc[between & breaks["kind"].isin(SOURCE_CHANGES), "economy"]))


@dataclass(frozen=True)
class _RankShift:
    """The two rankings a rank-shift chart joins: ranks (the first of every unit, the second of the units
    shown), the vertical place of each, the two axis labels, the title and the units whose series changed
    source between the two (none between two results)."""

    first: pd.Series
    second: pd.Series
    place_first: pd.Series
    place_second: pd.Series
    labels: tuple[str, str]
    title: str
    changed: frozenset[str] = frozenset()


def _shift_between_years(
    result: IndexResult,
    years: tuple[int, int] | None,
    top: int,
    labels: tuple[str, str] | None,
    rule: RankingRule | None,
) -> _RankShift:
    """The ranks of two years of ``result`` among the units ranked in both (default: its last two years)."""
    if years is None:
        if len(result.years) < 2:
            raise MethodError(
                "a rank shift needs two years or two results",
                hint="build with years=[y0, y1], or pass another result",
            )
        years = (result.years[-2], result.years[-1])
    a, b, place_a, place_b, both = _ranks_in_both_years(result, years, rule)
    b = b.reindex(place_b.sort_values(kind="stable").index[:top])
    plural = result.units.plural
    title = f"Rank in {years[0]} and {years[1]} of the {both} {plural} ranked in both years (top {len(b)})"
    changed = frozenset(source_changes(result, years))
    return _RankShift(a, b, place_a, place_b, labels or (str(years[0]), str(years[1])), title, changed)


def marked_source_changes(
    result: IndexResult, years: tuple[int, int], *, top: int = 25, rule: RankingRule | None = None
) -> list[str]:
    """The units whose line :func:`~ictindex.report.charts.rank_shift_chart` marks between ``years`` (same ``top``
    and ``rule``): those shown whose series changed source between the two years
    (:func:`~ictindex.report.charts.source_changes`), best ranked first."""
    shift = _shift_between_years(result, years, top, None, rule)
    return [unit for unit in shift.second.index if unit in shift.changed]


def _shift_between_results(
    result: IndexResult,
    other: IndexResult,
    years: tuple[int, int] | None,
    top: int,
    labels: tuple[str, str] | None,
    rule: RankingRule | None,
) -> _RankShift:
    """The ranks of one year under two results (default: their latest common year), each unit's own rank."""
    from ictindex.analysis import compare  # the comparison is an analysis; the chart only draws it

    year = years[0] if years else max(set(result.years) & set(other.years))
    if rule is not None and rule.active:  # ranks among the economies the rule keeps
        a = apply_ranking_rule(result, year, rule)[0].set_index("economy")["rank"]
        b = apply_ranking_rule(other, year, rule)[0].set_index("economy")["rank"].sort_values(kind="stable").head(top)
    else:
        table = compare(result, other, years=(year, year), ranks="own").table.set_index("economy")
        a, b = table["rank_a"].dropna(), table["rank_b"].dropna().sort_values(kind="stable").head(top)
    labels = labels or (result.framework.code, other.framework.code)
    title = f"Rank under {labels[0]} and {labels[1]}, {year} (top {len(b)})"
    return _RankShift(a, b, a, b, labels, title)  # (each unit's own rank: no ties to separate)


def _draw_rank_lines(ax: Axes, shift: _RankShift, name: Any, **kwargs: Any) -> set[str]:
    """Draws one line per unit shown, with its name and ranks at both ends ("new" for a unit not in the first
    ranking) and an open diamond halfway along it when its series changed source; returns what was drawn (the
    directions rose, fell, unchanged, and "source" for a diamond)."""
    seen: set[str] = set()
    marks: list[tuple[float, str]] = []
    for economy, rank_b in shift.second.items():
        rank_a = shift.first.get(economy)
        y_b = shift.place_second[economy]
        if rank_a is None or pd.isna(rank_a):
            ax.text(0, y_b, "new ", ha="right", va="center", fontsize=6.5, color=NEUTRAL)
            ax.text(1.04, y_b, f"{rank_b}  {name(economy)}", va="center", fontsize=6.5)
            continue
        y_a = shift.place_first[economy]
        move = "rose" if rank_b < rank_a else "fell" if rank_b > rank_a else "unchanged"
        seen.add(move)
        ax.plot(
            [0, 1],
            [y_a, y_b],
            color=RANK_COLOURS[move],
            linestyle=_RANK_STYLES[move],
            marker="o",
            markersize=3,
            linewidth=1,
            **kwargs,
        )
        ax.text(-0.04, y_a, f"{name(economy)}  {rank_a}", ha="right", va="center", fontsize=6.5)
        ax.text(1.04, y_b, f"{rank_b}  {name(economy)}", va="center", fontsize=6.5)
        if economy in shift.changed:
            marks.append(((y_a + y_b) / 2, RANK_COLOURS[move]))
    if marks:
        ys, colours = zip(*marks, strict=True)
        ax.scatter([0.5] * len(ys), ys, edgecolors=list(colours), gid="source_change", **_SOURCE_MARK)
        seen.add("source")
    return seen


def _rank_shift_axes(ax: Axes, shift: _RankShift) -> None:
    """Rank 1 on top, the two rankings' labels under their ends, no y axis, the title."""
    ax.invert_yaxis()
    ax.set_xlim(-0.05, 1.05)
    ax.set_xticks([0, 1], shift.labels)
    ax.tick_params(axis="x", length=0)
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(shift.title, wrap=True)  # wrapped at the figure's edge (the labels push the axes right)


def _rank_shift_legend(ax: Axes, seen: set[str]) -> None:
    """The legend of the directions drawn (and of the source-change mark), under the axes (off the lines)."""
    handles: list[Any] = [
        Line2D([], [], color=RANK_COLOURS[m], linestyle=_RANK_STYLES[m], marker="o", markersize=3, label=_RANK_WORDS[m])
        for m in ("rose", "fell", "unchanged")
        if m in seen
    ]
    if "source" in seen:
        handles.append(ax.scatter([], [], edgecolors="black", label=_SOURCE_WORDS, **_SOURCE_MARK))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), ncols=len(handles), borderaxespad=1.5)


def distribution_chart(
    result: IndexResult,
    *,
    year: int | None = None,
    by: str = "region",
    node: str | None = None,
    groups: pd.DataFrame | None = None,
    ax: Axes | None = None,
    source: bool | str | None = True,
    **kwargs: Any,
) -> Figure:
    """Distribution of a node's scores (default: the index) by a grouping of the units (for economies the
    UN SDG region or the World Bank income group): a box plot per group, sorted by median, with every unit as a
    point. ``kwargs`` go to :meth:`~matplotlib.axes.Axes.scatter`."""
    units = result.units
    year = report_year(result, year)
    groups = units.groups(year) if groups is None else groups
    if by not in groups.columns or by == "name":
        raise MethodError(
            f"unknown grouping '{by}'", hint=f"use one of {units.group_columns or 'the columns of groups='}"
        )
    node = result.framework.index if node is None else node
    scores = result.ranking(year).set_index("economy")[[node]].join(groups[[by]])
    scores[by] = scores[by].fillna("No group")
    order = scores.groupby(by)[node].median().sort_values().index.tolist()
    data = [scores.loc[scores[by] == g, node].dropna().to_numpy() for g in order]
    rng = np.random.default_rng(0)  # fixed jitter: the same chart every time
    orientation = {"orientation": "horizontal"} if _MPL_310 else {"vert": False}
    with style():
        fig, ax = figure_for(ax, height=1.0 + 0.38 * len(order))
        ax.boxplot(
            data,
            widths=0.55,
            showfliers=False,
            medianprops={"color": "black"},
            boxprops={"color": NEUTRAL},
            whiskerprops={"color": NEUTRAL},
            capprops={"color": NEUTRAL},
            **orientation,
        )
        point_style = {"s": 7, "color": PALETTE[0], "alpha": 0.7, "zorder": 3} | kwargs
        for i, values in enumerate(data, start=1):
            ax.scatter(values, i + rng.uniform(-0.15, 0.15, len(values)), **point_style)
        ax.set_yticks(range(1, len(order) + 1), [f"{g} ({len(d)})" for g, d in zip(order, data, strict=True)])
        ax.set_xlim(0, result.framework.scale)
        ax.grid(axis="x")
        ax.set_xlabel(f"{node_label(result, node)} score")
        ax.set_title(f"{node_label(result, node)} by {units.group_label(by)}, {year}")
    return _finish(fig, result, source)


def _method_text(fw: Framework, code: str) -> str:
    """How a node aggregates or an indicator is normalised, in words (for the framework diagram)."""
    if code in fw.indicator_codes:
        ind = fw.indicator(code)
        spec = ind.normalisation
        how = (
            f"goalposts {spec.lower:g}–{spec.upper:g}" + (" (log)" if spec.transform == "log10" else "")
            if spec.method == "goalpost"
            else spec.method
        )
        return how + ("; lower is better" if ind.direction == "lower" else "")
    agg = fw.node(code).aggregation
    method = f"power mean (p = {agg.power:g})" if agg.method == "power" else f"{agg.method} mean"
    return method


def framework_diagram(
    framework: Framework | IndexResult, *, ax: Axes | None = None, source: bool | str | None = True, **kwargs: Any
) -> Figure:
    """The index tree, left to right: every node with its aggregation method, every indicator with
    its normalisation and direction ("lower is better" for prices), each child's weight in its
    parent and each indicator's effective weight in the index. ``kwargs`` go to the node labels
    (:meth:`~matplotlib.axes.Axes.text`)."""
    fw = framework if isinstance(framework, Framework) else framework.framework
    effective = effective_weights(fw)
    leaves = _leaf_order(fw)
    depth = max(fw.depth(c) for c in leaves)
    y_of: dict[str, float] = {code: float(i) for i, code in enumerate(leaves)}
    for code in fw.aggregation_order:  # bottom-up: a node sits at the middle of its children
        kids = [c.code for c in fw.node(code).children]
        y_of[code] = float(np.mean([y_of[k] for k in kids]))
    names = {n.code: n.name for n in fw.nodes} | {i.code: i.name for i in fw.indicators}
    with style():
        fig, ax = figure_for(ax, height=0.7 + 0.36 * len(leaves))
        x_of = {code: 1.5 * fw.depth(code) for code in y_of}
        for code in fw.top_down_order:
            for child in fw.node(code).children:
                x0, x1 = x_of[code] + 0.02, x_of[child.code] - 0.02
                mid = x1 - 0.3
                ax.plot(
                    [x0, mid, mid, x1],
                    [y_of[code], y_of[code], y_of[child.code], y_of[child.code]],
                    color=NEUTRAL,
                    linewidth=0.7,
                )
                ax.text(
                    mid + 0.04,
                    y_of[child.code] - 0.08,
                    f"{fw.node(code).weights[child.code]:.0%}",
                    ha="left",
                    va="bottom",
                    fontsize=6,
                    color="#444444",
                )
        for code, y in y_of.items():
            leaf = code in fw.indicator_codes
            label = (
                _wrap(names[code], 70) + f"\n{_method_text(fw, code)}; {effective[code]:.1%} of index"
                if leaf
                else _wrap(names[code], 16) + f"\n{_method_text(fw, code)}"  # narrower than a column
            )
            text_style = {"fontsize": 6.3 if leaf else 7.3, "fontweight": "normal" if leaf else "bold"} | kwargs
            ax.text(
                x_of[code],
                y,
                label,
                ha="left",
                va="center",
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": "white" if leaf else "#EAF2F8",
                    "edgecolor": NEUTRAL if leaf else PALETTE[0],
                    "linewidth": 0.6,
                },
                **text_style,
            )
        ax.set_xlim(-0.05, 1.5 * depth + 2.9)
        ax.set_ylim(len(leaves) - 0.4, -0.6)
        ax.set_axis_off()
        ax.set_title(f"{fw.name}: structure, methods and weights")
    if isinstance(framework, Framework):
        citation = " ".join((fw.citation or "").split())
        return _finish(
            fig,
            None,
            f"Source: {citation}" if source is True and citation else (source if isinstance(source, str) else None),
        )
    return _finish(fig, framework, source)


def _leaf_order(fw: Framework) -> list[str]:
    out: list[str] = []

    def visit(code: str) -> None:
        if code in fw.indicator_codes:
            out.append(code)
            return
        for child in fw.node(code).children:
            visit(child.code)

    visit(fw.index)
    return out
