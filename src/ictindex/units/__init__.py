"""Units and their metadata, given once: codes, names, groups, population (and the bundled economy table).

A **unit** is whatever a panel scores: an economy (ISO3), a province, a district, a city, a grid cell. Its
metadata is one **units table**, one row per unit (or per unit and population year)::

    unit    name           region   population  population_female  population_male  population_year
    ID-AC   Aceh           Sumatra     5407855            2704000          2703855             2023

* the code column is ``unit`` (or ``economy``); ``name`` is what tables and charts print beside the code;
* every other column is a grouping (``region``, ``urban_rural``, ``income`` ...);
* ``population`` (and optionally ``population_female``/``population_male``) weight group means and the
  equally-distributed gender score; ``population_year`` says which year a figure is for. Several rows per unit
  with different population years give population by year; groups as of a year come from the row of the latest
  population year at or before it.

:class:`Units` holds such a table (``units=TABLE`` of :func:`ictindex.build_index`, :func:`ictindex.compile_model`,
:func:`ictindex.validate_panel`, :func:`ictindex.uncertainty`; ``--units FILE`` on the command line). It is the list
of expected units: a code in the data that is not in the table is refused, naming it and the nearest code of the
table; a unit of the table without data is listed in ``result.excluded``. Three kinds need no table of their own:

* ``"economies"`` (the default): codes or ITU/UN names of economies, resolved to ISO3, with the **bundled
  economy table** below as their metadata;
* ``"iso3"``: the same, with the bundled table also the list of expected economies;
* ``"any"``: any code, used as given; no names, groups or population (a report leaves those sections out).

The bundled economy table (``data/panel/economies.csv``, built by
``python -m ictindex.inputs.published_sources.build`` from ``data/country_groups_m49/``):

* ``region``: UN SDG regional groups (8 regions, UN SDG Global Database GeoArea tree);
  ``un_region``, ``un_sub_region``: UN M49 region and sub-region (UNSD, M49 overview);
* ``income``: World Bank income group, FY2026 classification (World Bank country API, accessed
  2026-08-21), applied to every year because no earlier classification is bundled (``income_basis`` says so);
* ``ldc``, ``lldc``, ``sids``: membership at the end of the data year. The UN M49 snapshots of
  September 2024 and August 2026 give the lists; graduations from the LDC category
  (:data:`LDC_GRADUATIONS`, UN-OHRLLS / CDP) move economies between years, so Bhutan (graduated
  13 December 2023) is not an LDC in 2023 and is one in 2022;
* ``itu_region``: ITU-D (BDT) region from :func:`ictindex.inputs.bundled_files.itu_regions`;
  :data:`ITU_REGION_NOT_ASSIGNED` where it gives none.

Population (:func:`population`): World Bank WDI 2025 ``SP.POP.TOTL`` (UN WPP 2024 based) from the bundled
panel, the nearest year at or before the data year, and ``population_year`` says which.

Group means (:func:`group_means`) are computed here, once: simple and population-weighted means of any node
or indicator by any grouping, with the population share the units with a value hold.

>>> groups = economy_groups(2023)
>>> bool(groups.loc["BTN", "ldc"]), bool(economy_groups(2022).loc["BTN", "ldc"])
(False, True)
>>> int(groups.loc["KOR", "population_year"])
2023
>>> units = read_units(pd.DataFrame({"unit": ["P1", "P2"], "name": ["North", "South"], "region": ["a", "b"],
...                                  "population": [100, 300]}), noun="province")
>>> units.noun, units.plural, units.name("P2"), units.group_columns
('province', 'provinces', 'South', ['region'])
"""

from __future__ import annotations

import pandas as pd  # noqa: F401 - the example above

from ictindex.units.bundled import (
    _INCOME_LABELS,  # noqa: F401 - a name of the former module
    _MEMBERSHIP,  # noqa: F401
    GROUPINGS,
    INCOME_ORDER,
    ITU_REGION_NOT_ASSIGNED,
    LDC_GRADUATIONS,
    NO_GROUP,
    POPULATION_SERIES,
    UNIT_KINDS,
    WORLD,
    _bundled,  # noqa: F401
    _bundled_itu_regions,  # noqa: F401
    _bundled_panel,  # noqa: F401
    _bundled_population,  # noqa: F401
    bundled_economies,
    bundled_panel,
    economies,
    economy_groups,
    itu_member_states,
    population,
    population_by_year,
)
from ictindex.units.means import (
    GROUP_MEANS_COLUMNS,
    group_aggregates,
    group_means,
    groupings_of,
    groups_and_population,
    member_population,
    values_of,
)
from ictindex.units.numbers import EARLIEST_YEAR, _checked_table, _column_numbers, _is_number, _shown  # noqa: F401
from ictindex.units.table import RESERVED, WORD, Units, as_units, plural_of, read_units  # noqa: F401 - RESERVED, WORD

__all__ = [
    "GROUPINGS",
    "INCOME_ORDER",
    "ITU_REGION_NOT_ASSIGNED",
    "LDC_GRADUATIONS",
    "POPULATION_SERIES",
    "UNIT_KINDS",
    "NO_GROUP",
    "WORLD",
    "Units",
    "as_units",
    "read_units",
    "plural_of",
    "economy_groups",
    "economies",
    "itu_member_states",
    "population",
    "population_by_year",
    "bundled_economies",
    "bundled_panel",
    "values_of",
    "group_means",
    "groupings_of",
    "groups_and_population",
    "member_population",
    "group_aggregates",
    "GROUP_MEANS_COLUMNS",
]
