"""Normalisation: raw indicator values -> comparable scores.

Methods (OECD/JRC Handbook 2008, section 5 "Normalisation"; COINr ``n_*`` functions), each a
registered ``fit``/``apply`` pair (:mod:`ictindex.registry`):

``goalpost``
    Distance to a reference value (DOI, IDI): ``s = (T(x) - T(L)) / (T(U) - T(L))``
    with goalposts L, U in the raw unit and T the identity or log10, capped to
    [0, 1] when ``cap``. With L = 0 this is the DOI/IDI rule ``x / ref``; with
    ``transform: log10`` and L = 1 it is the IDI bandwidth rule
    ``log10(x) / log10(ref)`` (MIS 2011, Annex Box 1.2).
``minmax``
    The same with L, U the observed minimum and maximum, mapped to ``target``
    (e.g. 1-100 so that a geometric mean is defined).
``zscore``
    ``(x - mean) / sd`` with the sample standard deviation (n - 1), as COINr.
``rank``, ``percentile``, ``prank``
    Rank (ties share the lowest rank, as COINr ``ties = "min"``), percentile rank
    ``rank / n`` in (0, 1], and COINr's percentile rank ``(rank - 1) / (n - 1)`` in [0, 1]
    (``n_prank``); always within one year.
``frontier``
    Distance to the best performer: ``x / max(x)`` (``min(x) / x`` when lower is better).
``none``
    Values are used as they are.

Direction "lower is better" is handled here and only here: goalpost and min-max
scores become ``1 - s``, z-scores and ranks are taken of ``-x``.

Data-driven parameters (min, max, mean, sd, frontier) are *fitted*, either per
year (default) or on one reference year and then applied to every year, so that
scores are comparable over time (scikit-learn's fit/transform split). In a build with
female and male values (``by_sex``), they are fitted on the total, female and male values
together, so that the three indices share one scale.

>>> goalpost(np.array([60.0, 130.0, 0.0]), 0, 100)
array([0.6, 1. , 0. ])
>>> goalpost(np.array([5.0]), 0, 100, direction="lower")   # a tariff of 5 % of income
array([0.95])
>>> round(float(goalpost(np.array([11878.4]), 1, 280377, transform="log10")[0]), 3)
0.748
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.method_table import is_builtin, normalisations, register_normalisation

if TYPE_CHECKING:
    from ictindex.framework import Framework, Indicator, Normalisation

__all__ = [
    "goalpost",
    "minmax",
    "zscore",
    "fit",
    "normalise",
    "normalise_indicator",
    "FittedNormalisation",
    "fit_columns",
    "apply_columns",
    "check_columns",
]


def _transform(x: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log10":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(x)
    if transform == "ln1p":  # ln(x + 1): IDI 2024 traffic indicators (ITU 2024, Annex 1, note 5, p. 18)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(x)
    return x


def goalpost(
    x: np.ndarray,
    lower: float,
    upper: float,
    *,
    transform: str = "identity",
    direction: str = "higher",
    cap: bool = True,
) -> np.ndarray:
    """Goalpost (distance-to-reference) score; see the module docstring for the formula.

    ``transform`` is ``identity``, ``log10`` or ``ln1p`` (``ln(x + 1)``), applied to the
    values and the goalposts alike. ITU's IDI 2024 rule (Annex 1, p. 18) is this with
    ``lower`` = threshold and ``upper`` = goalpost; for prices (goalpost below the
    threshold) ``direction="lower"`` with ``lower`` = goalpost and ``upper`` = threshold
    gives ``(threshold - x) / (threshold - goalpost)``:

    >>> goalpost(np.array([1.45, 0.5, 30.0]), 1, 21.33, direction="lower").round(4).tolist()
    [0.9779, 1.0, 0.0]
    >>> round(float(goalpost(np.array([86.2]), 0, 500, transform="ln1p")[0]), 4)  # Albania 2022
    0.7188
    """
    lo, hi = _transform(np.array([lower, upper], dtype="float64"), transform)
    score = (_transform(np.asarray(x, dtype="float64"), transform) - lo) / (hi - lo)
    if direction == "lower":
        score = 1.0 - score
    return np.clip(score, 0.0, 1.0) if cap else score


def minmax(
    x: np.ndarray,
    low: np.ndarray | float,
    high: np.ndarray | float,
    target: tuple[float, float] = (0.0, 1.0),
    direction: str = "higher",
) -> np.ndarray:
    """Min-max score mapped to ``target``: ``a + (b - a) * (x - low) / (high - low)``.

    >>> minmax(np.array([2.0, 4.0, 6.0]), 2.0, 6.0, target=(1, 100)).tolist()
    [1.0, 50.5, 100.0]
    """
    share = (np.asarray(x, dtype="float64") - low) / (np.asarray(high) - low)
    if direction == "lower":
        share = 1.0 - share
    return target[0] + (target[1] - target[0]) * share


def zscore(x: np.ndarray, mean: np.ndarray | float, sd: np.ndarray | float, direction: str = "higher") -> np.ndarray:
    """Standardised score ``(x - mean) / sd`` (sign flipped when lower is better)."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = (np.asarray(x, dtype="float64") - mean) / sd
    return -z if direction == "lower" else z


