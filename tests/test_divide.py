"""Digital divide: inequality measures by hand and by their defining properties, group means, convergence,
domestic gaps on the bundled ITU urban/rural table, and the WSIS tracker against ITU's world figures."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from conftest import REPLICATION, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex import divide
from ictindex.errors import CoverageError, MethodError
from ictindex.sources.readers import read_itu_by_sex, read_itu_by_sex_and_area

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
URBAN_RURAL = ROOT / "data" / "itu_gender" / "Individuals_using_the_Internet_by_gender_and_urban-rural_location.xls"

values_st = st.lists(st.floats(0.01, 100.0, allow_nan=False), min_size=2, max_size=25)


def _weights_for(n: int) -> st.SearchStrategy:
    return st.lists(st.floats(0.1, 1000.0), min_size=n, max_size=n)


# -- hand-computed values ---------------------------------------------------------------------------
def test_gini_by_hand():
    # sum |xi - xj| over ordered pairs = 20 for 1..4; G = 20 / (2 * 4^2 * 2.5)
    assert divide.gini([1, 2, 3, 4]) == pytest.approx(0.25, abs=1e-15)
    # one economy holds everything: (n - 1) / n
    assert divide.gini([0, 0, 0, 1]) == pytest.approx(0.75, abs=1e-15)
    # weights 3 and 1 on values 1 and 3: 2 * 3 * 1 * 2 / (2 * 16 * 1.5) = 0.25, the same as [1, 1, 1, 3]
    assert divide.gini([1, 3], weights=[3, 1]) == pytest.approx(0.25, abs=1e-15)
    assert divide.gini([1, 1, 1, 3]) == pytest.approx(0.25, abs=1e-15)


def test_theil_by_hand():
    # [1, 3]: mean 2, ratios 0.5 and 1.5
    t = 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5))  # 0.130812
    mld = -0.5 * (math.log(0.5) + math.log(1.5))  # 0.143841
    assert divide.theil([1, 3]).total == pytest.approx(0.130812, abs=1e-6) == t
    assert divide.theil([1, 3], measure="L").total == pytest.approx(0.143841, abs=1e-6) == mld
    # [1, 2, 3, 6] in groups {1, 2} and {3, 6}: group means 1.5 and 4.5, overall 3, income shares 1/4 and 3/4;
    # between T = 1/4 ln(1.5/3) + 3/4 ln(4.5/3) = 0.130812; both groups have ratios 2/3 and 4/3, so
    # T_g = 0.5 (2/3 ln 2/3 + 4/3 ln 4/3) = 0.056633 and within = (1/4 + 3/4) T_g
    d = divide.theil([1.0, 2.0, 3.0, 6.0], by=["a", "a", "b", "b"])
    assert d.between == pytest.approx(0.130812, abs=1e-6)
    assert d.within == pytest.approx(0.056633, abs=1e-6)
    assert d.total == pytest.approx(0.187445, abs=1e-6)
    # L: between = 1/2 ln(3/1.5) + 1/2 ln(3/4.5) = 0.143841; L_g = -0.5 (ln 2/3 + ln 4/3) = 0.058892
    d = divide.theil([1.0, 2.0, 3.0, 6.0], by=["a", "a", "b", "b"], measure="L")
    assert d.between == pytest.approx(0.143841, abs=1e-6)
    assert d.within == pytest.approx(0.058892, abs=1e-6)


def test_population_weights_equal_replicated_economies():
    # weights 2 and 1 are the same as the first value appearing twice
    assert divide.theil([2, 5], weights=[2, 1]).total == pytest.approx(divide.theil([2, 2, 5]).total, abs=1e-15)
    assert divide.theil([2, 5], weights=[2, 1], measure="L").total == pytest.approx(
        divide.theil([2, 2, 5], measure="L").total, abs=1e-15
    )


def test_errors_name_the_problem():
    with pytest.raises(MethodError, match="Theil L"):
        divide.theil([0.0, 1.0], measure="L")
    with pytest.raises(MethodError, match="3 values but 2 weights"):
        divide.gini([1, 2, 3], weights=[1, 1])
    with pytest.raises(MethodError, match="non-negative"):
        divide.gini([-1, 2])
    frame = pd.DataFrame({"economy": ["A", "B"], "year": 2020, "value": [1.0, 2.0]})
    with pytest.raises(MethodError, match="unknown grouping 'continent'.*field by"):
        divide.group_means(
            frame,
            by="continent",
            groups=pd.DataFrame({"income": ["x"]}, index=["A"]),
            population=pd.DataFrame({"economy": ["A"], "year": [2020], "population": [1.0]}),
        )


# -- properties --------------------------------------------------------------------------------------
@PROPERTY
@given(values_st, st.floats(0.01, 1000.0))
def test_scale_invariance(x, factor):
    x = np.array(x)
    assert divide.gini(x * factor) == pytest.approx(divide.gini(x), abs=1e-12)
    for measure in ("T", "L"):
        assert divide.theil(x * factor, measure=measure).total == pytest.approx(
            divide.theil(x, measure=measure).total, abs=1e-12
        )


@PROPERTY
@given(st.integers(2, 20).flatmap(lambda n: st.tuples(st.just(n), st.floats(0.01, 100.0), _weights_for(n))))
def test_equal_scores_give_zero(args):
    n, value, weights = args
    assert divide.gini([value] * n, weights=weights) == pytest.approx(0.0, abs=1e-12)
    assert divide.theil([value] * n, weights=weights).total == pytest.approx(0.0, abs=1e-12)
    assert divide.theil([value] * n, weights=weights, measure="L").total == pytest.approx(0.0, abs=1e-12)


@PROPERTY
@given(values_st, st.floats(0.05, 1.0), st.data())
def test_transfer_from_richer_to_poorer_lowers_both(x, fraction, data):
    x = np.array(x)
    i, j = data.draw(st.tuples(st.integers(0, len(x) - 1), st.integers(0, len(x) - 1)))
    poor, rich = (i, j) if x[i] < x[j] else (j, i)
    if x[rich] - x[poor] < 1e-3 * x.mean():
        return
    after = x.copy()
    delta = fraction * (x[rich] - x[poor]) / 2  # at most half the difference: the order of the pair is kept
    after[rich] -= delta
    after[poor] += delta
    assert divide.gini(after) < divide.gini(x)
    for measure in ("T", "L"):
        assert divide.theil(after, measure=measure).total < divide.theil(x, measure=measure).total


@PROPERTY
@given(
    st.integers(2, 25).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.01, 100.0), min_size=n, max_size=n),
            _weights_for(n),
            st.lists(st.sampled_from("abcd"), min_size=n, max_size=n),
        )
    )
)
def test_theil_decomposition_adds_up(args):
    x, w, labels = args
    for measure in ("T", "L"):
        d = divide.theil(x, weights=w, by=labels, measure=measure)
        assert abs(d.total - (d.between + d.within)) < 1e-12
        assert d.between >= -1e-12 and d.within >= -1e-12


@PROPERTY
@given(st.lists(st.tuples(st.floats(0.01, 100.0), st.integers(1, 5)), min_size=2, max_size=12))
def test_integer_weights_are_replication(pairs):
    x, w = zip(*pairs, strict=True)
    replicated = np.repeat(x, w)
    assert divide.gini(x, weights=w) == pytest.approx(divide.gini(replicated), abs=1e-12)


# -- tables: group means, inequality, convergence --------------------------------------------------
def _toy():
    values = pd.DataFrame(
        {
            "economy": ["A", "B", "C", "D"] * 2,
            "year": [2020] * 4 + [2021] * 4,
            "value": [10.0, 20.0, 30.0, 60.0, 20.0, 30.0, 40.0, np.nan],
        }
    )
    # E is an economy without a value and without an income group: it counts in the world's population
    groups = pd.DataFrame({"income": ["low", "low", "high", "high", None]}, index=["A", "B", "C", "D", "E"])
    population = pd.DataFrame(
        {"economy": ["A", "B", "C", "D", "E"], "year": 2019, "population": [1.0, 3.0, 2.0, 2.0, 2.0]}
    )
    return values, groups, population


def test_group_means_by_hand():
    values, groups, population = _toy()
    before = values.copy()
    table = divide.group_means(values, by=["world", "income"], groups=groups, population=population)
    assert values.equals(before)
    world = table.query("group == 'World' and year == 2020").iloc[0]
    # (10*1 + 20*3 + 30*2 + 60*2) / 8 = 31.25; E (population 2, no value) leaves 8 of 10 covered
    assert world["weighted_mean"] == pytest.approx(31.25)
    assert world["simple_mean"] == pytest.approx(30.0)
    assert world["population_share"] == pytest.approx(0.8)
    assert world["population_year"] == 2019  # a number (the one group_means of ictindex.units), no longer text
    low = table.query("group == 'low' and year == 2021").iloc[0]
    assert low["weighted_mean"] == pytest.approx((20 * 1 + 30 * 3) / 4)
    high = table.query("group == 'high' and year == 2021").iloc[0]  # D has no 2021 value: half the population
    assert (high["economies"], high["economies_in_group"], high["population_share"]) == (1, 2, 0.5)
    flagged = divide.group_means(values, by="income", groups=groups, population=population, min_population_share=0.6)
    assert flagged.query("group == 'high' and year == 2021")["meets_coverage"].tolist() == [False]
    with pytest.raises(CoverageError, match="group 'high' covers 50.0%"):
        divide.group_means(
            values, by="income", groups=groups, population=population, min_population_share=0.6, low_coverage="raise"
        )


def test_theil_table_decomposes_each_year():
    values, groups, population = _toy()
    table = divide.theil(values, by="income", groups=groups, population=population)
    row = table.query("year == 2020 and measure == 'T'").iloc[0]
    x, w = [10.0, 20.0, 30.0, 60.0], [1.0, 3.0, 2.0, 2.0]
    expected = divide.theil(x, weights=w, by=["low", "low", "high", "high"])
    assert (row["total"], row["between"], row["within"]) == pytest.approx(tuple(expected), abs=1e-15)
    assert row["population_share"] == pytest.approx(0.8)


def test_inequality_table_by_hand():
    values, _, population = _toy()
    row = divide.inequality(values, population=population).query("year == 2020").iloc[0]
    x = np.array([10.0, 20.0, 30.0, 60.0])
    assert row["cv"] == pytest.approx(x.std() / x.mean())
    assert (row["top_quintile"], row["bottom_quintile"], row["quintile_ratio"], row["quintile_gap"]) == (
        60.0,
        10.0,
        6.0,
        50.0,
    )  # 4 economies: the top and bottom "fifth" is one economy each
    assert row["gini"] == pytest.approx(divide.gini(x))
    assert row["gini_weighted"] == pytest.approx(divide.gini(x, weights=[1, 3, 2, 2]))


def test_convergence_recovers_a_known_beta():
    rng = np.random.default_rng(7)
    start = np.exp(rng.uniform(-3, 0, size=30))
    beta, horizon = -0.08, 5
    end = start * np.exp(horizon * (0.01 + beta * np.log(start)))  # growth = 0.01 + beta ln x0 exactly
    economies = [f"E{i:02d}" for i in range(30)]
    frame = pd.DataFrame(
        {"economy": economies * 2 + ["LATE"], "year": [2015] * 30 + [2020] * 30 + [2020], "value": [*start, *end, 0.5]}
    )
    population = pd.DataFrame({"economy": [*economies, "LATE"], "population": 1.0})
    result = divide.convergence(frame, population=population)
    row = result.beta.iloc[0]
    assert row["slope"] == pytest.approx(beta, abs=1e-10)
    assert row["ci_low"] <= beta <= row["ci_high"]
    speed = -math.log(1 + beta * horizon) / horizon
    assert row["half_life"] == pytest.approx(math.log(2) / speed)
    assert bool(row["converging"])
    assert result.left_out["economy"].tolist() == ["LATE"]
    assert "balanced panel: 30 economies" in result.sigma["panel"].iloc[0]
    assert result.sigma["economies"].tolist() == [30, 30]


def test_convergence_of_the_doi_on_bundled_data():
    import ictindex
    from ictindex import datasets

    result = ictindex.build_index(datasets.load("itu"), "doi_current", years=[2018, 2023])
    conv = divide.convergence(result)
    sigma = conv.sigma.set_index("year")
    assert sigma.loc[2023, "gini"] < sigma.loc[2018, "gini"]  # the DOI's spread narrowed from 2018 to 2023
    assert conv.beta["slope"].iloc[0] < 0 and conv.beta["p_value"].iloc[0] < 0.01


# -- domestic divide -----------------------------------------------------------------------------
def test_area_reader_keeps_totals_and_adds_urban_rural():
    both = read_itu_by_sex_and_area(URBAN_RURAL).panel
    old = read_itu_by_sex(URBAN_RURAL).panel
    cols = ["economy", "year", "indicator", "sex", "value", "note"]
    total = both[both["indicator"] == "i99H"][cols].sort_values(cols[:4]).reset_index(drop=True)
    assert total.equals(old[cols].sort_values(cols[:4]).reset_index(drop=True))
    dza = both[both["economy"] == "DZA"].set_index(["indicator", "sex"])["value"]
    # Algeria 2018 in the ITU sheet: urban 56.2 / 61.7 / 50.8 and rural 34.1 / 41.9 / 25.9 (total, male, female)
    assert dza[("i99H.urban", "total")] == 56.2 and dza[("i99H.urban", "female")] == 50.8
    assert dza[("i99H.rural", "male")] == 41.9 and dza[("i99H.rural", "female")] == 25.9


def test_urban_rural_parity_for_every_economy_in_the_itu_table():
    sheet = pd.read_excel(URBAN_RURAL, header=None, engine="calamine")
    urban, rural = pd.to_numeric(sheet[11], errors="coerce"), pd.to_numeric(sheet[18], errors="coerce")
    both = int((urban.notna() & rural.notna()).sum())  # urban and rural totals both given
    gaps = divide.domestic_gaps().query("dimension == 'urban/rural'")
    assert len(gaps) == both == 43
    row = gaps.set_index("economy")
    # by hand from the sheet: rural / urban
    for economy, rural_value, urban_value in (("DZA", 34.1, 56.2), ("BOL", 19.1, 55.3), ("AUS", 82.8, 87.0)):
        assert row.loc[economy, "parity"] == pytest.approx(rural_value / urban_value, abs=1e-12)
        assert row.loc[economy, "difference"] == pytest.approx(urban_value - rural_value, abs=1e-12)
    assert row.loc["DZA", "band"] == "rural behind" and row.loc["ISR", "band"] == "urban behind"
    female_male = divide.domestic_gaps().query("dimension == 'female/male' and area == 'rural'").set_index("economy")
    assert female_male.loc["DZA", "parity"] == pytest.approx(25.9 / 41.9, abs=1e-12)


# -- WSIS targets --------------------------------------------------------------------------------
def test_world_internet_use_matches_itu_world_figures():
    table = divide.wsis_targets(by="world", years=range(2019, 2024))
    world = table.query("target == 'internet_users'").set_index("year")
    assert list(world.index) == [2019, 2020, 2021, 2022, 2023]
    assert (world["population_share"] > 0.95).all()
    published = pd.read_csv(REPLICATION / "itu_gender_parity_internet.csv").query(
        "group == 'World' and pct_women_using_internet.notna()"
    )
    checked = 0
    for row in published.itertuples():
        if row.year not in world.index:
            continue
        low, high = row.pct_women_using_internet, row.pct_men_using_internet  # the total lies between them
        value = world.loc[row.year, "value"]
        assert low - 3 <= value <= high + 3, (row.year, value, low, high)
        checked += 1
    assert checked >= 3  # 2020, 2022, 2023
    # more than half the world online first in 2019 (ITU, Measuring digital development 2019: 53.6 %)
    assert (world["reached_year"].iloc[0], world["reached"].iloc[0]) == (2019, "observed")


def test_wsis_target_by_hand_and_projection():
    years = list(range(2010, 2016))
    # A is an exact logistic with r = 0.3, t0 = 2019.5: 50 % during 2019, first whole year 2020; B is 80 % from 2012
    a = 100 / (1 + np.exp(-0.3 * (np.array(years) - 2019.5)))
    panel = pd.DataFrame(
        {
            "economy": ["A"] * 6 + ["B"] * 2,
            "year": years + [2012, 2013],
            "indicator": ["i99H"] * 8,
            "sex": "total",
            "value": [*a, 80.0, 80.0],
        }
    )
    population = pd.DataFrame({"economy": ["A", "B"], "population": [3.0, 1.0]})
    groups = pd.DataFrame({"income": ["x", "y"]}, index=["A", "B"])
    table = divide.wsis_targets(panel, by=["world", "income"], groups=groups, population=population, max_gap=2)
    users = table.query("target == 'internet_users'")
    world = users.query("group == 'World'").set_index("year")
    assert world.loc[2014, "value"] == pytest.approx((3 * a[4] + 80.0) / 4)  # B's 2013 value carried one year
    assert world.loc[2014, "reported_share"] == pytest.approx(0.75)
    assert world.loc[2016 - 1, "value"] == pytest.approx((3 * a[5] + 80.0) / 4)  # carried two years
    only_a = users.query("group == 'x'").iloc[0]
    assert (only_a["reached_year"], only_a["reached"]) == (2020, "projected")
    assert "r = 0.300, t0 = 2019.5" in only_a["trend"]
    only_b = users.query("group == 'y'").iloc[0]
    assert (only_b["reached_year"], only_b["reached"]) == (2012, "observed (at or before the first year)")
    assert users["distance"].equals(50.0 - users["value"])


def test_aggregates_in_a_population_table_are_not_economies():
    values, groups, population = _toy()
    with_world = pd.concat(
        [population, pd.DataFrame({"economy": ["WLD", "LIC"], "year": 2019, "population": [100.0, 5.0]})],
        ignore_index=True,
    )
    table = divide.group_means(values, by="world", groups=groups, population=with_world, years=[2020])
    assert table["population_share"].tolist() == [pytest.approx(0.8)]  # as without the aggregate rows


# -- charts ---------------------------------------------------------------------------------------
def test_charts_draw_what_the_tables_say():
    from matplotlib.figure import Figure

    from ictindex.report import divide_charts

    values, groups, population = _toy()
    fig = divide_charts.lorenz_curve(divide.lorenz(values, year=2020, population=population))  # computed, then drawn
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1] == f"economies (Gini {divide.gini([10, 20, 30, 60]):.3f})"
    curve = ax.get_lines()[1].get_xydata()
    # equal weights: after the two lowest of four economies, 30 of the total 120
    assert curve[2].tolist() == [0.5, 0.25] and curve[-1].tolist() == [1.0, 1.0]
    host = Figure()
    drawn = divide_charts.urban_rural_dumbbell(divide.domestic_gaps(), ax=host.add_subplot())
    assert drawn is host
    targets = divide.wsis_targets(
        pd.DataFrame(
            {
                "economy": "A",
                "year": [2010, 2011, 2012],
                "indicator": "i99H",
                "sex": "total",
                "value": [10.0, 20.0, 30.0],
            }
        ),
        by="world",
        groups=groups,
        population=population,
    )
    progress = divide_charts.target_progress_chart(targets, target="internet_users", grouping="world")
    assert progress.axes[0].get_lines()[0].get_ydata()[0] == 50.0  # the target line


# -- degenerate and hostile input (issue 30, class 1) ------------------------------------------------
@pytest.mark.parametrize(
    ("values", "weights", "message"),
    [
        ([1.0, np.inf, 3.0], None, "values at position 1 is infinite"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 1.0], "weights at position 1 is infinite"),
        ([1.0, "2", 3.0], None, "values at position 1 is '2', not a number"),
        (["high", "low"], None, "values at position 0 is 'high', not a number"),
        ([1 + 1j, 2.0], None, r"values at position 0 is \(1\+1j\), not a number"),
        ([[1.0, 2.0], [3.0, 4.0]], None, r"one-dimensional, got an array of shape \(2, 2\)"),
        ([1.0, np.nan], None, "no missing values or weights \\(missing at position 1\\)"),
        ([0.0, 0.0], None, "positive mean"),
        ([1.0, 2.0], [0.0, 0.0], "positive mean"),
    ],
)
def test_inequality_of_unusable_values_names_the_problem(values, weights, message):
    for measure in (divide.gini, divide.theil):
        with pytest.raises(MethodError, match=message):
            measure(values, weights=weights)


def test_values_near_the_floating_point_limit_give_the_measures_of_their_scale():
    x, w = np.array([1.0, 2.0, 3.0, 6.0]), np.array([1.0, 3.0, 2.0, 2.0])
    big, tiny = x * 1.5e307, x * 1e-310  # sums and squares overflow, ratios underflow, without rescaling
    for scaled in (big, tiny):
        assert divide.gini(scaled, weights=w * 1e307) == pytest.approx(divide.gini(x, weights=w), rel=1e-12)
        for measure in ("T", "L"):
            expected = divide.theil(x, weights=w, by=["a", "a", "b", "b"], measure=measure)
            got = divide.theil(scaled, weights=w, by=["a", "a", "b", "b"], measure=measure)
            assert tuple(got) == pytest.approx(tuple(expected), rel=1e-9, abs=1e-15)
    frame = pd.DataFrame({"economy": ["A", "B", "C", "D"], "year": 2020, "value": big})
    population = pd.DataFrame({"economy": ["A", "B", "C", "D"], "population": w})
    row = divide.inequality(frame, population=population).iloc[0]
    assert row[["mean", "sd", "weighted_mean", "quintile_gap"]].map(math.isfinite).all()
    assert row["mean"] == pytest.approx(3.0 * 1.5e307) and row["cv"] == pytest.approx(x.std() / x.mean())
    means = divide.group_means(frame, by="world", groups=pd.DataFrame(index=list("ABCD")), population=population)
    assert means["weighted_mean"].iloc[0] == pytest.approx(np.average(x, weights=w) * 1.5e307)


def test_zero_weights_and_zero_weight_groups_take_no_part():
    x, labels = [1.0, 2.0, 3.0, 6.0, 0.0], ["a", "a", "b", "b", "c"]
    w = [1.0, 3.0, 2.0, 2.0, 0.0]  # group c: no population (and a zero value, which Theil L could not take)
    for measure in ("T", "L"):
        with_c = divide.theil(x, weights=w, by=labels, measure=measure)
        without = divide.theil(x[:4], weights=w[:4], by=labels[:4], measure=measure)
        assert tuple(with_c) == pytest.approx(tuple(without), abs=1e-15)
        assert all(math.isfinite(v) for v in with_c)
    assert divide.gini(x, weights=w) == pytest.approx(divide.gini(x[:4], weights=w[:4]), abs=1e-15)


def test_labelled_values_and_weights_are_paired_by_label_not_position():
    values = pd.Series([1.0, 2.0, 3.0], index=["ARG", "BRA", "CHL"])
    weights = pd.Series([3.0, 2.0, 1.0], index=["CHL", "BRA", "ARG"])  # ARG 1, BRA 2, CHL 3
    assert divide.gini(values, weights=weights) == pytest.approx(divide.gini([1, 2, 3], weights=[1, 2, 3]))
    groups = pd.Series(["south", "east", "south"], index=["CHL", "BRA", "ARG"])
    expected = divide.theil([1, 2, 3], weights=[1, 2, 3], by=["south", "east", "south"])
    assert tuple(divide.theil(values, weights=weights, by=groups)) == pytest.approx(tuple(expected))
    with pytest.raises(MethodError, match=r"different labels: \['CHL'\] without weights; \['PER'\] in weights only"):
        divide.gini(values, weights=weights.rename({"CHL": "PER"}))
    with pytest.raises(MethodError, match="repeat the label 'ARG'"):
        divide.gini(values, weights=pd.Series([1.0, 2.0, 3.0], index=["ARG", "ARG", "BRA"]))


@pytest.mark.parametrize(
    ("value", "message", "year"),
    [
        ("12.5", "the value '12.5' is not a number", "2020"),
        (np.inf, "the value inf is infinite", "2020"),
        (-3.0, "need non-negative values, got -3", "2020"),
    ],
)
def test_a_table_with_an_unusable_value_names_the_economy_and_year(value, message, year):
    frame = pd.DataFrame(
        {"economy": ["A", "B", "C"], "year": 2020, "value": pd.Series([10.0, value, 30.0], dtype="object")}
    )
    population = pd.DataFrame({"economy": ["A", "B", "C"], "population": 1.0})
    for measure in (divide.inequality, divide.gini, divide.theil):
        with pytest.raises(MethodError, match=message) as info:
            measure(
                frame,
                population=population,
                **({"groups": pd.DataFrame(index=list("ABC"))} if measure is divide.theil else {}),
            )
        assert (info.value.economy, str(info.value.year)) == ("B", year)


def test_text_years_infinite_population_and_a_year_of_zeros_are_refused():
    population = pd.DataFrame({"economy": ["A", "B", "C"], "population": [1.0, 2.0, 3.0]})
    frame = pd.DataFrame({"economy": ["A", "B", "C"], "year": 2020, "value": [1.0, 2.0, 3.0]})
    with pytest.raises(MethodError, match="the year 'twenty' is not a number") as info:
        divide.inequality(frame.astype({"year": "object"}).assign(year=[2020, "twenty", 2020]), population=population)
    assert info.value.economy == "B"
    with pytest.raises(MethodError, match="the year 2020.5 is not a whole number"):
        divide.inequality(frame.assign(year=[2020.0, 2020.5, 2020.0]), population=population)
    with pytest.raises(MethodError, match="the year 1e\\+20 is not a whole number from 1900 to 9999"):
        divide.inequality(frame.assign(year=[2020.0, 1e20, 2020.0]), population=population)  # no int64 holds it
    with pytest.raises(MethodError, match="the population is infinite") as info:
        divide.inequality(frame, population=population.assign(population=[1.0, np.inf, 3.0]))
    assert info.value.economy == "B"
    with pytest.raises(MethodError, match=r"every value is zero.*year 2020"):
        divide.inequality(frame.assign(value=0.0), population=population)


def test_convergence_without_three_economies_positive_at_both_ends_is_refused():
    population = pd.DataFrame({"economy": list("ABCD"), "population": 1.0})
    frame = pd.DataFrame(
        {"economy": list("ABCD") * 2, "year": [2015] * 4 + [2020] * 4, "value": [0, 0, 2, 3, 1, 2, 3, 0]}
    )
    with pytest.raises(CoverageError, match="at least 3 economies with a value above zero in both 2015 and 2020; 1 of"):
        divide.convergence(frame, population=population)
    level = frame.assign(value=[2, 2, 2, 2, 1, 2, 3, 4])  # every economy starts at 2: no slope to fit
    with pytest.raises(MethodError, match="every economy starts at the same level in 2015"):
        divide.convergence(level, population=population)
    with pytest.raises(MethodError, match="alpha must be a number between 0 and 1"):
        divide.convergence(level, population=population, alpha=1.5)


#: Any value: finite non-negative numbers of every magnitude (zero, subnormal, near the limit), and what is
#: not one (negative, infinite, missing, text).
ANY_VALUE = st.one_of(
    st.floats(0, 1.7e308, allow_subnormal=True),
    st.sampled_from([0.0, 5e-324, 1e-300, 1.0, 1e300, 1.7e308]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["12", "n/a", None]),
)


def _valid(values: list, weights: list | None) -> bool:
    w = [1.0] * len(values) if weights is None else weights
    numbers = all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in [*values, *w])
    return numbers and len(values) > 0 and max(w) > 0 and max(v for v, u in zip(values, w, strict=True) if u > 0) > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(ANY_VALUE, min_size=n, max_size=n),
            st.one_of(st.none(), st.lists(ANY_VALUE, min_size=n, max_size=n)),
            st.lists(st.sampled_from("abc"), min_size=n, max_size=n),
        )
    )
)
def test_an_inequality_measure_is_finite_and_in_bounds_for_valid_input_and_refuses_the_rest(args):
    """For every finite, non-negative input with a positive mean: 0 <= Gini <= 1 - p_min, 0 <= Theil T <=
    ln(1 / p_min), Theil L >= 0 and finite (a zero value: refused), and the decomposition adds up with
    non-negative parts. Anything else is a MethodError whose message names what is wrong."""
    values, weights, labels = args
    if not _valid(values, weights):
        for call in (lambda: divide.gini(values, weights=weights), lambda: divide.theil(values, weights=weights)):
            with pytest.raises(MethodError) as info:
                call()
            assert re.search("infinite|missing|non-negative|positive mean|not a number", str(info.value))
        return
    w = np.array([1.0] * len(values) if weights is None else weights)
    if (w[w > 0] / w.max()).min() < divide.WEIGHT_RANGE:  # beyond floating point: refused, saying so
        with pytest.raises(MethodError, match="weights span more than 150 orders of magnitude"):
            divide.gini(values, weights=weights)
        return
    p_min = (w[w > 0] / w.max()).min() / (w / w.max()).sum()
    g = divide.gini(values, weights=weights)
    assert 0.0 <= g <= 1.0 - p_min + 1e-9
    for measure in ("T", "L"):
        used = np.array(values)[w > 0]
        if measure == "L" and (used == 0).any():
            with pytest.raises(MethodError, match="Theil L"):
                divide.theil(values, weights=weights, measure=measure)
            continue
        d = divide.theil(values, weights=weights, by=labels, measure=measure)
        assert all(math.isfinite(v) for v in d) and d.between >= 0 and d.within >= 0
        assert abs(d.total - (d.between + d.within)) <= 1e-9 * max(1.0, d.total)
        if measure == "T":
            assert d.total <= math.log(1 / p_min) + 1e-9
