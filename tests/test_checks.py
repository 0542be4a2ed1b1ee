"""The checks stage (ictindex.checks): each check on hand-made panels, a provincial panel with five planted
mistakes (and corrected), the bundled data, settings and the registry."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ictindex import (
    IctIndexWarning,
    PanelError,
    build_index,
    compile_model,
    datasets,
    load_framework,
    read_units,
    validate_panel,
)
from ictindex.checks import (
    MAX_ROWS,
    Context,
    Findings,
    Layout,
    is_percentage,
    is_price,
    jump,
    percent_as_fraction,
)
from ictindex.errors import CoverageError
from ictindex.framework import Indicator
from ictindex.registry import checks, register_check

PROVINCES_FW = Path(__file__).parent / "frameworks" / "provinces.yaml"
FW = load_framework(PROVINCES_FW)
CHECKS = [m.name for m in checks.methods()]
PROVINCES = [  # ISO 3166-2:ID
    *("ID-AC", "ID-BA", "ID-BB", "ID-BE", "ID-BT", "ID-GO", "ID-JA", "ID-JB", "ID-JI", "ID-JK", "ID-JT", "ID-KB"),
    *("ID-KI", "ID-KR", "ID-KS", "ID-KT", "ID-KU", "ID-LA", "ID-MA", "ID-MU", "ID-NB", "ID-NT", "ID-PA", "ID-PB"),
    *("ID-RI", "ID-SA", "ID-SB", "ID-SG", "ID-SN", "ID-SR", "ID-SS", "ID-ST", "ID-SU", "ID-YO"),
]
YEARS = range(2019, 2024)


def _quietly(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IctIndexWarning)
        return build_index(*args, **kwargs)


def provincial_panel() -> pd.DataFrame:
    """34 provinces x 5 years x 6 indicators, smooth series (no jump), Internet use also by sex (the total
    between women and men)."""
    rng = np.random.default_rng(21)
    rows = []
    for province in PROVINCES:
        base = {
            "mobile_coverage": rng.uniform(70, 95),
            "fbb_price": rng.uniform(3, 15),
            "internet_users": rng.uniform(40, 80),
            "hh_internet": rng.uniform(30, 75),
            "ict_skills": rng.uniform(10, 40),
            "schooling": rng.uniform(7, 11),
        }
        step = {"mobile_coverage": 1.0, "internet_users": 3.0, "hh_internet": 3.0, "ict_skills": 1.5, "schooling": 0.1}
        gap = rng.uniform(1, 4)
        for t, year in enumerate(YEARS):
            for code, level in base.items():
                value = level * 0.93**t if code == "fbb_price" else min(100.0, level + step[code] * t)
                rows.append((province, year, code, "total", round(value, 2)))
            use = min(100.0, base["internet_users"] + 3.0 * t)
            rows.append((province, year, "internet_users", "female", round(use - gap, 2)))
            rows.append((province, year, "internet_users", "male", round(min(100.0, use + gap), 2)))
    return pd.DataFrame(rows, columns=["economy", "year", "indicator", "sex", "value"])


CLEAN = provincial_panel()


def _at(panel: pd.DataFrame, economy: str, indicator: str, year: int | None = None, sex: str = "total") -> pd.Series:
    mask = (panel.economy == economy) & (panel.indicator == indicator) & (panel.sex == sex)
    return mask if year is None else mask & (panel.year == year)


def plant(mistake: str, panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """The panel with one of the five mistakes of issue 21."""
    panel = (CLEAN if panel is None else panel).copy()
    if mistake == "fraction":  # ICT skills in % keyed as fractions
        skills = panel.indicator == "ict_skills"
        panel.loc[skills, "value"] = panel.loc[skills, "value"] / 100
    elif mistake == "typo":  # ID-SG keyed as ID-SGG in 2021
        panel.loc[(panel.economy == "ID-SG") & (panel.year == 2021), "economy"] = "ID-SGG"
    elif mistake == "missing_two":  # Papua without both skills indicators
        panel = panel[~((panel.economy == "ID-PA") & panel.indicator.isin(["ict_skills", "schooling"]))]
    elif mistake == "sex_pair":  # West Java 2022: women and men, no total
        panel = panel[~_at(panel, "ID-JB", "internet_users", 2022)]
    elif mistake == "zero_price":  # Maluku 2023: a price of 0
        panel.loc[_at(panel, "ID-MA", "fbb_price", 2023), "value"] = 0.0
    return panel.reset_index(drop=True)


MISTAKES = {  # mistake -> (problem, economy, indicator, year) of the finding
    "typo": ("unit_in_one_year", "ID-SGG", "", "2021"),
    "missing_two": ("missing_category", "ID-PA", "skills", "2023"),
    "sex_pair": ("sex_total", "ID-JB", "internet_users", "2022"),
    "zero_price": ("zero_price", "ID-MA", "fbb_price", "2023"),
}


# -- the provincial panel -------------------------------------------------------------------------------------
def test_the_corrected_provincial_panel_raises_no_finding():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = build_index(CLEAN, FW, units="any", by_sex=True)
    assert not [w for w in caught if issubclass(w.category, IctIndexWarning)]
    assert not result.issues["problem"].isin(CHECKS).any(), result.issues
    assert not validate_panel(CLEAN, FW, units="any").issues["problem"].isin(CHECKS).any()
    assert set(result.ranking(2023)["flag"]) == {""}
    assert len(result.ranking(2023)) == 34


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_planted_mistake_is_reported_under_its_problem_name(mistake):
    problem, economy, indicator, year = MISTAKES[mistake]
    with pytest.warns(IctIndexWarning, match=problem):
        result = build_index(plant(mistake), FW, units="any")
    rows = result.issues.query("problem == @problem and economy == @economy and year == @year")
    assert len(rows) == 1 and rows["indicator"].item() == indicator, result.issues
    others = set(result.issues["problem"]) & set(CHECKS) - {problem}
    assert others <= {"near_duplicate_unit", "jump"}  # a typo'd code also resumes ID-SG's series after a gap


def test_a_percentage_keyed_as_a_fraction_is_refused_naming_the_indicator():
    with pytest.raises(PanelError, match=r"percent_as_fraction: every value of ict_skills in 2019") as info:
        build_index(plant("fraction"), FW, units="any")
    assert info.value.indicator == "ict_skills" and "(4 more error(s)" in str(info.value)
    # kept as a warning, the build goes on and the finding is listed for every year
    result = _quietly(plant("fraction"), FW, units="any", checks={"percent_as_fraction": "warning"})
    rows = result.issues.query("problem == 'percent_as_fraction'")
    assert rows["year"].tolist() == [str(y) for y in YEARS] and set(rows["indicator"]) == {"ict_skills"}


def test_all_five_mistakes_together():
    panel = plant("fraction", plant("typo", plant("missing_two", plant("sex_pair", plant("zero_price")))))
    with pytest.raises(PanelError, match="ict_skills"):
        build_index(panel, FW, units="any")
    listed = validate_panel(panel, FW, units="any").issues
    found = set(listed["problem"])
    assert {"percent_as_fraction", "unit_in_one_year", "near_duplicate_unit", "sex_total", "zero_price"} <= found
    result = _quietly(panel, FW, units="any", checks={"percent_as_fraction": "warning"})
    found = set(result.issues["problem"])
    assert {"percent_as_fraction", "unit_in_one_year", "sex_total", "zero_price", "missing_category"} <= found
    # Papua, scored without skills while every other province scores ~0 on skills, ranks first: flagged
    top = result.ranking(2023).iloc[0]
    assert top["economy"] == "ID-PA" and "M" in top["flag"]


def test_a_mistyped_unit_code_names_the_unit_it_fills():
    result = _quietly(plant("typo"), FW, units="any")
    near = result.issues.query("problem == 'near_duplicate_unit'")
    assert near[["economy", "year"]].values.tolist() == [["ID-SGG", "2021"]]
    assert "one edit away from 'ID-SG', which has no value in those years" in near["message"].item()
    resumed = result.issues.query("problem == 'jump' and economy == 'ID-SG'")
    assert set(resumed["year"]) == {"2022"} and resumed["message"].str.contains("after a gap since 2020").all()
    # ISO3 economies: the check is off by default (SXM and SPM are one edit apart and both real)
    assert load_framework("doi_current").checks is None


def test_a_zero_price_is_set_aside_before_imputation_unless_declared_admissible():
    result = _quietly(plant("zero_price"), FW, units="any")
    raw = result.raw.set_index(["economy", "year"])
    assert np.isnan(raw.loc[("ID-MA", 2023), "fbb_price"])
    scores = result.scores.set_index(["economy", "year"])
    coverage = raw.loc[("ID-MA", 2023), "mobile_coverage"]
    assert scores.loc[("ID-MA", 2023), "access"] == pytest.approx(coverage)  # the access score without the price
    admissible = {"zero_price": {"indicators": {"fbb_price": "off"}}}
    kept = _quietly(plant("zero_price"), FW, units="any", checks=admissible)
    assert kept.raw.set_index(["economy", "year"]).loc[("ID-MA", 2023), "fbb_price"] == 0.0
    assert "zero_price" not in set(kept.issues["problem"])
    assert kept.spec.checks == (("zero_price", kept.spec.checks[0][1]),)  # carried in the spec, replayable
    again = _quietly(plant("zero_price"), spec=kept.spec)
    pd.testing.assert_frame_equal(again.scores, kept.scores)


def test_a_female_male_pair_without_total_is_left_out_of_the_sex_indices_without_population():
    result = _quietly(plant("sex_pair"), FW, units="any", by_sex=True)
    row = result.issues.query("problem == 'sex_total'")
    assert "no population by sex to derive it" in row["message"].item()
    gender = result.gender.query("economy == 'ID-JB' and year == 2022 and node == 'use'")
    assert gender["female"].isna().all() and "internet_users" in gender["reason"].item()
    assert np.isnan(result.raw.set_index(["economy", "year"]).loc[("ID-JB", 2022), "internet_users"])


def test_a_female_male_pair_without_total_is_derived_from_population_by_sex():
    panel = plant("sex_pair")
    population = pd.DataFrame(
        {
            "economy": "ID-JB",
            "year": 2021,  # the nearest earlier year serves 2022
            "indicator": "POP",
            "sex": ["female", "male"],
            "value": [24_000_000.0, 25_000_000.0],
        }
    )
    result = _quietly(pd.concat([panel, population], ignore_index=True), FW, units="any", by_sex=True)
    women = panel.loc[_at(panel, "ID-JB", "internet_users", 2022, "female"), "value"].item()
    men = panel.loc[_at(panel, "ID-JB", "internet_users", 2022, "male"), "value"].item()
    share = 24 / 49
    raw = result.raw.set_index(["economy", "year"]).loc[("ID-JB", 2022), "internet_users"]
    assert raw == pytest.approx(share * women + (1 - share) * men)
    assert "derived by sex_total" in result.lookup("ID-JB", 2022).set_index("indicator").loc["internet_users", "source"]
    row = result.issues.query("problem == 'sex_total'")
    assert "female share 0.490, population by sex in the panel" in row["message"].item()
    gender = result.gender.query("economy == 'ID-JB' and year == 2022 and node == 'use'")
    assert gender["female"].notna().all()  # the three indices use the derived total alike


def test_a_units_table_gives_the_population_by_sex_for_a_derived_total():
    """The units table given once (issue 22) serves the sex_total check: its population by sex weights the
    female and male values into the missing total, as the panel's population rows would."""
    panel = plant("sex_pair")
    table = pd.DataFrame(
        {
            "unit": PROVINCES,
            "name": PROVINCES,
            "population": 1_000_000.0,
            "population_female": 510_000.0,
            "population_male": 490_000.0,
        }
    )
    table.loc[table["unit"] == "ID-JB", ["population", "population_female", "population_male"]] = [49e6, 24e6, 25e6]
    result = _quietly(panel, FW, units=read_units(table, noun="province"), by_sex=True)
    women = panel.loc[_at(panel, "ID-JB", "internet_users", 2022, "female"), "value"].item()
    men = panel.loc[_at(panel, "ID-JB", "internet_users", 2022, "male"), "value"].item()
    raw = result.raw.set_index(["economy", "year"]).loc[("ID-JB", 2022), "internet_users"]
    assert raw == pytest.approx(24 / 49 * women + 25 / 49 * men)
    assert "population by sex in the units table" in result.issues.query("problem == 'sex_total'")["message"].item()
    # without population by sex in the table, the pair is left out as before
    plain = read_units(table.drop(columns=["population_female", "population_male"]), noun="province")
    row = _quietly(panel, FW, units=plain, by_sex=True).issues.query("problem == 'sex_total'")
    assert "no population by sex to derive it" in row["message"].item()


