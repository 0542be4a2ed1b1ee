"""Read a panel file (CSV, Excel or Parquet) into a table of its cells, as written, with line numbers.

No validation happens here (see :mod:`ictindex.panel`); the reader only makes sure that what it
returns is what the file holds, and says so when it cannot:

* **CSV**: UTF-8 (a byte-order mark is allowed), delimiter sniffed (comma, semicolon, tab or pipe),
  every cell read as text (``"n/a"``, ``".."`` stay text so validation can record them).
* **Excel** (``.xlsx``, ``.xlsm``): the *active* sheet (the one Excel shows when the file is opened),
  or the one named by ``sheet=`` (name or 0-based position). Formula cells give their cached value;
  a formula without one (a workbook written by a program and never opened in a spreadsheet) is
  refused, since reading it as empty would silently lose data. Error cells (``#N/A``, ``#DIV/0!``) are
  kept as their text, so validation records them as missing values. ``.xls`` files are read with
  calamine (first sheet by default; their formulas cannot be checked).
* **Parquet** (``.parquet``, ``.pq``; one file, read with pyarrow, ``pip install ictindex[arrow]``): a
  typed table, so its columns keep their types (numbers, text, categoricals, nullable integers) and
  values exactly as stored (:func:`ictindex.tables.arrow_to_pandas`); a file written from pandas comes
  back with its pandas dtypes and index. A folder of Parquet files (a dataset) is read by the Dask
  build, not here.
* **Rows with no cell at all** (``,,,,`` lines that spreadsheets export, blank rows in a sheet) are
  dropped and listed in ``frame.attrs["empty_rows"]``, which validation records as a warning.

The returned frame's index is the line of the file (CSV) or row of the sheet (Excel) each row comes
from, counting the header as line 1, named ``line``; ``frame.attrs["file"]`` is the path, so a frame
read here and passed on keeps its place in error messages.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "p.csv"
...     _ = path.write_text("economy,year,internet_users\\nKOR,2020,96\\n,,\\n")
...     frame = read_table(path)
>>> frame.index.tolist(), frame.attrs["empty_rows"]
([2], 'line 3')
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import PanelError
from ictindex.limits import check_text_file

__all__ = ["read_table", "EXCEL_SUFFIXES", "TEXT_SUFFIXES", "PARQUET_SUFFIXES"]

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".tab"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
_OPENPYXL = {".xlsx", ".xlsm"}
#: How many cells an error message lists before "..."
_SHOWN = 5


def read_table(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV or Excel file as it is (no validation); errors name the file.

    Parameters
    ----------
    path
        A ``.csv``/``.txt``/``.tsv``/``.tab`` file (UTF-8), an ``.xlsx``/``.xlsm``/``.xls`` workbook or a
        ``.parquet`` file.
    sheet
        Excel only: the sheet's name, or its 0-based position (a text of digits that is not a
        sheet's name is read as a position, as the command line's ``--sheet 1``). Default: the
        active sheet.
    """
    path = Path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path, sheet)
    if not path.is_file():
        raise PanelError("file not found", file=str(path), hint="check the path")
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES | TEXT_SUFFIXES:
        raise PanelError(
            f"unsupported file type '{suffix}'",
            file=str(path),
            hint="give a CSV (.csv, .txt, .tsv), an Excel file (.xlsx) or a Parquet file (.parquet)",
        )
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise PanelError(
            f"a sheet ({sheet!r}) was given for a text file",
            file=str(path),
            hint="leave out sheet= (or --sheet): it applies to Excel files only",
        )
    if path.stat().st_size == 0 or (suffix in TEXT_SUFFIXES and not path.read_bytes().strip()):
        raise PanelError("the file is empty", file=str(path), hint="give a table with a header row")
    try:
        note = ""
        if suffix in _OPENPYXL and zipfile.is_zipfile(path):
            grid, note = _read_xlsx(path, sheet)
        elif suffix in EXCEL_SUFFIXES:
            grid = pd.read_excel(
                path, sheet_name=0 if sheet is None else sheet, engine="calamine", header=None, dtype="object"
            )
        else:
            check_text_file(path)  # a line or a header too long for a table: refused before the parser sees it
            grid = pd.read_csv(
                path,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
                header=None,
                dtype="str",
                keep_default_na=False,
                skip_blank_lines=False,
            )
            grid = grid.replace("", np.nan)  # an empty CSV cell is no data, as in a spreadsheet
    except PanelError:
        raise
    except UnicodeDecodeError as err:
        raise PanelError(
            f"the file is not UTF-8 text (byte {err.object[err.start]:#04x} at position {err.start})",
            file=str(path),
            hint="save it as 'CSV UTF-8' (or give an XLSX file)",
        ) from None
    except Exception as err:  # parsers raise their own types (calamine, csv.Error, ParserError, zipfile)
        raise PanelError(
            f"cannot read the table: {err}",
            file=str(path),
            hint="give a CSV (comma, semicolon, tab or pipe separated) or an XLSX file",
        ) from None
    frame = _with_header(grid, path)
    if note:
        frame.attrs["sheet_note"] = note
    return frame


