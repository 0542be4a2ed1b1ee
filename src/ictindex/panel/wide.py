"""Validation of a wide table (``economy, year`` and one column per indicator) in its own shape: row checks once
per row of the table, value checks on the ``(rows, columns)`` block."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.panel.cells import (
    _booleans,
    _categorical,
    _cell_keys,
    _constant,
    _first_per_key,
    _recode,
    _repeated,
    _sorted_categories,
)
from ictindex.panel.checks import (
    _bounds,
    _check_economies,
    _check_sexes,
    _check_years,
    _known_indicators,
)
from ictindex.panel.issues import (
    _DUPLICATE,
    _NON_FINITE,
    _SEX_WITHOUT_TOTAL,
    _absent_issues,
    _all_missing_issues,
    _boolean_issues,
    _errors_first,
    _issues,
    _marker_issues,
    _not_a_number,
    _out_of_range,
    _text,
    _unknown_indicator_issues,
)
from ictindex.panel.schema import (
    _LINE,
    MISSING_MARKERS,
    PanelCheck,
    WideValues,
)

if TYPE_CHECKING:
    from ictindex.framework import Framework
    from ictindex.units import Units


def _wide_columns(frame: pd.DataFrame) -> list | None:
    """The indicator columns of a wide table that can be validated in the table's shape, or ``None``.

    Column labels must be distinct, non-empty text with nothing to strip; anything else (and a long table)
    goes through the long layout, which reports it cell by cell."""
    if "indicator" in frame.columns or "value" in frame.columns or not frame.columns.is_unique:
        return None
    if "economy" not in frame.columns or "year" not in frame.columns:
        return None
    columns = [c for c in frame.columns if c not in ("economy", "year", "sex", "source", "note", _LINE)]
    labels = [str(c) for c in columns]
    if not columns or len(set(labels)) != len(labels) or any(t == "" or t != t.strip() for t in labels):
        return None
    return columns


class _Cells:
    """Issue rows for cells of a wide table (flat positions ``j * n + i``: column j, row i), in the order
    of the long layout (column by column), with the row attributes as they stand at that check."""

    def __init__(self, n: int, labels: list[str], line: np.ndarray | None) -> None:
        self.n, self.labels, self.line = n, np.asarray(labels, dtype=object), line

    def of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Every cell of the given rows (a row mask), column by column."""
        at = np.flatnonzero(rows)
        return (np.arange(len(self.labels), dtype="int64")[:, None] * self.n + at[None, :]).ravel()

    def frame(
        self, cells: np.ndarray, economy: pd.Categorical, year: np.ndarray, sex: pd.Categorical | None = None
    ) -> pd.DataFrame:
        i, j = cells % self.n, cells // self.n
        data = {"economy": economy[i], "indicator": self.labels[j], "year": year[i]}
        if sex is not None:
            data["sex"] = sex[i]
        if self.line is not None:
            data[_LINE] = self.line[i]
        return pd.DataFrame(data, index=cells)


def _validate_wide(
    frame: pd.DataFrame,
    columns: list,
    found: list[pd.DataFrame],
    framework: Framework | None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
    extra_names: Mapping[str, str] | None,
    latest: int,
    units: Units,
    source: str | None,
) -> PanelCheck:
    """:func:`~ictindex.panel.validate_panel` of a wide table in the table's shape: row checks (economy, year, sex,
    duplicates) once per row of the table, value checks on the ``(rows, columns)`` block.

    The issues are those the long layout gives, row for row and in the same order (a test compares the two)."""
    n = len(frame)
    labels = [str(c) for c in columns]
    cells = _Cells(n, labels, frame[_LINE].to_numpy() if _LINE in frame.columns else None)
    defaults = {"sex": "total", "source": source or "user data", "note": ""}
    attribute = {
        c: _categorical(frame[c]) if c in frame.columns else _constant(defaults[c], n)
        for c in ("sex", "source", "note")
    }
    row_keep, (economy, year, sex), economies = _check_rows(
        frame, cells, attribute["sex"], found, units, extra_names, latest
    )
    number, cell_keep = _check_values(frame, columns, cells, economy, year, found)
    cell_keep &= row_keep[:, None]  # (this function's own mask: narrowed in place, no second (rows x columns) array)
    keep = _check_cells(number, cell_keep, cells, economy, year, found)
    for name in ("source", "note"):
        column = attribute[name]
        attribute[name] = _recode(
            column,
            _text(pd.Series(column.categories, dtype=object)).to_numpy(dtype=object),
            "user data" if name == "source" else "",
        )
    keep = _check_duplicates(keep, cells, economy, year, sex, found)
    has_value = ~np.isnan(number)
    if framework is not None:
        keep = _check_framework(number, keep, has_value, cells, economy, year, found, framework, known_series)
    usable = keep & has_value
    del has_value
    _check_sex_without_total(keep, usable, cells, economy, year, sex, found)
    wide = _wide_values(number, usable, labels, economy, year, sex, attribute)
    return PanelCheck(issues=_errors_first(found), economies=economies if len(columns) else frozenset(), wide=wide)


