"""Values of a result or table per unit and year, and group means: simple and population-weighted means by any
grouping, with the population share the units with a value hold (:func:`group_means`, the one function)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.errors import CoverageError, MethodError
from ictindex.units.bundled import GROUPINGS, NO_GROUP, WORLD, bundled_economies, population_by_year
from ictindex.units.numbers import _checked_table
from ictindex.units.table import Units

if TYPE_CHECKING:
    from ictindex.result import IndexResult


# -- values and group means ------------------------------------------------------------------------------------------
def values_of(
    data: IndexResult | pd.DataFrame, column: str | None = None, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """``economy, year, value`` (no missing values) of one node or indicator of a result, a tidy panel
    (``indicator``, ``value``), or a table with ``economy``, ``year`` and the column."""
    if not isinstance(data, pd.DataFrame):
        result = data
        column = result.framework.index if column is None else column
        if column in result.node_codes:
            frame = result.scores[["economy", "year", column]]
        elif column in result.imputed.columns:
            frame = result.imputed[["economy", "year", column]]
        else:
            raise MethodError(
                f"'{column}' is neither a node nor an indicator of {result.framework.code}",
                indicator=column,
                hint=f"nodes: {result.node_codes}",
            )
        frame = frame.rename(columns={column: "value"})
    elif {"indicator", "value"} <= set(data.columns):
        if column is None:
            raise MethodError(
                "a tidy panel needs the indicator to measure", field="column", hint="pass column='<indicator code>'"
            )
        frame = data[data["indicator"] == column]
        if "sex" in frame.columns:
            frame = frame[frame["sex"] == "total"]
        if frame.empty:
            raise CoverageError(f"no total rows for '{column}' in the panel", indicator=column)
        duplicated = frame.duplicated(["economy", "year"])
        if duplicated.any():
            row = frame[duplicated].iloc[0]
            raise MethodError(
                "two values for one economy and year",
                economy=row["economy"],
                year=int(row["year"]),
                indicator=column,
                hint="keep one row per economy, year and indicator",
            )
    else:
        column = "value" if column is None else column
        if column not in data.columns or not {"economy", "year"} <= set(data.columns):
            raise MethodError(
                f"the table needs economy, year and '{column}' columns",
                field=column,
                hint=f"columns found: {list(data.columns)[:12]}",
            )
        frame = data[["economy", "year", column]].rename(columns={column: "value"})
    frame = _checked_table(frame[["economy", "year", "value"]], column)
    if years is not None:
        frame = frame[frame["year"].isin([int(y) for y in years])]
    frame = frame.dropna(subset=["value"])
    if frame.empty:
        raise CoverageError("no values to measure", indicator=column, hint="check the years and the column")
    return frame.reset_index(drop=True)


def _labels(column: pd.Series, name: str, units: Units | None) -> pd.Series:
    """Group labels of a grouping column; a True/False membership becomes "<grouping>" / "Not <grouping>"."""
    labels = column.dropna()
    if len(labels) and labels.map(lambda v: isinstance(v, bool | np.bool_)).all():
        label = units.group_label(name) if units is not None else GROUPINGS.get(name, name)
        return labels.map({True: label, False: f"Not {label}"}).astype("object")
    return labels.astype("str")


def groupings_of(
    by: str | Mapping | pd.Series | Sequence, groups: pd.DataFrame, units: Units | None = None
) -> list[tuple[str, pd.Series]]:
    """``[(grouping name, Series unit -> group label)]``; ``"world"`` puts every unit in one group."""
    specs = [by] if isinstance(by, str | Mapping | pd.Series) else list(by)
    out = []
    for spec in specs:
        if isinstance(spec, str) and spec.casefold() == "world":
            out.append(("world", pd.Series(dtype="str")))
        elif isinstance(spec, str):
            if spec not in groups.columns:
                raise MethodError(
                    f"unknown grouping '{spec}'",
                    field="by",
                    hint=f"use 'world', one of {sorted(c for c in groups.columns if c != 'name')}, or a Series "
                    "unit -> group",
                )
            out.append((spec, _labels(groups[spec], spec, units)))
        else:
            series = pd.Series(spec).dropna().astype("str")
            out.append((str(getattr(series, "name", None) or "user grouping"), series))
    return out


def groups_and_population(
    groups: pd.DataFrame | None, population: pd.DataFrame | None, units: Units | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups (indexed by unit) and a tidy population table: given, else the units table's, else the bundled."""
    if groups is not None and "economy" in groups.columns:
        groups = groups.set_index("economy")
    if population is None and groups is not None and "population" in groups.columns:
        population = pd.DataFrame(
            {
                "economy": groups.index,
                "year": groups["population_year"].to_numpy() if "population_year" in groups.columns else -1,
                "population": groups["population"].to_numpy(),
            }
        )
    if groups is None or population is None:
        if units is not None:
            default_groups, default_population = units.groups(), units.population_series()
        else:
            default_groups, default_population = bundled_economies()
        groups = default_groups if groups is None else groups
        population = default_population if population is None else population
    return groups, population


