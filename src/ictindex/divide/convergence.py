"""Sigma-convergence on a balanced panel and beta-convergence (Barro, R. J. and Sala-i-Martin, X.,
"Convergence", *Journal of Political Economy* 100(2), 1992)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.divide.inequality import inequality
from ictindex.errors import CoverageError, MethodError
from ictindex.units import (  # checked numbers (issue 30)
    values_of,
)

if TYPE_CHECKING:
    from ictindex.result import IndexResult


@dataclass(frozen=True)
class Convergence:
    """``sigma``: dispersion per year on a balanced panel; ``beta``: growth on initial level (one row);
    ``economies``: the balanced panel; ``left_out``: economies without a value in every year, and why."""

    sigma: pd.DataFrame
    beta: pd.DataFrame
    economies: list[str]
    left_out: pd.DataFrame
    note: str


def convergence(
    data: IndexResult | pd.DataFrame,
    *,
    column: str | None = None,
    years: Sequence[int] | None = None,
    population: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> Convergence:
    """Sigma- and beta-convergence of a node or indicator over ``years`` (default: all years).

    Both use a **balanced panel**: only economies with a value in every year, so a change in
    dispersion is not a change in the set of economies; the others are listed in ``left_out``.

    * sigma-convergence: :func:`inequality` per year on that panel (sd, cv, Gini, Theil ...); dispersion
      falling over time is sigma-convergence.
    * beta-convergence (Barro and Sala-i-Martin 1992): the annual log growth
      ``g_i = ln(x_iT / x_i0) / T`` regressed on ``ln x_i0`` by OLS (:func:`scipy.stats.linregress`).
      A negative slope ``beta`` means laggards grow faster. Reported: slope, its ``1 - alpha`` confidence
      interval (Student t, n - 2 d.f.), p-value, R², the implied speed ``b = -ln(1 + beta T) / T`` and
      half-life ``ln 2 / b`` in years. Economies with a zero value at either end have no log growth and
      are listed in ``left_out``. For bounded scores (shares, indices capped at 1) part of any convergence
      is mechanical: economies near the ceiling cannot grow much.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise MethodError(f"alpha must be a number between 0 and 1, got {alpha!r}", field="alpha", hint="e.g. 0.05")
    values = values_of(data, column, years)
    span = sorted(values["year"].unique())
    if len(span) < 2:
        raise CoverageError(
            "convergence needs at least two years",
            year=span[0] if span else None,
            hint="build the index for several years",
        )
    plural = "economies" if isinstance(data, pd.DataFrame) else data.units.plural
    balanced, left_out = _balanced(values, span, plural)
    panel = values[values["economy"].isin(balanced)]
    note = f"balanced panel: {len(balanced)} {plural} with a value in every year {span[0]}-{span[-1]}"
    sigma = inequality(panel, population=population).assign(panel=note)
    beta, zero = _beta(panel, span, len(balanced), alpha, column, note)
    left_out = pd.concat([left_out, zero], ignore_index=True)
    return Convergence(sigma, beta, balanced, left_out, note)


def _balanced(values: pd.DataFrame, span: list, plural: str) -> tuple[list, pd.DataFrame]:
    """The economies with a value in every year of ``span`` (at least three), and the others with the reason."""
    counts = values.groupby("economy")["year"].nunique()
    balanced = sorted(counts[counts == len(span)].index)
    left_out = pd.DataFrame({"economy": sorted(counts[counts < len(span)].index)})
    left_out["reason"] = [f"values in {counts[e]} of {len(span)} years" for e in left_out["economy"]]
    if len(balanced) < 3:
        raise CoverageError(
            f"only {len(balanced)} {plural} have a value in every year {span[0]}-{span[-1]}", hint="choose fewer years"
        )
    return balanced, left_out


def _beta(
    panel: pd.DataFrame, span: list, n_balanced: int, alpha: float, column: str | None, note: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Beta-convergence on the balanced panel (one row), and the economies left out for a zero value at either end."""
    from scipy import stats  # imported where used (issue 25: a light `import ictindex`)

    first = panel[panel["year"] == span[0]].set_index("economy")["value"]
    last = panel[panel["year"] == span[-1]].set_index("economy")["value"].reindex(first.index)
    positive = (first > 0) & (last > 0)
    zero = pd.DataFrame({"economy": first.index[~positive], "reason": "zero value: no log growth (beta only)"})
    horizon = span[-1] - span[0]
    if positive.sum() < 3:  # the regression and its n - 2 degrees of freedom need three economies
        raise CoverageError(
            f"beta-convergence needs at least 3 economies with a value above zero in both {span[0]} and "
            f"{span[-1]}; {int(positive.sum())} of the {n_balanced} in the balanced panel have one",
            year=f"{span[0]}, {span[-1]}",
            indicator=column,
            hint="choose other end years, or a node or indicator without zero values",
        )
    x0 = np.log(first[positive].to_numpy())
    growth = (np.log(last[positive].to_numpy()) - x0) / horizon
    if np.ptp(x0) == 0:
        raise MethodError(
            f"every economy starts at the same level in {span[0]}: growth cannot be regressed on it",
            year=int(span[0]),
            indicator=column,
            hint="choose another start year",
        )
    fit = stats.linregress(x0, growth)
    t = stats.t.ppf(1 - alpha / 2, len(x0) - 2)
    speed = -math.log(1 + fit.slope * horizon) / horizon if 1 + fit.slope * horizon > 0 else np.nan
    beta = pd.DataFrame(
        [
            {
                "start_year": int(span[0]),
                "end_year": int(span[-1]),
                "economies": len(x0),
                "slope": fit.slope,
                "ci_low": fit.slope - t * fit.stderr,
                "ci_high": fit.slope + t * fit.stderr,
                "confidence": 1 - alpha,
                "intercept": fit.intercept,
                "p_value": fit.pvalue,
                "r_squared": fit.rvalue**2,
                "speed": speed,
                "half_life": math.log(2) / speed if speed > 0 else np.nan,
                "converging": bool(fit.slope < 0 and fit.pvalue < alpha),
                "panel": note,
            }
        ]
    )
    return beta, zero
