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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import PanelError, SpecError
from ictindex.framework import Framework
from ictindex.inputs.catalogue import series_bounds
from ictindex.inputs.user_files import read_table
from ictindex.panel.cells import _categorical, _runs  # noqa: F401 - former names of this module
from ictindex.panel.checks import RowsOf  # noqa: F401 - former name of this module
from ictindex.panel.issues import _issues, _not_a_number, _set_aside_issues  # noqa: F401 - _not_a_number: published.py
from ictindex.panel.long import _to_long, _validate_long  # noqa: F401 - _to_long: former name of this module
from ictindex.panel.schema import (  # noqa: F401 - constants of the former module
    _LINE,
    ISSUE_COLUMNS,
    MISSING_MARKERS,
    PANEL_COLUMNS,
    SEX_CODES,
    PanelCheck,
    WideValues,
    _rename,
)
from ictindex.panel.wide import _validate_wide, _wide_columns
from ictindex.tables import as_pandas
from ictindex.units import EARLIEST_YEAR, Units, as_units  # noqa: F401 - EARLIEST_YEAR: former home

__all__ = ["PANEL_COLUMNS", "PanelCheck", "WideValues", "read_table", "to_panel", "validate_panel", "MISSING_MARKERS"]

#: Wide tables are validated in their own shape (tests set this to False to compare with the long layout).
_WIDE_LAYOUT = True


def _set_empty_rows_aside(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows with no cell at all (``,,,,`` lines that spreadsheets export) dropped, with their description
    (the lines :func:`~ictindex.inputs.user_files.read_table` set aside, or the positions of the frame's own).

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
        (default: the catalogue of :mod:`ictindex.inputs.catalogue`).
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
        none. Values a panel build set aside (``attrs["set_aside"]`` of :func:`ictindex.inputs.bundled_files.load`) are
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
    checked = _validate_long(frame, found, framework, known_series, extra_names, latest, units, source)
    return _with_checks(checked, frame.attrs.get("set_aside"), framework, checks, units)


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
        from ictindex.checks import Settings, check_panel  # the checks stage comes after derivation
        from ictindex.spec import _checks  # the build's check settings, checked against the framework

        found.append(check_panel(checked, framework, Settings(framework, dict(_checks(checks, framework)), units)))
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
