"""
Statistical coherence: correlations
===================================

Each indicator should correlate with its own category more than with the others (OECD/JRC Handbook, step 4).
:func:`ictindex.analysis.correlation_matrix` gives the matrix of indicators and nodes.
"""

import warnings

import matplotlib.pyplot as plt

import ictindex
from ictindex import analysis, datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
analysis.correlations(result, year=2023).round(2).head(10)

# %%
matrix = analysis.correlation_matrix(result, year=2023)
fig, ax = plt.subplots(figsize=(7, 6))
image = ax.imshow(matrix.to_numpy(), vmin=-1, vmax=1, cmap="RdBu_r")
ax.set_xticks(range(len(matrix)), matrix.columns, rotation=90, fontsize=7)
ax.set_yticks(range(len(matrix)), matrix.index, fontsize=7)
fig.colorbar(image, ax=ax, label="Pearson r")
ax.set_title("Correlations of indicators and nodes, 2023")
fig.tight_layout()
