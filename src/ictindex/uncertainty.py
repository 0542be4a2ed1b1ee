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

The spec of uncertain inputs (:class:`UncertaintySpec`) is checked against the compiled model
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

import sys
import types
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ictindex.errors import MethodError, SpecError
from ictindex.framework import Framework, read_yaml
from ictindex.limits import check_count
from ictindex.model import IndexModel, compile_model, one_blas_thread
from ictindex.panel import to_panel
from ictindex.registry import normalisations
from ictindex.replicate import SAMPLERS, Design, RankSummary, chunk_size, run_chunks
from ictindex.result import IndexResult
from ictindex.spec import BuildSpec

__all__ = [
    "UncertaintySpec",
    "WeightNoise",
    "DataError",
    "UncertaintyResult",
    "Problem",
    "prepare",
    "uncertainty",
    "rank_within_years",
]

#: Replications evaluated at once: bounds the ``(chunk, units, nodes)`` work array of ``evaluate``.
CHUNK = 4096
#: Elements of the ``(replications, units)`` blocks ranked at once (bounds the sort's work arrays).
RANK_ELEMENTS = 2**21
#: Every replication's scores and ranks are kept when they hold at most this many elements (48 MiB);
#: beyond, only the streamed summaries (:class:`~ictindex.replicate.RankSummary`).
KEEP_ELEMENTS = 2**22
#: Discrete factors, in the order of the sample's columns after the weights.
CHOICES = ("normalisation", "aggregation", "imputation", "treatment", "exclude_indicator", "data")
#: Factors that need a model compiled per alternative.
COMPILED = ("imputation", "treatment", "data")

Alternative = str | dict[str, Any]


# -- the spec of uncertain inputs ---------------------------------------------------------------------
class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WeightNoise(_Spec):
    """Each weight times ``1 + noise * U(-1, 1)``: ``noise`` for every node, or per node in ``nodes``
    (with ``nodes`` given and ``noise`` not, the other nodes keep their weights)."""

    noise: float | None = Field(default=None, ge=0, lt=1)
    nodes: dict[str, float] | None = None

    def per_node(self, nodes: Sequence[str]) -> dict[str, float]:
        default = self.noise if self.noise is not None else (0.0 if self.nodes else 0.25)
        return {n: (self.nodes or {}).get(n, default) for n in nodes}


class DataError(_Spec):
    """Each input value times ``1 + error * U(-1, 1)`` (``error`` for all, or per input series),
    as ``draws`` perturbed panels (each compiled once; a replication picks one)."""

    error: float | dict[str, float] = 0.05
    draws: int = Field(default=20, ge=2, le=1000)


class UncertaintySpec(_Spec):
    """Uncertain inputs of an index (see the module docstring). In YAML::

        weights: {noise: 0.25}                 # or {nodes: {Conn: 0.25, Sust: 0.25}}
        normalisation: [minmax, zscore]        # or [{method: minmax, target: [1, 100]}, ...]
        aggregation: [arithmetic, geometric]
        imputation: [none, latest]
        treatment: [{method: winsorise, winmax: 1}, {method: winsorise, winmax: 5}]
        exclude_indicator: true                # leave one indicator out (or none)
        data: {error: 0.05, draws: 20}

    Each list holds the alternatives drawn with equal probability; include the nominal choice
    if it should be drawn too (as COINr does).
    """

    weights: WeightNoise | None = None
    normalisation: list[Alternative] | None = None
    aggregation: list[Alternative] | None = None
    imputation: list[Alternative] | None = None
    treatment: list[Alternative] | None = None
    exclude_indicator: bool = False
    data: DataError | None = None

    @classmethod
    def load(cls, spec: UncertaintySpec | Mapping[str, Any] | str | Path) -> UncertaintySpec:
        """A spec from itself, a mapping or a YAML file; a wrong key or value is a SpecError naming it."""
        if isinstance(spec, UncertaintySpec):
            return spec
        file = None
        if isinstance(spec, str | Path):  # the framework loader's guards: size, repeated keys, depth, aliases
            file = str(spec)
            spec = read_yaml(spec, error=SpecError, what="uncertainty spec")
            spec = {} if spec is None else spec
        if not isinstance(spec, Mapping):
            raise SpecError(
                f"the uncertainty spec must be a mapping, got {type(spec).__name__}",
                file=file,
                hint="write e.g. {'weights': {'noise': 0.25}, 'aggregation': ['arithmetic', 'geometric']}",
            )
        try:
            return cls.model_validate(dict(spec))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise SpecError(
                f"uncertainty spec: {first['msg']} (got {first.get('input')!r})",
                file=file,
                field=where,
                hint="keys: weights, normalisation, aggregation, imputation, treatment, "
                "exclude_indicator, data; each alternative a method name or a mapping",
            ) from None

    def alternatives(self, name: str) -> list[Any]:
        """The alternatives of a discrete factor (empty when it does not vary)."""
        given = getattr(self, name)
        return list(given) if isinstance(given, list) else []


