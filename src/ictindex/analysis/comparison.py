"""Two (or more) rankings side by side: :func:`compare`, :func:`compare_many` and the published tables they take."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.inputs.published_scores import published_scores as clean_published_scores
from ictindex.result import IndexResult

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

    def __repr__(self) -> str:
        years = self.summary["year"].tolist() if "year" in self.summary.columns else []
        return (
            f"<Comparison {self.labels[0]} vs {self.labels[1]} on {self.node}: {len(self.table)} rows, years {years}>"
        )

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import comparison_card

        return comparison_card(self).html()

    def largest(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` economies with the largest absolute score difference."""
        both = self.table[self.table["in"] == "both"]
        return both.loc[both["difference"].abs().sort_values(ascending=False).index[:n]]


def published_scores(table: pd.DataFrame, node: str, which: str) -> pd.DataFrame:
    """``economy, year, score`` of a published table (a side of :func:`compare` that is a DataFrame): the
    column ``node`` (or ``score``) as numbers, one row per economy and year.

    This is the one place a published table is read for a comparison; the cleaning (footnote marks, ranges,
    "n.a.", economy names, text years) is :func:`ictindex.inputs.published_scores.published_scores`.
    """
    column = node if node in table.columns else "score" if "score" in table.columns else None
    missing = [c for c in ("economy", "year") if c not in table.columns]
    if column is None or missing:
        raise MethodError(
            f"compare: side {which} has no column {missing or [node]}",
            field=node,
            hint="give a table with economy, year and the score column (or 'score'), or pick node=",
        )
    # a published table's footnote marks, "n/a", economy names and text years (issue 30):
    # ictindex.inputs.published_scores
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
    sets: dict[str, Any] = {}
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
    from scipy.stats import spearmanr  # imported where used (issue 25: a light `import ictindex`)

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
        variants or editions — at once (:class:`~ictindex.analysis.MultiComparison`; COINr's ``compare_coins_multi``).
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
        ``table`` and ``summary`` (see :class:`~ictindex.analysis.Comparison`); for several sides a
        :class:`~ictindex.analysis.MultiComparison`.
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

    def __repr__(self) -> str:
        return f"<MultiComparison of {len(self.labels)} results on {self.node}: {list(self.labels)}>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import multi_comparison_card

        return multi_comparison_card(self).html()


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
    tidy = _ranked(sides, node)
    order = [label for label, _ in sides]
    wide = {
        what: tidy.pivot(index=["economy", "year"], columns="label", values=what)[order]
        .reset_index()
        .rename_axis(columns=None)
        for what in ("score", "rank")
    }
    wide["rank"][order] = wide["rank"][order].astype("Int64")
    rows = _against_reference(tidy, order)
    spread = _spread(wide["rank"], order)
    return MultiComparison(
        table=tidy.drop(columns="_set")[["label", "economy", "year", "score", "rank", "indicators"]],
        scores=wide["score"],
        ranks=wide["rank"],
        summary=pd.DataFrame(rows),
        spread=spread,
        labels=tuple(order),
        node=node,
    )


def _ranked(sides: list, node: str) -> pd.DataFrame:
    """Every side's scores of ``node`` with its rank per year, its number of reported indicators and their set."""
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
    return pd.concat(frames, ignore_index=True)


def _against_reference(tidy: pd.DataFrame, order: list[str]) -> list[dict]:
    """Per side after the first (the reference) and year: Spearman's rho, rank shifts, coverage changes."""
    from scipy.stats import spearmanr

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
    return rows


def _spread(rank: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per unit and year: best and worst rank over the sides, their range, and the number of sides ranking it."""
    ranks = rank.set_index(["economy", "year"])[order].astype("float64")
    spread = pd.DataFrame(
        {
            "best_rank": ranks.min(axis=1),
            "worst_rank": ranks.max(axis=1),
            "sides": ranks.notna().sum(axis=1),
        }
    )
    spread["rank_range"] = (spread["worst_rank"] - spread["best_rank"]).astype("Int64")
    spread[["best_rank", "worst_rank"]] = spread[["best_rank", "worst_rank"]].astype("Int64")
    return spread.reset_index()
