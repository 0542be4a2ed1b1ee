"""SDMX in and out: panels from the exchange standard of statistical offices, scores back to it.

SDMX (Statistical Data and Metadata eXchange, ISO 17369) is how UNSD's SDG Global Database, the World Bank,
the ILO, the IMF, Eurostat, the OECD and national statistical offices publish and exchange indicators.
Messages are read and written with the ``sdmx1`` package (``pip install ictindex[sdmx]``):

* :func:`read_sdmx` reads SDMX-ML 2.1 and 3.0 (generic or structure-specific; a structure-specific message
  needs its data structure, ``structure=``) and SDMX-CSV (1.0 and 2.0; without a structure one is derived
  from the header), and maps the message onto a panel (``economy, year, indicator, sex, value, source,
  note``) through a :class:`SdmxMapping`: ``REF_AREA`` to the economy (UN M49 numeric codes to ISO3 with the
  bundled M49 table), ``TIME_PERIOD`` to the year, ``SERIES``/``INDICATOR`` to the series code, ``SEX`` to
  total/female/male, ``URBANISATION`` (urban/rural) and ``AGE`` to series of their own
  (``i99H.urban``, ``i99H.age_Y15T24``), as the panel holds them. Observation status (``OBS_STATUS``), the
  SDG ``NATURE`` and footnotes (``COMMENT_OBS``, ``FOOTNOTE``...) become the value's note, so an estimate
  travels as a flag like any publisher estimate (:mod:`ictindex.flags`). ``UNIT_MULT`` is applied (value x
  10^mult); a unit multiplier on a percentage, or a unit that is not the series' own, is refused naming the
  series and the field.
* :func:`to_sdmx` writes a result's scores (index and sub-indices, by sex when built) as SDMX-CSV 2.0 with
  the data structure definition (codelists of economies, nodes and sexes) it also writes as SDMX-ML 2.1, or
  against a user's structure; ``sdmx1`` reads the pair back to the same values and codes.
"""

from __future__ import annotations

from ictindex.inputs.sdmx.mapping import (  # noqa: F401 - the code tables: names of the former module
    DEFAULT_MAPPING,
    FOOTNOTES,
    LOCATION_CODES,
    OBS_STATUS,
    PERCENT_UNITS,
    SDG_NATURE,
    SERIES_CODES,
    SEX_CODES,
    TOTAL_CODES,
    SdmxMapping,
)
from ictindex.inputs.sdmx.reading import read_sdmx
from ictindex.inputs.sdmx.writing import to_sdmx

__all__ = ["SdmxMapping", "DEFAULT_MAPPING", "read_sdmx", "to_sdmx"]
