"""Outlier treatment: the JRC/COINr skewness-kurtosis rule, winsorisation, log, fit/apply over years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ictindex.errors import MethodError
from ictindex.registry import treatments
from ictindex.treat import fit_treatment, kurtosis, passes_rule, skewness, treat, winsorise_apply, winsorise_fit


def _coinr_skew(x: np.ndarray) -> float:
    """COINr's skew() (e1071 type 2), written out."""
    n = x.size
    d = x - x.mean()
    return np.sqrt(n) * np.sum(d**3) / np.sum(d**2) ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)


def _coinr_kurt(x: np.ndarray) -> float:
    n = x.size
    d = x - x.mean()
    r = n * np.sum(d**4) / np.sum(d**2) ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def _frame(values: dict[str, list[float]], years: list[int] | None = None) -> pd.DataFrame:
    n = len(next(iter(values.values())))
    years = years or [2020] * n
    idx = pd.MultiIndex.from_arrays([[f"E{i % 100:02d}" for i in range(n)], years], names=["economy", "year"])
    return pd.DataFrame(values, index=idx)


def test_estimators_are_coinr_bias_corrected():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    assert skewness(x) == pytest.approx(_coinr_skew(x), rel=1e-12)
    assert kurtosis(x) == pytest.approx(_coinr_kurt(x), rel=1e-12)
    assert skewness(np.append(x, np.nan)) == pytest.approx(_coinr_skew(x), rel=1e-12)  # NaN left out
    assert np.isnan(kurtosis(np.array([1.0, 2.0, 3.0])))  # fewer than 4 values
    assert passes_rule(np.array([1.0, 2.0, 3.0]))


def test_winsorising_fixes_one_outlier():
    """[1..9, 100]: skewness 3.12, kurtosis 9.80 fail; 100 -> 9 (the next highest) passes."""
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    assert not passes_rule(x)
    rule = winsorise_fit(x, winmax=5)
    assert rule["status"] == "winsorised" and rule["points"] == 1 and rule["high"] == 9.0 and np.isnan(rule["low"])
    treated = winsorise_apply(x, rule)
    assert treated.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 9]
    assert rule["passes"] and rule["skewness_after"] == pytest.approx(_coinr_skew(treated))


def test_negative_skew_winsorises_the_lowest():
    x = -np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    rule = winsorise_fit(x)
    assert rule["low"] == -9.0 and np.isnan(rule["high"]) and rule["points"] == 1


def test_tied_extremes_count_together_and_may_exceed_winmax():
    """COINr sets all points tied at the maximum at once and counts each (nwin = 2 > winmax = 1)."""
    x = np.array([1.0] * 5 + [2.0] * 5 + [3.0] * 5 + [50.0, 50.0] + [4.0] * 5)
    rule = winsorise_fit(x, winmax=1, log=False)
    assert rule["points"] == 2 and rule["high"] == 4.0


def test_log_when_winsorising_cannot_fix():
    """Log-normal quantiles: one winsorised point is not enough, so the original values are logged
    (COINr log_CT: ln(x - min + 0.01 (max - min))) and then pass."""
    x = np.exp(1.5 * stats.norm.ppf(np.linspace(0.02, 0.98, 40)))
    assert not passes_rule(x)
    rule = winsorise_fit(x, winmax=1)
    assert rule["status"] == "log" and rule["passes"]
    expected = np.log(x - x.min() + 0.01 * (x.max() - x.min()))
    np.testing.assert_allclose(winsorise_apply(x, rule), expected, rtol=1e-13)
    assert not passes_rule(winsorise_apply(x, winsorise_fit(x, winmax=1, log=False)))  # winsorising alone fails


def test_log_method_and_none():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    rule = treatments.get("log").fit(x)
    assert rule["log"] == (1.0, 100.0)
    assert treatments.get("none").apply(x, treatments.get("none").fit(x)).tolist() == x.tolist()


