"""Publication charts of an index result (matplotlib only; each returns the Figure).

``ranking_chart``
    Horizontal bars of the index, stacked by each sub-index's contribution.
``profile_chart``
    An economy's index and sub-indices against its region's and income group's averages.
``world_map``
    Choropleth of the index on Natural Earth 1:110m boundaries (see :mod:`ictindex.report.maps`);
    scored economies too small to draw are listed under the map.
``rank_shift_chart``
    Slope chart of ranks between two years, or between two results (two methods).
``distribution_chart``
    Scores by region: box plots with every economy as a point.
``framework_diagram``
    The index tree with the weight of every node and indicator.

All are also reachable as ``result.plot.<name>(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

from ictindex.countries import report_name
from ictindex.errors import MethodError
from ictindex.framework import Framework
from ictindex.report.groups import GROUPINGS, economy_groups
from ictindex.report.maps import world_polygons
from ictindex.report.style import HALF_WIDTH, NEUTRAL, PALETTE, WIDTH, new_figure, style
from ictindex.report.tables import node_label, report_year
from ictindex.weight import effective_weights

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["ranking_chart", "profile_chart", "world_map", "rank_shift_chart", "distribution_chart",
           "framework_diagram"]

UP, DOWN = "#009E73", "#D55E00"


def _sub_indices(result: IndexResult) -> list[str]:
    return [c.code for c in result.framework.node(result.framework.index).children]


def _ranking_with_children(result: IndexResult, year: int) -> pd.DataFrame:
    """The year's ranking with a column for every child of the index: the sub-index score, or for
    an indicator directly under the index its normalised value on the framework's scale."""
    ranking = result.ranking(year)
    leaves = [c for c in _sub_indices(result) if c not in ranking.columns]
    if leaves:
        normalised = result.normalised
        normalised = normalised[normalised["year"] == year].set_index("economy")[leaves] * result.framework.scale
        ranking = ranking.join(normalised, on="economy")
    return ranking


def ranking_chart(result: IndexResult, *, year: int | None = None, top: int | None = 40) -> Figure:
    """Index scores, best first, each bar split into the sub-indices' contributions.

    With an arithmetic index a sub-index contributes ``w_c * s_c`` (weights rescaled over the
    sub-indices present), so the segments add up to the index. For other means the bar shows
    the index and the sub-index scores are drawn as points.
    """
    year = report_year(result, year)
    fw = result.framework
    ranking = _ranking_with_children(result, year)
    total = len(ranking)
    if top is not None:
        ranking = ranking.head(top)
    ranking = ranking.iloc[::-1].reset_index(drop=True)
    subs = _sub_indices(result)
    weights = pd.Series(fw.node(fw.index).weights)[subs]
    y = np.arange(len(ranking))
    subset = f" (top {len(ranking)} of {total})" if len(ranking) < total else ""
    with style():
        fig, ax = new_figure(height=1.4 + 0.14 * len(ranking))
        if fw.node(fw.index).aggregation.method == "arithmetic":
            present = ranking[subs].notna()
            share = present.mul(weights, axis=1)
            share = share.div(share.sum(axis=1), axis=0)
            contribution = ranking[subs].fillna(0).mul(share) * 1.0
            left = np.zeros(len(ranking))
            for i, code in enumerate(subs):
                ax.barh(y, contribution[code], left=left, color=PALETTE[i % len(PALETTE)], height=0.75,
                        label=node_label(result, code))
                left += contribution[code].to_numpy()
        else:
            ax.barh(y, ranking[fw.index], color=NEUTRAL, height=0.75, label=node_label(result, fw.index))
            for i, code in enumerate(subs):
                ax.scatter(ranking[code], y, color=PALETTE[i % len(PALETTE)], s=10, zorder=3,
                           label=node_label(result, code))
        ax.set_yticks(y, [f"{r}  {report_name(e)}" for r, e in zip(ranking["rank"], ranking["economy"],
                                                                    strict=True)])
        ax.set_ylim(-0.6, len(ranking) - 0.4)
        ax.set_xlim(0, fw.scale)
        ax.grid(axis="x")
        ax.set_xlabel(f"{node_label(result, fw.index)} score (contribution of each sub-index)")
        ax.set_title(f"{fw.name}, {year}{subset}")
        fig.legend(loc="outside lower center", ncols=min(len(subs), 4))
    return fig


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
    return (f"\n{r['present']} of {r['indicators']} indicators; {r['estimates']} estimated, "
            f"{r['carried']} carried forward{warn}")


