"""
Gaps inside economies: urban/rural and female/male
==================================================

:func:`ictindex.divide.domestic_gaps` sets the rural share of Internet users against the urban one, and women's
against men's, from ITU's series by location and by sex.
"""

import matplotlib.pyplot as plt

from ictindex import divide

gaps = divide.domestic_gaps()
latest = gaps[gaps["dimension"] == "urban/rural"].sort_values("year").groupby("economy").last()
latest[["year", "parity"]].sort_values("parity").head(10).round(3)

# %%
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(latest["parity"].dropna(), bins=25)
ax.axvline(1, color="grey", lw=0.8)
ax.set(xlabel="rural / urban Internet use (parity score)", ylabel="economies",
       title="Urban/rural gap in Internet use, latest year per economy")
fig.tight_layout()