def test_a_bundled_economy_takes_the_wdi_population_by_sex():
    panel = pd.DataFrame(
        {
            "economy": ["BRA", "BRA", "BRA", "BRA", "ARG", "ARG", "ARG"],
            "year": 2020,
            "indicator": ["internet_users", "internet_users", "mobile_coverage", "hh_internet"]
            + ["internet_users", "mobile_coverage", "hh_internet"],
            "sex": ["female", "male", "total", "total", "total", "total", "total"],
            "value": [60.0, 64.0, 98.0, 60.0, 80.0, 99.0, 70.0],
        }
    )
    bundled = datasets.load("itu").query("economy == 'BRA' and year == 2020 and indicator == 'SP.POP.TOTL'")
    share = bundled.set_index("sex")["value"]
    share = share["female"] / (share["female"] + share["male"])
    result = _quietly(panel, "doi", min_coverage=0.3)
    raw = result.raw.set_index("economy").loc["BRA", "internet_users"]
    assert raw == pytest.approx(share * 60 + (1 - share) * 64)
    assert "World Bank WDI 2025" in result.issues.query("problem == 'sex_total'")["message"].item()


def test_a_total_outside_the_female_male_range_is_reported():
    panel = CLEAN.copy()
    panel.loc[_at(panel, "ID-BA", "internet_users", 2020), "value"] = 99.0
    result = _quietly(panel, FW, units="any")
    row = result.issues.query("problem == 'sex_total'")
    assert row[["economy", "year"]].values.tolist() == [["ID-BA", "2020"]]
    assert "lies outside its female-male range" in row["message"].item()


