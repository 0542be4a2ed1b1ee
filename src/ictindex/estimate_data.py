"""The steps of the world and group estimates between the panel and the tables (:mod:`ictindex.estimates`): the
economies x years frame of an indicator with its groups, population weights and covariates; the imputation of
every missing cell by the declared chain (:mod:`ictindex.estimate_models`) with its measured errors; and the
population-weighted group means with their intervals and reporting effects.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ictindex import estimate_models as em
from ictindex.economies import POPULATION_SERIES, economy_groups
from ictindex.errors import MethodError
from ictindex.estimate_spec import GROUPINGS, NO_GROUP, SPECIAL, WORLD, CovariateSpec, EstimatesSpec, ModelSpec
from ictindex.gender import female_shares


# -- inputs: economies, weights, groups -----------------------------------------------------------------------
def _years(
    panel: pd.DataFrame, spec: EstimatesSpec, codes: Sequence[str], years: Sequence[int] | int | None
) -> tuple[np.ndarray, list[int] | None]:
    """The years the models are fitted on (every year of the data, and those asked for) and the years asked for.

    An estimate never depends on which other years were asked for: the models always see the whole data."""
    wanted = None
    if years is not None:
        wanted = [int(years)] if isinstance(years, int | np.integer) else sorted({int(y) for y in years})
        if not wanted:
            raise MethodError("no years asked for", hint="pass years=None for every year of the data, or a list")
    series = {s for code in codes for s in spec.indicator(code).total}
    present = panel.loc[panel["indicator"].isin(series) & panel["value"].notna(), "year"]
    if present.empty:
        raise MethodError(
            "the data hold none of the series of the indicators asked for",
            indicator=", ".join(codes),
            hint=f"add rows of {sorted(series)} or choose other indicators",
        )
    first, last = int(present.min()), int(present.max())
    if wanted is not None:
        first, last = min(first, wanted[0]), max(last, wanted[-1])
    return np.arange(first, last + 1), wanted


def _group_tables(panel: pd.DataFrame, grid: np.ndarray, groups: pd.DataFrame | None) -> dict[int, pd.DataFrame]:
    """Units table per year: group columns and ``population`` (the user's own table, or the bundled groups)."""
    pop = _population_table(panel)
    if groups is not None:
        user = groups.copy()
        key = next((c for c in ("unit", "economy", "iso3") if c in user.columns), None)
        if key is not None:
            user = user.set_index(key)
        user.index = user.index.astype(str)
        if "population" in user.columns:
            if "year" in user.columns:
                return {int(y): _latest_rows(user.reset_index(names="economy"), int(y)) for y in grid}
            return {int(y): user for y in grid}
        return {int(y): economy_groups(int(y), groups=user, population_data=pop) for y in grid}
    if pop.empty:
        raise MethodError(
            "the data hold no population to weight economies by",
            field="indicator",
            hint=f"add total rows of {' or '.join(POPULATION_SERIES)}, or pass groups= with a population column",
        )
    return {int(y): economy_groups(int(y), population_data=pop) for y in grid}


def _latest_rows(table: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = table[table["year"] <= year].sort_values("year").groupby("economy").last()
    return rows.drop(columns="year")


def _population_table(panel: pd.DataFrame) -> pd.DataFrame:
    sex = panel["sex"] if "sex" in panel.columns else pd.Series("total", index=panel.index)
    for code in POPULATION_SERIES:
        rows = panel[(panel["indicator"] == code) & (sex == "total")]
        if not rows.empty:
            return rows[["economy", "year", "value"]].rename(columns={"value": "population"}).dropna()
    return pd.DataFrame(columns=["economy", "year", "population"])


def _wide(
    panel: pd.DataFrame, series: Sequence[str], sex: str, economies: pd.Index, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Values (economies x years) from the first series present in each cell, and the series used."""
    values = np.full((len(economies), len(grid)), np.nan)
    used = np.full(values.shape, "", dtype=object)
    for code in reversed(list(series)):  # later series first, so that preferred ones overwrite
        rows = panel[(panel["indicator"] == code) & (panel["sex"] == sex) & panel["value"].notna()]
        if rows.empty:
            continue
        table = rows.groupby(["economy", "year"])["value"].first().unstack()  # pivot_table's "first", faster
        table = table.reindex(index=economies, columns=grid)
        present = table.notna().to_numpy()
        values = np.where(present, table.to_numpy(dtype="float64"), values)
        used = np.where(present, code, used)
    return values, used


def _nearest_fill(matrix: np.ndarray) -> np.ndarray:
    """Each row's missing years from its nearest earlier value, else its nearest later one (for covariates)."""
    frame = pd.DataFrame(matrix)
    return frame.T.ffill().bfill().T.to_numpy()


@dataclass(frozen=True)
class _Frame:
    economies: pd.Index
    years: np.ndarray
    population: np.ndarray  # economies x years
    female_share: np.ndarray
    urban_share: np.ndarray | None
    memberships: dict[str, tuple[list[str], np.ndarray]]  # grouping -> (labels, bool groups x economies x years)
    region_code: np.ndarray
    covariate: np.ndarray | None  # economies x years x covariates (declared scale), NaN where unknown
    excluded: pd.DataFrame
    wanted: list[int] | None  # the years asked for (estimated even after the data), or None: every year of the data


def _memberships(tables: dict[int, pd.DataFrame], economies: pd.Index, grid: np.ndarray, groupings: Sequence[str]):
    out: dict[str, tuple[list[str], np.ndarray]] = {}
    for grouping in groupings:
        if grouping == "world":
            out["world"] = ([WORLD], np.ones((1, len(economies), len(grid)), dtype=bool))
            continue
        columns = list(SPECIAL) if grouping == "ldc_lldc_sids" else [grouping]
        missing = [c for c in columns if all(c not in t.columns for t in tables.values())]
        if missing:
            known = sorted(set(GROUPINGS) | set(next(iter(tables.values())).columns))
            raise MethodError(f"unknown grouping '{grouping}'", field=grouping, hint=f"use one of {known}")
        labels: list[str] = []
        blocks: list[np.ndarray] = []
        for column in columns:
            cells = np.column_stack(
                [tables[y][column].reindex(economies).to_numpy(dtype=object) for y in grid.tolist()]
            )
            present = pd.notna(cells)
            if column in SPECIAL or all(isinstance(v, bool | np.bool_) for v in cells[present]):
                labels.append(SPECIAL.get(column, column))
                blocks.append((present & (cells == True))[None])  # noqa: E712 (object array of booleans)
                continue
            missing_label = "Not classified" if column == "income" else NO_GROUP
            names = np.where(present, cells, missing_label).astype(str)
            for label in sorted(set(names.ravel().tolist())):
                labels.append(label)
                blocks.append((names == label)[None])
        out[grouping] = (labels, np.concatenate(blocks, axis=0))
    return out


def _frame(
    panel: pd.DataFrame,
    spec: EstimatesSpec,
    grid: np.ndarray,
    groupings: Sequence[str],
    groups: pd.DataFrame | None,
    wanted: list[int] | None,
) -> _Frame:
    """The economies x years frame every indicator is estimated on: the economies with a population, their
    weights, female and urban shares, groups, regions and covariates, and the economies left out."""
    tables = _group_tables(panel, grid, groups)
    economies = _weighted_economies(tables, grid)
    population = np.column_stack(
        [
            pd.to_numeric(tables[y]["population"], errors="coerce").reindex(economies).fillna(0.0).to_numpy()
            for y in grid.tolist()
        ]
    )
    female_share = _female_share(panel, economies, grid)
    urban_share = _urban_share(panel, spec.model.urban_share, economies, grid)
    region = _region_codes(tables[int(grid[-1])], spec.model.regression.group, economies)
    covariate = _covariates(panel, spec.model.regression.covariates, economies, grid)
    excluded = _excluded(panel, economies)
    memberships = _memberships(tables, economies, grid, groupings)
    return _Frame(
        economies, grid, population, female_share, urban_share, memberships, region, covariate, excluded, wanted
    )


def _weighted_economies(tables: dict[int, pd.DataFrame], grid: np.ndarray) -> pd.Index:
    """The economies with a positive population in some year of the groups tables (those that can be weighted)."""
    with_pop = set()
    for table in tables.values():
        if "population" in table.columns:
            with_pop |= set(table.index[pd.to_numeric(table["population"], errors="coerce") > 0])
    economies = pd.Index(sorted(with_pop), name="economy")
    if len(economies) == 0:
        raise MethodError(
            "no economy has a population in the years asked for",
            year=f"{grid[0]}-{grid[-1]}",
            hint="pass population data",
        )
    return economies


def _female_share(panel: pd.DataFrame, economies: pd.Index, grid: np.ndarray) -> np.ndarray:
    """Each economy's female share of the population by year, its nearest year's where missing, else 0.5."""
    shares = female_shares(panel)
    female = shares.unstack("year").reindex(index=economies, columns=grid) if not shares.empty else None
    female_share = (
        _nearest_fill(female.to_numpy(dtype="float64"))
        if female is not None
        else np.full((len(economies), len(grid)), np.nan)
    )
    return np.where(np.isnan(female_share), 0.5, female_share)


def _urban_share(panel: pd.DataFrame, series: str | None, economies: pd.Index, grid: np.ndarray) -> np.ndarray | None:
    """Each economy's urban share of the population (0-1) by year, its nearest year's where missing; None when the
    data hold no value of the declared series."""
    if not series:
        return None
    raw, _ = _wide(panel, [series], "total", economies, grid)
    if not (~np.isnan(raw)).any():
        return None
    return np.clip(_nearest_fill(raw) / 100.0, 0.0, 1.0)


def _region_codes(latest: pd.DataFrame, column: str | None, economies: pd.Index) -> np.ndarray:
    """Each economy's region code 0..G-1 for the regression, from the groups table of the last year (-1: none)."""
    if not (column and column in latest.columns):
        return np.full(len(economies), -1)
    labels = latest[column].reindex(economies)
    labels = labels.where(labels.notna() & (labels.astype(str) != "not assigned"))
    return pd.factorize(labels, sort=True)[0]


def _excluded(panel: pd.DataFrame, economies: pd.Index) -> pd.DataFrame:
    """The economies with values but no population (``economy, reason``): they cannot be weighted."""
    valued = set(panel.loc[panel["value"].notna(), "economy"].unique().astype(str))
    excluded = sorted(valued - set(economies) - _population_series_only(panel))
    return pd.DataFrame(
        {"economy": excluded, "reason": "no population in the data or the groups table: cannot be weighted"}
    )


def _covariates(
    panel: pd.DataFrame, declared: Sequence[CovariateSpec], economies: pd.Index, grid: np.ndarray
) -> np.ndarray | None:
    """Economies x years x covariates on their declared scale; each economy's years without a value take its
    nearest value (so a nowcast year holds the covariate flat). Covariates absent from the data are left out."""
    layers = []
    for covariate in declared:
        raw, _ = _wide(panel, [covariate.series], "total", economies, grid)
        if not (~np.isnan(raw)).any():
            continue
        filled = _nearest_fill(raw)
        with np.errstate(divide="ignore", invalid="ignore"):
            if covariate.transform == "log":
                layers.append(np.log(np.where(filled > 0, filled, np.nan)))
            else:
                layers.append(np.log1p(np.where(filled >= 0, filled, np.nan)))
    return np.stack(layers, axis=2) if layers else None


def _population_series_only(panel: pd.DataFrame) -> set[str]:
    other = panel.loc[~panel["indicator"].isin(POPULATION_SERIES), "economy"].unique()
    return set(panel["economy"].unique().astype(str)) - set(other.astype(str))


# -- imputation of one indicator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Filled:
    logit: np.ndarray  # economies x years, every cell the chain could fill
    sd: np.ndarray  # standard error of each cell on the logit scale (0 where reported)
    method: np.ndarray
    reported: np.ndarray
    alternatives: tuple[np.ndarray, ...]  # the logit values under each declared alternative model
    record: tuple[dict, ...]


def _errors_by_cell(
    method: np.ndarray,
    observed: np.ndarray,
    errors: dict,
    fit: em.Regression | None,
    covariates: np.ndarray | None,
    nowcast: np.ndarray | None = None,
) -> np.ndarray:
    """Standard error of every cell from the errors measured for the step that filled it (``nowcast``: the
    measured errors of the regression nowcast by years ahead, for the cells it filled near an economy's data)."""
    trend = np.asarray(errors["trend"], dtype="float64")
    finite = trend[np.isfinite(trend)]
    reduced = fit.reduced.residual_sd if fit is not None and fit.reduced is not None else float("nan")
    fallback = reduced if np.isfinite(reduced) else (finite.max() if finite.size else 1.0)
    trend = np.where(np.isfinite(trend), trend, finite.max() if finite.size else fallback)
    if trend.size:
        trend = np.maximum.accumulate(trend)  # an error never shrinks with the horizon
    h = np.clip(em.distance(observed), 1, max(len(trend), 1)) - 1
    sd = np.zeros(method.shape)
    interp = errors["interpolated"] if np.isfinite(errors["interpolated"]) else (trend[0] if trend.size else fallback)
    sd = np.where(method == "interpolated", interp, sd)
    if trend.size:
        sd = np.where(method == "trend", trend[h], sd)
    if fit is not None:
        sd = np.where(method == "regression", fit.sd(method.shape, covariates), sd)
    if nowcast is not None and np.isfinite(nowcast).any():
        ahead = np.where(np.isfinite(nowcast), nowcast, np.nanmax(nowcast))
        ahead = np.maximum.accumulate(ahead)
        near = (method == "regression") & (em.distance(observed) <= len(ahead))
        d = np.clip(em.distance(observed), 1, len(ahead)) - 1
        sd = np.where(near, ahead[d], sd)
    return np.where(np.isnan(sd), fallback, sd)


def _impute(
    L: np.ndarray, years: np.ndarray, spec: ModelSpec, covariates: np.ndarray | None, region: np.ndarray, *, label: dict
) -> _Filled:
    """Every cell of ``L`` (economies x years, logit scale) the declared chain can fill, with its standard error,
    the values under each declared alternative model and the record of the measured errors and choices."""
    trend = spec.trend
    kwargs = {"window": trend.window, "horizon": trend.horizon, "min_points": trend.min_points}
    observed = ~np.isnan(L)
    damping, tried = _damping(L, years, trend.damping, kwargs)
    nowcast, measured = _nowcast(L, years, spec.nowcast, damping, covariates, region, kwargs)
    common = {"covariates": covariates, "group": region, **kwargs}
    filled, method, fit = em.fill(L, years, damping=damping, nowcast=nowcast, **common)
    errors = em.errors(L, years, damping=damping, **kwargs)
    ahead = measured["regression"] if measured is not None and nowcast == "regression" else None
    sd = _errors_by_cell(method, observed, errors, fit, covariates, ahead)
    alternatives = [
        _alternative(name, L, years, filled, damping=damping, nowcast=nowcast, common=common)
        for name in spec.interval.alternatives
    ]
    record = _imputation_record(label, errors, (damping, tried), (nowcast, measured), fit)
    return _Filled(filled, np.where(observed, 0.0, sd), method, observed, tuple(alternatives), tuple(record))


def _damping(
    L: np.ndarray, years: np.ndarray, declared: float | str, kwargs: dict
) -> tuple[float, dict[float, np.ndarray]]:
    """The damping of the trend (the declared one, or with ``auto`` the one that forecasts best) and the errors
    of every damping tried."""
    if declared == "auto":
        return em.choose_damping(L, years, **kwargs)
    return float(declared), {}


def _nowcast(
    L: np.ndarray,
    years: np.ndarray,
    declared: str,
    damping: float,
    covariates: np.ndarray | None,
    region: np.ndarray,
    kwargs: dict,
) -> tuple[str, dict[str, np.ndarray] | None]:
    """The nowcast (the declared one, or with ``auto`` the one with the smaller measured error) and the errors
    measured (None when declared)."""
    if declared != "auto":
        return declared, None
    measured = em.nowcast_errors(L, years, damping=damping, covariates=covariates, group=region, **kwargs)
    return em.choose_nowcast(measured), measured


def _alternative(
    name: str, L: np.ndarray, years: np.ndarray, filled: np.ndarray, *, damping: float, nowcast: str, common: dict
) -> np.ndarray:
    """The logit values under the declared alternative model ``name``, the chosen model's where it has none."""
    if name == "nowcast":  # the nowcast not chosen
        other = "trend" if nowcast == "regression" else "regression"
        alt, *_ = em.fill(L, years, damping=damping, nowcast=other, **common)
    elif name == "latest":
        alt, *_ = em.fill(L, years, damping=0.0, **common)
    elif name == "regression":
        alt, *_ = em.fill(L, years, interpolate=False, **{**common, "horizon": 0})
    elif name == "trend":
        alt, *_ = em.fill(L, years, damping=1.0, **common)
    else:
        raise MethodError(
            f"unknown alternative model '{name}'",
            field="model.interval.alternatives",
            hint="use 'latest', 'trend', 'regression' or 'nowcast'",
        )
    return np.where(np.isnan(alt), filled, alt)


def _rmse(errors: np.ndarray) -> str:
    """Errors by horizon as text: ``0.123, 0.234``."""
    return ", ".join(f"{x:.3f}" for x in errors)


def _imputation_record(
    label: dict, errors: dict, damping: tuple[float, dict], nowcast: tuple[str, dict | None], fit: em.Regression | None
) -> list[dict]:
    """One row per step of the chain (``step, measured_error, detail``): interpolation, the trend with its
    damping, the nowcast chosen (when chosen on the data) and the regressions fitted."""
    phi, tried = damping
    chosen, measured = nowcast
    trend = errors["trend"]
    record = [
        {
            **label,
            "step": "interpolated",
            "measured_error": errors["interpolated"],
            "detail": "leave-one-out over interior reported values (logit scale)",
        },
        {
            **label,
            "step": "trend",
            "measured_error": float(np.nanmax(trend)) if np.isfinite(trend).any() else float("nan"),
            "detail": f"damping {phi:g}; rmse by horizon 1..{len(trend)}: {_rmse(trend)}"
            + "".join(f"; damping {other:g}: {_rmse(e)}" for other, e in tried.items() if other != phi),
        },
    ]
    if measured is not None:
        error = measured[chosen]
        record.append(
            {
                **label,
                "step": "nowcast",
                "measured_error": float(np.max(error, where=np.isfinite(error), initial=-np.inf))
                if np.isfinite(error).any()
                else float("nan"),
                "detail": f"{chosen} chosen; last values hidden, rmse by years ahead: "
                f"trend {_rmse(measured['trend'])}; anchored regression {_rmse(measured['regression'])}",
            }
        )
    if fit is not None:
        record += [
            {**label, "step": "regression", "measured_error": r["residual_sd"], "detail": _describe_fit(r)}
            for r in fit.record
        ]
    return record


def _describe_fit(r: dict) -> str:
    coef = ", ".join(f"{c:.3f}" for c in r["covariate_coefficients"])
    level = "region and mean covariate" if coef else "region"
    return (
        f"{r['fit']}: {r['terms']}; n = {r['observations']} values of {r['economies']} economies, "
        f"R2 = {r['r_squared']:.3f}; effects of economies without values from {level} "
        f"(residual spread {r['between_sd']:.3f})" + (f"; covariate coefficient(s) {coef}" if coef else "")
    )


# -- aggregation ----------------------------------------------------------------------------------------------
def _masked(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values`` with 0 for NaN, and 1.0 where a value is present (else 0.0): the sums :func:`_weighted` takes."""
    ok = ~np.isnan(values)
    return np.where(ok, values, 0.0), ok.astype("float64")


def _weighted(values: np.ndarray | tuple[np.ndarray, np.ndarray], weights: np.ndarray) -> np.ndarray:
    """Group means: ``values`` (..., economies, years), ``weights`` (groups, economies, years) -> (..., groups,
    years). ``values`` may come :func:`_masked` already (Monte Carlo draws, masked once for every grouping)."""
    filled, present = _masked(values) if isinstance(values, np.ndarray) else values
    num = np.einsum("...ey,gey->...gy", filled, weights)
    den = np.einsum("...ey,gey->...gy", present, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def _nan_percentiles(draws: np.ndarray, q: tuple[float, ...]) -> list[np.ndarray]:
    """``np.nanpercentile(draws, q_i, axis=0)`` for each ``q_i`` (its default, linear method), sorting once: numpy
    falls back to one call per column when a column holds NaN (a group without members in a year: all NaN)."""
    ordered = np.sort(draws, axis=0)  # NaN last
    n = (~np.isnan(draws)).sum(axis=0)
    out = []
    for percent in q:
        position = (n - 1) * (percent / 100.0)
        below = np.clip(np.floor(position), 0, None).astype("intp")
        above = np.minimum(below + 1, np.maximum(n - 1, 0))
        low = np.take_along_axis(ordered, below[None], axis=0)[0]
        high = np.take_along_axis(ordered, above[None], axis=0)[0]
        t = position - below
        diff = high - low
        value = np.where(t >= 0.5, high - diff * (1 - t), low + diff * t)  # numpy's _lerp
        out.append(np.where(n > 0, value, np.nan))
    return out


def _interval(
    point: np.ndarray, draws: np.ndarray | None, alternatives: list[np.ndarray], level: float
) -> tuple[np.ndarray, np.ndarray]:
    low, high = point.copy(), point.copy()
    if draws is not None and len(draws):
        tail = (1.0 - level) / 2.0 * 100.0
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group without members in a year: all NaN
            below, above = _nan_percentiles(draws, (tail, 100.0 - tail))
            low, high = np.fmin(low, below), np.fmax(high, above)
    for alt in alternatives:
        low, high = np.fmin(low, alt), np.fmax(high, alt)
    return low, high


def _switch_effect(values: np.ndarray, reported: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group and year: the population share whose reporting status changed since the year before, and the
    points by which those economies moved the estimate beyond the change of the economies reporting both years."""
    change = np.full(weights.shape[0::2], np.nan)
    effect = np.full(weights.shape[0::2], np.nan)
    if values.shape[1] < 2:
        return change, effect
    switched = (reported[:, 1:] != reported[:, :-1]).astype("float64")
    both = (reported[:, 1:] & reported[:, :-1]).astype("float64")
    step = values[:, 1:] - values[:, :-1]
    w = weights[:, :, 1:]
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        change[:, 1:] = np.einsum("gey,ey->gy", w, switched) / total
        ok = ~np.isnan(step)
        matched = np.einsum("gey,ey->gy", w, np.where(ok, step, 0.0) * both) / np.einsum("gey,ey->gy", w, both * ok)
        matched = np.where(np.isnan(matched), 0.0, matched)
        extra = np.where(ok[None], step[None] - matched[:, None, :], 0.0) * switched[None]
        effect[:, 1:] = (w * extra).sum(axis=1) / total
    return change, effect


def _rows(
    values: np.ndarray,
    draws: np.ndarray | None,
    alternatives: list[np.ndarray],
    reported: np.ndarray,
    weights_by_grouping: dict[str, tuple[list[str], np.ndarray]],
    years: np.ndarray,
    spec: ModelSpec,
    labels: dict,
) -> pd.DataFrame:
    frames = []
    masked_draws = _masked(draws) if draws is not None else None
    for grouping, (names, weights) in weights_by_grouping.items():
        point = _weighted(values, weights)
        group_draws = _weighted(masked_draws, weights) if masked_draws is not None else None
        alts = [_weighted(a, weights) for a in alternatives]
        low, high = _interval(point, group_draws, alts, spec.interval.level)
        member = weights > 0
        pop = weights.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.einsum("gey,ey->gy", weights, reported.astype("float64")) / pop
        change, effect = _switch_effect(values, reported, weights)
        flag = np.where(change >= spec.reporting_change, "reporting economies changed sharply", "")
        n = len(names)
        frames.append(
            pd.DataFrame(
                {
                    **labels,
                    "grouping": grouping,
                    "group": np.repeat(names, len(years)),
                    "year": np.tile(years, n),
                    "value": point.ravel(),
                    "low": low.ravel(),
                    "high": high.ravel(),
                    "reported_share": share.ravel(),
                    "imputed_share": 1.0 - share.ravel(),
                    "imputed_units": (member & ~reported[None]).sum(axis=1).ravel(),
                    "units": member.sum(axis=1).ravel(),
                    "population": pop.ravel(),
                    "reporting_change": change.ravel(),
                    "reporting_effect": effect.ravel(),
                    "flag": flag.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
