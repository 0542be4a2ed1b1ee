"""Checks before scores: what is syntactically valid but implausible, found on arrays and flagged.

Validation (:mod:`ictindex.panel`) refuses what cannot be a value (text, a percentage of 120); this stage
finds what is a number but probably not the right one — a percentage keyed as a fraction, a price of
zero, a jump between two years, a total outside its female-male range, a unit seen in one year only or
one keystroke away from another, a unit scored from too few reported values or without a whole category.
It runs in :func:`ictindex.compile_model` between derivation and imputation (the checks of values and of
units) and after the nominal evaluation (the checks of scores), as numpy over whole columns.

Checks are data, like methods: small registered functions (:func:`ictindex.registry.register_check`),
array in, :class:`Findings` out, named in a framework's ``checks:`` section with a severity:

* ``error`` stops the build, naming the culprits (:class:`~ictindex.errors.PanelError`);
* ``warning`` keeps the finding: one :class:`~ictindex.errors.IctIndexWarning` per check and one row per
  finding in the issue table (``result.issues``: severity, problem, economy, indicator, year, message);
* ``off`` does not run it.

Unset, each check's severity follows the indicator's unit and direction (:func:`is_percentage`,
:func:`is_price`); ``build_index(..., checks={"jump": "off"})`` overrides the framework, and the setting
travels in the build's spec. Some checks also act, recorded in their finding: ``zero_price`` sets a price
of zero aside as missing; ``sex_total`` derives a missing total from its female and male values.

>>> x = np.array([0.24, 0.31, 0.18])                       # ICT skills "in %", keyed as fractions
>>> layout = Layout.from_arrays(["A", "B", "C"], [2023, 2023, 2023])
>>> skills = Indicator(code="ict_skills", name="ICT skills", unit="%")
>>> found = percent_as_fraction(x, Context(layout, indicator=skills))
>>> found.year.tolist(), found.messages()[0][:48]
([2023], 'every value of ict_skills in 2023 lies between 0')
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import IctIndexWarning, PanelError
from ictindex.framework import CheckSetting, Framework, Indicator
from ictindex.registry import SEVERITIES, checks, register_check

__all__ = [
    "ISSUE_COLUMNS",
    "MAX_ROWS",
    "Layout",
    "Context",
    "Findings",
    "Settings",
    "CheckedValues",
    "is_percentage",
    "is_price",
    "check_values",
    "check_scores",
    "percent_as_fraction",
    "zero_price",
    "sex_total",
    "jump",
    "unit_in_one_year",
    "near_duplicate_unit",
    "thin_data",
    "missing_category",
]

ISSUE_COLUMNS = ["severity", "problem", "economy", "indicator", "year", "message", "line"]
#: Rows listed per check and indicator; beyond them one row counts the rest (a jump check over 200,000 units of
#: random numbers finds millions of jumps: the table names the first ones and how many more there are).
MAX_ROWS = 1_000

_PERCENT_UNIT = re.compile(r"^\s*(%|percent\b|per\s*cent\b|per\s+100\b)", re.IGNORECASE)
_MONEY_UNIT = re.compile(r"GNI|income|PPP|USD|US\$|\$|€|EUR\b|currency|price", re.IGNORECASE)
_PRICE_WORD = re.compile(r"price|tariff|basket|charge|\bfee", re.IGNORECASE)


def is_percentage(indicator: Indicator) -> bool:
    """A percentage or a rate per 100 (``%``, ``percent``, ``per 100 inhabitants``, ``% of GNI ...``)."""
    return bool(_PERCENT_UNIT.match(indicator.unit))


def is_price(indicator: Indicator) -> bool:
    """A price or tariff: lower is better, the unit is money or a share of income, and the name, code or unit
    says price, tariff, basket, charge or fee (a trade tariff *rate* in percent or an export cost in USD whose
    zero is a true value are not prices here)."""
    text = f"{indicator.name} {indicator.code} {indicator.unit}"
    return (
        indicator.direction == "lower" and bool(_MONEY_UNIT.search(indicator.unit)) and bool(_PRICE_WORD.search(text))
    )


def _scale_top(indicator: Indicator) -> float | None:
    """The top of the indicator's scale: its upper goalpost, else its upper bound, else 100 for a percentage."""
    spec = indicator.normalisation
    if spec.method == "goalpost" and spec.upper is not None:
        return float(spec.upper)
    high = indicator.valid_range[1]
    return float(high) if high is not None else (100.0 if is_percentage(indicator) else None)