def group_aggregates(values: pd.DataFrame, groupings: list[tuple[str, pd.Series]], pop: pd.DataFrame) -> pd.DataFrame:
    """Per grouping, group, year and code: counts, simple and population-weighted means, population shares.

    ``values`` has ``economy, year, code, value`` and optionally ``reported`` (False for a carried value).
    """
    joined = _scaled(values, pop)
    frames = [_grouping_aggregates(joined, pop, grouping, labels) for grouping, labels in groupings]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=GROUP_MEANS_COLUMNS)


def _scaled(values: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    """Values joined to their population, with the scaled values and weights the means are computed from."""
    joined = values.merge(pop, on=["economy", "year"], how="left")
    if "reported" not in joined.columns:
        joined["reported"] = True
    joined["no_pop"] = joined["population"].isna()
    joined["weight"] = joined["population"].fillna(0.0)
    # means of values and weights scaled by their largest magnitude (per code; overall), so that values and
    # population near the floating-point limit do not overflow a sum: the mean of finite values is finite
    scale = joined["value"].abs().groupby(joined["code"]).transform("max")
    joined["scale"] = scale.where(scale > 0, 1.0).fillna(1.0)
    top = float(joined["weight"].max()) if len(joined) else 0.0
    joined["scaled"] = joined["value"] / joined["scale"]
    joined["scaled_weight"] = joined["weight"] / (top if top > 0 else 1.0)
    joined["weighted"] = joined["scaled"] * joined["scaled_weight"]
    joined["reported_pop"] = joined["weight"].where(joined["reported"], 0.0)
    return joined


def _grouping_aggregates(joined: pd.DataFrame, pop: pd.DataFrame, grouping: str, labels: pd.Series) -> pd.DataFrame:
    """:func:`group_aggregates` of one grouping (``world``: every unit in one group)."""
    member = (
        (lambda e: pd.Series(WORLD, index=e))
        if grouping == "world"
        else (lambda e, lab=labels: lab.reindex(e).fillna(NO_GROUP))
    )
    data = joined.assign(group=member(joined["economy"]).to_numpy())
    everyone = pop.assign(group=member(pop["economy"]).to_numpy())
    keys = ["group", "year", "code"]
    stats = data.groupby(keys, sort=True).agg(
        economies=("value", "size"),
        economies_without_population=("no_pop", "sum"),
        simple_mean=("scaled", "mean"),
        scale=("scale", "first"),
        weighted_sum=("weighted", "sum"),
        scaled_weight=("scaled_weight", "sum"),
        weight=("weight", "sum"),
        reported_pop=("reported_pop", "sum"),
        year_min=("population_year", "min"),
        year_max=("population_year", "max"),
    )
    total = everyone.groupby(["group", "year"])["population"].sum()
    members = everyone.groupby(["group", "year"]).size()
    at = pd.MultiIndex.from_arrays([stats.index.get_level_values("group"), stats.index.get_level_values("year")])
    denominator = total.reindex(at).to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(denominator > 0, stats["weight"].to_numpy() / denominator, np.nan)
        reported = np.where(denominator > 0, stats["reported_pop"].to_numpy() / denominator, np.nan)
    has_weight = stats["economies"] > stats["economies_without_population"]
    return pd.DataFrame(
        {
            "grouping": grouping,
            "group": stats.index.get_level_values("group"),
            "year": stats.index.get_level_values("year").astype("int64"),
            "code": stats.index.get_level_values("code"),
            "economies": stats["economies"].to_numpy(dtype="int64"),
            "economies_in_group": members.reindex(at).fillna(0).to_numpy(dtype="int64"),
            "economies_without_population": stats["economies_without_population"].to_numpy(dtype="int64"),
            "simple_mean": (stats["simple_mean"] * stats["scale"]).to_numpy(dtype="float64"),
            "weighted_mean": np.where(
                has_weight,
                stats["scale"] * (stats["weighted_sum"] / stats["scaled_weight"].where(stats["scaled_weight"] > 0)),
                np.nan,
            ),
            "population_share": share,
            "reported_share": reported,
            "population_year_earliest": pd.array(stats["year_min"], dtype="Int64"),
            "population_year": pd.array(stats["year_max"], dtype="Int64"),
        }
    )


#: Columns of :func:`group_means`.
GROUP_MEANS_COLUMNS = [
    "grouping",
    "group",
    "year",
    "code",
    "economies",
    "economies_in_group",
    "economies_without_population",
    "simple_mean",
    "weighted_mean",
    "population_share",
    "reported_share",
    "population_year_earliest",
    "population_year",
    "meets_coverage",
]


def member_population(population: pd.DataFrame, groups: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Population by year of the units that count: those in the group metadata or with a value.

    Other codes of a population table (World Bank aggregates such as ``WLD`` or ``LIC``) are not units and
    would count twice in a world total.
    """
    pop = population_by_year(population, values["year"].unique())
    counted = pop["economy"].isin(groups.index) | pop["economy"].isin(values["economy"])
    return pop[counted].reset_index(drop=True)


def group_means(
    data: IndexResult | pd.DataFrame,
    by: str | Mapping | pd.Series | Sequence = ("world", "income"),
    *,
    column: str | Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    groups: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    units: Units | None = None,
    min_population_share: float = 0.0,
    low_coverage: str = "flag",
) -> pd.DataFrame:
    """Simple and population-weighted means of nodes or indicators by group and year: one tidy long table.

    Parameters
    ----------
    data
        A result (its nodes and indicators), a tidy panel or a table ``economy, year, <column>``.
    by
        ``"world"`` (every unit), a grouping column (``"income"``, ``"region"``, ...), a Series or mapping
        unit -> group (a user grouping), or a list of these. A True/False grouping (``ldc``) gives the groups
        "<grouping>" and "Not <grouping>".
    column
        The node or indicator (default: the result's index), or several (one block of rows each).
    groups, population, units
        Groups indexed by unit (a ``population`` and ``population_year`` column there serve as one figure per
        unit) and tidy ``economy, year, population``; by default from ``units`` (a
        :class:`~ictindex.units.Units`), else the bundled economy table.
    min_population_share, low_coverage
        A group-year whose units with a value hold less than this share of the group's population is
        flagged (``meets_coverage`` False; ``low_coverage="flag"``) or refused with a
        :class:`~ictindex.errors.CoverageError` (``"raise"``).

    Returns
    -------
    DataFrame
        :data:`GROUP_MEANS_COLUMNS`: ``grouping, group, year, code, economies`` (units with a value),
        ``economies_in_group`` (units of the group with a population figure), ``economies_without_population``,
        ``simple_mean`` (every unit once), ``weighted_mean`` = ``sum(p_i x_i) / sum(p_i)`` over units with a
        value and a population figure, ``population_share`` (their population over the population of every
        member of the group that year), ``reported_share`` (the same for values reported that year),
        ``population_year_earliest``/``population_year`` (the years of the figures used), ``meets_coverage``.
        Units without a group are in the group :data:`NO_GROUP`, never dropped.

    >>> values = pd.DataFrame({"economy": ["A", "B"], "year": 2023, "x": [1.0, 2.0]})
    >>> g = pd.DataFrame({"k": ["g", "g"], "population": [1.0, 3.0]}, index=["A", "B"])
    >>> group_means(values, "k", column="x", groups=g)[["simple_mean", "weighted_mean"]].values.tolist()
    [[1.5, 1.75]]
    """
    if low_coverage not in ("flag", "raise"):
        raise MethodError(f"low_coverage must be 'flag' or 'raise', got '{low_coverage}'", field="low_coverage")
    codes = [column] if column is None or isinstance(column, str) else list(column)
    if isinstance(data, pd.DataFrame) and column is None and "value" in data.columns:
        codes = ["value"]
    frames = []
    for code in codes:
        try:
            part = values_of(data, code, years)
        except CoverageError:
            if len(codes) == 1:
                raise
            continue  # of several nodes, one without any value (a category not scored) has no means
        name = code if code is not None else data.framework.index  # type: ignore[union-attr]
        frames.append(part.assign(code=name))
    if not frames:
        raise CoverageError(f"no values to measure for any of {codes}", hint="check the years and the columns")
    values = pd.concat(frames, ignore_index=True)
    groups, population = groups_and_population(groups, population, units)
    table = group_aggregates(values, groupings_of(by, groups, units), member_population(population, groups, values))
    table["meets_coverage"] = table["population_share"].fillna(0.0) >= min_population_share
    if low_coverage == "raise" and not table["meets_coverage"].all():
        bad = table[~table["meets_coverage"]].iloc[0]
        raise CoverageError(
            f"group '{bad['group']}' covers {bad['population_share']:.1%} of its population, "
            f"below {min_population_share:.0%}",
            year=int(bad["year"]),
            hint="lower min_population_share, or use low_coverage='flag'",
        )
    return table[GROUP_MEANS_COLUMNS]
