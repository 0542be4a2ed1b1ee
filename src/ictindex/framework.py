"""Index frameworks as data: pydantic models for the files in ``indicators/``.

A framework says what an index *is*: its indicators (unit, direction, the
source series they are computed from, normalisation with goalposts), and the
tree of aggregate nodes (index -> sub-indices -> ... -> indicators) with the
aggregation method and child weights of each node. Code holds only methods; a
new index is a new YAML file.

Conventions (also in the README):

* **Weights** are given per child and rescaled to sum to 1 within their parent
  (so ``1, 1, 1`` and ``1/3, 1/3, 1/3`` mean the same). A weight may be 0.
* **Goalposts** (``lower``, ``upper``) are in the indicator's raw unit; a
  ``transform`` (``log10``) is applied to values and goalposts alike, so the
  IDI bandwidth rule ``log10(x) / log10(ref)`` is ``lower: 1, upper: ref,
  transform: log10``.
* **Direction** ``lower`` (lower is better, e.g. prices) is handled in one
  place, :mod:`ictindex.normalise`.
* ``min_indicators`` (optional) is an inclusion rule on the whole economy: fewer
  indicators present than this and no node is scored (IDI 2024: 5 of 10).
* ``scale`` multiplies every aggregate score (1 for the DOI's 0-1 scale, 10
  for the IDI 2009-2017 0-10 scale); ``rounding`` is applied to published
  tables only, never inside the computation.
* ``checks`` (optional) names plausibility checks and their severity
  (:class:`CheckSetting`, :mod:`ictindex.checks`); unnamed checks take their
  default from each indicator's unit and direction.
* ``current_framework`` (optional) names a framework that applies the same
  method to series collected today (``doi`` -> ``doi_current``): a build whose
  series are absent from the data says so.

>>> fw = load_framework("doi")
>>> fw.index, len(fw.indicators), [c.code for c in fw.node(fw.index).children]
('DOI', 11, ['opportunity', 'infrastructure', 'utilization'])
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ictindex.errors import FrameworkError, IctIndexError
from ictindex.limits import check_count
from ictindex.resources import bundled_dir

__all__ = [
    "Normalisation",
    "SourceRule",
    "Indicator",
    "Child",
    "Aggregation",
    "Node",
    "Framework",
    "load_framework",
    "available_frameworks",
    "CheckSetting",
    "read_yaml",
]


def _registered(kind: str, name: str) -> str:
    """A method name must be in its registry (:mod:`ictindex.registry`), built-in or the user's."""
    from ictindex import registry  # the registry loads the stage modules that fill it

    found = getattr(registry, kind)
    if name not in found:
        raise ValueError(
            f"unknown {found.kind} method '{name}': use one of {found.names()} "
            "or register your own (see ictindex.registry)"
        )
    return name


