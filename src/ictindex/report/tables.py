"""Report tables: group averages laid out, gender table, coverage, sources, readable headers. The ranking, its
rule and the ranking table are computed in :mod:`ictindex.ranking` (re-exported here).

Each function returns a tidy DataFrame with stable, machine-readable columns (codes), ready for
:mod:`ictindex.report.export`; :func:`column_labels` gives the readable headers that the HTML,
LaTeX and XLSX exports print. Scores keep full precision; exports round them for display, and print the
shares of :data:`SHARE_COLUMNS` as percentages (:func:`shares_as_percent`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from ictindex.errors import MethodError
from ictindex.ranking import RankingRule, apply_ranking_rule, data_coverage, ranking_table
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
    "SHARE_COLUMNS",
    "SHARE_PLACES",
    "shares_as_percent",
]


def node_label(result: IndexResult, code: str) -> str:
    """Display name of a node or indicator (:meth:`ictindex.framework.Framework.label`)."""
    return result.framework.label(code)


def report_year(result: IndexResult, year: int | None) -> int:
    """The year to report (:meth:`ictindex.result.IndexResult.report_year`)."""
    return result.report_year(year)


#: Readable headers of the report tables' columns (issue 23: no code, no underscore in a header); ``{noun}`` and
#: ``{plural}`` are the units' words (capitalised). :func:`column_labels` adds the few that depend on the result
#: or the year (region, previous rank, score change).
COLUMN_LABELS: dict[str, str] = {
    "rank": "Rank",
    "economy": "Code",
    "name": "{noun}",
    "previous_rank": "Rank, previous year",
    "rank_change": "Places gained",
    "change": "Score change",
    "economies": "{plural}",
    "group": "Group",
    "population_year": "Population year",
    "population_year_earliest": "Earliest population year",
    "economies_without_population": "{plural} without population",
    "economies_in_group": "{plural} in the group",
    "economies_weighted": "{plural} (population-weighted)",
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
    "data_coverage": "Data coverage (% of indicators reported)",
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
    # issue 23: every header readable (no code, no underscore)
    "itu_region": "ITU region",
    "income": "Income group",
    "movement": "Rank change",
    "flag": "Flags",
    "indicators_present": "Indicators with data",
    "data_years": "Years observed",
    "data_year": "Year observed",
    "median_parity": "Median parity score",
    "women_behind": "Women behind",
    "men_behind": "Men behind",
    "skill": "Skill",
    "series": "Series",
    "population_share": "Population covered (%)",
    "reported_share": "Population reporting (%)",
    "missing_share": "Missing (%)",
    "target": "Target",
    "target_value": "Target (%)",
    "distance": "Distance to target (points)",
    "reached_year": "Year reached or projected",
    "reached": "Status",
    "weighted_mean": "Population-weighted mean",
    "simple_mean": "Simple mean",
    "grouping": "Grouping",
    "meets_coverage": "Meets coverage",
    "marker": "Flag",
    "meaning": "Meaning",
}

#: Short forms of the qualifiers of a node's column ("DOI (population-weighted)" -> "... (pop.-weighted)").
_QUALIFIERS = {"population-weighted": "pop.-weighted", "simple mean": "simple"}


def column_labels(result: IndexResult, columns: Iterable[str], year: int | None = None) -> dict[str, str]:
    """Readable headers for report-table columns: node and indicator codes become their names
    ("DOI (simple mean)" -> "Digital Opportunity Index (simple mean)"), other codes plain words."""
    columns = list(columns)
    fixed = _fixed_labels(result, year, of_units="economy" in columns)
    names = _node_names(result)
    return {column: fixed.get(str(column)) or _code_label(str(column), names) for column in columns}


def _fixed_labels(result: IndexResult, year: int | None, *, of_units: bool) -> dict[str, str]:
    """:data:`COLUMN_LABELS` in the units' words, with the headers that depend on the result and the year."""
    units = result.units
    words = {"noun": units.noun.capitalize(), "plural": units.plural.capitalize()}
    fixed = {column: label.format(**words) for column, label in COLUMN_LABELS.items()}
    fixed["region"] = "UN SDG region" if units.resolves_names else "Region"
    if year is not None:
        fixed["previous_rank"] = f"Rank {year - 1} (ranked both years)"
        fixed["change"] = f"Score change since {year - 1}"
    if not of_units:  # a table of indicators, nodes or series: "name" is theirs
        fixed["name"] = "Name"
    return fixed


def _node_names(result: IndexResult) -> dict[str, str]:
    """Code -> name of every node and indicator of the result's framework."""
    fw = result.framework
    return {n.code: n.name for n in fw.nodes} | {i.code: i.name for i in fw.indicators}


def _code_label(text: str, names: dict[str, str]) -> str:
    """The header of a column that is a node or indicator code, alone or qualified ("DOI (simple mean)"), or
    else the column's own words."""
    if text in names:
        return names[text]
    match = re.fullmatch(r"(.+?) \((.+)\)", text)
    if match and match.group(1) in names:
        return f"{names[match.group(1)]} ({_QUALIFIERS.get(match.group(2), match.group(2))})"
    return text.replace("_", " ").capitalize()


#: Columns of the report tables that hold a share (0-1): of the population covered or reporting (divide, WSIS
#: targets), of the units without a value (data quality). The HTML, LaTeX and XLSX print them as percentages
#: (:func:`shares_as_percent`) at :data:`SHARE_PLACES` (one decimal, as the report's other percentages);
#: the CSV keeps the share at full precision, as it keeps every score.
SHARE_COLUMNS = ("population_share", "reported_share", "missing_share")
#: Decimal places of the shares printed as percentages (for :func:`ictindex.report.export.to_html` and the others).
SHARE_PLACES = dict.fromkeys(SHARE_COLUMNS, 1)


def shares_as_percent(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` as the report prints it: each column of :data:`SHARE_COLUMNS` times 100 (a percentage).

    >>> shares_as_percent(pd.DataFrame({"group": ["World"], "population_share": [0.25]}))
       group  population_share
    0  World              25.0
    """
    shares = [c for c in SHARE_COLUMNS if c in table.columns]
    if not shares:
        return table
    return table.assign(**{c: table[c].astype("float64") * 100 for c in shares})


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

    :func:`ictindex.units.group_means` over the units ranked in ``year``, laid out by
    :func:`~ictindex.report.tables.averages_table`.

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
    from ictindex.gender import gender_slice

    rows, year, node, _ = gender_slice(result, year, node)
    table = rows.assign(name=result.units.names(rows["economy"]))
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
    from ictindex.inputs.catalogue import series_table

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
