"""A units table (:class:`Units`): codes, names, groupings and population of any units, read and checked once
(:func:`read_units`, :func:`as_units`)."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.errors import SpecError
from ictindex.units.bundled import (
    _POPULATION_COLUMNS,
    GROUPINGS,
    UNIT_KINDS,
    _bundled,
    _bundled_population,
    economy_groups,
    population,
)

if TYPE_CHECKING:
    pass


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

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import units_card

        return units_card(self).html()

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
    """Read a units table (a DataFrame, or a CSV/XLSX file) into :class:`~ictindex.units.Units`.

    The code column is ``unit`` (or ``economy``, ``code``); ``name`` defaults to the code; ``population``,
    ``population_female``, ``population_male`` and ``population_year`` must be numbers; every other column is a
    grouping. A unit listed twice for one population year, a blank code, text in a number column or a negative
    population is a :class:`~ictindex.errors.SpecError` naming the unit. The input is not modified.
    """
    frame, source = _units_frame(data, sheet)
    frame = _coded(frame, source)
    frame, key = _numbered(frame, source)
    frame = _named(frame)
    ordered = ["unit", "name", *[c for c in frame.columns if c not in RESERVED]]
    ordered += [c for c in RESERVED[2:] if c in frame.columns]
    table = frame[ordered].sort_values(key, kind="stable").reset_index(drop=True)
    return Units(kind="table", table=table, noun=noun or "", plural=plural or "", source=source)


def _units_frame(data: pd.DataFrame | str | Path, sheet: str | int | None) -> tuple[pd.DataFrame, str]:
    """The units table as a frame of its own (the input is not modified), and the file name it came from."""
    from ictindex.inputs.user_files import read_table

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
    return frame, source


def _coded(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The code column renamed ``unit`` (and the reserved columns to their names), stripped; a blank code is an
    error naming its line."""
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
    return frame


def _numbered(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
    """The population columns as numbers, ``population_year`` as whole years; a unit listed twice (for one
    population year) is an error. Returns the frame and the key of its rows."""
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
    return frame, key


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """Names (the code where none is given) and the groupings' labels as stripped text (blank: no group)."""
    names = frame["name"].astype("string").str.strip() if "name" in frame.columns else None
    frame["name"] = names.where(names.notna() & (names != ""), frame["unit"]) if names is not None else frame["unit"]
    frame["name"] = frame["name"].astype("object")
    for column in [c for c in frame.columns if c not in RESERVED]:
        if frame[column].dtype == object:
            text = frame[column].astype("string").str.strip()
            frame[column] = text.where(text != "").astype("object").where(text.notna() & (text != ""), None)
    return frame


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
