"""Array helpers of panel validation: columns as categoricals, labels recoded once, integer keys of cells and
rows (so duplicates are found without comparing text)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _categorical(values: pd.Series | np.ndarray) -> pd.Categorical:
    """A column as categorical: each distinct cell stored once (a panel repeats few labels many times).

    Missing cells stay missing (code -1)."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return pd.Categorical(values)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype | pd.ArrowDtype):
        # text held by Arrow (a Parquet read, pandas 3's strings): factorized there, with no Python object per cell
        codes, uniques = pd.factorize(values)
        return pd.Categorical.from_codes(codes, categories=pd.Index(np.asarray(uniques, dtype=object), dtype=object))
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    runs = _runs(array)
    if runs is not None:  # a sorted or grouped column: one label per run of equal cells is looked up
        heads, lengths = runs
        head_codes, uniques = pd.factorize(array[heads])
        codes = np.repeat(head_codes.astype("int8" if len(uniques) < 127 else "int32"), lengths)
    else:
        codes, uniques = pd.factorize(array)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _runs(array: np.ndarray, sample: int = 10_000) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the runs of equal neighbouring cells of a long column start, and their lengths, when runs are long
    (a panel sorted or grouped by the column: a few labels repeated many times); otherwise ``None``."""
    if len(array) < 10 * sample:
        return None
    try:
        head = array[:sample]
        if np.count_nonzero(head[1:] != head[:-1]) > sample // 4:  # short runs: hashing every cell is cheaper
            return None
        change = np.empty(len(array), dtype=bool)
        change[0] = True
        np.not_equal(array[1:], array[:-1], out=change[1:])
    except (TypeError, ValueError):  # cells that cannot be compared (pd.NA): hashed one by one
        return None
    heads = np.flatnonzero(change)
    if len(heads) > len(array) // 4:
        return None
    return heads, np.diff(np.append(heads, len(array)))


def _constant(value: object, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype="int8"), categories=pd.Index([value], dtype=object))


def _booleans(raw: pd.Series, number: pd.Series) -> pd.Series:
    """Cells holding True/False (a spreadsheet's TRUE/FALSE, a bool column), which pandas reads as 1 and 0."""
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.notna()
    candidates = number.isin([0.0, 1.0]).to_numpy()
    flags = np.zeros(len(raw), dtype=bool)
    if candidates.any() and raw.dtype == object:
        flags[candidates] = [isinstance(v, bool | np.bool_) for v in raw.to_numpy()[candidates]]
    return pd.Series(flags, index=raw.index)


def _sorted_categories(column: pd.Categorical, in_use: np.ndarray | None = None) -> pd.Categorical:
    """The labels in use (``in_use`` when already known), in sorted order (so two panels with the same rows have
    the same dtype)."""
    labels = np.asarray(column.categories, dtype=object)
    if len(labels) == 1 and (column.codes == 0).all():
        return column
    if in_use is None or len(in_use) != len(labels):
        codes = column.codes
        in_use = np.bincount(codes if codes.min(initial=0) >= 0 else codes[codes >= 0], minlength=len(labels)) > 0
    used = np.flatnonzero(in_use)
    order = used[np.argsort(labels[used].astype(str), kind="stable")]
    if len(order) == len(labels) and (order == np.arange(len(labels))).all():
        return column  # every label in use and already in order
    recode = np.full(len(labels) + 1, -1, dtype="int64")
    recode[order] = np.arange(len(order))
    return pd.Categorical.from_codes(recode[column.codes], categories=pd.Index(labels[order], dtype=object))


def _masked(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The values where ``mask`` holds (the array itself when it holds everywhere: a boolean gather of millions
    of rows that keeps them all costs as much as a stage). Small non-negative codes come back as ``uint8``, which
    ``np.bincount`` counts without widening them first."""
    out = values if mask.all() else values[mask]
    if out.dtype == np.int8 and (len(out) == 0 or out.min() >= 0):
        return out.view(np.uint8)
    return out


def _per_row(per_label: np.ndarray, codes: np.ndarray, missing: bool) -> np.ndarray:
    """A per-label flag for every row (code -1, an empty cell, gets ``missing``)."""
    per_label = np.asarray(per_label, dtype=bool)
    if not per_label.any() and (not missing or codes.min(initial=0) >= 0):
        return np.zeros(len(codes), dtype=bool)  # no label flagged: no gather over every row
    return np.append(per_label, missing)[codes]


def _recode(
    column: pd.Categorical, per_label: np.ndarray, missing: object, categories: Sequence[str] | None = None
) -> pd.Categorical:
    """Every distinct label replaced by ``per_label[i]``, empty cells by ``missing``; equal results merged."""
    values = np.append(np.asarray(per_label, dtype=object), missing)
    if categories is not None and len(column.categories) == 1 and (column.codes == 0).all():
        target = pd.Index(categories, dtype=object)  # one label everywhere (e.g. sex 'total'): one code
        code = target.get_indexer([values[0]])[0]
        return pd.Categorical.from_codes(np.full(len(column), code, dtype="int8"), categories=target)
    if (
        categories is None
        and (column.codes >= 0).all()
        and len(set(per_label)) == len(per_label)
        and (np.asarray(column.categories, dtype=object) == values[:-1]).all()
    ):
        return column  # nothing changes: no new codes for millions of rows
    if categories is None:
        codes, uniques = pd.factorize(values)
        categories = pd.Index(uniques, dtype=object)
    else:
        categories = pd.Index(categories, dtype=object)
        codes = categories.get_indexer(values)
    return pd.Categorical.from_codes(codes[column.codes], categories=categories)


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats (NaN where not a number), each distinct text cell converted once."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    codes, uniques = pd.factorize(column)
    numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").astype("float64").to_numpy()
    return np.append(numbers, np.nan)[codes]


def _repeated(keys: np.ndarray) -> np.ndarray:
    """Whether each key occurs more than once (sorted once, neighbours compared; keys of a small range are first
    marked in a dense grid, which shows without sorting that none repeats)."""
    if len(keys) and keys.min() >= 0 and keys.max() < max(4 * len(keys), 1 << 20):
        marked = np.zeros(int(keys.max()) + 1, dtype=bool)
        marked[keys] = True
        if np.count_nonzero(marked) == len(keys):
            return np.zeros(len(keys), dtype=bool)
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    flags = np.zeros(len(keys), dtype=bool)
    flags[1:] |= same
    flags[:-1] |= same
    out = np.empty(len(keys), dtype=bool)
    out[order] = flags
    return out


def _cell_keys(economy: np.ndarray, year: np.ndarray, indicator: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """One integer per (economy, year, indicator) of the kept rows (others get -1)."""
    if not keep.any():
        return np.full(len(economy), -1, dtype="int64")
    first = int(np.min(year, where=keep, initial=np.iinfo("int64").max))
    last = int(np.max(year, where=keep, initial=np.iinfo("int64").min))
    span = last - first + 1
    n_indicators = int(np.max(indicator, where=keep, initial=0)) + 1
    out = economy.astype("int64")  # every row computed, the rows not kept then set to -1 (no masked copies)
    out *= span
    out += year
    out -= first
    out *= n_indicators
    out += indicator
    out[~keep] = -1
    return out


def _first_per_key(cells: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The first cell (in long order) of each key."""
    _, first = np.unique(keys, return_index=True)
    return cells[np.sort(first)]
