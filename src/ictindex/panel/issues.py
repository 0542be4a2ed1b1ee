"""Issue rows of panel validation and their wording (one row per problem: severity, problem, economy, indicator,
year, message, line)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.panel.schema import (
    _LINE,
    ISSUE_COLUMNS,
)

if TYPE_CHECKING:
    from ictindex.framework import Framework


def _not_a_number(shown: pd.Series) -> pd.Series:
    """Why each text is not a number, and what to write instead.

    A comma followed by exactly three digits (``1,024``) is ambiguous: a thousands separator (1024) in
    English, a decimal comma (1.024) in most of Europe; nothing is guessed. Several groups of three
    (``1,234,567``) or a comma before a decimal point (``1,234.5``) are thousands separators; any other
    comma between digits (``96,5``) is a decimal comma.
    """
    text = shown.str.strip()
    message = (
        "value '" + shown + "' is not a number: remove footnote marks or text, or leave the cell empty for no data"
    )
    ambiguous = text.str.fullmatch(r"[-+]?[1-9]\d{0,2},\d{3}")  # 0,125 is a decimal comma: no leading 0
    decimal = text.str.fullmatch(r"[-+]?\d+,\d+") & ~ambiguous
    message = message.where(
        ~decimal,
        "value '"
        + shown
        + "' has a decimal comma: write "
        + text.str.replace(",", ".")
        + " (or export the file with a point as decimal separator)",
    )
    message = message.where(
        ~ambiguous,
        "value '"
        + shown
        + "' is ambiguous: the comma may be a thousands separator ("
        + text.str.replace(",", "")
        + ") or a decimal comma ("
        + text.str.replace(",", ".")
        + "); write the number without a thousands separator, with a point for decimals",
    )
    thousands = text.str.fullmatch(r"[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?") & ~ambiguous
    message = message.where(
        ~thousands,
        "value '" + shown + "' has thousands separators: write " + text.str.replace(",", "") + " (no separators)",
    )
    european = text.str.fullmatch(r"[-+]?[1-9]\d{0,2}(\.\d{3})+,\d+")
    message = message.where(
        ~european,
        "value '"
        + shown
        + "' has a thousands point and a decimal comma: write "
        + text.str.replace(".", "", regex=False).str.replace(",", ".")
        + " (or export the file with a point as decimal separator)",
    )
    boolean = text.str.casefold().isin({"true", "false", "yes", "no"})
    return message.where(
        ~boolean,
        "value '" + shown + "' is a yes/no cell, not a number: give the number, or leave the cell empty for no data",
    )


def _text(values: pd.Series) -> pd.Series:
    """Cells as text, missing cells as "" (pandas 3 keeps NaN through ``astype(str)``, pandas 2 writes "nan")."""
    return values.astype("object").where(values.notna(), "").astype("str")


def _issues(rows: pd.DataFrame, severity: str, problem: str, message: pd.Series | str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "severity": severity,
            "problem": problem,
            "economy": _text(rows["economy"]).to_numpy(),
            "indicator": _text(rows["indicator"]).to_numpy(),
            "year": _text(rows["year"]).to_numpy(),
            "message": message if isinstance(message, str) else message.to_numpy(),
            "line": (rows[_LINE].to_numpy() if _LINE in rows.columns else pd.NA),
        }
    )
    return out


def _boolean_issues(rows: pd.DataFrame, shown: pd.Series) -> pd.DataFrame:
    """TRUE/FALSE cells (which would otherwise be read as 1 and 0: 1 % and 0 % in a percentage column)."""
    message = (
        "value " + shown + " is a yes/no (TRUE/FALSE) cell, not a number: give the number, or leave the cell empty"
    )
    return _issues(rows, "error", "boolean_value", message)


def _marker_issues(rows: pd.DataFrame, shown: pd.Series) -> pd.DataFrame:
    return _issues(rows, "warning", "missing_marker", "'" + shown + "' read as missing")


def _all_missing_issues(names: Sequence[str]) -> pd.DataFrame:
    rows = pd.DataFrame({"economy": "", "indicator": sorted(names), "year": ""})
    message = "every value of this indicator is missing: it counts as missing everywhere"
    return _issues(rows, "warning", "all_missing", message)


def _unknown_indicator_issues(rows: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    message = (
        "indicator '" + rows["indicator"].astype(str) + f"' is neither an indicator nor a source series "
        f"of framework '{framework.code}' (indicators: {', '.join(framework.indicator_codes)})"
    )
    return _issues(rows, "error", "unknown_indicator", message)


def _absent_issues(framework: Framework, present: set[str]) -> list[pd.DataFrame]:
    """Framework indicators with no value at all (neither their code nor any of their source series)."""
    absent = [
        ind.code
        for ind in framework.indicators
        if ind.code not in present and not (set(ind.source.codes) if ind.source else set()) & present
    ]
    if not absent:
        return []
    rows = pd.DataFrame({"economy": "", "indicator": absent, "year": ""})
    message = (
        "no value in the data for this framework indicator (nor its source series): "
        "it counts as missing for every economy (see the coverage table)"
    )
    return [_issues(rows, "warning", "absent_indicator", message)]


#: What the problems that name no cell content say.
_NON_FINITE = "value is infinite"
_DUPLICATE = "more than one row for this economy, year, indicator and sex: keep one"
_SEX_WITHOUT_TOTAL = (
    "female/male value without a total value: the total index treats this indicator as missing; "
    "add the both-sexes value"
)


def _out_of_range(rows: pd.DataFrame, value: np.ndarray, bound: np.ndarray, side: str) -> pd.DataFrame:
    """Issues of values below (``side="below"``) or above their admissible range."""
    shown = pd.Series(value, index=rows.index).astype(str)
    limit = pd.Series(bound, index=rows.index).astype(str)
    if side == "below":
        what = " is below the lowest admissible value " + limit + " (a negative count or share?)"
    else:
        what = " is above the highest admissible value " + limit + " (a percentage above 100?)"
    return _issues(rows, "error", "out_of_range", "value " + shown + what + ": correct or remove it")


def _set_aside_issues(records: Sequence[Sequence[object]], framework: Framework | None) -> pd.DataFrame:
    """Issue rows for the values a panel build set aside (``economy, year, indicator, sex, value, source, problem,
    reason`` records), those of series the framework uses when one is given."""
    table = pd.DataFrame(
        list(records), columns=["economy", "year", "indicator", "sex", "value", "source", "problem", "reason"]
    )
    if framework is not None:
        table = table[table["indicator"].isin(set(framework.indicator_codes) | framework.series_codes)]
    return pd.DataFrame(
        {
            "severity": "warning",
            "problem": table["problem"].astype(str).to_numpy(),
            "economy": table["economy"].astype(str).to_numpy(),
            "indicator": table["indicator"].astype(str).to_numpy(),
            "year": table["year"].astype(str).to_numpy(),
            "message": (
                "value " + table["value"].astype(str) + " set aside by the panel build: " + table["reason"].astype(str)
            ).to_numpy(),
            "line": pd.NA,
        },
        columns=ISSUE_COLUMNS,
    )


def _errors_first(found: list[pd.DataFrame]) -> pd.DataFrame:
    """The issue rows found, errors first (the order of each severity kept)."""
    issues = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ISSUE_COLUMNS)
    errors_first = issues.assign(_o=issues["severity"].ne("error")).sort_values("_o", kind="stable")
    return errors_first.drop(columns="_o").reset_index(drop=True)
