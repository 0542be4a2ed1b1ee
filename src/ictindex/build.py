"""``build_index``: compile -> evaluate -> explain, with no arithmetic of its own.

:func:`~ictindex.model.compile_model` resolves the panel, imputation and fitted normalisation
into arrays once; the nominal evaluation scores every node; explaining it gives what users read:
scores and ranks, the coverage table from the presence masks (:mod:`~ictindex.coverage`), the
imputation log and, with ``by_sex=True``, the female and male indices from the same compiled
model (:mod:`~ictindex.gender`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ictindex.errors import CoverageError
from ictindex.framework import Framework
from ictindex.gender import (
    PARITY_BAND,
    female_shares,
    gender_table,
    indicator_parity,
    mask_without_sex_data,
    value_years,
)
from ictindex.model import IndexModel, compile_model
from ictindex.panel import PanelCheck
from ictindex.result import IndexResult, Lazy, provenance_of
from ictindex.spec import BuildSpec
from ictindex.unit_tables import UnitTables, min_ranks, unit_tables

if TYPE_CHECKING:
    from ictindex.fitted import FittedParameters

__all__ = ["build_index", "explain"]


def _years_text(years: list[int]) -> str:
    return ", ".join(map(str, years)) if len(years) <= 5 else f"{len(years)} years, {years[0]}-{years[-1]}"


def _frame(model: IndexModel, array: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame(array, index=model.units, columns=list(columns), copy=False)


def _plain(panel: pd.DataFrame) -> pd.DataFrame:
    """The validated panel with its categorical text columns as plain text (for the tabulating gender stage)."""
    text = [c for c in panel.columns if isinstance(panel[c].dtype, pd.CategoricalDtype)]
    return panel.astype(dict.fromkeys(text, "str")) if text else panel


def _absent_series(model: IndexModel) -> str:
    """ ", and 6 of its 11 indicators have no series in the data: ..." when indicators are absent altogether."""
    issues = cast(PanelCheck, model.checked).issues
    absent = issues.loc[issues["problem"] == "absent_indicator", "indicator"].astype(str).tolist()
    if not absent:
        return ""
    fw = model.framework
    series = [
        f"{code} ({', '.join(fw.indicator(code).source.codes)})"  # type: ignore[union-attr]
        if fw.indicator(code).source
        else code
        for code in absent
    ]
    return f": {len(absent)} of its {len(fw.indicators)} indicators have no series in the data: " + "; ".join(series)


def explain(model: IndexModel) -> IndexResult:
    """The nominal evaluation of a compiled model, as an :class:`~ictindex.result.IndexResult`: the unit-by-unit
    tables of :mod:`ictindex.unit_tables` (each built when first asked for), the ranks of every year, and the female
    and male indices of a by-sex build."""
    spec, fw = model.spec, model.framework
    tables = unit_tables(model)
    if np.isnan(tables.index_scores()).all():
        _nothing_scored(tables)
    gender, gender_indicators = _gender(model) if spec.by_sex else (None, None)
    flags = Lazy(tables.flags)
    score_issues = tables.score_issues()  # the checks of scores: an error stops the build now
    return IndexResult(
        framework=fw,
        _scores=Lazy(lambda: tables.scores(min_ranks(model.year_code, tables.index_scores()))),
        _raw=Lazy(tables.raw),
        _imputed=Lazy(tables.imputed),
        _normalised=Lazy(tables.normalised),
        _sources=Lazy(lambda: model.sources),
        _imputations=model.imputations,
        _coverage=Lazy(tables.coverage),
        _issues=tables.issues(score_issues),
        _floored=Lazy(tables.floored),
        _gender=gender,
        _gender_indicators=gender_indicators,
        _treatments=model.treatments,
        _treatment_summary=model.treatment_summary,
        _screening=model.screening,
        _flags=flags,
        _economy_flags=Lazy(lambda: tables.economy_flags(flags.build(), score_issues)),
        _breaks=Lazy(tables.breaks),
        provenance=provenance(model),
        spec=spec,
    )


def _nothing_scored(tables: UnitTables) -> None:
    fw, wanted = tables.model.framework, tables.wanted
    coverage = tables.coverage()
    reasons = coverage[coverage["node"] == fw.index]["reason"]
    raise CoverageError(
        f"no economy could be scored on '{fw.code}' in {_years_text(wanted)}" + _absent_series(tables.model),
        year=_years_text(wanted),
        hint=(f"most common reason: {reasons.mode().iloc[0]}; " if not reasons.empty else "")
        + "add data, use imputation='latest', or lower min_coverage"
        + (
            f"; '{fw.current_framework}' is the {fw.name} method on series collected today"
            f" (build_index(data, '{fw.current_framework}'))"
            if fw.current_framework
            else ""
        ),
    )


def _gender(model: IndexModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gender table and the parity of every sex-disaggregated series (:mod:`ictindex.gender`)."""
    spec, fw = model.spec, model.framework
    total = _frame(model, model.explain("total")[0], model.nodes)
    female = _frame(model, model.evaluate(sex="female")[0], model.nodes)
    male = _frame(model, model.evaluate(sex="male")[0], model.nodes)
    sexed = {s: _frame(model, model.sex_values[s], model.indicators) for s in ("female", "male")}
    female, male, reasons = mask_without_sex_data(female, male, sexed["female"], sexed["male"], fw)
    panel = _plain(cast(PanelCheck, model.checked).panel)
    gender = gender_table(
        total,
        female,
        male,
        fw,
        reasons=reasons,
        # population by sex of the units table, else the panel's population rows by sex
        shares=spec.units.female_shares(list(spec.years or model.years))
        if spec.units.has_sex_population and spec.units.kind == "table"
        else female_shares(panel),
        band=spec.parity_band,
        data_years=value_years(sexed, model.imputations, fw),
    )
    return gender, indicator_parity(panel, band=spec.parity_band, years=list(spec.years or model.years))


