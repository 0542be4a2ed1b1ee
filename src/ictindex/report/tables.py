"""Report tables: ranking with change, group averages, gender table, coverage, and the rule that
decides which scored economies enter the headline ranking.

Each function returns a tidy DataFrame with stable, machine-readable columns (codes), ready for
:mod:`ictindex.report.export`; :func:`column_labels` gives the readable headers that the HTML,
LaTeX and XLSX exports print. Scores keep full precision; exports round them for display.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.errors import MethodError
from ictindex.report.groups import itu_member_states
from ictindex.units import GROUPINGS, INCOME_ORDER, group_means

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "ranking_table",
    "group_averages",
    "averages_table",
    "gender_report_table",
    "coverage_table",
    "sources_table",
    "node_label",
    "report_year",
    "RankingRule",
    "apply_ranking_rule",
    "data_coverage",
    "column_labels",
]


def node_label(result: IndexResult, code: str) -> str:
    """Display name of a node or indicator (:meth:`ictindex.framework.Framework.label`)."""
    return result.framework.label(code)


def report_year(result: IndexResult, year: int | None) -> int:
    """The year to report (:meth:`ictindex.result.IndexResult.report_year`)."""
    return result.report_year(year)


@dataclass(frozen=True)
class RankingRule:
    """Which scored economies enter the headline ranking. Economies left out keep their scores in
    every other table (coverage, averages, the map); only the ranking and its ranks change.

    Parameters
    ----------
    min_data
        Leave out economies with reported (not imputed) values for less than this share of the
        framework's indicators in the year (:func:`data_coverage`).
    itu_members_only
        Leave out economies that are not ITU Member States (territories, Kosovo, Palestine; the
        bundled list ``data/itu_members/``, 194 Member States).
    leave_out
        Economies (ISO3) to leave out, with ``reason`` saying why.
    reason
        Why the ``leave_out`` economies are left out (printed under the ranking).

    >>> print(RankingRule(min_data=0.5, itu_members_only=True).describe())  # doctest: +NORMALIZE_WHITESPACE
    Ranked: ITU Member States with reported data for at least 50% of the indicators; the other scored
    economies keep their scores in the tables but are not ranked.
    """

    min_data: float | None = None
    itu_members_only: bool = False
    leave_out: tuple[str, ...] = ()
    reason: str = "left out by the report's author"

    def __post_init__(self) -> None:
        if self.min_data is not None and not 0 <= self.min_data <= 1:
            raise MethodError(
                f"min_data must be a share between 0 and 1, got {self.min_data}",
                hint="e.g. 0.5 for reported data on at least half of the indicators",
            )
        object.__setattr__(self, "leave_out", tuple(dict.fromkeys(str(e).upper() for e in self.leave_out)))

    @property
    def active(self) -> bool:
        return self.min_data is not None or self.itu_members_only or bool(self.leave_out)

    def describe(self) -> str:
        """The rule in one sentence, printed under the ranking."""
        if not self.active:
            return "Ranked: every scored economy."
        who = "ITU Member States" if self.itu_members_only else "scored economies"
        parts = [f"Ranked: {who}"]
        if self.min_data is not None:
            parts.append(f" with reported data for at least {self.min_data:.0%} of the indicators")
        if self.leave_out:
            parts.append(f", except {', '.join(report_name(e) for e in self.leave_out)} ({self.reason})")
        return "".join(parts) + "; the other scored economies keep their scores in the tables but are not ranked."


def data_coverage(result: IndexResult, year: int) -> pd.Series:
    """Per economy, the share of the framework's indicators with a reported (not imputed) value in
    ``year``: the "data coverage" a :class:`RankingRule` tests."""
    raw = result.raw
    raw = raw[raw["year"] == year].set_index("economy")[result.framework.indicator_codes]
    return raw.notna().mean(axis=1)


def apply_ranking_rule(result: IndexResult, year: int, rule: RankingRule | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The year's ranking under ``rule``, re-ranked (1 = best; ties share the lower rank, as in
    :meth:`~ictindex.result.IndexResult.ranking`), and the scored economies left out
    (``economy``, ``name``, ``score``, ``data_coverage``, ``reason``)."""
    ranking = result.ranking(year)
    columns = ["economy", "name", "score", "data_coverage", "reason"]
    if rule is None or not rule.active:
        return ranking, pd.DataFrame(columns=columns)
    coverage = data_coverage(result, year)
    reasons = pd.Series("", index=ranking["economy"].to_numpy())
    if rule.itu_members_only:
        members = itu_member_states()
        reasons[~reasons.index.isin(members)] += "not an ITU Member State; "
    if rule.min_data is not None:
        low = reasons.index.map(coverage).to_numpy(dtype="float64") < rule.min_data
        reasons[low] += f"reported data for fewer than {rule.min_data:.0%} of the indicators; "
    reasons[reasons.index.isin(rule.leave_out)] += rule.reason + "; "
    out = reasons[reasons != ""]
    kept = ranking[~ranking["economy"].isin(out.index)].copy()
    index = result.framework.index
    kept["rank"] = kept[index].rank(method="min", ascending=False).astype(ranking["rank"].dtype)
    kept = kept.sort_values(["rank", "economy"]).reset_index(drop=True)
    scores = ranking.set_index("economy")[index]
    left_out = pd.DataFrame(
        {
            "economy": out.index,
            "name": [report_name(e) for e in out.index],
            "score": scores.reindex(out.index).to_numpy(),
            "data_coverage": coverage.reindex(out.index).to_numpy(),
            "reason": out.str.rstrip("; ").to_numpy(),
        }
    )
    return kept, left_out.sort_values("economy").reset_index(drop=True)[columns]


