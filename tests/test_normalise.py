from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPLICATION

from ictindex import MethodError
from ictindex.framework import Framework, Indicator, Normalisation
from ictindex.normalise import goalpost, minmax, normalise, normalise_indicator, zscore


def _frame(values: dict[tuple[str, int], float], code: str = "x") -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(values), names=["economy", "year"])
    return pd.DataFrame({code: list(values.values())}, index=index)


def _indicator(**norm) -> Indicator:
    direction = norm.pop("direction", "higher")
    return Indicator(
        code="x", name="x", unit="u", direction=direction, bounds=(None, None), normalisation=Normalisation(**norm)
    )


def test_goalpost_is_value_over_reference_and_capped():
    # DOI rule: 60 mobile subscribers per 100 -> 0.6 (itu.int/osg/spuold/statistics/DOI/methodology.html)
    assert goalpost(np.array([60.0]), 0, 100).tolist() == [0.6]
    assert goalpost(np.array([123.0]), 0, 100).tolist() == [1.0]
    assert goalpost(np.array([123.0]), 0, 100, cap=False).tolist() == pytest.approx([1.23])


def test_tariff_rule_one_minus_share_of_income():
    out = goalpost(np.array([0.0, 2.5, 40.0, 100.0, 250.0]), 0, 100, direction="lower")
    assert out.tolist() == pytest.approx([1.0, 0.975, 0.6, 0.0, 0.0])


def test_idi_2010_korea_worked_example():
    """MIS 2011 Annex Box 1.2: every published normalised value to +-0.005."""
    table = pd.read_csv(REPLICATION / "idi_2010_korea_worked_example.csv")
    for row in table.itertuples():
        log = row.formula.startswith("log10")
        score = goalpost(
            np.array([row.value_2010]), 1 if log else 0, row.reference_value, transform="log10" if log else "identity"
        )
        assert score[0] == pytest.approx(row.normalized_published, abs=0.005), row.indicator


def test_minmax_to_target_and_direction():
    assert minmax(np.array([2.0, 4.0, 6.0]), 2.0, 6.0).tolist() == [0.0, 0.5, 1.0]
    assert minmax(np.array([2.0, 4.0, 6.0]), 2.0, 6.0, direction="lower").tolist() == [1.0, 0.5, 0.0]
    assert minmax(np.array([4.0]), 2.0, 6.0, target=(1, 100)).tolist() == [50.5]


def test_zscore_uses_sample_sd():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    sd = np.std(x, ddof=1)
    assert zscore(x, x.mean(), sd).tolist() == pytest.approx(((x - 2.5) / sd).tolist())
    assert zscore(x, x.mean(), sd, direction="lower")[0] == pytest.approx(1.5 / sd)


def test_rank_ties_min_and_percentile_within_each_year():
    values = _frame(
        {("A", 2020): 5.0, ("B", 2020): 5.0, ("C", 2020): 9.0, ("A", 2021): 1.0, ("B", 2021): 2.0, ("C", 2021): np.nan}
    )
    ranks = normalise_indicator(values["x"], _indicator(method="rank"))
    assert ranks.tolist()[:3] == [1.0, 1.0, 3.0]
    assert ranks.tolist()[3:5] == [1.0, 2.0] and np.isnan(ranks.iloc[5])
    pct = normalise_indicator(values["x"], _indicator(method="percentile"))
    assert pct.tolist()[:5] == pytest.approx([1 / 3, 1 / 3, 1.0, 0.5, 1.0])
    low = normalise_indicator(values["x"], _indicator(method="rank", direction="lower"))
    assert low.tolist()[:3] == [2.0, 2.0, 1.0]


def _one_indicator_framework(**norm) -> Framework:
    direction = norm.pop("direction", "higher")
    return Framework(
        code="t",
        name="t",
        index="I",
        nodes=[{"code": "I", "name": "I", "children": [{"code": "x"}]}],
        indicators=[
            {
                "code": "x",
                "name": "x",
                "unit": "u",
                "bounds": [None, None],
                "direction": direction,
                "normalisation": norm,
            }
        ],
    )


def test_fit_on_reference_year_applies_to_all_years():
    values = _frame({("A", 2020): 0.0, ("B", 2020): 10.0, ("A", 2021): 5.0, ("B", 2021): 20.0})
    fw = _one_indicator_framework(method="minmax")
    per_year = normalise(values, fw)["x"].tolist()
    assert per_year == [0.0, 1.0, 0.0, 1.0]
    fixed = normalise(values, fw, reference_year=2020)["x"].tolist()
    assert fixed == [0.0, 1.0, 0.5, 2.0]  # 2021 measured with the 2020 goalposts: comparable over time


def test_frontier_distance_to_best():
    values = _frame({("A", 2020): 50.0, ("B", 2020): 100.0, ("C", 2020): 25.0})
    assert normalise(values, _one_indicator_framework(method="frontier"))["x"].tolist() == [0.5, 1.0, 0.25]
    low = normalise(values, _one_indicator_framework(method="frontier", direction="lower"))
    assert low["x"].tolist() == [0.5, 0.25, 1.0]


def test_zero_variance_minmax_and_zscore_raise_naming_indicator_and_year():
    values = _frame({("A", 2020): 3.0, ("B", 2020): 3.0})
    for method in ("minmax", "zscore"):
        with pytest.raises(MethodError, match="two different values") as info:
            normalise(values, _one_indicator_framework(method=method))
        assert info.value.indicator == "x" and info.value.year == 2020


def test_log_of_zero_raises_naming_economy():
    values = _frame({("A", 2020): 0.0, ("B", 2020): 1000.0})
    fw = _one_indicator_framework(method="goalpost", lower=1, upper=1e6, transform="log10")
    with pytest.raises(MethodError, match="cannot be log-transformed") as info:
        normalise(values, fw)
    assert (info.value.economy, info.value.indicator, info.value.year) == ("A", "x", 2020)


def test_ln1p_of_minus_one_or_below_raises_naming_economy():
    """ln(x + 1) of x <= -1 is not a number: refused, not turned into a missing score."""
    values = _frame({("A", 2020): 5.0, ("B", 2020): -1.0})
    fw = _one_indicator_framework(method="goalpost", lower=0, upper=500, transform="ln1p")
    with pytest.raises(MethodError, match=r"ln\(x \+ 1\) needs x above -1") as info:
        normalise(values, fw)
    assert (info.value.economy, info.value.indicator, info.value.year) == ("B", "x", 2020)
    assert normalise(_frame({("A", 2020): 5.0, ("B", 2020): -0.5}), fw)["x"].notna().all()


def test_reference_year_without_data_raises():
    values = _frame({("A", 2020): 1.0, ("B", 2020): 2.0})
    with pytest.raises(MethodError, match="reference year"):
        normalise(values, _one_indicator_framework(method="zscore"), reference_year=1999)


def test_overflow_is_an_error_not_a_silent_nan():
    """A z-score of values near the floating-point limit overflows (the squared deviations are infinite):
    refused naming the economy, indicator and year, instead of an index built on NaN (issue #11)."""
    values = _frame({("A", 2020): 1e308, ("B", 2020): -1e308, ("C", 2020): 0.0})
    with pytest.raises(MethodError, match="overflows") as info:
        normalise(values, _one_indicator_framework(method="zscore"))
    assert info.value.indicator == "x" and info.value.year == 2020
