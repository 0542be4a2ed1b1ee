"""The bundled panel: content, provenance, licences, reproducibility, and the current DOI on it."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from conftest import ROOT

from ictindex import build_index, datasets
from ictindex.sources import build as panel_build


@pytest.fixture(scope="module")
def panel():
    return datasets.load("itu")


def test_spot_checks_against_provenance_figures(panel):
    def value(economy, year, indicator, sex="total"):
        row = panel.query("economy == @economy and year == @year and indicator == @indicator and sex == @sex")
        return float(row["value"].iloc[0])

    assert value("KOR", 2016, "xHH6_IDI") == pytest.approx(99.2, abs=0.01)
    # by sex, the newest vintage wins: WDI 2025 (PROVENANCE: 94.83 / 97.17; ITU June 2019 printed 94.6 / 97.1)
    assert value("KOR", 2018, "i99H", "male") == pytest.approx(97.1748)
    assert value("KOR", 2018, "i99H", "female") == pytest.approx(94.8292)
    assert value("KOR", 2018, "i99H") == pytest.approx(95.9, abs=0.05)  # the total stays the June 2019 edition
    assert value("ISL", 2016, "MYS") == pytest.approx(12.4)
    assert value("ISL", 2016, "IT.NET.USER.ZS") == pytest.approx(98.24, abs=0.005)


def test_every_value_carries_its_source(panel):
    assert panel["source"].notna().all() and (panel["source"].str.len() > 0).all()
    assert panel["value"].notna().all()
    assert not panel.duplicated(["economy", "year", "indicator", "sex"]).any()


def test_out_of_range_source_values_are_left_out(panel):
    # the SDG database reports 109.5 % mobile ownership for Costa Rica 2016: dropped, and logged
    assert panel.query("indicator == 'IT_MOB_OWN' and economy == 'CRI' and year == 2016").empty
    log = (ROOT / "data" / "panel" / "BUILD_LOG.md").read_text()
    assert "CRI 2016 IT_MOB_OWN value 109.50562 outside the series' valid range" in log


def test_describe_gives_licences(panel):
    table = datasets.describe()
    assert set(table["code"]) == set(panel["indicator"])
    itu = table[table["dataset"].str.startswith("itu")]
    assert itu["licence"].str.contains("CC BY-NC-SA 3.0 IGO").all()
    assert table["licence"].notna().all()
    readme = (ROOT / "data" / "README.md").read_text()
    assert "CC BY-NC-SA 3.0 IGO" in readme


def test_economies_metadata():
    table = datasets.economies(2013)
    kor = table.set_index("iso3").loc["KOR"]
    assert kor["income"] == "High income" and kor["population_year"] == 2013
    assert kor["population"] == 50_428_893  # WDI 2025, SP.POP.TOTL, KOR 2013


def test_bundled_panel_is_what_the_build_script_makes(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("panel", "naturalearth*", "coinr*"))
    panel_build.main(copy)
    shipped = json.loads((ROOT / "data" / "panel" / "panel.json").read_text())
    rebuilt = (copy / "panel" / "itu_panel.csv.gz").read_bytes()
    assert hashlib.sha256(rebuilt).hexdigest() == shipped["sha256"]


def test_coverage_counts_match_the_panel(panel):
    table = datasets.coverage("doi_current", years=[2023]).set_index("indicator")
    expected = panel.query("indicator == 'xHH6_IDI' and year == 2023")["economy"].nunique()
    assert table.loc["hh_internet", "economies"] >= expected  # xHH6_IDI, then HH6 fills gaps
    assert 0 < table.loc["mobile_tariff", "share"] <= 1


def test_current_doi_2023_scores_150_economies_and_explains_the_rest(panel):
    result = build_index(panel, "doi_current", years=2023)
    scored = set(result.ranking(2023)["economy"])
    assert len(scored) >= 150
    excluded = result.excluded
    assert (excluded["reason"].str.len() > 0).all()
    in_panel = set(panel["economy"])
    assert in_panel <= scored | set(excluded["economy"])
    assert (result.imputations["year"] - result.imputations["from_year"]).between(1, 3).all()


def test_set_aside_records_are_not_copied_with_the_panel():
    """pandas deep-copies ``attrs`` in nearly every operation on a frame: the set-aside records are immutable, so
    a deep copy is the same object (a report on the bundled panel spent seconds copying them)."""
    import copy

    records = datasets.set_aside("itu")
    assert copy.deepcopy(records) is records
    assert records == tuple(records) and len(records) > 0
    panel = datasets.load("itu")
    assert panel[panel["year"] == 2023].attrs["set_aside"] is panel.attrs["set_aside"]