# -- what a check sees and what it finds ----------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    """Where the values of a check sit: unit ``i`` is ``labels[economy[i]]`` in ``year[i]``; ``year_code[i]``
    is the position of that year in ``years``; ``order`` lists the units by economy, then year."""

    economy: np.ndarray
    labels: np.ndarray
    year: np.ndarray
    years: np.ndarray
    year_code: np.ndarray
    order: np.ndarray
    follows: np.ndarray | None = None  # units in order: unit i + 1 is the same economy as unit i
    step: np.ndarray | None = None  # units in order: years from unit i to unit i + 1

    @classmethod
    def from_arrays(cls, economy: Sequence[str] | np.ndarray, year: Sequence[int] | np.ndarray) -> Layout:
        codes, labels = pd.factorize(np.asarray(economy, dtype=object), sort=True)
        return cls._make(codes.astype("int64"), np.asarray(labels, dtype=object), np.asarray(year, dtype="int64"))

    @classmethod
    def from_index(cls, index: pd.MultiIndex) -> Layout:
        """The layout of a ``(economy, year)`` index (the rows of :func:`ictindex.derive.indicator_values`)."""
        if len(index) == 0:
            return cls.from_arrays([], [])
        labels, economy = _sorted_level(index, 0)
        years, year_code = _sorted_level(index, 1)  # the index's own codes: no sort of millions of years
        years = years.astype("int64")
        return cls._make(economy, labels, years[year_code], years, year_code)

    @classmethod
    def _make(
        cls,
        economy: np.ndarray,
        labels: np.ndarray,
        year: np.ndarray,
        years: np.ndarray | None = None,
        year_code: np.ndarray | None = None,
    ) -> Layout:
        if years is None or year_code is None:
            years = np.unique(year)
            year_code = np.searchsorted(years, year)
        key = economy * max(len(years), 1) + year_code
        if len(key) < 2 or (np.diff(key) > 0).all():  # in order already (the rows of indicator_values)
            order = np.arange(len(key))
            follows, step = economy[1:] == economy[:-1], year[1:] - year[:-1]
            return cls(economy, labels, year, years, year_code, order, follows, step)
        return cls(economy, labels, year, years, year_code, np.argsort(key, kind="stable"))

    def __len__(self) -> int:
        return len(self.economy)


def _sorted_level(index: pd.MultiIndex, level: int) -> tuple[np.ndarray, np.ndarray]:
    """A level's labels in sorted order and every row's code in it."""
    labels = np.asarray(index.levels[level], dtype=object)
    codes = index.codes[level].astype("int64")
    if not index.levels[level].is_monotonic_increasing:
        order = np.argsort(labels.astype(str) if level == 0 else labels.astype("int64"), kind="stable")
        rank = np.empty(len(order), dtype="int64")
        rank[order] = np.arange(len(order))
        labels, codes = labels[order], rank[codes]
    return labels, codes


@dataclass(frozen=True)
class Context:
    """What a check may need besides its array: the layout, the framework, the indicator checked, its female
    and male values (same layout; ``None`` without by-sex data), the population by sex (``population(at)``
    gives the female share at those units, NaN where unknown, and where each share comes from), and for the
    checks of scores the matrix of reported values (present before imputation and not a publisher estimate)."""

    layout: Layout
    framework: Framework | None = None
    indicator: Indicator | None = None
    female: np.ndarray | None = None
    male: np.ndarray | None = None
    population: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    reported: np.ndarray | None = None
    has: np.ndarray | None = None  # checks of units: whether each unit has any value (``x.any(axis=1)``)


@dataclass(frozen=True)
class Findings:
    """What a check found: one finding per position of ``at`` (a unit; -1 for a finding about a whole
    indicator, with its ``year``).

    ``message`` is one text for all findings, or a function of the positions of the findings listed that
    returns their texts (so a check over millions of units writes only the messages shown). ``subject`` is
    the indicator or node a finding names when it is not the indicator checked. ``values`` are the new values
    of the total at ``at`` (NaN: the value is set aside as missing); ``drop_sexes`` sets the female and male
    values at ``at`` aside too.
    """

    at: np.ndarray
    message: str | Callable[[np.ndarray], Sequence[str]]
    year: np.ndarray | None = None
    subject: str | np.ndarray | None = None
    values: np.ndarray | None = None
    drop_sexes: bool = False

    def __len__(self) -> int:
        return len(self.at)

    def messages(self, positions: np.ndarray | None = None) -> list[str]:
        """The texts of the findings at ``positions`` (default: all)."""
        positions = np.arange(len(self.at)) if positions is None else np.asarray(positions)
        if isinstance(self.message, str):
            return [self.message] * len(positions)
        return list(self.message(positions))


def _none() -> Findings:
    return Findings(np.zeros(0, dtype="int64"), "", year=np.zeros(0, dtype="int64"))


def _as_list(found: Findings | Sequence[Findings] | None) -> list[Findings]:
    if found is None:
        return []
    return [found] if isinstance(found, Findings) else [f for f in found if f is not None]


def _g(value: float) -> str:
    return f"{value:.4g}"


# -- the built-in checks of values (one indicator at a time, before imputation) ------------------------------
def _fraction_default(indicator: Indicator | None) -> str:
    if indicator is None or not is_percentage(indicator) or (_scale_top(indicator) or 0) < 50:
        return "off"
    return "error" if indicator.direction == "higher" else "warning"


@register_check("percent_as_fraction", default=_fraction_default)
def percent_as_fraction(x: np.ndarray, context: Context, *, largest: float = 1.0) -> Findings:
    """A percentage (or rate per 100) keyed as a fraction: in some year every value of the indicator lies
    between 0 and ``largest`` (1), some above 0, while its scale (goalposts) reaches 50 or more.

    One finding per year, naming no unit. Default: ``error`` for an indicator where higher is better (its
    scores would all be near 0), ``warning`` for a price in % of income (a cheap service can cost under 1 %).
    """
    layout, indicator = context.layout, context.indicator
    n_years = len(layout.years)
    with np.errstate(invalid="ignore"):  # (a missing value is neither above 0 nor above 1)
        above = np.bincount(layout.year_code, weights=x > largest, minlength=n_years)
        flagged = np.flatnonzero(above == 0)
        if flagged.size:
            positive = np.bincount(layout.year_code, weights=x > 0, minlength=n_years)
            flagged = flagged[positive[flagged] > 0]
    if not flagged.size:
        return _none()
    top = _scale_top(indicator) if indicator is not None else None
    highest = [float(np.nanmax(x[layout.year_code == c])) for c in flagged]
    years = layout.years[flagged]
    name = indicator.code if indicator is not None else "the indicator"
    unit = indicator.unit if indicator is not None else "%"

    def message(positions: np.ndarray) -> list[str]:
        return [
            f"every value of {name} in {years[p]} lies between 0 and {_g(largest)} (the largest is "
            f"{_g(highest[p])}), while its unit is '{unit}'"
            + (f" and its scale runs to {_g(top)}" if top is not None else "")
            + ": a percentage keyed as a fraction? Multiply by 100, or turn the check off if the values are right"
            for p in positions
        ]

    return Findings(np.full(len(flagged), -1, dtype="int64"), message, year=years)


@register_check("zero_price", default=lambda indicator: "warning" if indicator and is_price(indicator) else "off")
def zero_price(x: np.ndarray, context: Context) -> Findings:
    """A price or tariff of 0 or below is not a price (a basket not offered, a value not collected): the
    value is set aside as missing before imputation, with this finding as its record.

    Applies to prices (:func:`is_price`); where zero is a true price, declare it admissible in the framework:
    ``checks: {zero_price: {indicators: {<code>: off}}}``.
    """
    with np.errstate(invalid="ignore"):
        at = np.flatnonzero(x <= 0)
    if not at.size:
        return _none()
    name = context.indicator.code if context.indicator is not None else "the indicator"
    values = x[at]

    def message(positions: np.ndarray) -> list[str]:
        return [
            f"a price of {_g(values[p])} is not a price: {name} set aside as missing before imputation "
            f"(if 0 is a true price here, declare it admissible: checks: {{zero_price: {{indicators: "
            f"{{{name}: off}}}}}})"
            for p in positions
        ]

    return Findings(at, message, values=np.full(len(at), np.nan))


@register_check(
    "sex_total", default=lambda indicator: "warning" if indicator and indicator.sex_disaggregable else "off"
)
def sex_total(x: np.ndarray, context: Context, *, tolerance: float | None = None) -> list[Findings]:
    """Total and female/male values that do not fit together, for a sex-disaggregable indicator:

    * a total outside the female-male range by more than ``tolerance`` (default 0.5 points for a percentage,
      else 1 % of the larger value);
    * a female and male pair without its total. Where the population by sex is known the total is derived
      as ``p_f F + (1 - p_f) M`` (``p_f`` the female share), recorded as derived, so the total, female and
      male indices use the same indicators; otherwise the female and male values are set aside too, so the
      sex indices leave the indicator out as the total does.
    """
    female, male = context.female, context.male
    if female is None or male is None:
        return []
    indicator = context.indicator
    name = indicator.code if indicator is not None else "the indicator"
    pair = ~np.isnan(female) & ~np.isnan(male)
    total = ~np.isnan(x)
    low, high = np.fmin(female, male), np.fmax(female, male)
    if tolerance is None:
        tol = 0.5 if indicator is not None and is_percentage(indicator) else 0.01 * np.fmax(np.abs(low), np.abs(high))
    else:
        tol = tolerance
    with np.errstate(invalid="ignore"):
        outside_at = np.flatnonzero(pair & total & ((x < low - tol) | (x > high + tol)))
    out: list[Findings] = []
    if outside_at.size:
        t, fo, mo = x[outside_at], female[outside_at], male[outside_at]
        out.append(
            Findings(
                outside_at,
                lambda p: [
                    f"the total {_g(t[i])} of {name} lies outside its female-male range ({_g(fo[i])} women, "
                    f"{_g(mo[i])} men): check that the three come from one survey and year"
                    for i in p
                ],
            )
        )
    lone = np.flatnonzero(pair & ~total)
    if not lone.size:
        return out
    share, basis = (
        context.population(lone)
        if context.population is not None
        else (np.full(len(lone), np.nan), np.full(len(lone), "", dtype=object))
    )
    known = ~np.isnan(share)
    if known.any():
        at, s, b = lone[known], share[known], basis[known]
        f, m = female[at], male[at]
        derived = s * f + (1 - s) * m
        out.append(
            Findings(
                at,
                lambda p: [
                    f"no total of {name}: derived as {_g(derived[i])} from women {_g(f[i])} and men {_g(m[i])}, "
                    f"weighted by population (female share {s[i]:.3f}, {b[i]}); the total, female and male "
                    "indices use it alike"
                    for i in p
                ],
                values=derived,
            )
        )
    if (~known).any():
        at = lone[~known]
        out.append(
            Findings(
                at,
                f"female and male values of {name} without a total, and no population by sex to derive it: the "
                "female and male indices leave the indicator out, as the total does (add the total, or population "
                "rows by sex: SP.POP.TOTL female/male)",
                drop_sexes=True,
            )
        )
    return out


def _pairs(x: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every present value that follows an earlier present value of the same unit: the earlier value, the value,
    the years between them, and the position of the value (its earlier one: ``previous(hits)``)."""
    order = layout.order
    in_order = order[0] == 0 and (len(order) < 2 or order[-1] == len(order) - 1) and layout.follows is not None
    if in_order and not np.isnan(x).any():  # a complete panel in order: neighbours, no gather
        return x[:-1], x[1:], layout.step, layout.follows
    present = np.flatnonzero(~np.isnan(x[order]))
    sorted_at = order[present]
    economy = layout.economy[sorted_at]
    same = economy[1:] == economy[:-1]
    current, previous = sorted_at[1:][same], sorted_at[:-1][same]
    return x[previous], x[current], layout.year[current] - layout.year[previous], (current, previous)


