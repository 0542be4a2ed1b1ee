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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

from ictindex.errors import MethodError
from ictindex.published import published_scores as clean_published_scores
from ictindex.result import IndexResult

__all__ = [
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
    "indicators_a",
    "indicators_b",
    "only_in_a",
    "only_in_b",
    "coverage_change",
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
    "coverage_changes",
]


@dataclass(frozen=True)
class Comparison:
    """Two rankings side by side.

    ``table``: one row per economy and year in either side: ``score_a``, ``score_b``, ``rank_a``,
    ``rank_b`` (ranks among the economies in both sides, or with ``ranks="own"`` each side's
    own rank; 1 = best, ties share the lower rank), ``difference`` =
    ``score_b - score_a``, ``rank_shift`` = ``rank_a - rank_b`` (positive: higher in b), and
    ``in`` (``both``, ``a only``, ``b only``) — no economy is dropped. For a side that is a result,
    ``indicators_a``/``indicators_b`` count the indicators with a reported value, ``only_in_a``/``only_in_b``
    name those reported on one side only, and ``coverage_change`` is True where the two sides rest on
    different indicators (a rank shift there may come from the data present, not from change); empty for a
    published table.
    ``summary``: per year, the number compared, those in one side only, Spearman's rho and its
    p-value, mean and largest absolute score difference, mean absolute rank shift, and how many units
    changed coverage.
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


def published_scores(table: pd.DataFrame, node: str, which: str) -> pd.DataFrame:
    """``economy, year, score`` of a published table (a side of :func:`compare` that is a DataFrame): the
    column ``node`` (or ``score``) as numbers, one row per economy and year.

    This is the one place a published table is read for a comparison; the cleaning (footnote marks, ranges,
    "n.a.", economy names, text years) is :func:`ictindex.published.published_scores`.
    """
    column = node if node in table.columns else "score" if "score" in table.columns else None
    missing = [c for c in ("economy", "year") if c not in table.columns]
    if column is None or missing:
        raise MethodError(
            f"compare: side {which} has no column {missing or [node]}",
            field=node,
            hint="give a table with economy, year and the score column (or 'score'), or pick node=",
        )
    # a published table's footnote marks, "n/a", economy names and text years (ictindex.published, issue 30)
    return clean_published_scores(table, column, side=which)


def _scores(side: IndexResult | pd.DataFrame, node: str, which: str, year: int | None) -> pd.DataFrame:
    """economy, year, score of one side (validated), restricted to ``year`` when given."""
    if isinstance(side, IndexResult):
        if node not in side.node_codes:
            raise MethodError(
                f"compare: side {which} ({side.framework.code}) has no node '{node}'",
                node=node,
                hint=f"nodes: {side.node_codes}",
            )
        out = side.scores[["economy", "year", node]].rename(columns={node: "score"}).dropna(subset=["score"])
    elif isinstance(side, pd.DataFrame):
        out = published_scores(side, node, which)
    else:
        raise MethodError(f"compare: side {which} must be an IndexResult or a DataFrame, got {type(side).__name__}")
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


def _reported(side: IndexResult | pd.DataFrame) -> pd.Series | None:
    """Per (economy, year), the set of indicators with a reported value (None for a published table)."""
    if not isinstance(side, IndexResult):
        return None
    raw = side.raw.set_index(["economy", "year"])
    present = raw.notna()
    codes = np.asarray(raw.columns, dtype=object)
    return pd.Series([frozenset(codes[row]) for row in present.to_numpy()], index=raw.index, dtype=object)


def _coverage_columns(table: pd.DataFrame, a: IndexResult | pd.DataFrame, b: IndexResult | pd.DataFrame) -> None:
    """Add the indicators present on each side and the coverage-change flag (in place)."""
    sets = {}
    for side, data in (("a", a), ("b", b)):
        reported = _reported(data)
        keys = list(zip(table["economy"], table[f"year_{side}"], strict=True))
        sets[side] = None if reported is None else [reported.get(k) for k in keys]
        table[f"indicators_{side}"] = pd.array(
            [len(x) if x is not None else None for x in sets[side]] if sets[side] is not None else [None] * len(table),
            dtype="Int64",
        )
    if sets["a"] is None or sets["b"] is None:
        table["only_in_a"] = table["only_in_b"] = ""
        table["coverage_change"] = pd.array([pd.NA] * len(table), dtype="boolean")
        return
    pairs = list(zip(sets["a"], sets["b"], strict=True))
    table["only_in_a"] = [", ".join(sorted(x - y)) if x is not None and y is not None else "" for x, y in pairs]
    table["only_in_b"] = [", ".join(sorted(y - x)) if x is not None and y is not None else "" for x, y in pairs]
    table["coverage_change"] = pd.array(
        [(x != y) if x is not None and y is not None else pd.NA for x, y in pairs], dtype="boolean"
    )


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
            "coverage_changes": int(both["coverage_change"].fillna(False).sum()),
        }
    )


def compare(
    a: IndexResult | pd.DataFrame | Sequence[IndexResult | pd.DataFrame] | Mapping[str, IndexResult | pd.DataFrame],
    b: IndexResult | pd.DataFrame | None = None,
    *,
    node: str | None = None,
    years: tuple[int, int] | None = None,
    labels: tuple[str, ...] | None = None,
    ranks: str = "compared",
) -> Comparison | MultiComparison:
    """Compare two sets of scores of one node (default: the index of ``a``), or several side by side.

    Parameters
    ----------
    a, b
        :class:`~ictindex.result.IndexResult` or a table with ``economy``, ``year`` and a column
        named ``node`` (or ``score``), e.g. ``datasets.published("idi2024")`` filtered to one edition.
        ``compare([r1, r2, r3])`` (or ``{"label": r, ...}``) with no ``b`` compares several results —
        variants or editions — at once (:class:`MultiComparison`; COINr's ``compare_coins_multi``).
    node
        Node code to compare (required when ``a`` is a table).
    years
        ``(year_a, year_b)``: compare a in one year with b in another (economies matched by code);
        by default economies are matched on code and year.
    labels
        Names of the sides (default: framework codes, or ``a``/``b``).
    ranks
        ``compared`` (default): ranks among the economies in both sides, so that a shift is a
        change of order; ``own``: each side's rank among all its economies (its published rank).

    Returns
    -------
    Comparison
        ``table`` and ``summary`` (see :class:`Comparison`); for several sides a :class:`MultiComparison`.
    """
    if b is None:
        if isinstance(a, IndexResult | pd.DataFrame):
            raise MethodError(
                "compare: give a second side, or a list of results", hint="compare(a, b) or compare([a, b, c])"
            )
        return compare_many(a, node=node, labels=labels)
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
    _coverage_columns(table, a, b)
    table = table[TABLE_COLUMNS].sort_values(["year", "economy"]).reset_index(drop=True)
    summary = table.groupby("year")[TABLE_COLUMNS].apply(_summary).reset_index()
    summary[["compared", "only_a", "only_b", "coverage_changes"]] = summary[
        ["compared", "only_a", "only_b", "coverage_changes"]
    ].astype("int64")
    return Comparison(table=table, summary=summary[SUMMARY_COLUMNS], labels=(labels[0], labels[1]), node=node)


@dataclass(frozen=True)
class MultiComparison:
    """Several results side by side (COINr's ``compare_coins_multi``).

    ``scores`` and ``ranks``: one row per unit and year, one column per side (its label); ranks are each
    side's own (1 = best; ties share the lower rank). ``table``: the same, tidy (``label, economy, year, score,
    rank, indicators``). ``summary``: per side and year against the first side (the reference): units compared,
    Spearman's rho, mean absolute rank shift, largest rank shift, units whose reported indicators differ from
    the reference's. ``spread``: per unit and year, the best and worst rank over the sides and their range.
    """

    table: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    summary: pd.DataFrame
    spread: pd.DataFrame
    labels: tuple[str, ...]
    node: str


def _sides(
    many: Sequence[IndexResult | pd.DataFrame] | Mapping[str, IndexResult | pd.DataFrame], labels: Sequence[str] | None
) -> list[tuple[str, IndexResult | pd.DataFrame]]:
    items = list(many.items()) if isinstance(many, Mapping) else [(None, s) for s in many]
    if len(items) < 2:
        raise MethodError(f"compare: give at least two results, got {len(items)}", hint="compare([r1, r2, r3])")
    if labels is not None and len(labels) != len(items):
        raise MethodError(f"compare: {len(labels)} labels for {len(items)} results", field="labels")
    out, seen = [], set()
    for i, (key, side) in enumerate(items):
        label = (
            labels[i]
            if labels is not None
            else key
            if key is not None
            else side.framework.code
            if isinstance(side, IndexResult)
            else f"table {i + 1}"
        )
        label = str(label)
        while label in seen:
            label = f"{label} ({i + 1})"
        seen.add(label)
        out.append((label, side))
    return out


def compare_many(
    many: Sequence[IndexResult | pd.DataFrame] | Mapping[str, IndexResult | pd.DataFrame],
    *,
    node: str | None = None,
    labels: Sequence[str] | None = None,
) -> MultiComparison:
    """Several results (variants, editions) side by side: see :class:`MultiComparison` and :func:`compare`.

    >>> a = pd.DataFrame({"economy": ["A", "B", "C"], "year": 2022, "IDI": [90.0, 80.0, 70.0]})
    >>> b = a.assign(IDI=[80.0, 90.0, 70.0])
    >>> m = compare_many({"one": a, "two": b, "three": a}, node="IDI")
    >>> m.ranks[["economy", "one", "two", "three"]].values.tolist()
    [['A', 1, 2, 1], ['B', 2, 1, 2], ['C', 3, 3, 3]]
    >>> m.spread["rank_range"].tolist()
    [1, 1, 0]
    """
    sides = _sides(many, labels)
    first = sides[0][1]
    if node is None:
        if not isinstance(first, IndexResult):
            raise MethodError("compare: name the column to compare with node=", hint="e.g. node='IDI'")
        node = first.framework.index
    frames = []
    for label, side in sides:
        scores = _scores(side, node, label, None)
        scores["rank"] = scores.groupby("year")["score"].rank(method="min", ascending=False).astype("Int64")
        reported = _reported(side)
        keys = list(zip(scores["economy"], scores["year"], strict=True))
        scores["indicators"] = pd.array(
            [len(reported.get(k, ())) for k in keys] if reported is not None else [None] * len(scores), dtype="Int64"
        )
        scores["_set"] = [reported.get(k) for k in keys] if reported is not None else None
        frames.append(scores.assign(label=label))
    tidy = pd.concat(frames, ignore_index=True)
    order = [label for label, _ in sides]
    wide = {
        what: tidy.pivot(index=["economy", "year"], columns="label", values=what)[order]
        .reset_index()
        .rename_axis(columns=None)
        for what in ("score", "rank")
    }
    wide["rank"][order] = wide["rank"][order].astype("Int64")
    reference = order[0]
    ref = tidy[tidy["label"] == reference].set_index(["economy", "year"])
    rows = []
    for label in order[1:]:
        other = tidy[tidy["label"] == label].set_index(["economy", "year"])
        both = ref.index.intersection(other.index)
        for year in sorted({y for _, y in both}):
            at = [k for k in both if k[1] == year]
            x, y = ref.loc[at, "score"].to_numpy(), other.loc[at, "score"].to_numpy()
            shift = (ref.loc[at, "rank"].astype("float64") - other.loc[at, "rank"].astype("float64")).abs()
            changed = sum(
                1
                for k in at
                if ref.at[k, "_set"] is not None
                and other.at[k, "_set"] is not None
                and ref.at[k, "_set"] != other.at[k, "_set"]
            )
            rows.append(
                {
                    "label": label,
                    "reference": reference,
                    "year": int(year),
                    "compared": len(at),
                    "spearman": float(spearmanr(x, y).statistic) if len(at) > 2 else np.nan,
                    "mean_abs_rank_shift": float(shift.mean()) if len(at) else np.nan,
                    "max_abs_rank_shift": float(shift.max()) if len(at) else np.nan,
                    "coverage_changes": int(changed),
                }
            )
    ranks = wide["rank"].set_index(["economy", "year"])[order].astype("float64")
    spread = pd.DataFrame(
        {
            "best_rank": ranks.min(axis=1),
            "worst_rank": ranks.max(axis=1),
            "sides": ranks.notna().sum(axis=1),
        }
    )
    spread["rank_range"] = (spread["worst_rank"] - spread["best_rank"]).astype("Int64")
    spread[["best_rank", "worst_rank"]] = spread[["best_rank", "worst_rank"]].astype("Int64")
    return MultiComparison(
        table=tidy.drop(columns="_set")[["label", "economy", "year", "score", "rank", "indicators"]],
        scores=wide["score"],
        ranks=wide["rank"],
        summary=pd.DataFrame(rows),
        spread=spread.reset_index(),
        labels=tuple(order),
        node=node,
    )


# =================================================================================================
# Coherence of the framework (issue 14): correlations, Cronbach's alpha, PCA per node.
#
# OECD/JRC Handbook (2008), section 4 ("multivariate analysis") and JRC/COINr audit practice: every
# indicator should correlate positively (r >= 0.3) with the aggregate it belongs to and with the index,
# siblings should not be collinear (|r| > 0.9 means double counting), a node's children should measure
# one thing (Cronbach's alpha; first principal component explaining most of the variance).
# Each function returns one tidy DataFrame (pingouin style), on one year's units.
# =================================================================================================
WEAK_CORRELATION = 0.3
COLLINEAR_CORRELATION = 0.9


def _year_of(result: IndexResult, year: int | None) -> int:
    years = result.years
    if year is None:
        if len(years) != 1:
            raise MethodError(
                f"the result holds {len(years)} years: choose one with year=", field="year", hint=f"one of {years}"
            )
        return years[0]
    if year not in years:
        raise MethodError(f"year {year} is not in the result", year=year, field="year", hint=f"one of {years}")
    return year


def level_values(result: IndexResult, year: int | None = None) -> pd.DataFrame:
    """One row per economy of ``year``: every normalised indicator and every node score (the values each
    node aggregates)."""
    year = _year_of(result, year)
    norm = result.normalised
    scores = result.scores
    nodes = [n for n in result.node_codes if n in scores.columns]
    left = norm[norm["year"] == year].drop(columns="year").set_index("economy")
    right = scores[scores["year"] == year].set_index("economy")[nodes]
    return left.join(right, how="outer")


def _pair(x: pd.Series, y: pd.Series, method: str) -> tuple[float, float, int]:
    ok = x.notna() & y.notna()
    n = int(ok.sum())
    if n < 3 or x[ok].nunique() < 2 or y[ok].nunique() < 2:
        return np.nan, np.nan, n
    test = pearsonr if method == "pearson" else spearmanr
    r, p = test(x[ok], y[ok])
    return float(r), float(p), n


def _check_method(method: str) -> None:
    if method not in ("pearson", "spearman"):
        raise MethodError(
            f"unknown correlation method '{method}'", field="method", hint="use method='pearson' or 'spearman'"
        )


def correlations(result: IndexResult, *, year: int | None = None, method: str = "pearson") -> pd.DataFrame:
    """Correlation of every indicator and node with its parent and with the index.

    Columns: ``code``, ``kind`` (indicator/node), ``parent``, ``r_parent``, ``p_parent``, ``r_index``,
    ``p_index``, ``n``, ``weak`` (``r_parent < 0.3``), ``negative`` (``r_parent < 0``). Pearson's
    ``r = cov(x, y) / (s_x s_y)`` or Spearman's rank correlation (``scipy.stats``), on the economies
    with both values; p-values two-sided.
    """
    _check_method(method)
    values = level_values(result, year)
    fw = result.framework
    rows = []
    for code, parent in fw.parents.items():
        r_p, p_p, n = _pair(values[code], values[parent], method)
        r_i, p_i, _ = _pair(values[code], values[fw.index], method)
        rows.append(
            {
                "code": code,
                "kind": "indicator" if code in fw.indicator_codes else "node",
                "parent": parent,
                "r_parent": r_p,
                "p_parent": p_p,
                "r_index": r_i,
                "p_index": p_i,
                "n": n,
                "weak": bool(r_p < WEAK_CORRELATION),
                "negative": bool(r_p < 0),
            }
        )
    return pd.DataFrame(rows)


def collinearity(
    result: IndexResult, *, year: int | None = None, method: str = "pearson", threshold: float = COLLINEAR_CORRELATION
) -> pd.DataFrame:
    """Every pair of siblings (children of one node) with their correlation: ``node``, ``a``, ``b``, ``r``,
    ``p``, ``n``, ``collinear`` (``|r| > threshold``), ``negative`` (``r < 0``)."""
    _check_method(method)
    values = level_values(result, year)
    rows = []
    for node in result.framework.nodes:
        children = [c.code for c in node.children]
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                r, p, n = _pair(values[a], values[b], method)
                rows.append(
                    {
                        "node": node.code,
                        "a": a,
                        "b": b,
                        "r": r,
                        "p": p,
                        "n": n,
                        "collinear": bool(abs(r) > threshold),
                        "negative": bool(r < 0),
                    }
                )
    return pd.DataFrame(rows, columns=["node", "a", "b", "r", "p", "n", "collinear", "negative"])


def cronbach_alpha(result: IndexResult, *, year: int | None = None) -> pd.DataFrame:
    """Cronbach's alpha of each node's children (Cronbach 1951; Handbook 2008, 4.1):
    ``alpha = k / (k - 1) (1 - sum_i var(x_i) / var(sum_i x_i))`` with sample variances, on the economies
    with every child present. Columns: ``node``, ``k``, ``n``, ``alpha``."""
    values = level_values(result, year)
    rows = []
    for node in result.framework.nodes:
        children = [c.code for c in node.children]
        block = values[children].dropna()
        k, n = len(children), len(block)
        alpha = np.nan
        if k > 1 and n > 1:
            total = block.sum(axis=1).var(ddof=1)
            alpha = k / (k - 1) * (1 - block.var(ddof=1).sum() / total) if total > 0 else np.nan
        rows.append({"node": node.code, "k": k, "n": n, "alpha": alpha})
    return pd.DataFrame(rows)


def node_pca(result: IndexResult, *, year: int | None = None) -> pd.DataFrame:
    """Principal components of each node's children (correlation matrix, complete cases): one row per child
    with ``node``, ``child``, ``loading`` on the first component (``sqrt(lambda_1) v_1``, signed so that
    the loadings sum to >= 0), ``variance_first`` (``lambda_1 / k``, the share the first component
    explains), ``eigenvalue_second`` and ``n``."""
    values = level_values(result, year)
    rows = []
    for node in result.framework.nodes:
        children = [c.code for c in node.children]
        block = values[children].dropna()
        usable = len(children) > 1 and len(block) > len(children) and (block.std() > 0).all()
        if usable:
            eigenvalues, vectors = np.linalg.eigh(np.corrcoef(block.to_numpy(), rowvar=False))
            first = vectors[:, -1] * np.sqrt(eigenvalues[-1])
            first = -first if first.sum() < 0 else first
        for i, child in enumerate(children):
            rows.append(
                {
                    "node": node.code,
                    "child": child,
                    "loading": first[i] if usable else np.nan,
                    "variance_first": eigenvalues[-1] / len(children) if usable else np.nan,
                    "eigenvalue_second": eigenvalues[-2] if usable else np.nan,
                    "n": len(block),
                }
            )
    return pd.DataFrame(rows)


def correlation_matrix(
    result: IndexResult, *, node: str | None = None, year: int | None = None, method: str = "pearson"
) -> pd.DataFrame:
    """Square correlation matrix (pairwise complete) of a node's children and the node itself, or of every
    indicator and the index when ``node`` is None (the input of a correlation heatmap)."""
    _check_method(method)
    values = level_values(result, year)
    fw = result.framework
    if node is None:
        columns = [*fw.indicator_codes, fw.index]
    else:
        if node not in {n.code for n in fw.nodes}:
            raise MethodError(
                f"no node '{node}' in framework '{fw.code}'",
                field="node",
                hint=f"use one of {[n.code for n in fw.nodes]}",
            )
        columns = [*(c.code for c in fw.node(node).children), node]
    return values[columns].corr(method=method)
