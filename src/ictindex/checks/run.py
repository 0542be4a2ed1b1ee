"""Running the checks: issue rows gathered check by check (at most :data:`MAX_ROWS` each), warnings and errors,
the checks of values and units (:func:`check_values`), of scores (:func:`check_scores`) and of a validated panel
(:func:`check_panel`)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ictindex.checks.context import ISSUE_COLUMNS, MAX_ROWS, Context, Findings, Layout, _as_list
from ictindex.checks.population import _female_share_of
from ictindex.checks.settings import Settings
from ictindex.errors import IctIndexWarning, PanelError
from ictindex.method_table import SEVERITIES, checks

if TYPE_CHECKING:
    from ictindex.framework import Framework


# -- running the checks ----------------------------------------------------------------------------------------
@dataclass
class CheckedValues:
    """The values after the checks of values and units (zero prices set aside, totals derived), their sources,
    the female and male values, and the findings as issue rows (:data:`ISSUE_COLUMNS`)."""

    values: pd.DataFrame
    sources: pd.DataFrame | None
    sexes: dict[str, pd.DataFrame]
    issues: pd.DataFrame


class _Rows:
    """Issue rows gathered check by check; at most :data:`MAX_ROWS` per check and subject, plus one row
    counting the rest."""

    def __init__(self, layout: Layout, listed: np.ndarray | None, listed_years: set[int] | None) -> None:
        self.layout, self.listed, self.listed_years = layout, listed, listed_years
        self.frames: list[pd.DataFrame] = []
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, name: str, severity: str, found: Findings, subject: str, *, acted: bool = False) -> None:
        at = found.at
        unit = at >= 0
        if self.listed is not None:  # findings of the years built (and the changes that reach them)
            keep = np.zeros(len(at), dtype=bool)
            keep[unit] = (self.listed[0] if acted else self.listed[1])[at[unit]]
            if found.year is not None and (~unit).any():
                keep[~unit] = np.isin(found.year[~unit], sorted(self.listed_years or ()))
            positions = np.flatnonzero(keep)
        else:
            positions = np.arange(len(at))
        if not positions.size:
            return
        extra = max(0, len(positions) - MAX_ROWS)
        shown = positions[:MAX_ROWS]
        where = at[shown]
        inside = where >= 0
        economy = np.full(len(shown), "", dtype=object)
        economy[inside] = self.layout.labels[self.layout.economy[where[inside]]]
        year = np.full(len(shown), "", dtype=object)
        year[inside] = self.layout.year[where[inside]].astype(str)
        if found.year is not None:
            year[~inside] = np.asarray(found.year)[shown[~inside]].astype(str)
        names = found.subject if found.subject is not None else subject
        indicator = np.asarray(names, dtype=object)[shown] if isinstance(names, np.ndarray) else names
        frame = pd.DataFrame(
            {
                "severity": severity,
                "problem": name,
                "economy": economy,
                "indicator": indicator,
                "year": year,
                "message": found.messages(shown),
                "line": pd.NA,
            }
        )
        if extra:  # one row counts the findings not listed
            more = f"... and {extra:,} more finding(s) of {name}" + (f" on {subject}" if subject else "")
            row = [severity, name, "", subject, "", f"{more} (the first {MAX_ROWS:,} are listed)", pd.NA]
            frame = pd.concat([frame, pd.DataFrame([row], columns=ISSUE_COLUMNS)], ignore_index=True)
        self.frames.append(frame)
        self.counts[(name, severity)] = self.counts.get((name, severity), 0) + len(positions)

    def table(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        return pd.concat(self.frames, ignore_index=True)[ISSUE_COLUMNS]


def _listed(
    layout: Layout, years: Sequence[int] | None, window: int
) -> tuple[tuple[np.ndarray, np.ndarray] | None, set[int] | None]:
    """Which units' findings are listed: those of the years built; for a value a check changed, also the years
    an imputation may carry it from (``window`` years before the first year built)."""
    if years is None:
        return None, None
    built = set(int(y) for y in years)
    first = min(built)
    reach = set(range(first - window, max(built) + 1)) | built
    in_years = np.isin(layout.year, sorted(built))
    in_reach = np.isin(layout.year, sorted(reach))
    return (in_reach, in_years), built


def _user_stacklevel() -> int:
    """The stack level of the first frame outside ictindex (where a warning should point)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("ictindex"):
        frame, level = frame.f_back, level + 1
    return level


def _warn(rows: _Rows, issues: pd.DataFrame) -> None:
    """One :class:`IctIndexWarning` per check that found something at severity ``warning``."""
    for (name, severity), count in rows.counts.items():
        if severity != "warning":
            continue
        found = issues[(issues["problem"] == name) & (issues["economy"] != "")]
        places = ", ".join(pd.unique(found["economy"].astype(str) + " " + found["year"].astype(str)).tolist()[:5])
        warnings.warn(
            IctIndexWarning(
                f"{name}: {count:,} finding(s)"
                + (f" ({places}{', ...' if count > 5 else ''})" if places else "")
                + f"; see result.issues (problem == '{name}')",
                problem=name,
                count=count,
            ),
            stacklevel=_user_stacklevel(),
        )


