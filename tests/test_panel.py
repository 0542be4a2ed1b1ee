from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ictindex import IctIndexError, PanelError, load_framework
from ictindex.panel import to_panel, validate_panel

DOI = load_framework("doi")


def _long(rows):
    return pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"])


def test_long_and_wide_give_the_same_panel():
    long = _long([["KOR", 2018, "internet_users", 96.0], ["KOR", 2018, "hh_internet", 99.5]])
    wide = pd.DataFrame({"economy": ["Korea (Rep.)"], "year": [2018], "internet_users": [96.0], "hh_internet": [99.5]})
    a = to_panel(long, DOI).panel.sort_values("indicator").reset_index(drop=True)
    b = to_panel(wide, DOI).panel.sort_values("indicator").reset_index(drop=True)
    cols = ["economy", "year", "indicator", "sex", "value"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_csv_semicolon_and_xlsx(tmp_path):
    frame = _long([["ARG", 2020, "internet_users", 85.5]])
    frame.to_csv(tmp_path / "p.csv", sep=";", index=False)
    frame.to_excel(tmp_path / "p.xlsx", index=False)
    for path in (tmp_path / "p.csv", tmp_path / "p.xlsx"):
        panel = to_panel(path, DOI).panel
        assert panel[["economy", "year", "indicator", "value"]].values.tolist() == [
            ["ARG", 2020, "internet_users", 85.5]
        ]
        assert panel["source"].iloc[0] == str(path)


def test_input_frame_is_not_mutated():
    frame = _long([["Korea (Rep.)", "2018", "internet_users", "96.0"], ["World", 2018, "internet_users", 51]])
    before = frame.copy()
    to_panel(frame, DOI)
    pd.testing.assert_frame_equal(frame, before)


def test_aggregates_set_aside_and_recorded():
    checked = to_panel(
        _long(
            [
                ["ARG", 2020, "internet_users", 85.5],
                ["World", 2020, "internet_users", 60],
                ["LDCs", 2020, "internet_users", 20],
            ]
        ),
        DOI,
    )
    assert checked.panel["economy"].tolist() == ["ARG"]
    assert checked.aggregates == ["LDCs", "World"]


def test_missing_markers_are_missing_with_a_warning():
    checked = to_panel(
        _long(
            [
                ["ARG", 2020, "internet_users", ".."],
                ["BRA", 2020, "internet_users", "n/a"],
                ["CHL", 2020, "internet_users", "90"],
            ]
        ),
        DOI,
    )
    assert checked.panel["economy"].tolist() == ["CHL"]
    problems = checked.issues["problem"]
    assert problems[problems != "absent_indicator"].tolist() == ["missing_marker", "missing_marker"]


BAD_INPUTS = {
    "duplicate": (
        [["ARG", 2020, "internet_users", 85.5], ["ARG", 2020, "internet_users", 86.0]],
        "more than one row",
        ("ARG", "internet_users", "2020"),
    ),
    "non-numeric": ([["ARG", 2020, "internet_users", "85.5a"]], "not a number", ("ARG", "internet_users", "2020")),
    "unknown indicator": (
        [["ARG", 2020, "internet_usres", 85.5]],
        "neither an indicator",
        ("ARG", "internet_usres", "2020"),
    ),
    "unknown economy": (
        [["Atlantis", 2020, "internet_users", 85.5]],
        "unknown economy 'Atlantis'",
        ("Atlantis", "internet_users", "2020"),
    ),
    "percentage above 100": (
        [["ARG", 2020, "internet_users", 105.0]],
        "above the highest",
        ("ARG", "internet_users", "2020"),
    ),
    "percentage below 0": ([["ARG", 2020, "hh_internet", -1.0]], "below the lowest", ("ARG", "hh_internet", "2020")),
    "negative count": (
        [["ARG", 2020, "mobile_subscribers", -5.0]],
        "negative count",
        ("ARG", "mobile_subscribers", "2020"),
    ),
    "negative source series": (
        [["ARG", 2020, "IT.CEL.SETS.P2", -5.0]],
        "below the lowest",
        ("ARG", "IT.CEL.SETS.P2", "2020"),
    ),
    "year as text": (
        [["ARG", "twenty", "internet_users", 5.0]],
        "not a whole number",
        ("ARG", "internet_users", "twenty"),
    ),
    "future year": ([["ARG", 2999, "internet_users", 5.0]], "year after", ("ARG", "internet_users", "2999")),
    "infinite value": ([["ARG", 2020, "internet_users", float("inf")]], "infinite", ("ARG", "internet_users", "2020")),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_raises_panel_error_naming_the_place(case):
    rows, text, (economy, indicator, year) = BAD_INPUTS[case]
    with pytest.raises(PanelError, match=text) as info:
        to_panel(_long(rows), DOI)
    err = info.value
    assert isinstance(err, IctIndexError)
    assert (err.economy, err.indicator, str(err.year)) == (economy, indicator, year)
    assert f"economy {economy}" in str(err) and f"indicator {indicator}" in str(err)


def test_missing_columns():
    with pytest.raises(PanelError, match=r"missing column\(s\) \['year'\]"):
        to_panel(pd.DataFrame({"economy": ["ARG"], "internet_users": [1.0]}))


def test_validate_collects_every_problem():
    checked = validate_panel(
        _long(
            [
                ["Atlantis", 2020, "internet_users", 1.0],
                ["ARG", 2020, "internet_users", 101.0],
                ["ARG", 2020, "hh_internet", "x"],
            ]
        ),
        DOI,
    )
    assert sorted(checked.errors["problem"]) == ["non_numeric", "out_of_range", "unknown_economy"]


def test_by_sex_rows_and_sex_without_total():
    frame = pd.DataFrame(
        {
            "economy": ["KOR"] * 3,
            "year": 2018,
            "indicator": "internet_users",
            "sex": ["Female", "M", "both sexes"],
            "value": [94.6, 97.1, 95.9],
        }
    )
    assert sorted(to_panel(frame, DOI).panel["sex"]) == ["female", "male", "total"]
    lone = to_panel(frame.iloc[:2], DOI)
    problems = lone.issues["problem"]
    assert problems[problems != "absent_indicator"].tolist() == ["sex_without_total"]
    with pytest.raises(PanelError, match="not total, female or male"):
        to_panel(frame.assign(sex="other"), DOI)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "1,024",
            "value '1,024' is ambiguous: the comma may be a thousands separator (1024) or a decimal comma (1.024)",
        ),
        ("12,500", "ambiguous: the comma may be a thousands separator (12500) or a decimal comma (12.500)"),
        ("1,234,567", "value '1,234,567' has thousands separators: write 1234567"),
        ("1,234.5", "has thousands separators: write 1234.5"),
        ("96,5", "value '96,5' has a decimal comma: write 96.5"),
        ("0,125", "has a decimal comma: write 0.125"),  # a leading 0 is never before a thousands separator
        ("1,0245", "has a decimal comma: write 1.0245"),
        ("1.234,5", "has a thousands point and a decimal comma: write 1234.5"),
        ("FALSE", "value 'FALSE' is a yes/no cell, not a number"),
    ],
)
def test_numbers_written_for_people_are_named_never_advised_wrong(value, message):
    with pytest.raises(PanelError) as info:
        to_panel(_long([["ARG", 2020, "mobile_subscribers", value]]), DOI)
    assert message in str(info.value)
    if value == "1,024":
        assert "write 1.024" not in str(info.value)  # never advise a value 1000 times too small


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_booleans_are_refused_not_read_as_1_and_0(value):
    with pytest.raises(PanelError, match=f"value {bool(value)} is a yes/no .TRUE/FALSE. cell") as info:
        to_panel(_long([["ARG", 2020, "internet_users", value], ["BRA", 2020, "internet_users", 1.0]]), DOI)
    assert info.value.economy == "ARG"


def test_economies_lists_every_economy_seen_whatever_its_values():
    checked = to_panel(
        _long(
            [
                ["ARG", 2020, "internet_users", 85.5],
                ["Brazil", 2020, "internet_users", ".."],
                ["CHL", 2020, "internet_users", None],
                ["NER", 2020, "internet_users", "#N/A"],
                ["World", 2020, "internet_users", 60.0],
            ]
        ),
        DOI,
    )
    assert checked.economies == {"ARG", "BRA", "CHL", "NER"}  # names resolved, the aggregate set aside
    assert set(checked.panel["economy"]) == {"ARG"}