def test_a_jump_and_a_unit_scored_from_thin_data():
    panel = CLEAN.copy()
    panel.loc[_at(panel, "ID-AC", "hh_internet", 2022), "value"] += 30  # +30 points, and -27 the year after
    thin = (
        panel.economy.eq("ID-YO")
        & panel.year.eq(2023)
        & panel.indicator.isin(["hh_internet", "ict_skills", "schooling", "fbb_price"])
    )
    panel = panel[~thin]  # 2 of 6 values reported, the others carried forward
    result = _quietly(panel, FW, units="any", imputation="latest")
    jumps = result.issues.query("problem == 'jump'")
    assert jumps[["economy", "year"]].values.tolist() == [["ID-AC", "2022"], ["ID-AC", "2023"]]
    before, now = (panel.loc[_at(panel, "ID-AC", "hh_internet", y), "value"].item() for y in (2021, 2022))
    assert (
        f"changes by {now - before:+.4g} points from 2021 ({before:.4g}) to 2022 ({now:.4g})"
        in jumps["message"].iloc[0]
    )
    row = result.issues.query("problem == 'thin_data'")
    assert row[["economy", "year"]].values.tolist() == [["ID-YO", "2023"]]
    assert "scored from 2 reported value(s) of 6 indicators" in row["message"].item()
    flags = result.ranking(2023).set_index("economy")["flag"]
    # ID-AC's 2023 value drew the jump warning (27 points down from the spiked 2022) and was kept: W (value warned)
    assert flags["ID-YO"] == "C!" and flags["ID-AC"] == "W"


