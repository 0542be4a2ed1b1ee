"""Weights: nominal, equal, statistical (PCA, benefit of the doubt) and effective.

Every function that makes weights for a compiled model returns rows of edge weights in the order
of ``model.edges``, so they enter :meth:`ictindex.model.IndexModel.evaluate` like any other weights
(the engine rescales them to sum 1 within each parent).

Nominal and effective weights
    Child weights are rescaled to sum 1 within their parent; the *effective* weight of a node in
    the index is the product of the rescaled weights on its path to the top. For the DOI each of
    the three Opportunity indicators weighs 1/3 * 1/3 = 1/9 and each of the five Infrastructure
    indicators 1/3 * 1/5 = 1/15 (WISR 2007, Figure 3.1e). :func:`influence` measures what each
    indicator actually weighs in the result: its squared correlation with the index, shared out
    to sum 1 (the linear first-order effect of Paruolo, Saisana and Saltelli 2013, "Ratings and
    rankings: voodoo or science?", JRSS A 176(3)).
PCA weights (:func:`pca_weights`)
    OECD/JRC Handbook (2008), section 6.1 and Table 22, after Nicoletti, Scarpetta and Boylaud
    (2000): principal components of the correlation matrix of a node's children; keep those with
    eigenvalue >= 1 that each explain >= 10 % of the variance; rotate them by varimax; each child
    goes with the factor on which its squared loading is highest; its weight is that squared
    loading scaled to unity within the factor, times the factor's share of the variance the kept
    factors explain; weights sum to 1 within the node.
Benefit of the doubt (:func:`bod_weights`)
    Data envelopment analysis (Handbook 2008, section 6.2; Cherchye, Moesen, Rogge and Van
    Puyenbroeck 2007): each unit gets the weights that maximise its own score
    ``max_w sum_i w_i y_ci`` subject to ``sum_i w_i y_ji <= 1`` for every unit ``j`` and ``w >= 0``,
    optionally with each indicator's share of the score ``w_i y_ci / sum_k w_k y_ck`` bounded
    (``share_bounds``); solved with :func:`scipy.optimize.linprog`. A unit on the frontier scores 1.

>>> from ictindex.framework import load_framework
>>> w = effective_weights(load_framework("doi"))
>>> round(w["mobile_coverage"], 4), round(w["hh_internet"], 4), round(w["infrastructure"], 4)
(0.1111, 0.0667, 0.3333)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex.errors import MethodError, SpecError

if TYPE_CHECKING:
    from ictindex.framework import Framework
    from ictindex.model import IndexModel

__all__ = [
    "Weights",
    "effective_weights",
    "weights_table",
    "equal_weights",
    "child_values",
    "varimax",
    "pca_weights",
    "bod_weights",
    "bod_scores",
    "influence",
]


# -- weights as an object (issue 27) -----------------------------------------------------------------
WEIGHT_COLUMNS = ["node", "child", "weight"]


class Weights:
    """A weight for every child of some nodes: what a weighting method found, ready to go into a framework.

    ``table`` is tidy, one row per child: ``node``, ``child``, ``weight`` (summing to 1 within each node),
    then the method's own columns (PCA: ``factor``, ``loading``, ...). :meth:`to_framework` writes the weights
    into a framework (nodes not in the table keep theirs); ``build_index(data, framework, weights=w)`` builds with
    them, and :meth:`row` gives the model's weights row (``model.evaluate(weights=w.row(model))``).

    For the former tuple form, a ``Weights`` from :func:`pca_weights` still unpacks as ``row, table``.

    >>> from ictindex.framework import load_framework
    >>> fw = load_framework("doi")
    >>> w = Weights({"DOI": {"opportunity": 2, "infrastructure": 1, "utilization": 1}}, method="hand")
    >>> w.table["weight"].tolist()
    [0.5, 0.25, 0.25]
    >>> effective_weights(w.to_framework(fw))["opportunity"]
    0.5
    """

    def __init__(
        self,
        weights: Mapping[str, Mapping[str, float]] | pd.DataFrame,
        *,
        method: str = "given",
        framework: str = "",
        row: np.ndarray | None = None,
    ) -> None:
        table = _weights_frame(weights)
        self.method = method
        self.framework = framework
        self._table = table
        self._row = None if row is None else np.asarray(row, dtype="float64")

    @classmethod
    def coerce(cls, weights: Any) -> Weights:
        """``weights`` as a :class:`Weights` (a mapping ``{node: {child: w}}`` or a table is wrapped)."""
        return weights if isinstance(weights, Weights) else cls(weights)

    @classmethod
    def nominal(cls, framework: Framework) -> Weights:
        """The framework's own weights (rescaled to sum 1 within each node)."""
        return cls({n.code: n.weights for n in framework.nodes}, method="nominal", framework=framework.code)

    @property
    def table(self) -> pd.DataFrame:
        """``node, child, weight`` and the method's columns (a copy)."""
        return self._table.copy()

    def to_frame(self) -> pd.DataFrame:
        """The same as :attr:`table`."""
        return self.table

    @property
    def edges(self) -> list[tuple[str, str]]:
        return list(zip(self._table["node"], self._table["child"], strict=True))

    def to_dict(self) -> dict[str, dict[str, float]]:
        """``{node: {child: weight}}``."""
        out: dict[str, dict[str, float]] = {}
        for node, child, weight in self._table[WEIGHT_COLUMNS].itertuples(index=False, name=None):
            out.setdefault(str(node), {})[str(child)] = float(weight)
        return out

    def to_framework(self, framework: Framework) -> Framework:
        """``framework`` with these weights (every child of each node given must be named; other nodes keep
        their weights). An unknown node or child, or a node with a child left out, is a
        :class:`~ictindex.errors.SpecError` naming it."""
        given = self.to_dict()
        codes = [n.code for n in framework.nodes]
        unknown = sorted(set(given) - set(codes))
        if unknown:
            raise SpecError(
                f"weights name no node of framework '{framework.code}': {unknown}",
                field="weights",
                hint=f"its nodes: {codes}",
            )
        data = framework.model_dump(exclude_none=True)
        for node in data["nodes"]:
            if node["code"] not in given:
                continue
            children = [c["code"] for c in node["children"]]
            mine = given[node["code"]]
            if set(mine) != set(children):
                extra, missing = sorted(set(mine) - set(children)), sorted(set(children) - set(mine))
                raise SpecError(
                    f"the weights of node '{node['code']}' do not name its children"
                    + (f"; not its children: {extra}" if extra else "")
                    + (f"; left out: {missing}" if missing else ""),
                    node=node["code"],
                    field="weights",
                    hint=f"give a weight to each of {children}",
                )
            for child in node["children"]:
                child["weight"] = mine[child["code"]]
        return type(framework).from_dict(data, source=f"{framework.code} with {self.method} weights")

    def row(self, model: IndexModel) -> np.ndarray:
        """One weights row in ``model.edges`` order (edges not in the table keep the model's weights)."""
        row = model.weights
        for node, child, weight in self._table[WEIGHT_COLUMNS].itertuples(index=False, name=None):
            row[model.edge_index(node, child)] = weight
        return row

    # -- the former ``(row, table)`` tuple of pca_weights -------------------------------------------------
    def _pair(self) -> tuple[np.ndarray | None, pd.DataFrame]:
        return self._row, self.table

    def __iter__(self) -> Iterator[Any]:
        return iter(self._pair())

    def __getitem__(self, i: int) -> Any:
        return self._pair()[i]

    def __len__(self) -> int:
        return 2

    def __repr__(self) -> str:
        nodes = self._table["node"].unique().tolist()
        return f"<Weights {self.method}: {len(self._table)} children of {nodes}>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display)
        from ictindex.display import weights_card

        return weights_card(self).html()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Weights) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