def _label(choice: Any) -> str:
    if choice is None:
        return ""
    if isinstance(choice, str):
        return choice
    method = choice.get("method", "")
    rest = ", ".join(f"{k}={v}" for k, v in choice.items() if k != "method")
    return f"{method} ({rest})" if rest else str(method)


# -- the problem: compiled models and the factors that vary -----------------------------------------------
@dataclass(frozen=True)
class Factor:
    """An uncertain input: ``columns`` of the sample it takes, ``alternatives`` if discrete."""

    name: str
    columns: slice
    alternatives: tuple[Any, ...] = ()

    @property
    def labels(self) -> list[str]:
        return [_label(a) for a in self.alternatives]


@dataclass(frozen=True)
class Replications:
    """Every replication's parameters: weights ``(n, edges)`` (0 on a left-out indicator) and the
    position of the alternative drawn for each discrete factor."""

    weights: np.ndarray
    choice: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return self.weights.shape[0]


@dataclass
class Problem:
    """A spec checked against the compiled model, ready to sample and evaluate."""

    data: Any
    spec: UncertaintySpec
    base: IndexModel
    factors: tuple[Factor, ...]
    noise: np.ndarray
    panels: tuple[pd.DataFrame, ...] = ()
    models: dict[tuple[int, int, int], IndexModel] = field(default_factory=dict)

    @property
    def dimension(self) -> int:
        return max((f.columns.stop for f in self.factors), default=0)

    def factor(self, name: str) -> Factor | None:
        return next((f for f in self.factors if f.name == name), None)

    # -- step 2: unit hypercube -> replications --------------------------------------------------------
    def replications(self, sample: np.ndarray) -> Replications:
        n = sample.shape[0]
        W = np.tile(self.base.weights, (n, 1))
        choice = {}
        for f in self.factors:
            u = sample[:, f.columns]
            if f.name == "weights":
                W *= 1.0 + self.noise * (2.0 * u - 1.0)
            else:
                k = len(f.alternatives)
                choice[f.name] = np.minimum((u[:, 0] * k).astype("intp"), k - 1)
        if "exclude_indicator" in choice:
            children = np.array([c for _, c in self.base.edges], dtype=object)
            for k, indicator in enumerate(self.factor("exclude_indicator").alternatives):
                if indicator is not None:
                    W[np.ix_(choice["exclude_indicator"] == k, children == indicator)] = 0.0
        return Replications(W, choice)

    # -- step 3: evaluate -----------------------------------------------------------------------------------
    def model(self, key: tuple[int, int, int]) -> IndexModel:
        """The compiled model of an imputation/treatment/data alternative (compiled once)."""
        if key not in self.models:
            changes = {}
            for name, k in zip(COMPILED[:2], key[:2], strict=True):
                if self.factor(name) is not None:
                    changes[name] = self.factor(name).alternatives[k]
            # the nominal data were validated once (the base model's panel); a perturbed panel is validated anew
            data = self.panels[key[2]] if self.panels else (self.base.checked or self.data)
            spec = self.base.spec.replace(**changes) if changes else self.base.spec
            model = compile_model(data, spec=spec, groups=self.base.groups)
            if not model.units.equals(self.base.units):
                raise SpecError(
                    "an alternative changes the units scored (economy-years)",
                    field=_names(changes),
                    hint="uncertain choices must keep the same units; fix years in the build keywords",
                )
            self.models[key] = model
        return self.models[key]

    def keys(self, reps: Replications) -> np.ndarray:
        """Per replication the compiled model's key and the normalisation and aggregation drawn, ``(n, 5)``."""
        n = len(reps)
        names = (*COMPILED, "normalisation", "aggregation")
        return np.stack([reps.choice.get(name, np.zeros(n, dtype="intp")) for name in names], axis=1)

    def evaluate(
        self, reps: Replications, *, node: str | None = None, chunk: int = CHUNK, progress: bool | None = None
    ) -> np.ndarray:
        """Scores ``(n, units)`` of ``node`` (default the index) of every replication.

        Replications are grouped by compiled model and methods drawn (``np.unique`` of their keys): each group
        is one call of :meth:`~ictindex.model.IndexModel.evaluate` per chunk, with one method choice for all its
        rows."""
        node_pos = self.base.nodes.index(node or self.base.framework.index)
        n = len(reps)
        out = np.empty((n, len(self.base.units)))
        keys = self.keys(reps)
        sizes = tuple(int(k) + 1 for k in keys.max(axis=0, initial=0))
        codes, inverse = np.unique(np.ravel_multi_index(tuple(keys.T), sizes), return_inverse=True)
        distinct = np.stack(np.unravel_index(codes, sizes), axis=1)
        order = np.argsort(inverse.ravel(), kind="stable")
        bounds = np.searchsorted(inverse.ravel()[order], np.arange(len(distinct) + 1))
        # the matrix products are small ((units x children) by (children x chunk)): threads of a BLAS
        # only contend for the cores (13x slower on a busy 2-core machine), so run them on one
        with _progress(n, progress) as advance, one_blas_thread():
            for g, key in enumerate(distinct.tolist()):
                rows = order[bounds[g] : bounds[g + 1]]
                model = self.model(tuple(key[:3]))
                methods = self._methods(tuple(key[3:]))
                for start in range(0, rows.size, chunk):
                    part = rows[start : start + chunk]
                    out[part] = model.evaluate(weights=reps.weights[part], **methods)[:, :, node_pos]
                    advance(part.size)
        return out

    def score_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Per unit, the least and greatest value any replication can score: a mean lies within the values it
        averages, so within the unit's normalised values over every compiled model and normalisation
        alternative (and any zero floor), times the framework's scale."""
        units = len(self.base.units)
        low, high = np.full(units, np.inf), np.full(units, -np.inf)
        norm = self.factor("normalisation")
        with warnings.catch_warnings():  # a unit with no value at all: all-NaN rows
            warnings.simplefilter("ignore", RuntimeWarning)
            for model in self.models.values():
                for alternative in norm.alternatives if norm is not None else (None,):
                    x = model.normalised_values(alternative)
                    low, high = np.fmin(low, np.nanmin(x, axis=1)), np.fmax(high, np.nanmax(x, axis=1))
        floors = [f for f in self.base.tree.floors if f is not None] + _zero_floors(self.spec.aggregation or [])
        if floors:
            low, high = np.fmin(low, min(floors)), np.fmax(high, max(floors))
        scale = self.base.framework.scale
        low, high = np.where(np.isfinite(low), low, 0.0) * scale, np.where(np.isfinite(high), high, 0.0) * scale
        return np.minimum(low, high), np.maximum(low, high)

    def for_workers(self) -> Problem:
        """This problem without its input data (every model is compiled already): what a worker process needs."""
        self.check_compiled()
        lean = {key: model.for_evaluation() for key, model in self.models.items()}
        base = next((m for key, m in lean.items() if self.models[key] is self.base), self.base.for_evaluation())
        return Problem(None, self.spec, base, self.factors, self.noise, (), lean)

    def check_compiled(self) -> None:
        sizes = [len(self.factor(n).alternatives) if self.factor(n) else 1 for n in COMPILED]
        for key in np.ndindex(*sizes):
            self.model(key)

    def _methods(self, key: tuple[int, int]) -> dict[str, Any]:
        methods = {}
        for name, k in zip(("normalisation", "aggregation"), key, strict=True):
            f = self.factor(name)
            if f is not None:
                methods[name] = f.alternatives[k]
        return methods

    # -- checks before replication 1 --------------------------------------------------------------------------
    def check(self) -> None:
        """Compile every model alternative and evaluate every method combination once with the nominal
        weights: an impossible combination (a geometric mean meeting a zero) is refused now."""
        sizes = [len(self.factor(n).alternatives) if self.factor(n) else 1 for n in COMPILED]
        norms = self.factor("normalisation").alternatives if self.factor("normalisation") else (None,)
        aggs = self.factor("aggregation").alternatives if self.factor("aggregation") else (None,)
        for key in np.ndindex(*sizes):
            model = self.model(key)
            for norm in norms:
                for agg in aggs:
                    try:
                        model.evaluate(normalisation=norm, aggregation=agg)
                    except MethodError as err:
                        raise SpecError(
                            f"the alternatives cannot be combined: normalisation {_label(norm) or 'nominal'} with "
                            f"aggregation {_label(agg) or 'nominal'}: {_what(err.message)}",
                            field="aggregation" if agg is not None else "normalisation",
                            economy=err.economy,
                            node=err.node,
                            year=err.year,
                            hint="normalise to a positive range for geometric/harmonic means (e.g. "
                            "{method: minmax, target: [1, 100]}), or drop that alternative",
                        ) from None
        for name, size in zip(COMPILED, sizes, strict=True):
            _warn_identical(self, name, size)


