"""The female share of population a check of sex totals needs: from a units table, the bundled panel, or the
panel itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ictindex.checks.context import Layout, unit_kind
from ictindex.inputs import bundled_files
from ictindex.units import POPULATION_SERIES


def _female_share_of(
    layout: Layout, panel: Callable[[], pd.DataFrame] | None, units: Any
) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``population(at)``: the female share of the population at those units, from the panel's population rows
    by sex (``SP.POP.TOTL`` or ``POP``), else from the units table's population by sex, else, for ISO3
    economies, the bundled World Bank WDI 2025 population by sex; the nearest earlier year when the year itself
    has none."""
    kind = unit_kind(units)

    def shares(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wanted = pd.DataFrame(
            {
                "economy": layout.labels[layout.economy[at]].astype(str),
                "year": layout.year[at],
                "_at": np.arange(len(at)),
            }
        )
        share = np.full(len(at), np.nan)
        basis = np.full(len(at), "", dtype=object)
        sources = [("population by sex in the panel", panel)]
        if kind == "table" and units.has_sex_population:
            sources.append(("population by sex in the units table", lambda: _table_population(units)))
        if kind in ("economies", "iso3"):
            sources.append(("World Bank WDI 2025 population by sex (bundled)", _bundled_population))
        for label, load in sources:
            need = np.isnan(share)
            if not need.any() or load is None:
                continue
            found = _shares_from(load(), wanted[need])
            hit = ~np.isnan(found)
            rows = np.flatnonzero(need)[hit]
            share[rows] = found[hit]
            basis[rows] = label
        return share, basis

    return shares


def _table_population(units: Any) -> pd.DataFrame:
    """A units table's population by sex as panel rows (``SP.POP.TOTL`` by sex; a figure without a year serves
    every year)."""
    table = units.population_series().dropna(subset=["population_female", "population_male"])
    year = table["year"].astype("Float64").fillna(0).astype("int64")
    rows = [
        pd.DataFrame(
            {"economy": table["economy"], "year": year, "indicator": "SP.POP.TOTL", "sex": sex, "value": table[column]}
        )
        for sex, column in (("female", "population_female"), ("male", "population_male"))
    ]
    return pd.concat(rows, ignore_index=True)


def _bundled_population() -> pd.DataFrame:
    panel = bundled_files.load("itu")
    return panel[panel["indicator"].eq("SP.POP.TOTL") & panel["sex"].isin(["female", "male"])]


def _shares_from(panel: pd.DataFrame, wanted: pd.DataFrame) -> np.ndarray:
    """Female share at each wanted (economy, year), from female and male population rows (nearest earlier year)."""
    if panel is None or panel.empty or "sex" not in panel.columns:
        return np.full(len(wanted), np.nan)
    rows = panel[panel["indicator"].isin(POPULATION_SERIES) & panel["sex"].isin(["female", "male"])]
    if rows.empty:
        return np.full(len(wanted), np.nan)
    rows = rows.astype({"economy": str, "sex": str, "indicator": str})
    rank = rows["indicator"].map({s: i for i, s in enumerate(POPULATION_SERIES)})
    rows = rows.assign(_rank=rank).sort_values("_rank", kind="stable").drop_duplicates(["economy", "year", "sex"])
    wide = rows.pivot_table(index=["economy", "year"], columns="sex", values="value", aggfunc="first", observed=True)
    if not {"female", "male"} <= set(wide.columns):
        return np.full(len(wanted), np.nan)
    share = (wide["female"] / (wide["female"] + wide["male"])).dropna()
    share = share[(share > 0) & (share < 1)].rename("share").reset_index()
    if share.empty:
        return np.full(len(wanted), np.nan)
    share["year"] = share["year"].astype("int64")
    left = wanted.assign(year=wanted["year"].astype("int64")).sort_values("year")
    merged = pd.merge_asof(left, share.sort_values("year"), on="year", by="economy", direction="backward")
    return merged.sort_values("_at")["share"].to_numpy(dtype="float64")
