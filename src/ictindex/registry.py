"""Method registries: every method a framework file can name is a registered function.

Five registries, one per kind of method (:mod:`ictindex.method_table` holds them), filled with the built-in methods
by the stage modules (:mod:`ictindex.impute`, :mod:`ictindex.treat`, :mod:`ictindex.normalise`,
:mod:`ictindex.aggregate`, :mod:`ictindex.checks`), which this module imports, and open to users (COINr's
``n_minmax``/``a_gmean``/``i_mean`` plug-ins, scikit-learn's fit/apply split):

* ``imputations``: ``fn(cube, years, **params) -> (filled, from_year)`` over an
  ``(economy, year, indicator)`` cube; ``from_year`` holds the year a filled value came from
  (NaN where nothing was filled, or the filled year itself for methods that do not carry values).
* ``treatments``: a pair ``fit(x, **params) -> rule`` (learned from one indicator's reference-year
  values) and ``apply(x, rule) -> treated`` (outlier treatment, :mod:`ictindex.treat`).
* ``normalisations``: a pair ``fit(x, year_code, n_years, reference, **params) -> params`` and
  ``apply(x, params, year_code, direction, **params) -> scores``; ``x`` is one indicator's values
  for every unit (NaN = missing), ``year_code`` the year position of every unit, ``reference`` the
  position of the reference year (or ``None`` to fit every year on its own).
* ``checks``: plausibility checks (:mod:`ictindex.checks`): ``fn(x, context, **params) -> Findings`` over
  one indicator's values (``scope="indicator"``), the units' presence matrix (``"units"``) or the
  nominal scores (``"scores"``); ``default(subject) -> severity`` says when a check applies.
* ``aggregations``: ``fn(x, w, **params) -> mean`` over the last axis, with ``x`` free of NaN
  (absent children filled with 1) and ``w`` the weights of the present children rescaled to sum 1
  (0 for absent children). A quasi-arithmetic mean may also give ``forward``/``inverse``
  (``f`` and ``f^-1`` of ``f^-1(sum w f(x))``), which lets the engine evaluate thousands of
  weight sets as one matrix product.

Registering a method of one's own and naming it in a framework file:

>>> import numpy as np
>>> from ictindex.registry import register_aggregation
>>> @register_aggregation("minimum_share", replace=True)
... def minimum_share(x, w, **params):
...     '''The weakest child (a fully non-compensatory "mean").'''
...     return np.where(w > 0, x, np.inf).min(axis=-1)
>>> from ictindex.framework import Framework
>>> fw = Framework.from_dict({"code": "t", "name": "t", "index": "I", "indicators": [
...     {"code": "a", "name": "a", "unit": "%"}, {"code": "b", "name": "b", "unit": "%"}],
...     "nodes": [{"code": "I", "name": "I", "aggregation": {"method": "minimum_share"},
...                "children": [{"code": "a"}, {"code": "b"}]}]})
>>> fw.node("I").aggregation.method
'minimum_share'
"""

from __future__ import annotations

# The stage modules register their built-in methods when imported: importing them here (ordinary imports) fills
# every table before a look-up through this module.
import ictindex.aggregate
import ictindex.checks
import ictindex.impute
import ictindex.normalise
import ictindex.treat  # noqa: F401 - registers the built-in treatments
from ictindex import method_table
from ictindex.method_table import *  # noqa: F403 - the tables, their methods and decorators (its __all__)
from ictindex.method_table import BUILTIN_NAMES, CHECK_SCOPES, SEVERITIES, is_builtin, user_methods

__all__ = [*method_table.__all__, "BUILTIN_NAMES", "CHECK_SCOPES", "SEVERITIES", "is_builtin", "user_methods"]
