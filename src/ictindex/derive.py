"""Framework indicators from a validated panel (end of the load stage).

For each framework indicator, in order of precedence: rows whose ``indicator`` is
the framework code itself; then the source series the framework names (the first
alternative present wins, per economy and year); or the ratio
``numerator / denominator * multiplier`` of two series. The source of every value
is kept, so it can be traced back.

For a sex-specific build (``sex="female"`` or ``"male"``) indicators that can be
split by sex take the female/male rows only — never the total — and the others
(coverage, prices, subscriptions, household indicators) take the total value,
common to both sexes.

>>> from ictindex.framework import load_framework
>>> panel = pd.DataFrame({"economy": ["KOR", "KOR"], "year": [2018, 2018],
...     "indicator": ["IT.NET.USER.ZS", "mobile_subscribers"], "sex": "total",
...     "value": [96.0, 129.7], "source": "test", "note": ""})
>>> values, sources = indicator_values(panel, load_framework("doi"))
>>> values.loc[("KOR", 2018), ["internet_users", "mobile_subscribers"]].tolist()
[96.0, 129.7]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex._arrays import smallest_int

if TYPE_CHECKING:
    from ictindex.framework import Framework, Indicator
    from ictindex.panel import WideValues

__all__ = ["indicator_values"]

INDEX_NAMES = ["economy", "year"]


def _coded(column: pd.Series) -> pd.Categorical:
    """A text column as categorical (the validated panel's columns already are)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array
    codes, uniques = pd.factorize(column)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


class _Texts:
    """Source descriptions, each distinct text stored once; cells hold its number (-1: none)."""

    def __init__(self) -> None:
        self.texts: list[str] = [""]
        self._ids: dict[str, int] = {"": 0}
        self._dtype: pd.CategoricalDtype | None = None

    def id(self, text: str) -> int:
        if text not in self._ids:
            self._ids[text] = len(self.texts)
            self.texts.append(text)
            self._dtype = None
        return self._ids[text]

    def column(self, ids: np.ndarray) -> pd.Categorical:
        # one dtype for every column: its categories are checked once, not once per indicator (which made a
        # framework of 10,000 indicators quadratic)
        if self._dtype is None:
            self._dtype = pd.CategoricalDtype(pd.Index(self.texts, dtype=object))
        return pd.Categorical.from_codes(np.where(ids < 0, 0, ids), dtype=self._dtype)


#: Where the values of one series for one sex are: ``(units, values, source codes)``, or ``None`` (no such series).
Series = Callable[[str, str], "tuple[np.ndarray | slice, np.ndarray, np.ndarray] | None"]


def _units(labels: np.ndarray, economy_codes: np.ndarray, year: np.ndarray) -> tuple[pd.MultiIndex, np.ndarray]:
    """The sorted ``(economy, year)`` units of rows, and the unit of every row."""
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(labels), dtype="int64")
    rank[order] = np.arange(len(labels))
    first = int(year.min())
    span = int(year.max()) - first + 1
    key = rank[economy_codes]  # (built in place: millions of rows hold one key array, not four)
    key *= span
    key += year
    key -= first
    if len(labels) * span <= 50_000_000:  # (economy, year) cells marked in a dense grid: no sort
        marked = np.zeros(len(labels) * span, dtype=bool)
        marked[key] = True
        unit_keys = np.flatnonzero(marked)
        counted = np.cumsum(marked)
        del marked
        counted -= 1
        unit_of = counted[key]
        del counted
    else:
        unit_keys, unit_of = np.unique(key, return_inverse=True)
    del key
    # the index made from its codes (from_arrays would factorize millions of labels again)
    economy_rank, year_offset = np.divmod(unit_keys, span)
    economies = np.flatnonzero(np.bincount(economy_rank, minlength=len(labels)))
    years = np.flatnonzero(np.bincount(year_offset, minlength=span))
    index = pd.MultiIndex(
        levels=[pd.Index(labels[order][economies], dtype=object), pd.Index(first + years, dtype="int64")],
        codes=[np.searchsorted(economies, economy_rank), np.searchsorted(years, year_offset)],
        names=INDEX_NAMES,
        verify_integrity=False,
    )
    return index, unit_of


