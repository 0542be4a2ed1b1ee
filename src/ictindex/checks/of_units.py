"""The built-in checks of units (which units have values, before imputation): a unit seen in one year only, a unit
code one keystroke away from another."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex.checks.context import Context, Findings, Layout, _none, unit_kind
from ictindex.method_table import register_check


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
