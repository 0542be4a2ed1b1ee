"""The digital divide: group aggregates, inequality between economies, convergence, domestic gaps, WSIS targets.

The WSIS Plan of Action (Geneva 2003) asks for indicators that "clarify the magnitude of the digital
divide, in both its domestic and international dimensions, and keep it under regular assessment"
(§E.27b) and sets connectivity targets (§B.6 a-j: "ensure that more than half the world's inhabitants have
access to ICTs within their reach", j). This module measures both dimensions for any index, node or
indicator:

* :func:`~ictindex.units.group_means` — simple and population-weighted means by group, with the population share
  covered;
* :func:`gini`, :func:`theil`, :func:`inequality` — Gini (unweighted and population-weighted), Theil T and L
  with the exact between/within decomposition, coefficient of variation, top/bottom quintile ratio and gap
  (Cowell, F. A., *Measuring Inequality*, 3rd ed., Oxford UP 2011, ch. 2-3 and Technical Appendix A.4;
  Theil, H., *Economics and Information Theory*, North-Holland 1967, ch. 4);
* :func:`convergence` — sigma-convergence on a balanced panel and beta-convergence (Barro, R. J. and
  Sala-i-Martin, X., "Convergence", *Journal of Political Economy* 100(2), 1992);
* :func:`domestic_gaps` — urban/rural and female/male parity scores and gaps per economy;
* :func:`wsis_targets` — world and group values of the quantifiable WSIS connectivity targets per year,
  with the distance to the target and the year it was reached or would be on a fitted logistic trend.

Every function takes an :class:`~ictindex.result.IndexResult` (a node's scores or an indicator's values) or
a DataFrame: a tidy panel (``economy, year, indicator, value[, sex]``), a wide table (``economy, year`` and
one column per code) or ``economy, year, value``. Array versions of :func:`gini` and :func:`theil` take
plain values.

Groups and population are explicit arguments (``groups=``, ``population=``); when left out they come from
:func:`~ictindex.units.bundled_economies`, the one place that knows where the bundled ones live.

>>> round(gini([1, 2, 3, 4]), 4)          # sum |xi - xj| / (2 n^2 mean) = 20 / (2 * 16 * 2.5)
0.25
>>> t = theil([1.0, 2.0, 3.0, 6.0], by=["a", "a", "b", "b"])
>>> bool(abs(t.total - (t.between + t.within)) < 1e-12)
True
"""

from __future__ import annotations

from ictindex.divide.convergence import Convergence, convergence
from ictindex.divide.domestic import DOMESTIC_COLUMNS, domestic_gaps  # noqa: F401 - DOMESTIC_COLUMNS: former name
from ictindex.divide.inequality import TheilDecomposition, gini, inequality, theil
from ictindex.divide.inputs import WEIGHT_RANGE  # noqa: F401 - a name of the former module
from ictindex.divide.lorenz import Lorenz, lorenz
from ictindex.divide.wsis import (  # noqa: F401 - _reached, TREND: names of the former module
    TREND,
    WSIS_TARGETS,
    WsisTarget,
    _reached,
    logistic_trend,
    wsis_targets,
    wsis_trend_points,
)
from ictindex.units import (  # noqa: F401 - NO_GROUP, group_aggregates...: names of the former module
    NO_GROUP,
    POPULATION_SERIES,
    WORLD,
    bundled_economies,
    bundled_panel,
    group_aggregates,
    group_means,
    groupings_of,
    groups_and_population,
    member_population,
    population_by_year,
    values_of,
)

__all__ = [
    "POPULATION_SERIES",
    "WORLD",
    "WsisTarget",
    "WSIS_TARGETS",
    "TheilDecomposition",
    "Convergence",
    "bundled_economies",
    "population_by_year",
    "values_of",
    "logistic_trend",
    "Lorenz",
    "lorenz",
    "wsis_trend_points",
    "group_means",
    "gini",
    "theil",
    "inequality",
    "convergence",
    "domestic_gaps",
    "wsis_targets",
]

# WORLD, NO_GROUP, group_means, values_of, population_by_year and bundled_economies live in ictindex.units, the one
# home of unit metadata and group means; they stay importable from here.