def _locate_long(
    panel: pd.DataFrame, framework: Framework, sex: str, years: list[int] | None
) -> tuple[pd.MultiIndex, Series, pd.Categorical] | None:
    """The units of a long panel, and where each series' values for one sex are."""
    if years is not None:
        panel = panel[panel["year"].isin(years)]
    economy, indicator = _coded(panel["economy"]), _coded(panel["indicator"])
    sexes, source = _coded(panel["sex"]), _coded(panel["source"])
    value, year = panel["value"].to_numpy(dtype="float64"), panel["year"].to_numpy(dtype="int64")
    sex_code = {label: i for i, label in enumerate(sexes.categories)}
    wanted_sexes = np.isin(sexes.codes, [sex_code[s] for s in {"total", sex} if s in sex_code])
    # an economy's years come from the framework's own indicators and series only: a row of a series
    # the framework does not use must not create a year to impute and score
    own_codes = set(framework.indicator_codes) | framework.series_codes
    own = np.asarray([c in own_codes for c in indicator.categories], dtype=bool)
    rows = np.flatnonzero(np.append(own, False)[indicator.codes] & wanted_sexes)
    if rows.size == 0:
        return None
    every = rows.size == len(panel)
    index, unit_of = _units(
        np.asarray(economy.categories, dtype=object),
        economy.codes if every else economy.codes[rows],
        year if every else year[rows],
    )
    n_groups = len(indicator.categories) * (len(sexes.categories) + 1)
    group = (indicator.codes if every else indicator.codes[rows]).astype("int32") * (len(sexes.categories) + 1) + (
        sexes.codes if every else sexes.codes[rows]
    )
    # rows in order of (indicator, sex) once (a radix sort of small integers): each series is then one slice
    order = np.argsort(group.astype("int16") if n_groups < 32_000 else group, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(group, minlength=n_groups))])
    position = {label: i for i, label in enumerate(indicator.categories)}

    def series(code: str, which: str) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray] | None:
        if code not in position or which not in sex_code:
            return None
        target = position[code] * (len(sexes.categories) + 1) + sex_code[which]
        hit = order[bounds[target] : bounds[target + 1]]
        return unit_of[hit], value[rows[hit]], source.codes[rows[hit]]

    return index, series, source


def _locate_wide(
    wide: WideValues, framework: Framework, sex: str, years: list[int] | None
) -> tuple[pd.MultiIndex, Series, pd.Categorical] | None:
    """The units of a wide table's values, and where each series' values for one sex are (a column of the
    block, on the rows of that sex)."""
    sex_code = {label: i for i, label in enumerate(wide.sex.categories)}
    rows = np.isin(wide.sex.codes, [sex_code[s] for s in {"total", sex} if s in sex_code])
    if years is not None:
        rows &= np.isin(wide.year, years)
    labels = wide.indicator.categories
    own_codes = set(framework.indicator_codes) | framework.series_codes
    column = {labels[c]: j for j, c in enumerate(wide.indicator.codes) if c >= 0}
    own = [j for label, j in column.items() if label in own_codes]
    if not own:
        return None
    present = ~np.isnan(wide.values[:, own[0]])
    for j in own[1:]:
        present |= ~np.isnan(wide.values[:, j])
    rows &= present
    if not rows.any():
        return None
    economies = np.asarray(wide.economy.categories, dtype=object)
    every = bool(rows.all())
    if every:  # every row: the table's own columns, and the unit of every row is the units' own array
        index, unit_of = _units(economies, wide.economy.codes, wide.year)
        # one unit per row, in the table's order: 0, 1, ..., n - 1 (increasing integers from 0 to n - 1)
        in_order = len(unit_of) > 0 and unit_of[0] == 0 and unit_of[-1] == len(unit_of) - 1
        in_order = bool(in_order and (unit_of[1:] > unit_of[:-1]).all())
    else:
        at = np.flatnonzero(rows)
        index, unit = _units(economies, wide.economy.codes[at], wide.year[at])
        unit_of = np.full(len(rows), -1, dtype="int64")
        unit_of[at] = unit
        del at, unit
        in_order = False
    of_sex: dict[str, np.ndarray | None] = {}

    def series(code: str, which: str) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray] | None:
        if code not in column or which not in sex_code:
            return None
        if which not in of_sex:
            mask = rows & (wide.sex.codes == sex_code[which])
            of_sex[which] = None if mask.all() else mask
        values, mask = wide.values[:, column[code]], of_sex[which]
        if mask is None:  # every row is a unit of this sex: the column as it is (missing values stay missing)
            return slice(None) if in_order else unit_of, values, wide.source.codes
        hit = np.flatnonzero(mask & ~np.isnan(values))
        return unit_of[hit], values[hit], wide.source.codes[hit]

    return index, series, wide.source


