"""The tables of a build, unit by unit: evaluated a block of units at a time and built when asked for, they are
the tables of one evaluation of every unit at once; ranks are the minimum ranks of each year."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

import ictindex.model
from ictindex import build_index, datasets
from ictindex.unit_tables import min_ranks


def test_min_ranks_are_scipys_minimum_ranks_of_each_year():
    rng = np.random.default_rng(1)
    year = rng.integers(2020, 2024, 500)
    value = rng.integers(0, 40, 500).astype(float)
    value[rng.random(500) < 0.1] = np.nan
    ranks = min_ranks(year, value)
    for y in np.unique(year):
        at = (year == y) & ~np.isnan(value)
        np.testing.assert_array_equal(ranks[at], rankdata(-value[at], method="min"))
    assert np.isnan(ranks[np.isnan(value)]).all()


@pytest.fixture(scope="module")
def itu():
    return datasets.load("itu")


TABLES = ["scores", "coverage", "floored", "raw", "imputed", "normalised", "sources", "flags", "economy_flags"]


def test_a_build_in_blocks_of_units_gives_the_tables_of_one_block(itu, monkeypatch):
    """Blocks of 7 units (the path of a build of millions), sources derived again and normalised values computed
    when asked for: every table is the one of a build whose units fit in one block."""
    build = {"imputation": "latest", "years": [2021, 2022, 2023]}
    whole = build_index(itu, "doi_current", **build)
    monkeypatch.setattr(ictindex.model, "BLOCK_UNITS", 7)
    blocks = build_index(itu, "doi_current", **build)
    for name in [*TABLES, "breaks"]:
        pd.testing.assert_frame_equal(getattr(blocks, name), getattr(whole, name), obj=name)
    assert len(whole.coverage) and len(whole.flags)  # tables with rows


def test_a_result_pickles_with_its_tables(itu):
    result = build_index(itu, "doi_current", years=2023, imputation="latest")
    again = pickle.loads(pickle.dumps(result))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(result, name), obj=name)