def _zero_floors(alternatives: Sequence[Any]) -> list[float]:
    """Every ``zero_floor`` an aggregation alternative sets (on every node, or per node)."""
    found = []
    for alternative in alternatives:
        rules = alternative.values() if _per_item(alternative) else [alternative]
        found += [r["zero_floor"] for r in rules if isinstance(r, Mapping) and r.get("zero_floor") is not None]
    return [float(f) for f in found]


def _what(message: str) -> str:
    """The engine's message without its method name (it names the framework's method, not the alternative)."""
    return (
        "needs positive values, " + message.split("needs positive values, ", 1)[1]
        if ("needs positive values, " in message)
        else message
    )


def _names(changes: Mapping[str, Any]) -> str:
    return ", ".join(changes) or "data"


def _warn_identical(problem: Problem, name: str, size: int) -> None:
    """Two alternatives of a compiled factor that give the same values here (e.g. winsorisation limits 4
    and 5 when no indicator needs a fifth point) are kept, as drawn (COINr's design draws them too), but
    said out loud: the spread they add is nil."""
    if size < 2 or name == "data":
        return
    position = COMPILED.index(name)
    seen: dict[bytes, int] = {}
    for k in range(size):
        model = problem.model(tuple(k if i == position else 0 for i in range(len(COMPILED))))
        digest = np.nan_to_num(np.concatenate([model.values, model.normalised], axis=1), nan=np.inf).tobytes()
        if digest in seen:
            labels = problem.factor(name).labels
            warnings.warn(
                f"{name} alternatives {labels[seen[digest]]!r} and {labels[k]!r} give the same values on these "
                "data; both are drawn",
                UserWarning,
                stacklevel=4,
            )
        seen.setdefault(digest, k)


