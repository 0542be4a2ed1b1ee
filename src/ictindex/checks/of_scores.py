"""The built-in checks of scores (after the nominal evaluation): a unit scored from too few reported values or
without a whole category."""

from __future__ import annotations

import numpy as np

from ictindex.checks.context import Context, Findings, _none
from ictindex.method_table import register_check


# -- the built-in checks of scores (after the nominal evaluation) ----------------------------------------------
@register_check("thin_data", scope="scores")
def thin_data(x: np.ndarray, context: Context, *, share: float = 0.5) -> Findings:
    """A unit scored from reported values for fewer than ``share`` (0.5) of the framework's indicators:
    reported means present before imputation and not a publisher estimate (the spirit of the IDI 2024 rule
    that an economy needs data for at least 5 of 10 indicators). ``x`` are the node scores ``(units, nodes)``,
    ``context.reported`` the reported values ``(units, indicators)``."""
    framework, reported = context.framework, context.reported
    if framework is None or reported is None or reported.shape[1] == 0:
        return _none()
    scored = ~np.isnan(x[:, framework.aggregation_order.index(framework.index)])
    count = np.zeros(len(reported), dtype="int32")
    for column in reported.T:  # column by column: the matrix is stored by columns
        count += column
    total = reported.shape[1]
    at = np.flatnonzero(scored & (count < share * total))
    if not at.size:
        return _none()
    k = count[at]
    return Findings(
        at,
        lambda p: [
            f"scored from {k[i]} reported value(s) of {total} indicators, fewer than {share:.0%}: the others are "
            "imputed, publisher estimates or missing"
            for i in p
        ],
        subject=framework.index,
    )


@register_check("missing_category", scope="scores")
def missing_category(x: np.ndarray, context: Context) -> list[Findings]:
    """A node scored without one of its child nodes (a category, pillar or sub-index): e.g. the DOI of 2005
    from Infrastructure and Utilization alone. ``x`` are the node scores ``(units, nodes)`` in the framework's
    bottom-up order."""
    framework = context.framework
    if framework is None:
        return []
    nodes = framework.aggregation_order
    column = {code: j for j, code in enumerate(nodes)}
    out = []
    for node in nodes:
        scored = ~np.isnan(x[:, column[node]])
        for child in framework.node(node).children:
            if child.code in column and child.weight > 0:
                at = np.flatnonzero(scored & np.isnan(x[:, column[child.code]]))
                if at.size:
                    text = (
                        f"{node} scored without its {framework.label(child.code)} ({child.code}) score: the weights of "
                        "the other children are rescaled, so it is not comparable with a complete score"
                    )
                    out.append(Findings(at, text, subject=child.code))
    return out
