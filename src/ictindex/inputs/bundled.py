"""The bundled data as a user sees them (``ictindex.datasets``): the tidy ITU/World Bank/UN panel, published
scores, ITU regions, economies, the series described and their coverage per framework.

The files themselves are read by :mod:`ictindex.inputs.bundled_files`, which imports nothing of the engine so
that the stages can read them too; its readers are names of this module as well (``datasets.load`` is
:func:`~ictindex.inputs.bundled_files.load`; likewise :func:`~ictindex.inputs.bundled_files.set_aside`,
:func:`~ictindex.inputs.bundled_files.published`, :func:`~ictindex.inputs.bundled_files.itu_regions`,
:func:`~ictindex.inputs.bundled_files.facts_and_figures`, :func:`~ictindex.inputs.bundled_files.idi2024_groups`
and :func:`~ictindex.inputs.bundled_files.panel_version`). The economy table (groups, population by year) is read
by :mod:`ictindex.units`; ``datasets.economies``, its former home, is :func:`ictindex.units.economies`.

All data ship inside the package (``data/`` in the repository) and load offline.
ITU data are licensed CC BY-NC-SA 3.0 IGO (non-commercial, share-alike, with attribution
"International Telecommunication Union, ITU DataHub, https://datahub.itu.int/"); see
:func:`describe` for every series' licence and ``data/README.md``.

>>> panel = load("itu")
>>> round(float(panel.query("economy == 'KOR' and year == 2016 and indicator == 'xHH6_IDI'")["value"].iloc[0]), 1)
99.2
"""

from __future__ import annotations

import pandas as pd

from ictindex.derive import indicator_values
from ictindex.framework import Framework, load_framework
from ictindex.inputs.bundled_files import (  # noqa: F401 - NOT_ASSIGNED, SET_ASIDE: names of the former module
    DATASETS,
    NOT_ASSIGNED,
    PUBLISHED,
    SET_ASIDE,
    facts_and_figures,
    idi2024_groups,
    itu_regions,
    load,
    panel_version,
    published,
    set_aside,
)
from ictindex.inputs.catalogue import series_table
from ictindex.units import economies  # noqa: F401 - datasets.economies, the former home of units.economies

__all__ = [
    "load",
    "published",
    "itu_regions",
    "facts_and_figures",
    "idi2024_groups",
    "default_dataset",
    "describe",
    "coverage",
    "panel_version",
    "set_aside",
    "DATASETS",
    "PUBLISHED",
]


# The bundled panel a framework is computed from when the user gives none (default: "itu").
FRAMEWORK_DATA = {"idi2024": "idi2024"}


def default_dataset(framework: str | Framework) -> str:
    """Name of the bundled panel to build ``framework`` from when no data are given.

    >>> default_dataset("idi2024"), default_dataset("doi_current")
    ('idi2024', 'itu')
    """
    code = framework.code if isinstance(framework, Framework) else str(framework)
    return FRAMEWORK_DATA.get(code, "itu")


def describe(name: str = "itu") -> pd.DataFrame:
    """One row per series: code, name, unit, dataset, licence, years covered, economies, rows."""
    panel = load(name)
    stats = panel.groupby("indicator").agg(
        first_year=("year", "min"),
        last_year=("year", "max"),
        economies=("economy", "nunique"),
        rows=("value", "size"),
        by_sex=("sex", lambda s: bool((s != "total").any())),
    )
    table = series_table().set_index("code").join(stats, how="inner")
    return table.reset_index().rename(columns={"index": "code"})


def coverage(
    framework: str | Framework = "doi_current", years: list[int] | None = None, name: str = "itu"
) -> pd.DataFrame:
    """How many economies have data for each framework indicator and year (after source mapping).

    Returns a tidy table: indicator, year, economies (count), share (of economies with any
    framework indicator that year). Use it to pick a year and a coverage threshold.
    """
    fw = load_framework(framework)
    values, _ = indicator_values(load(name), fw, years=years)
    have = values.notna().groupby(level="year").sum()
    any_data = values.notna().any(axis=1).groupby(level="year").sum()
    tidy = have.stack().rename("economies").reset_index().rename(columns={"level_1": "indicator"})
    tidy.columns = ["year", "indicator", "economies"]
    tidy["share"] = tidy["economies"] / tidy["year"].map(any_data)
    return tidy[["indicator", "year", "economies", "share"]].sort_values(["indicator", "year"]).reset_index(drop=True)
