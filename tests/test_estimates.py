"""World and group estimates (ictindex.estimates, ictindex.estimate_models; issue 24).

Known answers on hand-made panels, the additivity property, the composition property over the bundled data, and
the published Facts and Figures figures beside ictindex's estimates.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ictindex
from ictindex import datasets
from ictindex import estimate_models as em
from ictindex.economies import economy_groups
from ictindex.errors import IctIndexError, MethodError
from ictindex.estimates import EstimatesSpec, load_estimates_spec

GROUPINGS = ("world", "itu_region", "income", "ldc_lldc_sids", "region")
PARTITIONS = ("itu_region", "income", "region")


def _logistic(logit: float) -> float:
    return 100.0 / (1.0 + np.exp(-logit))


def _spec(**model) -> EstimatesSpec:
    """The bundled indicators with model settings overridden (a straight trend, no covariate...)."""
    base = load_estimates_spec().model_dump()
    for key, value in model.items():
        if isinstance(value, dict):
            base["model"][key] = {**base["model"][key], **value}
        else:
            base["model"][key] = value
    return EstimatesSpec.model_validate(base)


def _panel(values: dict[str, dict[int, float]], population: dict[str, float], series: str = "IT.NET.USER.ZS"):
    rows = [
        {"economy": e, "year": y, "indicator": series, "sex": "total", "value": v}
        for e, by_year in values.items()
        for y, v in by_year.items()
    ]
    years = sorted({y for by_year in values.values() for y in by_year})
    rows += [
        {"economy": e, "year": y, "indicator": "SP.POP.TOTL", "sex": "total", "value": p}
        for e, p in population.items()
        for y in years
    ]
    return pd.DataFrame(rows)


# -- the imputation models, known answers ---------------------------------------------------------------------
def test_interpolation_and_trend_are_exact_on_a_logistic_curve():
    """On a logistic diffusion curve (a straight line on the logit scale) the interpolation between two values
    and the straight trend (damping 1) after the last one are exact."""
    years = np.arange(2010, 2021)
    truth = -2.0 + 0.3 * (years - 2010)
    L = truth[None, :].copy()
    L[0, [3, 4, 8, 9, 10]] = np.nan  # a gap and the last three years
    filled, method, _ = em.fill(L, years, window=3, horizon=5, min_points=2, damping=1.0)
    assert np.allclose(filled, truth[None, :])
    assert method[0, 3] == method[0, 4] == "interpolated" and method[0, 10] == "trend"
    flat, *_ = em.fill(L, years, window=3, horizon=5, min_points=2, damping=0.0)
    assert np.allclose(flat[0, 8:], truth[7])  # the "latest value" alternative carries the last value flat
    half, *_ = em.fill(L, years, window=3, horizon=5, min_points=2, damping=0.5)
    assert half[0, 9] == pytest.approx(truth[7] + 0.3 * (0.5 + 0.25))  # damped: phi + phi^2 years of slope


def test_trend_stops_at_the_horizon_and_backcasts_before_the_first_value():
    years = np.arange(2000, 2012)
    L = np.full((1, 12), np.nan)
    L[0, 5:8] = [0.0, 0.5, 1.0]
    filled, method, fit = em.fill(L, years, window=5, horizon=2, min_points=2, damping=1.0)
    assert filled[0, 3:5].tolist() == pytest.approx([-1.0, -0.5]) and set(method[0, 3:5]) == {"trend"}
    assert filled[0, 8:10].tolist() == pytest.approx([1.5, 2.0])
    # beyond the horizon: the regression, which a single economy cannot fit (nothing to compare it with)
    assert set(method[0, :3]) | set(method[0, 10:]) <= {"regression", "none"}


def test_regression_recovers_year_and_economy_effects_and_predicts_an_economy_without_values():
    """Reported logits built as a[i] + g[t] + 0.8 x[i, t]: the two-way fit recovers them; an economy of the same
    region without any value gets its region's effect predicted from its mean covariate."""
    rng = np.random.default_rng(3)
    n_econ, n_years = 30, 8
    x = rng.normal(0.0, 1.0, (n_econ, n_years, 1))
    region = np.repeat([0, 1, 2], 10)
    a = np.array([-1.0, 0.0, 1.0])[region] + 0.5 * x[:, :, 0].mean(axis=1)  # levels follow region and income
    g = np.linspace(-0.5, 0.5, n_years)
    truth = a[:, None] + g[None, :] + 0.8 * x[:, :, 0]
    L = truth.copy()
    L[rng.random(L.shape) < 0.3] = np.nan
    L[5] = np.nan  # one economy without any value
    fit = em.regression(L, np.arange(n_years), x, region)
    assert fit.full.beta[0] == pytest.approx(0.8, abs=1e-6)
    predicted = fit.predict(x, L.shape)
    own = ~np.isnan(L).all(axis=1)
    assert np.allclose(predicted[own], truth[own], atol=1e-6)
    assert np.allclose(predicted[5], truth[5], atol=1e-6)  # exact: a[5] follows the same region/income rule
    assert fit.record[-1]["residual_sd"] < 1e-6