def test_checks_can_be_errors_warnings_or_off_from_the_framework_or_the_build():
    fw = FW.model_dump(exclude_none=True)
    fw["checks"] = {"zero_price": "error", "jump": {"points": 1.0}}
    strict = load_framework(PROVINCES_FW).model_validate(fw)
    with pytest.raises(PanelError, match=r"zero_price: a price of 0 is not a price") as info:
        build_index(plant("zero_price"), strict, units="any")
    assert (info.value.economy, info.value.indicator, info.value.year) == ("ID-MA", "fbb_price", "2023")
    # the build's setting wins over the framework's, and "off" turns every check off
    result = _quietly(plant("zero_price"), strict, units="any", checks={"zero_price": "warning", "jump": "off"})
    assert set(result.issues["problem"]) & set(CHECKS) == {"zero_price"}
    assert not build_index(plant("zero_price"), strict, units="any", checks="off").issues["problem"].isin(CHECKS).any()
    # a parameter of the framework's: 1-point jumps everywhere
    many = _quietly(CLEAN, strict, units="any", checks={"zero_price": "off"})
    assert (many.issues["problem"] == "jump").sum() > 100


def test_findings_beyond_the_listed_rows_are_counted_in_one_row():
    n = MAX_ROWS + 500
    layout = Layout.from_arrays([f"U{i}" for i in range(n) for _ in range(2)], [2020, 2021] * n)
    x = np.tile([10.0, 90.0], n)
    found = jump(x, Context(layout, indicator=Indicator(code="a", name="a", unit="%")))
    assert len(found) == n
    panel = pd.DataFrame(
        {"economy": layout.labels[layout.economy], "year": layout.year, "indicator": "internet_users", "value": x}
    )
    issues = compile_model(panel, "doi", units="any", checks={"all": "off", "jump": "warning"}).check_issues
    assert len(issues) == MAX_ROWS + 1
    assert (
        issues["message"].iloc[-1] == f"... and 500 more finding(s) of jump on internet_users (the first {MAX_ROWS:,} "
        "are listed)"
    )


