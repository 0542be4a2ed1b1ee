"""Size limits on inputs, checked cheaply before anything is parsed or allocated.

A 50 MB CSV file of one line, a framework of 100,000 indicators or ``uncertainty(n=10**12)`` would otherwise
keep a parser or the allocator busy for minutes (or ask for terabytes) before failing. Each limit below is
far above what a real index needs and is checked before the work starts, with an error that names the limit
and how to raise it. A limit is a module attribute; raise it for an input that is right but larger:

>>> import ictindex.limits
>>> ictindex.limits.MAX_INDICATORS
10000
>>> with ictindex.limits.raised(MAX_INDICATORS=200_000):
...     ictindex.limits.MAX_INDICATORS
200000
>>> ictindex.limits.MAX_INDICATORS
10000

(or set it for the session: ``ictindex.limits.MAX_INDICATORS = 200_000``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ictindex.errors import IctIndexError, PanelError

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_COLUMNS",
    "MAX_INDICATORS",
    "MAX_YAML_BYTES",
    "MAX_REPLICATIONS",
    "MAX_STREAMED_REPLICATIONS",
    "raised",
    "check_text_file",
    "check_count",
]

#: Longest line of a text table (CSV, TSV), in bytes. A wide table of 10,000 indicators has lines of about
#: 100 kB.
MAX_LINE_BYTES = 4 * 2**20
#: Most columns of a text table's header (a wide table has one per indicator, and a few more).
MAX_COLUMNS = 20_000
#: Most indicators of a framework (the largest published composite indices have a few hundred).
MAX_INDICATORS = 10_000
#: Largest framework or uncertainty-spec YAML file, in bytes (a framework of 10,000 indicators takes 1.5-3 MB and
#: a few seconds to parse; the bundled ones take 4-9 kB).
MAX_YAML_BYTES = 4 * 2**20
#: Most replications of one uncertainty or sensitivity run (the JRC audits use 1,000-10,000).
MAX_REPLICATIONS = 1_000_000
#: Most replications of an uncertainty run that keeps per-unit counts only (draws not kept, a sampler drawn chunk
#: by chunk): its memory does not grow with ``n``, so this bounds the time (10^8 replications of ``doi_current``
#: take about five hours on two cores).
MAX_STREAMED_REPLICATIONS = 100_000_000

_BLOCK = 2**24  # bytes read at once when a file's lines are measured


@contextmanager
def raised(**limits: int) -> Iterator[None]:
    """Raise (or lower) limits for the duration of a ``with`` block: ``raised(MAX_INDICATORS=200_000)``."""
    module = sys.modules[__name__]
    unknown = sorted(set(limits) - set(__all__))
    if unknown:
        raise ValueError(f"no limit named {unknown}: the limits are {[n for n in __all__ if n.startswith('MAX')]}")
    before = {name: getattr(module, name) for name in limits}
    for name, value in limits.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(module, name, value)


def _how(name: str, value: int) -> str:
    return (
        f"if the input is right, raise the limit: ictindex.limits.{name} = {value:_} "
        f"(or for a while: with ictindex.limits.raised({name}={value:_}): ...)"
    )


def check_count(count: int, name: str, what: str, *, error: type[IctIndexError], **place: object) -> None:
    """Refuse ``count`` above the limit ``name`` (a module attribute), saying what was counted and how to raise it."""
    limit = getattr(sys.modules[__name__], name)
    if count > limit:
        raise error(
            f"{what}: {count:,} is more than the limit of {limit:,} ({name})",
            hint=_how(name, max(count, 2 * limit)),
            **place,  # type: ignore[arg-type]
        )


def check_text_file(path: str | Path) -> None:
    """Refuse a text table whose longest line exceeds :data:`MAX_LINE_BYTES` or whose header has more than
    :data:`MAX_COLUMNS` fields (counting any of the delimiters the reader sniffs), before a parser sees it.

    The file is read in blocks of 16 MiB and its line ends found with numpy, so a file of 1 GB is measured in
    about a second; a single 50 MB line is refused after reading its first 16 MiB.
    """
    path = Path(path)
    longest, at = 0, 1  # the longest line so far and its number
    line, length = 1, 0  # the line being read and the bytes of it read so far
    header = b""
    with path.open("rb") as stream:
        while block := stream.read(_BLOCK):
            if not header:
                header = next((raw for raw in block.split(b"\n", 64)[:64] if raw.strip()), b"")
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
            if ends.size:
                lengths = np.diff(ends, prepend=-1) - 1  # the lines that end in this block
                lengths[0] += length
                worst = int(np.argmax(lengths))
                if lengths[worst] > longest:
                    longest, at = int(lengths[worst]), line + worst
                line += ends.size
                length = len(block) - int(ends[-1]) - 1
            else:
                length += len(block)
            if length > longest:
                longest, at = length, line
            if longest > MAX_LINE_BYTES:
                break
    if longest > MAX_LINE_BYTES:
        raise PanelError(
            f"line {at} is longer than the limit of {MAX_LINE_BYTES:,} bytes (MAX_LINE_BYTES): is the file a table "
            "with one row per line?",
            file=str(path),
            line=at,
            hint=_how("MAX_LINE_BYTES", 4 * MAX_LINE_BYTES),
        )
    fields = 1 + max(header.count(d) for d in (b",", b";", b"\t", b"|"))
    if fields > MAX_COLUMNS:
        raise PanelError(
            f"the header has up to {fields:,} columns, more than the limit of {MAX_COLUMNS:,} (MAX_COLUMNS)",
            file=str(path),
            hint=_how("MAX_COLUMNS", 2 * fields),
        )
