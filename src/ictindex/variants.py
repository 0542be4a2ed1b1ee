"""The variants :meth:`ictindex.model.IndexModel.evaluate` takes: its arguments checked before any work (types
and ranges, naming the field), the normalisation and aggregation choices of every weight set as hashable keys,
and the weight sets grouped by the choices they share (one normalisation and one aggregation per group).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ictindex.aggregate import Tree
from ictindex.errors import SpecError
from ictindex.framework import Framework, Normalisation
from ictindex.registry import aggregations, normalisations

__all__ = ["SEXES", "per_replication", "aggregation_key", "normalisation_key"]


def _variant_groups(norm_keys: list[Any], agg_keys: list[Any]) -> list[tuple[tuple[Any, Any], np.ndarray | None]]:
    """The weight sets sharing a normalisation and an aggregation choice (``None``: every weight set). A choice
    given once is one object repeated, so that common case costs no hashing per weight set."""
    if all(k is norm_keys[0] for k in norm_keys) and all(k is agg_keys[0] for k in agg_keys):
        return [((norm_keys[0], agg_keys[0]), None)]
    codes: list[Any] = []
    for keys in (norm_keys, agg_keys):
        distinct: dict[Any, int] = {}
        codes.append(np.fromiter((distinct.setdefault(k, len(distinct)) for k in keys), dtype="intp", count=len(keys)))
        codes.append(list(distinct))
    pairs, inverse = np.unique(np.stack([codes[0], codes[2]], axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(pairs) + 1))
    return [((codes[1][a], codes[3][b]), order[bounds[g] : bounds[g + 1]]) for g, (a, b) in enumerate(pairs.tolist())]


class _FrozenParams(tuple):
    """A method's ``params`` mapping as sorted items: hashable, so variants can be grouped by it."""


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _FrozenParams(sorted((k, _frozen(v)) for k, v in value.items()))
    return tuple(value) if isinstance(value, list) else value


def _thawed(value: Any) -> Any:
    return {k: _thawed(v) for k, v in value} if isinstance(value, _FrozenParams) else value


# -- argument checks of evaluate (issue 30): types and ranges, before any work ----------------------------
#: The sexes an evaluation takes.
SEXES = ("total", "female", "male")


def _check_arguments(aggregation: Any, normalisation: Any, exclude: Any, sex: Any, chunk: Any) -> None:
    """Refuse an argument of :meth:`IndexModel.evaluate` of the wrong type or range, naming the field.

    ``chunk`` must be a whole number >= 1 (0 or a negative number evaluated nothing and returned the
    uninitialised output array as scores); ``sex`` one of :data:`SEXES`; ``exclude`` a list of indicator
    codes (a bare string would be read letter by letter); ``aggregation`` and ``normalisation`` a method
    name, a mapping, or a list of those (one per weight set), with numeric parameters that are finite.
    """
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1):
        raise SpecError(
            f"chunk must be a whole number of weight sets >= 1, got {chunk!r}",
            field="chunk",
            hint="leave chunk out (about 1 MiB of work arrays), or give e.g. chunk=256",
        )
    if sex is not None and sex not in SEXES:
        raise SpecError(f"sex must be one of {SEXES}, got {sex!r}", field="sex", hint="e.g. sex='female'")
    if exclude is not None:
        if isinstance(exclude, str | bytes) or not isinstance(exclude, Sequence | set | frozenset | np.ndarray):
            raise SpecError(
                f"exclude must be a list of indicator codes, got {type(exclude).__name__} {exclude!r:.60}",
                field="exclude",
                hint=f"write exclude=[{exclude!r:.40}]" if isinstance(exclude, str) else "write exclude=['code']",
            )
        bad = [c for c in exclude if not isinstance(c, str)]
        if bad:
            raise SpecError(f"exclude holds {bad[0]!r}, not an indicator code", field="exclude", hint="give codes")
    for name, choice in (("aggregation", aggregation), ("normalisation", normalisation)):
        choices = choice if isinstance(choice, list | tuple) else [choice]
        for one in choices:
            _check_choice(name, one)


def _check_choice(name: str, choice: Any) -> None:
    """One aggregation or normalisation choice: ``None``, a method name, ``{"method": ..., params}`` or a mapping
    code -> (name or mapping with ``method``)."""
    if choice is None or isinstance(choice, str):
        return
    if not isinstance(choice, Mapping):
        raise SpecError(
            f"{name} must be a method name, a mapping or a list of those, got {type(choice).__name__} {choice!r:.60}",
            field=name,
            hint=f"e.g. {name}='geometric'" if name == "aggregation" else f"e.g. {name}='minmax'",
        )
    per_code = {None: choice} if "method" in choice else dict(choice)
    for code, method in per_code.items():
        where = name if code is None else f"{name}[{code!r}]"
        if isinstance(method, str):
            continue
        if not isinstance(method, Mapping) or not isinstance(method.get("method", ""), str):
            raise SpecError(
                f"{where} must be a method name or a mapping with 'method', got {method!r:.60}",
                field=name,
                hint="e.g. {'method': 'power', 'power': 2}"
                if name == "aggregation"
                else "e.g. {'method': 'goalpost', 'lower': 0, 'upper': 100}",
            )
        for key, value in method.items():
            if key != "method":
                _check_parameter(name, where, key, value)