def indicator_values(
    panel: pd.DataFrame | WideValues,
    framework: Framework,
    *,
    sex: str = "total",
    years: list[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wide matrix of framework indicator values and the matching matrix of sources.

    Parameters
    ----------
    panel
        A validated panel (see :func:`ictindex.panel.to_panel`), or the wide values of a validated wide table
        (``PanelCheck.values`` is either).
    framework
        The framework whose indicators are wanted.
    sex
        ``total``, ``female`` or ``male``.
    years
        Keep only these years (default: all years in the panel).

    Returns
    -------
    values, sources
        Both indexed by ``(economy, year)`` with one column per framework indicator,
        in framework order; ``values`` holds floats (NaN = no data), ``sources`` the
        series code and publisher each value came from.
    """
    if not isinstance(panel, pd.DataFrame):  # a wide table's values (WideValues)
        located = _locate_wide(panel, framework, sex, years)
    else:
        located = _locate_long(panel, framework, sex, years)
    if located is None:
        index = pd.MultiIndex.from_arrays([[], []], names=INDEX_NAMES)
        return (
            pd.DataFrame(np.nan, index=index, columns=framework.indicator_codes, dtype="float64"),
            pd.DataFrame("", index=index, columns=framework.indicator_codes, dtype="str"),
        )
    index, series, source = located
    n_units = len(index)
    texts = _Texts()
    columns = _Columns(series, texts, [str(c) for c in source.categories], n_units)
    values: dict[str, np.ndarray] = {}
    sources: dict[str, np.ndarray] = {}
    for ind in framework.indicators:
        v, ids = _indicator_column(ind, sex if ind.sex_disaggregable else "total", columns)
        values[ind.code] = v
        sources[ind.code] = _compact(ids)  # (held for every indicator until the table is made: small integers)
    frame = pd.DataFrame({code: texts.column(ids) for code, ids in sources.items()}, index=index)
    ordered = [values[code] for code in framework.indicator_codes]
    matrix = _adjacent(ordered)  # the table's own block when its columns are the indicators, in order
    if matrix is None:
        matrix = np.empty((n_units, len(ordered)), order="F")  # columns contiguous, as pandas keeps them
        for j, column in enumerate(ordered):
            matrix[:, j] = column
    return pd.DataFrame(matrix, index=index, columns=framework.indicator_codes, copy=False), frame


def _compact(ids: np.ndarray) -> np.ndarray:
    """Text numbers in the smallest integer type that holds them (-1: none)."""
    return ids.astype(smallest_int(int(ids.max(initial=0))), copy=False)


def _adjacent(columns: list[np.ndarray]) -> np.ndarray | None:
    """The ``(units, k)`` block the columns are, when they are adjacent columns of one column-major array (a wide
    table whose indicator columns are the framework's, in order): no copy of millions of values."""
    first = columns[0] if columns else None
    if first is None or first.base is None or first.dtype != np.float64:
        return None
    n, step = first.size, first.itemsize * first.size
    address = first.__array_interface__["data"][0]
    for j, column in enumerate(columns):
        if (
            column.base is not first.base
            or column.strides != (first.itemsize,)
            or column.size != n
            or column.__array_interface__["data"][0] != address + j * step
        ):
            return None
    return np.lib.stride_tricks.as_strided(
        first, shape=(n, len(columns)), strides=(first.itemsize, step), writeable=False
    )


class _Columns:
    """The series of a located panel as columns on its units, each value with the number of its source text."""

    def __init__(self, series: Any, texts: _Texts, source_labels: list[str], n_units: int) -> None:
        self.series, self.texts, self.source_labels, self.n_units = series, texts, source_labels, n_units

    def take(self, code: str, which: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Values of one series for one sex on the units, and the text number of each value's source (``None``:
        the panel has no such series)."""
        found = self.series(code, which)
        if found is None:
            return None
        at, value, source_code = found
        texts, n_units = self.texts, self.n_units
        described = np.asarray([texts.id(f"{code} ({label})") for label in self.source_labels] + [0])
        described = described.astype(smallest_int(int(described.max())))  # (a byte a unit, not eight)
        if isinstance(at, slice):  # every unit, in order: the column itself (read, never written)
            v = np.asarray(value, dtype="float64")
        else:
            v = np.full(n_units, np.nan)
            v[at] = value
        if len(described) == 2:  # one source: no gather
            return v, np.where(np.isnan(v), -1, described[0])
        ids = np.full(n_units, -1, dtype=described.dtype)
        ids[at] = described[source_code]
        return v, np.where(np.isnan(v), -1, ids)

    def missing(self) -> tuple[np.ndarray, np.ndarray]:
        return np.full(self.n_units, np.nan), np.full(self.n_units, -1, dtype="int8")


def _indicator_column(ind: Indicator, which: str, columns: _Columns) -> tuple[np.ndarray, np.ndarray]:
    """One indicator's values and source numbers: its own code, then its source series in order (first present
    wins), or the ratio of its numerator and denominator series where it has none."""
    take, missing, texts = columns.take, columns.missing, columns.texts
    v, ids = take(ind.code, which) or missing()
    rule = ind.source
    if rule is not None and not rule.is_ratio:
        for code in rule.series:
            found = take(code, which)
            if found is None:
                continue
            alt, alt_ids = found
            fill = np.isnan(v) & ~np.isnan(alt)
            v, ids = np.where(fill, alt, v), np.where(fill, alt_ids, ids)
    elif rule is not None:
        num, num_ids = take(rule.numerator, which) or missing()  # type: ignore[arg-type]
        den, den_ids = take(rule.denominator, which) or missing()  # type: ignore[arg-type]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = num / np.where(den > 0, den, np.nan) * rule.multiplier
        fill = np.isnan(v) & ~np.isnan(ratio)
        if fill.any():
            pairs, which_pair = np.unique(np.stack([num_ids[fill], den_ids[fill]], axis=1), axis=0, return_inverse=True)
            combined = np.asarray([texts.id(f"{texts.texts[a]} / {texts.texts[b]}") for a, b in pairs.tolist()])
            ids = ids.astype(np.promote_types(ids.dtype, smallest_int(int(combined.max()))))  # (a copy)
            ids[fill] = combined[which_pair.ravel()]
        v = np.where(fill, ratio, v)
    return v, ids
