"""Readers for published ICT data formats and the catalogue of known source series."""

from ictindex.catalogue import LICENCES, SERIES, series_bounds, series_table
from ictindex.sources.readers import (
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
    "SERIES",
    "LICENCES",
    "series_bounds",
    "series_table",
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
