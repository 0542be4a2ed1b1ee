"""Analysis of built indices: two rankings side by side (:func:`compare`).

``compare(a, b)`` puts two sets of scores next to each other — two years of one index, two
frameworks or methods, or a result against a published table — with each side's score and
rank, the score difference, the rank shift, and a per-year summary: Spearman's rank correlation
(``scipy.stats.spearmanr``) and the mean absolute difference (OECD/JRC Handbook 2008, section
7, "comparison with a benchmark"; mean absolute rank shift as in Saisana, Saltelli & Tarantola
2005, JRSS A 168).

>>> import pandas as pd
>>> a = pd.DataFrame({"economy": ["A", "B", "C"], "year": 2022, "IDI": [90.0, 80.0, 70.0]})
>>> b = pd.DataFrame({"economy": ["A", "B", "C"], "year": 2022, "IDI": [85.0, 88.0, 70.0]})
>>> c = compare(a, b, node="IDI")
>>> c.table[["economy", "rank_a", "rank_b", "rank_shift", "difference"]].values.tolist()
[['A', 1, 2, -1, -5.0], ['B', 2, 1, 1, 8.0], ['C', 3, 3, 0, 0.0]]
>>> round(float(c.summary["spearman"].iloc[0]), 3), float(c.summary["mean_abs_difference"].iloc[0])
(0.5, 4.333333333333333)
"""

from __future__ import annotations

from ictindex.analysis.comparison import (  # noqa: F401 - the columns: names of the former module
    SUMMARY_COLUMNS,
    TABLE_COLUMNS,
    Comparison,
    MultiComparison,
    compare,
    compare_many,
    published_scores,
)
from ictindex.analysis.statistical_coherence import (  # noqa: F401 - the thresholds: names of the former module
    COLLINEAR_CORRELATION,
    LOW_ALPHA,
    WEAK_CORRELATION,
    Coherence,
    coherence,
    collinearity,
    correlation_matrix,
    correlations,
    cronbach_alpha,
    level_values,
    node_pca,
)

__all__ = [
    "Coherence",
    "coherence",
    "Comparison",
    "MultiComparison",
    "compare",
    "compare_many",
    "published_scores",
    "level_values",
    "correlations",
    "collinearity",
    "cronbach_alpha",
    "node_pca",
    "correlation_matrix",
]
