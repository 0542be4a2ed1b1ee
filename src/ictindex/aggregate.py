"""Aggregation: normalised indicators -> sub-index and index scores, node by node.

Means (OECD/JRC Handbook 2008, section 6; weights w_i rescaled to sum 1 over the
children present), each registered by name (:mod:`ictindex.registry`):

* arithmetic ``sum w_i x_i`` (fully compensatory; DOI and IDI);
* geometric ``prod x_i ** w_i`` (partial compensation; needs x_i > 0);
* harmonic ``1 / sum(w_i / x_i)`` (needs x_i > 0);
* power (generalised) ``(sum w_i x_i ** p) ** (1 / p)``.

All four are quasi-arithmetic means ``f^-1(sum w_i f(x_i))``, so the engine evaluates any
number of weight sets at once as a matrix product in the space of ``f``.

Coverage rule: a node is scored only when the share of its children present (counted, not
weighted, among the children with a positive weight) is at least ``min_coverage``; when some
children are missing the weights of the present ones are rescaled, and the economy is listed in
the coverage table as partly scored. An economy that fails the rule gets no score for the node,
and the coverage table says which children were missing. A child with weight 0 takes no part:
it is neither counted nor missed (so leaving an indicator out is giving it weight 0).

>>> x = np.array([[0.5, 1.0], [0.25, np.nan]])
>>> weighted_mean(x, np.array([0.5, 0.5]), "arithmetic").tolist()
[0.75, 0.25]
>>> round(float(weighted_mean(x[:1], np.array([0.5, 0.5]), "geometric")[0]), 4)
0.7071
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ictindex.coverage import COVERAGE_COLUMNS, FLOORED_COLUMNS, coverage_rows
from ictindex.errors import MethodError
from ictindex.method_table import aggregations, is_builtin, register_aggregation

if TYPE_CHECKING:
    from ictindex.framework import Framework

__all__ = ["weighted_mean", "aggregate", "aggregate_tree", "Tree", "COVERAGE_COLUMNS", "FLOORED_COLUMNS"]


# -- the built-in means ------------------------------------------------------------------------
def _identity(x: np.ndarray, **_: Any) -> np.ndarray:
    return x


def _log(x: np.ndarray, **_: Any) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x)


def _exp(y: np.ndarray, **_: Any) -> np.ndarray:
    return np.exp(y)


def _reciprocal(x: np.ndarray, **_: Any) -> np.ndarray:
    with np.errstate(divide="ignore", over="ignore"):
        return 1.0 / x


def _power(x: np.ndarray, *, power: float, **_: Any) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return x**power


def _root(y: np.ndarray, *, power: float, **_: Any) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return y ** (1.0 / power)


def _quasi(forward: Any, inverse: Any) -> Any:
    def mean(x: np.ndarray, w: np.ndarray, **params: Any) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return inverse((w * forward(x, **params)).sum(axis=-1), **params)

    return mean


register_aggregation("arithmetic", forward=_identity, inverse=_identity)(_quasi(_identity, _identity))
register_aggregation("geometric", forward=_log, inverse=_exp, positive=True)(_quasi(_log, _exp))
register_aggregation("harmonic", forward=_reciprocal, inverse=_reciprocal, positive=True)(
    _quasi(_reciprocal, _reciprocal)
)
register_aggregation("power", forward=_power, inverse=_root, positive=lambda params: (params.get("power") or 1) < 0)(
    _quasi(_power, _root)
)


def weighted_mean(
    x: np.ndarray,
    weights: np.ndarray,
    method: str = "arithmetic",
    power: float | None = None,
) -> np.ndarray:
    """Row-wise weighted mean of ``x`` (rows = units, columns = children), skipping NaN.

    Weights of the present values are rescaled to sum 1 in each row; a row with no
    value (or zero total weight) gives NaN. ``x`` may have extra leading axes
    (e.g. Monte Carlo replications); the mean is over the last axis.
    """
    x = np.asarray(x, dtype="float64")
    present = ~np.isnan(x)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = w / total[..., None]
    params = {} if power is None else {"power": power}
    out = aggregations.get(method).fn(np.where(present, x, 1.0), w, **params)
    return np.where(total > 0, out, np.nan)


# -- the tree as arrays ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Tree:
    """A framework's tree as arrays: columns are the indicators, then the nodes bottom-up.

    Edge ``e`` goes from node ``edge_parent[e]`` to column ``edge_child[e]`` with nominal weight
    ``weights[e]`` (rescaled to sum 1 within the parent); the edges of node ``n`` are
    ``edge_start[n]:edge_stop[n]``.
    """

    indicators: tuple[str, ...]
    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    edge_parent: np.ndarray
    edge_child: np.ndarray
    edge_start: np.ndarray
    edge_stop: np.ndarray
    weights: np.ndarray
    methods: tuple[str, ...]
    params: tuple[dict[str, Any], ...]
    floors: tuple[float | None, ...]
    threshold: np.ndarray
    index: str = ""
    scale: float = 1.0
    column_of: dict[str, int] = field(default_factory=dict)
    min_indicators: int | None = None

    @classmethod
    def from_framework(cls, framework: Framework, min_coverage: float | None = None) -> Tree:
        indicators = tuple(framework.indicator_codes)
        nodes = tuple(framework.aggregation_order)
        column_of = {code: j for j, code in enumerate(indicators + nodes)}
        default = framework.min_coverage if min_coverage is None else min_coverage
        lists: tuple[list[Any], ...] = tuple([] for _ in range(9))
        parent, child, weight, start, stop, methods, params, floors, threshold = lists
        edges = []
        for n, code in enumerate(nodes):
            node = framework.node(code)
            start.append(len(parent))
            for c, w in node.weights.items():
                parent.append(n)
                child.append(column_of[c])
                weight.append(w)
                edges.append((code, c))
            stop.append(len(parent))
            rule = node.aggregation
            methods.append(rule.method)
            params.append(({"power": rule.power} if rule.power is not None else {}) | dict(rule.params or {}))
            floors.append(rule.zero_floor)
            threshold.append(rule.min_coverage if rule.min_coverage is not None else default)
        return cls(
            indicators,
            nodes,
            tuple(edges),
            np.array(parent, dtype="intp"),
            np.array(child, dtype="intp"),
            np.array(start, dtype="intp"),
            np.array(stop, dtype="intp"),
            np.array(weight, dtype="float64"),
            tuple(methods),
            tuple(params),
            tuple(floors),
            np.array(threshold, dtype="float64"),
            framework.index,
            framework.scale,
            column_of,
            framework.min_indicators,
        )

    def children(self, n: int) -> list[str]:
        return [self.edges[e][1] for e in range(self.edge_start[n], self.edge_stop[n])]


@dataclass
class Explanation:
    """What the nominal evaluation saw, for the coverage table: per node the presence of its
    children, whether it was scored, and the values raised to a zero floor."""

    present: list[np.ndarray] = field(default_factory=list)
    ok: list[np.ndarray] = field(default_factory=list)
    expected: list[np.ndarray] = field(default_factory=list)
    floored: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    indicators_present: np.ndarray | None = None  # (units, indicators), with an inclusion rule

    @classmethod
    def concat(cls, parts: list[Explanation], offsets: list[int]) -> Explanation:
        """One explanation of consecutive blocks of units (``offsets``: the first unit of each block)."""
        if len(parts) == 1:
            return parts[0]
        first = parts[0]
        return cls(
            present=[np.concatenate([p.present[n] for p in parts]) for n in range(len(first.present))],
            ok=[np.concatenate([p.ok[n] for p in parts]) for n in range(len(first.ok))],
            expected=first.expected,
            floored=[
                (n, rows + at, cols, v) for p, at in zip(parts, offsets, strict=True) for n, rows, cols, v in p.floored
            ],
            indicators_present=None
            if first.indicators_present is None
            else np.concatenate([p.indicators_present for p in parts]),
        )


def _positive(
    x: np.ndarray,
    present: np.ndarray,
    tree: Tree,
    n: int,
    k: int | None,
    units: pd.MultiIndex | None,
    explain: Explanation | None,
    floor: float | None,
    method: str = "",
) -> np.ndarray:
    """Zeros/negatives in a mean that needs positive values: floor them (recorded) or raise.

    ``x`` is one child's values (``k`` its position) or, with ``k=None``, all children ``(..., children)``."""
    with np.errstate(invalid="ignore"):
        bad = present & (x <= 0)
    if not bad.any():
        return x
    if floor is None:
        where = np.argwhere(bad)[0]
        unit = where[-2] if k is None else where[-1]
        child = tree.children(n)[where[-1] if k is None else k]
        economy, year = units[unit] if units is not None else (None, None)
        raise MethodError(
            f"a {method or tree.methods[n]} mean needs positive values, but child '{child}' is {x[tuple(where)]}",
            economy=economy,
            node=tree.nodes[n],
            year=year,
            hint="normalise to a positive range (e.g. min-max to 1-100), or set aggregation.zero_floor "
            "in the framework",
        )
    if explain is not None:
        if k is None and x.ndim == 2:
            rows, cols = np.nonzero(bad)
            explain.floored.append((n, rows, cols, x[rows, cols]))
        elif k is not None and bad.ndim <= 2:
            rows = np.nonzero(bad.reshape(-1, bad.shape[-1]).any(axis=0))[0]
            explain.floored.append((n, rows, np.full(rows.size, k), x.reshape(-1, x.shape[-1])[0, rows]))
    return np.where(bad, floor, x)


