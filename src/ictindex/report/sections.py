"""The sections of the report page: each one lays out part of the :class:`~ictindex.findings.Findings`.

The report is a list of :class:`Section` builders (:data:`SECTIONS`, in page order). Each section says what it
needs (``needs``: ``None`` when its inputs exist, else the reason it is left out, printed in the report's notes),
which tables it writes (``tables``), which charts it draws (``charts``, functions drawing a Figure, run by the
writer), captions, table notes and the published precision of its tables (``places``: the HTML, the LaTeX
and the XLSX print them so), and its HTML (``html``, from a :class:`Page`). Sections never compute an
analysis: everything they show is in the findings or is a layout of them (a pivot, a sort, a selection).

To add a section (e.g. data quality), write a :class:`Section` and insert it with :func:`add_section`
(``after="ranking"``); its tables go to every output (CSV, LaTeX, XLSX) and its HTML into the page.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from ictindex.breaks import break_summary
from ictindex.findings import source_line, sources_used, text_source_line
from ictindex.flags import MARKERS
from ictindex.geometry import Geometry
from ictindex.report import charts, divide_charts, estimates_section, gender_charts
from ictindex.report.export import methodology_table, provenance_table, to_html
from ictindex.report.quality import quality_captions, quality_html
from ictindex.report.style import add_source
from ictindex.report.tables import (
    SHARE_PLACES,
    averages_table,
    column_labels,
    coverage_table,
    gender_report_table,
    shares_as_percent,
)
from ictindex.safety import safe_filename
from ictindex.units import INCOME_ORDER, NO_GROUP

if TYPE_CHECKING:
    from ictindex.findings import Findings
    from ictindex.result import IndexResult

__all__ = ["Section", "Page", "Layout", "SECTIONS", "TABLE_ORDER", "add_section", "data_notice", "default_places"]

#: The order of the tables in report.xlsx and tables.tex (a section's other tables follow, in page order).
TABLE_ORDER = (
    "ranking",
    "ranking_flags",
    "averages_income",
    "averages_itu_region",
    "averages_region",
    "coverage",
    "excluded",
    "imputations",
    "value_flags",
    "sources",
    "breaks",
    "not_ranked",
)

ITU_NOTICE = (
    "ITU data are licensed under Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO "
    '(CC BY-NC-SA 3.0 IGO): non-commercial use, with the attribution "International Telecommunication '
    'Union, ITU DataHub, https://datahub.itu.int/".'
)
WORLD_MAP_NOTICE = "Map boundaries: Natural Earth 1:110m (public domain)."


@dataclass(frozen=True)
class Layout:
    """How the report is laid out besides the findings: the profiles drawn, the units' boundaries for the map
    (``None``: the world map for economies, no map otherwise), the chart file formats."""

    profiles: tuple[str, ...] = ()
    geometry: Geometry | None = None
    formats: tuple[str, ...] = ("png", "svg")

    def draws_world_map(self, findings: Findings) -> bool:
        return self.geometry is None and findings.units.resolves_names


#: Decimal places of a table: one number, or per column with ``"*"`` for the others
#: (:func:`ictindex.report.export.places`).
Places = int | dict[str, int]


def default_places(f: Findings) -> int | dict[str, int]:
    """The precision of a report table without its own: scores as the framework publishes them, shares as
    percentages at one decimal (:data:`~ictindex.report.tables.SHARE_PLACES`)."""
    return {**SHARE_PLACES, "*": f.result.framework.rounding}


@dataclass
class Page:
    """What a section's HTML is written from: the findings, every table, the charts (name -> base64 PNG), the
    readable headers, captions and table notes."""

    findings: Findings
    layout: Layout
    tables: dict[str, pd.DataFrame]
    images: dict[str, str]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    table_notes: dict[str, str] = field(default_factory=dict)
    #: the published precision of each table (:attr:`Section.places`; :func:`default_places` for the others)
    places: dict[str, int | dict[str, int]] = field(default_factory=dict)
    #: numbers given so far: figure name -> n, table name -> n (numbered in page order)
    figure_numbers: dict[str, int] = field(default_factory=dict)
    table_numbers: dict[str, int] = field(default_factory=dict)

    @property
    def result(self) -> IndexResult:
        return self.findings.result

    def table(
        self,
        name: str,
        frame: pd.DataFrame | None = None,
        decimals: int | dict[str, int] | None = None,
        table_id: str | None = None,
        caption: str | None = None,
        labels: dict[str, str] | None = None,
    ) -> str:
        """The table ``name`` (or ``frame`` under that name) with readable headers, its shares as percentages, at
        its published precision (``decimals``, else its entry of ``places``), numbered "Table n." with its caption
        (``caption``, or the section's caption of ``name``)."""
        frame = shares_as_percent(self.tables[name] if frame is None else frame)
        number = self.table_numbers.setdefault(name, len(self.table_numbers) + 1)
        text = caption if caption is not None else self.captions.get(name, "")
        if decimals is None:
            decimals = self.places.get(name, default_places(self.findings))
        return to_html(
            frame,
            decimals=decimals,
            table_id=table_id or f"table-{safe_filename(name)}",
            labels=labels or self.labels.get(name) or column_labels(self.result, frame.columns, self.findings.year),
            caption=f"Table {number}. {text}".rstrip(". ") + ".",
        )

    def figure(self, name: str, caption: str) -> str:
        """The chart ``name`` embedded, numbered "Figure n." with ``caption`` ("" when it was not drawn)."""
        if name not in self.images:
            return ""
        number = self.figure_numbers.setdefault(name, len(self.figure_numbers) + 1)
        text = f"Figure {number}. {caption}"
        return (
            f'<figure id="fig-{safe_filename(name)}"><img alt="{html.escape(caption)}" '
            f'src="data:image/png;base64,{self.images[name]}">'
            f"<figcaption>{html.escape(text)}</figcaption></figure>"
        )


def _none(*_: Any) -> dict:
    return {}


def _always(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class Section:
    """One section of the report (see the module docstring). ``nav`` is its link text in the page's
    navigation ("" for none); ``key`` its anchor and its name in the notes."""

    key: str
    nav: str
    html: Callable[[Page], list[str]]
    needs: Callable[[Findings, Layout], str | None] = _always
    tables: Callable[[Findings], dict[str, pd.DataFrame]] = _none
    charts: Callable[[Findings, Layout], dict[str, Callable[[], Figure]]] = _none
    captions: Callable[[Findings], dict[str, str]] = _none
    table_notes: Callable[[Findings], dict[str, str]] = _none
    #: the published precision of its tables that differ from :func:`default_places` (every output prints it)
    places: Callable[[Findings], dict[str, int | dict[str, int]]] = _none


def _sourced(fig: Figure, line: str) -> Figure:
    """Add the source line to a chart drawn without one (a chart with its own "Source: ..." keeps it)."""
    if not any(text.get_text().lstrip().startswith("Source") for text in fig.texts):
        add_source(fig, line)
    return fig


def data_notice(findings: Findings, layout: Layout) -> str:
    """The licence notice under the sources: ITU's terms only when ITU data are used, the map's boundaries only
    when the bundled world map is drawn, and the user's own data said to be theirs."""
    parts = []
    if findings.uses_itu_data:
        parts.append(ITU_NOTICE)
    if any(lic == "user data" for lic in findings.sources["licence"]):
        parts.append(
            'Series marked "user data" come from the data given, under the terms of their source (the dataset '
            "column gives the source stated in the data)."
        )
    if layout.draws_world_map(findings):
        parts.append(WORLD_MAP_NOTICE)
    elif layout.geometry is not None:
        parts.append(f"Map boundaries: {layout.geometry.source} (given with the data).")
    return " ".join(parts)


# -- ranking ------------------------------------------------------------------------------------------------------
def _ranking_tables(f: Findings) -> dict[str, pd.DataFrame]:
    tables = {
        "ranking": f.ranking,
        "ranking_flags": pd.DataFrame({"marker": list(MARKERS), "meaning": list(MARKERS.values())}),
    }
    if f.not_ranked is not None:  # the share of indicators reported, printed as the rule says it: a percentage
        tables["not_ranked"] = f.not_ranked.assign(data_coverage=(f.not_ranked["data_coverage"] * 100).round(0))
    return tables


def _ranking_places(f: Findings) -> dict[str, Places]:
    """The share of indicators reported of the units not ranked: a whole percentage, as the rule says it."""
    return {"not_ranked": {"data_coverage": 0, "*": f.result.framework.rounding}}


def _ranking_charts(f: Findings, layout: Layout) -> dict[str, Callable[[], Figure]]:
    rule = f.rule if f.rule.active else None
    source = f.source_line + (f" {f.rule.describe(f.units)}" if rule is not None else "")
    return {"ranking": lambda: charts.ranking_chart(f.result, year=f.year, rule=rule, source=source)}


def _ranking_html(p: Page) -> list[str]:
    f, esc = p.findings, html.escape
    ranking = p.tables["ranking"]
    top = ranking[ranking["rank"] <= TOP]
    parts = [
        "<h2 id='ranking'>Ranking</h2>",
        p.figure("ranking", f"{f.result.framework.name}, {f.year}: every ranked {f.units.noun}, with its score."),
        p.table(
            "ranking_top",
            top,
            labels=p.labels.get("ranking"),
            caption=f"{f.result.framework.name}, {f.year}: the first {len(top)} of {len(ranking)} ranked "
            f"{f.units.plural} (the full ranking is in the annex)",
        )
        if len(ranking) > len(top)
        else f"<div class='scroll'>{p.table('ranking', table_id='ranking-table')}</div>",
        f"<p class='rule'>{esc(p.table_notes.get('ranking', ''))}</p>",
        "<p class='note'>Flags: "
        + "; ".join(f"<b>{esc(k)}</b> {esc(v)}" for k, v in MARKERS.items())
        + ". Each flagged value is listed in tables/value_flags.csv.</p>",
    ]
    if "not_ranked" in p.tables:
        parts += [
            f"<h3>Scored but not ranked ({len(p.tables['not_ranked'])})</h3>",
            f"<p class='rule'>{esc(f.rule.describe(f.units))} Their scores are listed here with the reason.</p>",
            "<div class='scroll'>" + p.table("not_ranked", table_id="not-ranked-table") + "</div>",
        ]
    return parts


#: Rows of the ranking shown in the body (the full ranking goes to the annex).
TOP = 20


def _annex_needs(f: Findings, layout: Layout) -> str | None:
    return None if len(f.ranking) > TOP else "the ranking is short enough for the body"


def _annex_html(p: Page) -> list[str]:
    f = p.findings
    return [
        "<h2 id='annex'>Annex: full ranking</h2>",
        f"<div class='scroll'>{p.table('ranking', table_id='ranking-table')}</div>",
        f"<p class='rule'>{html.escape(p.table_notes.get('ranking', ''))} {len(f.ranking)} {f.units.plural} "
        "ranked.</p>",
    ]


# -- key findings -------------------------------------------------------------------------------------------------
def _key_html(p: Page) -> list[str]:
    from ictindex.findings import key_findings

    said = key_findings(p.findings)
    if not said:
        return []
    return [
        "<h2 id='key'>Key findings</h2>",
        "<ul class='key'>",
        *[f"<li>{html.escape(s)}</li>" for s in said],
        "</ul>",
    ]


# -- charts: map, rank shift, distributions, profiles -----------------------------------------------------------------
def _chart_tables(f: Findings) -> dict[str, pd.DataFrame]:
    result, year = f.result, f.year
    if year - 1 in result.years and not result.breaks.empty:  # series starting, stopping or changing source
        breaks = result.breaks.query("to_year == @year")
        return {"breaks": break_summary(breaks) if not breaks.empty else break_summary(result.breaks.iloc[:0])}
    return {}


def _chart_jobs(f: Findings, layout: Layout) -> dict[str, Callable[[], Figure]]:
    result, year = f.result, f.year
    rule = f.rule if f.rule.active else None
    line = f.source_line
    source = line + (f" {f.rule.describe(f.units)}" if rule is not None else "")
    jobs: dict[str, Callable[[], Figure]] = {"framework": lambda: charts.framework_diagram(result, source=line)}
    if layout.geometry is not None:
        jobs["map"] = lambda: charts.unit_map(result, geometry=layout.geometry, year=year, source=line)
    elif layout.draws_world_map(f):
        jobs["map"] = lambda: charts.world_map(result, year=year, source=line)
    for by in f.groupings:
        jobs[f"distribution_{by}"] = lambda by=by: charts.distribution_chart(
            result, year=year, by=by, groups=f.groups, source=line
        )
    if year - 1 in result.years:
        jobs["rank_shift"] = lambda: charts.rank_shift_chart(result, years=(year - 1, year), rule=rule, source=source)
    for unit in layout.profiles:
        jobs[f"profile_{unit}"] = lambda u=unit: charts.profile_chart(
            result, u, year=year, groups=f.groups, source=line
        )
    view = _group_view(f)
    if not layout.profiles and view is not None:  # no unit asked for: the world and its groups
        jobs["profile_world"] = lambda: charts.group_view_chart(
            f.group_means,
            result=result,
            grouping=view,
            year=year,
            everyone=_everyone(f),
            order=list(INCOME_ORDER),
            source=line,
        )
    return jobs


def _everyone(f: Findings) -> str:
    return "World" if f.units.resolves_names else f"All {f.units.plural}"


def _group_view(f: Findings) -> str | None:
    """The grouping of the default view: the regions for economies, else the first grouping shown."""
    if f.group_means is None or not f.groupings:
        return None
    regions = [g for g in f.groupings if g in ("itu_region", "region")]
    return regions[0] if regions else f.groupings[0]


def _profile_caption(f: Findings, unit: str) -> str:
    name = f.units.name(unit)
    if f.units.resolves_names:
        return f"Profile of {name} against its region's and income group's averages."
    shown = [g for g in charts.profile_groupings(f.result) if g in f.groupings]
    if not shown:
        return f"Profile of {name}: index and sub-index scores (the {f.units.plural} have no groups to compare with)."
    return f"Profile of {name} against the averages of its {' and '.join(f.units.group_label(g) for g in shown)}."


def _rank_shift_caption(p: Page) -> str:
    """The rank shift's caption (when drawn): the years, and the units whose line is marked because a series
    changed source."""
    f = p.findings
    years = (f.year - 1, f.year)
    rule = f.rule if f.rule.active else None
    drawn = "rank_shift" in p.images and not f.result.breaks.empty
    marked = charts.marked_source_changes(f.result, years, rule=rule) if drawn else []
    if not marked:
        return f"Rank in {years[0]} and {years[1]}."
    names = ", ".join(f.units.name(unit) for unit in marked)
    return (
        f"Rank in {years[0]} and {years[1]}. An open diamond on the line of {names}: a series changed source "
        "between the two years (a method break, listed below), so part of the move may come from the data."
    )


def _charts_html(p: Page) -> list[str]:
    f, result, year = p.findings, p.result, p.findings.year
    fw = result.framework
    parts = [
        "<h2 id='charts'>Charts</h2>",
        p.figure("map", f"{fw.name}, {year}."),
        p.figure("rank_shift", _rank_shift_caption(p)),
    ]
    if "breaks" in p.tables and not p.tables["breaks"].empty:
        parts += [
            "<p class='note'>Method breaks between the two years (a series starts, stops or changes source; "
            f"rank changes of these {html.escape(f.units.plural)} may come from the data, not from change; every "
            f"{html.escape(f.units.noun)} in tables/breaks.csv and result.breaks):</p>",
            p.table("breaks"),
        ]
    parts += [p.figure(f"distribution_{by}", f"Scores by {f.units.group_label(by)}, {year}.") for by in f.groupings]
    view = _group_view(f)
    if "profile_world" in p.images and view is not None:
        parts.append(
            p.figure(
                "profile_world",
                f"{_everyone(f)} and each {f.units.group_label(view)}: simple means of the scores, {year} "
                f"(number of scored {f.units.plural} in brackets). Profile a {f.units.noun} with --profile.",
            )
        )
    parts += [
        p.figure(name, _profile_caption(f, name.removeprefix("profile_")))
        for name in p.images
        if name.startswith("profile_") and name != "profile_world"
    ]
    return parts


def _map_needs(f: Findings, layout: Layout) -> str | None:
    return None  # the charts section always has the ranking's companions; the map's absence is a note of its own


# -- group averages -------------------------------------------------------------------------------------------------
def _averages_needs(f: Findings, layout: Layout) -> str | None:
    return f.omitted.get("averages")


def _averages_tables(f: Findings) -> dict[str, pd.DataFrame]:
    if f.group_means is None:
        return {}
    everyone = f"All scored {f.units.plural}"
    return {
        f"averages_{by}": averages_table(
            f.group_means,
            f.result.node_codes,
            grouping=by,
            order=INCOME_ORDER if by == "income" and f.units.resolves_names else None,
            everyone=everyone,
        )
        for by in sorted(f.groupings, key=lambda g: (g != "income", g))
    }


def _population_words(f: Findings) -> str:
    if f.units.resolves_names:
        return "World Bank WDI 2025, SP.POP.TOTL (UN WPP 2024 based)"
    return f"the units table ({f.units.source})" if f.units.source else "the units table"


def _averages_html(p: Page) -> list[str]:
    f = p.findings
    labels = [f.units.group_label(by) for by in f.groupings]
    weighted = (
        "population-weighted means weight by population "
        f"({html.escape(_population_words(f))}; the year of the figures is given)"
        if f.units.has_population
        else "population-weighted means are empty (the units table gives no population)"
    )
    return [
        "<h2 id='averages'>Group averages</h2>",
        f"<p>Simple means give every {html.escape(f.units.noun)} the same weight; {weighted}. "
        f"Groups: {html.escape(', '.join(labels))}.</p>",
        *[f"<div class='wide'>{p.table(name)}</div>" for name in p.tables if name.startswith("averages_")],
    ]


def _averages_captions(f: Findings) -> dict[str, str]:
    fw = f.result.framework.name
    return {
        f"averages_{by}": f"{fw}, {f.year}: averages by {f.units.group_label(by)} (simple and population-weighted)"
        for by in f.groupings
    }


def _averages_notes(f: Findings) -> dict[str, str]:
    text = (
        f"Simple means weight every {f.units.noun} equally; population-weighted means weight by "
        "population (the years of the figures are given)."
    )
    return {f"averages_{by}": text for by in f.groupings}


# -- gender ---------------------------------------------------------------------------------------------------
def _gender_needs(f: Findings, layout: Layout) -> str | None:
    return f.omitted.get("gender")


def _gender_tables(f: Findings) -> dict[str, pd.DataFrame]:
    g = f.gender
    tables: dict[str, pd.DataFrame] = {}
    if g.result is not None and g.gender_year is not None:
        tables["gender"] = gender_report_table(g.result, g.gender_year)
    if g.parity is not None:
        tables["gender_indicators"] = g.parity.assign(name=f.units.names(g.parity["economy"]))
    if g.skills is not None:
        tables["gender_skills"] = g.skills
    if f.estimates is not None and not f.estimates.parity.empty:  # world and groups, every economy (issue 24)
        tables["gender_groups"] = estimates_section.gender_groups_table(f.estimates)
    return tables


def _gender_charts(f: Findings, layout: Layout) -> dict[str, Callable[[], Figure]]:
    g = f.gender
    jobs: dict[str, Callable[[], Figure]] = {}
    if g.result is not None and g.gender_year is not None:
        sub, gy = g.result, g.gender_year
        line = source_line(sub, sources_used(sub, [gy]))  # the by-sex data of the year shown
        jobs["gender_dumbbell"] = lambda: _sourced(gender_charts.gender_dumbbell(sub, year=gy), line)
        jobs["gender_parity"] = lambda: _sourced(gender_charts.parity_chart(sub, year=gy), line)
    if g.parity is not None:
        internet = g.parity[g.parity["indicator"] == "internet_users"]
        if not internet.empty:
            rows = internet.assign(node="internet_users")
            jobs["gender_internet_parity"] = lambda: _sourced(
                gender_charts.parity_chart(
                    rows,
                    year=f.year,
                    node="internet_users",
                    name="Individuals using the Internet (newest value "
                    f"{rows['data_year'].min()}-{rows['data_year'].max()})",
                ),
                text_source_line("gender parity scores (women / men)", rows["source"].tolist()),
            )
    return jobs


def _gender_captions(f: Findings) -> dict[str, str]:
    g = f.gender
    title = g.title
    return {
        "gender": f"{title}: female and male sub-index scores, parity and gap"
        + (f" (sub-index of {g.gender_year})" if g.gender_year != f.year else ""),
        "gender_indicators": f"{title}: gender parity score of each series by sex, every {f.units.noun} with it",
        "gender_skills": f"{title}: ICT skills (SDG 4.4.1) by type, gender parity",
        "gender_groups": f"Gender parity score of Internet use (F/M), world and groups, {f.year - 2}–{f.year} "
        "(every economy counted; interval and observed share of the population)",
    }


def _gender_names(f: Findings) -> dict[str, str]:
    """Names of the gender part's nodes and indicators (codes never printed in a cell)."""
    names: dict[str, str] = {}
    for fw in (f.result.framework, f.gender.result.framework if f.gender.result is not None else None):
        if fw is not None:
            names |= {n.code: n.name for n in fw.nodes} | {i.code: i.name for i in fw.indicators}
    return names


#: Published precision of the gender tables: scores as the framework, parity and gap at two decimals (ITU's
#: gender parity score), percentages at one decimal.
def _gender_places(f: Findings) -> dict[str, int]:
    r = f.result.framework.rounding
    return {"*": r, "parity": 2, "gap": 2, "median_parity": 2, "female": 1, "male": 1}


def _gender_table_places(f: Findings) -> dict[str, Places]:
    """The gender tables' precision: female and male sub-index scores as the framework's, the series' values
    (percentages) at one decimal, parity and gap at two; the group estimates' parity at three."""
    places = _gender_places(f)
    rounding = f.result.framework.rounding
    return {
        "gender": {**places, "female": rounding, "male": rounding},
        "gender_indicators": places,
        "gender_groups": 3,
        "gender_skills": places,
    }


def _gender_html(p: Page) -> list[str]:
    """The gender section: sub-index (if any), parity of every series by sex, ICT skills by type."""
    f = p.findings
    gender, tables, esc, units = f.gender, p.tables, html.escape, f.units
    names = _gender_names(f)
    parts = [f"<h2 id='gender'>{esc(gender.title)}</h2>"]
    span = gender.data_years
    observed = f" The values shown were observed in {span[0]}–{span[1]}." if span else ""
    if "gender" in tables:
        sub_year = gender.gender_year
        frame = tables["gender"].drop(columns=["shares"])
        frame = frame.assign(node=frame["node"].map(names).fillna(frame["node"]))
        parts += [
            f"<p>Female and male scores of the {esc(gender.framework_name)} for {sub_year}, from the newest values "
            f"by sex at or before {sub_year} (at most {gender.max_gap} years old; the column Years observed gives "
            "the year of each value), computed with the same goalposts and weights as the total. Parity score = "
            "women / men (ITU: parity within 0.98–1.02); gap = (men − women) / men; equally-distributed score = "
            f"harmonic mean of the female and male scores (ε = 2).{esc(observed)}</p>",
            p.figure("gender_dumbbell", f"Women and men, {sub_year}, sorted by the gap."),
            p.figure("gender_parity", f"Gender parity score, {sub_year}, with the parity band shaded."),
            f"<div class='scroll'>{p.table('gender', frame)}</div>",
        ]
    if "gender_indicators" in tables:
        parity = tables["gender_indicators"]
        counts = parity.groupby("indicator")["economy"].nunique()
        listed = ", ".join(
            f"{names.get(code, code)}: {n} {units.plural if n != 1 else units.noun}" for code, n in counts.items()
        )
        shown = parity.drop(columns=[c for c in ("source", "note") if c in parity.columns])
        shown = shown.assign(indicator=shown["indicator"].map(names).fillna(shown["indicator"]))
        front = ["economy", "name"]
        shown = shown[front + [c for c in shown.columns if c not in front]]
        parts += [
            f"<h3>Gender parity of each series by sex ({esc(listed)})</h3>",
            f"<p>Every {esc(units.noun)} with female and male values in {gender.year - gender.max_gap}–{gender.year} "
            "(the newest; the column Year observed gives its year), whether or not the sub-index can be built for "
            "it. Percentages at one decimal, parity scores at two (as ITU publishes them); the sources are listed "
            "at the end of the report.</p>",
            p.figure(
                "gender_internet_parity",
                f"Internet use: gender parity score of every {units.noun} with data by sex.",
            ),
            f"<div class='scroll'>{p.table('gender_indicators', shown)}</div>",
        ]
    if "gender_groups" in tables:
        parts += [
            "<h3>Gender parity of Internet use, world and groups (estimates)</h3>",
            "<p>Female and male Internet use of every economy (by-sex data where observed, else the modelled gap "
            "applied to the total, see World and group estimates), population-weighted: parity = women / men. The "
            "share of the population whose by-sex data are observed is given;"
            " published: ITU's figure where bundled.</p>",
            f"<div class='scroll'>{p.table('gender_groups')}</div>",
        ]
    if "gender_skills" in tables:
        parts += [
            "<h3>ICT skills by sex (SDG 4.4.1)</h3>",
            "<p>A separate skills gap, not part of the sub-index: reported per type of skill (see the "
            f"doi_gender framework file). Median parity and {esc(units.plural)} per parity band, newest value per "
            f"{esc(units.noun)}.</p>",
            p.table("gender_skills"),
        ]
    return parts


# -- digital divide -----------------------------------------------------------------------------------------
#: Columns of the WSIS tracker table of a report.
WSIS_COLUMNS = [
    "target",
    "group",
    "year",
    "value",
    "population_share",
    "reported_share",
    "target_value",
    "distance",
    "reached_year",
    "reached",
]


def _divide_needs(f: Findings, layout: Layout) -> str | None:
    return f.omitted.get("digital divide")


def urban_rural_table(gaps: pd.DataFrame, names: Callable[[str], str]) -> pd.DataFrame:
    """Urban/rural rows of :func:`ictindex.divide.domestic_gaps`, largest gap first, with display names."""
    rows = gaps[gaps["dimension"] == "urban/rural"]
    table = pd.DataFrame(
        {
            "economy": rows["economy"],
            "name": [names(e) for e in rows["economy"]],
            "year": rows["year"],
            "series": rows["series"],
            "rural": rows["lower"],
            "urban": rows["reference"],
            "parity": rows["parity"],
            "gap": rows["gap"],
            "difference": rows["difference"],
            "band": rows["band"],
        }
    )
    return table.sort_values(["difference", "economy"], ascending=[False, True]).reset_index(drop=True)


def wsis_table(
    targets: pd.DataFrame, year: int, *, years_shown: int = 5, groupings: tuple[str, ...] = ("world", "income")
) -> pd.DataFrame:
    """The WSIS tracker for a report: world and group rows of the last ``years_shown`` years up to ``year``,
    with the population share covered and the year the target was or would be reached."""
    rows = targets[
        targets["grouping"].isin(groupings)
        & targets["year"].between(year - years_shown + 1, year)
        & (targets["group"] != NO_GROUP)
    ]
    return rows[WSIS_COLUMNS].reset_index(drop=True)


def _divide_tables(f: Findings) -> dict[str, pd.DataFrame]:
    d = f.divide
    tables: dict[str, pd.DataFrame] = {}
    if d.inequality is not None:
        tables["divide_inequality"] = d.inequality
    if d.group_means is not None:
        tables["divide_groups"] = d.group_means.drop(columns=["code", "population_year_earliest"])
    if d.theil is not None:
        tables["divide_theil"] = d.theil
    if d.convergence is not None:
        tables["divide_convergence"] = d.convergence.beta
    if d.gaps is not None:
        tables["divide_urban_rural"] = urban_rural_table(d.gaps, f.units.name)
    if _wsis_estimated(f):  # world and income groups, every economy counted (issue 24)
        tables["wsis_targets"] = estimates_section.wsis_estimates_table(f.estimates)
    elif d.targets is not None:
        tables["wsis_targets"] = wsis_table(d.targets, f.year, groupings=d.target_groupings)
    return tables


def _wsis_estimated(f: Findings) -> bool:
    """Whether the WSIS targets are drawn from the world and group estimates (every economy counted)."""
    return f.estimates is not None and not f.estimates.wsis.empty


def _divide_places(f: Findings) -> dict[str, Places]:
    """Every divide and WSIS table at :data:`DIVIDE_PLACES`."""
    names = ("divide_inequality", "divide_groups", "divide_theil", "divide_convergence", "divide_urban_rural")
    return dict.fromkeys((*names, "wsis_targets"), DIVIDE_PLACES)


def _divide_charts(f: Findings, layout: Layout) -> dict[str, Callable[[], Figure]]:
    d = f.divide
    own = f.source_line
    jobs: dict[str, Callable[[], Figure]] = {}
    if d.lorenz is not None:
        jobs["divide_lorenz"] = lambda: divide_charts.lorenz_curve(d.lorenz, source=own)
    if d.group_means is not None and len(d.groupings):
        grouping = "income" if "income" in d.groupings else d.groupings[0]
        everyone = "World" if f.units.resolves_names else f"All {f.units.plural}"
        jobs["divide_group_gap"] = lambda: divide_charts.group_gap_chart(
            d.group_means, year=f.year, grouping=grouping, everyone=everyone, source=own
        )
    if d.convergence is not None:
        jobs["divide_sigma"] = lambda: divide_charts.sigma_convergence_chart(
            d.convergence, label=d.index_name, source=own
        )
    bundled = f.units.resolves_names  # the urban/rural and WSIS series of a report of economies: ITU's
    if d.gaps is not None:
        jobs["divide_urban_rural_dumbbell"] = lambda: divide_charts.urban_rural_dumbbell(
            d.gaps, names=f.units.name, **({} if bundled else {"source": own})
        )
    targets, trends = (f.estimates.wsis, f.estimates.wsis_trends) if _wsis_estimated(f) else (d.targets, d.trends)
    if targets is not None:
        grouping = "income" if "income" in d.target_groupings or _wsis_estimated(f) else "world"
        for target in targets["target"].unique():
            jobs[f"wsis_{target}"] = lambda t=target: divide_charts.target_progress_chart(
                targets[targets["year"] <= f.year],  # the series ends at the report year
                target=t,
                grouping=grouping,
                trends=trends,
                breaks=None if _wsis_estimated(f) else d.breaks,  # the estimates count every economy: no break
                source_breaks=None if _wsis_estimated(f) else d.source_breaks,
                **({} if bundled else {"source": own}),
            )
    return jobs


def _divide_captions(f: Findings) -> dict[str, str]:
    d = f.divide
    index, year, years = d.index_name, f.year, f"{min(d.years)}-{max(d.years)}"
    grouping = "income" if "income" in d.groupings else (d.groupings[0] if d.groupings else "")
    groups_word = "income groups" if "income" in d.target_groupings else "groups"
    captions = {
        "divide_inequality": f"{index}, {years}: inequality between {f.units.plural} per year",
        "divide_groups": f"{index}, {year}: simple and population-weighted means by group, with population covered",
        "divide_theil": f"{index}, {year}: Theil T and L, between and within groups (population-weighted)",
        "divide_convergence": f"{index}, {years}: beta-convergence (annual log growth on initial log score)",
        "divide_urban_rural": "Internet use in urban and rural areas (ITU, latest year per economy): parity rural/urban"
        if f.units.resolves_names
        else f"Internet use in urban and rural areas (latest year per {f.units.noun}): parity rural/urban",
        "wsis_targets": f"WSIS connectivity targets, world and {groups_word}, up to {year}",
        "divide_lorenz": f"Lorenz curves of the {index}, {year}.",
        "divide_sigma": "Sigma-convergence: dispersion per year on a balanced panel.",
        "divide_group_gap": f"{index}, {year}: population-weighted means by "
        + ("income group." if grouping == "income" and f.units.resolves_names else f"{f.units.group_label(grouping)}."),
        "divide_urban_rural_dumbbell": "Internet use in urban and rural areas, largest gap on top.",
    }
    if d.targets is not None:
        for target in d.targets["target"].unique():
            captions[f"wsis_{target}"] = (
                "Progress towards the WSIS target, population-weighted; dotted: logistic trend."
            )
    if _wsis_estimated(f):
        captions["wsis_targets"] = f"WSIS connectivity targets, world and income groups, up to {year}: estimates"
        for target in f.estimates.wsis["target"].unique():
            captions[f"wsis_{target}"] = (
                "Progress towards the WSIS target, population-weighted over every economy (non-reporting ones "
                "imputed; imputed share in the WSIS table); shaded: 95 % interval; dotted: logistic trend."
            )
    return captions


def _divide_html(p: Page) -> list[str]:
    f, esc = p.findings, html.escape
    d = f.divide
    plural = esc(f.units.plural)
    parts = [
        "<h2 id='divide'>Digital divide and WSIS targets</h2>",
        f"<p>International divide between {plural} (Gini, Theil T and L with the exact between/within "
        "decomposition, coefficient of variation, quintile ratio), convergence on a balanced panel, "
        f"group means, the urban/rural divide within {plural} and progress towards the WSIS "
        "connectivity targets (WSIS Plan of Action B.6 (j), E.27b). Population-weighted values use the "
        "population figure of the year or the latest before it (the tables say which).</p>",
    ]
    parts += [f"<p class='note'>{esc(n)}</p>" for n in d.notes]
    if _wsis_estimated(f):
        parts.append(
            "<p>The WSIS targets are tracked on the world and group estimates (see World and group estimates): "
            "every economy counted, the non-reporting ones imputed, so the series do not jump when economies start "
            f"or stop reporting. {esc(estimates_section.imputed_words(f.estimates))}</p>"
        )
    for name in (n for n in p.images if n.startswith(("divide_", "wsis_"))):
        parts.append(p.figure(name, p.captions.get(name, name)))
    names = {}
    if d.targets is not None:
        names = dict(zip(d.targets["target"], d.targets["name"], strict=True))
    for name in (n for n in p.tables if n.startswith(("divide_", "wsis_"))):
        frame = p.tables[name]
        if "target" in frame.columns:  # the series' names, not their codes
            frame = frame.assign(target=frame["target"].map(names).fillna(frame["target"]))
        if "series" in frame.columns and name == "divide_urban_rural":
            frame = frame.drop(columns=["series"])
        parts.append(f"<div class='scroll'>{p.table(name, frame)}</div>")
    return parts


#: Published precision of the divide tables: percentages at one decimal (ITU; shares of the population printed as
#: percentages), parity at two, measures at three.
DIVIDE_PLACES = {
    "*": 3,
    "value": 1,
    "low": 1,
    "high": 1,
    **SHARE_PLACES,
    "target_value": 0,
    "distance": 1,
    "rural": 1,
    "urban": 1,
    "difference": 1,
    "parity": 2,
    "gap": 2,
}


# -- coverage, methodology, sources ---------------------------------------------------------------------------
def _excluded_table(f: Findings) -> pd.DataFrame:
    excluded = f.result.excluded.query("year == @f.year or year.isna()").reset_index(drop=True)
    excluded.insert(
        1,
        "name",
        [f.units.name(e) if k == "economy" else e for e, k in zip(excluded["economy"], excluded["kind"], strict=True)],
    )
    excluded["year"] = excluded["year"].astype("Int64")
    return excluded


def _coverage_tables(f: Findings) -> dict[str, pd.DataFrame]:
    result, year = f.result, f.year
    imputations = result.imputations.query("year == @year").reset_index(drop=True)
    if "from_year" in imputations:
        imputations["from_year"] = imputations["from_year"].astype("Int64")
    return {
        "coverage": coverage_table(result, year),
        "excluded": _excluded_table(f),
        "imputations": imputations,
        "value_flags": result.flags.query("year == @year").reset_index(drop=True)
        if not result.flags.empty
        else pd.DataFrame(columns=["economy", "year", "indicator", "value", "flag", "from_year", "note"]),
    }


def _coverage_html(p: Page) -> list[str]:
    return [
        "<h2 id='coverage'>Coverage and exclusions</h2>",
        p.table("coverage", p.tables["coverage"].drop(columns=["level"])),
        f"<p class='rule'>{html.escape(p.table_notes.get('coverage', ''))}</p>",
        "<h3>Not scored</h3>",
        f"<div class='scroll'>{p.table('excluded')}</div>",
        "<h3>Imputed values</h3>",
        f"<div class='scroll'>{p.table('imputations')}</div>",
    ]


def _methodology_charts(f: Findings, layout: Layout) -> dict[str, Callable[[], Figure]]:
    return {}  # the framework diagram is drawn with the charts (first of the chart files)


def _methodology_html(p: Page) -> list[str]:
    fw = p.result.framework
    return [
        "<h2 id='methodology'>Methodology</h2>",
        f"<p>{html.escape(' '.join((fw.citation or '').split()))}</p>",
        p.figure("framework", "Structure, methods and weights."),
        f"<div class='wide'>{p.table('methodology', methodology_table(fw).drop(columns=['level', 'kind']), 3)}</div>",
    ]


def _sources_tables(f: Findings) -> dict[str, pd.DataFrame]:
    return {"sources": f.sources}


def _citations(f: Findings) -> list[str]:
    """One readable citation per dataset used (publisher, database, vintage; licence), each once."""
    rows = f.sources.drop_duplicates("citation")
    cited = [f"{c}. Licence: {lic}." for c, lic in zip(rows["citation"], rows["licence"], strict=True)]
    if f.units.resolves_names and f.units.has_population:
        cited.append(f"Population: {_population_words(f)}. Licence: CC BY 4.0.")
    return cited


def _sources_html(p: Page) -> list[str]:
    notice = data_notice(p.findings, p.layout)
    return [
        "<h2 id='sources'>Sources and licences</h2>",
        "<ol class='sources'>" + "".join(f"<li>{html.escape(c)}</li>" for c in _citations(p.findings)) + "</ol>",
        "<p>The series behind each indicator, with the number of values each gave to the report's years:</p>",
        f"<div class='wide'>{p.table('sources', p.tables['sources'].drop(columns=['dataset']))}</div>",
        f"<p class='note'>{html.escape(notice)}</p>" if notice else "",
        "<h3>Provenance</h3>",
        f"<div class='wide'>{p.table('provenance', provenance_table(p.result))}</div>",
    ]


#: The sections of the page, in order (see the module docstring; :func:`add_section` inserts one).
def _quality_html(page: Page) -> list[str]:
    return quality_html(page.tables, page.table, html.escape, page.findings.year, page.findings.units.plural)


SECTIONS: list[Section] = [
    Section("key", "Key findings", _key_html),
    Section(
        "ranking", "Ranking", _ranking_html, tables=_ranking_tables, charts=_ranking_charts, places=_ranking_places
    ),
    Section("charts", "Charts", _charts_html, needs=_map_needs, tables=_chart_tables, charts=_chart_jobs),
    Section(
        "averages",
        "Group averages",
        _averages_html,
        needs=_averages_needs,
        tables=_averages_tables,
        captions=_averages_captions,
        table_notes=_averages_notes,
    ),
    Section(
        "estimates",
        "Estimates",
        estimates_section.section_html,
        needs=estimates_section.needs,
        tables=estimates_section.tables,
        charts=estimates_section.charts_of,
        captions=estimates_section.captions,
        places=estimates_section.places,
    ),
    Section(
        "gender",
        "Gender",
        _gender_html,
        needs=_gender_needs,
        tables=_gender_tables,
        charts=_gender_charts,
        captions=_gender_captions,
        places=_gender_table_places,
    ),
    Section(
        "divide",
        "Digital divide",
        _divide_html,
        needs=_divide_needs,
        tables=_divide_tables,
        charts=_divide_charts,
        captions=_divide_captions,
        places=_divide_places,
    ),
    Section(
        "quality",
        "Data quality",
        _quality_html,
        tables=lambda f: dict(f.quality),
        captions=lambda f: quality_captions(f.result.framework.name, f.year),
    ),
    Section("coverage", "Coverage", _coverage_html, tables=_coverage_tables),
    Section("methodology", "Methodology", _methodology_html, charts=_methodology_charts),
    Section("sources", "Sources", _sources_html, tables=_sources_tables),
    Section("annex", "Annex", _annex_html, needs=_annex_needs),
]


def add_section(section: Section, *, after: str | None = None, before: str | None = None) -> None:
    """Insert ``section`` into :data:`SECTIONS` after (or before) the section of that key; at the end without
    either. A section of the same key is replaced."""
    keys = [s.key for s in SECTIONS]
    if section.key in keys:
        SECTIONS[keys.index(section.key)] = section
        return
    anchor = after or before
    if anchor is None:
        SECTIONS.append(section)
        return
    if anchor not in keys:
        raise KeyError(f"no report section '{anchor}'; sections: {keys}")
    SECTIONS.insert(keys.index(anchor) + (1 if after else 0), section)