def profile_chart(result: IndexResult, economy: str, *, year: int | None = None,
                  groups: pd.DataFrame | None = None) -> Figure:
    """Index and sub-index scores of one economy next to its region's and income group's
    simple averages (over the economies scored that year)."""
    year = report_year(result, year)
    groups = economy_groups(year) if groups is None else groups
    scores = _ranking_with_children(result, year).set_index("economy")
    if economy not in scores.index:
        raise MethodError(f"economy '{economy}' is not scored in {year}", economy=economy, year=year,
                          hint="see result.excluded for the reason")
    nodes = [result.framework.index, *_sub_indices(result)]
    series = {report_name(economy): scores.loc[economy, nodes].astype("float64")}
    for column in ("region", "income"):
        group = groups[column].get(economy) if column in groups else None
        if isinstance(group, str):
            members = groups.index[groups[column] == group].intersection(scores.index)
            series[f"{group} average ({len(members)})"] = scores.loc[members, nodes].mean()
    table = pd.DataFrame(series)
    y = np.arange(len(nodes))
    height = 0.8 / len(table.columns)
    with style():
        fig, ax = new_figure(height=1.2 + 0.5 * len(nodes))
        for i, label in enumerate(table.columns):
            offset = i - (len(table.columns) - 1) / 2
            bars = ax.barh(y + offset * height, table[label], height=height * 0.95,
                           color=["black", PALETTE[0], PALETTE[1]][i % 3], label=label)
            ax.bar_label(bars, fmt=f"%.{result.framework.rounding}f", padding=2, fontsize=6.5)
        ax.set_yticks(y, [node_label(result, c) for c in nodes])
        ax.invert_yaxis()
        ax.set_xlim(0, result.framework.scale * 1.08)
        ax.grid(axis="x")
        ax.set_xlabel("Score")
        ax.set_title(f"{report_name(economy)}: {result.framework.name}, {year}" + _flag_line(result, economy, year))
        fig.legend(loc="outside lower center", ncols=min(3, len(table.columns)))
    return fig


def world_map(result: IndexResult, *, year: int | None = None, node: str | None = None,
              cmap: str = "cividis") -> Figure:
    """Choropleth of a node's scores (default: the index) on Natural Earth 1:110m boundaries.

    Economies without a score are drawn in light grey; scored economies that have no polygon
    at this scale (small islands, city states) are listed under the map, never dropped
    silently. The figure's ``not_drawn`` attribute holds their ISO3 codes.
    """
    year = report_year(result, year)
    node = result.framework.index if node is None else node
    scores = result.ranking(year).set_index("economy")[node].dropna()
    shapes = world_polygons()
    norm = Normalize(0, result.framework.scale)
    colours = colormaps[cmap]
    drawn = {iso for iso, _ in shapes if iso in scores.index}
    not_drawn = sorted(set(scores.index) - drawn)
    note = (_wrap(f"Scored but too small to draw at 1:110m ({len(not_drawn)}): " + ", ".join(
        f"{report_name(e)} {scores[e]:.{result.framework.rounding}f}" for e in not_drawn), 125)
        if not_drawn else "")
    lines = note.count("\n") + 1 if note else 0
    with style():
        fig = Figure(figsize=(WIDTH, 3.35 + 0.1 * lines), layout="constrained")
        ax, below = fig.subplots(2, 1, height_ratios=[3.2, 0.02 + 0.1 * lines])
        below.set_axis_off()
        if note:
            below.text(0, 1, note, fontsize=6, va="top", ha="left", transform=below.transAxes)
        patches, faces = [], []
        for iso, ring in shapes:
            patches.append(Polygon(ring, closed=True))
            faces.append(colours(norm(scores[iso])) if iso in scores.index else "#E6E6E6")
        ax.add_collection(PatchCollection(patches, facecolor=faces, edgecolor="white", linewidth=0.25))
        ax.set_xlim(-170, 180)
        ax.set_ylim(-58, 84)
        ax.set_aspect(1.15)
        ax.set_axis_off()
        ax.set_title(f"{node_label(result, node)}, {year}")
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal",
                           shrink=0.45, aspect=35, pad=0.01)
        bar.set_label(f"{node_label(result, node)} score")
        ax.legend(handles=[Patch(color="#E6E6E6", label="not scored")], loc="lower left")
    fig.not_drawn = not_drawn  # type: ignore[attr-defined]
    fig.polygons_drawn = len(patches)  # type: ignore[attr-defined]
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def rank_shift_chart(result: IndexResult, other: IndexResult | None = None, *,
                     years: tuple[int, int] | None = None, top: int = 25,
                     labels: tuple[str, str] | None = None) -> Figure:
    """Slope chart of ranks: between two years of one result, or between two results
    (e.g. two methods) in the same year. Shows the ``top`` economies of the second ranking."""
    from ictindex.analysis import compare  # the comparison is an analysis; the chart only draws it

    if other is None:
        if years is None:
            if len(result.years) < 2:
                raise MethodError("a rank shift needs two years or two results",
                                  hint="build with years=[y0, y1], or pass another result")
            years = (result.years[-2], result.years[-1])
        table = compare(result, result, years=years, ranks="own").table
        labels = labels or (str(years[0]), str(years[1]))
        title = f"Rank in {years[0]} and {years[1]} (top {{n}} in {years[1]})"
    else:
        year = years[0] if years else max(set(result.years) & set(other.years))
        table = compare(result, other, years=(year, year), ranks="own").table
        labels = labels or (result.framework.code, other.framework.code)
        title = f"Rank under {labels[0]} and {labels[1]}, {year} (top {{n}})"
    a = table.set_index("economy")["rank_a"].dropna()
    b = table.set_index("economy")["rank_b"].dropna().sort_values(kind="stable").head(top)
    title = title.format(n=len(b))
    with style():
        fig, ax = new_figure(height=1.2 + 0.16 * len(b), width=HALF_WIDTH + 2.2)
        for economy, rank_b in b.items():
            rank_a = a.get(economy)
            if rank_a is None or pd.isna(rank_a):
                ax.text(0, rank_b, "new ", ha="right", va="center", fontsize=6.5, color=NEUTRAL)
                ax.text(1.04, rank_b, f"{rank_b}  {report_name(economy)}", va="center", fontsize=6.5)
                continue
            colour = UP if rank_b < rank_a else DOWN if rank_b > rank_a else NEUTRAL
            ax.plot([0, 1], [rank_a, rank_b], color=colour, marker="o", markersize=3, linewidth=1)
            ax.text(-0.04, rank_a, f"{report_name(economy)}  {rank_a}", ha="right", va="center", fontsize=6.5)
            ax.text(1.04, rank_b, f"{rank_b}  {report_name(economy)}", va="center", fontsize=6.5)
        ax.invert_yaxis()
        ax.set_xlim(-0.05, 1.05)
        ax.set_xticks([0, 1], labels)
        ax.tick_params(axis="x", length=0)
        ax.set_yticks([])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title(title)
        fig.get_layout_engine().set(w_pad=0.3)
    return fig


