"""The statistics of pass one of a chunked build (:mod:`ictindex.fitted`): each chunk's, and their exact merge.

Each sweep of pass one turns every chunk into one statistic with a ``merge`` method, and the merged statistic into
fitted parameters: ``_GroupValues`` -> the group centres of imputation, ``_FitRows`` -> the outlier
treatment's rules, ``_ColumnStats`` -> the years built, the fitted normalisation and the whole table's
findings (see the module docstring of :mod:`ictindex.fitted` for why each merge is exact).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from ictindex.checks import Settings, check_values
from ictindex.errors import CoverageError, IctIndexWarning, MethodError
from ictindex.framework import CheckSetting, Treatment
from ictindex.impute import GroupCentres, _group_codes
from ictindex.normalise import FittedNormalisation, _fit_moments, _fit_range, _transform
from ictindex.panel import ISSUE_COLUMNS, PanelCheck
from ictindex.panel.issues import _absent_issues, _all_missing_issues
from ictindex.registry import checks, normalisations
from ictindex.spec import BuildSpec
from ictindex.stages import PANEL_CHECKS, Staged, _years_of, available_years, check_settings
from ictindex.treat import fit_treatment

__all__ = ["TABLE_PROBLEMS", "panel_check_issues"]

#: Problems that concern the whole table, not a cell: each chunk finds them for itself, the panel has them once.
TABLE_PROBLEMS = ("absent_indicator", "all_missing", "unknown_indicator")


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
