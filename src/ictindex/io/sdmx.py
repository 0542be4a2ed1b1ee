"""SDMX in and out: panels from the exchange standard of statistical offices, scores back to it.

SDMX (Statistical Data and Metadata eXchange, ISO 17369) is how UNSD's SDG Global Database, the World Bank,
the ILO, the IMF, Eurostat, the OECD and national statistical offices publish and exchange indicators.
Messages are read and written with the ``sdmx1`` package (``pip install ictindex[sdmx]``):

* :func:`read_sdmx` reads SDMX-ML 2.1 and 3.0 (generic or structure-specific; a structure-specific message
  needs its data structure, ``structure=``) and SDMX-CSV (1.0 and 2.0; without a structure one is derived
  from the header), and maps the message onto a panel (``economy, year, indicator, sex, value, source,
  note``) through a :class:`SdmxMapping`: ``REF_AREA`` to the economy (UN M49 numeric codes to ISO3 with the
  bundled M49 table), ``TIME_PERIOD`` to the year, ``SERIES``/``INDICATOR`` to the series code, ``SEX`` to
  total/female/male, ``URBANISATION`` (urban/rural) and ``AGE`` to series of their own
  (``i99H.urban``, ``i99H.age_Y15T24``), as the panel holds them. Observation status (``OBS_STATUS``), the
  SDG ``NATURE`` and footnotes (``COMMENT_OBS``, ``FOOTNOTE``...) become the value's note, so an estimate
  travels as a flag like any publisher estimate (:mod:`ictindex.flags`). ``UNIT_MULT`` is applied (value x
  10^mult); a unit multiplier on a percentage, or a unit that is not the series' own, is refused naming the
  series and the field.
* :func:`to_sdmx` writes a result's scores (index and sub-indices, by sex when built) as SDMX-CSV 2.0 with
  the data structure definition (codelists of economies, nodes and sexes) it also writes as SDMX-ML 2.1, or
  against a user's structure; ``sdmx1`` reads the pair back to the same values and codes.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import IctIndexError, OutputError, PanelError

__all__ = ["SdmxMapping", "DEFAULT_MAPPING", "read_sdmx", "to_sdmx"]

#: Code -> sex of the panel (SDMX cross-domain CL_SEX, and the UN SDG's older codes).
SEX_CODES = {
    "_T": "total",
    "T": "total",
    "BOTHSEX": "total",
    "SEX_T": "total",
    "F": "female",
    "FEMALE": "female",
    "SEX_F": "female",
    "M": "male",
    "MALE": "male",
    "SEX_M": "male",
}
#: Code -> suffix of the series code (URBANISATION, CL_DEGURBA / SDG ``URBANISATION``): a total adds none.
LOCATION_CODES = {"_T": "", "ALLAREA": "", "T": "", "U": "urban", "URBAN": "urban", "R": "rural", "RURAL": "rural"}
#: Codes of a dimension that mean "all of it" (no breakdown).
TOTAL_CODES = frozenset({"_T", "_Z", "_X", "T", "ALLAGE", "ALLAREA", "BOTHSEX", "_N"})
#: SDMX cross-domain observation status (CL_OBS_STATUS) -> the note the value carries. "estimated" makes
#: :func:`ictindex.flags.is_estimate` flag the value.
OBS_STATUS = {
    "A": "",
    "B": "break in series (SDMX OBS_STATUS B)",
    "D": "definition differs (SDMX OBS_STATUS D)",
    "E": "estimated value (SDMX OBS_STATUS E)",
    "F": "forecast value (SDMX OBS_STATUS F)",
    "I": "imputed value (SDMX OBS_STATUS I)",
    "M": "missing value (SDMX OBS_STATUS M)",
    "P": "provisional value (SDMX OBS_STATUS P)",
    "U": "low reliability (SDMX OBS_STATUS U)",
}
#: UN SDG ``NATURE`` codes (SDG metadata): E estimated, M modelled, G global monitoring, C/CA country data.
SDG_NATURE = {
    "C": "",
    "CA": "country data adjusted (SDG nature CA)",
    "E": "estimated (SDG nature E)",
    "M": "modelled (SDG nature M)",
    "G": "global monitoring data (SDG nature G)",
    "N": "",
    "_X": "",
    "NOTSPEC": "",
}
#: Attributes whose text is a footnote of the value (kept in the note).
FOOTNOTES = ("COMMENT_OBS", "OBS_COMMENT", "FOOTNOTE", "COMMENT_TS", "TIME_DETAIL", "SOURCE_DETAIL")
#: Unit codes that mean a percentage (UN SDG ``PERCENT``, SDMX cross-domain ``PT``/``PC``).
PERCENT_UNITS = frozenset({"PT", "PC", "PERCENT", "%", "PERCENTAGE"})
#: SDMX series codes whose panel code differs in more than ``_`` for ``.`` (UN SDG 17.8.1 is ITU's i99H).
SERIES_CODES = {"IT_USE_ii99": "i99H"}


@dataclass(frozen=True)
class SdmxMapping:
    """How the dimensions and attributes of an SDMX message become a panel.

    Each of ``economy``, ``year``, ``indicator``, ``sex``, ``location`` and ``age`` lists candidate
    dimension ids; the first present in the message is used (``indicator`` may join several:
    ``("DATATYPE", "PRODUCTCODE")`` gives ``Reported.020110``). ``select`` keeps the observations whose
    dimensions take the given codes (``{"REPORTING_TYPE": "G"}``); any other dimension that takes more than
    one code is an error naming it (its observations would otherwise collide). ``series`` renames series
    codes (``{"IT_USE_ii99": "i99H"}``); a code not named there is kept, or written with ``.`` for ``_``
    when that is a catalogue code (World Bank ``IT_NET_USER_ZS`` -> ``IT.NET.USER.ZS``). ``economies``
    renames area codes before the M49 and name look-ups. ``aggregates``: ``"keep"`` (default) passes
    regional codes on as their M49 names, which validation sets aside and records; ``"drop"`` leaves them
    out here (listed in ``frame.attrs["aggregates"]``).
    """

    economy: tuple[str, ...] = ("REF_AREA", "REPORTER", "GEO", "GEO_PICT", "COUNTRY", "AREA")
    year: tuple[str, ...] = ("TIME_PERIOD",)
    indicator: tuple[str, ...] = ("SERIES", "INDICATOR", "SERIES_CODE")
    sex: tuple[str, ...] = ("SEX",)
    location: tuple[str, ...] = ("URBANISATION", "URBANIZATION", "DEGURBA")
    age: tuple[str, ...] = ("AGE",)
    select: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    series: Mapping[str, str] = field(default_factory=lambda: dict(SERIES_CODES))
    economies: Mapping[str, str] = field(default_factory=dict)
    aggregates: str = "keep"

    def with_(self, changes: Mapping[str, Any] | None) -> SdmxMapping:
        """This mapping with some fields replaced (a string for a tuple field is one dimension)."""
        if not changes:
            return self
        unknown = sorted(set(changes) - set(self.__dataclass_fields__))
        if unknown:
            raise IctIndexError(
                f"unknown mapping key(s) {unknown}",
                field="mapping",
                hint=f"use {sorted(self.__dataclass_fields__)}",
            )
        fixed = {k: ((v,) if isinstance(v, str) and k in _DIMENSION_FIELDS else v) for k, v in changes.items()}
        if "series" in fixed:
            fixed["series"] = {**SERIES_CODES, **dict(fixed["series"])}
        if fixed.get("aggregates", "keep") not in ("keep", "drop"):
            raise IctIndexError(
                f"mapping aggregates must be 'keep' or 'drop', got {fixed['aggregates']!r}",
                field="mapping.aggregates",
                hint="write aggregates='drop' to leave regional codes out",
            )
        return replace(self, **fixed)


_DIMENSION_FIELDS = ("economy", "year", "indicator", "sex", "location", "age")
#: The mapping of the UN SDG Global Database (DSD IAEG-SDGs:SDG) and the World Bank's SDMX (WDI, WITS).
DEFAULT_MAPPING = SdmxMapping()


def _sdmx() -> Any:
    try:
        import sdmx
    except ImportError:
        raise IctIndexError(
            "reading and writing SDMX needs the sdmx1 package", hint="pip install 'ictindex[sdmx]'"
        ) from None
    return sdmx


# -- reading ------------------------------------------------------------------------------------------
def read_sdmx(
    path_or_message: str | Path | Any,
    mapping: SdmxMapping | Mapping[str, Any] | None = None,
    *,
    structure: str | Path | Any = None,
) -> pd.DataFrame:
    """A panel (``economy, year, indicator, sex, value, source, note``) from an SDMX data message.

    Parameters
    ----------
    path_or_message
        An SDMX-ML (``.xml``) or SDMX-CSV (``.csv``) file, or an ``sdmx1`` data message.
    mapping
        An :class:`~ictindex.io.sdmx.SdmxMapping`, or a dict of the fields to change in :data:`DEFAULT_MAPPING`
        (the UN SDG and World Bank structures):
        ``read_sdmx(path, {"economy": "GEO_PICT", "select": {"AGE": "Y15T24"}})``.
    structure
        The data structure (a structure message file, or an ``sdmx1`` DataStructureDefinition / Dataflow)
        of a structure-specific SDMX-ML or an SDMX-CSV message. SDMX-CSV without one is read with a
        structure derived from its header (columns before ``OBS_VALUE`` are dimensions, after it attributes).

    The frame's ``attrs`` hold ``file``, ``structure`` (the message's structure id), ``dropped_dimensions``
    (dimensions with one code, left out) and ``aggregates`` (regional codes set aside, with
    ``aggregates="drop"``). Build with it as with any panel: ``build_index(read_sdmx(path), ...)``.
    """
    sdmx = _sdmx()
    mapping = mapping if isinstance(mapping, SdmxMapping) else DEFAULT_MAPPING.with_(mapping)
    file = str(path_or_message) if isinstance(path_or_message, str | Path) else None
    message = _message(sdmx, path_or_message, structure) if file else path_or_message
    if not hasattr(message, "data"):
        raise PanelError(
            f"expected an SDMX data message or file, got {type(message).__name__}",
            hint="give the path of an SDMX-ML or SDMX-CSV file, or an sdmx1 DataMessage",
        )
    if not message.data:
        raise PanelError("the SDMX message holds no data set", file=file, hint="check the query or the file")
    frames = [_observations(ds) for ds in message.data]
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    table.attrs["dimensions"] = sorted({d for f in frames for d in f.attrs["dimensions"]})
    if table.empty:
        raise PanelError("the SDMX message holds no observation", file=file, hint="check the query or the file")
    structure_id = _structure_id(message)
    panel, attrs = _to_panel(table, mapping, file, structure_id)
    panel.attrs.update(attrs)
    if file:
        panel.attrs["file"] = file
    return panel


def _message(sdmx: Any, path: str | Path, structure: Any) -> Any:
    path = Path(path)
    if not path.is_file():
        raise PanelError("file not found", file=str(path), hint="check the path")
    structure = _structure(sdmx, structure)
    data = path.read_bytes()
    is_csv = path.suffix.lower() in (".csv", ".txt") or data.lstrip()[:1] != b"<"
    try:
        if is_csv:
            data, structure = _csv_2(sdmx, data, structure, path)
            return sdmx.read_sdmx(io.BytesIO(data), format="CSV", structure=structure)
        return sdmx.read_sdmx(path, **({"structure": structure} if structure is not None else {}))
    except IctIndexError:
        raise
    except Exception as err:  # sdmx1 raises its own types, lxml's, ValueError, NotImplementedError
        hint = (
            "a structure-specific message needs its data structure: pass structure= (a structure file)"
            if "structure" in str(err).lower() or "dsd" in str(err).lower()
            else "check that the file is SDMX-ML 2.1/3.0 or SDMX-CSV"
        )
        raise PanelError(f"cannot read the SDMX message: {err}", file=str(path), hint=hint) from None


def _structure(sdmx: Any, structure: Any) -> Any:
    """A DSD or dataflow from a structure file, or as given."""
    if structure is None or not isinstance(structure, str | Path):
        return structure
    message = sdmx.read_sdmx(Path(structure))
    flows = list(getattr(message, "dataflow", {}).values())
    dsds = list(getattr(message, "structure", {}).values())
    if len(flows) == 1:
        return flows[0]
    if len(dsds) == 1:
        return dsds[0]
    raise PanelError(
        f"the structure file holds {len(flows)} dataflows and {len(dsds)} data structures; one is needed",
        file=str(structure),
        field="structure",
        hint="pass the sdmx1 DataStructureDefinition itself (message.structure['ID'])",
    )


def _csv_2(sdmx: Any, data: bytes, structure: Any, path: Path) -> tuple[bytes, Any]:
    """SDMX-CSV 2.0 bytes and a structure: 1.0 (``DATAFLOW`` first) is rewritten to 2.0's first columns, and
    a structure is derived from the header when none is given."""
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0]:
        raise PanelError("the file is empty", file=str(path), hint="give an SDMX-CSV file with a header row")
    header = rows[0]
    if header[0] == "DATAFLOW":  # SDMX-CSV 1.0
        header = ["STRUCTURE", "STRUCTURE_ID", *header[1:]]
        rows = [header] + [["dataflow", *row] for row in rows[1:] if row]
    elif not header[0].startswith("STRUCTURE"):
        raise PanelError(
            f"not SDMX-CSV: the first column is {header[0]!r} (SDMX-CSV starts with DATAFLOW or STRUCTURE)",
            file=str(path),
            hint="give an SDMX-CSV file, or read a plain CSV panel with read_table",
        )
    if "OBS_VALUE" not in header:
        raise PanelError("no OBS_VALUE column", file=str(path), field="OBS_VALUE", hint="give SDMX-CSV data")
    if "ACTION" not in header[2:4]:  # sdmx1 files observations by action: "I" (information) when absent
        at = 3 if header[2] == "STRUCTURE_NAME" else 2
        header = [*header[:at], "ACTION", *header[at:]]
        rows = [header] + [[*row[:at], "I", *row[at:]] for row in rows[1:] if row]
    if structure is None:
        structure = _structure_from_header(sdmx, header, rows[1][1] if len(rows) > 1 else "X:X(1.0)")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(), structure


def _structure_from_header(sdmx: Any, header: list[str], structure_id: str) -> Any:
    """A data structure from an SDMX-CSV header: dimensions before ``OBS_VALUE``, attributes after."""
    from sdmx.model import common
    from sdmx.model import v30 as model

    agency, _, rest = structure_id.partition(":")
    flow_id, _, version = rest.partition("(")
    maintainer = common.Agency(id=agency or "UNKNOWN")
    dsd = model.DataStructureDefinition(id=flow_id or "DERIVED", maintainer=maintainer, version="1.0")
    start = 2 + sum(1 for h in header[2:4] if h in ("ACTION", "STRUCTURE_NAME"))
    value = header.index("OBS_VALUE")
    for name in header[start:value]:
        cls = model.TimeDimension if name == "TIME_PERIOD" else model.Dimension
        dsd.dimensions.getdefault(name, cls=cls)
    dsd.measures.getdefault("OBS_VALUE")
    for name in header[value + 1 :]:
        dsd.attributes.getdefault(name)
    return model.Dataflow(
        id=flow_id or "DERIVED", maintainer=maintainer, version=version.rstrip(")") or "1.0", structure=dsd
    )


def _structure_id(message: Any) -> str:
    for candidate in (getattr(message, "dataflow", None), getattr(message.data[0], "described_by", None)):
        urn = getattr(candidate, "id", None)
        if urn:
            agency = getattr(getattr(candidate, "maintainer", None), "id", "")
            return f"{agency}:{urn}({getattr(candidate, 'version', '') or ''})".replace("()", "")
    dsd = getattr(message.data[0], "structured_by", None)
    return str(getattr(dsd, "id", "")) if dsd is not None else ""


def _observations(dataset: Any) -> pd.DataFrame:
    """One row per observation: its dimensions, ``value`` (as written) and attributes; ``attrs["dimensions"]``
    names the dimensions."""
    rows = []
    dimensions: set[str] = set()
    for obs in dataset.obs:
        row = {k: str(v.value) for k, v in obs.key.values.items()}
        dimensions.update(row)
        row["value"] = obs.value
        for k, v in obs.attrib.items():
            row[k] = _text(v.value)
        for k, v in getattr(dataset, "attrib", {}).items():
            row.setdefault(k, _text(v.value))
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["dimensions"] = sorted(dimensions)
    return frame


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
    sex = _first(mapping.sex, columns)
    location = _first(mapping.location, columns)
    age = _first(mapping.age, columns)
    used = {economy, year, *indicator, sex, location, age} - {None}
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


def _series_codes(table: pd.DataFrame, dims: list[str], mapping: SdmxMapping) -> pd.Series:
    from ictindex.catalogue import series_bounds

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
    from ictindex.catalogue import SERIES

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


# -- writing ------------------------------------------------------------------------------------------
def to_sdmx(
    result: Any,
    path: str | Path,
    structure: str | Path | Any = None,
    *,
    agency: str = "ICTINDEX",
) -> dict[str, Path]:
    """Write a result's scores as SDMX-CSV 2.0 with its data structure (SDMX-ML 2.1).

    Every node score (the index and each sub-index) of every economy and year is one observation, keyed
    by ``REF_AREA`` (the unit code), ``INDICATOR`` (the node code), ``SEX`` (``_T``; ``F``/``M`` from
    ``result.gender`` when built by sex) and ``TIME_PERIOD``; ``OBS_VALUE`` is the score at full
    precision (shortest text that reads back to the same float). Missing scores are left out.

    Parameters
    ----------
    result
        An :class:`~ictindex.result.IndexResult`.
    path
        The SDMX-CSV file to write. The structure is written next to it as ``<name>.structure.xml``
        (codelists of units, nodes with their names, sexes; concept scheme; DSD; dataflow
        ``<agency>:DF_<FRAMEWORK>(<framework version>)``), unless ``structure`` is given.
    structure
        A user's data structure (a structure file holding one dataflow or DSD, or an ``sdmx1`` object)
        to write against; its dimensions must be among REF_AREA, TIME_PERIOD, INDICATOR (or SERIES), SEX
        and FREQ (written ``A``).
    agency
        Maintenance agency of the structure written (an SDMX id: letters, digits, ``_``, ``-``).

    Returns ``{"data": csv path, "structure": structure path}`` (``structure`` only when written).
    """
    sdmx = _sdmx()
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise OutputError(
            f"the SDMX-CSV file must end in .csv, got {path.name!r}",
            file=str(path),
            hint="give a path like results/doi.csv",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    observations = _score_rows(result)
    written: dict[str, Path] = {}
    if structure is None:
        flow = _build_structure(sdmx, result, observations, agency)
        structure_path = path.with_name(path.stem + ".structure.xml")
        _write_structure(sdmx, flow, structure_path)
        written["structure"] = structure_path
    else:
        flow = _user_structure(sdmx, structure)
    dataset = _dataset(flow, observations)
    sdmx.to_csv(dataset, path=path)
    written["data"] = path
    return written


def _score_rows(result: Any) -> pd.DataFrame:
    """economy, year, node, sex, value of every present score (total; female/male when built)."""
    nodes = result.node_codes
    scores = result.scores
    long = scores.melt(id_vars=["economy", "year"], value_vars=nodes, var_name="node", value_name="value")
    long["sex"] = "_T"
    parts = [long]
    try:
        gender = result.gender
    except IctIndexError:
        gender = None
    if gender is not None and not gender.empty:
        for column, code in (("female", "F"), ("male", "M")):
            part = gender[["economy", "year", "node", column]].rename(columns={column: "value"})
            parts.append(part.assign(sex=code))
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[rows["value"].notna()]
    rows["economy"] = rows["economy"].astype(str)
    rows["node"] = rows["node"].astype(str)
    return rows.sort_values(["node", "sex", "economy", "year"]).reset_index(drop=True)


def _build_structure(sdmx: Any, result: Any, rows: pd.DataFrame, agency: str) -> Any:
    from sdmx.model import common
    from sdmx.model import v21 as model

    fw = result.framework
    maintainer = common.Agency(id=agency)
    version = _sdmx_version(getattr(fw, "version", None))
    suffix = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in fw.code.upper())

    def codelist(cl_id: str, name: str, codes: Mapping[str, str]) -> Any:
        cl = model.Codelist(id=cl_id, name=name, maintainer=maintainer, version=version)
        for code, label in codes.items():
            cl.append(model.Code(id=code, name=label))
        return cl

    areas = codelist("CL_AREA_" + suffix, "Units scored", {c: c for c in sorted(rows["economy"].unique())})
    nodes = codelist(
        "CL_INDICATOR_" + suffix,
        f"{fw.name}: index and sub-indices",
        {n: fw.node(n).name for n in result.node_codes},
    )
    sexes = codelist("CL_SEX_" + suffix, "Sex", {"_T": "Total", "F": "Female", "M": "Male"})
    concepts = model.ConceptScheme(id="CS_" + suffix, name="ictindex concepts", maintainer=maintainer, version=version)
    dsd = model.DataStructureDefinition(id="DSD_" + suffix, name=fw.name, maintainer=maintainer, version=version)

    def concept(cid: str, name: str) -> Any:
        c = model.Concept(id=cid, name=name)
        concepts.append(c)
        return c

    for cid, name, cl in (
        ("REF_AREA", "Reference area", areas),
        ("INDICATOR", "Index or sub-index", nodes),
        ("SEX", "Sex", sexes),
    ):
        dsd.dimensions.getdefault(
            cid, concept_identity=concept(cid, name), local_representation=common.Representation(enumerated=cl)
        )
    dsd.dimensions.getdefault("TIME_PERIOD", cls=model.TimeDimension, concept_identity=concept("TIME_PERIOD", "Year"))
    dsd.measures.getdefault("OBS_VALUE", concept_identity=concept("OBS_VALUE", "Score"))
    flow = model.DataflowDefinition(
        id="DF_" + suffix, name=f"{fw.name} scores (ictindex)", maintainer=maintainer, version=version, structure=dsd
    )
    flow._ictindex_items = (areas, nodes, sexes, concepts, dsd)  # written with the flow
    return flow


def _sdmx_version(version: object) -> str:
    text = str(version or "1.0")
    parts = [p for p in text.replace("-", ".").split(".") if p.isdigit()]
    return ".".join(parts[:3]) if parts else "1.0"


def _write_structure(sdmx: Any, flow: Any, path: Path) -> None:
    from sdmx.message import StructureMessage

    message = StructureMessage()
    for item in (*flow._ictindex_items, flow):
        message.add(item)
    path.write_bytes(sdmx.to_xml(message, pretty_print=True))


def _user_structure(sdmx: Any, structure: Any) -> Any:
    from sdmx.model import common
    from sdmx.model import v21 as model

    found = _structure(sdmx, structure)
    dsd = getattr(found, "structure", found)
    if not hasattr(dsd, "dimensions"):
        raise IctIndexError(
            f"structure must be a dataflow or data structure, got {type(found).__name__}",
            field="structure",
            hint="give a structure file (SDMX-ML) holding one dataflow or DSD",
        )
    allowed = {"REF_AREA", "TIME_PERIOD", "INDICATOR", "SERIES", "SEX", "FREQ"}
    ids = [d.id for d in dsd.dimensions]
    extra = [d for d in ids if d not in allowed]
    if extra or "REF_AREA" not in ids or "TIME_PERIOD" not in ids or not {"INDICATOR", "SERIES"} & set(ids):
        raise IctIndexError(
            f"the structure's dimensions {ids} cannot hold scores"
            + (f" (dimension(s) {extra} are not written by ictindex)" if extra else ""),
            field="structure",
            hint="use dimensions among REF_AREA, TIME_PERIOD, INDICATOR or SERIES, SEX, FREQ",
        )
    if isinstance(found, common.BaseDataflow):
        return found
    agency = getattr(dsd, "maintainer", None) or common.Agency(id="ICTINDEX")
    return model.DataflowDefinition(id="DF_" + dsd.id, maintainer=agency, version=dsd.version or "1.0", structure=dsd)


def _dataset(flow: Any, rows: pd.DataFrame) -> Any:
    from sdmx.model import common
    from sdmx.model import v21 as model

    dsd = flow.structure
    ids = [d.id for d in dsd.dimensions]
    node_dim = "INDICATOR" if "INDICATOR" in ids else "SERIES"
    if "SEX" not in ids and (rows["sex"] != "_T").any():
        rows = rows[rows["sex"] == "_T"]  # a structure without SEX holds the totals only
    measure = dsd.measures[0]
    observations = []
    for economy, year, node, value, sex in rows[["economy", "year", "node", "value", "sex"]].itertuples(index=False):
        values = {"REF_AREA": economy, node_dim: node, "TIME_PERIOD": str(int(year))}
        if "SEX" in ids:
            values["SEX"] = sex
        if "FREQ" in ids:
            values["FREQ"] = "A"
        key = dsd.make_key(common.Key, values)
        observations.append(model.Observation(dimension=key, value=float(value), value_for=measure))
    dataset = model.DataSet(structured_by=dsd, described_by=flow)
    dataset.add_obs(observations)
    return dataset
