"""Replications chunk by chunk: a chunk of the design is the same points whoever draws it, the counted quantiles
are NumPy's quantiles of the draws, and summaries merge by addition."""

from __future__ import annotations

import numpy as np
import pytest

from ictindex import SpecError
from ictindex.replicate import Design, RankSummary, quantile_of_counts, run_chunks


@pytest.mark.parametrize("sampler", ["sobol", "random", "lhs"])
def test_any_chunk_of_the_design_is_the_same_points(sampler):
    design = Design.create(1000, 5, seed=11, sampler=sampler)
    whole = design.chunk(0, 1000)
    assert whole.shape == (1000, 5) and ((whole >= 0) & (whole < 1)).all()
    for start, stop in [(0, 1), (3, 4), (123, 700), (999, 1000)]:
        np.testing.assert_array_equal(design.chunk(start, stop), whole[start:stop])
    pieces = [points for _, _, points in design.chunks(300, 1000, 64)]
    np.testing.assert_array_equal(np.concatenate(pieces), whole[300:])
    assert [len(p) for p in pieces][-2:] == [64, 700 % 64]


def test_the_random_design_is_numpys_default_generator():
    """The ``random`` sampler was ``default_rng(seed).random((n, d))``: moved to any chunk, it still is."""
    design = Design.create(50, 3, seed=4, sampler="random")
    np.testing.assert_array_equal(design.chunk(17, 50), np.random.default_rng(4).random((50, 3))[17:])


def test_an_unknown_sampler_is_refused():
    with pytest.raises(SpecError, match="unknown sampler") as err:
        Design.create(10, 2, sampler="halton")
    assert err.value.field == "sampler"


@pytest.mark.parametrize("q", [0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0])
def test_quantiles_of_counts_are_numpys_quantiles_of_the_draws(q):
    rng = np.random.default_rng(int(q * 100))
    for _ in range(20):
        n, units = int(rng.integers(1, 400)), 7
        draws = rng.integers(1, 12, size=(n, units)).astype("float64")
        draws[rng.random(draws.shape) < 0.3] = np.nan
        draws[:, 0] = np.nan  # a unit never drawn
        counts = np.stack([np.bincount(col[~np.isnan(col)].astype(int), minlength=12) for col in draws.T])
        with pytest.warns(RuntimeWarning):  # the all-NaN column
            expected = np.nanquantile(draws, q, axis=0)
        np.testing.assert_array_equal(quantile_of_counts(counts, q), expected)  # to the last bit


def _draws(rng, n, units=6, years=(0, 0, 0, 1, 1, 1)):
    scores = rng.random((n, units))
    scores[rng.random(scores.shape) < 0.1] = np.nan
    ranks = np.full(scores.shape, np.nan)
    for year in set(years):
        cols = np.flatnonzero(np.asarray(years) == year)
        block = np.where(np.isnan(scores[:, cols]), -np.inf, scores[:, cols])
        ranks[:, cols] = np.argsort(np.argsort(-block, axis=1), axis=1) + 1.0
    ranks[np.isnan(scores)] = np.nan
    return scores, ranks, np.asarray(years)


def test_a_summary_streamed_in_chunks_equals_one_of_all_draws():
    rng = np.random.default_rng(3)
    scores, ranks, years = _draws(rng, 1000)
    whole = RankSummary.empty(years, np.zeros(6), np.ones(6), bins=64)
    whole.add(scores, ranks)
    parts = [RankSummary.empty(years, np.zeros(6), np.ones(6), bins=64) for _ in range(3)]
    for part, rows in zip(parts, np.array_split(np.arange(1000), 3), strict=True):
        part.add(scores[rows], ranks[rows])
    merged = parts[2].merge(parts[0]).merge(parts[1])  # any order
    np.testing.assert_array_equal(merged.rank_counts, whole.rank_counts)
    np.testing.assert_array_equal(merged.score_counts, whole.score_counts)
    assert merged.n == 1000 and merged.rank_counts[:, 0].sum() == 0 and merged.rank_counts.shape[1] == 4
    np.testing.assert_array_equal(
        merged.rank_quantiles([0.05, 0.5, 0.95]), np.nanquantile(ranks, [0.05, 0.5, 0.95], axis=0)
    )
    np.testing.assert_array_equal(merged.top_share(2), (ranks <= 2).mean(axis=0))
    np.testing.assert_array_equal(merged.scored, (~np.isnan(scores)).sum(axis=0))


def test_score_quantiles_are_within_the_stated_error():
    rng = np.random.default_rng(5)
    scores, ranks, years = _draws(rng, 3000)
    scores[:5, 1] = [-0.5, 1.7, 2.0, -1.0, 0.3]  # outside the bins' range: counted in the end bins, bound widened
    summary = RankSummary.empty(years, np.zeros(6), np.ones(6), bins=100)
    summary.add(scores, ranks)
    error = summary.score_error()
    assert error[0] == pytest.approx(0.005) and error[1] > 1.0
    for q in (0.0, 0.05, 0.5, 0.95, 1.0):
        got = summary.score_quantiles([q])[0]
        assert (np.abs(got - np.nanquantile(scores, q, axis=0)) <= error + 1e-15).all()


def test_chunks_are_combined_in_order_in_this_process():
    seen = []
    run_chunks(lambda a, b: (a, b), [(0, 3), (3, 5), (5, 9)], seen.append)
    assert seen == [(0, 3), (3, 5), (5, 9)]