# -- fitting: per year, or on one reference year --------------------------------------------
def _per_year(x: np.ndarray, year_code: np.ndarray, n_years: int, reference: int | None, stat: str) -> np.ndarray:
    """One statistic of ``x`` for every year position (all equal to the reference year's when given).

    NaN for a year without data (its units have no value to normalise anyway)."""
    out = np.full(n_years, np.nan)
    codes = range(n_years) if reference is None else [reference]
    for code in codes:
        v = x[(year_code == code) & ~np.isnan(x)]
        if v.size == 0:
            continue
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by the fit's check
            out[code] = (v.std(ddof=1) if v.size > 1 else 0.0) if stat == "sd" else getattr(v, stat)()
    if reference is not None:
        out[:] = out[reference]
    return out


def _fit_range(
    x: np.ndarray, year_code: np.ndarray, n_years: int, reference: int | None, *, transform: str = "identity", **_: Any
) -> dict[str, np.ndarray]:
    tx = _transform(x, transform)
    return {
        "low": _per_year(tx, year_code, n_years, reference, "min"),
        "high": _per_year(tx, year_code, n_years, reference, "max"),
    }


def _fit_moments(
    x: np.ndarray, year_code: np.ndarray, n_years: int, reference: int | None, *, transform: str = "identity", **_: Any
) -> dict[str, np.ndarray]:
    tx = _transform(x, transform)
    return {
        "mean": _per_year(tx, year_code, n_years, reference, "mean"),
        "sd": _per_year(tx, year_code, n_years, reference, "sd"),
    }


# -- the built-in methods ---------------------------------------------------------------------
@register_normalisation("goalpost")
def _goalpost_apply(
    x: np.ndarray,
    params: dict,
    year_code: np.ndarray,
    direction: str,
    *,
    lower: float,
    upper: float,
    transform: str = "identity",
    cap: bool = True,
    **_: Any,
) -> np.ndarray:
    """Distance to fixed goalposts (DOI, IDI)."""
    return goalpost(x, lower, upper, transform=transform, direction=direction, cap=cap)


@register_normalisation("minmax", fit=_fit_range, fitted=True)
def _minmax_apply(
    x: np.ndarray,
    params: dict,
    year_code: np.ndarray,
    direction: str,
    *,
    transform: str = "identity",
    target: Sequence[float] = (0.0, 1.0),
    **_: Any,
) -> np.ndarray:
    """Min-max from the fitted minimum and maximum, mapped to ``target``."""
    return minmax(
        _transform(x, transform), params["low"][year_code], params["high"][year_code], (target[0], target[1]), direction
    )


