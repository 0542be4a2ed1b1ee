"""Describe a panel before scoring it: one tidy row per indicator (and year), with the checks that fired.

COINr's ``get_stats`` answers "what do my indicators look like?"; :func:`describe` answers it for the
framework's indicators as a build will see them (derived from their source series, before imputation),
with the declared unit, direction and goalposts next to the numbers and the plausibility checks
(:mod:`ictindex.checks`) that fired, so a fraction keyed for a percentage or a price of zero shows on the
same row as the minimum and maximum that reveal it.

Columns: ``indicator``, (``year``), ``unit``, ``direction``, ``lower``, ``upper`` (goalposts; empty for a
data-driven normalisation), ``units`` (economy-years with any value of the framework), ``count``,
``missing_share``, ``min``, ``max``, ``mean``, ``sd`` (sample, n - 1), ``skew`` and ``kurtosis`` (the
bias-corrected estimators of the outlier treatment rule, :func:`ictindex.treat.skewness` and
:func:`ictindex.treat.kurtosis`: Excel's ``SKEW`` and ``KURT``, COINr's ``skew``/``kurt``), ``zeros``,
``distinct`` (distinct values), ``checks`` (each problem found with its count, e.g. ``zero_price 42``).

>>> import pandas as pd
>>> panel = pd.DataFrame({"economy": ["KOR", "ARG", "BRA", "NER"], "year": 2023,
...                       "indicator": "internet_users", "value": [97.2, 88.4, 84.0, 0.0]})
>>> row = describe(panel, "doi").set_index("indicator").loc["internet_users"]
>>> int(row["count"]), float(row["max"]), int(row["zeros"]), round(float(row["skew"]), 3)
(4, 97.2, 1, -1.911)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex.checks import ISSUE_COLUMNS, Settings, check_values, needs_sexes
from ictindex.derive import indicator_values
from ictindex.framework import Framework
from ictindex.panel import to_panel
from ictindex.registry import checks
from ictindex.spec import BuildSpec
from ictindex.tables import as_pandas
from ictindex.treat import kurtosis, skewness

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["describe", "describe_values", "quality_tables", "problem_meaning", "DESCRIBE_COLUMNS", "PROBLEMS"]

DESCRIBE_COLUMNS = [
    "indicator",
    "unit",
    "direction",
    "lower",
    "upper",
    "units",
    "count",
    "missing_share",
    "min",
    "max",
    "mean",
    "sd",
    "skew",
    "kurtosis",
    "zeros",
    "distinct",
    "checks",
]


def _statistics(x: np.ndarray, units: int) -> dict[str, Any]:
    """The statistics of one indicator's values (NaN = missing) over ``units`` economy-years."""
    v = x[~np.isnan(x)]
    n = len(v)
    return {
        "units": units,
        "count": n,
        "missing_share": 1 - n / units if units else np.nan,
        "min": float(v.min()) if n else np.nan,
        "max": float(v.max()) if n else np.nan,
        "mean": float(v.mean()) if n else np.nan,
        "sd": float(v.std(ddof=1)) if n > 1 else np.nan,
        "skew": skewness(v),
        "kurtosis": kurtosis(v),
        "zeros": int((v == 0).sum()),
        "distinct": int(len(np.unique(v))),
    }


def _codes(framework: Framework) -> dict[str, str]:
    """Every code an issue row may name for an indicator (its own and its source series) -> the indicator."""
    out = {}
    for ind in framework.indicators:
        out[ind.code] = ind.code
        for code in ind.source.codes if ind.source is not None else ():
            out.setdefault(code, ind.code)
    return out


def _fired(issues: pd.DataFrame, framework: Framework, by_year: bool) -> pd.Series:
    """``problem count; ...`` per indicator (and year) from the issue rows that name one."""
    if issues.empty:
        return pd.Series(dtype="str")
    rows = issues.assign(indicator=issues["indicator"].astype(str).map(_codes(framework)))
    rows = rows[rows["indicator"].notna() & (rows["problem"] != "absent_indicator")]
    if by_year:
        rows = rows.assign(year=pd.to_numeric(rows["year"], errors="coerce")).dropna(subset=["year"])
        rows = rows.assign(year=rows["year"].astype("int64"))
    keys = ["indicator", "year"] if by_year else ["indicator"]
    counts = rows.groupby([*keys, "problem"], sort=False).size()
    text = counts.groupby(level=keys, sort=False).apply(
        lambda c: "; ".join(f"{problem} {n}" for problem, n in zip(c.index.get_level_values(-1), c, strict=True))
    )
    return text


