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
or an XLSX file. A wide table is checked in its own shape (a check per row of the
table, value checks on the block of indicator columns) and kept so
(:class:`WideValues`), with the issues, row for row, that its long layout gives.
Validation collects *every* problem (for ``ictindex validate``);
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.catalogue import series_bounds
from ictindex.countries import classify
from ictindex.errors import PanelError, SpecError
from ictindex.framework import Framework
from ictindex.read import read_table
from ictindex.tables import as_pandas
from ictindex.units import EARLIEST_YEAR, Units, as_units

__all__ = ["PANEL_COLUMNS", "PanelCheck", "WideValues", "read_table", "to_panel", "validate_panel", "MISSING_MARKERS"]

PANEL_COLUMNS = ["economy", "year", "indicator", "sex", "value", "source", "note"]
#: The codes of the ``sex`` column (categorical, in this order).
SEX_CODES = ("total", "female", "male")
ISSUE_COLUMNS = ["severity", "problem", "economy", "indicator", "year", "message", "line"]

#: Wide tables are validated in their own shape (tests set this to False to compare with the long layout).
_WIDE_LAYOUT = True
_LINE = "_line"  # column of the file line (or sheet row) of each row, while validating
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
    "economy": ("economy", "iso3", "country", "entityiso", "economy name", "ucode", "unit"),
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
class WideValues:
    """The usable values of a validated wide table, kept in the table's shape (no row per value).

    A wide table of ``n`` rows and ``k`` indicator columns is validated column by column (see
    :func:`validate_panel`); what is usable stays an ``(n, k)`` block, so a build reads the indicator matrix
    from it without a long layout of ``n * k`` rows. :meth:`to_long` gives the canonical long panel
    (what :attr:`PanelCheck.panel` holds).
    """

    economy: pd.Categorical  # per row of the table (code -1: the row holds no usable value)
    year: np.ndarray  # per row, int64
    sex: pd.Categorical  # per row, categories SEX_CODES
    source: pd.Categorical  # per row
    note: pd.Categorical  # per row
    indicator: pd.Categorical  # per column of the block (code -1: the column holds no usable value)
    values: np.ndarray  # (n, k) float64, Fortran order: NaN where no usable value

    def to_long(self) -> pd.DataFrame:
        """The canonical long panel: one row per usable value, column by column of the table."""
        n, k = self.values.shape
        value = self.values.ravel(order="F")
        usable = ~np.isnan(value)
        cells = None if usable.all() else np.flatnonzero(usable)

        def usable_cells(flat: np.ndarray) -> np.ndarray:  # (every cell usable: no gather)
            return flat if cells is None else flat[cells]

        def per_row(column: pd.Categorical) -> pd.Categorical:
            return pd.Categorical.from_codes(usable_cells(np.tile(column.codes, k)), categories=column.categories)

        indicator = usable_cells(np.repeat(self.indicator.codes, n))
        return pd.DataFrame(
            {
                "economy": per_row(self.economy),
                "year": usable_cells(np.tile(self.year, k)),
                "indicator": pd.Categorical.from_codes(indicator, categories=self.indicator.categories),
                "sex": per_row(self.sex),
                "value": usable_cells(value),
                "source": per_row(self.source),
                "note": per_row(self.note),
            },
            copy=False,
        )


