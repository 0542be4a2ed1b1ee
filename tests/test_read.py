"""Reading panel files: which Excel sheet, formulas and error cells, empty rows, line numbers."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from ictindex import PanelError, load_framework, to_panel, validate_panel
from ictindex.read import read_table

DOI = load_framework("doi")
HEADER = ["economy", "year", "indicator", "value"]


def _book(path, sheets: dict[str, list[list]], *, active: int = 0, hidden: tuple[str, ...] = ()):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.active = active
    book.save(path)
    return path


@pytest.fixture
def two_sheets(tmp_path):
    return _book(
        tmp_path / "p.xlsx",
        {
            "2019": [HEADER, ["KOR", 2019, "internet_users", 95.0]],
            "latest": [HEADER, ["KOR", 2020, "internet_users", 96.5]],
        },
        active=1,
        hidden=("2019",),
    )


def test_the_active_sheet_is_read_not_the_first(two_sheets):
    assert read_table(two_sheets)["year"].tolist() == [2020]
    issues = validate_panel(two_sheets, DOI).issues
    assert issues.loc[issues["problem"] == "other_sheets", "message"].tolist() == [
        "read sheet 'latest', the active one; the workbook also has '2019' (hidden): pass sheet= (--sheet) to "
        "read another"
    ]
    assert "other_sheets" not in set(validate_panel(two_sheets, DOI, sheet="latest").issues["problem"])


@pytest.mark.parametrize(("sheet", "year"), [("2019", 2019), ("latest", 2020), (0, 2019), (1, 2020), ("1", 2020)])
def test_sheet_by_name_or_position(two_sheets, sheet, year):
    # "2019" is a sheet's name (not position 2019); "1" is no name, so the position 1
    assert read_table(two_sheets, sheet=sheet)["year"].tolist() == [year]
    assert to_panel(two_sheets, DOI, sheet=sheet).panel["year"].tolist() == [year]


@pytest.mark.parametrize("sheet", ["2021", 2, -1, "Latest"])
def test_unknown_sheet_lists_the_sheets(two_sheets, sheet):
    with pytest.raises(PanelError, match=r"no sheet .* in the workbook \(sheets: '2019', 'latest'\)") as info:
        read_table(two_sheets, sheet=sheet)
    assert info.value.field == "sheet" and info.value.hint


def test_sheet_for_a_csv_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("economy,year,internet_users\nKOR,2020,96\n")
    with pytest.raises(PanelError, match="a sheet .* was given for a text file"):
        read_table(path, sheet="data")


def test_formula_without_cached_value_is_refused_naming_the_cells(tmp_path):
    rows = [
        HEADER,
        ["KOR", 2020, "internet_users", 96.0],
        ["BRA", 2020, "internet_users", "=D2-20"],
        ["ARG", 2020, "internet_users", "=D2/2"],
    ]
    path = _book(tmp_path / "p.xlsx", {"data": rows})
    with pytest.raises(
        PanelError,
        match=r"2 formula cell\(s\) of sheet 'data' have no computed value "
        r"\(D3, D4\)",
    ) as info:
        read_table(path)
    assert info.value.line == 3 and "open and save it" in info.value.hint


def test_formula_with_cached_value_gives_that_value(tmp_path):
    """A workbook saved by a spreadsheet stores each formula's result: that is the value read."""
    path = _book(tmp_path / "p.xlsx", {"data": [HEADER, ["KOR", 2020, "internet_users", "=40+36"]]})
    # write the cached value as a spreadsheet would: <c><f>40+36</f><v>76</v></c>
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    # openpyxl writes the empty value as <v /> or, with lxml installed (sdmx1 needs it), as <v></v>
    parts[name] = re.sub(rb"<f>40\+36</f><v\s*/>|<f>40\+36</f><v></v>", b"<f>40+36</f><v>76</v>", parts[name])
    assert b"<v>76</v>" in parts[name]
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert to_panel(path, DOI).panel["value"].tolist() == [76.0]