def aggregate_tree(
    indicators: np.ndarray,
    tree: Tree,
    weights: np.ndarray | None = None,
    methods: Sequence[str] | None = None,
    *,
    params: Sequence[Any] | None = None,
    units: pd.MultiIndex | None = None,
    explain: Explanation | None = None,
    out: np.ndarray | None = None,
    check: bool = True,
) -> np.ndarray:
    """Score every node for every weight set: ``(r, units, nodes)``, unscaled (written into ``out``
    when given).

    With ``check`` (the default; the engine checks the first chunk of weight sets only), the output of an
    aggregation method registered by a user is checked where the engine receives it (``_user_mean``).

    ``indicators`` is ``(units, indicators)`` (NaN = absent), ``weights`` ``(r, edges)`` (default: the
    nominal weights), ``methods`` one aggregation method per node and ``params`` its parameters
    (default: the framework's). There is no loop over units or weight sets: a node whose children
    are indicators is a matrix product (quasi-arithmetic means), a node over nodes a short loop over
    its children on ``(r, units)`` arrays.
    """
    W = tree.weights[None, :] if weights is None else np.asarray(weights, dtype="float64")
    methods = tree.methods if methods is None else tuple(methods)
    r, u = W.shape[0], indicators.shape[0]
    n_ind = len(tree.indicators)
    # every column's values and presence: indicators (u,), nodes (r, u)
    values: list[np.ndarray] = [indicators[:, j] for j in range(n_ind)]
    masks: list[np.ndarray] = [~np.isnan(v) for v in values]
    for n in range(len(tree.nodes)):
        sl = slice(tree.edge_start[n], tree.edge_stop[n])
        method = aggregations.get(methods[n])
        node_params = dict(tree.params[n] if params is None else params[n])
        floor = node_params.pop("zero_floor", tree.floors[n])
        step = _Step(n, tree.edge_child[sl], W[:, sl], method, node_params, floor, methods[n])
        present, complete, n_present, total = _presence(step, masks, r, u)
        value = _node_value(step, indicators, values, masks, present, complete, total, tree, units, explain)
        pos = step.w > 0
        expected = pos.sum(axis=-1)[:, None]
        ok = (n_present >= tree.threshold[n] * expected - 1e-9) & (n_present > 0)
        if check and not is_builtin("aggregation", methods[n]):
            children = [(values[c], masks[c] & pos[:, j, None]) for j, c in enumerate(step.cols)]
            positive = method.positive(node_params)
            value = _user_mean(value, ok, children, floor if positive else None, methods[n], tree.nodes[n], units)
        value = np.where(ok, value, np.nan)
        values.append(value)
        masks.append(ok[0] if r == 1 or (ok.all(axis=0) == ok.any(axis=0)).all() else ok)
        if explain is not None and r == 1:
            explain.present.append(
                present
                if present is not None
                else np.stack([np.broadcast_to(masks[c], (r, u))[0] for c in step.cols], axis=1)
            )
            explain.ok.append(ok[0])
            explain.expected.append(pos[0])
    return _scores(values[n_ind:], indicators, tree, explain, out)


