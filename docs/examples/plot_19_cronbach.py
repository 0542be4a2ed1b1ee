"""
Internal consistency: Cronbach's alpha and PCA per node
=======================================================

:func:`ictindex.analysis.cronbach_alpha` (above 0.7 is usually read as consistent) and
:func:`ictindex.analysis.node_pca` (the share of variance of each node's first component).
"""

import warnings

import matplotlib.pyplot as plt

import ictindex
from ictindex import analysis, datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
alpha = analysis.cronbach_alpha(result, year=2023)
alpha.round(3)

# %%
pca = analysis.node_pca(result, year=2023)
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(alpha.iloc[:, 0].astype(str), alpha["alpha"])
ax.axhline(0.7, color="grey", lw=0.8, ls="--")
ax.set(ylabel="Cronbach's alpha", title="Internal consistency of each node, 2023")
pca.round(3)
