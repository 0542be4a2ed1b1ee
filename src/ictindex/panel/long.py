"""Validation of a long panel (one row per economy, year, indicator and sex), and the long layout of any table
(a wide table with labels that need cell-by-cell reporting is melted)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.errors import PanelError
from ictindex.panel.cells import (
    _booleans,
    _categorical,
    _cell_keys,
    _constant,
    _masked,
    _per_row,
    _recode,
    _repeated,
    _sorted_categories,
)
from ictindex.panel.checks import _check_economies, _check_sexes, _check_years, _known_indicators, _range_issues
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
    _text,
    _unknown_indicator_issues,
)
from ictindex.panel.schema import _LINE, MISSING_MARKERS, PANEL_COLUMNS, PanelCheck, _rename

if TYPE_CHECKING:
    from ictindex.framework import Framework
    from ictindex.units import Units


def _to_long(frame: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """Canonical column names and a long layout (wide input is melted), text columns categorical.

    A wide table is melted without writing one text cell per value: economy, sex, source and note
    labels are coded once per row of the table, indicators once per column."""
    frame = _rename(frame)
    missing = [c for c in ("economy", "year") if c not in frame.columns]
    if missing:
        raise PanelError(
            f"missing column(s) {missing}; found {list(map(str, frame.columns))}",
            file=source,
            hint="a panel needs 'economy' and 'year' columns, and either 'indicator' + 'value' (long) "
            "or one column per indicator (wide)",
        )
    if ("indicator" in frame.columns) != ("value" in frame.columns):
        have, lack = ("indicator", "value") if "indicator" in frame.columns else ("value", "indicator")
        raise PanelError(
            f"the table has a '{have}' column but no '{lack}' column",
            file=source,
            hint="a long panel needs both 'indicator' and 'value'; a wide one has neither (one column per indicator)",
        )
    defaults = {"sex": "total", "source": source or "user data", "note": ""}
    if "indicator" not in frame.columns:
        return _melt(frame, source, defaults)
    present = [c for c in (*PANEL_COLUMNS, _LINE) if c in frame.columns]
    if frame.columns.is_unique:  # the input's columns, not copied: they are replaced, never written
        long = pd.DataFrame({c: frame[c] for c in present}, copy=False)
    else:
        long = frame[present].copy()
    for column in ("economy", "indicator", "sex", "source", "note"):
        long[column] = _categorical(long[column]) if column in long.columns else _constant(defaults[column], len(long))
    return long[[*PANEL_COLUMNS, _LINE] if _LINE in long.columns else PANEL_COLUMNS]


def _melt(frame: pd.DataFrame, source: str | None, defaults: dict[str, str]) -> pd.DataFrame:
    """The long layout of a wide table (one column per indicator), without writing one text cell per value: economy,
    sex, source and note labels are coded once per row of the table, indicators once per column."""
    id_columns = [c for c in ("economy", "year", "sex", "source", "note", _LINE) if c in frame.columns]
    value_columns = [c for c in frame.columns if c not in id_columns]
    if not value_columns:
        raise PanelError(
            "no indicator columns",
            file=source,
            hint="add 'indicator' and 'value' columns, or one column per indicator",
        )
    n, k = len(frame), len(value_columns)
    long = {}
    for column in ("economy", "sex", "source", "note"):
        if column in frame.columns:
            coded = _categorical(frame[column])
            long[column] = pd.Categorical.from_codes(np.tile(coded.codes, k), categories=coded.categories)
        else:
            long[column] = _constant(defaults[column], n * k)
    long["year"] = np.tile(frame["year"].to_numpy(), k)
    column_code = np.arange(k, dtype="int16" if k < 32_000 else "int32")
    long["indicator"] = pd.Categorical.from_codes(
        np.repeat(column_code, n), categories=pd.Index([str(c) for c in value_columns], dtype=object)
    )
    block = frame[value_columns]
    numeric = all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in block.dtypes)
    long["value"] = (
        block.to_numpy(dtype="float64").ravel(order="F")
        if numeric
        else np.concatenate([block[c].to_numpy(dtype=object) for c in value_columns])
    )
    if _LINE in frame.columns:
        long[_LINE] = np.tile(frame[_LINE].to_numpy(), k)
    out = pd.DataFrame(long, copy=False)[[*PANEL_COLUMNS, _LINE] if _LINE in frame.columns else PANEL_COLUMNS]
    if len({str(c).strip() for c in value_columns}) == k:  # row i of the table is rows i, i + n, ... of the long
        # layout, and a repeated (economy, year, sex) row is a duplicate (two columns that are one indicator
        # once stripped are compared cell by cell)
        out.attrs["wide_rows"] = n
    return out


def _validate_long(
    frame: pd.DataFrame,
    found: list[pd.DataFrame],
    framework: Framework | None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
    extra_names: Mapping[str, str] | None,
    latest: int,
    units: Units,
    source: str | None,
) -> PanelCheck:
    """:func:`~ictindex.panel.validate_panel` of a table in the long layout (a wide one melted by :func:`_to_long`):
    the checks of :mod:`ictindex.panel.checks` on the rows, then values, labels, duplicates, the framework's
    indicators and ranges, and female/male values without a total, each step dropping from ``keep`` the rows it
    refuses and adding its issue rows to ``found``."""
    long = _to_long(frame, source)
    keep = np.ones(len(long), dtype=bool)
    keep, rows = _check_rows(long, keep, found, units, extra_names, latest)
    keep, has_value = _check_values(long, keep, found)
    keep = _check_labels(long, keep, found)
    keep = _check_duplicates(long, keep, found)
    if framework is not None:
        keep = _check_framework(long, keep, has_value, found, framework, known_series)
    _check_sex_without_total(long, keep, has_value, found)
    return _long_result(long, keep & has_value, found, rows)


def _check_rows(
    long: pd.DataFrame,
    keep: np.ndarray,
    found: list[pd.DataFrame],
    units: Units,
    extra_names: Mapping[str, str] | None,
    latest: int,
) -> tuple[np.ndarray, dict]:
    """Economies (names/codes resolved once per distinct label, aggregates set aside), years and sexes; returns
    ``keep`` and what the panel's economy column needs later (``economies``, ``in_use``, ``same_labels``,
    ``dropped``)."""

    def rows_of(mask: np.ndarray) -> pd.DataFrame:
        return long[mask]

    economy = long["economy"].array
    dropped, recoded = _check_economies(economy, units, extra_names, rows_of, found)
    keep &= ~dropped
    same_labels = recoded is economy  # no label changed: the codes (and what is in use) are those of the input
    long["economy"] = recoded
    wide_rows = long.attrs.get("wide_rows")
    # (a wide table's economy codes repeat every wide_rows rows: count one copy)
    counted = recoded.codes[~dropped] if dropped.any() else recoded.codes[:wide_rows] if wide_rows else recoded.codes
    in_use = np.bincount(counted, minlength=len(recoded.categories)) > 0
    labels = np.asarray(recoded.categories, dtype=object)
    economies = frozenset(labels[in_use].tolist()) if (~dropped).any() else frozenset()

    refused, year = _check_years(long["year"], latest, rows_of, found)
    keep &= ~refused
    if long["year"].dtype != "int64":
        long["year"] = year

    bad_sex, sex = _check_sexes(long["sex"].array, rows_of, found)
    long["sex"] = sex
    keep &= ~bad_sex
    return keep, {"economies": economies, "in_use": in_use, "same_labels": same_labels, "dropped": dropped}


def _check_values(long: pd.DataFrame, keep: np.ndarray, found: list[pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """Values: numbers; missing markers become NaN (recorded); other text, yes/no cells and infinities are errors;
    an indicator with no value at all is recorded. Returns ``keep`` and where a value is."""
    n_rows = len(long)
    raw = long["value"]
    number = pd.to_numeric(raw, errors="coerce").astype("float64")
    numeric_input = pd.api.types.is_float_dtype(raw.dtype) or pd.api.types.is_integer_dtype(raw.dtype)
    boolean = np.zeros(n_rows, dtype=bool) if numeric_input else _booleans(raw, number).to_numpy()
    if boolean.any():
        found.append(_boolean_issues(long[boolean], _text(raw[boolean])))
        keep &= ~boolean
    text = np.zeros(n_rows, dtype=bool) if numeric_input else (raw.notna() & number.isna()).to_numpy()
    if text.any():
        folded = raw[text].astype(str).str.strip().str.casefold()
        marker = folded.isin(MISSING_MARKERS)
        if marker.any():
            rows = long[text][marker.to_numpy()]
            found.append(_marker_issues(rows, _text(raw[rows.index])))
        if (~marker).any():
            rows = long[text][~marker.to_numpy()]
            shown = _text(raw[rows.index])
            found.append(_issues(rows, "error", "non_numeric", _not_a_number(shown)))
            keep &= ~long.index.isin(rows.index)
    number = number.to_numpy()
    has_value = ~np.isnan(number)
    indicator = long["indicator"].array
    counted = keep & (indicator.codes >= 0)
    seen = np.bincount(_masked(indicator.codes, counted), minlength=len(indicator.categories)) > 0
    with_value = np.bincount(_masked(indicator.codes, counted & has_value), minlength=len(indicator.categories)) > 0
    if (seen & ~with_value).any():
        found.append(_all_missing_issues(_text(pd.Series(indicator.categories[seen & ~with_value], dtype=object))))
    infinite = np.isinf(number)
    if infinite.any():
        found.append(_issues(long[infinite], "error", "non_finite", _NON_FINITE))
        keep &= ~infinite
    long["value"] = number
    return keep, has_value


def _check_labels(long: pd.DataFrame, keep: np.ndarray, found: list[pd.DataFrame]) -> np.ndarray:
    """Source, note and indicator labels as text (indicators stripped); an empty indicator cell is an error."""
    source = long["source"].array
    long["source"] = _recode(
        source, _text(pd.Series(source.categories, dtype=object)).to_numpy(dtype=object), "user data"
    )
    note = long["note"].array
    long["note"] = _recode(note, _text(pd.Series(note.categories, dtype=object)).to_numpy(dtype=object), "")
    indicator = long["indicator"].array
    long["indicator"] = _recode(
        indicator, _text(pd.Series(indicator.categories, dtype=object)).str.strip().to_numpy(dtype=object), ""
    )
    indicator = long["indicator"].array
    no_indicator = _per_row(np.asarray(indicator.categories == "", dtype=bool), indicator.codes, True)
    if no_indicator.any():
        found.append(
            _issues(
                long[no_indicator],
                "error",
                "missing_indicator",
                "the indicator cell is empty: give the indicator or series code",
            )
        )
        keep &= ~no_indicator
    return keep


def _check_duplicates(long: pd.DataFrame, keep: np.ndarray, found: list[pd.DataFrame]) -> np.ndarray:
    """Duplicates among rows that are otherwise fine (one integer key per row: no text compared)."""
    n_rows = len(long)
    years = long["year"].to_numpy()
    sex_codes = long["sex"].array.codes
    indicator = long["indicator"].array
    wide_rows = long.attrs.get("wide_rows")
    if wide_rows and n_rows:  # a wide table: a duplicate is a repeated (economy, year, sex) row of the table
        rows_kept = keep.reshape(-1, wide_rows).any(axis=0)
        codes = long["economy"].array.codes[:wide_rows]
        row_dup = np.zeros(wide_rows, dtype=bool)
        if rows_kept.any():
            row_key = _cell_keys(codes, years[:wide_rows], sex_codes[:wide_rows].astype("int64"), rows_kept)
            row_dup[rows_kept] = _repeated(row_key[rows_kept])
        dup = keep & np.tile(row_dup, n_rows // wide_rows)
    else:
        cell = _cell_keys(long["economy"].array.codes, years, indicator.codes, keep)
        dup = np.zeros(n_rows, dtype=bool)
        if keep.any():
            key = cell[keep] if not keep.all() else cell  # (cell is not used again: its array becomes the key)
            key *= 3
            key += _masked(sex_codes, keep)
            repeated = _repeated(key)
            if keep.all():
                dup = repeated
            else:
                dup[keep] = repeated
    if dup.any():
        key = ["economy", "year", "indicator", "sex"]
        found.append(_issues(long[dup].drop_duplicates(key), "error", "duplicate", _DUPLICATE))
        keep &= ~dup
    return keep


def _check_framework(
    long: pd.DataFrame,
    keep: np.ndarray,
    has_value: np.ndarray,
    found: list[pd.DataFrame],
    framework: Framework,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
) -> np.ndarray:
    """Indicators the framework (or ``known_series``) does not know, values outside their admissible range, and
    framework indicators with no value at all."""
    indicator = long["indicator"].array
    known = _known_indicators(framework, known_series)
    known_u = np.asarray([c in known for c in indicator.categories], dtype=bool)
    unknown_ind = keep & ~_per_row(known_u, indicator.codes, False)
    if unknown_ind.any():
        found.append(_unknown_indicator_issues(long[unknown_ind].drop_duplicates("indicator"), framework))
        keep &= ~unknown_ind
    found.extend(_range_issues(long, keep, framework, known_series))
    used = (
        np.bincount(
            _masked(indicator.codes, keep & has_value & (indicator.codes >= 0)), minlength=len(indicator.categories)
        )
        > 0
    )
    present = set(indicator.categories[used])
    found.extend(_absent_issues(framework, present))
    return keep


def _check_sex_without_total(
    long: pd.DataFrame, keep: np.ndarray, has_value: np.ndarray, found: list[pd.DataFrame]
) -> None:
    """Female/male values whose economy, year and indicator have no total (a warning)."""
    sex_codes = long["sex"].array.codes
    by_sex = keep & (sex_codes != 0) & has_value
    if by_sex.any():
        cell = _cell_keys(long["economy"].array.codes, long["year"].to_numpy(), long["indicator"].array.codes, keep)
        lone = by_sex & ~np.isin(cell, cell[keep & (sex_codes == 0)])
        if lone.any():
            rows = long[lone].drop_duplicates(["economy", "year", "indicator"])
            found.append(_issues(rows, "warning", "sex_without_total", _SEX_WITHOUT_TOTAL))


def _long_result(long: pd.DataFrame, usable: np.ndarray, found: list[pd.DataFrame], rows: dict) -> PanelCheck:
    """The usable rows as the canonical panel (labels in use, sorted), with the issues, errors first."""
    panel = long[PANEL_COLUMNS] if usable.all() else long.loc[usable, PANEL_COLUMNS]
    panel = panel.reset_index(drop=True)
    panel.attrs = {}
    for column in ("economy", "indicator", "source", "note"):  # the same dtype whatever the layout of the input
        known = column == "economy" and rows["same_labels"] and usable.all() and not rows["dropped"].any()
        panel[column] = _sorted_categories(panel[column].array, rows["in_use"] if known else None)
    return PanelCheck(panel, _errors_first(found), rows["economies"])