def _check_rows(
    frame: pd.DataFrame,
    cells: _Cells,
    sex: pd.Categorical,
    found: list[pd.DataFrame],
    units: Units,
    extra_names: Mapping[str, str] | None,
    latest: int,
) -> tuple[np.ndarray, tuple[pd.Categorical, np.ndarray, pd.Categorical], frozenset[str]]:
    """Economy, year and sex, once per row of the table; returns the rows kept, the three columns checked and the
    economies in use."""
    row_keep = np.ones(cells.n, dtype=bool)

    def rows_of(mask: np.ndarray) -> pd.DataFrame:  # every cell of the rows marked (with the rows as they stand)
        return cells.frame(cells.of_rows(mask), economy, year, sex)

    economy, year = _categorical(frame["economy"]), frame["year"].to_numpy()
    dropped, economy = _check_economies(economy, units, extra_names, rows_of, found)
    row_keep &= ~dropped
    in_use = np.bincount(economy.codes[~dropped], minlength=len(economy.categories)) > 0
    economies = frozenset(np.asarray(economy.categories, dtype=object)[in_use].tolist())
    refused, year = _check_years(frame["year"], latest, rows_of, found)
    row_keep &= ~refused
    bad_sex, sex = _check_sexes(sex, rows_of, found)
    row_keep &= ~bad_sex
    return row_keep, (economy, year, sex), economies


def _check_values(
    frame: pd.DataFrame,
    columns: list,
    cells: _Cells,
    economy: pd.Categorical,
    year: np.ndarray,
    found: list[pd.DataFrame],
) -> tuple[np.ndarray, np.ndarray]:
    """Values, column by column: numbers; missing markers become NaN (recorded); other text and yes/no cells are
    errors. Returns the ``(n, k)`` numbers and the cells kept."""
    n, k = cells.n, len(columns)
    number = np.empty((n, k), dtype="float64", order="F")
    cell_keep = np.ones((n, k), dtype=bool, order="F")
    boolean_at, marker_at, text_at, raw_text = [], [], [], {}
    for j, column in enumerate(columns):
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
            number[:, j] = raw.to_numpy(dtype="float64", na_value=np.nan)
            continue
        raw = pd.Series(raw.to_numpy(dtype=object))
        numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
        number[:, j] = numbers.to_numpy()
        flagged = _booleans(raw, numbers).to_numpy()
        text = (raw.notna() & numbers.isna()).to_numpy()
        if flagged.any():
            boolean_at.append(j * n + np.flatnonzero(flagged))
            cell_keep[flagged, j] = False
        if text.any():
            folded = raw[text].astype(str).str.strip().str.casefold()
            marker = folded.isin(MISSING_MARKERS).to_numpy()
            at = j * n + np.flatnonzero(text)
            marker_at.append(at[marker])
            text_at.append(at[~marker])
            cell_keep[np.flatnonzero(text)[~marker], j] = False
        raw_text.update(zip(j * n + np.flatnonzero(flagged | text), raw[flagged | text].to_numpy(), strict=True))

    def shown(at: np.ndarray) -> pd.Series:
        return _text(pd.Series([raw_text[a] for a in at], index=at, dtype=object))

    if boolean_at:
        at = np.concatenate(boolean_at)
        found.append(_boolean_issues(cells.frame(at, economy, year), shown(at)))
    marker_at = [a for a in marker_at if a.size]
    if marker_at:
        at = np.concatenate(marker_at)
        found.append(_marker_issues(cells.frame(at, economy, year), shown(at)))
    text_at = [a for a in text_at if a.size]
    if text_at:
        at = np.concatenate(text_at)
        found.append(_issues(cells.frame(at, economy, year), "error", "non_numeric", _not_a_number(shown(at))))
    return number, cell_keep


def _check_cells(
    number: np.ndarray,
    keep: np.ndarray,
    cells: _Cells,
    economy: pd.Categorical,
    year: np.ndarray,
    found: list[pd.DataFrame],
) -> np.ndarray:
    """Indicators whose every kept cell is empty (recorded), and infinite values (refused)."""
    has_value = ~np.isnan(number)
    seen = keep.any(axis=0)
    with_value = (keep & has_value).any(axis=0)
    if (seen & ~with_value).any():
        found.append(_all_missing_issues(np.asarray(cells.labels, dtype=object)[seen & ~with_value]))
    infinite = np.isinf(number)
    if infinite.any():
        at = np.flatnonzero(infinite.ravel(order="F"))
        found.append(_issues(cells.frame(at, economy, year), "error", "non_finite", _NON_FINITE))
        keep &= ~infinite
    return keep


