"""
Statistical weights from PCA, applied to the framework
======================================================

``pca_weights`` follows the OECD/JRC Handbook (2008, section 6.1): principal components of each node's children,
varimax rotation, squared loadings scaled to unity. The :class:`~ictindex.weights.Weights` it returns go straight
into a build (``build_index(..., weights=w)``) or into a framework (``w.to_framework(fw)``).
"""

import warnings

import matplotlib.pyplot as plt

import ictindex
from ictindex import datasets
from ictindex.weights import pca_weights

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
panel = datasets.load("itu")
model = ictindex.compile_model(panel, "doi_current", years=2023)
weights = pca_weights(model, year=2023)
weights

# %%
nominal = ictindex.build_index(panel, "doi_current", years=2023)
with_pca = ictindex.build_index(panel, "doi_current", years=2023, weights=weights)
both = nominal.scores.merge(with_pca.scores, on=["economy", "year"], suffixes=("_nominal", "_pca"))
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(both["DOI_nominal"], both["DOI_pca"], s=10)
ax.axline((0, 0), slope=1, color="grey", lw=0.8)
ax.set(xlabel="DOI, nominal weights", ylabel="DOI, PCA weights", title="Nominal against PCA weights, 2023")
fig.tight_layout()