def prepare(data: Any, framework: str | Path | Framework | None, spec: Any, **build: Any) -> Problem:
    """Compile the nominal model and check the spec against it (no replication is run)."""
    spec = UncertaintySpec.load(spec)
    if spec.treatment and "treatment" not in BuildSpec.model_fields:
        raise SpecError(
            "treatment alternatives need the outlier-treatment stage, which this version lacks",
            field="treatment",
            hint="remove 'treatment' from the spec",
        )
    base = compile_model(data, framework, **build)
    factors, noise, column = [], np.zeros(len(base.edges)), 0
    if spec.weights is not None:
        per_node = spec.weights.per_node(base.nodes)
        unknown = sorted(set(spec.weights.nodes or {}) - set(base.nodes))
        if unknown:
            raise SpecError(
                f"no node {unknown} in framework '{base.framework.code}'",
                field="weights.nodes",
                hint=f"use node codes: {list(base.nodes)}",
            )
        bad = {n: v for n, v in per_node.items() if not 0 <= v < 1}
        if bad:
            raise SpecError(
                f"weight noise must be in [0, 1), got {bad}", field="weights.nodes", hint="write e.g. 0.25 for +/-25 %"
            )
        noise = np.array([per_node[parent] for parent, _ in base.edges])
        if noise.any():
            factors.append(Factor("weights", slice(0, len(base.edges))))
            column = len(base.edges)
    panels: tuple[pd.DataFrame, ...] = ()
    for name in CHOICES:
        alternatives = _alternatives(spec, name, base, data)
        if name == "data" and spec.data is not None:
            panels = _perturbed_panels(data, base, spec.data)
            alternatives = tuple(range(len(panels)))
        if alternatives:
            factors.append(Factor(name, slice(column, column + 1), tuple(alternatives)))
            column += 1
    if not factors:
        raise SpecError(
            "the uncertainty spec varies nothing",
            field="spec",
            hint="give weights noise or at least two alternatives of a method",
        )
    problem = Problem(data, spec, base, tuple(factors), noise, panels)
    if not any(problem.factor(name) for name in COMPILED):
        problem.models[(0, 0, 0)] = base
    for name in ("normalisation", "aggregation"):  # the engine names an unknown method or node
        f = problem.factor(name)
        if f is not None:
            for alternative in f.alternatives:
                try:
                    base.evaluate(**{name: alternative})
                except MethodError as err:
                    if name == "aggregation":
                        break  # combinations are checked below, naming both alternatives
                    raise SpecError(
                        f"normalisation alternative {_label(alternative)!r} cannot be fitted: {err.message}",
                        field=name,
                        indicator=err.indicator,
                        year=err.year,
                        economy=err.economy,
                        hint=err.hint,
                    ) from None
    problem.check()
    return problem


