"""Readers and writers of other tools' formats (COINr; SDMX with the optional ``sdmx1``)."""

from ictindex.io.coinr import read_coinr, to_coinr
from ictindex.io.sdmx import read_sdmx, to_sdmx

__all__ = ["read_coinr", "to_coinr", "read_sdmx", "to_sdmx"]
