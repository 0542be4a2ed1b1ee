"""
World and regional estimates
============================

``ictindex.estimates`` fills the economies without a reported value (interpolation, trends, regressions) and
weights by population, as ITU's Facts and Figures do; each estimate says how much of it is imputed.
"""

import matplotlib.pyplot as plt

import ictindex

est = ictindex.estimates(indicators=["internet_use"], groupings=("world", "itu_region"), years=[2020, 2022, 2024],
                         draws=0)
est

# %%
table = est.table.query("sex == 'total' and location == 'total'")
fig, ax = plt.subplots(figsize=(6, 3))
for group, rows in table.groupby("group"):
    ax.plot(rows["year"], rows["value"], marker="o", label=group)
ax.set(xlabel="year", ylabel="share of the population (%)", title="Individuals using the Internet")
ax.xaxis.get_major_locator().set_params(integer=True)
ax.legend(fontsize=7, ncol=2)
