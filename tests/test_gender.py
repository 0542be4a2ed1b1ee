"""Gender analysis: hand-computed parity scores, ITU's published world parity, missing sex data,
same goalposts for women and men, properties, charts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPLICATION, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex import build_index, datasets, load_framework
from ictindex.errors import MethodError
from ictindex.gender import (
    equally_distributed,
    framework_parity,
    framework_series,
    gendered_nodes,
    indicator_parity,
    missing_ingredients,
    parity_band,
    parity_score,
    population_weighted_use,
    relative_gap,
)

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.fixture(scope="module")
def gender_2018(bundled):
    # values of their own year only (the framework's latest-available rule is tested separately below)
    return build_index(bundled, "doi_gender", years=range(2013, 2019), by_sex=True, imputation="none")


def _wdi_population(economy: str, year: int) -> dict[str, int]:
    """Female and male population from the raw WDI 2025 files (not the panel)."""
    out = {}
    for sex, tag in (("female", "fe_in"), ("male", "ma_in")):
        raw = pd.read_csv(DATA / "wdi_population_2025" / f"ddf--datapoints--sp_pop_totl_{tag}--by--economy--year.csv")
        out[sex] = int(raw[(raw.economy == economy.lower()) & (raw.year == year)].iloc[0, 2])
    return out


def _row(table: pd.DataFrame, economy: str, year: int, node: str, column: str = "node") -> pd.Series:
    rows = table[(table.economy == economy) & (table.year == year) & (table[column] == node)]
    assert len(rows) == 1
    return rows.iloc[0]


# -- hand-computed values -----------------------------------------------------------------------
def test_korea_2018_internet_parity_from_the_newest_vintage(gender_2018):
    # WDI 2025 (ITU upstream) revised ITU's June 2019 figures (94.6 / 97.1): women 94.8292 %, men 97.1748 %
    # -> 94.8292 / 97.1748 = 0.97586
    row = _row(gender_2018.gender_indicators, "KOR", 2018, "i99H", "indicator")
    assert (row.female, row.male) == (94.8292, 97.1748)
    assert round(row.parity, 4) == 0.9759
    assert round(row.gap, 4) == 0.0241
    assert row.band == "women behind"
    assert "WDI 2025" in row.source


@pytest.mark.parametrize(
    ("economy", "female", "male", "parity", "band"),
    [
        # (Internet F + mobile ownership F) / 200, the same for men. Internet: WDI 2025 (KOR, BRA), ITU June 2019
        # table (NER, which WDI lacks for 2018); mobile ownership: SDG 2023 (KOR, BRA), SDG 2020.Q4 (NER)
        ("KOR", (94.8292 + 94.79212) / 200, (97.1748 + 97.15697) / 200, 0.97576, "women behind"),
        ("NER", (2.9 + 26.95654) / 200, (7.7 + 57.54886) / 200, 0.45758, "women behind"),
        ("BRA", (70.0151 + 84.00814) / 200, (70.8905 + 81.9544) / 200, 1.00771, "parity"),
    ],
)
def test_gender_sub_index_by_hand(gender_2018, economy, female, male, parity, band):
    row = _row(gender_2018.gender, economy, 2018, "individual_use")
    assert row.female == pytest.approx(female, abs=1e-9)
    assert row.male == pytest.approx(male, abs=1e-9)
    assert row.parity == pytest.approx(parity, abs=5e-6)
    assert row.gap == pytest.approx(1 - parity, abs=5e-6)
    assert row.band == band
    # population shares from WDI 2025 (female / (female + male)); EDI = 1 / (p_f / F + p_m / M)
    pop = _wdi_population(economy, 2018)
    share = pop["female"] / (pop["female"] + pop["male"])
    assert row.female_share == pytest.approx(share, abs=1e-15) and row.shares.startswith("population by sex")
    assert row.edi == pytest.approx(1 / (share / female + (1 - share) / male), abs=1e-12)
    assert row.reason == ""


def test_gender_table_covers_every_economy_with_both_series(bundled, gender_2018):
    sexed = bundled[
        bundled.indicator.isin(["i99H", "IT_MOB_OWN"])
        & bundled.sex.isin(["female", "male"])
        & bundled.year.between(2013, 2018)
    ]
    counts = sexed.groupby(["economy", "year"])[["indicator", "sex"]].apply(lambda g: len(g.drop_duplicates()))
    expected = set(counts[counts == 4].index)  # both series, both sexes
    table = gender_2018.gender
    scored = set(map(tuple, table.loc[table.female.notna(), ["economy", "year"]].to_numpy().tolist()))
    assert scored == expected
    assert len(expected) == 188  # 2013-2018 pairs of both series: WDI 2025 adds the years ITU's 2019 tables lacked


def test_itu_world_parity_reproduced_within_rounding():
    """ITU divides unrounded estimates; the published percentages are whole numbers, so the
    published score must lie in the range the rounded percentages allow (plus its own rounding)."""
    table = pd.read_csv(REPLICATION / "itu_gender_parity_internet.csv")
    both = table.dropna(subset=["pct_women_using_internet", "pct_men_using_internet"])
    both = both.dropna(subset=["gender_parity_score_published"])
    assert len(both) == 4
    f, m = both.pct_women_using_internet.to_numpy(), both.pct_men_using_internet.to_numpy()
    low, high = parity_score(f - 0.5, m + 0.5), parity_score(f + 0.5, m - 0.5)
    published = both.gender_parity_score_published.to_numpy()
    assert np.all((published >= low - 0.005) & (published <= high + 0.005))
    # and the point estimate from the rounded percentages is within ITU's stated 0.01-0.02
    assert np.all(np.abs(parity_score(f, m) - published) <= 0.02 + 1e-9)
    # 2020 world: 57 / 62 = 0.919 -> 0.92 as published
    assert round(float(parity_score(57, 62)), 2) == 0.92


def test_group_parity_from_published_percentages():
    table = pd.read_csv(REPLICATION / "itu_gender_parity_internet.csv")
    ldc = table[(table.group == "LDCs") & (table.year == 2020)].iloc[0]
    assert round(float(parity_score(ldc.pct_women_using_internet, ldc.pct_men_using_internet)), 2) == 0.61


# -- rules ----------------------------------------------------------------------------------------
def _panel(rows):
    return pd.DataFrame(rows, columns=["economy", "year", "indicator", "sex", "value"])


def test_total_is_never_used_for_women_or_men():
    rows = []
    for e, (f, m, t) in {"AAA": (40, 60, 50), "BBB": (None, None, 70)}.items():
        for ind, total in (("i99H", t), ("IT_MOB_OWN", 80)):
            rows.append((e, 2018, ind, "total", total))
            if f is not None or ind == "IT_MOB_OWN":
                rows.append((e, 2018, ind, "female", f if ind == "i99H" else 80))
                rows.append((e, 2018, ind, "male", m if ind == "i99H" else 80))
    result = build_index(_panel(rows).replace({"AAA": "ARG", "BBB": "BRA"}), "doi_gender", by_sex=True)
    brazil = _row(result.gender, "BRA", 2018, "individual_use")
    assert brazil.total == pytest.approx(0.75)
    assert np.isnan(brazil.female) and np.isnan(brazil.male) and np.isnan(brazil.parity)
    assert "internet_users" in brazil.reason and "total alone" in brazil.reason
    argentina = _row(result.gender, "ARG", 2018, "individual_use")
    assert (argentina.female, argentina.male) == (pytest.approx(0.6), pytest.approx(0.7))


def test_common_indicators_do_not_rescue_a_missing_sex_value(doi_panel):
    # the DOI scores utilization with 2 of 3 children; women/men must not get a score without Internet use
    result = build_index(doi_panel, "doi", by_sex=True)
    table = result.gender
    assert set(table.node) == {"DOI", "utilization"}
    assert table.female.isna().all()
    assert table.reason.str.contains("internet_users").all()
    assert result.scores.DOI.notna().all()


def test_population_shares_from_the_data():
    rows = [("ARG", 2018, "i99H", s, v) for s, v in (("total", 50), ("female", 40), ("male", 60))]
    rows += [("ARG", 2018, "IT_MOB_OWN", s, 80) for s in ("total", "female", "male")]
    rows += [("ARG", 2018, "POP", "female", 60.0), ("ARG", 2018, "POP", "male", 40.0)]
    result = build_index(_panel(rows), "doi_gender", by_sex=True, known_series={"POP": (0, None)})
    row = _row(result.gender, "ARG", 2018, "individual_use")
    assert row.female_share == pytest.approx(0.6)
    assert row.shares == "population by sex from the data"
    assert row.edi == pytest.approx(1 / (0.6 / 0.6 + 0.4 / 0.7))


def test_same_fitted_goalposts_for_women_and_men():
    """With min-max normalisation, female and male values are scaled on one min and max, fitted on the
    total, female and male values together (engine issue #10: the by-sex route used to fit on the total
    alone, which put female values below the range, e.g. -0.057, and differed from sex='female')."""
    fw = load_framework("doi_gender").model_dump()
    for ind in fw["indicators"]:
        ind["normalisation"] = {"method": "minmax"}
    rows = []
    for e, total, female, male in (("ARG", 20, 10, 30), ("BRA", 50, 50, 50), ("CHL", 80, 70, 90)):
        rows += [
            (e, 2018, "i99H", "total", total),
            (e, 2018, "i99H", "female", female),
            (e, 2018, "i99H", "male", male),
        ]
        rows += [(e, 2018, "IT_MOB_OWN", s, total) for s in ("total", "female", "male")]
    from ictindex import Framework

    result = build_index(_panel(rows), Framework.from_dict(fw), by_sex=True)
    brazil = _row(result.gender, "BRA", 2018, "individual_use")
    assert brazil.female == pytest.approx(0.5)  # (50-10)/(90-10) on i99H, (50-20)/(80-20) on ownership
    arg = _row(result.gender, "ARG", 2018, "individual_use")
    assert arg.female == pytest.approx(((10 - 10) / 80 + 0) / 2)  # the lowest of all values: 0, not below
    assert arg.male == pytest.approx(((30 - 10) / 80 + 0) / 2)
    assert result.gender[["female", "male"]].min().min() >= 0
    # one definition: the female build alone gives the female scores of the by-sex build
    alone = build_index(_panel(rows), Framework.from_dict(fw), sex="female")
    assert alone.scores.set_index("economy")["individual_use"]["ARG"] == pytest.approx(arg.female, abs=1e-12)


def test_by_sex_refusals(doi_panel):
    with pytest.raises(MethodError, match="by_sex=True"):
        _ = build_index(doi_panel, "doi").gender
    fw = load_framework("doi").model_dump()
    for ind in fw["indicators"]:
        ind["sex_disaggregable"] = False
    from ictindex import Framework

    with pytest.raises(MethodError, match="no sex-disaggregable indicator"):
        build_index(doi_panel, Framework.from_dict(fw), by_sex=True)
    fw = load_framework("doi_gender").model_dump()
    fw["indicators"][0]["normalisation"] = {"method": "rank"}
    with pytest.raises(MethodError, match="not be comparable") as info:
        build_index(doi_panel, Framework.from_dict(fw), by_sex=True)
    assert info.value.indicator == "internet_users"
    with pytest.raises(MethodError, match="sex='total'"):
        build_index(doi_panel, "doi", sex="female", by_sex=True)
    with pytest.raises(MethodError, match="parity band"):
        parity_band([1.0], band=(1.1, 1.2))


def test_configurable_parity_band(gender_2018, bundled):
    wide = build_index(bundled, "doi_gender", by_sex=True, parity_band=(0.95, 1.05))
    kor = _row(wide.gender, "KOR", 2018, "individual_use")
    assert kor.band == "parity"  # 0.975 is inside 0.95-1.05 but below 0.98
    assert _row(gender_2018.gender, "KOR", 2018, "individual_use").band == "women behind"
    assert wide.provenance["parity_band"] == [0.95, 1.05]


def test_gendered_nodes_of_the_doi():
    assert gendered_nodes(load_framework("doi")) == {"DOI": ["internet_users"], "utilization": ["internet_users"]}


def test_indicator_parity_ignores_population_and_unmatched_rows():
    panel = _panel(
        [
            ("ARG", 2018, "i99H", "female", 40),
            ("ARG", 2018, "i99H", "male", 50),
            ("BRA", 2018, "i99H", "female", 40),
            ("ARG", 2018, "POP", "female", 1e6),
            ("ARG", 2018, "POP", "male", 1e6),
        ]
    ).assign(source="test")
    table = indicator_parity(panel)
    assert table[["economy", "indicator", "parity"]].values.tolist() == [["ARG", "i99H", 0.8]]


# -- measures and properties ------------------------------------------------------------------------
def test_measures_edge_cases():
    assert parity_score(0.0, 0.0) == 1.0 and relative_gap(0.0, 0.0) == 0.0
    assert np.isnan(parity_score(0.5, 0.0)) and np.isnan(parity_score(np.nan, 0.5))
    assert equally_distributed(0.0, 0.8) == 0.0
    assert equally_distributed(0.4, 0.6, epsilon=0) == pytest.approx(0.5)
    assert equally_distributed(0.4, 0.6, epsilon=1) == pytest.approx(np.sqrt(0.24))
    with pytest.raises(MethodError):
        equally_distributed(0.4, 0.6, epsilon=-1)


SCORES = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(f=SCORES, m=SCORES, share=st.floats(0.01, 0.99), epsilon=st.sampled_from([0.0, 1.0, 2.0, 3.5]))
def test_equally_distributed_lies_between_female_and_male(f, m, share, epsilon):
    edi = float(equally_distributed(f, m, share, epsilon))
    assert min(f, m) - 1e-12 <= edi <= max(f, m) + 1e-12


PCT = st.floats(min_value=0.5, max_value=100, allow_nan=False)
DOI_CODES = load_framework("doi").indicator_codes
ECONOMIES = ["ARG", "BRA", "CHL", "DEU"]


@st.composite
def sexed_doi_panels(draw):
    n = draw(st.integers(1, 4))
    rows = []
    for e in ECONOMIES[:n]:
        for code in DOI_CODES:
            total = draw(PCT)
            rows.append((e, 2020, code, "total", total))
            if code == "internet_users":
                rows.append((e, 2020, code, "female", draw(PCT)))
                rows.append((e, 2020, code, "male", draw(PCT)))
    return _panel(rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panel=sexed_doi_panels())
def test_identical_female_and_male_data_give_parity_one_at_every_node(panel):
    female = panel[panel.sex == "female"].set_index(["economy", "year", "indicator"])
    same = panel.copy()
    male_rows = same.sex == "male"
    keys = same.loc[male_rows, ["economy", "year", "indicator"]].apply(tuple, axis=1)
    same.loc[male_rows, "value"] = female.loc[list(keys), "value"].to_numpy()
    table = build_index(same, "doi", by_sex=True, checks="off").gender  # random values: the engine alone
    assert not table.empty
    assert (table.parity == 1.0).all() and (table.gap == 0.0).all()
    assert (table.band == "parity").all()
    assert np.allclose(table.edi, table.female)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panel=sexed_doi_panels(), row=st.integers(0, 3), bump=st.floats(0.1, 60))
def test_raising_a_female_value_never_lowers_the_female_index(panel, row, bump):
    females = panel.index[panel.sex == "female"]
    target = females[row % len(females)]
    raised = panel.copy()
    raised.loc[target, "value"] = min(100.0, raised.loc[target, "value"] + bump)
    # random values: the engine alone (a year of them all below 1 would be refused as fractions)
    before = build_index(panel, "doi", by_sex=True, checks="off").gender.set_index(["economy", "node"])
    after = build_index(raised, "doi", by_sex=True, checks="off").gender.set_index(["economy", "node"])
    assert (after.female >= before.female - 1e-12).all()
    pd.testing.assert_series_equal(after.male, before.male)
    pd.testing.assert_series_equal(after.total, before.total)


# -- charts ---------------------------------------------------------------------------------------
def test_dumbbell_and_parity_charts(gender_2018):
    rows = gender_2018.gender.query("year == 2018 and female.notna()")
    fig = gender_2018.plot.gender_dumbbell()
    ax = fig.axes[0]
    assert ax.get_title("left") == "Individual ICT use (gender sub-index): women and men, 2018"
    assert ax.get_xlabel() == "Individual ICT use (gender sub-index) score"
    assert [len(c.get_offsets()) for c in ax.collections[1:]] == [len(rows), len(rows)]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Niger" and "Korea (Rep.)" in labels  # largest gap at the top
    fig = gender_2018.plot.parity_chart(year=2018)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Gender parity score (women / men)"
    band = ax.patches[0]
    assert np.isclose(band.get_x(), 0.98) and np.isclose(band.get_x() + band.get_width(), 1.02)
    assert len(ax.collections[-1].get_offsets()) == len(rows)
    fig = gender_2018.plot.gender_dumbbell(year=2018, max_economies=10)
    ax = fig.axes[0]
    assert ax.get_title("left").endswith(f"2018, 10 largest gaps of {len(rows)}")
    shown = [t.get_text() for t in ax.get_yticklabels()]
    largest = rows.assign(a=rows.gap.abs()).nlargest(10, "a").economy
    assert len(shown) == 10 and "Niger" in shown and len(largest) == 10
    with pytest.raises(MethodError, match="no female and male scores"):
        gender_2018.plot.parity_chart(year=2010)
    with pytest.raises(AttributeError, match="no chart"):
        _ = gender_2018.plot.nonexistent


# -- current data (issue 13): 2022 sub-index with the latest-available rule ------------------------------------------
@pytest.fixture(scope="module")
def gender_2022(bundled):
    return build_index(bundled, "doi_gender", years=2022, by_sex=True)


def _raw(file: str, economy: str, year: int) -> float:
    """One value read straight from a raw source file (WDI DDF: economy,year,value; SDG DDF: M49 codes)."""
    table = pd.read_csv(DATA / file)
    if "geo_area" in table.columns:
        m49, sex = economy
        row = table[(table.geo_area == m49) & (table.sex == sex) & (table.year == year)]
    else:
        row = table[(table.economy == economy) & (table.year == year)]
    assert len(row) == 1, (file, economy, year)
    return float(row.iloc[0, -1])


WDI_F = "wdi_gender_internet_2025/ddf--datapoints--it_net_user_fe_zs--by--economy--year.csv"
WDI_M = "wdi_gender_internet_2025/ddf--datapoints--it_net_user_ma_zs--by--economy--year.csv"
SDG_MOB = "un_sdg_2023/ddf--datapoints--it_mob_own--by--geo_area--nature--sex--units--year.csv"


def test_2022_sub_index_and_internet_parity_coverage(gender_2022):
    table = gender_2022.gender
    assert table.loc[(table.year == 2022) & table.parity.notna(), "economy"].nunique() >= 55
    internet = gender_2022.gender_indicators.query("year == 2022 and indicator == 'i99H'")
    assert internet["economy"].nunique() >= 65


@pytest.mark.parametrize(
    ("economy", "m49", "internet_year", "mobile_year"),
    [
        ("KOR", 410, 2022, 2021),  # Internet surveyed in 2022, mobile ownership carried from 2021
        ("EGY", 818, 2022, 2020),  # mobile ownership carried two years
        ("PAK", 586, 2020, 2020),
    ],  # both carried from 2020
)
def test_2022_sub_index_by_hand_from_the_new_sources(gender_2022, economy, m49, internet_year, mobile_year):
    iso = economy.lower()
    female = (_raw(WDI_F, iso, internet_year) + _raw(SDG_MOB, (m49, "female"), mobile_year)) / 200
    male = (_raw(WDI_M, iso, internet_year) + _raw(SDG_MOB, (m49, "male"), mobile_year)) / 200
    row = _row(gender_2022.gender, economy, 2022, "individual_use")
    assert row.female == pytest.approx(female, abs=1e-12) and row.male == pytest.approx(male, abs=1e-12)
    assert row.parity == pytest.approx(female / male, abs=1e-12)
    assert row.data_years == f"internet_users {internet_year}; mobile_ownership {mobile_year}"
    # every carried value is in the imputation log, for women and men, with the year it came from
    log = gender_2022.imputations.query("economy == @economy and year == 2022")
    for code, source_year in (("internet_users", internet_year), ("mobile_ownership", mobile_year)):
        carried = log[log.indicator == code]
        if source_year == 2022:
            assert carried[carried.sex != "total"].empty
        else:
            assert set(carried.loc[carried.sex != "total", "sex"]) == {"female", "male"}
            assert (carried["from_year"] == source_year).all()


def test_values_older_than_three_years_are_not_carried(bundled):
    # Niger: Internet by sex only in ITU's 2019 table (2018 survey); by 2022 it is four years old
    result = build_index(bundled, "doi_gender", years=2022, by_sex=True)
    rows = result.gender.query("economy == 'NER' and year == 2022")
    assert rows.empty or rows.female.isna().all()
    assert (result.imputations["year"] - result.imputations["from_year"]).max() <= 3


def test_population_weighted_internet_use_by_sex_2021(bundled, gender_2022):
    """Population-weighted female and male Internet use of the economies with by-sex data for 2021,
    and the share of the population they cover (not a world estimate: the survey economies only)."""
    table = indicator_parity(bundled, years=[2021])
    measured = population_weighted_use(table, bundled, 2021)
    # by hand, from the raw WDI files: sum(F_i * women_i) / sum(women_i) over the economies with a pair
    f = pd.read_csv(DATA / WDI_F).query("year == 2021").set_index("economy").iloc[:, -1]
    m = pd.read_csv(DATA / WDI_M).query("year == 2021").set_index("economy").iloc[:, -1]
    pop = {}
    for tag in ("", "_fe_in", "_ma_in"):
        raw = pd.read_csv(DATA / "wdi_population_2025" / f"ddf--datapoints--sp_pop_totl{tag}--by--economy--year.csv")
        pop[tag] = raw.query("year == 2021").set_index("economy").iloc[:, -1]
    # the 48 World Bank aggregates come first in each file (PROVENANCE); the Channel Islands (chi) have no ISO
    # code, so the panel leaves them out (BUILD_LOG: dropped, label not in the ISO/ITU name tables)
    countries = pop[""].index[48:].drop("chi")
    pairs = f.index.intersection(m.index).intersection(countries)
    panel_pairs = {e.lower() for e in table.query("indicator == 'i99H'").economy}
    assert panel_pairs >= set(pairs)  # every WDI pair is in the panel (SDG 2023 adds a few more)
    extra = sorted(panel_pairs - set(pairs))
    assert len(extra) <= 3
    women = (f[pairs] * pop["_fe_in"][pairs]).sum() / pop["_fe_in"][pairs].sum()
    men = (m[pairs] * pop["_ma_in"][pairs]).sum() / pop["_ma_in"][pairs].sum()
    covered = pop[""][pairs].sum() / pop[""][countries].sum()
    if not extra:
        assert measured["female"] == pytest.approx(women, abs=1e-9)
        assert measured["male"] == pytest.approx(men, abs=1e-9)
        assert measured["covered"] == pytest.approx(covered, abs=1e-12)
    else:  # the SDG-only pairs move the averages a little
        assert measured["female"] == pytest.approx(women, abs=1.0) and measured["male"] == pytest.approx(men, abs=1.0)
    # 77 surveyed economies hold half of the world's people (49.9 %): 72.6 % of their women and 75.4 % of their
    # men use the Internet (parity 0.963) -- not ITU's world estimate (2021: 57 % / 62 % in 2020), which models
    # the economies without surveys too
    assert measured["economies"] == len(panel_pairs) == 77 and measured["without_population"] == 0
    assert round(measured["covered"], 3) == 0.499
    assert (round(measured["female"], 1), round(measured["male"], 1)) == (72.6, 75.4)
    assert measured["female"] < measured["male"] and 0.85 < measured["parity"] < 1.0


def test_framework_parity_takes_the_newest_value_per_economy_and_names_the_series(gender_2022, bundled):
    by_sex = build_index(bundled, "doi_gender", years=range(2014, 2024), by_sex=True)
    table = framework_parity(by_sex.gender_indicators, by_sex.framework, 2023, 3)
    internet = table[table.indicator == "internet_users"].set_index("economy")
    assert internet["data_year"].between(2020, 2023).all()
    assert internet.loc["PAK", "data_year"] == 2020  # Pakistan's last survey within the window
    assert internet.loc["KOR", "data_year"] == 2023 and internet.loc["KOR", "series"] == "i99H"
    assert len(internet) > 90  # every economy with Internet use by sex in 2020-2023, sub-index or not
    mobile = table[table.indicator == "mobile_ownership"]
    assert mobile["data_year"].max() == 2021  # SDG 5.b.1 ends in 2021 in the 2023 release


def test_user_panel_with_framework_codes_and_missing_ingredients():
    rows = [
        (e, 2022, ind, sex, v)
        for e, base in (("KOR", 90.0), ("BRA", 70.0))
        for ind in ("internet_users", "mobile_ownership")
        for sex, v in (("total", base), ("female", base - 2), ("male", base + 2))
    ]
    panel = _panel(rows)
    result = build_index(panel, "doi_gender", by_sex=True)
    korea = _row(result.gender, "KOR", 2022, "individual_use")
    assert korea.female == pytest.approx(0.88) and korea.male == pytest.approx(0.92)
    assert set(result.gender_indicators.indicator) == {"internet_users", "mobile_ownership"}
    fw = load_framework("doi_gender")
    assert missing_ingredients(panel, fw) == []
    internet_only = panel[panel.indicator == "internet_users"]
    (note,) = missing_ingredients(internet_only, fw)
    assert "mobile_ownership" in note and "IT_MOB_OWN" in note
    known = framework_series(load_framework("doi_current"), fw)
    assert {"mobile_ownership", "IT_MOB_OWN", "internet_users", "i271pop"} <= set(known)


def test_population_weighted_use_refuses_a_year_without_by_sex_data(bundled):
    """2024: no economy has Internet use by sex in the bundled data; the function names the year and points to
    ictindex.estimates instead of failing inside numpy with "Weights sum to zero" (issue 24)."""
    table = indicator_parity(bundled)
    assert table.query("indicator == 'i99H' and year == 2024").empty
    with pytest.raises(MethodError, match="in 2024") as err:
        population_weighted_use(table, bundled, 2024)
    assert err.value.year == 2024 and err.value.indicator == "i99H"
    assert "What to do" in str(err.value) and "estimates" in str(err.value)
    # economies with a by-sex value but no population that year: refused too, saying so
    surveyed = set(table.query("indicator == 'i99H' and year == 2021")["economy"])
    population = bundled[bundled["indicator"].isin(["SP.POP.TOTL", "POP"]) & ~bundled["economy"].isin(surveyed)]
    with pytest.raises(MethodError, match="none of them with a population"):
        population_weighted_use(table, population, 2021)


def test_a_by_sex_build_that_carries_a_value_forward_warns_nothing():
    """Issue 30, class 9: on pandas 2.2 every by-sex build that carried a female or male value forward printed a
    FutureWarning from value_years (pandas downcasting the result of ``where``). Warnings are errors here."""
    import warnings

    rows = [(e, 2022, "i99H", s, v) for e in ("ARG", "BRA") for s, v in (("total", 50), ("female", 40), ("male", 60))]
    rows += [(e, 2023, "i99H", s, v) for e in ("ARG", "BRA") for s, v in (("total", 55), ("female", 45), ("male", 65))]
    rows += [
        (e, y, "IT_MOB_OWN", s, 80) for e, y in (("ARG", 2022), ("BRA", 2023)) for s in ("total", "female", "male")
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = build_index(_panel(rows), "doi_gender", by_sex=True, imputation="latest", years=[2023])
    row = _row(result.gender, "ARG", 2023, "individual_use")  # mobile ownership carried from 2022 for both sexes
    assert row.data_years == "internet_users 2023; mobile_ownership 2022"
    assert _row(result.gender, "BRA", 2023, "individual_use").data_years == "internet_users 2023; mobile_ownership 2023"
    assert (row.female, row.male) == (pytest.approx((0.45 + 0.8) / 2), pytest.approx((0.65 + 0.8) / 2))
