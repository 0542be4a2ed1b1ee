"""Report tables: ranking with change, group averages, gender table, coverage.

Each function returns a tidy DataFrame with stable, labelled columns, ready for
:mod:`ictindex.report.export`. Scores keep full precision; exports round them for display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.economies import GROUPINGS, INCOME_ORDER, economy_groups, group_means
from ictindex.errors import MethodError

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["ranking_table", "group_averages", "gender_report_table", "coverage_table", "sources_table", "node_label",
           "report_year"]


def node_label(result: IndexResult, code: str) -> str:
    """Display name of a node or indicator."""
    fw = result.framework
    return fw.node(code).name if code in fw.aggregation_order else fw.indicator(code).name


def report_year(result: IndexResult, year: int | None) -> int:
    """The year to report: ``year`` (it must have scores), or the latest year with scores when None."""
    year = int(max(result.years) if year is None else year)
    if year not in result.years:
        raise MethodError(f"the result has no scores for {year}", year=year,
                          hint=f"years in the result: {result.years}")
    return year


def ranking_table(result: IndexResult, year: int | None = None) -> pd.DataFrame:
    """Rank, economy, index and sub-index scores, and the change since the previous year.

    ``rank_change`` is positive when the economy moved up (previous rank - rank);
    ``change`` is the index score change. Both are empty when the economy was not ranked the
    year before (or the result has no previous year).
    """
    year = report_year(result, year)
    index = result.framework.index
    nodes = result.node_codes
    now = result.ranking(year)
    table = pd.DataFrame({"rank": now["rank"], "economy": now["economy"],
                          "name": [report_name(e) for e in now["economy"]]})
    for code in nodes:
        table[code] = now[code].to_numpy()
    previous = result.scores
    previous = previous[(previous["year"] == year - 1) & previous["rank"].notna()].set_index("economy")
    before_rank = now["economy"].map(previous["rank"]) if not previous.empty else pd.Series(pd.NA, index=now.index)
    before_score = now["economy"].map(previous[index]) if not previous.empty else np.nan
    table["previous_rank"] = pd.array(before_rank, dtype="Int64")
    table["rank_change"] = table["previous_rank"] - table["rank"]
    table["change"] = table[index] - before_score
    flags = result.economy_flags
    if not flags.empty:  # E estimates, C carried forward, ! few indicators or mostly estimates (ictindex.flags)
        flags = flags[flags["year"] == year].set_index("economy")
        table["flag"] = table["economy"].map(flags["marker"]).fillna("")
        table["indicators_present"] = table["economy"].map(flags["present"]).astype("Int64")
    return table.reset_index(drop=True)


def group_averages(result: IndexResult, year: int | None = None, by: str = "income",
                   groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """Average index and sub-index scores by group: simple and population-weighted means.

    A thin wrapper of :func:`ictindex.economies.group_means` over the economies ranked in ``year``.

    Parameters
    ----------
    by
        ``income`` (World Bank income group), ``region`` (UN SDG region), or another column of
        :data:`ictindex.economies.GROUPINGS` (``ldc``, ``un_sub_region``...) or of ``groups``.
    groups
        Economy metadata indexed by ISO3 with a ``by`` column and ``population``
        (default: :func:`ictindex.economies.economy_groups` for the year: groups as of that year,
        population of that year or the nearest earlier one).

    Returns one row per group (and ``All scored economies``): ``group``, ``economies``,
    ``population_year`` (range of the population figures used), and for every node
    ``<node> (simple mean)`` and ``<node> (population-weighted)``. Economies without a group or
    population are counted in the simple mean only, and ``economies_without_population`` says
    how many.
    """
    year = report_year(result, year)
    groups = economy_groups(year) if groups is None else groups
    if by not in GROUPINGS and by not in groups.columns:
        raise MethodError(f"unknown grouping '{by}'", hint=f"use one of {sorted(GROUPINGS)}")
    scores = result.ranking(year).set_index("economy")
    return group_means(scores, groups, by, result.node_codes, order=INCOME_ORDER if by == "income" else None)


def gender_report_table(result: IndexResult, year: int | None = None, node: str | None = None) -> pd.DataFrame:
    """Gender table for a report: economies with female and male scores for one node and year,
    largest gap first (name, female, male, parity, gap, band, equally-distributed score)."""
    from ictindex.report.gender_charts import gender_slice

    rows, year, node, _ = gender_slice(result, year, node)
    table = rows.assign(name=[report_name(e) for e in rows["economy"]])
    columns = ["economy", "name", "year", "node", "total", "female", "male", "parity", "gap", "band", "edi",
               "shares", *(["data_years"] if "data_years" in table else [])]
    return table.sort_values(["gap", "economy"], ascending=[False, True])[columns].reset_index(drop=True)


def coverage_table(result: IndexResult, year: int | None = None) -> pd.DataFrame:
    """Data coverage in one year: per indicator, economies with a reported value, an imputed
    value or none; per node, economies fully scored, partly scored or not scored. Both count
    the same economies: those scored on the index plus those listed as not scored."""
    year = report_year(result, year)
    fw = result.framework
    raw = result.raw
    raw = raw[raw["year"] == year].set_index("economy")[fw.indicator_codes]
    imputed = result.imputations
    imputed = imputed[(imputed["year"] == year) & (imputed.get("sex", "total") == "total")]
    coverage = result.coverage
    coverage = coverage[coverage["year"] == year]
    scores = result.scores
    scores = scores[scores["year"] == year]
    top_not_scored = coverage[(coverage["node"] == fw.index) & (coverage["status"] == "not scored")]
    economies = int(scores[fw.index].notna().sum()) + top_not_scored["economy"].nunique()
    rows = []
    for code in fw.indicator_codes:
        n_imputed = int((imputed["indicator"] == code).sum())
        reported = int(raw[code].notna().sum())
        rows.append({"level": "indicator", "code": code, "name": fw.indicator(code).name,
                     "reported": reported, "imputed": n_imputed, "missing": economies - reported - n_imputed,
                     "scored": pd.NA, "partly_scored": pd.NA, "not_scored": pd.NA})
    for code in fw.top_down_order:
        status = coverage.loc[coverage["node"] == code, "status"]
        partly = int((status == "partly scored").sum())
        scored = int(scores[code].notna().sum())
        rows.append({"level": "node", "code": code, "name": fw.node(code).name,
                     "reported": pd.NA, "imputed": pd.NA, "missing": pd.NA,
                     "scored": scored - partly, "partly_scored": partly, "not_scored": economies - scored})
    table = pd.DataFrame(rows)
    for column in ("reported", "imputed", "missing", "scored", "partly_scored", "not_scored"):
        table[column] = table[column].astype("Int64")
    return table


def sources_table(result: IndexResult) -> pd.DataFrame:
    """Every source series the result's values came from: code, name, dataset, licence, and
    how many values it gave (series not in the catalogue are listed as user data)."""
    from ictindex.catalogue import series_table

    text = result.sources.drop(columns=["economy", "year"]).stack()
    text = text[text != ""]
    codes = text.str.extractall(r"(?:^|\) / )([A-Za-z0-9_.$-]+) \(")[0]
    counts = codes.value_counts()
    catalogue = series_table().set_index("code")
    table = pd.DataFrame({"code": counts.index, "values_used": counts.to_numpy()})
    for column in ("name", "dataset", "licence"):
        table[column] = table["code"].map(catalogue[column]).fillna("user data" if column != "name" else "")
    return table[["code", "name", "dataset", "licence", "values_used"]].sort_values(
        ["dataset", "code"]).reset_index(drop=True)
