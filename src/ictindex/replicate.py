"""Replications chunk by chunk: the sample of any chunk, summaries streamed over chunks, chunks in parallel.

An uncertainty analysis of ``n`` replications need not hold ``n`` replications' scores: what it reports per
unit (median rank, 5-95 % rank interval, share of replications in the top ``k``, score interval) follows from
per-unit histograms, accumulated chunk by chunk and merged by addition:

* **ranks** are whole numbers from 1 to the units of a year, so one count per unit and rank holds every draw:
  the quantiles and top-``k`` shares taken from those counts are *exactly* those of the draws (NumPy's
  ``quantile``, method ``linear``, applied to the order statistics the counts give);
* **scores** are counted in fixed bins over a range known before replication 1 (a mean lies between the least
  and the greatest of the values it averages, so a unit's index score lies within the range of its normalised
  values over every compiled alternative); a quantile is then known to within a stated bound
  (:meth:`RankSummary.score_error`: half a bin, widened where a value fell outside the range).

The sample of a chunk depends only on its position in the design (Sobol' points fast-forwarded to the chunk,
or the random stream advanced to it), never on how the chunks are shared out, so ``n_jobs=2`` gives exactly
what ``n_jobs=1`` gives: the counts are whole numbers and their sum does not depend on the order of addition.

>>> design = Design.create(8, 3, seed=1)
>>> bool((design.chunk(0, 8)[5:] == design.chunk(5, 8)).all())   # a chunk is the same points
True
>>> summary = RankSummary.empty(np.zeros(3, dtype=int), np.zeros(3), np.ones(3), bins=4)
>>> summary.add(np.array([[0.9, 0.5, 0.1], [0.2, 0.6, 0.7]]), np.array([[1, 2, 3], [3, 2, 1]]))
>>> summary.rank_quantiles([0.5]).tolist()
[[2.0, 2.0, 2.0]]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import qmc

__all__ = ["Design", "RankSummary", "SAMPLERS", "quantile_of_counts", "run_chunks"]

SAMPLERS = ("sobol", "lhs", "random")
#: Elements of a chunk's ``(replications, units)`` arrays (32 MiB of float64 scores).
CHUNK_ELEMENTS = 2**22
#: Fewest replications in a chunk (small models: the per-call costs of numpy are spread over many).
MIN_CHUNK = 4096
#: Counts of the score histograms (all units together): their bins are as fine as this allows, up to ``MAX_BINS``.
BIN_ELEMENTS = 2**22
MAX_BINS = 2**14


# -- the sample, chunk by chunk ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Design:
    """``n`` points of ``[0, 1)^d`` drawn by ``sampler`` with ``seed``, any chunk of which can be drawn on its own.

    ``sobol``: scrambled Sobol' points (Owen scrambling), a chunk fast-forwarded to its start; ``random``:
    NumPy's PCG64 stream of ``default_rng(seed)``, advanced to the chunk's first number; ``lhs``: a Latin
    hypercube, which stratifies all ``n`` points at once and so is drawn whole (``n x d`` numbers in memory);
    ``points``: a sample given as an array.
    """

    n: int
    d: int
    seed: int = 0
    sampler: str = "sobol"
    points: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def create(cls, n: int, d: int, seed: int = 0, sampler: str = "sobol") -> Design:
        if sampler not in SAMPLERS:
            from ictindex.errors import SpecError

            raise SpecError(f"unknown sampler {sampler!r}", field="sampler", hint=f"use one of {SAMPLERS}")
        points = qmc.LatinHypercube(d, rng=seed).random(n) if sampler == "lhs" else None
        return cls(int(n), int(d), seed, sampler, points)

    @classmethod
    def given(cls, sample: np.ndarray, seed: int = 0, sampler: str = "sobol") -> Design:
        """A design of the rows of ``sample`` (e.g. the Saltelli design of a sensitivity analysis)."""
        sample = np.asarray(sample, dtype="float64")
        return cls(sample.shape[0], sample.shape[1], seed, sampler, sample)

    def chunk(self, start: int, stop: int) -> np.ndarray:
        """Points ``start`` to ``stop - 1`` of the design."""
        return next(self.chunks(start, stop, max(1, stop - start)))[2]

    def chunks(self, start: int, stop: int, size: int) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(first, last + 1, points)`` of consecutive chunks of ``size`` points from ``start`` to ``stop``: one
        Sobol' engine (or random stream) is moved to ``start`` once and drawn on from there."""
        stop = min(stop, self.n)
        if self.points is not None:
            for first in range(start, stop, size):
                yield first, min(first + size, stop), self.points[first : min(first + size, stop)]
            return
        draw = self._stream(start)
        for first in range(start, stop, size):
            last = min(first + size, stop)
            yield first, last, draw(last - first)

    def _stream(self, start: int) -> Callable[[int], np.ndarray]:
        if self.sampler == "random":
            stream = np.random.PCG64(self.seed)
            stream.advance(start * self.d)  # one 64-bit number per double drawn
            generator = np.random.Generator(stream)
            return lambda m: generator.random((m, self.d))
        engine = qmc.Sobol(self.d, scramble=True, rng=self.seed)

        def draw(m: int) -> np.ndarray:
            with warnings.catch_warnings():  # Sobol' balance is best at powers of 2; any n is still a valid design
                warnings.simplefilter("ignore", UserWarning)
                return engine.random(m)

        if start:
            engine.fast_forward(start)
        return draw

    def spans(self, size: int) -> list[tuple[int, int]]:
        """``(start, stop)`` of consecutive spans of ``size`` points covering the design."""
        return [(first, min(first + size, self.n)) for first in range(0, self.n, size)]


