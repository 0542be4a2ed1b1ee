"""Units and their metadata, given once: codes, names, groups, population (and the bundled economy table).

A **unit** is whatever a panel scores: an economy (ISO3), a province, a district, a city, a grid cell. Its
metadata is one **units table**, one row per unit (or per unit and population year)::

    unit    name           region   population  population_female  population_male  population_year
    ID-AC   Aceh           Sumatra     5407855            2704000          2703855             2023

* the code column is ``unit`` (or ``economy``); ``name`` is what tables and charts print beside the code;
* every other column is a grouping (``region``, ``urban_rural``, ``income`` ...);
* ``population`` (and optionally ``population_female``/``population_male``) weight group means and the
  equally-distributed gender score; ``population_year`` says which year a figure is for. Several rows per unit
  with different population years give population by year; groups as of a year come from the row of the latest
  population year at or before it.

:class:`Units` holds such a table (``units=TABLE`` of :func:`ictindex.build_index`, :func:`ictindex.compile_model`,
:func:`ictindex.validate_panel`, :func:`ictindex.uncertainty`; ``--units FILE`` on the command line). It is the list
of expected units: a code in the data that is not in the table is refused, naming it and the nearest code of the
table; a unit of the table without data is listed in ``result.excluded``. Three kinds need no table of their own:

* ``"economies"`` (the default): codes or ITU/UN names of economies, resolved to ISO3, with the **bundled
  economy table** below as their metadata;
* ``"iso3"``: the same, with the bundled table also the list of expected economies;
* ``"any"``: any code, used as given; no names, groups or population (a report leaves those sections out).

The bundled economy table (``data/panel/economies.csv``, built by ``python -m ictindex.sources.build`` from
``data/country_groups_m49/``):

* ``region``: UN SDG regional groups (8 regions, UN SDG Global Database GeoArea tree);
  ``un_region``, ``un_sub_region``: UN M49 region and sub-region (UNSD, M49 overview);
* ``income``: World Bank income group, FY2026 classification (World Bank country API, accessed
  2026-08-21), applied to every year because no earlier classification is bundled (``income_basis`` says so);
* ``ldc``, ``lldc``, ``sids``: membership at the end of the data year. The UN M49 snapshots of
  September 2024 and August 2026 give the lists; graduations from the LDC category
  (:data:`LDC_GRADUATIONS`, UN-OHRLLS / CDP) move economies between years, so Bhutan (graduated
  13 December 2023) is not an LDC in 2023 and is one in 2022;
* ``itu_region``: ITU-D (BDT) region from :func:`ictindex.datasets.itu_regions`;
  :data:`ITU_REGION_NOT_ASSIGNED` where it gives none.

Population (:func:`population`): World Bank WDI 2025 ``SP.POP.TOTL`` (UN WPP 2024 based) from the bundled
panel, the nearest year at or before the data year, and ``population_year`` says which.

Group means (:func:`group_means`) are computed here, once: simple and population-weighted means of any node
or indicator by any grouping, with the population share the units with a value hold.

>>> groups = economy_groups(2023)
>>> bool(groups.loc["BTN", "ldc"]), bool(economy_groups(2022).loc["BTN", "ldc"])
(False, True)
>>> int(groups.loc["KOR", "population_year"])
2023
>>> units = read_units(pd.DataFrame({"unit": ["P1", "P2"], "name": ["North", "South"], "region": ["a", "b"],
...                                  "population": [100, 300]}), noun="province")
>>> units.noun, units.plural, units.name("P2"), units.group_columns
('province', 'provinces', 'South', ['region'])
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.errors import CoverageError, IctIndexError, MethodError, SpecError
from ictindex.resources import bundled_dir

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "GROUPINGS",
    "INCOME_ORDER",
    "ITU_REGION_NOT_ASSIGNED",
    "LDC_GRADUATIONS",
    "POPULATION_SERIES",
    "UNIT_KINDS",
    "NO_GROUP",
    "WORLD",
    "Units",
    "as_units",
    "read_units",
    "plural_of",
    "economy_groups",
    "economies",
    "itu_member_states",
    "population",
    "population_by_year",
    "bundled_economies",
    "bundled_panel",
    "values_of",
    "group_means",
    "groupings_of",
    "groups_and_population",
    "member_population",
    "group_aggregates",
    "GROUP_MEANS_COLUMNS",
]

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
    from ictindex import datasets  # (datasets imports the stages above the units; it imports nothing of this module)

    return datasets.load("itu")


def bundled_panel() -> pd.DataFrame:
    """The bundled panel (:func:`ictindex.datasets.load`), read once per process; each call gets its own copy.
    The population of the economy table and a report's urban/rural and WSIS series come from it."""
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
    from ictindex import datasets

    return datasets.itu_regions().drop_duplicates("economy").set_index("economy")["itu_region"]


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
    table = _bundled()
    as_of = year if year is not None else max(_SNAPSHOTS)
    member = _membership(table, as_of)
    out = pd.DataFrame(
        {
            "name": [report_name(code) for code in table.index],
            "region": table["region"],
            "un_region": table["un_region"],
            "un_sub_region": table["un_sub_region"],
            "income": table["income_code"].map(_INCOME_LABELS),
            "income_basis": table["groups_source"].map(_INCOME_BASIS).fillna(table["groups_source"]),
            **{kind: member[kind] for kind in _MEMBERSHIP},
            "groups_year": as_of,
            "itu_region": _bundled_itu_regions().reindex(table.index).fillna(ITU_REGION_NOT_ASSIGNED),
        },
        index=table.index,
    )
    out.index.name = "economy"
    if year is not None:
        pop = population(year, population_data)
        out = out.join(pop, how="outer")
        out["name"] = out["name"].fillna(pd.Series({c: report_name(c) for c in out.index}))
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
    frames = []
    for year in sorted(set(int(y) for y in years)):
        latest = pop[pop["year"] <= year].groupby("economy").last()
        frames.append(
            pd.DataFrame(
                {
                    "economy": latest.index,
                    "year": year,
                    "population": latest["population"].to_numpy(dtype="float64"),
                    "population_year": latest["year"].to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["economy", "year", "population", "population_year"])
    out = pd.concat(frames, ignore_index=True)
    out["population_year"] = out["population_year"].where(out["population_year"] >= 0).astype("Int64")
    return out


#: Years before this are refused (a two-digit year is a typing slip, not 20 AD): panels, population, divide.
EARLIEST_YEAR = 1900


def _shown(value: object) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def _is_number(value: object) -> bool:
    """A real number (or a missing one); text, complex numbers and other objects are not."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, int | float | np.integer | np.floating | np.bool_) and not isinstance(value, complex)


def _column_numbers(frame: pd.DataFrame, field: str, column: str | None = None) -> np.ndarray:
    """One column as floats; a cell holding text (or anything but a number) is refused naming its economy."""
    cells = frame[field]
    if cells.dtype.kind not in "biuf":
        bad = next((i for i, v in enumerate(cells.to_numpy()) if not _is_number(v)), None)
        if bad is not None:
            row = frame.iloc[bad]
            raise MethodError(
                f"the {field} {_shown(row[field])} is not a number",
                economy=str(row["economy"]),
                year=str(row["year"]) if field != "year" and "year" in frame.columns else None,
                indicator=column,
                field=field,
                hint=f"give numbers in the {field} column (convert text with pd.to_numeric first)",
            )
    return pd.to_numeric(cells).to_numpy(dtype="float64", na_value=np.nan)


def _checked_table(frame: pd.DataFrame, column: str | None) -> pd.DataFrame:
    """``economy, year, value`` with whole-number years and finite float values (missing values stay NaN).

    A text value, a year that is not a whole number or an infinite value is refused naming the economy and
    year, instead of a pandas casting error or a mean of infinity."""
    years = _column_numbers(frame, "year", column)
    values = _column_numbers(frame, "value", column)
    with np.errstate(invalid="ignore"):
        outside = (years < EARLIEST_YEAR) | (years > 9999)  # 1e20 is "whole" but no int64 holds it
    for bad, problem in (
        (
            ~np.isfinite(years) | (years != np.round(years)) | outside,
            f"the year {{}} is not a whole number from {EARLIEST_YEAR} to 9999",
        ),
        (np.isinf(values), "the value {} is infinite"),
    ):
        if bad.any():
            row = frame.iloc[int(np.flatnonzero(bad)[0])]
            raise MethodError(
                problem.format(_shown(row["year" if "year" in problem else "value"])),
                economy=str(row["economy"]),
                year=None if "year" in problem else str(row["year"]),
                indicator=column,
                hint="check the data at that place: a divide measure needs whole years and finite values",
            )
    return pd.DataFrame({"economy": frame["economy"].to_numpy(), "year": years.astype("int64"), "value": values})


# -- a units table ---------------------------------------------------------------------------------------------------
#: Columns of a units table that are not groupings.
RESERVED = ("unit", "name", "population", "population_female", "population_male", "population_year")
_CODE_COLUMNS = ("unit", "economy", "code", "iso3")
#: What a unit may be called: letters (any script), then letters, spaces, hyphens or apostrophes (at most 40).
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '-]){0,39}")
_IRREGULAR = {"economy": "economies", "country": "countries", "city": "cities", "municipality": "municipalities"}


def plural_of(noun: str) -> str:
    """English plural of a unit noun: ``province`` -> ``provinces``, ``city`` -> ``cities``.

    >>> plural_of("district"), plural_of("economy"), plural_of("grid cell")
    ('districts', 'economies', 'grid cells')
    """
    noun = noun.strip()
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in set("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


@dataclass(frozen=True, eq=False, repr=False)
class Units:
    """What the units of a panel are: a kind (``economies``, ``iso3``, ``any``) or a units ``table``.

    ``table`` (kind ``table``) has one row per unit (or per unit and ``population_year``) with the columns
    ``unit``, ``name``, the groupings and the population columns (see the module docstring); use
    :func:`read_units` to make one. ``noun``/``plural`` are the words tables, charts and messages use for a
    unit (default: ``economy`` for economies, else ``unit``). ``source`` says where the table came from.
    Two ``Units`` are equal when kind, words and table content are (:attr:`sha256`): a spec holding one is
    hashable and replayable.
    """

    kind: str = "economies"
    table: pd.DataFrame | None = None
    noun: str = ""
    plural: str = ""
    source: str = ""
    #: whether the words were given (a framework's ``unit_noun`` names the units only when they were not)
    named: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.kind not in (*UNIT_KINDS, "table"):
            raise SpecError(f"unknown kind of units {self.kind!r}", field="units", hint=f"use one of {UNIT_KINDS}")
        if (self.kind == "table") != (self.table is not None):
            raise SpecError("a units table needs kind='table' (and only then a table)", field="units")
        object.__setattr__(self, "named", bool(self.noun.strip()))
        noun = (self.noun or ("economy" if self.resolves_names else "unit")).strip()
        object.__setattr__(self, "noun", noun)
        object.__setattr__(self, "plural", (self.plural or plural_of(noun)).strip())
        for word in (self.noun, self.plural):  # words printed in titles, headers and messages: words only
            if not WORD.fullmatch(word):
                raise SpecError(
                    f"a unit's name must be a word or two (letters, spaces, hyphens), got {word!r}",
                    field="noun",
                    hint="e.g. noun='province' (plural 'provinces')",
                )

    # -- what kind ---------------------------------------------------------------------------------------------
    @property
    def resolves_names(self) -> bool:
        """Labels are economy codes or ITU/UN names resolved to ISO3 (aggregates set aside)."""
        return self.kind in ("economies", "iso3")

    @property
    def expected(self) -> bool:
        """The table is the list of expected units: other codes are refused, units without data listed."""
        return self.kind in ("iso3", "table")

    @property
    def has_metadata(self) -> bool:
        """Names, groups or population exist (not for ``any``)."""
        return self.kind != "any"

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Codes of the table's units (sorted; the bundled economies for ``economies``/``iso3``; none for ``any``)."""
        if self.kind == "table":
            return tuple(sorted(self.table["unit"].unique()))
        if self.kind == "any":
            return ()
        return tuple(sorted(_bundled().index))

    @property
    def group_columns(self) -> list[str]:
        """The groupings of the table (the bundled economy table's: :data:`GROUPINGS`)."""
        if self.kind == "table":
            return [c for c in self.table.columns if c not in RESERVED]
        return list(GROUPINGS) if self.resolves_names else []

    def group_label(self, column: str) -> str:
        """What a grouping is called in tables and charts (``region`` -> "UN SDG region" for economies)."""
        if self.resolves_names:
            return GROUPINGS.get(column, column)
        return column.replace("_", " ")

    @property
    def has_population(self) -> bool:
        return self.kind != "any" and (self.kind != "table" or self.table["population"].notna().any())

    @property
    def has_sex_population(self) -> bool:
        """Population by sex is given (female and male figures)."""
        if self.kind != "table":
            return self.resolves_names
        return {"population_female", "population_male"} <= set(self.table.columns)

    # -- names ---------------------------------------------------------------------------------------------
    @cached_property
    def _names(self) -> dict[str, str]:
        if self.kind != "table":
            return {}
        latest = self.table.drop_duplicates("unit", keep="last")
        return dict(zip(latest["unit"], latest["name"], strict=True))

    def name(self, code: str) -> str:
        """Display name of a unit: the table's ``name`` (ITU's name of an economy), else the code itself."""
        if self.resolves_names:
            return report_name(code) or code
        return self._names.get(code, code)

    def names(self, codes: Sequence[str]) -> list[str]:
        return [self.name(c) for c in codes]

    def nearest(self, code: str) -> str | None:
        """The table's code closest to ``code`` (``difflib``), for an error message; ``None`` if none is close."""
        found = difflib.get_close_matches(str(code), self.codes, n=1, cutoff=0.5)
        if not found:  # a slip in a short code (ID-SG for ID-SB): compare case-blind, any distance
            lowered = {c.casefold(): c for c in self.codes}
            found = [lowered[m] for m in difflib.get_close_matches(str(code).casefold(), list(lowered), n=1, cutoff=0)]
        return found[0] if found else None

    # -- groups and population ---------------------------------------------------------------------------
    def _rows_as_of(self, year: int | None) -> pd.DataFrame:
        """One row per unit: the row of the latest population year at or before ``year`` (else the earliest)."""
        table = self.table
        if "population_year" not in table.columns or not table["unit"].duplicated().any():
            return table.set_index("unit")
        order = table.assign(_y=table["population_year"].astype("Float64").fillna(-np.inf))
        order = order.sort_values(["unit", "_y"], kind="stable")
        if year is not None:
            before = order[order["_y"] <= year]
            rest = order[~order["unit"].isin(before["unit"])]
            order = pd.concat([before.groupby("unit").tail(1), rest.groupby("unit").head(1)])
        else:
            order = order.groupby("unit").tail(1)
        return order.drop(columns="_y").set_index("unit").sort_index()

    def groups(self, year: int | None = None) -> pd.DataFrame:
        """Per unit (index ``economy``): ``name`` and every grouping as of ``year``; with ``year`` also the
        population columns of that year (:meth:`population`)."""
        if self.resolves_names:
            return economy_groups(year)
        if self.kind == "any":
            return pd.DataFrame(columns=["name"], index=pd.Index([], name="economy"))
        rows = self._rows_as_of(year)
        out = rows[["name", *self.group_columns]].rename_axis("economy")
        if year is not None:
            out = out.join(self.population(year))
        return out

    def population(self, year: int) -> pd.DataFrame:
        """Per unit (index ``economy``): ``population``, ``population_year``, ``population_source`` (and
        ``population_female``, ``population_male`` when given) of the latest figure at or before ``year``
        (a figure without a year serves every year)."""
        if self.resolves_names:
            return population(year)
        if self.kind == "any":
            return pd.DataFrame(columns=_POPULATION_COLUMNS, index=pd.Index([], name="economy"))
        series = self.population_series()
        series = series[series["year"].isna() | (series["year"] <= year)]
        latest = series.sort_values("year", na_position="first", kind="stable").groupby("economy").last()
        out = pd.DataFrame(
            {
                "population": latest["population"].astype("float64"),
                "population_year": latest["year"].astype("Int64"),
                "population_source": self.source or "units table",
            },
            index=latest.index,
        )
        for sex in ("female", "male"):
            if f"population_{sex}" in latest.columns:
                out[f"population_{sex}"] = latest[f"population_{sex}"].astype("float64")
        return out.rename_axis("economy")

    def population_series(self) -> pd.DataFrame:
        """Tidy ``economy, year, population[, population_female, population_male]`` (year NA: every year)."""
        if self.resolves_names:
            return _bundled_population().drop(columns="source")
        if self.kind == "any":
            return pd.DataFrame(columns=["economy", "year", "population"])
        table = self.table
        columns = [c for c in ("population", "population_female", "population_male") if c in table.columns]
        year = table["population_year"] if "population_year" in table.columns else pd.Series(pd.NA, index=table.index)
        out = table[["unit", *columns]].rename(columns={"unit": "economy"}).assign(year=year.astype("Int64"))
        return out.dropna(subset=["population"])[["economy", "year", *columns]].reset_index(drop=True)

    def female_shares(self, years: Sequence[int]) -> pd.Series:
        """Female share of the population per ``(economy, year)`` of ``years``, from the table's population by
        sex (the latest figures at or before each year; empty without them): the shares of the
        equally-distributed gender score (:func:`ictindex.gender.gender_table`)."""
        empty = pd.Series(dtype="float64", index=pd.MultiIndex.from_arrays([[], []], names=["economy", "year"]))
        if self.kind != "table" or not self.has_sex_population:
            return empty
        frames = []
        for year in sorted(set(int(y) for y in years)):
            pop = self.population(year).dropna(subset=["population_female", "population_male"])
            share = pop["population_female"] / (pop["population_female"] + pop["population_male"])
            frames.append(pd.Series(share.to_numpy(), index=pd.MultiIndex.from_product([pop.index, [year]])))
        if not frames:
            return empty
        share = pd.concat(frames).rename("female_share").rename_axis(["economy", "year"])
        return share[(share > 0) & (share < 1)]

    # -- identity ------------------------------------------------------------------------------------------
    @cached_property
    def sha256(self) -> str:
        """Hash of the kind, the words and the table's content (provenance, equality of specs)."""
        digest = hashlib.sha256(f"{self.kind}|{self.noun}|{self.plural}".encode())
        if self.table is not None:
            digest.update(self.table.to_csv(index=False, lineterminator="\n").encode())
        return digest.hexdigest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Units) and other.sha256 == self.sha256

    def __hash__(self) -> int:
        return hash(self.sha256)

    def __repr__(self) -> str:
        if self.kind == "table":
            where = f" from {self.source}" if self.source else ""
            return f"<Units table: {len(self.codes)} {self.plural}{where}>"
        return f"<Units {self.kind}>"

    def describe(self) -> str:
        """One line for provenance: the kind, or the table's size, source and hash."""
        if self.kind != "table":
            return self.kind
        return f"units table of {len(self.codes)} {self.plural}" + (f" ({self.source})" if self.source else "")

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping (JSON-ready) that :func:`as_units` reads back."""
        out: dict[str, Any] = {"kind": self.kind, "noun": self.noun, "plural": self.plural, "source": self.source}
        if self.table is not None:
            out["table"] = self.table.astype("object").where(self.table.notna(), None).to_dict("records")
        return out

    def with_words(self, noun: str | None, plural: str | None = None) -> Units:
        """The same units with other words for a unit (``noun`` None: unchanged)."""
        if not noun:
            return self
        return Units(kind=self.kind, table=self.table, noun=noun, plural=plural or "", source=self.source)


def _numbers(table: pd.DataFrame, column: str, source: str) -> pd.Series:
    """A numeric column of a units table; a cell that is not a number is refused naming the unit."""
    raw = table[column]
    number = pd.to_numeric(raw, errors="coerce")
    bad = raw.notna() & (raw.astype("str").str.strip() != "") & number.isna()
    if bad.any():
        at = bad.idxmax()
        raise SpecError(
            f"{column} must be a number, got {str(raw[at])!r}",
            economy=str(table.loc[at, "unit"]),
            field=column,
            file=source or None,
            line=int(at) if isinstance(at, int | np.integer) and source else None,
            hint="write the figure as a plain number, e.g. 5407855",
        )
    if (number < 0).any():
        at = (number < 0).idxmax()
        raise SpecError(
            f"{column} must not be negative, got {number[at]:g}",
            economy=str(table.loc[at, "unit"]),
            field=column,
            file=source or None,
            hint="give the population as a count of persons",
        )
    return number.astype("float64")


def read_units(
    data: pd.DataFrame | str | Path,
    *,
    noun: str | None = None,
    plural: str | None = None,
    sheet: str | int | None = None,
) -> Units:
    """Read a units table (a DataFrame, or a CSV/XLSX file) into :class:`Units`.

    The code column is ``unit`` (or ``economy``, ``code``); ``name`` defaults to the code; ``population``,
    ``population_female``, ``population_male`` and ``population_year`` must be numbers; every other column is a
    grouping. A unit listed twice for one population year, a blank code, text in a number column or a negative
    population is a :class:`~ictindex.errors.SpecError` naming the unit. The input is not modified.
    """
    from ictindex.read import read_table

    source = ""
    if isinstance(data, str | Path):
        source = Path(data).name
        frame = read_table(data, sheet=sheet)
    elif isinstance(data, pd.DataFrame):
        frame = data.reset_index(drop=True)  # a copy, with rows numbered (the input is not modified)
        source = str(frame.attrs.get("file", "")) and Path(str(frame.attrs["file"])).name
    else:
        raise SpecError(
            f"units must be a kind {UNIT_KINDS}, a DataFrame or the path of a table, got {type(data).__name__}",
            field="units",
            hint="give units='any', or a table with columns unit, name, region, population",
        )
    columns = {str(c).strip().casefold(): c for c in frame.columns}
    code = next((columns[c] for c in _CODE_COLUMNS if c in columns), None)
    if code is None:
        raise SpecError(
            "the units table has no code column",
            field="units",
            file=source or None,
            hint=f"name the column of unit codes 'unit' (or 'economy'); columns found: {list(frame.columns)[:8]}",
        )
    frame = frame.rename(columns={code: "unit", **{v: k for k, v in columns.items() if k in RESERVED and v != code}})
    frame = frame.loc[:, [c for c in frame.columns if str(c).strip() != ""]]
    frame["unit"] = frame["unit"].astype("string").str.strip()
    if frame["unit"].isna().any() or (frame["unit"] == "").any():
        at = (frame["unit"].isna() | (frame["unit"] == "")).idxmax()
        raise SpecError(
            "a row of the units table has no unit code",
            field="unit",
            file=source or None,
            line=int(at) if source and isinstance(at, int | np.integer) else None,
            hint="give every row a code, as used in the data",
        )
    frame["unit"] = frame["unit"].astype("object")
    for column in ("population", "population_female", "population_male", "population_year"):
        if column in frame.columns:
            frame[column] = _numbers(frame, column, source)
    if "population" not in frame.columns:
        frame["population"] = np.nan
    if "population_year" in frame.columns:
        years = frame["population_year"]
        if (years.dropna() % 1 != 0).any():
            raise SpecError("population_year must be whole years", field="population_year", file=source or None)
        frame["population_year"] = years.astype("Int64")
    key = ["unit", "population_year"] if "population_year" in frame.columns else ["unit"]
    repeated = frame.duplicated(key)
    if repeated.any():
        unit = str(frame.loc[repeated.idxmax(), "unit"])
        raise SpecError(
            f"the units table lists '{unit}' twice" + (" for one population year" if len(key) > 1 else ""),
            economy=unit,
            file=source or None,
            hint="give one row per unit (or one per unit and population_year)",
        )
    names = frame["name"].astype("string").str.strip() if "name" in frame.columns else None
    frame["name"] = names.where(names.notna() & (names != ""), frame["unit"]) if names is not None else frame["unit"]
    frame["name"] = frame["name"].astype("object")
    for column in [c for c in frame.columns if c not in RESERVED]:
        if frame[column].dtype == object:
            text = frame[column].astype("string").str.strip()
            frame[column] = text.where(text != "").astype("object").where(text.notna() & (text != ""), None)
    ordered = ["unit", "name", *[c for c in frame.columns if c not in RESERVED]]
    ordered += [c for c in RESERVED[2:] if c in frame.columns]
    table = frame[ordered].sort_values(key, kind="stable").reset_index(drop=True)
    return Units(kind="table", table=table, noun=noun or "", plural=plural or "", source=source)


def as_units(units: Any, *, noun: str | None = None, plural: str | None = None) -> Units:
    """:class:`Units` from any accepted form: a kind (``"economies"``, ``"iso3"``, ``"any"``), a units table
    (DataFrame, CSV/XLSX path, or :meth:`Units.to_dict` mapping) or ``Units`` itself. ``noun`` (e.g. from the
    framework's ``unit_noun``) names the units when they do not name themselves."""
    from ictindex.tables import as_pandas  # a polars or pyarrow units table becomes a DataFrame

    units = as_pandas(units, what="units table")
    if isinstance(units, Units):
        out = units
    elif isinstance(units, str) and units in UNIT_KINDS:
        out = Units(kind=units)
    elif isinstance(units, Mapping) and "kind" in units:
        table = pd.DataFrame(units["table"]) if units.get("table") is not None else None
        out = (
            read_units(table, noun=units.get("noun"), plural=units.get("plural"))
            if table is not None
            else Units(kind=units["kind"], noun=units.get("noun", ""), plural=units.get("plural", ""))
        )
        if table is not None:
            out = Units("table", out.table, out.noun, out.plural, units.get("source", ""))
    elif isinstance(units, pd.DataFrame | Path) or (isinstance(units, str) and Path(units).suffix):
        if isinstance(units, str | Path) and not Path(units).is_file():
            raise SpecError(
                f"units table not found: {units}",
                field="units",
                file=str(units),
                hint=f"give the path of a CSV/XLSX units table, or one of {UNIT_KINDS}",
            )
        out = read_units(units)
    else:
        raise SpecError(
            f"units must be one of {UNIT_KINDS}, a units table (DataFrame) or the path of one, got {units!r}",
            field="units",
            hint="write units='any' for sub-national or other non-country units, or give a units table",
        )
    return out.with_words(noun, plural) if noun and not out.named else out


# -- values and group means ------------------------------------------------------------------------------------------
def values_of(
    data: IndexResult | pd.DataFrame, column: str | None = None, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """``economy, year, value`` (no missing values) of one node or indicator of a result, a tidy panel
    (``indicator``, ``value``), or a table with ``economy``, ``year`` and the column."""
    if not isinstance(data, pd.DataFrame):
        result = data
        column = result.framework.index if column is None else column
        if column in result.node_codes:
            frame = result.scores[["economy", "year", column]]
        elif column in result.imputed.columns:
            frame = result.imputed[["economy", "year", column]]
        else:
            raise MethodError(
                f"'{column}' is neither a node nor an indicator of {result.framework.code}",
                indicator=column,
                hint=f"nodes: {result.node_codes}",
            )
        frame = frame.rename(columns={column: "value"})
    elif {"indicator", "value"} <= set(data.columns):
        if column is None:
            raise MethodError(
                "a tidy panel needs the indicator to measure", field="column", hint="pass column='<indicator code>'"
            )
        frame = data[data["indicator"] == column]
        if "sex" in frame.columns:
            frame = frame[frame["sex"] == "total"]
        if frame.empty:
            raise CoverageError(f"no total rows for '{column}' in the panel", indicator=column)
        duplicated = frame.duplicated(["economy", "year"])
        if duplicated.any():
            row = frame[duplicated].iloc[0]
            raise MethodError(
                "two values for one economy and year",
                economy=row["economy"],
                year=int(row["year"]),
                indicator=column,
                hint="keep one row per economy, year and indicator",
            )
    else:
        column = "value" if column is None else column
        if column not in data.columns or not {"economy", "year"} <= set(data.columns):
            raise MethodError(
                f"the table needs economy, year and '{column}' columns",
                field=column,
                hint=f"columns found: {list(data.columns)[:12]}",
            )
        frame = data[["economy", "year", column]].rename(columns={column: "value"})
    frame = _checked_table(frame[["economy", "year", "value"]], column)
    if years is not None:
        frame = frame[frame["year"].isin([int(y) for y in years])]
    frame = frame.dropna(subset=["value"])
    if frame.empty:
        raise CoverageError("no values to measure", indicator=column, hint="check the years and the column")
    return frame.reset_index(drop=True)


def _labels(column: pd.Series, name: str, units: Units | None) -> pd.Series:
    """Group labels of a grouping column; a True/False membership becomes "<grouping>" / "Not <grouping>"."""
    labels = column.dropna()
    if len(labels) and labels.map(lambda v: isinstance(v, bool | np.bool_)).all():
        label = units.group_label(name) if units is not None else GROUPINGS.get(name, name)
        return labels.map({True: label, False: f"Not {label}"}).astype("object")
    return labels.astype("str")


def groupings_of(
    by: str | Mapping | pd.Series | Sequence, groups: pd.DataFrame, units: Units | None = None
) -> list[tuple[str, pd.Series]]:
    """``[(grouping name, Series unit -> group label)]``; ``"world"`` puts every unit in one group."""
    specs = [by] if isinstance(by, str | Mapping | pd.Series) else list(by)
    out = []
    for spec in specs:
        if isinstance(spec, str) and spec.casefold() == "world":
            out.append(("world", pd.Series(dtype="str")))
        elif isinstance(spec, str):
            if spec not in groups.columns:
                raise MethodError(
                    f"unknown grouping '{spec}'",
                    field="by",
                    hint=f"use 'world', one of {sorted(c for c in groups.columns if c != 'name')}, or a Series "
                    "unit -> group",
                )
            out.append((spec, _labels(groups[spec], spec, units)))
        else:
            series = pd.Series(spec).dropna().astype("str")
            out.append((str(getattr(series, "name", None) or "user grouping"), series))
    return out


def groups_and_population(
    groups: pd.DataFrame | None, population: pd.DataFrame | None, units: Units | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups (indexed by unit) and a tidy population table: given, else the units table's, else the bundled."""
    if groups is not None and "economy" in groups.columns:
        groups = groups.set_index("economy")
    if population is None and groups is not None and "population" in groups.columns:
        population = pd.DataFrame(
            {
                "economy": groups.index,
                "year": groups["population_year"].to_numpy() if "population_year" in groups.columns else -1,
                "population": groups["population"].to_numpy(),
            }
        )
    if groups is None or population is None:
        if units is not None:
            default_groups, default_population = units.groups(), units.population_series()
        else:
            default_groups, default_population = bundled_economies()
        groups = default_groups if groups is None else groups
        population = default_population if population is None else population
    return groups, population


def group_aggregates(values: pd.DataFrame, groupings: list[tuple[str, pd.Series]], pop: pd.DataFrame) -> pd.DataFrame:
    """Per grouping, group, year and code: counts, simple and population-weighted means, population shares.

    ``values`` has ``economy, year, code, value`` and optionally ``reported`` (False for a carried value).
    """
    joined = values.merge(pop, on=["economy", "year"], how="left")
    if "reported" not in joined.columns:
        joined["reported"] = True
    joined["has_pop"] = joined["population"].notna()
    joined["weight"] = joined["population"].fillna(0.0)
    # means of values and weights scaled by their largest magnitude (per code; overall), so that values and
    # population near the floating-point limit do not overflow a sum: the mean of finite values is finite
    scale = joined.groupby("code")["value"].transform(lambda v: v.abs().max())
    joined["scale"] = scale.where(scale > 0, 1.0).fillna(1.0)
    top = float(joined["weight"].max()) if len(joined) else 0.0
    joined["scaled"] = joined["value"] / joined["scale"]
    joined["scaled_weight"] = joined["weight"] / (top if top > 0 else 1.0)
    joined["weighted"] = joined["scaled"] * joined["scaled_weight"]
    joined["reported_pop"] = joined["weight"].where(joined["reported"], 0.0)
    frames = []
    for grouping, labels in groupings:
        member = (
            (lambda e: pd.Series(WORLD, index=e))
            if grouping == "world"
            else (lambda e, lab=labels: lab.reindex(e).fillna(NO_GROUP))
        )
        data = joined.assign(group=member(joined["economy"]).to_numpy())
        everyone = pop.assign(group=member(pop["economy"]).to_numpy())
        keys = ["group", "year", "code"]
        stats = data.groupby(keys, sort=True).agg(
            economies=("value", "size"),
            economies_without_population=("has_pop", lambda s: int((~s).sum())),
            simple_mean=("scaled", "mean"),
            scale=("scale", "first"),
            weighted_sum=("weighted", "sum"),
            scaled_weight=("scaled_weight", "sum"),
            weight=("weight", "sum"),
            reported_pop=("reported_pop", "sum"),
            year_min=("population_year", "min"),
            year_max=("population_year", "max"),
        )
        total = everyone.groupby(["group", "year"])["population"].sum()
        members = everyone.groupby(["group", "year"]).size()
        at = pd.MultiIndex.from_arrays([stats.index.get_level_values("group"), stats.index.get_level_values("year")])
        denominator = total.reindex(at).to_numpy(dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(denominator > 0, stats["weight"].to_numpy() / denominator, np.nan)
            reported = np.where(denominator > 0, stats["reported_pop"].to_numpy() / denominator, np.nan)
        has_weight = stats["economies"] > stats["economies_without_population"]
        frames.append(
            pd.DataFrame(
                {
                    "grouping": grouping,
                    "group": stats.index.get_level_values("group"),
                    "year": stats.index.get_level_values("year").astype("int64"),
                    "code": stats.index.get_level_values("code"),
                    "economies": stats["economies"].to_numpy(dtype="int64"),
                    "economies_in_group": members.reindex(at).fillna(0).to_numpy(dtype="int64"),
                    "economies_without_population": stats["economies_without_population"].to_numpy(dtype="int64"),
                    "simple_mean": (stats["simple_mean"] * stats["scale"]).to_numpy(dtype="float64"),
                    "weighted_mean": np.where(
                        has_weight,
                        stats["scale"]
                        * (stats["weighted_sum"] / stats["scaled_weight"].where(stats["scaled_weight"] > 0)),
                        np.nan,
                    ),
                    "population_share": share,
                    "reported_share": reported,
                    "population_year_earliest": pd.array(stats["year_min"], dtype="Int64"),
                    "population_year": pd.array(stats["year_max"], dtype="Int64"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=GROUP_MEANS_COLUMNS)


#: Columns of :func:`group_means`.
GROUP_MEANS_COLUMNS = [
    "grouping",
    "group",
    "year",
    "code",
    "economies",
    "economies_in_group",
    "economies_without_population",
    "simple_mean",
    "weighted_mean",
    "population_share",
    "reported_share",
    "population_year_earliest",
    "population_year",
    "meets_coverage",
]


def member_population(population: pd.DataFrame, groups: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Population by year of the units that count: those in the group metadata or with a value.

    Other codes of a population table (World Bank aggregates such as ``WLD`` or ``LIC``) are not units and
    would count twice in a world total.
    """
    pop = population_by_year(population, values["year"].unique())
    return pop[pop["economy"].isin(set(groups.index) | set(values["economy"]))].reset_index(drop=True)


def group_means(
    data: IndexResult | pd.DataFrame,
    by: str | Mapping | pd.Series | Sequence = ("world", "income"),
    *,
    column: str | Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    groups: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    units: Units | None = None,
    min_population_share: float = 0.0,
    low_coverage: str = "flag",
) -> pd.DataFrame:
    """Simple and population-weighted means of nodes or indicators by group and year: one tidy long table.

    Parameters
    ----------
    data
        A result (its nodes and indicators), a tidy panel or a table ``economy, year, <column>``.
    by
        ``"world"`` (every unit), a grouping column (``"income"``, ``"region"``, ...), a Series or mapping
        unit -> group (a user grouping), or a list of these. A True/False grouping (``ldc``) gives the groups
        "<grouping>" and "Not <grouping>".
    column
        The node or indicator (default: the result's index), or several (one block of rows each).
    groups, population, units
        Groups indexed by unit (a ``population`` and ``population_year`` column there serve as one figure per
        unit) and tidy ``economy, year, population``; by default from ``units`` (a :class:`Units`), else the
        bundled economy table.
    min_population_share, low_coverage
        A group-year whose units with a value hold less than this share of the group's population is
        flagged (``meets_coverage`` False; ``low_coverage="flag"``) or refused with a
        :class:`~ictindex.errors.CoverageError` (``"raise"``).

    Returns
    -------
    DataFrame
        :data:`GROUP_MEANS_COLUMNS`: ``grouping, group, year, code, economies`` (units with a value),
        ``economies_in_group`` (units of the group with a population figure), ``economies_without_population``,
        ``simple_mean`` (every unit once), ``weighted_mean`` = ``sum(p_i x_i) / sum(p_i)`` over units with a
        value and a population figure, ``population_share`` (their population over the population of every
        member of the group that year), ``reported_share`` (the same for values reported that year),
        ``population_year_earliest``/``population_year`` (the years of the figures used), ``meets_coverage``.
        Units without a group are in the group :data:`NO_GROUP`, never dropped.

    >>> values = pd.DataFrame({"economy": ["A", "B"], "year": 2023, "x": [1.0, 2.0]})
    >>> g = pd.DataFrame({"k": ["g", "g"], "population": [1.0, 3.0]}, index=["A", "B"])
    >>> group_means(values, "k", column="x", groups=g)[["simple_mean", "weighted_mean"]].values.tolist()
    [[1.5, 1.75]]
    """
    if low_coverage not in ("flag", "raise"):
        raise MethodError(f"low_coverage must be 'flag' or 'raise', got '{low_coverage}'", field="low_coverage")
    codes = [column] if column is None or isinstance(column, str) else list(column)
    if isinstance(data, pd.DataFrame) and column is None and "value" in data.columns:
        codes = ["value"]
    frames = []
    for code in codes:
        try:
            part = values_of(data, code, years)
        except CoverageError:
            if len(codes) == 1:
                raise
            continue  # of several nodes, one without any value (a category not scored) has no means
        name = code if code is not None else data.framework.index  # type: ignore[union-attr]
        frames.append(part.assign(code=name))
    if not frames:
        raise CoverageError(f"no values to measure for any of {codes}", hint="check the years and the columns")
    values = pd.concat(frames, ignore_index=True)
    groups, population = groups_and_population(groups, population, units)
    table = group_aggregates(values, groupings_of(by, groups, units), member_population(population, groups, values))
    table["meets_coverage"] = table["population_share"].fillna(0.0) >= min_population_share
    if low_coverage == "raise" and not table["meets_coverage"].all():
        bad = table[~table["meets_coverage"]].iloc[0]
        raise CoverageError(
            f"group '{bad['group']}' covers {bad['population_share']:.1%} of its population, "
            f"below {min_population_share:.0%}",
            year=int(bad["year"]),
            hint="lower min_population_share, or use low_coverage='flag'",
        )
    return table[GROUP_MEANS_COLUMNS]