def _alternatives(spec: UncertaintySpec, name: str, base: IndexModel, data: Any) -> tuple[Any, ...]:
    if name == "exclude_indicator":
        return (None, *base.indicators) if spec.exclude_indicator else ()
    if name == "data":
        return ()
    alternatives = spec.alternatives(name)
    if len(alternatives) == 1:
        raise SpecError(
            f"{name} gives one alternative: nothing varies",
            field=name,
            hint="give two or more alternatives (include the nominal one to draw it too)",
        )
    for k, a in enumerate(alternatives):
        if a in alternatives[:k]:
            raise SpecError(
                f"{name} alternative {_label(a)!r} is listed twice", field=name, hint="list each alternative once"
            )
        if isinstance(a, dict) and "method" not in a and name in ("imputation", "treatment"):
            raise SpecError(
                f"a {name} alternative needs a 'method', got {a}",
                field=name,
                hint="write e.g. {method: latest, max_gap: 3}",
            )
    if name in ("imputation", "treatment"):  # the build checks the method and its parameters
        resolved = [getattr(base.spec.replace(**{name: a}), name) for a in alternatives]
        for k, r in enumerate(resolved):
            if r in resolved[:k]:
                first = _label(alternatives[resolved.index(r)])
                raise SpecError(
                    f"{name} alternatives {first!r} and {_label(alternatives[k])!r} are the same",
                    field=name,
                    hint="list each alternative once",
                )
    if name == "normalisation" and (base.spec.by_sex or base.spec.sex != "total"):
        for a in alternatives:
            method = a if isinstance(a, str) else a.get("method")
            if method in normalisations and normalisations.get(method).within_year:
                raise SpecError(
                    f"normalisation {method!r} ranks each sex within its own group",
                    field=name,
                    hint="use goalpost, min-max or z-score in a by-sex analysis",
                )
    return tuple(alternatives)


