"""Uncertainty analysis: how far do ranks move when the methodological choices move?

The JRC's audits of composite indices (Saisana, Saltelli & Tarantola 2005, *J. R. Stat. Soc. A*
168(2), doi:10.1111/j.1467-985X.2005.00350.x; OECD/JRC Handbook 2008, section 7) rebuild the index
many times, each time with the uncertain inputs drawn at random, and report each unit's median
rank and its 5-95 % interval. Here the three steps are separate and pure (SALib's split):

1. **sample** the unit hypercube with :mod:`scipy.stats.qmc` (scrambled Sobol' points or a Latin
   hypercube), one column per uncertain input: one per edge weight, one per discrete choice;
2. **map** each row to a replication: every weight ``w_e (1 + noise u)``, ``u ~ U(-1, 1)`` (COINr's
   ``get_noisy_weights``; the engine rescales within each parent), a discrete choice ``k`` of
   ``K`` alternatives as ``floor(u K)`` (COINr's ``sample_2_para``), the left-out indicator as a
   weight 0 on its edge;
3. **evaluate** every replication with :meth:`ictindex.model.IndexModel.evaluate` in chunks
   (one compiled model per imputation/treatment/data alternative, never one build per
   replication), then summarise.

The spec of uncertain inputs (:class:`~ictindex.factors.UncertaintySpec`) is checked against the compiled model
before replication 1: an unknown node, a method the registries do not know, a geometric mean over
values that reach zero, an alternative listed twice are refused naming the field.

>>> from ictindex import datasets
>>> panel = datasets.load("itu")
>>> spec = {"weights": {"noise": 0.25}, "aggregation": ["arithmetic", {"method": "power", "power": 2}]}
>>> result = uncertainty(panel, "doi_current", spec, n=256, years=2023)
>>> result.ranks.columns[:7].tolist()
['economy', 'year', 'nominal_rank', 'median_rank', 'rank_q05', 'rank_q95', 'nominal_score']
>>> bool((result.ranks["rank_q05"] <= result.ranks["rank_q95"]).all())
True
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import SpecError
from ictindex.factors import (  # (the spec and the compiled problem were this module's: kept importable here)
    COMPILED,
    DataError,
    Problem,
    Replications,
    UncertaintySpec,
    WeightNoise,
    _per_item,
    _progress,
    prepare,
    unit_sample,
)
from ictindex.framework import Framework
from ictindex.limits import check_count
from ictindex.replicate import SAMPLERS, Design, RankSummary, chunk_size, run_chunks
from ictindex.result import IndexResult

__all__ = [
    "UncertaintySpec",
    "WeightNoise",
    "DataError",
    "UncertaintyResult",
    "Problem",
    "prepare",
    "uncertainty",
    "rank_within_years",
    "unit_sample",
]

#: Elements of the ``(replications, units)`` blocks ranked at once (bounds the sort's work arrays).
RANK_ELEMENTS = 2**21
#: Every replication's scores and ranks are kept when they hold at most this many elements (48 MiB);
#: beyond, only the streamed summaries (:class:`~ictindex.replicate.RankSummary`).
KEEP_ELEMENTS = 2**22


# -- ranks -----------------------------------------------------------------------------------------------------
def rank_within_years(scores: np.ndarray, year_code: np.ndarray) -> np.ndarray:
    """Ranks ``(n, units)`` within each year, best (highest) first, ties sharing the lowest rank
    (``method="min"``, as ``build_index``); NaN where a unit has no score.

    >>> rank_within_years(np.array([[0.2, 0.9, 0.2, np.nan]]), np.zeros(4, dtype=int)).tolist()
    [[2.0, 1.0, 2.0, nan]]
    """
    out = np.full(scores.shape, np.nan, dtype="float32")
    step = max(1, RANK_ELEMENTS // max(1, scores.shape[1]))
    if scores.shape[0] > step:  # in blocks of replications: the sort's work arrays stay small
        for start in range(0, scores.shape[0], step):
            out[start : start + step] = rank_within_years(scores[start : start + step], year_code)
        return out
    for year in np.unique(year_code):
        cols = np.flatnonzero(year_code == year)
        x = np.where(np.isnan(scores[:, cols]), -np.inf, scores[:, cols])
        order = np.argsort(-x, axis=1)  # the order among tied values does not change their (shared) rank
        ranked = np.take_along_axis(x, order, axis=1)
        position = np.broadcast_to(np.arange(1, cols.size + 1, dtype="float32"), ranked.shape)
        tied = ranked[:, 1:] == ranked[:, :-1]
        tied &= ~np.isneginf(ranked[:, 1:])
        if tied.any():  # a tie takes the rank of the first of its run
            first = np.ones(ranked.shape, dtype=bool)
            first[:, 1:] = ~tied
            rank = np.maximum.accumulate(np.where(first, position, 0), axis=1).astype("float32")
        else:
            rank = position.copy()
        rank[np.isneginf(ranked)] = np.nan
        block = np.empty_like(rank)
        np.put_along_axis(block, order, rank, axis=1)
        out[:, cols] = block
    return out


# -- the result ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class UncertaintyResult:
    """Rank and score summaries of ``n`` replications, streamed chunk by chunk.

    ``ranks`` is the tidy summary per unit (see :func:`uncertainty`), taken from ``summary`` (the per-unit counts
    of ranks and scores, :class:`~ictindex.replicate.RankSummary`); with the draws kept (``keep_draws``),
    ``scores`` and ``rank_draws`` are ``(n, units)`` arrays (units: ``problem.base.units``) and the summary is
    taken from them. Nothing else is stored per replication: :attr:`parameters` and :meth:`replication` draw a
    replication's parameters again from the design.
    """

    problem: Problem
    design: Design
    summary: RankSummary
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray
    top: int = 10
    seed: int = 0
    sampler: str = "sobol"
    draws: tuple[np.ndarray, np.ndarray] | None = None

    def __repr__(self) -> str:
        return (
            f"<UncertaintyResult {self.problem.base.framework.code}: {self.n:,} replications of "
            f"{len(self.units)} units; factors {[f.name for f in self.problem.factors]}>"
        )

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import uncertainty_card

        return uncertainty_card(self).html()

    @property
    def n(self) -> int:
        return self.design.n

    @property
    def units(self) -> pd.MultiIndex:
        return self.problem.base.units

    @property
    def scores(self) -> np.ndarray:
        """Index scores ``(n, units)`` of every replication (kept with ``keep_draws``)."""
        return self._draws()[0]

    @property
    def rank_draws(self) -> np.ndarray:
        """Ranks ``(n, units)`` of every replication (kept with ``keep_draws``)."""
        return self._draws()[1]

    def _draws(self) -> tuple[np.ndarray, np.ndarray]:
        if self.draws is None:
            raise SpecError(
                f"the {self.n:,} replications were summarised as they ran; their scores were not kept",
                field="keep_draws",
                hint="run uncertainty(..., keep_draws=True) to keep every replication's scores and ranks",
            )
        return self.draws

    @property
    def sample(self) -> np.ndarray:
        """The points of the unit hypercube, one row per replication (drawn again from the design)."""
        return self.design.chunk(0, self.n)

    @property
    def reps(self) -> Replications:
        """Every replication's parameters (drawn again from the design)."""
        return self.problem.replications(self.sample)

    @property
    def score_error(self) -> np.ndarray:
        """Per unit, a bound on the error of ``score_q05``/``score_q95``: 0 with the draws kept, else the
        resolution of the score counts (:meth:`~ictindex.replicate.RankSummary.score_error`)."""
        return np.zeros(len(self.units)) if self.draws is not None else self.summary.score_error()

    @property
    def ranks(self) -> pd.DataFrame:
        """Per economy and year: ``nominal_rank``, ``median_rank``, ``rank_q05``, ``rank_q95``,
        ``nominal_score``, ``score_q05``, ``score_q95``, ``p_top{k}`` (share of replications in the
        top k) and ``share_scored`` (share of replications that scored the unit); best nominal first.

        The rank columns are exact (NumPy's ``quantile``, ``linear``); the score quantiles too with the draws
        kept, else within :attr:`score_error`."""
        share_scored = self.summary.scored / self.n
        keep = np.flatnonzero((share_scored > 0) | ~np.isnan(self.nominal_scores))
        if self.draws is not None:
            rq, sq, top = self._from_draws(keep)
        else:
            rq = self.summary.rank_quantiles([0.05, 0.5, 0.95])[:, keep]
            sq = self.summary.score_quantiles([0.05, 0.95])[:, keep]
            top = self.summary.top_share(self.top)[keep]
        table = pd.DataFrame(
            {
                "economy": self.units.get_level_values("economy")[keep],
                "year": self.units.get_level_values("year")[keep],
                "nominal_rank": pd.array(
                    np.where(np.isnan(self.nominal_ranks[keep]), pd.NA, self.nominal_ranks[keep]), dtype="Int64"
                ),
                "median_rank": rq[1],
                "rank_q05": rq[0],
                "rank_q95": rq[2],
                "nominal_score": self.nominal_scores[keep],
                "score_q05": sq[0],
                "score_q95": sq[1],
                f"p_top{self.top}": top,
                "share_scored": share_scored[keep],
            }
        )
        return table.sort_values(["year", "nominal_rank", "median_rank", "economy"]).reset_index(drop=True)

    def _from_draws(self, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rank and score quantiles and top-k shares of the units ``keep``, from every replication's draws."""
        scores, rank_draws = self.draws
        rq, sq, top = np.empty((3, keep.size)), np.empty((2, keep.size)), np.empty(keep.size)
        step = max(1, RANK_ELEMENTS // self.n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a unit never scored: all-NaN quantiles
            for start in range(0, keep.size, step):  # a few units at a time: bounded copies
                cols = keep[start : start + step]
                ranks = rank_draws[:, cols].astype("float64")
                quantile = np.nanquantile if np.isnan(ranks).any() else np.quantile  # the same, faster
                rq[:, start : start + step] = quantile(ranks, [0.05, 0.5, 0.95], axis=0)
                sq[:, start : start + step] = quantile(scores[:, cols], [0.05, 0.95], axis=0)
                top[start : start + step] = (ranks <= self.top).mean(axis=0)
        return rq, sq, top

    @property
    def parameters(self) -> pd.DataFrame:
        """One row per replication: the alternative drawn for each discrete factor and every edge weight
        (as drawn, before the engine rescales them within each parent)."""
        table = pd.DataFrame({"replication": np.arange(self.n)})
        reps = self.reps
        for f in self.problem.factors:
            if f.name in reps.choice:
                labels = np.array(
                    [lab if f.name != "exclude_indicator" else (lab or "none") for lab in f.labels]
                    if f.name != "data"
                    else [f"draw {k}" for k in f.alternatives],
                    dtype=object,
                )
                table[f.name] = labels[reps.choice[f.name]]
        weights = pd.DataFrame(reps.weights, columns=[f"weight {p} > {c}" for p, c in self.problem.base.edges])
        return pd.concat([table, weights], axis=1)

    def scores_table(self) -> pd.DataFrame:
        """Index scores, one row per replication, one column per unit (economy, year)."""
        return pd.DataFrame(self.scores, columns=self.units)

    def replication(self, i: int) -> IndexResult:
        """Replication ``i`` rebuilt as an ordinary :class:`~ictindex.result.IndexResult`: the framework
        with its weights and methods written in, the spec with its imputation/treatment, the data as drawn."""
        if not 0 <= i < self.n:
            raise SpecError(f"replication {i} does not exist (0 to {self.n - 1})", field="i")
        from ictindex.build import build_index

        problem, reps = self.problem, self.problem.replications(self.design.chunk(i, i + 1))
        choice = {k: int(v[0]) for k, v in reps.choice.items()}
        fw = _framework_variant(problem, reps.weights[0], choice)
        changes: dict[str, Any] = {"framework": fw}
        for name in COMPILED[:2]:
            if name in choice:
                changes[name] = problem.factor(name).alternatives[choice[name]]
        data = problem.panels[choice["data"]] if "data" in choice else problem.data
        return build_index(data, spec=problem.base.spec.replace(**changes))

    def plot(self, **kwargs: Any) -> Any:
        """The rank-uncertainty chart (:func:`ictindex.report.uncertainty_charts.rank_uncertainty_chart`)."""
        from ictindex.plotting import report_chart

        return report_chart("rank_uncertainty_chart")(self, **kwargs)


def _framework_variant(problem: Problem, weights: np.ndarray, choice: Mapping[str, int]) -> Framework:
    """The framework of one replication: drawn weights on every edge, the methods drawn on every node
    and indicator (the same merge of the framework's settings with the alternative as the engine's)."""
    data = problem.base.framework.model_dump()
    position = {edge: j for j, edge in enumerate(problem.base.edges)}
    for node in data["nodes"]:
        for child in node["children"]:
            child["weight"] = float(weights[position[(node["code"], child["code"])]])
    agg = problem.factor("aggregation")
    if agg is not None:
        _write_aggregation(data, agg.alternatives[choice["aggregation"]])
    norm = problem.factor("normalisation")
    if norm is not None:
        alternative = norm.alternatives[choice["normalisation"]]
        for ind in data["indicators"]:
            given = alternative.get(ind["code"], None) if _per_item(alternative) else alternative
            if given is not None:
                base = {k: v for k, v in ind["normalisation"].items() if v is not None}
                ind["normalisation"] = base | ({"method": given} if isinstance(given, str) else dict(given))
    return Framework.model_validate(data)


def _write_aggregation(data: dict[str, Any], alternative: Any) -> None:
    for node in data["nodes"]:
        given = alternative.get(node["code"]) if _per_item(alternative) else alternative
        if given is None:
            continue
        rule = node["aggregation"]
        keep = {k: rule[k] for k in ("zero_floor", "min_coverage") if rule.get(k) is not None}
        if isinstance(given, str):
            node["aggregation"] = keep | {"method": given}
        else:
            extra = {k: v for k, v in given.items() if k not in ("method", "power", "zero_floor", "min_coverage")}
            node["aggregation"] = (
                keep | {k: v for k, v in given.items() if k not in extra} | ({"params": extra} if extra else {})
            )


# -- the entry point ----------------------------------------------------------------------------------------------
def uncertainty(
    data: pd.DataFrame | str | Path,
    framework: str | Path | Framework | None = None,
    spec: UncertaintySpec | Mapping[str, Any] | str | Path | None = None,
    n: int = 10_000,
    seed: int = 0,
    *,
    sampler: str = "sobol",
    top: int = 10,
    progress: bool | None = None,
    keep_draws: bool | None = None,
    n_jobs: int = 1,
    **build: Any,
) -> UncertaintyResult:
    """Rank and score intervals of an index over uncertain methodological choices.

    Parameters
    ----------
    data, framework, **build
        As :func:`ictindex.build_index` (the nominal build).
    spec
        The uncertain inputs: an :class:`~ictindex.factors.UncertaintySpec`, a mapping or a YAML path.
    n
        Replications.
    seed
        Seed of the sample: the same seed gives the same result.
    sampler
        ``sobol`` (scrambled Sobol' points), ``lhs`` (Latin hypercube) or ``random``.
    top
        ``k`` of the column ``p_top{k}`` of :attr:`UncertaintyResult.ranks`.
    progress
        Show a progress bar (default: on a terminal only).
    keep_draws
        Keep every replication's scores and ranks (``.scores``, ``.rank_draws``). Default: when they hold at most
        :data:`KEEP_ELEMENTS` numbers; otherwise only the per-unit counts are kept, chunk by chunk, so that the
        memory used does not grow with ``n`` (the rank summaries are the same; see :mod:`ictindex.replicate`).
    n_jobs
        Worker processes (joblib; ``-1``: one per core). The result is the same for any ``n_jobs``: each
        chunk of replications is drawn from its position in the sample, not from the worker that runs it.
        Inside ``joblib.parallel_backend("dask")`` the chunks run on a Dask cluster.

    Returns
    -------
    UncertaintyResult
        ``.ranks`` (tidy summary), ``.parameters`` (every replication's draws), ``.scores``,
        ``.replication(i)``.
    """
    if spec is None:
        raise SpecError("no uncertainty spec given", field="spec", hint="give e.g. {'weights': {'noise': 0.25}}")
    # a run that keeps only per-unit counts (a sampler drawn chunk by chunk) has memory that does not grow with n
    streamed = keep_draws is not True and sampler != "lhs"
    check_run(n, seed, limit="MAX_STREAMED_REPLICATIONS" if streamed else "MAX_REPLICATIONS")
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise SpecError(f"top must be a whole number >= 1, got {top!r}", field="top", hint="write top=10")
    if sampler not in SAMPLERS:
        raise SpecError(f"unknown sampler {sampler!r}", field="sampler", hint=f"use one of {SAMPLERS}")
    _check_jobs(n_jobs)
    problem = prepare(data, framework, spec, **build)
    design = Design.create(int(n), problem.dimension, seed, sampler)
    return run(problem, design, top=int(top), progress=progress, keep_draws=keep_draws, n_jobs=n_jobs)


def check_run(n: Any, seed: Any, *, default_n: int = 10_000, limit: str = "MAX_REPLICATIONS") -> None:
    """The size and seed of a run, checked before anything is compiled or allocated: ``n`` a whole number of
    replications from 2 to the ``limit`` of :mod:`ictindex.limits` (:data:`~ictindex.limits.MAX_REPLICATIONS`
    for a run that keeps its draws, where a huge ``n`` asked for terabytes;
    :data:`~ictindex.limits.MAX_STREAMED_REPLICATIONS` for one that keeps per-unit counts only), ``seed`` a whole
    number >= 0 (what numpy's and scipy's generators take)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise SpecError(
            f"n must be a whole number of replications >= 2, got {n!r}", field="n", hint=f"write n={default_n:_}"
        )
    check_count(int(n), limit, "n, the number of replications", error=SpecError, field="n")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise SpecError(
            f"seed must be a whole number >= 0, got {seed!r}", field="seed", hint="write e.g. seed=0 (the default)"
        )


def run(
    problem: Problem,
    sample: np.ndarray | Design,
    *,
    seed: int = 0,
    sampler: str = "sobol",
    top: int = 10,
    progress: bool | None = None,
    keep_draws: bool | None = None,
    n_jobs: int = 1,
) -> UncertaintyResult:
    """Evaluate the replications of a sample of the unit hypercube (steps 2 and 3), chunk by chunk.

    ``sample`` is a :class:`~ictindex.replicate.Design` or the ``(n, d)`` points themselves (``seed`` and
    ``sampler`` then only describe them); ``keep_draws`` and ``n_jobs`` as :func:`uncertainty`."""
    _check_jobs(n_jobs)
    design = sample if isinstance(sample, Design) else Design.given(sample, seed, sampler)
    base = problem.base
    units = len(base.units)
    keep = design.n * units <= KEEP_ELEMENTS if keep_draws is None else bool(keep_draws)
    problem.check_compiled()
    low, high = problem.score_range()
    summary = RankSummary.empty(base.year_code, low, high)
    size = chunk_size(units)  # chunks and bins set here, so that a worker process uses the same
    work = _Chunks(problem if n_jobs == 1 else problem.for_workers(), design, low, high, summary.bins, keep, size)
    draws = (np.empty((design.n, units)), np.empty((design.n, units), dtype="float32")) if keep else None

    def combine(part: tuple[int, int, RankSummary, tuple[np.ndarray, np.ndarray] | None]) -> None:
        start, stop, counted, drawn = part
        summary.merge(counted)
        if draws is not None:
            draws[0][start:stop], draws[1][start:stop] = drawn

    with _progress(design.n, progress) as advance:
        run_chunks(work, design.spans(_span(size, design.n, n_jobs)), combine, n_jobs=n_jobs, advance=advance)
    nominal = base.evaluate()[0, :, base.nodes.index(base.framework.index)]
    return UncertaintyResult(
        problem=problem,
        design=design,
        summary=summary,
        nominal_scores=nominal,
        nominal_ranks=rank_within_years(nominal[None, :], base.year_code)[0].astype("float64"),
        top=top,
        seed=design.seed,
        sampler=design.sampler,
        draws=draws,
    )


@dataclass(frozen=True, eq=False)
class _Chunks:
    """The replications of a span of the design, chunk by chunk: their counts (and draws, when kept)."""

    problem: Problem
    design: Design
    low: np.ndarray
    high: np.ndarray
    bins: int
    keep: bool
    size: int

    def __call__(self, start: int, stop: int) -> tuple[int, int, RankSummary, tuple[np.ndarray, np.ndarray] | None]:
        year_code = self.problem.base.year_code
        summary = RankSummary.empty(year_code, self.low, self.high, self.bins)
        kept: list[tuple[np.ndarray, np.ndarray]] = []
        for _, _, points in self.design.chunks(start, stop, self.size):
            scores = self.problem.evaluate(self.problem.replications(points), progress=False)
            ranks = rank_within_years(scores, year_code)
            summary.add(scores, ranks)
            if self.keep:
                kept.append((scores, ranks))
        drawn = (np.concatenate([s for s, _ in kept]), np.concatenate([r for _, r in kept])) if kept else None
        return start, stop, summary, drawn


def _span(size: int, n: int, n_jobs: int) -> int:
    """Replications per task: whole chunks (so that every chunk is the same whatever ``n_jobs``), about four
    tasks per worker."""
    if n_jobs == 1:
        return size
    from joblib import effective_n_jobs

    per_task = -(-n // (4 * effective_n_jobs(n_jobs)))
    return max(1, -(-per_task // size)) * size


def _check_jobs(n_jobs: Any) -> None:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs == 0:
        raise SpecError(
            f"n_jobs must be a whole number of worker processes (-1: one per core), got {n_jobs!r}",
            field="n_jobs",
            hint="write n_jobs=2, or n_jobs=1 to run in this process",
        )
