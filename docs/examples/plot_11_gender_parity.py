"""
Gender parity of every series
=============================

``result.gender_indicators`` holds the parity score of each sex-disaggregated series of the input; the parity
chart shows where economies lie against the parity band.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_gender", by_sex=True)
result.gender_indicators.head(8).round(3)

# %%
result.plot.parity_chart()
