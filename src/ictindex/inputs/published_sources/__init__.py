"""Readers of the files ITU, the UN, the World Bank and Our World in Data publish
(:mod:`ictindex.inputs.published_sources.readers`), and the build of the bundled panel from them
(:mod:`ictindex.inputs.published_sources.build`, ``python -m ictindex.inputs.published_sources.build``)."""

from ictindex.inputs.published_sources.readers import (
    SourceTable,
    read_datahub_csv,
    read_ddf,
    read_itu_by_sex,
    read_itu_by_sex_and_area,
    read_itu_household,
    read_itu_wide,
    read_owid,
    read_sdg_csv,
    read_sdg_ddf,
)

__all__ = [
    "SourceTable",
    "read_datahub_csv",
    "read_ddf",
    "read_itu_by_sex",
    "read_itu_by_sex_and_area",
    "read_itu_household",
    "read_itu_wide",
    "read_owid",
    "read_sdg_csv",
    "read_sdg_ddf",
]
