"""compare(): two rankings side by side, checked against hand computations."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import spearmanr

import ictindex
from ictindex import MethodError, datasets
from ictindex.framework import Framework, load_framework


def _table(scores: dict[str, float], year: int = 2022, column: str = "IDI") -> pd.DataFrame:
    return pd.DataFrame({"economy": list(scores), "year": year, column: list(scores.values())})


def test_scores_ranks_shift_and_summary_by_hand():
    a = _table({"KOR": 90.0, "FRA": 80.0, "PER": 70.0, "CHL": 60.0})
    b = _table({"KOR": 85.0, "FRA": 88.0, "PER": 70.0, "CHL": 50.0})
    c = ictindex.compare(a, b, node="IDI")
    t = c.table.set_index("economy")
    assert t.loc[["KOR", "FRA", "PER", "CHL"], "rank_a"].tolist() == [1, 2, 3, 4]
    assert t.loc[["KOR", "FRA", "PER", "CHL"], "rank_b"].tolist() == [2, 1, 3, 4]
    assert t.loc[["KOR", "FRA", "PER", "CHL"], "rank_shift"].tolist() == [-1, 1, 0, 0]
    assert t.loc[["KOR", "FRA", "PER", "CHL"], "difference"].tolist() == [-5.0, 8.0, 0.0, -10.0]
    s = c.summary.iloc[0]
    # ranks (1,2,3,4) vs (2,1,3,4): d^2 = 1 + 1 -> rho = 1 - 6*2 / (4*15) = 0.8
    assert s["spearman"] == pytest.approx(0.8)
    assert s["mean_abs_difference"] == pytest.approx((5 + 8 + 0 + 10) / 4)
    assert s["max_abs_difference"] == 10.0 and s["mean_abs_rank_shift"] == pytest.approx(0.5)
    assert c.largest(1)["economy"].tolist() == ["CHL"]


def test_no_economy_dropped_and_ranks_among_those_compared():
    a = _table({"KOR": 90.0, "FRA": 80.0, "PER": 70.0})
    b = _table({"KOR": 85.0, "PER": 88.0, "USA": 99.0})
    c = ictindex.compare(a, b, node="IDI")
    t = c.table.set_index("economy")
    assert t["in"].to_dict() == {"FRA": "a only", "KOR": "both", "PER": "both", "USA": "b only"}
    assert t.loc["PER", "rank_b"] == 1 and t.loc["KOR", "rank_b"] == 2  # USA is not in a: not ranked
    assert pd.isna(t.loc["USA", "rank_b"]) and pd.isna(t.loc["FRA", "difference"])
    s = c.summary.iloc[0]
    assert (s["compared"], s["only_a"], s["only_b"]) == (2, 1, 1)


def test_two_years_of_one_table_and_inputs_unchanged():
    a = pd.concat(
        [_table({"KOR": 90.0, "FRA": 80.0, "PER": 70.0}, 2022), _table({"KOR": 91.0, "FRA": 70.0, "PER": 75.0}, 2023)]
    )
    before = a.copy()
    c = ictindex.compare(a, a, node="IDI", years=(2022, 2023))
    t = c.table.set_index("economy")
    assert t["difference"].to_dict() == pytest.approx({"FRA": -10.0, "KOR": 1.0, "PER": 5.0})
    assert t.loc["PER", "rank_shift"] == 1 and (t["year_a"] == 2022).all() and (t["year_b"] == 2023).all()
    pd.testing.assert_frame_equal(a, before)


def test_result_against_itself_is_identical():
    result = ictindex.build_index(datasets.load("idi2024"), "idi2024")
    s = ictindex.compare(result, result).summary.iloc[0]
    assert (s["compared"], s["spearman"], s["mean_abs_difference"], s["mean_abs_rank_shift"]) == (170, 1.0, 0.0, 0.0)


def test_table2_fixed_basket_threshold_against_box_a1_1():
    """Two frameworks: Table 2's 37.4 fixed-broadband threshold vs the 33.30 that reproduces Annex 2."""
    fw = load_framework("idi2024").to_dict()
    basket = next(i for i in fw["indicators"] if i["code"] == "fbb_basket")
    basket["normalisation"] = {"method": "goalpost", "threshold": 37.4, "goalpost": 1}
    variant = Framework.from_dict({**fw, "code": "idi2024_table2"})
    panel = datasets.load("idi2024")
    base, alt = ictindex.build_index(panel, "idi2024"), ictindex.build_index(panel, variant)
    node = ictindex.compare(base, alt, node="meaningful")
    assert node.labels == ("idi2024", "idi2024_table2")
    diff = node.table["difference"]
    assert (diff >= -1e-12).all() and diff.max() > 1.0  # a higher threshold can only raise the score
    expected = spearmanr(node.table["score_a"], node.table["score_b"]).statistic
    assert node.summary.iloc[0]["spearman"] == pytest.approx(expected)


