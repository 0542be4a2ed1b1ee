"""Imputation methods: hand-computed values, the log (method, donors, years) and the property that an
observed value is never overwritten."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex.errors import MethodError
from ictindex.impute import IMPUTATION_METHODS, em_fill, impute, imputed_shares


def _wide(rows: dict[tuple[str, int], list[float]], columns: list[str]) -> pd.DataFrame:
    idx = pd.MultiIndex.from_tuples(list(rows), names=["economy", "year"])
    return pd.DataFrame(list(rows.values()), index=idx, columns=columns, dtype="float64")


GROUPS = pd.DataFrame({"economy": ["A", "B", "C", "D", "E"], "region": ["x", "x", "x", "y", "y"]})


def test_group_mean_and_median_by_column():
    values = _wide(
        {("A", 2020): [1.0], ("B", 2020): [2.0], ("C", 2020): [np.nan], ("D", 2020): [10.0], ("E", 2020): [np.nan]},
        ["v"],
    )
    filled, log = impute(values, "group_mean", by="region", groups=GROUPS)
    assert filled["v"].tolist() == [1.0, 2.0, 1.5, 10.0, 10.0]  # C: mean(1, 2); E: D's value
    assert log[["economy", "value", "method", "from_year", "donors"]].values.tolist() == [
        ["C", 1.5, "group_mean", 2020, "region=x (2 economies)"],
        ["E", 10.0, "group_mean", 2020, "region=y (1 economies)"],
    ]
    values.loc[("B", 2020), "v"] = 7.0
    values.loc[("A", 2020), "v"] = 0.0
    median, _ = impute(values.assign(w=[1.0, 2.0, 3.0, np.nan, 4.0]), "group_median", by="region", groups=GROUPS)
    assert median.loc[("C", 2020), "v"] == 3.5  # median(0, 7)


def test_group_needs_a_known_column_and_leaves_ungrouped_missing():
    values = _wide({("A", 2020): [1.0], ("Z", 2020): [np.nan]}, ["v"])
    filled, log = impute(values, "group_mean", by="region", groups=GROUPS)
    assert np.isnan(filled.loc[("Z", 2020), "v"]) and log.empty  # Z has no group (COINr skips NA groups)
    with pytest.raises(MethodError, match="no group column 'income'"):
        impute(values, "group_mean", by="income", groups=GROUPS)
    with pytest.raises(MethodError, match="needs groups"):
        impute(values, "group_mean", by="region")


def test_interpolate_between_observed_years():
    values = _wide({("A", 2018): [10.0], ("A", 2019): [np.nan], ("A", 2021): [40.0], ("A", 2022): [np.nan]}, ["v"])
    filled, log = impute(values, "interpolate", max_gap=3)
    assert filled.loc[("A", 2019), "v"] == pytest.approx(20.0)  # 10 + (40 - 10) / 3
    assert np.isnan(filled.loc[("A", 2022), "v"])  # no extrapolation
    assert log[["year", "from_year", "donors"]].values.tolist() == [[2019, 2018, "2018-2021"]]
    short, _ = impute(values, "interpolate", max_gap=1)
    assert np.isnan(short.loc[("A", 2019), "v"])  # 2018 and 2021 are 3 years apart


def test_regression_on_related_indicators():
    """y = 1 + 2 x exactly on the complete cases, so the prediction is exact."""
    x = [1.0, 2.0, 3.0, 4.0, 5.0]
    values = _wide(
        {(e, 2020): [xi, 1 + 2 * xi if e != "C" else np.nan] for e, xi in zip("ABCDE", x, strict=True)}, ["x", "y"]
    )
    filled, log = impute(values, "regression", predictors={"y": ["x"]})
    assert filled.loc[("C", 2020), "y"] == pytest.approx(7.0)
    assert log["donors"].tolist() == ["OLS on x (4 economies)"]
    with pytest.raises(MethodError, match="unknown indicator"):
        impute(values, "regression", predictors={"y": ["q"]})


def test_em_equals_regression_for_a_monotone_bivariate_pattern():
    """Little & Rubin (2002, 7.2): with x complete and y missing at random, the ML (EM) conditional mean of
    y given x is the complete-case OLS prediction."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    y = 0.5 + 1.5 * x + rng.normal(scale=0.3, size=40)
    y[[3, 11, 25]] = np.nan
    values = _wide({(f"E{i:02d}", 2020): [x[i], y[i]] for i in range(40)}, ["x", "y"])
    em, log = impute(values, "em", tol=1e-12)
    ols, _ = impute(values, "regression", predictors={"y": ["x"]})
    np.testing.assert_allclose(em["y"].to_numpy(), ols["y"].to_numpy(), rtol=1e-6)
    assert len(log) == 3 and log["donors"].str.startswith("EM over 2 indicators, 40 economies").all()