def test_a_check_of_ones_own_is_registered_and_named_in_a_framework():
    @register_check("above_ninety", replace=True, default="off")
    def above_ninety(x, context, *, limit=90.0):
        """Values above ``limit``."""
        at = np.flatnonzero(x > limit)
        return Findings(at, f"above {limit}")

    fw = FW.model_dump(exclude_none=True)
    fw["checks"] = {"above_ninety": {"severity": "warning", "limit": 95.0}}
    custom = load_framework(PROVINCES_FW).model_validate(fw)
    result = _quietly(CLEAN, custom, units="any")
    rows = result.issues.query("problem == 'above_ninety'")
    assert len(rows) > 0 and (rows["message"] == "above 95.0").all()
    panel = CLEAN.set_index(["economy", "year", "indicator", "sex"])["value"]
    for row in rows.itertuples():
        assert panel[(row.economy, int(row.year), row.indicator, "total")] > 95.0
    with pytest.raises(Exception, match="takes no parameter"):
        build_index(CLEAN, custom, units="any", checks={"above_ninety": {"limt": 3}})


# -- properties -----------------------------------------------------------------------------------------------
PERCENT = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.lists(PERCENT, min_size=1, max_size=8), min_size=1, max_size=3))
def test_a_percentage_panel_divided_by_100_is_always_caught(values):
    """Every year holding a value above 0, divided by 100, is a finding; a year with a value above 1 never is."""
    assume(any(v / 100 > 0 for year in values for v in year))  # (5e-324 / 100 underflows to 0)
    economy = [f"U{i}" for year in values for i in range(len(year))]
    year = [2020 + t for t, row in enumerate(values) for _ in row]
    layout = Layout.from_arrays(economy, year)
    x = np.asarray([v for row in values for v in row])
    order = np.lexsort((layout.year, layout.economy))  # the layout's own order is any order
    assert np.array_equal(np.sort(layout.order), np.arange(len(x))) and len(order) == len(x)
    indicator = Indicator(code="skills", name="ICT skills", unit="%")
    found = percent_as_fraction(x / 100, Context(layout, indicator=indicator))
    flagged = {2020 + t for t, row in enumerate(values) if max(row) / 100 > 0}
    assert set(found.year.tolist()) == flagged
    as_given = percent_as_fraction(x, Context(layout, indicator=indicator))
    assert not set(as_given.year.tolist()) & {2020 + t for t, row in enumerate(values) if max(row) > 1}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(PERCENT, min_size=1, max_size=6))
def test_a_build_on_a_percentage_panel_divided_by_100_is_refused(values):
    assume(max(values) / 100 > 0)
    panel = pd.DataFrame(
        {
            "economy": [f"U{i}" for i in range(len(values))],
            "year": 2020,
            "indicator": "internet_users",
            "value": np.asarray(values) / 100,
        }
    )
    with pytest.raises(PanelError, match="percent_as_fraction: every value of internet_users in 2020"):
        build_index(panel, "doi", units="any")


def test_which_indicators_are_prices_and_percentages():
    doi = load_framework("doi_current")
    assert [i.code for i in doi.indicators if is_price(i)] == ["internet_tariff", "mobile_tariff"]
    assert [i.code for i in load_framework("idi2024").indicators if is_price(i)] == ["mobile_basket", "fbb_basket"]
    assert all(is_percentage(i) for i in doi.indicators)
    # a trade tariff rate in percent, an export cost in USD (COINr's ASEM example): zero is a true value there
    assert not is_price(Indicator(code="Tariff", name="Mean tariff rate", unit="Percent", direction="lower"))
    assert not is_price(
        Indicator(code="CostImpEx", name="Cost to export/import", unit="Current USD", direction="lower")
    )


# -- the bundled data -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IctIndexWarning)
        return build_index(datasets.load("itu"), "doi_current", years=[2022, 2023])