def provenance(model: IndexModel) -> dict[str, Any]:
    """What a build used: library, framework and input hashes, every parameter."""
    return provenance_of(model.spec, list(model.spec.years or model.years), model.input_sha256)


def build_index(
    data: pd.DataFrame | str | Path,
    framework: str | Path | Framework | None = None,
    *,
    spec: BuildSpec | None = None,
    years: int | Iterable[int] | str | None = None,
    sex: str = "total",
    by_sex: bool = False,
    parity_band: tuple[float, float] = PARITY_BAND,
    imputation: str | Mapping[str, Any] | None = None,
    max_gap: int | None = None,
    reference_year: int | None = None,
    min_coverage: float | None = None,
    extra_names: Mapping[str, str] | None = None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
    units: str = "economies",
    screening: float | Mapping[str, Any] | None = None,
    treatment: str | Mapping[str, Any] | None = None,
    normalisation: str | Mapping[str, Any] | None = None,
    groups: pd.DataFrame | None = None,
    missing_years: str | None = None,
    checks: str | Mapping[str, Any] | None = None,
    fitted: FittedParameters | None = None,
    aggregation: str | Mapping[str, Any] | None = None,
    weights: Any = None,
) -> IndexResult:
    """Build a composite index from an indicator panel.

    Parameters
    ----------
    data
        Tidy long or wide panel (DataFrame, CSV or XLSX path); see :mod:`ictindex.panel`. A Dask DataFrame or a
        Parquet dataset (a folder of Parquet files, or a glob such as ``"cells/*.parquet"``), partitioned by unit,
        is built on Dask in two passes and gives a :class:`~ictindex.dask_build.DaskIndexResult` whose tables are
        Dask DataFrames (``pip install ictindex[dask]``; see :mod:`ictindex.dask_build`); so is a list of Parquet
        files.
    framework
        A bundled framework name (``"doi"``, ``"doi_current"``...), a YAML path or a
        :class:`~ictindex.framework.Framework` (default ``"doi"``, or the spec's).
    spec
        A :class:`~ictindex.spec.BuildSpec` (e.g. ``result.spec.replace(min_coverage=0.5)``) that
        gives every other argument; arguments given as well override it.
    years
        Year(s) to score (default: every year in which any framework indicator has data). A year without data
        is an error naming it (replaying a spec on next year's file says which of its years are missing);
        ``years="available"`` builds those of the years (the spec's, when replaying one) that the data hold,
        with an :class:`~ictindex.errors.IctIndexWarning` naming the others.
    sex
        ``total`` (default), ``female`` or ``male``: sex-disaggregable indicators then use
        the female/male values, the others the common value; the normalisation is the one fitted
        for the by-sex build, so the scores equal the female/male scores of ``by_sex=True``.
    by_sex
        Also build the female and male indices (same goalposts, fitted parameters and
        weights as the total) and the gender table: ``result.gender`` (parity score, gap,
        parity band, equally-distributed score per node) and ``result.gender_indicators``
        (parity of every sex-disaggregated series); see :mod:`ictindex.gender`.
    parity_band
        Parity scores inside this band count as parity (ITU: 0.98-1.02).
    imputation, max_gap
        A registered method (``none``, ``latest``...) or ``{"method": ..., parameters}``; for
        ``latest``, values at most ``max_gap`` years old. Every imputed value is recorded.
        Default: the framework's ``imputation`` setting.
    reference_year
        Fit data-driven normalisation (min-max, z-score, frontier) on this year and apply it
        to all years, so scores are comparable over time. Goalposts need no fitting. It may lie
        outside ``years``.
    min_coverage
        Share of a node's children that must be present for it to be scored (overrides the
        framework's default; a node's own rule still wins).
    extra_names
        Extra economy ``name -> ISO3`` entries.
    known_series
        Source-series codes that may be in the panel without being used by the framework.
    units
        What the units are (:mod:`ictindex.units`): ``economies`` (default: ISO3 codes or ITU/UN names, with the
        bundled economy table as metadata), ``iso3`` (the same, every bundled economy expected), ``any``
        (codes used as given, no metadata), or a **units table** (DataFrame, CSV/XLSX path or
        :class:`~ictindex.units.Units`: code, name, groupings, population), the list of expected units: a code of
        the data it does not list is refused, naming it and the nearest code; a unit it lists without data is
        in ``result.excluded``. Its groupings serve group imputation, its population the equally-distributed
        gender score, and the report uses its names, groups and population (``result.units``).
    screening
        Leave out units with too few indicator values: ``{"min_share": 0.9}`` (and ``"count":
        "observed"`` before imputation, or ``"imputed"`` after it, as COINr); see :mod:`ictindex.screen`.
        Default: the framework's ``screening``. Screened-out units are listed in ``result.coverage``.
    treatment
        Outlier treatment: ``{"method": "winsorise", "winmax": 5}`` (the JRC/COINr skewness-kurtosis
        rule, :mod:`ictindex.treat`), fitted on ``reference_year``; default: the framework's.
        Every treated value is in ``result.treatments``.
    normalisation
        One normalisation for every indicator, overriding the framework's: a method name or a mapping of
        :class:`~ictindex.framework.Normalisation` fields (``{"method": "minmax", "target": (0, 1)}``; ``low``/
        ``high``, the former names of ``target``, are still read). The framework's ``scale`` multiplies the
        normalised scores, so a target other than (0, 1) with a scale other than 1 is refused.
    missing_years
        A year of ``years`` the data do not hold: ``"raise"`` (default) or ``"warn"`` (left out, with a
        warning; what ``years="available"`` sets).
    groups
        Economy groups (an ``economy`` column or index, one column per grouping) for group
        imputation (``imputation={"method": "group_mean", "by": "region"}``); a panel from
        :func:`ictindex.read_coinr` carries its own.
    checks
        Plausibility checks (:mod:`ictindex.checks`), over the framework's ``checks:`` section:
        ``{"jump": "off", "zero_price": "error", "thin_data": {"share": 0.6}}``, or ``"off"`` for none.
        A finding of severity ``error`` stops the build naming the culprits; a ``warning`` is a row of
        ``result.issues`` and an :class:`~ictindex.errors.IctIndexWarning`.
    fitted
        Parameters learned over a whole panel of which ``data`` is one chunk (all years of its units):
        :func:`ictindex.fitted.learn`. Every unit then gets the scores the whole panel gives it; ranks (and the
        ``no economy could be scored`` check) stay those of the chunk.

    aggregation
        How nodes combine their children, overriding the framework's: one method for every node
        (``"geometric"``, ``{"method": "power", "power": 2}``) or ``{node: method}``; the scores equal
        ``compile_model(data, framework).evaluate(aggregation=...)``. A node's ``zero_floor`` and
        ``min_coverage`` stay.
    weights
        Child weights, overriding the framework's: a :class:`~ictindex.weights.Weights` (e.g. from
        :func:`~ictindex.weights.pca_weights`), ``{node: {child: weight}}`` or a table ``node, child,
        weight``; every child of a node given needs a weight (rescaled to sum 1 within the node).

    Returns
    -------
    IndexResult
        (a :class:`~ictindex.dask_build.DaskIndexResult` for a Dask DataFrame or a Parquet dataset)

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "economy": ["KOR", "KOR", "KOR", "ARG", "ARG", "ARG"], "year": 2023,
    ...     "indicator": ["mobile_coverage", "hh_internet", "internet_users"] * 2,
    ...     "value": [100, 99.9, 97.2, 99.0, 80.0, 88.4]})
    >>> result = build_index(panel, "doi", min_coverage=0.3)
    >>> result.scores[["economy", "DOI", "rank"]].round(4).values.tolist()
    [['ARG', 0.937, 2], ['KOR', 0.986, 1]]
    >>> again = build_index(panel, spec=result.spec.replace(min_coverage=0.2))  # Infrastructure now counts
    >>> again.scores["DOI"].round(4).tolist()
    [0.8913, 0.9903]
    """
    given = {
        "years": years,
        "sex": sex,
        "by_sex": by_sex,
        "parity_band": parity_band,
        "imputation": imputation,
        "max_gap": max_gap,
        "reference_year": reference_year,
        "min_coverage": min_coverage,
        "extra_names": extra_names,
        "known_series": known_series,
        "units": units,
        "screening": screening,
        "treatment": treatment,
        "normalisation": normalisation,
        "missing_years": missing_years,
        "checks": checks,
        "aggregation": aggregation,
        "weights": weights,
    }
    spec = _spec_of(framework, spec, given)
    if is_dataset(data):  # beyond memory: the same stages, on Dask (imported only here)
        from ictindex.dask_build import build_dask

        # (typed as the in-memory result for the common case; the Returns section above says what a dataset gives)
        return build_dask(data, spec=spec, groups=groups, fitted=fitted)  # type: ignore[return-value]
    return explain(compile_model(data, spec=spec, groups=groups, fitted=fitted))


def _spec_of(framework: Any, spec: BuildSpec | None, given: dict[str, Any]) -> BuildSpec:
    """The build's spec: made from the arguments, or the spec given with the arguments given changed in it."""
    if spec is None:
        return BuildSpec.create("doi" if framework is None else framework, **given)
    defaults = {"sex": "total", "by_sex": False, "parity_band": PARITY_BAND, "units": "economies"}
    years = given["years"]
    if isinstance(years, str) and years == "available":  # replay: the spec's years that the data hold
        given = {**given, "years": None, "missing_years": "warn"}
    changed = {k: v for k, v in given.items() if v is not None and defaults.get(k) != v}
    if framework is not None:
        changed["framework"] = framework
    return spec.replace(**changed) if changed else spec


def is_dataset(data: Any) -> bool:
    """A Dask DataFrame, or a Parquet dataset: a folder, a glob, or a list of files (one file is a table, read in
    memory)."""
    if type(data).__module__.split(".")[0] == "dask":
        return True
    if isinstance(data, list | tuple) and data and all(isinstance(d, str | Path) for d in data):
        return True
    if isinstance(data, str | Path):
        text = str(data)
        return any(ch in text for ch in "*?[") or Path(text).is_dir()
    return False
