"""How result objects show themselves: a one-line ``repr`` and a short HTML card in a notebook.

Every object a user gets back (:class:`~ictindex.result.IndexResult`, the uncertainty and sensitivity
results, comparisons, the checked panel, estimates, the report's findings and written report, specs,
models, weights) renders in Jupyter through ``_repr_html_``: a headline (what was built, on which years
and units, how many problems were found), the top rows of its main table, and the names of the tables it
holds with their sizes. Like pandas' and xarray's reprs it fits on a screen: tables show at most
:data:`MAX_ROWS` rows and a card at most :data:`MAX_TABLES` tables; the full tables are the object's
attributes. Every text is escaped (unit names come from user files), and the card uses no script.

>>> card = Card("Demo", [("years", "2023")], [("top", pd.DataFrame({"unit": ["<b>A</b>"], "score": [1.0]}))])
>>> "&lt;b&gt;A&lt;/b&gt;" in card.html() and "<script" not in card.html()
True
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Card", "MAX_ROWS", "MAX_TABLES", "shape_text", "table_list", "top_rows"]

#: Rows of a table shown in a card (the rest is in the attribute the card names).
MAX_ROWS = 10
#: Tables shown in one card.
MAX_TABLES = 3

_STYLE = (
    "<style>"
    ".ictx{font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px;line-height:1.35;"
    "max-width:60em;border-left:3px solid #1f6f8b;padding:2px 0 2px 10px;margin:4px 0}"
    ".ictx .ictx-title{font-weight:600;font-size:14px}"
    ".ictx .ictx-kind{color:#1f6f8b;font-weight:600;margin-right:.5em}"
    ".ictx dl{display:grid;grid-template-columns:max-content auto;gap:1px 12px;margin:4px 0}"
    ".ictx dt{color:#555;font-weight:normal}.ictx dd{margin:0}"
    ".ictx table{border-collapse:collapse;margin:2px 0 6px 0;font-size:12px}"
    ".ictx th,.ictx td{padding:1px 8px;text-align:right;border-bottom:1px solid #e3e3e3}"
    ".ictx caption{text-align:left;color:#555;caption-side:top;padding:4px 0 2px 0}"
    ".ictx .ictx-note{color:#555;margin:2px 0}"
    ".ictx code{font-size:12px}"
    "</style>"
)


def _text(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, float | np.floating):
        return f"{value:,.3f}" if abs(float(value)) < 1e6 else f"{value:,.0f}"
    return str(value)


def shape_text(table: pd.DataFrame | None) -> str:
    """``"194 × 12"`` (rows × columns), or ``"none"``."""
    if table is None:
        return "none"
    return f"{len(table):,} × {table.shape[1]}"


def top_rows(table: pd.DataFrame, n: int = MAX_ROWS, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The first ``n`` rows of ``table`` (and only ``columns`` of it when given), for a card."""
    if columns is not None:
        table = table[[c for c in columns if c in table.columns]]
    return table.head(n)


def table_list(tables: Mapping[str, pd.DataFrame | None]) -> str:
    """``scores (388 × 8), raw (388 × 11), ...`` for the tables an object holds (escaped)."""
    return ", ".join(f"<code>{_text(name)}</code> ({shape_text(t)})" for name, t in tables.items() if t is not None)


