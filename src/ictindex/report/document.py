"""The report folder: every table (CSV, XLSX, LaTeX), every chart (PNG, SVG) and a self-contained
``index.html`` with the tables, the charts embedded, the methodology and the sources.

Layout of ``out/``::

    index.html                 self-contained (charts embedded as PNG data URIs)
    charts/<name>.png|.svg     every chart
    tables/<name>.csv|.tex     every table; tables/report.xlsx with one sheet per table,
                               plus "methodology" and "provenance" sheets
    tables/tables.tex          a master document that inputs every .tex table (lualatex; pdflatex for Latin script)

How it is made: :func:`write_report` computes the :class:`~ictindex.findings.Findings` (every analysis the
report shows, in the library) unless given them, then lays out the sections of
:data:`ictindex.report.sections.SECTIONS` whose inputs exist; each section left out is named in the notes at
the top of the page with the reason. The writer computes nothing itself.

The page prints as it reads on screen: a print stylesheet shows every row of long tables, fits
tables to the page width and starts each section on a new page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ictindex.countries import to_iso3
from ictindex.errors import IctIndexError, MethodError
from ictindex.findings import Findings, GenderFindings, compute_findings, gender_findings
from ictindex.flags import MARKERS
from ictindex.geometry import Geometry, read_geometry
from ictindex.ranking import RankingRule, ReportYear
from ictindex.report import charts
from ictindex.report.export import (
    latex_document,
    methodology_table,
    provenance_table,
    to_latex,
    write_csv,
    write_xlsx,
)
from ictindex.report.sections import (
    ITU_NOTICE,
    SECTIONS,
    TABLE_ORDER,
    WORLD_MAP_NOTICE,
    Layout,
    Page,
    Places,
    Section,
    default_places,
)
from ictindex.report.style import save_figure
from ictindex.report.tables import column_labels, shares_as_percent
from ictindex.safety import inside, output_folder, safe_filename

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["write_report", "Report", "GenderSection", "gender_section", "DATA_NOTICE"]

#: The notice of a report of the bundled data (ITU's licence terms and the world map's boundaries); a report
#: prints the parts that apply to the data it shows (:func:`ictindex.report.sections.data_notice`).
DATA_NOTICE = f"{ITU_NOTICE} {WORLD_MAP_NOTICE}"
#: The gender part of a report (kept under its former name; computed by :func:`ictindex.findings.gender_findings`).
GenderSection = GenderFindings
gender_section = gender_findings


@dataclass
class Report:
    """What :func:`write_report` wrote: paths of the HTML page, the charts and the tables, and its notes."""

    folder: Path
    html: Path
    charts: dict[str, list[Path]] = field(default_factory=dict)
    tables: dict[str, list[Path]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # short (issue 27): the paths are attributes
        return f"<Report {self.html}: {len(self.charts)} charts, {len(self.tables)} tables, {len(self.notes)} notes>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import report_card

        return report_card(self).html()


def _unit_code(findings: Findings, label: str) -> str:
    """A unit given by code or name: ISO3 or an ITU/UN name for economies, a code or a table name otherwise."""
    units = findings.units
    if units.resolves_names:
        return to_iso3(label) or str(label)
    names = {units.name(c).casefold(): c for c in units.codes}
    return names.get(str(label).casefold(), str(label))


def _table_notes(f: Findings) -> dict[str, str]:
    """Notes printed under (LaTeX, HTML) or above (XLSX) each table."""
    fw, year, units = f.result.framework, f.year, f.units
    return {
        "ranking": (
            f"{f.rule.describe(units)} Scores at {fw.rounding} decimals; ties share the better rank. Places gained "
            f"= rank in {year - 1} minus rank in {year}."
        ),
        "not_ranked": f.rule.describe(units),
        "coverage": f"Indicators: {units.plural} with a reported, an imputed or no value. Nodes: {units.plural} "
        "fully, partly or not scored. '--': does not apply.",
        "imputations": f"{fw.imputation.method} available value, at most {fw.imputation.max_gap} years old.",
        "excluded": f"Every {units.noun}"
        + (" and aggregate" if units.resolves_names else "")
        + " in the data without an index score, with the reason.",
    }


def _captions(f: Findings) -> dict[str, str]:
    fw, year, plural = f.result.framework.name, f.year, f.units.plural
    legend = "; ".join(f"{k} = {v}" for k, v in MARKERS.items())
    return {
        "ranking": f"{fw}, {year}: ranking, scores and change since {year - 1}. Flags: {legend}",
        "ranking_flags": "Flags of the ranking table",
        "value_flags": f"{fw}, {year}: values that are estimates or carried forward",
        "coverage": f"{fw}, {year}: data coverage by indicator and scoring by node",
        "excluded": f"{fw}, {year}: {plural} not scored, and why",
        "imputations": f"{fw}, {year}: imputed values (latest available value)",
        "sources": "Data sources and licences",
        "breaks": f"{fw}: series that start, stop or change source between {year - 1} and {year} ({plural})",
        "not_ranked": f"{fw}, {year}: scored {plural} not in the ranking, and why",
        "methodology": f"{fw}: structure, methods and weights",
        "provenance": f"{fw}, {year}: provenance",
    }


def _left_out(f: Findings, layout: Layout) -> list[str]:
    """One note per part of the report left out, with the reason."""
    notes = [f"{part[0].upper()}{part[1:]}: left out ({reason})." for part, reason in f.omitted.items()]
    if layout.geometry is None and not f.units.resolves_names:
        notes.append(
            f"Map: left out (no boundaries of the {f.units.plural} were given; pass geometry= to write_report, or "
            "--geometry FILE, with a GeoJSON keyed by the unit codes)."
        )
    return notes


@dataclass
class _Plan:
    """The sections shown, with their tables, charts, captions and table notes (in page order)."""

    sections: list[Section]
    tables: dict[str, pd.DataFrame]
    charts: dict[str, Callable[[], Figure]]
    captions: dict[str, str]
    table_notes: dict[str, str]
    notes: list[str]
    places: dict[str, Places]

    def decimals(self, f: Findings, name: str) -> Places:
        """The published precision of the table ``name`` (:func:`~ictindex.report.sections.default_places`
        when its section gives none)."""
        return self.places.get(name, default_places(f))


def _plan(f: Findings, layout: Layout) -> _Plan:
    shown, tables, jobs = [], {}, {}
    captions, table_notes = _captions(f), _table_notes(f)
    places: dict[str, Places] = {}
    notes: list[str] = []
    for section in SECTIONS:
        reason = section.needs(f, layout)
        if reason is not None:
            continue  # named in the notes (findings.omitted, or the note below)
        shown.append(section)
        tables.update(section.tables(f))
        jobs.update(section.charts(f, layout))
        captions.update(section.captions(f))
        table_notes.update(section.table_notes(f))
        places.update(section.places(f))
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    names = sorted(tables, key=lambda n: (order.get(n, len(order)), list(tables).index(n)))
    return _Plan(shown, {n: tables[n] for n in names}, jobs, captions, table_notes, notes, places)


def write_report(
    result: IndexResult,
    out: str | Path,
    *,
    year: int | None = None,
    gender: IndexResult | None = None,
    gender_parity: pd.DataFrame | None = None,
    profiles: Iterable[str] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    console: Console | None = None,
    divide: bool = True,
    notes: Sequence[str] = (),
    uncertainty: Any = None,
    ranking_rule: RankingRule | None = None,
    geometry: str | Path | Geometry | Any = None,
    panel: pd.DataFrame | None = None,
    findings: Findings | None = None,
    regions: str | None = None,
    year_choice: ReportYear | None = None,
) -> Report:
    """Write the complete report folder for one year of ``result``.

    Parameters
    ----------
    result
        The index (build it with the previous year too, to get rank changes and a rank-shift chart). Its units
        (``result.units``: names, groups, population, the word for a unit) shape every table, chart and text.
    year
        Year reported (default: the latest in the result).
    gender
        A result built with ``by_sex=True`` (e.g. the ``doi_gender`` framework) over the years up to
        ``year``: the gender section shows its sub-index for the newest year at or before ``year`` with
        female and male scores, and the parity of every sex-disaggregated series from the newest values
        at most ``max_gap`` years old, for every unit with that series.
    gender_parity
        Instead of (or besides) ``gender``: a :func:`ictindex.gender.framework_parity` table, shown when
        the sub-index could not be built.
    notes
        Notes shown at the top of the page (e.g. what the gender section lacks).
    profiles
        Units (codes, or names) that get a profile chart (default: none; the report shows the world and its
        groups).
    formats
        Chart file formats (PNG is always written: the HTML embeds it).
    console
        Where progress is shown (default: standard error; shown only in a terminal).
    divide
        Add the digital-divide section.
    ranking_rule
        Which scored units enter the headline ranking (table, chart, rank shift); those left out
        keep their scores in every other table and are listed, with the reason, under the ranking.
    geometry
        The units' boundaries for the map: a GeoJSON path or mapping, or a :class:`~ictindex.geometry.Geometry`
        (keyed by unit code). Without it, economies are drawn on the bundled world map and other units get no
        map (a note says so).
    panel
        The panel the urban/rural gaps and the WSIS targets are read from (default: the bundled one for
        economies; none otherwise: those parts are left out with a note).
    regions
        The regions economies are grouped by, ``"itu"`` or ``"sdg"`` (default: ITU's for an ITU framework);
        see :func:`ictindex.findings.compute_findings`.
    year_choice
        How the year was chosen (:func:`ictindex.ranking.choose_year`): the report says why.
    findings
        Findings computed beforehand (:func:`ictindex.findings.compute_findings`); the arguments above that
        shape them (year, gender, gender_parity, ranking_rule, divide, panel) are then not used.

    The report is written into a temporary folder next to ``out`` and moved into place when every
    table and chart is written (:func:`~ictindex.safety.output_folder`): ``out`` never mixes two runs,
    a failing chart leaves it as it was, and a non-empty ``out`` that is not an earlier report is refused.
    """
    year = result.report_year(year)
    if findings is None:
        findings = compute_findings(
            result,
            year,
            gender=gender,
            gender_parity=gender_parity,
            ranking_rule=ranking_rule,
            divide=divide,
            panel=panel,
            regions=regions,
            year_choice=year_choice,
        )
    geo = None if geometry is None else geometry if isinstance(geometry, Geometry) else read_geometry(geometry)
    ranking = result.ranking(findings.year)
    if ranking.empty:
        raise IctIndexError(f"no {result.units.noun} is scored in {findings.year}", year=findings.year)
    if geo is not None and not set(geo) & set(result.units.codes or ranking["economy"]):
        raise MethodError(
            f"none of the {len(geo)} boundaries of {geo.source} is a {result.units.noun} of the result",
            field=geo.key or "key",
            hint=f"codes in the boundaries: {sorted(geo)[:5]}; in the data: {ranking['economy'].head(5).tolist()}; "
            "key the features by the unit codes (read_geometry(..., key=...))",
        )
    chosen = [_unit_code(findings, p) for p in profiles] if profiles is not None else []
    for unit in chosen:  # checked before anything is written
        if unit not in set(ranking["economy"]):
            raise MethodError(
                f"cannot profile '{unit}': it is not scored in {findings.year}",
                economy=unit,
                year=findings.year,
                hint=f"choose a scored {result.units.noun} (see the ranking), or see result.excluded for why this "
                "one is not scored",
            )
    layout = Layout(profiles=tuple(chosen), geometry=geo, formats=tuple(dict.fromkeys(("png", *formats))))
    with output_folder(out) as work:
        report = _write_report(findings, layout, work, console=console, notes=notes)
        if uncertainty is not None:  # inside the same folder: the section is part of the run, or nothing is
            from ictindex.report.uncertainty_charts import add_uncertainty_section

            add_uncertainty_section(report, uncertainty, year=findings.year, formats=formats)
    return _relocated(report, work, Path(out))


def _relocated(report: Report, work: Path, out: Path) -> Report:
    """The same report with every path moved from the temporary folder to ``out``."""

    def moved(path: Path) -> Path:
        return out / path.relative_to(work)

    return Report(
        folder=out,
        html=moved(report.html),
        charts={k: [moved(p) for p in v] for k, v in report.charts.items()},
        tables={k: [moved(p) for p in v] for k, v in report.tables.items()},
        notes=report.notes,
    )


def _gender_notes(f: Findings) -> list[str]:
    g = f.gender
    if g is not None and g.gender_year is None:
        return [
            f"The gender sub-index cannot be built for any {f.units.noun} up to {f.year}; the gender "
            "section shows the parity of each series by sex."
        ]
    return []


def _write_report(
    findings: Findings, layout: Layout, out: Path, *, console: Console | None, notes: Sequence[str]
) -> Report:
    """Writes the tables, the workbook, the charts and ``index.html`` of the planned sections into ``out``."""
    result, year = findings.result, findings.year
    report = Report(folder=out, html=out / "index.html", notes=list(notes))
    report.notes += _left_out(findings, layout) + _gender_notes(findings)
    plan = _plan(findings, layout)
    tables = plan.tables
    progress = _progress(console or Console(stderr=True))
    with progress:
        task = progress.add_task("tables", total=3 + len(plan.charts) + 1)
        labels = {name: column_labels(result, table.columns, year) for name, table in tables.items()}
        captions = {**plan.captions, **{n: plan.captions.get(n, n) for n in [*tables, "methodology", "provenance"]}}
        progress.advance(task)
        report.tables = _write_tables(findings, plan, out / "tables", labels, captions)
        progress.advance(task)
        report.tables["report.xlsx"] = [_write_workbook(findings, plan, out / "tables", captions)]
        progress.advance(task)
        images: dict[str, str] = {}
        for name, draw in plan.charts.items():
            progress.update(task, description=f"chart {name}")
            report.charts[name] = save_figure(draw(), inside(out, out / "charts" / safe_filename(name)), layout.formats)
            images[name] = base64.b64encode(report.charts[name][0].read_bytes()).decode("ascii")
            progress.advance(task)
        if "map" in images:
            report.notes += _map_notes(findings, layout)
        progress.update(task, description="index.html")
        page = Page(
            findings=findings,
            layout=layout,
            tables=tables,
            images=images,
            labels=labels,
            captions=captions,
            table_notes=plan.table_notes,
            places=plan.places,
        )
        report.html.write_text(_html(page, plan.sections, report.notes), encoding="utf-8")
        progress.advance(task)
    return report


def _progress(console: Console) -> Progress:
    """The progress bar of the report's steps (shown only in a terminal, removed when done)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _write_tables(
    findings: Findings,
    plan: _Plan,
    folder: Path,
    labels: dict[str, dict[str, str]],
    captions: dict[str, str],
) -> dict[str, list[Path]]:
    """Writes every table as CSV (full precision) and LaTeX (shares as percentages, at the published precision),
    and the LaTeX master document; returns the paths by table."""
    result, tables = findings.result, plan.tables
    written = {name: [p] for name, p in zip(tables, write_csv(tables, folder), strict=True)}
    for name in tables:
        path = folder / f"{name}.tex"
        path.write_text(
            to_latex(
                shares_as_percent(tables[name]),
                caption=captions[name],
                label=f"tab:{name}",
                decimals=plan.decimals(findings, name),
                labels=labels[name],
                note=plan.table_notes.get(name, ""),
            )
            + "\n",
            encoding="utf-8",
        )
        written[name].append(path)
    master = folder / "tables.tex"
    master.write_text(
        latex_document(
            {f"{name}.tex": captions[name] for name in tables},
            title=f"{result.framework.name}, {findings.year}: tables",
        ),
        encoding="utf-8",
    )
    written["tables.tex"] = [master]
    return written


