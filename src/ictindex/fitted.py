"""Pass one of a chunked build: the fitted parameters of a panel too large for memory, learned chunk by chunk.

Everything :func:`~ictindex.model.compile_model` does is unit-local except a few fits: data-driven
normalisation, outlier treatment, group means for imputation (and, last, the ranks). So a panel partitioned by unit
(every year of a unit in one chunk) is built in two passes: this pass learns those parameters from statistics of
every chunk that merge exactly, and pass two compiles each chunk with them injected
(``compile_model(chunk, fitted=...)``, ``build_index(chunk, fitted=...)``), giving every unit the scores the
whole panel in memory gives it. The statistics:

* **min-max and frontier** normalisation: the least and greatest (transformed) value per year and indicator;
* **z-scores**: the count, mean and sum of squared deviations per year and indicator, merged with Chan, Golub
  and LeVeque's pairwise formula (*Updating formulae and a pairwise algorithm for computing sample variances*,
  1979): the same mean and standard deviation up to the order of the floating-point sums (about 1e-16);
* **group means** for imputation: sums and counts per group, year and indicator; **group medians**: the values
  of each group gathered (exact);
* **outlier treatment** (COINr's winsorisation walks the extreme points one by one): the values of the fit
  year(s) gathered into one column per indicator, sorted as the whole panel is, and fitted as in memory (exact).

The checks (:mod:`ictindex.checks`) run in both passes as in memory, chunk by chunk, where they are unit-local (a
zero price, a total outside its female-male range, a jump, a unit in one year, thin data, a missing category);
pass one lists their findings without raising (it acts as pass two does: a price of zero is set aside before it is
counted), and pass two raises an ``error`` and warns, chunk by chunk. ``percent_as_fraction`` concerns every
unit of a year: pass one runs it once over the panel, on the greatest value of each indicator and year (which
answers it exactly), before pass two starts. ``near_duplicate_unit`` compares the codes of one chunk only, and
``unit_in_one_year`` cannot judge a chunk whose values all lie in one year: each says so once, as a row of the
issue table and a warning.

Within-year rank normalisations (``rank``, ``percentile``, ``prank``), a user's fitted normalisation without a
mergeable statistic, and imputation across indicators (``regression``, ``em``) or by a user's method need every
unit at once: a chunked build refuses them, naming the indicator or the method.

>>> import pandas as pd
>>> panel = pd.DataFrame({"economy": ["A", "A", "B", "B", "C", "C"], "year": [2022, 2023] * 3,
...     "internet_users": [10.0, 20.0, 30.0, 50.0, 70.0, 90.0]})
>>> chunks = [panel.iloc[:4], panel.iloc[4:]]                 # units A, B | unit C
>>> fitted = learn(chunks, "doi", units="any", normalisation="minmax", min_coverage=0.1)
>>> fitted.years, fitted.normalisation.params["internet_users"]["high"].tolist()
((2022, 2023), [70.0, 90.0])
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from ictindex.checks import Settings, check_values
from ictindex.errors import CoverageError, IctIndexWarning, MethodError, SpecError
from ictindex.framework import CheckSetting, Treatment
from ictindex.impute import GroupCentres, _group_codes
from ictindex.normalise import FittedNormalisation, _fit_moments, _fit_range, _transform
from ictindex.panel import ISSUE_COLUMNS, PanelCheck
from ictindex.panel.issues import _absent_issues, _all_missing_issues
from ictindex.registry import checks, normalisations
from ictindex.spec import BuildSpec
from ictindex.stages import (
    PANEL_CHECKS,
    Staged,
    _build_spec,
    _groups,
    _years_of,
    available_years,
    check_settings,
    stage_values,
)
from ictindex.treat import fit_treatment

__all__ = ["FittedParameters", "learn", "learn_with", "check_chunkable", "CHUNKABLE_IMPUTATIONS", "TABLE_PROBLEMS"]

#: Problems that concern the whole table, not a cell: each chunk finds them for itself, the panel has them once.
TABLE_PROBLEMS = ("absent_indicator", "all_missing", "unknown_indicator")
#: Imputation methods a chunked build can run: within a unit (along its years), or by group with learned centres.
CHUNKABLE_IMPUTATIONS = ("none", "latest", "interpolate", "group_mean", "group_median")
_GROUPED = ("group_mean", "group_median")


@dataclass(frozen=True)
class FittedParameters:
    """Parameters learned over a whole panel, to compile any chunk of it (see the module docstring).

    ``years``: the years built; ``normalisation``: the fitted normalisation over every year with data;
    ``treatment``/``treatment_summary``: the outlier rules and their summary; ``group_centres``: per sex, the
    group means (medians) for imputation; ``indicators``: the framework indicators with data anywhere;
    ``units``: the units (economy-years) of the panel; ``issues``: what validation says of the whole table (an
    indicator absent or missing everywhere, an unknown column), once (each chunk sees only its own rows);
    ``listed_only``: the units of a units table (``units=`` a table, or ``"iso3"``) that no chunk holds.
    """

    years: tuple[int, ...] = ()
    normalisation: FittedNormalisation | None = None
    treatment: Mapping[tuple[str, Any], Mapping[str, Any]] | None = None
    treatment_summary: pd.DataFrame | None = None
    group_centres: Mapping[str, GroupCentres] = field(default_factory=dict)
    indicators: tuple[str, ...] = ()
    units: int = 0
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    listed_only: tuple[str, ...] = ()

    def centres(self, sex: str) -> GroupCentres | None:
        return self.group_centres.get(sex)


# -- what a chunked build can do ----------------------------------------------------------------------------
def check_chunkable(spec: BuildSpec) -> None:
    """Refuse, naming it, a method that needs every unit at once (see the module docstring)."""
    method = spec.imputation.method
    if method not in CHUNKABLE_IMPUTATIONS:
        raise MethodError(
            f"'{method}' imputation models each value from other units' values at once, so a chunked build "
            "cannot run it",
            field="imputation",
            hint=f"use one of {list(CHUNKABLE_IMPUTATIONS)}, or build in memory",
        )
    for ind in spec.framework.indicators:
        registered = normalisations.get(ind.normalisation.method)
        if registered.within_year or (registered.fitted and registered.fit not in _STATISTICS):
            raise MethodError(
                f"'{ind.normalisation.method}' normalisation compares every unit of a year at once, and has no "
                "statistic that merges over chunks",
                indicator=ind.code,
                field="normalisation",
                hint="use goalpost, minmax, zscore or frontier normalisation, or build in memory",
            )


# -- pass one ---------------------------------------------------------------------------------------------------
Sweep = Callable[[Callable[[Any], Any]], Any]


def learn(
    chunks: Iterable[Any] | Callable[[], Iterable[Any]],
    framework: Any = None,
    *,
    spec: BuildSpec | None = None,
    groups: pd.DataFrame | None = None,
    **arguments: Any,
) -> FittedParameters:
    """Learn the fitted parameters of a build from chunks of a panel, each holding every year of its units.

    ``chunks`` is a sequence of panels (DataFrames, files) or a function returning a fresh iterable of them (it
    is read once per statistic needed: up to three times, with group imputation and treatment). Other arguments
    as :func:`ictindex.build_index`.
    """

    def sweep(step: Callable[[Any], Any]) -> Any:
        merged = None
        for chunk in chunks() if callable(chunks) else chunks:
            part = step(chunk)
            merged = part if merged is None else merged if part is None else merged.merge(part)
        if merged is None:
            raise SpecError(
                "no chunks given", field="chunks", hint="give a list of panels, or a function yielding them"
            )
        return merged

    spec = _build_spec(framework, spec, arguments)
    return learn_with(sweep, spec, _groups(None, groups, spec.units))


def learn_with(sweep: Sweep, spec: BuildSpec, groups: pd.DataFrame | None = None) -> FittedParameters:
    """Pass one, given ``sweep(step)``: apply ``step`` to every chunk and merge the results (in this process,
    or as a Dask reduction)."""
    check_chunkable(spec)
    known = FittedParameters()

    def swept(what: str) -> Any:
        merged = sweep(_Step(spec, groups, known, what))
        if merged is None:
            raise CoverageError("the panel holds no usable values", hint="check the chunks and their columns")
        return merged

    if spec.imputation.method in _GROUPED:
        known = dataclasses.replace(known, group_centres=swept("groups").centres(spec.imputation.method))
    if spec.treatment is not None:
        known = dataclasses.replace(known, **swept("treatment").rules(spec))
    return dataclasses.replace(known, **swept("normalisation").fitted(spec))


@dataclass(frozen=True)
class _Step:
    """One chunk's statistic for one sweep (a picklable callable, for worker processes)."""

    spec: BuildSpec
    groups: pd.DataFrame | None
    known: FittedParameters
    what: str

    def __call__(self, chunk: Any) -> Any:
        try:
            return self._statistic(chunk)
        except CoverageError as err:  # a chunk whose units have no usable value adds nothing to learn from
            if "no usable values" in err.message:
                return None
            raise

    def _statistic(self, chunk: Any) -> Any:
        if self.what == "groups":
            return _GroupValues.of(self._staged(chunk, group_sweep=True), self.spec, self.groups)
        if self.what == "treatment":
            return _FitRows.of(self._staged(chunk, treat=False), self.spec)
        return _ColumnStats.of(self._staged(chunk), self.spec)

    def _staged(self, chunk: Any, *, treat: bool = True, group_sweep: bool = False) -> Staged:
        spec = self.spec
        if group_sweep:  # the values the group centres are taken over: before imputation (and imputed screening)
            screening = spec.screening if spec.screening is not None and spec.screening.count == "observed" else None
            spec = spec.model_copy(
                update={
                    "imputation": spec.imputation.model_copy(update={"method": "none"}),
                    "screening": screening,
                    "treatment": None,
                }
            )
        # the checks' findings are listed, not raised or warned, here: pass two raises and warns, chunk by chunk
        return stage_values(
            chunk,
            spec,
            _groups(chunk, self.groups, spec.units),
            self.known,
            treat=treat,
            stop=False,
            maxima=self.what == "normalisation",
        )


