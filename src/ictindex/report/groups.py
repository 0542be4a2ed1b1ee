"""Economy groupings for report tables and charts: re-exported from :mod:`ictindex.economies`,
where groups (UN SDG region, World Bank income group, LDC/LLDC/SIDS as of the data year, ITU region)
and population by year now live."""

from __future__ import annotations

from ictindex.economies import GROUPINGS, INCOME_ORDER, economy_groups, group_means

__all__ = ["GROUPINGS", "INCOME_ORDER", "economy_groups", "group_means"]