def test_regression_pools_by_region_when_economies_report_once():
    """One survey per economy: no economy or year effects can be fitted, so the fit is region + covariate."""
    region = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    x = np.linspace(-1, 1, 8)[:, None, None] * np.ones((1, 3, 1))
    truth = np.where(region == 0, -1.0, 1.0)[:, None] + 0.5 * x[:, :, 0]
    L = np.full((8, 3), np.nan)
    L[np.arange(6), np.arange(6) % 3] = truth[np.arange(6), np.arange(6) % 3]
    fit = em.regression(L, np.arange(3), x, region)
    assert fit.record[-1]["fit"].startswith("pooled")
    assert np.allclose(fit.predict(x, L.shape)[6:], truth[6:])


def test_regression_nowcast_moves_the_last_value_by_year_effects_and_covariate_change():
    """Logits built as a[i] + g[t] + 0.8 x[i, t]: an economy that stops reporting is nowcast exactly by its last
    value moved by the common year effects and by its own covariate's change; its flat trend misses that change,
    so the backtest measures a smaller error for the regression and chooses it."""
    rng = np.random.default_rng(7)
    n_econ, n_years = 40, 10
    years = np.arange(2010, 2010 + n_years)
    x = np.cumsum(rng.normal(0.3, 0.4, (n_econ, n_years, 1)), axis=1)  # e.g. log(1 + mobile broadband)
    a, g = rng.normal(0.0, 1.0, n_econ), np.linspace(-0.4, 0.4, n_years)
    truth = a[:, None] + g[None, :] + 0.8 * x[:, :, 0]
    L = truth.copy()
    L[:8, 6:] = np.nan  # eight economies stop reporting after 2015
    kwargs = {"window": 5, "horizon": 5, "min_points": 2, "damping": 0.0, "covariates": x}
    filled, method, _ = em.fill(L, years, nowcast="regression", **kwargs)
    assert set(method[:8, 6:].ravel()) == {"regression"}
    assert np.allclose(filled, truth, atol=1e-6)
    expected = L[:8, 5:6] + (g[6:] - g[5]) + 0.8 * (x[:8, 6:, 0] - x[:8, 5:6, 0])
    assert np.allclose(filled[:8, 6:], expected, atol=1e-6)
    measured = em.nowcast_errors(L, years, **kwargs)
    assert np.nanmax(measured["regression"]) < 1e-6 < np.nanmin(measured["trend"])
    assert em.choose_nowcast(measured) == "regression"
    assert em.choose_nowcast({"trend": np.array([0.1, np.nan]), "regression": np.array([0.2, 0.1])}) == "trend"


def test_year_effects_after_the_data_continue_their_own_trend():
    """A nowcast year in which nobody reports takes the year effects' trend, damped like the economies' trends."""
    years = np.arange(6)
    L = np.array([[0.0, 0.2, 0.4, 0.6, np.nan, np.nan], [1.0, 1.2, 1.4, 1.6, np.nan, np.nan]])
    L = np.vstack([L, L[1] - 3.0])  # three economies, so that economy and year effects can be fitted
    flat = em.regression(L, years, None, None)
    straight = em.regression(L, years, None, None, damping=1.0)
    assert np.allclose(flat.predict(None, L.shape)[:, 4:], L[:, 3:4])
    assert np.allclose(straight.predict(None, L.shape)[:, 4:], L[:, 3:4] + [[0.2, 0.4]])


def test_split_total_solves_the_gap_and_the_total():
    rng = np.random.default_rng(1)
    total, gap, share = rng.uniform(1, 99, 500), rng.normal(0, 1.5, 500), rng.uniform(0.3, 0.7, 500)
    female, male = em.split_total(total, gap, share)
    assert np.allclose(share * female + (1 - share) * male, total)
    assert np.allclose(em.logit(female, 1e-9) - em.logit(male, 1e-9), gap)


