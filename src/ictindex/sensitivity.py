"""Sensitivity analysis: which uncertain choice drives the rank uncertainty, and how much?

Variance-based (Sobol') indices of a scalar target ``Y`` of the index (one economy's score or rank,
the mean absolute rank shift from the nominal ranks, or any function of the scores) with respect to
each uncertain input group ``X_i`` of an :class:`~ictindex.factors.UncertaintySpec` (all weights
together are one group, as in COINr):

* first order ``S_i = V[E(Y | X_i)] / V(Y)``, estimated as Saltelli et al. (2010, *Comput. Phys.
  Commun.* 181, 259-270, table 2 (b)): ``S_i = mean(f(B) (f(A_B^i) - f(A))) / V``;
* total ``S_Ti = E[V(Y | X_~i)] / V(Y)``, estimated as Jansen (1999; Saltelli et al. 2010 table 2
  (f)): ``S_Ti = mean((f(A) - f(A_B^i))^2) / (2 V)``;

with ``A`` and ``B`` two independent samples of ``n`` points, ``A_B^i`` = ``A`` with the columns of
group ``i`` taken from ``B``, ``V`` the variance of ``f(A)`` and ``f(B)`` pooled: ``n (g + 2)``
evaluations for ``g`` groups. These are the estimators of ``scipy.stats.sobol_indices`` and of
COINr's ``SA_estimate``; as scipy, the outputs are first centred on the mean of ``f(A)`` and
``f(B)``, which leaves the estimators' expectations unchanged and shrinks their variance when
the target's mean is large against its spread (a mean rank shift). ``V`` is the pooled variance
with ``ddof=0``, as scipy (COINr divides by ``n - 1``). Confidence intervals: percentile bootstrap
over the ``n`` rows (the same resampled rows for ``A``, ``B`` and every ``A_B^i``).

>>> import numpy as np
>>> def linear(u):                     # Y = X1 + 2 X2, X uniform: S = (1/5, 4/5)
...     return u[:, 0] + 2 * u[:, 1]
>>> table = sobol(linear, 2, n=4096, n_boot=0)
>>> table["S1"].round(2).tolist(), table["ST"].round(2).tolist()
([0.2, 0.8], [0.2, 0.8])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import SpecError
from ictindex.framework import Framework
from ictindex.uncertainty import (
    Problem,
    UncertaintyResult,
    UncertaintySpec,
    check_run,
    prepare,
    rank_within_years,
    run,
    unit_sample,
)

__all__ = ["sobol_indices", "saltelli_design", "sobol", "sensitivity", "SensitivityResult", "INDEX_COLUMNS"]

INDEX_COLUMNS = ["factor", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]


def saltelli_design(n: int, groups: Sequence[slice], seed: int = 0, sampler: str = "sobol") -> np.ndarray:
    """The ``n (g + 2)`` points ``[A; B; A_B^1; ...; A_B^g]`` of the unit hypercube (``d`` columns; group
    ``i`` takes the columns ``groups[i]``). ``A`` and ``B`` are the two halves of one ``2d``-point design."""
    d = max(g.stop for g in groups)
    base = unit_sample(n, 2 * d, seed, sampler)
    A, B = base[:, :d], base[:, d:]
    blocks = [A, B]
    for g in groups:
        AB = A.copy()
        AB[:, g] = B[:, g]
        blocks.append(AB)
    return np.concatenate(blocks)


def _estimate(yA: np.ndarray, yB: np.ndarray, yAB: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices; leading axes are bootstrap draws."""
    pooled = np.concatenate([yA, yB], axis=-1)
    centre = pooled.mean(axis=-1, keepdims=True)  # centring: same estimators, far smaller variance
    yA, yB, yAB = yA - centre, yB - centre, yAB - centre[..., None]
    variance = np.var(pooled, axis=-1)[..., None]  # ddof 0, as scipy (COINr: n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean(yB[..., None, :] * (yAB - yA[..., None, :]), axis=-1) / variance
        total = 0.5 * np.mean((yA[..., None, :] - yAB) ** 2, axis=-1) / variance
    return first, total


