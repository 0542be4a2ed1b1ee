"""Published score tables as numbers: the cleaning :func:`ictindex.compare` applies to a table it is given.

A table copied from a report or a spreadsheet is written for readers: scores carry footnote marks
(``70.4*``, ``70.4 a``, ``70.4†``, ``70.4¹``), a score that was not published is ``n/a``, ``..`` or a dash,
economies are given by name (``Korea (Rep. of)``), years are text. Read as they were, the marked scores
and the named economies found no partner and were reported as "a only", and text years made pandas
refuse the merge. :func:`published_scores` reads each cell for what it says and refuses what it cannot
read, naming the economy and year:

* **economy**: a name or code of an economy becomes its ISO3 code (:func:`ictindex.countries.classify`,
  the names the panel reader knows); any other label (a sub-national unit, an aggregate) is kept as written,
  without surrounding spaces. An empty economy cell is an error.
* **year**: a whole number from 1900 to 9999, also written as text (``"2022"``, ``" 2022 "``, ``"2022.0"``);
  anything else (``"twenty"``, ``2022.5``, ``22``) is an error naming the economy.
* **score**: a number; a number followed by one footnote mark is that number; a missing-value marker
  (:data:`ictindex.panel.MISSING_MARKERS`: ``n/a``, ``..``, ``-``, an empty cell ...) is "not published"
  and the row is left out (the economy then shows as in one side only); other text (``high``, a decimal
  comma ``96,5``) and infinite values are errors naming the economy and year. A column without any score
  is a :class:`~ictindex.errors.CoverageError`.

What was done is summed up in ``attrs["cleaning"]``.

>>> table = pd.DataFrame({"economy": ["Korea (Rep. of)", "ARG", "Niger"], "year": ["2022", "2022", " 2022"],
...                       "IDI": ["90.1*", "n/a", "20.3 a"]})
>>> cleaned = published_scores(table, "IDI")
>>> cleaned.values.tolist()
[['KOR', 2022, 90.1], ['NER', 2022, 20.3]]
>>> cleaned.attrs["cleaning"]
'2 economy name(s) read as ISO3 codes; 2 footnote mark(s) removed; 1 score(s) not published (left out)'
"""

from __future__ import annotations

import re
from typing import NoReturn

import numpy as np
import pandas as pd

from ictindex.countries import classify
from ictindex.errors import CoverageError, MethodError

__all__ = ["published_scores", "FOOTNOTE"]

#: A number followed by at most one footnote mark: asterisks or daggers, a letter (``a``, ``(b)``), superscript
#: digits.
FOOTNOTE = re.compile(
    r"^\s*(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*"
    r"(?P<mark>\*+|[†‡§¶#]+|\(?[A-Za-z]\)?|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\s*$"
)


def published_scores(table: pd.DataFrame, column: str, *, side: str = "b") -> pd.DataFrame:
    """``economy, year, score`` of one score column of a published table, read as the module docstring says.

    Parameters
    ----------
    table
        A table with ``economy`` and ``year`` columns and the score ``column``.
    column
        The score column (e.g. ``"IDI"``).
    side
        Which side of a comparison the table is (named in error messages).
    """
    missing = [c for c in ("economy", "year", column) if c not in table.columns]
    if missing:
        raise MethodError(
            f"compare: side {side} has no column {missing}",
            field=column,
            hint="give a table with economy, year and the score column",
        )
    notes: list[str] = []
    economy = _economies(table["economy"], side, notes)
    year = _years(table["year"], economy, side)
    score, published = _scores(table[column], economy, year, side, column, notes)
    if not published.any():
        raise CoverageError(
            f"compare: side {side} has no score in column '{column}' (its {len(table)} cells are empty or "
            "not-published markers)",
            field=column,
            hint="check the column (or pick another with node=)",
        )
    out = pd.DataFrame({"economy": economy[published], "year": year[published], "score": score[published]})
    out.attrs["cleaning"] = "; ".join(notes)
    return out.reset_index(drop=True)