@register_check("jump")
def jump(x: np.ndarray, context: Context, *, points: float = 25.0, ratio: float = 3.0, gap: int = 1) -> Findings:
    """A change from one year to the next that is too large to be real, and a series that returns after a gap.

    Too large: more than ``points`` (25) for a percentage or rate per 100, a factor of ``ratio`` (3) or more
    for a price or any other unit (from or to 0 counts as infinite). A gap: ``gap`` (1) or more years without
    a value between two values of the same unit (a series resumed after a gap may come from another source,
    or the years between were keyed under another code).
    """
    layout = context.layout
    if len(x) < 2:
        return _none()
    before, now, step, where = _pairs(x, layout)
    indicator = context.indicator
    relative = indicator is None or is_price(indicator) or not is_percentage(indicator)
    with np.errstate(invalid="ignore"):
        if relative:
            low, high = np.fmin(np.abs(before), np.abs(now)), np.fmax(np.abs(before), np.abs(now))
            big = (high > 0) & (high >= ratio * low)
        else:
            big = np.abs(now - before) > points
    resumed = step > gap
    flagged = big | resumed
    if isinstance(where, tuple):  # positions of the pairs
        hit = np.flatnonzero(flagged)
        at, origin = where[0][hit], where[1][hit]
    else:  # neighbours of one unit (``where``: the value follows one of the same unit)
        hit = np.flatnonzero(flagged & where)
        at, origin = hit + 1, hit
    if not hit.size:
        return _none()
    name = indicator.code if indicator is not None else "the series"
    limit = f"a factor of {_g(ratio)} or more" if relative else f"more than {_g(points)} points"

    def size(a: float, b: float) -> str | None:
        if not relative:
            return f"changes by {b - a:+.4g} points" if abs(b - a) > points else None
        low, high = sorted((abs(a), abs(b)))
        if high == 0 or high < ratio * low:
            return None
        return "changes from or to 0" if low == 0 else f"changes by a factor of {_g(high / low)}"

    def message(positions: np.ndarray) -> list[str]:  # the values of the findings listed only
        texts = []
        now_at, before_at = at[positions], origin[positions]
        for a, b, y0, y1 in zip(
            *(v.tolist() for v in (x[before_at], x[now_at], layout.year[before_at], layout.year[now_at])), strict=True
        ):
            change = size(a, b)
            gap_text = f"after a gap since {y0}" if y1 - y0 > gap else f"from {y0}"
            if change is not None:
                text = f"{name} {change} {gap_text} ({_g(a)}) to {y1} ({_g(b)}), {limit}"
            else:
                text = f"{name} returns in {y1} ({_g(b)}) {gap_text} ({_g(a)})"
            texts.append(text + ": check the source, the unit and the unit code")
        return texts

    return Findings(at, message)


