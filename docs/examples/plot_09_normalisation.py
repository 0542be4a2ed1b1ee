"""
Goalposts or min-max
====================

The DOI normalises with fixed goalposts; a data-driven min-max maps the observed range to ``target`` (0-1 by
default). The framework's ``scale`` multiplies the result, so a target other than (0, 1) on a framework with a
scale is refused rather than silently giving scores up to 10,000.
"""

import warnings

import matplotlib.pyplot as plt

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
panel = datasets.load("itu")
goalposts = ictindex.build_index(panel, "doi_current", years=2023)
minmax = ictindex.build_index(panel, "doi_current", years=2023, normalisation={"method": "minmax", "target": (0, 1)})
both = goalposts.scores.merge(minmax.scores, on=["economy", "year"], suffixes=("_goalpost", "_minmax"))
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(both["DOI_goalpost"], both["DOI_minmax"], s=10)
ax.set(xlabel="DOI, goalposts", ylabel="DOI, min-max", title="Two normalisations, 2023")
fig.tight_layout()