def chunk_size(units: int) -> int:
    """Replications per chunk: ``(chunk, units)`` arrays of about :data:`CHUNK_ELEMENTS` elements."""
    return max(MIN_CHUNK, CHUNK_ELEMENTS // max(1, units))


# -- exact quantiles of counted whole numbers ---------------------------------------------------------------
def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """NumPy's linear interpolation of ``quantile`` (``numpy.lib._function_base_impl._lerp``), operation for
    operation, so that a quantile of counts equals the quantile of the draws to the last bit."""
    diff = b - a
    out = a + diff * t
    return np.where(t >= 0.5, b - diff * (1 - t), out)


def quantile_of_counts(counts: np.ndarray, q: float, values: np.ndarray | None = None) -> np.ndarray:
    """The ``q`` quantile (NumPy's ``linear`` method, NaN ignored) of each row's draws, given as counts.

    ``counts[u, v]`` is how often row ``u`` drew value ``values[v]`` (default ``v`` itself); ``values`` must
    increase. Equal to ``np.nanquantile(draws, q, axis=0)`` of the draws the counts count.

    >>> draws = np.array([3, 1, 2, 2, 7])
    >>> float(quantile_of_counts(np.bincount(draws)[None, :], 0.3)[0]), float(np.quantile(draws, 0.3))
    (2.0, 2.0)
    """
    counts = np.asarray(counts)
    values = np.arange(counts.shape[1], dtype="float64") if values is None else np.asarray(values, dtype="float64")
    total = counts.sum(axis=1)
    virtual = (total - 1) * np.float64(q)
    previous = np.floor(virtual)
    last = virtual >= total - 1
    low_k = np.where(last, total - 1, previous).astype("int64")
    high_k = np.where(last, total - 1, previous + 1).astype("int64")
    cumulative = np.cumsum(counts, axis=1)
    a = values[_first_above(cumulative, low_k)]
    b = values[_first_above(cumulative, high_k)]
    gamma = virtual - np.where(last, -1.0, previous)  # as NumPy's, whose previous index is -1 at the end
    out = _lerp(a, b, gamma)
    return np.where(total > 0, out, np.nan)


def _first_above(cumulative: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per row, the first column whose cumulative count exceeds ``k`` (the position of order statistic ``k``)."""
    width = cumulative.shape[1]
    at = (cumulative <= np.maximum(k, 0)[:, None]).sum(axis=1)
    return np.minimum(at, width - 1)


# -- the streamed summary -----------------------------------------------------------------------------------
@dataclass(eq=False)
class RankSummary:
    """Per unit: counts of every rank, counts of scores in bins over ``[low, high]``, the least and greatest
    score seen, and the number of replications (see the module docstring). Merged by :meth:`merge`."""

    rank_counts: np.ndarray  # (units, max_rank + 1): column r counts rank r; column 0 is never used
    score_counts: np.ndarray  # (units, bins)
    low: np.ndarray  # (units,) range of the bins
    high: np.ndarray
    score_min: np.ndarray  # (units,) least and greatest score seen (inf, -inf before any)
    score_max: np.ndarray
    n: int = 0

    @classmethod
    def empty(cls, year_code: np.ndarray, low: np.ndarray, high: np.ndarray, bins: int | None = None) -> RankSummary:
        """An empty summary for units in years ``year_code``, scores binned over ``[low, high]`` per unit."""
        units = len(year_code)
        largest = int(np.bincount(np.asarray(year_code)).max()) if units else 0
        bins = bins or int(min(MAX_BINS, max(256, BIN_ELEMENTS // max(1, units))))
        low = np.asarray(low, dtype="float64")
        high = np.maximum(np.asarray(high, dtype="float64"), low)
        return cls(
            rank_counts=np.zeros((units, largest + 1), dtype="int64"),
            score_counts=np.zeros((units, bins), dtype="int64"),
            low=low,
            high=high,
            score_min=np.full(units, np.inf),
            score_max=np.full(units, -np.inf),
        )

    @property
    def units(self) -> int:
        return self.rank_counts.shape[0]

    @property
    def bins(self) -> int:
        return self.score_counts.shape[1]

    @property
    def width(self) -> np.ndarray:
        """Width of a score bin, per unit (a unit whose range is one value gets bins of width 0)."""
        return (self.high - self.low) / self.bins

    def add(self, scores: np.ndarray, ranks: np.ndarray) -> None:
        """Count a chunk: scores and ranks ``(replications, units)`` (NaN: not scored)."""
        ranked = ~np.isnan(ranks)
        column = np.arange(self.units)
        flat = column * self.rank_counts.shape[1] + np.where(ranked, ranks, 0).astype("int64")
        self.rank_counts += np.bincount(flat[ranked], minlength=self.rank_counts.size).reshape(self.rank_counts.shape)
        scored = np.isfinite(scores)
        with np.errstate(invalid="ignore", divide="ignore"):
            position = np.floor((scores - self.low) / np.where(self.width > 0, self.width, 1.0))
        position = np.clip(np.where(scored, position, 0), 0, self.bins - 1).astype("int64")
        flat = column * self.bins + position
        self.score_counts += np.bincount(flat[scored], minlength=self.score_counts.size).reshape(
            self.score_counts.shape
        )
        with warnings.catch_warnings():  # a unit with no score in the chunk: all-NaN min and max
            warnings.simplefilter("ignore", RuntimeWarning)
            self.score_min = np.fmin(self.score_min, np.nanmin(scores, axis=0, initial=np.inf))
            self.score_max = np.fmax(self.score_max, np.nanmax(scores, axis=0, initial=-np.inf))
        self.n += scores.shape[0]

    def merge(self, other: RankSummary) -> RankSummary:
        """This summary with another's counts added (the same units, ranges and bins)."""
        self.rank_counts += other.rank_counts
        self.score_counts += other.score_counts
        self.score_min = np.fmin(self.score_min, other.score_min)
        self.score_max = np.fmax(self.score_max, other.score_max)
        self.n += other.n
        return self

    # -- what the counts tell ------------------------------------------------------------------------------
    @property
    def scored(self) -> np.ndarray:
        """Replications that scored each unit."""
        return self.rank_counts.sum(axis=1)

    def rank_quantiles(self, q: list[float] | np.ndarray) -> np.ndarray:
        """``(len(q), units)`` rank quantiles, equal to ``np.nanquantile`` of the rank draws."""
        return np.stack([quantile_of_counts(self.rank_counts, float(p)) for p in q])

    def top_share(self, k: int) -> np.ndarray:
        """Share of all replications in which each unit ranked ``k`` or better."""
        return self.rank_counts[:, 1 : k + 1].sum(axis=1) / max(self.n, 1)

    def score_quantiles(self, q: list[float] | np.ndarray) -> np.ndarray:
        """``(len(q), units)`` score quantiles from the bins (each bin read at its middle), within
        :meth:`score_error` of the quantiles of the draws."""
        out = np.empty((len(q), self.units))
        middle = (np.arange(self.bins) + 0.5) / self.bins
        for i, p in enumerate(q):  # quantiles of the bin positions, mapped to each unit's range
            position = quantile_of_counts(self.score_counts, float(p), middle)
            out[i] = self.low + position * (self.high - self.low)
        return out

    def score_error(self) -> np.ndarray:
        """Per unit, a bound on the distance between a score quantile of :meth:`score_quantiles` and that of
        the draws: half a bin, or more where a score fell outside the bins' range (counted in the end bin)."""
        half = self.width / 2
        below = np.where(self.score_min < self.low, self.low + half - self.score_min, 0.0)
        above = np.where(self.score_max > self.high, self.score_max - (self.high - half), 0.0)
        return np.maximum(half, np.maximum(below, above))


# -- chunks, in this process or in parallel -----------------------------------------------------------------
def run_chunks(
    work: Callable[[int, int], Any],
    spans: list[tuple[int, int]],
    combine: Callable[[Any], None],
    *,
    n_jobs: int = 1,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Call ``work(start, stop)`` for every span and hand each result to ``combine`` in the order of the spans.

    With ``n_jobs`` other than 1 the spans run in joblib's worker processes (``-1``: one per core; inside
    ``joblib.parallel_backend("dask")`` on a Dask cluster). ``work`` must then be picklable.
    """
    advance = advance or (lambda step: None)
    if n_jobs == 1:
        for start, stop in spans:
            combine(work(start, stop))
            advance(stop - start)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    for (start, stop), result in zip(spans, parallel(delayed(work)(a, b) for a, b in spans), strict=True):
        combine(result)
        advance(stop - start)