def test_excel_error_cells_are_recorded_as_missing(tmp_path):
    path = _book(
        tmp_path / "p.xlsx",
        {
            "data": [
                HEADER,
                ["KOR", 2020, "internet_users", 96.0],
                ["BRA", 2020, "internet_users", "#N/A"],
                ["ARG", 2020, "internet_users", "#DIV/0!"],
            ]
        },
    )
    book = openpyxl.load_workbook(path)
    book.active["D3"].data_type = book.active["D4"].data_type = "e"
    book.save(path)
    checked = to_panel(path, DOI)
    markers = checked.issues[checked.issues["problem"] == "missing_marker"]
    assert markers[["economy", "line"]].values.tolist() == [["BRA", 3], ["ARG", 4]]
    assert markers["message"].tolist() == ["'#N/A' read as missing", "'#DIV/0!' read as missing"]
    assert checked.economies == {"KOR", "BRA", "ARG"}  # BRA and ARG have no value, but were in the file
    assert set(checked.panel["economy"]) == {"KOR"}


def test_boolean_cells_are_refused_not_read_as_1_and_0(tmp_path):
    path = _book(
        tmp_path / "p.xlsx",
        {"data": [HEADER, ["KOR", 2020, "internet_users", True], ["BRA", 2020, "internet_users", False]]},
    )
    issues = validate_panel(path, DOI).issues
    rows = issues[issues["problem"] == "boolean_value"]
    assert rows[["economy", "line"]].values.tolist() == [["KOR", 2], ["BRA", 3]]
    frame = pd.DataFrame({"economy": ["KOR"], "year": [2020], "internet_users": [True]})  # a bool column
    with pytest.raises(PanelError, match="value True is a yes/no"):
        to_panel(frame, DOI)


def test_empty_rows_are_dropped_recorded_and_lines_still_count(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("economy,year,indicator,value\nKOR,2020,internet_users,96\n,,,\n\nBRA,2020,internet_users,x\n,,,\n")
    frame = read_table(path)
    assert frame.index.tolist() == [2, 5] and frame.attrs["empty_rows"] == "lines 3-4, 6"
    issues = validate_panel(path, DOI).issues
    assert issues.loc[issues["problem"] == "empty_rows", "message"].item() == "lines 3-4, 6 without any value skipped"
    with pytest.raises(PanelError) as info:
        to_panel(path, DOI)
    assert info.value.line == 5 and "line 5" in str(info.value)


def test_empty_rows_of_a_dataframe_are_dropped_too():
    frame = pd.DataFrame({"economy": ["KOR", None], "year": [2020, None], "internet_users": [96.0, None]})
    checked = to_panel(frame, DOI)
    assert checked.panel["economy"].tolist() == ["KOR"]
    assert (
        "1 row(s) at position(s) 1" in checked.issues.loc[checked.issues["problem"] == "empty_rows", "message"].item()
    )


def test_line_numbers_of_a_wide_file(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("economy,year,internet_users,hh_internet\n\nKOR,2020,96,99\nBRA,2020,70,lots\n")
    with pytest.raises(PanelError, match="value 'lots' is not a number") as info:
        to_panel(path, DOI)
    assert (info.value.line, info.value.economy, info.value.indicator) == (4, "BRA", "hh_internet")


def test_leading_empty_rows_before_the_header(tmp_path):
    path = _book(tmp_path / "p.xlsx", {"data": [[], [], HEADER, ["KOR", 2020, "internet_users", 96.0]]})
    frame = read_table(path)
    assert list(frame.columns) == HEADER and frame.index.tolist() == [4]


def test_a_frame_from_read_table_keeps_its_file_in_errors(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("economy,year,internet_users\nKOR,2020,high\n")
    with pytest.raises(PanelError) as info:
        to_panel(read_table(path), DOI)
    assert info.value.file == str(path) and info.value.line == 2