def column_labels(result: IndexResult, columns: Iterable[str], year: int | None = None) -> dict[str, str]:
    """Readable headers for report-table columns: node and indicator codes become their names
    ("DOI (simple mean)" -> "Digital Opportunity Index (simple mean)"), other codes plain words."""
    fw = result.framework
    names = {n.code: n.name for n in fw.nodes} | {i.code: i.name for i in fw.indicators}
    fixed = {
        "rank": "Rank",
        "economy": "Code",
        "name": "Economy",
        "previous_rank": "Rank, previous year",
        "rank_change": "Places gained",
        "change": "Score change",
        "economies": "Economies",
        "group": "Group",
        "population_year": "Population year",
        "population_year_earliest": "Earliest population year",
        "economies_without_population": "Economies without population",
        "code": "Code",
        "reported": "Reported",
        "imputed": "Imputed",
        "missing": "Missing",
        "scored": "Scored",
        "partly_scored": "Partly scored",
        "not_scored": "Not scored",
        "year": "Year",
        "reason": "Reason",
        "kind": "Kind",
        "indicator": "Indicator",
        "value": "Value",
        "method": "Method",
        "from_year": "From year",
        "sex": "Sex",
        "dataset": "Dataset",
        "licence": "Licence",
        "values_used": "Values used",
        "data_coverage": "Data coverage",
        "score": "Score",
        "node": "Node",
        "female": "Female",
        "male": "Male",
        "total": "Total",
        "parity": "Parity score",
        "gap": "Gap",
        "band": "Parity band",
        "edi": "Equally-distributed score",
        "shares": "Population shares",
        "item": "Item",
        "parent": "Parent",
        "level": "Level",
        "weight": "Weight in parent",
        "effective_weight": "Weight in index",
        "unit": "Unit",
        "direction": "Direction",
        "normalisation": "Normalisation / aggregation",
        "goalposts": "Goalposts",
        "sources": "Source series",
        "sex_disaggregable": "By sex",
        "citation": "Citation",
        "note": "Note",
    }
    if year is not None:
        fixed["previous_rank"] = f"Rank {year - 1}"
        fixed["change"] = f"Score change since {year - 1}"
    columns = list(columns)
    if "economy" not in columns:  # a table of indicators, nodes or series: "name" is theirs
        fixed["name"] = "Name"
    out = {}
    for column in columns:
        text = str(column)
        match = re.fullmatch(r"(.+?) \((.+)\)", text)
        if text in fixed:
            out[column] = fixed[text]
        elif text in names:
            out[column] = names[text]
        elif match and match.group(1) in names:
            qualifier = {"population-weighted": "pop.-weighted", "simple mean": "simple"}.get(
                match.group(2), match.group(2)
            )
            out[column] = f"{names[match.group(1)]} ({qualifier})"
        else:
            out[column] = text.replace("_", " ").capitalize()
    return out


def ranking_table(result: IndexResult, year: int | None = None, rule: RankingRule | None = None) -> pd.DataFrame:
    """Rank, economy, index and sub-index scores, and the change since the previous year.

    ``rank_change`` is positive when the economy moved up (previous rank - rank);
    ``change`` is the index score change. Both are empty when the economy was not ranked the
    year before (or the result has no previous year). With a :class:`RankingRule`, the economies
    it leaves out are not in the table and the ranks (both years) are those under the rule.
    """
    year = report_year(result, year)
    index = result.framework.index
    nodes = result.node_codes
    now, _ = apply_ranking_rule(result, year, rule)
    table = pd.DataFrame(
        {"rank": now["rank"], "economy": now["economy"], "name": [report_name(e) for e in now["economy"]]}
    )
    for code in nodes:
        table[code] = now[code].to_numpy()
    previous = (
        apply_ranking_rule(result, year - 1, rule)[0] if year - 1 in result.years else result.scores.iloc[:0]
    ).set_index("economy")
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


