"""BuildSpec: arguments checked once, with the field named; frozen; replayable."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ictindex import BuildSpec, IctIndexError, SpecError, build_index, compile_model


@pytest.mark.parametrize(
    ("arguments", "field", "match"),
    [
        ({"years": 2020.0}, "years", r"got 2020.0 \(float\).*write years=2020"),
        ({"years": "2020"}, "years", r"got '2020' \(str\).*write years=2020"),
        ({"years": [2020, 2021.5]}, "years", "whole numbers"),
        ({"years": []}, "years", "empty"),
        ({"min_coverage": "0.3"}, "min_coverage", r"a number between 0 and 1, got '0.3' \(str\)"),
        ({"min_coverage": math.nan}, "min_coverage", "between 0 and 1, got nan"),
        ({"min_coverage": 1.5}, "min_coverage", "between 0 and 1, got 1.5"),
        ({"min_coverage": True}, "min_coverage", "number between 0 and 1"),
        ({"reference_year": 2020.5}, "reference_year", "whole numbers"),
        ({"max_gap": 0}, "max_gap", "at least 1"),
        ({"imputation": "nearest"}, "imputation", "unknown imputation method 'nearest'"),
        ({"imputation": 3}, "imputation", "a method name or a mapping"),
        ({"sex": "women"}, "sex", "'total', 'female' or 'male'"),
        ({"parity_band": (1.02, 0.98)}, "parity_band", "low <= 1 <= high"),
        ({"units": "regions"}, "units", "units must be one of"),
    ],
)
def test_wrong_arguments_name_their_field(doi_panel, arguments, field, match):
    with pytest.raises(SpecError, match=match) as info:
        build_index(doi_panel, "doi", **arguments)
    assert info.value.field == field
    assert "What to do" in str(info.value) or info.value.hint is None
    with pytest.raises(SpecError):  # the same check, the same place, for the compiled model
        compile_model(doi_panel, "doi", **arguments)


def test_numpy_integers_and_iterables_are_years(doi_panel):
    assert BuildSpec.create("doi", years=np.int64(2023)).years == (2023,)
    assert BuildSpec.create("doi", years=range(2021, 2024)).years == (2021, 2022, 2023)


def test_spec_is_frozen_kept_and_replayable(doi_panel):
    result = build_index(doi_panel, "doi", min_coverage=0.5, imputation="latest", max_gap=2)
    spec = result.spec
    assert isinstance(spec, BuildSpec) and spec.framework.code == "doi" and spec.years == (2023,)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        spec.min_coverage = 0.1
    again = build_index(doi_panel, spec=spec)
    assert again.scores.equals(result.scores)
    stricter = build_index(doi_panel, spec=spec.replace(min_coverage=1.0))
    assert stricter.spec.min_coverage == 1.0 and stricter.spec.imputation.max_gap == 2
    assert stricter.scores["DOI"].notna().sum() == 3  # the panel is complete: all still scored
    with pytest.raises(SpecError, match="between 0 and 1"):
        spec.replace(min_coverage=2)
    assert issubclass(SpecError, IctIndexError)