# -- group centres --------------------------------------------------------------------------------------------
@dataclass
class _GroupValues:
    """Per sex, the observed values of every grouped unit: ``label, year, indicator, value`` (medians) or their
    sums and counts per label, year and indicator (means)."""

    tables: dict[str, pd.DataFrame]
    median: bool

    @classmethod
    def of(cls, staged: Staged, spec: BuildSpec, groups: pd.DataFrame | None) -> _GroupValues:
        median = spec.imputation.method == "group_median"
        by = dict(spec.imputation.params).get("by")
        if not by:
            raise MethodError(
                "group imputation needs a group column: give by='<column>' and groups",
                field="imputation.by",
                hint="e.g. imputation={'method': 'group_mean', 'by': 'region'}, groups=DataFrame",
            )
        frames = {"total": staged.values, **staged.sex_raw}
        return cls({sex: _grouped(frame, groups, by, median) for sex, frame in frames.items()}, median)

    def merge(self, other: _GroupValues) -> _GroupValues:
        tables = {}
        for sex in self.tables:
            both = pd.concat([self.tables[sex], other.tables[sex]], ignore_index=True)
            keys = ["label", "year", "indicator"]
            tables[sex] = both if self.median else both.groupby(keys, as_index=False, sort=False).sum()
        return _GroupValues(tables, self.median)

    def centres(self, method: str) -> dict[str, GroupCentres]:
        return {sex: _centres(table, self.median) for sex, table in self.tables.items()}


