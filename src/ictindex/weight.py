"""Weights: the nominal weight of every node and indicator in the index.

Child weights are rescaled to sum 1 within their parent (see
:mod:`ictindex.framework`); the *effective* weight of a node in the index is the
product of the rescaled weights on its path to the top. For the DOI each of the
three Opportunity indicators weighs 1/3 * 1/3 = 1/9 and each of the five
Infrastructure indicators 1/3 * 1/5 = 1/15 (WISR 2007, Figure 3.1e).

>>> from ictindex.framework import load_framework
>>> w = effective_weights(load_framework("doi"))
>>> round(w["mobile_coverage"], 4), round(w["hh_internet"], 4), round(w["infrastructure"], 4)
(0.1111, 0.0667, 0.3333)
"""

from __future__ import annotations

import pandas as pd

from ictindex.framework import Framework

__all__ = ["effective_weights", "weights_table"]


def effective_weights(framework: Framework) -> dict[str, float]:
    """Effective weight of every node and indicator in the top-level index (the index itself is 1)."""
    out = {framework.index: 1.0}
    for code in framework.top_down_order:
        node = framework.node(code)
        for child, weight in node.weights.items():
            out[child] = out[code] * weight
    return out


def weights_table(framework: Framework) -> pd.DataFrame:
    """Tidy table: code, name, parent, level (0 = index), weight in parent, effective weight."""
    eff = effective_weights(framework)
    names = {n.code: n.name for n in framework.nodes} | {i.code: i.name for i in framework.indicators}
    rows = []
    for code in eff:
        parent = framework.parents.get(code)
        rows.append({
            "code": code,
            "name": names[code],
            "parent": parent,
            "level": framework.depth(code),
            "kind": "indicator" if code in framework.indicator_codes else "node",
            "weight_in_parent": 1.0 if parent is None else framework.node(parent).weights[code],
            "effective_weight": eff[code],
        })
    return pd.DataFrame(rows)
