"""Small array helpers the stages share (imports nothing of the package)."""

from __future__ import annotations


def smallest_int(top: int) -> str:
    """The smallest signed integer type holding the numbers up to ``top`` (and -1, a missing code).

    >>> smallest_int(100), smallest_int(200), smallest_int(2**31)
    ('int8', 'int16', 'int64')
    """
    return "int8" if top < 2**7 else "int16" if top < 2**15 else "int32" if top < 2**31 else "int64"
