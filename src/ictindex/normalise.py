"""Normalisation: raw indicator values -> comparable scores.

Methods (OECD/JRC Handbook 2008, section 5 "Normalisation"; COINr ``n_*`` functions):

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
``rank``, ``percentile``
    Rank (ties share the lowest rank, as COINr ``ties = "min"``) and percentile
    rank ``rank / n`` in (0, 1]; always within one year.
``frontier``
    Distance to the best performer: ``x / max(x)`` (``min(x) / x`` when lower is better).
``none``
    Values are used as they are.

Direction "lower is better" is handled here and only here: goalpost and min-max
scores become ``1 - s``, z-scores and ranks are taken of ``-x``.

Data-driven parameters (min, max, mean, sd, frontier) are *fitted*, either per
year (default) or on one reference year and then applied to every year, so that
scores are comparable over time (scikit-learn's fit/transform split).

>>> goalpost(np.array([60.0, 130.0, 0.0]), 0, 100)
array([0.6, 1. , 0. ])
>>> goalpost(np.array([5.0]), 0, 100, direction="lower")   # a tariff of 5 % of income
array([0.95])
>>> round(float(goalpost(np.array([11878.4]), 1, 280377, transform="log10")[0]), 3)
0.748
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.framework import Framework, Indicator

__all__ = ["goalpost", "minmax", "zscore", "fit", "normalise"]

_FITTED = {"minmax", "zscore", "frontier"}


def _transform(x: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log10":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(x)
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
    """Goalpost (distance-to-reference) score; see the module docstring for the formula."""
    lo, hi = _transform(np.array([lower, upper], dtype="float64"), transform)
    score = (_transform(np.asarray(x, dtype="float64"), transform) - lo) / (hi - lo)
    if direction == "lower":
        score = 1.0 - score
    return np.clip(score, 0.0, 1.0) if cap else score


def minmax(x: np.ndarray, low: np.ndarray | float, high: np.ndarray | float,
           target: tuple[float, float] = (0.0, 1.0), direction: str = "higher") -> np.ndarray:
    """Min-max score mapped to ``target``: ``a + (b - a) * (x - low) / (high - low)``.

    >>> minmax(np.array([2.0, 4.0, 6.0]), 2.0, 6.0, target=(1, 100)).tolist()
    [1.0, 50.5, 100.0]
    """
    share = (np.asarray(x, dtype="float64") - low) / (np.asarray(high) - low)
    if direction == "lower":
        share = 1.0 - share
    return target[0] + (target[1] - target[0]) * share


def zscore(x: np.ndarray, mean: np.ndarray | float, sd: np.ndarray | float,
           direction: str = "higher") -> np.ndarray:
    """Standardised score ``(x - mean) / sd`` (sign flipped when lower is better)."""
    z = (np.asarray(x, dtype="float64") - mean) / sd
    return -z if direction == "lower" else z


def _stats(column: pd.Series, ind: Indicator, reference_year: int | None) -> pd.DataFrame:
    """Fitted parameters per row (per year, or from the reference year)."""
    method = ind.normalisation.method
    x = pd.Series(_transform(column.to_numpy(), ind.normalisation.transform), index=column.index)
    if reference_year is not None:
        years = column.index.get_level_values("year")
        ref = x[years == reference_year]
        if ref.notna().sum() == 0:
            raise MethodError(f"no data in the reference year to fit '{method}' normalisation",
                              indicator=ind.code, year=reference_year,
                              hint="choose a reference year in which the indicator has data")
        agg = {"low": ref.min(), "high": ref.max(), "mean": ref.mean(), "sd": ref.std(ddof=1)}
        return pd.DataFrame(agg, index=column.index)
    grouped = x.groupby(level="year")
    return pd.DataFrame({
        "low": grouped.transform("min"),
        "high": grouped.transform("max"),
        "mean": grouped.transform("mean"),
        "sd": grouped.transform(lambda s: s.std(ddof=1)),
    })


def fit(values: pd.DataFrame, framework: Framework, *, reference_year: int | None = None
        ) -> dict[str, pd.DataFrame]:
    """Learn the data-driven parameters of every indicator that needs them.

    Returns ``{indicator code: DataFrame(low, high, mean, sd)}`` aligned with ``values``.
    """
    return {
        ind.code: _stats(values[ind.code], ind, reference_year)
        for ind in framework.indicators
        if ind.normalisation.method in _FITTED
    }


def _check_log(column: pd.Series, ind: Indicator) -> None:
    bad = column[(column <= 0)]
    if ind.normalisation.transform == "log10" and not bad.empty:
        economy, year = bad.index[0]
        raise MethodError(
            f"value {bad.iloc[0]} cannot be log-transformed (zero or negative)",
            economy=economy, indicator=ind.code, year=year,
            hint="correct the value, or use a transform without log10 for this indicator",
        )


def _check_spread(stats: pd.DataFrame, column: pd.Series, ind: Indicator) -> None:
    method = ind.normalisation.method
    spread = (stats["high"] - stats["low"]) if method == "minmax" else stats["sd"]
    flat = column.notna() & ~(spread > 0)
    if method in {"minmax", "zscore"} and flat.any():
        economy, year = column.index[flat.to_numpy()][0]
        raise MethodError(
            f"'{method}' normalisation needs at least two different values, but all values are equal "
            "(or only one economy has data)",
            indicator=ind.code, year=year,
            hint="use goalpost normalisation for this indicator, or add economies",
        )


def normalise_indicator(column: pd.Series, ind: Indicator, stats: pd.DataFrame | None = None
                        ) -> pd.Series:
    """Normalise one indicator column (indexed by economy, year)."""
    spec = ind.normalisation
    x = column.to_numpy(dtype="float64")
    _check_log(column, ind)
    if spec.method == "goalpost":
        out = goalpost(x, spec.lower, spec.upper, transform=spec.transform,  # type: ignore[arg-type]
                       direction=ind.direction, cap=spec.cap)
    elif spec.method == "none":
        out = x
    elif spec.method in {"rank", "percentile"}:
        signed = pd.Series(_transform(x, spec.transform), index=column.index)
        signed = -signed if ind.direction == "lower" else signed
        ranks = signed.groupby(level="year").rank(method="min")
        if spec.method == "percentile":
            ranks = ranks / signed.groupby(level="year").transform("count")
        out = ranks.to_numpy()
    else:
        assert stats is not None
        _check_spread(stats, column, ind)
        tx = _transform(x, spec.transform)
        if spec.method == "minmax":
            out = minmax(tx, stats["low"].to_numpy(), stats["high"].to_numpy(), spec.target,
                         ind.direction)
        elif spec.method == "zscore":
            out = zscore(tx, stats["mean"].to_numpy(), stats["sd"].to_numpy(), ind.direction)
        else:  # frontier
            if np.nanmin(x, initial=np.inf) <= 0:
                raise MethodError("distance to the frontier needs positive values", indicator=ind.code,
                                  hint="use goalpost or min-max normalisation for this indicator")
            out = x / stats["high"].to_numpy() if ind.direction == "higher" else stats["low"].to_numpy() / x
    return pd.Series(out, index=column.index, name=ind.code)


def normalise(
    values: pd.DataFrame,
    framework: Framework,
    *,
    reference_year: int | None = None,
    params: dict[str, pd.DataFrame] | None = None,
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
    params = params if params is not None else fit(values, framework, reference_year=reference_year)
    columns = {
        ind.code: normalise_indicator(values[ind.code], ind, params.get(ind.code))
        for ind in framework.indicators
    }
    return pd.DataFrame(columns, index=values.index)
