"""The digital-divide part of a report: :class:`DivideFindings`, computed by :func:`divide_findings`.

Inequality between units per year and in the report year (with the group means, the Theil decomposition by
grouping and the Lorenz curve), convergence over the decade up to the report year, the urban/rural gaps and
the WSIS targets (:mod:`ictindex.divide`). A part that cannot be computed is left out with a note; so is a
series break of the WSIS series, where the population reporting changed (:func:`reporting_breaks`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ictindex import divide
from ictindex.errors import IctIndexError
from ictindex.units import Units, group_means

if TYPE_CHECKING:
    from ictindex.result import IndexResult


@dataclass(frozen=True)
class DivideFindings:
    """The digital-divide part: inequality per year, group means and Theil by grouping in ``year``,
    convergence, Lorenz curves, the urban/rural gaps and the WSIS targets (each ``None`` when not computed;
    ``notes`` say why)."""

    year: int
    years: tuple[int, ...]
    index_name: str
    groupings: tuple[str, ...]
    inequality: pd.DataFrame | None = None
    group_means: pd.DataFrame | None = None
    theil: pd.DataFrame | None = None
    lorenz: divide.Lorenz | None = None
    convergence: divide.Convergence | None = None
    gaps: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    #: series breaks of the WSIS series (:func:`reporting_breaks`): a group's reporting population changed
    breaks: pd.DataFrame | None = None
    #: series breaks of the WSIS series (:func:`source_breaks`): a group's values came from another series
    source_breaks: pd.DataFrame | None = None
    target_groupings: tuple[str, ...] = ("world",)
    notes: list[str] = field(default_factory=list)


#: Years of the divide's series over time (inequality per year, convergence): the decade up to the report year.
DIVIDE_YEARS = 10


#: What a part of the divide yields: its fields of :class:`DivideFindings`, one (name, value) pair at a time.
Parts = Iterator[tuple[str, object]]


def _between_units(
    result: IndexResult,
    year: int,
    shown: Sequence[int],
    units: Units,
    groupings: Sequence[str],
    groups: pd.DataFrame,
    population: pd.Series,
) -> Parts:
    """Inequality per year of ``shown``, the group means and the Theil decomposition by grouping in ``year``, and
    the Lorenz curve of ``year``."""
    kwargs = {"groups": groups, "population": population}
    yield "inequality", divide.inequality(result, years=shown, **kwargs)
    yield "group_means", group_means(result, by=("world", *groupings), years=[year], units=units, **kwargs)
    if groupings:
        theil = [divide.theil(result, by=by, years=[year], **kwargs) for by in groupings]
        yield "theil", pd.concat(theil, ignore_index=True)
    yield "lorenz", divide.lorenz(result, year=year, population=population)


def _over_time(result: IndexResult, shown: Sequence[int], population: pd.Series) -> Parts:
    """Sigma- and beta-convergence over the years ``shown``."""
    yield "convergence", divide.convergence(result, years=shown, population=population)


def _urban_rural(panel: pd.DataFrame) -> Parts:
    """The domestic gaps of ``panel``; an error when it holds no urban/rural series."""
    gaps = divide.domestic_gaps(panel)
    if not (gaps["dimension"] == "urban/rural").any():
        raise IctIndexError("the panel holds no urban/rural series ('<series>.urban' and '.rural' rows)")
    yield "gaps", gaps


def _wsis(
    panel: pd.DataFrame, year: int, target_groupings: Sequence[str], groups: pd.DataFrame, population: pd.Series
) -> Parts:
    """The WSIS-target table of ``panel`` by ``target_groupings``, its fitted trends and its series breaks up to
    ``year``."""
    table = divide.wsis_targets(panel, by=target_groupings, groups=groups, population=population)
    yield "targets", table
    yield "trends", divide.wsis_trend_points(table)
    yield "breaks", reporting_breaks(table[table["year"] <= year])
    yield "source_breaks", source_breaks(table[table["year"] <= year])


def _attempt(what: str, parts: Parts, found: dict[str, object], notes: list[str]) -> None:
    """Adds the ``parts`` to ``found`` (those computed before an error are kept); an error becomes a note."""
    try:
        for name, value in parts:
            found[name] = value
    except IctIndexError as err:
        notes.append(f"{what}: not shown ({err}).")


def divide_findings(
    result: IndexResult,
    year: int,
    *,
    units: Units,
    groupings: Sequence[str],
    panel: pd.DataFrame | None = None,
) -> DivideFindings:
    """Everything the digital-divide part shows for ``result`` in ``year``, with the groups and population of
    ``units``. The urban/rural gaps and the WSIS targets come from ``panel`` (left out, with a note, without
    it or without their series)."""
    groups, population = units.groups(), units.population_series()
    # over time: the decade up to the report year (a series ends at the report year)
    shown = [y for y in result.years if year - DIVIDE_YEARS < y <= year]
    target_groupings = ("world", *[g for g in ("income",) if g in groupings])
    notes: list[str] = []
    found: dict[str, object] = {}
    plural = units.plural
    between = _between_units(result, year, shown, units, groupings, groups, population)
    _attempt(f"Inequality between {plural}", between, found, notes)
    if not groupings:
        notes.append(f"Theil decomposition by group: not shown (the {plural} have no groups).")
    if len(shown) > 1:
        _attempt("Convergence", _over_time(result, shown, population), found, notes)
    else:
        notes.append(f"Convergence: not shown (the result has one year, {year}; build it for several).")
    if panel is None:
        notes.append(
            "Urban/rural divide and WSIS targets: not shown (no panel with their series was given; pass panel=)."
        )
    else:
        _attempt("Urban/rural divide", _urban_rural(panel), found, notes)
        _attempt("WSIS targets", _wsis(panel, year, target_groupings, groups, population), found, notes)
    return DivideFindings(
        year=year,
        years=tuple(shown),
        index_name=result.framework.name,
        groupings=tuple(groupings),
        target_groupings=target_groupings,
        notes=notes,
        **found,  # type: ignore[arg-type]
    )


#: A change of more than this share of a group's population reporting, from one year to the next, is a break.
BREAK_SHARE = 0.05


def source_breaks(table: pd.DataFrame, threshold: float = BREAK_SHARE) -> pd.DataFrame:
    """Series breaks of group means over time where the values changed source: the years in which economies whose
    value came from another of the target's series than the year before hold more than ``threshold`` (5 % by
    default) of the population of the group's economies with a value (``series_changed_share`` of
    :func:`ictindex.divide.wsis_targets`). One row per break: ``target``, ``grouping``, ``group``, ``year``,
    ``series_changed_share``. Years that do not meet coverage (not drawn) are skipped."""
    columns = ["target", "grouping", "group", "year", "series_changed_share"]
    if "series_changed_share" not in table:
        return pd.DataFrame(columns=columns)
    rows = table[table["meets_coverage"].astype(bool)] if "meets_coverage" in table else table
    found = rows[rows["series_changed_share"].fillna(0.0) > threshold]
    return found.sort_values(columns[:4])[columns].reset_index(drop=True)


def reporting_breaks(table: pd.DataFrame, threshold: float = BREAK_SHARE) -> pd.DataFrame:
    """Series breaks of group means over time: the years in which the share of a group's population living in
    units that report (``reported_share``) moved by more than ``threshold`` (5 points by default) from the year
    before, so that part of the change of the mean is a change of who reports. One row per break: ``target``
    (or ``code``), ``grouping``, ``group``, ``year``, ``reported_before``, ``reported_share``, ``change``. Years
    that do not meet coverage (not drawn) are skipped."""
    key = "target" if "target" in table.columns else "code"
    columns = [key, "grouping", "group", "year", "reported_before", "reported_share", "change"]
    rows = table
    if "meets_coverage" in rows:
        rows = rows[rows["meets_coverage"].astype(bool)]
    rows = rows.sort_values([key, "grouping", "group", "year"])
    before = rows.groupby([key, "grouping", "group"], sort=False)["reported_share"].shift()
    change = rows["reported_share"] - before
    found = rows.assign(reported_before=before, change=change)
    return found[change.abs() > threshold][columns].reset_index(drop=True)
