"""Coverage: which economies a node could not score, or scored with children missing, and why.

Derived once, after the nominal evaluation, from the presence masks the aggregation saw
(:class:`ictindex.aggregate.Explanation`): reason strings are built only for the rows that
need one, never inside the evaluation of many variants.

>>> COVERAGE_COLUMNS
['economy', 'year', 'node', 'status', 'present', 'expected', 'missing', 'reason']
"""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the tree and the explanation are built by the aggregation stage
    from ictindex.aggregate import Explanation, Tree

__all__ = ["COVERAGE_COLUMNS", "FLOORED_COLUMNS", "coverage_rows", "absent_rows"]

COVERAGE_COLUMNS = ["economy", "year", "node", "status", "present", "expected", "missing", "reason"]
FLOORED_COLUMNS = ["economy", "year", "node", "child", "value", "floored_to"]


def _node_rows(
    units: pd.MultiIndex,
    node: str,
    children: list[str],
    present: np.ndarray,
    weighted: np.ndarray,
    ok: np.ndarray,
    threshold: float,
) -> pd.DataFrame | None:
    """Rows for every unit where the node is not scored, or scored with weighted children missing."""
    counted = present[:, weighted]
    names = [c for c, w in zip(children, weighted, strict=True) if w]
    incomplete = ~counted.all(axis=1)
    if not incomplete.any():
        return None
    missing = ~counted[incomplete]
    labels = [np.where(missing[:, j], child + ",", "") for j, child in enumerate(names)]
    missing_text = np.char.rstrip(reduce(np.char.add, labels).astype(str), ",")
    n_present = counted[incomplete].sum(axis=1)
    scored = ok[incomplete]
    need = max(int(np.ceil(threshold * len(names) - 1e-9)), 1)
    short = np.char.add(
        np.char.add("only ", n_present.astype(str)),
        f" of {len(names)} children present; the coverage rule needs {need}",
    )
    reason = np.where(
        scored,
        np.char.add(np.char.add("scored without ", missing_text), " (weights of the others rescaled)"),
        np.where(n_present == 0, "no data for any child", short),
    )
    ix = units[incomplete]
    return pd.DataFrame(
        {
            "economy": ix.get_level_values("economy"),
            "year": ix.get_level_values("year"),
            "node": node,
            "status": np.where(scored, "partly scored", "not scored"),
            "present": n_present,
            "expected": len(names),
            "missing": missing_text,
            "reason": reason,
        }
    )


def _inclusion_rule(
    tree: Tree, present: np.ndarray, units: pd.MultiIndex, frames: list[pd.DataFrame]
) -> list[pd.DataFrame]:
    """Units with fewer indicators than the framework's ``min_indicators``: one "not scored" row on
    the index node replaces their node rows (ITU IDI 2024, Annex 1, p. 17)."""
    counts = present.sum(axis=1)
    short = counts < tree.min_indicators
    if not short.any():
        return frames
    excluded = units[short]
    kept = [f[~pd.MultiIndex.from_frame(f[["economy", "year"]]).isin(excluded)] for f in frames]
    names = np.asarray(tree.indicators)
    total = len(tree.indicators)
    rows = pd.DataFrame(
        {
            "economy": excluded.get_level_values("economy"),
            "year": excluded.get_level_values("year"),
            "node": tree.index,
            "status": "not scored",
            "present": counts[short],
            "expected": total,
            "missing": [",".join(names[~row]) for row in present[short]],
            "reason": [
                f"only {k} of {total} indicators present; the framework's inclusion rule needs {tree.min_indicators}"
                for k in counts[short]
            ],
        }
    )
    return [f for f in kept if not f.empty] + [rows]


def coverage_rows(tree: Tree, explain: Explanation, units: pd.MultiIndex) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coverage table (:data:`COVERAGE_COLUMNS`) and the floored values (:data:`FLOORED_COLUMNS`)
    of a nominal evaluation."""
    frames = []
    for n, node in enumerate(tree.nodes):
        rows = _node_rows(
            units,
            node,
            tree.children(n),
            explain.present[n],
            explain.expected[n],
            explain.ok[n],
            float(tree.threshold[n]),
        )
        if rows is not None:
            frames.append(rows)
    if explain.indicators_present is not None:
        frames = _inclusion_rule(tree, explain.indicators_present, units, frames)
    coverage = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COVERAGE_COLUMNS)
    floors = []
    for n, rows, cols, values in explain.floored:
        children = tree.children(n)
        ix = units[rows]
        floors.append(
            pd.DataFrame(
                {
                    "economy": ix.get_level_values("economy"),
                    "year": ix.get_level_values("year"),
                    "node": tree.nodes[n],
                    "child": [children[c] for c in cols],
                    "value": values,
                    "floored_to": tree.floors[n],
                }
            )
        )
    floored = pd.concat(floors, ignore_index=True) if floors else pd.DataFrame(columns=FLOORED_COLUMNS)
    return coverage, floored


def absent_rows(
    economies: list[str],
    units: pd.MultiIndex,
    years: list[int],
    index: str,
    *,
    noun: str = "economy",
    listed_only: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Coverage rows for economies of the input with no data at all for the framework in a year built (and for
    ``listed_only``: units of a units table that the input does not hold at all)."""
    labels = pd.Index(sorted(economies), dtype=object)
    year_labels = pd.Index(list(years))
    present = np.zeros((len(labels), len(year_labels)), dtype=bool)
    e = labels.get_indexer(units.get_level_values("economy"))
    y = year_labels.get_indexer(units.get_level_values("year"))
    found = (e >= 0) & (y >= 0)
    present[e[found], y[found]] = True
    rows, cols = np.nonzero(~present.T)  # year by year, economies in order
    if rows.size == 0:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    year_of = year_labels.to_numpy()[rows]
    return pd.DataFrame(
        {
            "economy": labels.to_numpy()[cols],
            "year": year_of,
            "node": index,
            "status": "not scored",
            "present": 0,
            "expected": 0,
            "missing": "",
            "reason": [
                f"in the units table, but no value in the data for this {noun}"
                if e in listed_only
                else f"no data for this {noun} in {y}"
                for e, y in zip(labels.to_numpy()[cols], year_of, strict=True)
            ],
        },
        columns=COVERAGE_COLUMNS,
    )
