"""The bundled economy table (groups by year, LDC graduations, population by year) and the bundled panel, read
once per process; the names of its groupings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.errors import IctIndexError, MethodError
from ictindex.inputs.bundled_files import itu_regions, load
from ictindex.resources import bundled_dir
from ictindex.units.numbers import _column_numbers

if TYPE_CHECKING:
    pass


#: Grouping column -> its label in tables and charts (the bundled economy table's groupings).
GROUPINGS = {
    "region": "UN SDG region",
    "income": "World Bank income group",
    "un_region": "UN M49 region",
    "un_sub_region": "UN M49 sub-region",
    "ldc": "Least developed countries (LDC)",
    "lldc": "Landlocked developing countries (LLDC)",
    "sids": "Small island developing States (SIDS)",
    "itu_region": "ITU region",
}
INCOME_ORDER = ["High income", "Upper-middle income", "Lower-middle income", "Low income"]
ITU_REGION_NOT_ASSIGNED = "not assigned"
#: The label of the group of every unit (``by="world"``) and of units without a group in the metadata.
WORLD = "World"
NO_GROUP = "No group in the metadata"
#: ``economies``: codes or names of economies resolved to ISO3; ``iso3``: the same, every economy of the bundled
#: table expected; ``any``: codes used as given, no metadata. A units table (:class:`Units`) is the fourth kind.
UNIT_KINDS = ("economies", "iso3", "any")

#: Graduations from the LDC category: ISO3 -> date (UN-OHRLLS, "Graduation from the LDC category";
#: UN General Assembly resolutions 59/209, 65/286, 68/L.20, 70/78, 73/133, 75/259, 77/... ).
LDC_GRADUATIONS: dict[str, str] = {
    "BWA": "1994-12-20",
    "CPV": "2007-12-20",
    "MDV": "2011-01-01",
    "WSM": "2014-01-01",
    "GNQ": "2017-06-04",
    "VUT": "2020-12-04",
    "BTN": "2023-12-13",
    "STP": "2024-12-13",
}

#: Population series, in order of preference (WDI 2025 first: one vintage for every year).
POPULATION_SERIES = ("SP.POP.TOTL", "POP")

_SNAPSHOTS = (2024, 2026)  # years of the bundled M49 group lists (September 2024, August 2026)
_MEMBERSHIP = ("ldc", "lldc", "sids")
_INCOME_BASIS = {"UN M49 / World Bank": "World Bank FY2026 classification"}
_INCOME_LABELS = {"HIC": "High income", "UMC": "Upper-middle income", "LMC": "Lower-middle income", "LIC": "Low income"}
_POPULATION_COLUMNS = ["population", "population_year", "population_source"]


# -- the bundled economy table: read once per process (read-only files; callers get copies) -------------------------
@lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    path = bundled_dir("data") / "panel" / "economies.csv"
    if not path.is_file():
        raise IctIndexError(
            "bundled economy metadata missing: panel/economies.csv",
            file=str(path),
            hint="reinstall ictindex, or run `python -m ictindex.sources.build` in a checkout",
        )
    table = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
    for flag in [c for c in table.columns if c.startswith(_MEMBERSHIP)]:
        table[flag] = table[flag].map({"True": True, "False": False}).astype("boolean")
    return table.set_index("iso3")


@lru_cache(maxsize=1)
def _bundled_panel() -> pd.DataFrame:
    return load("itu")


def bundled_panel() -> pd.DataFrame:
    """The bundled panel (:func:`ictindex.inputs.bundled_files.load`), read once per process; each call gets its
    own copy. The population of the economy table and a report's urban/rural and WSIS series come from it."""
    return _bundled_panel().copy()


@lru_cache(maxsize=1)
def _bundled_population() -> pd.DataFrame:
    """``economy, year, population[, population_female, population_male], source`` of the bundled panel's first
    population series (World Bank WDI 2025 ``SP.POP.TOTL``)."""
    panel = _bundled_panel()
    rows = panel[panel["indicator"].isin(POPULATION_SERIES)]
    code = next(c for c in POPULATION_SERIES if (rows["indicator"] == c).any())
    rows = rows[rows["indicator"] == code]
    wide = rows.pivot_table(index=["economy", "year"], columns="sex", values="value", aggfunc="first")
    out = pd.DataFrame({"population": wide.get("total")}, index=wide.index)
    for sex in ("female", "male"):
        if sex in wide.columns:
            out[f"population_{sex}"] = wide[sex]
    return out.dropna(subset=["population"]).reset_index().assign(source=code)


@lru_cache(maxsize=1)
def _bundled_itu_regions() -> pd.Series:
    return itu_regions().drop_duplicates("economy").set_index("economy")["itu_region"]


