"""Inequality between units: Gini (unweighted and population-weighted), Theil T and L with the exact
between/within decomposition, coefficient of variation, top/bottom quintile ratio and gap (Cowell, F. A.,
*Measuring Inequality*, 3rd ed., Oxford UP 2011, ch. 2-3 and Technical Appendix A.4; Theil, H., *Economics and
Information Theory*, North-Holland 1967, ch. 4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from ictindex.divide.inputs import _arrays, _is_table, _mean, _measurable
from ictindex.errors import MethodError
from ictindex.units import (  # checked numbers (issue 30)
    NO_GROUP,
    WORLD,
    groupings_of,
    groups_and_population,
    member_population,
    values_of,
)

if TYPE_CHECKING:
    from ictindex.result import IndexResult


class TheilDecomposition(NamedTuple):
    """Theil index and its exact decomposition: ``total = between + within``."""

    total: float
    between: float
    within: float


def _gini(x: np.ndarray, w: np.ndarray) -> float:
    x = x / x.max()  # scale-free: no overflow of the products below
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    total, mean = w.sum(), (w @ x) / w.sum()
    cumulative = np.cumsum(w)
    # sum_i sum_j w_i w_j |x_i - x_j| = 2 sum_i w_i x_i (2 C_i - w_i - W) on sorted values
    g = float((w * x * (2 * cumulative - w - total)).sum() / (total**2 * mean))
    return min(max(g, 0.0), 1.0)  # [0, 1) exactly; rounding can stray by 1e-17 with equal values


def _log_mean(x: np.ndarray, w: np.ndarray) -> float:
    """``ln(sum w x / sum w)`` for ``x >= 0`` and weights in ``[WEIGHT_RANGE, 1]``, computed on ``x / max x``
    (neither the sum nor a ratio leaves floating point); minus infinity when every value is zero."""
    top = float(x.max())
    if top <= 0:
        return -math.inf
    return math.log(top) + math.log(float(w @ (x / top))) - math.log(float(w.sum()))


def _theil(x: np.ndarray, w: np.ndarray, measure: str) -> float:
    p = w / w.sum()
    positive = x > 0
    log_ratio = np.zeros_like(x)
    log_ratio[positive] = np.log(x[positive]) - _log_mean(x, w)  # ln(x / mean), finite for any x > 0
    if measure == "T":
        ratio = np.where(positive, np.exp(log_ratio), 0.0)  # x / mean <= 1 / p: no overflow
        return max(0.0, float(np.sum(p * ratio * log_ratio)))
    if not positive.all():
        raise MethodError(
            "Theil L (mean log deviation) is undefined with a zero value",
            field="measure",
            hint="use Theil T, which allows zeros",
        )
    return max(0.0, float(-(p @ log_ratio)))


def gini(
    data: object,
    *,
    weights: object | None = None,
    column: str | None = None,
    years: Sequence[int] | None = None,
    population: pd.DataFrame | None = None,
) -> float | pd.DataFrame:
    """Gini coefficient ``G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mu)`` (Cowell 2011, eq. 2.7, with
    population weights ``w``; ``mu`` the weighted mean; the "population" Gini, without the n/(n-1) factor).

    On values (an array or Series) returns a float, with ``weights`` optional (equal by default). On a
    result or a table returns, per year, ``year, economies, gini`` (every economy counts once) and
    ``gini_weighted``, ``economies_weighted``, ``population_share`` (weighted by population).

    >>> round(gini([0, 0, 0, 1]), 4), round(gini([1, 3], weights=[3, 1]), 4)
    (0.75, 0.25)
    """
    if not _is_table(data):
        return _gini(*_arrays(data, weights))
    table = inequality(data, column=column, years=years, population=population)
    return table[["year", "economies", "gini", "gini_weighted", "economies_weighted", "population_share"]]


def theil(
    data: object,
    *,
    weights: object | None = None,
    by: object | None = None,
    measure: str = "T",
    column: str | None = None,
    years: Sequence[int] | None = None,
    weighted: bool = True,
    groups: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
) -> TheilDecomposition | pd.DataFrame:
    """Theil T (``measure="T"``) or L (mean log deviation, ``"L"``) and the exact decomposition by group.

    With population shares ``p_i`` and ``r_i = x_i / mu``: ``T = sum p_i r_i ln r_i`` and ``L = -sum p_i ln
    r_i`` (Theil 1967, ch. 4; Cowell 2011, A.4). For groups g with population shares ``p_g``, means
    ``mu_g`` and income shares ``s_g = p_g mu_g / mu``:

    * ``T = sum_g s_g T_g + sum_g s_g ln(mu_g / mu)`` (within weighted by income shares, between);
    * ``L = sum_g p_g L_g + sum_g p_g ln(mu / mu_g)`` (within weighted by population shares, between).

    On values returns a :class:`TheilDecomposition` (``by``: group labels aligned with the values; without
    it between = 0). On a result or table returns per year ``year, measure, grouping, total, between,
    within, between_share, groups, economies, population_share`` for T and L, grouped by ``by``
    (``"region"`` by default), weighted by population (``weighted=True``) or each economy once.

    >>> theil([1.0, 1.0, 1.0]).total
    0.0
    """
    if _is_table(data):
        return _theil_table(
            data,
            by="region" if by is None else by,
            column=column,
            years=years,
            weighted=weighted,
            groups=groups,
            population=population,
        )
    if measure not in ("T", "L"):
        raise MethodError(f"unknown Theil measure '{measure}'", field="measure", hint="use 'T' or 'L'")
    if by is None:
        x, w = _arrays(data, weights)
        total = _theil(x, w, measure)
        return TheilDecomposition(total, 0.0, total)
    x, w, labels = _arrays(data, weights, by)
    total = _theil(x, w, measure)
    log_mean, share = _log_mean(x, w), w / w.sum()
    within = between = 0.0
    for label in pd.unique(labels):  # every group here has a positive weight (zero weights are left out)
        part = labels == label
        p_g = share[part].sum()
        log_mu_g = _log_mean(x[part], w[part])  # ln of the group's mean, mu_g
        if measure == "T":
            if log_mu_g == -math.inf:  # a group of zeros holds no income share
                continue
            s_g = p_g * math.exp(log_mu_g - log_mean)  # income share p_g mu_g / mu
            within += s_g * _theil(x[part], w[part], "T")
            between += s_g * (log_mu_g - log_mean)
        else:
            within += p_g * _theil(x[part], w[part], "L")
            between += p_g * (log_mean - log_mu_g)
    # both parts are non-negative (Theil 1967, ch. 4); rounding can stray by 1e-17 when there is no inequality
    between, within = max(0.0, float(between)), max(0.0, float(within))
    return TheilDecomposition(total, between, within)


def _weights_for(
    values: pd.DataFrame, population: pd.DataFrame | None, groups: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    groups, population = groups_and_population(groups, population, None)
    pop = member_population(population, groups, values)
    return values.merge(pop, on=["economy", "year"], how="left"), pop


def _theil_table(
    data: object,
    *,
    by: object,
    column: str | None,
    years: Sequence[int] | None,
    weighted: bool,
    groups: pd.DataFrame | None,
    population: pd.DataFrame | None,
) -> pd.DataFrame:
    values = values_of(data, column, years)  # type: ignore[arg-type]
    _measurable(values, column)
    groups, population = groups_and_population(groups, population, None)
    joined, pop = _weights_for(values, population, groups)
    ((grouping, labels),) = groupings_of(by, groups)  # type: ignore[arg-type]
    rows = []
    for year, part in joined.groupby("year"):
        if weighted:
            part = part[part["population"].notna()]
        world = pop.loc[pop["year"] == year, "population"].sum()
        label = (
            pd.Series(WORLD, index=part["economy"])
            if grouping == "world"
            else labels.reindex(part["economy"]).fillna(NO_GROUP)
        )
        w = part["population"].to_numpy() if weighted else None
        x = part["value"].to_numpy()
        for measure in ("T", "L"):
            # undefined, not an error of the input: L with a zero value, or (weighted) no economy with a
            # population and a value above zero
            undefined = not (x > 0).any() or (measure == "L" and not (x > 0).all())
            t = (
                TheilDecomposition(np.nan, np.nan, np.nan)
                if undefined
                else theil(x, weights=w, by=label.to_numpy(), measure=measure)
            )
            rows.append(
                {
                    "year": int(year),
                    "measure": measure,
                    "grouping": grouping,
                    "weighted": weighted,
                    "total": t.total,
                    "between": t.between,
                    "within": t.within,
                    "between_share": t.between / t.total if t.total > 0 else np.nan,
                    "groups": label.nunique(),
                    "economies": len(part),
                    "population_share": part["population"].sum() / world if world > 0 else np.nan,
                }
            )
    return pd.DataFrame(rows)


def _quintiles(x: np.ndarray) -> tuple[float, float]:
    """Mean of the top and bottom fifth of economies (``max(1, n // 5)`` each)."""
    k = max(1, len(x) // 5)
    ordered = np.sort(x)
    return float(ordered[-k:].mean()), float(ordered[:k].mean())


def inequality(
    data: IndexResult | pd.DataFrame,
    *,
    column: str | None = None,
    years: Sequence[int] | None = None,
    groups: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every measure of the international divide per year, one row per year.

    ``economies``, ``mean``, ``sd`` (population s.d., ddof 0), ``cv`` = sd / mean, ``gini`` (each economy
    once), ``top_quintile`` and ``bottom_quintile`` (mean of the top and bottom fifth of economies,
    ``max(1, n // 5)`` each), ``quintile_ratio`` (top / bottom) and ``quintile_gap`` (top - bottom); and
    weighted by population: ``weighted_mean``, ``gini_weighted``, ``theil_t``, ``theil_l`` (NaN when a value
    is zero), ``economies_weighted`` and the ``population_share`` of the world they hold (the world: the
    economies of ``groups`` and those with a value). ``quintile_ratio`` is NaN when the bottom fifth's mean is
    zero, the weighted measures when no economy with a population has a value above zero. A negative value
    or a year whose values are all zero is a :class:`~ictindex.errors.MethodError` naming it.
    """
    values = values_of(data, column, years)
    _measurable(values, column)
    joined, pop = _weights_for(values, population, groups)
    rows = []
    for year, part in joined.groupby("year"):
        x = part["value"].to_numpy()
        scale = x.max()  # positive (_measurable); the moments are computed on x / scale, which cannot overflow
        xs = x / scale
        top, bottom = _quintiles(xs)
        weighted = part[part["population"].notna()]
        xw, w = weighted["value"].to_numpy(), weighted["population"].to_numpy()
        world = pop.loc[pop["year"] == year, "population"].sum()
        ok = len(xw) > 0 and xw.max() > 0  # a weighted mean of zero: no weighted measure is defined
        xk, wk = _arrays(xw, w) if ok else (xw, w)
        rows.append(
            {
                "year": int(year),
                "economies": len(x),
                "mean": scale * xs.mean(),
                "sd": scale * xs.std(),
                "cv": xs.std() / xs.mean(),
                "gini": _gini(xs, np.ones_like(xs)),
                "top_quintile": scale * top,
                "bottom_quintile": scale * bottom,
                "quintile_ratio": top / bottom if bottom > 0 else np.nan,
                "quintile_gap": scale * (top - bottom),
                "weighted_mean": _mean(xw, w) if ok else np.nan,
                "gini_weighted": _gini(xk, wk) if ok else np.nan,
                "theil_t": _theil(xk, wk, "T") if ok else np.nan,
                "theil_l": _theil(xk, wk, "L") if ok and (xk > 0).all() else np.nan,
                "economies_weighted": len(xw),
                "population_share": w.sum() / world if world > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)
