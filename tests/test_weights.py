"""Weights: nominal/effective, PCA (Handbook/Nicoletti et al.) against a hand computation, benefit of the
doubt (frontier = 1, dominated < 1, a hand-solved LP), all usable as evaluate() weight rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ictindex import compile_model, effective_weights, weights_table
from ictindex.framework import Framework
from ictindex.weight import effective_weights as old_effective_weights
from ictindex.weights import bod_scores, bod_weights, influence, pca_weights, varimax


def _framework(children: list[str]) -> Framework:
    return Framework.from_dict(
        {
            "code": "t",
            "name": "t",
            "index": "I",
            "min_coverage": 0,
            "indicators": [
                {"code": c, "name": c, "unit": "", "normalisation": {"method": "none"}, "bounds": [None, None]}
                for c in children
            ],
            "nodes": [{"code": "I", "name": "I", "children": [{"code": c} for c in children]}],
        }
    )


def _model(values: np.ndarray, children: list[str]):
    panel = pd.DataFrame(values, columns=children)
    panel.insert(0, "year", 2020)
    panel.insert(0, "economy", [f"U{i:02d}" for i in range(len(values))])
    return compile_model(panel, _framework(children), units="any")


def test_nominal_and_effective_weights_keep_their_old_import():
    from ictindex.framework import load_framework

    fw = load_framework("doi")
    assert old_effective_weights is effective_weights
    assert effective_weights(fw)["mobile_coverage"] == pytest.approx(1 / 9)
    assert weights_table(fw).set_index("code").loc["hh_internet", "effective_weight"] == pytest.approx(1 / 15)


def test_pca_one_factor_equals_hand_computation():
    """One component kept: weights are the squared loadings sqrt(l1) v1 scaled to unity."""
    rng = np.random.default_rng(7)
    common = rng.normal(size=60)
    x = np.column_stack([common + rng.normal(scale=s, size=60) for s in (0.3, 0.6, 1.0)])
    model = _model(x, ["a", "b", "c"])
    row, table = pca_weights(model)
    corr = np.corrcoef(x, rowvar=False)
    values, vectors = np.linalg.eigh(corr)
    assert values[-2] < 1  # only the first component has eigenvalue >= 1
    squared = vectors[:, -1] ** 2 * values[-1]
    np.testing.assert_allclose(row, squared / squared.sum(), rtol=1e-10)
    assert row[0] > row[1] > row[2]  # the least noisy indicator weighs most
    assert (table["factor"] == 1).all()


def test_pca_two_blocks_rotate_to_two_factors():
    """Two independent pairs of correlated indicators: two factors, each pair on its own; by symmetry of
    the construction each weight is close to 1/4 and the factor shares close to 1/2."""
    rng = np.random.default_rng(11)
    f, g = rng.normal(size=400), rng.normal(size=400)
    x = np.column_stack(
        [
            f + 0.3 * rng.normal(size=400),
            f + 0.3 * rng.normal(size=400),
            g + 0.3 * rng.normal(size=400),
            g + 0.3 * rng.normal(size=400),
        ]
    )
    row, table = pca_weights(_model(x, ["a", "b", "c", "d"]))
    assert table["factor"].tolist()[0] == table["factor"].tolist()[1] != table["factor"].tolist()[2]
    np.testing.assert_allclose(row, 0.25, atol=0.02)
    assert row.sum() == pytest.approx(1.0)


def _rotation(angle: float) -> np.ndarray:
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def _varimax_criterion(loadings: np.ndarray) -> float:
    """Kaiser's criterion on row-normalised loadings: sum over factors of the variance of squared loadings."""
    normed = loadings / np.sqrt((loadings**2).sum(axis=1, keepdims=True))
    return float(((normed**4).sum(axis=0) - (normed**2).sum(axis=0) ** 2 / len(normed)).sum())


def test_varimax_maximises_the_criterion_over_all_rotations():
    """Two factors: the rotation found equals the best of a fine grid of angles (brute force)."""
    rotated = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.7], [0.2, 0.9]]) @ _rotation(0.5)
    best = max(np.linspace(-np.pi / 2, np.pi / 2, 20001), key=lambda t: _varimax_criterion(rotated @ _rotation(t)))
    np.testing.assert_allclose(varimax(rotated), rotated @ _rotation(best), atol=1e-4)
    found = varimax(rotated)
    np.testing.assert_allclose(found @ found.T, rotated @ rotated.T, atol=1e-12)  # a rotation: communalities kept


def test_bod_hand_solved_lp():
    """A=(1, .5), B=(.5, 1) are on the frontier (score 1); C=(.4, .4) is dominated: w1 + .5 w2 <= 1 and
    .5 w1 + w2 <= 1 bind at w1 = w2 = 2/3, so C scores .8 * 2/3 = 0.5333."""
    scores, weights = bod_scores(np.array([[1.0, 0.5], [0.5, 1.0], [0.4, 0.4]]))
    assert scores[:2] == pytest.approx([1.0, 1.0])
    assert scores[2] == pytest.approx(0.8 * 2 / 3)
    np.testing.assert_allclose(weights[2], [2 / 3, 2 / 3], atol=1e-9)


def test_bod_share_bounds_lower_a_specialist():
    """A unit strong in one indicator only loses when each indicator must make >= 30 % of its score."""
    y = np.array([[1.0, 0.1], [0.5, 0.9], [0.6, 0.6]])
    free, _ = bod_scores(y)
    bounded, w = bod_scores(y, share_bounds=(0.3, 0.7))
    assert free[0] == pytest.approx(1.0) and bounded[0] < 1.0
    shares = w * y / (w * y).sum(axis=1, keepdims=True)
    assert (shares >= 0.3 - 1e-9).all() and (shares <= 0.7 + 1e-9).all()


def test_bod_weights_enter_evaluate():
    x = np.array([[1.0, 0.5], [0.5, 1.0], [0.4, 0.4]])
    model = _model(x, ["a", "b"])
    W, table = bod_weights(model, "I")
    assert W.shape == (3, len(model.edges))
    assert table["bod_score"].tolist() == pytest.approx([1.0, 1.0, 0.8 * 2 / 3])
    evaluated = model.evaluate(weights=W)[:, :, model.nodes.index("I")]
    # row u of W is unit u's weighting; the engine rescales it to sum 1: C gets the mean (0.4)
    assert evaluated[2, 2] == pytest.approx(0.4)
    assert evaluated[0, 0] == pytest.approx((1.0 * W[0, 0] + 0.5 * W[0, 1]) / W[0].sum())


def test_influence_shares_sum_to_one_and_follow_the_data():
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(50, 3))
    x[:, 2] = x[:, 2] * 0.01 + 0.5  # almost constant: little influence on the index
    table = influence(_model(x, ["a", "b", "c"]))
    assert table["influence"].sum() == pytest.approx(1.0)
    assert table.set_index("indicator").loc["c", "influence"] < 0.05
    assert table["nominal_weight"].tolist() == pytest.approx([1 / 3] * 3)