class _Step(NamedTuple):
    """One node's aggregation: its position, children (columns), weights ``(r, k)``, method and parameters."""

    n: int
    cols: np.ndarray
    w: np.ndarray
    method: Any
    params: dict
    floor: float
    name: str


def _presence(
    step: _Step, masks: list[np.ndarray], r: int, u: int
) -> tuple[np.ndarray | None, bool, np.ndarray, np.ndarray]:
    """Which children are present (``None`` when presence differs between weight sets), whether all are, and per
    weight set and unit the number of children with a positive weight present and the total weight present."""
    cols, w = step.cols, step.w
    pos = w > 0
    complete = False
    if all(masks[c].ndim == 1 for c in cols):  # presence the same for every weight set: matrix products
        present = np.stack([masks[c] for c in cols], axis=1)
        complete = bool(present.all())
        if complete:  # every child present for every unit: the counts and totals of the weights
            n_present = np.broadcast_to(pos.sum(axis=1, dtype="float64")[:, None], (r, u))
            total = np.broadcast_to(w.sum(axis=1)[:, None], (r, u))
        else:
            n_present = (present.astype("float64") @ pos.T.astype("float64")).T
            total = (present.astype("float64") @ w.T).T
        return present, complete, n_present, total
    n_present = np.zeros((r, u))
    total = np.zeros((r, u))
    for j, c in enumerate(cols):
        n_present += pos[:, j, None] & masks[c]
        total += w[:, j, None] * masks[c]
    return None, complete, n_present, total