class PanelCheck:
    """A validated panel and what validation noticed.

    ``panel`` has the columns :data:`PANEL_COLUMNS`; ``issues`` has one row per
    problem (``severity`` error or warning, ``problem`` a short code, ``economy``,
    ``indicator``, ``year``, ``message``). A wide table's usable values are also kept in its own
    shape as ``wide`` (:class:`WideValues`); its long ``panel`` is then made when first asked for.
    """

    def __init__(
        self,
        panel: pd.DataFrame | None = None,
        issues: pd.DataFrame | None = None,
        economies: frozenset[str] = frozenset(),
        *,
        wide: WideValues | None = None,
    ) -> None:
        if panel is None and wide is None:
            raise TypeError("PanelCheck needs a panel or wide values")
        self._panel = panel
        self.wide = wide
        self.issues = pd.DataFrame(columns=ISSUE_COLUMNS) if issues is None else issues
        #: ISO3 codes of every economy in the input (after name resolution, aggregates set aside), whether or
        #: not any of its values is usable: an economy whose cells are all empty, ``..`` or ``#N/A`` is here
        #: but not in ``panel``, so a build can list it as not scored instead of losing it.
        self.economies = economies

    @property
    def panel(self) -> pd.DataFrame:
        """The validated long panel (:data:`PANEL_COLUMNS`)."""
        if self._panel is None:
            self._panel = self.wide.to_long()  # type: ignore[union-attr]
        return self._panel

    @property
    def values(self) -> pd.DataFrame | WideValues:
        """What the indicator matrix is read from: the wide values when the input was a wide table, else the
        panel (:func:`ictindex.derive.indicator_values` takes either)."""
        return self.wide if self.wide is not None else self.panel

    @property
    def n_values(self) -> int:
        """The number of usable values (rows of ``panel``)."""
        if self._panel is None and self.wide is not None:
            return int(np.count_nonzero(~np.isnan(self.wide.values)))
        return len(self.panel)

    @property
    def has_notes(self) -> bool:
        """Whether any usable value carries a publisher's note."""
        note = self.wide.note if self._panel is None and self.wide is not None else self.panel["note"].array
        written = np.asarray([str(c) != "" for c in note.categories], dtype=bool)
        return bool(np.append(written, False)[note.codes].any())

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def aggregates(self) -> list[str]:
        """Aggregate labels (World, regions, income groups) found and kept out of scoring."""
        rows = self.issues[self.issues["problem"] == "aggregate"]
        return sorted(rows["economy"].unique())

    def __repr__(self) -> str:
        n_errors = len(self.errors)
        return (
            f"PanelCheck({self.n_values} usable values, {n_errors} error(s), "
            f"{len(self.issues) - n_errors} warning(s), {len(self.economies)} economies)"
        )


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
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype | pd.ArrowDtype):
        # text held by Arrow (a Parquet read, pandas 3's strings): factorized there, with no Python object per cell
        codes, uniques = pd.factorize(values)
        return pd.Categorical.from_codes(codes, categories=pd.Index(np.asarray(uniques, dtype=object), dtype=object))
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    runs = _runs(array)
    if runs is not None:  # a sorted or grouped column: one label per run of equal cells is looked up
        heads, lengths = runs
        head_codes, uniques = pd.factorize(array[heads])
        codes = np.repeat(head_codes.astype("int8" if len(uniques) < 127 else "int32"), lengths)
    else:
        codes, uniques = pd.factorize(array)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _runs(array: np.ndarray, sample: int = 10_000) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the runs of equal neighbouring cells of a long column start, and their lengths, when runs are long
    (a panel sorted or grouped by the column: a few labels repeated many times); otherwise ``None``."""
    if len(array) < 10 * sample:
        return None
    try:
        head = array[:sample]
        if np.count_nonzero(head[1:] != head[:-1]) > sample // 4:  # short runs: hashing every cell is cheaper
            return None
        change = np.empty(len(array), dtype=bool)
        change[0] = True
        np.not_equal(array[1:], array[:-1], out=change[1:])
    except (TypeError, ValueError):  # cells that cannot be compared (pd.NA): hashed one by one
        return None
    heads = np.flatnonzero(change)
    if len(heads) > len(array) // 4:
        return None
    return heads, np.diff(np.append(heads, len(array)))


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
        if len({str(c).strip() for c in value_columns}) == k:  # row i of the table is rows i, i + n, ... of the long
            # layout, and a repeated (economy, year, sex) row is a duplicate (two columns that are one indicator
            # once stripped are compared cell by cell)
            out.attrs["wide_rows"] = n
        return out
    present = [c for c in (*PANEL_COLUMNS, _LINE) if c in frame.columns]
    if frame.columns.is_unique:  # the input's columns, not copied: they are replaced, never written
        long = pd.DataFrame({c: frame[c] for c in present}, copy=False)
    else:
        long = frame[present].copy()
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
    empty = np.ones(len(frame), dtype=bool)
    columns = [frame.iloc[:, i] for i, name in enumerate(frame.columns) if name != _LINE]
    columns.sort(key=lambda column: not pd.api.types.is_numeric_dtype(column.dtype))
    for column in columns:  # column by column (numbers first: quick to check), until every row has a cell
        empty &= column.isna().to_numpy()
        if not empty.any():
            break
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


#: Issue rows for the rows (or cells) a mask marks.
RowsOf = Callable[[np.ndarray], pd.DataFrame]


def _check_economies(
    economy: pd.Categorical,
    units: Units,
    extra_names: Mapping[str, str] | None,
    rows_of: RowsOf,
    found: list[pd.DataFrame],
) -> tuple[np.ndarray, pd.Categorical]:
    """Resolve every distinct economy label once (``units="any"`` or a units table: used as given, stripped) and
    record the blank, aggregate and unknown ones (for a units table: codes it does not list, each with the nearest
    code it does). Returns the rows set aside and the column of resolved codes."""
    label_u = _text(pd.Series(economy.categories, dtype=object))
    stripped_u = label_u.str.strip()
    blank_u = (stripped_u == "").to_numpy()
    if not units.resolves_names:
        kind_u = np.where(blank_u, "blank", "economy").astype(object)
        iso_u = stripped_u.to_numpy(dtype=object)
        if units.kind == "table":
            known = set(units.codes)
            kind_u[~blank_u & ~stripped_u.isin(known).to_numpy()] = "not_in_table"
    else:
        classes = classify(label_u, extra_names).drop_duplicates("label").set_index("label")
        kind_u = label_u.map(classes["kind"]).to_numpy(dtype=object)
        iso_u = label_u.map(classes["iso3"]).to_numpy(dtype=object)
    blank = _per_row(blank_u, economy.codes, True)
    aggregate = _per_row(kind_u == "aggregate", economy.codes, False)
    unknown = _per_row((kind_u == "unknown") & ~blank_u, economy.codes, False)
    not_listed = _per_row(kind_u == "not_in_table", economy.codes, False)
    if blank.any():
        message = f"the {units.noun} cell is empty: give " + (
            "an ISO3 code or an ITU/UN name" if units.resolves_names else f"the {units.noun}'s code"
        )
        found.append(_issues(rows_of(blank), "error", "missing_economy", message))
    if aggregate.any():
        message = "regional/income aggregate kept out of scoring"
        found.append(_issues(rows_of(aggregate), "warning", "aggregate", message))
    if unknown.any():
        rows = rows_of(unknown)
        found.append(
            _issues(
                rows,
                "error",
                "unknown_economy",
                "unknown economy '" + _text(rows["economy"]) + "': use an ISO 3166 "
                "alpha-3 code or an ITU/UN name, or pass extra_names={'<label>': '<ISO3>'}",
            )
        )
    if not_listed.any():
        rows = rows_of(not_listed)
        codes = _text(rows["economy"]).str.strip()
        nearest = {c: units.nearest(c) for c in codes.unique()}
        found.append(
            _issues(
                rows,
                "error",
                "unknown_unit",
                f"unknown {units.noun} '"
                + codes
                + "': not in the units table"
                + codes.map(lambda c: f" (nearest code: '{nearest[c]}')" if nearest[c] else "")
                + f"; correct the code, or add the {units.noun} to the units table",
            )
        )
    is_economy = (kind_u != "aggregate") & (kind_u != "unknown") & (kind_u != "not_in_table") & ~blank_u
    final_u = np.where(is_economy, iso_u, label_u.to_numpy(dtype=object))
    return aggregate | unknown | blank | not_listed, _recode(economy, final_u, "")


def _check_years(
    column: pd.Series, latest: int, rows_of: RowsOf, found: list[pd.DataFrame]
) -> tuple[np.ndarray, np.ndarray]:
    """Years must be whole numbers from :data:`EARLIEST_YEAR` to ``latest``. Returns the rows refused and the years
    as ``int64`` (-1 where not a number)."""
    integer = column.dtype == "int64"  # whole numbers by type, or checked (a NaN, an infinity, 2020.5 are not years)
    year = column.to_numpy() if integer else _numbers(column)
    bad_year = np.zeros(len(year), dtype=bool) if integer else ~np.isfinite(year) | (year != np.round(year))
    if bad_year.any():
        rows = rows_of(bad_year)
        shown = _text(rows["year"])
        message = ("year '" + shown + "' is not a whole number").where(shown != "", "the year cell is empty")
        found.append(_issues(rows, "error", "bad_year", message))
    future = ~bad_year & (year > latest)
    if future.any():
        found.append(_issues(rows_of(future), "error", "future_year", f"year after {latest}: check the year column"))
    early = ~bad_year & (year < EARLIEST_YEAR)
    if early.any():
        message = f"year before {EARLIEST_YEAR}: check the year column (a two-digit year?)"
        found.append(_issues(rows_of(early), "error", "early_year", message))
    if not integer:
        year = np.where(np.isfinite(year) & (np.abs(year) < 1e9), year, -1).astype("int64")
    return bad_year | future | early, year


def _check_sexes(sex: pd.Categorical, rows_of: RowsOf, found: list[pd.DataFrame]) -> tuple[np.ndarray, pd.Categorical]:
    """Sex labels read as total, female or male (a blank cell is both sexes). Returns the rows refused and the
    column coded with :data:`SEX_CODES`."""
    sex_u = _text(pd.Series(sex.categories, dtype=object)).str.strip().str.casefold().replace("", "total").map(_SEX)
    bad_sex = _per_row(sex_u.isna().to_numpy(), sex.codes, False)
    if bad_sex.any():
        rows = rows_of(bad_sex)
        found.append(_issues(rows, "error", "bad_sex", "sex '" + _text(rows["sex"]) + "' is not total, female or male"))
    return bad_sex, _recode(sex, sex_u.fillna("total").to_numpy(dtype=object), "total", categories=SEX_CODES)


def _boolean_issues(rows: pd.DataFrame, shown: pd.Series) -> pd.DataFrame:
    """TRUE/FALSE cells (which would otherwise be read as 1 and 0: 1 % and 0 % in a percentage column)."""
    message = (
        "value " + shown + " is a yes/no (TRUE/FALSE) cell, not a number: give the number, or leave the cell empty"
    )
    return _issues(rows, "error", "boolean_value", message)


def _marker_issues(rows: pd.DataFrame, shown: pd.Series) -> pd.DataFrame:
    return _issues(rows, "warning", "missing_marker", "'" + shown + "' read as missing")


def _all_missing_issues(names: Sequence[str]) -> pd.DataFrame:
    rows = pd.DataFrame({"economy": "", "indicator": sorted(names), "year": ""})
    message = "every value of this indicator is missing: it counts as missing everywhere"
    return _issues(rows, "warning", "all_missing", message)


def _unknown_indicator_issues(rows: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    message = (
        "indicator '" + rows["indicator"].astype(str) + f"' is neither an indicator nor a source series "
        f"of framework '{framework.code}' (indicators: {', '.join(framework.indicator_codes)})"
    )
    return _issues(rows, "error", "unknown_indicator", message)


def _absent_issues(framework: Framework, present: set[str]) -> list[pd.DataFrame]:
    """Framework indicators with no value at all (neither their code nor any of their source series)."""
    absent = [
        ind.code
        for ind in framework.indicators
        if ind.code not in present and not (set(ind.source.codes) if ind.source else set()) & present
    ]
    if not absent:
        return []
    rows = pd.DataFrame({"economy": "", "indicator": absent, "year": ""})
    message = (
        "no value in the data for this framework indicator (nor its source series): "
        "it counts as missing for every economy (see the coverage table)"
    )
    return [_issues(rows, "warning", "absent_indicator", message)]


#: What the problems that name no cell content say.
_NON_FINITE = "value is infinite"
_DUPLICATE = "more than one row for this economy, year, indicator and sex: keep one"
_SEX_WITHOUT_TOTAL = (
    "female/male value without a total value: the total index treats this indicator as missing; "
    "add the both-sexes value"
)


def validate_panel(
    data: pd.DataFrame | str | Path,
    framework: Framework | None = None,
    *,
    extra_names: Mapping[str, str] | None = None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
    max_year: int | None = None,
    units: str | Units | Any = "economies",
    sheet: str | int | None = None,
    checks: str | Mapping[str, object] | None = None,
) -> PanelCheck:
    """Check a panel and return it with every problem found (nothing is raised for bad rows).

    Parameters
    ----------
    data
        A table (pandas, polars or pyarrow: see :mod:`ictindex.tables`), or the path of a CSV, XLSX or
        Parquet file, long or wide.
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
        regional and income aggregates set aside (``iso3``: the same); ``any``: sub-national or other units,
        whose codes are used as given (stripped), with no economy-name check; a units table (DataFrame, CSV/XLSX
        path or :class:`~ictindex.units.Units`): codes used as given, and a code the table does not list is an
        error naming it and the table's nearest code (see :mod:`ictindex.units`).
    sheet
        Excel files: the sheet to read, by name or 0-based position (default: the active sheet).
    checks
        With a framework, the plausibility checks of values and units also run (:mod:`ictindex.checks`: a
        percentage keyed as a fraction, a zero price, a jump, ...) and every finding is an issue row; this
        overrides the framework's ``checks:`` section like ``build_index(..., checks=...)``; ``"off"`` runs
        none. Values a panel build set aside (``attrs["set_aside"]`` of :func:`ictindex.datasets.load`) are
        listed too.
    """
    try:
        units = as_units(units, noun=framework.unit_noun if framework is not None else None)
    except SpecError as err:
        raise PanelError(err.message, field="units", file=err.file, hint=err.hint) from None
    if known_series is None:
        known_series = series_bounds()
    source = str(data) if isinstance(data, str | Path) else None
    frame = read_table(data, sheet=sheet) if source else as_pandas(data)  # polars/pyarrow: once, here
    if not isinstance(frame, pd.DataFrame):
        raise PanelError(
            f"expected a table (pandas, polars or pyarrow) or a file path, got {type(data).__name__}",
            hint="give a DataFrame or the path of a CSV, XLSX or Parquet file",
        )
    source = source or frame.attrs.get("file")  # a frame from read_table keeps its file in messages
    frame, empty_rows = _set_empty_rows_aside(frame)
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
    frame = _rename(frame)
    columns = _wide_columns(frame) if _WIDE_LAYOUT else None
    latest = max_year if max_year is not None else _dt.date.today().year
    if columns is not None:  # a wide table: checked in its own shape
        checked = _validate_wide(frame, columns, found, framework, known_series, extra_names, latest, units, source)
        return _with_checks(checked, frame.attrs.get("set_aside"), framework, checks, units)
    long = _to_long(frame, source)
    n_rows = len(long)
    keep = np.ones(n_rows, dtype=bool)

    def rows_of(mask: np.ndarray) -> pd.DataFrame:
        return long[mask]

    # economies: resolve names/codes once per distinct label, set aggregates aside
    economy = long["economy"].array
    dropped, recoded = _check_economies(economy, units, extra_names, rows_of, found)
    keep &= ~dropped
    same_labels = recoded is economy  # no label changed: the codes (and what is in use) are those of the input
    long["economy"] = recoded
    wide_rows = long.attrs.get("wide_rows")
    # (a wide table's economy codes repeat every wide_rows rows: count one copy)
    counted = recoded.codes[~dropped] if dropped.any() else recoded.codes[:wide_rows] if wide_rows else recoded.codes
    in_use = np.bincount(counted, minlength=len(recoded.categories)) > 0
    labels = np.asarray(recoded.categories, dtype=object)
    economies = frozenset(labels[in_use].tolist()) if (~dropped).any() else frozenset()

    refused, year = _check_years(long["year"], latest, rows_of, found)
    keep &= ~refused
    if long["year"].dtype != "int64":
        long["year"] = year

    bad_sex, sex = _check_sexes(long["sex"].array, rows_of, found)
    long["sex"] = sex
    keep &= ~bad_sex

    # values: numbers; missing markers become NaN (recorded); other text is an error
    raw = long["value"]
    number = pd.to_numeric(raw, errors="coerce").astype("float64")
    numeric_input = pd.api.types.is_float_dtype(raw.dtype) or pd.api.types.is_integer_dtype(raw.dtype)
    boolean = np.zeros(n_rows, dtype=bool) if numeric_input else _booleans(raw, number).to_numpy()
    if boolean.any():
        found.append(_boolean_issues(long[boolean], _text(raw[boolean])))
        keep &= ~boolean
    text = np.zeros(n_rows, dtype=bool) if numeric_input else (raw.notna() & number.isna()).to_numpy()
    if text.any():
        folded = raw[text].astype(str).str.strip().str.casefold()
        marker = folded.isin(MISSING_MARKERS)
        if marker.any():
            rows = long[text][marker.to_numpy()]
            found.append(_marker_issues(rows, _text(raw[rows.index])))
        if (~marker).any():
            rows = long[text][~marker.to_numpy()]
            shown = _text(raw[rows.index])
            found.append(_issues(rows, "error", "non_numeric", _not_a_number(shown)))
            keep &= ~long.index.isin(rows.index)
    number = number.to_numpy()
    has_value = ~np.isnan(number)
    indicator = long["indicator"].array
    counted = keep & (indicator.codes >= 0)
    seen = np.bincount(_masked(indicator.codes, counted), minlength=len(indicator.categories)) > 0
    with_value = np.bincount(_masked(indicator.codes, counted & has_value), minlength=len(indicator.categories)) > 0
    if (seen & ~with_value).any():
        found.append(_all_missing_issues(_text(pd.Series(indicator.categories[seen & ~with_value], dtype=object))))
    infinite = np.isinf(number)
    if infinite.any():
        found.append(_issues(long[infinite], "error", "non_finite", _NON_FINITE))
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
            key = cell[keep] if not keep.all() else cell  # (cell is not used again: its array becomes the key)
            key *= 3
            key += _masked(sex_codes, keep)
            repeated = _repeated(key)
            if keep.all():
                dup = repeated
            else:
                dup[keep] = repeated
    if dup.any():
        key = ["economy", "year", "indicator", "sex"]
        found.append(_issues(long[dup].drop_duplicates(key), "error", "duplicate", _DUPLICATE))
        keep &= ~dup

    if framework is not None:
        known = _known_indicators(framework, known_series)
        known_u = np.asarray([c in known for c in indicator.categories], dtype=bool)
        unknown_ind = keep & ~_per_row(known_u, indicator.codes, False)
        if unknown_ind.any():
            found.append(_unknown_indicator_issues(long[unknown_ind].drop_duplicates("indicator"), framework))
            keep &= ~unknown_ind
        found.extend(_range_issues(long, keep, framework, known_series))
        used = (
            np.bincount(
                _masked(indicator.codes, keep & has_value & (indicator.codes >= 0)), minlength=len(indicator.categories)
            )
            > 0
        )
        present = set(indicator.categories[used])
        found.extend(_absent_issues(framework, present))

    by_sex = keep & (sex_codes != 0) & has_value
    if by_sex.any():
        cell = _cell_keys(long["economy"].array.codes, years, indicator.codes, keep)
        lone = by_sex & ~np.isin(cell, cell[keep & (sex_codes == 0)])
        if lone.any():
            rows = long[lone].drop_duplicates(["economy", "year", "indicator"])
            found.append(_issues(rows, "warning", "sex_without_total", _SEX_WITHOUT_TOTAL))

    issues = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ISSUE_COLUMNS)
    errors_first = issues.assign(_o=issues["severity"].ne("error")).sort_values("_o", kind="stable")
    usable = keep & has_value
    panel = long[PANEL_COLUMNS] if usable.all() else long.loc[usable, PANEL_COLUMNS]
    panel = panel.reset_index(drop=True)
    panel.attrs = {}
    for column in ("economy", "indicator", "source", "note"):  # the same dtype whatever the layout of the input
        known = column == "economy" and same_labels and usable.all() and not dropped.any()
        panel[column] = _sorted_categories(panel[column].array, in_use if known else None)
    checked = PanelCheck(panel, errors_first.drop(columns="_o").reset_index(drop=True), economies)
    return _with_checks(checked, frame.attrs.get("set_aside"), framework, checks, units)


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


def _masked(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The values where ``mask`` holds (the array itself when it holds everywhere: a boolean gather of millions
    of rows that keeps them all costs as much as a stage). Small non-negative codes come back as ``uint8``, which
    ``np.bincount`` counts without widening them first."""
    out = values if mask.all() else values[mask]
    if out.dtype == np.int8 and (len(out) == 0 or out.min() >= 0):
        return out.view(np.uint8)
    return out


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
    """Whether each key occurs more than once (sorted once, neighbours compared; keys of a small range are first
    marked in a dense grid, which shows without sorting that none repeats)."""
    if len(keys) and keys.min() >= 0 and keys.max() < max(4 * len(keys), 1 << 20):
        marked = np.zeros(int(keys.max()) + 1, dtype=bool)
        marked[keys] = True
        if np.count_nonzero(marked) == len(keys):
            return np.zeros(len(keys), dtype=bool)
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
    if not keep.any():
        return np.full(len(economy), -1, dtype="int64")
    first = int(np.min(year, where=keep, initial=np.iinfo("int64").max))
    last = int(np.max(year, where=keep, initial=np.iinfo("int64").min))
    span = last - first + 1
    n_indicators = int(np.max(indicator, where=keep, initial=0)) + 1
    out = economy.astype("int64")  # every row computed, the rows not kept then set to -1 (no masked copies)
    out *= span
    out += year
    out -= first
    out *= n_indicators
    out += indicator
    out[~keep] = -1
    return out


