"""Index frameworks as data: pydantic models for the files in ``indicators/``.

A framework says what an index *is*: its indicators (unit, direction, the
source series they are computed from, normalisation with goalposts), and the
tree of aggregate nodes (index -> sub-indices -> ... -> indicators) with the
aggregation method and child weights of each node. Code holds only methods; a
new index is a new YAML file.

Conventions (also in the README):

* **Weights** are given per child and rescaled to sum to 1 within their parent
  (so ``1, 1, 1`` and ``1/3, 1/3, 1/3`` mean the same). A weight may be 0.
* **Goalposts** (``lower``, ``upper``) are in the indicator's raw unit; a
  ``transform`` (``log10``) is applied to values and goalposts alike, so the
  IDI bandwidth rule ``log10(x) / log10(ref)`` is ``lower: 1, upper: ref,
  transform: log10``.
* **Direction** ``lower`` (lower is better, e.g. prices) is handled in one
  place, :mod:`ictindex.normalise`.
* ``min_indicators`` (optional) is an inclusion rule on the whole economy: fewer
  indicators present than this and no node is scored (IDI 2024: 5 of 10).
* ``scale`` multiplies every aggregate score (1 for the DOI's 0-1 scale, 10
  for the IDI 2009-2017 0-10 scale); ``rounding`` is applied to published
  tables only, never inside the computation.
* ``checks`` (optional) names plausibility checks and their severity
  (:class:`CheckSetting`, :mod:`ictindex.checks`); unnamed checks take their
  default from each indicator's unit and direction.
* ``current_framework`` (optional) names a framework that applies the same
  method to series collected today (``doi`` -> ``doi_current``): a build whose
  series are absent from the data says so.

>>> fw = load_framework("doi")
>>> fw.index, len(fw.indicators), [c.code for c in fw.node(fw.index).children]
('DOI', 11, ['opportunity', 'infrastructure', 'utilization'])
"""

from __future__ import annotations

from ictindex.framework.definition import Framework, _check_checks, _describe_location, _detached  # noqa: F401
from ictindex.framework.files import MAX_YAML_DEPTH, MAX_YAML_VALUES, available_frameworks, load_framework, read_yaml  # noqa: F401
from ictindex.framework.parts import (  # noqa: F401 - Screening, Treatment...: names of the former module
    Aggregation,
    CheckSetting,
    Child,
    Imputation,
    Indicator,
    Node,
    Normalisation,
    Screening,
    SourceRule,
    Treatment,
    _registered,
)

__all__ = [
    "Normalisation",
    "SourceRule",
    "Indicator",
    "Child",
    "Aggregation",
    "Node",
    "Framework",
    "load_framework",
    "available_frameworks",
    "CheckSetting",
    "read_yaml",
]
