"""Published tables given to compare(): footnote marks, "n/a", economies by name, text years are read for what
they say; an all-missing column, text and infinite scores are refused naming the economy and year (issue 30,
class 3). Before, marked scores and named economies were reported as "a only" and text years were a pandas error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ictindex
from ictindex import datasets
from ictindex.errors import CoverageError, MethodError
from ictindex.published import published_scores

OURS = pd.DataFrame({"economy": ["KOR", "ARG", "BRA", "NER"], "year": 2022, "IDI": [90.0, 80.0, 70.0, 20.0]})


def _compared(published: pd.DataFrame) -> pd.DataFrame:
    return ictindex.compare(OURS, published, node="IDI").table.set_index("economy")


def test_footnote_marks_are_read_as_the_number_they_follow():
    marked = OURS.assign(IDI=["90.1*", "80.2 a", "70.0†", "20.5¹"])
    table = _compared(marked)
    assert (table["in"] == "both").all()  # before: three of them "a only"
    assert table["score_b"].to_dict() == {"ARG": 80.2, "BRA": 70.0, "KOR": 90.1, "NER": 20.5}
    assert published_scores(marked, "IDI").attrs["cleaning"] == "4 footnote mark(s) removed"


def test_not_published_markers_leave_the_economy_in_one_side_only():
    table = _compared(OURS.assign(IDI=["90.1", "n/a", "..", " – "]))
    assert table["in"].to_dict() == {"ARG": "a only", "BRA": "a only", "KOR": "both", "NER": "a only"}


def test_economies_given_by_name_are_matched_to_their_codes():
    named = OURS.assign(economy=["Korea (Rep. of)", "Argentina", " Brazil ", "Niger"])
    table = _compared(named)
    assert (table["in"] == "both").all() and table["difference"].abs().max() == 0  # before: 4 "a only", 4 "b only"
    units = pd.DataFrame({"economy": ["KR-11", "KR-26"], "year": 2022, "IDI": [1.0, 2.0]})
    assert published_scores(units, "IDI")["economy"].tolist() == ["KR-11", "KR-26"]  # other units as written


def test_years_written_as_text_are_whole_numbers():
    text_years = OURS.assign(year=["2022", " 2022 ", "2022.0", "2022"])
    assert (_compared(text_years)["in"] == "both").all()  # before: a pandas merge error
    with_years = ictindex.compare(OURS, OURS.assign(year="2023"), node="IDI", years=(2022, 2023))
    assert with_years.summary["compared"].iloc[0] == 4


def test_an_all_missing_score_column_is_refused():
    with pytest.raises(CoverageError, match="side b has no score in column 'IDI' \\(its 4 cells are empty"):
        ictindex.compare(OURS, OURS.assign(IDI=np.nan), node="IDI")
    with pytest.raises(CoverageError, match="side b has no score"):
        ictindex.compare(OURS, OURS.assign(IDI="n/a"), node="IDI")


@pytest.mark.parametrize(
    ("column", "cells", "message", "economy"),
    [
        ("IDI", ["90.1", "high", "70", "20"], "the score 'high' is not a number", "ARG"),
        ("IDI", ["90,1", "80", "70", "20"], "the score '90,1' has a decimal comma: write 90.1", "KOR"),
        ("IDI", [90.0, np.inf, 70.0, 20.0], "the score is infinite", "ARG"),
        ("IDI", [90.0, 80.0, True, 20.0], "the score True is a yes/no value", "BRA"),
        ("IDI", ["90.1**a", "80", "70", "20"], "the score '90.1\\*\\*a' is not a number", "KOR"),
        ("year", ["2022", "twenty", "2022", "2022"], "the year 'twenty', which is not a whole number", "ARG"),
        ("year", [2022, 2022.5, 2022, 2022], "the year 2022.5, which is not a whole number", "ARG"),
        ("year", [2022, None, 2022, 2022], "no year \\(an empty cell\\)", "ARG"),
        ("year", [2022, 22, 2022, 2022], "the year 22, which is not a whole number from 1900", "ARG"),
        ("year", [2022, 1e20, 2022, 2022], "the year 1e\\+20, which is not", "ARG"),  # no int64 holds it
    ],
)
def test_cells_that_are_not_numbers_are_refused_naming_economy_and_year(column, cells, message, economy):
    bad = OURS.assign(**{column: pd.Series(cells, dtype="object")})
    with pytest.raises(MethodError, match=message) as info:
        ictindex.compare(OURS, bad, node="IDI")
    assert info.value.economy == economy
    if column == "IDI":
        assert info.value.year == 2022


def test_an_empty_economy_cell_is_refused_and_the_input_is_not_changed():
    bad = OURS.assign(economy=["KOR", None, "BRA", "NER"])
    before = bad.copy()
    with pytest.raises(MethodError, match="empty economy cell \\(row 2 of the table\\)"):
        ictindex.compare(OURS, bad, node="IDI")
    pd.testing.assert_frame_equal(bad, before)


def test_the_bundled_published_idi_is_read_unchanged():
    published = datasets.published("idi2024")
    cleaned = published_scores(published, "IDI")
    kept = published.dropna(subset=["IDI"])
    assert cleaned["economy"].tolist() == kept["economy"].tolist()
    assert np.array_equal(cleaned["score"].to_numpy(), kept["IDI"].to_numpy())
    assert cleaned.attrs["cleaning"] == ""