def _table_html(caption: str, table: pd.DataFrame, total: int | None) -> str:
    # text columns left-aligned, numbers right-aligned (as pandas' own HTML)
    left = [not pd.api.types.is_numeric_dtype(table[c]) or pd.api.types.is_bool_dtype(table[c]) for c in table.columns]
    align = ["style='text-align:left'" if lft else "" for lft in left]
    head = "".join(f"<th {a}>{_text(c)}</th>" for a, c in zip(align, table.columns, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td {a}>{_text(_cell(v))}</td>" for a, v in zip(align, row, strict=True)) + "</tr>"
        for row in table.itertuples(index=False, name=None)
    )
    more = ""
    if total is not None and total > len(table):
        more = f"<p class='ictx-note'>… {total - len(table):,} more rows</p>"
    return (
        f"<table><caption>{_text(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
    )


@dataclass
class Card:
    """A short HTML (and text) summary of an object: a title, facts (label, value), a few tables.

    ``tables`` are ``(caption, frame)`` pairs; each shows at most :data:`MAX_ROWS` rows and only the first
    :data:`MAX_TABLES` are shown. ``holds`` is a line of (already escaped) HTML listing what the object has.
    """

    title: str
    facts: Sequence[tuple[str, Any]] = ()
    tables: Sequence[tuple[str, pd.DataFrame]] = ()
    holds: str = ""
    kind: str = ""
    notes: Iterable[str] = field(default_factory=tuple)

    def html(self) -> str:
        kind = f"<span class='ictx-kind'>{_text(self.kind)}</span>" if self.kind else ""
        parts = [f"<div class='ictx'>{_STYLE}<div class='ictx-title'>{kind}{_text(self.title)}</div>"]
        if self.facts:
            parts.append("<dl>" + "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>" for k, v in self.facts) + "</dl>")
        for caption, table in list(self.tables)[:MAX_TABLES]:
            if table.empty:  # a caption over an empty header says less than a word
                parts.append(f"<p class='ictx-note'>{_text(caption)}: none</p>")
            else:
                parts.append(_table_html(caption, table.head(MAX_ROWS), len(table)))
        for note in list(self.notes)[:3]:
            parts.append(f"<p class='ictx-note'>{_text(note)}</p>")
        if self.holds:
            parts.append(f"<p class='ictx-note'>holds: {self.holds}</p>")
        parts.append("</div>")
        return "".join(parts)

    def text(self) -> str:
        """The same facts as plain text, one line each (no tables): a few lines at most."""
        lines = [f"{self.kind} {self.title}".strip()]
        lines += [f"  {k}: {v}" for k, v in list(self.facts)[:8]]
        return "\n".join(lines)


def years_text(years: Sequence[int]) -> str:
    """``2021, 2022, 2023`` or ``2005-2023 (19 years)``."""
    years = sorted(int(y) for y in years)
    if not years:
        return "none"
    return ", ".join(map(str, years)) if len(years) <= 4 else f"{years[0]}-{years[-1]} ({len(years)} years)"


def problems_text(issues: pd.DataFrame | None) -> str:
    """``3 errors, 12 warnings (missing_marker 9, aggregate 3)`` from an issue table."""
    if issues is None or issues.empty:
        return "none"
    severity = issues["severity"].value_counts() if "severity" in issues.columns else pd.Series(dtype=int)
    counts = ", ".join(f"{int(n)} {s}{'s' if n != 1 else ''}" for s, n in severity.items())
    if "problem" in issues.columns:
        top = issues["problem"].astype(str).value_counts().head(4)
        counts += " (" + ", ".join(f"{p} {int(n)}" for p, n in top.items()) + ")"
    return counts or f"{len(issues)} rows"


# -- the cards of each object ------------------------------------------------------------------------------------
def _ranking_top(result: Any, year: int) -> pd.DataFrame:
    table = result.ranking(year)
    fw = result.framework
    columns = ["rank", "economy", fw.index, *[c for c in result.node_codes if c != fw.index][:3], "flag"]
    top = top_rows(table, MAX_ROWS, columns)
    top.insert(top.columns.get_loc("economy") + 1, "name", [result.units.name(c) for c in top["economy"]])
    return top.rename(columns={"economy": result.units.noun})


def index_result_card(result: Any) -> Card:
    """:class:`~ictindex.result.IndexResult`: framework, years, units scored, problems, top of the ranking."""
    fw, units = result.framework, result.units
    scores = result._scores
    scored = scores[scores["rank"].notna()]
    latest = max(result.years) if result.years else None
    excluded = result.excluded
    facts: list[tuple[str, Any]] = [
        ("framework", f"{fw.name} ({fw.code}), scale {fw.scale:g}"),
        ("years", years_text(result.years)),
        (f"{units.plural} scored", f"{scored['economy'].nunique():,} ({len(scored):,} {units.noun}-years)"),
        ("not scored", f"{int((excluded['kind'] == 'economy').sum()):,} {units.noun}-years"),
        ("imputed values", f"{len(result._imputations):,}"),
        ("problems found", problems_text(result._issues)),
    ]
    flags = result._economy_flags
    if flags is not None and not flags.empty and latest is not None:
        marked = flags[(flags["year"] == latest) & (flags["marker"].astype(str) != "")]
        facts.append((f"flagged in {latest}", f"{len(marked):,} (E estimates, C carried, ! thin data, M category)"))
    tables = [(f"Top of the {latest} ranking", _ranking_top(result, latest))] if latest is not None else []
    holds = table_list(
        {"scores": scores, "raw": result._raw, "coverage": result._coverage, "issues": result._issues}
        | ({"gender": result._gender} if result._gender is not None else {})
    )
    return Card(f"{fw.name}", facts, tables, holds + ", … (<code>.tables()</code>)", kind="IndexResult")


