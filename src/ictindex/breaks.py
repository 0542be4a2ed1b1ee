"""Method breaks: where a series feeding an indicator starts, stops or changes source between two years.

A multi-year build compares scores over time; the comparison is only as good as the series behind
each indicator. Between two consecutive years of a build, for each economy and indicator, the source
of the value (series code and publisher/vintage, as in ``result.sources``) is compared:

* ``starts``: no value in the earlier year, a value in the later one;
* ``stops``: a value in the earlier year, none in the later one;
* ``series changes``: another series code (e.g. the WDI total replaces the ITU series);
* ``vintage changes``: the same series code from another file or release (e.g. ITU's June 2019
  edition, then the UN SDG database of 2023).

A value carried forward by the latest-available rule keeps the source of the year it came from
(OECD/JRC Handbook 2008, section 1.3: document breaks in series; WISR 2007 Annex: "earlier data").

>>> idx = pd.MultiIndex.from_tuples([("KOR", 2018), ("KOR", 2019)], names=["economy", "year"])
>>> sources = pd.DataFrame({"internet_users": ["i99H (ITU June 2019)", "i99H (UN SDG 2023)"]}, index=idx)
>>> detect_breaks(sources)[["indicator", "from_year", "to_year", "kind"]].values.tolist()
[['internet_users', 2018, 2019, 'vintage changes']]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["BREAK_COLUMNS", "detect_breaks", "series_code", "break_summary"]

_CODE = re.compile(r"(?:^|\) / )([^\s(]+) \(")

BREAK_COLUMNS = ["indicator", "economy", "from_year", "to_year", "kind", "before", "after"]


def series_code(source: pd.Series) -> pd.Series:
    """The series code(s) of ``result.sources`` text: ``"i99H (ITU ...)"`` -> ``"i99H"``; a ratio keeps
    both codes (``"i911mw / i911"``)."""
    text = source.astype(object).where(source.notna(), "").astype(str)
    unique = pd.unique(text)  # few distinct sources: parse each once
    codes = {u: " / ".join(_CODE.findall(u)) for u in unique}
    return text.map(codes)


def _carried_sources(sources: pd.DataFrame, imputations: pd.DataFrame | None) -> pd.DataFrame:
    """Sources with each carried-forward value given the source of the year it was taken from."""
    if imputations is None or imputations.empty:
        return sources
    out = sources.copy()
    for code, log in imputations.groupby("indicator"):
        if code not in out.columns:
            continue
        origin = pd.MultiIndex.from_arrays([log["economy"], log["from_year"].astype("int64")])
        target = pd.MultiIndex.from_arrays([log["economy"], log["year"].astype("int64")])
        found = sources[code].reindex(origin).to_numpy()
        keep = target.isin(out.index) & pd.notna(found)
        out.loc[target[keep], code] = found[keep]
    return out


def detect_breaks(
    sources: pd.DataFrame, imputations: pd.DataFrame | None = None, years: list[int] | None = None
) -> pd.DataFrame:
    """Every start, stop and change of source between consecutive years of a build.

    Parameters
    ----------
    sources
        The sources matrix of a build (``(economy, year)`` x indicator, text, empty = no value), e.g.
        from :func:`ictindex.derive.indicator_values`.
    imputations
        The imputation log (``economy, year, indicator, from_year``): carried values keep their source.
        Pass the log of the build the sources belong to (of a by-sex build: its total rows).
    years
        The years compared, in order (default: every year of ``sources``). Breaks are looked for
        between each pair of consecutive years of this list.

    Returns
    -------
    One row per economy, indicator and pair of years: :data:`BREAK_COLUMNS`.
    """
    filled = _carried_sources(sources, imputations)
    years = sorted(set(filled.index.get_level_values("year"))) if years is None else sorted(years)
    if len(years) < 2 or filled.empty:
        return pd.DataFrame(columns=BREAK_COLUMNS)
    economies, cell, on_grid, dense = _grid(filled.index, years)
    frames = [
        found
        for code in filled.columns
        if (found := _column_breaks(code, filled[code], economies, years, cell, on_grid, dense)) is not None
    ]
    if not frames:
        return pd.DataFrame(columns=BREAK_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["from_year", "indicator", "kind", "economy"]).reset_index(drop=True)[BREAK_COLUMNS]


def _grid(index: pd.Index, years: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Where each row of the sources matrix sits on the economies x years grid (``cell``, when ``on_grid``), and
    whether the rows are that grid itself, in order (``dense``)."""
    # one grid of source numbers per indicator, economies x years: compared as integers, text only for the hits
    if isinstance(index, pd.MultiIndex):  # the index's own codes: no factorizing of millions of labels
        level = index.names.index("economy")
        economy_codes, economies = index.codes[level], np.asarray(index.levels[level], dtype=object)
    else:
        economy_codes, economies = pd.factorize(index.get_level_values("economy"), sort=True)
        economies = np.asarray(economies, dtype=object)
    year_position = pd.Index(years).get_indexer(index.get_level_values("year"))
    on_grid = year_position >= 0
    cell = economy_codes.astype("int64") * len(years) + year_position
    dense = (
        bool(on_grid.all()) and len(cell) == len(economies) * len(years) and bool((cell == np.arange(len(cell))).all())
    )  # every economy in every year, in order: a column is its grid
    return economies, cell, on_grid, dense


def _column_breaks(
    code: str,
    column: pd.Series,
    economies: np.ndarray,
    years: list[int],
    cell: np.ndarray,
    on_grid: np.ndarray,
    dense: bool,
) -> pd.DataFrame | None:
    """The breaks of one indicator's sources between consecutive years (``None``: none)."""
    year_array = np.asarray(years)
    coded = (
        column.array
        if isinstance(column.dtype, pd.CategoricalDtype)
        else pd.Categorical(column.astype(object).where(column.notna(), ""))
    )
    texts = np.append(np.asarray(coded.categories, dtype=object).astype(str), "")
    codes = np.where(coded.codes < 0, len(texts) - 1, coded.codes)
    if dense:
        grid = codes.reshape(len(economies), len(years))
    else:
        grid = np.full((len(economies), len(years)), len(texts) - 1)  # no unit: no value
        grid.ravel()[cell[on_grid]] = codes[on_grid]
    before, after = grid[:, :-1], grid[:, 1:]
    changed = np.flatnonzero(before != after)  # most sources do not change: only those cells are looked at
    if changed.size == 0:
        return None
    empty = texts == ""
    series = pd.factorize(series_code(pd.Series(texts)))[0]
    b, a = before.ravel()[changed], after.ravel()[changed]
    had, has = ~empty[b], ~empty[a]
    kind = np.select(
        [~had & has, had & ~has, had & has & (series[b] != series[a]), had & has],
        ["starts", "stops", "series changes", "vintage changes"],
        default="",
    )
    hit = kind != ""
    if not hit.any():
        return None
    row, pair = np.divmod(changed[hit], len(years) - 1)
    return pd.DataFrame(
        {
            "indicator": code,
            "economy": economies[row],
            "from_year": year_array[pair],
            "to_year": year_array[pair + 1],
            "kind": kind[hit],
            "before": texts[b[hit]],
            "after": texts[a[hit]],
        }
    )


def break_summary(breaks: pd.DataFrame) -> pd.DataFrame:
    """Breaks counted per indicator, pair of years and kind (economies affected)."""
    if breaks.empty:
        return pd.DataFrame(columns=["indicator", "from_year", "to_year", "kind", "economies"])
    return breaks.groupby(["indicator", "from_year", "to_year", "kind"]).size().rename("economies").reset_index()