@lru_cache(maxsize=1)
def _bundled_fixed_groups() -> pd.DataFrame:
    """The columns of :func:`economy_groups` that do not change with the year (``name``, the regions, the income
    group and its basis, ``itu_region``), built once per process (read-only: callers build new frames from it)."""
    table = _bundled()
    return pd.DataFrame(
        {
            "name": [report_name(code) for code in table.index],
            "region": table["region"],
            "un_region": table["un_region"],
            "un_sub_region": table["un_sub_region"],
            "income": table["income_code"].map(_INCOME_LABELS),
            "income_basis": table["groups_source"].map(_INCOME_BASIS).fillna(table["groups_source"]),
            "itu_region": _bundled_itu_regions().reindex(table.index).fillna(ITU_REGION_NOT_ASSIGNED),
        },
        index=table.index,
    )


def _membership(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """LDC/LLDC/SIDS at the end of ``year``: the nearest snapshot, then the LDC graduations dated in between."""
    snapshot = _SNAPSHOTS[0] if year <= _SNAPSHOTS[0] else _SNAPSHOTS[-1]
    out = pd.DataFrame({kind: table[f"{kind}_{snapshot}"] for kind in _MEMBERSHIP}, index=table.index)
    year_end = pd.Timestamp(f"{year}-12-31")
    for code, date in LDC_GRADUATIONS.items():
        if code in out.index:
            out.loc[code, "ldc"] = pd.Timestamp(date) > year_end
    return out


def population(year: int, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population of every economy in the nearest year at or before ``year``.

    Parameters
    ----------
    year
        The data year.
    data
        A tidy panel with total rows of a :data:`POPULATION_SERIES` series, or a table with columns
        ``economy``, ``year``, ``population``. Default: the bundled panel (WDI 2025).

    Returns
    -------
    DataFrame indexed by ISO3: ``population``, ``population_year``, ``population_source``.

    >>> pop = population(2023)
    >>> round(float(pop.loc["KOR", "population"]) / 1e6, 1), int(pop.loc["KOR", "population_year"])
    (51.7, 2023)
    """
    if data is None:
        rows = _bundled_population()[["economy", "year", "population", "source"]]
    elif {"economy", "year", "population"} <= set(data.columns):
        rows = data[["economy", "year", "population"]].assign(source="user population table")
    elif {"economy", "year", "indicator", "value"} <= set(data.columns):
        sex = data["sex"] if "sex" in data.columns else pd.Series("total", index=data.index)
        found = [s for s in POPULATION_SERIES if (data["indicator"] == s).any()]
        if not found:
            return pd.DataFrame(columns=_POPULATION_COLUMNS, index=pd.Index([], name="economy"))
        pick = (data["indicator"] == found[0]) & (sex == "total")
        rows = data.loc[pick, ["economy", "year", "value"]].rename(columns={"value": "population"})
        rows = rows.assign(source=found[0])
    else:
        raise IctIndexError(
            "population data need columns economy, year, population (or a tidy panel)",
            field=", ".join(map(str, data.columns[:8])),
            hint="pass a table economy/year/population or a panel with SP.POP.TOTL rows",
        )
    rows = rows[(rows["year"] <= year) & rows["population"].notna()].sort_values(["economy", "year"])
    latest = rows.groupby("economy").last()
    return pd.DataFrame(
        {
            "population": latest["population"].astype("float64"),
            "population_year": latest["year"].astype("Int64"),
            "population_source": latest["source"],
        }
    ).rename_axis("economy")


def economy_groups(
    year: int | None = None,
    *,
    groups: pd.DataFrame | None = None,
    population_data: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per economy (ISO3 index): ``name`` (as ITU prints it), ``region``, ``un_region``,
    ``un_sub_region``, ``income``, ``income_basis``, ``ldc``, ``lldc``, ``sids``, ``groups_year``,
    ``itu_region``; with ``year`` also ``population``, ``population_year`` and ``population_source``.

    ``groups`` (indexed by ISO3, or with an ``economy``/``iso3`` column) replaces the bundled
    values of the columns it has and adds new ones; ``population_data`` is passed to
    :func:`population`.
    """
    table, fixed = _bundled(), _bundled_fixed_groups()
    as_of = year if year is not None else max(_SNAPSHOTS)
    member = _membership(table, as_of)
    out = pd.DataFrame(
        {
            **{column: fixed[column] for column in fixed.columns if column != "itu_region"},
            **{kind: member[kind] for kind in _MEMBERSHIP},
            "groups_year": as_of,
            "itu_region": fixed["itu_region"],
        },
        index=table.index,
    )
    out.index.name = "economy"
    if year is not None:
        pop = population(year, population_data)
        out = out.join(pop, how="outer")
        unnamed = out.index[out["name"].isna()]  # economies with a population but not in the economy table
        out["name"] = out["name"].fillna(pd.Series({c: report_name(c) for c in unnamed}, dtype=object))
    if groups is not None:
        out = _user_groups(out, groups)
    return out


@lru_cache(maxsize=1)
def itu_member_states() -> frozenset[str]:
    """ISO3 codes of the 194 ITU Member States (UN members and the Holy See; Palau since 2024-09-19),
    from the bundled ``data/itu_members/itu_member_states.csv`` (see its PROVENANCE.md)."""
    table = pd.read_csv(bundled_dir("data") / "itu_members" / "itu_member_states.csv", dtype="str")
    return frozenset(table["iso3"])


def economies(year: int | None = None) -> pd.DataFrame:
    """The bundled economy table with ``iso3`` as a column (see :func:`economy_groups`): ISO3, name, UN SDG
    region, UN M49 region and sub-region, World Bank income group, LDC/LLDC/SIDS as of the end of ``year``
    (default: the latest snapshot), and with ``year`` the population (World Bank WDI 2025) of that year or the
    nearest earlier one, with ``population_year`` saying which."""
    return economy_groups(year).rename_axis("iso3").reset_index()


def _user_groups(out: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    user = groups.copy()
    for key in ("economy", "iso3", "unit"):
        if key in user.columns:
            user = user.set_index(key)
            break
    if user.index.has_duplicates:
        dup = user.index[user.index.duplicated()].unique().tolist()
        raise IctIndexError(
            f"economy groups list economies twice: {dup[:5]}", economy=str(dup[0]), hint="give one row per economy"
        )
    out = out.reindex(out.index.union(user.index))
    for column in user.columns:
        if column in out.columns:
            out[column] = user[column].reindex(out.index).where(out.index.isin(user.index), out[column])
        else:
            out[column] = user[column].reindex(out.index)
    return out


def bundled_economies() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Default ``(groups, population)`` of the bundled economy table.

    ``groups``: one row per economy (ISO3 index) with a column per grouping — ``region`` (UN SDG region),
    ``un_region``, ``income`` (World Bank income group), ``itu_region`` (ITU/BDT), ``ldc``, ``lldc``, ``sids``
    (as of the latest bundled snapshot). ``population``: tidy ``economy, year, population`` from the bundled
    panel's population series (:data:`POPULATION_SERIES`, the first one present: World Bank WDI 2025).
    """
    groups = economy_groups()[["region", "un_region", "income", "itu_region", "ldc", "lldc", "sids"]]
    return groups, _bundled_population()[["economy", "year", "population"]].copy()


def population_by_year(population: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Population of each economy in each of ``years``: the latest figure at or before the year.

    Returns ``economy, year, population, population_year``. A frame without ``year`` is one figure per
    economy used for every year.
    """
    pop = population.reset_index() if "economy" not in population.columns else population
    if "population" not in pop.columns or "economy" not in pop.columns:
        raise MethodError(
            "population table needs 'economy' and 'population' columns",
            field="population",
            hint="pass a DataFrame with economy, year, population",
        )
    if "year" not in pop.columns:
        pop = pop.assign(year=pop["population_year"] if "population_year" in pop.columns else -1)
    pop = pop[["economy", "year", "population"]].dropna(subset=["economy", "population"])
    pop = pop.assign(year=pd.to_numeric(pop["year"], errors="coerce").fillna(-1).astype("int64"))
    figures = _column_numbers(pop, "population")
    if np.isinf(figures).any():
        row = pop[np.isinf(figures)].iloc[0]
        raise MethodError(
            "the population is infinite",
            economy=str(row["economy"]),
            year=None if row["year"] == -1 else str(row["year"]),
            field="population",
            hint="give each economy's population as a finite number",
        )
    pop = pop.assign(population=figures)
    pop = pop[pop["population"] > 0].sort_values("year", kind="stable")
    wanted = sorted(set(int(y) for y in years))
    if not wanted:
        return pd.DataFrame(columns=["economy", "year", "population", "population_year"])
    out = _latest_at_or_before(pop, wanted)
    out["population_year"] = out["population_year"].where(out["population_year"] >= 0).astype("Int64")
    return out


def _latest_at_or_before(pop: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """``economy, year, population, population_year``: for each of ``years`` (ascending) and each economy with a
    figure at or before it (in code order), the latest such figure of ``pop`` (sorted by year; of two figures of
    one year, the later row), by one as-of join instead of one grouping per year."""
    economies = pop.groupby("economy").size().index  # the codes (and their order) a grouping by economy gives
    grid = pd.MultiIndex.from_product([pd.Index(years, dtype="int64"), economies], names=["year", "economy"])
    figures = pop.assign(economy=pop["economy"].astype(economies.dtype), population_year=pop["year"])
    figures = figures[["economy", "year", "population", "population_year"]]
    out = pd.merge_asof(grid.to_frame(index=False), figures, on="year", by="economy", direction="backward")
    out = out.loc[out["population"].notna(), ["economy", "year", "population", "population_year"]]
    return out.reset_index(drop=True).astype({"population": "float64", "population_year": "int64"})


#: Years before this are refused (a two-digit year is a typing slip, not 20 AD): panels, population, divide.