def describe(
    data: pd.DataFrame | str | Path,
    framework: str | Path | Framework,
    *,
    units: Any = "economies",
    years: int | Iterable[int] | None = None,
    by_year: bool = False,
    checks: str | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Statistics of every framework indicator, before imputation, with the checks that fired.

    Parameters
    ----------
    data
        A panel (pandas, polars or pyarrow table, CSV, XLSX or Parquet file; long or wide), validated as
        :func:`ictindex.build_index` does.
    framework
        A bundled framework name, a YAML path or a :class:`~ictindex.framework.Framework`.
    units
        ``economies`` (ISO3 codes and names) or ``any`` (sub-national or other unit codes).
    years
        The years described (default: every year with a value).
    by_year
        One row per indicator and year instead of one per indicator.
    checks
        Check settings, as ``build_index(..., checks=...)`` (:mod:`ictindex.checks`); nothing is raised
        for a finding of severity ``error``: it is counted in ``checks``.

    Returns
    -------
    DataFrame
        :data:`DESCRIBE_COLUMNS` (with ``year`` after ``indicator`` when ``by_year``), in framework order.
    """
    data = as_pandas(data)  # a polars or pyarrow table: once, here
    spec = BuildSpec.create(framework, years=years, units=units, checks=checks)
    fw = spec.framework
    settings = Settings(fw, dict(spec.checks), spec.units)
    checked = to_panel(data, fw, units=spec.units)
    values, sources = indicator_values(checked.values, fw)
    sexes = {}
    if needs_sexes(checked, fw, settings):
        sexes = {s: indicator_values(checked.values, fw, sex=s)[0] for s in ("female", "male")}
    found = (
        check_values(
            values,
            fw,
            settings,
            sources=sources,
            sexes=sexes,
            years=spec.years,
            panel=lambda: checked.panel,
            units=spec.units,
            stop=False,  # (not in place: the values are described as given, a zero price too)
        ).issues
        if len(values)
        else pd.DataFrame(columns=ISSUE_COLUMNS)
    )
    issues = pd.concat([t for t in (checked.issues, found) if not t.empty] or [found], ignore_index=True)
    if spec.years is not None:
        values = values[values.index.get_level_values("year").isin(spec.years)]
        issues = issues[issues["year"].isin([str(y) for y in spec.years]) | (issues["year"] == "")]
    return describe_values(values, fw, issues, by_year=by_year)


def describe_values(
    values: pd.DataFrame, framework: Framework, issues: pd.DataFrame | None = None, *, by_year: bool = False
) -> pd.DataFrame:
    """:func:`describe` of an indicator matrix ``(economy, year) x indicator`` (e.g. ``result.raw`` indexed by
    economy and year), with the problems of ``issues`` (issue rows) that name an indicator counted in
    ``checks``."""
    fw = framework
    issues = pd.DataFrame(columns=ISSUE_COLUMNS) if issues is None else issues
    year = values.index.get_level_values("year").to_numpy()
    any_value = values.notna().any(axis=1).to_numpy()
    groups: list[tuple[int | None, np.ndarray]] = [(None, np.ones(len(values), dtype=bool))]
    if by_year:
        groups = [(int(y), year == y) for y in np.unique(year)]
    fired = _fired(issues, fw, by_year)
    rows = []
    for ind in fw.indicators:
        x = values[ind.code].to_numpy(dtype="float64")
        spec_n = ind.normalisation
        goalposts = spec_n.method == "goalpost"
        for y, rows_of in groups:
            key = (ind.code, y) if by_year else ind.code
            row: dict[str, Any] = {"indicator": ind.code, **({"year": y} if by_year else {})}
            row |= {
                "unit": ind.unit,
                "direction": ind.direction,
                "lower": spec_n.lower if goalposts else np.nan,
                "upper": spec_n.upper if goalposts else np.nan,
            }
            row |= _statistics(x[rows_of], int((any_value & rows_of).sum()))
            row["checks"] = fired.get(key, "") if len(fired) else ""
            rows.append(row)
    columns = [*DESCRIBE_COLUMNS[:1], *(["year"] if by_year else []), *DESCRIBE_COLUMNS[1:]]
    table = pd.DataFrame(rows, columns=columns)
    table["checks"] = table["checks"].fillna("").astype(str)
    return table


#: What each problem means, in one line (a check of one's own: the first line of its docstring).
PROBLEMS = {
    "percent_as_fraction": "every value of a percentage in a year lies between 0 and 1: keyed as fractions?",
    "zero_price": "a price of 0 or below is not a price: set aside as missing before imputation",
    "sex_total": "a total outside its female-male range, or a female/male pair without its total (derived from "
    "the pair, population-weighted, where the population by sex is known)",
    "jump": "a change between two years too large to be real (25 points for a percentage, a factor of 3 "
    "otherwise), or a series resumed after a gap",
    "unit_in_one_year": "a unit with values in one year only: a mistyped code?",
    "near_duplicate_unit": "a unit code one edit away from another unit whose years it fills: a mistyped code?",
    "thin_data": "a unit scored from reported (not imputed, not estimated) values for under half of the indicators",
    "missing_category": "a node scored without one of its categories (weights of the others rescaled)",
    "aggregate": "a regional or income aggregate, kept out of scoring",
    "missing_marker": "a cell marked as missing ('..', 'n/a', '#N/A')",
    "sex_without_total": "a female or male value of a series without its both-sexes value",
    "absent_indicator": "a framework indicator with no value in the data",
    "all_missing": "an indicator whose every value is missing",
    "empty_rows": "rows without any value, skipped",
    "other_sheets": "a workbook with several sheets: which one was read",
}
DESCRIBE_SHOWN = ["indicator", "unit", "lower", "upper", "count", "missing_share", "min", "max", "mean", "sd"]
DESCRIBE_SHOWN += ["skew", "kurtosis", "zeros", "checks"]
WARNING_COLUMNS = ["problem", "economy", "indicator", "year", "message"]


def problem_meaning(problem: str) -> str:
    """What a problem means: :data:`PROBLEMS`, else the first line of a registered check's docstring."""
    if problem in PROBLEMS:
        return PROBLEMS[problem]
    if problem in checks:
        first = checks.get(problem).doc.strip().splitlines()
        return first[0].rstrip(".") if first else problem
    return problem


def quality_tables(result: IndexResult, year: int) -> dict[str, pd.DataFrame]:
    """What a report's data-quality section shows: ``data_quality_describe`` (:func:`describe_values` of the
    values of ``year`` the build scored, before imputation, after the checks set values aside, with the checks
    that fired), ``data_quality_summary`` (one row per problem: its meaning, how many findings, units and years)
    and ``data_quality`` (every warning of the build, by problem)."""
    fw = result.framework
    raw = result.raw
    raw = raw[raw["year"] == year].set_index(["economy", "year"])
    issues = result.issues
    warned = issues[issues["severity"] == "warning"]
    in_year = warned[warned["year"].astype(str).isin([str(year), ""])]
    describe = describe_values(raw, fw, in_year)[DESCRIBE_SHOWN]
    rows = warned[WARNING_COLUMNS].sort_values(["problem", "year", "economy", "indicator"], kind="stable")
    summary = (
        rows.assign(_economy=rows["economy"].where(rows["economy"] != ""))
        .groupby("problem", sort=True)
        .agg(findings=("problem", "size"), economies=("_economy", "nunique"), years=("year", _years))
        .reset_index()
    )
    summary.insert(1, "meaning", [problem_meaning(p) for p in summary["problem"]])
    return {
        "data_quality_describe": describe.reset_index(drop=True),
        "data_quality_summary": summary,
        "data_quality": rows.reset_index(drop=True),
    }


def _years(years: pd.Series) -> str:
    found = sorted({y for y in years.astype(str) if y})
    return ", ".join(found) if len(found) <= 4 else f"{found[0]}-{found[-1]} ({len(found)} years)"
