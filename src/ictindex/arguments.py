"""The checks of a build's plain arguments, each wrong one a :class:`~ictindex.errors.SpecError` naming it: whole
numbers, the years and what a year without data is, shares, the parity band, extra economy names and the known
ranges of series. :meth:`ictindex.spec.BuildSpec.create` runs them (and checks the methods itself)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, cast

from ictindex.errors import SpecError

_Range = tuple[float | None, float | None]


def _whole(value: Any, field: str) -> int:
    """``value`` as an int: a whole number only (not a bool, nor a float such as 2023.0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = type(value).__name__
        shown = repr(value) if isinstance(value, str) else str(value)
        hint = (
            f"write {field}={int(value)}"
            if isinstance(value, float) and float(value).is_integer()
            else (
                f"write {field}={value.strip()}"
                if isinstance(value, str) and value.strip().isdigit()
                else f"give {field} as a whole number"
            )
        )
        raise SpecError(f"{field} must be whole numbers (int), got {shown} ({kind})", field=field, hint=hint)
    return int(value)


def _years(years: Any) -> tuple[int, ...] | None:
    """The years asked for, sorted and without repeats (None: every year with data)."""
    if years is None:
        return None
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        return (_whole(years, "years"),)
    out = tuple(sorted({_whole(y, "years") for y in years}))
    if not out:
        raise SpecError("years is empty", field="years", hint="give at least one year, or leave years=None")
    return out


def _share(value: Any, field: str) -> float | None:
    """A share between 0 and 1 as a float (None when not given)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise SpecError(
            f"{field} must be a number between 0 and 1, got {value!r} ({type(value).__name__})",
            field=field,
            hint=f"write e.g. {field}=0.5",
        )
    value = float(value)
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise SpecError(
            f"{field} must be a share between 0 and 1, got {value}",
            field=field,
            hint=f"write e.g. {field}=0.5 (half of a node's children must be present)",
        )
    return value


def _missing_years(years: Any, missing_years: str | None) -> tuple[Any, str]:
    """The years asked for and what a year of them without data is (``years="available"``: every year, warned)."""
    if isinstance(years, str) and years == "available":
        years, missing_years = None, "warn"
    missing_years = missing_years or "raise"
    if missing_years not in ("raise", "warn"):
        raise SpecError(
            f"missing_years must be 'raise' or 'warn', got {missing_years!r}",
            field="missing_years",
            hint='write years="available" to build the years the data hold',
        )
    return years, missing_years


def _parity_band(parity_band: Any) -> tuple[float, float]:
    """The parity band as two floats, low <= 1 <= high."""
    band = tuple(parity_band) if isinstance(parity_band, Iterable) else ()
    if (
        len(band) != 2
        or not all(isinstance(b, numbers.Real) and math.isfinite(b) for b in band)
        or not 0 < band[0] <= 1 <= band[1]
    ):
        raise SpecError(
            f"parity_band must be two numbers (low <= 1 <= high), got {parity_band!r}",
            field="parity_band",
            hint="write parity_band=(0.98, 1.02), ITU's band",
        )
    return (float(band[0]), float(band[1]))


def _extra_names(extra_names: Any) -> tuple[tuple[str, str], ...]:
    """The extra economy names as sorted ``(label, code)`` pairs."""
    if extra_names is not None and not isinstance(extra_names, Mapping):
        raise SpecError("extra_names must be a mapping of label -> ISO3 code", field="extra_names")
    return tuple(sorted((str(k), str(v)) for k, v in (extra_names or {}).items()))


def _known_series(known_series: Any) -> tuple[tuple[str, _Range], ...] | None:
    """The known ranges of series as sorted ``(series, (low, high))`` pairs (None: none given)."""
    if known_series is None:
        return None
    return tuple(
        sorted(
            (str(k), cast(_Range, tuple(v) if isinstance(v, tuple | list) else (None, None)))
            for k, v in known_series.items()
        )
    )
