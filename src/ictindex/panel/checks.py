"""The checks both layouts of a panel share: economy labels resolved once per label, years, sexes, values
against their indicator's admissible range."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.countries import classify
from ictindex.panel.cells import (
    _numbers,
    _per_row,
    _recode,
)
from ictindex.panel.issues import (
    _issues,
    _out_of_range,
    _text,
)
from ictindex.panel.schema import (
    _SEX,
    SEX_CODES,
)
from ictindex.units import EARLIEST_YEAR, Units

if TYPE_CHECKING:
    from ictindex.framework import Framework


def _known_indicators(framework: Framework | None, known_series: Mapping[str, object] | None) -> set[str]:
    known = set(known_series or {})
    if framework is not None:
        known |= set(framework.indicator_codes) | framework.series_codes
    return known


#: Issue rows for the rows (or cells) a mask marks.
RowsOf = Callable[[np.ndarray], pd.DataFrame]


def _classify_labels(
    economy: pd.Categorical, units: Units, extra_names: Mapping[str, str] | None
) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct label: the label as text, whether it is blank, its kind (economy, aggregate, unknown,
    not_in_table, blank) and its code."""
    label_u = _text(pd.Series(economy.categories, dtype=object))
    stripped_u = label_u.str.strip()
    blank_u = (stripped_u == "").to_numpy()
    if not units.resolves_names:
        kind_u = np.where(blank_u, "blank", "economy").astype(object)
        iso_u = stripped_u.to_numpy(dtype=object)
        if units.kind == "table":
            known = set(units.codes)
            kind_u[~blank_u & ~stripped_u.isin(known).to_numpy()] = "not_in_table"
    else:
        classes = classify(label_u, extra_names).drop_duplicates("label").set_index("label")
        kind_u = label_u.map(classes["kind"]).to_numpy(dtype=object)
        iso_u = label_u.map(classes["iso3"]).to_numpy(dtype=object)
    return label_u, blank_u, kind_u, iso_u


def _check_economies(
    economy: pd.Categorical,
    units: Units,
    extra_names: Mapping[str, str] | None,
    rows_of: RowsOf,
    found: list[pd.DataFrame],
) -> tuple[np.ndarray, pd.Categorical]:
    """Resolve every distinct economy label once (``units="any"`` or a units table: used as given, stripped) and
    record the blank, aggregate and unknown ones (for a units table: codes it does not list, each with the nearest
    code it does). Returns the rows set aside and the column of resolved codes."""
    label_u, blank_u, kind_u, iso_u = _classify_labels(economy, units, extra_names)
    blank = _per_row(blank_u, economy.codes, True)
    aggregate = _per_row(kind_u == "aggregate", economy.codes, False)
    unknown = _per_row((kind_u == "unknown") & ~blank_u, economy.codes, False)
    not_listed = _per_row(kind_u == "not_in_table", economy.codes, False)
    if blank.any():
        message = f"the {units.noun} cell is empty: give " + (
            "an ISO3 code or an ITU/UN name" if units.resolves_names else f"the {units.noun}'s code"
        )
        found.append(_issues(rows_of(blank), "error", "missing_economy", message))
    if aggregate.any():
        message = "regional/income aggregate kept out of scoring"
        found.append(_issues(rows_of(aggregate), "warning", "aggregate", message))
    if unknown.any():
        rows = rows_of(unknown)
        found.append(
            _issues(
                rows,
                "error",
                "unknown_economy",
                "unknown economy '" + _text(rows["economy"]) + "': use an ISO 3166 "
                "alpha-3 code or an ITU/UN name, or pass extra_names={'<label>': '<ISO3>'}",
            )
        )
    if not_listed.any():
        rows = rows_of(not_listed)
        codes = _text(rows["economy"]).str.strip()
        nearest = {c: units.nearest(c) for c in codes.unique()}
        found.append(
            _issues(
                rows,
                "error",
                "unknown_unit",
                f"unknown {units.noun} '"
                + codes
                + "': not in the units table"
                + codes.map(lambda c: f" (nearest code: '{nearest[c]}')" if nearest[c] else "")
                + f"; correct the code, or add the {units.noun} to the units table",
            )
        )
    is_economy = (kind_u != "aggregate") & (kind_u != "unknown") & (kind_u != "not_in_table") & ~blank_u
    final_u = np.where(is_economy, iso_u, label_u.to_numpy(dtype=object))
    return aggregate | unknown | blank | not_listed, _recode(economy, final_u, "")