def _bounds(
    labels: Sequence[str], framework: Framework, known_series: Mapping[str, tuple[float | None, float | None]] | None
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest admissible value of every label (NaN: no bound)."""
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
    low = np.array([np.nan if bounds.get(c, (None, None))[0] is None else bounds[c][0] for c in labels], dtype=float)
    high = np.array([np.nan if bounds.get(c, (None, None))[1] is None else bounds[c][1] for c in labels], dtype=float)
    return low, high


def _out_of_range(rows: pd.DataFrame, value: np.ndarray, bound: np.ndarray, side: str) -> pd.DataFrame:
    """Issues of values below (``side="below"``) or above their admissible range."""
    shown = pd.Series(value, index=rows.index).astype(str)
    limit = pd.Series(bound, index=rows.index).astype(str)
    if side == "below":
        what = " is below the lowest admissible value " + limit + " (a negative count or share?)"
    else:
        what = " is above the highest admissible value " + limit + " (a percentage above 100?)"
    return _issues(rows, "error", "out_of_range", "value " + shown + what + ": correct or remove it")


def _range_issues(
    long: pd.DataFrame,
    keep: np.ndarray,
    framework: Framework,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
) -> list[pd.DataFrame]:
    """Values outside the valid range of their indicator (e.g. a percentage above 100, a negative count)."""
    indicator = long["indicator"].array
    labels = list(indicator.categories)
    low_u, high_u = _bounds(labels, framework, known_series)
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
    out = []
    if len(codes_out):
        suspect = checked & np.isin(indicator.codes, codes_out)
        low = np.append(low_u, np.nan)[indicator.codes]
        high = np.append(high_u, np.nan)[indicator.codes]
        with np.errstate(invalid="ignore"):
            for side, outside, bound in (
                ("below", suspect & (value < low), low),
                ("above", suspect & (value > high), high),
            ):
                if outside.any():
                    out.append(_out_of_range(long[outside], value[outside], bound[outside], side))
    return out


def _wide_columns(frame: pd.DataFrame) -> list | None:
    """The indicator columns of a wide table that can be validated in the table's shape, or ``None``.

    Column labels must be distinct, non-empty text with nothing to strip; anything else (and a long table)
    goes through the long layout, which reports it cell by cell."""
    if "indicator" in frame.columns or "value" in frame.columns or not frame.columns.is_unique:
        return None
    if "economy" not in frame.columns or "year" not in frame.columns:
        return None
    columns = [c for c in frame.columns if c not in ("economy", "year", "sex", "source", "note", _LINE)]
    labels = [str(c) for c in columns]
    if not columns or len(set(labels)) != len(labels) or any(t == "" or t != t.strip() for t in labels):
        return None
    return columns


class _Cells:
    """Issue rows for cells of a wide table (flat positions ``j * n + i``: column j, row i), in the order
    of the long layout (column by column), with the row attributes as they stand at that check."""

    def __init__(self, n: int, labels: list[str], line: np.ndarray | None) -> None:
        self.n, self.labels, self.line = n, np.asarray(labels, dtype=object), line

    def of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Every cell of the given rows (a row mask), column by column."""
        at = np.flatnonzero(rows)
        return (np.arange(len(self.labels), dtype="int64")[:, None] * self.n + at[None, :]).ravel()

    def frame(
        self, cells: np.ndarray, economy: pd.Categorical, year: np.ndarray, sex: pd.Categorical | None = None
    ) -> pd.DataFrame:
        i, j = cells % self.n, cells // self.n
        data = {"economy": economy[i], "indicator": self.labels[j], "year": year[i]}
        if sex is not None:
            data["sex"] = sex[i]
        if self.line is not None:
            data[_LINE] = self.line[i]
        return pd.DataFrame(data, index=cells)


def _first_per_key(cells: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The first cell (in long order) of each key."""
    _, first = np.unique(keys, return_index=True)
    return cells[np.sort(first)]


def _validate_wide(
    frame: pd.DataFrame,
    columns: list,
    found: list[pd.DataFrame],
    framework: Framework | None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
    extra_names: Mapping[str, str] | None,
    latest: int,
    units: Units,
    source: str | None,
) -> PanelCheck:
    """:func:`validate_panel` of a wide table in the table's shape: row checks (economy, year, sex,
    duplicates) once per row of the table, value checks on the ``(rows, columns)`` block.

    The issues are those the long layout gives, row for row and in the same order (a test compares the two)."""
    n, k = len(frame), len(columns)
    labels = [str(c) for c in columns]
    line = frame[_LINE].to_numpy() if _LINE in frame.columns else None
    cells = _Cells(n, labels, line)
    defaults = {"sex": "total", "source": source or "user data", "note": ""}
    attribute = {
        c: _categorical(frame[c]) if c in frame.columns else _constant(defaults[c], n)
        for c in ("sex", "source", "note")
    }
    year_raw = frame["year"].to_numpy()
    row_keep = np.ones(n, dtype=bool)

    def rows_of(mask: np.ndarray) -> pd.DataFrame:  # every cell of the rows marked (with the rows as they stand)
        return cells.frame(cells.of_rows(mask), economy, year, sex)

    economy, year, sex = _categorical(frame["economy"]), year_raw, attribute["sex"]
    dropped, economy = _check_economies(economy, units, extra_names, rows_of, found)
    row_keep &= ~dropped
    in_use = np.bincount(economy.codes[~dropped], minlength=len(economy.categories)) > 0
    economies = frozenset(np.asarray(economy.categories, dtype=object)[in_use].tolist()) if k else frozenset()
    refused, year = _check_years(frame["year"], latest, rows_of, found)
    row_keep &= ~refused
    bad_sex, sex = _check_sexes(sex, rows_of, found)
    row_keep &= ~bad_sex

    # values, column by column: numbers; missing markers become NaN (recorded); other text is an error
    number = np.empty((n, k), dtype="float64", order="F")
    cell_keep = np.ones((n, k), dtype=bool, order="F")
    boolean_at, marker_at, text_at, raw_text = [], [], [], {}
    for j, column in enumerate(columns):
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
            number[:, j] = raw.to_numpy(dtype="float64", na_value=np.nan)
            continue
        raw = pd.Series(raw.to_numpy(dtype=object))
        numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
        number[:, j] = numbers.to_numpy()
        flagged = _booleans(raw, numbers).to_numpy()
        text = (raw.notna() & numbers.isna()).to_numpy()
        if flagged.any():
            boolean_at.append(j * n + np.flatnonzero(flagged))
            cell_keep[flagged, j] = False
        if text.any():
            folded = raw[text].astype(str).str.strip().str.casefold()
            marker = folded.isin(MISSING_MARKERS).to_numpy()
            at = j * n + np.flatnonzero(text)
            marker_at.append(at[marker])
            text_at.append(at[~marker])
            cell_keep[np.flatnonzero(text)[~marker], j] = False
        raw_text.update(zip(j * n + np.flatnonzero(flagged | text), raw[flagged | text].to_numpy(), strict=True))

    def shown(at: np.ndarray) -> pd.Series:
        return _text(pd.Series([raw_text[a] for a in at], index=at, dtype=object))

    if boolean_at:
        at = np.concatenate(boolean_at)
        found.append(_boolean_issues(cells.frame(at, economy, year), shown(at)))
    marker_at = [a for a in marker_at if a.size]
    if marker_at:
        at = np.concatenate(marker_at)
        found.append(_marker_issues(cells.frame(at, economy, year), shown(at)))
    text_at = [a for a in text_at if a.size]
    if text_at:
        at = np.concatenate(text_at)
        found.append(_issues(cells.frame(at, economy, year), "error", "non_numeric", _not_a_number(shown(at))))
    has_value = ~np.isnan(number)
    keep = cell_keep  # (this function's own mask: narrowed in place, no second (rows x columns) array)
    keep &= row_keep[:, None]
    seen = keep.any(axis=0)
    with_value = (keep & has_value).any(axis=0)
    if (seen & ~with_value).any():
        found.append(_all_missing_issues(np.asarray(labels, dtype=object)[seen & ~with_value]))
    infinite = np.isinf(number)
    if infinite.any():
        at = np.flatnonzero(infinite.ravel(order="F"))
        found.append(_issues(cells.frame(at, economy, year), "error", "non_finite", _NON_FINITE))
        keep &= ~infinite
    del infinite
    for name in ("source", "note"):
        column = attribute[name]
        attribute[name] = _recode(
            column,
            _text(pd.Series(column.categories, dtype=object)).to_numpy(dtype=object),
            "user data" if name == "source" else "",
        )

    # duplicates: a repeated (economy, year, sex) row of the table
    rows_kept = keep.any(axis=1)
    row_dup = np.zeros(n, dtype=bool)
    row_key = _cell_keys(economy.codes, year, sex.codes.astype("int64"), rows_kept)
    if rows_kept.any():
        row_dup[rows_kept] = _repeated(row_key[rows_kept])
    if row_dup.any():
        dup = keep & row_dup[:, None]
        at = np.flatnonzero(dup.ravel(order="F"))
        first = _first_per_key(at, row_key[at % n] * k + at // n)
        found.append(_issues(cells.frame(first, economy, year), "error", "duplicate", _DUPLICATE))
        keep &= ~dup

    if framework is not None:
        known = _known_indicators(framework, known_series)
        unknown_column = np.asarray([t not in known for t in labels], dtype=bool)
        kept_column = keep.any(axis=0)
        if (unknown_column & kept_column).any():
            at = np.asarray(
                [j * n + int(np.argmax(keep[:, j])) for j in np.flatnonzero(unknown_column & kept_column)],
                dtype="int64",
            )
            found.append(_unknown_indicator_issues(cells.frame(at, economy, year), framework))
            keep[:, unknown_column] = False
        low, high = _bounds(labels, framework, known_series)
        below_at, above_at = [], []
        for j in range(k):
            checked = keep[:, j] & has_value[:, j]
            block = number[:, j] if checked.all() else number[checked, j]
            if block.size and (block.min() < low[j] or block.max() > high[j]):
                below_at.append(j * n + np.flatnonzero(checked & (number[:, j] < low[j])))
                above_at.append(j * n + np.flatnonzero(checked & (number[:, j] > high[j])))
        for at, bound, side in ((below_at, low, "below"), (above_at, high, "above")):
            at = np.concatenate(at) if at else np.zeros(0, dtype="int64")
            if at.size:
                rows = cells.frame(at, economy, year)
                found.append(_out_of_range(rows, number.ravel(order="F")[at], bound[at // n], side))
        used = (keep & has_value).any(axis=0)
        present = {t for t, u in zip(labels, used, strict=True) if u}
        found.extend(_absent_issues(framework, present))

    usable = keep & has_value
    del has_value
    sexed_rows = usable.any(axis=1) & (sex.codes != 0)
    if sexed_rows.any():
        unit_key = _cell_keys(economy.codes, year, np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
        lone_at = []
        for j in range(k):
            by_sex = usable[:, j] & (sex.codes != 0)
            if by_sex.any():
                total = unit_key[keep[:, j] & (sex.codes == 0)]
                lone = np.flatnonzero(by_sex & ~np.isin(unit_key, total))
                if lone.size:
                    lone_at.append(_first_per_key(j * n + lone, unit_key[lone]))
        if lone_at:
            at = np.concatenate(lone_at)
            found.append(_issues(cells.frame(at, economy, year), "warning", "sex_without_total", _SEX_WITHOUT_TOTAL))

    issues = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ISSUE_COLUMNS)
    errors_first = issues.assign(_o=issues["severity"].ne("error")).sort_values("_o", kind="stable")
    values = number  # this function's own block: the cells not usable set to NaN in place (no second block)
    for j in np.flatnonzero(~usable.all(axis=0)):  # a column at a time: no (rows x columns) temporary
        values[~usable[:, j], j] = np.nan
    used_rows, used_columns = usable.any(axis=1), usable.any(axis=0)

    def in_use(column: pd.Categorical, rows: np.ndarray) -> pd.Categorical:
        """The labels of the rows (columns) with a usable value, sorted, as the long panel's column has them."""
        if len(column.categories) == 1 and (column.codes[rows] == 0).all():
            return column  # one label (or none in use), kept as the long layout keeps it
        codes = column.codes if rows.all() else np.where(rows, column.codes, -1)
        return _sorted_categories(pd.Categorical.from_codes(codes, categories=column.categories))

    wide = WideValues(
        economy=in_use(economy, used_rows),
        year=np.asarray(year, dtype="int64"),
        sex=sex,
        source=in_use(attribute["source"], used_rows),
        note=in_use(attribute["note"], used_rows),
        indicator=in_use(
            pd.Categorical.from_codes(np.arange(k), categories=pd.Index(labels, dtype=object)), used_columns
        ),
        values=np.asfortranarray(values),
    )
    return PanelCheck(issues=errors_first.drop(columns="_o").reset_index(drop=True), economies=economies, wide=wide)


def to_panel(
    data: pd.DataFrame | str | Path,
    framework: Framework | None = None,
    *,
    extra_names: Mapping[str, str] | None = None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
    max_year: int | None = None,
    units: str | Units | Any = "economies",
    sheet: str | int | None = None,
) -> PanelCheck:
    """Validate a panel and raise the first error as :class:`~ictindex.errors.PanelError`.

    Warnings (aggregates set aside, missing markers, female/male values without a total)
    are returned in ``issues``; the error message counts the other errors found.
    """
    data = as_pandas(data)
    checked = validate_panel(
        data,
        framework,
        extra_names=extra_names,
        known_series=known_series,
        max_year=max_year,
        units=units,
        sheet=sheet,
        checks="off",  # a build runs the checks on the framework's values (ictindex.checks)
    )
    noun = as_units(units, noun=framework.unit_noun if framework is not None else None).noun
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
            noun=noun if noun != "economy" else None,
        )
    return checked


