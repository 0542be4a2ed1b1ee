"""Scan exported files for what a spreadsheet would run: formula cells in XLSX, CSV cells starting with
``= + - @`` (OWASP CSV injection), and files outside the output folder. Used by the export scan, the
fuzzers and the bad-input catalogue."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_formula_cells(path: Path) -> list[str]:
    """``sheet!A1`` of every cell stored as a formula (openpyxl data type ``f``: the library writes none)."""
    book = load_workbook(path)  # not read-only: data_type is exact
    found = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))
    ]
    found += [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
    ]
    return sorted(set(found))


def csv_formula_cells(path: Path) -> list[str]:
    """``file:row:column`` of every CSV cell a spreadsheet would read as a formula.

    A cell that parses as a number (``-0.5``) is a number, not a formula; every other cell starting
    with ``= + - @``, a tab or a carriage return is reported."""
    found = []
    with path.open(newline="", encoding="utf-8") as handle:
        for r, row in enumerate(csv.reader(handle), start=1):
            for c, cell in enumerate(row, start=1):
                if cell.startswith(FORMULA_STARTS) or cell.lstrip(" ").startswith(FORMULA_STARTS):
                    try:
                        float(cell)
                    except ValueError:
                        found.append(f"{path.name}:{r}:{c}: {cell[:40]!r}")
    return found


def unsafe_cells(folder: Path) -> list[str]:
    """Every formula cell of every CSV and XLSX file under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*.csv")):
        found += csv_formula_cells(path)
    for path in sorted(folder.rglob("*.xlsx")):
        found += xlsx_formula_cells(path)
    return found


def files_outside(folder: Path, before: set[Path], root: Path) -> list[Path]:
    """Files under ``root`` that appeared since ``before`` (a snapshot) and are not inside ``folder``."""
    folder = folder.resolve()
    now = {p.resolve() for p in root.rglob("*") if p.is_file()}
    return sorted(p for p in now - before if folder not in p.parents)
