"""Economy metadata: now part of :mod:`ictindex.units`, the one home of unit metadata (codes, names, groups,
population, group means). The names below stay importable from here.
"""

from __future__ import annotations

from ictindex.units import (
    GROUPINGS,
    INCOME_ORDER,
    ITU_REGION_NOT_ASSIGNED,
    LDC_GRADUATIONS,
    POPULATION_SERIES,
    economy_groups,
    group_means,
    population,
)

__all__ = [
    "GROUPINGS",
    "INCOME_ORDER",
    "ITU_REGION_NOT_ASSIGNED",
    "LDC_GRADUATIONS",
    "POPULATION_SERIES",
    "economy_groups",
    "population",
    "group_means",
]
