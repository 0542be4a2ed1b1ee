"""The words of the command line for data problems: one line per kind of problem, economies by name.

:func:`group_issues` turns an issue table (one row per cell) into one line per problem with its count and its
places (economies, indicators, years or line numbers as runs: "years 2019–2021"); :func:`warning_line` sums up
the warnings a build kept and names the command that lists them; :func:`describe_text` lays out the describe
table; :func:`cli_words` writes a library message with the command's flags instead of Python keywords;
:func:`economy_code` reads an economy given by code or by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ictindex.countries import to_iso3
from ictindex.errors import MethodError

if TYPE_CHECKING:
    from ictindex.result import IndexResult


def economy_code(label: str) -> str:
    """ISO3 code of an economy given as a code or an ITU/UN name ("KOR", "kor", "Korea (Rep.)")."""
    code = to_iso3(label)
    if code is None:
        raise MethodError(
            f"unknown economy '{label}'",
            economy=label,
            hint='give an ISO 3166 alpha-3 code or an ITU/UN name, e.g. VNM or "Viet Nam"',
        )
    return code


def places(values: pd.Series, label: str, singular: str, limit: int = 6) -> str:
    """ "economies KOR, BRA (+3 more)" or "years 2019–2021": the distinct places of a group of problems."""
    items = [str(v) for v in pd.unique(values.dropna()) if str(v) not in ("", "nan", "<NA>")]
    if not items:
        return ""
    name = label if len(items) > 1 else singular
    if label in ("years", "lines") and all(i.removesuffix(".0").lstrip("-").isdigit() for i in items):
        items = year_runs(sorted({int(float(i)) for i in items}))
    shown = ", ".join(items[:limit]) + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
    return f"{name} {shown}"


def year_runs(years: list[int]) -> list[str]:
    """Runs of consecutive numbers (years, line numbers): [2019, 2020, 2021, 2023] -> ["2019–2021", "2023"]."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]


def group_issues(issues: pd.DataFrame) -> list[str]:
    """One line per problem (severity and kind): how many cells, the first message, and the places
    (economies, indicators, years), instead of one line per cell."""
    lines = []
    for (severity, problem), rows in issues.groupby(["severity", "problem"], sort=False):
        where = [
            p
            for p in (
                places(rows["economy"], "economies", "economy"),
                places(rows["indicator"], "indicators", "indicator"),
                places(rows["year"], "years", "year"),
                places(rows["line"], "lines", "line") if "line" in rows else "",
            )
            if p
        ]
        count = f" ({len(rows)} cells)" if len(rows) > 1 else ""
        lines.append(
            f"{severity}: {problem}{count}: {rows['message'].iloc[0]}" + (f" [{'; '.join(where)}]" if where else "")
        )
    return lines


#: Python keywords in library messages -> the command line's flags (a CLI user has no keyword to pass).
FLAGS = {
    "imputation='latest'": "--imputation latest",
    "min_coverage": "--min-coverage",
    "reference_year": "--reference-year",
    "rank_min_data": "--rank-min-data",
}


def cli_words(message: str) -> str:
    """A library message with its Python keywords as the command's flags."""
    for python, flag in FLAGS.items():
        message = message.replace(python, flag)
    return message


def describe_text(table: pd.DataFrame) -> str:
    """The describe table as text: rounded numbers, the goalposts in one column."""
    shown = table.copy()
    shown["goalposts"] = [
        "" if pd.isna(lo) else f"{lo:g}-{hi:g}" for lo, hi in zip(shown["lower"], shown["upper"], strict=True)
    ]
    shown["missing"] = (100 * shown["missing_share"]).round(1).astype(str) + " %"
    keep = ["indicator", *(["year"] if "year" in shown else []), "count", "missing", "min", "max", "mean", "sd"]
    keep += ["skew", "kurtosis", "zeros", "distinct", "unit", "goalposts", "checks"]
    for column in ("min", "max", "mean", "sd", "skew", "kurtosis"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.4g}")
    return shown[keep].to_string(index=False)


def warning_line(
    result: IndexResult,
    data: Path | None,
    years: list[int],
    min_coverage: float | None = None,
    units: str | None = None,
) -> str:
    """One line: how many data-quality warnings the build kept, by problem, and the command that lists them."""
    issues = result.issues
    year = pd.to_numeric(issues["year"], errors="coerce")
    warned = issues[(issues["severity"] == "warning") & (year.isin(years) | year.isna())]
    if warned.empty:
        return "data quality: no warnings"
    counts = warned["problem"].value_counts()
    shown = ", ".join(f"{problem} {n}" for problem, n in counts.items())
    command = "ictindex validate" + (f" {data}" if data is not None else "") + f" --framework {result.framework.code}"
    command += "".join(f" --year {y}" for y in years)
    command += f" --min-coverage {min_coverage:g}" if min_coverage is not None else ""
    command += f" --units {units}" if units is not None else ""
    return f"data quality: {len(warned)} warning(s) ({shown}); list them with: {command}"