def sobol_indices(
    y: np.ndarray,
    n: int,
    names: Sequence[str],
    *,
    n_boot: int = 1000,
    confidence: float = 0.90,
    seed: int = 0,
) -> pd.DataFrame:
    """Sobol' indices from the outputs ``y`` of a :func:`saltelli_design` (``n (g + 2)`` values).

    Returns a tidy table, one row per factor: ``S1``, ``ST`` and their percentile bootstrap
    intervals ``S1_low``/``S1_high``, ``ST_low``/``ST_high`` at ``confidence`` (NaN with
    ``n_boot=0``).
    """
    y = np.asarray(y, dtype="float64")
    g = len(names)
    if y.shape != (n * (g + 2),):
        raise SpecError(
            f"y must hold n (g + 2) = {n * (g + 2)} values, got {y.shape}",
            field="y",
            hint="evaluate every row of saltelli_design(n, groups)",
        )
    if not np.isfinite(y).all():
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise SpecError(
            f"the target is not a finite number in run {bad}",
            field="target",
            hint="choose a target every replication scores (e.g. an economy scored in all of them)",
        )
    yA, yB, yAB = y[:n], y[n : 2 * n], y[2 * n :].reshape(g, n)
    first, total = _estimate(yA, yB, yAB)
    table = pd.DataFrame({"factor": list(names), "S1": first, "ST": total})
    low, high = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    if n_boot:
        rows = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
        bf, bt = _estimate(yA[rows], yB[rows], yAB[:, rows].transpose(1, 0, 2))
        table["S1_low"], table["S1_high"] = np.quantile(bf, [low, high], axis=0)
        table["ST_low"], table["ST_high"] = np.quantile(bt, [low, high], axis=0)
    else:
        for column in ("S1_low", "S1_high", "ST_low", "ST_high"):
            table[column] = np.nan
    return table[INDEX_COLUMNS]


