"""The report's "Data quality" section and the ranking's flags: what the checks found, laid out.

Nothing is computed here that the library has not computed: the statistics are
:func:`ictindex.stats.describe_values` of the values the build scored (``result.raw``: before
imputation, after the checks set zero prices aside), the findings are the warnings of
``result.issues`` (:mod:`ictindex.checks` and validation), and the flags are ``result.economy_flags``.

* :func:`quality_tables` — the describe table of the report year, a summary (one row per problem:
  how many findings, economies and years, and what the problem means) and every warning;
* :func:`quality_html` — the section of ``index.html``: the describe table, the summary, and every
  warning grouped by problem;
* :func:`ranking_marks`, :func:`flag_handles` — the marker of each ranked economy and the legend
  entries of the markers a ranking chart shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ictindex.flags import MARKERS
from ictindex.registry import checks
from ictindex.stats import describe_values

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["quality_tables", "quality_html", "quality_captions", "ranking_marks", "flag_handles", "PROBLEMS", "FLAG"]

#: Colour of the flags on the ranking chart (Okabe-Ito vermillion: readable by colour-blind readers).
FLAG = "#D55E00"

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
#: The ranking chart's legend of the markers (ictindex.flags.MARKERS in full).
SHORT_MARKERS = {"E": "estimates", "C": "carried forward", "!": "thin data", "M": "category missing"}


def _meaning(problem: str) -> str:
    """What a problem means: :data:`PROBLEMS`, else the first line of a registered check's docstring."""
    if problem in PROBLEMS:
        return PROBLEMS[problem]
    if problem in checks:
        first = checks.get(problem).doc.strip().splitlines()
        return first[0].rstrip(".") if first else problem
    return problem


def quality_tables(result: IndexResult, year: int) -> dict[str, pd.DataFrame]:
    """``data_quality_describe`` (the indicators of ``year`` before imputation), ``data_quality_summary`` (one
    row per problem) and ``data_quality`` (every warning of the build, by problem)."""
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
    summary.insert(1, "meaning", [_meaning(p) for p in summary["problem"]])
    return {
        "data_quality_describe": describe.reset_index(drop=True),
        "data_quality_summary": summary,
        "data_quality": rows.reset_index(drop=True),
    }


def _years(years: pd.Series) -> str:
    found = sorted({y for y in years.astype(str) if y})
    return ", ".join(found) if len(found) <= 4 else f"{found[0]}-{found[-1]} ({len(found)} years)"


def quality_captions(framework_name: str, year: int) -> dict[str, str]:
    return {
        "data_quality_describe": f"{framework_name}, {year}: the indicators before imputation, and the checks that "
        "fired",
        "data_quality_summary": f"{framework_name}: data-quality warnings by problem",
        "data_quality": f"{framework_name}: every data-quality warning of the build",
    }


def quality_html(
    tables: dict[str, pd.DataFrame], table: Callable[..., str], esc: Callable[[str], str], year: int
) -> list[str]:
    """The "Data quality" section: the describe table, the summary, and every warning grouped by problem
    (``table(name, frame=None)`` renders a table as the page does)."""
    rows = tables["data_quality"]
    summary = tables["data_quality_summary"]
    parts = [
        "<h2 id='quality'>Data quality</h2>",
        f"<p>Every value is checked before it is scored (ictindex.checks): <b>{len(rows)}</b> warning(s) of "
        f"<b>{len(summary)}</b> kind(s). A price of 0 is set aside before imputation, a total missing beside its "
        "female and male values is derived from them (population-weighted) and recorded; the ranking's flags "
        "mark economies scored from thin data (!) or without a whole category (M). Every warning is in "
        "tables/data_quality.csv and result.issues.</p>",
        f"<h3>The indicators in {year}, before imputation</h3>",
        f"<div class='wide'>{table('data_quality_describe')}</div>",
        "<h3>Warnings by problem</h3>",
        f"<div class='wide'>{table('data_quality_summary')}</div>",
    ]
    for problem, group in rows.groupby("problem", sort=True):
        parts += [
            f"<h3>{esc(str(problem))} ({len(group)})</h3>",
            f"<p class='note'>{esc(_meaning(str(problem)))}.</p>",
            f"<div class='scroll'>{table('data_quality', group.drop(columns='problem'))}</div>",
        ]
    return parts


def ranking_marks(result: IndexResult, year: int) -> pd.Series:
    """The marker of every economy scored in ``year`` (``E``, ``C``, ``!``, ``M``; "" for none)."""
    flags = result.economy_flags
    if flags.empty:
        return pd.Series(dtype="str")
    flags = flags[flags["year"] == year].set_index("economy")["marker"]
    return flags[flags != ""]


def flag_handles(markers: pd.Series) -> list[Any]:
    """Legend entries (text only) for the markers shown: ``E  publisher estimates``, ..."""
    from matplotlib.lines import Line2D

    shown = set("".join(markers.astype(str)))
    return [
        Line2D([], [], linestyle="none", label=f"{marker}  {SHORT_MARKERS.get(marker, MARKERS[marker])}")
        for marker in MARKERS
        if marker in shown
    ]
