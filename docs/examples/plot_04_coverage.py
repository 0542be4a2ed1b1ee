"""
What was left out, and why
==========================

No unit is silently dropped: ``result.excluded`` lists every economy-year without an index score with the reason,
``result.coverage`` every node scored with children missing. The distribution chart shows the scores by region.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
result.excluded.head(10)

# %%
result.plot.distribution_chart(year=2023)