# -- the built-in checks of units (which units have values, before imputation) -----------------------------
def _has(present: np.ndarray, context: Context) -> np.ndarray:
    """Whether each unit has any value."""
    return context.has if context.has is not None else present.any(axis=1)


def _unit_years(has: np.ndarray, layout: Layout) -> np.ndarray:
    """``(economies, years)``: whether each economy has any value in each year."""
    grid = np.zeros((len(layout.labels), len(layout.years)), dtype=bool)
    grid[layout.economy[has], layout.year_code[has]] = True
    return grid


@register_check("unit_in_one_year", scope="units")
def unit_in_one_year(present: np.ndarray, context: Context) -> Findings:
    """A unit with values in one year only of a panel with values in several years: often a mistyped code
    (``ID-SGG`` for ``ID-SG``) or a unit keyed once by mistake."""
    layout, has = context.layout, _has(present, context)
    grid = _unit_years(has, layout)
    if grid.any(axis=0).sum() < 2:
        return _none()
    once = grid.sum(axis=1) == 1
    at = np.flatnonzero(has & once[layout.economy])
    if not at.size:
        return _none()
    n_years = int(grid.any(axis=0).sum())
    labels, year = layout.labels[layout.economy[at]], layout.year[at]
    return Findings(
        at,
        lambda p: [
            f"'{labels[i]}' has values in {year[i]} only, while the panel has values in {n_years} years: "
            "a mistyped unit code, or a unit keyed once by mistake?"
            for i in p
        ],
        subject="",
    )


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character inserted, deleted, replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1 :]


def _deletion_keys(labels: pd.Series) -> pd.DataFrame:
    """Each label and each label with one character deleted (vectorised per position): labels one edit apart
    share a key."""
    keys = [pd.DataFrame({"key": labels.to_numpy(), "unit": labels.index})]
    for position in range(int(labels.str.len().max() or 0)):
        deleted = labels.str[:position] + labels.str[position + 1 :]
        keys.append(pd.DataFrame({"key": deleted.to_numpy(), "unit": labels.index}))
    return pd.concat(keys, ignore_index=True).drop_duplicates()


