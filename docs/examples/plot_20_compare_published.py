"""
Replicate a published index: the IDI 2024
=========================================

``datasets.published("idi2024")`` holds ITU's published IDI 2024 scores; comparing the build with them shows how
closely ictindex replicates ITU's method (Spearman's rho, largest differences).
"""

import warnings

import matplotlib.pyplot as plt

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("idi2024"), "idi2024")
published = datasets.published("idi2024")
comparison = ictindex.compare(result, published, labels=("ictindex", "ITU 2024"))
comparison

# %%
both = comparison.table[comparison.table["in"] == "both"]
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(both["score_b"], both["score_a"], s=10)
ax.axline((0, 0), slope=1, color="grey", lw=0.8)
ax.set(xlabel="published by ITU", ylabel="computed by ictindex", title="IDI 2024: computed against published")
fig.tight_layout()
