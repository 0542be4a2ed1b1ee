"""Readers of the published formats: real files, spot checks, and corrupt variants."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import ROOT

from ictindex import SourceFileError
from ictindex.sources import (
    read_datahub_csv,
    read_ddf,
    read_itu_by_sex,
    read_itu_household,
    read_itu_wide,
    read_sdg_csv,
)

DATA = ROOT / "data"
HUB = DATA / "itu_datahub_2025"


def _value(panel, economy, year, indicator, sex="total"):
    row = panel.query("economy == @economy and year == @year and indicator == @indicator and sex == @sex")
    assert len(row) == 1, row
    return float(row["value"].iloc[0])


def test_datahub_households_korea_2016():
    table = read_datahub_csv(HUB / "households_with_internet_access_at_home.csv")
    assert _value(table.panel, "KOR", 2016, "xHH6_IDI") == pytest.approx(99.1945)  # MIS 2017: 99.2
    assert table.dropped.empty
    assert (table.panel["source"].str.len() > 0).all()


def test_itu_wide_excel_korea_2016_internet():
    table = read_itu_wide(DATA / "itu_indicators_jun2019" / "Individuals_Internet_2000-2018_Jun2019.xls",
                          "Percentage of Individuals using the Internet", "i99H")
    assert _value(table.panel, "KOR", 2016, "i99H") == pytest.approx(92.84, abs=0.005)
    assert (table.panel["year"].min(), table.panel["year"].max()) == (2000, 2018)


def test_itu_by_sex_korea_2018():
    table = read_itu_by_sex(DATA / "itu_gender" / "Individuals_using_the_internet_by_gender_Jun2019.xlsx")
    assert _value(table.panel, "KOR", 2018, "i99H", "male") == pytest.approx(97.1)
    assert _value(table.panel, "KOR", 2018, "i99H", "female") == pytest.approx(94.6)
    assert _value(table.panel, "KOR", 2018, "i99H", "total") == pytest.approx(95.9)


def test_core_household_and_sdg():
    household = read_itu_household(DATA / "itu_indicators_jun2019" / "CoreHouseholdIndicators_Jun2019.xlsx")
    assert _value(household.panel, "KOR", 2018, "HH4") == pytest.approx(72.4)
    sdg = read_sdg_csv(DATA / "un_sdg" / "sdg_5b1_IT_MOB_OWN_mobile_ownership_by_sex.csv")
    assert _value(sdg.panel, "DZA", 2018, "IT_MOB_OWN", "female") == pytest.approx(83.0695)
    assert set(sdg.panel["sex"]) == {"total", "female", "male"}


def test_datahub_missing_column(tmp_path):
    frame = pd.read_csv(HUB / "fixed_broadband_subscriptions.csv", encoding="utf-8-sig", nrows=20)
    frame.drop(columns="dataValue").to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(SourceFileError, match=r"\['dataValue'\] are missing") as info:
        read_datahub_csv(tmp_path / "x.csv")
    assert info.value.file.endswith("x.csv")


def test_missing_markers_and_footnote_marks_are_never_numbers(tmp_path):
    frame = pd.read_csv(HUB / "fixed_broadband_subscriptions.csv", encoding="utf-8-sig", nrows=4,
                        dtype={"dataValue": "str"})
    frame["dataValue"] = ["..", "n/a", "12.3*", "5"]
    frame.to_csv(tmp_path / "x.csv", index=False)
    table = read_datahub_csv(tmp_path / "x.csv")
    assert table.panel["value"].tolist() == [5.0]
    assert table.dropped["reason"].tolist() == ["cell is not a number: '12.3*'"]


def test_renamed_sheet_and_missing_block(tmp_path):
    source = DATA / "itu_indicators_jun2019" / "CoreHouseholdIndicators_Jun2019.xlsx"
    with pytest.raises(SourceFileError, match="cannot read sheet 'Final'.*sheets: \\['CoreHouseholdIndicators'\\]"):
        read_itu_wide(source, "anything", "X")
    wide = DATA / "itu_indicators_jun2019" / "Mobile_cellular_2000-2018_Jun2019.xls"
    with pytest.raises(SourceFileError, match="no block titled 'Mobile per 1000'"):
        read_itu_wide(wide, "Mobile per 1000", "X")
    with pytest.raises(SourceFileError, match="no header cell 'Economy name'"):
        read_itu_by_sex(wide)


def test_not_an_excel_file(tmp_path):
    fake = tmp_path / "fake.xlsx"
    shutil.copy(HUB / "PROVENANCE.md", fake)
    with pytest.raises(SourceFileError, match="not a readable Excel file|cannot read sheet"):
        read_itu_household(fake)


def test_ddf_unknown_geo_is_recorded(tmp_path):
    (tmp_path / "d.csv").write_text("geo,time,internet_users\nkor,2020,96.5\nussr,1990,0\n")
    table = read_ddf(tmp_path / "d.csv", "IT.NET.USER.ZS")
    assert table.panel["economy"].tolist() == ["KOR"]
    assert table.dropped["label"].tolist() == ["ussr"]
