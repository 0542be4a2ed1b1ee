"""A wide table is validated in its own shape (rows x indicator columns, no long layout of one row per
value): the issues, the panel and the economies must be exactly those of the long layout, row for row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex import panel as panel_module
from ictindex.derive import indicator_values
from ictindex.framework import load_framework
from ictindex.panel import validate_panel

DOI = load_framework("doi")
ECONOMIES = ["KOR", "ARG", "Korea (Rep.)", "World", "Atlantis", "", None, " ARG ", "NER"]
YEARS = [2018, 2019, 2020, 2020.5, None, "2019", "twenty", 1850, 2099]
SEXES = ["total", "female", "male", "", "F", "other", None]
CELLS = [12.5, 96.0, 0.0, 1.0, 150.0, -3.0, np.inf, np.nan, None, "..", "n/a", "#N/A", "96,5", "1,024", "x", True]
COLUMNS = ["internet_users", "mobile_subscribers", "IT.NET.USER.ZS", "mystery", "fixed_broadband"]


def both(frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, **keywords):
    wide = validate_panel(frame, **keywords)
    assert wide.wide is not None, "the wide layout was not used"
    with monkeypatch.context() as m:
        m.setattr(panel_module, "_WIDE_LAYOUT", False)
        long = validate_panel(frame, **keywords)
    assert long.wide is None
    return wide, long


def assert_same(wide, long) -> None:
    pd.testing.assert_frame_equal(wide.issues, long.issues)
    pd.testing.assert_frame_equal(wide.panel, long.panel)
    assert wide.economies == long.economies
    assert wide.n_values == len(long.panel)
    assert wide.has_notes == long.has_notes


@st.composite
def tables(draw):
    n = draw(st.integers(0, 12))
    columns = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True))
    frame = pd.DataFrame(
        {
            "economy": draw(st.lists(st.sampled_from(ECONOMIES), min_size=n, max_size=n)),
            "year": draw(st.lists(st.sampled_from(draw(st.sampled_from([YEARS[:2], YEARS]))), min_size=n, max_size=n)),
        }
    )
    if draw(st.booleans()):
        frame["sex"] = draw(st.lists(st.sampled_from(SEXES), min_size=n, max_size=n))
    if draw(st.booleans()):
        frame["note"] = draw(st.lists(st.sampled_from(["", "estimate", None]), min_size=n, max_size=n))
    if draw(st.booleans()):
        frame["source"] = draw(
            st.lists(st.sampled_from(["ITU", "", None, "=cmd|' /C calc'!A0"]), min_size=n, max_size=n)
        )
    numeric = draw(st.booleans())
    for column in columns:
        pool = [v for v in CELLS if isinstance(v, float)] if numeric else CELLS
        frame[column] = pd.Series(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=object)
        if numeric:
            frame[column] = frame[column].astype("float64")
    return frame


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=tables(), with_framework=st.booleans())
def test_wide_layout_gives_the_issues_and_panel_of_the_long_layout(frame, with_framework, monkeypatch):
    before = frame.copy()
    wide, long = both(frame, monkeypatch, framework=DOI if with_framework else None, max_year=2024)
    assert_same(wide, long)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=tables(), sex=st.sampled_from(["total", "female", "male"]))
def test_indicator_matrix_from_the_wide_values_equals_the_long_panel(frame, sex, monkeypatch):
    checked = validate_panel(frame, max_year=2024)
    values, sources = indicator_values(checked.wide, DOI, sex=sex)
    expected_values, expected_sources = indicator_values(checked.panel, DOI, sex=sex)
    pd.testing.assert_frame_equal(values, expected_values)
    pd.testing.assert_frame_equal(sources, expected_sources)


def test_bundled_panel_as_a_wide_table(doi_panel, monkeypatch):
    """A real panel (the DOI test panel), pivoted wide, with a file's line numbers."""
    wide_table = doi_panel.pivot(index=["economy", "year"], columns="indicator", values="value").reset_index()
    wide_table.index = pd.Index(np.arange(2, len(wide_table) + 2), name="line")
    wide, long = both(wide_table, monkeypatch, framework=DOI)
    assert_same(wide, long)
    assert len(wide.panel) == doi_panel["value"].notna().sum()
    for sex in ("total", "female"):  # (a sorted table: every row is a unit, in order)
        for got, expected in zip(
            indicator_values(wide.wide, DOI, sex=sex), indicator_values(long.panel, DOI, sex=sex), strict=True
        ):
            pd.testing.assert_frame_equal(got, expected)


def test_columns_that_are_one_indicator_once_stripped_are_duplicates():
    """' internet_users' and 'internet_users' are one indicator: two values for a cell are a duplicate (the long
    layout compares them cell by cell; before, a wide table compared rows only and kept both)."""
    frame = pd.DataFrame({"economy": ["KOR"], "year": [2020], "internet_users": [90.0], " internet_users": [91.0]})
    checked = validate_panel(frame)
    assert checked.wide is None
    assert checked.errors["problem"].tolist() == ["duplicate"]


@pytest.mark.parametrize("shuffled", [False, True])
def test_long_columns_coded_by_runs_equal_coding_every_cell(shuffled):
    """A long, sorted column is coded one run of equal cells at a time: the same codes and labels as coding every
    cell (missing cells of every kind stay missing; a shuffled column is coded cell by cell)."""
    from ictindex.panel import _categorical, _runs

    labels = np.repeat(np.array(["KOR", "ARG", None, "NER", np.nan, "KOR", "", 5, 5.0], dtype=object), 40_000)
    if shuffled:
        labels = np.random.default_rng(0).permutation(labels)
    assert (_runs(labels) is None) == shuffled
    coded = _categorical(pd.Series(labels, dtype=object))
    codes, uniques = pd.factorize(labels)
    assert coded.codes.tolist() == codes.tolist()
    assert coded.categories.tolist() == list(uniques)
    with_na = pd.Series(np.repeat(np.array(["KOR", pd.NA], dtype=object), 60_000), dtype=object)
    assert _categorical(with_na).codes.tolist() == pd.factorize(with_na)[0].tolist()


@pytest.fixture(scope="module")
def itu_layouts():
    """The bundled ITU panel (2015-2023; real gaps, by-sex rows, aggregates) as a wide table with one source, and
    the same values as a long table."""
    from ictindex import datasets

    panel = datasets.load("itu")
    panel = panel[panel["year"].between(2015, 2023)]
    wide = panel.pivot_table(
        index=["economy", "year", "sex"], columns="indicator", values="value", aggfunc="first", observed=True
    ).reset_index()
    wide.columns.name = None
    long = wide.melt(id_vars=["economy", "year", "sex"], var_name="indicator", value_name="value")
    return wide, long


@pytest.mark.parametrize(
    "keywords",
    [
        {"framework": "doi_current", "years": [2021, 2022, 2023]},
        {"framework": "doi_current", "years": 2023, "imputation": "latest"},  # values carried from years not built
        {"framework": "doi_gender", "years": 2022, "by_sex": True, "imputation": "latest"},
        {"framework": "idi2024_current", "years": 2023},
    ],
    ids=["doi_current", "carried", "by_sex", "idi"],
)
def test_wide_and_long_tables_build_the_same_index(itu_layouts, keywords):
    """Every table of the result is the same whether the values came as a wide or a long table."""
    from ictindex import build_index

    wide, long = itu_layouts
    assert validate_panel(wide).wide is not None and validate_panel(long).wide is None
    from_wide, from_long = build_index(wide, **keywords), build_index(long, **keywords)
    assert from_wide.provenance == from_long.provenance  # the input hash included
    for table in ("scores", "raw", "imputed", "normalised", "sources", "imputations", "coverage", "excluded"):
        pd.testing.assert_frame_equal(getattr(from_wide, table), getattr(from_long, table), obj=table)
    tables = ["flags", "economy_flags", "breaks"] + (["gender", "gender_indicators"] if keywords.get("by_sex") else [])
    for table in tables:
        pd.testing.assert_frame_equal(getattr(from_wide, table), getattr(from_long, table), obj=table)
    assert len(from_wide.scores) > 50
