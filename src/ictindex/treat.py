"""Outlier treatment (third stage of the pipeline, after imputation and screening).

The JRC/COINr rule (OECD/JRC Handbook 2008, step 3; COINr ``Treat()``, ``R/treat.R``): an indicator
whose distribution has ``|skewness| >= 2`` **and** ``kurtosis >= 3.5`` is treated, because a few
extreme values would otherwise dominate a min-max normalisation.

``winsorise`` (COINr's default ``f1 = "winsorise"``, ``f2 = "log_CT"``)
    Repeat: if the skewness is >= 0 the highest value(s) (all points tied at the maximum) are set
    to the highest remaining value, else the lowest value(s) to the lowest remaining value; stop
    when the rule passes or when ``winmax`` points have been winsorised (tied points count
    together, so the count may overshoot ``winmax``, as in COINr). If the rule still fails, the
    winsorisation is discarded and the *original* values are log-transformed
    (``log_CT``: ``ln(x - min + 0.01 (max - min))``), whether or not the log passes.
``log``
    ``log_CT`` on any indicator that fails the rule.
``none``
    Nothing is treated.

Skewness and kurtosis are the bias-corrected sample estimators (``scipy.stats.skew(bias=False)``
and ``scipy.stats.kurtosis(bias=False)``, excess kurtosis), which are COINr's ``skew()``/``kurt()``
(taken from ``e1071``, type 2) and Excel's ``SKEW``/``KURT``.

A rule is *fitted* on one year (the reference year, or each year on its own) and *applied* to every
year: the winsorisation caps (the values the extreme points were set to) clip the other years, and
the log transform keeps the reference year's minimum and range (values below that minimum are first
raised to it). Every treated value is logged (economy, year, indicator, value before and after,
treatment).

>>> x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
>>> rule = winsorise_fit(x, winmax=5)
>>> rule["high"], rule["points"]
(9.0, 1)
>>> winsorise_apply(np.array([50.0, 4.0]), rule)
array([9., 4.])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.method_table import register_treatment, treatments

__all__ = [
    "treat",
    "fit_treatment",
    "apply_rules",
    "skewness",
    "kurtosis",
    "passes_rule",
    "winsorise_fit",
    "winsorise_apply",
    "TREATMENT_COLUMNS",
    "SUMMARY_COLUMNS",
]

TREATMENT_COLUMNS = ["economy", "year", "indicator", "before", "value", "treatment"]
SUMMARY_COLUMNS = [
    "indicator",
    "fit_year",
    "method",
    "n",
    "skewness",
    "kurtosis",
    "status",
    "points",
    "low",
    "high",
    "skewness_after",
    "kurtosis_after",
    "passes",
]

#: COINr's thresholds (``check_SkewKurt``): treat when ``|skewness| >= 2`` and kurtosis >= 3.5.
SKEW_THRESHOLD = 2.0
KURT_THRESHOLD = 3.5


def _moments(x: np.ndarray) -> tuple[int, np.float64, np.float64, np.float64] | None:
    """``n`` and the central moments m2, m3, m4 of the non-missing values (``None`` if they are all equal),
    computed operation for operation as ``scipy.stats`` computes them (its per-call checks cost more than the
    arithmetic on a column of a few hundred values, and the treatment loop calls this for every point)."""
    x = np.asarray(x, dtype="float64")
    x = x[~np.isnan(x)]
    if x.size == 0 or np.ptp(x) == 0:
        return None
    deviation = x - np.mean(x)
    squared = deviation**2
    m2, m3, m4 = np.mean(squared), np.mean(squared * deviation), np.mean(squared**2)
    eps = np.finfo("float64").eps
    if m2 <= (eps * np.mean(x)) ** 2:  # scipy's test of a flat series
        return None
    return x.size, m2, m3, m4


def _skewness(moments: tuple[int, np.float64, np.float64, np.float64] | None) -> float:
    if moments is None or moments[0] < 3:
        return float("nan")
    n, m2, m3, _ = moments
    return float(((n - 1.0) * n) ** 0.5 / (n - 2.0) * m3 / m2**1.5)


def _kurtosis(moments: tuple[int, np.float64, np.float64, np.float64] | None) -> float:
    if moments is None or moments[0] < 4:
        return float("nan")
    n, m2, _, m4 = moments
    corrected = 1.0 / (n - 2) / (n - 3) * ((n**2 - 1.0) * m4 / m2**2.0 - 3 * (n - 1) ** 2.0)
    return float((corrected + 3.0) - 3)


def skewness(x: np.ndarray) -> float:
    """Bias-corrected sample skewness ``G1 = g1 sqrt(n (n - 1)) / (n - 2)`` of the non-missing values
    (NaN with fewer than 3): ``scipy.stats.skew(x, bias=False)``."""
    return _skewness(_moments(x))


def kurtosis(x: np.ndarray) -> float:
    """Bias-corrected sample excess kurtosis ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3))``
    (NaN with fewer than 4 values): ``scipy.stats.kurtosis(x, bias=False)``."""
    return _kurtosis(_moments(x))


def passes_rule(x: np.ndarray, skew_thresh: float = SKEW_THRESHOLD, kurt_thresh: float = KURT_THRESHOLD) -> bool:
    """COINr's ``check_SkewKurt``: ``|skewness| < skew_thresh`` or ``kurtosis < kurt_thresh``.

    A series too short (or too flat) for the estimators passes: there is nothing to treat.
    """
    moments = _moments(x)
    s, k = _skewness(moments), _kurtosis(moments)
    if np.isnan(s) or np.isnan(k):
        return True
    return bool(abs(s) < skew_thresh or k < kurt_thresh)


def _log_ct(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """COIN Tool log: ``ln(x - min + 0.01 (max - min))`` with the fitted min and max."""
    return np.log(np.maximum(x, low) - low + 0.01 * (high - low))


def _untreated(x: np.ndarray, status: str) -> dict[str, Any]:
    moments = _moments(x)
    s, k = _skewness(moments), _kurtosis(moments)
    return {
        "status": status,
        "points": 0,
        "low": np.nan,
        "high": np.nan,
        "log": None,
        "n": int(np.sum(~np.isnan(x))),
        "skewness": s,
        "kurtosis": k,
        "skewness_after": s,
        "kurtosis_after": k,
        "passes": True,
    }


def _log_rule(x: np.ndarray, rule: dict[str, Any], skew_thresh: float, kurt_thresh: float) -> dict[str, Any]:
    low, high = float(np.nanmin(x)), float(np.nanmax(x))
    logged = _log_ct(x, low, high)
    return rule | {
        "status": "log",
        "points": int(np.sum(~np.isnan(x))),
        "low": np.nan,
        "high": np.nan,
        "log": (low, high),
        "skewness_after": skewness(logged),
        "kurtosis_after": kurtosis(logged),
        "passes": passes_rule(logged, skew_thresh, kurt_thresh),
    }


def winsorise_fit(
    x: np.ndarray,
    *,
    winmax: int = 5,
    skew_thresh: float = SKEW_THRESHOLD,
    kurt_thresh: float = KURT_THRESHOLD,
    log: bool = True,
) -> dict[str, Any]:
    """Winsorise up to ``winmax`` points, then ``log_CT`` if the rule still fails (COINr ``winsorise``
    followed by ``log_CT`` on the original values, ``combine_treat = FALSE``).

    Returns the rule: ``low``/``high`` caps (NaN where that side is not winsorised), ``log``
    (``(min, max)`` of the log transform, or ``None``), ``points`` treated, ``status``, the skewness and
    kurtosis before and after, and whether the treated values pass.
    """
    if not isinstance(winmax, int | np.integer) or isinstance(winmax, bool) or winmax < 0:
        raise MethodError(
            f"winmax must be a whole number >= 0, got {winmax!r}",
            field="treatment.winmax",
            hint="write e.g. {'method': 'winsorise', 'winmax': 5}",
        )
    x = np.asarray(x, dtype="float64")
    rule = _untreated(x, "passes")
    if passes_rule(x, skew_thresh, kurt_thresh):
        return rule
    current = x.copy()
    present = ~np.isnan(current)
    points = 0
    passing = False
    while not passing and points < winmax:
        values = current[present]
        high_side = skewness(values) >= 0
        extreme = values.max() if high_side else values.min()
        at_extreme = present & (current == extreme)
        rest = current[present & ~at_extreme]
        if rest.size == 0:  # every value tied: nothing left to winsorise to
            break
        current[at_extreme] = rest.max() if high_side else rest.min()
        points = int(np.sum(current[present] != x[present]))
        passing = passes_rule(current, skew_thresh, kurt_thresh)
    if passing or not log:
        changed = present & (current != x)
        high = current[changed & (x > current)]
        low = current[changed & (x < current)]
        return rule | {
            "status": "winsorised",
            "points": points,
            "high": float(high[0]) if high.size else np.nan,
            "low": float(low[0]) if low.size else np.nan,
            "skewness_after": skewness(current),
            "kurtosis_after": kurtosis(current),
            "passes": passing,
        }
    return _log_rule(x, rule, skew_thresh, kurt_thresh)


def winsorise_apply(x: np.ndarray, rule: Mapping[str, Any]) -> np.ndarray:
    """Apply a fitted rule: clip to the caps, or the fitted log transform."""
    x = np.asarray(x, dtype="float64")
    if rule.get("log") is not None:
        low, high = rule["log"]
        return _log_ct(x, low, high)
    low = -np.inf if np.isnan(rule.get("low", np.nan)) else rule["low"]
    high = np.inf if np.isnan(rule.get("high", np.nan)) else rule["high"]
    return np.clip(x, low, high)


register_treatment("winsorise", apply=winsorise_apply)(winsorise_fit)


@register_treatment("log", apply=winsorise_apply)
def _log_fit(
    x: np.ndarray, *, skew_thresh: float = SKEW_THRESHOLD, kurt_thresh: float = KURT_THRESHOLD, **_: Any
) -> dict[str, Any]:
    """``log_CT`` (COINr) on an indicator failing the skewness/kurtosis rule, nothing otherwise."""
    x = np.asarray(x, dtype="float64")
    rule = _untreated(x, "passes")
    if passes_rule(x, skew_thresh, kurt_thresh):
        return rule
    return _log_rule(x, rule, skew_thresh, kurt_thresh)


@register_treatment("none", apply=lambda x, rule: np.asarray(x, dtype="float64").copy())
def _none_fit(x: np.ndarray, **_: Any) -> dict[str, Any]:
    """Nothing is treated."""
    return _untreated(np.asarray(x, dtype="float64"), "not treated")


# -- the table-level driver ----------------------------------------------------------------------
def _choice(method: str | Mapping[str, Any], params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if isinstance(method, str):
        return method, dict(params)
    if isinstance(method, Mapping):
        options = dict(method)
        name = options.pop("method", "winsorise")
        return name, {**params, **options}
    raise MethodError(
        f"a treatment must be a method name or a mapping, got {type(method).__name__}",
        field="treatment",
        hint="write e.g. {'method': 'winsorise', 'winmax': 5}",
    )


def _year_codes(values: pd.DataFrame) -> tuple[np.ndarray, list[Any]]:
    if isinstance(values.index, pd.MultiIndex) and "year" in values.index.names:
        years = values.index.get_level_values("year").to_numpy()
    else:
        years = np.zeros(len(values), dtype="int64")
    uniq = sorted(set(years.tolist()))
    return years, uniq


def fit_treatment(
    values: pd.DataFrame,
    method: str | Mapping[str, Any] = "winsorise",
    *,
    reference_year: int | None = None,
    indicators: Mapping[str, str | Mapping[str, Any]] | None = None,
    **params: Any,
) -> tuple[dict[tuple[str, Any], dict[str, Any]], pd.DataFrame]:
    """Fit a treatment rule per indicator (and per year, unless ``reference_year`` is given).

    Returns the rules ``{(indicator, fit_year): rule}`` and the summary table (:data:`SUMMARY_COLUMNS`).
    ``indicators`` overrides the method per indicator (a name, ``"none"``, or a mapping with
    ``method`` and parameters).
    """
    default, default_params = _choice(method, params)
    indicators = dict(indicators or {})
    unknown = set(indicators) - set(values.columns)
    if unknown:
        raise MethodError(
            f"treatment names indicator(s) {sorted(unknown)} that are not in the data",
            field="treatment.indicators",
            hint=f"use indicator codes: {list(values.columns)}",
        )
    years, uniq = _year_codes(values)
    if reference_year is not None and reference_year not in uniq and len(uniq) > 1:
        raise MethodError(
            f"the treatment reference year {reference_year} has no data",
            year=reference_year,
            field="reference_year",
            hint=f"choose one of {uniq}",
        )
    fit_years = [reference_year] if reference_year is not None and reference_year in uniq else uniq
    rules: dict[tuple[str, Any], dict[str, Any]] = {}
    rows = []
    for code in values.columns:
        name, options = _choice(indicators[code], {}) if code in indicators else (default, default_params)
        registered = treatments.get(name)
        column = values[code].to_numpy(dtype="float64")
        for year in fit_years:
            x = column if len(uniq) == 1 else column[years == year]
            try:
                rule = registered.fit(x, **options)
            except TypeError as err:
                raise MethodError(
                    f"treatment '{name}' of '{code}': {err}",
                    indicator=code,
                    field="treatment",
                    hint="check the parameter names (winmax, skew_thresh, kurt_thresh, log)",
                ) from None
            rule = dict(rule, method=name)
            rules[(code, year)] = rule
            rows.append(
                {"indicator": code, "fit_year": year, "method": name} | {k: rule.get(k) for k in SUMMARY_COLUMNS[3:]}
            )
    return rules, pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def apply_rules(
    values: pd.DataFrame, rules: Mapping[tuple[str, Any], Mapping[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply fitted rules to every year (a reference-year rule to all years); returns treated values and log."""
    years, uniq = _year_codes(values)
    fitted_years = {year for _, year in rules}
    before = values.to_numpy(dtype="float64")
    treated = before.copy()
    logged = np.zeros(before.shape, dtype=bool)
    rows_of = {year: years == year for year in uniq}
    for j, code in enumerate(values.columns):
        for year in uniq:
            rule = rules.get((code, year if year in fitted_years else next(iter(fitted_years), None)))
            if rule is None:
                continue
            rows = rows_of[year]
            treated[rows, j] = treatments.get(rule["method"]).apply(before[rows, j], rule)
            logged[rows, j] = rule.get("log") is not None
    out = pd.DataFrame(treated, index=values.index, columns=values.columns)
    cols, rows = np.nonzero((~np.isnan(before) & (treated != before)).T)  # column by column, rows in order
    if rows.size == 0:
        return out, pd.DataFrame(columns=TREATMENT_COLUMNS)
    economy = values.index.get_level_values("economy") if "economy" in (values.index.names or []) else values.index
    was, now = before[rows, cols], treated[rows, cols]
    log = pd.DataFrame(
        {
            "economy": economy[rows],
            "year": years[rows],
            "indicator": values.columns[cols],
            "before": was,
            "value": now,
            "treatment": np.where(logged[rows, cols], "log", np.where(now < was, "winsorised high", "winsorised low")),
        }
    )
    return out, log