def _perturbed_panels(data: Any, base: IndexModel, error: DataError) -> tuple[pd.DataFrame, ...]:
    """``draws`` copies of the validated panel, every value times ``1 + e U(-1, 1)`` (seeded by draw)."""
    panel = base.checked.panel if base.checked is not None else to_panel(data, base.framework).panel
    series = set(panel["indicator"])
    per_series = error.error if isinstance(error.error, dict) else dict.fromkeys(series, error.error)
    unknown = sorted(set(per_series) - series)
    if unknown:
        raise SpecError(
            f"data error given for {unknown}, not series of the panel",
            field="data.error",
            hint=f"use the panel's indicator codes, e.g. {sorted(series)[:5]}",
        )
    e = panel["indicator"].map(per_series).fillna(0.0).to_numpy(dtype="float64")
    value = panel["value"].to_numpy(dtype="float64")
    bounds = _series_bounds(base)
    low = np.fmin(panel["indicator"].map({k: b[0] for k, b in bounds.items()}).to_numpy(dtype="float64"), value)
    high = np.fmax(panel["indicator"].map({k: b[1] for k, b in bounds.items()}).to_numpy(dtype="float64"), value)
    panels = []
    for k in range(error.draws):
        u = np.random.default_rng([20_051_350, k]).uniform(-1.0, 1.0, size=len(panel))
        drawn = np.clip(value * (1.0 + e * u), np.nan_to_num(low, nan=-np.inf), np.nan_to_num(high, nan=np.inf))
        panels.append(panel.assign(value=drawn))
    return tuple(panels)


def _series_bounds(base: IndexModel) -> dict[str, tuple[float, float]]:
    """The admissible range of every input series (a percentage stays within 0-100 when perturbed):
    the indicator's ``valid_range`` for its own series, ``>= 0`` for the parts of a ratio."""
    bounds: dict[str, tuple[float, float]] = {}
    for code, rng in dict(base.spec.known_series or {}).items():
        bounds[code] = tuple(np.nan if b is None else b for b in rng)
    for ind in base.framework.indicators:
        valid = tuple(np.nan if b is None else b for b in ind.valid_range)
        bounds[ind.code] = valid
        if ind.source is not None:
            for series in ind.source.codes if ind.source.is_ratio else ind.source.series:
                bounds.setdefault(series, (0.0, np.nan) if ind.source.is_ratio else valid)
    return bounds


# -- sampling -----------------------------------------------------------------------------------------------
def unit_sample(n: int, d: int, seed: int, sampler: str = "sobol") -> np.ndarray:
    """``n`` points of ``[0, 1)^d``: scrambled Sobol' (Owen scrambling), Latin hypercube or plain random
    (all of :class:`~ictindex.replicate.Design`, which also draws any chunk of them on its own)."""
    return Design.create(n, d, seed, sampler).chunk(0, n)


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


# -- progress -------------------------------------------------------------------------------------------------
class _progress:
    """A rich progress bar on a terminal (or when asked); silent in tests and notebooks by default."""

    def __init__(self, total: int, show: bool | None) -> None:
        self.total = total
        self.show = sys.stderr.isatty() and "ipykernel" not in sys.modules if show is None else show
        self.bar = None

    def __enter__(self) -> Callable[[int], None]:
        if not self.show:
            return lambda step: None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        task = self.bar.add_task("replications", total=self.total)
        return lambda step: self.bar.advance(task, step)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


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
        from ictindex.report.uncertainty_charts import rank_uncertainty_chart

        return rank_uncertainty_chart(self, **kwargs)


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


def _per_item(choice: Any) -> bool:
    return isinstance(choice, Mapping) and "method" not in choice


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
        The uncertain inputs: an :class:`UncertaintySpec`, a mapping or a YAML path.
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


class _CallableModule(types.ModuleType):
    """``ictindex.uncertainty`` names both this module and the function :func:`uncertainty`: calling the module calls
    the function, so the public call works even where a tool re-binds the package attribute to the module
    (pytest's importlib import mode does)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return uncertainty(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
