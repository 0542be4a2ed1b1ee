"""Readers for the published formats, each returning the canonical tidy panel.

Every reader returns a :class:`SourceTable`: the ``panel`` (columns
:data:`ictindex.panel.PANEL_COLUMNS`, economy as ISO3, ``source`` naming
publisher, dataset and series, ``note`` carrying the publisher's notes) and the
rows it ``dropped`` with the reason (aggregates, unknown economy labels, cells
that are not numbers). A cell that is not a clean number is never guessed at:
"..", "n/a" and the like are missing; anything else (a footnote mark in the
cell, text) is missing too, and recorded in ``dropped``.

Layouts are located by their labels, not by fixed positions, and a missing
label raises :class:`~ictindex.errors.SourceFileError` naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ictindex.countries import classify
from ictindex.errors import SourceFileError
from ictindex.panel import MISSING_MARKERS, PANEL_COLUMNS

__all__ = [
    "SourceTable",
    "read_datahub_csv",
    "read_itu_wide",
    "read_itu_household",
    "read_itu_by_sex",
    "read_itu_by_sex_and_area",
    "read_sdg_csv",
    "read_ddf",
    "read_sdg_ddf",
    "read_owid",
    "AREAS",
    "area_code",
    "WDI_AGGREGATES",
]

#: Areas of the urban/rural breakdown. The panel has no ``area`` column: a value for an area other than
#: the total is a series of its own, ``<code>.<area>`` (e.g. ``i99H.urban``), with the same ``sex`` rows.
AREAS = ("total", "urban", "rural")

DROPPED_COLUMNS = ["file", "label", "year", "indicator", "reason"]


@dataclass(frozen=True)
class SourceTable:
    panel: pd.DataFrame
    dropped: pd.DataFrame


def _text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings, empty for missing (pandas 3 keeps NaN through astype(str))."""
    return values.map(lambda v: "" if pd.isna(v) else str(v).strip()).astype("str")