def uncertainty_card(result: Any) -> Card:
    """:class:`~ictindex.uncertainty.UncertaintyResult`: replications, factors, the units whose rank moves most."""
    ranks = result.ranks
    top = ranks.assign(rank_range=ranks["rank_q95"] - ranks["rank_q05"]).head(MAX_ROWS)
    facts = [
        ("framework", result.problem.base.framework.code),
        ("replications", f"{result.n:,} ({result.sampler}, seed {result.seed})"),
        ("units", f"{len(result.units):,} unit-years"),
        ("factors", ", ".join(f.name for f in result.problem.factors) or "none"),
    ]
    columns = ["economy", "year", "nominal_rank", "median_rank", "rank_q05", "rank_q95", f"p_top{result.top}"]
    return Card(
        "Uncertainty of the ranks",
        facts,
        [("Nominal ranking with the 5-95 % rank interval", top_rows(top, MAX_ROWS, columns))],
        table_list({"ranks": ranks, "parameters": None}) + ", <code>scores</code> (n × units), <code>.plot()</code>",
        kind="UncertaintyResult",
    )


def sensitivity_card(result: Any) -> Card:
    """:class:`~ictindex.sensitivity.SensitivityResult`: target, runs, the Sobol' indices."""
    facts = [("target", result.target), ("base sample n", f"{result.n:,}"), ("runs", f"{len(result.y):,}")]
    return Card(
        "Sobol' sensitivity indices",
        facts,
        [("First-order (S1) and total (ST) indices", result.indices)],
        table_list({"indices": result.indices}) + ", <code>runs</code>, <code>.plot()</code>",
        kind="SensitivityResult",
    )


def comparison_card(comparison: Any) -> Card:
    """:class:`~ictindex.analysis.Comparison`: the summary per year and the largest differences."""
    a, b = comparison.labels
    facts = [("a", a), ("b", b), ("node", comparison.node)]
    return Card(
        f"{a} against {b}",
        facts,
        [("Per year", comparison.summary), ("Largest score differences", comparison.largest(MAX_ROWS))],
        table_list({"table": comparison.table, "summary": comparison.summary}),
        kind="Comparison",
    )


def multi_comparison_card(comparison: Any) -> Card:
    """:class:`~ictindex.analysis.MultiComparison`: the sides, the summary against the reference."""
    facts = [("sides", ", ".join(comparison.labels)), ("node", comparison.node)]
    return Card(
        f"{len(comparison.labels)} results side by side",
        facts,
        [("Against the first side", comparison.summary)],
        table_list(
            {"table": comparison.table, "ranks": comparison.ranks, "summary": comparison.summary}
            | {"spread": comparison.spread}
        ),
        kind="MultiComparison",
    )


def panel_check_card(check: Any) -> Card:
    """:class:`~ictindex.panel.PanelCheck`: usable values, economies, problems by kind."""
    facts = [
        ("usable values", f"{check.n_values:,}"),
        ("economies in the input", f"{len(check.economies):,}"),
        ("problems found", problems_text(check.issues)),
    ]
    tables = []
    if not check.issues.empty:
        tables.append(("Problems", top_rows(check.issues, MAX_ROWS, ["severity", "problem", "economy", "year"])))
    return Card(
        "Validated panel",
        facts,
        tables,
        table_list({"issues": check.issues}) + ", <code>panel</code>",
        kind="PanelCheck",
    )


def estimates_card(est: Any) -> Card:
    """:class:`~ictindex.estimates.Estimates`: indicators, years, groups, the world rows."""
    table = est.table
    years = table["year"].unique().tolist() if "year" in table.columns else []
    facts = [
        ("indicators", ", ".join(map(str, table["indicator"].unique()[:6])) if "indicator" in table.columns else ""),
        ("years", years_text(years)),
        ("groupings", ", ".join(map(str, table["grouping"].unique()[:6])) if "grouping" in table.columns else ""),
        ("notes", f"{len(est.notes)}"),
    ]
    world = table[table["grouping"] == "world"] if "grouping" in table.columns else table
    return Card(
        "World and group estimates",
        facts,
        [("World", world)],
        table_list({"table": table, "parity": est.parity, "units": est.units, "models": est.models}),
        kind="Estimates",
    )


