"""SDMX observations as a tidy panel: series codes, sexes, years, values, economies (M49 or ISO3), sources and
notes, each wrong cell named."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import PanelError
from ictindex.inputs.sdmx.mapping import (
    DEFAULT_MAPPING,
    FOOTNOTES,
    LOCATION_CODES,
    OBS_STATUS,
    PERCENT_UNITS,
    SDG_NATURE,
    SEX_CODES,
    TOTAL_CODES,
    SdmxMapping,
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # SDMX 3.0 multi-valued / multilingual attributes
        return "; ".join(_text(v) for v in value)
    if hasattr(value, "localizations"):
        return str(value.localized_default()) if hasattr(value, "localized_default") else str(value)
    return str(getattr(value, "id", value))


def _first(names: Sequence[str], columns: Sequence[str]) -> str | None:
    return next((n for n in names if n in columns), None)


def _to_panel(
    table: pd.DataFrame, mapping: SdmxMapping, file: str | None, structure_id: str
) -> tuple[pd.DataFrame, dict]:
    columns = list(table.columns)
    table = _selected(table, mapping, file)
    economy, year, indicator = _dimensions(columns, mapping, file)
    sex = _first(mapping.sex, columns)
    location = _first(mapping.location, columns)
    age = _first(mapping.age, columns)
    used = {economy, year, *indicator, sex, location, age} - {None}
    dropped = _dropped(table, columns, used, indicator, file)
    series = _series_codes(table, indicator, mapping)
    if location is not None:
        series = series + table[location].map(lambda c: _suffix(c, LOCATION_CODES, "", location, file))
    if age is not None:
        series = series + table[age].map(lambda c: "" if c in TOTAL_CODES else f".age_{c}")
    value = _values(table, series, file)
    area, aggregates = _economies(table[economy].astype(str), mapping)
    panel = pd.DataFrame(
        {
            "economy": area,
            "year": _years(table[year], series, file),
            "indicator": series,
            "sex": table[sex].map(lambda c: _sex(c, file)) if sex is not None else "total",
            "value": value,
            "source": _sources(table, structure_id, file),
            "note": _notes(table),
        }
    )
    if mapping.aggregates == "drop":
        panel = panel[~aggregates.to_numpy()]
    attrs = {
        "structure": structure_id,
        "dropped_dimensions": dropped,
        "aggregates": sorted(set(area[aggregates])) if mapping.aggregates == "drop" else [],
    }
    return panel.reset_index(drop=True), attrs


def _selected(table: pd.DataFrame, mapping: SdmxMapping, file: str | None) -> pd.DataFrame:
    """The observations of the codes ``mapping.select`` keeps (a dimension it names must be in the message)."""
    columns = list(table.columns)
    for dim, wanted in mapping.select.items():
        if dim not in columns:
            raise PanelError(
                f"select names {dim!r}, which is not a dimension of the message",
                file=file,
                field="mapping.select",
                hint=f"dimensions: {', '.join(c for c in columns if c != 'value')}",
            )
        codes = [wanted] if isinstance(wanted, str) else list(wanted)
        table = table[table[dim].isin(codes)]
    return table


def _dimensions(columns: list, mapping: SdmxMapping, file: str | None) -> tuple[str, str, list[str]]:
    """The economy, year and series dimensions of the message (each must be found)."""
    economy = _first(mapping.economy, columns)
    year = _first(mapping.year, columns)
    if tuple(mapping.indicator) == DEFAULT_MAPPING.indicator:  # candidates: the first present
        indicator = [n for n in mapping.indicator if n in columns][:1]
    else:  # a user's dimension(s), joined with "."
        indicator = [n for n in mapping.indicator if n in columns]
        if len(indicator) < len(mapping.indicator):
            indicator = []
    for what, found, names in (("economy", economy, mapping.economy), ("year", year, mapping.year)):
        if found is None:
            raise PanelError(
                f"no {what} dimension: none of {list(names)} is in the message",
                file=file,
                field=f"mapping.{what}",
                hint=f"name the {what} dimension: read_sdmx(path, {{'{what}': 'DIMENSION_ID'}}); "
                f"dimensions: {', '.join(c for c in columns if c != 'value')}",
            )
    if not indicator:
        raise PanelError(
            f"no series dimension: none of {list(mapping.indicator)} is in the message",
            file=file,
            field="mapping.indicator",
            hint="name the dimension(s) that identify the series: read_sdmx(path, {'indicator': ['DIM']})",
        )
    return economy, year, indicator


def _dropped(table: pd.DataFrame, columns: list, used: set, indicator: list[str], file: str | None) -> list[str]:
    """The dimensions the panel leaves out, each with its one code (one with several codes would collide)."""
    dimensions = [c for c in columns if c in table.attrs.get("dimensions", ())]
    dropped = []
    for dim in dimensions:
        if dim in used:
            continue
        codes = table[dim].dropna().unique().tolist()
        if len(codes) > 1:
            raise PanelError(
                f"dimension {dim} takes {len(codes)} codes ({', '.join(map(str, codes[:6]))}"
                f"{' ...' if len(codes) > 6 else ''}): its observations would collide in the panel",
                file=file,
                field=dim,
                hint=f"keep one with read_sdmx(path, {{'select': {{'{dim}': '{codes[0]}'}}}}), or make it part "
                f"of the series code: {{'indicator': [{', '.join(repr(c) for c in indicator)}, '{dim}']}}",
            )
        dropped.append(f"{dim}={codes[0]}" if codes else dim)
    return dropped


def _series_codes(table: pd.DataFrame, dims: list[str], mapping: SdmxMapping) -> pd.Series:
    from ictindex.inputs.catalogue import series_bounds

    raw = table[dims[0]].astype(str)
    for dim in dims[1:]:
        raw = raw + "." + table[dim].astype(str)
    known = series_bounds()

    def code(c: str) -> str:
        if c in mapping.series:
            return mapping.series[c]
        if c in known:
            return c
        for candidate in (c.replace("_", "."), c.removeprefix("WB_WDI_").replace("_", ".")):
            if candidate in known:
                return candidate
        return c

    return raw.map({c: code(c) for c in raw.unique()})


def _suffix(code: str, codes: Mapping[str, str], default: str, dim: str, file: str | None) -> str:
    if code in codes:
        return f".{codes[code]}" if codes[code] else ""
    if code in TOTAL_CODES:
        return ""
    raise PanelError(
        f"unknown {dim} code {code!r}",
        file=file,
        field=dim,
        hint=f"known codes: {', '.join(codes)}; or keep one with select={{'{dim}': ...}}",
    )


def _sex(code: object, file: str | None) -> str:
    text = "" if code is None or (isinstance(code, float) and math.isnan(code)) else str(code)
    if text.upper() in SEX_CODES:
        return SEX_CODES[text.upper()]
    raise PanelError(
        f"unknown SEX code {text!r}",
        file=file,
        field="SEX",
        hint=f"known codes: {', '.join(SEX_CODES)}; or keep one with select={{'SEX': ...}}",
    )


def _years(period: pd.Series, series: pd.Series, file: str | None) -> pd.Series:
    text = period.astype(str).str.strip()
    annual = text.str.fullmatch(r"\d{4}(-01-01|-12-31|-A1)?")
    if not annual.all():
        at = int(np.flatnonzero(~annual.to_numpy())[0])
        raise PanelError(
            f"TIME_PERIOD {text.iloc[at]!r} is not a year: the panel holds annual values",
            file=file,
            indicator=str(series.iloc[at]),
            field="TIME_PERIOD",
            hint="select the annual frequency (select={'FREQ': 'A'}) or aggregate the data to years first",
        )
    return text.str[:4].astype("int64")


def _values(table: pd.DataFrame, series: pd.Series, file: str | None) -> pd.Series:
    """OBS_VALUE times 10^UNIT_MULT; a multiplier on a percentage, or two units in one series, is refused."""
    value = pd.to_numeric(table["value"], errors="coerce")
    unit_col = _first(("UNIT_MEASURE", "UNIT"), list(table.columns))
    mult_col = _first(("UNIT_MULT", "UNIT_MULTIPLIER"), list(table.columns))
    if unit_col is not None:
        units = pd.DataFrame({"series": series, "unit": table[unit_col].fillna("")})
        several = units.groupby("series")["unit"].nunique()
        if (several > 1).any():
            name = several[several > 1].index[0]
            found = sorted(units.loc[units["series"] == name, "unit"].unique())
            raise PanelError(
                f"series {name} comes in several units ({', '.join(found)}): its values are not comparable",
                file=file,
                indicator=name,
                field=unit_col,
                hint=f"keep one unit with select={{'{unit_col}': '{found[0]}'}}",
            )
        _check_units(units, file, unit_col)
    if mult_col is None:
        return value
    text = table[mult_col].fillna("").astype(str).str.strip()
    mult = pd.to_numeric(text.where(text != "", "0"), errors="coerce")
    if mult.isna().any():
        at = int(np.flatnonzero(mult.isna().to_numpy())[0])
        raise PanelError(
            f"{mult_col} {text.iloc[at]!r} is not a power of ten",
            file=file,
            indicator=str(series.iloc[at]),
            field=mult_col,
            hint="UNIT_MULT is the exponent of 10 (0 units, 3 thousands, 6 millions)",
        )
    if unit_col is not None:
        percent = table[unit_col].fillna("").astype(str).str.upper().isin(PERCENT_UNITS) & (mult != 0)
        if percent.any():
            at = int(np.flatnonzero(percent.to_numpy())[0])
            raise PanelError(
                f"a unit multiplier ({mult_col} {int(mult.iloc[at])}) on a percentage: the value is ambiguous",
                file=file,
                indicator=str(series.iloc[at]),
                field=mult_col,
                hint="a percentage has UNIT_MULT 0; correct the message or divide the values yourself",
            )
    scale = np.power(10.0, mult.to_numpy(dtype="float64"))
    return value.where(mult == 0, value * scale)  # values without a multiplier stay as written


def _check_units(units: pd.DataFrame, file: str | None, field: str) -> None:
    """A catalogue percentage series in another unit is refused (a rate per 100 people is not a share)."""
    from ictindex.inputs.catalogue import SERIES

    percent = {s.code for s in SERIES if s.unit == "%"}
    for name, unit in units.drop_duplicates("series").itertuples(index=False):
        if name.split(".")[0] in percent and unit and unit.upper() not in PERCENT_UNITS:
            raise PanelError(
                f"series {name} is a percentage, but the message gives it in {unit!r}",
                file=file,
                indicator=name,
                field=field,
                hint="check the series code (map it with mapping={'series': {...}}) or the unit",
            )


@cache
def _m49() -> tuple[dict[str, str], dict[str, str]]:
    """Bundled UN M49 table: numeric code -> ISO3 (countries), and -> name (regions and sub-regions)."""
    from ictindex.resources import bundled_dir

    table = pd.read_csv(
        bundled_dir("data") / "country_groups_m49" / "UNSD-m49-overview-en.csv", dtype="str", encoding="utf-8-sig"
    )
    countries = dict(zip(table["M49 Code"].astype(int).astype(str), table["ISO-alpha3 Code"], strict=True))
    regions: dict[str, str] = {}
    for code, name in (
        ("Global Code", "Global Name"),
        ("Region Code", "Region Name"),
        ("Sub-region Code", "Sub-region Name"),
        ("Intermediate Region Code", "Intermediate Region Name"),
    ):
        pairs = table[[code, name]].dropna().drop_duplicates()
        regions.update(zip(pairs[code].astype(int).astype(str), pairs[name], strict=True))
    return countries, regions


def _economies(codes: pd.Series, mapping: SdmxMapping) -> tuple[pd.Series, pd.Series]:
    """Area codes -> ISO3 (M49 numeric codes via the bundled table, 412 Kosovo -> XKX); region codes ->
    their M49 names (set aside as aggregates by validation); other codes as they are."""
    countries, regions = _m49()

    def resolve(code: str) -> tuple[str, bool]:
        code = mapping.economies.get(code, code)
        if code.isdigit():
            number = str(int(code))
            if number == "412":
                return "XKX", False
            if number in countries:
                return countries[number], False
            return regions.get(number, f"M49 {code}"), True
        return code, False

    resolved = {c: resolve(c) for c in codes.unique()}
    return codes.map(lambda c: resolved[c][0]), codes.map(lambda c: resolved[c][1])


def _sources(table: pd.DataFrame, structure_id: str, file: str | None) -> pd.Series:
    base = f"SDMX {structure_id}" + (f" ({Path(file).name})" if file else "")
    if "SOURCE_DETAIL" in table.columns:
        detail = table["SOURCE_DETAIL"].fillna("").astype(str)
        return (base + ": " + detail).where(detail != "", base)
    return pd.Series(base, index=table.index)


def _notes(table: pd.DataFrame) -> pd.Series:
    parts = []
    if "OBS_STATUS" in table.columns:
        status = table["OBS_STATUS"].fillna("").astype(str)
        parts.append(status.map(lambda c: OBS_STATUS.get(c.upper(), f"SDMX OBS_STATUS {c}" if c else "")))
    if "NATURE" in table.columns:
        nature = table["NATURE"].fillna("").astype(str)
        parts.append(nature.map(lambda c: SDG_NATURE.get(c.upper(), f"SDG nature {c}" if c else "")))
    for name in FOOTNOTES:
        if name in table.columns and name != "SOURCE_DETAIL":
            parts.append(table[name].fillna("").astype(str))
    if not parts:
        return pd.Series("", index=table.index)
    joined = pd.concat(parts, axis=1).apply(lambda row: "; ".join(p for p in row if p), axis=1)
    return joined.astype(object)
