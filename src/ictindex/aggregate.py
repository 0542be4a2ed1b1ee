"""Aggregation: normalised indicators -> sub-index and index scores, node by node.

Means (OECD/JRC Handbook 2008, section 6; weights w_i rescaled to sum 1 over the
children present):

* arithmetic ``sum w_i x_i`` (fully compensatory; DOI and IDI);
* geometric ``prod x_i ** w_i`` (partial compensation; needs x_i > 0);
* harmonic ``1 / sum(w_i / x_i)`` (needs x_i > 0);
* power (generalised) ``(sum w_i x_i ** p) ** (1 / p)``.

Coverage rule: a node is scored only when the share of its children present
(counted, not weighted) is at least ``min_coverage``; when some children are
missing the weights of the present ones are rescaled, and the economy is listed
in the coverage table as partly scored. An economy that fails the rule gets no
score for the node, and the coverage table says which children were missing.

>>> x = np.array([[0.5, 1.0], [0.25, np.nan]])
>>> weighted_mean(x, np.array([0.5, 0.5]), "arithmetic").tolist()
[0.75, 0.25]
>>> round(float(weighted_mean(x[:1], np.array([0.5, 0.5]), "geometric")[0]), 4)
0.7071
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.framework import Aggregation, Framework

__all__ = ["weighted_mean", "aggregate", "COVERAGE_COLUMNS"]

COVERAGE_COLUMNS = ["economy", "year", "node", "status", "present", "expected", "missing", "reason"]
FLOORED_COLUMNS = ["economy", "year", "node", "child", "value", "floored_to"]


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
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # 1/tiny -> inf -> harmonic 0
        w = w / total[..., None]
        filled = np.where(present, x, 1.0)
        if method == "arithmetic":
            out = (w * np.where(present, x, 0.0)).sum(axis=-1)
        elif method == "geometric":
            out = np.exp((w * np.log(filled)).sum(axis=-1))
        elif method == "harmonic":
            out = 1.0 / (w / filled).sum(axis=-1)
        elif method == "power":
            assert power is not None
            out = (w * filled**power).sum(axis=-1) ** (1.0 / power)
        else:
            raise MethodError(f"unknown aggregation method '{method}'",
                              hint="use arithmetic, geometric, harmonic or power")
    return np.where(total > 0, out, np.nan)


def _check_positive(x: pd.DataFrame, node: str, rule: Aggregation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Zeros/negatives in a geometric or harmonic mean: floor them (recorded) or raise."""
    empty = pd.DataFrame(columns=FLOORED_COLUMNS)
    if rule.method not in {"geometric", "harmonic"} and not (
        rule.method == "power" and rule.power is not None and rule.power < 0
    ):
        return x, empty
    bad = x <= 0
    if not bad.to_numpy().any():
        return x, empty
    stacked = x.where(bad).stack().dropna()
    if rule.zero_floor is None:
        (economy, year, child), value = next(iter(stacked.items()))
        raise MethodError(
            f"a {rule.method} mean needs positive values, but child '{child}' is {value}",
            economy=economy, node=node, year=year,
            hint="normalise to a positive range (e.g. min-max to 1-100), or set aggregation.zero_floor "
            "in the framework",
        )
    floored = stacked.rename("value").reset_index()
    floored.columns = ["economy", "year", "child", "value"]
    floored.insert(2, "node", node)
    floored["floored_to"] = rule.zero_floor
    return x.where(~bad, rule.zero_floor), floored


def aggregate(
    normalised: pd.DataFrame,
    framework: Framework,
    *,
    min_coverage: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score every node of the framework tree, bottom-up.

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
    table = normalised.copy()
    default = framework.min_coverage if min_coverage is None else min_coverage
    coverage: list[pd.DataFrame] = []
    floors: list[pd.DataFrame] = []
    for code in framework.aggregation_order:
        node = framework.node(code)
        children = [c.code for c in node.children]
        weights = np.array([node.weights[c] for c in children])
        x, floored = _check_positive(table[children], code, node.aggregation)
        floors.append(floored)
        present = x.notna().to_numpy()
        share = present.mean(axis=1)
        threshold = node.aggregation.min_coverage if node.aggregation.min_coverage is not None else default
        ok = (share >= threshold - 1e-12) & present.any(axis=1)
        score = weighted_mean(x.to_numpy(), weights, node.aggregation.method, node.aggregation.power)
        table[code] = np.where(ok, score, np.nan)
        coverage.append(_coverage_rows(x.index, code, children, present, ok, threshold))
    coverage = [c for c in coverage if not c.empty]
    floors = [f for f in floors if not f.empty]
    cov = pd.concat(coverage, ignore_index=True) if coverage else pd.DataFrame(columns=COVERAGE_COLUMNS)
    flo = pd.concat(floors, ignore_index=True) if floors else pd.DataFrame(columns=FLOORED_COLUMNS)
    return table[framework.aggregation_order], cov, flo


def _coverage_rows(index: pd.MultiIndex, node: str, children: list[str], present: np.ndarray,
                   ok: np.ndarray, threshold: float) -> pd.DataFrame:
    """Rows for every unit where the node is not scored or scored with children missing."""
    incomplete = ~present.all(axis=1)
    if not incomplete.any():
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    missing = ~present[incomplete]
    labels = [np.where(missing[:, j], child + ",", "") for j, child in enumerate(children)]
    missing_text = np.char.rstrip(reduce(np.char.add, labels).astype(str), ",")
    n_present = present[incomplete].sum(axis=1)
    scored = ok[incomplete]
    status = np.where(scored, "partly scored", "not scored")
    need = int(np.ceil(threshold * len(children) - 1e-9))
    short = np.char.add(np.char.add("only ", n_present.astype(str)),
                        f" of {len(children)} children present; the coverage rule needs {need}")
    reason = np.where(
        scored,
        np.char.add(np.char.add("scored without ", missing_text), " (weights of the others rescaled)"),
        np.where(n_present == 0, "no data for any child", short),
    )
    ix = index[incomplete]
    return pd.DataFrame({
        "economy": ix.get_level_values("economy"),
        "year": ix.get_level_values("year"),
        "node": node,
        "status": status,
        "present": n_present,
        "expected": len(children),
        "missing": missing_text,
        "reason": reason,
    })
