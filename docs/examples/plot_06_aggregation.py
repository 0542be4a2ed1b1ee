"""
Another aggregation: geometric mean of the categories
=====================================================

``aggregation=`` overrides how nodes combine their children. A geometric mean at the top penalises an unbalanced
profile. The scores equal those of ``compile_model(...).evaluate(aggregation=...)``; ``compare`` sets the two
rankings side by side.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
panel = datasets.load("itu")
arithmetic = ictindex.build_index(panel, "doi_current", years=2023)
geometric = ictindex.build_index(panel, "doi_current", years=2023, aggregation={"DOI": "geometric"})
comparison = ictindex.compare(arithmetic, geometric, labels=("arithmetic", "geometric"))
comparison

# %%
arithmetic.plot.rank_shift_chart(geometric, labels=("arithmetic", "geometric"), top=20)
