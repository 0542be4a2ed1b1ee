"""Checks before scores: what is syntactically valid but implausible, found on arrays and flagged.

Validation (:mod:`ictindex.panel`) refuses what cannot be a value (text, a percentage of 120); this stage
finds what is a number but probably not the right one — a percentage keyed as a fraction, a price of
zero, a jump between two years, a total outside its female-male range, a unit seen in one year only or
one keystroke away from another, a unit scored from too few reported values or without a whole category.
It runs in :func:`ictindex.compile_model` between derivation and imputation (the checks of values and of
units) and after the nominal evaluation (the checks of scores), as numpy over whole columns.

Checks are data, like methods: small registered functions (:func:`ictindex.method_table.register_check`),
array in, :class:`Findings` out, named in a framework's ``checks:`` section with a severity:

* ``error`` stops the build, naming the culprits (:class:`~ictindex.errors.PanelError`);
* ``warning`` keeps the finding: one :class:`~ictindex.errors.IctIndexWarning` per check and one row per
  finding in the issue table (``result.issues``: severity, problem, economy, indicator, year, message);
* ``off`` does not run it.

Unset, each check's severity follows the indicator's unit and direction (:func:`is_percentage`,
:func:`is_price`); ``build_index(..., checks={"jump": "off"})`` overrides the framework, and the setting
travels in the build's spec. Some checks also act, recorded in their finding: ``zero_price`` sets a price
of zero aside as missing; ``sex_total`` derives a missing total from its female and male values.

>>> from ictindex.framework import Indicator
>>> x = np.array([0.24, 0.31, 0.18])                       # ICT skills "in %", keyed as fractions
>>> layout = Layout.from_arrays(["A", "B", "C"], [2023, 2023, 2023])
>>> skills = Indicator(code="ict_skills", name="ICT skills", unit="%")
>>> found = percent_as_fraction(x, Context(layout, indicator=skills))
>>> found.year.tolist(), found.messages()[0][:48]
([2023], 'every value of ict_skills in 2023 lies between 0')
"""

from __future__ import annotations

import numpy as np  # noqa: F401 - the example above

from ictindex.checks.context import (  # noqa: F401 - unit_kind: a name of the former module
    ISSUE_COLUMNS,
    MAX_ROWS,
    Context,
    Findings,
    Layout,
    is_percentage,
    is_price,
    unit_kind,
)
from ictindex.checks.of_scores import missing_category, thin_data
from ictindex.checks.of_units import near_duplicate_unit, unit_in_one_year
from ictindex.checks.of_values import jump, percent_as_fraction, sex_total, zero_price
from ictindex.checks.run import (  # noqa: F401 - check_panel, needs_sexes: used by panel and model
    CheckedValues,
    check_panel,
    check_scores,
    check_values,
    needs_sexes,
)
from ictindex.checks.settings import Settings

__all__ = [
    "ISSUE_COLUMNS",
    "MAX_ROWS",
    "Layout",
    "Context",
    "Findings",
    "Settings",
    "CheckedValues",
    "is_percentage",
    "is_price",
    "check_values",
    "check_scores",
    "percent_as_fraction",
    "zero_price",
    "sex_total",
    "jump",
    "unit_in_one_year",
    "near_duplicate_unit",
    "thin_data",
    "missing_category",
]
