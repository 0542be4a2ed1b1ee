"""
Is the divide closing? Sigma-convergence
========================================

The dispersion of the index over the years, on a balanced panel (the same economies every year):
coefficient of variation and Gini, unweighted and population-weighted (:func:`ictindex.divide.convergence`).
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=[2019, 2020, 2021, 2022, 2023])
result.plot.sigma_convergence_chart()