@register_check(
    "near_duplicate_unit",
    scope="units",
    default=lambda units: "off" if unit_kind(units) in ("economies", "iso3") else "warning",
)
def near_duplicate_unit(present: np.ndarray, context: Context) -> Findings:
    """A unit code one edit away (a character inserted, deleted, replaced, or two swapped) from another unit
    whose years it fills: the two never have values in the same year, and the unit with fewer years is
    reported, naming the other (``ID-SGG`` in 2021 only, ``ID-SG`` in every year but 2021)."""
    layout, has = context.layout, _has(present, context)
    grid = _unit_years(has, layout)
    panel_years = grid.any(axis=0)
    incomplete = np.flatnonzero(grid.any(axis=1) & (grid[:, panel_years].sum(axis=1) < panel_years.sum()))
    if len(incomplete) < 2:
        return _none()
    labels = pd.Series(np.asarray(layout.labels[incomplete], dtype=str), index=incomplete)
    keys = _deletion_keys(labels)
    pairs = keys.merge(keys, on="key")
    pairs = pairs[pairs["unit_x"] < pairs["unit_y"]].drop_duplicates(["unit_x", "unit_y"])
    a, b = pairs["unit_x"].to_numpy(), pairs["unit_y"].to_numpy()
    disjoint = ~(grid[a] & grid[b]).any(axis=1)
    a, b = a[disjoint], b[disjoint]
    close = np.asarray(
        [_one_edit(str(layout.labels[i]), str(layout.labels[j])) for i, j in zip(a, b, strict=True)], dtype=bool
    )
    a, b = a[close], b[close]
    if not a.size:
        return _none()
    count_a, count_b = grid[a].sum(axis=1), grid[b].sum(axis=1)
    filler = np.concatenate([a[count_a <= count_b], b[count_b <= count_a]])
    other = np.concatenate([b[count_a <= count_b], a[count_b <= count_a]])
    partner = dict(zip(filler.tolist(), other.tolist(), strict=True))
    at = np.flatnonzero(np.isin(layout.economy, filler) & has)
    if not at.size:
        return _none()
    economy = layout.economy[at]
    years = layout.years

    def message(positions: np.ndarray) -> list[str]:
        texts = []
        for i in positions:
            unit, near = economy[i], partner[int(economy[i])]
            own = years[grid[unit]].tolist()
            texts.append(
                f"'{layout.labels[unit]}' (values in {', '.join(map(str, own))}) is one edit away from "
                f"'{layout.labels[near]}', which has no value in those years: a mistyped '{layout.labels[near]}'?"
            )
        return texts

    return Findings(at, message, subject="")


# -- the built-in checks of scores (after the nominal evaluation) ----------------------------------------------
@register_check("thin_data", scope="scores")
def thin_data(x: np.ndarray, context: Context, *, share: float = 0.5) -> Findings:
    """A unit scored from reported values for fewer than ``share`` (0.5) of the framework's indicators:
    reported means present before imputation and not a publisher estimate (the spirit of the IDI 2024 rule
    that an economy needs data for at least 5 of 10 indicators). ``x`` are the node scores ``(units, nodes)``,
    ``context.reported`` the reported values ``(units, indicators)``."""
    framework, reported = context.framework, context.reported
    if framework is None or reported is None or reported.shape[1] == 0:
        return _none()
    scored = ~np.isnan(x[:, framework.aggregation_order.index(framework.index)])
    count = np.zeros(len(reported), dtype="int32")
    for column in reported.T:  # column by column: the matrix is stored by columns
        count += column
    total = reported.shape[1]
    at = np.flatnonzero(scored & (count < share * total))
    if not at.size:
        return _none()
    k = count[at]
    return Findings(
        at,
        lambda p: [
            f"scored from {k[i]} reported value(s) of {total} indicators, fewer than {share:.0%}: the others are "
            "imputed, publisher estimates or missing"
            for i in p
        ],
        subject=framework.index,
    )


@register_check("missing_category", scope="scores")
def missing_category(x: np.ndarray, context: Context) -> list[Findings]:
    """A node scored without one of its child nodes (a category, pillar or sub-index): e.g. the DOI of 2005
    from Infrastructure and Utilization alone. ``x`` are the node scores ``(units, nodes)`` in the framework's
    bottom-up order."""
    framework = context.framework
    if framework is None:
        return []
    nodes = framework.aggregation_order
    column = {code: j for j, code in enumerate(nodes)}
    out = []
    for node in nodes:
        scored = ~np.isnan(x[:, column[node]])
        for child in framework.node(node).children:
            if child.code in column and child.weight > 0:
                at = np.flatnonzero(scored & np.isnan(x[:, column[child.code]]))
                if at.size:
                    text = (
                        f"{node} scored without its {framework.label(child.code)} ({child.code}) score: the weights of "
                        "the other children are rescaled, so it is not comparable with a complete score"
                    )
                    out.append(Findings(at, text, subject=child.code))
    return out


