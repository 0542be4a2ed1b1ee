"""Readers and writers of other tools' formats (COINr)."""

from ictindex.io.coinr import read_coinr, to_coinr

__all__ = ["read_coinr", "to_coinr"]
