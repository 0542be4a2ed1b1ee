"""Value notes that travel: publisher estimates and carried-forward values, per value and per economy.

ITU marks model values "ITU estimate" and the UN SDG database marks them nature ``E``; the
latest-available rule carries older values forward. A ranking that hides both reads as if every
score rested on the year's own measurements. This module turns them into flags:

* per value (:func:`value_flags`): ``estimate`` (the publisher's note says so), ``carried forward``
  (from ``from_year``), or both;
* per economy and year (:func:`economy_flags`): how many indicators were present, estimated,
  carried; the marker ``E`` (some estimates), ``C`` (some carried values), ``!`` when the
  economy is scored from fewer than half of its indicators or mostly (more than half) from
  estimates, or the ``thin_data`` check found it scored from too few reported values, and ``M``
  when the ``missing_category`` check found a node scored without a whole category, ``W`` when a value the
  score rests on drew a warning of the checks of values and was kept as given
  (:mod:`ictindex.checks`; OECD/JRC Handbook 2008, section 1.6: report the data behind each score).

>>> idx = pd.MultiIndex.from_tuples([("KOR", 2023)], names=["economy", "year"])
>>> notes = pd.DataFrame({"a": ["ITU estimate."], "b": [""]}, index=idx)
>>> values = pd.DataFrame({"a": [1.0], "b": [2.0]}, index=idx)
>>> value_flags(values, notes)[["indicator", "flag"]].values.tolist()
[['a', 'estimate']]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ictindex.breaks import series_code

__all__ = [
    "FLAG_COLUMNS",
    "ECONOMY_FLAG_COLUMNS",
    "MARKERS",
    "value_notes",
    "value_flags",
    "economy_flags",
    "is_estimate",
]

FLAG_COLUMNS = ["economy", "year", "indicator", "value", "flag", "from_year", "note"]
ECONOMY_FLAG_COLUMNS = ["economy", "year", "indicators", "present", "estimates", "carried", "marker", "why"]
MARKERS = {
    "E": "some values are publisher estimates (ITU estimate; SDG nature E)",
    "C": "some values are carried forward from an earlier year (latest available, at most max_gap years)",
    "!": "scored from fewer than half of its indicators, or mostly from estimates, or from too few reported "
    "(not imputed, not estimated) values (thin_data)",
    "M": "a score computed without a whole category or sub-index (missing_category): not comparable with complete "
    "scores",
    "W": "a value behind the score has a data-quality warning of the checks of values (jump, percent_as_fraction, "
    "...): kept as given, to be checked",
}


def is_estimate(note: pd.Series) -> pd.Series:
    """Whether a publisher's note marks the value as an estimate (``estimate``, ``estimated``, case-blind)."""
    return note.fillna("").astype(str).str.contains(r"\bestimated?\b", case=False, regex=True)


def has_notes(panel: pd.DataFrame) -> bool:
    """Whether any row of the panel carries a publisher's note (each distinct note looked at once)."""
    if "note" not in panel.columns or panel.empty:
        return False
    note = panel["note"]
    if isinstance(note.dtype, pd.CategoricalDtype):
        written = np.asarray([str(c) != "" for c in note.cat.categories], dtype=bool)
        return bool(np.append(written, False)[note.cat.codes].any())
    return bool((note.fillna("").astype(str) != "").any())


def value_notes(
    panel: pd.DataFrame, sources: pd.DataFrame, sex: str = "total", years: Iterable[int] | None = None
) -> pd.DataFrame | None:
    """The publisher's note of every value in a sources matrix (same index and columns; ``None`` when the
    panel has no note at all).

    The note is looked up by the series code of each cell (``result.sources`` text) in the panel rows of
    ``sex``; a ratio joins the notes of its two series. ``years`` limits the work to those years (the
    other rows come back empty).
    """
    if not has_notes(panel) or sources.empty:
        return None
    out = pd.DataFrame("", index=sources.index, columns=sources.columns, dtype="str")
    note = panel["note"].astype(object).where(panel["note"].notna(), "").astype(str)
    rows = panel[(panel["sex"] == sex).to_numpy() & (note != "").to_numpy()]
    lookup = rows.set_index(["economy", "year", "indicator"])["note"].astype(str)
    lookup = lookup[~lookup.index.duplicated()]
    part = sources if years is None else sources[sources.index.get_level_values("year").isin(list(years))]
    cells = part.astype(object).stack()
    cells = cells[cells.astype(str) != ""]
    if cells.empty or lookup.empty:
        return out
    codes = series_code(cells)
    economy = cells.index.get_level_values(0)
    year = cells.index.get_level_values(1)
    found = []
    for position in range(2):  # a ratio names two series
        code = codes.map({c: (c.split(" / ") + [""])[position] for c in pd.unique(codes)})
        key = pd.MultiIndex.from_arrays([economy, year, code.to_numpy()])
        found.append(pd.Series(lookup.reindex(key).to_numpy(), index=cells.index).fillna(""))
    joined = found[0].where(found[1] == "", found[0] + " / " + found[1]).str.strip(" /")
    joined = joined[joined != ""]
    for column, notes in joined.groupby(level=2):
        out.loc[notes.index.droplevel(2), column] = notes.to_numpy()
    return out