def _check_years(
    column: pd.Series, latest: int, rows_of: RowsOf, found: list[pd.DataFrame]
) -> tuple[np.ndarray, np.ndarray]:
    """Years must be whole numbers from :data:`EARLIEST_YEAR` to ``latest``. Returns the rows refused and the years
    as ``int64`` (-1 where not a number)."""
    integer = column.dtype == "int64"  # whole numbers by type, or checked (a NaN, an infinity, 2020.5 are not years)
    year = column.to_numpy() if integer else _numbers(column)
    bad_year = np.zeros(len(year), dtype=bool) if integer else ~np.isfinite(year) | (year != np.round(year))
    if bad_year.any():
        rows = rows_of(bad_year)
        shown = _text(rows["year"])
        message = ("year '" + shown + "' is not a whole number").where(shown != "", "the year cell is empty")
        found.append(_issues(rows, "error", "bad_year", message))
    future = ~bad_year & (year > latest)
    if future.any():
        found.append(_issues(rows_of(future), "error", "future_year", f"year after {latest}: check the year column"))
    early = ~bad_year & (year < EARLIEST_YEAR)
    if early.any():
        message = f"year before {EARLIEST_YEAR}: check the year column (a two-digit year?)"
        found.append(_issues(rows_of(early), "error", "early_year", message))
    if not integer:
        year = np.where(np.isfinite(year) & (np.abs(year) < 1e9), year, -1).astype("int64")
    return bad_year | future | early, year


def _check_sexes(sex: pd.Categorical, rows_of: RowsOf, found: list[pd.DataFrame]) -> tuple[np.ndarray, pd.Categorical]:
    """Sex labels read as total, female or male (a blank cell is both sexes). Returns the rows refused and the
    column coded with :data:`SEX_CODES`."""
    sex_u = _text(pd.Series(sex.categories, dtype=object)).str.strip().str.casefold().replace("", "total").map(_SEX)
    bad_sex = _per_row(sex_u.isna().to_numpy(), sex.codes, False)
    if bad_sex.any():
        rows = rows_of(bad_sex)
        found.append(_issues(rows, "error", "bad_sex", "sex '" + _text(rows["sex"]) + "' is not total, female or male"))
    return bad_sex, _recode(sex, sex_u.fillna("total").to_numpy(dtype=object), "total", categories=SEX_CODES)


def _bounds(
    labels: Sequence[str], framework: Framework, known_series: Mapping[str, tuple[float | None, float | None]] | None
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest admissible value of every label (NaN: no bound)."""
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for code, rng in (known_series or {}).items():
        if isinstance(rng, tuple):
            bounds[code] = rng
    for ind in framework.indicators:
        bounds[ind.code] = ind.valid_range
        if ind.source is not None and not ind.source.is_ratio:
            for series in ind.source.series:
                bounds.setdefault(series, ind.valid_range)
        elif ind.source is not None:
            for series in ind.source.codes:
                bounds.setdefault(series, (0.0, None))
    low = np.array([np.nan if bounds.get(c, (None, None))[0] is None else bounds[c][0] for c in labels], dtype=float)
    high = np.array([np.nan if bounds.get(c, (None, None))[1] is None else bounds[c][1] for c in labels], dtype=float)
    return low, high


def _range_issues(
    long: pd.DataFrame,
    keep: np.ndarray,
    framework: Framework,
    known_series: Mapping[str, tuple[float | None, float | None]] | None,
) -> list[pd.DataFrame]:
    """Values outside the valid range of their indicator (e.g. a percentage above 100, a negative count)."""
    indicator = long["indicator"].array
    labels = list(indicator.categories)
    low_u, high_u = _bounds(labels, framework, known_series)
    value = long["value"].to_numpy()
    # the lowest and highest value of every indicator first: rows are compared only for those out of range
    checked = keep & (indicator.codes >= 0) & ~np.isnan(value)
    if len(labels) <= 64:  # few indicators: one masked min and max each
        codes_out = []
        for code in range(len(labels)):
            block = value[checked & (indicator.codes == code)]
            if block.size and (block.min() < low_u[code] or block.max() > high_u[code]):
                codes_out.append(code)
    else:
        extremes = pd.Series(value[checked]).groupby(indicator.codes[checked]).agg(["min", "max"])
        codes_out = extremes.index[
            (extremes["min"].to_numpy() < low_u[extremes.index]) | (extremes["max"].to_numpy() > high_u[extremes.index])
        ]
    out = []
    if len(codes_out):
        suspect = checked & np.isin(indicator.codes, codes_out)
        low = np.append(low_u, np.nan)[indicator.codes]
        high = np.append(high_u, np.nan)[indicator.codes]
        with np.errstate(invalid="ignore"):
            for side, outside, bound in (
                ("below", suspect & (value < low), low),
                ("above", suspect & (value > high), high),
            ):
                if outside.any():
                    out.append(_out_of_range(long[outside], value[outside], bound[outside], side))
    return out
