"""The method tables: one :class:`Registry` per kind of method, the decorators that fill them and what a method
is. The stage modules (:mod:`ictindex.impute`, :mod:`ictindex.treat`, :mod:`ictindex.normalise`,
:mod:`ictindex.aggregate`, :mod:`ictindex.checks`) register their built-in methods here when imported; the public
face, :mod:`ictindex.registry`, imports them (ordinary imports), so that every built-in method is in its table once
the registry is imported. This module imports nothing of the package but its errors, so a stage module can
register its methods without a loop back to itself.

The names of the built-in methods are known here without importing the stage modules (:data:`BUILTIN_NAMES`), so a
framework file can be checked while the stage modules are still loading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ictindex.errors import MethodError

__all__ = [
    "Registry",
    "ImputationMethod",
    "NormalisationMethod",
    "AggregationMethod",
    "imputations",
    "normalisations",
    "aggregations",
    "register_imputation",
    "register_normalisation",
    "register_aggregation",
    "TreatmentMethod",
    "treatments",
    "register_treatment",
    "CheckMethod",
    "checks",
    "register_check",
]

#: Stage modules that register the built-in methods (imported by :mod:`ictindex.registry`).
_BUILTIN_MODULES = ("ictindex.impute", "ictindex.normalise", "ictindex.aggregate", "ictindex.treat", "ictindex.checks")
#: Names those modules register: known without importing them (a framework file is checked
#: while the stage modules may still be loading).
BUILTIN_NAMES = {
    "imputation": frozenset({"none", "latest", "interpolate", "group_mean", "group_median", "regression", "em"}),
    "normalisation": frozenset({"goalpost", "minmax", "zscore", "frontier", "rank", "percentile", "prank", "none"}),
    "aggregation": frozenset({"arithmetic", "geometric", "harmonic", "power"}),
    "treatment": frozenset({"none", "winsorise", "log"}),
    "check": frozenset(
        {
            "percent_as_fraction",
            "zero_price",
            "jump",
            "sex_total",
            "unit_in_one_year",
            "near_duplicate_unit",
            "thin_data",
            "missing_category",
        }
    ),
}


@dataclass(frozen=True)
class ImputationMethod:
    name: str
    fn: Callable[..., Any]
    doc: str = ""


@dataclass(frozen=True)
class NormalisationMethod:
    """``fitted``: parameters are learned from the data (so a reference year matters);
    ``within_year``: scores compare units of one year only (ranks), so they cannot be fitted
    on a reference year and cannot compare female with male values; ``bounded``: a user's method
    promises scores within the indicator's ``target`` range (0-1 by default), which is checked
    (:func:`ictindex.normalise.apply_columns`); register an unbounded one (a z-score of one's own) with
    ``bounded=False``."""

    name: str
    fit: Callable[..., dict[str, Any]]
    apply: Callable[..., Any]
    fitted: bool = False
    within_year: bool = False
    doc: str = ""
    bounded: bool = True


@dataclass(frozen=True)
class AggregationMethod:
    """``positive``: whether the method needs children > 0 given its parameters."""

    name: str
    fn: Callable[..., Any]
    forward: Callable[..., Any] | None = None
    inverse: Callable[..., Any] | None = None
    positive: Callable[[dict[str, Any]], bool] = field(default=lambda params: False)
    doc: str = ""


class Registry:
    """Methods of one kind, by name."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._methods: dict[str, Any] = {}

    def add(self, method: Any, *, replace: bool = False) -> Any:
        if method.name in self._methods and not replace:
            raise MethodError(
                f"a {self.kind} method named '{method.name}' is already registered",
                hint="choose another name, or pass replace=True to replace it",
            )
        self._methods[method.name] = method
        return method

    def get(self, name: str) -> Any:
        try:
            return self._methods[name]
        except KeyError:
            raise MethodError(
                f"unknown {self.kind} method '{name}'", hint=f"use one of {self.names()} or register your own"
            ) from None

    def names(self) -> list[str]:
        """The built-in names and every registered one (the built-ins are named before their module is loaded)."""
        return sorted(BUILTIN_NAMES[self.kind] | set(self._methods))

    def methods(self) -> list[Any]:
        """Every registered method, in the order of registration."""
        return list(self._methods.values())

    def __contains__(self, name: object) -> bool:
        return name in BUILTIN_NAMES[self.kind] or name in self._methods

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


imputations = Registry("imputation")
normalisations = Registry("normalisation")
aggregations = Registry("aggregation")
treatments = Registry("treatment")


def register_imputation(name: str, *, replace: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: register ``fn(cube, years, **params) -> (filled, from_year)`` as imputation ``name``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        imputations.add(ImputationMethod(name, fn, (fn.__doc__ or "").strip()), replace=replace)
        return fn

    return wrap


def register_normalisation(
    name: str,
    *,
    fit: Callable[..., dict[str, Any]] | None = None,
    fitted: bool = False,
    within_year: bool = False,
    replace: bool = False,
    bounded: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator on the ``apply`` function; ``fit`` learns parameters (default: none). A user's ``apply`` must
    return one finite score per value given (NaN for a missing value), within the indicator's ``target``
    range unless ``bounded=False``; anything else is refused naming the method (:mod:`ictindex.normalise`)."""

    def wrap(apply: Callable[..., Any]) -> Callable[..., Any]:
        method = NormalisationMethod(
            name,
            fit or _no_fit,
            apply,
            fitted=fitted,
            within_year=within_year,
            doc=(apply.__doc__ or "").strip(),
            bounded=bounded,
        )
        normalisations.add(method, replace=replace)
        return apply

    return wrap


def register_aggregation(
    name: str,
    *,
    forward: Callable[..., Any] | None = None,
    inverse: Callable[..., Any] | None = None,
    positive: Callable[[dict[str, Any]], bool] | bool = False,
    replace: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator on ``fn(x, w, **params)``; see the module docstring."""
    needs = positive if callable(positive) else (lambda params, _p=bool(positive): _p)

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        aggregations.add(
            AggregationMethod(name, fn, forward, inverse, needs, (fn.__doc__ or "").strip()), replace=replace
        )
        return fn

    return wrap


@dataclass(frozen=True)
class TreatmentMethod:
    """Outlier treatment (:mod:`ictindex.treat`): ``fit(x, **params) -> rule`` learns a rule from one
    indicator's reference values (NaN = missing); ``apply(x, rule) -> treated`` applies it to any values."""

    name: str
    fit: Callable[..., dict[str, Any]]
    apply: Callable[..., Any]
    doc: str = ""


def register_treatment(
    name: str, *, apply: Callable[..., Any], replace: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator on ``fit(x, **params) -> rule``; ``apply(x, rule)`` applies the fitted rule."""

    def wrap(fit: Callable[..., Any]) -> Callable[..., Any]:
        treatments.add(TreatmentMethod(name, fit, apply, (fit.__doc__ or "").strip()), replace=replace)
        return fit

    return wrap


def _no_fit(x: Any, year_code: Any, n_years: int, reference: int | None, **params: Any) -> dict[str, Any]:
    return {}


#: Severities of a check: ``error`` stops the build naming the culprits, ``warning`` keeps the finding (an
#: :class:`~ictindex.errors.IctIndexWarning` and a row of the issue table), ``off`` does not run it.
SEVERITIES = ("error", "warning", "off")
#: What a check looks at: one indicator's values before imputation, which units have values, or the scores.
CHECK_SCOPES = ("indicator", "units", "scores")


@dataclass(frozen=True)
class CheckMethod:
    """A plausibility check (:mod:`ictindex.checks`): ``fn(x, context, **params) -> Findings``;
    ``default(subject)`` gives its severity when neither the framework nor the build names one: ``subject`` is
    the indicator for a check of values, the kind of units (``economies`` or ``any``) for a check of units,
    ``None`` for a check of scores."""

    name: str
    fn: Callable[..., Any]
    scope: str = "indicator"
    default: Callable[[Any], str] = field(default=lambda indicator: "warning")
    doc: str = ""

    @property
    def parameters(self) -> dict[str, Any]:
        """The check's parameters and their defaults (what a framework's ``checks:`` entry may set)."""
        import inspect

        return {
            name: p.default for name, p in inspect.signature(self.fn).parameters.items() if p.kind is p.KEYWORD_ONLY
        }


checks = Registry("check")


def register_check(
    name: str,
    *,
    scope: str = "indicator",
    default: str | Callable[[Any], str] = "warning",
    replace: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator on ``fn(x, context, *, param=default, ...) -> Findings`` (:mod:`ictindex.checks`).

    ``default`` is a severity, or ``subject -> severity`` (``off`` where the check does not apply; see
    :class:`~ictindex.method_table.CheckMethod`).
    Parameters are keyword-only, so a framework file can set them by name.
    """
    if scope not in CHECK_SCOPES:
        raise MethodError(f"unknown check scope {scope!r}", hint=f"use one of {CHECK_SCOPES}")
    if not callable(default) and default not in SEVERITIES:
        raise MethodError(f"unknown severity {default!r}", hint=f"use one of {SEVERITIES}")
    severity = default if callable(default) else (lambda indicator, _s=default: _s)

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        checks.add(CheckMethod(name, fn, scope, severity, (fn.__doc__ or "").strip()), replace=replace)
        return fn

    return wrap


# -- the user's methods: recorded in provenance, their outputs checked (issue 30) -------------------------------
_KINDS = {
    "imputation": imputations,
    "normalisation": normalisations,
    "aggregation": aggregations,
    "treatment": treatments,
}


def _function(method: Any) -> Callable[..., Any]:
    """The callable that does a method's work (``apply`` of a normalisation, ``fit`` of a treatment)."""
    return method.apply if isinstance(method, NormalisationMethod) else getattr(method, "fn", None) or method.fit


def is_builtin(kind: str, name: str) -> bool:
    """Whether method ``name`` of ``kind`` is the library's own (not registered, or replaced, by a user)."""
    if name not in BUILTIN_NAMES[kind]:
        return False
    module = getattr(_function(_KINDS[kind].get(name)), "__module__", "")
    return module in _BUILTIN_MODULES


def user_methods(framework: Any, imputation: str | None = None, treatment: str | None = None) -> list[dict[str, Any]]:
    """Every method a build uses that is not the library's own, for the result's provenance: ``kind``,
    ``name``, ``function`` (module and name) and ``replaces_builtin`` (a built-in name registered again with
    ``replace=True``: the build did not use the published method of that name)."""
    used = [("imputation", imputation), ("treatment", treatment)]
    used += [("normalisation", ind.normalisation.method) for ind in framework.indicators]
    used += [("aggregation", node.aggregation.method) for node in framework.nodes]
    rows, seen = [], set()
    for kind, name in used:
        if name is None or (kind, name) in seen or is_builtin(kind, name):
            continue
        seen.add((kind, name))
        fn = _function(_KINDS[kind].get(name))
        rows.append(
            {
                "kind": kind,
                "name": name,
                "function": f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}",
                "replaces_builtin": name in BUILTIN_NAMES[kind],
            }
        )
    return rows