class _Model(BaseModel):
    # allow_inf_nan=False: every number of a framework is finite (``upper: .inf`` would make every
    # score of the indicator 0, ``scale: .inf`` every index infinite)
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Normalisation(_Model):
    """How an indicator's raw values become comparable scores (mostly 0-1).

    ``goalpost``: ``(T(x) - T(lower)) / (T(upper) - T(lower))``, capped to [0, 1] when
    ``cap``, with T the identity, ``log10`` or ``ln1p`` (``ln(x + 1)``, the IDI 2024 traffic
    transform); the goalposts may be given as ``threshold`` (score 0) and ``goalpost``
    (score 1) instead, in ITU's IDI 2023+ wording; ``minmax``: the same with lower/upper
    learned from the data, then mapped to ``target``; ``zscore``: ``(x - mean) / sd``
    (sample sd, n - 1); ``rank``; ``percentile`` rank in (0, 1]; ``frontier``: distance to
    the best performer ``x / max``; ``none``: values used as they are.
    """

    method: str = "goalpost"
    lower: float | None = None
    upper: float | None = None
    threshold: float | None = None
    goalpost: float | None = None
    cap: bool = True
    transform: Literal["identity", "log10", "ln1p"] = "identity"
    target: tuple[float, float] = (0.0, 1.0)
    params: dict[str, Any] | None = None

    @field_validator("method")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered("normalisations", name)

    @model_validator(mode="before")
    @classmethod
    def _threshold_goalpost(cls, data: Any) -> Any:
        """ITU IDI 2023+ wording (Annex 1): score 0 at the ``threshold``, 1 at the ``goalpost``.

        With a goalpost below the threshold (prices, lower is better) the scale is reversed:
        ``(threshold - x) / (threshold - goalpost)``. Both are stored as ``lower``/``upper``
        (the smaller and the larger), so the goalpost formula needs nothing else; the
        indicator's ``direction`` must agree (checked in :class:`Indicator`).
        """
        if not isinstance(data, dict) or (data.get("threshold") is None and data.get("goalpost") is None):
            return data
        threshold, goal = data.get("threshold"), data.get("goalpost")
        if threshold is None or goal is None:
            raise ValueError("give both 'threshold' (score 0) and 'goalpost' (score 1), or use lower/upper")
        low, high = sorted((float(threshold), float(goal)))
        for key, implied in (("lower", low), ("upper", high)):
            if data.get(key) is not None and float(data[key]) != implied:
                raise ValueError(
                    f"'{key}' ({data[key]}) contradicts threshold {threshold} and goalpost {goal}; "
                    "give either lower/upper or threshold/goalpost"
                )
        return {**data, "lower": low, "upper": high}

    @model_validator(mode="after")
    def _goalposts(self) -> Normalisation:
        if self.method == "goalpost":
            if self.lower is None or self.upper is None:
                raise ValueError("method 'goalpost' needs both 'lower' and 'upper' goalposts")
            if not self.lower < self.upper:
                raise ValueError(f"goalposts need lower < upper, got lower={self.lower}, upper={self.upper}")
            if self.transform == "log10" and self.lower <= 0:
                raise ValueError("a log10 transform needs a positive lower goalpost (e.g. 1)")
            if self.transform == "ln1p" and self.lower <= -1:
                raise ValueError("an ln1p transform ln(x + 1) needs a lower goalpost above -1")
        if not self.target[0] < self.target[1]:
            raise ValueError(f"target range needs low < high, got {self.target}")
        return self


class SourceRule(_Model):
    """How an indicator is computed from published source series.

    Either ``series`` (alternative codes, first present wins), or a ratio
    ``numerator / denominator * multiplier`` of two series.
    """

    series: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    multiplier: float = 1.0

    @model_validator(mode="after")
    def _one_kind(self) -> SourceRule:
        ratio = self.numerator is not None or self.denominator is not None
        if ratio and (self.numerator is None or self.denominator is None):
            raise ValueError("a ratio needs both 'numerator' and 'denominator'")
        if ratio and self.series:
            raise ValueError("give either 'series' or a ratio (numerator/denominator), not both")
        if not ratio and not self.series:
            raise ValueError("give 'series' or 'numerator' and 'denominator'")
        return self

    @property
    def is_ratio(self) -> bool:
        return self.numerator is not None

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator) if self.is_ratio else self.series  # type: ignore[return-value]


class Indicator(_Model):
    """One indicator of a framework (a leaf of the tree)."""

    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.$-]*$")
    name: str
    unit: str
    direction: Literal["higher", "lower"] = "higher"
    normalisation: Normalisation = Normalisation(method="goalpost", lower=0, upper=100)
    source: SourceRule | None = None
    sex_disaggregable: bool = False
    bounds: tuple[float | None, float | None] | None = None
    citation: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _direction_agrees(self) -> Indicator:
        spec = self.normalisation
        if spec.threshold is not None and spec.goalpost is not None:
            reversed_scale = spec.goalpost < spec.threshold
            if reversed_scale != (self.direction == "lower"):
                raise ValueError(
                    f"goalpost {spec.goalpost} is {'below' if reversed_scale else 'above'} threshold "
                    f"{spec.threshold}, so lower values {'are' if reversed_scale else 'are not'} better: "
                    f"set direction: {'lower' if reversed_scale else 'higher'}"
                )
        return self

    @property
    def valid_range(self) -> tuple[float | None, float | None]:
        """Bounds a raw value must lie in: explicit ``bounds``, else 0-100 for a "%" unit,
        else non-negative."""
        if self.bounds is not None:
            return self.bounds
        if self.unit.strip() == "%":
            return (0.0, 100.0)
        return (0.0, None)