def _grouped(values: pd.DataFrame, groups: pd.DataFrame | None, by: str, median: bool) -> pd.DataFrame:
    """The observed values of every unit with a group, long (``label, year, indicator, value``), or their sums
    and counts per label, year and indicator."""
    economies = values.index.get_level_values("economy")
    codes, labels = _group_codes(pd.Index(economies), groups, by)
    x = values.to_numpy(dtype="float64")
    rows, cols = np.nonzero(~np.isnan(x) & (codes >= 0)[:, None])
    long = pd.DataFrame(
        {
            "label": np.asarray(labels, dtype=object)[codes[rows]] if rows.size else np.array([], dtype=object),
            "year": values.index.get_level_values("year").to_numpy()[rows],
            "indicator": np.asarray(values.columns, dtype=object)[cols],
            "value": x[rows, cols],
        }
    )
    if median:
        return long
    return long.groupby(["label", "year", "indicator"], as_index=False, sort=False).agg(
        sum=("value", "sum"), count=("value", "size")
    )


def _centres(table: pd.DataFrame, median: bool) -> GroupCentres:
    keys = ["label", "year", "indicator"]
    if median:
        stats = table.groupby(keys).agg(centre=("value", "median"), count=("value", "size"))
    else:
        stats = table.groupby(keys).agg(total=("sum", "sum"), count=("count", "sum"))
        stats["centre"] = stats["total"] / stats["count"]
    labels = tuple(sorted(set(table["label"])))
    years = tuple(sorted(set(table["year"].tolist())))
    indicators = tuple(sorted(set(table["indicator"])))
    grid = pd.MultiIndex.from_product([labels, years, indicators], names=keys)
    full = stats.reindex(grid)
    shape = (len(labels), len(years), len(indicators))
    return GroupCentres(
        labels,
        years,
        indicators,
        full["centre"].to_numpy(dtype="float64").reshape(shape),
        full["count"].fillna(0).to_numpy(dtype="int64").reshape(shape),
    )


