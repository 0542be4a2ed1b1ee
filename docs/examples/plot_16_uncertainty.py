"""
How certain is a rank? Uncertainty analysis
===========================================

``uncertainty`` draws weights, aggregation and normalisation alternatives and left-out indicators, and rebuilds
the index for each draw (COINr's ``get_sensitivity`` in its uncertainty mode). Ranks come with their 5-95 %
interval. A small ``n`` keeps this example fast; use thousands in practice.
"""

import warnings

import ictindex
from ictindex import datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
spec = {
    "weights": {"noise": 0.25},
    "aggregation": ["arithmetic", "geometric"],
    "normalisation": [{"method": "minmax", "target": [0.01, 1]}, "percentile"],  # positive: geometric means
    "exclude_indicator": True,
}
u = ictindex.uncertainty(datasets.load("itu"), "doi_current", spec, n=128, years=2023, reference_year=2023)
u

# %%
u.plot(top=30)