def test_errors_are_measured_on_the_data():
    """The trend's error h years ahead is measured by forecasting each reported value from the data before it."""
    years = np.arange(6)
    L = np.array([[0.0, 1.0, 2.0, 3.0, 4.0, 6.0]])  # linear, then a jump of 1 above the line in the last year
    errors = em.errors(L, years, window=5, horizon=1, min_points=2, damping=1.0)
    # forecasts of years 1..5 from the values before them: year 1 from one value (carried flat: 0 vs 1), years
    # 2-4 exact on the line, year 5 off by the jump (5 vs 6): sqrt((1 + 0 + 0 + 0 + 1) / 5)
    assert errors["trend"][0] == pytest.approx(np.sqrt(2.0 / 5.0))
    assert errors["interpolated"] == pytest.approx(np.sqrt(((5.0 - 4.5) ** 2) / 4.0))  # years 1-4 left out in turn


# -- estimates on hand-made panels ----------------------------------------------------------------------------
def test_group_values_are_population_weighted_means_of_reported_and_imputed_values():
    """Four economies in two regions of a user's own units table; B stops reporting after 2018, C skips 2016.
    The estimate is the hand-computed weighted mean of the reported values and the exact imputed ones."""
    years = range(2015, 2021)

    def curve(start):
        return {y: _logistic(start + 0.2 * (y - 2015)) for y in years}

    values = {"A": curve(-1.0), "B": curve(0.0), "C": curve(0.5), "D": curve(1.0)}
    values["B"] = {y: v for y, v in values["B"].items() if y <= 2018}
    values["C"] = {y: v for y, v in values["C"].items() if y != 2016}
    population = {"A": 100.0, "B": 300.0, "C": 200.0, "D": 400.0}
    groups = pd.DataFrame({"economy": list(population), "zone": ["north", "north", "south", "south"]})
    groups["population"] = groups["economy"].map(population)
    spec = _spec(trend={"damping": 1.0}, regression={"covariates": [], "group": None})
    est = ictindex.estimates(
        _panel(values, population), "internet_use", ("world", "zone"), groups=groups, spec=spec, draws=0
    )
    table = est.table.set_index(["group", "year"])
    truth = {e: curve(s) for e, s in zip("ABCD", (-1.0, 0.0, 0.5, 1.0), strict=True)}
    for year in years:
        north = (100 * truth["A"][year] + 300 * truth["B"][year]) / 400
        world = sum(population[e] * truth[e][year] for e in "ABCD") / 1000
        assert table.loc[("north", year), "value"] == pytest.approx(north)
        assert table.loc[("World", year), "value"] == pytest.approx(world)
    row = table.loc[("north", 2020)]
    assert row["reported_share"] == pytest.approx(0.25) and row["imputed_units"] == 1 and row["units"] == 2
    assert table.loc[("south", 2016), "imputed_share"] == pytest.approx(200 / 600)
    units = est.units.set_index(["economy", "year"])
    assert units.loc[("B", 2020), "method"] == "trend" and units.loc[("C", 2016), "method"] == "interpolated"
    assert table.loc[("north", 2019), "reporting_change"] == pytest.approx(300 / 400)
    assert table.loc[("north", 2019), "flag"] == "reporting economies changed sharply"
    assert table.loc[("north", 2018), "flag"] == ""
    # B's continuation is exact: what B adds beyond A's change (the economy reporting both years) is its own curve
    change_a = truth["A"][2019] - truth["A"][2018]
    change_b = truth["B"][2019] - truth["B"][2018]
    assert table.loc[("north", 2019), "reporting_effect"] == pytest.approx(300 / 400 * (change_b - change_a))


