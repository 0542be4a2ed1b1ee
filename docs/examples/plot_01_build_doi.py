"""
Build an index in one call
==========================

``build_index`` turns a tidy indicator panel into scores and ranks. Here: the Digital Opportunity Index on the
series ITU collects today (``doi_current``), 2023, from the bundled ITU DataHub panel. The result renders as a
card in a notebook: the framework, the years, the units scored, the problems found and the top of the ranking.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)  # the checks' findings are in result.issues

panel = datasets.load("itu")
result = ictindex.build_index(panel, "doi_current", years=2023)
result

# %%
# The ranking chart of the 25 best-scored economies, with the flags of the ranking.
result.plot.ranking_chart(year=2023, top=25)
