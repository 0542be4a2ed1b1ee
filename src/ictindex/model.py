"""The compiled index: resolve a build once into arrays, evaluate any number of variants.

:func:`compile_model` does everything that is the same for every variant, once: validated panel
-> framework indicators -> imputed values -> fitted normalisation parameters -> normalised
arrays ``(units, indicators)``, and the framework tree as arrays (edges parent -> child with their
nominal weights, nodes bottom-up). :meth:`IndexModel.evaluate` then scores weight sets,
aggregation methods, normalisation methods and left-out indicators, many at a time, in numpy
only (:func:`ictindex.aggregate.aggregate_tree`), chunked over replications to bound memory.
:func:`ictindex.build_index` is ``compile_model`` -> ``evaluate()`` -> explain.

>>> import pandas as pd
>>> panel = pd.DataFrame({"economy": ["KOR", "KOR", "KOR", "ARG", "ARG", "ARG"], "year": 2023,
...     "indicator": ["mobile_coverage", "hh_internet", "internet_users"] * 2,
...     "value": [100, 99.9, 97.2, 99.0, 80.0, 88.4]})
>>> model = compile_model(panel, "doi", min_coverage=0.3)
>>> model.nodes, len(model.edges), list(model.units)
(('opportunity', 'infrastructure', 'utilization', 'DOI'), 14, [('ARG', 2023), ('KOR', 2023)])
>>> scores = model.evaluate()                     # the nominal index: (1, units, nodes)
>>> scores[0, :, model.nodes.index("DOI")].round(3).tolist()
[0.937, 0.986]
>>> w = np.tile(model.weights, (2, 1)); w[1, model.edge_index("DOI", "utilization")] = 0
>>> model.evaluate(weights=w)[:, 1, -1].round(3).tolist()   # KOR, with and without Utilization
[0.986, 1.0]
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from ictindex.aggregate import Explanation, Tree, aggregate_tree
from ictindex.checks import Settings, check_values, needs_sexes
from ictindex.coverage import absent_rows, coverage_rows
from ictindex.derive import indicator_values
from ictindex.errors import CoverageError, IctIndexWarning, MethodError, SpecError
from ictindex.framework import CheckSetting, Framework, Normalisation, Screening
from ictindex.impute import IMPUTATION_COLUMNS, impute
from ictindex.normalise import FittedNormalisation, apply_columns, check_columns, fit_columns
from ictindex.panel import PanelCheck, WideValues, to_panel
from ictindex.registry import aggregations, normalisations
from ictindex.screen import screen_units
from ictindex.spec import BuildSpec
from ictindex.tables import as_pandas
from ictindex.treat import TREATMENT_COLUMNS, apply_rules, fit_treatment
from ictindex.units import Units

if TYPE_CHECKING:  # the fitted parameters of a chunked build are learned by a later module
    from ictindex.fitted import FittedParameters

__all__ = ["compile_model", "IndexModel", "Staged", "stage_values", "PANEL_CHECKS", "check_settings"]

#: Elements of one ``(replications, units)`` work array (1 MiB: the arrays of a chunk stay in cache).
CHUNK_ELEMENTS = 2**17
#: Units aggregated at once in a nominal evaluation (bounds the work arrays of a build of millions of units).
BLOCK_UNITS = 2**16


@functools.cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS libraries once (it reads the process's memory maps)


def one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread: the engine's matrix products are small ((units x children) by
    (children x weight sets)), and the threads of a BLAS only contend for the cores."""
    return _threadpools().limit(limits=1, user_api="blas")


