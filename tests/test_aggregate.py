from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPLICATION, coinr_framework, coinr_panel

from ictindex import MethodError, build_index
from ictindex.aggregate import aggregate, weighted_mean
from ictindex.framework import Framework


def test_weighted_means_by_hand():
    x = np.array([[0.2, 0.8]])
    w = np.array([0.25, 0.75])
    assert weighted_mean(x, w, "arithmetic")[0] == pytest.approx(0.25 * 0.2 + 0.75 * 0.8)
    assert weighted_mean(x, w, "geometric")[0] == pytest.approx(0.2**0.25 * 0.8**0.75)
    assert weighted_mean(x, w, "harmonic")[0] == pytest.approx(1 / (0.25 / 0.2 + 0.75 / 0.8))
    assert weighted_mean(x, w, "power", power=2)[0] == pytest.approx((0.25 * 0.04 + 0.75 * 0.64) ** 0.5)


def test_missing_child_rescales_weights_and_all_missing_is_nan():
    x = np.array([[0.4, np.nan, 0.8], [np.nan, np.nan, np.nan]])
    out = weighted_mean(x, np.array([0.5, 0.25, 0.25]), "arithmetic")
    assert out[0] == pytest.approx((0.5 * 0.4 + 0.25 * 0.8) / 0.75)
    assert np.isnan(out[1])


def test_means_are_ordered_harmonic_geometric_arithmetic():
    rng = np.random.default_rng(1)
    x = rng.uniform(0.05, 1, size=(200, 4))
    w = rng.dirichlet(np.ones(4))
    h, g, a = (weighted_mean(x, w, m) for m in ("harmonic", "geometric", "arithmetic"))
    assert np.all(h <= g + 1e-12) and np.all(g <= a + 1e-12)


def _framework(method: str = "arithmetic", **agg) -> Framework:
    return Framework(
        code="t",
        name="t",
        index="I",
        nodes=[
            {
                "code": "I",
                "name": "I",
                "aggregation": {"method": method, **agg},
                "children": [{"code": "a"}, {"code": "b"}, {"code": "c"}],
            }
        ],
        indicators=[
            {"code": c, "name": c, "unit": "u", "normalisation": {"method": "none"}, "bounds": [None, None]}
            for c in "abc"
        ],
    )


def _normalised(rows: dict[str, list[float]]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples([(e, 2020) for e in rows], names=["economy", "year"])
    return pd.DataFrame(list(rows.values()), index=index, columns=list("abc"))


def test_coverage_rule_two_thirds():
    data = _normalised({"A": [0.3, 0.6, np.nan], "B": [0.3, np.nan, np.nan], "C": [0.1, 0.2, 0.3]})
    scores, coverage, _ = aggregate(data, _framework())
    assert scores.loc[("A", 2020), "I"] == pytest.approx(0.45)
    assert np.isnan(scores.loc[("B", 2020), "I"])
    assert scores.loc[("C", 2020), "I"] == pytest.approx(0.2)
    rows = coverage.set_index("economy")
    assert rows.loc["A", "status"] == "partly scored" and rows.loc["A", "missing"] == "c"
    assert rows.loc["B", "status"] == "not scored"
    assert rows.loc["B", "reason"] == "only 1 of 3 children present; the coverage rule needs 2"
    assert "C" not in rows.index


def test_geometric_mean_refuses_zero_unless_floor():
    data = _normalised({"A": [0.0, 0.5, 0.5], "B": [0.5, 0.5, 0.5]})
    with pytest.raises(MethodError, match="positive values") as info:
        aggregate(data, _framework("geometric"))
    assert (info.value.economy, info.value.node, info.value.year) == ("A", "I", 2020)
    scores, _, floored = aggregate(data, _framework("geometric", zero_floor=0.01))
    assert scores.loc[("A", 2020), "I"] == pytest.approx((0.01 * 0.25) ** (1 / 3))
    assert floored[["economy", "child", "value", "floored_to"]].values.tolist() == [["A", "a", 0.0, 0.01]]


@pytest.mark.parametrize("variant", ["a", "b", "c", "d"])
def test_coinr_asem_parity(variant):
    """COINr 1.1.14's own results on its ASEM example (shared/replication/coinr_asem_sample.csv)."""
    expected = pd.read_csv(REPLICATION / "coinr_asem_sample.csv")
    expected = expected[expected.variant == variant].set_index("uCode")
    fw = Framework.from_dict(coinr_framework(variant))
    result = build_index(coinr_panel(), fw)
    scores = result.scores.set_index("economy")
    for economy, row in expected.iterrows():
        for node in ("Conn", "Sust", "Index"):
            assert scores.loc[economy, node] == pytest.approx(row[node], rel=1e-9, abs=1e-9), (economy, node)
