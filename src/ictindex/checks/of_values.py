"""The built-in checks of values (one indicator at a time, before imputation): a percentage keyed as a fraction,
a zero price, a total outside its female-male range, a jump between years."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from ictindex.checks.context import Context, Findings, Layout, _g, _none, _scale_top, is_percentage, is_price
from ictindex.method_table import register_check

if TYPE_CHECKING:
    from ictindex.framework import Indicator


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
        # (counts of the codes of the values above: a few bytes a unit, not a float weight per unit)
        above = np.bincount(layout.year_code[x > largest], minlength=n_years)
        flagged = np.flatnonzero(above == 0)
        if flagged.size:
            positive = np.bincount(layout.year_code[x > 0], minlength=n_years)
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
    out = _total_outside_range(x, female, male, pair & total, indicator, name, tolerance)
    lone = np.flatnonzero(pair & ~total)
    return (out + _total_derived(lone, female, male, context, name)) if lone.size else out


def _total_outside_range(
    x: np.ndarray,
    female: np.ndarray,
    male: np.ndarray,
    both: np.ndarray,
    indicator: Indicator | None,
    name: str,
    tolerance: float | None,
) -> list[Findings]:
    """Totals outside the female-male range by more than the tolerance (where all three are given: ``both``)."""
    low, high = np.fmin(female, male), np.fmax(female, male)
    if tolerance is None:
        tol = 0.5 if indicator is not None and is_percentage(indicator) else 0.01 * np.fmax(np.abs(low), np.abs(high))
    else:
        tol = tolerance
    with np.errstate(invalid="ignore"):
        outside_at = np.flatnonzero(both & ((x < low - tol) | (x > high + tol)))
    if not outside_at.size:
        return []
    t, fo, mo = x[outside_at], female[outside_at], male[outside_at]
    return [
        Findings(
            outside_at,
            lambda p: [
                f"the total {_g(t[i])} of {name} lies outside its female-male range ({_g(fo[i])} women, "
                f"{_g(mo[i])} men): check that the three come from one survey and year"
                for i in p
            ],
        )
    ]


def _total_derived(
    lone: np.ndarray, female: np.ndarray, male: np.ndarray, context: Context, name: str
) -> list[Findings]:
    """Female and male pairs without a total (at ``lone``): the total derived where the population by sex is
    known, else the pair set aside."""
    out: list[Findings] = []
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


#: Units a check of consecutive years looks at in one block: its work arrays stay a few MiB however many units.
PAIR_BLOCK = 1 << 18


def _pairs(
    x: np.ndarray, layout: Layout
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Every present value that follows an earlier present value of the same unit, a block of units (in
    economy-year order) at a time: the earlier value, the value, the years between them, the position of the
    value and of the earlier one."""
    n = len(x)
    if layout.follows is not None and layout.step is not None and not np.isnan(x).any():
        # a complete panel in order: neighbours in the array itself, no gather
        for start in range(0, n - 1, PAIR_BLOCK):
            stop = min(start + PAIR_BLOCK, n - 1)
            same = layout.follows[start:stop]
            current = np.flatnonzero(same) + (start + 1)
            before, now, step = x[start:stop][same], x[start + 1 : stop + 1][same], layout.step[start:stop][same]
            yield before, now, step, current, current - 1
        return
    order = layout.order
    carried = np.zeros(0, dtype=order.dtype)  # the last present value before the block
    for start in range(0, n, PAIR_BLOCK):
        block = order[start : start + PAIR_BLOCK]
        present = np.concatenate([carried, block[~np.isnan(x[block])]])
        carried = present[-1:]
        economy = layout.economy[present]
        same = economy[1:] == economy[:-1]
        current, previous = present[1:][same], present[:-1][same]
        yield x[previous], x[current], layout.year[current] - layout.year[previous], current, previous


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
    indicator = context.indicator
    relative = indicator is None or is_price(indicator) or not is_percentage(indicator)
    found_at, found_origin = [], []
    for before, now, step, current, previous in _pairs(x, layout):
        with np.errstate(invalid="ignore"):
            if relative:
                low, high = np.fmin(np.abs(before), np.abs(now)), np.fmax(np.abs(before), np.abs(now))
                big = (high > 0) & (high >= ratio * low)
            else:
                big = np.abs(now - before) > points
        flagged = np.flatnonzero(big | (step > gap))
        found_at.append(current[flagged])
        found_origin.append(previous[flagged])
    at = np.concatenate(found_at) if found_at else np.zeros(0, dtype="intp")
    origin = np.concatenate(found_origin) if found_origin else np.zeros(0, dtype="intp")
    if not at.size:
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