def treat(
    values: pd.DataFrame,
    method: str | Mapping[str, Any] = "winsorise",
    *,
    reference_year: int | None = None,
    indicators: Mapping[str, str | Mapping[str, Any]] | None = None,
    **params: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Treat outliers of the wide ``(economy, year) x indicator`` matrix; the input is not changed.

    Parameters
    ----------
    values
        One column per indicator; the index holds ``economy`` and ``year`` levels (or one row per economy).
    method
        A registered treatment (``winsorise``, ``log``, ``none``) or a mapping ``{"method": ..., params}``.
    reference_year
        Fit every rule on this year and apply it to all years (default: each year on its own).
    indicators
        Per-indicator methods overriding ``method`` (``{"Flights": "none", "Gas": {"winmax": 2}}``).
    params
        Parameters of the method: ``winmax`` (5), ``skew_thresh`` (2), ``kurt_thresh`` (3.5), ``log`` (True).

    Returns
    -------
    treated, log
        The treated matrix and one row per treated value (:data:`TREATMENT_COLUMNS`); the summary of
        the fitted rules (skewness, kurtosis, points) is ``log.attrs["summary"]``.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[f"E{i}" for i in range(10)], [2020]], names=["economy", "year"])
    >>> data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100]}, index=idx)
    >>> treated, log = treat(data, "winsorise", winmax=5)
    >>> log[["economy", "before", "value", "treatment"]].values.tolist()
    [['E9', 100.0, 9.0, 'winsorised high']]
    """
    rules, summary = fit_treatment(values, method, reference_year=reference_year, indicators=indicators, **params)
    treated, log = apply_rules(values, rules)
    log.attrs["summary"] = summary
    return treated, log
