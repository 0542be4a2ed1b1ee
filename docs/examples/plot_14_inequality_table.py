"""
Inequality measures per year
============================

:func:`ictindex.divide.inequality` gives every measure of the international divide per year: Gini, Theil,
coefficient of variation, the ratio of the top to the bottom quintile, unweighted and weighted by population.
"""

import warnings

import matplotlib.pyplot as plt

import ictindex
from ictindex import datasets, divide

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
result = ictindex.build_index(datasets.load("itu"), "doi_current", years=[2021, 2022, 2023])
table = divide.inequality(result)
table.round(3)

# %%
fig, ax = plt.subplots(figsize=(6, 3))
for node in ("opportunity", "infrastructure", "utilization"):
    ax.plot(table["year"], divide.inequality(result, column=node)["gini"], marker="o", label=node)
ax.set(xlabel="year", ylabel="Gini", title="Inequality of each category between economies")
ax.xaxis.get_major_locator().set_params(integer=True)
ax.legend()
