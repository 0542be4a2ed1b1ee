"""Former name of the COINr and SDMX readers and writers: :mod:`ictindex.inputs.coinr` and
:mod:`ictindex.inputs.sdmx`.

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.io`` keeps its four names;
``ictindex.io.coinr`` and ``ictindex.io.sdmx`` are the new modules themselves."""

from ictindex.inputs.coinr import read_coinr, to_coinr
from ictindex.inputs.sdmx import read_sdmx, to_sdmx

__all__ = ["read_coinr", "to_coinr", "read_sdmx", "to_sdmx"]
