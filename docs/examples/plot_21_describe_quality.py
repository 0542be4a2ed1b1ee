"""
Data quality before the build
=============================

:func:`ictindex.describe` tells, per indicator, how many values there are, their range, and what the checks found
(jumps, zero prices, values out of range). Findings carry flags into every table of a build.
"""

import ictindex
from ictindex import datasets

table = ictindex.describe(datasets.load("itu"), "doi_current")
table.head(10)

# %%
check = ictindex.validate_panel(datasets.load("itu"), ictindex.load_framework("doi_current"))
check
