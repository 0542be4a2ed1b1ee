"""The report folder: every table (CSV, XLSX, LaTeX), every chart (PNG, SVG) and a self-contained
``index.html`` with the tables, the charts embedded, the methodology and the sources.

Layout of ``out/``::

    index.html                 self-contained (charts embedded as PNG data URIs)
    charts/<name>.png|.svg     every chart
    tables/<name>.csv|.tex     every table; tables/report.xlsx with one sheet per table,
                               plus "methodology" and "provenance" sheets
    tables/tables.tex          a master document that inputs every .tex table (lualatex; pdflatex for Latin script)

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

from ictindex.breaks import break_summary
from ictindex.countries import report_name, to_iso3
from ictindex.economies import GROUPINGS
from ictindex.errors import IctIndexError, MethodError
from ictindex.flags import MARKERS
from ictindex.gender import framework_parity, latest_parity
from ictindex.report import charts, gender_charts
from ictindex.report.divide_tables import divide_section
from ictindex.report.export import (
    latex_document,
    methodology_table,
    provenance_table,
    to_html,
    to_latex,
    write_csv,
    write_xlsx,
)
from ictindex.report.style import add_source, save_figure
from ictindex.report.tables import (
    RankingRule,
    apply_ranking_rule,
    column_labels,
    coverage_table,
    gender_report_table,
    group_averages,
    ranking_table,
    sources_table,
)
from ictindex.safety import inside, output_folder, safe_filename

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["write_report", "Report"]

DATA_NOTICE = (
    "ITU data are licensed under Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO "
    '(CC BY-NC-SA 3.0 IGO): non-commercial use, with the attribution "International Telecommunication '
    'Union, ITU DataHub, https://datahub.itu.int/". Map boundaries: Natural Earth 1:110m (public domain).'
)


@dataclass
class Report:
    """What :func:`write_report` wrote: paths of the HTML page, the charts and the tables."""

    folder: Path
    html: Path
    charts: dict[str, list[Path]] = field(default_factory=dict)
    tables: dict[str, list[Path]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _excluded_table(result: IndexResult, year: int) -> pd.DataFrame:
    excluded = result.excluded.query("year == @year or year.isna()").reset_index(drop=True)
    excluded.insert(
        1,
        "name",
        [report_name(e) if k == "economy" else e for e, k in zip(excluded["economy"], excluded["kind"], strict=True)],
    )
    excluded["year"] = excluded["year"].astype("Int64")
    return excluded


def _report_tables(
    result: IndexResult, year: int, gender: GenderSection | None, rule: RankingRule | None = None
) -> dict[str, pd.DataFrame]:
    imputations = result.imputations.query("year == @year").reset_index(drop=True)
    if "from_year" in imputations:
        imputations["from_year"] = imputations["from_year"].astype("Int64")
    tables = {
        "ranking": ranking_table(result, year, rule),
        "ranking_flags": pd.DataFrame({"marker": list(MARKERS), "meaning": list(MARKERS.values())}),
        "averages_income": group_averages(result, year, by="income"),
        "averages_region": group_averages(result, year, by="region"),
        "coverage": coverage_table(result, year),
        "excluded": _excluded_table(result, year),
        "imputations": imputations,
        "value_flags": result.flags.query("year == @year").reset_index(drop=True)
        if not result.flags.empty
        else pd.DataFrame(columns=["economy", "year", "indicator", "value", "flag", "from_year", "note"]),
        "sources": sources_table(result),
    }
    if year - 1 in result.years and not result.breaks.empty:  # series starting, stopping or changing source
        breaks = result.breaks.query("to_year == @year")
        tables["breaks"] = break_summary(breaks) if not breaks.empty else break_summary(result.breaks.iloc[:0])
    if rule is not None and rule.active:
        tables["not_ranked"] = apply_ranking_rule(result, year, rule)[1]
    if gender is not None:
        tables.update(gender.tables)
    return tables


@dataclass
class GenderSection:
    """What the report's gender section shows for report year ``year``: the sub-index of ``gender_year``
    (the newest year at or before ``year`` with female and male scores, when there is one) and the parity
    of every sex-disaggregated series from the newest values in ``[year - max_gap, year]``."""

    year: int
    gender_year: int | None
    max_gap: int
    framework_name: str
    tables: dict[str, pd.DataFrame]
    result: IndexResult | None = None

    @property
    def data_years(self) -> tuple[int, int] | None:
        """First and last year the values shown were observed in."""
        years: list[int] = []
        parity = self.tables.get("gender_indicators")
        if parity is not None and not parity.empty:
            years += parity["data_year"].astype(int).tolist()
        sub = self.tables.get("gender")
        if sub is not None and not sub.empty and "data_years" in sub:
            years += [int(y) for text in sub["data_years"] for y in pd.Series(text).str.findall(r"\b(\d{4})\b")[0]]
        return (min(years), max(years)) if years else None

    @property
    def title(self) -> str:
        span = self.data_years
        observed = (
            f"; values observed {span[0]}–{span[1]}"
            if span and span[0] != span[1]
            else (f"; values observed in {span[0]}" if span else "")
        )
        return (
            f"Gender, {self.year}: newest data by sex at or before {self.year} (at most {self.max_gap} years "
            f"old{observed})"
        )


def gender_section(
    year: int,
    gender: IndexResult | None = None,
    parity: pd.DataFrame | None = None,
    framework_name: str = "gender sub-index",
) -> GenderSection | None:
    """Assemble the gender section for report year ``year`` from a by-sex result and/or a parity table
    (:func:`ictindex.gender.framework_parity`; used when the by-sex build was not possible)."""

    max_gap = int((gender.provenance.get("max_gap") if gender is not None else None) or 3)
    tables: dict[str, pd.DataFrame] = {}
    gender_year = _gender_year(gender, year)
    if gender is not None and gender_year is not None:
        tables["gender"] = gender_report_table(gender, gender_year)
    skills = None
    if gender is not None:
        framework_name = gender.framework.name
        parity = framework_parity(gender.gender_indicators, gender.framework, year, max_gap)
        by_sex = gender.gender_indicators
        skills = by_sex[by_sex["indicator"].str.startswith("SE_ADT_ACTS_")]
    if parity is not None and not parity.empty:
        tables["gender_indicators"] = parity.assign(name=[report_name(e) for e in parity["economy"]])
    if skills is not None and not skills.empty:
        tables["gender_skills"] = _skills_summary(latest_parity(skills, year, max_gap))
    if not tables:
        return None
    return GenderSection(
        year=year, gender_year=gender_year, max_gap=max_gap, framework_name=framework_name, tables=tables, result=gender
    )


def _skills_summary(latest: pd.DataFrame) -> pd.DataFrame:
    """One row per SDG 4.4.1 skill type: economies, median parity, economies per parity band, years observed."""
    from ictindex.catalogue import SKILLS

    rows = []
    for code, part in latest.groupby("indicator"):
        skill = code.removeprefix("SE_ADT_ACTS_")
        rows.append(
            {
                "skill": SKILLS.get(skill, skill),
                "series": code,
                "economies": len(part),
                "median_parity": float(part["parity"].median()),
                "women_behind": int((part["band"] == "women behind").sum()),
                "parity": int((part["band"] == "parity").sum()),
                "men_behind": int((part["band"] == "men behind").sum()),
                "data_years": f"{part['data_year'].min()}-{part['data_year'].max()}",
            }
        )
    return pd.DataFrame(rows).sort_values("economies", ascending=False).reset_index(drop=True)


def _gender_year(gender: IndexResult | None, year: int) -> int | None:
    if gender is None:
        return None
    table = gender.gender
    years = table.loc[table["female"].notna() & (table["year"] <= year), "year"]
    return int(years.max()) if not years.empty else None


def _chart_jobs(
    result: IndexResult,
    year: int,
    gender: GenderSection | None,
    profiles: Sequence[str],
    rule: RankingRule | None = None,
) -> dict[str, Callable[[], Figure]]:
    ranking_source = charts.source_line(result) + (f" {rule.describe()}" if rule is not None and rule.active else "")
    jobs: dict[str, Callable[[], Figure]] = {
        "framework": lambda: charts.framework_diagram(result),
        "ranking": lambda: charts.ranking_chart(result, year=year, rule=rule, source=ranking_source),
        "map": lambda: charts.world_map(result, year=year),
        "distribution_region": lambda: charts.distribution_chart(result, year=year, by="region"),
        "distribution_income": lambda: charts.distribution_chart(result, year=year, by="income"),
    }
    if year - 1 in result.years:
        jobs["rank_shift"] = lambda: charts.rank_shift_chart(
            result, years=(year - 1, year), rule=rule, source=ranking_source
        )
    for economy in profiles:
        jobs[f"profile_{economy}"] = lambda e=economy: charts.profile_chart(result, e, year=year)
    if gender is not None and gender.result is not None and gender.gender_year is not None:
        sub, gy = gender.result, gender.gender_year
        jobs["gender_dumbbell"] = lambda: _sourced(gender_charts.gender_dumbbell(sub, year=gy), sub)
        jobs["gender_parity"] = lambda: _sourced(gender_charts.parity_chart(sub, year=gy), sub)
    parity = gender.tables.get("gender_indicators") if gender is not None else None
    if parity is not None:
        internet = parity[parity["indicator"] == "internet_users"]
        if not internet.empty:
            rows = internet.assign(node="internet_users")
            jobs["gender_internet_parity"] = lambda: _sourced(
                gender_charts.parity_chart(
                    rows,
                    year=year,
                    node="internet_users",
                    name="Individuals using the Internet (newest value "
                    f"{rows['data_year'].min()}-{rows['data_year'].max()})",
                ),
                result,
            )
    return jobs


def _sourced(fig: Figure, result: IndexResult) -> Figure:
    """Add the source line to a chart drawn without one (a chart with its own "Source: ..." keeps it)."""
    if not any(text.get_text().lstrip().startswith("Source") for text in fig.texts):
        add_source(fig, charts.source_line(result))
    return fig


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
) -> Report:
    """Write the complete report folder for one year of ``result``.

    Parameters
    ----------
    result
        The index (build it with the previous year too, to get rank changes and a rank-shift chart).
    year
        Year reported (default: the latest in the result).
    gender
        A result built with ``by_sex=True`` (e.g. the ``doi_gender`` framework) over the years up to
        ``year``: the gender section shows its sub-index for the newest year at or before ``year`` with
        female and male scores, and the parity of every sex-disaggregated series from the newest values
        at most ``max_gap`` years old, for every economy with that series.
    gender_parity
        Instead of (or besides) ``gender``: a :func:`ictindex.gender.framework_parity` table, shown when
        the sub-index could not be built.
    notes
        Notes shown at the top of the page (e.g. what the gender section lacks).
    profiles
        Economies (ISO3) that get a profile chart (default: the first-ranked economy).
    formats
        Chart file formats (PNG is always written: the HTML embeds it).
    console
        Where progress is shown (default: standard error; shown only in a terminal).
    divide
        Add the digital-divide section (:func:`ictindex.report.divide_tables.divide_section`).
    ranking_rule
        Which scored economies enter the headline ranking (table, chart, rank shift); those left out
        keep their scores in every other table and are listed, with the reason, under the ranking.

    The report is written into a temporary folder next to ``out`` and moved into place when every
    table and chart is written (:func:`~ictindex.safety.output_folder`): ``out`` never mixes two runs,
    a failing chart leaves it as it was, and a non-empty ``out`` that is not an earlier report is refused.
    """
    with output_folder(out) as work:
        report = _write_report(
            result,
            work,
            year=year,
            gender=gender,
            gender_parity=gender_parity,
            profiles=profiles,
            formats=formats,
            console=console,
            notes=notes,
            divide=divide,
            ranking_rule=ranking_rule,
        )
        if uncertainty is not None:  # inside the same folder: the section is part of the run, or nothing is
            from ictindex.report.uncertainty_charts import add_uncertainty_section

            add_uncertainty_section(report, uncertainty, year=year, formats=formats)
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


def _write_report(
    result: IndexResult,
    out: Path,
    *,
    year: int | None,
    gender: IndexResult | None,
    gender_parity: pd.DataFrame | None,
    profiles: Iterable[str] | None,
    formats: Sequence[str],
    console: Console | None,
    notes: Sequence[str],
    divide: bool = True,
    ranking_rule: RankingRule | None = None,
) -> Report:
    out = Path(out)
    year = max(result.years) if year is None else int(year)
    ranking = result.ranking(year)
    if ranking.empty:
        raise IctIndexError(f"no economy is scored in {year}", year=year, hint=f"years: {result.years}")
    profiles = [to_iso3(p) or str(p) for p in profiles] if profiles is not None else [str(ranking["economy"].iloc[0])]
    for economy in profiles:  # checked before anything is written
        if economy not in set(ranking["economy"]):
            raise MethodError(
                f"cannot profile '{economy}': it is not scored in {year}",
                economy=economy,
                year=year,
                hint="choose a scored economy (see the ranking), or see result.excluded for why this one is not scored",
            )

    section = gender_section(year, gender, gender_parity)
    formats = tuple(dict.fromkeys(("png", *formats)))
    decimals = result.framework.rounding
    report = Report(folder=out, html=out / "index.html", notes=list(notes))
    if (gender is not None or gender_parity is not None) and section is None:
        report.notes.append(f"No economy has female and male values in {year - 3}-{year}: no gender section.")
    elif section is not None and section.gender_year is None:
        report.notes.append(
            f"The gender sub-index cannot be built for any economy up to {year}; the gender "
            "section shows the parity of each series by sex."
        )

    console = console or Console(stderr=True)
    jobs = _chart_jobs(result, year, section, profiles, ranking_rule)
    # digital-divide section (issue 17): its tables, charts and HTML come from divide_section
    divide_part = divide_section(result, year) if divide else None
    jobs.update(
        {name: (lambda draw=draw: _sourced(draw(), result)) for name, draw in divide_part.charts.items()}
        if divide_part
        else {}
    )
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    images: dict[str, str] = {}
    with progress:
        task = progress.add_task("tables", total=3 + len(jobs) + 1)
        tables = _report_tables(result, year, section, ranking_rule)
        tables.update(divide_part.tables if divide_part else {})
        labels = {name: column_labels(result, table.columns, year) for name, table in tables.items()}
        table_notes = _notes(result, year, ranking_rule)
        captions = {
            name: (divide_part.captions.get(name) if divide_part else None) or _caption(result, name, year, section)
            for name in [*tables, "methodology", "provenance"]
        }
        progress.advance(task)
        report.tables = {name: [p] for name, p in zip(tables, write_csv(tables, out / "tables"), strict=True)}
        for name in tables:
            path = out / "tables" / f"{name}.tex"
            path.write_text(
                to_latex(
                    tables[name],
                    caption=captions[name],
                    label=f"tab:{name}",
                    decimals=3 if name.startswith("gender") else decimals,
                    labels=labels[name],
                    note=table_notes.get(name, ""),
                )
                + "\n",
                encoding="utf-8",
            )
            report.tables[name].append(path)
        master = out / "tables" / "tables.tex"
        master.write_text(
            latex_document(
                {f"{name}.tex": captions[name] for name in tables}, title=f"{result.framework.name}, {year}: tables"
            ),
            encoding="utf-8",
        )
        report.tables["tables.tex"] = [master]
        progress.advance(task)
        provenance = provenance_table(result, tables["sources"])
        sheets = [*tables, "methodology", "provenance"]
        xlsx = write_xlsx(
            tables,
            out / "tables" / "report.xlsx",
            framework=result.framework,
            provenance=provenance,
            decimals=decimals,
            labels={
                n: column_labels(result, t.columns, year)
                for n, t in {
                    **tables,
                    "methodology": methodology_table(result.framework),
                    "provenance": provenance,
                }.items()
            },
            titles={n: captions[n] for n in sheets},
            notes=table_notes,
            source=charts.source_line(result),
        )
        report.tables["report.xlsx"] = [xlsx]
        progress.advance(task)
        for name, draw in jobs.items():
            progress.update(task, description=f"chart {name}")
            fig = draw()
            report.charts[name] = save_figure(fig, inside(out, out / "charts" / safe_filename(name)), formats)
            images[name] = base64.b64encode(report.charts[name][0].read_bytes()).decode("ascii")
            if name == "map" and (not_drawn := charts.map_not_drawn(result, year=year)):
                report.notes.append(
                    f"Map: {len(not_drawn)} scored economies are too small to draw at "
                    "1:110m and are listed under the map."
                )
            progress.advance(task)
        progress.update(task, description="index.html")
        extra = divide_part.html(images, decimals=3) if divide_part else ""
        report.html.write_text(
            _html(result, year, tables, images, section, report.notes, extra, labels, table_notes), encoding="utf-8"
        )
        progress.advance(task)
    return report


def _notes(result: IndexResult, year: int, rule: RankingRule | None) -> dict[str, str]:
    """Notes printed under (LaTeX, HTML) or above (XLSX) each table."""
    fw = result.framework
    rule = rule or RankingRule()
    return {
        "ranking": (
            f"{rule.describe()} Scores at {fw.rounding} decimals; ties share the better rank. Places gained "
            f"= rank in {year - 1} minus rank in {year}."
        ),
        "not_ranked": rule.describe(),
        "averages_income": "Simple means weight every economy equally; population-weighted means weight by "
        "population (the years of the figures are given).",
        "averages_region": "Simple means weight every economy equally; population-weighted means weight by "
        "population (the years of the figures are given).",
        "coverage": "Indicators: economies with a reported, an imputed or no value. Nodes: economies fully, "
        "partly or not scored. '--': does not apply.",
        "imputations": f"{fw.imputation.method} available value, at most {fw.imputation.max_gap} years old.",
        "excluded": "Every economy and aggregate in the data without an index score, with the reason.",
    }


def _caption(result: IndexResult, name: str, year: int, gender: GenderSection | None) -> str:
    fw = result.framework.name
    legend = "; ".join(f"{k} = {v}" for k, v in MARKERS.items())
    gender_title = gender.title if gender is not None else ""
    return {
        "ranking": f"{fw}, {year}: ranking, scores and change since {year - 1}. Flags: {legend}",
        "ranking_flags": "Flags of the ranking table",
        "value_flags": f"{fw}, {year}: values that are estimates or carried forward",
        "averages_income": f"{fw}, {year}: averages by {GROUPINGS['income']} (simple and population-weighted)",
        "averages_region": f"{fw}, {year}: averages by {GROUPINGS['region']} (simple and population-weighted)",
        "coverage": f"{fw}, {year}: data coverage by indicator and scoring by node",
        "gender": f"{gender_title}: female and male sub-index scores, parity and gap"
        + (f" (sub-index of {gender.gender_year})" if gender is not None and gender.gender_year != year else ""),
        "gender_indicators": f"{gender_title}: gender parity score of each series by sex, every economy with it",
        "gender_skills": f"{gender_title}: ICT skills (SDG 4.4.1) by type, gender parity",
        "excluded": f"{fw}, {year}: economies not scored, and why",
        "imputations": f"{fw}, {year}: imputed values (latest available value)",
        "sources": "Data sources and licences",
        "breaks": f"{fw}: series that start, stop or change source between {year - 1} and {year} (economies)",
        "not_ranked": f"{fw}, {year}: scored economies not in the ranking, and why",
        "methodology": f"{fw}: structure, methods and weights",
        "provenance": f"{fw}, {year}: provenance",
    }.get(name, name)


def _gender_html(gender: GenderSection, tables: dict[str, pd.DataFrame], images: dict[str, str]) -> list[str]:
    """The gender section: sub-index (if any), parity of every series by sex, ICT skills by type."""
    esc = html.escape
    parts = [f"<h2 id='gender'>{esc(gender.title)}</h2>"]
    span = gender.data_years
    observed = f" The values shown were observed in {span[0]}–{span[1]}." if span else ""
    if "gender" in tables:
        sub_year = gender.gender_year
        parts += [
            f"<p>Female and male scores of the {esc(gender.framework_name)} for {sub_year}, from the newest values "
            f"by sex at or before {sub_year} (at most {gender.max_gap} years old; the data_years column gives the "
            "year of each value), computed with the same goalposts and weights as the total. Parity score = women "
            "/ men (ITU: parity within 0.98–1.02); gap = (men − women) / men; EDI = equally-distributed score "
            f"(harmonic mean, ε = 2).{esc(observed)}</p>",
            _figure(images, "gender_dumbbell", f"Women and men, {sub_year}, sorted by the gap."),
            _figure(images, "gender_parity", f"Gender parity score, {sub_year}, with the parity band shaded."),
            to_html(tables["gender"].drop(columns=["shares"]), decimals=3),
        ]
    if "gender_indicators" in tables:
        parity = tables["gender_indicators"]
        counts = parity.groupby("indicator")["economy"].nunique()
        listed = ", ".join(f"{code}: {n} economies" for code, n in counts.items())
        parts += [
            f"<h3>Gender parity of each series by sex ({listed})</h3>",
            f"<p>Every economy with female and male values in {gender.year - gender.max_gap}–{gender.year} "
            "(the newest; data_year gives its year), whether or not the sub-index can be built for it.</p>",
            _figure(
                images, "gender_internet_parity", "Internet use: gender parity score of every economy with data by sex."
            ),
            f"<div class='scroll'>{to_html(parity, decimals=3)}</div>",
        ]
    if "gender_skills" in tables:
        parts += [
            "<h3>ICT skills by sex (SDG 4.4.1)</h3>",
            "<p>A separate skills gap, not part of the sub-index: reported per type of skill (see the "
            "doi_gender framework file). Median parity and economies per parity band, newest value per "
            "economy.</p>",
            to_html(tables["gender_skills"], decimals=3),
        ]
    return parts


_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:14px;line-height:1.45;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;
margin-top:2em}
table.data{border-collapse:collapse;font-size:12px;margin:.5em 0 1.5em}
table.data caption{text-align:left;font-size:12px;color:#555;caption-side:bottom;padding-top:.3em}
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
tr,figure,img{break-inside:avoid}
h2{break-before:page}
h2,h3{break-after:avoid}
figure img{max-height:245mm;width:auto;max-width:100%}
}
"""