# -- treatment: the fit years' values, gathered ------------------------------------------------------------------
@dataclass
class _FitRows:
    """The imputed (and screened) values the treatment is fitted on: the reference year's, or every year's."""

    values: pd.DataFrame

    @classmethod
    def of(cls, staged: Staged, spec: BuildSpec) -> _FitRows:
        filled = staged.filled
        if spec.reference_year is not None:
            filled = filled[filled.index.get_level_values("year") == spec.reference_year]
        return cls(filled)

    def merge(self, other: _FitRows) -> _FitRows:
        return _FitRows(pd.concat([self.values, other.values]))

    def rules(self, spec: BuildSpec) -> dict[str, Any]:
        options = cast(Treatment, spec.treatment).model_dump(exclude_none=True)  # (rules: a build with a treatment)
        values = self.values.sort_index()  # the order of the whole panel (economy, year)
        if spec.reference_year is not None and values.empty:
            raise MethodError(
                f"the treatment reference year {spec.reference_year} has no data",
                year=spec.reference_year,
                field="reference_year",
                hint="choose a year in which the indicators have data",
            )
        rules, summary = fit_treatment(
            values,
            options.pop("method"),
            reference_year=spec.reference_year,
            indicators=options.pop("indicators", None),
            **options,
        )
        return {"treatment": rules, "treatment_summary": summary}


# -- normalisation: mergeable statistics per year and indicator ---------------------------------------------------
def _range_stats(x: np.ndarray) -> dict[str, float]:
    return {"low": float(x.min()), "high": float(x.max())}


def _moment_stats(x: np.ndarray) -> dict[str, float]:
    mean = float(x.mean())
    return {"mean": mean, "m2": float(((x - mean) ** 2).sum())}


#: The statistic of each mergeable fit (by the registered fit function).
_STATISTICS = {_fit_range: _range_stats, _fit_moments: _moment_stats}


@dataclass
class _ColumnStats:
    """Per indicator (with a fitted normalisation) and year: count and the fit's statistic; the years with data,
    every year seen, the indicators with data, the units."""

    stats: pd.DataFrame  # indicator, year, count, low, high, mean, m2
    data_years: set[int]
    all_years: set[int]
    indicators: set[str]
    units: int
    labels: set[str]  # the columns (series) with a usable value
    table_issues: pd.DataFrame  # the chunk's findings of TABLE_PROBLEMS
    maxima: pd.DataFrame | None = None  # year x indicator: the greatest value before the checks (PANEL_CHECKS)
    one_year_chunks: int = 0  # chunks whose values lie in one year (unit_in_one_year cannot compare their units)
    value_years: set[int] = field(default_factory=set)  # the years with any value (before imputation)
    seen: set[str] = field(default_factory=set)  # with a units table: the units of the chunks (the table's size)

    @classmethod
    def of(cls, staged: Staged, spec: BuildSpec) -> _ColumnStats:
        main = staged.filled if spec.sex == "total" else staged.sex_filled[spec.sex]
        code, labels = pd.factorize(staged.index.get_level_values("year"))  # years as small whole numbers
        with_data = main.notna().any(axis=1).to_numpy()
        pooled = [staged.filled, *staged.sex_filled.values()]  # a by-sex build fits on all three together
        rows = []
        for ind in spec.framework.indicators:
            registered = normalisations.get(ind.normalisation.method)
            if not registered.fitted:
                continue
            statistic = _STATISTICS[registered.fit]
            transform = ind.normalisation.transform or "identity"
            x = np.concatenate([_transform(f[ind.code].to_numpy(dtype="float64"), transform) for f in pooled])
            codes = np.tile(code, len(pooled))
            present = ~np.isnan(x)
            for k in np.flatnonzero(np.bincount(codes[present], minlength=len(labels))):
                v = x[present & (codes == k)]
                rows.append({"indicator": ind.code, "year": int(labels[k]), "count": v.size} | statistic(v))
        present = {c for c in main.columns if main[c].notna().any()}
        issues = staged.checked.issues
        value_years = set(_years_of(staged.index, staged.values.notna().any(axis=1).to_numpy()))
        return cls(
            pd.DataFrame(rows, columns=["indicator", "year", "count", "low", "high", "mean", "m2"]),
            {int(labels[k]) for k in np.flatnonzero(np.bincount(code[with_data], minlength=len(labels)))},
            {int(y) for y in labels},
            present,
            len(staged.index),
            _labels_with_values(staged.checked),
            issues[issues["problem"].isin(TABLE_PROBLEMS)],
            staged.year_maxima,
            int(len(value_years) == 1),
            value_years,
            set(staged.checked.economies) if spec.units.expected else set(),
        )

    def merge(self, other: _ColumnStats) -> _ColumnStats:
        both = pd.concat([self.stats, other.stats], ignore_index=True)
        merged = [_merge_group(group) for _, group in both.groupby(["indicator", "year"], sort=False)]
        return _ColumnStats(
            pd.DataFrame(merged, columns=self.stats.columns) if merged else self.stats,
            self.data_years | other.data_years,
            self.all_years | other.all_years,
            self.indicators | other.indicators,
            self.units + other.units,
            self.labels | other.labels,
            pd.concat([self.table_issues, other.table_issues], ignore_index=True),
            _greatest(self.maxima, other.maxima),
            self.one_year_chunks + other.one_year_chunks,
            self.value_years | other.value_years,
            self.seen | other.seen,
        )

    def fitted(self, spec: BuildSpec) -> dict[str, Any]:
        years = tuple(sorted(self.all_years))
        wanted = sorted(self.data_years) if spec.years is None else list(spec.years)
        if not set(wanted) & self.data_years:
            raise CoverageError(
                f"no data for any indicator of '{spec.framework.code}' in year(s) {wanted}",
                year=", ".join(map(str, wanted)),
                hint="choose among the years with data: " + ", ".join(map(str, sorted(self.data_years)[:5])),
            )
        if spec.years is not None:  # the years asked for that the data hold (missing_years, as in memory)
            wanted, _ = available_years(spec, wanted, sorted(self.data_years), stacklevel=2)
        found = [
            _table_issues(self.table_issues, self.labels, spec),
            panel_check_issues(self.maxima, spec),
            self.chunk_check_notes(spec),
        ]
        found = [f for f in found if not f.empty]
        return {
            "years": tuple(wanted),
            "normalisation": _fitted_normalisation(self.stats, spec, years, wanted),
            "indicators": tuple(sorted(self.indicators)),
            "units": self.units,
            "issues": pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ISSUE_COLUMNS),
            "listed_only": tuple(sorted(set(spec.units.codes) - self.seen)) if spec.units.expected else (),
        }

    def chunk_check_notes(self, spec: BuildSpec) -> pd.DataFrame:
        """What the checks of units could not see chunk by chunk, said once (a row of the issue table and a
        warning): ``near_duplicate_unit`` compares the codes of one chunk only (a panel of 10^7 cells has too many
        codes to compare at once); ``unit_in_one_year`` cannot judge the units of a chunk whose values all lie in
        one year while the panel's lie in several."""
        settings = check_settings(spec)
        notes = []
        if settings.severity("near_duplicate_unit") != "off":
            notes.append(
                (
                    "near_duplicate_unit",
                    "checked within each chunk of the panel only: a unit code one edit away from a unit of another "
                    "chunk is not found (build in memory, or check the codes apart, to compare every pair)",
                )
            )
        if settings.severity("unit_in_one_year") != "off" and self.one_year_chunks and len(self.value_years) > 1:
            notes.append(
                (
                    "unit_in_one_year",
                    f"not checked in {self.one_year_chunks:,} chunk(s) whose values all lie in one year (the panel "
                    f"has values in {len(self.value_years)} years): every unit of such a chunk has values in one "
                    "year only",
                )
            )
        if not notes:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        for name, text in notes:
            warnings.warn(f"{name}: {text}", IctIndexWarning, stacklevel=2)
        return pd.DataFrame(
            [
                {
                    "severity": "warning",
                    "problem": n,
                    "economy": "",
                    "indicator": "",
                    "year": "",
                    "message": t,
                    "line": pd.NA,
                }
                for n, t in notes
            ],
            columns=ISSUE_COLUMNS,
        )


