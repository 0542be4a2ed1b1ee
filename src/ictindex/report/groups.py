"""Economy groupings for report tables and charts: re-exported from :mod:`ictindex.economies`,
where groups (UN SDG region, World Bank income group, LDC/LLDC/SIDS as of the data year, ITU region)
and population by year now live."""

from __future__ import annotations

import pandas as pd

from ictindex.economies import GROUPINGS, INCOME_ORDER, economy_groups, group_means
from ictindex.resources import bundled_dir

__all__ = ["GROUPINGS", "INCOME_ORDER", "economy_groups", "group_means", "itu_member_states"]


def itu_member_states() -> frozenset[str]:
    """ISO3 codes of the 194 ITU Member States (UN members and the Holy See; Palau since 2024-09-19),
    from the bundled ``data/itu_members/itu_member_states.csv`` (see its PROVENANCE.md)."""
    table = pd.read_csv(bundled_dir("data") / "itu_members" / "itu_member_states.csv", dtype="str")
    return frozenset(table["iso3"])
