"""The tables of a compiled model's nominal evaluation, unit by unit, each built when asked for.

Everything here is unit-local: the scores of each unit, its coverage rows, floored values, value flags, source
breaks, imputation and treatment rows. :func:`ictindex.build.explain` adds what needs every unit (the ranks, the
check that some unit was scored) and wraps the tables in an :class:`~ictindex.result.IndexResult`; a Dask build
(:mod:`ictindex.dask_build`) takes the same tables of each partition. The numbers stay the model's arrays: text
(economy codes in every row, coverage reasons, flags) is written only for a table someone reads, and only for
the rows that need it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from ictindex.aggregate import Explanation
from ictindex.breaks import detect_breaks
from ictindex.checks import check_scores
from ictindex.derive import indicator_values
from ictindex.flags import economy_flags, value_flags, value_notes
from ictindex.model import IndexModel
from ictindex.panel import PanelCheck
from ictindex.stages import check_settings

__all__ = ["UnitTables", "unit_tables", "min_ranks"]


def _frame(model: IndexModel, array: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame(array, index=model.units, columns=list(columns), copy=False)


def min_ranks(year: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest value of each year, ties sharing the lowest rank (``1 +`` the number of higher
    values that year); NaN without a value.

    >>> min_ranks(np.array([1, 1, 1, 2]), np.array([0.5, 0.9, 0.5, np.nan])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    rank = np.full(len(value), np.nan)
    scored = ~np.isnan(value)
    for y in np.unique(year[scored]):
        at = np.flatnonzero(scored & (year == y))
        rank[at] = at.size - np.searchsorted(np.sort(value[at]), value[at], side="right") + 1
    return rank


@dataclass(eq=False)
class UnitTables:
    """The nominal evaluation of a model: node scores ``(units, nodes)`` (scaled); the tables users read are
    methods, built on call (what the aggregation saw, for the coverage table, is seen again then: it takes less
    time than keeping its masks takes memory)."""

    model: IndexModel
    node_scores: np.ndarray
    explanation: Explanation | None = None

    @property
    def _checked(self) -> PanelCheck:  # (set by compile_model; optional only in the dataclass)
        return cast(PanelCheck, self.model.checked)

    def _covered(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The coverage and floored tables (what the aggregation saw seen again, once)."""
        if not hasattr(self, "_coverage_tables"):
            explanation = self.explanation if self.explanation is not None else self.model.nominal()[1]
            self._coverage_tables = self.model.coverage(cast(Explanation, explanation))
        return self._coverage_tables

    @property
    def sex(self) -> str:
        return self.model.spec.sex

    @property
    def wanted(self) -> list[int]:
        return list(self.model.spec.years or self.model.years)

    def scored(self) -> np.ndarray:
        """Units with a score on any node (the rows of the scores table)."""
        return ~np.isnan(self.node_scores).all(axis=1)

    def index_scores(self) -> np.ndarray:
        return self.node_scores[:, self.model.nodes.index(self.model.framework.index)]

    def scores(self, rank: np.ndarray | None = None) -> pd.DataFrame:
        """economy, year, node scores top-down and (given the ranks of every unit) ``rank``: the scored units."""
        model = self.model
        top_down = model.framework.top_down_order
        order = [model.nodes.index(code) for code in top_down]
        scored = self.scored()
        every = bool(scored.all())
        keep = slice(None) if every else np.flatnonzero(scored)
        del scored
        # the columns made from the index's codes and levels (its labels once, then taken: no text per row made
        # twice), and one copy of the scores: millions of units make each of them large
        units = model.units
        economy, year = units.names
        block = self.node_scores[:, order] if every else self.node_scores[np.ix_(keep, order)]  # type: ignore[arg-type]
        columns = {
            economy: pd.Series(np.asarray(units.levels[0], dtype=object)).array.take(units.codes[0][keep]),
            year: units.levels[1].to_numpy()[units.codes[1][keep]],
            **{code: block[:, j] for j, code in enumerate(top_down)},
        }
        table = pd.DataFrame(columns, copy=False)
        if rank is not None:
            taken = rank[keep]
            missing = np.isnan(taken)
            table["rank"] = pd.arrays.IntegerArray(np.where(missing, 0, taken).astype("int64"), missing)
        return table

    def coverage(self) -> pd.DataFrame:
        coverage = self._covered()[0]
        return coverage.sort_values(["year", "economy", "node"], kind="stable").reset_index(drop=True)

    def floored(self) -> pd.DataFrame:
        return self._covered()[1]

    # -- the indicator matrices (wide, indexed by unit) ------------------------------------------------------
    def raw(self) -> pd.DataFrame:
        model = self.model
        return _frame(model, model.raw if self.sex == "total" else model.sex_raw[self.sex], model.indicators)

    def imputed(self) -> pd.DataFrame:
        model = self.model
        return _frame(model, model.values if self.sex == "total" else model.sex_values[self.sex], model.indicators)

    def normalised(self) -> pd.DataFrame:
        model = self.model
        array = model.normalised if self.sex == "total" else model.sex_normalised[self.sex]
        return _frame(model, array, model.indicators)

    # -- value notes (estimates, carried values) and method breaks -----------------------------------------
    def _log(self) -> pd.DataFrame:
        log = cast(pd.DataFrame, self.model.imputations)
        return log[log["sex"] == "total"] if self.sex == "total" else log

    def _all_sources(self) -> pd.DataFrame:
        """Every year's sources when a value was carried from a year not built (else the built years' suffice), so
        that a carried value keeps the note and source of the year it came from."""
        model, log = self.model, self._log()
        outside = not log.empty and not set(log["from_year"].astype(int)) <= set(model.years)
        return indicator_values(self._checked.values, model.framework, sex=self.sex)[1] if outside else model.sources

    def flags(self) -> pd.DataFrame:
        """One row per value that is an estimate or carried forward (made once, kept)."""
        if not hasattr(self, "_flags"):
            self._flags = self._value_flags()
        return self._flags

    def _value_flags(self) -> pd.DataFrame:
        model, log = self.model, self._log()
        checked = self._checked
        notes = None
        if checked.has_notes:  # (a panel without notes is not looked at: a wide table's long panel is not made)
            years = {*self.wanted, *log["from_year"].astype(int)}
            notes = value_notes(checked.panel, self._all_sources(), sex=self.sex, years=years)
        return value_flags(
            self.imputed(), None if notes is None else notes.reindex(model.units).fillna(""), log, notes_of_origin=notes
        )

    def economy_flags(self, flags: pd.DataFrame | None = None, findings: pd.DataFrame | None = None) -> pd.DataFrame:
        """Per unit and year: indicators present, estimated, carried, and the marker (``findings``: the issue rows
        of the checks of scores, for ``!`` and ``M``; the warnings of the checks of values, for ``W``, are the
        model's own)."""
        found = [t for t in (self.model.check_issues, findings) if t is not None and not t.empty]
        every = pd.concat(found, ignore_index=True) if len(found) > 1 else (found[0] if found else None)
        return economy_flags(self.imputed(), self.flags() if flags is None else flags, every)

    # -- the checks of scores (ictindex.checks): unit by unit ----------------------------------------------
    def reported(self) -> np.ndarray:
        """``(units, indicators)``: values present before imputation that are not publisher estimates (the value
        flags are made only for a panel with publisher's notes: without notes nothing is an estimate)."""
        model = self.model
        reported = ~np.isnan(model.raw if self.sex == "total" else model.sex_raw[self.sex])
        if not self._checked.has_notes:
            return reported
        flags = self.flags()
        estimates = flags[flags["flag"].str.contains("estimate") & flags["from_year"].isna()]
        if not estimates.empty:
            rows = model.units.get_indexer(pd.MultiIndex.from_arrays([estimates["economy"], estimates["year"]]))
            columns = pd.Index(model.indicators).get_indexer(estimates["indicator"])
            hit = (rows >= 0) & (columns >= 0)
            reported[rows[hit], columns[hit]] = False
        return reported

    def score_issues(self, *, stop: bool = True) -> pd.DataFrame:
        """The checks of scores (thin data, a node scored without a whole category) on the nominal node scores:
        issue rows; with ``stop``, a finding of severity ``error`` raises and the others warn."""
        model = self.model
        return check_scores(
            self.node_scores, model.framework, model.units, self.reported(), check_settings(model.spec), stop=stop
        )

    def issues(self, score_issues: pd.DataFrame | None = None) -> pd.DataFrame:
        """The issue table: validation, the checks of values and units, the checks of scores."""
        model = self.model
        found = [t for t in (self._checked.issues, model.check_issues, score_issues) if t is not None and not t.empty]
        return pd.concat(found, ignore_index=True) if found else self._checked.issues

    def breaks(self) -> pd.DataFrame:
        return detect_breaks(self._all_sources(), self._log(), years=self.wanted)


def unit_tables(model: IndexModel) -> UnitTables:
    """Evaluate a model nominally (a block of units at a time) and hold what its tables are made of."""
    return UnitTables(model, model.nominal(explained=False)[0])