def _raise(issues: pd.DataFrame) -> None:
    """Stop at the findings of severity ``error``, naming the first and counting the others."""
    errors = issues[issues["severity"] == "error"]
    if errors.empty:
        return
    first = errors.iloc[0]
    more = len(errors) - 1
    raise PanelError(
        f"{first['problem']}: {first['message']}" + (f" ({more} more error(s) of the checks)" if more else ""),
        economy=first["economy"] or None,
        indicator=first["indicator"] or None,
        year=first["year"] or None,
        hint="correct the data; if they are right, set the check's severity: checks={'"
        + str(first["problem"])
        + "': 'warning'} (or 'off'), in build_index or in the framework's checks: section",
    )


def check_values(
    values: pd.DataFrame,
    framework: Framework,
    settings: Settings | None = None,
    *,
    sources: pd.DataFrame | None = None,
    sexes: Mapping[str, pd.DataFrame] | None = None,
    years: Sequence[int] | None = None,
    window: int = 0,
    panel: Callable[[], pd.DataFrame] | None = None,
    units: Any = "economies",
    stop: bool = True,
    inplace: bool = False,
) -> CheckedValues:
    """Run the checks of values and of units on a ``(economy, year) x indicator`` matrix before imputation.

    Parameters
    ----------
    values, sources
        The framework's indicator values and their sources (:func:`ictindex.derive.indicator_values`); never
        changed in place.
    settings
        Severities and parameters (default: the framework's ``checks:`` and each check's default).
    sexes
        The female and male matrices (same index), for ``sex_total``.
    years, window
        The years built: findings are listed for them (and, for a value a check changed, for the ``window``
        years before, from which imputation may carry it); default: every year.
    panel
        Returns the validated panel, for population rows by sex (called only when a total is to be derived).
    units
        The build's :class:`~ictindex.units.Units` (or their kind): a units table's population by sex, else for
        ISO3 economies the bundled population by sex, is used where the panel has none.
    stop
        Raise at findings of severity ``error`` and warn about the others (a build); ``False`` only lists
        them (validation, :func:`ictindex.describe`).
    inplace
        Write the values a check changes into ``values`` itself (a build's own matrix: no copy of millions of
        values); by default ``values`` is left as it is and the result holds a changed copy.
    """
    settings = settings or Settings(framework)
    layout = Layout.from_index(values.index)
    rows = _Rows(layout, *_listed(layout, years, window))
    # one array per indicator (views of the frame's columns); a column a check changes is copied first
    x = [values[code].to_numpy(dtype="float64") for code in values.columns]
    sex_arrays = {
        s: frame.reindex(values.index).to_numpy(dtype="float64", copy=True) for s, frame in (sexes or {}).items()
    }
    population = _female_share_of(layout, panel, units)
    changed, source_notes = _run_value_checks(
        values, x, sex_arrays, framework, settings, Context(layout, framework, population=population), rows, inplace
    )
    for j in changed:  # the female and male indices share the total's value of a common indicator
        if not framework.indicators[j].sex_disaggregable:
            for s in sex_arrays:
                sex_arrays[s][:, j] = x[j]
    _run_unit_checks(values, x, framework, settings, layout, rows)
    issues = rows.table()
    if stop:
        _raise(issues)
        _warn(rows, issues)
    out_values = values
    if changed and not inplace:
        out_values = values.copy(deep=False)
        for j in changed:
            out_values[values.columns[j]] = x[j]
    out_sexes = {s: pd.DataFrame(a, index=values.index, columns=values.columns) for s, a in sex_arrays.items()}
    return CheckedValues(out_values, _noted_sources(sources, source_notes), out_sexes, issues)


def _run_value_checks(
    values: pd.DataFrame,
    x: list[np.ndarray],
    sex_arrays: dict[str, np.ndarray],
    framework: Framework,
    settings: Settings,
    base: Context,
    rows: _Rows,
    inplace: bool,
) -> tuple[set[int], list[tuple[int, np.ndarray, np.ndarray]]]:
    """The checks of values, indicator by indicator; a finding that acts (a value set aside or derived, sexes
    dropped) changes ``x`` (and ``values`` itself when ``inplace``) and ``sex_arrays`` unless its severity is
    ``error``. Returns the columns changed and the source notes of the values changed."""
    changed: set[int] = set()
    source_notes: list[tuple[int, np.ndarray, np.ndarray]] = []
    for method in checks.methods():
        if method.scope != "indicator":
            continue
        params = settings.params(method.name)
        for j, indicator in enumerate(framework.indicators):
            severity = settings.severity(method.name, indicator)
            if severity == "off" or severity not in SEVERITIES:
                continue
            sexed = indicator.sex_disaggregable and "female" in sex_arrays and "male" in sex_arrays
            context = Context(
                base.layout,
                framework,
                indicator,
                female=sex_arrays["female"][:, j] if sexed else None,
                male=sex_arrays["male"][:, j] if sexed else None,
                population=base.population,
            )
            for found in _as_list(method.fn(x[j], context, **params)):
                acted = found.values is not None or found.drop_sexes
                if acted and severity != "error":
                    if found.values is not None:
                        if inplace:  # the frame's own column (pandas copies it only if it is shared)
                            values.iloc[found.at, j] = found.values
                            x[j] = values.iloc[:, j].to_numpy(dtype="float64")
                        else:
                            x[j] = x[j].copy() if j not in changed else x[j]
                            x[j][found.at] = found.values
                        changed.add(j)
                        source_notes.append((j, found.at, _derivation(method.name, found.values)))
                    if found.drop_sexes:
                        for s in sex_arrays:
                            sex_arrays[s][found.at, j] = np.nan
                rows.add(method.name, severity, found, indicator.code, acted=acted)
    return changed, source_notes