def _numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Floats, and a mask of cells that held text other than a missing marker."""
    number = pd.to_numeric(values, errors="coerce").astype("float64")
    text = values.notna() & number.isna()
    folded = values[text].astype(str).str.strip().str.casefold()
    unparsed = np.zeros(len(values), dtype=bool)
    unparsed[text.to_numpy(dtype=bool)] = ~folded.isin(MISSING_MARKERS).to_numpy(dtype=bool)
    return number, pd.Series(unparsed, index=values.index)


def _finish(
    rows: pd.DataFrame, file: Path, extra_names: Mapping[str, str] | None = None, aggregates: pd.Series | None = None
) -> SourceTable:
    """Resolve economy labels, parse values, drop and record what cannot be used (``aggregates``: a mask of
    rows the reader knows to be group aggregates)."""
    rows = rows.reset_index(drop=True)
    label = _text(rows["economy"])
    kinds = classify(label, extra_names).set_index("label")
    kind = label.map(kinds["kind"])
    if aggregates is not None:
        kind = kind.where(~aggregates.to_numpy(), "aggregate")
    value, unparsed = _numbers(rows["value"])
    reasons = pd.Series("", index=rows.index, dtype="str")
    reasons[kind == "aggregate"] = "regional/income aggregate"
    reasons[kind == "unknown"] = "economy label not in the ISO/ITU name tables"
    reasons[(reasons == "") & unparsed] = "cell is not a number: '" + rows["value"].astype(str) + "'"
    bad = reasons != ""
    dropped = rows[bad].assign(reason=reasons[bad], label=label[bad], file=file.name)
    keep = (reasons == "") & value.notna()
    panel = rows[keep].assign(economy=label[keep].map(kinds["iso3"]), value=value[keep])
    panel["year"] = panel["year"].astype("int64")
    panel["note"] = panel["note"].fillna("").astype(str).str.strip()
    return SourceTable(panel[PANEL_COLUMNS].reset_index(drop=True), dropped[DROPPED_COLUMNS].reset_index(drop=True))


def _require(frame: pd.DataFrame, columns: list[str], file: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceFileError(
            f"expected column(s) {missing} are missing; found {list(frame.columns)[:15]}",
            file=str(file),
            hint="is this the right file, in the publisher's original layout?",
        )


def _excel(file: Path, sheet: str | int = 0) -> pd.DataFrame:
    try:
        return pd.read_excel(file, sheet_name=sheet, header=None, engine="calamine")
    except ValueError as err:
        sheets = pd.ExcelFile(file, engine="calamine").sheet_names
        raise SourceFileError(
            f"cannot read sheet {sheet!r}: {err}; sheets: {sheets}",
            file=str(file),
            hint="give the sheet name of the original file",
        ) from None
    except Exception as err:  # calamine's own error types
        raise SourceFileError(f"not a readable Excel file: {err}", file=str(file)) from None


def read_datahub_csv(file: str | Path) -> SourceTable:
    """ITU DataHub long CSV export (seriesCode, entityIso, dataValue, dataYear, dataNote, dataSource...).

    The ``seriesUnits`` column is unreliable and ignored: the unit follows from ``seriesCode``.
    """
    file = Path(file)
    frame = pd.read_csv(file, encoding="utf-8-sig", dtype={"dataValue": "str"})
    _require(frame, ["seriesCode", "entityIso", "dataValue", "dataYear"], file)
    note = _text(frame.get("dataNote", pd.Series("", index=frame.index)))
    origin = _text(frame.get("dataSource", pd.Series("", index=frame.index)))
    rows = pd.DataFrame(
        {
            "economy": frame["entityIso"],
            "year": pd.to_numeric(frame["dataYear"], errors="coerce"),
            "indicator": frame["seriesCode"].astype(str),
            "sex": "total",
            "value": frame["dataValue"],
            "source": "ITU DataHub export 2025 (" + file.name + ")",
            "note": (note + np.where((note != "") & (origin != ""), " | ", "") + origin).str.strip(),
        }
    )
    return _finish(rows.dropna(subset=["year"]), file)


def read_itu_wide(file: str | Path, title: str, code: str) -> SourceTable:
    """ITU "Final" sheet of the June 2019 indicator files: economies by row, one block of year columns
    per indicator; ``title`` is the block's title in the first row (e.g. "... per 100 inhabitants")."""
    file = Path(file)
    sheet = _excel(file, "Final")
    titles = _text(sheet.iloc[0])
    start = np.flatnonzero(titles.str.casefold() == title.casefold())
    if len(start) == 0:
        raise SourceFileError(
            f"no block titled '{title}' in the first row",
            file=str(file),
            hint=f"titles found: {sorted(set(titles[titles != '']))}",
        )
    years = pd.to_numeric(sheet.iloc[1], errors="coerce")
    columns = []
    for col in range(start[0], sheet.shape[1]):
        if col > start[0] and titles.iloc[col] != "":
            break
        if not np.isnan(years.iloc[col]):
            columns.append(col)
    block = sheet.iloc[2:, [0, *columns]]
    block.columns = ["economy", *[int(years.iloc[c]) for c in columns]]
    block = block[block["economy"].notna()]
    rows = block.melt(id_vars="economy", var_name="year", value_name="value")
    rows = rows.assign(indicator=code, sex="total", source=f"ITU key ICT indicators, June 2019 ({file.name})", note="")
    return _finish(rows[rows["value"].notna()], file)


def _header_row(sheet: pd.DataFrame, label: str, file: Path) -> int:
    hits = np.flatnonzero(sheet.apply(lambda r: _text(r).eq(label).any(), axis=1))
    if len(hits) == 0:
        raise SourceFileError(
            f"no header cell '{label}' found", file=str(file), hint="is this the publisher's original table?"
        )
    return int(hits[0])


