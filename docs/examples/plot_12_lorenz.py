"""
The digital divide: Lorenz curves
=================================

How unequally is the index shared between economies, counting each once and weighting by population?
:func:`ictindex.divide.lorenz` computes the curves and Gini coefficients; the chart draws them.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
result.plot.lorenz_curve(year=2023)