# -- settings: the framework's, the build's, the defaults -------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """Which checks run with which severity and parameters: the build's ``checks=`` over the framework's
    ``checks:`` section over each check's default for the indicator (``all`` sets every check at once)."""

    framework: Framework
    overrides: Mapping[str, CheckSetting] = field(default_factory=dict)
    units: Any = "economies"

    def _layers(self, name: str) -> list[CheckSetting]:
        found = []
        for source in (self.overrides, self.framework.checks or {}):
            found += [s for s in (source.get(name), source.get("all")) if s is not None]
        return found

    def severity(self, name: str, indicator: Indicator | None = None) -> str:
        for setting in self._layers(name):
            if indicator is not None and setting.indicators and indicator.code in setting.indicators:
                return setting.indicators[indicator.code]
            if setting.severity is not None:
                return setting.severity
        method = checks.get(name)
        return method.default(
            indicator if method.scope == "indicator" else unit_kind(self.units) if method.scope == "units" else None
        )

    def params(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for setting in reversed(self._layers(name)):
            params |= setting.params()
        return params


# -- running the checks ----------------------------------------------------------------------------------------
@dataclass
class CheckedValues:
    """The values after the checks of values and units (zero prices set aside, totals derived), their sources,
    the female and male values, and the findings as issue rows (:data:`ISSUE_COLUMNS`)."""

    values: pd.DataFrame
    sources: pd.DataFrame | None
    sexes: dict[str, pd.DataFrame]
    issues: pd.DataFrame


class _Rows:
    """Issue rows gathered check by check; at most :data:`MAX_ROWS` per check and subject, plus one row
    counting the rest."""

    def __init__(self, layout: Layout, listed: np.ndarray | None, listed_years: set[int] | None) -> None:
        self.layout, self.listed, self.listed_years = layout, listed, listed_years
        self.frames: list[pd.DataFrame] = []
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, name: str, severity: str, found: Findings, subject: str, *, acted: bool = False) -> None:
        at = found.at
        unit = at >= 0
        if self.listed is not None:  # findings of the years built (and the changes that reach them)
            keep = np.zeros(len(at), dtype=bool)
            keep[unit] = (self.listed[0] if acted else self.listed[1])[at[unit]]
            if found.year is not None and (~unit).any():
                keep[~unit] = np.isin(found.year[~unit], sorted(self.listed_years or ()))
            positions = np.flatnonzero(keep)
        else:
            positions = np.arange(len(at))
        if not positions.size:
            return
        extra = max(0, len(positions) - MAX_ROWS)
        shown = positions[:MAX_ROWS]
        where = at[shown]
        inside = where >= 0
        economy = np.full(len(shown), "", dtype=object)
        economy[inside] = self.layout.labels[self.layout.economy[where[inside]]]
        year = np.full(len(shown), "", dtype=object)
        year[inside] = self.layout.year[where[inside]].astype(str)
        if found.year is not None:
            year[~inside] = np.asarray(found.year)[shown[~inside]].astype(str)
        names = found.subject if found.subject is not None else subject
        indicator = np.asarray(names, dtype=object)[shown] if isinstance(names, np.ndarray) else names
        frame = pd.DataFrame(
            {
                "severity": severity,
                "problem": name,
                "economy": economy,
                "indicator": indicator,
                "year": year,
                "message": found.messages(shown),
                "line": pd.NA,
            }
        )
        if extra:  # one row counts the findings not listed
            more = f"... and {extra:,} more finding(s) of {name}" + (f" on {subject}" if subject else "")
            row = [severity, name, "", subject, "", f"{more} (the first {MAX_ROWS:,} are listed)", pd.NA]
            frame = pd.concat([frame, pd.DataFrame([row], columns=ISSUE_COLUMNS)], ignore_index=True)
        self.frames.append(frame)
        self.counts[(name, severity)] = self.counts.get((name, severity), 0) + len(positions)

    def table(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        return pd.concat(self.frames, ignore_index=True)[ISSUE_COLUMNS]


def _listed(
    layout: Layout, years: Sequence[int] | None, window: int
) -> tuple[tuple[np.ndarray, np.ndarray] | None, set[int] | None]:
    """Which units' findings are listed: those of the years built; for a value a check changed, also the years
    an imputation may carry it from (``window`` years before the first year built)."""
    if years is None:
        return None, None
    built = set(int(y) for y in years)
    first = min(built)
    reach = set(range(first - window, max(built) + 1)) | built
    in_years = np.isin(layout.year, sorted(built))
    in_reach = np.isin(layout.year, sorted(reach))
    return (in_reach, in_years), built


def unit_kind(units: Any) -> str:
    """The kind of units (``economies``, ``iso3``, ``any``, ``table``) of a :class:`~ictindex.units.Units` or of
    its kind given as a string."""
    return str(getattr(units, "kind", units))


def _female_share_of(
    layout: Layout, panel: Callable[[], pd.DataFrame] | None, units: Any
) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``population(at)``: the female share of the population at those units, from the panel's population rows
    by sex (``SP.POP.TOTL`` or ``POP``), else from the units table's population by sex, else, for ISO3
    economies, the bundled World Bank WDI 2025 population by sex; the nearest earlier year when the year itself
    has none."""
    kind = unit_kind(units)

    def shares(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wanted = pd.DataFrame(
            {
                "economy": layout.labels[layout.economy[at]].astype(str),
                "year": layout.year[at],
                "_at": np.arange(len(at)),
            }
        )
        share = np.full(len(at), np.nan)
        basis = np.full(len(at), "", dtype=object)
        sources = [("population by sex in the panel", panel)]
        if kind == "table" and units.has_sex_population:
            sources.append(("population by sex in the units table", lambda: _table_population(units)))
        if kind in ("economies", "iso3"):
            sources.append(("World Bank WDI 2025 population by sex (bundled)", _bundled_population))
        for label, load in sources:
            need = np.isnan(share)
            if not need.any() or load is None:
                continue
            found = _shares_from(load(), wanted[need])
            hit = ~np.isnan(found)
            rows = np.flatnonzero(need)[hit]
            share[rows] = found[hit]
            basis[rows] = label
        return share, basis

    return shares


def _table_population(units: Any) -> pd.DataFrame:
    """A units table's population by sex as panel rows (``SP.POP.TOTL`` by sex; a figure without a year serves
    every year)."""
    table = units.population_series().dropna(subset=["population_female", "population_male"])
    year = table["year"].astype("Float64").fillna(0).astype("int64")
    rows = [
        pd.DataFrame(
            {"economy": table["economy"], "year": year, "indicator": "SP.POP.TOTL", "sex": sex, "value": table[column]}
        )
        for sex, column in (("female", "population_female"), ("male", "population_male"))
    ]
    return pd.concat(rows, ignore_index=True)


def _bundled_population() -> pd.DataFrame:
    from ictindex.datasets import load

    panel = load("itu")
    return panel[panel["indicator"].eq("SP.POP.TOTL") & panel["sex"].isin(["female", "male"])]


def _shares_from(panel: pd.DataFrame, wanted: pd.DataFrame) -> np.ndarray:
    """Female share at each wanted (economy, year), from female and male population rows (nearest earlier year)."""
    from ictindex.economies import POPULATION_SERIES

    if panel is None or panel.empty or "sex" not in panel.columns:
        return np.full(len(wanted), np.nan)
    rows = panel[panel["indicator"].isin(POPULATION_SERIES) & panel["sex"].isin(["female", "male"])]
    if rows.empty:
        return np.full(len(wanted), np.nan)
    rows = rows.astype({"economy": str, "sex": str, "indicator": str})
    rank = rows["indicator"].map({s: i for i, s in enumerate(POPULATION_SERIES)})
    rows = rows.assign(_rank=rank).sort_values("_rank", kind="stable").drop_duplicates(["economy", "year", "sex"])
    wide = rows.pivot_table(index=["economy", "year"], columns="sex", values="value", aggfunc="first", observed=True)
    if not {"female", "male"} <= set(wide.columns):
        return np.full(len(wanted), np.nan)
    share = (wide["female"] / (wide["female"] + wide["male"])).dropna()
    share = share[(share > 0) & (share < 1)].rename("share").reset_index()
    if share.empty:
        return np.full(len(wanted), np.nan)
    share["year"] = share["year"].astype("int64")
    left = wanted.assign(year=wanted["year"].astype("int64")).sort_values("year")
    merged = pd.merge_asof(left, share.sort_values("year"), on="year", by="economy", direction="backward")
    return merged.sort_values("_at")["share"].to_numpy(dtype="float64")


def _user_stacklevel() -> int:
    """The stack level of the first frame outside ictindex (where a warning should point)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("ictindex"):
        frame, level = frame.f_back, level + 1
    return level