def test_the_bundled_build_has_no_tariff_score_from_a_zero_price(bundled):
    imputed = bundled.imputed
    assert not (imputed[["internet_tariff", "mobile_tariff"]] <= 0).any().any()
    zero = bundled.issues.query("problem == 'zero_price'")
    assert len(zero) == 42 and set(zero["indicator"]) == {"i154_FBB5_GNI"} and set(zero["year"]) == {"2022"}
    assert {"PRK", "GIB", "VEN", "TWN"} <= set(zero["economy"])
    prk = bundled.lookup("PRK", 2023).set_index("indicator")
    assert np.isnan(prk.loc["internet_tariff", "imputed"])  # no longer the 2022 zero carried forward
    opportunity = bundled.scores.set_index(["economy", "year"]).loc[("PRK", 2023), "opportunity"]
    assert np.isnan(opportunity)  # 0.975 from a price of 0 before; one of three indicators now


def test_the_bundled_2023_findings_are_the_real_ones():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IctIndexWarning)
        result = build_index(datasets.load("itu"), "doi_current", years=2023)
    found = result.issues[result.issues["problem"].isin(CHECKS)]
    assert set(found["problem"]) <= {"zero_price", "jump", "sex_total", "thin_data", "missing_category"}
    assert not found.query("problem == 'zero_price'")["message"].str.contains("set aside as missing").any()
    # every jump is a change of more than 25 points (a factor of 3 for a price) or a series resumed after a gap
    values = result.raw.set_index(["economy", "year"])
    from ictindex.derive import indicator_values

    history = indicator_values(datasets.load("itu"), load_framework("doi_current"))[0]
    for row in found.query("problem == 'jump'").itertuples():
        series = history[row.indicator].xs(row.economy, level="economy").dropna()
        now = series.loc[2023]
        before_year = series.index[series.index < 2023].max()
        before = series.loc[before_year]
        assert now == values.loc[(row.economy, 2023), row.indicator]
        price = row.indicator.endswith("tariff")
        big = max(now, before) >= 3 * min(now, before) if price else abs(now - before) > 25
        assert big or before_year < 2022, row.message
    for row in found.query("problem == 'thin_data'").itertuples():
        reported = int(re.search(r"from (\d+) reported", row.message).group(1))
        assert reported < 5


def test_the_published_doi_on_bundled_data_names_its_missing_series_and_doi_current():
    with pytest.raises(CoverageError) as info:
        build_index(datasets.load("itu"), "doi", years=2023)
    text = str(info.value)
    assert "6 of its 11 indicators have no series in the data" in text
    for code in (
        "internet_tariff",
        "mobile_tariff",
        "hh_fixed_line",
        "mobile_internet_subscribers",
        "fixed_broadband_ratio",
        "mobile_broadband_ratio",
    ):
        assert code in text
    assert "'doi_current' is the Digital Opportunity Index method on series collected today" in text


def _jump_reference(x: np.ndarray, layout: Layout, ratio: float = 3.0, gap: int = 1) -> list[tuple[int, int]]:
    """The jump check's pairs by brute force: each present value and the unit's previous present value."""
    found, last = [], {}
    for i in np.lexsort((layout.year, layout.economy)).tolist():
        if np.isnan(x[i]):
            continue
        unit = int(layout.economy[i])
        if unit in last:
            j = last[unit]
            low, high = sorted((abs(x[j]), abs(x[i])))
            if (high > 0 and high >= ratio * low) or layout.year[i] - layout.year[j] > gap:
                found.append((i, j))
        last[unit] = i
    return found


@settings(max_examples=60, deadline=None)
@given(
    units=st.integers(1, 30),
    years=st.integers(1, 8),
    missing=st.sampled_from([0.0, 0.2, 0.6]),
    shuffled=st.booleans(),
    block=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_jump_finds_the_same_pairs_in_blocks_of_any_size(units, years, missing, shuffled, block, seed):
    """The jump check works a block of units at a time (bounded memory on millions of units): whatever the block
    size, a panel in order or not, complete or not, it finds every pair a unit-by-unit reading finds, in order."""
    from ictindex.checks import of_values

    rng = np.random.default_rng(seed)
    economy = np.repeat([f"U{u:02d}" for u in range(units)], years)
    year = np.tile(np.arange(2015, 2015 + years), units)
    x = rng.choice([0.0, 1.0, 2.0, 5.0, 50.0], size=len(economy))
    x[rng.random(len(x)) < missing] = np.nan
    if shuffled:
        perm = rng.permutation(len(x))
        economy, year, x = economy[perm], year[perm], x[perm]
    layout = Layout.from_arrays(economy, year)
    indicator = Indicator(code="price", name="A price", unit="USD", direction="lower")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(of_values, "PAIR_BLOCK", block)
        found = of_values.jump(x, Context(layout, indicator=indicator))
    expected = _jump_reference(x, layout)
    assert [int(i) for i in found.at] == [i for i, _ in expected]