def _run_unit_checks(
    values: pd.DataFrame, x: list[np.ndarray], framework: Framework, settings: Settings, layout: Layout, rows: _Rows
) -> None:
    """The checks of units, on which units have a value of which indicator."""
    present = np.column_stack([~np.isnan(column) for column in x]) if x else np.zeros((len(values), 0), dtype=bool)
    has = present.any(axis=1)
    for method in checks.methods():
        if method.scope != "units":
            continue
        severity = settings.severity(method.name)
        if severity == "off":
            continue
        for found in _as_list(method.fn(present, Context(layout, framework, has=has), **settings.params(method.name))):
            rows.add(method.name, severity, found, "")


def _noted_sources(
    sources: pd.DataFrame | None, source_notes: list[tuple[int, np.ndarray, np.ndarray]]
) -> pd.DataFrame | None:
    """The sources with the notes of the values a check changed (a copy; ``sources`` itself is left as it is)."""
    if sources is None or not source_notes:
        return sources
    out_sources = sources.copy()
    for j, at, text in source_notes:
        column = out_sources.iloc[:, j].astype(object).to_numpy(copy=True)
        column[at] = text
        out_sources[out_sources.columns[j]] = column
    return out_sources


def _derivation(name: str, values: np.ndarray) -> np.ndarray:
    """The source text of the values a check changed: empty where set aside, "derived by ..." where derived."""
    derived = f"derived by {name}" + (
        " from the female and male values weighted by population by sex" if name == "sex_total" else ""
    )
    return np.where(np.isnan(np.asarray(values, dtype="float64")), "", derived)


def check_scores(
    scores: np.ndarray,
    framework: Framework,
    index: pd.MultiIndex,
    reported: np.ndarray,
    settings: Settings | None = None,
    *,
    stop: bool = True,
) -> pd.DataFrame:
    """Run the checks of scores on the nominal node scores ``(units, nodes)`` (bottom-up order) with the
    matrix of reported values ``(units, indicators)``; returns the issue rows."""
    settings = settings or Settings(framework)
    layout = Layout.from_index(index)
    rows = _Rows(layout, None, None)
    context = Context(layout, framework, reported=reported)
    for method in checks.methods():
        if method.scope != "scores":
            continue
        severity = settings.severity(method.name)
        if severity == "off":
            continue
        for found in _as_list(method.fn(scores, context, **settings.params(method.name))):
            rows.add(method.name, severity, found, "")
    issues = rows.table()
    if stop:
        _raise(issues)
        _warn(rows, issues)
    return issues


def needs_sexes(checked: Any, framework: Framework, settings: Settings) -> bool:
    """Whether the sex_total check needs the female and male values: it is on for a sex-disaggregable indicator
    and the validated panel (:class:`~ictindex.panel.PanelCheck`) has female or male rows."""
    if not any(i.sex_disaggregable and settings.severity("sex_total", i) != "off" for i in framework.indicators):
        return False
    sex = checked.wide.sex if checked.wide is not None else checked.panel["sex"].array
    other = [c for c, label in enumerate(sex.categories) if label != "total"]
    return bool(other) and bool(np.isin(sex.codes, other).any())


def check_panel(checked: Any, framework: Framework, settings: Settings) -> pd.DataFrame:
    """The findings of the checks of values and units on a validated panel (every year; nothing is set aside,
    raised or warned): the issue rows :func:`ictindex.validate_panel` adds with a framework. ``settings`` are the
    build's check settings over the framework's (:class:`Settings`)."""
    from ictindex.derive import indicator_values

    values, sources = indicator_values(checked.values, framework)
    sexes = {}
    if needs_sexes(checked, framework, settings):
        sexes = {s: indicator_values(checked.values, framework, sex=s)[0] for s in ("female", "male")}
        index = values.index
        for frame in sexes.values():
            index = index.union(frame.index)
        index = index.sortlevel()[0] if len(index) and not index.is_monotonic_increasing else index
        values, sources = values.reindex(index), sources.reindex(index)
    if values.empty:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    return check_values(
        values,
        framework,
        settings,
        sources=sources,
        sexes=sexes,
        panel=lambda: checked.panel,
        units=settings.units,
        stop=False,
        inplace=True,
    ).issues
