"""Report tables: ranking with change, group averages, gender table, coverage.

Each function returns a tidy DataFrame with stable, labelled columns, ready for
:mod:`ictindex.report.export`. Scores keep full precision; exports round them for display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.errors import MethodError
from ictindex.report.groups import GROUPINGS, INCOME_ORDER, economy_groups

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
    return table.reset_index(drop=True)


def group_averages(result: IndexResult, year: int | None = None, by: str = "income",
                   groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """Average index and sub-index scores by group: simple and population-weighted means.

    Parameters
    ----------
    by
        ``income`` (World Bank income group) or ``region`` (UN SDG region).
    groups
        Economy metadata indexed by ISO3 with a ``by`` column and ``population``
        (default: :func:`ictindex.report.groups.economy_groups` for the year).

    Returns one row per group (and ``All scored economies``): ``group``, ``economies``,
    ``population_year`` (range of the population figures used), and for every node
    ``<node> (simple mean)`` and ``<node> (population-weighted)``. Economies without a group or
    population are counted in the simple mean only, and ``economies_without_population`` says
    how many.
    """
    if by not in GROUPINGS:
        raise MethodError(f"unknown grouping '{by}'", hint=f"use one of {sorted(GROUPINGS)}")
    year = report_year(result, year)
    groups = economy_groups(year) if groups is None else groups
    scores = result.ranking(year).set_index("economy")
    nodes = result.node_codes
    joined = scores[nodes].join(groups[[by, "population", "population_year"]], how="left")
    joined[by] = joined[by].fillna("No group in the bundled metadata")
    rows = []
    for label, part in [*joined.groupby(by, sort=False), ("All scored economies", joined)]:
        row: dict[str, object] = {"group": label, "economies": len(part)}
        weights = part["population"]
        years = part["population_year"].dropna()
        row["population_year"] = (f"{years.min()}-{years.max()}" if years.nunique() > 1
                                  else (str(years.iloc[0]) if len(years) else ""))
        row["economies_without_population"] = int(weights.isna().sum())
        for code in nodes:
            values = part[code]
            row[f"{code} (simple mean)"] = values.mean()
            ok = values.notna() & weights.notna() & (weights > 0)
            row[f"{code} (population-weighted)"] = (np.average(values[ok], weights=weights[ok])
                                                     if ok.any() else np.nan)
        rows.append(row)
    table = pd.DataFrame(rows)
    order = INCOME_ORDER if by == "income" else sorted(set(table["group"]) - {"All scored economies"})
    rank = {g: i for i, g in enumerate(order)}
    table["_o"] = table["group"].map(lambda g: rank.get(g, len(rank) + (g == "All scored economies")))
    return table.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def gender_report_table(result: IndexResult, year: int | None = None, node: str | None = None) -> pd.DataFrame:
    """Gender table for a report: economies with female and male scores for one node and year,
    largest gap first (name, female, male, parity, gap, band, equally-distributed score)."""
    from ictindex.report.gender_charts import gender_slice

    rows, year, node, _ = gender_slice(result, year, node)
    table = rows.assign(name=[report_name(e) for e in rows["economy"]])
    columns = ["economy", "name", "year", "node", "total", "female", "male", "parity", "gap", "band", "edi",
               "shares"]
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
