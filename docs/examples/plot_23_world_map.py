"""
A world map of the index
========================

The map classes the scores in quintiles on Natural Earth's boundaries (bundled); economies without a score are
hatched.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
result.plot.world_map(year=2023)
