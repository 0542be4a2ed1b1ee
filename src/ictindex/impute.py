"""Imputation of missing indicator values (second stage of the pipeline).

Every imputed value is recorded (economy, year, indicator, method, the year the
value was taken from), so a published table can flag it.

``none``
    Nothing is filled; missing values stay missing and the coverage rule of
    :mod:`ictindex.aggregate` decides.
``latest``
    "Latest available data": a missing value is taken from the same economy's most
    recent earlier year, at most ``max_gap`` years back. This is what ITU did for
    the DOI ("where 2005 was missing, ... earlier data or estimates for other
    indicators", WISR 2007 Annex, Methodological Note) and what the OECD/JRC
    Handbook (2008, section 3) calls a cold-deck/last-observation single imputation.

>>> idx = pd.MultiIndex.from_tuples([("KOR", 2020), ("KOR", 2022)], names=["economy", "year"])
>>> values = pd.DataFrame({"hh_internet": [99.5, np.nan]}, index=idx)
>>> filled, log = impute(values, "latest", max_gap=2)
>>> float(filled.loc[("KOR", 2022), "hh_internet"]), log[["indicator", "year", "from_year"]].values.tolist()
(99.5, [['hh_internet', 2022, 2020]])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex.errors import MethodError

__all__ = ["impute", "IMPUTATION_COLUMNS", "IMPUTATION_METHODS"]

IMPUTATION_COLUMNS = ["economy", "year", "indicator", "value", "method", "from_year"]
IMPUTATION_METHODS = ("none", "latest")


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame(columns=IMPUTATION_COLUMNS)


def impute(values: pd.DataFrame, method: str = "none", *, max_gap: int = 3
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing values of the wide ``(economy, year) x indicator`` matrix.

    Returns the filled matrix (same index and columns; the input is not changed)
    and the imputation log (:data:`IMPUTATION_COLUMNS`).
    """
    if method == "none":
        return values.copy(), _empty_log()
    if method != "latest":
        raise MethodError(f"unknown imputation method '{method}'", hint=f"use one of {IMPUTATION_METHODS}")
    if max_gap < 1:
        raise MethodError(f"max_gap must be at least 1 year, got {max_gap}")
    if values.empty:
        return values.copy(), _empty_log()
    economies = values.index.get_level_values("economy").unique()
    years = values.index.get_level_values("year")
    grid = pd.MultiIndex.from_product(
        [economies, np.arange(years.min(), years.max() + 1)], names=["economy", "year"]
    )
    full = values.reindex(grid)
    source_year = pd.DataFrame(
        np.where(full.notna(), grid.get_level_values("year").to_numpy()[:, None], np.nan),
        index=grid, columns=values.columns,
    )
    filled = full.groupby(level="economy").ffill(limit=max_gap)
    from_year = source_year.groupby(level="economy").ffill(limit=max_gap)
    filled = filled.reindex(values.index)
    from_year = from_year.reindex(values.index)
    was_imputed = values.isna() & filled.notna()
    log = (
        filled.where(was_imputed).stack().dropna().rename("value").to_frame()
        .join(from_year.where(was_imputed).stack().dropna().rename("from_year"))
        .reset_index()
        .rename(columns={"level_2": "indicator"})
    )
    log.columns = ["economy", "year", "indicator", "value", "from_year"]
    log["method"] = "latest"
    log["from_year"] = log["from_year"].astype("int64")
    return filled, log[IMPUTATION_COLUMNS]