def _warn(rows: _Rows, issues: pd.DataFrame) -> None:
    """One :class:`IctIndexWarning` per check that found something at severity ``warning``."""
    for (name, severity), count in rows.counts.items():
        if severity != "warning":
            continue
        found = issues[(issues["problem"] == name) & (issues["economy"] != "")]
        places = ", ".join(pd.unique(found["economy"].astype(str) + " " + found["year"].astype(str)).tolist()[:5])
        warnings.warn(
            IctIndexWarning(
                f"{name}: {count:,} finding(s)"
                + (f" ({places}{', ...' if count > 5 else ''})" if places else "")
                + f"; see result.issues (problem == '{name}')",
                problem=name,
                count=count,
            ),
            stacklevel=_user_stacklevel(),
        )


def _raise(issues: pd.DataFrame) -> None:
    """Stop at the findings of severity ``error``, naming the first and counting the others."""
    errors = issues[issues["severity"] == "error"]
    if errors.empty:
        return
    first = errors.iloc[0]
    more = len(errors) - 1
    raise PanelError(
        f"{first['problem']}: {first['message']}" + (f" ({more} more error(s) of the checks)" if more else ""),
        economy=first["economy"] or None,
        indicator=first["indicator"] or None,
        year=first["year"] or None,
        hint="correct the data; if they are right, set the check's severity: checks={'"
        + str(first["problem"])
        + "': 'warning'} (or 'off'), in build_index or in the framework's checks: section",
    )