def _figure(images: dict[str, str], name: str, caption: str) -> str:
    if name not in images:
        return ""
    return (
        f'<figure id="fig-{safe_filename(name)}"><img alt="{html.escape(caption)}" '
        f'src="data:image/png;base64,{images[name]}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _html(
    result: IndexResult,
    year: int,
    tables: dict[str, pd.DataFrame],
    images: dict[str, str],
    gender: GenderSection | None,
    notes: list[str],
    extra: str = "",
    labels: dict[str, dict[str, str]] | None = None,
    table_notes: dict[str, str] | None = None,
) -> str:
    fw = result.framework
    d = fw.rounding
    esc = html.escape
    labels = labels or {}
    table_notes = table_notes or {}

    def table(name: str, frame: pd.DataFrame | None = None, decimals: int = d, table_id: str | None = None) -> str:
        frame = tables[name] if frame is None else frame
        return to_html(
            frame,
            decimals=decimals,
            table_id=table_id,
            labels=labels.get(name) or column_labels(result, frame.columns, year),
        )

    ranking = tables["ranking"]
    excluded = tables["excluded"]
    n_excluded = int((excluded["kind"] == "economy").sum()) if "kind" in excluded else len(excluded)
    sections = [
        f"<h1>{esc(fw.name)}, {year}</h1>",
        f"<p>{esc(' '.join((fw.description or '').split()))}</p>",
        f"<p><b>{len(result.ranking(year))}</b> economies scored in {year}"
        + (f" ({len(ranking)} ranked)" if "not_ranked" in tables else "")
        + f"; <b>{n_excluded}</b> not scored (each listed with "
        f"the reason); <b>{len(tables['imputations'])}</b> values imputed in {year}. "
        f"Framework <code>{esc(fw.code)}</code> "
        f"({esc(fw.version or '')}), ictindex {esc(str(result.provenance.get('library_version')))}.</p>",
        "<nav><a href='#ranking'>Ranking</a><a href='#charts'>Charts</a><a href='#averages'>Group averages</a>"
        + ("<a href='#gender'>Gender</a>" if gender is not None else "")
        + ("<a href='#divide'>Digital divide</a>" if extra else "")
        + "<a href='#coverage'>Coverage</a><a href='#methodology'>Methodology</a><a href='#sources'>Sources</a></nav>",
    ]
    sections += [f"<p class='note'>{esc(n)}</p>" for n in notes]
    sections += [
        "<h2 id='ranking'>Ranking</h2>",
        _figure(images, "ranking", f"{fw.name}, {year}: every ranked economy, with its score."),
        f"<div class='scroll'>{table('ranking', table_id='ranking-table')}</div>",
        f"<p class='rule'>{esc(table_notes.get('ranking', ''))}</p>",
        "<p class='note'>Flags: "
        + "; ".join(f"<b>{esc(k)}</b> {esc(v)}" for k, v in MARKERS.items())
        + ". Each flagged value is listed in tables/value_flags.csv.</p>",
    ]
    if "not_ranked" in tables:
        sections += ["<h3>Scored but not ranked</h3>", table("not_ranked", table_id="not-ranked-table")]
    sections += [
        "<h2 id='charts'>Charts</h2>",
        _figure(images, "map", f"{fw.name}, {year}."),
        _figure(images, "rank_shift", f"Rank in {year - 1} and {year}."),
        *(
            [
                "<p class='note'>Method breaks between the two years (a series starts, stops or changes source; "
                "rank changes of these economies may come from the data, not from change; every economy in "
                "tables/breaks.csv and result.breaks):</p>",
                table("breaks"),
            ]
            if "breaks" in tables and not tables["breaks"].empty
            else []
        ),
        _figure(images, "distribution_region", f"Scores by {GROUPINGS['region']}, {year}."),
        _figure(images, "distribution_income", f"Scores by {GROUPINGS['income']}, {year}."),
        *[
            _figure(
                images,
                name,
                f"Profile of {report_name(name.removeprefix('profile_'))} against its region's and "
                "income group's averages.",
            )
            for name in images
            if name.startswith("profile_")
        ],
        "<h2 id='averages'>Group averages</h2>",
        "<p>Simple means give every economy the same weight; population-weighted means weight by population "
        "(Gapminder / UN WPP; the year of the figures is given). Groups: UN SDG regions and World Bank income "
        "groups (ITU's own regions are not in the bundled data).</p>",
        f"<div class='wide'>{table('averages_income')}</div>",
        f"<div class='wide'>{table('averages_region')}</div>",
    ]
    if gender is not None:
        sections += _gender_html(gender, tables, images)
    sections.append(extra)
    sections += [
        "<h2 id='coverage'>Coverage and exclusions</h2>",
        table("coverage", tables["coverage"].drop(columns=["level"])),
        f"<p class='rule'>{esc(table_notes.get('coverage', ''))}</p>",
        "<h3>Not scored</h3>",
        f"<div class='scroll'>{table('excluded')}</div>",
        "<h3>Imputed values</h3>",
        f"<div class='scroll'>{table('imputations')}</div>",
        "<h2 id='methodology'>Methodology</h2>",
        f"<p>{esc(' '.join((fw.citation or '').split()))}</p>",
        _figure(images, "framework", "Structure, methods and weights."),
        f"<div class='wide'>{table('methodology', methodology_table(fw).drop(columns=['level', 'kind']), 3)}</div>",
        "<h2 id='sources'>Sources and licences</h2>",
        f"<div class='wide'>{table('sources')}</div>",
        f"<p class='note'>{esc(DATA_NOTICE)}</p>",
        "<h3>Provenance</h3>",
        f"<div class='wide'>{table('provenance', provenance_table(result))}</div>",
    ]
    body = "\n".join(s for s in sections if s)
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{esc(fw.name)} {year}</title>"
        f"<style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )
