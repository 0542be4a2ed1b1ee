"""
Your own units: a units table
=============================

Units need not be the world's economies: a **units table** (code, name, groupings, population) lists the units
expected, names them in tables and charts, and groups them. Here the economies of ITU's Africa region stand for a
statistical office's provinces, with the word ``country``.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
regions = datasets.itu_regions()
africa = regions[regions["itu_region"] == "Africa"]
names = ictindex.Units().name
units = ictindex.read_units(
    africa.assign(unit=africa["economy"], name=[names(c) for c in africa["economy"]])[["unit", "name"]],
    noun="country",
)
panel = datasets.load("itu")
panel = panel[panel["economy"].isin(africa["economy"])]
result = ictindex.build_index(panel, "doi_current", years=2023, units=units)
result

# %%
result.plot.ranking_chart(year=2023, top=20)
