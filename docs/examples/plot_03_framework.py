"""
The framework is data
=====================

A framework is a validated YAML file: the tree of nodes, each node's aggregation and child weights, each
indicator's normalisation. Its effective weights are the products of the weights on the path to the top.
"""

import ictindex

fw = ictindex.load_framework("doi_current")
ictindex.weights_table(fw)[["code", "parent", "weight_in_parent", "effective_weight"]].round(3)

# %%
from ictindex.report import framework_diagram

framework_diagram(fw)