@register_normalisation("zscore", fit=_fit_moments, fitted=True)
def _zscore_apply(
    x: np.ndarray,
    params: dict,
    year_code: np.ndarray,
    direction: str,
    *,
    transform: str = "identity",
    centre: float = 0.0,
    spread: float = 1.0,
    **_: Any,
) -> np.ndarray:
    """Standardised score with the fitted mean and sample standard deviation, as ``centre + spread * z``
    (``params: {centre: 10, spread: 2}`` is COINr's ``n_zscore`` with ``c(10, 2)``)."""
    z = zscore(_transform(x, transform), params["mean"][year_code], params["sd"][year_code], direction)
    return centre + spread * z if (centre, spread) != (0.0, 1.0) else z


@register_normalisation("frontier", fit=_fit_range, fitted=True)
def _frontier_apply(
    x: np.ndarray, params: dict, year_code: np.ndarray, direction: str, *, transform: str = "identity", **_: Any
) -> np.ndarray:
    """Distance to the best performer."""
    tx = _transform(x, transform)
    with np.errstate(divide="ignore", invalid="ignore"):
        return tx / params["high"][year_code] if direction == "higher" else params["low"][year_code] / tx


def _ranks(x: np.ndarray, year_code: np.ndarray, direction: str, transform: str) -> tuple[np.ndarray, np.ndarray]:
    """Rank within each year (ties share the lowest rank; NaN stays NaN) and the count per unit's year."""
    from scipy.stats import rankdata  # imported where used (issue 25: a light `import ictindex`)

    signed = _transform(x, transform)
    signed = -signed if direction == "lower" else signed
    ranks = np.full(x.shape, np.nan)
    count = np.full(x.shape, np.nan)
    for code in np.unique(year_code):
        rows = np.flatnonzero((year_code == code) & ~np.isnan(signed))
        if rows.size:
            ranks[rows] = rankdata(signed[rows], method="min")
            count[rows] = rows.size
    return ranks, count


@register_normalisation("rank", within_year=True)
def _rank_apply(
    x: np.ndarray, params: dict, year_code: np.ndarray, direction: str, *, transform: str = "identity", **_: Any
) -> np.ndarray:
    """Rank within the year, 1 = lowest value (ties min)."""
    return _ranks(x, year_code, direction, transform)[0]


@register_normalisation("percentile", within_year=True)
def _percentile_apply(
    x: np.ndarray, params: dict, year_code: np.ndarray, direction: str, *, transform: str = "identity", **_: Any
) -> np.ndarray:
    """Percentile rank ``rank / n`` in (0, 1]."""
    ranks, count = _ranks(x, year_code, direction, transform)
    return ranks / count


@register_normalisation("prank", within_year=True)
def _prank_apply(
    x: np.ndarray, params: dict, year_code: np.ndarray, direction: str, *, transform: str = "identity", **_: Any
) -> np.ndarray:
    """COINr's percentile rank ``(rank - 1) / (n - 1)`` in [0, 1] (``n_prank``)."""
    ranks, count = _ranks(x, year_code, direction, transform)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (ranks - 1.0) / (count - 1.0)


@register_normalisation("none")
def _none_apply(x: np.ndarray, params: dict, year_code: np.ndarray, direction: str, **_: Any) -> np.ndarray:
    """Values used as they are."""
    return np.asarray(x, dtype="float64").copy()


# -- checks and the column-wise driver used by the model ---------------------------------------
def _options(spec: Normalisation) -> dict[str, Any]:
    """Keyword options of a method: every field of the spec except ``method`` (and extra ``params``)."""
    options = spec.model_dump(exclude={"method", "params"})
    options.update(spec.params or {})
    return options