class Child(_Model):
    code: str
    weight: float = 1.0

    @field_validator("weight")
    @classmethod
    def _finite_non_negative(cls, w: float) -> float:
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weights must be finite and >= 0, got {w}")
        return w


class Aggregation(_Model):
    """How a node combines its children.

    ``arithmetic``: sum w_i x_i; ``geometric``: prod x_i^w_i; ``harmonic``:
    1 / sum(w_i / x_i); ``power``: (sum w_i x_i^p)^(1/p). Geometric and harmonic
    means need positive values: with ``zero_floor`` set, values below it are
    raised to it (and recorded), otherwise a zero is an error. ``min_coverage``
    is the share of children that must be present (default: the framework's).
    """

    method: str = "arithmetic"
    power: float | None = None
    zero_floor: float | None = None
    min_coverage: float | None = Field(default=None, ge=0, le=1)
    params: dict[str, Any] | None = None

    @field_validator("method")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered("aggregations", name)

    @model_validator(mode="after")
    def _power(self) -> Aggregation:
        if self.method == "power" and (self.power is None or self.power == 0):
            raise ValueError("method 'power' needs a non-zero 'power' (use 'geometric' for p = 0)")
        if self.zero_floor is not None and self.zero_floor <= 0:
            raise ValueError("zero_floor must be positive")
        return self


class Imputation(_Model):
    """Default imputation of a framework (``none``, or ``latest`` available value at most
    ``max_gap`` years old, as ITU did for the DOI); other keys are the method's parameters
    (``{method: group_mean, by: EurAsia_group}``, see :mod:`ictindex.impute`)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    method: str = "none"
    max_gap: int = Field(default=3, ge=1, le=20)

    @field_validator("method")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered("imputations", name)


class Screening(_Model):
    """Unit screening by data availability (:mod:`ictindex.screen`): a unit (economy and year) is kept
    when at least ``min_share`` of the framework's indicators have a value, counted on the ``observed``
    values (before imputation) or on the ``imputed`` ones (after it, as COINr's ``Screen(dset =
    "Imputed")``)."""

    min_share: float = Field(ge=0, le=1)
    count: Literal["observed", "imputed"] = "observed"


class Treatment(_Model):
    """Outlier treatment (:mod:`ictindex.treat`): a registered method, its parameters (``winmax``,
    ``skew_thresh``, ``kurt_thresh``, ``log``) and per-indicator overrides (``indicators: {Flights: none}``)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    method: str = "winsorise"
    indicators: dict[str, Any] | None = None

    @field_validator("method")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered("treatments", name)


class CheckSetting(_Model):
    """A check named in a framework's ``checks:`` section or in ``build_index(..., checks=...)``
    (:mod:`ictindex.checks`): its ``severity`` (``error`` stops the build naming the culprits, ``warning``
    keeps the finding with a warning, ``off``; unset: the check's default for each indicator's unit and
    direction), a severity per indicator (``indicators: {mobile_tariff: off}``: e.g. a price of zero is
    admissible there), and any other key is a parameter of the check (``jump: {points: 30}``).

    A bare severity stands for ``{severity: ...}``; YAML reads an unquoted ``off`` as false, which means
    ``off`` here too.

    >>> CheckSetting.model_validate("off").severity, CheckSetting.model_validate(False).severity
    ('off', 'off')
    >>> CheckSetting.model_validate({"points": 30}).params()
    {'points': 30}
    """

    model_config = ConfigDict(frozen=True, extra="allow", allow_inf_nan=False)
    severity: Literal["error", "warning", "off"] | None = None
    indicators: dict[str, Literal["error", "warning", "off"]] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        def severity(value: Any) -> Any:
            return "off" if value is False else (None if value is True else value)

        if isinstance(data, str | bool):
            return {"severity": severity(data)}
        if isinstance(data, dict):
            data = {**data, "severity": severity(data.get("severity"))}
            if isinstance(data.get("indicators"), dict):
                data["indicators"] = {str(k): severity(v) or "warning" for k, v in data["indicators"].items()}
        return data

    def params(self) -> dict[str, Any]:
        """The check's own parameters (every key but ``severity`` and ``indicators``)."""
        return dict(self.model_extra or {})