def _greatest(a: pd.DataFrame | None, b: pd.DataFrame | None) -> pd.DataFrame | None:
    """The greater of two (year x indicator) tables of maxima, cell by cell (missing where both are)."""
    if a is None or b is None:
        return a if b is None else b
    return pd.concat([a, b]).groupby(level=0).max()


def panel_check_issues(maxima: pd.DataFrame | None, spec: BuildSpec) -> pd.DataFrame:
    """The checks of the whole panel (:data:`~ictindex.stages.PANEL_CHECKS`), run once over every chunk's greatest
    value of each indicator and year: ``percent_as_fraction`` asks whether every value of a year lies between 0
    and 1 with some above 0, which the year's greatest value answers exactly (and names, as in memory). An
    ``error`` stops the build here, before pass two; a ``warning`` is said once."""
    if maxima is None or maxima.empty:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    fw = spec.framework
    years = maxima.index.astype(int)
    index = pd.MultiIndex.from_arrays([[""] * len(years), years], names=["economy", "year"])
    values = pd.DataFrame(maxima.to_numpy(dtype="float64"), index=index, columns=maxima.columns)
    others = {m.name: CheckSetting(severity="off") for m in checks.methods() if m.name not in PANEL_CHECKS}
    settings = Settings(fw, dict(spec.checks) | others, spec.units)
    return check_values(values, fw, settings, years=spec.years, units=spec.units).issues


def _labels_with_values(checked: PanelCheck) -> set[str]:
    """The indicator/series labels of a validated panel with at least one usable value."""
    if checked.wide is not None:
        column = checked.wide.indicator
        return {str(c) for c in column.categories[np.unique(column.codes[column.codes >= 0])]}
    return {str(c) for c in checked.panel["indicator"].unique()}


def _table_issues(found: pd.DataFrame, labels: set[str], spec: BuildSpec) -> pd.DataFrame:
    """The whole table's findings from every chunk's: an indicator absent (or all missing) in every chunk, an unknown
    column once (its first cell)."""
    rows = found[found["problem"] == "unknown_indicator"].drop_duplicates("indicator")
    missing = sorted(set(found.loc[found["problem"] == "all_missing", "indicator"]) - labels)
    frames = [rows, *_absent_issues(spec.framework, labels)]
    if missing:
        frames.append(_all_missing_issues(missing))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ISSUE_COLUMNS)


