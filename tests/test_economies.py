"""Economy metadata: groups as of the data year (LDC graduations), population by year, group means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from ictindex import build_index, datasets
from ictindex.economies import (
    GROUPINGS,
    ITU_REGION_NOT_ASSIGNED,
    LDC_GRADUATIONS,
    economy_groups,
    group_means,
    population,
)
from ictindex.errors import IctIndexError, MethodError
from ictindex.report.tables import group_averages

M49 = ROOT / "data" / "country_groups_m49"


@pytest.mark.parametrize(
    ("economy", "last_ldc_year"),
    [("BTN", 2022), ("GNQ", 2016), ("VUT", 2019), ("STP", 2023)],  # graduated Dec 2023, Jun 2017, Dec 2020, Dec 2024
)
def test_ldc_as_of_the_end_of_the_data_year(economy, last_ldc_year):
    assert bool(economy_groups(last_ldc_year).loc[economy, "ldc"]) is True
    assert bool(economy_groups(last_ldc_year + 1).loc[economy, "ldc"]) is False


def test_ldc_lists_agree_with_both_m49_snapshots():
    overview = pd.read_csv(M49 / "UNSD-m49-overview-en.csv", encoding="utf-8-sig")
    snapshot_2024 = set(overview.loc[overview["Least Developed Countries (LDC)"] == "x", "ISO-alpha3 Code"])
    master = pd.read_csv(M49 / "cccommons--countries_master.csv")
    snapshot_2026 = set(master.loc[master["is_ldc"], "iso3"])
    assert len(snapshot_2024) == 45 and len(snapshot_2026) == 44
    # September 2024 = end of 2023 (Bhutan already out, Sao Tome and Principe still in)
    assert set(economy_groups(2023).query("ldc").index) == snapshot_2024
    assert set(economy_groups(2025).query("ldc").index) == snapshot_2026
    assert set(economy_groups(2016).query("ldc").index) == snapshot_2024 | {"BTN", "VUT", "GNQ"}
    assert len(economy_groups(2016).query("ldc")) == 48  # the outdated Gapminder list had these 48
    assert set(LDC_GRADUATIONS) >= snapshot_2024 - snapshot_2026


def test_groups_regions_income_and_itu_hook():
    groups = economy_groups(2023)
    kor = groups.loc["KOR"]
    assert kor["name"] == "Korea (Rep.)" and kor["income"] == "High income"
    assert kor["region"] == "Eastern and South-Eastern Asia" and kor["un_sub_region"] == "Eastern Asia"
    assert groups.loc["NER", "region"] == "Sub-Saharan Africa" and groups.loc["NER", "income"] == "Low income"
    assert bool(groups.loc["NER", "lldc"]) and bool(groups.loc["FJI", "sids"])
    assert groups.loc["KOR", "itu_region"] == "Asia-Pacific" and groups.loc["GEO", "itu_region"] == "Europe"
    assert groups.loc["ABW", "itu_region"] == "Americas"  # every economy has an ITU region (issue 24)
    assert groups.loc["ATA", "itu_region"] == ITU_REGION_NOT_ASSIGNED
    assert groups["region"].dropna().nunique() == 8
    assert groups.loc["TWN", "income"] == "High income"  # not in M49: from the Gapminder entity table
    assert "Gapminder" in groups.loc["TWN", "income_basis"]
    assert set(GROUPINGS) >= {"region", "income", "ldc", "itu_region"}


def test_population_of_the_data_year_or_the_nearest_earlier():
    raw = pd.read_csv(ROOT / "data" / "wdi_population_2025" / "ddf--datapoints--sp_pop_totl--by--economy--year.csv")
    kor = raw[raw.economy == "kor"].set_index("year")["sp_pop_totl"]
    assert population(2023).loc["KOR", "population"] == kor[2023]
    later = population(2030)  # the series ends in 2024: 2024 is used, and the table says so
    assert later.loc["KOR", "population"] == kor[2024] and later.loc["KOR", "population_year"] == 2024
    assert (population(2023)["population_source"] == "SP.POP.TOTL").all()
    own = pd.DataFrame({"economy": ["KOR", "KOR"], "year": [2019, 2021], "population": [1.0, 2.0]})
    mine = population(2020, own)
    assert mine.loc["KOR", "population"] == 1.0 and mine.loc["KOR", "population_year"] == 2019
    with pytest.raises(IctIndexError, match="population"):
        population(2020, pd.DataFrame({"a": [1]}))


def test_user_groups_replace_and_extend_the_bundled_ones():
    own = pd.DataFrame({"economy": ["KOR", "ZZZ"], "income": ["Mine", "Other"], "club": ["A", "B"]})
    groups = economy_groups(2023, groups=own)
    assert groups.loc["KOR", "income"] == "Mine" and groups.loc["KOR", "club"] == "A"
    assert groups.loc["BRA", "income"] == "Upper-middle income"  # untouched
    assert groups.loc["ZZZ", "club"] == "B"
    with pytest.raises(IctIndexError, match="twice"):
        economy_groups(2023, groups=pd.DataFrame({"economy": ["KOR", "KOR"], "income": ["a", "b"]}))


def test_group_means_by_hand():
    """The one tidy group_means (ictindex.units; issue 22 replaced the wide layout of this module's former copy):
    the same hand-computed values, one row per grouping, group, year and code."""
    scores = pd.DataFrame({"economy": ["A", "B", "C", "D"], "year": 2023, "x": [0.2, 0.4, 0.9, 0.5]})
    groups = pd.DataFrame(
        {
            "ldc": [True, True, False, np.nan],
            "population": [1.0, 3.0, 2.0, 5.0],
            "population_year": [2023, 2022, 2023, 2023],
        },
        index=["A", "B", "C", "D"],
    )
    table = group_means(scores, ["world", "ldc"], column="x", groups=groups).set_index("group")
    ldc = table.loc[GROUPINGS["ldc"]]
    assert ldc["simple_mean"] == pytest.approx(0.3)
    assert ldc["weighted_mean"] == pytest.approx((0.2 * 1 + 0.4 * 3) / 4)
    assert (ldc["population_year_earliest"], ldc["population_year"]) == (2022, 2023)
    assert table.loc["No group in the metadata", "economies"] == 1  # never dropped
    assert table.loc["World", "economies"] == 4
    assert table.loc["World", "population_share"] == pytest.approx(1.0)
    with pytest.raises(MethodError, match="unknown grouping"):
        group_means(scores, "continent", column="x", groups=groups)


def test_2023_group_averages_use_populations_of_2022_or_2023():
    result = build_index(datasets.load("itu"), "doi_current", years=2023)
    for by in ("income", "region", "ldc"):
        table = group_averages(result, 2023, by=by)
        # numbers, not text (issue 16): the latest and the earliest year of the figures used
        years = set(table["population_year"].dropna()) | set(table["population_year_earliest"].dropna())
        assert years <= {2022, 2023}, (by, years)
    table = group_averages(result, 2023, by="ldc").set_index("group")
    assert (
        table.loc[GROUPINGS["ldc"], "economies"]
        == result.ranking(2023).economy.isin(economy_groups(2023).query("ldc").index).sum()
    )
    assert "BTN" not in economy_groups(2023).query("ldc").index
