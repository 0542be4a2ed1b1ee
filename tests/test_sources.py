"""Readers of the published formats: real files, spot checks, and corrupt variants."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import ROOT

from ictindex import SourceFileError, datasets
from ictindex.sources import build as panel_build
from ictindex.sources import (
    read_datahub_csv,
    read_ddf,
    read_itu_by_sex,
    read_itu_household,
    read_itu_wide,
    read_sdg_csv,
)
from ictindex.sources.readers import read_sdg_ddf

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
    table = read_itu_wide(
        DATA / "itu_indicators_jun2019" / "Individuals_Internet_2000-2018_Jun2019.xls",
        "Percentage of Individuals using the Internet",
        "i99H",
    )
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
    frame = pd.read_csv(
        HUB / "fixed_broadband_subscriptions.csv", encoding="utf-8-sig", nrows=4, dtype={"dataValue": "str"}
    )
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


# -- new vintages (issue 13) ---------------------------------------------------------------------------------------


def test_sdg_ddf_reader_m49_codes_nature_and_aggregates(tmp_path):
    file = tmp_path / "ddf--datapoints--it_use_ii99--by--age--geo_area--nature--sex--units--year.csv"
    file.write_text(
        "age,geo_area,nature,sex,units,year,it_use_ii99\n"
        "notspec,410,c,female,percent,2021,96.9\n"
        "notspec,412,e,male,percent,2021,80.0\n"  # Kosovo: not ISO 3166, M49 412
        "notspec,1,n,female,percent,2021,63.0\n"  # World
        "notspec,747,n,male,percent,2021,60.0\n"
    )  # an SDG region
    table = read_sdg_ddf(file, "IT_USE_ii99", release="test")
    assert table.panel[["economy", "sex", "value"]].values.tolist() == [["KOR", "female", 96.9], ["XKX", "male", 80.0]]
    assert table.panel["note"].tolist() == ["", "estimate (SDG nature E)"]
    assert table.dropped["reason"].eq("regional/income aggregate").sum() == 2


def test_wdi_ddf_reader_economy_year_columns_and_world_bank_aggregates():
    file = DATA / "wdi_gender_internet_2025" / "ddf--datapoints--it_net_user_fe_zs--by--economy--year.csv"
    table = read_ddf(file, "i99H", sex="female", publisher="WDI")
    assert _value(table.panel, "KOR", 2018, "i99H", "female") == pytest.approx(94.8292)  # PROVENANCE: 94.83
    assert set(table.panel["sex"]) == {"female"}
    raw = pd.read_csv(file)
    assert len(table.panel) + len(table.dropped) == len(raw)  # nothing vanishes
    assert set(table.dropped["reason"]) == {"regional/income aggregate"}
    assert {"wld", "ssf", "hic"} <= set(table.dropped["label"])


def test_pairs_come_from_one_file_and_unpaired_values_are_dropped():
    panel = pd.DataFrame(
        {
            "economy": ["BHR", "KOR", "KOR"],
            "year": [2013, 2018, 2018],
            "indicator": "i99H",
            "sex": ["male", "female", "male"],
            "value": [90.0, 94.8, 97.2],
        }
    )
    assert panel_build._unpaired(panel).tolist() == [True, False, False]


def test_bundled_precedence_newest_vintage_by_sex_june_2019_edition_for_the_total():
    panel = datasets.load("itu")

    def row(economy, year, sex):
        found = panel.query("economy == @economy and year == @year and indicator == 'i99H' and sex == @sex")
        assert len(found) == 1
        return found.iloc[0]

    assert "WDI 2025" in row("KOR", 2018, "female")["source"] and "WDI 2025" in row("KOR", 2018, "male")["source"]
    assert "June 2019" in row("KOR", 2018, "total")["source"]
    assert "UN SDG Global Database 2023" in row("KOR", 2020, "total")["source"]  # the 2019 edition ends in 2018
    # Niger 2018: only ITU's June 2019 table has it, so both sexes come from there
    assert {row("NER", 2018, s)["source"] for s in ("female", "male")} == {
        "ITU Internet use by sex (Individuals_using_the_internet_by_gender_Jun2019.xlsx)"
    }
    mobile = panel.query("indicator == 'IT_MOB_OWN' and economy == 'PER' and year == 2018 and sex == 'total'")
    assert mobile["value"].item() == pytest.approx(80.77, abs=0.005)  # SDG 2023; 2020.Q4 had 68.99 (BUILD_LOG)


def test_revisions_between_vintages_are_listed():
    conflicts = pd.DataFrame(
        {
            "economy": ["KOR", "KOR"],
            "year": 2018,
            "indicator": "i99H",
            "sex": ["female", "male"],
            "value": [94.6, 97.17],
            "dropped_from": "old",
            "kept_from": "new",
            "kept_value": [94.8292, 97.1748],
        }
    )
    table = panel_build.revisions(conflicts)
    assert table["economy"].tolist() == ["KOR"] and table["difference"].item() == pytest.approx(94.6 - 94.8292)
    log = (DATA / "panel" / "BUILD_LOG.md").read_text()
    assert "## Revisions between vintages" in log and "IRQ" in log
    revised = pd.read_csv(DATA / "panel" / "revisions.csv")
    assert (revised["value"] - revised["kept_value"]).abs().min() > panel_build.REVISION_TOLERANCE


def test_sex_coverage_counts_economies_with_both_sexes():
    panel = datasets.load("itu")
    table = panel_build.sex_coverage(panel)
    assert table.loc["i99H", 2022] >= 65 and table.loc["i99H", 2021] >= 73
    assert table.loc["IT_MOB_OWN", 2021] == 37 and table.loc["SE_ADT_ACTS (any skill)", 2021] >= 48
    assert table.loc["SP.POP.TOTL", 2023] == 216  # 217 WDI economies less the Channel Islands


def test_zero_basket_prices_are_set_aside_by_the_panel_build():
    raw = read_datahub_csv(HUB / "fixed_broadband_internet_5GB.csv").panel
    zero = panel_build.zero_prices(raw)
    gni = raw[zero & (raw["indicator"] == "i154_FBB5_GNI")]
    assert len(gni) == 42 and set(gni["year"]) == {2022} and {"PRK", "GIB", "VEN"} <= set(gni["economy"])
    assert set(panel_build.price_series()) == {
        "i154_FBB5$",
        "i154_FBB5_GNI",
        "i154_FBB5_PPP",
        "i271mb_5GB$",
        "i271mb_5GB_GNI",
        "i271mb_5GB_PPP",
    }
    bundled = datasets.load("itu")
    assert not panel_build.zero_prices(bundled).any()  # kept out of the panel ...
    aside = pd.DataFrame(list(bundled.attrs["set_aside"]), columns=panel_build.SET_ASIDE_COLUMNS)
    assert len(aside) == int(zero.sum()) and set(aside["problem"]) == {"zero_price"}  # ... and listed
    log = (ROOT / "data" / "panel" / "BUILD_LOG.md").read_text()
    assert f"## Zero prices set aside ({len(aside)} rows" in log