def test_treat_logs_every_value_and_fits_on_the_reference_year():
    ref = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100]
    later = [1.0, 2, 3, 4, 5, 6, 7, 8, 50, 60]
    data = _frame({"x": ref + later, "y": list(range(20))}, years=[2020] * 10 + [2021] * 10)
    before = data.copy()
    treated, log = treat(data, {"method": "winsorise", "winmax": 5}, reference_year=2020)
    pd.testing.assert_frame_equal(data, before)  # input not changed
    assert treated.loc[(slice(None), 2021), "x"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 9]  # 2020's cap
    assert len(log) == 3 and set(log["treatment"]) == {"winsorised high"}
    assert log.sort_values("before")["before"].tolist() == [50, 60, 100]
    assert treated["y"].tolist() == list(range(20))
    summary = log.attrs["summary"]
    assert summary.set_index("indicator").loc["x", "points"] == 1 and (summary["fit_year"] == 2020).all()


def test_per_indicator_choice_and_errors():
    data = _frame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100], "z": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100]})
    treated, log = treat(data, "winsorise", indicators={"z": "none"})
    assert treated["z"].max() == 100 and treated["x"].max() == 9
    with pytest.raises(MethodError, match="not in the data"):
        treat(data, indicators={"q": "none"})
    with pytest.raises(MethodError, match="unknown treatment method"):
        treat(data, "clip")
    with pytest.raises(MethodError, match="winmax"):
        treat(data, winmax=-1)
    rules, _ = fit_treatment(data, "winsorise")
    assert set(rules) == {("x", 2020), ("z", 2020)}


def test_treatment_in_a_build_fits_the_reference_year_and_refuses_log_with_goalposts(doi_panel):
    from ictindex import build_index
    from ictindex.errors import SpecError
    from ictindex.framework import Framework

    rows = []
    for year, outlier in ((2020, 100.0), (2021, 60.0)):
        for i, v in enumerate([1.0, 2, 3, 4, 5, 6, 7, 8, 9, outlier]):
            rows += [
                {"economy": f"U{i}", "year": year, "indicator": "x", "value": v},
                {"economy": f"U{i}", "year": year, "indicator": "y", "value": float(i)},
            ]
    panel = pd.DataFrame(rows)
    fw = Framework.from_dict(
        {
            "code": "t",
            "name": "t",
            "index": "I",
            "min_coverage": 0,
            "indicators": [{"code": c, "name": c, "unit": "", "normalisation": {"method": "minmax"}} for c in "xy"],
            "nodes": [{"code": "I", "name": "I", "children": [{"code": "x"}, {"code": "y"}]}],
        }
    )
    result = build_index(panel, fw, units="any", treatment={"method": "winsorise", "winmax": 5}, reference_year=2020)
    assert result.treatments[["year", "before", "value"]].values.tolist() == [[2020, 100.0, 9.0], [2021, 60.0, 9.0]]
    assert result.imputed.query("economy == 'U9'")["x"].tolist() == [9.0, 9.0]
    assert result.spec.treatment.model_dump()["winmax"] == 5
    again = build_index(panel, spec=result.spec)
    pd.testing.assert_frame_equal(again.scores, result.scores)
    with pytest.raises(SpecError, match="may log-transform 'mobile_coverage'"):
        build_index(doi_panel, "doi", treatment="winsorise")
    with pytest.raises(SpecError, match="takes no parameter"):
        build_index(panel, fw, units="any", treatment={"method": "winsorise", "winmx": 5})
    plain = build_index(doi_panel, "doi", treatment={"method": "winsorise", "log": False}, min_coverage=0.3)
    assert plain.treatments.empty  # three economies: too few values to judge skewness (nothing treated)


def test_skewness_and_kurtosis_are_scipys_bias_corrected_estimators():
    """The treatment rule's moments, computed without scipy's per-call checks, are scipy's (the treatment loop
    recomputes them after every winsorised point)."""
    rng = np.random.default_rng(0)
    for _ in range(500):
        n = int(rng.integers(4, 80))
        x = rng.lognormal(size=n) * 10.0 ** int(rng.integers(-3, 6))
        x[rng.random(n) < 0.1] = np.nan
        y = x[~np.isnan(x)]
        if y.size < 4:
            continue
        assert skewness(x) == pytest.approx(float(stats.skew(y, bias=False)), rel=1e-12)
        assert kurtosis(x) == pytest.approx(float(stats.kurtosis(y, bias=False)), rel=1e-12)
    assert np.isnan(skewness(np.array([1.0, 2.0]))) and np.isnan(kurtosis(np.array([3.0, 3.0, 3.0, 3.0])))