def _economies(cells: pd.Series, side: str, notes: list[str]) -> np.ndarray:
    text = cells.astype("object").where(cells.notna(), "").astype("str").str.strip().to_numpy(dtype="object")
    empty = np.flatnonzero(text == "")
    if empty.size:
        raise MethodError(
            f"compare: side {side} has an empty economy cell (row {int(empty[0]) + 1} of the table)",
            field="economy",
            hint="give every row an economy code or name",
        )
    kinds = classify(text).set_index("label")
    iso3 = kinds["iso3"].reindex(text).to_numpy(dtype="object")
    resolved = pd.notna(iso3)
    renamed = resolved & (iso3 != text)
    if renamed.any():
        notes.append(f"{int(renamed.sum())} economy name(s) read as ISO3 codes")
    return np.where(resolved, iso3, text)


def _years(cells: pd.Series, economy: np.ndarray, side: str) -> np.ndarray:
    """Whole numbers from :data:`ictindex.panel.EARLIEST_YEAR` to 9999 (a two-digit year, or 1e20 which no
    integer holds, is refused)."""
    from ictindex.panel import EARLIEST_YEAR

    stripped = [
        v.strip() if isinstance(v, str) else np.nan if isinstance(v, bool | np.bool_) else v
        for v in cells.to_numpy(dtype="object")
    ]
    numbers = pd.to_numeric(pd.Series(stripped, dtype="object"), errors="coerce").to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        outside = (numbers < EARLIEST_YEAR) | (numbers > 9999)
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers != np.round(numbers)) | outside)
    if bad.size:
        shown = cells.iloc[int(bad[0])]
        shown = shown.item() if isinstance(shown, np.generic) else shown
        raise MethodError(
            f"compare: side {side} has no year (an empty cell)"
            if shown is None or (isinstance(shown, float) and np.isnan(shown))
            else f"compare: side {side} has the year {shown!r}, which is not a whole number from {EARLIEST_YEAR} "
            "to 9999",
            economy=str(economy[bad[0]]),
            field="year",
            hint="give years as whole numbers (2022)",
        )
    return numbers.astype("int64")


def _scores(
    cells: pd.Series, economy: np.ndarray, year: np.ndarray, side: str, column: str, notes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The scores as floats and which were published (not a missing-value marker)."""
    from ictindex.panel import MISSING_MARKERS, _not_a_number  # the panel reader's words for the same cells

    values = cells.to_numpy(dtype="object") if cells.dtype.kind not in "biuf" else cells.to_numpy()
    score = np.full(len(cells), np.nan)
    published = np.zeros(len(cells), dtype=bool)
    marks = 0
    for i, value in enumerate(values):
        if isinstance(value, bool | np.bool_):
            _refuse(f"the score {value!r} is a yes/no value", economy[i], year[i], side, column)
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        if not isinstance(value, str):
            try:
                score[i] = float(value)
            except (TypeError, ValueError):
                _refuse(f"the score {value!r} is not a number", economy[i], year[i], side, column)
            published[i] = True
            continue
        if " ".join(value.split()).casefold() in MISSING_MARKERS:
            continue
        found = FOOTNOTE.match(value)
        if found is None:
            why = _not_a_number(pd.Series([value])).iloc[0].removeprefix("value ")
            _refuse(f"the score {why}", economy[i], year[i], side, column)
        score[i], published[i] = float(found["number"]), True
        marks += found["mark"] is not None
    infinite = np.flatnonzero(np.isinf(score))
    if infinite.size:
        _refuse("the score is infinite", economy[infinite[0]], year[infinite[0]], side, column)
    if marks:
        notes.append(f"{marks} footnote mark(s) removed")
    not_published = len(cells) - int(published.sum())
    if not_published:
        notes.append(f"{not_published} score(s) not published (left out)")
    return score, published


def _refuse(problem: str, economy: str, year: int, side: str, column: str) -> NoReturn:
    raise MethodError(
        f"compare: side {side}: {problem}",
        economy=str(economy),
        year=int(year),
        field=column,
        hint="give the score as a number (a footnote mark after it is allowed), or n/a / .. for no score",
    )