def _check_log(x: np.ndarray, ind: Indicator, spec: Normalisation, units: pd.MultiIndex) -> None:
    """Values a log transform cannot take: log10 needs x > 0, ln(x + 1) needs x > -1."""
    if spec.transform not in ("log10", "ln1p"):
        return
    floor, what = (0.0, "zero or negative") if spec.transform == "log10" else (-1.0, "ln(x + 1) needs x above -1")
    bad = np.flatnonzero(x <= floor)
    if bad.size:
        economy, year = units[bad[0]]
        raise MethodError(
            f"value {x[bad[0]]} cannot be log-transformed ({what})",
            economy=economy,
            indicator=ind.code,
            year=year,
            hint=f"correct the value, or use a transform without {spec.transform} for this indicator",
        )


def _check_fit(
    params: dict[str, np.ndarray],
    x: np.ndarray,
    year_code: np.ndarray,
    ind: Indicator,
    spec: Normalisation,
    years: Sequence[int],
) -> None:
    method = spec.method
    for name, fitted in params.items():  # e.g. a standard deviation of values near the floating-point limit
        with np.errstate(invalid="ignore"):
            per_year = np.broadcast_to(np.asarray(fitted, dtype="float64"), (len(years),))  # a user's fit: a number
            infinite = ~np.isnan(x) & np.isinf(per_year)[year_code]
        if infinite.any():
            raise MethodError(
                f"'{method}' normalisation overflows: the fitted {name} is infinite (the numbers are too large "
                "for floating point)",
                indicator=ind.code,
                year=years[year_code[np.flatnonzero(infinite)[0]]],
                hint="check the indicator's unit (e.g. give millions instead of units), or rescale the values",
            )
    if method in {"minmax", "zscore"}:
        spread = params["high"] - params["low"] if method == "minmax" else params["sd"]
        flat = ~np.isnan(x) & ~(spread[year_code] > 0)
        if flat.any():
            raise MethodError(
                f"'{method}' normalisation needs at least two different values, but all values are equal "
                "(or only one economy has data)",
                indicator=ind.code,
                year=years[year_code[np.flatnonzero(flat)[0]]],
                hint="use goalpost normalisation for this indicator, or add economies",
            )
    if method == "frontier" and np.nanmin(x, initial=np.inf) <= 0:
        raise MethodError(
            "distance to the frontier needs positive values",
            indicator=ind.code,
            hint="use goalpost or min-max normalisation for this indicator",
        )


@dataclass(frozen=True)
class FittedNormalisation:
    """Fitted parameters of every indicator: ``params[code][name]`` is an array over ``years``."""

    years: tuple[int, ...]
    reference_year: int | None
    params: dict[str, dict[str, np.ndarray]]


