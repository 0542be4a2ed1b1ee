"""The parts of a framework, validated by pydantic: indicators and their sources, nodes and their children, and
the methods a framework names (normalisation, aggregation, imputation, screening, treatment, checks), each checked
against the registry."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def _registered(kind: str, name: str) -> str:
    """A method name must be in its registry (:mod:`ictindex.registry`), built-in or the user's."""
    from ictindex import method_table  # built-in names are known before the stage modules load

    found = getattr(method_table, kind)
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