def _read_parquet(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """One Parquet file as a typed table (every value and type kept); errors name the file."""
    if path.is_dir():
        raise PanelError(
            "this is a folder (a Parquet dataset), not one Parquet file",
            file=str(path),
            hint="give one .parquet file, or build from the dataset with the Dask build (ictindex[dask])",
        )
    if not path.is_file():
        raise PanelError("file not found", file=str(path), hint="check the path")
    if sheet is not None:
        raise PanelError(
            f"a sheet ({sheet!r}) was given for a Parquet file",
            file=str(path),
            hint="leave out sheet= (or --sheet): it applies to Excel files only",
        )
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise PanelError(
            "reading Parquet needs pyarrow", file=str(path), hint="pip install 'ictindex[arrow]'"
        ) from None
    from ictindex.tables import arrow_to_pandas

    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ... for a damaged or foreign file
        raise PanelError(
            f"cannot read the Parquet file: {err}", file=str(path), hint="check that it is a Parquet file"
        ) from None
    if table.num_columns == 0 or table.num_rows == 0:
        raise PanelError("the file is empty", file=str(path), hint="give a table with at least one row")
    frame = arrow_to_pandas(table)
    frame.attrs["file"] = str(path)
    return frame


def _with_header(grid: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The first non-empty row as header; the rows below indexed by their line, empty rows set aside."""
    grid.index = pd.RangeIndex(1, len(grid) + 1, name="line")
    empty = grid.isna().all(axis=1)
    if empty.all():
        raise PanelError("the file is empty", file=str(path), hint="give a table with a header row")
    header_line = int(empty.idxmin())
    header = [("" if pd.isna(v) else str(v).strip()) for v in grid.loc[header_line]]
    counts = Counter(header)  # (header.count per column was quadratic in the number of columns)
    repeated = sorted(h for h, n in counts.items() if h and n > 1)
    if repeated:
        raise PanelError(
            f"column(s) {repeated} appear more than once in the header",
            file=str(path),
            line=header_line,
            hint="keep one column per indicator (or rename the copies)",
        )
    frame = grid.loc[header_line + 1 :]
    dropped = empty.loc[header_line + 1 :]
    frame = frame[~dropped.to_numpy()].copy()
    frame.columns = [h if h else f"unnamed {i + 1}" for i, h in enumerate(header)]
    frame.attrs["file"] = str(path)
    lines = dropped.index[dropped.to_numpy()]
    if len(lines):
        frame.attrs["empty_rows"] = _ranges(lines.tolist(), "line" if path.suffix.lower() in TEXT_SUFFIXES else "row")
    return frame


def _ranges(numbers: list[int], word: str) -> str:
    """``[3, 4, 5, 9]`` -> ``"lines 3-5, 9"``."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:20]) + (" ..." if len(spans) > 20 else "")
    return f"{word}{'s' if len(numbers) > 1 else ''} {text}"


def _choose_sheet(names: list[str], active: str, sheet: str | int | None, path: Path) -> str:
    if sheet is None:
        return active
    if isinstance(sheet, str) and sheet in names:
        return sheet
    position = int(sheet) if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.strip().isdigit()) else None
    if position is not None and not isinstance(sheet, bool) and 0 <= position < len(names):
        return names[position]
    raise PanelError(
        f"no sheet {sheet!r} in the workbook (sheets: {', '.join(map(repr, names))})",
        file=str(path),
        field="sheet",
        hint="give a sheet's name, or its position counting from 0",
    )


def _read_xlsx(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, str]:
    """Cells of one sheet with openpyxl: cached values of formulas, error cells as their text.

    openpyxl is used (not calamine) because it tells which sheet is active and which cells are
    formulas: a workbook is read once as written (formulas as formulas) and, when it has formulas,
    a second time for their cached values (``data_only=True``), which are ``None`` when never computed.
    Returns the cells and, when the active sheet was chosen among several, a note naming the others.
    """
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        names = [ws.title for ws in book.worksheets]
        active = book.active.title if book.active is not None and book.active.title in names else names[0]
        name = _choose_sheet(names, active, sheet, path)
        others = [
            f"'{ws.title}'" + (f" ({ws.sheet_state})" if getattr(ws, "sheet_state", "visible") != "visible" else "")
            for ws in book.worksheets
            if ws.title != name
        ]
        note = (
            f"read sheet '{name}', the active one; the workbook also has {', '.join(others)}: pass sheet= "
            "(--sheet) to read another"
            if others and sheet is None
            else ""
        )
        cells, formulas = _cells(book[name], formulas=True)
    finally:
        book.close()
    if formulas:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            cached, _ = _cells(book[name], formulas=False)
        finally:
            book.close()
        uncached = []
        for r, c, coordinate in formulas:
            value = cached[r][c] if r < len(cached) and c < len(cached[r]) else None
            if value is None:
                uncached.append(coordinate)
            cells[r][c] = value
        if uncached:
            shown = ", ".join(uncached[:_SHOWN]) + (
                f" and {len(uncached) - _SHOWN} more" if len(uncached) > _SHOWN else ""
            )
            raise PanelError(
                f"{len(uncached)} formula cell(s) of sheet '{name}' have no computed value ({shown}): "
                "the workbook was written by a program and never recalculated",
                file=str(path),
                line=int(uncached[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                hint="open and save it in a spreadsheet (which computes the formulas), or write "
                "values instead of formulas",
            )
    width = max((len(row) for row in cells), default=0)
    grid = pd.DataFrame([row + [None] * (width - len(row)) for row in cells], dtype="object")
    return grid.replace({None: np.nan}), note


def _cells(worksheet: Any, *, formulas: bool) -> tuple[list[list[object]], list[tuple[int, int, str]]]:
    """Rows of cell values from A1; with ``formulas``, also (row, column, coordinate) of formula cells.
    Error cells (data type ``e``) keep their text (``#N/A``)."""
    worksheet.reset_dimensions()  # a program may have written a wrong <dimension>
    rows: list[list[object]] = []
    found: list[tuple[int, int, str]] = []
    for r, row in enumerate(worksheet.iter_rows(min_row=1, min_col=1)):
        values = []
        for c, cell in enumerate(row):
            value = cell.value
            if formulas and getattr(cell, "data_type", None) == "f":
                found.append((r, c, f"{_column_letter(c)}{r + 1}"))
            values.append(value)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows, found


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