def value_flags(
    values: pd.DataFrame,
    notes: pd.DataFrame,
    imputations: pd.DataFrame | None = None,
    notes_of_origin: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per value that is an estimate or carried forward: :data:`FLAG_COLUMNS`.

    ``values`` is the imputed matrix, ``notes`` the notes of the raw values (:func:`value_notes`);
    ``imputations`` the log (``from_year``); a carried value takes the note of the year it came from
    (looked up in ``notes_of_origin``, default ``notes``).
    """
    if notes is None:  # no publisher's note anywhere: only carried values can be flagged
        return _carried_only(values, imputations)
    origin = notes if notes_of_origin is None else notes_of_origin
    tidy = values.stack().rename("value").to_frame()
    tidy.index.names = ["economy", "year", "indicator"]
    tidy["note"] = notes.stack().reindex(tidy.index).fillna("").to_numpy()
    tidy["from_year"] = pd.array([pd.NA] * len(tidy), dtype="Int64")
    if imputations is not None and not imputations.empty:
        log = imputations.set_index(["economy", "year", "indicator"])["from_year"]
        log = log[~log.index.duplicated()]
        carried = tidy.index.isin(log.index)
        tidy.loc[carried, "from_year"] = log.reindex(tidy.index[carried]).astype("Int64").to_numpy()
        stacked_origin = origin.stack()
        key = pd.MultiIndex.from_arrays(
            [
                tidy.index.get_level_values("economy")[carried],
                tidy.loc[carried, "from_year"].astype("int64").to_numpy(),
                tidy.index.get_level_values("indicator")[carried],
            ]
        )
        tidy.loc[carried, "note"] = stacked_origin.reindex(key).fillna("").to_numpy()
    estimate = is_estimate(tidy["note"]).to_numpy()
    carried = tidy["from_year"].notna().to_numpy()
    flag = np.where(
        estimate & carried,
        "estimate; carried forward",
        np.where(estimate, "estimate", np.where(carried, "carried forward", "")),
    )
    table = tidy.assign(flag=flag).reset_index()
    table = table[table["flag"] != ""]
    return table[FLAG_COLUMNS].sort_values(["year", "economy", "indicator"]).reset_index(drop=True)


def _carried_only(values: pd.DataFrame, imputations: pd.DataFrame | None) -> pd.DataFrame:
    """The flags of a build without notes: one row per carried-forward value of the imputation log."""
    if imputations is None or imputations.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    log = imputations[imputations["indicator"].isin(values.columns) & imputations["from_year"].notna()]
    log = log.drop_duplicates(["economy", "year", "indicator"])
    key = pd.MultiIndex.from_arrays([log["economy"], log["year"].astype("int64")])
    log = log[key.isin(values.index)]
    table = pd.DataFrame(
        {
            "economy": log["economy"].to_numpy(),
            "year": log["year"].astype("int64").to_numpy(),
            "indicator": log["indicator"].to_numpy(),
            "value": log["value"].to_numpy(dtype="float64"),
            "flag": "carried forward",
            "from_year": log["from_year"].astype("Int64").to_numpy(),
            "note": "",
        }
    )
    return table[FLAG_COLUMNS].sort_values(["year", "economy", "indicator"]).reset_index(drop=True)


def economy_flags(values: pd.DataFrame, flags: pd.DataFrame, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per economy and year: indicators expected and present, estimates and carried values, the marker.

    ``!`` when fewer than half of the indicators are present or more than half of the present ones
    are estimates, or ``findings`` (issue rows of the checks of scores) hold a ``thin_data`` row for the
    economy and year; ``M`` for a ``missing_category`` row; ``E``/``C`` when any value is an estimate /
    carried forward; ``W`` when ``findings`` hold a warning naming an indicator whose value for the economy and
    year is present in ``values`` as given (not carried forward from another year: a value set aside by its
    check and then imputed is not the value warned about).
    """
    present = values.notna().sum(axis=1)
    total = values.shape[1]
    estimate = flags[flags["flag"].str.contains("estimate")].groupby(["economy", "year"]).size()
    carried = flags[flags["flag"].str.contains("carried")].groupby(["economy", "year"]).size()
    table = pd.DataFrame(
        {
            "indicators": total,
            "present": present,
            "estimates": estimate.reindex(values.index).fillna(0).astype(int),
            "carried": carried.reindex(values.index).fillna(0).astype(int),
        },
        index=values.index,
    )
    few = table["present"] < total / 2
    mostly = table["estimates"] > table["present"] / 2
    thin, thin_why = _found(findings, "thin_data", values.index)
    gap, gap_why = _found(findings, "missing_category", values.index)
    warned, warned_why = _warned_values(findings, values, flags)
    table["marker"] = (
        np.where(table["estimates"] > 0, "E", "")
        + np.where(table["carried"] > 0, "C", "")
        + np.where(few | mostly | thin, "!", "")
        + np.where(gap, "M", "")
        + np.where(warned, "W", "")
    )
    why = np.full(len(table), "", dtype=object)  # text only for the rows that need it
    flagged = np.flatnonzero((few | mostly | thin | gap).to_numpy() | warned)
    present_, estimates_ = table["present"].to_numpy(), table["estimates"].to_numpy()
    few_, mostly_ = few.to_numpy(), mostly.to_numpy()
    for i in flagged:
        parts = [f"scored from {present_[i]} of {total} indicators"] if few_[i] else []
        if mostly_[i]:
            parts.append(f"{estimates_[i]} of {present_[i]} values are estimates")
        parts += [text for text in (thin_why[i], gap_why[i], warned_why[i]) if text and (text not in parts)]
        why[i] = "; ".join(parts)
    table["why"] = why
    return table.reset_index()[ECONOMY_FLAG_COLUMNS]


def _warned_values(
    findings: pd.DataFrame | None, values: pd.DataFrame, flags: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Which units (economy, year) of ``values`` rest on a value that drew a warning (an issue row of severity
    ``warning`` naming one of ``values``' indicators, the value present and not carried forward: see ``flags``),
    and the warnings' problems joined ("warning: jump (internet_users)")."""
    hit = np.zeros(len(values), dtype=bool)
    text = np.full(len(values), "", dtype=object)
    if findings is None or findings.empty or "severity" not in findings:
        return hit, text
    rows = findings[
        (findings["severity"] == "warning")
        & findings["indicator"].isin(values.columns)
        & (findings["economy"].astype(str) != "")
    ]
    years = pd.to_numeric(rows["year"], errors="coerce")
    rows = rows[years.notna()].assign(year=years[years.notna()].astype("int64"))
    at = values.index.get_indexer(pd.MultiIndex.from_arrays([rows["economy"], rows["year"]]))
    column = values.columns.get_indexer(rows["indicator"])
    keep = at >= 0
    present = np.zeros(len(rows), dtype=bool)
    if keep.any():  # only the cells warned about are looked at (not a mask of every value)
        present[keep] = ~np.isnan(values.to_numpy(dtype="float64")[at[keep], column[keep]])
    carried = flags[flags["flag"].str.contains("carried")].set_index(["economy", "year", "indicator"]).index
    rows_key = pd.MultiIndex.from_arrays([rows["economy"], rows["year"], rows["indicator"]])
    rows = rows[present & ~rows_key.isin(carried)].assign(_at=at[present & ~rows_key.isin(carried)])
    for unit, part in rows.groupby("_at", sort=False):
        hit[unit] = True
        text[unit] = "warning: " + ", ".join(dict.fromkeys(part["problem"] + " (" + part["indicator"] + ")"))
    return hit, text


def _found(findings: pd.DataFrame | None, problem: str, index: pd.MultiIndex) -> tuple[np.ndarray, np.ndarray]:
    """Which units (economy, year) of ``index`` a check's issue rows name, and their messages joined."""
    hit = np.zeros(len(index), dtype=bool)
    text = np.full(len(index), "", dtype=object)
    if findings is None or findings.empty:
        return hit, text
    rows = findings[(findings["problem"] == problem) & (findings["economy"].astype(str) != "")]
    if rows.empty:
        return hit, text
    years = pd.to_numeric(rows["year"], errors="coerce")
    rows = rows[years.notna()].assign(year=years[years.notna()].astype("int64"))
    joined = rows.groupby(["economy", "year"], sort=False)["message"].agg(lambda m: "; ".join(dict.fromkeys(m)))
    at = index.get_indexer(joined.index)
    keep = at >= 0
    hit[at[keep]] = True
    text[at[keep]] = [f"{problem}: {m}" for m in joined.to_numpy()[keep]]
    return hit, text