def test_by_sex_values_follow_the_gap_and_add_up_to_the_total():
    """A: female 40 %, male 50 % in 2015 (equal numbers of women and men); total 60 % in 2016 and nothing by sex:
    the gap logit(F) - logit(M) is carried and F, M solve 0.5 F + 0.5 M = 60."""
    panel = pd.DataFrame(
        [
            {"economy": "A", "year": 2015, "indicator": "IT.NET.USER.ZS", "sex": "total", "value": 45.0},
            {"economy": "A", "year": 2016, "indicator": "IT.NET.USER.ZS", "sex": "total", "value": 60.0},
            {"economy": "A", "year": 2015, "indicator": "i99H", "sex": "female", "value": 40.0},
            {"economy": "A", "year": 2015, "indicator": "i99H", "sex": "male", "value": 50.0},
            *[
                {"economy": "A", "year": y, "indicator": "SP.POP.TOTL", "sex": s, "value": v}
                for y in (2015, 2016)
                for s, v in (("total", 1000.0), ("female", 500.0), ("male", 500.0))
            ],
        ]
    )
    groups = pd.DataFrame({"economy": ["A"], "population": [1000.0]})
    spec = _spec(regression={"covariates": [], "group": None})
    est = ictindex.estimates(panel, "internet_use", ("world",), groups=groups, spec=spec, draws=0)
    gap = em.logit(40.0) - em.logit(50.0)
    female, male = em.split_total(np.array([60.0]), np.array([gap]), np.array([0.5]))
    table = est.table.set_index(["sex", "year"])
    assert table.loc[("female", 2016), "value"] == pytest.approx(female[0])
    assert table.loc[("male", 2016), "value"] == pytest.approx(male[0])
    assert table.loc[("female", 2015), "value"] == pytest.approx(40.0)  # 0.5 * 40 + 0.5 * 50 = 45: as surveyed
    parity = est.parity.set_index("year")
    assert parity.loc[2015, "value"] == pytest.approx(0.8)
    assert parity.loc[2016, "value"] == pytest.approx(female[0] / male[0])
    assert parity.loc[2015, "observed_share"] == 1.0 and parity.loc[2016, "observed_share"] == 0.0


def test_bad_inputs_are_named():
    with pytest.raises(MethodError, match="no headline indicator 'internet'"):
        ictindex.estimates(indicators=["internet"], draws=0)
    with pytest.raises(MethodError, match="unknown grouping 'continent'"):
        ictindex.estimates(indicators=["internet_use"], groupings=("continent",), years=[2023], draws=0)
    no_population = pd.DataFrame({"economy": ["A"], "year": [2020], "indicator": ["IT.NET.USER.ZS"], "value": [50.0]})
    with pytest.raises(MethodError, match="no population"):
        ictindex.estimates(no_population, "internet_use", draws=0)


def test_a_wrong_key_in_the_estimates_file_is_named(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nindicators:\n  - code: a\n    name: a\n    totl: [x]\n", encoding="utf-8")
    with pytest.raises(IctIndexError, match="invalid estimates file") as err:
        load_estimates_spec(path)
    assert "indicators.0" in str(err.value) and "What to do" in str(err.value)


# -- additivity -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled_estimates():
    return ictindex.estimates(groupings=GROUPINGS, draws=40)


def _recombined(table: pd.DataFrame, grouping: str) -> pd.Series:
    keys = ["indicator", "sex", "location", "year"]
    part = table[table["grouping"] == grouping]
    weighted = (part["value"] * part["population"]).groupby([part[k] for k in keys]).sum()
    return weighted / part.groupby(keys)["population"].sum()


def test_groups_recombine_to_the_world(bundled_estimates):
    """Every partition (ITU regions, income groups with 'Not classified', SDG regions) recombines to the world with
    population weights, for every indicator, sex, location and year."""
    table = bundled_estimates.table
    world = table[table["grouping"] == "world"].set_index(["indicator", "sex", "location", "year"])["value"]
    for grouping in PARTITIONS:
        recombined = _recombined(table, grouping).reindex(world.index)
        assert np.allclose(recombined, world, atol=1e-9, equal_nan=True), grouping


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.floats(1.0, 99.0), min_size=24, max_size=24),
    missing=st.lists(st.booleans(), min_size=24, max_size=24),
    population=st.lists(st.floats(1.0, 1e6), min_size=6, max_size=6),
)
def test_additivity_holds_for_any_panel(values, missing, population):
    economies = [f"E{i}" for i in range(6)]
    data = {
        e: {2020 + t: values[4 * i + t] for t in range(4) if not missing[4 * i + t] or t == 0}
        for i, e in enumerate(economies)
    }
    pop = dict(zip(economies, population, strict=True))
    groups = pd.DataFrame({"economy": economies, "zone": ["a", "a", "b", "b", "c", "c"]})
    groups["population"] = groups["economy"].map(pop)
    est = ictindex.estimates(
        _panel(data, pop),
        "internet_use",
        ("world", "zone"),
        groups=groups,
        spec=_spec(regression={"group": None}),
        draws=0,
    )
    world = est.table[est.table["grouping"] == "world"].set_index(["indicator", "sex", "location", "year"])["value"]
    assert np.allclose(_recombined(est.table, "zone").reindex(world.index), world, atol=1e-9)
    assert est.table["value"].between(0, 100).all()