def check_values(
    values: pd.DataFrame,
    framework: Framework,
    settings: Settings | None = None,
    *,
    sources: pd.DataFrame | None = None,
    sexes: Mapping[str, pd.DataFrame] | None = None,
    years: Sequence[int] | None = None,
    window: int = 0,
    panel: Callable[[], pd.DataFrame] | None = None,
    units: Any = "economies",
    stop: bool = True,
    inplace: bool = False,
) -> CheckedValues:
    """Run the checks of values and of units on a ``(economy, year) x indicator`` matrix before imputation.

    Parameters
    ----------
    values, sources
        The framework's indicator values and their sources (:func:`ictindex.derive.indicator_values`); never
        changed in place.
    settings
        Severities and parameters (default: the framework's ``checks:`` and each check's default).
    sexes
        The female and male matrices (same index), for ``sex_total``.
    years, window
        The years built: findings are listed for them (and, for a value a check changed, for the ``window``
        years before, from which imputation may carry it); default: every year.
    panel
        Returns the validated panel, for population rows by sex (called only when a total is to be derived).
    units
        The build's :class:`~ictindex.units.Units` (or their kind): a units table's population by sex, else for
        ISO3 economies the bundled population by sex, is used where the panel has none.
    stop
        Raise at findings of severity ``error`` and warn about the others (a build); ``False`` only lists
        them (validation, :func:`ictindex.describe`).
    inplace
        Write the values a check changes into ``values`` itself (a build's own matrix: no copy of millions of
        values); by default ``values`` is left as it is and the result holds a changed copy.
    """
    settings = settings or Settings(framework)
    layout = Layout.from_index(values.index)
    listed, listed_years = _listed(layout, years, window)
    rows = _Rows(layout, listed, listed_years)
    # one array per indicator (views of the frame's columns); a column a check changes is copied first
    x = [values[code].to_numpy(dtype="float64") for code in values.columns]
    changed: set[int] = set()
    sex_arrays = {
        s: frame.reindex(values.index).to_numpy(dtype="float64", copy=True) for s, frame in (sexes or {}).items()
    }
    source_notes: list[tuple[int, np.ndarray, np.ndarray]] = []
    population = _female_share_of(layout, panel, units)
    for method in checks.methods():
        if method.scope != "indicator":
            continue
        params = settings.params(method.name)
        for j, indicator in enumerate(framework.indicators):
            severity = settings.severity(method.name, indicator)
            if severity == "off" or severity not in SEVERITIES:
                continue
            sexed = indicator.sex_disaggregable and "female" in sex_arrays and "male" in sex_arrays
            context = Context(
                layout,
                framework,
                indicator,
                female=sex_arrays["female"][:, j] if sexed else None,
                male=sex_arrays["male"][:, j] if sexed else None,
                population=population,
            )
            for found in _as_list(method.fn(x[j], context, **params)):
                acted = found.values is not None or found.drop_sexes
                if acted and severity != "error":
                    if found.values is not None:
                        if inplace:  # the frame's own column (pandas copies it only if it is shared)
                            values.iloc[found.at, j] = found.values
                            x[j] = values.iloc[:, j].to_numpy(dtype="float64")
                        else:
                            x[j] = x[j].copy() if j not in changed else x[j]
                            x[j][found.at] = found.values
                        changed.add(j)
                        source_notes.append((j, found.at, _derivation(method.name, found.values)))
                    if found.drop_sexes:
                        for s in sex_arrays:
                            sex_arrays[s][found.at, j] = np.nan
                rows.add(method.name, severity, found, indicator.code, acted=acted)
    for j in changed:  # the female and male indices share the total's value of a common indicator
        if not framework.indicators[j].sex_disaggregable:
            for s in sex_arrays:
                sex_arrays[s][:, j] = x[j]
    present = np.column_stack([~np.isnan(column) for column in x]) if x else np.zeros((len(values), 0), dtype=bool)
    has = present.any(axis=1)
    for method in checks.methods():
        if method.scope != "units":
            continue
        severity = settings.severity(method.name)
        if severity == "off":
            continue
        for found in _as_list(method.fn(present, Context(layout, framework, has=has), **settings.params(method.name))):
            rows.add(method.name, severity, found, "")
    issues = rows.table()
    if stop:
        _raise(issues)
        _warn(rows, issues)
    out_values = values
    if changed and not inplace:
        out_values = values.copy(deep=False)
        for j in changed:
            out_values[values.columns[j]] = x[j]
    out_sources = sources
    if sources is not None and source_notes:
        out_sources = sources.copy()
        for j, at, text in source_notes:
            column = out_sources.iloc[:, j].astype(object).to_numpy(copy=True)
            column[at] = text
            out_sources[out_sources.columns[j]] = column
    out_sexes = {s: pd.DataFrame(a, index=values.index, columns=values.columns) for s, a in sex_arrays.items()}
    return CheckedValues(out_values, out_sources, out_sexes, issues)


def _derivation(name: str, values: np.ndarray) -> np.ndarray:
    """The source text of the values a check changed: empty where set aside, "derived by ..." where derived."""
    derived = f"derived by {name}" + (
        " from the female and male values weighted by population by sex" if name == "sex_total" else ""
    )
    return np.where(np.isnan(np.asarray(values, dtype="float64")), "", derived)


def check_scores(
    scores: np.ndarray,
    framework: Framework,
    index: pd.MultiIndex,
    reported: np.ndarray,
    settings: Settings | None = None,
    *,
    stop: bool = True,
) -> pd.DataFrame:
    """Run the checks of scores on the nominal node scores ``(units, nodes)`` (bottom-up order) with the
    matrix of reported values ``(units, indicators)``; returns the issue rows."""
    settings = settings or Settings(framework)
    layout = Layout.from_index(index)
    rows = _Rows(layout, None, None)
    context = Context(layout, framework, reported=reported)
    for method in checks.methods():
        if method.scope != "scores":
            continue
        severity = settings.severity(method.name)
        if severity == "off":
            continue
        for found in _as_list(method.fn(scores, context, **settings.params(method.name))):
            rows.add(method.name, severity, found, "")
    issues = rows.table()
    if stop:
        _raise(issues)
        _warn(rows, issues)
    return issues


def needs_sexes(checked: Any, framework: Framework, settings: Settings) -> bool:
    """Whether the sex_total check needs the female and male values: it is on for a sex-disaggregable indicator
    and the validated panel (:class:`~ictindex.panel.PanelCheck`) has female or male rows."""
    if not any(i.sex_disaggregable and settings.severity("sex_total", i) != "off" for i in framework.indicators):
        return False
    sex = checked.wide.sex if checked.wide is not None else checked.panel["sex"].array
    other = [c for c, label in enumerate(sex.categories) if label != "total"]
    return bool(other) and bool(np.isin(sex.codes, other).any())


def check_panel(
    checked: Any, framework: Framework, checks: str | Mapping[str, Any] | None = None, units: Any = "economies"
) -> pd.DataFrame:
    """The findings of the checks of values and units on a validated panel (every year; nothing is set aside,
    raised or warned): the issue rows :func:`ictindex.validate_panel` adds with a framework."""
    from ictindex.derive import indicator_values
    from ictindex.spec import _checks

    settings = Settings(framework, dict(_checks(checks, framework)), units)
    values, sources = indicator_values(checked.values, framework)
    sexes = {}
    if needs_sexes(checked, framework, settings):
        sexes = {s: indicator_values(checked.values, framework, sex=s)[0] for s in ("female", "male")}
        index = values.index
        for frame in sexes.values():
            index = index.union(frame.index)
        index = index.sortlevel()[0] if len(index) and not index.is_monotonic_increasing else index
        values, sources = values.reindex(index), sources.reindex(index)
    if values.empty:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    return check_values(
        values,
        framework,
        settings,
        sources=sources,
        sexes=sexes,
        panel=lambda: checked.panel,
        units=units,
        stop=False,
        inplace=True,
    ).issues