def _merge_group(group: pd.DataFrame) -> dict[str, Any]:
    """Statistics of one indicator and year from those of several chunks: extremes, and Chan et al.'s merge of
    counts, means and sums of squared deviations."""
    row = group.iloc[0].to_dict()
    for _, other in group.iloc[1:].iterrows():
        n_a, n_b = row["count"], other["count"]
        n = n_a + n_b
        row["low"], row["high"] = np.fmin(row["low"], other["low"]), np.fmax(row["high"], other["high"])
        if not np.isnan(row["mean"]):
            delta = other["mean"] - row["mean"]
            row["mean"] = row["mean"] + delta * n_b / n
            row["m2"] = row["m2"] + other["m2"] + delta * delta * n_a * n_b / n
        row["count"] = n
    return row


def _fitted_normalisation(
    stats: pd.DataFrame, spec: BuildSpec, years: tuple[int, ...], wanted: list[int]
) -> FittedNormalisation:
    """The fitted parameters of every indicator over ``years`` (all equal to the reference year's when given),
    checked as :func:`ictindex.normalise.fit_columns` checks them."""
    params: dict[str, dict[str, np.ndarray]] = {}
    reference = spec.reference_year
    by_key = stats.set_index(["indicator", "year"])
    for ind in spec.framework.indicators:
        registered = normalisations.get(ind.normalisation.method)
        if not registered.fitted:
            params[ind.code] = {}
            continue
        names = ("low", "high") if registered.fit is _fit_range else ("mean", "sd")
        # (an indicator without statistics: an empty table by year, as .loc gives one; pandas 2.2 cannot reindex an
        # empty two-level index by years)
        table = by_key.loc[ind.code] if ind.code in by_key.index.get_level_values(0) else by_key.iloc[:0].droplevel(0)
        if reference is not None:
            if reference not in table.index:
                raise MethodError(
                    f"no data in the reference year to fit '{ind.normalisation.method}' normalisation",
                    indicator=ind.code,
                    year=reference,
                    hint="choose a reference year in which the indicator has data",
                )
            table = pd.DataFrame([table.loc[reference]] * len(years), index=list(years))
        table = table.reindex(list(years))
        fit = {name: _parameter(table, name) for name in names}
        _check(fit, table, ind, spec, years if reference is not None else wanted)
        params[ind.code] = fit
    return FittedNormalisation(years, reference, params)


def _parameter(table: pd.DataFrame, name: str) -> np.ndarray:
    if name == "sd":
        count = table["count"].to_numpy(dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 1, np.sqrt(table["m2"].to_numpy(dtype="float64") / (count - 1)), 0.0) * np.where(
                count > 0, 1.0, np.nan
            )
    return table[name].to_numpy(dtype="float64")


def _check(fit: dict[str, np.ndarray], table: pd.DataFrame, ind: Any, spec: BuildSpec, years: Any) -> None:
    """The checks of :func:`ictindex.normalise.fit_columns` on merged statistics: a flat indicator, a fit that
    overflows, a frontier over values that are not all positive."""
    method = ind.normalisation.method
    has_data = table["count"].fillna(0).to_numpy() > 0
    position = {y: i for i, y in enumerate(table.index)}
    for name, value in fit.items():
        bad = has_data & np.isinf(value)
        for y in years:
            if bad[position[y]]:
                raise MethodError(
                    f"'{method}' normalisation overflows: the fitted {name} is infinite (the numbers are too large "
                    "for floating point)",
                    indicator=ind.code,
                    year=y,
                    hint="check the indicator's unit (e.g. give millions instead of units), or rescale the values",
                )
    if method in {"minmax", "zscore"}:
        spread = fit["high"] - fit["low"] if method == "minmax" else fit["sd"]
        for y in years:
            if has_data[position[y]] and not spread[position[y]] > 0:
                raise MethodError(
                    f"'{method}' normalisation needs at least two different values, but all values are equal "
                    "(or only one economy has data)",
                    indicator=ind.code,
                    year=y,
                    hint="use goalpost normalisation for this indicator, or add economies",
                )
    if method == "frontier" and np.nanmin(table["low"].to_numpy(dtype="float64"), initial=np.inf) <= 0:
        raise MethodError(
            "distance to the frontier needs positive values",
            indicator=ind.code,
            hint="use goalpost or min-max normalisation for this indicator",
        )
