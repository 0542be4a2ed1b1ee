"""Checked inputs of the divide measures: numbers (finite, within the range a sum can hold), labels paired
with their weights and groups, and means that do not overflow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.units import (  # checked numbers (issue 30)
    _is_number,
    _shown,
)


def _is_table(data: object) -> bool:
    """A result or a DataFrame (measured per year), as opposed to plain values."""
    return isinstance(data, pd.DataFrame) or hasattr(data, "framework")


def _mean(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """(Weighted) mean of values and weights scaled by their largest magnitude, so that values near the
    floating-point limit do not overflow the sum (the mean of finite values is finite)."""
    scale = float(np.abs(x).max())
    if scale == 0:
        return 0.0
    return scale * float(np.average(x / scale, weights=None if w is None else w / w.max()))


def _where(labels: pd.Index | None, position: int) -> str:
    return f"label {labels[position]!r}" if labels is not None else f"position {position}"


def _numbers(values: object, field: str) -> tuple[np.ndarray, pd.Index | None]:
    """``values`` as a 1-D float array and their labels (a Series' index, else ``None``).

    Text, complex numbers, infinite values and arrays of more than one dimension are refused, naming the
    label (or position) of the first one: a text value or a column read as text is a reading problem, and
    an infinite value has no place in a share of a total.
    """
    labels = values.index if isinstance(values, pd.Series) else None
    try:
        array = np.asarray(values.to_numpy() if isinstance(values, pd.Series) else values)
        if array.dtype.kind in "US":  # numbers mixed with text become text: keep each element as it was given
            array = np.asarray(values, dtype="object")
    except ValueError:  # nested lists of different lengths
        raise MethodError(
            f"{field} must be a flat list of numbers", field=field, hint="pass one value per economy"
        ) from None
    if array.ndim > 1:
        raise MethodError(
            f"{field} must be one-dimensional, got an array of shape {array.shape}",
            field=field,
            hint="pass one value per economy (a list, an array or a Series)",
        )
    array = array.ravel()
    if array.dtype.kind not in "biuf":
        text = [i for i, v in enumerate(array) if not _is_number(v)]
        if text:
            raise MethodError(
                f"{field} at {_where(labels, text[0])} is {_shown(array[text[0]])}, not a number",
                field=field,
                hint="convert the values to numbers first (e.g. pd.to_numeric), leaving no text",
            )
        array = np.array([np.nan if v is None else v for v in array], dtype="float64")
    x = array.astype("float64")
    infinite = np.flatnonzero(np.isinf(x))
    if infinite.size:
        raise MethodError(
            f"{field} at {_where(labels, int(infinite[0]))} is infinite",
            field=field,
            hint="an inequality measure needs finite values: check the data at that place",
        )
    return x, labels


def _paired(values: pd.Index | None, other: object, field: str) -> object:
    """``other`` in the order of the labelled ``values``: two Series are paired by label, never by position."""
    if values is None or not isinstance(other, pd.Series):
        return other
    for labels, name in ((values, "values"), (other.index, field)):
        if labels.has_duplicates:
            raise MethodError(
                f"the {name} repeat the label {labels[labels.duplicated()][0]!r}",
                field=field,
                hint="give one value per label (economy)",
            )
    only_values, only_other = values.difference(other.index), other.index.difference(values)
    if len(only_values) or len(only_other):
        shown = [f"{list(only_values[:3])} without {field}"] if len(only_values) else []
        shown += [f"{list(only_other[:3])} in {field} only"] if len(only_other) else []
        raise MethodError(
            f"the values and the {field} have different labels: {'; '.join(shown)}",
            field=field,
            hint=f"give {field} for exactly the labels of the values (they are paired by label, not by position)",
        )
    return other.reindex(values)


#: Smallest positive weight, relative to the largest, that the measures take: below it a product of a weight and
#: a value can underflow to zero (the weighted mean of positive values would be 0).
WEIGHT_RANGE = 1e-150


def _arrays(values: object, weights: object | None, by: object | None = None) -> tuple[np.ndarray, ...]:
    """Checked values, weights (and group labels), paired by label when labelled, without the zero weights.

    Values and weights must be finite and non-negative with a positive weighted mean. The measures are
    invariant to the scale of the weights, so they are returned divided by the largest one; the positive ones
    must then be at least :data:`WEIGHT_RANGE`. The values keep their scale: each measure works on ratios and
    logarithms that neither overflow nor underflow near the floating-point limits.
    """
    x, labels = _numbers(values, "values")
    w = np.ones_like(x) if weights is None else _numbers(_paired(labels, weights, "weights"), "weights")[0]
    if x.shape != w.shape:
        raise MethodError(f"{len(x)} values but {len(w)} weights", field="weights")
    if x.size == 0 or np.isnan(x).any() or np.isnan(w).any():
        missing = np.flatnonzero(np.isnan(x) | np.isnan(w))
        raise MethodError(
            "inequality needs at least one value and no missing values or weights"
            + (f" (missing at {_where(labels, int(missing[0]))})" if missing.size else ""),
            hint="drop missing values first",
        )
    negative = np.flatnonzero((x < 0) | (w < 0))
    if negative.size or w.max() <= 0 or x[w > 0].max(initial=0.0) <= 0:
        where = f" (at {_where(labels, int(negative[0]))})" if negative.size else ""
        raise MethodError(
            f"inequality measures need non-negative values and weights with a positive mean{where}",
            hint="scores and shares are non-negative; rescale z-scores first",
        )
    keep = w > 0  # a zero weight takes no part (an economy of no population, an empty group)
    scaled = w / w.max()
    tiny = np.flatnonzero(keep & (scaled < WEIGHT_RANGE))
    if tiny.size:
        raise MethodError(
            f"the weights span more than 150 orders of magnitude (weight {w[tiny[0]]:g} at "
            f"{_where(labels, int(tiny[0]))} against {w.max():g}): beyond floating-point arithmetic",
            field="weights",
            hint="give that weight as 0 if it is meant to take no part, or check the weights",
        )
    if by is None:
        return x[keep], scaled[keep]
    groups = np.asarray(_paired(labels, by, "by"), dtype="object").ravel()
    if groups.shape != keep.shape:
        raise MethodError(f"{len(keep)} values but {len(groups)} group labels", field="by")
    return x[keep], scaled[keep], groups[keep]


def _measurable(values: pd.DataFrame, column: str | None) -> None:
    """Inequality is measured on non-negative values with a positive mean in every year: a negative value
    (a z-score) or a year of zeros only is refused naming it, never reported as "perfect equality"."""
    negative = values["value"] < 0
    if negative.any():
        row = values[negative].iloc[0]
        raise MethodError(
            f"inequality measures need non-negative values, got {row['value']:g}",
            economy=str(row["economy"]),
            year=int(row["year"]),
            indicator=column,
            hint="scores and shares are non-negative; rescale z-scores first",
        )
    zero = values.groupby("year")["value"].max() <= 0
    if zero.any():
        raise MethodError(
            "every value is zero: inequality between economies is undefined (a mean of zero)",
            year=int(zero.index[zero.to_numpy()][0]),
            indicator=column,
            hint="measure a year with values, or another node or indicator",
        )
