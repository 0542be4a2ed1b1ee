"""Former name of :mod:`ictindex.weights` (nominal and effective weights), kept for existing imports."""

from ictindex.weights import effective_weights, weights_table

__all__ = ["effective_weights", "weights_table"]
