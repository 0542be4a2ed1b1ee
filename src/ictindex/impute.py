"""Imputation of missing indicator values (second stage of the pipeline).

Every imputed value is recorded (economy, year, indicator, method, the year the
value was taken from), so a published table can flag it. Methods are registered by name
(:mod:`ictindex.registry`) and work on an ``(economy, year, indicator)`` cube, the years
consecutive, so that a method can look along time (latest value, interpolation) or across
economies (group means).

``none``
    Nothing is filled; missing values stay missing and the coverage rule of
    :mod:`ictindex.aggregate` decides.
``latest``
    "Latest available data": a missing value is taken from the same economy's most
    recent earlier year, at most ``max_gap`` years back. This is what ITU did for
    the DOI ("where 2005 was missing, ... earlier data or estimates for other
    indicators", WISR 2007 Annex, Methodological Note) and what the OECD/JRC
    Handbook (2008, section 3) calls a cold-deck/last-observation single imputation.

``interpolate``
    Linear interpolation between the same economy's observed years before and after (no
    extrapolation); ``max_gap`` bounds the distance between those two years.
``group_mean``, ``group_median``
    The mean (median) of the economies of the same group in the same year (COINr ``i_mean_grp``,
    ``i_median_grp``): ``by`` names a group column of ``groups`` (``read_coinr`` carries iData's
    ``*_group`` columns; ``build_index(..., groups=DataFrame)`` gives one's own). Economies without a
    group are left missing, as COINr does.

An observed value is never overwritten, whatever the method returns. Methods that use other
economies record them in the log's ``donors`` column.

>>> idx = pd.MultiIndex.from_tuples([("KOR", 2020), ("KOR", 2022)], names=["economy", "year"])
>>> values = pd.DataFrame({"hh_internet": [99.5, np.nan]}, index=idx)
>>> filled, log = impute(values, "latest", max_gap=2)
>>> float(filled.loc[("KOR", 2022), "hh_internet"]), log[["indicator", "year", "from_year"]].values.tolist()
(99.5, [['hh_internet', 2022, 2020]])
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.method_table import imputations, register_imputation

__all__ = [
    "impute",
    "impute_cube",
    "GroupCentres",
    "imputed_shares",
    "em_fill",
    "IMPUTATION_COLUMNS",
    "IMPUTATION_METHODS",
]

IMPUTATION_COLUMNS = ["economy", "year", "indicator", "value", "method", "from_year", "donors"]
IMPUTATION_METHODS = ("none", "latest", "interpolate", "group_mean", "group_median", "regression", "em")


@register_imputation("none")
def _none(cube: np.ndarray, years: np.ndarray, **_: Any) -> tuple[np.ndarray, np.ndarray]:
    """Nothing is filled."""
    return cube, np.full(cube.shape, np.nan)


@register_imputation("latest")
def _latest(cube: np.ndarray, years: np.ndarray, *, max_gap: int = 3, **_: Any) -> tuple[np.ndarray, np.ndarray]:
    """Latest available value of the same economy, at most ``max_gap`` years earlier (an indicator at a time: the
    work arrays of a cube of millions of units stay a slice of it)."""
    if max_gap < 1:
        raise MethodError(
            f"max_gap must be at least 1 year, got {max_gap}",
            field="max_gap",
            hint="give a whole number of years, 1 or more",
        )
    filled = np.array(cube, dtype="float64", order="C")  # (economy, year, indicator): rows of the matrix in order
    from_year = np.full(cube.shape, np.nan)
    position = np.arange(cube.shape[1])
    year_of = np.asarray(years, dtype="float64")
    for j in range(cube.shape[2]):
        x = cube[:, :, j]
        missing = np.isnan(x)
        if not missing.any():
            continue
        last = np.maximum.accumulate(np.where(missing, -1, position), axis=1)  # last observed position so far
        rows, cols = np.nonzero(missing & (last >= 0) & (position - last <= max_gap))
        source = last[rows, cols]
        filled[rows, cols, j] = x[rows, source]
        from_year[rows, cols, j] = year_of[source]
    return filled, from_year


@register_imputation("interpolate")
def _interpolate(
    cube: np.ndarray, years: np.ndarray, *, max_gap: int = 3, **_: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation between the observed years around a gap (at most ``max_gap`` + 1 apart)."""
    n_years = cube.shape[1]
    position = np.arange(n_years)[None, :, None]
    observed = ~np.isnan(cube)
    before = np.maximum.accumulate(np.where(observed, position, -1), axis=1)
    after = np.flip(np.minimum.accumulate(np.flip(np.where(observed, position, n_years), axis=1), axis=1), axis=1)
    take = ~observed & (before >= 0) & (after < n_years) & (after - before <= max_gap + 1)
    b, a = np.maximum(before, 0), np.minimum(after, n_years - 1)
    low, high = np.take_along_axis(cube, b, axis=1), np.take_along_axis(cube, a, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (position - b) / (a - b)
    filled = np.where(take, low + share * (high - low), cube)
    years = np.asarray(years)
    from_year = np.where(take, years[b].astype("float64"), np.nan)
    donors = np.where(take, np.char.add(np.char.add(years[b].astype(str), "-"), years[a].astype(str)), "")
    return filled, from_year, donors.astype(object)


@dataclass(frozen=True)
class GroupCentres:
    """Group means (or medians) learned elsewhere, e.g. over every chunk of a panel too large for memory:
    ``centre[g, t, j]`` is the centre of group ``labels[g]`` in ``years[t]`` for ``indicators[j]``, taken over
    ``count[g, t, j]`` observed values (see :mod:`ictindex.fitted`)."""

    labels: tuple[str, ...]
    years: tuple[int, ...]
    indicators: tuple[str, ...]
    centre: np.ndarray
    count: np.ndarray

    def block(self, label: str, years: np.ndarray, indicators: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Centres and counts ``(years, indicators)`` of one group (NaN and 0 where it had no value)."""
        centre = np.full((len(years), len(indicators)), np.nan)
        count = np.zeros(centre.shape, dtype="int64")
        if label not in self.labels:
            return centre, count
        g = self.labels.index(label)
        t = pd.Index(self.years).get_indexer(np.asarray(years))
        j = pd.Index(self.indicators).get_indexer(list(indicators))
        rows, cols = np.flatnonzero(t >= 0), np.flatnonzero(j >= 0)
        centre[np.ix_(rows, cols)] = self.centre[g][np.ix_(t[rows], j[cols])]
        count[np.ix_(rows, cols)] = self.count[g][np.ix_(t[rows], j[cols])]
        return centre, count


def _group_fill(
    cube: np.ndarray,
    years: np.ndarray,
    group: np.ndarray | None,
    labels: list[str] | None,
    by: str,
    reducer: Any,
    centres: GroupCentres | None = None,
    indicators: tuple[str, ...] = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if group is None:
        raise MethodError(
            "group imputation needs a group column: give by='<column>' and groups",
            field="imputation.by",
            hint="e.g. imputation={'method': 'group_mean', 'by': 'region'}, groups=DataFrame",
        )
    filled = cube.copy()
    donors = np.full(cube.shape, "", dtype=object)
    for k, label in enumerate(labels or []):
        members = group == k
        block = cube[members]
        if centres is None:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                centre = reducer(block, axis=0)  # (year, indicator), NaN-aware: COINr's na.rm = TRUE
            counts = (~np.isnan(block)).sum(axis=0)
        else:  # learned over every unit of the group, not only those of this cube
            centre, counts = centres.block(label, years, indicators)
        fill = np.isnan(block) & ~np.isnan(centre)[None]
        filled[members] = np.where(fill, centre[None], block)
        text = np.char.add(f"{by}={label} (", np.char.add(counts.astype(str), " economies)"))
        donors[members] = np.where(fill, text[None], "")
    from_year = np.where(np.isnan(cube) & ~np.isnan(filled), np.asarray(years, dtype="float64")[None, :, None], np.nan)
    return filled, from_year, donors


@register_imputation("group_mean")
def _group_mean(
    cube: np.ndarray,
    years: np.ndarray,
    *,
    by: str = "",
    group: np.ndarray | None = None,
    group_labels: list[str] | None = None,
    centres: GroupCentres | None = None,
    indicators: tuple[str, ...] = (),
    **_: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of the same group's observed values in the same year (COINr ``i_mean_grp``)."""
    return _group_fill(cube, years, group, group_labels, by, np.nanmean, centres, indicators)


@register_imputation("group_median")
def _group_median(
    cube: np.ndarray,
    years: np.ndarray,
    *,
    by: str = "",
    group: np.ndarray | None = None,
    group_labels: list[str] | None = None,
    centres: GroupCentres | None = None,
    indicators: tuple[str, ...] = (),
    **_: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median of the same group's observed values in the same year (COINr ``i_median_grp``)."""
    return _group_fill(cube, years, group, group_labels, by, np.nanmedian, centres, indicators)


@register_imputation("regression")
def _regression(
    cube: np.ndarray, years: np.ndarray, *, predictors: Any = None, indicators: tuple[str, ...] = (), **_: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS of each indicator on its ``predictors`` in the same year (complete cases)."""
    names = list(indicators) or [str(i) for i in range(cube.shape[2])]
    if predictors is None:
        raise MethodError(
            "regression imputation needs predictors: a list, or {indicator: [predictors]}",
            field="imputation.predictors",
            hint="e.g. imputation={'method': 'regression', 'predictors': {'y': ['x']}}",
        )
    plan = {t: list(predictors) for t in names} if not isinstance(predictors, Mapping) else dict(predictors)
    unknown = sorted({c for t, ps in plan.items() for c in [t, *ps]} - set(names))
    if unknown:
        raise MethodError(
            f"regression imputation names unknown indicator(s) {unknown}",
            field="imputation.predictors",
            hint=f"use indicator codes: {names}",
        )
    filled = cube.copy()
    donors = np.full(cube.shape, "", dtype=object)
    for target, preds in plan.items():
        j = names.index(target)
        cols = [names.index(p) for p in preds if p != target]
        if not cols:
            continue
        for t in range(cube.shape[1]):
            y, X = cube[:, t, j], cube[:, t, cols]
            complete = ~np.isnan(y) & ~np.isnan(X).any(axis=1)
            wanted = np.isnan(y) & ~np.isnan(X).any(axis=1)
            if not wanted.any() or complete.sum() <= len(cols) + 1:
                continue
            design = np.column_stack([np.ones(complete.sum()), X[complete]])
            beta = np.linalg.lstsq(design, y[complete], rcond=None)[0]
            filled[wanted, t, j] = beta[0] + X[wanted] @ beta[1:]
            donors[wanted, t, j] = f"OLS on {', '.join(names[c] for c in cols)} ({int(complete.sum())} economies)"
    from_year = np.where(np.isnan(cube) & ~np.isnan(filled), np.asarray(years, dtype="float64")[None, :, None], np.nan)
    return filled, from_year, donors


def em_fill(x: np.ndarray, *, tol: float = 1e-8, max_iter: int = 500) -> tuple[np.ndarray, int]:
    """EM for a multivariate normal with missing values on ``x`` (units, variables): the rows with at
    least one value completed by their conditional means; returns the completed matrix and iterations."""
    x = np.asarray(x, dtype="float64")
    rows = ~np.isnan(x).all(axis=1)
    data = x[rows]
    n, p = data.shape
    miss = np.isnan(data)
    mu = np.nanmean(data, axis=0)
    filled = np.where(miss, mu, data)
    sigma = np.cov(filled, rowvar=False, bias=True).reshape(p, p)
    ridge = 1e-10 * max(float(np.trace(sigma)), 1e-300) * np.eye(p)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        correction = np.zeros((p, p))
        completed = data.copy()
        for pattern in np.unique(miss, axis=0):
            if not pattern.any():
                continue
            members = (miss == pattern).all(axis=1)
            o, m = ~pattern, pattern
            s_oo = sigma[np.ix_(o, o)] + ridge[np.ix_(o, o)]
            s_mo = sigma[np.ix_(m, o)]
            gain = np.linalg.solve(s_oo, s_mo.T).T if o.any() else np.zeros((m.sum(), 0))
            centred = data[np.ix_(members, o)] - mu[o]
            completed[np.ix_(members, m)] = mu[m] + centred @ gain.T
            block = sigma[np.ix_(m, m)] - gain @ s_mo.T
            correction[np.ix_(m, m)] += members.sum() * block
        new_mu = completed.mean(axis=0)
        centred = completed - new_mu
        new_sigma = (centred.T @ centred + correction) / n
        change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
        mu, sigma, filled = new_mu, new_sigma, completed
        if change < tol * (1 + np.abs(sigma).max()):
            break
    out = x.copy()
    out[rows] = filled
    return out, iterations


@register_imputation("em")
def _em(
    cube: np.ndarray, years: np.ndarray, *, tol: float = 1e-8, max_iter: int = 500, **_: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multivariate normal EM over the indicators of each year (Little and Rubin 2002, 11.2)."""
    filled = cube.copy()
    donors = np.full(cube.shape, "", dtype=object)
    for t in range(cube.shape[1]):
        x = cube[:, t, :]
        usable = ~np.isnan(x).all(axis=0)  # an indicator with no value in the year cannot be modelled
        if not np.isnan(x[:, usable]).any() or (~np.isnan(x[:, usable]).all(axis=1)).sum() < 2:
            continue
        done, iterations = em_fill(x[:, usable], tol=tol, max_iter=max_iter)
        block = filled[:, t, :]
        block[:, usable] = done
        filled[:, t, :] = block
        n = int((~np.isnan(x[:, usable]).all(axis=1)).sum())
        donors[:, t, :] = f"EM over {int(usable.sum())} indicators, {n} economies, {iterations} iterations"
    from_year = np.where(np.isnan(cube) & ~np.isnan(filled), np.asarray(years, dtype="float64")[None, :, None], np.nan)
    return filled, from_year, np.where(np.isnan(cube) & ~np.isnan(filled), donors, "")


def impute_cube(
    cube: np.ndarray, years: np.ndarray, method: str = "none", **params: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply a registered method to an ``(economy, year, indicator)`` cube; observed values are kept.

    Returns the filled cube, the year each filled value came from and the donors (text, "" if none).
    """
    filled, from_year, donors = _impute_cube(cube, years, method, **params)
    return filled, from_year, np.full(cube.shape, "", dtype=object) if donors is None else donors


def _impute_cube(
    cube: np.ndarray, years: np.ndarray, method: str, **params: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`impute_cube`, the donors ``None`` when the method gives none; observed values restored in place where
    the method's own arrays allow (no second cube)."""
    out = imputations.get(method).fn(cube, np.asarray(years), **params)
    filled, from_year = out[0], out[1]
    observed = ~np.isnan(cube)
    if isinstance(filled, np.ndarray) and filled.flags.writeable and not np.may_share_memory(filled, cube):
        np.copyto(filled, cube, where=observed)
    else:
        filled = np.where(observed, cube, filled)
    kept = observed | np.isnan(filled)
    if isinstance(from_year, np.ndarray) and from_year.flags.writeable and not np.may_share_memory(from_year, cube):
        from_year[kept] = np.nan
    else:
        from_year = np.where(kept, np.nan, from_year)
    return filled, from_year, out[2] if len(out) > 2 else None


def _group_codes(economies: pd.Index, groups: pd.DataFrame | None, by: str) -> tuple[np.ndarray, list[str]]:
    """Group position of every economy of the cube (-1: no group) for the column ``by`` of ``groups``."""
    if groups is None:
        raise MethodError(
            f"imputation by '{by}' needs groups: a table of economy -> {by}",
            field="imputation.by",
            hint="pass groups=DataFrame (index or 'economy' column: economy codes), "
            "or read the panel with read_coinr, which carries iData's *_group columns",
        )
    table = groups.set_index("economy") if "economy" in groups.columns else groups
    if by not in table.columns:
        raise MethodError(
            f"no group column '{by}' in groups",
            field="imputation.by",
            hint=f"use one of {[str(c) for c in table.columns]}",
        )
    column = table[by][~table.index.duplicated()].reindex(economies)
    codes, labels = pd.factorize(column, sort=True)
    return codes, [str(label) for label in labels]


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame(columns=IMPUTATION_COLUMNS)


def impute(
    values: pd.DataFrame, method: str = "none", *, max_gap: int = 3, groups: pd.DataFrame | None = None, **params: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing values of the wide ``(economy, year) x indicator`` matrix.

    Returns the filled matrix (same index and columns; the input is not changed)
    and the imputation log (:data:`IMPUTATION_COLUMNS`). ``groups`` (economy -> group columns)
    serves the group methods' ``by``; ``centres=`` (:class:`GroupCentres`) gives them group means learned
    elsewhere (over every chunk of a panel too large for memory).
    """
    imputations.get(method)  # an unknown method is refused even on an empty matrix
    if method == "none" or values.empty:
        return values.copy(), _empty_log()
    economy_codes, economies = _economy_codes(values.index)
    if params.get("by"):
        params["group"], params["group_labels"] = _group_codes(pd.Index(economies), groups, params["by"])
    year_values = values.index.get_level_values("year").to_numpy()
    years = np.arange(year_values.min(), year_values.max() + 1)
    year_codes = year_values - years[0]
    cube, dense = _cube(values, economy_codes, year_codes, len(economies), len(years))
    filled, from_year, donors = _impute_cube(
        cube, years, method, max_gap=max_gap, indicators=tuple(map(str, values.columns)), **params
    )
    flat = _rows_of(filled, economy_codes, year_codes, dense)
    out = pd.DataFrame(flat, index=values.index, columns=values.columns)
    imputed_from = _rows_of(from_year, economy_codes, year_codes, dense)
    rows, cols = np.nonzero(~np.isnan(imputed_from))
    if rows.size == 0:
        return out, _empty_log()
    log = pd.DataFrame(
        {
            "economy": values.index.get_level_values("economy")[rows],
            "year": year_values[rows],
            "indicator": values.columns[cols],
            "value": flat[rows, cols],
            "method": method,
            "from_year": imputed_from[rows, cols].astype("int64"),
            "donors": "" if donors is None else np.asarray(donors[economy_codes[rows], year_codes[rows], cols], object),
        }
    )
    return out, log.sort_values(["economy", "year", "indicator"], kind="stable").reset_index(drop=True)


def _economy_codes(index: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Each row's economy position (in order of first appearance) and the economies, from the index's own codes
    (no hashing of millions of labels)."""
    if isinstance(index, pd.MultiIndex) and "economy" in index.names:
        level = index.names.index("economy")
        codes, used = pd.factorize(index.codes[level])
        return codes, index.levels[level][used]
    codes, labels = pd.factorize(index.get_level_values("economy"))
    return codes, pd.Index(labels)


def _cube(
    values: pd.DataFrame, economy: np.ndarray, year: np.ndarray, n_economies: int, n_years: int
) -> tuple[np.ndarray, bool]:
    """The ``(economy, year, indicator)`` cube of the matrix: a view of it when its rows are every economy in every
    year, in order (a panel of grid cells), else a new cube with NaN where a unit has no row."""
    matrix = values.to_numpy(dtype="float64")
    dense = len(values) == n_economies * n_years and bool((economy * n_years + year == np.arange(len(values))).all())
    if dense:
        return matrix.T.reshape(values.shape[1], n_economies, n_years).transpose(1, 2, 0), True
    cube = np.full((n_economies, n_years, values.shape[1]), np.nan)
    cube[economy, year] = matrix
    return cube, False


def _rows_of(cube: np.ndarray, economy: np.ndarray, year: np.ndarray, dense: bool) -> np.ndarray:
    """The cube back as the matrix's rows (a view of a dense cube laid out by economy and year)."""
    if dense and cube.flags.c_contiguous:
        return cube.reshape(-1, cube.shape[2])
    return cube[economy, year]


def imputed_shares(values: pd.DataFrame, log: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of imputed values per indicator and per economy: ``(by_indicator, by_economy)``, each with
    ``imputed``, ``values`` (after imputation) and ``share`` = imputed / values."""
    total = values.notna()
    counts = log.groupby("indicator").size() if not log.empty else pd.Series(dtype="int64")
    by_ind = pd.DataFrame(
        {
            "imputed": counts.reindex(values.columns, fill_value=0).astype("int64"),
            "values": total.sum(axis=0).astype("int64"),
        }
    )
    economies = values.index.get_level_values("economy")
    per_econ = total.sum(axis=1).groupby(economies).sum()
    counts_e = log.groupby("economy").size() if not log.empty else pd.Series(dtype="int64")
    by_econ = pd.DataFrame(
        {"imputed": counts_e.reindex(per_econ.index, fill_value=0).astype("int64"), "values": per_econ.astype("int64")}
    )
    for table in (by_ind, by_econ):
        table["share"] = table["imputed"] / table["values"].where(table["values"] > 0)
    return by_ind.rename_axis("indicator").reset_index(), by_econ.rename_axis("economy").reset_index()
