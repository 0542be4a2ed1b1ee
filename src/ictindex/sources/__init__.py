"""Former name of :mod:`ictindex.inputs.published_sources` (readers of the files publishers release) with the
catalogue of source series (:mod:`ictindex.inputs.catalogue`).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.sources`` keeps its names;
``ictindex.sources.readers`` and ``ictindex.sources.build`` are the new modules themselves, and
``python -m ictindex.sources.build`` still builds the bundled panel."""

from ictindex.inputs.catalogue import LICENCES, SERIES, series_bounds, series_table
from ictindex.inputs.published_sources import *  # noqa: F403 - the readers' names
from ictindex.inputs.published_sources import __all__ as _READERS

__all__ = ["SERIES", "LICENCES", "series_bounds", "series_table", *_READERS]
