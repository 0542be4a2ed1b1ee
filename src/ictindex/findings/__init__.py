"""What a report shows, computed once by the library: :class:`Findings`.

:func:`compute_findings` runs every analysis a report shows — the ranking under a rule
(:mod:`ictindex.ranking`), group means (:func:`ictindex.units.group_means`), gender parity
(:mod:`ictindex.gender`), the digital divide and the WSIS targets (:mod:`ictindex.divide`) — for one year of a
result, with the result's units (names, groups, population) and the data actually used. The report
(:mod:`ictindex.report`) receives the :class:`Findings` and only lays them out.

A part whose inputs do not exist is not computed: no averages without groupings, no income section without
income groups, no gender part without data by sex, no WSIS part without the target series. Each part left out is
in :attr:`Findings.omitted` with the reason, which the report prints in its notes.

One module per part: ``compute`` (:class:`Findings`, the groupings shown and :func:`compute_findings`, which
composes the parts), ``sources`` (the series and licences used, the charts' source lines), ``gender``
(:class:`GenderFindings`), ``divide`` (:class:`DivideFindings`, :func:`reporting_breaks`,
:func:`source_breaks`), ``estimates`` (:class:`EstimateFindings`) and ``sentences`` (:func:`key_findings`). Every
name is imported from here.

>>> import pandas as pd, ictindex
>>> panel = pd.DataFrame({"economy": ["P1", "P2", "P3"] * 2, "year": 2023,
...     "indicator": ["internet_users"] * 3 + ["mobile_coverage"] * 3, "value": [50, 70, 90, 80, 90, 99.0]})
>>> r = ictindex.build_index(panel, "doi", units="any", min_coverage=0.2)
>>> f = compute_findings(r)
>>> f.ranking["economy"].tolist(), f.omitted["averages"]
(['P3', 'P2', 'P1'], 'the units have no groups (units="any" without a units table)')
"""

from __future__ import annotations

from ictindex.findings.compute import (  # noqa: F401 - ECONOMY_GROUPINGS, REGIONS: names of the former module
    ECONOMY_GROUPINGS,
    REGIONS,
    Findings,
    compute_findings,
    is_itu_framework,
    report_groupings,
)
from ictindex.findings.divide import (  # noqa: F401 - BREAK_SHARE, DIVIDE_YEARS: names of the former module
    BREAK_SHARE,
    DIVIDE_YEARS,
    DivideFindings,
    divide_findings,
    reporting_breaks,
    source_breaks,
)
from ictindex.findings.estimates import (  # noqa: F401 - the two constants: names of the former module
    ESTIMATE_GROUPINGS,
    ESTIMATED_TARGETS,
    EstimateFindings,
    estimate_findings,
)
from ictindex.findings.gender import GenderFindings, gender_findings
from ictindex.findings.sentences import key_findings
from ictindex.findings.sources import USER_DATA, source_line, sources_used, text_source_line

__all__ = [
    "Findings",
    "GenderFindings",
    "DivideFindings",
    "compute_findings",
    "gender_findings",
    "divide_findings",
    "report_groupings",
    "key_findings",
    "reporting_breaks",
    "source_breaks",
    "is_itu_framework",
    "sources_used",
    "source_line",
    "text_source_line",
    "USER_DATA",
    "EstimateFindings",
    "estimate_findings",
]
