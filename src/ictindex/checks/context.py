"""What a check sees and what it finds: the layout of the value arrays (:class:`Layout`), the context of one
check (:class:`Context`), its :class:`Findings`, and the unit tests of an indicator (:func:`is_percentage`,
:func:`is_price`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex._arrays import smallest_int

if TYPE_CHECKING:
    from ictindex.framework import Framework, Indicator


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
    is the position of that year in ``years``; ``order`` lists the units by economy, then year.

    The arrays are as small as their values allow (codes of the index's own integer type, years as int32):
    a layout of millions of units is held through a whole checks stage. ``order``, ``follows`` and ``step``
    (what a check of consecutive years needs) are made when first asked for."""

    economy: np.ndarray
    labels: np.ndarray
    year: np.ndarray
    years: np.ndarray
    year_code: np.ndarray

    @classmethod
    def from_arrays(cls, economy: Sequence[str] | np.ndarray, year: Sequence[int] | np.ndarray) -> Layout:
        codes, labels = pd.factorize(np.asarray(economy, dtype=object), sort=True)
        year = np.asarray(year, dtype="int64")
        years = np.unique(year)
        return cls(_compact(codes), np.asarray(labels, dtype=object), year, years, np.searchsorted(years, year))

    @classmethod
    def from_index(cls, index: pd.MultiIndex) -> Layout:
        """The layout of a ``(economy, year)`` index (the rows of :func:`ictindex.derive.indicator_values`)."""
        if len(index) == 0:
            return cls.from_arrays([], [])
        labels, economy = _sorted_level(index, 0)
        years, year_code = _sorted_level(index, 1)  # the index's own codes: no sort of millions of years
        years = years.astype("int64")
        year = years.astype("int32")[year_code] if len(years) and np.abs(years).max() < 2**31 else years[year_code]
        return cls(economy, labels, year, years, year_code)

    def __len__(self) -> int:
        return len(self.economy)

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        key = self.economy.astype("int64") * max(len(self.years), 1) + self.year_code
        if len(key) < 2 or (key[1:] > key[:-1]).all():  # in order already (the rows of indicator_values)
            economy, year = self.economy, self.year
            return np.arange(len(key)), economy[1:] == economy[:-1], year[1:] - year[:-1]
        return np.argsort(key, kind="stable"), None, None

    @property
    def order(self) -> np.ndarray:
        """The units by economy, then year (positions)."""
        return self._sorted[0]

    @property
    def follows(self) -> np.ndarray | None:
        """Units in order: whether unit ``i + 1`` is the same economy as unit ``i`` (``None``: not in order)."""
        return self._sorted[1]

    @property
    def step(self) -> np.ndarray | None:
        """Units in order: years from unit ``i`` to unit ``i + 1`` (``None``: not in order)."""
        return self._sorted[2]


def _compact(codes: np.ndarray) -> np.ndarray:
    """Non-negative codes in the smallest signed integer type that holds them."""
    return codes.astype(smallest_int(int(codes.max(initial=0))))


def _sorted_level(index: pd.MultiIndex, level: int) -> tuple[np.ndarray, np.ndarray]:
    """A level's labels in sorted order and every row's code in it (the index's own codes when the level is
    sorted: no copy)."""
    labels = np.asarray(index.levels[level], dtype=object)
    codes = index.codes[level]
    if not index.levels[level].is_monotonic_increasing:
        order = np.argsort(labels.astype(str) if level == 0 else labels.astype("int64"), kind="stable")
        rank = np.empty(len(order), dtype="int64")
        rank[order] = np.arange(len(order))
        labels, codes = labels[order], _compact(rank)[codes]
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

    def __repr__(self) -> str:  # short (issue 27)
        return f"<Findings of a check: {len(self.at)} findings>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import check_findings_card

        return check_findings_card(self).html()

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


def unit_kind(units: Any) -> str:
    """The kind of units (``economies``, ``iso3``, ``any``, ``table``) of a :class:`~ictindex.units.Units` or of
    its kind given as a string."""
    return str(getattr(units, "kind", units))