def sobol(
    func: Callable[[np.ndarray], np.ndarray],
    d: int,
    n: int = 4096,
    *,
    seed: int = 0,
    n_boot: int = 1000,
    confidence: float = 0.90,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sobol' indices of any vectorised ``func(u) -> y`` of ``d`` inputs uniform on ``[0, 1)`` (one group each)."""
    groups = [slice(i, i + 1) for i in range(d)]
    y = func(saltelli_design(n, groups, seed))
    return sobol_indices(
        y, n, names or [f"x{i + 1}" for i in range(d)], n_boot=n_boot, confidence=confidence, seed=seed
    )


# -- targets ------------------------------------------------------------------------------------------------
def _target(target: Any, problem: Problem) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``f(scores, ranks) -> y`` (one value per run) for a target name or a user function."""
    units = problem.base.units
    if callable(target):

        def user(scores: np.ndarray, ranks: np.ndarray) -> np.ndarray:
            return np.asarray(target(pd.DataFrame(scores, columns=units)), dtype="float64").reshape(-1)

        return user
    if target == "rank_shift":
        nominal = problem_nominal_ranks(problem)

        def shift(scores: np.ndarray, ranks: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                return np.nanmean(np.abs(ranks - nominal), axis=1)

        return shift
    if isinstance(target, Mapping) and len(target) in (1, 2) and set(target) - {"year"} <= {"score", "rank"}:
        kind = next(k for k in target if k != "year")
        economy, year = target[kind], target.get("year")
        match = (units.get_level_values("economy") == economy) & (
            units.get_level_values("year") == (year if year is not None else units.get_level_values("year").max())
        )
        if not match.any():
            raise SpecError(
                f"no unit {economy} {year or ''} in the model",
                field="target",
                economy=str(economy),
                hint="name a scored economy (and year)",
            )
        column = int(np.flatnonzero(match)[0])
        return lambda scores, ranks: (scores if kind == "score" else ranks)[:, column].astype("float64")
    raise SpecError(
        f"unknown target {target!r}",
        field="target",
        hint="use 'rank_shift', {'score': 'KOR'}, {'rank': 'KOR', 'year': 2023} or a function of the scores",
    )


def problem_nominal_ranks(problem: Problem) -> np.ndarray:
    base = problem.base
    nominal = base.evaluate()[0, :, base.nodes.index(base.framework.index)]
    return rank_within_years(nominal[None, :], base.year_code)[0]


@dataclass(frozen=True, eq=False, repr=False)
class SensitivityResult:
    """Sobol' indices (:attr:`indices`) and the uncertainty analysis of the ``n (g + 2)`` runs."""

    indices: pd.DataFrame
    target: str
    n: int
    runs: UncertaintyResult
    y: np.ndarray

    def __repr__(self) -> str:
        return f"<SensitivityResult target {self.target}: {len(self.indices)} factors, n={self.n} ({len(self.y)} runs)>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import sensitivity_card

        return sensitivity_card(self).html()

    def plot(self, **kwargs: Any) -> Any:
        """The Sobol' bar chart (:func:`ictindex.report.uncertainty_charts.sobol_chart`)."""
        from ictindex.plotting import report_chart

        return report_chart("sobol_chart")(self, **kwargs)


def sensitivity(
    data: pd.DataFrame | str | Path,
    framework: str | Path | Framework | None = None,
    spec: UncertaintySpec | Mapping[str, Any] | str | Path | None = None,
    n: int = 1024,
    seed: int = 0,
    *,
    target: Any = "rank_shift",
    n_boot: int = 1000,
    confidence: float = 0.90,
    sampler: str = "sobol",
    progress: bool | None = None,
    **build: Any,
) -> SensitivityResult:
    """First-order and total Sobol' indices of a target over the uncertain inputs of ``spec``.

    Parameters
    ----------
    data, framework, spec, **build
        As :func:`ictindex.uncertainty`.
    n
        Points of each of the samples ``A`` and ``B`` (a power of 2 suits Sobol' points); the index
        is evaluated ``n (g + 2)`` times for ``g`` factors.
    target
        ``"rank_shift"`` (mean absolute rank shift from the nominal ranks, COINr's target),
        ``{"score": "KOR"}`` or ``{"rank": "KOR", "year": 2023}`` (default year: the latest), or a
        function of a DataFrame of index scores (one row per run, one column per (economy, year))
        returning one number per run.
    n_boot, confidence
        Bootstrap draws and level of the intervals.

    Returns
    -------
    SensitivityResult
        ``.indices``: factor, S1, S1_low, S1_high, ST, ST_low, ST_high.
    """
    if spec is None:
        raise SpecError("no uncertainty spec given", field="spec", hint="give e.g. {'weights': {'noise': 0.25}}")
    check_run(n, seed, default_n=1024)  # n and seed, before anything is compiled (ictindex.uncertainty)
    if not 0 < confidence < 1:
        raise SpecError(
            f"confidence must be between 0 and 1, got {confidence}", field="confidence", hint="write confidence=0.90"
        )
    problem = prepare(data, framework, spec, **build)
    evaluate_target = _target(target, problem)
    groups = [f.columns for f in problem.factors]
    design = saltelli_design(int(n), groups, seed, sampler)
    runs = run(problem, design, seed=seed, sampler=sampler, progress=progress, keep_draws=True)
    y = evaluate_target(runs.scores, runs.rank_draws.astype("float64"))
    indices = sobol_indices(
        y, int(n), [f.name for f in problem.factors], n_boot=n_boot, confidence=confidence, seed=seed
    )
    label = target if isinstance(target, str) else getattr(target, "__name__", str(target))
    return SensitivityResult(indices=indices, target=str(label), n=int(n), runs=runs, y=y)