def _with_checks(
    checked: PanelCheck,
    set_aside: Sequence[Sequence[object]] | None,
    framework: Framework | None,
    checks: str | Mapping[str, object] | None,
    units: str,
) -> PanelCheck:
    """The issues of validation, then the values a panel build set aside, then the findings of the checks of
    values and units (:func:`ictindex.checks.check_panel`, with a framework)."""
    found = [checked.issues] if not checked.issues.empty else []
    if set_aside:
        found.append(_set_aside_issues(set_aside, framework))
    if framework is not None and checks not in ("off", False):
        from ictindex.checks import check_panel  # the checks stage comes after derivation

        found.append(check_panel(checked, framework, checks, units))
    found = [f for f in found if not f.empty]
    if found and (len(found) > 1 or found[0] is not checked.issues):
        issues = pd.concat(found, ignore_index=True)
        checked.issues = (
            issues.assign(_o=issues["severity"].ne("error"))
            .sort_values("_o", kind="stable")
            .drop(columns="_o")
            .reset_index(drop=True)
        )
    return checked


def _set_aside_issues(records: Sequence[Sequence[object]], framework: Framework | None) -> pd.DataFrame:
    """Issue rows for the values a panel build set aside (``economy, year, indicator, sex, value, source, problem,
    reason`` records), those of series the framework uses when one is given."""
    table = pd.DataFrame(
        list(records), columns=["economy", "year", "indicator", "sex", "value", "source", "problem", "reason"]
    )
    if framework is not None:
        table = table[table["indicator"].isin(set(framework.indicator_codes) | framework.series_codes)]
    return pd.DataFrame(
        {
            "severity": "warning",
            "problem": table["problem"].astype(str).to_numpy(),
            "economy": table["economy"].astype(str).to_numpy(),
            "indicator": table["indicator"].astype(str).to_numpy(),
            "year": table["year"].astype(str).to_numpy(),
            "message": (
                "value " + table["value"].astype(str) + " set aside by the panel build: " + table["reason"].astype(str)
            ).to_numpy(),
            "line": pd.NA,
        },
        columns=ISSUE_COLUMNS,
    )
