"""``BuildSpec``: every argument of a build, checked once, frozen, kept on the result, replayable.

COINr logs the arguments of every construction step so that an index can be regenerated with
one setting changed; here that log is one object. ``build_index(data, spec=result.spec.replace(
min_coverage=0.5))`` rebuilds the same index with one thing changed.

>>> spec = BuildSpec.create("doi", years=2023, min_coverage=0.3)
>>> spec.years, spec.min_coverage, spec.framework.code
((2023,), 0.3, 'doi')
>>> spec.replace(min_coverage=0.5).min_coverage
0.5
>>> BuildSpec.create("doi", years=2023.0)
Traceback (most recent call last):
...
ictindex.errors.SpecError: years must be whole numbers (int), got 2023.0 (float) [field years]...
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from ictindex.arguments import _extra_names, _known_series, _missing_years, _parity_band, _share, _whole, _years
from ictindex.errors import IctIndexError, MethodError, SpecError
from ictindex.framework import CheckSetting, Framework, Screening, Treatment, _check_checks, load_framework
from ictindex.registry import aggregations, imputations, normalisations, treatments
from ictindex.units import UNIT_KINDS, Units, as_units

__all__ = ["BuildSpec", "ImputationSpec", "SEXES", "UNIT_KINDS"]

SEXES = ("total", "female", "male")
#: the version of the saved-spec format (:meth:`BuildSpec.save`)
SPEC_FORMAT = 1


class ImputationSpec(BaseModel):
    """An imputation method and its parameters (``max_gap`` for ``latest``; others in ``params``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    method: str = "none"
    max_gap: int = 3
    params: tuple[tuple[str, Any], ...] = ()

    def options(self) -> dict[str, Any]:
        return {"max_gap": self.max_gap, **dict(self.params)}


def _imputation(imputation: Any, max_gap: Any, framework: Framework) -> ImputationSpec:
    default = framework.imputation
    if imputation is None:
        method, params = default.method, dict(default.model_extra or {})
    elif isinstance(imputation, str):
        method, params = imputation, {}
    elif isinstance(imputation, Mapping):
        params = dict(imputation)
        method = params.pop("method", default.method)
        if "max_gap" in params and max_gap is None:
            max_gap = params.pop("max_gap")
    else:
        raise SpecError(
            f"imputation must be a method name or a mapping, got {type(imputation).__name__}",
            field="imputation",
            hint="write e.g. imputation='latest'",
        )
    if not isinstance(method, str) or method not in imputations:
        raise SpecError(
            f"unknown imputation method {method!r}", field="imputation", hint=f"use one of {imputations.names()}"
        )
    gap = default.max_gap if max_gap is None else _whole(max_gap, "max_gap")
    if gap < 1:
        raise SpecError(f"max_gap must be at least 1 year, got {gap}", field="max_gap", hint="write max_gap=3")
    _check_parameters(imputations.get(method).fn, params, f"imputation method '{method}'", "imputation", allowed={"by"})
    return ImputationSpec(method=method, max_gap=gap, params=tuple(sorted(params.items())))


def _check_parameters(fn: Any, params: Mapping[str, Any], what: str, field: str, allowed: set[str]) -> None:
    """Refuse parameter names a method does not take (``winmx`` for ``winmax``), naming them."""
    import inspect

    named = {
        n for n, p in inspect.signature(fn).parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    } | allowed
    unknown = sorted(set(params) - named)
    if unknown:
        raise SpecError(
            f"{what} takes no parameter {unknown}",
            field=field,
            hint=f"its parameters: {sorted(named - {'x', 'cube', 'years'})}",
        )


def _screening(screening: Any, framework: Framework) -> Screening | None:
    """``{"min_share": 0.9}`` (and ``count``: ``observed``/``imputed``), a bare share, or the framework's."""
    if screening is None:
        return framework.screening
    if isinstance(screening, Screening):
        return screening
    if isinstance(screening, numbers.Real) and not isinstance(screening, bool):
        screening = {"min_share": screening}
    if not isinstance(screening, Mapping):
        raise SpecError(
            f"screening must be a mapping such as {{'min_share': 0.9}}, got {screening!r}",
            field="screening",
            hint="write screening={'min_share': 0.9}",
        )
    try:
        return Screening(**screening)
    except ValueError as err:
        raise SpecError(
            f"screening {dict(screening)!r}: {str(err).splitlines()[-1].strip()}",
            field="screening",
            hint="write screening={'min_share': 0.9, 'count': 'observed'}",
        ) from None


def _treatment(treatment: Any, framework: Framework) -> Treatment | None:
    """A treatment method name, ``{"method": "winsorise", "winmax": 5, ...}``, or the framework's."""
    if treatment is None:
        treatment = framework.treatment
        if treatment is None:
            return None
    if isinstance(treatment, Treatment):
        treatment = treatment.model_dump(exclude_none=True)
    if isinstance(treatment, str):
        treatment = {"method": treatment}
    if not isinstance(treatment, Mapping):
        raise SpecError(
            f"treatment must be a method name or a mapping, got {type(treatment).__name__}",
            field="treatment",
            hint="write treatment={'method': 'winsorise', 'winmax': 5}",
        )
    method = treatment.get("method", "winsorise")
    if not isinstance(method, str) or method not in treatments:
        raise SpecError(
            f"unknown treatment method {method!r}", field="treatment", hint=f"use one of {treatments.names()}"
        )
    params = {k: v for k, v in treatment.items() if k not in ("method", "indicators")}
    _check_parameters(treatments.get(method).fit, params, f"treatment method '{method}'", "treatment", set())
    _check_log_with_goalposts(method, params, dict(treatment.get("indicators") or {}), framework)
    try:
        return Treatment(**treatment)
    except ValueError as err:
        raise SpecError(
            f"treatment {dict(treatment)!r}: {str(err).splitlines()[-1].strip()}",
            field="treatment",
            hint="write treatment={'method': 'winsorise', 'winmax': 5}",
        ) from None


def _check_log_with_goalposts(
    method: str, params: Mapping[str, Any], per_indicator: Mapping[str, Any], framework: Framework
) -> None:
    """A log transform changes an indicator's units, so fixed goalposts would no longer apply: refuse it."""
    logs = method == "log" or (method == "winsorise" and params.get("log", True))
    for ind in framework.indicators:
        own = per_indicator.get(ind.code)
        if own is not None:
            name = own if isinstance(own, str) else own.get("method", method)
            own_params = {} if isinstance(own, str) else own
            ind_logs = name == "log" or (name == "winsorise" and own_params.get("log", params.get("log", True)))
        else:
            ind_logs = logs
        if ind_logs and ind.normalisation.method == "goalpost":
            raise SpecError(
                f"treatment '{method}' may log-transform '{ind.code}', whose goalposts are in its own units",
                indicator=ind.code,
                field="treatment",
                hint="winsorise only (treatment={'method': 'winsorise', 'log': False}), leave the indicator out "
                "(indicators: {code: 'none'}), or use a data-driven normalisation (e.g. normalisation='minmax')",
            )


def _checks(checks: Any, framework: Framework) -> tuple[tuple[str, CheckSetting], ...]:
    """The build's check settings (:mod:`ictindex.checks`): ``{"jump": "off", "zero_price": {"severity":
    "error"}, "thin_data": {"share": 0.6}}``, or ``"off"`` for every check; checked against the registry and
    the framework (an unknown check, parameter or indicator is named)."""
    if checks is None:
        return ()
    if isinstance(checks, str | bool):
        checks = {"all": checks}
    if not isinstance(checks, Mapping):
        raise SpecError(
            f"checks must be a mapping of check name -> severity or settings, got {type(checks).__name__}",
            field="checks",
            hint="write e.g. checks={'jump': 'off', 'thin_data': {'share': 0.6}}",
        )
    try:
        settings = {str(name): CheckSetting.model_validate(value) for name, value in checks.items()}
        _check_checks(settings, set(framework.indicator_codes))
    except ValueError as err:
        problem = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
        raise SpecError(
            f"checks {dict(checks)!r}: {problem}",
            field="checks",
            hint="name registered checks (ictindex.registry.checks) with a severity error, warning or off",
        ) from None
    return tuple(sorted(settings.items()))


def _with_normalisation(framework: Framework, normalisation: Any) -> Framework:
    """The framework with every indicator's normalisation replaced.

    ``target`` is the range a min-max (or another data-driven method) maps to, as in the framework's YAML and the
    uncertainty spec; ``low``/``high`` (the former names) are still read. The framework's ``scale`` multiplies
    every score, so a target other than (0, 1) with a scale other than 1 would give scores on another range
    (0-100 times 100 is 0-10,000): that is refused, naming both.
    """
    if normalisation is None:
        return framework
    given = {"method": normalisation} if isinstance(normalisation, str) else dict(normalisation)
    if "low" in given or "high" in given:
        if "target" in given:
            raise SpecError(
                "normalisation gives both 'target' and 'low'/'high'",
                field="normalisation",
                hint="give the range once: target=(0, 100)",
            )
        given["target"] = (given.pop("low", 0.0), given.pop("high", 1.0))
    _check_range(given.get("target"), framework)
    method = given.get("method")
    if not isinstance(method, str) or method not in normalisations:
        raise SpecError(
            f"unknown normalisation method {method!r}",
            field="normalisation",
            hint=f"use one of {normalisations.names()}",
        )
    data = framework.model_dump(exclude_none=True)
    for ind in data["indicators"]:
        ind["normalisation"] = given
    try:
        return Framework.from_dict(data, source=f"{framework.code} with normalisation {method}")
    except ValueError as err:
        raise SpecError(
            f"normalisation {given!r} cannot apply to every indicator: {str(err).splitlines()[0]}",
            field="normalisation",
            hint="give the method's parameters, e.g. low=0, high=100",
        ) from None


def _check_range(target: Any, framework: Framework) -> None:
    """A normalisation range other than (0, 1) and a framework scale other than 1 multiply: refuse it."""
    if target is None or framework.scale == 1:
        return
    try:
        low, high = (float(t) for t in target)
    except (TypeError, ValueError):
        return  # the Normalisation model names a malformed target
    if (low, high) != (0.0, 1.0):
        raise SpecError(
            f"normalisation target ({low:g}, {high:g}) with framework '{framework.code}' scale {framework.scale:g} "
            f"gives scores from {low * framework.scale:,g} to {high * framework.scale:,g}",
            field="normalisation",
            hint=f"leave target at (0, 1) and let the framework's scale ({framework.scale:g}) set the range, or edit "
            "the framework to scale: 1",
        )


#: what ``aggregation=`` may give for a node: a method name or ``{"method": ..., parameters}``
def _aggregation_rule(node: Mapping[str, Any], choice: Any) -> dict[str, Any]:
    rule = dict(node.get("aggregation") or {})
    keep = {k: rule[k] for k in ("zero_floor", "min_coverage") if rule.get(k) is not None}
    given = {"method": choice} if isinstance(choice, str) else dict(choice)
    params = {k: v for k, v in given.items() if k not in ("method", "power", "zero_floor", "min_coverage")}
    out = {"method": given.get("method", rule.get("method", "arithmetic")), **keep}
    for key in ("power", "zero_floor", "min_coverage"):
        if key in given:
            out[key] = given[key]
    return out | ({"params": params} if params else {})


def _with_aggregation(framework: Framework, aggregation: Any) -> Framework:
    """The framework with its nodes' aggregation replaced: one method for every node (``"geometric"``,
    ``{"method": "power", "power": 2}``) or ``{node: method}``; as :meth:`ictindex.model.IndexModel.evaluate`
    reads ``aggregation=``: a node's ``zero_floor`` and ``min_coverage`` stay, its other parameters go with its
    method."""
    if aggregation is None:
        return framework
    if not isinstance(aggregation, str | Mapping):
        raise SpecError(
            f"aggregation must be a method name or a mapping, got {type(aggregation).__name__}",
            field="aggregation",
            hint="write aggregation='geometric' or aggregation={'DOI': 'geometric'}",
        )
    codes = [n.code for n in framework.nodes]
    if isinstance(aggregation, str) or "method" in aggregation:
        per_node = dict.fromkeys(codes, aggregation)
    else:
        per_node = dict(aggregation)
        unknown = sorted(set(per_node) - set(codes))
        if unknown:
            raise SpecError(
                f"no node {unknown} in framework '{framework.code}'", field="aggregation", hint=f"use one of {codes}"
            )
    data = framework.model_dump(exclude_none=True)
    for node in data["nodes"]:
        if node["code"] in per_node:
            choice = per_node[node["code"]]
            if not isinstance(choice, str | Mapping):
                raise SpecError(
                    f"the aggregation of node '{node['code']}' must be a method name or a mapping, got {choice!r}",
                    field="aggregation",
                    hint="write e.g. {'method': 'power', 'power': 2}",
                )
            node["aggregation"] = _aggregation_rule(node, choice)
    method = aggregation if isinstance(aggregation, str) else "per node"
    try:
        return Framework.from_dict(data, source=f"{framework.code} with aggregation {method}")
    except IctIndexError as err:
        raise SpecError(
            f"aggregation {aggregation!r}: {err.message}",
            field="aggregation",
            hint=f"use one of {aggregations.names()} (power needs a non-zero 'power')",
        ) from None


def _with_weights(framework: Framework, weights: Any) -> Framework:
    """The framework with child weights replaced (a :class:`~ictindex.weights.Weights`, ``{node: {child: w}}``
    or a table with ``node``, ``child``, ``weight``); see :meth:`ictindex.weights.Weights.to_framework`."""
    if weights is None:
        return framework
    from ictindex.weights import Weights

    return Weights.coerce(weights).to_framework(framework)


def _framework_with(framework: Framework, normalisation: Any, aggregation: Any, weights: Any) -> Framework:
    """The framework with the build's normalisation, aggregation and weights written into it."""
    # issue 27: aggregation and weights are written into the framework (so the spec, its hash and a saved
    # spec hold them, and build_index equals the model evaluated with them)
    return _with_weights(_with_aggregation(_with_normalisation(framework, normalisation), aggregation), weights)


def _check_sex(sex: Any, by_sex: Any) -> None:
    """Refuse a sex other than total, female or male, a ``by_sex`` that is not a bool, or both asked at once."""
    if sex not in SEXES:
        raise SpecError(
            f"sex must be 'total', 'female' or 'male', got {sex!r}",
            field="sex",
            hint="write sex='female', or by_sex=True for all three",
        )
    if not isinstance(by_sex, bool | np.bool_):
        raise SpecError(f"by_sex must be True or False, got {by_sex!r}", field="by_sex")
    if by_sex and sex != "total":
        raise MethodError(
            "by_sex=True builds the total, female and male indices together",
            field="sex",
            hint="leave sex='total' when asking for by_sex=True",
        )


class BuildSpec(BaseModel):
    """Every argument of :func:`ictindex.build_index`, validated (see :meth:`create`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    framework: Framework
    years: tuple[int, ...] | None = None
    sex: str = "total"
    by_sex: bool = False
    parity_band: tuple[float, float] = (0.98, 1.02)
    imputation: ImputationSpec = ImputationSpec()
    reference_year: int | None = None
    min_coverage: float | None = None
    extra_names: tuple[tuple[str, str], ...] = ()
    known_series: tuple[tuple[str, tuple[float | None, float | None]], ...] | None = None
    units: Units = Units()
    missing_years: str = "raise"
    screening: Screening | None = None
    treatment: Treatment | None = None
    checks: tuple[tuple[str, CheckSetting], ...] = ()

    @classmethod
    def create(
        cls,
        framework: str | Path | Framework = "doi",
        *,
        years: int | Iterable[int] | None = None,
        sex: str = "total",
        by_sex: bool = False,
        parity_band: tuple[float, float] = (0.98, 1.02),
        imputation: str | Mapping[str, Any] | None = None,
        max_gap: int | None = None,
        reference_year: int | None = None,
        min_coverage: float | None = None,
        extra_names: Mapping[str, str] | None = None,
        known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
        units: str | Units | Any = "economies",
        screening: float | Mapping[str, Any] | None = None,
        treatment: str | Mapping[str, Any] | None = None,
        normalisation: str | Mapping[str, Any] | None = None,
        missing_years: str | None = "raise",
        checks: str | Mapping[str, Any] | None = None,
        aggregation: str | Mapping[str, Any] | None = None,
        weights: Any = None,
    ) -> BuildSpec:
        """Check every argument once; each wrong one is a :class:`~ictindex.errors.SpecError` naming it.

        ``years="available"`` builds the years with data (with a spec's years: those of them the data hold,
        warning about the others); ``missing_years`` says what a year of ``years`` without data is: an error
        (``"raise"``, the default) or left out with an :class:`~ictindex.errors.IctIndexWarning` (``"warn"``).
        """
        years, missing_years = _missing_years(years, missing_years)
        fw = _framework_with(load_framework(framework), normalisation, aggregation, weights)
        _check_sex(sex, by_sex)
        band = _parity_band(parity_band)
        # a kind, a units table (DataFrame or file) or Units; the framework's unit_noun names units that do not
        # name themselves (the table is held whole: the spec stays replayable, and hashes by its content)
        units = as_units(units, noun=fw.unit_noun, plural=fw.unit_plural)
        names = _extra_names(extra_names)
        return cls(
            framework=fw,
            years=_years(years),
            sex=sex,
            by_sex=bool(by_sex),
            parity_band=band,
            imputation=_imputation(imputation, max_gap, fw),
            reference_year=None if reference_year is None else _whole(reference_year, "reference_year"),
            min_coverage=_share(min_coverage, "min_coverage"),
            extra_names=names,
            known_series=_known_series(known_series),
            units=units,
            missing_years=missing_years,
            screening=_screening(screening, fw),
            treatment=_treatment(treatment, fw),
            checks=_checks(checks, fw),
        )

    def replace(self, **changes: Any) -> BuildSpec:
        """A new spec with some arguments changed (checked again, as by :meth:`create`)."""
        arguments = self.arguments() | changes
        return BuildSpec.create(**arguments)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of :func:`ictindex.build_index` that give this spec."""
        imputation = {"method": self.imputation.method, **dict(self.imputation.params)}
        return {
            "framework": self.framework,
            "years": None if self.years is None else list(self.years),
            "sex": self.sex,
            "by_sex": self.by_sex,
            "parity_band": self.parity_band,
            "imputation": imputation if self.imputation.params else self.imputation.method,
            "max_gap": self.imputation.max_gap,
            "reference_year": self.reference_year,
            "min_coverage": self.min_coverage,
            "extra_names": dict(self.extra_names) or None,
            "known_series": None if self.known_series is None else dict(self.known_series),
            "units": self.units,
            "missing_years": self.missing_years,
            "screening": None if self.screening is None else self.screening.model_dump(),
            "treatment": None if self.treatment is None else self.treatment.model_dump(exclude_none=True),
            "checks": {name: setting.model_dump(exclude_none=True) for name, setting in self.checks} or None,
        }

    # -- save and load (issue 27) ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Every setting as plain data (YAML/JSON-ready): the whole framework (weights and aggregation included),
        the units (a units table as rows) and the arguments; :meth:`from_dict` reads it back."""
        arguments = self.arguments()
        arguments["framework"] = self.framework.to_dict()
        arguments["units"] = self.units.to_dict()
        arguments["parity_band"] = list(self.parity_band)
        if arguments["known_series"] is not None:
            arguments["known_series"] = {k: list(v) for k, v in arguments["known_series"].items()}
        return {"ictindex_spec": SPEC_FORMAT, "framework_sha256": self.framework.sha256, **arguments}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> BuildSpec:
        """The spec :meth:`to_dict` wrote (checked again, as by :meth:`create`)."""
        if not isinstance(data, Mapping) or data.get("ictindex_spec") != SPEC_FORMAT:
            raise SpecError(
                "not a saved build spec (no 'ictindex_spec: 1' at its top)",
                file=source,
                hint="save one with result.spec.save('spec.yaml')",
            )
        arguments = {k: v for k, v in data.items() if k not in ("ictindex_spec", "framework_sha256")}
        framework = arguments.get("framework")
        if isinstance(framework, Mapping):
            arguments["framework"] = Framework.from_dict(dict(framework), source=f"{source}: framework")
        if isinstance(arguments.get("parity_band"), list):
            arguments["parity_band"] = tuple(arguments["parity_band"])
        if isinstance(arguments.get("known_series"), Mapping):
            arguments["known_series"] = {k: tuple(v) for k, v in arguments["known_series"].items()}
        try:
            return cls.create(**arguments)
        except TypeError as err:  # a key create() does not take
            raise SpecError(
                f"the saved spec has a setting build_index does not take: {err}",
                file=source,
                hint="remove it, or save the spec again with this version",
            ) from None

    def save(self, path: str | Path) -> Path:
        """Write the spec as YAML (see :meth:`to_dict`); :meth:`load` reads it back equal. Returns the path."""
        import yaml

        target = Path(path)
        target.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True), encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> BuildSpec:
        """Read a spec :meth:`save` wrote: ``build_index(data, spec=BuildSpec.load("spec.yaml"))`` replays the
        build (the same framework, units, years and settings)."""
        from ictindex.framework import read_yaml

        return cls.from_dict(read_yaml(path, error=SpecError, what="build spec"), source=str(path))

    def __repr__(self) -> str:  # short (issue 27): pydantic's would print the whole framework
        years = "all" if self.years is None else list(self.years)
        return f"<BuildSpec {self.framework.code}: years {years}, {self.units.describe()}, sex {self.sex}>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display)
        from ictindex.display import spec_card

        return spec_card(self).html()

    @property
    def coverage_rule(self) -> float:
        """The default share of children that must be present (the framework's unless overridden)."""
        return self.framework.min_coverage if self.min_coverage is None else self.min_coverage
