"""
All coherence checks as one object
==================================

:func:`ictindex.coherence` gathers the checks of step 4 of the OECD/JRC Handbook in one
:class:`~ictindex.analysis.Coherence`, named in one vocabulary (``node``, ``child``): each child's correlation
with its node and with the index, collinear siblings, Cronbach's alpha and the first principal component of each
node. ``.plot()`` draws the correlations with the node.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
checks = ictindex.coherence(result)
checks

# %%
checks.plot()