def _node_value(
    step: _Step,
    indicators: np.ndarray,
    values: list[np.ndarray],
    masks: list[np.ndarray],
    present: np.ndarray | None,
    complete: bool,
    total: np.ndarray,
    tree: Tree,
    units: pd.MultiIndex | None,
    explain: Explanation | None,
) -> np.ndarray:
    """A node's value ``(r, units)`` before its coverage rule: a quasi-arithmetic mean as a matrix product over
    indicators, a loop over child nodes, or a user's method over the stacked children."""
    n, cols, w, method, node_params, floor, name = step
    positive = method.positive(node_params)
    r, u = w.shape[0], indicators.shape[0]
    if method.forward is not None and (cols < len(tree.indicators)).all():
        assert present is not None  # indicators' presence is one mask shared by every weight set
        x = indicators[:, cols]
        if positive:
            x = _positive(x, present, tree, n, None, units, explain, floor, name)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if complete:
                fx = method.forward(x, **node_params)
            else:
                fx = np.where(present, method.forward(np.where(present, x, 1.0), **node_params), 0.0)
            return method.inverse((fx @ w.T).T / total, **node_params)
    if method.forward is not None:
        acc = np.zeros((r, u))
        for j, c in enumerate(cols):
            x, m = values[c], masks[c]
            if positive:
                x = _positive(x, m, tree, n, j, units, explain if r == 1 else None, floor, name)
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                fx = np.where(m, method.forward(x, **node_params), 0.0)
            acc += w[:, j, None] * fx
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return method.inverse(acc / total, **node_params)
    # a user's method without forward/inverse: children stacked (r, u, k)
    x = np.stack([np.broadcast_to(values[c], (r, u)) for c in cols], axis=-1)
    m = np.stack([np.broadcast_to(masks[c], (r, u)) for c in cols], axis=-1)
    if positive:
        x = _positive(x, m, tree, n, None, units, None, floor, name)
    wn = np.where(m, w[:, None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return method.fn(np.where(m, x, 1.0), wn / wn.sum(axis=-1, keepdims=True), **node_params)


def _scores(
    nodes: list[np.ndarray], indicators: np.ndarray, tree: Tree, explain: Explanation | None, out: np.ndarray | None
) -> np.ndarray:
    """The node values as ``(r, units, nodes)`` (into ``out`` when given), with the unit inclusion rule applied."""
    if out is None:
        out = np.stack(nodes, axis=-1)
    else:
        for n, value in enumerate(nodes):
            out[:, :, n] = value
    if tree.min_indicators is not None:  # inclusion rule on the whole unit (IDI 2024: 5 of 10, Annex 1 p. 17)
        present = ~np.isnan(indicators)
        out[:, present.sum(axis=1) < tree.min_indicators, :] = np.nan
        if explain is not None:
            explain.indicators_present = present
    return out


def _user_mean(
    value: Any,
    ok: np.ndarray,
    children: list[tuple[np.ndarray, np.ndarray]],
    floor: float | None,
    name: str,
    node: str,
    units: pd.MultiIndex | None,
) -> np.ndarray:
    """The output of a user-registered aggregation, checked: one number per weight set and unit (a scalar was
    broadcast to every unit, a wrong shape was a numpy error), finite wherever the node is scored (NaN was
    reported as a coverage problem), and - the defining property of a mean (internality) - between the lowest
    and the highest of the children it weighs (values raised to the node's zero floor counted as such)."""
    place: dict[str, Any] = {"node": node, "hint": f"correct the aggregation method '{name}' registered by the user"}
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise MethodError(
            f"aggregation method '{name}' returned {type(value).__name__}, not numbers", **place
        ) from None
    if array.shape != ok.shape:
        got = "a single value" if array.ndim == 0 else f"shape {array.shape}"
        raise MethodError(
            f"aggregation method '{name}' returned {got}, not one value per weight set and unit {ok.shape}", **place
        )
    low, high = np.full(ok.shape, np.inf), np.full(ok.shape, -np.inf)
    for child, present in children:
        child = np.where(child <= floor, floor, child) if floor is not None else child
        low = np.where(present, np.minimum(low, child), low)
        high = np.where(present, np.maximum(high, child), high)
    tolerance = 1e-9 * np.maximum(1.0, np.maximum(np.abs(low), np.abs(high)))
    with np.errstate(invalid="ignore"):
        inside = (array >= low - tolerance) & (array <= high + tolerance)
    for bad, problem in (
        (ok & ~np.isfinite(array), "returned {v} for a unit it scores"),
        (ok & ~inside, "returned {v:g}, outside"),
    ):
        if bad.any():
            at = tuple(np.argwhere(bad)[0])
            economy, year = units[at[-1]] if units is not None else (None, None)
            text = problem.format(v=array[at])
            if "outside" in problem:
                text += f" the range of its children ({low[at]:g} to {high[at]:g}), which a mean cannot leave"
            raise MethodError(f"aggregation method '{name}' {text}", economy=economy, year=year, **place)
    return array


def aggregate(
    normalised: pd.DataFrame,
    framework: Framework,
    *,
    min_coverage: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score every node of the framework tree, bottom-up (pandas in, pandas out).

    Parameters
    ----------
    normalised
        Normalised indicators, indexed by ``(economy, year)``.
    framework
        Tree, weights and aggregation methods.
    min_coverage
        Overrides the framework's default coverage rule (not a node's own).

    Returns
    -------
    scores, coverage, floored
        ``scores``: one column per node (unscaled, 0-1 for goalpost inputs);
        ``coverage``: one row per economy/year/node not fully scored
        (:data:`COVERAGE_COLUMNS`); ``floored``: values raised to a zero floor.
    """
    tree = Tree.from_framework(framework, min_coverage)
    x = normalised[list(tree.indicators)].to_numpy(dtype="float64")
    explain = Explanation()
    scores = aggregate_tree(x, tree, units=normalised.index, explain=explain)[0]
    table = pd.DataFrame(
        np.concatenate([x, scores], axis=1), index=normalised.index, columns=list(tree.indicators + tree.nodes)
    )
    coverage, floored = coverage_rows(tree, explain, normalised.index)
    return table[list(tree.nodes)], coverage, floored