# -- composition ----------------------------------------------------------------------------------------------
def _constant_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The bundled panel with every headline value replaced by its economy's mean: nothing changes over time but
    which economies report in which year."""
    spec = load_estimates_spec()
    series = set()
    for head in spec.indicators:
        series |= {*head.total, *head.by_sex}
        series |= {f"{s}.{area}" for s in head.by_location for area in ("urban", "rural")}
    mask = panel["indicator"].isin(series)
    out = panel.copy()
    out.loc[mask, "value"] = panel[mask].groupby(["economy", "indicator", "sex"])["value"].transform("mean")
    return out


def test_no_group_moves_more_than_five_points_from_a_change_of_reporting_economies_alone():
    """Over every indicator, sex, location, group and year of the bundled data: with every economy's values held
    constant, only the reporting pattern changes, and no estimate moves more than 5 points in a year. The mean of
    the reporting economies (what ictindex showed before) moves far more on the same panel."""
    panel = _constant_panel(datasets.load("itu"))
    est = ictindex.estimates(panel, groupings=GROUPINGS, draws=0)
    table = est.table.sort_values("year")
    keys = ["indicator", "sex", "location", "grouping", "group"]
    move = table.groupby(keys)["value"].diff().abs()
    worst = table.loc[move.idxmax()]
    print(
        f"\nlargest move from reporting alone: {move.max():.2f} points "
        f"({worst['indicator']}, {worst['sex']}/{worst['location']}, {worst['group']}, {worst['year']})"
    )
    assert move.max() <= 5.0
    # the reporters-only mean of the same constant panel: Northern Africa and Western Asia, Internet use
    members = economy_groups(2024).query("region == 'Northern Africa and Western Asia'").index
    rows = panel[(panel["indicator"] == "IT.NET.USER.ZS") & panel["economy"].isin(members)]
    pop = panel[(panel["indicator"] == "SP.POP.TOTL") & (panel["sex"] == "total")]
    rows = rows.merge(pop[["economy", "year", "value"]], on=["economy", "year"], suffixes=("", "_pop"))
    naive = rows.groupby("year").apply(lambda g: np.average(g["value"], weights=g["value_pop"]), include_groups=False)
    assert naive.diff().abs().max() > 5.0  # the composition jump the estimates remove


def test_flags_and_reporting_effects_are_stated(bundled_estimates):
    table = bundled_estimates.table
    flagged = table[table["flag"] != ""]
    assert (flagged["reporting_change"] >= bundled_estimates.spec.model.reporting_change).all()
    assert not flagged.empty and table["reporting_effect"].notna().any()
    assert table["imputed_share"].between(0, 1).all() and (table["imputed_units"] <= table["units"]).all()


# -- the published figures ------------------------------------------------------------------------------------
def _latest(comparison: pd.DataFrame) -> pd.DataFrame:
    """The latest edition's figure for each group and year (a printed figure before a derived one)."""
    order = comparison.assign(printed=~comparison["source_kind"].str.startswith("derived"))
    order = order.sort_values(["edition", "printed"])
    return order.groupby(["indicator", "measure", "sex", "location", "group", "year"], as_index=False).last()