def _check_parameter(name: str, where: str, key: str, value: Any) -> None:
    """A method parameter: a finite number (``power`` non-zero, ``zero_floor`` positive), text, a truth value,
    or a list or mapping of those."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_parameter(name, where, f"{key}.{k}", v)
        return
    if isinstance(value, list | tuple):
        for v in value:
            _check_parameter(name, where, key, v)
        return
    number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if number and not np.isfinite(value):
        raise SpecError(f"{where}: parameter {key!r} is {value!r}", field=name, hint="give a finite number")
    if key in ("power", "zero_floor") and (not number or value == 0 or (key == "zero_floor" and value < 0)):
        raise SpecError(
            f"{where}: parameter {key!r} must be a {'non-zero' if key == 'power' else 'positive'} number, "
            f"got {value!r}",
            field=name,
            hint="e.g. {'method': 'power', 'power': 2}" if key == "power" else "e.g. zero_floor=0.01",
        )
    if not (number or value is None or isinstance(value, str | bool)):
        raise SpecError(
            f"{where}: parameter {key!r} is a {type(value).__name__}, not a number or text",
            field=name,
            hint="give numbers, text, or lists of them",
        )


def per_replication(choice: Any, r: int, name: str, key: Any) -> list[Any]:
    """A choice for each of ``r`` weight sets: one choice repeated (the same object: no hashing per weight set),
    or a list of exactly ``r`` choices, each made a key by ``key``."""
    if choice is None or isinstance(choice, str | Mapping):
        return [key(choice)] * r
    choices = list(choice)
    if len(choices) != r:
        raise SpecError(
            f"{name} gives {len(choices)} choices for {r} weight sets",
            field=name,
            hint="give one choice, or exactly one per weight set",
        )
    return [key(c) for c in choices]


def _per_code(choice: Any, codes: Sequence[str], field: str, kind: str, framework: str) -> dict[str, Any]:
    """One choice for every code (a method name, or a mapping with ``method``), or a mapping code -> choice
    whose codes must exist."""
    if isinstance(choice, str) or (isinstance(choice, Mapping) and "method" in choice):
        return dict.fromkeys(codes, choice)
    per_code = dict(choice)
    unknown = set(per_code) - set(codes)
    if unknown:
        raise SpecError(
            f"no {kind} {sorted(unknown)} in framework '{framework}'",
            field=field,
            hint=f"use {kind} codes: {list(codes)}",
        )
    return per_code


def aggregation_key(
    tree: Tree, nodes: tuple[str, ...], framework: str, choice: Any
) -> tuple[tuple[str, tuple], ...] | None:
    """An aggregation choice (a method for every node, or node -> method) as a hashable key: each node's
    method and parameters, checked."""
    if choice is None:
        return None
    per_node = _per_code(choice, nodes, "aggregation", "node", framework)
    out = []
    for n, node in enumerate(nodes):
        method = per_node.get(node, tree.methods[n])
        params = dict(tree.params[n]) if node not in per_node else {}
        if isinstance(method, Mapping):
            params = {k: v for k, v in method.items() if k != "method"}
            method = method.get("method", tree.methods[n])
        if method not in aggregations:
            raise SpecError(
                f"unknown aggregation method {method!r} for node '{node}'",
                field="aggregation",
                hint=f"use one of {aggregations.names()}",
            )
        if method == "power" and not params.get("power"):
            raise SpecError(
                f"the power mean of node '{node}' needs a non-zero 'power'",
                field="aggregation",
                hint="write {'method': 'power', 'power': 2}",
            )
        out.append((method, tuple(sorted(params.items()))))
    return tuple(out)


def normalisation_key(framework: Framework, choice: Any) -> tuple[tuple[str, tuple], ...] | None:
    """A normalisation choice (a method for every indicator, or indicator -> method) as a hashable key: each
    indicator's normalisation fields, checked."""
    if choice is None:
        return None
    per_ind = _per_code(choice, framework.indicator_codes, "normalisation", "indicator", framework.code)
    out = []
    for ind in framework.indicators:
        base = ind.normalisation.model_dump(exclude_none=True)
        given = per_ind.get(ind.code)
        if given is None:
            spec = base
        elif isinstance(given, str):
            spec = base | {"method": given}
        else:
            spec = base | dict(given)
        if spec.get("method") not in normalisations:
            raise SpecError(
                f"unknown normalisation method {spec.get('method')!r} for '{ind.code}'",
                field="normalisation",
                hint=f"use one of {normalisations.names()}",
            )
        try:
            Normalisation(**spec)
        except ValueError as err:
            raise SpecError(
                f"normalisation of '{ind.code}' cannot be {spec['method']!r}: {str(err).splitlines()[-1].strip()}",
                field="normalisation",
                hint="give the method's parameters (e.g. goalposts lower and upper)",
            ) from None
        out.append((ind.code, tuple(sorted((k, _frozen(v)) for k, v in spec.items()))))
    return tuple(out)
