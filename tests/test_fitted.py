"""Pass one of a chunked build: parameters learned chunk by chunk are those of the whole panel, and every chunk
compiled with them scores its units as the whole panel in memory does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ictindex import build_index, load_framework
from ictindex.errors import CoverageError, MethodError
from ictindex.fitted import learn
from ictindex.model import compile_model

DOI = load_framework("doi")


def gridded_panel(units: int = 60, years: range = range(2019, 2024), seed: int = 0, missing: float = 0.08):
    """A wide panel of grid cells: every DOI indicator, some values missing, a few skewed columns (so that a
    winsorisation has points to treat) and a region per cell."""
    rng = np.random.default_rng(seed)
    cells = [f"G{u:04d}" for u in range(units)]
    frame = pd.DataFrame({"economy": np.repeat(cells, len(years)), "year": np.tile(list(years), units)})
    for k, code in enumerate(DOI.indicator_codes):
        level = rng.uniform(5, 60, units)[np.repeat(np.arange(units), len(years))]
        value = np.clip(level + rng.normal(0, 6, len(frame)) + 2.0 * (frame["year"] - years[0]), 0.5, 100)
        if k % 4 == 0:  # heavy upper tail
            value = np.where(rng.random(len(frame)) < 0.03, np.minimum(value * 3, 100), value * 0.4)
        value[rng.random(len(frame)) < missing] = np.nan
        frame[code] = value
    regions = pd.DataFrame({"economy": cells, "region": [f"R{u % 4}" for u in range(units)]})
    return frame, regions


def chunks_of(frame: pd.DataFrame, sizes=(7, 20, 33)) -> list[pd.DataFrame]:
    """Chunks of whole units (every year of a cell in one chunk), of uneven sizes."""
    cells = frame["economy"].unique()
    bounds = np.cumsum([0, *sizes])
    return [frame[frame["economy"].isin(cells[a:b])] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


BUILDS = {
    "minmax per year": {"normalisation": "minmax"},
    "zscore on a reference year": {"normalisation": "zscore", "reference_year": 2021},
    "frontier, latest values": {"normalisation": "frontier", "imputation": "latest"},
    "group mean, screened after": {
        "normalisation": {"method": "minmax", "target": [1, 100]},
        "imputation": {"method": "group_mean", "by": "region"},
        "screening": {"min_share": 0.9, "count": "imputed"},
    },
    "group median, screened before": {
        "normalisation": "zscore",
        "imputation": {"method": "group_median", "by": "region"},
        "screening": {"min_share": 0.8, "count": "observed"},
    },
    "winsorised on a reference year": {
        "normalisation": "minmax",
        "treatment": {"method": "winsorise", "winmax": 5},
        "reference_year": 2023,
        "imputation": "interpolate",
    },
    "winsorised per year": {"normalisation": "minmax", "treatment": {"method": "winsorise", "winmax": 3}},
    "goalposts": {},
}


def _frame(model, array, columns):
    return pd.DataFrame(array, index=model.units, columns=columns)


@pytest.mark.parametrize("name", list(BUILDS))
def test_chunks_compiled_with_learned_parameters_score_as_the_whole_panel(name):
    frame, regions = gridded_panel()
    build = {"units": "any", "min_coverage": 0.5, **BUILDS[name]}
    whole = compile_model(frame, DOI, groups=regions, **build)
    fitted = learn(chunks_of(frame), DOI, groups=regions, **build)
    assert fitted.years == whole.years and fitted.units == len(whole.units) or "screening" in build
    for code, params in whole.fitted.params.items():  # the same fitted normalisation, year by year
        for key, value in params.items():
            learned = fitted.normalisation.params[code][key]
            at = [fitted.normalisation.years.index(y) for y in whole.fitted.years]
            np.testing.assert_allclose(learned[at], value, rtol=1e-13, atol=0, equal_nan=True)
    expected = _frame(whole, whole.evaluate()[0], whole.nodes)
    normalised = _frame(whole, whole.normalised, whole.indicators)
    for chunk in chunks_of(frame):
        part = compile_model(chunk, DOI, groups=regions, fitted=fitted, **build)
        got = _frame(part, part.evaluate()[0], part.nodes)
        np.testing.assert_allclose(got, expected.reindex(got.index), rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            _frame(part, part.normalised, part.indicators), normalised.reindex(got.index), rtol=0, atol=1e-12
        )
        if whole.treatments is not None:  # the same values treated, the same way
            mine = part.treatments.set_index(["economy", "year", "indicator"]).sort_index()
            theirs = whole.treatments.set_index(["economy", "year", "indicator"])
            pd.testing.assert_frame_equal(mine, theirs.loc[theirs.index.isin(mine.index)].sort_index())


def test_a_chunk_built_with_learned_parameters_is_an_ordinary_result():
    frame, regions = gridded_panel()
    build = {"units": "any", "normalisation": "minmax", "imputation": {"method": "group_mean", "by": "region"}}
    whole = build_index(frame, DOI, groups=regions, **build)
    fitted = learn(lambda: iter(chunks_of(frame)), DOI, groups=regions, **build)  # a function: read once a sweep
    part = build_index(chunks_of(frame)[1], DOI, groups=regions, fitted=fitted, **build)
    scores = part.scores.set_index(["economy", "year"])
    expected = whole.scores.set_index(["economy", "year"]).reindex(scores.index)
    np.testing.assert_allclose(scores[DOI.index], expected[DOI.index], atol=1e-12)
    log = part.imputations.set_index(["economy", "year", "indicator"])
    theirs = whole.imputations.set_index(["economy", "year", "indicator"])
    pd.testing.assert_frame_equal(log, theirs.loc[log.index])  # group means of the whole panel, counts too


def test_what_needs_every_unit_at_once_is_refused_naming_it():
    frame, _ = gridded_panel(units=12)
    with pytest.raises(MethodError, match="'percentile' normalisation compares every unit") as err:
        learn(chunks_of(frame, (5, 7)), DOI, units="any", normalisation="percentile")
    assert err.value.indicator == DOI.indicator_codes[0]
    with pytest.raises(MethodError, match="'regression' imputation") as err:
        learn(chunks_of(frame, (5, 7)), DOI, units="any", imputation={"method": "regression", "predictors": ["x"]})
    assert err.value.field == "imputation"
    with pytest.raises(CoverageError, match="no data for any indicator"):
        learn(chunks_of(frame, (5, 7)), DOI, units="any", years=1999)
    flat = frame.assign(internet_users=50.0)
    with pytest.raises(MethodError, match="at least two different values") as err:
        learn(chunks_of(flat, (5, 7)), DOI, units="any", normalisation="minmax")
    assert err.value.indicator == "internet_users"
