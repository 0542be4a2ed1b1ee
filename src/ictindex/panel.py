"""Load and validate indicator panels (the first stage of the pipeline).

The canonical panel is a tidy long table with one row per economy, year,
indicator and sex::

    economy  year  indicator        sex     value  source          note
    KOR      2018  IT.NET.USER.ZS   total   96.0   WDI via ...     ...

* ``economy``: ISO 3166 alpha-3 (names are resolved by :mod:`ictindex.countries`;
  regional and income aggregates are recognised, set aside and recorded).
* ``indicator``: a framework indicator code (value in that indicator's unit) or
  a source-series code that the framework maps to an indicator.
* ``sex``: ``total`` (default), ``female`` or ``male``.

Readers accept a long table (columns ``economy, year, indicator, value``) or a
wide one (``economy, year`` and one column per indicator), as a DataFrame, a CSV
or an XLSX file. Validation collects *every* problem (for ``ictindex validate``);
:func:`to_panel` raises the first error as a :class:`~ictindex.errors.PanelError`
naming economy, indicator and year. Input frames are never modified.

>>> raw = pd.DataFrame({"economy": ["Korea (Rep.)", "World"], "year": [2018, 2018],
...                     "internet_users": ["96.0", "51.4"]})
>>> checked = to_panel(raw)
>>> checked.panel[["economy", "year", "indicator", "value"]].to_dict("records")
[{'economy': 'KOR', 'year': 2018, 'indicator': 'internet_users', 'value': 96.0}]
>>> checked.issues["problem"].tolist()
['aggregate']
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ictindex.catalogue import series_bounds
from ictindex.countries import classify
from ictindex.errors import PanelError
from ictindex.framework import Framework
from ictindex.read import read_table

__all__ = ["PANEL_COLUMNS", "PanelCheck", "read_table", "to_panel", "validate_panel", "MISSING_MARKERS"]

PANEL_COLUMNS = ["economy", "year", "indicator", "sex", "value", "source", "note"]
#: The codes of the ``sex`` column (categorical, in this order).
SEX_CODES = ("total", "female", "male")
ISSUE_COLUMNS = ["severity", "problem", "economy", "indicator", "year", "message", "line"]

_LINE = "_line"  # column of the file line (or sheet row) of each row, while validating
#: Years before this are refused (a two-digit year is a typing slip, not 20 AD).
EARLIEST_YEAR = 1900
#: Cell contents read as "no data" (recorded as a warning), compared after strip + casefold.
MISSING_MARKERS = frozenset(
    {
        "",
        "..",
        "...",
        "…",
        "-",
        "–",
        "—",
        "n/a",
        "na",
        "n.a.",
        "nan",
        "null",
        "none",
        *(
            e.casefold()
            for e in (
                "#N/A",
                "#DIV/0!",
                "#VALUE!",
                "#REF!",
                "#NAME?",
                "#NUM!",
                "#NULL!",
                "#SPILL!",
                "#CALC!",
                "#GETTING_DATA",
            )
        ),
    }
)
#: Spreadsheet error values (``#N/A``, ``#DIV/0!``, ...) are among the markers: a formula with no result.

_ALIASES = {
    "economy": ("economy", "iso3", "country", "entityiso", "economy name", "ucode"),
    "year": ("year", "time", "datayear", "timeperiod"),
    "indicator": ("indicator", "series", "seriescode", "code"),
    "value": ("value", "datavalue"),
    "sex": ("sex", "gender"),
    "source": ("source", "datasource"),
    "note": ("note", "datanote", "footnote"),
}
_SEX = {
    "total": "total",
    "t": "total",
    "both": "total",
    "bothsex": "total",
    "both sexes": "total",
    "all": "total",
    "_t": "total",
    "female": "female",
    "f": "female",
    "women": "female",
    "woman": "female",
    "male": "male",
    "m": "male",
    "men": "male",
    "man": "male",
}


@dataclass(frozen=True)
class PanelCheck:
    """A validated panel and what validation noticed.

    ``panel`` has the columns :data:`PANEL_COLUMNS`; ``issues`` has one row per
    problem (``severity`` error or warning, ``problem`` a short code, ``economy``,
    ``indicator``, ``year``, ``message``).
    """

    panel: pd.DataFrame
    issues: pd.DataFrame
    #: ISO3 codes of every economy in the input (after name resolution, aggregates set aside), whether or
    #: not any of its values is usable: an economy whose cells are all empty, ``..`` or ``#N/A`` is here
    #: but not in ``panel``, so a build can list it as not scored instead of losing it.
    economies: frozenset[str] = frozenset()

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def aggregates(self) -> list[str]:
        """Aggregate labels (World, regions, income groups) found and kept out of scoring."""
        rows = self.issues[self.issues["problem"] == "aggregate"]
        return sorted(rows["economy"].unique())


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    lookup = {alias: canonical for canonical, aliases in _ALIASES.items() for alias in aliases}
    renames: dict[str, str] = {}
    for column in frame.columns:
        canonical = lookup.get(str(column).strip().casefold())
        if canonical and canonical not in renames.values():
            renames[column] = canonical
    return frame.rename(columns=renames)


def _categorical(values: pd.Series | np.ndarray) -> pd.Categorical:
    """A column as categorical: each distinct cell stored once (a panel repeats few labels many times).

    Missing cells stay missing (code -1)."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return pd.Categorical(values)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object) if not isinstance(values, pd.Series) else values)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _constant(value: object, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype="int8"), categories=pd.Index([value], dtype=object))


