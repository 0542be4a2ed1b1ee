"""
Female and male indices
=======================

``by_sex=True`` builds the female and male indices with the goalposts and weights of the total, and the gender
table: parity score F/M, gap, parity band (ITU: 0.98-1.02).
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_gender", by_sex=True)
year = max(result.gender["year"])
result.gender.query("node == 'DOI' and year == @year").sort_values("parity").head(8).round(3)

# %%
result.plot.gender_dumbbell(year=year)