def _check_duplicates(
    keep: np.ndarray,
    cells: _Cells,
    economy: pd.Categorical,
    year: np.ndarray,
    sex: pd.Categorical,
    found: list[pd.DataFrame],
) -> np.ndarray:
    """Duplicates: a repeated (economy, year, sex) row of the table (each repeated cell once)."""
    n, k = keep.shape
    rows_kept = keep.any(axis=1)
    row_dup = np.zeros(n, dtype=bool)
    row_key = _cell_keys(economy.codes, year, sex.codes.astype("int64"), rows_kept)
    if rows_kept.any():
        row_dup[rows_kept] = _repeated(row_key[rows_kept])
    if row_dup.any():
        dup = keep & row_dup[:, None]
        at = np.flatnonzero(dup.ravel(order="F"))
        first = _first_per_key(at, row_key[at % n] * k + at // n)
        found.append(_issues(cells.frame(first, economy, year), "error", "duplicate", _DUPLICATE))
        keep &= ~dup
    return keep


def _check_framework(
    number: np.ndarray,
    keep: np.ndarray,
    has_value: np.ndarray,
    cells: _Cells,
    economy: pd.Categorical,
    year: np.ndarray,
    found: list[pd.DataFrame],
    framework: Framework,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
) -> np.ndarray:
    """Columns the framework (or ``known_series``) does not know, values outside their admissible range, and
    framework indicators with no value at all."""
    n, k = keep.shape
    labels = list(cells.labels)
    known = _known_indicators(framework, known_series)
    unknown_column = np.asarray([t not in known for t in labels], dtype=bool)
    kept_column = keep.any(axis=0)
    if (unknown_column & kept_column).any():
        at = np.asarray(
            [j * n + int(np.argmax(keep[:, j])) for j in np.flatnonzero(unknown_column & kept_column)],
            dtype="int64",
        )
        found.append(_unknown_indicator_issues(cells.frame(at, economy, year), framework))
        keep[:, unknown_column] = False
    low, high = _bounds(labels, framework, known_series)
    below_at, above_at = [], []
    for j in range(k):
        checked = keep[:, j] & has_value[:, j]
        block = number[:, j] if checked.all() else number[checked, j]
        if block.size and (block.min() < low[j] or block.max() > high[j]):
            below_at.append(j * n + np.flatnonzero(checked & (number[:, j] < low[j])))
            above_at.append(j * n + np.flatnonzero(checked & (number[:, j] > high[j])))
    for at, bound, side in ((below_at, low, "below"), (above_at, high, "above")):
        at = np.concatenate(at) if at else np.zeros(0, dtype="int64")
        if at.size:
            rows = cells.frame(at, economy, year)
            found.append(_out_of_range(rows, number.ravel(order="F")[at], bound[at // n], side))
    used = (keep & has_value).any(axis=0)
    present = {t for t, u in zip(labels, used, strict=True) if u}
    found.extend(_absent_issues(framework, present))
    return keep


def _check_sex_without_total(
    keep: np.ndarray,
    usable: np.ndarray,
    cells: _Cells,
    economy: pd.Categorical,
    year: np.ndarray,
    sex: pd.Categorical,
    found: list[pd.DataFrame],
) -> None:
    """Female/male values whose economy, year and indicator have no total (a warning, once per cell)."""
    n, k = keep.shape
    sexed_rows = usable.any(axis=1) & (sex.codes != 0)
    if not sexed_rows.any():
        return
    unit_key = _cell_keys(economy.codes, year, np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
    lone_at = []
    for j in range(k):
        by_sex = usable[:, j] & (sex.codes != 0)
        if by_sex.any():
            total = unit_key[keep[:, j] & (sex.codes == 0)]
            lone = np.flatnonzero(by_sex & ~np.isin(unit_key, total))
            if lone.size:
                lone_at.append(_first_per_key(j * n + lone, unit_key[lone]))
    if lone_at:
        at = np.concatenate(lone_at)
        found.append(_issues(cells.frame(at, economy, year), "warning", "sex_without_total", _SEX_WITHOUT_TOTAL))


def _wide_values(
    number: np.ndarray,
    usable: np.ndarray,
    labels: list[str],
    economy: pd.Categorical,
    year: np.ndarray,
    sex: pd.Categorical,
    attribute: dict[str, pd.Categorical],
) -> WideValues:
    """The usable values in the table's shape, with the labels in use as the long panel's columns have them."""
    values = number  # the validation's own block: the cells not usable set to NaN in place (no second block)
    for j in np.flatnonzero(~usable.all(axis=0)):  # a column at a time: no (rows x columns) temporary
        values[~usable[:, j], j] = np.nan
    used_rows, used_columns = usable.any(axis=1), usable.any(axis=0)

    def in_use(column: pd.Categorical, rows: np.ndarray) -> pd.Categorical:
        """The labels of the rows (columns) with a usable value, sorted, as the long panel's column has them."""
        if len(column.categories) == 1 and (column.codes[rows] == 0).all():
            return column  # one label (or none in use), kept as the long layout keeps it
        codes = column.codes if rows.all() else np.where(rows, column.codes, -1)
        return _sorted_categories(pd.Categorical.from_codes(codes, categories=column.categories))

    k = len(labels)
    return WideValues(
        economy=in_use(economy, used_rows),
        year=np.asarray(year, dtype="int64"),
        sex=sex,
        source=in_use(attribute["source"], used_rows),
        note=in_use(attribute["note"], used_rows),
        indicator=in_use(
            pd.Categorical.from_codes(np.arange(k), categories=pd.Index(labels, dtype=object)), used_columns
        ),
        values=np.asfortranarray(values),
    )