def _to_long(frame: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """Canonical column names and a long layout (wide input is melted), text columns categorical.

    A wide table is melted without writing one text cell per value: economy, sex, source and note
    labels are coded once per row of the table, indicators once per column."""
    frame = _rename(frame)
    missing = [c for c in ("economy", "year") if c not in frame.columns]
    if missing:
        raise PanelError(
            f"missing column(s) {missing}; found {list(map(str, frame.columns))}",
            file=source,
            hint="a panel needs 'economy' and 'year' columns, and either 'indicator' + 'value' (long) "
            "or one column per indicator (wide)",
        )
    if ("indicator" in frame.columns) != ("value" in frame.columns):
        have, lack = ("indicator", "value") if "indicator" in frame.columns else ("value", "indicator")
        raise PanelError(
            f"the table has a '{have}' column but no '{lack}' column",
            file=source,
            hint="a long panel needs both 'indicator' and 'value'; a wide one has neither (one column per indicator)",
        )
    defaults = {"sex": "total", "source": source or "user data", "note": ""}
    if "indicator" not in frame.columns:
        id_columns = [c for c in ("economy", "year", "sex", "source", "note", _LINE) if c in frame.columns]
        value_columns = [c for c in frame.columns if c not in id_columns]
        if not value_columns:
            raise PanelError(
                "no indicator columns",
                file=source,
                hint="add 'indicator' and 'value' columns, or one column per indicator",
            )
        n, k = len(frame), len(value_columns)
        long = {}
        for column in ("economy", "sex", "source", "note"):
            if column in frame.columns:
                coded = _categorical(frame[column])
                long[column] = pd.Categorical.from_codes(np.tile(coded.codes, k), categories=coded.categories)
            else:
                long[column] = _constant(defaults[column], n * k)
        long["year"] = np.tile(frame["year"].to_numpy(), k)
        column_code = np.arange(k, dtype="int16" if k < 32_000 else "int32")
        long["indicator"] = pd.Categorical.from_codes(
            np.repeat(column_code, n), categories=pd.Index([str(c) for c in value_columns], dtype=object)
        )
        block = frame[value_columns]
        numeric = all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in block.dtypes)
        long["value"] = (
            block.to_numpy(dtype="float64").ravel(order="F")
            if numeric
            else np.concatenate([block[c].to_numpy(dtype=object) for c in value_columns])
        )
        if _LINE in frame.columns:
            long[_LINE] = np.tile(frame[_LINE].to_numpy(), k)
        out = pd.DataFrame(long, copy=False)[[*PANEL_COLUMNS, _LINE] if _LINE in frame.columns else PANEL_COLUMNS]
        if frame.columns.is_unique:  # row i of the table is rows i, i + n, i + 2n... of the long layout
            out.attrs["wide_rows"] = n
        return out
    long = frame[[c for c in (*PANEL_COLUMNS, _LINE) if c in frame.columns]].copy()
    for column in ("economy", "indicator", "sex", "source", "note"):
        long[column] = _categorical(long[column]) if column in long.columns else _constant(defaults[column], len(long))
    return long[[*PANEL_COLUMNS, _LINE] if _LINE in long.columns else PANEL_COLUMNS]


