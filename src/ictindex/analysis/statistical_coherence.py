"""Statistical coherence of a built index: correlations between levels, collinearity, Cronbach's alpha and the
principal components of each node's children (OECD/JRC Handbook 2008, section 4: "multivariate analysis").

Every indicator should correlate positively (r >= 0.3) with the aggregate it belongs to and with the index,
siblings should not be collinear (|r| > 0.9 means double counting), a node's children should measure one thing
(Cronbach's alpha; first principal component explaining most of the variance), as in JRC/COINr audit practice.
Each function returns one tidy DataFrame (pingouin style), on one year's units (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.result import IndexResult

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
    from scipy.stats import pearsonr, spearmanr

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


# -- issue 27: the coherence checks as one result object, in one vocabulary (node, child) --------------------------
#: Alpha below which a node's children are read as not measuring one thing (Nunnally 1978; Handbook 2008, 4.1).
LOW_ALPHA = 0.7


@dataclass(frozen=True, repr=False)
class Coherence:
    """The statistical coherence of a framework in one year (OECD/JRC Handbook 2008, step 4), in one vocabulary.

    ``table``: one row per child of every node: ``node``, ``child``, ``kind`` (indicator/node), ``r_node`` and
    ``p_node`` (correlation with its node), ``r_index``, ``p_index``, ``n``, ``weak`` (``r_node`` < 0.3),
    ``negative``, ``loading`` (on its node's first principal component) and ``collinear_with`` (siblings
    correlated above the threshold). ``nodes``: one row per node: ``node``, ``k`` children, ``n`` complete units,
    ``alpha`` (Cronbach), ``variance_first`` (share of the first component), ``eigenvalue_second``.
    ``pairs``: every pair of siblings: ``node``, ``child``, ``other``, ``r``, ``p``, ``n``, ``collinear``,
    ``negative``. The functions :func:`correlations`, :func:`cronbach_alpha`, :func:`node_pca` and
    :func:`collinearity` give the same numbers under their former column names.
    """

    table: pd.DataFrame
    nodes: pd.DataFrame
    pairs: pd.DataFrame
    year: int
    method: str
    framework: str

    def to_frame(self) -> pd.DataFrame:
        """The per-child table (a copy)."""
        return self.table.copy()

    def problems(self) -> pd.DataFrame:
        """The children that are weakly or negatively correlated with their node, or collinear with a sibling."""
        t = self.table
        return t[t["weak"] | t["negative"] | (t["collinear_with"] != "")].reset_index(drop=True)

    def plot(self, **kwargs: Any) -> Any:
        """Each child's correlation with its node, grouped by node, with the 0.3 line (a matplotlib Figure)."""
        from matplotlib.figure import Figure

        t = self.table.iloc[::-1].reset_index(drop=True)
        fig = Figure(figsize=kwargs.pop("figsize", (6.5, 0.28 * len(t) + 1.2)), layout="constrained")
        ax = fig.add_subplot()
        colours = np.where(t["weak"], "#D55E00", "#0072B2")
        ax.barh(np.arange(len(t)), t["r_node"], color=colours, **kwargs)
        ax.set_yticks(np.arange(len(t)), [f"{c} ({n})" for c, n in zip(t["child"], t["node"], strict=True)])
        ax.axvline(WEAK_CORRELATION, color="grey", lw=0.8, ls="--")
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel(f"{self.method.capitalize()} correlation with its node ({self.year})")
        ax.set_title(f"Coherence of {self.framework}: weak below {WEAK_CORRELATION} (orange)")
        return fig

    def __repr__(self) -> str:
        return (
            f"<Coherence {self.framework} {self.year}: {len(self.table)} children, {int(self.table['weak'].sum())} "
            f"weak, {int(self.pairs['collinear'].sum())} collinear pairs>"
        )

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display)
        from ictindex.display import Card, table_list

        facts = [
            ("framework", self.framework),
            ("year", self.year),
            ("method", self.method),
            ("weak or negative", f"{int((self.table['weak'] | self.table['negative']).sum())} of {len(self.table)}"),
            ("collinear pairs", int(self.pairs["collinear"].sum())),
            ("nodes with alpha < 0.7", ", ".join(self.nodes.loc[self.nodes["alpha"] < LOW_ALPHA, "node"]) or "none"),
        ]
        return Card(
            "Statistical coherence",
            facts,
            [("Per node", self.nodes), ("Children to look at", self.problems())],
            table_list({"table": self.table, "nodes": self.nodes, "pairs": self.pairs}) + ", <code>.plot()</code>",
            kind="Coherence",
        ).html()


def coherence(
    result: IndexResult, *, year: int | None = None, method: str = "pearson", threshold: float = COLLINEAR_CORRELATION
) -> Coherence:
    """Every coherence check of ``result`` in ``year`` as one ``Coherence`` (correlations with the node and
    the index, collinear siblings, Cronbach's alpha, the first principal component of each node).

    Returns :class:`~ictindex.analysis.Coherence`."""
    year = _year_of(result, year)
    corr = correlations(result, year=year, method=method).rename(
        columns={"code": "child", "parent": "node", "r_parent": "r_node", "p_parent": "p_node"}
    )
    pca = node_pca(result, year=year)
    pairs = collinearity(result, year=year, method=method, threshold=threshold).rename(
        columns={"a": "child", "b": "other"}
    )
    both = pd.concat([pairs, pairs.rename(columns={"child": "other", "other": "child"})], ignore_index=True)
    collinear = both[both["collinear"]].groupby("child")["other"].agg(", ".join)
    table = corr.merge(pca[["node", "child", "loading"]], on=["node", "child"], how="left")
    table["collinear_with"] = table["child"].map(collinear).fillna("")
    columns = ["node", "child", "kind", "r_node", "p_node", "r_index", "p_index", "n", "weak", "negative"]
    table = table[[*columns, "loading", "collinear_with"]]
    order = {code: i for i, code in enumerate(result.framework.top_down_order)}
    table = table.sort_values("node", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    per_node = cronbach_alpha(result, year=year).merge(
        pca.groupby("node", sort=False)[["variance_first", "eigenvalue_second"]].first().reset_index(), on="node"
    )
    return Coherence(table, per_node, pairs, year, method, result.framework.code)
