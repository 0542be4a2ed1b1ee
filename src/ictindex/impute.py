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

An observed value is never overwritten, whatever the method returns.

>>> idx = pd.MultiIndex.from_tuples([("KOR", 2020), ("KOR", 2022)], names=["economy", "year"])
>>> values = pd.DataFrame({"hh_internet": [99.5, np.nan]}, index=idx)
>>> filled, log = impute(values, "latest", max_gap=2)
>>> float(filled.loc[("KOR", 2022), "hh_internet"]), log[["indicator", "year", "from_year"]].values.tolist()
(99.5, [['hh_internet', 2022, 2020]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.registry import imputations, register_imputation

__all__ = ["impute", "impute_cube", "IMPUTATION_COLUMNS", "IMPUTATION_METHODS"]

IMPUTATION_COLUMNS = ["economy", "year", "indicator", "value", "method", "from_year"]
IMPUTATION_METHODS = ("none", "latest")


@register_imputation("none")
def _none(cube: np.ndarray, years: np.ndarray, **_: Any) -> tuple[np.ndarray, np.ndarray]:
    """Nothing is filled."""
    return cube, np.full(cube.shape, np.nan)


@register_imputation("latest")
def _latest(cube: np.ndarray, years: np.ndarray, *, max_gap: int = 3, **_: Any) -> tuple[np.ndarray, np.ndarray]:
    """Latest available value of the same economy, at most ``max_gap`` years earlier."""
    if max_gap < 1:
        raise MethodError(f"max_gap must be at least 1 year, got {max_gap}", field="max_gap",
                          hint="give a whole number of years, 1 or more")
    n_years = cube.shape[1]
    position = np.arange(n_years)[None, :, None]
    observed = ~np.isnan(cube)
    last = np.maximum.accumulate(np.where(observed, position, -1), axis=1)  # last observed position so far
    age = position - last
    take = ~observed & (last >= 0) & (age <= max_gap)
    source = np.take_along_axis(cube, np.maximum(last, 0), axis=1)
    filled = np.where(take, source, cube)
    from_year = np.where(take, np.asarray(years, dtype="float64")[np.maximum(last, 0)], np.nan)
    return filled, from_year


def impute_cube(cube: np.ndarray, years: np.ndarray, method: str = "none", **params: Any
                ) -> tuple[np.ndarray, np.ndarray]:
    """Apply a registered method to an ``(economy, year, indicator)`` cube; observed values are kept."""
    filled, from_year = imputations.get(method).fn(cube, np.asarray(years), **params)
    observed = ~np.isnan(cube)
    filled = np.where(observed, cube, filled)
    from_year = np.where(observed | np.isnan(filled), np.nan, from_year)
    return filled, from_year


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame(columns=IMPUTATION_COLUMNS)


def impute(values: pd.DataFrame, method: str = "none", *, max_gap: int = 3, **params: Any
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing values of the wide ``(economy, year) x indicator`` matrix.

    Returns the filled matrix (same index and columns; the input is not changed)
    and the imputation log (:data:`IMPUTATION_COLUMNS`).
    """
    imputations.get(method)  # an unknown method is refused even on an empty matrix
    if method == "none" or values.empty:
        return values.copy(), _empty_log()
    economy_codes, economies = pd.factorize(values.index.get_level_values("economy"))
    year_values = values.index.get_level_values("year").to_numpy()
    years = np.arange(year_values.min(), year_values.max() + 1)
    cube = np.full((len(economies), len(years), values.shape[1]), np.nan)
    year_codes = year_values - years[0]
    cube[economy_codes, year_codes] = values.to_numpy(dtype="float64")
    filled, from_year = impute_cube(cube, years, method, max_gap=max_gap, **params)
    flat = filled[economy_codes, year_codes]
    out = pd.DataFrame(flat, index=values.index, columns=values.columns)
    imputed_from = from_year[economy_codes, year_codes]
    rows, cols = np.nonzero(~np.isnan(imputed_from))
    if rows.size == 0:
        return out, _empty_log()
    log = pd.DataFrame({
        "economy": values.index.get_level_values("economy")[rows],
        "year": year_values[rows],
        "indicator": values.columns[cols],
        "value": flat[rows, cols],
        "method": method,
        "from_year": imputed_from[rows, cols].astype("int64"),
    })
    return out, log.sort_values(["economy", "year", "indicator"], kind="stable").reset_index(drop=True)