def _write_workbook(findings: Findings, plan: _Plan, folder: Path, captions: dict[str, str]) -> Path:
    """Writes ``report.xlsx``: one sheet per table (shares as percentages, at the published precision), then the
    methodology and the provenance; returns its path."""
    result, tables = findings.result, plan.tables
    provenance = provenance_table(result, tables["sources"])
    sheets = {**tables, "methodology": methodology_table(result.framework), "provenance": provenance}
    return write_xlsx(
        {name: shares_as_percent(table) for name, table in tables.items()},
        folder / "report.xlsx",
        framework=result.framework,
        provenance=provenance,
        decimals=result.framework.rounding,
        labels={n: column_labels(result, t.columns, findings.year) for n, t in sheets.items()},
        titles={n: captions[n] for n in sheets},
        notes=plan.table_notes,
        source=findings.source_line,
        sheet_decimals={name: plan.decimals(findings, name) for name in tables},
    )


def _map_notes(f: Findings, layout: Layout) -> list[str]:
    if layout.geometry is not None:
        outside = charts.map_outside(f.result, layout.geometry, year=f.year)
        return (
            [
                f"Map: {len(outside)} scored {f.units.plural} have no boundary in {layout.geometry.source} and are "
                "listed under the map."
            ]
            if outside
            else []
        )
    not_drawn = charts.map_not_drawn(f.result, year=f.year)
    if not not_drawn:
        return []
    return [f"Map: {len(not_drawn)} scored economies are too small to draw at 1:110m and are listed under the map."]


