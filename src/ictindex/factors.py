"""The uncertain inputs of an uncertainty or sensitivity analysis (:class:`UncertaintySpec`: weight noise,
alternative methods, data error) and the compiled problem (:func:`prepare` -> :class:`Problem`): one factor per
uncertain input, the compiled model of every imputation, treatment and data alternative, and the mapping of a row
of the unit hypercube to a replication (COINr's ``get_noisy_weights`` and ``sample_2_para``). Run by
:func:`ictindex.uncertainty.uncertainty` and :func:`ictindex.sensitivity.sensitivity`.
"""

from __future__ import annotations

import sys
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
from ictindex.model import IndexModel, compile_model, one_blas_thread
from ictindex.panel import to_panel
from ictindex.registry import normalisations
from ictindex.replicate import Design
from ictindex.spec import BuildSpec

__all__ = ["UncertaintySpec", "WeightNoise", "DataError", "Problem", "Factor", "prepare", "unit_sample"]


#: Replications evaluated at once: bounds the ``(chunk, units, nodes)`` work array of ``evaluate``.
CHUNK = 4096


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
    noise = _weight_noise(spec, base)
    factors = [Factor("weights", slice(0, len(base.edges)))] if noise.any() else []
    choices, panels = _choice_factors(spec, base, data, column=len(base.edges) if factors else 0)
    factors += choices
    if not factors:
        raise SpecError(
            "the uncertainty spec varies nothing",
            field="spec",
            hint="give weights noise or at least two alternatives of a method",
        )
    problem = Problem(data, spec, base, tuple(factors), noise, panels)
    if not any(problem.factor(name) for name in COMPILED):
        problem.models[(0, 0, 0)] = base
    _check_methods(problem, base)
    problem.check()
    return problem


def _weight_noise(spec: UncertaintySpec, base: IndexModel) -> np.ndarray:
    """The noise of every edge's weight (its parent node's; zero where the weights are not varied)."""
    if spec.weights is None:
        return np.zeros(len(base.edges))
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
    return np.array([per_node[parent] for parent, _ in base.edges])


def _choice_factors(
    spec: UncertaintySpec, base: IndexModel, data: Any, column: int
) -> tuple[list[Factor], tuple[pd.DataFrame, ...]]:
    """A factor for each of the :data:`CHOICES` with alternatives (one sample column each, from ``column`` on),
    and the perturbed panels of the data factor."""
    factors: list[Factor] = []
    panels: tuple[pd.DataFrame, ...] = ()
    for name in CHOICES:
        alternatives = _alternatives(spec, name, base, data)
        if name == "data" and spec.data is not None:
            panels = _perturbed_panels(data, base, spec.data)
            alternatives = tuple(range(len(panels)))
        if alternatives:
            factors.append(Factor(name, slice(column, column + 1), tuple(alternatives)))
            column += 1
    return factors, panels


def _check_methods(problem: Problem, base: IndexModel) -> None:
    """Evaluate the nominal model with each normalisation and aggregation alternative: a normalisation that cannot
    be fitted is refused here, naming it (an aggregation that fails, in its combinations by :meth:`Problem.check`)."""
    for name in ("normalisation", "aggregation"):  # the engine names an unknown method or node
        f = problem.factor(name)
        if f is not None:
            for alternative in f.alternatives:
                try:
                    base.evaluate(**{name: alternative})
                except MethodError as err:
                    if name == "aggregation":
                        break  # combinations are checked by Problem.check, naming both alternatives
                    raise SpecError(
                        f"normalisation alternative {_label(alternative)!r} cannot be fitted: {err.message}",
                        field=name,
                        indicator=err.indicator,
                        year=err.year,
                        economy=err.economy,
                        hint=err.hint,
                    ) from None


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


def _per_item(choice: Any) -> bool:
    return isinstance(choice, Mapping) and "method" not in choice
