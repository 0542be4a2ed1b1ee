"""Unit groupings for report tables and charts: re-exported from :mod:`ictindex.units`, where groups (UN SDG
region, World Bank income group, LDC/LLDC/SIDS as of the data year, ITU region, or a units table's own), population
by year, group means and the ITU Member States live."""

from __future__ import annotations

from ictindex.units import GROUPINGS, INCOME_ORDER, economy_groups, group_means, itu_member_states

__all__ = ["GROUPINGS", "INCOME_ORDER", "economy_groups", "group_means", "itu_member_states"]
