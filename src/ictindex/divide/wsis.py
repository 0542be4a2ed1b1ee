"""WSIS connectivity targets (Plan of Action, Geneva 2003, B.6): world and group values per year, the distance
to the target and the year it was reached or would be on a fitted logistic trend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import CoverageError
from ictindex.impute import impute
from ictindex.units import (  # checked numbers (issue 30)
    bundled_panel,
    group_aggregates,
    groupings_of,
    groups_and_population,
    member_population,
)


@dataclass(frozen=True)
class WsisTarget:
    """A quantifiable connectivity target: the series that measure it (first present wins per economy and
    year), the target value in %, and where the target comes from."""

    code: str
    name: str
    series: tuple[str, ...]
    target_value: float
    reference: str


_B6J = (
    "WSIS Plan of Action (2003) B.6 (j): 'ensure that more than half the world's inhabitants have access "
    "to ICTs within their reach and make use of them'"
)
#: The targets tracked by default. WSIS set no numeric household target; ``hh_internet`` uses the same
#: "more than half" threshold (ITU's Connect 2020 Agenda, target 1.1, asked for 55 % of households by 2020).
WSIS_TARGETS: tuple[WsisTarget, ...] = (
    WsisTarget(
        "mobile_3g",
        "Population covered by at least a 3G mobile network",
        ("i271G",),
        50.0,
        _B6J + " (access: mobile-broadband coverage, as in ITU's Final WSIS Targets Review 2014)",
    ),
    WsisTarget(
        "mobile_4g",
        "Population covered by at least an LTE/WiMAX mobile network",
        ("i271GA",),
        50.0,
        _B6J + " (access: mobile-broadband coverage)",
    ),
    WsisTarget("internet_users", "Individuals using the Internet", ("IT.NET.USER.ZS", "i99H"), 50.0, _B6J + " (use)"),
    WsisTarget(
        "hh_internet",
        "Households with Internet access at home",
        ("xHH6_IDI", "HH6"),
        50.0,
        _B6J + " (household access; Connect 2020 target 1.1: 55 % of households by 2020)",
    ),
)
TREND = "logistic share 100 / (1 + exp(-r (t - t0))), r and t0 fitted by least squares (scipy.optimize.curve_fit)"


def logistic_trend(t: np.ndarray, r: float, t0: float) -> np.ndarray:
    """The trend of :data:`TREND`: ``100 / (1 + exp(-r (t - t0)))`` (a share in %, ceiling 100)."""
    return 100.0 / (1.0 + np.exp(-r * (t - t0)))


def _reached(series: pd.DataFrame, target: float, trend_years: int) -> tuple[float, str, str, float, float]:
    """Year the target was reached (observed) or would be on the fitted logistic trend, how, the trend,
    and the trend's ``r`` and ``t0`` (NaN when no trend was fitted)."""
    from scipy import optimize

    observed = series[series["meets_coverage"]].dropna(subset=["value"]).sort_values("year")
    if observed.empty:
        return np.nan, "no year meets the coverage threshold", "", np.nan, np.nan
    above = observed[observed["value"] >= target]
    if not above.empty:
        first = int(above["year"].iloc[0])
        at = "observed" if first > observed["year"].iloc[0] else "observed (at or before the first year)"
        return float(first), at, "", np.nan, np.nan
    fit_on = observed.tail(trend_years)
    if len(fit_on) < 3:
        return np.nan, "no trend (fewer than 3 years)", "", np.nan, np.nan
    t, y = fit_on["year"].to_numpy(dtype="float64"), fit_on["value"].to_numpy()
    try:
        (r, t0), _ = optimize.curve_fit(logistic_trend, t, y, p0=(0.2, t[-1] + 5.0), maxfev=10000)
    except (RuntimeError, optimize.OptimizeWarning):
        return np.nan, "no trend (the logistic fit did not converge)", "", np.nan, np.nan
    trend = f"{TREND}, fitted {int(t[0])}-{int(t[-1])}: r = {r:.3f}, t0 = {t0:.1f}"
    if r <= 0:
        return np.nan, "not reached on the current trend", trend, r, t0
    return float(math.ceil(t0 + math.log(target / (100.0 - target)) / r)), "projected", trend, r, t0