def test_em_fill_recovers_a_correlated_trivariate_value():
    """Exactly collinear data (z = x + y): EM's conditional mean reproduces the missing z."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=30), rng.normal(size=30)
    data = np.column_stack([x, y, x + y])
    truth = data[4, 2]
    data[4, 2] = np.nan
    done, _ = em_fill(data, tol=1e-12)
    assert done[4, 2] == pytest.approx(truth, abs=1e-4)


def test_imputed_shares_per_indicator_and_economy():
    values = _wide({("A", 2020): [1.0, np.nan], ("B", 2020): [np.nan, np.nan], ("A", 2021): [2.0, 3.0]}, ["v", "w"])
    filled, log = impute(values, "latest", max_gap=1)
    by_ind, by_econ = imputed_shares(filled, log)
    assert by_ind.set_index("indicator").loc["v"].tolist() == [0, 2, 0.0]
    assert log["economy"].tolist() == []  # nothing earlier than 2020 for A's w; B has nothing
    values.loc[("A", 2021), "w"] = np.nan
    values.loc[("A", 2020), "w"] = 5.0
    filled, log = impute(values, "latest", max_gap=1)
    by_ind, by_econ = imputed_shares(filled, log)
    assert by_ind.set_index("indicator").loc["w", "share"] == pytest.approx(1 / 2)
    assert by_econ.set_index("economy").loc["A", "share"] == pytest.approx(1 / 4)


cells = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(st.lists(cells, min_size=3, max_size=3), min_size=6, max_size=6),
    method=st.sampled_from(IMPUTATION_METHODS),
)
def test_observed_values_are_never_overwritten(data, method):
    """Any method, any data: every observed value comes out unchanged; every logged value was missing."""
    rows = {
        (e, y): [np.nan if v is None else v for v in data[i * 2 + j]]
        for i, e in enumerate("ABC")
        for j, y in enumerate([2020, 2021])
    }
    values = _wide(rows, ["a", "b", "c"])
    params = {"by": "region", "groups": GROUPS} if method.startswith("group") else {}
    if method == "regression":
        params = {"predictors": {"a": ["b"], "c": ["a", "b"]}}
    before = values.copy()
    filled, log = impute(values, method, **params)
    pd.testing.assert_frame_equal(values, before)
    observed = values.notna().to_numpy()
    np.testing.assert_array_equal(filled.to_numpy()[observed], values.to_numpy()[observed])
    for row in log.itertuples():
        assert np.isnan(values.loc[(row.economy, row.year), row.indicator])


def test_build_with_user_groups_and_spec_checks(doi_panel):
    from ictindex import build_index
    from ictindex.errors import SpecError

    panel = doi_panel[~((doi_panel["economy"] == "NER") & (doi_panel["indicator"] == "hh_internet"))]
    groups = pd.DataFrame({"economy": ["KOR", "ARG", "NER"], "income": ["high", "upper", "upper"]})
    result = build_index(panel, "doi", imputation={"method": "group_mean", "by": "income"}, groups=groups)
    row = result.imputations.iloc[0]
    assert (row["economy"], row["indicator"], row["value"]) == ("NER", "hh_internet", 80.0)  # ARG's value
    assert row["donors"] == "income=upper (1 economies)"
    by_indicator, by_economy = result.imputation_shares()
    assert by_indicator.set_index("indicator").loc["hh_internet", "share"] == pytest.approx(1 / 3)
    assert by_economy.set_index("economy").loc["NER", "imputed"] == 1
    with pytest.raises(SpecError, match="takes no parameter"):
        build_index(panel, "doi", imputation={"method": "group_mean", "bye": "income"}, groups=groups)