def test_errors_name_the_problem():
    a = _table({"KOR": 90.0, "FRA": 80.0})
    with pytest.raises(MethodError, match="name the column"):
        ictindex.compare(a, a)
    with pytest.raises(MethodError, match=r"has no column \['DOI'\]"):
        ictindex.compare(a, a, node="DOI")
    twice = pd.concat([a, a])
    with pytest.raises(MethodError, match="two scores") as err:
        ictindex.compare(twice, a, node="IDI")
    assert err.value.economy == "KOR"
    with pytest.raises(MethodError, match="no 'IDI' scores in 2019"):
        ictindex.compare(a, a, node="IDI", years=(2019, 2022))


def test_own_ranks_are_each_sides_published_ranks():
    a = _table({"KOR": 90.0, "FRA": 80.0, "PER": 70.0})
    b = _table({"KOR": 85.0, "PER": 88.0, "USA": 99.0})
    t = ictindex.compare(a, b, node="IDI", ranks="own").table.set_index("economy")
    assert t.loc[["KOR", "FRA", "PER"], "rank_a"].tolist() == [1, 2, 3] and pd.isna(t.loc["USA", "rank_a"])
    assert t.loc[["USA", "PER", "KOR"], "rank_b"].tolist() == [1, 2, 3] and pd.isna(t.loc["FRA", "rank_b"])
    assert t.loc["PER", "rank_shift"] == 1  # 3rd in a, 2nd in b
    with pytest.raises(MethodError, match="unknown ranks"):
        ictindex.compare(a, b, node="IDI", ranks="dense")


# -- coherence (issue 14): correlations, collinearity, Cronbach's alpha, PCA per node ---------------------
def _coherence_result():
    """Two nodes: P = mean(a, b) with b = a (collinear), Q = mean(c, d) with d = -c + noise (negative)."""
    import numpy as np

    rng = np.random.default_rng(5)
    a = rng.uniform(size=30)
    c = rng.uniform(size=30)
    values = {"a": a, "b": a, "c": c, "d": 1 - c + 0.05 * rng.uniform(size=30)}
    panel = pd.DataFrame(values)
    panel.insert(0, "year", 2020)
    panel.insert(0, "economy", [f"U{i:02d}" for i in range(30)])
    fw = Framework.from_dict(
        {
            "code": "coh",
            "name": "coh",
            "index": "I",
            "min_coverage": 0,
            "indicators": [
                {"code": k, "name": k, "unit": "", "normalisation": {"method": "none"}, "bounds": [None, None]}
                for k in values
            ],
            "nodes": [
                {"code": "P", "name": "P", "children": [{"code": "a"}, {"code": "b"}]},
                {"code": "Q", "name": "Q", "children": [{"code": "c"}, {"code": "d"}]},
                {"code": "I", "name": "I", "children": [{"code": "P"}, {"code": "Q"}]},
            ],
        }
    )
    return ictindex.build_index(panel, fw, units="any"), values


def test_correlations_and_flags_against_hand_values():
    import numpy as np
    from scipy.stats import pearsonr

    from ictindex.analysis import collinearity, correlations

    result, values = _coherence_result()
    table = correlations(result).set_index("code")
    assert table.loc["a", "r_parent"] == pytest.approx(1.0)  # P = a exactly
    q = (values["c"] + values["d"]) / 2
    r, p = pearsonr(values["c"], q)
    assert table.loc["c", "r_parent"] == pytest.approx(r) and table.loc["c", "p_parent"] == pytest.approx(p)
    assert bool(table.loc["c", "weak"]) == (r < 0.3)
    pairs = collinearity(result).set_index(["a", "b"])
    assert pairs.loc[("a", "b"), "collinear"] and pairs.loc[("c", "d"), "negative"]
    assert pairs.loc[("c", "d"), "r"] == pytest.approx(np.corrcoef(values["c"], values["d"])[0, 1])
    spearman = correlations(result, method="spearman").set_index("code")
    assert spearman.loc["b", "r_parent"] == pytest.approx(1.0)
    with pytest.raises(MethodError, match="unknown correlation method"):
        correlations(result, method="kendall")


