"""Economy groupings for report tables and charts: UN SDG region, World Bank income group, population.

ITU's own regions (Africa, Americas, Arab States, Asia-Pacific, CIS, Europe) are in no bundled
source, so reports group by the UN SDG regions and the World Bank income groups, and say so.
"""

from __future__ import annotations

import pandas as pd

from ictindex import datasets
from ictindex.countries import report_name

__all__ = ["GROUPINGS", "economy_groups"]

#: Grouping column -> its label in tables and charts.
GROUPINGS = {"region": "UN SDG region", "income": "World Bank income group"}

_REGION_LABELS = {
    "europe and northern america": "Europe and Northern America",
    "sub saharan africa": "Sub-Saharan Africa",
    "latin america and the caribbean": "Latin America and the Caribbean",
    "northern africa and western asia": "Northern Africa and Western Asia",
    "oceania exc australia and new zealand": "Oceania (excl. Australia and New Zealand)",
    "eastern and south eastern asia": "Eastern and South-Eastern Asia",
    "central and southern asia": "Central and Southern Asia",
    "australia and new zealand": "Australia and New Zealand",
}
_INCOME_LABELS = {
    "high income": "High income",
    "upper middle income": "Upper-middle income",
    "lower middle income": "Lower-middle income",
    "low income": "Low income",
}
INCOME_ORDER = list(_INCOME_LABELS.values())


def economy_groups(year: int | None = None) -> pd.DataFrame:
    """Per economy (ISO3 index): ``name`` (as ITU prints it), ``region``, ``income``, and with
    ``year`` the ``population`` and the ``population_year`` it refers to."""
    table = datasets.economies(year).set_index("iso3")
    out = pd.DataFrame({
        "name": [report_name(code) for code in table.index],
        "region": table["un_region"].map(_REGION_LABELS),
        "income": table["income_group"].map(_INCOME_LABELS),
    }, index=table.index)
    if year is not None:
        out["population"] = table["population"].astype("float64")
        out["population_year"] = table["population_year"]
    out.index.name = "economy"
    return out