def read_itu_household(file: str | Path) -> SourceTable:
    """ITU Core Household Indicators (June 2019): latest value and its year per indicator code (HH1...)."""
    file = Path(file)
    sheet = _excel(file)
    code_row = _header_row(sheet, "(HH4)", file)
    codes = _text(sheet.iloc[code_row])
    names = sheet.iloc[4:, 1]
    frames = []
    for col, cell in codes.items():
        if not (cell.startswith("(HH") and cell.endswith(")")):
            continue
        year_cols = [c for c in range(col + 1, sheet.shape[1]) if codes.iloc[c] == "Year"]
        if not year_cols:
            raise SourceFileError(f"no 'Year' column after {cell}", file=str(file))
        ycol = year_cols[0]
        notes = sheet.iloc[4:, col + 1 : ycol].apply(_text).agg(" ".join, axis=1).str.strip()
        frames.append(
            pd.DataFrame(
                {
                    "economy": names,
                    "year": pd.to_numeric(sheet.iloc[4:, ycol], errors="coerce"),
                    "indicator": cell.strip("()"),
                    "sex": "total",
                    "value": sheet.iloc[4:, col],
                    "source": f"ITU core household indicators, June 2019 ({file.name})",
                    "note": np.where(notes != "", "footnote " + notes, ""),
                }
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["economy"].notna() & rows["year"].notna()]
    return _finish(rows, file)


def read_itu_by_sex(file: str | Path, code: str = "i99H") -> SourceTable:
    """ITU table "Individuals using the Internet ... by gender": economy, latest year, all, male, female."""
    file = Path(file)
    sheet = _excel(file)
    head = _header_row(sheet, "Economy name", file)
    labels = _text(sheet.iloc[head])

    def column(label: str) -> int:
        found = np.flatnonzero(labels.str.casefold() == label.casefold())
        if len(found) == 0:
            raise SourceFileError(f"no column '{label}' in the header row", file=str(file))
        return int(found[0])

    body = sheet.iloc[head + 1 :]
    economy = body.iloc[:, column("Economy name")]
    end = np.flatnonzero(economy.isna().to_numpy())
    body = body.iloc[: end[0]] if len(end) else body
    economy = body.iloc[:, column("Economy name")]
    year = pd.to_numeric(body.iloc[:, column("year")], errors="coerce")
    frames = [
        pd.DataFrame(
            {
                "economy": economy,
                "year": year,
                "indicator": code,
                "sex": sex,
                "value": body.iloc[:, column(label)],
                "note": _text(body.iloc[:, column(label) + 1]),
            }
        )
        for sex, label in (("total", "Individuals"), ("male", "Male"), ("female", "Female"))
    ]
    rows = pd.concat(frames, ignore_index=True)
    rows["source"] = f"ITU Internet use by sex ({file.name})"
    return _finish(rows[rows["year"].notna()], file)


def area_code(code: str, area: str) -> str:
    """Series code of ``code`` for one area: ``i99H`` (total), ``i99H.urban``, ``i99H.rural``."""
    if area not in AREAS:
        raise SourceFileError(f"unknown area '{area}'", field="area", hint=f"use one of {AREAS}")
    return code if area == "total" else f"{code}.{area}"


def read_itu_by_sex_and_area(file: str | Path, code: str = "i99H") -> SourceTable:
    """ITU table "Individuals using the Internet ... by gender and urban/rural location".

    The sheet has a two-row header: the upper row names the blocks ("All", "Gender", "Urban",
    "Rural"), the lower one the columns ("Individuals", "Male", "Female", "Total"); each value
    column is followed by a footnote column. Returns the total, male and female values of the
    whole population as series ``code`` (as :func:`read_itu_by_sex` does) and those of urban
    and rural areas as series ``code.urban`` and ``code.rural`` (see :data:`AREAS`).
    """
    file = Path(file)
    sheet = _excel(file)
    head = _header_row(sheet, "Economy name", file)
    labels = _text(sheet.iloc[head]).str.casefold()
    blocks = _text(sheet.iloc[head - 1]).replace("", np.nan).ffill().fillna("").str.casefold()

    def column(block: str, label: str) -> int:
        found = np.flatnonzero((blocks == block) & (labels == label))
        if len(found) == 0:
            raise SourceFileError(
                f"no column '{label}' under '{block}' in the two header rows",
                file=str(file),
                hint="is this ITU's table by gender and urban/rural location?",
            )
        return int(found[0])

    name_col = int(np.flatnonzero(labels == "economy name")[0])
    body = sheet.iloc[head + 1 :]
    end = np.flatnonzero(body.iloc[:, name_col].isna().to_numpy())
    body = body.iloc[: end[0]] if len(end) else body
    year = pd.to_numeric(body.iloc[:, column("latest", "year")], errors="coerce")
    layout = [
        ("total", "total", "all", "individuals"),
        ("total", "male", "gender", "male"),
        ("total", "female", "gender", "female"),
    ]
    layout += [
        (area, sex, area, "total" if sex == "total" else sex)
        for area in ("urban", "rural")
        for sex in ("total", "male", "female")
    ]
    frames = [
        pd.DataFrame(
            {
                "economy": body.iloc[:, name_col],
                "year": year,
                "indicator": area_code(code, area),
                "sex": sex,
                "value": body.iloc[:, column(block, label)],
                "note": _text(body.iloc[:, column(block, label) + 1]),
            }
        )
        for area, sex, block, label in layout
    ]
    rows = pd.concat(frames, ignore_index=True)
    rows["source"] = f"ITU Internet use by sex and urban/rural location ({file.name})"
    return _finish(rows[rows["year"].notna()], file)


def read_sdg_csv(file: str | Path) -> SourceTable:
    """UN SDG Global Database CSV (GeoAreaCode = M49, TimePeriod, Value, Sex, SeriesCode, FootNote)."""
    from ictindex.countries import from_m49

    file = Path(file)
    frame = pd.read_csv(file, dtype={"Value": "str"})
    _require(frame, ["SeriesCode", "GeoAreaCode", "GeoAreaName", "TimePeriod", "Value", "Sex"], file)
    iso = frame["GeoAreaCode"].map(lambda c: from_m49(c) if pd.notna(c) else None)
    sex = frame["Sex"].astype(str).str.upper().map({"BOTHSEX": "total", "FEMALE": "female", "MALE": "male"})
    rows = pd.DataFrame(
        {
            "economy": iso.where(iso.notna(), frame["GeoAreaName"]),
            "year": pd.to_numeric(frame["TimePeriod"], errors="coerce"),
            "indicator": frame["SeriesCode"].astype(str),
            "sex": sex,
            "value": frame["Value"],
            "source": "UN SDG Global Database " + frame.get("ReleaseName", "").astype(str) + " (" + file.name + ")",
            "note": _text(frame.get("FootNote", pd.Series("", index=frame.index))),
        }
    )
    return _finish(rows[rows["sex"].notna() & rows["year"].notna()], file)


#: World Bank aggregate codes in WDI files (regions, income and lending groups), set aside as aggregates.
_WDI_AGGREGATE_TEXT = (
    "afe afw arb css ceb ear eas eap tea emu ecs eca tec euu fcs hpc hic ibd ibt idb idx ida lte lcn lac tla ldc "
    "lmy lic lmc mea mna tmn mic nac oed oss pss pst pre sst sas tsa ssf ssa tss umc wld inx"
)
WDI_AGGREGATES = frozenset(_WDI_AGGREGATE_TEXT.split())


def _ddf_columns(frame: pd.DataFrame, file: Path) -> tuple[str, str, str]:
    """Economy, year and value columns of a DDF datapoints file (``geo``/``economy``/``country``, ``time``/``year``)."""
    economy = next((c for c in ("geo", "economy", "country") if c in frame.columns), None)
    year = next((c for c in ("time", "year") if c in frame.columns), None)
    if economy is None or year is None:
        raise SourceFileError(
            f"no economy or year column; found {list(frame.columns)}",
            file=str(file),
            hint="a DDF datapoints file has geo/economy/country and time/year key columns",
        )
    concept = [c for c in frame.columns if c not in (economy, year)]
    if len(concept) != 1:
        raise SourceFileError(
            f"expected one value column besides {economy} and {year}, found {concept}", file=str(file)
        )
    return economy, year, concept[0]


def read_ddf(
    file: str | Path,
    code: str,
    years: tuple[int, int] | None = None,
    extra_names: Mapping[str, str] | None = None,
    *,
    sex: str = "total",
    publisher: str = "Gapminder/World Bank WDI",
) -> SourceTable:
    """Gapminder DDF datapoints CSV: an economy key (``geo``, ``economy`` or ``country``: lower-case ISO3),
    a year key (``time`` or ``year``) and one value column; ``sex`` labels the rows (a WDI ``.FE`` file is
    ``female``). World Bank aggregate codes (:data:`WDI_AGGREGATES`) are set aside as aggregates."""
    file = Path(file)
    frame = pd.read_csv(file, dtype="str")
    economy, year, concept = _ddf_columns(frame, file)
    frame[year] = pd.to_numeric(frame[year], errors="coerce")
    if years is not None:
        frame = frame[frame[year].between(*years)]
    frame = frame.dropna(subset=[year])
    rows = pd.DataFrame(
        {
            "economy": frame[economy],
            "year": frame[year],
            "indicator": code,
            "sex": sex,
            "value": frame[concept],
            "source": f"{publisher} ({file.name})",
            "note": "",
        }
    )
    return _finish(rows, file, extra_names, aggregates=frame[economy].str.casefold().isin(WDI_AGGREGATES))


#: SDG "nature" codes (UN SDG Global Database metadata): C country data, CA country adjusted, E estimated,
#: M modelled, G global monitoring data, N non-relevant (aggregates).
SDG_NATURE = {
    "c": "",
    "ca": "country data adjusted",
    "e": "estimate (SDG nature E)",
    "m": "modelled (SDG nature M)",
    "g": "global monitoring data (SDG nature G)",
    "n": "",
    "notspec": "",
}


def read_sdg_ddf(
    file: str | Path, code: str, *, release: str, where: Mapping[str, str] | None = None, split: str | None = None
) -> SourceTable:
    """UN SDG Global Database in Gapminder's DDF layout: ``geo_area`` (UN M49), ``sex``, ``nature``, ``year``,
    further key columns and one value column.

    ``where`` keeps the rows whose key columns take these values (e.g. ``{"age": "allage"}``); ``split``
    names a key column whose value is appended to ``code`` (``SE_ADT_ACTS`` by ``type_of_skill`` gives
    ``SE_ADT_ACTS_ARSP``, ...). ``nature`` becomes the note (``E`` = estimated). M49 codes of regions and
    groups are set aside as aggregates; 412 is Kosovo (not in ISO 3166).
    """
    from ictindex.countries import from_m49

    file = Path(file)
    frame = pd.read_csv(file, dtype="str")
    _require(frame, ["geo_area", "sex", "year"], file)
    value = [c for c in frame.columns if c.casefold() == code.casefold()]
    if not value:
        raise SourceFileError(f"no value column '{code.lower()}'", file=str(file))
    for column, wanted in (where or {}).items():
        _require(frame, [column], file)
        frame = frame[frame[column] == wanted]
    m49 = pd.to_numeric(frame["geo_area"], errors="coerce")
    iso = {c: ("XKX" if c == 412 else from_m49(c)) for c in m49.dropna().unique()}
    economy = m49.map(iso)
    sex = frame["sex"].map({"bothsex": "total", "female": "female", "male": "male"})
    indicator = code if split is None else code + "_" + frame[split].str.upper()
    nature = frame["nature"] if "nature" in frame.columns else pd.Series("", index=frame.index)
    rows = pd.DataFrame(
        {
            "economy": economy.where(economy.notna(), "M49 " + frame["geo_area"]),
            "year": pd.to_numeric(frame["year"], errors="coerce"),
            "indicator": indicator,
            "sex": sex,
            "value": frame[value[0]],
            "source": f"UN SDG Global Database {release} ({file.name})",
            "note": nature.map(SDG_NATURE).fillna("SDG nature " + nature.astype(str).str.upper()),
        }
    )
    keep = (rows["sex"].notna() & rows["year"].notna()).to_numpy()
    return _finish(rows[keep], file, aggregates=economy[keep].isna())


def read_owid(
    file: str | Path, code: str, extra_names: Mapping[str, str] | None = None, years: tuple[int, int] | None = None
) -> SourceTable:
    """Our World in Data grapher CSV (Entity, Year, one value column)."""
    file = Path(file)
    frame = pd.read_csv(file)
    _require(frame, ["Entity", "Year"], file)
    value = [c for c in frame.columns if c not in ("Entity", "Year", "Code")]
    if years is not None:
        frame = frame[frame["Year"].between(*years)]
    rows = pd.DataFrame(
        {
            "economy": frame["Entity"],
            "year": frame["Year"],
            "indicator": code,
            "sex": "total",
            "value": frame[value[0]],
            "source": f"Our World in Data / UNDP ({file.name})",
            "note": "",
        }
    )
    return _finish(rows, file, extra_names)
