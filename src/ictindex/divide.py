"""The digital divide: group aggregates, inequality between economies, convergence, domestic gaps, WSIS targets.

The WSIS Plan of Action (Geneva 2003) asks for indicators that "clarify the magnitude of the digital
divide, in both its domestic and international dimensions, and keep it under regular assessment"
(§E.27b) and sets connectivity targets (§B.6 a-j: "ensure that more than half the world's inhabitants have
access to ICTs within their reach", j). This module measures both dimensions for any index, node or
indicator:

* :func:`group_means` — simple and population-weighted means by group, with the population share covered;
* :func:`gini`, :func:`theil`, :func:`inequality` — Gini (unweighted and population-weighted), Theil T and L
  with the exact between/within decomposition, coefficient of variation, top/bottom quintile ratio and gap
  (Cowell, F. A., *Measuring Inequality*, 3rd ed., Oxford UP 2011, ch. 2-3 and Technical Appendix A.4;
  Theil, H., *Economics and Information Theory*, North-Holland 1967, ch. 4);
* :func:`convergence` — sigma-convergence on a balanced panel and beta-convergence (Barro, R. J. and
  Sala-i-Martin, X., "Convergence", *Journal of Political Economy* 100(2), 1992);
* :func:`domestic_gaps` — urban/rural and female/male parity scores and gaps per economy;
* :func:`wsis_targets` — world and group values of the quantifiable WSIS connectivity targets per year,
  with the distance to the target and the year it was reached or would be on a fitted logistic trend.

Every function takes an :class:`~ictindex.result.IndexResult` (a node's scores or an indicator's values) or
a DataFrame: a tidy panel (``economy, year, indicator, value[, sex]``), a wide table (``economy, year`` and
one column per code) or ``economy, year, value``. Array versions of :func:`gini` and :func:`theil` take
plain values.

Groups and population are explicit arguments (``groups=``, ``population=``); when left out they come from
:func:`bundled_economies`, the one place that knows where the bundled ones live.

>>> round(gini([1, 2, 3, 4]), 4)          # sum |xi - xj| / (2 n^2 mean) = 20 / (2 * 16 * 2.5)
0.25
>>> t = theil([1.0, 2.0, 3.0, 6.0], by=["a", "a", "b", "b"])
>>> bool(abs(t.total - (t.between + t.within)) < 1e-12)
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ictindex.errors import CoverageError, MethodError
from ictindex.gender import PARITY_BAND, indicator_parity, parity_band, parity_score, relative_gap
from ictindex.impute import impute
from ictindex.units import (  # checked numbers (issue 30)
    NO_GROUP,
    POPULATION_SERIES,
    WORLD,
    _is_number,
    _shown,
    bundled_economies,
    bundled_panel,
    group_aggregates,
    group_means,
    groupings_of,
    groups_and_population,
    member_population,
    population_by_year,
    values_of,
)

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "POPULATION_SERIES",
    "WORLD",
    "WsisTarget",
    "WSIS_TARGETS",
    "TheilDecomposition",
    "Convergence",
    "bundled_economies",
    "population_by_year",
    "values_of",
    "logistic_trend",
    "Lorenz",
    "lorenz",
    "wsis_trend_points",
    "group_means",
    "gini",
    "theil",
    "inequality",
    "convergence",
    "domestic_gaps",
    "wsis_targets",
]

# WORLD, NO_GROUP, group_means, values_of, population_by_year and bundled_economies live in ictindex.units, the one
# home of unit metadata and group means; they stay importable from here.


def _is_table(data: object) -> bool:
    """A result or a DataFrame (measured per year), as opposed to plain values."""
    return isinstance(data, pd.DataFrame) or hasattr(data, "framework")


def _mean(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """(Weighted) mean of values and weights scaled by their largest magnitude, so that values near the
    floating-point limit do not overflow the sum (the mean of finite values is finite)."""
    scale = float(np.abs(x).max())
    if scale == 0:
        return 0.0
    return scale * float(np.average(x / scale, weights=None if w is None else w / w.max()))


# -- inequality between economies ---------------------------------------------------------------
class TheilDecomposition(NamedTuple):
    """Theil index and its exact decomposition: ``total = between + within``."""

    total: float
    between: float
    within: float


# -- checked inputs: numbers, labels, scale ---------------------------------------------------------
def _where(labels: pd.Index | None, position: int) -> str:
    return f"label {labels[position]!r}" if labels is not None else f"position {position}"


def _numbers(values: object, field: str) -> tuple[np.ndarray, pd.Index | None]:
    """``values`` as a 1-D float array and their labels (a Series' index, else ``None``).

    Text, complex numbers, infinite values and arrays of more than one dimension are refused, naming the
    label (or position) of the first one: a text value or a column read as text is a reading problem, and
    an infinite value has no place in a share of a total.
    """
    labels = values.index if isinstance(values, pd.Series) else None
    try:
        array = np.asarray(values.to_numpy() if isinstance(values, pd.Series) else values)
        if array.dtype.kind in "US":  # numbers mixed with text become text: keep each element as it was given
            array = np.asarray(values, dtype="object")
    except ValueError:  # nested lists of different lengths
        raise MethodError(
            f"{field} must be a flat list of numbers", field=field, hint="pass one value per economy"
        ) from None
    if array.ndim > 1:
        raise MethodError(
            f"{field} must be one-dimensional, got an array of shape {array.shape}",
            field=field,
            hint="pass one value per economy (a list, an array or a Series)",
        )
    array = array.ravel()
    if array.dtype.kind not in "biuf":
        text = [i for i, v in enumerate(array) if not _is_number(v)]
        if text:
            raise MethodError(
                f"{field} at {_where(labels, text[0])} is {_shown(array[text[0]])}, not a number",
                field=field,
                hint="convert the values to numbers first (e.g. pd.to_numeric), leaving no text",
            )
        array = np.array([np.nan if v is None else v for v in array], dtype="float64")
    x = array.astype("float64")
    infinite = np.flatnonzero(np.isinf(x))
    if infinite.size:
        raise MethodError(
            f"{field} at {_where(labels, int(infinite[0]))} is infinite",
            field=field,
            hint="an inequality measure needs finite values: check the data at that place",
        )
    return x, labels


def _paired(values: pd.Index | None, other: object, field: str) -> object:
    """``other`` in the order of the labelled ``values``: two Series are paired by label, never by position."""
    if values is None or not isinstance(other, pd.Series):
        return other
    for labels, name in ((values, "values"), (other.index, field)):
        if labels.has_duplicates:
            raise MethodError(
                f"the {name} repeat the label {labels[labels.duplicated()][0]!r}",
                field=field,
                hint="give one value per label (economy)",
            )
    only_values, only_other = values.difference(other.index), other.index.difference(values)
    if len(only_values) or len(only_other):
        shown = [f"{list(only_values[:3])} without {field}"] if len(only_values) else []
        shown += [f"{list(only_other[:3])} in {field} only"] if len(only_other) else []
        raise MethodError(
            f"the values and the {field} have different labels: {'; '.join(shown)}",
            field=field,
            hint=f"give {field} for exactly the labels of the values (they are paired by label, not by position)",
        )
    return other.reindex(values)


#: Smallest positive weight, relative to the largest, that the measures take: below it a product of a weight and
#: a value can underflow to zero (the weighted mean of positive values would be 0).
WEIGHT_RANGE = 1e-150


def _arrays(values: object, weights: object | None, by: object | None = None) -> tuple[np.ndarray, ...]:
    """Checked values, weights (and group labels), paired by label when labelled, without the zero weights.

    Values and weights must be finite and non-negative with a positive weighted mean. The measures are
    invariant to the scale of the weights, so they are returned divided by the largest one; the positive ones
    must then be at least :data:`WEIGHT_RANGE`. The values keep their scale: each measure works on ratios and
    logarithms that neither overflow nor underflow near the floating-point limits.
    """
    x, labels = _numbers(values, "values")
    w = np.ones_like(x) if weights is None else _numbers(_paired(labels, weights, "weights"), "weights")[0]
    if x.shape != w.shape:
        raise MethodError(f"{len(x)} values but {len(w)} weights", field="weights")
    if x.size == 0 or np.isnan(x).any() or np.isnan(w).any():
        missing = np.flatnonzero(np.isnan(x) | np.isnan(w))
        raise MethodError(
            "inequality needs at least one value and no missing values or weights"
            + (f" (missing at {_where(labels, int(missing[0]))})" if missing.size else ""),
            hint="drop missing values first",
        )
    negative = np.flatnonzero((x < 0) | (w < 0))
    if negative.size or w.max() <= 0 or x[w > 0].max(initial=0.0) <= 0:
        where = f" (at {_where(labels, int(negative[0]))})" if negative.size else ""
        raise MethodError(
            f"inequality measures need non-negative values and weights with a positive mean{where}",
            hint="scores and shares are non-negative; rescale z-scores first",
        )
    keep = w > 0  # a zero weight takes no part (an economy of no population, an empty group)
    scaled = w / w.max()
    tiny = np.flatnonzero(keep & (scaled < WEIGHT_RANGE))
    if tiny.size:
        raise MethodError(
            f"the weights span more than 150 orders of magnitude (weight {w[tiny[0]]:g} at "
            f"{_where(labels, int(tiny[0]))} against {w.max():g}): beyond floating-point arithmetic",
            field="weights",
            hint="give that weight as 0 if it is meant to take no part, or check the weights",
        )
    if by is None:
        return x[keep], scaled[keep]
    groups = np.asarray(_paired(labels, by, "by"), dtype="object").ravel()
    if groups.shape != keep.shape:
        raise MethodError(f"{len(keep)} values but {len(groups)} group labels", field="by")
    return x[keep], scaled[keep], groups[keep]


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


# -- Lorenz curves -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lorenz:
    """Lorenz curves of one node or indicator in one year: ``curves`` has ``weighting`` (``units``: each once;
    ``population``: population-weighted), ``x`` (cumulative share of units or population, lowest values first)
    and ``y`` (cumulative share of the value total), from (0, 0) to (1, 1); ``gini`` per weighting; ``units``
    the number of units with a value; ``label`` what was measured; ``noun`` what the units are (plural)."""

    year: int
    label: str
    units: int
    curves: pd.DataFrame
    gini: dict[str, float]
    noun: str = "economies"


def lorenz(
    data: IndexResult | pd.DataFrame,
    *,
    year: int | None = None,
    column: str | None = None,
    population: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
) -> Lorenz:
    """Lorenz curves of a node or indicator in ``year`` (default: the latest): units ranked by value, the
    cumulative share of units (each once) and of population against the cumulative share of the value total
    (Cowell 2011, ch. 2.2); the Gini coefficients are those of :func:`inequality`.

    >>> curve = lorenz(pd.DataFrame({"economy": list("ABCD"), "year": 2020, "value": [10.0, 20.0, 30.0, 60.0]}),
    ...                population=pd.DataFrame({"economy": list("ABCD"), "population": 1.0}))
    >>> curve.curves.query("weighting == 'units'")["y"].round(3).tolist(), round(curve.gini["units"], 4)
    ([0.0, 0.083, 0.25, 0.5, 1.0], 0.3333)
    """
    values = values_of(data, column)
    year = int(values["year"].max()) if year is None else int(year)
    values = values[values["year"] == year]
    if values.empty:
        raise MethodError(f"no values in {year}", year=year)
    table = inequality(values, groups=groups, population=population).iloc[0]
    groups, population = groups_and_population(groups, population, None)
    pop = population_by_year(population, [year])
    weighted = values.merge(pop, on=["economy", "year"]).sort_values("value", kind="stable")
    plain = values.sort_values("value", kind="stable")
    frames = []
    for name, frame, w in (
        ("units", plain, np.ones(len(plain))),
        ("population", weighted, weighted["population"].to_numpy(dtype="float64")),
    ):
        if not len(frame):
            continue
        mass = frame["value"].to_numpy() * w
        frames.append(
            pd.DataFrame(
                {
                    "weighting": name,
                    "x": np.concatenate([[0.0], np.cumsum(w) / w.sum()]),
                    "y": np.concatenate([[0.0], np.cumsum(mass) / mass.sum()]),
                }
            )
        )
    if isinstance(data, pd.DataFrame):
        label, noun = column or "value", "economies"
    else:
        code = data.framework.index if column is None else column
        label, noun = data.framework.label(code), data.units.plural
    return Lorenz(
        year=year,
        label=label,
        units=len(plain),
        curves=pd.concat(frames, ignore_index=True),
        gini={"units": float(table["gini"]), "population": float(table["gini_weighted"])},
        noun=noun,
    )


def _measurable(values: pd.DataFrame, column: str | None) -> None:
    """Inequality is measured on non-negative values with a positive mean in every year: a negative value
    (a z-score) or a year of zeros only is refused naming it, never reported as "perfect equality"."""
    negative = values["value"] < 0
    if negative.any():
        row = values[negative].iloc[0]
        raise MethodError(
            f"inequality measures need non-negative values, got {row['value']:g}",
            economy=str(row["economy"]),
            year=int(row["year"]),
            indicator=column,
            hint="scores and shares are non-negative; rescale z-scores first",
        )
    zero = values.groupby("year")["value"].max() <= 0
    if zero.any():
        raise MethodError(
            "every value is zero: inequality between economies is undefined (a mean of zero)",
            year=int(zero.index[zero.to_numpy()][0]),
            indicator=column,
            hint="measure a year with values, or another node or indicator",
        )


# -- convergence --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Convergence:
    """``sigma``: dispersion per year on a balanced panel; ``beta``: growth on initial level (one row);
    ``economies``: the balanced panel; ``left_out``: economies without a value in every year, and why."""

    sigma: pd.DataFrame
    beta: pd.DataFrame
    economies: list[str]
    left_out: pd.DataFrame
    note: str


def convergence(
    data: IndexResult | pd.DataFrame,
    *,
    column: str | None = None,
    years: Sequence[int] | None = None,
    population: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> Convergence:
    """Sigma- and beta-convergence of a node or indicator over ``years`` (default: all years).

    Both use a **balanced panel**: only economies with a value in every year, so a change in
    dispersion is not a change in the set of economies; the others are listed in ``left_out``.

    * sigma-convergence: :func:`inequality` per year on that panel (sd, cv, Gini, Theil ...); dispersion
      falling over time is sigma-convergence.
    * beta-convergence (Barro and Sala-i-Martin 1992): the annual log growth
      ``g_i = ln(x_iT / x_i0) / T`` regressed on ``ln x_i0`` by OLS (:func:`scipy.stats.linregress`).
      A negative slope ``beta`` means laggards grow faster. Reported: slope, its ``1 - alpha`` confidence
      interval (Student t, n - 2 d.f.), p-value, R², the implied speed ``b = -ln(1 + beta T) / T`` and
      half-life ``ln 2 / b`` in years. Economies with a zero value at either end have no log growth and
      are listed in ``left_out``. For bounded scores (shares, indices capped at 1) part of any convergence
      is mechanical: economies near the ceiling cannot grow much.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise MethodError(f"alpha must be a number between 0 and 1, got {alpha!r}", field="alpha", hint="e.g. 0.05")
    values = values_of(data, column, years)
    span = sorted(values["year"].unique())
    if len(span) < 2:
        raise CoverageError(
            "convergence needs at least two years",
            year=span[0] if span else None,
            hint="build the index for several years",
        )
    plural = "economies" if isinstance(data, pd.DataFrame) else data.units.plural
    counts = values.groupby("economy")["year"].nunique()
    balanced = sorted(counts[counts == len(span)].index)
    left_out = pd.DataFrame({"economy": sorted(counts[counts < len(span)].index)})
    left_out["reason"] = [f"values in {counts[e]} of {len(span)} years" for e in left_out["economy"]]
    if len(balanced) < 3:
        raise CoverageError(
            f"only {len(balanced)} {plural} have a value in every year {span[0]}-{span[-1]}", hint="choose fewer years"
        )
    panel = values[values["economy"].isin(balanced)]
    note = f"balanced panel: {len(balanced)} {plural} with a value in every year {span[0]}-{span[-1]}"
    sigma = inequality(panel, population=population).assign(panel=note)
    first = panel[panel["year"] == span[0]].set_index("economy")["value"]
    last = panel[panel["year"] == span[-1]].set_index("economy")["value"].reindex(first.index)
    positive = (first > 0) & (last > 0)
    zero = pd.DataFrame({"economy": first.index[~positive], "reason": "zero value: no log growth (beta only)"})
    left_out = pd.concat([left_out, zero], ignore_index=True)
    horizon = span[-1] - span[0]
    if positive.sum() < 3:  # the regression and its n - 2 degrees of freedom need three economies
        raise CoverageError(
            f"beta-convergence needs at least 3 economies with a value above zero in both {span[0]} and "
            f"{span[-1]}; {int(positive.sum())} of the {len(balanced)} in the balanced panel have one",
            year=f"{span[0]}, {span[-1]}",
            indicator=column,
            hint="choose other end years, or a node or indicator without zero values",
        )
    x0 = np.log(first[positive].to_numpy())
    growth = (np.log(last[positive].to_numpy()) - x0) / horizon
    if np.ptp(x0) == 0:
        raise MethodError(
            f"every economy starts at the same level in {span[0]}: growth cannot be regressed on it",
            year=int(span[0]),
            indicator=column,
            hint="choose another start year",
        )
    fit = stats.linregress(x0, growth)
    t = stats.t.ppf(1 - alpha / 2, len(x0) - 2)
    speed = -math.log(1 + fit.slope * horizon) / horizon if 1 + fit.slope * horizon > 0 else np.nan
    beta = pd.DataFrame(
        [
            {
                "start_year": int(span[0]),
                "end_year": int(span[-1]),
                "economies": len(x0),
                "slope": fit.slope,
                "ci_low": fit.slope - t * fit.stderr,
                "ci_high": fit.slope + t * fit.stderr,
                "confidence": 1 - alpha,
                "intercept": fit.intercept,
                "p_value": fit.pvalue,
                "r_squared": fit.rvalue**2,
                "speed": speed,
                "half_life": math.log(2) / speed if speed > 0 else np.nan,
                "converging": bool(fit.slope < 0 and fit.pvalue < alpha),
                "panel": note,
            }
        ]
    )
    return Convergence(sigma, beta, balanced, left_out, note)


# -- domestic divide ----------------------------------------------------------------------------
DOMESTIC_COLUMNS = [
    "economy",
    "year",
    "dimension",
    "series",
    "area",
    "lower_group",
    "reference_group",
    "lower",
    "reference",
    "parity",
    "gap",
    "difference",
    "band",
    "source",
]


def domestic_gaps(
    data: IndexResult | pd.DataFrame | None = None,
    *,
    indicator: str = "i99H",
    band: Sequence[float] = PARITY_BAND,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Urban/rural and female/male gaps per economy: parity scores, relative gaps and differences.

    * urban/rural: the series ``<indicator>.rural`` over ``<indicator>.urban`` (total rows), e.g. ITU's
      Internet use by urban/rural location (``i99H.urban``, ``i99H.rural``; areas are series codes, see
      :data:`ictindex.sources.readers.AREAS`);
    * female/male: every series with female and male rows (:func:`ictindex.gender.indicator_parity`): Internet
      use by sex in the whole population and in each area, SDG 5.b.1 mobile-phone ownership by sex.

    The measures are the gender module's: parity ``lower / reference`` (rural/urban, female/male), relative
    gap ``1 - parity``, ``difference`` ``reference - lower`` in the series' unit, and the parity band
    (ITU, 0.98-1.02). ``data``: a panel (default: the bundled one) or a result built with ``by_sex=True``
    (its ``gender_indicators``; a result holds no urban/rural values).
    """
    if data is not None and not isinstance(data, pd.DataFrame):
        sexes = data.gender_indicators.assign(area="total")
        areas = pd.DataFrame()
    else:
        if data is None:
            data = bundled_panel()
        if years is not None:
            data = data[data["year"].isin([int(y) for y in years])]
        sexes = indicator_parity(data, band=band)
        sexes["area"] = sexes["indicator"].str.extract(r"\.(urban|rural)$", expand=False).fillna("total")
        total = data[data["sex"] == "total"] if "sex" in data.columns else data
        wide = total[total["indicator"].isin([f"{indicator}.urban", f"{indicator}.rural"])].pivot_table(
            index=["economy", "year"], columns="indicator", values="value", aggfunc="first"
        )
        wide = wide.reindex(columns=[f"{indicator}.rural", f"{indicator}.urban"]).dropna()
        source = total.groupby(["economy", "year", "indicator"])["source"].first() if "source" in total else None
        areas = pd.DataFrame(
            {
                "economy": wide.index.get_level_values("economy"),
                "year": wide.index.get_level_values("year"),
                "dimension": "urban/rural",
                "series": indicator,
                "area": "",
                "lower_group": "rural",
                "reference_group": "urban",
                "lower": wide.iloc[:, 0].to_numpy(),
                "reference": wide.iloc[:, 1].to_numpy(),
                "source": [
                    source.get((e, y, f"{indicator}.urban"), "") if source is not None else "" for e, y in wide.index
                ],
            }
        )
        areas["parity"] = parity_score(areas["lower"], areas["reference"])
        areas["gap"] = relative_gap(areas["lower"], areas["reference"])
        areas["band"] = (
            pd.Series(parity_band(areas["parity"], band))
            .map({"women behind": "rural behind", "men behind": "urban behind", "parity": "parity"})
            .to_numpy()
        )
    sexes = sexes.assign(
        dimension="female/male",
        series=sexes["indicator"].str.replace(r"\.(urban|rural)$", "", regex=True),
        lower_group="female",
        reference_group="male",
        lower=sexes["female"],
        reference=sexes["male"],
    )
    table = pd.concat([areas, sexes], ignore_index=True)
    if table.empty:
        return pd.DataFrame(columns=DOMESTIC_COLUMNS)
    table["difference"] = table["reference"] - table["lower"]
    return (
        table[DOMESTIC_COLUMNS].sort_values(["dimension", "series", "area", "economy", "year"]).reset_index(drop=True)
    )


# -- WSIS targets -------------------------------------------------------------------------------
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
    economies with a value (:func:`group_means`); ``population_share`` is the share of the group's
    population they hold and ``reported_share`` the share with a value reported that very year.

    Returns a tidy table: ``target, name, grouping, group, year, value, population_share, reported_share,
    economies, target_value, distance`` (target - value, in percentage points; <= 0 once reached),
    ``meets_coverage`` (population_share >= ``min_population_share``), ``reached_year``, ``reached``
    (observed, projected, or why neither; only years that meet coverage count), ``trend`` (and its
    ``trend_r``, ``trend_t0``). A year is
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
        rows = total[total["indicator"].isin(target.series)]
        if rows.empty:
            continue
        rank = rows["indicator"].map({code: i for i, code in enumerate(target.series)})
        rows = rows.assign(_rank=rank).sort_values("_rank").drop_duplicates(["economy", "year"])
        wide = rows.set_index(["economy", "year"])["value"]
        grid = pd.MultiIndex.from_product(
            [
                wide.index.get_level_values("economy").unique(),
                range(int(rows["year"].min()), int(rows["year"].max()) + 1),
            ],
            names=["economy", "year"],
        )
        filled, _ = impute(wide.to_frame("value").reindex(grid), "latest", max_gap=max_gap)
        values = filled.dropna().reset_index()
        values["reported"] = values.set_index(["economy", "year"]).index.isin(wide.index)
        if values.empty:
            continue
        pop = member_population(population, groups, values)
        table = group_aggregates(values.assign(code=target.code), groupings, pop)
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
        # the year reached is found on every year; only then are the rows limited to ``years``
        frames.append(table if years is None else table[table["year"].isin([int(y) for y in years])])
    if not frames:
        raise CoverageError(
            "no series of any WSIS target is in the panel",
            hint=f"series used: {sorted({s for t in targets for s in t.series})}",
        )
    columns = [
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
    ]
    return pd.concat(frames, ignore_index=True)[columns]
