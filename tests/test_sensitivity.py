"""Sobol' indices: analytic values of the Ishigami function and of linear models, and the index targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ictindex
from ictindex import SpecError, datasets
from ictindex.sensitivity import INDEX_COLUMNS, saltelli_design, sobol, sobol_indices

BUILD = {"years": 2023, "reference_year": 2023}
SPEC = {
    "weights": {"noise": 0.25},
    "aggregation": ["arithmetic", "geometric"],
    "normalisation": [{"method": "minmax", "target": [0.01, 1]}, "percentile"],
    "exclude_indicator": True,
}


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_analytic_indices():
    """Ishigami & Homma (1990); values from Saltelli et al. (2008) Global Sensitivity Analysis, p. 179:
    V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50)."""
    a, b = 7.0, 0.1
    v1, v2 = 0.5 * (1 + b * np.pi**4 / 5) ** 2, a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    table = sobol(ishigami, 3, n=2**14, n_boot=300)
    np.testing.assert_allclose(table["S1"], [v1 / v, v2 / v, 0.0], atol=0.015)
    np.testing.assert_allclose(table["ST"], [(v1 + v13) / v, v2 / v, v13 / v], atol=0.015)
    assert (table["S1_low"] <= table["S1"]).all() and (table["S1"] <= table["S1_high"]).all()
    assert (table["ST_low"] <= table["ST"]).all() and (table["ST"] <= table["ST_high"]).all()
    analytic = np.array([v1 / v, v2 / v, 0.0])
    assert ((table["S1_low"] - 0.01 <= analytic) & (analytic <= table["S1_high"] + 0.01)).all()


@pytest.mark.parametrize("coefficients", [(1.0, 2.0, 3.0), (5.0, 0.0, 1.0)])
def test_linear_model_indices(coefficients):
    """Y = sum a_i X_i with X_i uniform: S_i = S_Ti = a_i^2 / sum a_j^2 (no interactions)."""
    c = np.asarray(coefficients)
    table = sobol(lambda u: u @ c, 3, n=2**13, n_boot=0)
    expected = c**2 / (c**2).sum()
    np.testing.assert_allclose(table["S1"], expected, atol=0.01)
    np.testing.assert_allclose(table["ST"], expected, atol=0.01)


def test_design_and_estimator_agree_with_scipy():
    from scipy.stats import sobol_indices as scipy_sobol

    n = 2**10
    design = saltelli_design(n, [slice(0, 1), slice(1, 2), slice(2, 3)], seed=4)
    y = ishigami(design)
    ours = sobol_indices(y, n, ["x1", "x2", "x3"], n_boot=0)
    A, B = design[:n], design[n : 2 * n]
    AB = np.stack([design[(2 + i) * n : (3 + i) * n] for i in range(3)])

    res = scipy_sobol(
        func={
            "f_A": ishigami(A)[None],
            "f_B": ishigami(B)[None],
            "f_AB": np.stack([ishigami(x) for x in AB])[:, None, :],
        },
        n=n,
    )
    np.testing.assert_allclose(ours["S1"], res.first_order.ravel(), atol=1e-12)
    np.testing.assert_allclose(ours["ST"], res.total_order.ravel(), atol=1e-12)


def test_group_design_swaps_whole_groups():
    design = saltelli_design(8, [slice(0, 2), slice(2, 3)], seed=0)
    A, B, AB1, AB2 = np.split(design, 4)
    assert np.array_equal(AB1[:, :2], B[:, :2]) and np.array_equal(AB1[:, 2], A[:, 2])
    assert np.array_equal(AB2[:, :2], A[:, :2]) and np.array_equal(AB2[:, 2], B[:, 2])


@pytest.fixture(scope="module")
def itu():
    return datasets.load("itu")


def test_sensitivity_of_the_doi(itu):
    result = ictindex.sensitivity(itu, "doi_current", SPEC, n=256, n_boot=200, **BUILD)
    table = result.indices
    assert table.columns.tolist() == INDEX_COLUMNS
    assert table["factor"].tolist() == ["weights", "normalisation", "aggregation", "exclude_indicator"]
    assert len(result.y) == 256 * 6
    # the target is the mean absolute rank shift, recomputed here from the runs
    runs = result.runs
    shift = np.nanmean(np.abs(runs.rank_draws - runs.nominal_ranks), axis=1)
    np.testing.assert_allclose(result.y, shift, rtol=1e-6)
    assert (table["ST"] > 0).all() and (table["ST"] <= 1.2).all()
    assert (table["ST_low"] <= table["ST"]).all() and (table["ST"] <= table["ST_high"]).all()
    again = ictindex.sensitivity(itu, "doi_current", SPEC, n=256, n_boot=200, **BUILD)
    pd.testing.assert_frame_equal(table, again.indices)


def test_score_target_and_user_function_agree(itu):
    by_name = ictindex.sensitivity(itu, "doi_current", SPEC, n=64, n_boot=0, target={"score": "KOR"}, **BUILD)
    by_function = ictindex.sensitivity(
        itu, "doi_current", SPEC, n=64, n_boot=0, target=lambda scores: scores[("KOR", 2023)], **BUILD
    )
    pd.testing.assert_frame_equal(by_name.indices, by_function.indices)
    rank = ictindex.sensitivity(itu, "doi_current", SPEC, n=64, n_boot=0, target={"rank": "KOR", "year": 2023}, **BUILD)
    assert set(np.unique(rank.y)) <= set(range(1, 300))


@pytest.mark.parametrize(("target", "field"), [("best_rank", "target"), ({"score": "XXX"}, "target")])
def test_bad_targets_are_refused(itu, target, field):
    with pytest.raises(SpecError) as err:
        ictindex.sensitivity(itu, "doi_current", SPEC, n=8, target=target, **BUILD)
    assert err.value.field == field


def test_sobol_indices_checks_its_input():
    with pytest.raises(SpecError, match="n \\(g \\+ 2\\)"):
        sobol_indices(np.zeros(10), 4, ["a", "b"])
    y = np.ones(16)
    y[3] = np.nan
    with pytest.raises(SpecError, match="not a finite number in run 3"):
        sobol_indices(y, 4, ["a", "b"])