class Node(_Model):
    """An aggregate node (the index itself, a sub-index, a pillar, ...)."""

    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.$-]*$")
    name: str
    aggregation: Aggregation = Aggregation()
    children: tuple[Child, ...] = Field(min_length=1)
    citation: str | None = None

    @model_validator(mode="after")
    def _weights(self) -> Node:
        codes = [c.code for c in self.children]
        if len(set(codes)) != len(codes):
            raise ValueError(f"a child is listed twice in {codes}")
        total = sum(c.weight for c in self.children)
        if total <= 0:
            raise ValueError("child weights sum to zero; at least one must be positive")
        if not math.isfinite(total):
            raise ValueError(
                f"child weights {[c.weight for c in self.children]} sum to infinity; use smaller "
                "weights (they are rescaled to sum to 1 anyway)"
            )
        return self

    @property
    def weights(self) -> dict[str, float]:
        """Child weights rescaled to sum to 1."""
        total = sum(c.weight for c in self.children)
        return {c.code: c.weight / total for c in self.children}


class Framework(_Model):
    """A whole index: metadata, the tree of nodes and the indicators."""

    code: str
    name: str
    version: str | None = None
    description: str | None = None
    citation: str | None = None
    index: str
    scale: float = Field(default=1.0, gt=0)
    rounding: int = Field(default=2, ge=0, le=10)
    min_coverage: float = Field(default=2 / 3, ge=0, le=1)
    min_indicators: int | None = Field(default=None, ge=1)
    # what a unit of the data is called in titles, headers and messages (province, district, city); default:
    # "economy" for economies, else the units table's word or "unit" (ictindex.units)
    unit_noun: str | None = Field(default=None, pattern=r"^[^\W\d_](?:[^\W\d_]|[ '-]){0,39}$")
    unit_plural: str | None = Field(default=None, pattern=r"^[^\W\d_](?:[^\W\d_]|[ '-]){0,39}$")
    imputation: Imputation = Imputation()
    screening: Screening | None = None
    treatment: Treatment | None = None
    checks: dict[str, CheckSetting] | None = None
    current_framework: str | None = None
    nodes: tuple[Node, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _tree(self) -> Framework:
        codes = [n.code for n in self.nodes] + [i.code for i in self.indicators]
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                raise ValueError(f"code '{code}' is used twice (node and indicator codes must be unique)")
            seen.add(code)
        nodes = {n.code: n for n in self.nodes}
        if self.index not in nodes:
            raise ValueError(f"the index node '{self.index}' is not among the nodes {sorted(nodes)}")
        parent: dict[str, str] = {}
        for n in self.nodes:
            for c in n.children:
                if c.code not in seen:
                    raise ValueError(f"node '{n.code}' has child '{c.code}', which is neither a node nor an indicator")
                if c.code in parent:
                    raise ValueError(
                        f"'{c.code}' is a child of both '{parent[c.code]}' and '{n.code}'; the framework must be a tree"
                    )
                parent[c.code] = n.code
        if self.min_indicators is not None and self.min_indicators > len(self.indicators):
            raise ValueError(
                f"min_indicators {self.min_indicators} is more than the {len(self.indicators)} "
                "indicators of the framework"
            )
        _check_checks(self.checks, {i.code for i in self.indicators})
        if self.index in parent:
            raise ValueError(
                f"cycle in the tree: the index node '{self.index}' is listed as a child of '{parent[self.index]}'"
            )
        # walk down from the index: every code must be reached once (a cycle or a detached part is not)
        children = {n.code: [c.code for c in n.children] for n in self.nodes}
        reached, stack = {self.index}, [self.index]
        while stack:
            for child in children.get(stack.pop(), ()):
                reached.add(child)
                if child in children:
                    stack.append(child)
        for code in codes:
            if code not in reached:
                raise ValueError(_detached(code, parent, self.index))
        return self

    # -- navigation ---------------------------------------------------------------
    @cached_property
    def _nodes_by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    @cached_property
    def _indicators_by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def node(self, code: str) -> Node:
        try:
            return self._nodes_by_code[code]
        except KeyError:
            raise FrameworkError(f"no node '{code}' in framework '{self.code}'", node=code) from None

    def indicator(self, code: str) -> Indicator:
        try:
            return self._indicators_by_code[code]
        except KeyError:
            raise FrameworkError(f"no indicator '{code}' in framework '{self.code}'", indicator=code) from None

    def label(self, code: str) -> str:
        """Display name of a node or indicator (what tables and charts print for a code).

        >>> load_framework("doi").label("internet_tariff")
        'Internet access tariffs (20 hours per month) as a percentage of per capita income'
        """
        node = self._nodes_by_code.get(code)
        return node.name if node is not None else self.indicator(code).name

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @cached_property
    def aggregation_order(self) -> list[str]:
        """Node codes bottom-up: every node comes after all of its child nodes."""
        nodes = self._nodes_by_code
        order: list[str] = []
        stack: list[tuple[str, bool]] = [(self.index, False)]
        while stack:  # iterative post-order: a chain thousands of levels deep is fine
            code, expanded = stack.pop()
            if expanded:
                order.append(code)
                continue
            stack.append((code, True))
            stack.extend((c.code, False) for c in reversed(nodes[code].children) if c.code in nodes)
        return order

    @cached_property
    def top_down_order(self) -> list[str]:
        """Node codes level by level from the index down, in the order the file lists children."""
        nodes = self._nodes_by_code
        order, queue = [], deque([self.index])
        while queue:
            code = queue.popleft()
            order.append(code)
            queue.extend(c.code for c in nodes[code].children if c.code in nodes)
        return order

    @cached_property
    def parents(self) -> dict[str, str]:
        return {c.code: n.code for n in self.nodes for c in n.children}

    @cached_property
    def depths(self) -> dict[str, int]:
        """Level of every node and indicator (0 = the index)."""
        out = {self.index: 0}
        for code in self.top_down_order:
            for c in self._nodes_by_code[code].children:
                out[c.code] = out[code] + 1
        return out

    def depth(self, code: str) -> int:
        return self.depths[code]

    @property
    def series_codes(self) -> set[str]:
        """Every source-series code the framework can compute an indicator from."""
        return {s for i in self.indicators if i.source for s in i.source.codes}

    # -- serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @property
    def sha256(self) -> str:
        """Hash of the framework's content (for provenance records)."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<dict>") -> Framework:
        if not isinstance(data, dict):
            raise FrameworkError(
                "a framework must be a mapping with 'code', 'name', 'index', 'nodes' and 'indicators'",
                file=source,
                hint="see indicators/doi.yaml for a complete example",
            )
        for key in ("indicators", "nodes"):  # before validating: 100,000 indicators would take minutes
            if isinstance(data.get(key), list | tuple):
                check_count(
                    len(data[key]),
                    "MAX_INDICATORS",
                    f"the framework's {key}",
                    error=FrameworkError,
                    file=source,
                    field=key,
                )
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            raise FrameworkError(
                f"invalid framework: {first['msg'].removeprefix('Value error, ')}",
                file=source,
                field=_describe_location(data, first["loc"]),
                hint="correct that field (see indicators/doi.yaml for a complete example)",
            ) from None


def _check_checks(settings: dict[str, CheckSetting] | None, indicators: set[str]) -> None:
    """A ``checks:`` section names registered checks (or ``all``), parameters they take and indicators of
    the framework."""
    from ictindex.registry import checks

    for name, setting in (settings or {}).items():
        if name != "all":
            _registered("checks", name)
            taken = checks.get(name).parameters
            unknown = sorted(set(setting.params()) - set(taken))
            if unknown:
                raise ValueError(f"check '{name}' takes no parameter {unknown}; its parameters: {sorted(taken)}")
        elif setting.params():
            raise ValueError("'all' sets a severity for every check and takes no parameters")
        strange = sorted(set(setting.indicators or {}) - indicators)
        if strange:
            raise ValueError(f"check '{name}' names indicators {strange} that are not in the framework")


def _detached(code: str, parent: dict[str, str], index: str) -> str:
    """Why ``code`` is not reached from the index: the cycle it sits on, or that it hangs loose."""
    path, seen = [code], {code}
    while path[-1] in parent:
        up = parent[path[-1]]
        if up in seen:
            return "cycle in the tree: " + " -> ".join([*path, up])
        path.append(up)
        seen.add(up)
    return f"'{code}' is not connected to the index node '{index}'"


def _describe_location(data: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location into ``nodes[2] (code 'opportunity').children[0].weight``."""
    parts: list[str] = []
    current = data
    for key in loc:
        if isinstance(key, int) and isinstance(current, list) and key < len(current):
            current = current[key]
            label = f"[{key}]"
            if isinstance(current, dict) and "code" in current:
                label += f" (code '{current['code']}')"
            parts.append(label)
        else:
            current = current.get(key) if isinstance(current, dict) else None
            parts.append(("." if parts else "") + str(key))
    return "".join(parts) or "<top level>"


#: Deepest nesting of mappings and lists a framework file may have (the bundled ones use 5).
MAX_YAML_DEPTH = 50
#: Most values the aliases (``*name``) of a framework file may add once expanded: nested aliases grow
#: exponentially ("billion laughs"); the bundled files use none. (The file's own size is bounded by
#: :data:`ictindex.limits.MAX_YAML_BYTES`.)
MAX_YAML_VALUES = 100_000
#: libyaml's parser (about ten times faster than PyYAML's own) when PyYAML was built with it, as its wheels are.
_YAML_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_YAML_BASE):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader that refuses a key repeated within one mapping (PyYAML keeps the last
    silently; YAML 1.2 section 3.2.1.1 requires keys to be unique) and nesting deeper than
    :data:`MAX_YAML_DEPTH` (PyYAML's own composer is recursive and would end in a RecursionError; the composed
    nodes are measured in :func:`_load_yaml` for libyaml's). Errors are of class ``error`` (a framework file's
    :class:`~ictindex.errors.FrameworkError`, an uncertainty spec's :class:`~ictindex.errors.SpecError`)."""

    source = "<yaml>"
    error: type[IctIndexError] = FrameworkError

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # PyYAML's own composer only
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _too_deep(self.source, mark.line + 1, self.error)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, list | dict):
                continue  # unhashable: the base class raises its own error
            if key in seen:
                raise self.error(
                    f"key '{key}' appears twice in one mapping (lines {seen[key]} and {line})",
                    file=self.source,
                    field=str(key),
                    line=line,
                    hint="keep one of them: YAML keeps only the last, silently",
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _too_deep(source: str, line: int | None, error: type[IctIndexError]) -> IctIndexError:
    return error(
        f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep" + (f" (at line {line})" if line else ""),
        file=source,
        line=line,
        hint="a framework or spec is a few levels of mappings and lists: check the file",
    )


def _deepest(node: yaml.Node) -> yaml.Node | None:
    """A node nested deeper than :data:`MAX_YAML_DEPTH`, or ``None`` (iteratively, each node once)."""
    stack, seen = [(node, 1)], set()
    while stack:
        current, depth = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if depth > MAX_YAML_DEPTH:
            return current
        if isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return None


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of values under ``node`` with every alias expanded (memoised: aliases share nodes)."""
    if id(node) not in memo:
        memo[id(node)] = 1  # a recursive alias (&a [*a]) counts once instead of looping
        if isinstance(node, yaml.MappingNode):
            memo[id(node)] += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            memo[id(node)] += sum(_expanded_size(v, memo) for v in node.value)
    return memo[id(node)]


def _load_yaml(text: str, *, source: str, error: type[IctIndexError] = FrameworkError) -> Any:
    """Parse YAML text with :class:`_StrictLoader`: no repeated key, no nesting deeper than
    :data:`MAX_YAML_DEPTH`, no aliases that add more than :data:`MAX_YAML_VALUES` values."""
    loader = _StrictLoader(text)
    loader.source, loader.error = source, error
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        deep = _deepest(node)
        if deep is not None:
            raise _too_deep(source, deep.start_mark.line + 1, error)
        memo: dict[int, int] = {}
        if _expanded_size(node, memo) - len(memo) > MAX_YAML_VALUES:  # what the aliases add to what is written
            raise error(
                f"the YAML holds more than {MAX_YAML_VALUES:,} values once its aliases (*name) are expanded",
                file=source,
                hint="write the values out: a framework or spec needs no deeply nested aliases",
            )
        return loader.construct_document(node)
    except RecursionError:  # PyYAML's own parser, on deeply nested flow collections it meets before composing
        raise _too_deep(source, None, error) from None
    except yaml.YAMLError as err:
        if "maximum nesting depth" in str(err):  # libyaml's own bound (1,000 levels)
            mark = getattr(err, "problem_mark", None)
            raise _too_deep(source, None if mark is None else mark.line + 1, error) from None
        raise
    finally:
        loader.dispose()


def read_yaml(path: str | Path, *, error: type[IctIndexError] = FrameworkError, what: str = "framework") -> Any:
    """Read a YAML file with the framework loader's guards, refusing what is wrong with ``error`` naming the file.

    The guards: the file's size (:data:`ictindex.limits.MAX_YAML_BYTES`, checked before it is read), UTF-8
    text, valid YAML (the line and column of a syntax error), no key repeated in a mapping, no nesting deeper
    than :data:`MAX_YAML_DEPTH`, no alias expansion beyond :data:`MAX_YAML_VALUES`. Used for framework files
    and for uncertainty specs (:meth:`ictindex.uncertainty.UncertaintySpec.load`).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise error(f"cannot read the {what} file: {err.strerror}", file=str(path), hint="check the path") from None
    check_count(size, "MAX_YAML_BYTES", f"the {what} file's size in bytes", error=error, file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = "it is not UTF-8 text" if isinstance(err, UnicodeDecodeError) else str(err.strerror)
        raise error(f"cannot read the {what} file: {reason}", file=str(path), hint="give a UTF-8 YAML file") from None
    try:
        return _load_yaml(text, source=str(path), error=error)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise error(f"not valid YAML{where}: {problem}", file=str(path), hint="fix the YAML syntax there") from None


def available_frameworks() -> list[str]:
    """Names of the frameworks shipped with the library.

    >>> "doi" in available_frameworks()
    True
    """
    return sorted(p.stem for p in bundled_dir("indicators").glob("*.yaml"))


def load_framework(name_or_path: str | Path | Framework) -> Framework:
    """Load a bundled framework by name (``"doi"``) or any framework YAML file by path.

    Raises :class:`~ictindex.errors.FrameworkError` naming the file and field at fault.
    """
    if isinstance(name_or_path, Framework):
        return name_or_path
    path = Path(name_or_path)
    if path.suffix.lower() not in {".yaml", ".yml"} and not path.exists():
        candidate = bundled_dir("indicators") / f"{name_or_path}.yaml"
        if not candidate.is_file():
            raise FrameworkError(
                f"unknown framework '{name_or_path}'",
                hint=f"use one of {available_frameworks()} or the path of a framework YAML file",
            )
        path = candidate
    if not path.is_file():
        raise FrameworkError("framework file not found", file=str(path), hint="check the path")
    return Framework.from_dict(read_yaml(path), source=str(path))