def distribution_chart(result: IndexResult, *, year: int | None = None, by: str = "region",
                       node: str | None = None, groups: pd.DataFrame | None = None) -> Figure:
    """Distribution of a node's scores (default: the index) by UN SDG region or income group:
    a box plot per group, sorted by median, with every economy as a point."""
    if by not in GROUPINGS:
        raise MethodError(f"unknown grouping '{by}'", hint=f"use one of {sorted(GROUPINGS)}")
    year = report_year(result, year)
    node = result.framework.index if node is None else node
    groups = economy_groups(year) if groups is None else groups
    scores = result.ranking(year).set_index("economy")[[node]].join(groups[[by]])
    scores[by] = scores[by].fillna("No group")
    order = scores.groupby(by)[node].median().sort_values().index.tolist()
    data = [scores.loc[scores[by] == g, node].dropna().to_numpy() for g in order]
    rng = np.random.default_rng(0)  # fixed jitter: the same chart every time
    with style():
        fig, ax = new_figure(height=1.0 + 0.38 * len(order))
        ax.boxplot(data, orientation="horizontal", widths=0.55, showfliers=False,
                   medianprops={"color": "black"}, boxprops={"color": NEUTRAL},
                   whiskerprops={"color": NEUTRAL}, capprops={"color": NEUTRAL})
        for i, values in enumerate(data, start=1):
            ax.scatter(values, i + rng.uniform(-0.15, 0.15, len(values)), s=7, color=PALETTE[0], alpha=0.7,
                       zorder=3)
        ax.set_yticks(range(1, len(order) + 1), [f"{g} ({len(d)})" for g, d in zip(order, data, strict=True)])
        ax.set_xlim(0, result.framework.scale)
        ax.grid(axis="x")
        ax.set_xlabel(f"{node_label(result, node)} score")
        ax.set_title(f"{node_label(result, node)} by {GROUPINGS[by]}, {year}")
    return fig


def framework_diagram(framework: Framework | IndexResult) -> Figure:
    """The index tree, left to right, with each child's weight in its parent and, for
    indicators, the effective weight in the index."""
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
        fig, ax = new_figure(height=0.6 + 0.28 * len(leaves))
        x_of = {code: 1.5 * fw.depth(code) for code in y_of}
        for code in fw.top_down_order:
            for child in fw.node(code).children:
                x0, x1 = x_of[code] + 0.02, x_of[child.code] - 0.02
                mid = x1 - 0.3
                ax.plot([x0, mid, mid, x1], [y_of[code], y_of[code], y_of[child.code], y_of[child.code]],
                        color=NEUTRAL, linewidth=0.7)
                ax.text(mid + 0.04, y_of[child.code] - 0.08, f"{fw.node(code).weights[child.code]:.0%}",
                        ha="left", va="bottom", fontsize=6, color="#444444")
        for code, y in y_of.items():
            leaf = code in fw.indicator_codes
            label = names[code] + (f"  [{effective[code]:.1%} of index]" if leaf else "")
            ax.text(x_of[code], y, _wrap(label, 60 if leaf else 22), ha="left", va="center",
                    fontsize=6.5 if leaf else 7.5, fontweight="normal" if leaf else "bold",
                    bbox={"boxstyle": "round,pad=0.25", "facecolor": "white" if leaf else "#EAF2F8",
                          "edgecolor": NEUTRAL if leaf else PALETTE[0], "linewidth": 0.6})
        ax.set_xlim(-0.05, 1.5 * depth + 2.7)
        ax.set_ylim(len(leaves) - 0.4, -0.6)
        ax.set_axis_off()
        ax.set_title(f"{fw.name}: structure and weights")
    return fig


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