@dataclass(frozen=True, eq=False, repr=False)
class IndexModel:
    """A build resolved into arrays (see the module docstring).

    Labels: ``units`` (economy, year), ``indicators``, ``nodes`` (bottom-up: every node after
    its children), ``edges`` (parent, child) in the order of ``weights``. Arrays, all
    ``(units, indicators)``: ``raw`` (before imputation), ``values`` (imputed: the input of
    normalisation), ``normalised``; with female and male data also ``sex_values[sex]`` and
    ``sex_normalised[sex]`` (normalised with the same fitted parameters as the total).
    """

    spec: BuildSpec
    units: pd.MultiIndex
    year_code: np.ndarray
    years: tuple[int, ...]
    tree: Tree
    raw: np.ndarray
    values: np.ndarray
    _normalised_total: np.ndarray | None  # None: normalised when asked for (see ``normalised``)
    fitted: FittedNormalisation
    sex_values: Mapping[str, np.ndarray] = field(default_factory=dict)
    sex_normalised: Mapping[str, np.ndarray] = field(default_factory=dict)
    sex_raw: Mapping[str, np.ndarray] = field(default_factory=dict)
    _sources_table: pd.DataFrame | None = None  # None: derived again when asked for (see ``sources``)
    # the sources the checks changed (economy, year, indicator, text), applied again to sources derived again
    _source_changes: pd.DataFrame | None = None
    imputations: pd.DataFrame | None = None
    checked: PanelCheck | None = None
    economies: tuple[str, ...] = ()
    input_sha256: str = ""
    screening: pd.DataFrame | None = None
    treatments: pd.DataFrame | None = None
    treatment_summary: pd.DataFrame | None = None
    groups: pd.DataFrame | None = None
    # units of the units table without any value in the input (listed as not scored, with that reason)
    _listed_only: frozenset[str] = frozenset()
    check_issues: pd.DataFrame | None = None
    # what the build's normalisation was fitted on (every year with a reference year, else the years built), for
    # re-fitting a normalisation variant as the build fits it
    _all_values: np.ndarray | None = None
    _all_year_code: np.ndarray | None = None
    _all_years: tuple[int, ...] = ()
    _all_sex_values: Mapping[str, np.ndarray] = field(default_factory=dict)
    # normalised values of each normalisation alternative evaluated (fitted once, then reused)
    _normalised_cache: dict[Any, np.ndarray] = field(default_factory=dict)

    @property
    def normalised(self) -> np.ndarray:
        """The normalised values ``(units, indicators)`` of the build, computed when first asked for and kept (a
        build of millions of units normalises a block at a time in :meth:`nominal` and keeps none)."""
        if self._normalised_total is None:
            object.__setattr__(self, "_normalised_total", self.normalise_rows(slice(None)))
        return cast(np.ndarray, self._normalised_total)

    @property
    def sources(self) -> pd.DataFrame | None:
        """Where each value came from (series code and publisher), per unit and indicator: derived again from the
        validated panel when first asked for (a build of millions of units holds no text it was not asked for)."""
        if self._sources_table is None and self.checked is not None:
            sources = indicator_values(self.checked.values, self.framework, sex=self.spec.sex)[1]
            if not sources.index.equals(self.units):
                sources = sources.reindex(self.units).fillna("")
            if self._source_changes is not None:
                sources = _with_changes(sources, self._source_changes)
            object.__setattr__(self, "_sources_table", sources)
        return self._sources_table

    def normalise_rows(self, rows: slice) -> np.ndarray:
        """The normalised values of some units (a slice of :attr:`units`), with the fitted parameters."""
        inds = list(self.framework.indicators)
        units = self.units if rows == slice(None) else self.units[rows]
        fitted = _restrict(self.fitted, self.years)
        specs = [i.normalisation for i in inds]
        return apply_columns(self.values[rows], inds, specs, fitted, self.year_code[rows], units)

    # -- labels ---------------------------------------------------------------------------
    @property
    def framework(self) -> Framework:
        return self.spec.framework

    @property
    def indicators(self) -> tuple[str, ...]:
        return self.tree.indicators

    @property
    def nodes(self) -> tuple[str, ...]:
        return self.tree.nodes

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        return self.tree.edges

    @property
    def weights(self) -> np.ndarray:
        """Nominal weight of every edge, rescaled to sum 1 within its parent (a copy)."""
        return self.tree.weights.copy()

    def edge_index(self, parent: str, child: str) -> int:
        """Position of the edge ``parent -> child`` in :attr:`edges` and in a weights row."""
        try:
            return self.tree.edges.index((parent, child))
        except ValueError:
            raise SpecError(
                f"no edge {parent} -> {child} in framework '{self.framework.code}'",
                field="weights",
                hint="see model.edges",
            ) from None

    def for_evaluation(self) -> IndexModel:
        """This model without the tables only a build's explanation reads (the validated panel, sources,
        imputation and treatment logs, the checks' findings): what a worker process needs to evaluate variants."""
        return dataclasses.replace(
            self,
            checked=None,
            _sources_table=None,
            _source_changes=None,
            check_issues=None,
            imputations=None,
            screening=None,
            treatments=None,
            groups=None,
        )

    def __repr__(self) -> str:
        return (
            f"<IndexModel {self.framework.code}: {len(self.units)} units, {len(self.indicators)} indicators, "
            f"{len(self.nodes)} nodes, {len(self.edges)} edges>"
        )

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import model_card

        return model_card(self).html()

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate(
        self,
        weights: np.ndarray | Sequence[float] | None = None,
        aggregation: str | Mapping[str, Any] | Sequence[Any] | None = None,
        normalisation: str | Mapping[str, Any] | Sequence[Any] | None = None,
        exclude: Sequence[str] | None = None,
        *,
        sex: str | None = None,
        chunk: int | None = None,
        as_frame: bool = False,
    ) -> Any:
        """Node scores of every variant: an array ``(r, len(units), len(nodes))`` on the framework's scale
        (with ``as_frame=True`` a tidy DataFrame: ``economy``, ``year``, one column per node top-down as in
        ``result.scores``, and ``replication`` first when there are several weight sets).

        Parameters
        ----------
        weights
            ``(r, len(edges))`` or one row: the weight of every edge (rescaled within each parent
            over the children present). Default: the nominal weights.
        aggregation
            A method for every node (``"geometric"``), a mapping ``{node: method}`` (a method is a
            name or ``{"method": "power", "power": 2}``), or a sequence of ``r`` of those, one per
            weight set.
        normalisation
            Likewise per indicator: a method name, ``{indicator: method}`` (a name or a mapping of
            :class:`~ictindex.framework.Normalisation` fields), or one per weight set. Data-driven
            methods are re-fitted from the compiled values, as the build fits them.
        exclude
            Indicators left out (weight 0 everywhere: the coverage rule then counts the others).
        sex
            ``total``, ``female`` or ``male`` value arrays (default: the build's ``sex``).
        chunk
            Weight sets evaluated at once, a whole number >= 1 (default: work arrays of about 1 MiB, which stay
            in cache).

        Every argument is checked before any work: a wrong type or value is a
        :class:`~ictindex.errors.SpecError` naming the field.
        """
        _check_arguments(aggregation, normalisation, exclude, sex, chunk)  # every argument, before any work
        W = self._weights(weights)
        r = W.shape[0]
        if exclude:
            W = W.copy()
            W[:, self._excluded_edges(exclude)] = 0.0
        norm_keys = self._per_replication(normalisation, r, "normalisation", self._normalisation_key)
        agg_keys = self._per_replication(aggregation, r, "aggregation", self._aggregation_key)
        sex = self.spec.sex if sex is None else sex
        if sex != "total" and sex not in self.sex_normalised:
            raise SpecError(
                f"this model holds no {sex} values",
                field="sex",
                hint="compile with by_sex=True (or sex='female'/'male') on a panel with by-sex rows",
            )
        with one_blas_thread():  # small matrix products: one thread beats several, under load too
            out = self._evaluate(W, norm_keys, agg_keys, sex, chunk)
        return self.as_frame(out) if as_frame else out

    def as_frame(self, scores: np.ndarray) -> pd.DataFrame:
        """Scores ``(r, units, nodes)`` (or ``(units, nodes)``) as a tidy DataFrame: ``[replication,] economy,
        year`` and one column per node, top-down (issue 27: labelled output of :meth:`evaluate`)."""
        scores = np.asarray(scores)
        scores = scores[None] if scores.ndim == 2 else scores
        r, u, _ = scores.shape
        order = [self.nodes.index(code) for code in self.framework.top_down_order]
        frame = pd.DataFrame(
            scores[:, :, order].reshape(r * u, len(order)), columns=list(self.framework.top_down_order)
        )
        frame.insert(0, "economy", np.tile(self.units.get_level_values("economy").to_numpy(), r))
        frame.insert(1, "year", np.tile(self.units.get_level_values("year").to_numpy(), r))
        if r > 1:
            frame.insert(0, "replication", np.repeat(np.arange(r), u))
        return frame

    def _evaluate(
        self, W: np.ndarray, norm_keys: list[Any], agg_keys: list[Any], sex: str, chunk: int | None
    ) -> np.ndarray:
        r = W.shape[0]
        out = np.empty((r, len(self.units), len(self.nodes)))
        step = chunk or max(1, CHUNK_ELEMENTS // max(1, len(self.units)))
        for (norm_key, agg_key), rows in _variant_groups(norm_keys, agg_keys):
            x = self._normalised(norm_key, sex)
            methods = [m for m, _ in agg_key] if agg_key is not None else None
            params = [p for _, p in agg_key] if agg_key is not None else None
            size = r if rows is None else rows.size
            for start in range(0, size, step):
                check = start == 0  # a user's aggregation is checked on the first chunk, not in every replication
                if rows is None:  # every weight set: write into the output in place
                    part: Any = slice(start, start + step)
                    aggregate_tree(
                        x, self.tree, W[part], methods, params=params, units=self.units, out=out[part], check=check
                    )
                else:
                    part = rows[start : start + step]
                    out[part] = aggregate_tree(
                        x, self.tree, W[part], methods, params=params, units=self.units, check=check
                    )
        if self.framework.scale != 1:
            out *= self.framework.scale
        return out

    def explain(self, sex: str | None = None) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
        """The nominal evaluation with what it saw: scores ``(units, nodes)`` (scaled), the coverage
        table and the floored values."""
        scores, explanation = self.nominal(sex)
        coverage, floored = self.coverage(cast(Explanation, explanation))
        return scores, coverage, floored

    def nominal(self, sex: str | None = None, *, explained: bool = True) -> tuple[np.ndarray, Explanation | None]:
        """The nominal scores ``(units, nodes)`` (scaled) and (``explained``) what the aggregation saw (presence of
        every node's children, floored values), a block of :data:`BLOCK_UNITS` units at a time (bounded work
        arrays; without normalised values kept, each block is normalised, used and let go)."""
        sex = self.spec.sex if sex is None else sex
        x = self._normalised_total if sex == "total" else self.sex_normalised[sex]
        n = len(self.units)
        scores = np.empty((n, len(self.nodes)))
        parts: list[Explanation | None] = []
        offsets: list[int] = []
        for start in range(0, max(n, 1), BLOCK_UNITS):
            block = slice(start, start + BLOCK_UNITS)
            part = Explanation() if explained else None
            units = self.units if n <= BLOCK_UNITS else self.units[block]
            values = x[block] if x is not None else self.normalise_rows(block)
            scores[block] = aggregate_tree(values, self.tree, units=units, explain=part)[0]
            parts.append(part)
            offsets.append(start)
        if self.framework.scale != 1:
            scores *= self.framework.scale
        return scores, Explanation.concat(cast(list[Explanation], parts), offsets) if explained else None

    def coverage(self, explanation: Explanation) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The coverage table (nodes not scored or scored with children missing, economies absent or screened
        out) and the floored values of a nominal evaluation."""
        coverage, floored = coverage_rows(self.tree, explanation, self.units)
        absent = absent_rows(
            list(self.economies),
            self.units,
            list(self.spec.years or self.years),
            self.framework.index,
            noun=self.spec.units.noun,
            listed_only=self._listed_only,
        )
        screened = _screened_rows(self.screening, list(self.spec.years or self.years), self.framework.index)
        if not screened.empty and not absent.empty:  # an economy screened out in a year is not "absent"
            pairs = set(zip(screened["economy"], screened["year"], strict=True))
            absent = absent[[pair not in pairs for pair in zip(absent["economy"], absent["year"], strict=True)]]
        for extra in (absent, screened):
            if not extra.empty:
                coverage = pd.concat([coverage, extra], ignore_index=True) if not coverage.empty else extra
        return coverage, floored

    # -- argument checks ------------------------------------------------------------------------
    def _weights(self, weights: Any) -> np.ndarray:
        if weights is None:
            return self.tree.weights[None, :]
        try:
            W = np.asarray(weights, dtype="float64")
        except (TypeError, ValueError):
            raise SpecError(
                "weights must be numbers",
                field="weights",
                hint=f"give an array of shape (r, {len(self.edges)}), one column per model.edges",
            ) from None
        W = W[None, :] if W.ndim == 1 else W
        if W.ndim != 2 or W.shape[1] != len(self.edges):
            raise SpecError(
                f"weights must have shape (r, {len(self.edges)}) (one column per edge), got {np.shape(weights)}",
                field="weights",
                hint="see model.edges for the column order",
            )
        if not np.isfinite(W).all() or (W < 0).any():
            row = int(np.argwhere(~np.isfinite(W) | (W < 0))[0][0])
            raise SpecError(
                f"weights must be finite and >= 0 (weight set {row} is not)",
                field="weights",
                hint="check the weight set at that row",
            )
        return W

    def _excluded_edges(self, exclude: Sequence[str]) -> list[int]:
        unknown = [c for c in exclude if c not in self.indicators]
        if unknown:
            raise SpecError(
                f"cannot exclude {unknown}: not indicators of '{self.framework.code}'",
                field="exclude",
                hint=f"use indicator codes: {list(self.indicators)}",
            )
        return [e for e, (_, child) in enumerate(self.edges) if child in set(exclude)]

    def _per_replication(self, choice: Any, r: int, name: str, key: Any) -> list[Any]:
        if choice is None or isinstance(choice, str | Mapping):
            return [key(choice)] * r
        choices = list(choice)
        if len(choices) != r:
            raise SpecError(
                f"{name} gives {len(choices)} choices for {r} weight sets",
                field=name,
                hint="give one choice, or exactly one per weight set",
            )
        return [key(c) for c in choices]

    def _per_code(self, choice: Any, codes: tuple[str, ...], field: str, kind: str) -> dict[str, Any]:
        """One choice for every code (a method name, or a mapping with ``method``), or a mapping code -> choice
        whose codes must exist."""
        if isinstance(choice, str) or (isinstance(choice, Mapping) and "method" in choice):
            return dict.fromkeys(codes, choice)
        per_code = dict(choice)
        unknown = set(per_code) - set(codes)
        if unknown:
            raise SpecError(
                f"no {kind} {sorted(unknown)} in framework '{self.framework.code}'",
                field=field,
                hint=f"use {kind} codes: {list(codes)}",
            )
        return per_code

    def _aggregation_key(self, choice: Any) -> tuple[tuple[str, tuple], ...] | None:
        if choice is None:
            return None
        per_node = self._per_code(choice, self.nodes, "aggregation", "node")
        out = []
        for n, node in enumerate(self.nodes):
            method = per_node.get(node, self.tree.methods[n])
            params = dict(self.tree.params[n]) if node not in per_node else {}
            if isinstance(method, Mapping):
                params = {k: v for k, v in method.items() if k != "method"}
                method = method.get("method", self.tree.methods[n])
            if method not in aggregations:
                raise SpecError(
                    f"unknown aggregation method {method!r} for node '{node}'",
                    field="aggregation",
                    hint=f"use one of {aggregations.names()}",
                )
            if method == "power" and not params.get("power"):
                raise SpecError(
                    f"the power mean of node '{node}' needs a non-zero 'power'",
                    field="aggregation",
                    hint="write {'method': 'power', 'power': 2}",
                )
            out.append((method, tuple(sorted(params.items()))))
        return tuple(out)

    def _normalisation_key(self, choice: Any) -> tuple[tuple[str, tuple], ...] | None:
        if choice is None:
            return None
        per_ind = self._per_code(choice, self.indicators, "normalisation", "indicator")
        out = []
        for ind in self.framework.indicators:
            base = ind.normalisation.model_dump(exclude_none=True)
            given = per_ind.get(ind.code)
            if given is None:
                spec = base
            elif isinstance(given, str):
                spec = base | {"method": given}
            else:
                spec = base | dict(given)
            if spec.get("method") not in normalisations:
                raise SpecError(
                    f"unknown normalisation method {spec.get('method')!r} for '{ind.code}'",
                    field="normalisation",
                    hint=f"use one of {normalisations.names()}",
                )
            try:
                Normalisation(**spec)
            except ValueError as err:
                raise SpecError(
                    f"normalisation of '{ind.code}' cannot be {spec['method']!r}: {str(err).splitlines()[-1].strip()}",
                    field="normalisation",
                    hint="give the method's parameters (e.g. goalposts lower and upper)",
                ) from None
            out.append((ind.code, tuple(sorted((k, _frozen(v)) for k, v in spec.items()))))
        return tuple(out)

    def normalised_values(
        self, normalisation: str | Mapping[str, Any] | None = None, sex: str | None = None
    ) -> np.ndarray:
        """The ``(units, indicators)`` normalised values under a normalisation choice (as :meth:`evaluate` takes
        one; default the build's), fitted as the build fits them. Each choice is fitted once and kept."""
        return self._normalised(self._normalisation_key(normalisation), self.spec.sex if sex is None else sex)

    def _normalised(self, key: tuple | None, sex: str) -> np.ndarray:
        if key is None:
            return self.normalised if sex == "total" else self.sex_normalised[sex]
        cached = self._normalised_cache.get((key, sex))
        if cached is not None:
            return cached
        specs = [Normalisation(**{k: _thawed(v) for k, v in items}) for _, items in key]
        inds = list(self.framework.indicators)
        fitted = fit_columns(
            self._fit_values(),
            inds,
            specs,
            cast(np.ndarray, self._all_year_code),
            self._all_years,
            self.spec.reference_year,
        )
        values = self.values if sex == "total" else self.sex_values[sex]
        x = apply_columns(values, inds, specs, _restrict(fitted, self.years), self.year_code, self.units)
        self._normalised_cache[(key, sex)] = x
        return x

    def _fit_values(self) -> np.ndarray:
        arrays: list[Any] = [self._all_values, *self._all_sex_values.values()]
        return np.stack(arrays) if len(arrays) > 1 else arrays[0]


def _variant_groups(norm_keys: list[Any], agg_keys: list[Any]) -> list[tuple[tuple[Any, Any], np.ndarray | None]]:
    """The weight sets sharing a normalisation and an aggregation choice (``None``: every weight set). A choice
    given once is one object repeated, so that common case costs no hashing per weight set."""
    if all(k is norm_keys[0] for k in norm_keys) and all(k is agg_keys[0] for k in agg_keys):
        return [((norm_keys[0], agg_keys[0]), None)]
    codes: list[Any] = []
    for keys in (norm_keys, agg_keys):
        distinct: dict[Any, int] = {}
        codes.append(np.fromiter((distinct.setdefault(k, len(distinct)) for k in keys), dtype="intp", count=len(keys)))
        codes.append(list(distinct))
    pairs, inverse = np.unique(np.stack([codes[0], codes[2]], axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(pairs) + 1))
    return [((codes[1][a], codes[3][b]), order[bounds[g] : bounds[g + 1]]) for g, (a, b) in enumerate(pairs.tolist())]


class _FrozenParams(tuple):
    """A method's ``params`` mapping as sorted items: hashable, so variants can be grouped by it."""


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _FrozenParams(sorted((k, _frozen(v)) for k, v in value.items()))
    return tuple(value) if isinstance(value, list) else value


def _thawed(value: Any) -> Any:
    return {k: _thawed(v) for k, v in value} if isinstance(value, _FrozenParams) else value


def _restrict(fitted: FittedNormalisation, years: tuple[int, ...]) -> FittedNormalisation:
    """Fitted parameters of the years built (fitted on all years of the panel)."""
    positions = [fitted.years.index(y) for y in years]
    params = {code: {name: np.asarray(a)[positions] for name, a in p.items()} for code, p in fitted.params.items()}
    return FittedNormalisation(tuple(years), fitted.reference_year, params)


_HASHED = ("economy", "indicator", "sex", "year", "value")


def _mix(row: np.ndarray) -> None:
    """SplitMix64's finaliser, in place: every bit of a row's number spread over its whole hash
    (Steele, Lea & Flood 2014)."""
    with np.errstate(over="ignore"):
        row ^= row >> np.uint64(30)
        row *= np.uint64(0xBF58476D1CE4E5B9)
        row ^= row >> np.uint64(27)
        row *= np.uint64(0x94D049BB133111EB)
        row ^= row >> np.uint64(31)


#: Multipliers of the economy, indicator, sex, year and value of a row in its hash (odd: each column weighs
#: differently).
_HASH_WEIGHTS = {name: np.uint64(0x9E3779B97F4A7C15 + 2 * k) for k, name in enumerate(_HASHED)}


def _panel_hash(checked: PanelCheck) -> str:
    """SHA-256 of the validated panel, whatever the order of its rows (or the layout of the table it came from).

    The validated panel's text columns are categorical with sorted labels, so equal panels have equal labels and
    codes: the labels are hashed once, and every row (its codes, year and value) is mixed into one number, summed and
    combined by an exclusive or, which no reordering changes. A wide table's values are hashed in its own shape,
    with the numbers its long panel's rows would give."""
    if checked.wide is not None:
        wide = checked.wide
        coded = {"economy": wide.economy, "indicator": wide.indicator, "sex": wide.sex}
        total, mixed, n = _wide_hash(wide)
    else:
        panel = checked.panel
        coded = {
            name: panel[name].array
            if isinstance(panel[name].dtype, pd.CategoricalDtype)
            else pd.Categorical(panel[name])
            for name in ("economy", "indicator", "sex")
        }
        total, mixed, n = _long_hash(panel, coded)
    labels = hashlib.sha256()
    for name in ("economy", "indicator", "sex"):
        labels.update("\x1f".join(map(str, coded[name].categories)).encode() + b"\x1e")
    labels.update(np.array([total, mixed, n], dtype="uint64").tobytes())
    return labels.hexdigest()


def _long_hash(
    panel: pd.DataFrame, coded: dict[str, pd.Categorical], chunk: int = 65_536
) -> tuple[np.uint64, np.uint64, int]:
    """The sum, exclusive or and number of the row numbers of a long panel, in blocks of rows (each block's work
    arrays stay in cache; the panel's own arrays are never written)."""
    n = len(panel)
    columns = {name: coded[name].codes for name in ("economy", "indicator", "sex")}
    columns["year"] = panel["year"].to_numpy(dtype="int64").view("uint64")
    columns["value"] = panel["value"].to_numpy(dtype="float64").view("uint64")
    total, mixed = np.uint64(0), np.uint64(0)
    row, part = np.empty(chunk, dtype="uint64"), np.empty(chunk, dtype="uint64")
    with np.errstate(over="ignore"):
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            row[:size] = 0
            for name in _HASHED:
                np.multiply(
                    columns[name][start : start + size],
                    _HASH_WEIGHTS[name],
                    out=part[:size],
                    dtype="uint64",
                    casting="unsafe",
                )
                row[:size] += part[:size]
            _mix(row[:size])
            total += np.add.reduce(row[:size], dtype="uint64")
            mixed ^= np.bitwise_xor.reduce(row[:size])
    return total, mixed, n


def _wide_hash(wide: WideValues, chunk: int = 16_384) -> tuple[np.uint64, np.uint64, int]:
    """The sum, exclusive or and number of the row numbers of a wide table's usable values, in blocks of rows
    (each block's work arrays stay in cache)."""
    n = len(wide.values)
    weights = _HASH_WEIGHTS
    total, mixed, count = np.uint64(0), np.uint64(0), 0
    with np.errstate(over="ignore"):
        # what a row shares over its columns, and what a column shares over its rows
        base = wide.economy.codes.astype("uint64") * weights["economy"]
        base += wide.sex.codes.astype("uint64") * weights["sex"]
        base += wide.year.view("uint64") * weights["year"]
        per_column = wide.indicator.codes.astype("uint64") * weights["indicator"]
        for start in range(0, n, chunk):
            values = wide.values[start : start + chunk]
            usable = ~np.isnan(values)
            cell = values.view("uint64") * weights["value"]
            cell += base[start : start + chunk, None]
            cell += per_column[None, :]
            _mix(cell)
            cell *= usable
            total += np.add.reduce(cell, axis=None, dtype="uint64")
            mixed ^= np.bitwise_xor.reduce(cell, axis=None)
            count += int(np.count_nonzero(usable))
    return total, mixed, count


def _years_text(years: Sequence[int]) -> str:
    return ", ".join(map(str, years)) if len(years) <= 5 else f"{len(years)} years, {years[0]}-{years[-1]}"


def _screened_rows(screening: pd.DataFrame | None, years: list[int], index: str) -> pd.DataFrame:
    """Coverage rows for the units screened out, with the reason."""
    if screening is None or screening.empty or screening["kept"].all():
        return pd.DataFrame()
    out = screening[~screening["kept"] & screening["year"].isin(years)]
    return pd.DataFrame(
        {
            "economy": out["economy"],
            "year": out["year"],
            "node": index,
            "status": "not scored",
            "present": out["present"],
            "expected": out["expected"],
            "missing": "",
            "reason": out["reason"],
        }
    ).reset_index(drop=True)


def _screen(values: pd.DataFrame, spec: BuildSpec, counted: str) -> tuple[np.ndarray, pd.DataFrame]:
    return screen_units(values, cast(Screening, spec.screening).min_share, counted=counted)


def _groups(data: Any, groups: pd.DataFrame | None, units: Units | None = None) -> pd.DataFrame | None:
    """The unit groups: given, carried by the panel (``read_coinr`` puts iData's in ``attrs``), or the groupings of
    a units table."""
    if groups is None and isinstance(data, pd.DataFrame) and isinstance(data.attrs.get("groups"), Mapping):
        groups = pd.DataFrame(data.attrs["groups"]).rename_axis("economy")
    if groups is None and units is not None and units.kind == "table" and units.group_columns:
        groups = units.groups()[units.group_columns]
    if groups is None:
        return None
    if not isinstance(groups, pd.DataFrame):
        raise SpecError(
            f"groups must be a DataFrame of economy -> group columns, got {type(groups).__name__}",
            field="groups",
            hint="give a DataFrame with an 'economy' column and one column per grouping",
        )
    return groups.set_index("economy") if "economy" in groups.columns else groups.copy()


def _without_groups(data: Any) -> Any:
    """The panel without the groups ``read_coinr`` carries in ``attrs`` (read by :func:`_groups`): pandas copies
    ``attrs`` deeply at every step of the validation."""
    if isinstance(data, pd.DataFrame) and "groups" in data.attrs:
        data = data.copy(deep=False)
        data.attrs = {k: v for k, v in data.attrs.items() if k != "groups"}
    return data


def compile_model(
    data: pd.DataFrame | str | Path | PanelCheck,
    framework: str | Path | Framework | None = None,
    *,
    spec: BuildSpec | None = None,
    groups: pd.DataFrame | None = None,
    fitted: FittedParameters | None = None,
    **arguments: Any,
) -> IndexModel:
    """Resolve a build into an :class:`~ictindex.model.IndexModel` (same keywords as :func:`ictindex.build_index`).

    The stages, in COINr's order: impute (``groups`` serves group methods), screen units by data
    availability (on the observed values before imputation, or on the imputed ones), treat outliers
    (fitted on the reference year), fit the normalisation. ``data`` may be a pandas, polars or pyarrow
    table (converted once here, :func:`ictindex.tables.as_pandas`) or a file path.

    ``fitted`` (:class:`~ictindex.fitted.FittedParameters`) gives the parameters learned elsewhere (the years
    built, group means for imputation, treatment rules, the fitted normalisation): this panel is then one
    chunk of a larger one, and every unit is compiled as it would be with the whole panel at hand.
    """
    data = as_pandas(data)
    spec = _build_spec(framework, spec, arguments)
    groups = _groups(data, as_pandas(groups, what="groups"), spec.units)
    staged = stage_values(data, spec, groups, fitted)
    return _compiled(staged, spec, groups, fitted)


def _build_spec(framework: Any, spec: BuildSpec | None, arguments: dict[str, Any]) -> BuildSpec:
    if spec is None:
        return BuildSpec.create("doi" if framework is None else framework, **arguments)
    if framework is not None or arguments:
        return spec.replace(**({"framework": framework} if framework is not None else {}), **arguments)
    return spec


@dataclass
class Staged:
    """A build's values before normalisation: validated, derived, screened, imputed and treated (see
    :func:`stage_values`). ``values`` are the observed values (total), ``filled`` the imputed and treated ones;
    ``sex_raw``/``sex_filled`` the same of each sex; ``log`` the imputation log of every sex."""

    checked: PanelCheck
    index: pd.MultiIndex
    values: pd.DataFrame
    sources: pd.DataFrame
    filled: pd.DataFrame
    log: pd.DataFrame
    screening: pd.DataFrame | None = None
    sex_raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    sex_filled: dict[str, pd.DataFrame] = field(default_factory=dict)
    treatment_rules: Mapping[tuple[str, Any], Any] | None = None
    treatment_log: pd.DataFrame | None = None
    treatment_summary: pd.DataFrame | None = None
    check_issues: pd.DataFrame | None = None
    year_maxima: pd.DataFrame | None = None
    source_changes: pd.DataFrame | None = None

    @property
    def sexes(self) -> tuple[str, ...]:
        return tuple(self.sex_raw)


#: Checks whose finding concerns every unit of a year at once (``percent_as_fraction``: every value of a year
#: between 0 and 1). A chunk of a panel (``fitted``) is not checked for them: pass one runs them once over the
#: whole panel, on the greatest value of each indicator and year (:mod:`ictindex.fitted`).
PANEL_CHECKS = ("percent_as_fraction",)


def check_settings(spec: BuildSpec, chunk: bool = False) -> Settings:
    """The build's check settings; for a ``chunk`` of a panel, without the :data:`PANEL_CHECKS`."""
    overrides = dict(spec.checks)
    if chunk:
        overrides |= {name: CheckSetting(severity="off") for name in PANEL_CHECKS}
    return Settings(spec.framework, overrides, spec.units)


def stage_values(
    data: Any,
    spec: BuildSpec,
    groups: pd.DataFrame | None = None,
    fitted: FittedParameters | None = None,
    *,
    treat: bool = True,
    stop: bool = True,
    maxima: bool = False,
) -> Staged:
    """Validate, derive, check, screen, impute and (with ``treat``) treat: every stage before the normalisation.

    With ``fitted``, group imputation uses its group means and the treatment its rules (learned over every chunk
    of a panel), and the checks of the whole panel (:data:`PANEL_CHECKS`) are left to pass one; without, they are
    learned from ``data``. ``stop=False`` lists the checks' findings without raising or warning (pass one: pass
    two raises and warns); ``maxima`` keeps the greatest value of each year and indicator before the checks (what
    pass one runs the :data:`PANEL_CHECKS` on)."""
    fw = spec.framework
    with_sexes = spec.by_sex or spec.sex != "total"
    if with_sexes:
        _check_sex_methods(fw)
    checked = _checked(data, spec)
    values, sources = indicator_values(checked.values, fw, sex="total")
    sexes = ("female", "male") if with_sexes else ()
    settings = check_settings(spec, chunk=fitted is not None)
    # female and male values: for a by-sex build, and for the sex_total check wherever the panel has them
    compared = sexes or (("female", "male") if needs_sexes(checked, fw, settings) else ())
    sexed = {s: indicator_values(checked.values, fw, sex=s) for s in compared}
    index = total_index = values.index
    for s in compared:
        index = index.union(sexed[s][0].index)
    index = index.sortlevel()[0] if len(index) and not index.is_monotonic_increasing else index
    values, sources = values.reindex(index), sources.reindex(index).fillna("")
    if spec.sex != "total":  # where a female (male) build's values came from
        sources = sexed[spec.sex][1].reindex(index).fillna("")
    year_maxima = values.groupby(level="year").max() if maxima else None
    before = sources
    # the checks stage (ictindex.checks): zero prices set aside, totals derived from female and male values
    found = check_values(
        values,
        fw,
        settings,
        sources=sources,
        sexes={s: sexed[s][0] for s in compared},
        years=spec.years,
        window=spec.imputation.max_gap if spec.imputation.method != "none" else 0,
        panel=lambda: checked.panel,
        units=spec.units,
        stop=stop,
        inplace=True,  # the build's own matrix
    )
    values, sources = found.values, found.sources
    source_changes = None if sources is before else _changes(before, sources)
    sexed = {s: (found.sexes[s], sexed[s][1]) for s in sexes}
    if compared and not sexes:  # a total build keeps the units with a total (given or derived) only
        keep = values.notna().any(axis=1).to_numpy() | index.isin(total_index)
        if not keep.all():
            index, values, sources = index[keep], values[keep], sources[keep]  # type: ignore[index]
    screening = None
    if spec.screening is not None and spec.screening.count == "observed":
        keep, screening = _screen(values, spec, "observed")
        index = index[keep]
        values, sources = values[keep], sources[keep]
    filled, log = _impute(values, spec, groups, fitted, "total")
    if spec.screening is not None and spec.screening.count == "imputed":
        keep, screening = _screen(filled, spec, "imputed")
        index = index[keep]
        values, sources, filled = values[keep], sources[keep], filled[keep]
        log = log.merge(
            pd.DataFrame({"economy": index.get_level_values("economy"), "year": index.get_level_values("year")}),
            on=["economy", "year"],
        )
    staged = Staged(checked, index, values, sources, filled, log.assign(sex="total"), screening)
    staged.check_issues, staged.year_maxima, staged.source_changes = found.issues, year_maxima, source_changes
    if treat:
        _treat(staged, spec, fitted)
    for s in sexes:
        _stage_sex(staged, s, sexed[s][0].reindex(index), spec, groups, fitted)
    return staged


def _checked(data: Any, spec: BuildSpec) -> PanelCheck:
    """The validated panel (given as such when an uncertainty analysis compiles its alternatives)."""
    checked = (
        data
        if isinstance(data, PanelCheck)
        else to_panel(
            _without_groups(data),
            spec.framework,
            extra_names=dict(spec.extra_names) or None,
            known_series=None if spec.known_series is None else dict(spec.known_series),
            units=spec.units,
        )
    )
    if checked.n_values == 0:
        raise CoverageError(
            "the panel holds no usable values",
            file=str(data) if isinstance(data, str | Path) else None,
            hint="check the file and its columns",
        )
    return checked


def _impute(
    values: pd.DataFrame, spec: BuildSpec, groups: pd.DataFrame | None, fitted: Any, sex: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    imputation = spec.imputation
    if imputation.method == "none":  # nothing to fill: the values themselves (never written), not a copy
        return values, pd.DataFrame(columns=IMPUTATION_COLUMNS)
    centres = None if fitted is None else fitted.centres(sex)
    options = imputation.options() | ({"centres": centres} if centres is not None else {})
    return impute(values, imputation.method, groups=groups, **options)


def _treat(staged: Staged, spec: BuildSpec, fitted: Any) -> None:
    """Outlier treatment of the total values: rules fitted on them (or given), applied and logged."""
    if spec.treatment is None:
        return
    if fitted is not None and fitted.treatment is not None:
        rules, summary = fitted.treatment, fitted.treatment_summary
    else:
        options = spec.treatment.model_dump(exclude_none=True)
        rules, summary = fit_treatment(
            staged.filled,
            options.pop("method"),
            reference_year=spec.reference_year,
            indicators=options.pop("indicators", None),
            **options,
        )
    staged.filled, log = apply_rules(staged.filled, rules)
    staged.treatment_rules, staged.treatment_log, staged.treatment_summary = rules, log.assign(sex="total"), summary


def _stage_sex(
    staged: Staged, sex: str, raw: pd.DataFrame, spec: BuildSpec, groups: pd.DataFrame | None, fitted: Any
) -> None:
    """The female (male) values: imputed as the total, treated with the total's rules."""
    filled, log = _impute(raw, spec, groups, fitted, sex)
    if staged.treatment_rules is not None:
        filled, treated = apply_rules(filled, staged.treatment_rules)
        staged.treatment_log = pd.concat([staged.treatment_log, treated.assign(sex=sex)], ignore_index=True)
    disaggregable = [i.code for i in spec.framework.indicators if i.sex_disaggregable]
    own = log[log["indicator"].isin(disaggregable)].assign(sex=sex)
    staged.log = pd.concat([staged.log, own], ignore_index=True)
    staged.sex_filled[sex], staged.sex_raw[sex] = filled, raw


def built_years(staged: Staged, spec: BuildSpec, fitted: Any = None) -> tuple[list[int], BuildSpec]:
    """The years to build and the spec that records them: ``spec.years`` (those the data hold, with
    ``missing_years="warn"``), or every year with data; with ``fitted``, the years pass one chose over the whole
    panel (a chunk may lack some of them)."""
    if fitted is not None and fitted.years:
        years = list(fitted.years)
        return years, spec if spec.years is None or tuple(spec.years) == tuple(years) else spec.model_copy(
            update={"years": tuple(years)}
        )
    main = staged.filled if spec.sex == "total" else staged.sex_filled[spec.sex]
    with_data = main.notna().any(axis=1).to_numpy()
    data_years = _years_of(staged.index, with_data)
    if spec.years is None:
        return data_years, spec
    wanted = list(spec.years)
    if not set(wanted) & set(data_years):
        raise CoverageError(
            f"no data for any indicator of '{spec.framework.code}' in year(s) {wanted}",
            year=", ".join(map(str, wanted)),
            hint=f"choose among the years with data: {data_years[:3]} ... {data_years[-3:]}"
            if data_years
            else "check the indicator codes",
        )
    return available_years(spec, wanted, data_years, stacklevel=6)


def _compiled(staged: Staged, spec: BuildSpec, groups: pd.DataFrame | None, given: Any) -> IndexModel:
    """Fit (or take) the normalisation of the staged values, apply it to the years built, and hold it all."""
    fw, index, sexes = spec.framework, staged.index, staged.sexes
    wanted, spec = built_years(staged, spec, given)
    all_years = tuple(_years_of(index))
    # a chunk of a panel (``given``) lists its own units only: pass one finds the listed units of no chunk
    listed = set(spec.units.codes) if spec.units.expected and given is None else set()
    inds = list(fw.indicators)
    specs = [i.normalisation for i in inds]
    all_values = staged.filled.to_numpy(dtype="float64")
    all_sex = {s: staged.sex_filled[s].to_numpy(dtype="float64") for s in sexes}
    keep = index.get_level_values("year").isin(wanted)
    units = _rows(index, keep)
    years = tuple(y for y in all_years if y in set(wanted))
    year_code = np.searchsorted(np.asarray(years), units.get_level_values("year").to_numpy())
    year_code = year_code.astype("int8" if len(years) < 2**7 else "int16" if len(years) < 2**15 else "int32")
    # the fit sees every year of the panel only to learn on a reference year (which may lie outside the years
    # built); otherwise each year built is fitted on its own values, and other years play no part
    if spec.reference_year is None:
        fit_rows, fit_code, fit_years = keep, year_code, years
    else:
        fit_rows = np.ones(len(index), dtype=bool)
        fit_code = np.searchsorted(np.asarray(all_years), index.get_level_values("year").to_numpy())
        fit_years = all_years
    fit_values = _rows(all_values, fit_rows)
    fit_sex = {s: _rows(a, fit_rows) for s, a in all_sex.items()}
    if given is not None and given.normalisation is not None:
        fitted = given.normalisation
    else:
        fit_input = np.stack([fit_values, *fit_sex.values()]) if sexes else fit_values
        fitted = fit_columns(fit_input, inds, specs, fit_code, fit_years, spec.reference_year)

    fitted_built = _restrict(fitted, years)
    kept_values = _rows(all_values, keep)
    check_columns(kept_values, inds, specs, units)  # normalised when asked for; what cannot be is refused now
    sex_values = {s: _rows(a, keep) for s, a in all_sex.items()}
    sex_normalised = {s: apply_columns(a, inds, specs, fitted_built, year_code, units) for s, a in sex_values.items()}
    log = staged.log[staged.log["year"].isin(wanted)].reset_index(drop=True)
    if spec.sex != "total":  # a female (male) build: common indicators from the total, the rest its own
        disaggregable: Any = {i.code for i in fw.indicators if i.sex_disaggregable}
        own = (log["sex"] == spec.sex) | ((log["sex"] == "total") & ~log["indicator"].isin(disaggregable))
        log = log[own].reset_index(drop=True)
    checked, screening, treatment_log = staged.checked, staged.screening, staged.treatment_log
    return IndexModel(
        spec=spec.model_copy(update={"years": tuple(wanted)}) if spec.years is None else spec,
        units=units,
        year_code=year_code,
        years=years,
        tree=Tree.from_framework(fw, spec.min_coverage),
        raw=_rows(staged.values.to_numpy(dtype="float64"), keep),
        values=kept_values,
        _normalised_total=None,
        fitted=fitted,
        sex_values=sex_values,
        sex_normalised=sex_normalised,
        sex_raw={s: _rows(a.to_numpy(dtype="float64"), keep) for s, a in staged.sex_raw.items()},
        _sources_table=_rows(staged.sources, keep) if len(index) <= BLOCK_UNITS else None,
        _source_changes=staged.source_changes,
        imputations=log[[*IMPUTATION_COLUMNS, "sex"]],
        checked=checked,
        # every economy of the input, and with a units table (or units="iso3") every unit it lists
        economies=tuple(sorted((set(checked.economies) | listed) - _screened_out(screening))),
        input_sha256=_panel_hash(checked),
        screening=screening,
        treatments=None
        if treatment_log is None
        else treatment_log[treatment_log["year"].isin(wanted)].reset_index(drop=True)[[*TREATMENT_COLUMNS, "sex"]],
        treatment_summary=staged.treatment_summary,
        groups=groups,
        _listed_only=frozenset(listed - set(checked.economies)),
        check_issues=staged.check_issues,
        _all_values=fit_values,
        _all_year_code=fit_code,
        _all_years=fit_years,
        _all_sex_values=fit_sex,
    )


def _years_of(index: pd.MultiIndex, rows: np.ndarray | None = None) -> list[int]:
    """The years of the units (of the ``rows`` marked), sorted: from the index's codes (no number per unit)."""
    position = index.names.index("year")
    codes = index.codes[position] if rows is None else index.codes[position][rows]
    in_use = np.bincount(codes[codes >= 0], minlength=len(index.levels[position])) > 0
    return sorted(int(y) for y in index.levels[position][in_use])


def available_years(
    spec: BuildSpec, wanted: list[int], data_years: list[int], *, stacklevel: int = 4
) -> tuple[list[int], BuildSpec]:
    """The years asked for that the data hold. A year without data is an error naming it (a replayed spec on a
    file lacking some of its years), or with ``missing_years="warn"`` (``years="available"``) a warning, and the
    spec then records the years built."""
    missing = [y for y in wanted if y not in set(data_years)]
    if not missing:
        return wanted, spec
    text = ", ".join(map(str, missing))
    if spec.missing_years == "raise":
        raise CoverageError(
            f"the data hold no value of any indicator of '{spec.framework.code}' in {text}, a year asked for "
            f"(years {', '.join(map(str, wanted))})",
            year=text,
            field="years",
            hint='add the data of that year, ask for the years present, or pass years="available" to build those '
            "of the years the data hold",
        )
    kept = [y for y in wanted if y not in set(missing)]
    warnings.warn(
        f'no data in {text}: built {", ".join(map(str, kept))} only (years="available")',
        IctIndexWarning,
        stacklevel=stacklevel,
    )
    return kept, spec.model_copy(update={"years": tuple(kept)})


def _changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The cells of a sources table the checks changed (a value set aside, a total derived): economy, year,
    indicator, text."""
    rows = []
    for code in after.columns:
        if after[code] is before[code]:
            continue
        old = before[code].astype(object).to_numpy()
        new = after[code].astype(object).to_numpy()
        at = np.flatnonzero(old != new)
        if at.size:
            units = after.index[at]
            rows.append(
                pd.DataFrame(
                    {
                        "economy": units.get_level_values("economy"),
                        "year": units.get_level_values("year"),
                        "indicator": code,
                        "text": new[at],
                    }
                )
            )
    return (
        pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["economy", "year", "indicator", "text"])
    )


def _with_changes(sources: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Sources derived again, with the checks' changes written as the checks wrote them."""
    if changes.empty:
        return sources
    sources = sources.copy()
    rows = sources.index.get_indexer(pd.MultiIndex.from_arrays([changes["economy"], changes["year"]]))
    for code, group in changes.groupby("indicator", sort=False):
        at = rows[group.index.to_numpy()]
        hit = at >= 0
        column = sources[code].astype(object).to_numpy(copy=True)
        column[at[hit]] = group["text"].to_numpy()[hit]
        sources[code] = column
    return sources


def _rows(array: Any, keep: np.ndarray) -> Any:
    """The rows kept of an array, frame or index (itself when every row is: a (units x indicators) copy costs as
    much as a stage)."""
    return array if keep.all() else array[keep]


def _screened_out(screening: pd.DataFrame | None) -> set[str]:
    """Economies screened out in every year (listed by the screening rows, not as absent)."""
    if screening is None or screening.empty:
        return set()
    kept = screening.groupby("economy")["kept"].any()
    return set(kept.index[~kept])


def _check_sex_methods(fw: Framework) -> None:
    """Refuse a by-sex build the framework cannot support, saying why."""
    if not any(ind.sex_disaggregable for ind in fw.indicators):
        raise MethodError(
            f"framework '{fw.code}' has no sex-disaggregable indicator, so its female and male "
            "indices would equal the total",
            hint="mark survey-based indicators 'sex_disaggregable: true', or use the 'doi_gender' framework",
        )
    for ind in fw.indicators:
        if ind.sex_disaggregable and normalisations.get(ind.normalisation.method).within_year:
            raise MethodError(
                f"'{ind.normalisation.method}' normalisation ranks each sex within its own group, so female "
                "and male scores would not be comparable",
                indicator=ind.code,
                hint="use goalpost, min-max or z-score normalisation for sex-disaggregable indicators",
            )


# -- argument checks of evaluate (issue 30): types and ranges, before any work ----------------------------
SEXES = ("total", "female", "male")


def _check_arguments(aggregation: Any, normalisation: Any, exclude: Any, sex: Any, chunk: Any) -> None:
    """Refuse an argument of :meth:`IndexModel.evaluate` of the wrong type or range, naming the field.

    ``chunk`` must be a whole number >= 1 (0 or a negative number evaluated nothing and returned the
    uninitialised output array as scores); ``sex`` one of :data:`SEXES`; ``exclude`` a list of indicator
    codes (a bare string would be read letter by letter); ``aggregation`` and ``normalisation`` a method
    name, a mapping, or a list of those (one per weight set), with numeric parameters that are finite.
    """
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1):
        raise SpecError(
            f"chunk must be a whole number of weight sets >= 1, got {chunk!r}",
            field="chunk",
            hint="leave chunk out (about 1 MiB of work arrays), or give e.g. chunk=256",
        )
    if sex is not None and sex not in SEXES:
        raise SpecError(f"sex must be one of {SEXES}, got {sex!r}", field="sex", hint="e.g. sex='female'")
    if exclude is not None:
        if isinstance(exclude, str | bytes) or not isinstance(exclude, Sequence | set | frozenset | np.ndarray):
            raise SpecError(
                f"exclude must be a list of indicator codes, got {type(exclude).__name__} {exclude!r:.60}",
                field="exclude",
                hint=f"write exclude=[{exclude!r:.40}]" if isinstance(exclude, str) else "write exclude=['code']",
            )
        bad = [c for c in exclude if not isinstance(c, str)]
        if bad:
            raise SpecError(f"exclude holds {bad[0]!r}, not an indicator code", field="exclude", hint="give codes")
    for name, choice in (("aggregation", aggregation), ("normalisation", normalisation)):
        choices = choice if isinstance(choice, list | tuple) else [choice]
        for one in choices:
            _check_choice(name, one)


def _check_choice(name: str, choice: Any) -> None:
    """One aggregation or normalisation choice: ``None``, a method name, ``{"method": ..., params}`` or a mapping
    code -> (name or mapping with ``method``)."""
    if choice is None or isinstance(choice, str):
        return
    if not isinstance(choice, Mapping):
        raise SpecError(
            f"{name} must be a method name, a mapping or a list of those, got {type(choice).__name__} {choice!r:.60}",
            field=name,
            hint=f"e.g. {name}='geometric'" if name == "aggregation" else f"e.g. {name}='minmax'",
        )
    per_code = {None: choice} if "method" in choice else dict(choice)
    for code, method in per_code.items():
        where = name if code is None else f"{name}[{code!r}]"
        if isinstance(method, str):
            continue
        if not isinstance(method, Mapping) or not isinstance(method.get("method", ""), str):
            raise SpecError(
                f"{where} must be a method name or a mapping with 'method', got {method!r:.60}",
                field=name,
                hint="e.g. {'method': 'power', 'power': 2}"
                if name == "aggregation"
                else "e.g. {'method': 'goalpost', 'lower': 0, 'upper': 100}",
            )
        for key, value in method.items():
            if key != "method":
                _check_parameter(name, where, key, value)


def _check_parameter(name: str, where: str, key: str, value: Any) -> None:
    """A method parameter: a finite number (``power`` non-zero, ``zero_floor`` positive), text, a truth value,
    or a list or mapping of those."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_parameter(name, where, f"{key}.{k}", v)
        return
    if isinstance(value, list | tuple):
        for v in value:
            _check_parameter(name, where, key, v)
        return
    number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if number and not np.isfinite(value):
        raise SpecError(f"{where}: parameter {key!r} is {value!r}", field=name, hint="give a finite number")
    if key in ("power", "zero_floor") and (not number or value == 0 or (key == "zero_floor" and value < 0)):
        raise SpecError(
            f"{where}: parameter {key!r} must be a {'non-zero' if key == 'power' else 'positive'} number, "
            f"got {value!r}",
            field=name,
            hint="e.g. {'method': 'power', 'power': 2}" if key == "power" else "e.g. zero_floor=0.01",
        )
    if not (number or value is None or isinstance(value, str | bool)):
        raise SpecError(
            f"{where}: parameter {key!r} is a {type(value).__name__}, not a number or text",
            field=name,
            hint="give numbers, text, or lists of them",
        )
