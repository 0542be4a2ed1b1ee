"""Tables of the report's digital-divide section, laid out from :class:`ictindex.findings.DivideFindings`.

The analyses (inequality, group means, Theil, convergence, Lorenz curves, urban/rural gaps, WSIS targets) are
computed by :func:`ictindex.findings.divide_findings` with :mod:`ictindex.divide`; the section itself is in
:mod:`ictindex.report.sections`. These layouts stay importable from here.
"""

from __future__ import annotations

from ictindex.report.sections import WSIS_COLUMNS, urban_rural_table, wsis_table

__all__ = ["WSIS_COLUMNS", "urban_rural_table", "wsis_table"]
