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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from ictindex.aggregate import Explanation, Tree, aggregate_tree
from ictindex.coverage import absent_rows, coverage_rows
from ictindex.derive import indicator_values
from ictindex.errors import SpecError
from ictindex.framework import Framework, Normalisation
from ictindex.impute import IMPUTATION_COLUMNS
from ictindex.normalise import FittedNormalisation, apply_columns, check_columns, fit_columns
from ictindex.panel import PanelCheck
from ictindex.spec import BuildSpec
from ictindex.stages import (
    PANEL_CHECKS,
    Staged,
    _build_spec,
    _groups,
    _panel_hash,
    _rows,
    _screened_out,
    _screened_rows,
    _with_changes,
    _years_of,
    available_years,
    built_years,
    check_settings,
    stage_values,
)
from ictindex.tables import as_pandas
from ictindex.treat import TREATMENT_COLUMNS
from ictindex.variants import (
    _check_arguments,
    _thawed,
    _variant_groups,
    aggregation_key,
    normalisation_key,
    per_replication,
)

if TYPE_CHECKING:  # the fitted parameters of a chunked build are learned by a later module
    from ictindex.fitted import FittedParameters

# (the stages' names are kept here too: they were this module's before ictindex.stages)
__all__ = [
    "compile_model",
    "IndexModel",
    "Staged",
    "stage_values",
    "PANEL_CHECKS",
    "check_settings",
    "available_years",
    "built_years",
]

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
        norm_keys = per_replication(
            normalisation, r, "normalisation", functools.partial(normalisation_key, self.framework)
        )
        agg_keys = per_replication(
            aggregation,
            r,
            "aggregation",
            functools.partial(aggregation_key, self.tree, self.nodes, self.framework.code),
        )
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

    def normalised_values(
        self, normalisation: str | Mapping[str, Any] | None = None, sex: str | None = None
    ) -> np.ndarray:
        """The ``(units, indicators)`` normalised values under a normalisation choice (as :meth:`evaluate` takes
        one; default the build's), fitted as the build fits them. Each choice is fitted once and kept."""
        return self._normalised(normalisation_key(self.framework, normalisation), self.spec.sex if sex is None else sex)

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


def _restrict(fitted: FittedNormalisation, years: tuple[int, ...]) -> FittedNormalisation:
    """Fitted parameters of the years built (fitted on all years of the panel)."""
    positions = [fitted.years.index(y) for y in years]
    params = {code: {name: np.asarray(a)[positions] for name, a in p.items()} for code, p in fitted.params.items()}
    return FittedNormalisation(tuple(years), fitted.reference_year, params)


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


def _compiled(staged: Staged, spec: BuildSpec, groups: pd.DataFrame | None, given: Any) -> IndexModel:
    """Fit (or take) the normalisation of the staged values, apply it to the years built, and hold it all."""
    fw, index = spec.framework, staged.index
    wanted, spec = built_years(staged, spec, given)
    # a chunk of a panel (``given``) lists its own units only: pass one finds the listed units of no chunk
    listed = set(spec.units.codes) if spec.units.expected and given is None else set()
    inds = list(fw.indicators)
    specs = [i.normalisation for i in inds]
    all_values = staged.filled.to_numpy(dtype="float64")
    all_sex = {s: staged.sex_filled[s].to_numpy(dtype="float64") for s in staged.sexes}
    keep, units, years, year_code = _built_rows(index, wanted)
    fit_rows, fit_code, fit_years = _fit_rows(index, spec, keep, year_code, years)
    fit_values = _rows(all_values, fit_rows)
    fit_sex = {s: _rows(a, fit_rows) for s, a in all_sex.items()}
    if given is not None and given.normalisation is not None:
        fitted = given.normalisation
    else:
        fit_input = np.stack([fit_values, *fit_sex.values()]) if fit_sex else fit_values
        fitted = fit_columns(fit_input, inds, specs, fit_code, fit_years, spec.reference_year)
    fitted_built = _restrict(fitted, years)
    kept_values = _rows(all_values, keep)
    check_columns(kept_values, inds, specs, units)  # normalised when asked for; what cannot be is refused now
    sex_values = {s: _rows(a, keep) for s, a in all_sex.items()}
    sex_normalised = {s: apply_columns(a, inds, specs, fitted_built, year_code, units) for s, a in sex_values.items()}
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
        imputations=_imputation_log(staged.log, spec, wanted),
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


def _built_rows(index: pd.MultiIndex, wanted: list[int]) -> tuple[np.ndarray, pd.MultiIndex, tuple[int, ...], Any]:
    """The rows of the years built: their mask, their units, the years and each unit's year code (small ints)."""
    keep = index.get_level_values("year").isin(wanted)
    units = _rows(index, keep)
    years = tuple(y for y in _years_of(index) if y in set(wanted))
    year_code = np.searchsorted(np.asarray(years), units.get_level_values("year").to_numpy())
    year_code = year_code.astype("int8" if len(years) < 2**7 else "int16" if len(years) < 2**15 else "int32")
    return keep, units, years, year_code


def _fit_rows(
    index: pd.MultiIndex, spec: BuildSpec, keep: np.ndarray, year_code: Any, years: tuple[int, ...]
) -> tuple[np.ndarray, Any, tuple[int, ...]]:
    """The rows the normalisation is fitted on, their year codes and the years those codes stand for."""
    # the fit sees every year of the panel only to learn on a reference year (which may lie outside the years
    # built); otherwise each year built is fitted on its own values, and other years play no part
    if spec.reference_year is None:
        return keep, year_code, years
    all_years = tuple(_years_of(index))
    fit_code = np.searchsorted(np.asarray(all_years), index.get_level_values("year").to_numpy())
    return np.ones(len(index), dtype=bool), fit_code, all_years


def _imputation_log(log: pd.DataFrame, spec: BuildSpec, wanted: list[int]) -> pd.DataFrame:
    """The imputation log of the years built, of the build's sex."""
    log = log[log["year"].isin(wanted)].reset_index(drop=True)
    if spec.sex != "total":  # a female (male) build: common indicators from the total, the rest its own
        disaggregable: Any = {i.code for i in spec.framework.indicators if i.sex_disaggregable}
        own = (log["sex"] == spec.sex) | ((log["sex"] == "total") & ~log["indicator"].isin(disaggregable))
        log = log[own].reset_index(drop=True)
    return log[[*IMPUTATION_COLUMNS, "sex"]]
