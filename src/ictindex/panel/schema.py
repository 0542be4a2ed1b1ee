"""The panel's schema: its columns, the words read as "no data", the column aliases and sex labels, and the
containers of a validated panel (:class:`PanelCheck`, :class:`WideValues`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PANEL_COLUMNS = ["economy", "year", "indicator", "sex", "value", "source", "note"]
#: The codes of the ``sex`` column (categorical, in this order).
SEX_CODES = ("total", "female", "male")
ISSUE_COLUMNS = ["severity", "problem", "economy", "indicator", "year", "message", "line"]

_WIDE_LAYOUT = True
_LINE = "_line"  # column of the file line (or sheet row) of each row, while validating
#: Cell contents read as "no data" (recorded as a warning), compared after strip + casefold.
MISSING_MARKERS = frozenset(
    {
        "",
        "..",
        "...",
        "…",
        "-",
        "–",
        "—",
        "n/a",
        "na",
        "n.a.",
        "nan",
        "null",
        "none",
        *(
            e.casefold()
            for e in (
                "#N/A",
                "#DIV/0!",
                "#VALUE!",
                "#REF!",
                "#NAME?",
                "#NUM!",
                "#NULL!",
                "#SPILL!",
                "#CALC!",
                "#GETTING_DATA",
            )
        ),
    }
)
#: Spreadsheet error values (``#N/A``, ``#DIV/0!``, ...) are among the markers: a formula with no result.

_ALIASES = {
    "economy": ("economy", "iso3", "country", "entityiso", "economy name", "ucode", "unit"),
    "year": ("year", "time", "datayear", "timeperiod"),
    "indicator": ("indicator", "series", "seriescode", "code"),
    "value": ("value", "datavalue"),
    "sex": ("sex", "gender"),
    "source": ("source", "datasource"),
    "note": ("note", "datanote", "footnote"),
}
_SEX = {
    "total": "total",
    "t": "total",
    "both": "total",
    "bothsex": "total",
    "both sexes": "total",
    "all": "total",
    "_t": "total",
    "female": "female",
    "f": "female",
    "women": "female",
    "woman": "female",
    "male": "male",
    "m": "male",
    "men": "male",
    "man": "male",
}


@dataclass(frozen=True)
class WideValues:
    """The usable values of a validated wide table, kept in the table's shape (no row per value).

    A wide table of ``n`` rows and ``k`` indicator columns is validated column by column (see
    :func:`validate_panel`); what is usable stays an ``(n, k)`` block, so a build reads the indicator matrix
    from it without a long layout of ``n * k`` rows. :meth:`to_long` gives the canonical long panel
    (what :attr:`PanelCheck.panel` holds).
    """

    economy: pd.Categorical  # per row of the table (code -1: the row holds no usable value)
    year: np.ndarray  # per row, int64
    sex: pd.Categorical  # per row, categories SEX_CODES
    source: pd.Categorical  # per row
    note: pd.Categorical  # per row
    indicator: pd.Categorical  # per column of the block (code -1: the column holds no usable value)
    values: np.ndarray  # (n, k) float64, Fortran order: NaN where no usable value

    def to_long(self) -> pd.DataFrame:
        """The canonical long panel: one row per usable value, column by column of the table."""
        n, k = self.values.shape
        value = self.values.ravel(order="F")
        usable = ~np.isnan(value)
        cells = None if usable.all() else np.flatnonzero(usable)

        def usable_cells(flat: np.ndarray) -> np.ndarray:  # (every cell usable: no gather)
            return flat if cells is None else flat[cells]

        def per_row(column: pd.Categorical) -> pd.Categorical:
            return pd.Categorical.from_codes(usable_cells(np.tile(column.codes, k)), categories=column.categories)

        indicator = usable_cells(np.repeat(self.indicator.codes, n))
        return pd.DataFrame(
            {
                "economy": per_row(self.economy),
                "year": usable_cells(np.tile(self.year, k)),
                "indicator": pd.Categorical.from_codes(indicator, categories=self.indicator.categories),
                "sex": per_row(self.sex),
                "value": usable_cells(value),
                "source": per_row(self.source),
                "note": per_row(self.note),
            },
            copy=False,
        )


class PanelCheck:
    """A validated panel and what validation noticed.

    ``panel`` has the columns :data:`PANEL_COLUMNS`; ``issues`` has one row per
    problem (``severity`` error or warning, ``problem`` a short code, ``economy``,
    ``indicator``, ``year``, ``message``). A wide table's usable values are also kept in its own
    shape as ``wide`` (:class:`WideValues`); its long ``panel`` is then made when first asked for.
    """

    def __init__(
        self,
        panel: pd.DataFrame | None = None,
        issues: pd.DataFrame | None = None,
        economies: frozenset[str] = frozenset(),
        *,
        wide: WideValues | None = None,
    ) -> None:
        if panel is None and wide is None:
            raise TypeError("PanelCheck needs a panel or wide values")
        self._panel = panel
        self.wide = wide
        self.issues = pd.DataFrame(columns=ISSUE_COLUMNS) if issues is None else issues
        #: ISO3 codes of every economy in the input (after name resolution, aggregates set aside), whether or
        #: not any of its values is usable: an economy whose cells are all empty, ``..`` or ``#N/A`` is here
        #: but not in ``panel``, so a build can list it as not scored instead of losing it.
        self.economies = economies

    @property
    def panel(self) -> pd.DataFrame:
        """The validated long panel (:data:`PANEL_COLUMNS`)."""
        if self._panel is None:
            self._panel = self.wide.to_long()  # type: ignore[union-attr]
        return self._panel

    @property
    def values(self) -> pd.DataFrame | WideValues:
        """What the indicator matrix is read from: the wide values when the input was a wide table, else the
        panel (:func:`ictindex.derive.indicator_values` takes either)."""
        return self.wide if self.wide is not None else self.panel

    @property
    def n_values(self) -> int:
        """The number of usable values (rows of ``panel``)."""
        if self._panel is None and self.wide is not None:
            return int(np.count_nonzero(~np.isnan(self.wide.values)))
        return len(self.panel)

    @property
    def has_notes(self) -> bool:
        """Whether any usable value carries a publisher's note."""
        note = self.wide.note if self._panel is None and self.wide is not None else self.panel["note"].array
        written = np.asarray([str(c) != "" for c in note.categories], dtype=bool)
        return bool(np.append(written, False)[note.codes].any())

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    @property
    def aggregates(self) -> list[str]:
        """Aggregate labels (World, regions, income groups) found and kept out of scoring."""
        rows = self.issues[self.issues["problem"] == "aggregate"]
        return sorted(rows["economy"].unique())

    def __repr__(self) -> str:
        n_errors = len(self.errors)
        return (
            f"PanelCheck({self.n_values} usable values, {n_errors} error(s), "
            f"{len(self.issues) - n_errors} warning(s), {len(self.economies)} economies)"
        )

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import panel_check_card

        return panel_check_card(self).html()


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    lookup = {alias: canonical for canonical, aliases in _ALIASES.items() for alias in aliases}
    renames: dict[str, str] = {}
    for column in frame.columns:
        canonical = lookup.get(str(column).strip().casefold())
        if canonical and canonical not in renames.values():
            renames[column] = canonical
    return frame.rename(columns=renames)