def findings_card(findings: Any) -> Card:
    """:class:`~ictindex.findings.Findings`: the report's year, ranking rule, parts left out."""
    fw = findings.result.framework
    facts = [
        ("framework", f"{fw.name} ({fw.code})"),
        ("year", findings.year),
        ("ranked", f"{len(findings.ranking):,} {findings.units.plural}"),
        ("groupings", ", ".join(findings.groupings) or "none"),
        ("left out", "; ".join(f"{k}: {v}" for k, v in findings.omitted.items()) or "nothing"),
    ]
    columns = ["rank", "economy", "name", fw.index, "flag"]
    return Card(
        f"Report findings, {findings.year}",
        facts,
        [("Ranking", top_rows(findings.ranking, MAX_ROWS, columns))],
        table_list({"ranking": findings.ranking, "groups": findings.groups, "group_means": findings.group_means}),
        kind="Findings",
    )


def report_card(report: Any) -> Card:
    """:class:`~ictindex.report.document.Report`: the page and how many charts and tables were written."""
    charts = sum(len(v) for v in report.charts.values())
    tables = sum(len(v) for v in report.tables.values())
    facts = [
        ("folder", report.folder),
        ("page", report.html.name),
        ("charts", f"{charts} files ({len(report.charts)} charts)"),
        ("tables", f"{tables} files ({len(report.tables)} tables)"),
    ]
    return Card("Report written", facts, (), "", kind="Report", notes=report.notes)


def check_findings_card(found: Any) -> Card:
    """:class:`~ictindex.checks.Findings`: what one check found."""
    messages = found.messages(np.arange(min(len(found), MAX_ROWS)))
    return Card(
        f"{len(found):,} findings of a check",
        [("values replaced", "yes" if found.values is not None else "no")],
        [("Findings", pd.DataFrame({"at": found.at[:MAX_ROWS], "message": messages}))] if len(found) else [],
        kind="check Findings",
    )


def spec_card(spec: Any) -> Card:
    """:class:`~ictindex.spec.BuildSpec`: every setting of the build."""
    fw = spec.framework
    arguments = spec.arguments()
    facts = [("framework", f"{fw.name} ({fw.code}), sha256 {fw.sha256[:12]}")]
    facts += [(k, v) for k, v in arguments.items() if k != "framework" and v not in (None, (), [], {})]
    return Card("Build settings", facts, (), "<code>.save(path)</code>, <code>.arguments()</code>", kind="BuildSpec")


def model_card(model: Any) -> Card:
    """:class:`~ictindex.model.IndexModel`: units, indicators, nodes, edges."""
    facts = [
        ("framework", model.framework.code),
        ("units", f"{len(model.units):,} unit-years, years {years_text(model.years)}"),
        ("indicators", f"{len(model.indicators)}"),
        ("nodes", ", ".join(model.nodes)),
        ("edges", f"{len(model.edges)}"),
    ]
    return Card(
        "Compiled index",
        facts,
        (),
        "<code>.evaluate()</code>, <code>.evaluate(as_frame=True)</code>",
        kind="IndexModel",
    )


def weights_card(weights: Any) -> Card:
    """:class:`~ictindex.weights.Weights`: method and the weight of every child."""
    return Card(
        f"{weights.method} weights",
        [("framework", weights.framework), ("edges", len(weights.edges))],
        [("Weight of each child in its node", weights.table)],
        table_list({"table": weights.table}) + ", <code>.to_framework(fw)</code>",
        kind="Weights",
    )


def units_card(units: Any) -> Card:
    """:class:`~ictindex.units.Units`: kind, words and the table."""
    facts = [("kind", units.kind), ("a unit is", f"{units.noun} ({units.plural})")]
    if units.source:
        facts.append(("source", units.source))
    tables = [("Units table", units.table)] if units.table is not None else []
    return Card(units.describe(), facts, tables, kind="Units")


def framework_card(fw: Any, table: pd.DataFrame) -> Card:
    """:class:`~ictindex.framework.Framework`: the tree with effective weights (``table``, the framework's
    :func:`~ictindex.weights.weights_table`)."""
    table = table[table["kind"] == "node"][["code", "name", "parent", "weight_in_parent", "effective_weight"]]
    facts = [
        ("code", fw.code),
        ("index", fw.index),
        ("scale", f"{fw.scale:g}"),
        ("nodes", len(fw.nodes)),
        ("indicators", len(fw.indicators)),
    ]
    return Card(fw.name, facts, [("Nodes", table)], kind="Framework")