def test_published_facts_and_figures_beside_the_estimates(bundled_estimates):
    """Every bundled Facts and Figures figure beside ictindex's estimate, with the imputed population share; the
    acceptance tolerances of issue 24 are checked on the latest edition's figure for each group and year."""
    est = ictindex.estimates(indicators=["internet_use"], groupings=GROUPINGS, years=range(2018, 2026), draws=40)
    comparison = est.compare()
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print("\n" + comparison.drop(columns=["url"]).round(3).to_string())
    assert comparison["estimate"].notna().all()
    latest = _latest(comparison)
    values = latest[(latest["measure"] == "value") & (latest["sex"] == "total") & (latest["location"] == "total")]
    world = values[values["group"] == "World"].set_index("year")
    for year in (2023, 2024):
        print(
            f"world {year}: {world.loc[year, 'estimate']:.1f} vs ITU {world.loc[year, 'published']:g} "
            f"(FF{world.loc[year, 'edition']}), imputed share {world.loc[year, 'imputed_share']:.0%}"
        )
        assert abs(world.loc[year, "difference"]) <= 2.0
    groups = values[values["group"] != "World"]
    within = groups["difference"].abs() <= 3.0
    print(f"groups within 3 points: {within.sum()} of {len(groups)} ({within.mean():.0%}); misses:")
    print(groups.loc[~within, ["group", "year", "edition", "published", "estimate", "imputed_share"]].to_string())
    # Issue 24 asks for 80 %: measured 21 of 26 (81 %) with the nowcast chosen by its measured forecast error (the
    # regression anchored to each economy's last value, with mobile-broadband subscriptions as a covariate). The
    # misses: FF2022's nowcasts for Africa and the LDCs in 2022 (revised down by ITU itself in later editions),
    # Asia-Pacific 2023 (before ITU's revision of China's series), low income 2023 (-3.3) and 2025 (+4.0).
    assert within.mean() >= 0.80
    parity = latest[(latest["measure"] == "gender parity score") & (latest["group"] == "World")].set_index("year")
    for year in (2022, 2023, 2024):
        row = parity.loc[year]
        print(
            f"world gender parity {year}: {row['estimate']:.3f} vs ITU {row['published']:.2f}, "
            f"by-sex data observed for {1 - row['imputed_share']:.0%} of the population"
        )
        assert abs(parity.loc[year, "difference"]) <= 0.02


def test_the_bundled_published_table_is_sourced():
    ff = datasets.facts_and_figures()
    assert ff["url"].str.startswith("https://").all() and ff["edition"].between(2021, 2025).all()
    assert set(ff["measure"]) == {"value", "gender parity score"}
    assert ff.query(
        "indicator == 'internet_use' and group == 'World' and year == 2024 and measure == 'value' "
        "and location == 'total' and sex == 'total'"
    ).set_index("edition")["value"].to_dict() == {2024: 68.0, 2025: 71.0}  # FF2025 revised FF2024


def test_published_coverage_figures_beside_the_estimates():
    """ITU's 2024 coverage figures (3G+ of the world, 5G of the world and of high- and low-income countries) beside
    the estimates: all within 3 points, with the imputed population share printed."""
    est = ictindex.estimates(indicators=["coverage_3g", "coverage_5g"], groupings=GROUPINGS, years=[2024, 2025])
    comparison = est.compare()
    with pd.option_context("display.width", 200):
        print("\n" + comparison.drop(columns=["url"]).round(2).to_string())
    latest = _latest(comparison)
    year_2024 = latest[latest["year"] == 2024]
    assert len(year_2024) == 4 and (year_2024["difference"].abs() <= 3.0).all()


@settings(max_examples=60, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 40), st.integers(1, 6), st.integers(1, 5)),
    missing=st.floats(0.0, 1.0),
    q=st.floats(0.0, 100.0),
    seed=st.integers(0, 2**16),
)
def test_interval_percentiles_equal_numpys(shape, missing, q, seed):
    """The interval's percentiles (one sort for both tails) are numpy's nanpercentile, value for value, columns
    of NaN (a group without members in a year) included."""
    from ictindex.estimate_data import _nan_percentiles

    rng = np.random.default_rng(seed)
    draws = rng.normal(size=shape)
    draws[rng.random(shape) < missing] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's warning on an all-NaN column
        expected = np.nanpercentile(draws, q, axis=0)
    np.testing.assert_array_equal(_nan_percentiles(draws, (q,))[0], expected)


def test_two_way_fit_recovers_additive_effects_with_a_covariate():
    """The fit of ``L = a[u] + g[t] + x b`` on complete, noise-free data returns the effects and the coefficient
    (year effects centred), and predicts every cell exactly."""
    rng = np.random.default_rng(3)
    units, years = 12, 8
    a, g = rng.normal(size=units), rng.normal(size=years)
    g -= g.mean()
    x = rng.normal(size=(units, years, 1))
    L = a[:, None] + g[None, :] + 0.7 * x[..., 0]
    fit, record = em._two_way(L, x, np.zeros(units, dtype=int), iterations=5000)
    assert record["covariate_coefficients"][0] == pytest.approx(0.7, abs=1e-6)
    np.testing.assert_allclose(fit.year, g, atol=1e-6)
    np.testing.assert_allclose(fit.economy, a, atol=1e-6)
    assert record["residual_sd"] == pytest.approx(0.0, abs=1e-6)
