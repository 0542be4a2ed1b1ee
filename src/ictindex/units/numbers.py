"""Checked numbers of unit metadata and values: finite, whole years from :data:`EARLIEST_YEAR`, named where wrong."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.errors import MethodError

if TYPE_CHECKING:
    pass


EARLIEST_YEAR = 1900


def _shown(value: object) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def _is_number(value: object) -> bool:
    """A real number (or a missing one); text, complex numbers and other objects are not."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, int | float | np.integer | np.floating | np.bool_) and not isinstance(value, complex)


def _column_numbers(frame: pd.DataFrame, field: str, column: str | None = None) -> np.ndarray:
    """One column as floats; a cell holding text (or anything but a number) is refused naming its economy."""
    cells = frame[field]
    if cells.dtype.kind not in "biuf":
        bad = next((i for i, v in enumerate(cells.to_numpy()) if not _is_number(v)), None)
        if bad is not None:
            row = frame.iloc[bad]
            raise MethodError(
                f"the {field} {_shown(row[field])} is not a number",
                economy=str(row["economy"]),
                year=str(row["year"]) if field != "year" and "year" in frame.columns else None,
                indicator=column,
                field=field,
                hint=f"give numbers in the {field} column (convert text with pd.to_numeric first)",
            )
    return pd.to_numeric(cells).to_numpy(dtype="float64", na_value=np.nan)


def _checked_table(frame: pd.DataFrame, column: str | None) -> pd.DataFrame:
    """``economy, year, value`` with whole-number years and finite float values (missing values stay NaN).

    A text value, a year that is not a whole number or an infinite value is refused naming the economy and
    year, instead of a pandas casting error or a mean of infinity."""
    years = _column_numbers(frame, "year", column)
    values = _column_numbers(frame, "value", column)
    with np.errstate(invalid="ignore"):
        outside = (years < EARLIEST_YEAR) | (years > 9999)  # 1e20 is "whole" but no int64 holds it
    for bad, problem in (
        (
            ~np.isfinite(years) | (years != np.round(years)) | outside,
            f"the year {{}} is not a whole number from {EARLIEST_YEAR} to 9999",
        ),
        (np.isinf(values), "the value {} is infinite"),
    ):
        if bad.any():
            row = frame.iloc[int(np.flatnonzero(bad)[0])]
            raise MethodError(
                problem.format(_shown(row["year" if "year" in problem else "value"])),
                economy=str(row["economy"]),
                year=None if "year" in problem else str(row["year"]),
                indicator=column,
                hint="check the data at that place: a divide measure needs whole years and finite values",
            )
    return pd.DataFrame({"economy": frame["economy"].to_numpy(), "year": years.astype("int64"), "value": values})