def wsis_trend_points(table: pd.DataFrame, points: int = 50) -> pd.DataFrame:
    """The fitted logistic trend of every group whose target is projected, from its last year to the year
    projected (``points`` points each): ``target, grouping, group, year, value`` (a fractional year)."""
    rows = []
    projected = table[table["reached"] == "projected"]
    for (target, grouping, group), part in projected.groupby(["target", "grouping", "group"], sort=False):
        part = part[part["meets_coverage"]]
        if part.empty:
            continue
        r, t0 = float(part["trend_r"].iloc[0]), float(part["trend_t0"].iloc[0])
        t = np.linspace(float(part["year"].max()), float(part["reached_year"].iloc[0]), points)
        rows.append(
            pd.DataFrame(
                {"target": target, "grouping": grouping, "group": group, "year": t, "value": logistic_trend(t, r, t0)}
            )
        )
    columns = ["target", "grouping", "group", "year", "value"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def wsis_targets(
    panel: pd.DataFrame | None = None,
    *,
    by: str | Sequence = ("world", "income", "region"),
    targets: Sequence[WsisTarget] = WSIS_TARGETS,
    years: Sequence[int] | None = None,
    groups: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    max_gap: int = 3,
    min_population_share: float = 0.8,
    trend_years: int = 10,
) -> pd.DataFrame:
    """World and group values of the WSIS connectivity targets per year (WSIS Plan of Action B.6, E.27b).

    For each target, economy and year the value is the first of the target's series present; a missing
    value is the economy's latest earlier value, at most ``max_gap`` years old (ITU's "latest available
    data" rule of the DOI; see :mod:`ictindex.impute`). Group values are population-weighted means over the
    economies with a value (:func:`~ictindex.units.group_means`); ``population_share`` is the share of the group's
    population they hold and ``reported_share`` the share with a value reported that very year.

    Returns a tidy table: ``target, name, grouping, group, year, value, population_share, reported_share,
    economies, target_value, distance`` (target - value, in percentage points; <= 0 once reached),
    ``meets_coverage`` (population_share >= ``min_population_share``), ``reached_year``, ``reached``
    (observed, projected, or why neither; only years that meet coverage count), ``trend`` (and its
    ``trend_r``, ``trend_t0``), ``population_year`` and ``series_changed_share`` (of the population of the group's
    economies with a value that year and the year before, the share whose value came from another of the target's
    series than the year before: a change of source, a series break). A year is
    projected only when the target is not reached yet, from a logistic curve with ceiling 100 % fitted to
    the last ``trend_years`` years that meet coverage (:data:`TREND`; the current trend, not the early
    years): the first whole year at or after the curve reaches the target.
    """
    if panel is None:
        panel = bundled_panel()
    groups, population = groups_and_population(groups, population, None)
    groupings = groupings_of(by, groups)
    total = panel[panel["sex"] == "total"] if "sex" in panel.columns else panel
    frames = []
    for target in targets:
        values = _target_values(total, target, max_gap)
        if values is None:
            continue
        pop = member_population(population, groups, values)
        table = group_aggregates(values.drop(columns="series").assign(code=target.code), groupings, pop)
        table = _with_series_changes(table, values, target, groupings, pop)
        table = _with_distance(table, target, min_population_share, trend_years)
        # the year reached is found on every year; only then are the rows limited to ``years``
        frames.append(table if years is None else table[table["year"].isin([int(y) for y in years])])
    if not frames:
        raise CoverageError(
            "no series of any WSIS target is in the panel",
            hint=f"series used: {sorted({s for t in targets for s in t.series})}",
        )
    return pd.concat(frames, ignore_index=True)[WSIS_COLUMNS]


#: The columns of :func:`wsis_targets`.
WSIS_COLUMNS = [
    "target",
    "name",
    "grouping",
    "group",
    "year",
    "value",
    "population_share",
    "reported_share",
    "economies",
    "target_value",
    "distance",
    "meets_coverage",
    "reached_year",
    "reached",
    "trend",
    "trend_r",
    "trend_t0",
    "population_year",
    "series_changed_share",
]


def _target_values(total: pd.DataFrame, target: WsisTarget, max_gap: int) -> pd.DataFrame | None:
    """``economy, year, value, reported, series`` of one target: the first of its series present, a missing year
    filled with the latest earlier value at most ``max_gap`` years old (``series``: the series the value came from,
    carried with it); ``None`` when no series of it is there."""
    rows = total[total["indicator"].isin(target.series)]
    if rows.empty:
        return None
    rank = rows["indicator"].map({code: i for i, code in enumerate(target.series)})
    rows = rows.assign(_rank=rank).sort_values("_rank").drop_duplicates(["economy", "year"])
    wide = rows.set_index(["economy", "year"])[["value", "_rank"]].astype("float64")
    grid = pd.MultiIndex.from_product(
        [
            wide.index.get_level_values("economy").unique(),
            range(int(rows["year"].min()), int(rows["year"].max()) + 1),
        ],
        names=["economy", "year"],
    )
    filled, _ = impute(wide.reindex(grid), "latest", max_gap=max_gap)
    values = filled.dropna().reset_index()
    values["reported"] = values.set_index(["economy", "year"]).index.isin(wide.index)
    values["series"] = np.asarray(target.series, dtype=object)[values.pop("_rank").to_numpy(dtype="int64")]
    return None if values.empty else values


def _series_changes(values: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``values`` (:func:`_target_values`) whose economy had a value the year before, ``value`` 1 where
    that value came from another series (a change of source: a break, not progress) and 0 where from the same."""
    ordered = values.sort_values(["economy", "year"])
    same_economy = ordered["economy"].eq(ordered["economy"].shift())
    follows = same_economy & ordered["year"].eq(ordered["year"].shift() + 1)
    changed = ordered["series"].ne(ordered["series"].shift())
    return ordered[follows].assign(value=changed[follows].astype("float64"), reported=True)


def _with_series_changes(
    table: pd.DataFrame, values: pd.DataFrame, target: WsisTarget, groupings: Any, pop: Any
) -> pd.DataFrame:
    """``table`` with ``series_changed_share``: the share of the population of the group's economies with a value
    that year and the year before whose value came from another series than the year before (0 for a target of one
    series; missing where no economy of the group had a value the year before)."""
    changes = _series_changes(values)
    if changes.empty:
        return table.assign(series_changed_share=np.nan)
    shares = group_aggregates(changes.assign(code=target.code), groupings, pop)
    key = ["grouping", "group", "year"]
    found = shares.set_index(key)["weighted_mean"].rename("series_changed_share")
    return table.join(found, on=key)


def _with_distance(
    table: pd.DataFrame, target: WsisTarget, min_population_share: float, trend_years: int
) -> pd.DataFrame:
    """A target's group values with the distance to the target and the year it was (or would be) reached."""
    table = table.rename(columns={"weighted_mean": "value"}).assign(
        target=target.code, name=target.name, target_value=target.target_value
    )
    table["distance"] = target.target_value - table["value"]
    table["meets_coverage"] = table["population_share"].fillna(0.0) >= min_population_share
    reached = {
        key: _reached(part, target.target_value, trend_years) for key, part in table.groupby(["grouping", "group"])
    }
    keys = list(zip(table["grouping"], table["group"], strict=True))
    table["reached_year"] = pd.array([reached[k][0] for k in keys], dtype="Float64").astype("Int64")
    table["reached"] = [reached[k][1] for k in keys]
    table["trend"] = [reached[k][2] for k in keys]
    table["trend_r"] = [reached[k][3] for k in keys]
    table["trend_t0"] = [reached[k][4] for k in keys]
    return table
