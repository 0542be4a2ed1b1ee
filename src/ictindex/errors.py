"""The library's own exception hierarchy.

Every error raised by ictindex derives from :class:`IctIndexError`, itself a
:class:`ValueError`, so ``except ValueError`` keeps working for callers that do
not know the library. Each message names what is at fault (file and field,
economy, indicator, year) and says what to do about it.

>>> try:
...     raise PanelError("duplicate rows", economy="KOR", indicator="internet_users", year=2018,
...                      hint="keep one row per key")
... except IctIndexError as err:
...     print(err)
duplicate rows [economy KOR, indicator internet_users, year 2018]. What to do: keep one row per key
"""

from __future__ import annotations

__all__ = [
    "IctIndexError",
    "FrameworkError",
    "PanelError",
    "SourceFileError",
    "CoverageError",
    "MethodError",
    "SpecError",
    "OutputError",
    "IctIndexWarning",
]


class IctIndexError(ValueError):
    """Base class of every error ictindex raises on purpose.

    Parameters
    ----------
    message
        What went wrong.
    economy, indicator, year, node, file, line, field
        The place at fault; whichever are known are appended to the message (``line``: the line of a
        text file or the row of a sheet, counting the header as 1).
    noun
        What a unit is called when it is not an economy ("province"): the label of ``economy``.
    hint
        What the user should do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        economy: str | None = None,
        indicator: str | None = None,
        year: int | str | None = None,
        node: str | None = None,
        file: str | None = None,
        field: str | None = None,
        hint: str | None = None,
        line: int | None = None,
        noun: str | None = None,
    ) -> None:
        self.message = message
        self.noun = noun  # what the "economy" field names: "province", "district" (issue 22: words of the units)
        self.economy = economy
        self.indicator = indicator
        self.year = year
        self.node = node
        self.file = None if file is None else str(file)
        self.field = field
        self.line = line
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        place = [
            f"{label} {value}"
            for label, value in (
                ("file", self.file),
                ("line", self.line),
                ("field", self.field),
                (self.noun or "economy", self.economy),
                ("indicator", self.indicator),
                ("node", self.node),
                ("year", self.year),
            )
            if value is not None and str(value) != ""
        ]
        text = self.message
        if place:
            text += " [" + ", ".join(place) + "]"
        if self.hint:
            text += f". What to do: {self.hint}"
        return text


class FrameworkError(IctIndexError):
    """A framework file or model is invalid (bad field, cycle, duplicate code, bad weights)."""


class PanelError(IctIndexError):
    """An input indicator table is malformed or holds values that cannot be right."""


class SourceFileError(IctIndexError):
    """A source file (ITU, UN SDG, World Bank, a GeoJSON of unit boundaries) does not have the expected layout."""


class CoverageError(IctIndexError):
    """Not enough data to compute what was asked (no economy scored, a year with no data)."""


class MethodError(IctIndexError):
    """A method cannot be applied to these values (log of zero, zero variance, zeros in a geometric mean)."""


class SpecError(IctIndexError):
    """An argument of a build (``build_index``, ``compile_model``) or of a spec has the wrong type or value."""


class OutputError(IctIndexError):
    """An output folder or file cannot be written safely (a foreign non-empty folder, a symbolic link)."""


class IctIndexWarning(UserWarning):
    """Something the user should know of: a data-quality finding kept in the result (a check of severity
    ``warning`` fired, :mod:`ictindex.checks`), or the years of a replayed spec that the data lack, left out with
    ``years="available"``. The value stays (or is set aside, as the check says) and every finding is a
    row of ``result.issues``; ``problem`` names the check and ``count`` the findings.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn(IctIndexWarning("zero_price: 2 values set aside", problem="zero_price", count=2))
    >>> caught[0].category.__name__, caught[0].message.problem
    ('IctIndexWarning', 'zero_price')
    """

    def __init__(self, message: str, *, problem: str = "", count: int = 0) -> None:
        super().__init__(message)
        self.problem = problem
        self.count = count