_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:14px;line-height:1.45;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;
margin-top:2em}
table.data{border-collapse:collapse;font-size:12px;margin:.5em 0 1.5em}
table.data caption{text-align:left;font-size:12px;color:#333;caption-side:top;padding-bottom:.3em;font-weight:bold}
table.data th{background:#DDEBF7;text-align:left;vertical-align:bottom;padding:3px 6px;position:sticky;top:0}
table.data td{padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top}
table.data .num{text-align:right;font-variant-numeric:tabular-nums}
table.data td.num{white-space:nowrap}
table.data tr:nth-child(even) td{background:#fafafa}
figure{margin:1em 0}figure img{max-width:100%;height:auto}figcaption{font-size:12px;color:#555}
.note{background:#FFF8E1;border-left:4px solid #E69F00;padding:.5em 1em;font-size:13px}
.rule{font-size:13px;color:#333}
.scroll{max-height:560px;overflow:auto;border:1px solid #eee}
.wide{overflow-x:auto}
nav a{margin-right:1em}
@page{size:A4;margin:14mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10pt}
nav{display:none}
.scroll,.wide{max-height:none;overflow:visible;border:none}
table.data{width:100%;font-size:7.5pt;table-layout:auto}
table.data th{position:static}
table.data td,table.data th{overflow-wrap:break-word;padding:1px 3px}
table.data th{hyphens:auto}
thead{display:table-header-group}
#ranking-table td:nth-child(3){white-space:nowrap}
tr,figure,img{break-inside:avoid}
h2{break-before:page}
h2,h3{break-after:avoid}
h1{font-size:20pt;margin-top:25mm}
h2#key{break-before:avoid;margin-top:1.5em}
figure img{max-height:245mm;width:auto;max-width:100%}
}
"""


def _numbered(body: str) -> str:
    """Tables and figures numbered 1, 2, ... in the order they appear on the page."""
    import re

    def renumber(text: str, kind: str) -> str:
        count = iter(range(1, 10_000))
        return re.sub(rf"(<(?:caption|figcaption)>){kind} \d+\.", lambda m: f"{m[1]}{kind} {next(count)}.", text)

    return renumber(renumber(body, "Table"), "Figure")


def _html(page: Page, sections: list[Section], notes: list[str]) -> str:
    f, result, year = page.findings, page.result, page.findings.year
    fw = result.framework
    esc = html.escape
    ranking = page.tables["ranking"]
    excluded = page.tables["excluded"]
    n_excluded = int((excluded["kind"] == "economy").sum()) if "kind" in excluded else len(excluded)
    nav = "".join(f"<a href='#{s.key}'>{esc(s.nav)}</a>" for s in sections if s.nav)
    parts = [
        f"<h1>{esc(fw.name)}, {year}</h1>",
        f"<p>{esc(' '.join((fw.description or '').split()))}</p>",
        f"<p><b>{len(result.ranking(year))}</b> {esc(f.units.plural)} scored in {year}"
        + (f" ({len(ranking)} ranked)" if "not_ranked" in page.tables else "")
        + f"; <b>{n_excluded}</b> not scored (each listed with "
        f"the reason); <b>{len(page.tables['imputations'])}</b> values imputed in {year}. "
        f"Framework <code>{esc(fw.code)}</code> "
        f"({esc(fw.version or '')}), ictindex {esc(str(result.provenance.get('library_version')))}.</p>",
        f"<nav>{nav}</nav>",
    ]
    parts += [f"<p class='note'>{esc(n)}</p>" for n in notes]
    for section in sections:
        parts += section.html(page)
    body = _numbered("\n".join(s for s in parts if s))
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{esc(fw.name)} {year}</title>"
        f"<style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )
