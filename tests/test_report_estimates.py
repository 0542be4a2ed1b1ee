"""The report's world and group estimates (issue 24, item 4): computed in the library (Findings.estimates), laid
out by the "estimates" section, the WSIS part of the divide section and the gender section."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import provinces
import pytest

from ictindex import build_index, datasets
from ictindex.findings import compute_findings
from ictindex.report import estimates_section
from ictindex.report.sections import SECTIONS, Layout

YEAR = 2023


@pytest.fixture(scope="module")
def findings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_index(datasets.load("itu"), "doi_current", years=[YEAR - 1, YEAR])
    return compute_findings(result, YEAR)


def test_findings_hold_the_estimates_up_to_the_report_year(findings):
    e = findings.estimates
    assert e is not None and e.year == YEAR
    assert e.estimates.table["year"].max() == YEAR and e.published["year"].max() <= YEAR  # no later nowcast
    assert set(e.table["indicator"]) == {"internet_use", "households_internet", "coverage_3g", "coverage_4g"}
    world = e.table.query("indicator == 'internet_use' and group == 'World'").iloc[0]
    assert world["low"] <= world["value"] <= world["high"] and 0 < world["imputed_share"] < 1
    # beside ITU's latest figure for the world in 2023 (FF2025's 71 % for 2024 less 2.9 % growth: 69.7)
    assert world["published"] == pytest.approx(69.7) and world["edition"] == 2025
    assert world["difference"] == pytest.approx(world["value"] - 69.7)
    assert abs(world["difference"]) <= 2.0


def test_wsis_targets_are_the_estimates(findings):
    """The WSIS table is the world and income-group estimates themselves (every economy counted, so every year is
    drawn), with the year each target was reached under divide.wsis_targets' rule."""
    e = findings.estimates
    wsis = e.wsis.query("target == 'internet_users'").set_index(["group", "year"])["value"]
    table = e.estimates.table.query(
        "indicator == 'internet_use' and sex == 'total' and location == 'total' and grouping in ['world', 'income']"
    ).set_index(["group", "year"])["value"]
    assert np.allclose(wsis, table.reindex(wsis.index))
    assert e.wsis["meets_coverage"].all()
    world = e.wsis.query("target == 'internet_users' and group == 'World'")
    first = int(world.loc[world["value"] >= 50, "year"].min())
    assert (world["reached_year"] == first).all() and (world["reached"] == "observed").all()
    low = e.wsis.query("target == 'internet_users' and group == 'Low income'")
    assert (low["reached"] == "projected").all() and int(low["reached_year"].iloc[0]) > YEAR
    assert not e.wsis_trends.query("group == 'Low income'").empty


def test_sections_lay_out_the_estimates(findings):
    layout = Layout()
    tables = estimates_section.tables(findings)
    assert "gender" in findings.omitted  # no by-sex result given: the world and group parity comes here
    assert set(tables) == {"estimates", "estimates_published", "estimates_gender"}
    shown = tables["estimates"]
    assert {"imputed (% of population)", "low", "high", "flag", "published", "difference"} <= set(shown.columns)
    assert shown["imputed (% of population)"].between(0, 100).all()
    section = next(s for s in SECTIONS if s.key == "estimates")
    keys = [s.key for s in SECTIONS]
    assert keys.index("estimates") == keys.index("averages") + 1
    assert section.needs(findings, layout) is None
    assert set(section.charts(findings, layout)) == {"estimates_internet_use"}
    divide = next(s for s in SECTIONS if s.key == "divide")
    wsis = divide.tables(findings)["wsis_targets"]
    assert "imputed (% of population)" in wsis.columns and wsis["year"].max() == YEAR
    words = estimates_section.imputed_words(findings.estimates)
    assert "of the world's population imputed" in words and "Facts and Figures 2025: 69.7 %" in words


def test_gender_groups_table_states_the_observed_share(findings):
    table = estimates_section.gender_groups_table(findings.estimates)
    world = table[(table["group"] == "World") & (table["year"] == YEAR)].iloc[0]
    assert abs(world["difference"]) <= 0.02 and world["published"] == pytest.approx(0.92)
    assert 0 <= world["observed by sex (% of population)"] <= 100


def test_estimates_chart_draws_every_region_with_its_band(findings):
    fig = estimates_section.estimates_chart(findings.estimates)
    ax = fig.axes[0]
    labels = {line.get_label() for line in ax.get_lines()}
    assert {"World", "Africa", "Americas", "Arab States", "Asia-Pacific", "CIS", "Europe"} <= labels
    assert len(ax.collections) >= 7  # a shaded interval per line (and the published crosses)


def test_provinces_leave_the_estimates_out_with_a_reason(tmp_path):
    files = provinces.write(tmp_path)
    result = build_index(files["data"], files["framework"], units=files["units"], years=[2022, 2023])
    found = compute_findings(result, 2023)
    assert found.estimates is None
    assert "provinces are shown as reported" in found.omitted["estimates"]
    assert "economies" not in found.omitted["estimates"]
    section = next(s for s in SECTIONS if s.key == "estimates")
    assert section.needs(found, Layout()) == found.omitted["estimates"]
    assert isinstance(found.divide.targets, pd.DataFrame | type(None))  # the divide part keeps its own tables