def test_cronbach_alpha_by_hand():
    """alpha = k/(k-1) (1 - sum var_i / var(sum)): identical items give 1; for c, d the formula by hand."""
    from ictindex.analysis import cronbach_alpha

    result, values = _coherence_result()
    alpha = cronbach_alpha(result).set_index("node")["alpha"]
    assert alpha["P"] == pytest.approx(1.0)
    c, d = pd.Series(values["c"]), pd.Series(values["d"])
    expected = 2 * (1 - (c.var() + d.var()) / (c + d).var())
    assert alpha["Q"] == pytest.approx(expected) and alpha["Q"] < 0


def test_node_pca_first_component():
    """Two perfectly correlated children: the first component explains everything, loadings 1."""
    from ictindex.analysis import node_pca

    result, _ = _coherence_result()
    pca = node_pca(result)
    p = pca[pca["node"] == "P"]
    assert p["variance_first"].tolist() == pytest.approx([1.0, 1.0])
    assert p["loading"].tolist() == pytest.approx([1.0, 1.0])


def test_correlation_heatmap_draws_the_matrix(tmp_path):
    from ictindex.analysis import correlation_matrix
    from ictindex.report.analysis_charts import correlation_heatmap

    result, _ = _coherence_result()
    matrix = correlation_matrix(result, node="Q")
    assert list(matrix.columns) == ["c", "d", "Q"]
    fig = correlation_heatmap(result, node="Q")
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    assert shown.shape == (3, 3) and shown[0, 1] == pytest.approx(matrix.iat[0, 1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["c", "d", "Q"]
    assert f"{matrix.iat[0, 1]:.2f}" in [t.get_text() for t in ax.texts]
    full = correlation_heatmap(result)
    assert full.axes[0].images[0].get_array().shape == (5, 5)
    fig.savefig(tmp_path / "heatmap.png")


# -- editions: coverage on each side, several results at once (issue 22) ----------------------------------------
def _edition(values: dict[str, dict[str, float]], year: int = 2023):
    rows = [
        {"economy": e, "year": year, "indicator": code, "value": v}
        for e, codes in values.items()
        for code, v in codes.items()
    ]
    return ictindex.build_index(pd.DataFrame(rows), "doi", units="any", min_coverage=0.3)


def test_compare_flags_units_whose_indicators_changed_between_editions():
    full = {"mobile_coverage": 90.0, "hh_internet": 60.0, "internet_users": 70.0, "hh_computer": 50.0}
    first = _edition({"P1": full, "P2": full, "P3": {k: v / 2 for k, v in full.items()}})
    second = _edition(
        {"P1": full, "P2": {"mobile_coverage": 90.0, "hh_internet": 60.0, "internet_users": 70.0}, "P3": full}
    )
    c = ictindex.compare(first, second)
    t = c.table.set_index("economy")
    assert t.loc["P2", ["indicators_a", "indicators_b"]].tolist() == [4, 3]
    assert t.loc["P2", "only_in_a"] == "hh_computer" and t.loc["P2", "only_in_b"] == ""
    assert bool(t.loc["P2", "coverage_change"]) and not bool(t.loc["P1", "coverage_change"])
    assert c.summary.iloc[0]["coverage_changes"] == 1
    published = _table({"P1": 0.9, "P2": 0.5}, year=2023, column="DOI")  # a published table: no coverage to compare
    against = ictindex.compare(first, published).table.set_index("economy")
    assert pd.isna(against.loc["P1", "coverage_change"]) and pd.isna(against.loc["P1", "indicators_b"])


def test_compare_several_results_side_by_side():
    a = _table({"KOR": 90.0, "FRA": 80.0, "PER": 70.0})
    b = _table({"KOR": 85.0, "FRA": 88.0, "PER": 70.0})
    c = _table({"KOR": 60.0, "FRA": 70.0, "PER": 80.0})
    many = ictindex.compare({"2022 edition": a, "revised": b, "variant": c}, node="IDI")
    ranks = many.ranks.set_index("economy")
    assert many.labels == ("2022 edition", "revised", "variant")
    assert ranks.loc["PER"].tolist()[1:] == [3, 3, 1]  # year, then each side's own rank
    spread = many.spread.set_index("economy")
    assert spread.loc["PER", ["best_rank", "worst_rank", "rank_range"]].tolist() == [1, 3, 2]
    summary = many.summary.set_index("label")
    # revised vs reference: ranks (1,2,3) vs (2,1,3) -> rho 0.5, mean |shift| 2/3; variant reverses the order
    assert summary.loc["revised", "spearman"] == pytest.approx(0.5)
    assert summary.loc["revised", "mean_abs_rank_shift"] == pytest.approx(2 / 3)
    assert summary.loc["variant", "spearman"] == pytest.approx(-1.0)
    assert ictindex.compare([a, b], node="IDI").labels == ("table 1", "table 2")
    with pytest.raises(MethodError, match="at least two"):
        ictindex.compare([a], node="IDI")