def _set_empty_rows_aside(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows with no cell at all (``,,,,`` lines that spreadsheets export) dropped, with their description
    (the lines :func:`~ictindex.read.read_table` set aside, or the positions of the frame's own).

    A frame read from a file gets a ``_line`` column with the line of the file of each row."""
    described = frame.attrs.get("empty_rows", "")
    if frame.index.name == "line":
        frame = frame.assign(**{_LINE: frame.index.to_numpy()})
    empty = frame.drop(columns=[_LINE], errors="ignore").isna().all(axis=1).to_numpy()
    if empty.any():
        positions = np.flatnonzero(empty)
        shown = ", ".join(map(str, positions[:10])) + (" ..." if len(positions) > 10 else "")
        described = ", ".join(t for t in (described, f"{len(positions)} row(s) at position(s) {shown}") if t)
        frame = frame[~empty]
    return frame, described


def _not_a_number(shown: pd.Series) -> pd.Series:
    """Why each text is not a number, and what to write instead.

    A comma followed by exactly three digits (``1,024``) is ambiguous: a thousands separator (1024) in
    English, a decimal comma (1.024) in most of Europe; nothing is guessed. Several groups of three
    (``1,234,567``) or a comma before a decimal point (``1,234.5``) are thousands separators; any other
    comma between digits (``96,5``) is a decimal comma.
    """
    text = shown.str.strip()
    message = (
        "value '" + shown + "' is not a number: remove footnote marks or text, or leave the cell empty for no data"
    )
    ambiguous = text.str.fullmatch(r"[-+]?[1-9]\d{0,2},\d{3}")  # 0,125 is a decimal comma: no leading 0
    decimal = text.str.fullmatch(r"[-+]?\d+,\d+") & ~ambiguous
    message = message.where(
        ~decimal,
        "value '"
        + shown
        + "' has a decimal comma: write "
        + text.str.replace(",", ".")
        + " (or export the file with a point as decimal separator)",
    )
    message = message.where(
        ~ambiguous,
        "value '"
        + shown
        + "' is ambiguous: the comma may be a thousands separator ("
        + text.str.replace(",", "")
        + ") or a decimal comma ("
        + text.str.replace(",", ".")
        + "); write the number without a thousands separator, with a point for decimals",
    )
    thousands = text.str.fullmatch(r"[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?") & ~ambiguous
    message = message.where(
        ~thousands,
        "value '" + shown + "' has thousands separators: write " + text.str.replace(",", "") + " (no separators)",
    )
    european = text.str.fullmatch(r"[-+]?[1-9]\d{0,2}(\.\d{3})+,\d+")
    message = message.where(
        ~european,
        "value '"
        + shown
        + "' has a thousands point and a decimal comma: write "
        + text.str.replace(".", "", regex=False).str.replace(",", ".")
        + " (or export the file with a point as decimal separator)",
    )
    boolean = text.str.casefold().isin({"true", "false", "yes", "no"})
    return message.where(
        ~boolean,
        "value '" + shown + "' is a yes/no cell, not a number: give the number, or leave the cell empty for no data",
    )


def _booleans(raw: pd.Series, number: pd.Series) -> pd.Series:
    """Cells holding True/False (a spreadsheet's TRUE/FALSE, a bool column), which pandas reads as 1 and 0."""
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.notna()
    candidates = number.isin([0.0, 1.0]).to_numpy()
    flags = np.zeros(len(raw), dtype=bool)
    if candidates.any() and raw.dtype == object:
        flags[candidates] = [isinstance(v, bool | np.bool_) for v in raw.to_numpy()[candidates]]
    return pd.Series(flags, index=raw.index)


def _text(values: pd.Series) -> pd.Series:
    """Cells as text, missing cells as "" (pandas 3 keeps NaN through ``astype(str)``, pandas 2 writes "nan")."""
    return values.astype("object").where(values.notna(), "").astype("str")


def _issues(rows: pd.DataFrame, severity: str, problem: str, message: pd.Series | str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "severity": severity,
            "problem": problem,
            "economy": _text(rows["economy"]).to_numpy(),
            "indicator": _text(rows["indicator"]).to_numpy(),
            "year": _text(rows["year"]).to_numpy(),
            "message": message if isinstance(message, str) else message.to_numpy(),
            "line": (rows[_LINE].to_numpy() if _LINE in rows.columns else pd.NA),
        }
    )
    return out


def _known_indicators(framework: Framework | None, known_series: Mapping[str, object] | None) -> set[str]:
    known = set(known_series or {})
    if framework is not None:
        known |= set(framework.indicator_codes) | framework.series_codes
    return known


def validate_panel(
    data: pd.DataFrame | str | Path,
    framework: Framework | None = None,
    *,
    extra_names: Mapping[str, str] | None = None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
    max_year: int | None = None,
    units: str = "economies",
    sheet: str | int | None = None,
) -> PanelCheck:
    """Check a panel and return it with every problem found (nothing is raised for bad rows).

    Parameters
    ----------
    data
        A DataFrame, or the path of a CSV/XLSX file, long or wide.
    framework
        When given, indicator codes must be known to it (or to ``known_series``), and values
        of framework indicators must lie in the indicator's valid range.
    extra_names
        Extra ``name -> ISO3`` entries for economy labels the built-in table does not know.
    known_series
        Source-series codes that may appear in the panel, with their valid ``(low, high)`` range
        (default: the catalogue of :mod:`ictindex.catalogue`).
    max_year
        Latest admissible year (default: the current calendar year).
    units
        ``economies`` (default): unit labels are economy codes or names, resolved to ISO3, with
        regional and income aggregates set aside; ``any``: sub-national or other units, whose
        codes are used as given (stripped), with no economy-name check.
    sheet
        Excel files: the sheet to read, by name or 0-based position (default: the active sheet).
    """
    if units not in ("economies", "any"):
        raise PanelError(
            f"units must be 'economies' or 'any', got {units!r}",
            field="units",
            hint="write units='any' for sub-national or other non-country units",
        )
    if known_series is None:
        known_series = series_bounds()
    source = str(data) if isinstance(data, str | Path) else None
    frame = read_table(data, sheet=sheet) if source else data
    if not isinstance(frame, pd.DataFrame):
        raise PanelError(f"expected a DataFrame or a file path, got {type(data).__name__}")
    source = source or frame.attrs.get("file")  # a frame from read_table keeps its file in messages
    frame, empty_rows = _set_empty_rows_aside(frame)
    long = _to_long(frame, source)
    found: list[pd.DataFrame] = []
    if empty_rows:
        found.append(
            _issues(
                pd.DataFrame({"economy": [""], "indicator": [""], "year": [""]}),
                "warning",
                "empty_rows",
                f"{empty_rows} without any value skipped",
            )
        )
    if frame.attrs.get("sheet_note"):  # a workbook with several sheets: say which one was read
        found.append(
            _issues(
                pd.DataFrame({"economy": [""], "indicator": [""], "year": [""]}),
                "warning",
                "other_sheets",
                frame.attrs["sheet_note"],
            )
        )
    n_rows = len(long)
    keep = np.ones(n_rows, dtype=bool)

    # economies: resolve names/codes once per distinct label, set aggregates aside
    economy = long["economy"].array
    label_u = _text(pd.Series(economy.categories, dtype=object))
    blank_u = (label_u.str.strip() == "").to_numpy()
    if units == "any":
        kind_u = np.where(blank_u, "blank", "economy").astype(object)
        iso_u = label_u.str.strip().to_numpy(dtype=object)
    else:
        classes = classify(label_u, extra_names).drop_duplicates("label").set_index("label")
        kind_u = label_u.map(classes["kind"]).to_numpy(dtype=object)
        iso_u = label_u.map(classes["iso3"]).to_numpy(dtype=object)
    blank = _per_row(blank_u, economy.codes, True)
    aggregate = _per_row(kind_u == "aggregate", economy.codes, False)
    unknown = _per_row((kind_u == "unknown") & ~blank_u, economy.codes, False)
    if blank.any():
        found.append(
            _issues(
                long[blank],
                "error",
                "missing_economy",
                "the economy cell is empty: give an ISO3 code or an ITU/UN name",
            )
        )
    if aggregate.any():
        found.append(_issues(long[aggregate], "warning", "aggregate", "regional/income aggregate kept out of scoring"))
    if unknown.any():
        found.append(
            _issues(
                long[unknown],
                "error",
                "unknown_economy",
                "unknown economy '" + _text(long.loc[unknown, "economy"]) + "': use an ISO 3166 "
                "alpha-3 code or an ITU/UN name, or pass extra_names={'<label>': '<ISO3>'}",
            )
        )
    dropped = aggregate | unknown | blank
    keep &= ~dropped
    is_economy = (kind_u != "aggregate") & (kind_u != "unknown") & ~blank_u
    final_u = np.where(is_economy, iso_u, label_u.to_numpy(dtype=object))
    recoded = _recode(economy, final_u, "")
    same_labels = recoded is economy  # no label changed: the codes (and what is in use) are those of the input
    long["economy"] = recoded
    wide_rows = long.attrs.get("wide_rows")
    if not dropped.any():  # (a wide table's economy codes repeat every wide_rows rows: count one copy)
        in_use = np.bincount(economy.codes[:wide_rows] if wide_rows else economy.codes, minlength=len(final_u)) > 0
    else:
        in_use = np.bincount(economy.codes[~dropped], minlength=len(final_u)) > 0
    economies = frozenset(final_u[in_use].tolist()) if (~dropped).any() else frozenset()

    # years: whole numbers, not in the future
    integer_years = pd.api.types.is_integer_dtype(long["year"].dtype) and long["year"].dtype == "int64"
    year = long["year"].to_numpy() if integer_years else _numbers(long["year"])
    # whole numbers by type, or checked (a NaN, an infinity, 2020.5 are not years)
    bad_year = np.zeros(n_rows, dtype=bool) if integer_years else ~np.isfinite(year) | (year != np.round(year))
    if bad_year.any():
        shown = _text(long.loc[bad_year, "year"])
        found.append(
            _issues(
                long[bad_year],
                "error",
                "bad_year",
                ("year '" + shown + "' is not a whole number").where(shown != "", "the year cell is empty"),
            )
        )
    latest = max_year if max_year is not None else _dt.date.today().year
    future = ~bad_year & (year > latest)
    if future.any():
        found.append(_issues(long[future], "error", "future_year", f"year after {latest}: check the year column"))
    early = ~bad_year & (year < EARLIEST_YEAR)
    if early.any():
        found.append(
            _issues(
                long[early],
                "error",
                "early_year",
                f"year before {EARLIEST_YEAR}: check the year column (a two-digit year?)",
            )
        )
    keep &= ~(bad_year | future | early)
    if not pd.api.types.is_integer_dtype(long["year"].dtype) or long["year"].dtype != "int64":
        long["year"] = np.where(np.isfinite(year) & (np.abs(year) < 1e9), year, -1).astype("int64")

    # sex (a blank cell is both sexes)
    sex = long["sex"].array
    sex_u = _text(pd.Series(sex.categories, dtype=object)).str.strip().str.casefold().replace("", "total").map(_SEX)
    bad_sex = _per_row(sex_u.isna().to_numpy(), sex.codes, False)
    if bad_sex.any():
        found.append(
            _issues(
                long[bad_sex],
                "error",
                "bad_sex",
                "sex '" + _text(long.loc[bad_sex, "sex"]) + "' is not total, female or male",
            )
        )
    keep &= ~bad_sex
    long["sex"] = _recode(sex, sex_u.fillna("total").to_numpy(dtype=object), "total", categories=SEX_CODES)

    # values: numbers; missing markers become NaN (recorded); other text is an error
    raw = long["value"]
    number = pd.to_numeric(raw, errors="coerce").astype("float64")
    numeric_input = pd.api.types.is_float_dtype(raw.dtype) or pd.api.types.is_integer_dtype(raw.dtype)
    boolean = np.zeros(n_rows, dtype=bool) if numeric_input else _booleans(raw, number).to_numpy()
    if boolean.any():  # TRUE/FALSE would otherwise be read as 1 and 0 (1 % and 0 % in a percentage column)
        found.append(
            _issues(
                long[boolean],
                "error",
                "boolean_value",
                "value " + _text(raw[boolean]) + " is a "
                "yes/no (TRUE/FALSE) cell, not a number: give the number, or leave the cell empty",
            )
        )
        keep &= ~boolean
    text = np.zeros(n_rows, dtype=bool) if numeric_input else (raw.notna() & number.isna()).to_numpy()
    if text.any():
        folded = raw[text].astype(str).str.strip().str.casefold()
        marker = folded.isin(MISSING_MARKERS)
        if marker.any():
            rows = long[text][marker.to_numpy()]
            found.append(_issues(rows, "warning", "missing_marker", "'" + _text(raw[rows.index]) + "' read as missing"))
        if (~marker).any():
            rows = long[text][~marker.to_numpy()]
            shown = _text(raw[rows.index])
            found.append(_issues(rows, "error", "non_numeric", _not_a_number(shown)))
            keep &= ~long.index.isin(rows.index)
    number = number.to_numpy()
    has_value = ~np.isnan(number)
    indicator = long["indicator"].array
    counted = keep & (indicator.codes >= 0)
    seen = (
        np.bincount(indicator.codes if counted.all() else indicator.codes[counted], minlength=len(indicator.categories))
        > 0
    )
    with_value = np.bincount(indicator.codes[counted & has_value], minlength=len(indicator.categories)) > 0
    if (seen & ~with_value).any():
        names = sorted(_text(pd.Series(indicator.categories[seen & ~with_value], dtype=object)))
        rows = pd.DataFrame({"economy": "", "indicator": names, "year": ""})
        found.append(
            _issues(
                rows,
                "warning",
                "all_missing",
                "every value of this indicator is missing: it counts as missing everywhere",
            )
        )
    infinite = np.isinf(number)
    if infinite.any():
        found.append(_issues(long[infinite], "error", "non_finite", "value is infinite"))
        keep &= ~infinite
    long["value"] = number
    source = long["source"].array
    long["source"] = _recode(
        source, _text(pd.Series(source.categories, dtype=object)).to_numpy(dtype=object), "user data"
    )
    note = long["note"].array
    long["note"] = _recode(note, _text(pd.Series(note.categories, dtype=object)).to_numpy(dtype=object), "")
    long["indicator"] = _recode(
        indicator, _text(pd.Series(indicator.categories, dtype=object)).str.strip().to_numpy(dtype=object), ""
    )
    indicator = long["indicator"].array
    no_indicator = _per_row(np.asarray(indicator.categories == "", dtype=bool), indicator.codes, True)
    if no_indicator.any():
        found.append(
            _issues(
                long[no_indicator],
                "error",
                "missing_indicator",
                "the indicator cell is empty: give the indicator or series code",
            )
        )
        keep &= ~no_indicator

    # duplicates among rows that are otherwise fine (one integer key per row: no text compared)
    years = long["year"].to_numpy()
    sex_codes = long["sex"].array.codes
    wide_rows = long.attrs.get("wide_rows")
    if wide_rows and n_rows:  # a wide table: a duplicate is a repeated (economy, year, sex) row of the table
        rows_kept = keep.reshape(-1, wide_rows).any(axis=0)
        codes = long["economy"].array.codes[:wide_rows]
        row_dup = np.zeros(wide_rows, dtype=bool)
        if rows_kept.any():
            row_key = _cell_keys(codes, years[:wide_rows], sex_codes[:wide_rows].astype("int64"), rows_kept)
            row_dup[rows_kept] = _repeated(row_key[rows_kept])
        dup = keep & np.tile(row_dup, n_rows // wide_rows)
    else:
        cell = _cell_keys(long["economy"].array.codes, years, indicator.codes, keep)
        dup = np.zeros(n_rows, dtype=bool)
        if keep.any():
            dup[keep] = _repeated(cell[keep] * 3 + sex_codes[keep].astype("int64"))
    if dup.any():
        key = ["economy", "year", "indicator", "sex"]
        rows = long[dup].drop_duplicates(key)
        found.append(
            _issues(rows, "error", "duplicate", "more than one row for this economy, year, indicator and sex: keep one")
        )
        keep &= ~dup

    if framework is not None:
        known = _known_indicators(framework, known_series)
        known_u = np.asarray([c in known for c in indicator.categories], dtype=bool)
        unknown_ind = keep & ~_per_row(known_u, indicator.codes, False)
        if unknown_ind.any():
            rows = long[unknown_ind].drop_duplicates("indicator")
            found.append(
                _issues(
                    rows,
                    "error",
                    "unknown_indicator",
                    "indicator '" + rows["indicator"].astype(str) + f"' is neither an indicator nor a source series "
                    f"of framework '{framework.code}' (indicators: {', '.join(framework.indicator_codes)})",
                )
            )
            keep &= ~unknown_ind
        found.extend(_range_issues(long, keep, framework, known_series))
        used = (
            np.bincount(indicator.codes[keep & has_value & (indicator.codes >= 0)], minlength=len(indicator.categories))
            > 0
        )
        present = set(indicator.categories[used])
        absent = [
            ind.code
            for ind in framework.indicators
            if ind.code not in present and not (set(ind.source.codes) if ind.source else set()) & present
        ]
        if absent:
            rows = pd.DataFrame({"economy": "", "indicator": absent, "year": ""})
            found.append(
                _issues(
                    rows,
                    "warning",
                    "absent_indicator",
                    "no value in the data for this framework indicator (nor its source series): "
                    "it counts as missing for every economy (see the coverage table)",
                )
            )

    by_sex = keep & (sex_codes != 0) & has_value
    if by_sex.any():
        cell = _cell_keys(long["economy"].array.codes, years, indicator.codes, keep)
        lone = by_sex & ~np.isin(cell, cell[keep & (sex_codes == 0)])
        if lone.any():
            found.append(
                _issues(
                    long[lone].drop_duplicates(["economy", "year", "indicator"]),
                    "warning",
                    "sex_without_total",
                    "female/male value without a total value: the total index treats "
                    "this indicator as missing; add the both-sexes value",
                )
            )

    issues = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ISSUE_COLUMNS)
    errors_first = issues.assign(_o=issues["severity"].ne("error")).sort_values("_o", kind="stable")
    usable = keep & has_value
    panel = long[PANEL_COLUMNS] if usable.all() else long.loc[usable, PANEL_COLUMNS]
    panel = panel.reset_index(drop=True)
    panel.attrs = {}
    for column in ("economy", "indicator", "source", "note"):  # the same dtype whatever the layout of the input
        known = column == "economy" and same_labels and usable.all() and not dropped.any()
        panel[column] = _sorted_categories(panel[column].array, in_use if known else None)
    return PanelCheck(panel=panel, issues=errors_first.drop(columns="_o").reset_index(drop=True), economies=economies)


def _sorted_categories(column: pd.Categorical, in_use: np.ndarray | None = None) -> pd.Categorical:
    """The labels in use (``in_use`` when already known), in sorted order (so two panels with the same rows have
    the same dtype)."""
    labels = np.asarray(column.categories, dtype=object)
    if len(labels) == 1 and (column.codes == 0).all():
        return column
    if in_use is None or len(in_use) != len(labels):
        codes = column.codes
        in_use = np.bincount(codes if codes.min(initial=0) >= 0 else codes[codes >= 0], minlength=len(labels)) > 0
    used = np.flatnonzero(in_use)
    order = used[np.argsort(labels[used].astype(str), kind="stable")]
    if len(order) == len(labels) and (order == np.arange(len(labels))).all():
        return column  # every label in use and already in order
    recode = np.full(len(labels) + 1, -1, dtype="int64")
    recode[order] = np.arange(len(order))
    return pd.Categorical.from_codes(recode[column.codes], categories=pd.Index(labels[order], dtype=object))


def _per_row(per_label: np.ndarray, codes: np.ndarray, missing: bool) -> np.ndarray:
    """A per-label flag for every row (code -1, an empty cell, gets ``missing``)."""
    per_label = np.asarray(per_label, dtype=bool)
    if not per_label.any() and (not missing or codes.min(initial=0) >= 0):
        return np.zeros(len(codes), dtype=bool)  # no label flagged: no gather over every row
    return np.append(per_label, missing)[codes]


def _recode(
    column: pd.Categorical, per_label: np.ndarray, missing: object, categories: Sequence[str] | None = None
) -> pd.Categorical:
    """Every distinct label replaced by ``per_label[i]``, empty cells by ``missing``; equal results merged."""
    values = np.append(np.asarray(per_label, dtype=object), missing)
    if categories is not None and len(column.categories) == 1 and (column.codes == 0).all():
        target = pd.Index(categories, dtype=object)  # one label everywhere (e.g. sex 'total'): one code
        code = target.get_indexer([values[0]])[0]
        return pd.Categorical.from_codes(np.full(len(column), code, dtype="int8"), categories=target)
    if (
        categories is None
        and (column.codes >= 0).all()
        and len(set(per_label)) == len(per_label)
        and (np.asarray(column.categories, dtype=object) == values[:-1]).all()
    ):
        return column  # nothing changes: no new codes for millions of rows
    if categories is None:
        codes, uniques = pd.factorize(values)
        categories = pd.Index(uniques, dtype=object)
    else:
        categories = pd.Index(categories, dtype=object)
        codes = categories.get_indexer(values)
    return pd.Categorical.from_codes(codes[column.codes], categories=categories)


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats (NaN where not a number), each distinct text cell converted once."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    codes, uniques = pd.factorize(column)
    numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").astype("float64").to_numpy()
    return np.append(numbers, np.nan)[codes]


def _repeated(keys: np.ndarray) -> np.ndarray:
    """Whether each key occurs more than once (sorted once, neighbours compared)."""
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    flags = np.zeros(len(keys), dtype=bool)
    flags[1:] |= same
    flags[:-1] |= same
    out = np.empty(len(keys), dtype=bool)
    out[order] = flags
    return out


def _cell_keys(economy: np.ndarray, year: np.ndarray, indicator: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """One integer per (economy, year, indicator) of the kept rows (others get -1)."""
    out = np.full(len(economy), -1, dtype="int64")
    if not keep.any():
        return out
    first, last = int(year[keep].min()), int(year[keep].max())
    span, n_indicators = last - first + 1, int(indicator[keep].max()) + 1
    out[keep] = (economy[keep].astype("int64") * span + (year[keep] - first)) * n_indicators + indicator[keep]
    return out


def _range_issues(
    long: pd.DataFrame,
    keep: np.ndarray,
    framework: Framework,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
) -> list[pd.DataFrame]:
    """Values outside the valid range of their indicator (e.g. a percentage above 100, a negative count)."""
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for code, rng in (known_series or {}).items():
        if isinstance(rng, tuple):
            bounds[code] = rng
    for ind in framework.indicators:
        bounds[ind.code] = ind.valid_range
        if ind.source is not None and not ind.source.is_ratio:
            for series in ind.source.series:
                bounds.setdefault(series, ind.valid_range)
        elif ind.source is not None:
            for series in ind.source.codes:
                bounds.setdefault(series, (0.0, None))
    indicator = long["indicator"].array
    labels = list(indicator.categories)
    low_u = np.array([np.nan if bounds.get(c, (None, None))[0] is None else bounds[c][0] for c in labels], dtype=float)
    high_u = np.array([np.nan if bounds.get(c, (None, None))[1] is None else bounds[c][1] for c in labels], dtype=float)
    value = long["value"].to_numpy()
    # the lowest and highest value of every indicator first: rows are compared only for those out of range
    checked = keep & (indicator.codes >= 0) & ~np.isnan(value)
    if len(labels) <= 64:  # few indicators: one masked min and max each
        codes_out = []
        for code in range(len(labels)):
            block = value[checked & (indicator.codes == code)]
            if block.size and (block.min() < low_u[code] or block.max() > high_u[code]):
                codes_out.append(code)
    else:
        extremes = pd.Series(value[checked]).groupby(indicator.codes[checked]).agg(["min", "max"])
        codes_out = extremes.index[
            (extremes["min"].to_numpy() < low_u[extremes.index]) | (extremes["max"].to_numpy() > high_u[extremes.index])
        ]
    below = above = np.zeros(len(value), dtype=bool)
    if len(codes_out):
        suspect = checked & np.isin(indicator.codes, codes_out)
        low = np.append(low_u, np.nan)[indicator.codes]
        high = np.append(high_u, np.nan)[indicator.codes]
        with np.errstate(invalid="ignore"):
            below = suspect & (value < low)
            above = suspect & (value > high)
    out = []
    if below.any():
        rows = long[below]
        out.append(
            _issues(
                rows,
                "error",
                "out_of_range",
                "value "
                + rows["value"].astype(str)
                + " is below the lowest admissible value "
                + pd.Series(low[below], index=rows.index).astype(str)
                + " (a negative count or share?): correct or remove it",
            )
        )
    if above.any():
        rows = long[above]
        out.append(
            _issues(
                rows,
                "error",
                "out_of_range",
                "value "
                + rows["value"].astype(str)
                + " is above the highest admissible value "
                + pd.Series(high[above], index=rows.index).astype(str)
                + " (a percentage above 100?): correct or remove it",
            )
        )
    return out


def to_panel(
    data: pd.DataFrame | str | Path,
    framework: Framework | None = None,
    *,
    extra_names: Mapping[str, str] | None = None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
    max_year: int | None = None,
    units: str = "economies",
    sheet: str | int | None = None,
) -> PanelCheck:
    """Validate a panel and raise the first error as :class:`~ictindex.errors.PanelError`.

    Warnings (aggregates set aside, missing markers, female/male values without a total)
    are returned in ``issues``; the error message counts the other errors found.
    """
    checked = validate_panel(
        data, framework, extra_names=extra_names, known_series=known_series, max_year=max_year, units=units, sheet=sheet
    )
    errors = checked.errors
    if not errors.empty:
        first = errors.iloc[0]
        more = len(errors) - 1
        raise PanelError(
            first["message"] + (f" ({more} more error(s))" if more else ""),
            economy=first["economy"] or None,
            indicator=first["indicator"] or None,
            year=first["year"] or None,
            file=str(data) if isinstance(data, str | Path) else data.attrs.get("file"),
            line=None if pd.isna(first["line"]) else int(first["line"]),
            hint="correct the input at that place" + ("; `ictindex validate FILE` lists every problem" if more else ""),
        )
    return checked
