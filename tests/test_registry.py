"""User-registered methods (issue 30, class 6): an aggregation or normalisation whose output has the wrong shape,
is a scalar, NaN, or leaves its range is refused naming the method, where the engine receives it (the first chunk
of an evaluation, not every replication); a built-in name replaced by a user's method is in the provenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ictindex import Framework, build_index, compile_model, load_framework
from ictindex.errors import MethodError
from ictindex.registry import (
    aggregations,
    is_builtin,
    normalisations,
    register_aggregation,
    register_normalisation,
    user_methods,
)

PANEL = pd.DataFrame(
    {
        "economy": ["KOR"] * 3 + ["ARG"] * 3 + ["NER"] * 3,
        "year": 2023,
        "indicator": ["mobile_coverage", "hh_internet", "internet_users"] * 3,
        "value": [100, 99.9, 97.2, 99.0, 80.0, 88.4, 50.0, 10.0, 20.0],
    }
)


def _doi(aggregation: str | None = None, normalisation: str | None = None) -> Framework:
    data = load_framework("doi").model_dump()
    if aggregation:
        data["nodes"][0]["aggregation"] = {"method": aggregation}
    if normalisation:
        for indicator in data["indicators"]:
            indicator["normalisation"] = {"method": normalisation}
    return Framework.model_validate(data)


def _apply(function):
    return lambda x, params, year_code, direction, **options: function(x)


# -- aggregations -----------------------------------------------------------------------------------------
register_aggregation("t30_scalar", replace=True)(lambda x, w, **p: 0.5)
register_aggregation("t30_shape", replace=True)(lambda x, w, **p: x)
register_aggregation("t30_nan", replace=True)(lambda x, w, **p: np.full(x.shape[:-1], np.nan))
register_aggregation("t30_sum", replace=True)(lambda x, w, **p: (x * (w > 0)).sum(axis=-1))
register_aggregation("t30_text", replace=True)(lambda x, w, **p: "mean")
register_aggregation("t30_median", replace=True)(lambda x, w, **p: np.nanmedian(np.where(w > 0, x, np.nan), axis=-1))
register_aggregation("t30_light_nan", replace=True)(  # NaN once the first child's weight drops below 0.3
    lambda x, w, **p: np.where(w[..., 0] < 0.3, np.nan, (x * w).sum(axis=-1))
)


@pytest.mark.parametrize(
    ("method", "words"),
    [
        ("t30_scalar", "returned a single value, not one value per weight set and unit \\(1, 3\\)"),
        ("t30_shape", "returned shape \\(1, 3, 3\\)"),
        ("t30_nan", "returned nan for a unit it scores"),
        ("t30_sum", "returned 1.874, outside the range of its children \\(0.884 to 0.99\\)"),
        ("t30_text", "returned str, not numbers"),
    ],
)
def test_a_users_aggregation_with_a_wrong_output_is_refused_naming_it(method, words):
    """Before: a scalar was broadcast to every economy, NaN became a coverage problem, a sum (not a mean) passed."""
    with pytest.raises(MethodError, match=f"aggregation method '{method}' {words}") as info:
        build_index(PANEL, _doi(aggregation=method), min_coverage=0.3)
    assert info.value.node == "DOI"


def test_a_users_mean_within_its_childrens_range_is_accepted_and_recorded():
    result = build_index(PANEL, _doi(aggregation="t30_median"), min_coverage=0.3)
    subs = result.scores.set_index("economy")[["opportunity", "infrastructure", "utilization"]]
    assert result.scores.set_index("economy")["DOI"].to_dict() == pytest.approx(subs.median(axis=1).to_dict())
    assert result.provenance["user_methods"] == [
        {
            "kind": "aggregation",
            "name": "t30_median",
            "function": f"{__name__}.<lambda>",
            "replaces_builtin": False,
        }
    ]


def test_evaluate_checks_a_users_aggregation_on_the_first_chunk_only():
    """The check runs where the engine first receives the method's output, not in every replication: a method
    that goes wrong only after the first chunk of weight sets is the price of not checking the hot path."""
    model = compile_model(PANEL, "doi", min_coverage=0.3)
    weights = np.tile(model.weights, (4, 1))
    with pytest.raises(MethodError, match="'t30_sum' returned"):
        model.evaluate(weights, aggregation="t30_sum", chunk=2)
    weights[1:, model.edge_index("DOI", "opportunity")] = 0.1  # weight sets 1-3: opportunity below 0.3 of DOI
    scores = model.evaluate(weights, aggregation="t30_light_nan", chunk=1)
    assert np.isfinite(scores[0, :, -1]).all() and np.isnan(scores[1:, :, -1]).all()
    with pytest.raises(MethodError, match="'t30_light_nan' returned nan"):
        model.evaluate(weights, aggregation="t30_light_nan", chunk=4)  # all four in the first chunk


# -- normalisations -------------------------------------------------------------------------------------------
register_normalisation("t30_n_scalar", replace=True)(_apply(lambda x: 0.5))
register_normalisation("t30_n_shape", replace=True)(_apply(lambda x: x[:1]))
register_normalisation("t30_n_nan", replace=True)(_apply(lambda x: x * np.nan))
register_normalisation("t30_n_raw", replace=True)(_apply(lambda x: x))
register_normalisation("t30_n_unbounded", replace=True, bounded=False)(_apply(lambda x: x))
register_normalisation("t30_n_fills", replace=True)(_apply(lambda x: np.nan_to_num(x / 100)))
register_normalisation("t30_n_share", replace=True)(_apply(lambda x: x / 100))
register_normalisation(
    "t30_n_bad_fit", fit=lambda x, codes, n_years, reference, **o: [1, 2], fitted=True, replace=True
)(_apply(lambda x: x / 100))


@pytest.mark.parametrize(
    ("method", "words"),
    [
        ("t30_n_scalar", "returned a single value for 3 values"),
        ("t30_n_shape", "returned shape \\(1,\\) for 3 values"),
        ("t30_n_nan", "returned nan for the value 99"),
        ("t30_n_raw", "returned 99, outside the target range 0-1"),
        ("t30_n_fills", "returned the score 0 for a missing value"),
    ],
)
def test_a_users_normalisation_with_a_wrong_output_is_refused_naming_it(method, words):
    with pytest.raises(MethodError, match=f"normalisation method '{method}' {words}") as info:
        build_index(PANEL, _doi(normalisation=method), min_coverage=0.3)
    assert info.value.indicator is not None


def test_a_users_fit_must_give_a_mapping_and_an_unbounded_method_says_so():
    with pytest.raises(MethodError, match="the fit of normalisation method 't30_n_bad_fit' returned list"):
        build_index(PANEL, _doi(normalisation="t30_n_bad_fit"), min_coverage=0.3)
    raw = build_index(PANEL, _doi(normalisation="t30_n_unbounded"), min_coverage=0.3)
    share = build_index(PANEL, _doi(normalisation="t30_n_share"), min_coverage=0.3)
    assert raw.scores["DOI"].to_numpy() == pytest.approx(100 * share.scores["DOI"].to_numpy())


@pytest.fixture
def goalpost_replaced():
    builtin = normalisations.get("goalpost")
    register_normalisation("goalpost", replace=True)(_apply(lambda x: np.clip(x / 100, 0, 1)))
    yield
    normalisations.add(builtin, replace=True)


def test_replacing_a_builtin_method_is_recorded_in_provenance(goalpost_replaced):
    assert not is_builtin("normalisation", "goalpost")
    result = build_index(PANEL, "doi", min_coverage=0.3)
    (row,) = result.provenance["user_methods"]
    assert row["kind"] == "normalisation" and row["name"] == "goalpost" and row["replaces_builtin"]


def test_the_library_s_own_methods_are_not_listed():
    assert all(is_builtin("aggregation", name) for name in ("arithmetic", "geometric", "harmonic", "power"))
    assert is_builtin("normalisation", "goalpost") and not is_builtin("aggregation", "t30_median")
    assert user_methods(load_framework("doi_current"), "latest", "winsorise") == []
    assert build_index(PANEL, "doi", min_coverage=0.3).provenance["user_methods"] == []
    assert "t30_median" in aggregations
