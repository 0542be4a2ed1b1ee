"""
Inspect every stage for one economy
===================================

Every value on its way to a score is kept: raw, imputed, normalised, its source and its flag. ``lookup`` gives
them for one economy and year; the profile chart sets its scores beside the world's.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=[2022, 2023])
result.lookup("KOR", 2023).round(3)

# %%
result.plot.profile_chart("KOR", year=2023)
