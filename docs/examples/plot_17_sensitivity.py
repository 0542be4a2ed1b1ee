"""
Which choice matters most? Sobol' indices
=========================================

``sensitivity`` estimates first-order and total Sobol' indices (Saltelli 2010) of the mean absolute rank shift
over the uncertain inputs. A small ``n`` keeps this fast; the intervals then are wide.
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
s = ictindex.sensitivity(datasets.load("itu"), "doi_current", spec, n=64, n_boot=100, years=2023, reference_year=2023)
s

# %%
s.plot()