def _weights_frame(weights: Any) -> pd.DataFrame:
    """A tidy ``node, child, weight`` table from a mapping or a table, weights rescaled to sum 1 in each node."""
    if isinstance(weights, pd.DataFrame):
        missing = [c for c in WEIGHT_COLUMNS if c not in weights.columns]
        if missing:
            raise SpecError(
                f"a weights table needs the columns {WEIGHT_COLUMNS}; missing {missing}",
                field="weights",
                hint="one row per child: node, child, weight",
            )
        table = weights.reset_index(drop=True).copy()
    elif isinstance(weights, Mapping):
        rows = []
        for node, children in weights.items():
            if not isinstance(children, Mapping):
                raise SpecError(
                    f"the weights of node '{node}' must be a mapping child -> weight, got {type(children).__name__}",
                    node=str(node),
                    field="weights",
                    hint="write weights={'DOI': {'opportunity': 1, 'infrastructure': 1, 'utilization': 2}}",
                )
            rows += [{"node": str(node), "child": str(c), "weight": w} for c, w in children.items()]
        table = pd.DataFrame(rows, columns=WEIGHT_COLUMNS)
    else:
        raise SpecError(
            f"weights must be a Weights, a mapping {{node: {{child: weight}}}} or a table, got "
            f"{type(weights).__name__}",
            field="weights",
            hint="e.g. weights=ictindex.weights.pca_weights(model) or {'DOI': {'opportunity': 2, ...}}",
        )
    values = pd.to_numeric(table["weight"], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise SpecError(
            f"weight of {table['node'].iloc[at]} -> {table['child'].iloc[at]} must be a finite number >= 0, "
            f"got {table['weight'].iloc[at]!r}",
            node=str(table["node"].iloc[at]),
            field="weights",
            hint="give each child a weight >= 0",
        )
    table["weight"] = values
    totals = table.groupby("node", sort=False)["weight"].transform("sum")
    if (totals <= 0).any():
        node = table.loc[totals <= 0, "node"].iloc[0]
        raise SpecError(
            f"the weights of node '{node}' sum to zero", node=str(node), field="weights", hint="give one a weight > 0"
        )
    table["weight"] = values / totals.to_numpy()
    return table


# -- nominal ---------------------------------------------------------------------------------------
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
        rows.append(
            {
                "code": code,
                "name": names[code],
                "parent": parent,
                "level": framework.depth(code),
                "kind": "indicator" if code in framework.indicator_codes else "node",
                "weight_in_parent": 1.0 if parent is None else framework.node(parent).weights[code],
                "effective_weight": eff[code],
            }
        )
    return pd.DataFrame(rows)


def equal_weights(model: IndexModel) -> np.ndarray:
    """One row of equal weights (every child of a node weighs the same)."""
    return np.ones(len(model.edges))


# -- the values a node aggregates --------------------------------------------------------------------
def _year_rows(model: IndexModel, year: int | None) -> np.ndarray:
    years = model.units.get_level_values("year")
    if year is None:
        if len(model.years) != 1:
            raise SpecError(
                f"the model holds {len(model.years)} years: choose one",
                field="year",
                hint=f"pass year= one of {list(model.years)}",
            )
        return np.ones(len(model.units), dtype=bool)
    if year not in model.years:
        raise SpecError(
            f"year {year} is not in the model", year=year, field="year", hint=f"choose one of {list(model.years)}"
        )
    return np.asarray(years == year)


def child_values(model: IndexModel, node: str, year: int | None = None) -> pd.DataFrame:
    """The values node ``node`` aggregates, one column per child (normalised indicators, or the
    nominal scores of child nodes), one row per unit of ``year``."""
    if node not in model.nodes:
        raise SpecError(
            f"no node '{node}' in framework '{model.framework.code}'",
            field="node",
            hint=f"use one of {list(model.nodes)}",
        )
    rows = _year_rows(model, year)
    children = [c for p, c in model.edges if p == node]
    scores = model.evaluate()[0]
    columns = {}
    for child in children:
        if child in model.indicators:
            columns[child] = model.normalised[rows, model.indicators.index(child)]
        else:
            columns[child] = scores[rows, model.nodes.index(child)]
    return pd.DataFrame(columns, index=model.units[rows])


# -- PCA -------------------------------------------------------------------------------------------
def varimax(loadings: np.ndarray, *, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    """Varimax rotation with Kaiser normalisation (Kaiser 1958) of a ``(variables, factors)`` matrix."""
    loadings = np.asarray(loadings, dtype="float64")
    p, k = loadings.shape
    if k < 2:
        return loadings.copy()
    h = np.sqrt((loadings**2).sum(axis=1, keepdims=True))
    h[h == 0] = 1.0
    normed = loadings / h
    rotation = np.eye(k)
    total = 0.0
    for _ in range(max_iter):
        rotated = normed @ rotation
        u, s, vt = np.linalg.svd(normed.T @ (rotated**3 - rotated @ np.diag((rotated**2).sum(axis=0)) / p))
        rotation = u @ vt
        previous, total = total, s.sum()
        if previous and total < previous * (1 + tol):
            break
    return normed @ rotation * h


def _pca_node(values: pd.DataFrame, eigen_min: float, variance_min: float) -> tuple[np.ndarray, list[dict]]:
    complete = values.dropna()
    k = values.shape[1]
    if k == 1:
        return np.ones(1), []
    if len(complete) <= k:
        raise MethodError(
            f"PCA needs more complete units than children ({len(complete)} <= {k})",
            field="weights",
            hint="choose a year with more data, or impute first",
        )
    corr = np.corrcoef(complete.to_numpy(), rowvar=False)
    eigenvalues, vectors = np.linalg.eigh(corr)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = eigenvalues[order], vectors[:, order]
    share = eigenvalues / eigenvalues.sum()
    keep = (eigenvalues >= eigen_min) & (share >= variance_min)
    keep[0] = True  # at least the first component
    loadings = varimax(vectors[:, keep] * np.sqrt(eigenvalues[keep]))
    loadings = loadings * np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)  # a factor's sign is arbitrary
    squared = loadings**2
    explained = squared.sum(axis=0)  # variance of each rotated factor
    factor = squared.argmax(axis=1)
    scaled = squared / explained
    weights = scaled[np.arange(k), factor] * (explained / explained.sum())[factor]
    weights = weights / weights.sum()
    rows = [
        {
            "child": c,
            "factor": int(factor[i]) + 1,
            "loading": float(loadings[i, factor[i]]),
            "squared_loading_scaled": float(scaled[i, factor[i]]),
            "factor_share": float(explained[factor[i]] / explained.sum()),
            "weight": float(weights[i]),
        }
        for i, c in enumerate(values.columns)
    ]
    return weights, rows


def pca_weights(
    model: IndexModel,
    *,
    year: int | None = None,
    nodes: Sequence[str] | None = None,
    eigen_min: float = 1.0,
    variance_min: float = 0.10,
) -> Weights:
    """PCA/factor weights (Nicoletti et al. 2000; Handbook 2008, 6.1) of each node's children.

    Returns :class:`~ictindex.weights.Weights`: ``table`` has node, child, weight, factor, rotated loading,
    scaled squared loading, factor share; ``to_framework(fw)`` or ``build_index(..., weights=w)`` applies them. It still
    unpacks as the former ``(row, table)``: one row of edge weights in ``model.edges`` order (nodes not in
    ``nodes`` keep their nominal weights) and the table.
    """
    row = model.weights
    table: list[dict[str, Any]] = []
    for node in nodes or model.nodes:
        values = child_values(model, node, year)
        weights, rows = _pca_node(values, eigen_min, variance_min)
        for child, w in zip(values.columns, weights, strict=True):
            row[model.edge_index(node, child)] = w
        table.extend({"node": node} | r for r in rows)
    frame = pd.DataFrame(
        table, columns=["node", "child", "weight", "factor", "loading", "squared_loading_scaled", "factor_share"]
    )
    return Weights(frame, method="pca", framework=model.framework.code, row=row)


# -- benefit of the doubt --------------------------------------------------------------------------
def bod_scores(values: np.ndarray, share_bounds: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Benefit-of-the-doubt scores and weights of every row of ``values`` (units, indicators), all present.

    ``max_w y_c . w`` s.t. ``Y w <= 1``, ``w >= 0`` and, with ``share_bounds=(low, high)``,
    ``low <= w_i y_ci / (y_c . w) <= high``. Returns scores (units,) and weights (units, indicators).
    """
    from scipy.optimize import linprog  # imported where used (issue 25: a light `import ictindex`)

    y = np.asarray(values, dtype="float64")
    n, k = y.shape
    if np.isnan(y).any() or (y < 0).any():
        raise MethodError(
            "benefit of the doubt needs complete, non-negative values",
            field="weights",
            hint="use a normalisation to [0, 1] and impute or leave out incomplete units",
        )
    scores, weights = np.full(n, np.nan), np.full((n, k), np.nan)
    for c in range(n):
        a_ub, b_ub = [y], [np.ones(n)]
        if share_bounds is not None:
            low, high = share_bounds
            diag = np.diag(y[c])
            a_ub += [low * np.tile(y[c], (k, 1)) - diag, diag - high * np.tile(y[c], (k, 1))]
            b_ub += [np.zeros(k), np.zeros(k)]
        solved = linprog(-y[c], A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub), bounds=[(0, None)] * k, method="highs")
        if solved.status == 0:
            scores[c], weights[c] = -solved.fun, solved.x
    return scores, weights


def bod_weights(
    model: IndexModel, node: str, *, year: int | None = None, share_bounds: tuple[float, float] | None = None
) -> tuple[np.ndarray, pd.DataFrame]:
    """One weight set per unit of ``year`` for node ``node`` (benefit of the doubt), the other edges nominal.

    Returns ``W`` (units, edges) for ``model.evaluate(weights=W)`` (row ``u`` is unit ``u``'s most
    favourable weighting) and a table: economy, year, bod_score and one weight column per child.
    Units with a missing child get NaN scores and the nominal weights.
    """
    values = child_values(model, node, year)
    complete = values.notna().all(axis=1).to_numpy()
    scores = np.full(len(values), np.nan)
    w = np.full(values.shape, np.nan)
    if complete.any():
        scores[complete], w[complete] = bod_scores(values.to_numpy()[complete], share_bounds)
    W = np.tile(model.weights, (len(values), 1))
    for j, child in enumerate(values.columns):
        e = model.edge_index(node, child)
        W[complete, e] = w[complete, j]
    table = values.index.to_frame(index=False).assign(bod_score=scores)
    for j, child in enumerate(values.columns):
        table[child] = w[:, j]
    return W, table


# -- effective influence ---------------------------------------------------------------------------
def influence(model: IndexModel, weights: np.ndarray | None = None, *, year: int | None = None) -> pd.DataFrame:
    """Each indicator's nominal effective weight beside its influence on the index: the squared
    Pearson correlation with the index, shared out to sum 1 (Paruolo et al. 2013, linear case)."""
    rows = _year_rows(model, year)
    index = model.evaluate(weights=weights)[0, rows, model.nodes.index(model.framework.index)]
    nominal = effective_weights(model.framework)
    out = []
    for j, code in enumerate(model.indicators):
        x = model.normalised[rows, j]
        ok = ~np.isnan(x) & ~np.isnan(index)
        r = np.corrcoef(x[ok], index[ok])[0, 1] if ok.sum() > 2 and np.ptp(x[ok]) > 0 else np.nan
        out.append({"indicator": code, "nominal_weight": nominal.get(code, np.nan), "r": r, "r2": r * r})
    table = pd.DataFrame(out)
    table["influence"] = table["r2"] / table["r2"].sum()
    return table
