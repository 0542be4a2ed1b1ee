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

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ictindex.errors import MethodError
from ictindex.result import IndexResult

__all__ = ["Comparison", "compare"]

TABLE_COLUMNS = [
    "economy",
    "year",
    "year_a",
    "year_b",
    "score_a",
    "score_b",
    "rank_a",
    "rank_b",
    "rank_shift",
    "difference",
    "in",
]
SUMMARY_COLUMNS = [
    "year",
    "compared",
    "only_a",
    "only_b",
    "spearman",
    "spearman_p",
    "mean_abs_difference",
    "max_abs_difference",
    "mean_abs_rank_shift",
]


@dataclass(frozen=True)
class Comparison:
    """Two rankings side by side.

    ``table``: one row per economy and year in either side: ``score_a``, ``score_b``, ``rank_a``,
    ``rank_b`` (ranks among the economies in both sides, or with ``ranks="own"`` each side's
    own rank; 1 = best, ties share the lower rank), ``difference`` =
    ``score_b - score_a``, ``rank_shift`` = ``rank_a - rank_b`` (positive: higher in b), and
    ``in`` (``both``, ``a only``, ``b only``) — no economy is dropped.
    ``summary``: per year, the number compared, those in one side only, Spearman's rho and its
    p-value, mean and largest absolute score difference, mean absolute rank shift.
    ``labels``: what a and b are.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    labels: tuple[str, str]
    node: str

    def largest(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` economies with the largest absolute score difference."""
        both = self.table[self.table["in"] == "both"]
        return both.loc[both["difference"].abs().sort_values(ascending=False).index[:n]]


def _scores(side: IndexResult | pd.DataFrame, node: str, which: str, year: int | None) -> pd.DataFrame:
    """economy, year, score of one side (validated), restricted to ``year`` when given."""
    table = side.scores if isinstance(side, IndexResult) else side
    if not isinstance(table, pd.DataFrame):
        raise MethodError(f"compare: side {which} must be an IndexResult or a DataFrame, got {type(side).__name__}")
    column = node if node in table.columns else "score" if "score" in table.columns else None
    missing = [c for c in ("economy", "year") if c not in table.columns]
    if column is None or missing:
        raise MethodError(
            f"compare: side {which} has no column {missing or [node]}",
            field=node,
            hint="give a table with economy, year and the score column (or 'score'), or pick node=",
        )
    out = table[["economy", "year", column]].rename(columns={column: "score"})
    out = out.assign(score=pd.to_numeric(out["score"], errors="coerce")).dropna(subset=["score"])
    if year is not None:
        out = out[out["year"] == year]
        if out.empty:
            raise MethodError(
                f"compare: side {which} has no '{node}' scores in {year}",
                year=year,
                field=node,
                hint="choose a year present in both sides",
            )
    if out.duplicated(["economy", "year"]).any():
        economy, dup_year = out.loc[out.duplicated(["economy", "year"]), ["economy", "year"]].iloc[0]
        raise MethodError(
            f"compare: side {which} has two scores for one economy and year",
            economy=economy,
            year=dup_year,
            hint="keep one row per economy and year (e.g. filter one edition)",
        )
    return out.reset_index(drop=True)


def _summary(group: pd.DataFrame) -> pd.Series:
    both = group[group["in"] == "both"]
    rho, p = spearmanr(both["score_a"], both["score_b"]) if len(both) > 2 else (np.nan, np.nan)
    diff = both["difference"].abs()
    return pd.Series(
        {
            "compared": len(both),
            "only_a": int((group["in"] == "a only").sum()),
            "only_b": int((group["in"] == "b only").sum()),
            "spearman": float(rho),
            "spearman_p": float(p),
            "mean_abs_difference": diff.mean(),
            "max_abs_difference": diff.max(),
            "mean_abs_rank_shift": both["rank_shift"].abs().astype("float64").mean(),
        }
    )


def compare(
    a: IndexResult | pd.DataFrame,
    b: IndexResult | pd.DataFrame,
    *,
    node: str | None = None,
    years: tuple[int, int] | None = None,
    labels: tuple[str, str] | None = None,
    ranks: str = "compared",
) -> Comparison:
    """Compare two sets of scores of one node (default: the index of ``a``).

    Parameters
    ----------
    a, b
        :class:`~ictindex.result.IndexResult` or a table with ``economy``, ``year`` and a column
        named ``node`` (or ``score``), e.g. ``datasets.published("idi2024")`` filtered to one edition.
    node
        Node code to compare (required when ``a`` is a table).
    years
        ``(year_a, year_b)``: compare a in one year with b in another (economies matched by code);
        by default economies are matched on code and year.
    labels
        Names of the two sides (default: framework codes, or ``a``/``b``).
    ranks
        ``compared`` (default): ranks among the economies in both sides, so that a shift is a
        change of order; ``own``: each side's rank among all its economies (its published rank).

    Returns
    -------
    Comparison
        ``table`` and ``summary`` (see :class:`Comparison`).
    """
    if node is None:
        if not isinstance(a, IndexResult):
            raise MethodError("compare: name the column to compare with node=", hint="e.g. node='IDI'")
        node = a.framework.index
    default = tuple(s.framework.code if isinstance(s, IndexResult) else n for s, n in ((a, "a"), (b, "b")))
    labels = labels or (default[0], default[1] if default[1] != default[0] else f"{default[1]} (b)")
    left = _scores(a, node, "a", years[0] if years else None)
    right = _scores(b, node, "b", years[1] if years else None)
    keys = ["economy"] if years else ["economy", "year"]
    table = left.merge(right, on=keys, how="outer", suffixes=("_a", "_b"), indicator="in")
    if not years:
        table["year_a"] = table["year_b"] = table["year"]
    else:
        table["year"] = years[1]
        table["year_a"], table["year_b"] = years
    table["in"] = table["in"].map({"both": "both", "left_only": "a only", "right_only": "b only"})
    if ranks not in {"compared", "own"}:
        raise MethodError(f"compare: unknown ranks '{ranks}'", hint="use ranks='compared' or ranks='own'")
    for side in ("a", "b"):
        scored = table[f"score_{side}"].notna() if ranks == "own" else table["in"] == "both"
        rank = table.loc[scored].groupby("year")[f"score_{side}"].rank(method="min", ascending=False)
        table[f"rank_{side}"] = rank.reindex(table.index).astype("Int64")
    table["difference"] = table["score_b"] - table["score_a"]
    table["rank_shift"] = (table["rank_a"] - table["rank_b"]).astype("Int64")
    table = table[TABLE_COLUMNS].sort_values(["year", "economy"]).reset_index(drop=True)
    summary = table.groupby("year")[TABLE_COLUMNS].apply(_summary).reset_index()
    summary[["compared", "only_a", "only_b"]] = summary[["compared", "only_a", "only_b"]].astype("int64")
    return Comparison(table=table, summary=summary[SUMMARY_COLUMNS], labels=labels, node=node)