def fit_columns(
    values: np.ndarray,
    indicators: Sequence[Indicator],
    specs: Sequence[Normalisation],
    year_code: np.ndarray,
    years: Sequence[int],
    reference_year: int | None = None,
) -> FittedNormalisation:
    """Fit the normalisation of every column of ``values`` (units x indicators).

    ``values`` may have a leading axis (total, female, male) whose values are pooled for fitting.
    """
    years = tuple(int(y) for y in years)
    reference = None
    if reference_year is not None:
        reference = -1 if reference_year not in years else years.index(reference_year)
    stacked = values.reshape(-1, values.shape[-1])
    codes = np.tile(year_code, stacked.shape[0] // max(len(year_code), 1))
    params: dict[str, dict[str, np.ndarray]] = {}
    for j, (ind, spec) in enumerate(zip(indicators, specs, strict=True)):
        method = normalisations.get(spec.method)
        if not method.fitted:
            params[ind.code] = {}
            continue
        x = stacked[:, j]
        if reference is not None and (reference < 0 or not (~np.isnan(x[codes == reference])).any()):
            raise MethodError(
                f"no data in the reference year to fit '{spec.method}' normalisation",
                indicator=ind.code,
                year=reference_year,
                hint="choose a reference year in which the indicator has data",
            )
        fitted = method.fit(x, codes, len(years), reference, **_options(spec))
        if not is_builtin("normalisation", spec.method):
            fitted = _user_fit(fitted, ind, spec, len(years))
        _check_fit(fitted, x, codes, ind, spec, years)
        params[ind.code] = fitted
    return FittedNormalisation(years, reference_year, params)


def check_columns(
    values: np.ndarray, indicators: Sequence[Indicator], specs: Sequence[Normalisation], units: pd.MultiIndex
) -> None:
    """Refuse, naming the unit, a value its normalisation cannot take (a log of zero or less), without
    normalising anything."""
    for j, (ind, spec) in enumerate(zip(indicators, specs, strict=True)):
        _check_log(values[:, j], ind, spec, units)


def apply_columns(
    values: np.ndarray,
    indicators: Sequence[Indicator],
    specs: Sequence[Normalisation],
    fitted: FittedNormalisation,
    year_code: np.ndarray,
    units: pd.MultiIndex,
) -> np.ndarray:
    """Normalise every column of ``values`` (units x indicators) with its method and fitted parameters."""
    out = np.empty(values.shape, dtype="float64", order="F")  # written column by column
    for j, (ind, spec) in enumerate(zip(indicators, specs, strict=True)):
        x = values[:, j]
        _check_log(x, ind, spec, units)
        method = normalisations.get(spec.method)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scores = method.apply(x, fitted.params.get(ind.code, {}), year_code, ind.direction, **_options(spec))
        out[:, j] = scores if is_builtin("normalisation", spec.method) else _user_scores(scores, x, ind, spec, units)
        overflow = ~np.isfinite(out[:, j]) & np.isfinite(x)  # inf, or nan from inf / inf
        if overflow.any():
            economy, year = units[np.flatnonzero(overflow)[0]]
            raise MethodError(
                f"'{spec.method}' normalisation overflows for value {x[overflow][0]:g} "
                "(the numbers are too large for floating point)",
                economy=economy,
                indicator=ind.code,
                year=year,
                hint="check the value's unit, or rescale the indicator",
            )
    return out


def _user_fit(fitted: Any, ind: Indicator, spec: Normalisation, n_years: int) -> dict[str, Any]:
    """A user-registered normalisation's fitted parameters: a mapping of names to numbers, one per year (a single
    number stands for every year); anything else is refused naming the method."""
    name = spec.method
    hint = f"make the fit of '{name}' return {{name: one number per year}}"
    if not isinstance(fitted, Mapping):
        raise MethodError(
            f"the fit of normalisation method '{name}' returned {type(fitted).__name__}, not a mapping",
            indicator=ind.code,
            hint=hint,
        )
    for key, value in fitted.items():
        try:
            np.broadcast_to(np.asarray(value, dtype="float64"), (n_years,))
        except (TypeError, ValueError):
            raise MethodError(
                f"the fit of normalisation method '{name}' gave {key!r} = {value!r:.60}, not one number per year "
                f"({n_years})",
                indicator=ind.code,
                hint=hint,
            ) from None
    return dict(fitted)  # as the method returned it: its apply receives what its fit gave


def _user_scores(scores: Any, x: np.ndarray, ind: Indicator, spec: Normalisation, units: pd.MultiIndex) -> np.ndarray:
    """A user-registered normalisation's scores, checked once per column where the engine receives them: one
    number per value (a scalar was broadcast to every unit, a wrong length was a numpy error), finite where the
    value is (NaN was reported as a coverage problem), missing where the value is (a score for a missing value
    invents data), and within the indicator's ``target`` range unless the method is registered
    ``bounded=False`` (a score of 5 on a 0-1 index was accepted)."""
    name = spec.method
    place: dict[str, Any] = {
        "indicator": ind.code,
        "hint": f"correct the normalisation method '{name}' registered by the user",
    }
    try:
        array = np.asarray(scores, dtype="float64")
    except (TypeError, ValueError):
        raise MethodError(
            f"normalisation method '{name}' returned {type(scores).__name__}, not numbers", **place
        ) from None
    if array.shape != x.shape:
        got = "a single value" if array.ndim == 0 else f"shape {array.shape}"
        raise MethodError(f"normalisation method '{name}' returned {got} for {x.shape[0]} values", **place)
    given = ~np.isnan(x)
    for bad, problem in (
        (given & ~np.isfinite(array), "returned {score} for the value {value:g}"),
        (~given & ~np.isnan(array), "returned the score {score:g} for a missing value"),
    ):
        if bad.any():
            at = int(np.flatnonzero(bad)[0])
            economy, year = units[at]
            text = problem.format(score=array[at], value=x[at])
            raise MethodError(f"normalisation method '{name}' {text}", economy=economy, year=year, **place)
    low, high = sorted(spec.target)
    if normalisations.get(name).bounded:
        tolerance = 1e-9 * max(1.0, abs(low), abs(high))
        outside = given & ((array < low - tolerance) | (array > high + tolerance))
        if outside.any():
            at = int(np.flatnonzero(outside)[0])
            economy, year = units[at]
            raise MethodError(
                f"normalisation method '{name}' returned {array[at]:g}, outside the target range {low:g}-{high:g}",
                economy=economy,
                year=year,
                indicator=ind.code,
                hint=f"return scores within the target range, or register '{name}' with bounded=False",
            )
    return array


# -- pandas-facing wrappers ------------------------------------------------------------------------
def _year_codes(index: pd.MultiIndex) -> tuple[np.ndarray, list[int]]:
    years = index.get_level_values("year")
    labels = sorted(set(years.tolist()))
    return np.searchsorted(np.asarray(labels), np.asarray(years)), labels


def fit(values: pd.DataFrame, framework: Framework, *, reference_year: int | None = None) -> FittedNormalisation:
    """Learn the data-driven parameters of every indicator that needs them, per year or on ``reference_year``."""
    codes, labels = _year_codes(values.index)
    inds = list(framework.indicators)
    return fit_columns(
        values[[i.code for i in inds]].to_numpy(dtype="float64"),
        inds,
        [i.normalisation for i in inds],
        codes,
        labels,
        reference_year,
    )


def normalise_indicator(
    column: pd.Series, ind: Indicator, fitted: FittedNormalisation | None = None, *, reference_year: int | None = None
) -> pd.Series:
    """Normalise one indicator column (indexed by economy, year)."""
    codes, labels = _year_codes(column.index)
    x = column.to_numpy(dtype="float64")[:, None]
    if fitted is None or tuple(fitted.years) != tuple(labels):
        fitted = fit_columns(x, [ind], [ind.normalisation], codes, labels, reference_year)
    out = apply_columns(x, [ind], [ind.normalisation], fitted, codes, column.index)
    return pd.Series(out[:, 0], index=column.index, name=ind.code)


def normalise(
    values: pd.DataFrame,
    framework: Framework,
    *,
    reference_year: int | None = None,
    params: FittedNormalisation | None = None,
) -> pd.DataFrame:
    """Normalise every indicator of ``framework`` in the wide matrix ``values``.

    Parameters
    ----------
    values
        Indexed by ``(economy, year)``, one column per framework indicator.
    reference_year
        Fit data-driven parameters on this year and apply them to every year.
    params
        Parameters from :func:`fit` (overrides ``reference_year``).
    """
    codes, labels = _year_codes(values.index)
    inds = list(framework.indicators)
    specs = [i.normalisation for i in inds]
    x = values[[i.code for i in inds]].to_numpy(dtype="float64")
    if params is None or tuple(params.years) != tuple(labels):
        params = fit_columns(x, inds, specs, codes, labels, reference_year)
    out = apply_columns(x, inds, specs, params, codes, values.index)
    return pd.DataFrame(out, index=values.index, columns=[i.code for i in inds])