def averages_table(
    means: pd.DataFrame,
    nodes: Iterable[str],
    *,
    grouping: str,
    order: Iterable[str] | None = None,
    everyone: str = "All scored economies",
) -> pd.DataFrame:
    """The report's layout of group means: one row per group of ``grouping`` (in ``order``, then the others
    alphabetically) and a last row ``everyone`` (the ``world`` grouping), with ``group``, ``economies``,
    ``population_year`` and ``population_year_earliest`` (latest and earliest year of the population figures
    used), ``economies_without_population`` and for every node ``<node> (simple mean)`` and
    ``<node> (population-weighted)``. ``means`` is a :func:`ictindex.units.group_means` table of one year with
    the groupings ``world`` and ``grouping``; the counts are those of the first node (the index)."""
    nodes = list(nodes)
    rows = means[means["grouping"].isin([grouping, "world"])].copy()
    rows.loc[rows["grouping"] == "world", "group"] = everyone
    head = rows[rows["code"] == nodes[0]].set_index("group")
    table = pd.DataFrame(
        {
            "group": head.index,
            "economies": head["economies"].to_numpy(),
            "population_year": pd.array(head["population_year"], dtype="Int64"),
            "population_year_earliest": pd.array(head["population_year_earliest"], dtype="Int64"),
            "economies_without_population": head["economies_without_population"].to_numpy(),
        }
    )
    for code in nodes:
        part = rows[rows["code"] == code].set_index("group")
        table[f"{code} (simple mean)"] = table["group"].map(part["simple_mean"]).astype("float64")
        table[f"{code} (population-weighted)"] = table["group"].map(part["weighted_mean"]).astype("float64")
    order = list(order) if order is not None else sorted(set(table["group"]) - {everyone})
    rank = {g: i for i, g in enumerate(order)}
    table["_o"] = table["group"].map(lambda g: rank.get(g, len(rank) + (g == everyone)))
    return table.sort_values(["_o", "group"], kind="stable").drop(columns="_o").reset_index(drop=True)


def group_averages(
    result: IndexResult, year: int | None = None, by: str = "income", groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Average index and sub-index scores by group: simple and population-weighted means.

    :func:`ictindex.units.group_means` over the units ranked in ``year``, laid out by :func:`averages_table`.

    Parameters
    ----------
    by
        A grouping of the result's units table (``result.units``): for economies ``income`` (World Bank
        income group), ``region`` (UN SDG region), ``ldc``, ``un_sub_region``...; or a column of ``groups``.
    groups
        Unit metadata indexed by code with a ``by`` column and ``population`` (default: the units table's groups
        as of the year, with the population of that year or the nearest earlier one).

    Returns one row per group (and ``All scored economies``): ``group``, ``economies``,
    ``population_year`` and ``population_year_earliest`` (latest and earliest year of the
    population figures used), and for every node
    ``<node> (simple mean)`` and ``<node> (population-weighted)``. Units without a group or
    population are counted in the simple mean only, and ``economies_without_population`` says
    how many.
    """
    year = report_year(result, year)
    units = result.units
    groups = units.groups(year) if groups is None else groups
    if by not in groups.columns:
        raise MethodError(f"unknown grouping '{by}'", hint=f"use one of {units.group_columns or sorted(GROUPINGS)}")
    scores = result.ranking(year)
    means = group_means(scores, ["world", by], column=result.node_codes, groups=groups, units=units)
    return averages_table(
        means,
        result.node_codes,
        grouping=by,
        order=INCOME_ORDER if by == "income" and units.resolves_names else None,
        everyone=f"All scored {units.plural}",
    )


def gender_report_table(result: IndexResult, year: int | None = None, node: str | None = None) -> pd.DataFrame:
    """Gender table for a report: economies with female and male scores for one node and year,
    largest gap first (name, female, male, parity, gap, band, equally-distributed score)."""
    from ictindex.report.gender_charts import gender_slice

    rows, year, node, _ = gender_slice(result, year, node)
    table = rows.assign(name=[report_name(e) for e in rows["economy"]])
    columns = [
        "economy",
        "name",
        "year",
        "node",
        "total",
        "female",
        "male",
        "parity",
        "gap",
        "band",
        "edi",
        "shares",
        *(["data_years"] if "data_years" in table else []),
    ]
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
        rows.append(
            {
                "level": "indicator",
                "code": code,
                "name": fw.indicator(code).name,
                "reported": reported,
                "imputed": n_imputed,
                "missing": economies - reported - n_imputed,
                "scored": pd.NA,
                "partly_scored": pd.NA,
                "not_scored": pd.NA,
            }
        )
    for code in fw.top_down_order:
        status = coverage.loc[coverage["node"] == code, "status"]
        partly = int((status == "partly scored").sum())
        scored = int(scores[code].notna().sum())
        rows.append(
            {
                "level": "node",
                "code": code,
                "name": fw.node(code).name,
                "reported": pd.NA,
                "imputed": pd.NA,
                "missing": pd.NA,
                "scored": scored - partly,
                "partly_scored": partly,
                "not_scored": economies - scored,
            }
        )
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
    return (
        table[["code", "name", "dataset", "licence", "values_used"]]
        .sort_values(["dataset", "code"])
        .reset_index(drop=True)
    )
