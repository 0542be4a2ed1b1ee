"""Lorenz curves of one node or indicator in one year, each unit once and population-weighted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.divide.inequality import inequality
from ictindex.errors import MethodError
from ictindex.units import (  # checked numbers (issue 30)
    groups_and_population,
    population_by_year,
    values_of,
)

if TYPE_CHECKING:
    from ictindex.result import IndexResult


@dataclass(frozen=True)
class Lorenz:
    """Lorenz curves of one node or indicator in one year: ``curves`` has ``weighting`` (``units``: each once;
    ``population``: population-weighted), ``x`` (cumulative share of units or population, lowest values first)
    and ``y`` (cumulative share of the value total), from (0, 0) to (1, 1); ``gini`` per weighting; ``units``
    the number of units with a value; ``label`` what was measured; ``noun`` what the units are (plural)."""

    year: int
    label: str
    units: int
    curves: pd.DataFrame
    gini: dict[str, float]
    noun: str = "economies"


def lorenz(
    data: IndexResult | pd.DataFrame,
    *,
    year: int | None = None,
    column: str | None = None,
    population: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
) -> Lorenz:
    """Lorenz curves of a node or indicator in ``year`` (default: the latest): units ranked by value, the
    cumulative share of units (each once) and of population against the cumulative share of the value total
    (Cowell 2011, ch. 2.2); the Gini coefficients are those of :func:`inequality`.

    >>> curve = lorenz(pd.DataFrame({"economy": list("ABCD"), "year": 2020, "value": [10.0, 20.0, 30.0, 60.0]}),
    ...                population=pd.DataFrame({"economy": list("ABCD"), "population": 1.0}))
    >>> curve.curves.query("weighting == 'units'")["y"].round(3).tolist(), round(curve.gini["units"], 4)
    ([0.0, 0.083, 0.25, 0.5, 1.0], 0.3333)
    """
    values = values_of(data, column)
    year = int(values["year"].max()) if year is None else int(year)
    values = values[values["year"] == year]
    if values.empty:
        raise MethodError(f"no values in {year}", year=year)
    table = inequality(values, groups=groups, population=population).iloc[0]
    groups, population = groups_and_population(groups, population, None)
    pop = population_by_year(population, [year])
    weighted = values.merge(pop, on=["economy", "year"]).sort_values("value", kind="stable")
    plain = values.sort_values("value", kind="stable")
    frames = []
    for name, frame, w in (
        ("units", plain, np.ones(len(plain))),
        ("population", weighted, weighted["population"].to_numpy(dtype="float64")),
    ):
        if not len(frame):
            continue
        mass = frame["value"].to_numpy() * w
        frames.append(
            pd.DataFrame(
                {
                    "weighting": name,
                    "x": np.concatenate([[0.0], np.cumsum(w) / w.sum()]),
                    "y": np.concatenate([[0.0], np.cumsum(mass) / mass.sum()]),
                }
            )
        )
    if isinstance(data, pd.DataFrame):
        label, noun = column or "value", "economies"
    else:
        code = data.framework.index if column is None else column
        label, noun = data.framework.label(code), data.units.plural
    return Lorenz(
        year=year,
        label=label,
        units=len(plain),
        curves=pd.concat(frames, ignore_index=True),
        gini={"units": float(table["gini"]), "population": float(table["gini_weighted"])},
        noun=noun,
    )
