"""What a report shows, computed once by the library: :class:`Findings`.

:func:`compute_findings` runs every analysis a report shows — the ranking under a rule
(:mod:`ictindex.ranking`), group means (:func:`ictindex.units.group_means`), gender parity
(:mod:`ictindex.gender`), the digital divide and the WSIS targets (:mod:`ictindex.divide`) — for one year of a
result, with the result's units (names, groups, population) and the data actually used. The report
(:mod:`ictindex.report`) receives the :class:`Findings` and only lays them out.

A part whose inputs do not exist is not computed: no averages without groupings, no income section without
income groups, no gender part without data by sex, no WSIS part without the target series. Each part left out is
in :attr:`Findings.omitted` with the reason, which the report prints in its notes.

>>> import pandas as pd, ictindex
>>> panel = pd.DataFrame({"economy": ["P1", "P2", "P3"] * 2, "year": 2023,
...     "indicator": ["internet_users"] * 3 + ["mobile_coverage"] * 3, "value": [50, 70, 90, 80, 90, 99.0]})
>>> r = ictindex.build_index(panel, "doi", units="any", min_coverage=0.2)
>>> f = compute_findings(r)
>>> f.ranking["economy"].tolist(), f.omitted["averages"]
(['P3', 'P2', 'P1'], 'the units have no groups (units="any" without a units table)')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from ictindex import divide, gender
from ictindex.errors import IctIndexError
from ictindex.estimates import MEASURES, Estimates, load_estimates_spec
from ictindex.estimates import estimates as estimate_groups
from ictindex.inputs.catalogue import CITATIONS, LICENCES, SKILLS, SOURCE_TEXTS, series_table
from ictindex.ranking import RankingRule, ReportYear, apply_ranking_rule, ranking_table
from ictindex.stats import quality_tables
from ictindex.units import Units, bundled_panel, group_means

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "Findings",
    "GenderFindings",
    "DivideFindings",
    "compute_findings",
    "gender_findings",
    "divide_findings",
    "report_groupings",
    "key_findings",
    "reporting_breaks",
    "is_itu_framework",
    "sources_used",
    "source_line",
    "text_source_line",
    "USER_DATA",
    "EstimateFindings",
    "estimate_findings",
]

#: Licence shown for values that no bundled catalogue entry describes.
USER_DATA = "user data"


# -- sources and licences ----------------------------------------------------------------------------------------
def _user_labels(texts: pd.Series) -> dict[str, str]:
    """Series code -> the panel's own source text(s) ("code (label) / code (label)": labels may hold brackets)."""
    found: dict[str, list[str]] = {}
    for text in texts.unique():
        starts = list(_CODE_AT.finditer(text))
        for i, match in enumerate(starts):
            end = starts[i + 1].start() - len(") / ") if i + 1 < len(starts) else len(text) - 1
            label = text[match.end() : end].strip()
            found.setdefault(match.group(1), []).append(label)
    return {code: "; ".join(dict.fromkeys(x for x in labels if x)) for code, labels in found.items()}


_CODE_AT = re.compile(r"(?:^|(?<=\) / ))([A-Za-z0-9_.$-]+) \(")


def sources_used(result: IndexResult, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Every source series the result's values came from (in ``years``, default every year):
    ``code, name, dataset, citation, licence, values_used``.

    Series of the bundled catalogue carry their dataset, its readable citation (:data:`~ictindex.catalogue.CITATIONS`:
    publisher, database, vintage) and licence; rows of a bundled dataset that uses framework codes (the IDI
    2024 values) are known by their source text; any other series is the user's: its dataset and citation are
    the panel's own ``source`` text (every distinct one; "user data" without one), its licence "user data".
    Nothing else is listed: a licence appears only when a value carries it.
    """
    frame = result.sources
    if years is not None:
        frame = frame[frame["year"].isin(list(years))]
    text = frame.drop(columns=["economy", "year"]).stack()
    text = text[text != ""]
    codes = text.str.extractall(r"(?:^|\) / )([A-Za-z0-9_.$-]+) \(")[0]
    counts = codes.value_counts()
    catalogue = series_table().set_index("code")
    table = pd.DataFrame({"code": counts.index, "values_used": counts.to_numpy()})
    known = table["code"].isin(catalogue.index)
    table["name"] = table["code"].map(catalogue["name"]).fillna("")
    user = _user_labels(text) if not known.all() else {}
    table["dataset"] = table["code"].map(catalogue["dataset"]).where(known, table["code"].map(user))
    table["dataset"] = table["dataset"].replace("", USER_DATA).fillna(USER_DATA)
    bundled = table["dataset"].map(SOURCE_TEXTS)  # a bundled dataset known by its source text
    table["dataset"] = bundled.fillna(table["dataset"])
    table["licence"] = table["dataset"].map(LICENCES).where(known | bundled.notna()).fillna(USER_DATA)
    table["citation"] = table["dataset"].map(CITATIONS).fillna(table["dataset"])
    if result.framework is not None:
        names = {i.code: i.name for i in result.framework.indicators}
        table["name"] = table["name"].where(table["name"] != "", table["code"].map(names)).fillna("")
    return (
        table[["code", "name", "dataset", "citation", "licence", "values_used"]]
        .sort_values(["dataset", "code"])
        .reset_index(drop=True)
    )


#: Dataset of a source text that names no catalogue series (values derived from bundled files by sex).
_TEXT_DATASETS = {"WDI 2025": "wdi_gender_internet_2025", "SDG": "un_sdg_2023"}


def text_source_line(what: str, texts: Sequence[str]) -> str:
    """The source line of a chart drawn from rows that carry their own ``source`` texts (e.g. parity of a series
    by sex): the bundled datasets they name (citation and licence), else the texts themselves as user data."""
    data, licences = [], []
    for text in dict.fromkeys(str(t) for t in texts if str(t)):
        dataset = next((d for key, d in _TEXT_DATASETS.items() if key in text), None)
        dataset = dataset or next((d for key, d in SOURCE_TEXTS.items() if key in text), None)
        if dataset is None:
            data.append(text.split(" (")[0])
            licences.append(USER_DATA)
        else:
            data.append(CITATIONS.get(dataset, dataset))
            licences.append(LICENCES.get(dataset, USER_DATA).split(" (")[0])
    line = f"Source: ictindex computation of {what}."
    if data:
        line += f" Data: {'; '.join(dict.fromkeys(data))}. Licences: {'; '.join(dict.fromkeys(licences))}."
    return line


def source_line(result: IndexResult, sources: pd.DataFrame) -> str:
    """The source line of a chart: the computation, the method's citation and the data actually used
    (``sources``: :func:`sources_used` of the years shown) with their licences — "user data" only for the user's.
    """
    fw = result.framework
    method = " ".join((fw.citation or "").split()).split(" Data:")[0].rstrip(".")
    data = list(dict.fromkeys(sources["citation"]))
    licences = list(dict.fromkeys(x.split(" (")[0].split(":")[0].strip() for x in sources["licence"]))
    text = f"Source: ictindex computation of the {fw.name}."
    if method:
        text += f" {method.removeprefix('Method: ')}."
    if data:
        text += f" Data: {'; '.join(data)}."
    if licences:
        text += f" Licences: {'; '.join(licences)}."
    return text


# -- gender ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GenderFindings:
    """The gender part of a report for report year ``year``: the by-sex ``result`` and the newest year at or
    before ``year`` with female and male scores (``gender_year``), the parity of every sex-disaggregated series
    from the newest values in ``[year - max_gap, year]`` (``parity``) and the ICT skills summary (``skills``)."""

    year: int
    gender_year: int | None
    max_gap: int
    framework_name: str
    result: IndexResult | None = None
    parity: pd.DataFrame | None = None
    skills: pd.DataFrame | None = None

    @property
    def data_years(self) -> tuple[int, int] | None:
        """First and last year the values shown were observed in."""
        years: list[int] = []
        if self.parity is not None and not self.parity.empty:
            years += self.parity["data_year"].astype(int).tolist()
        if self.result is not None and self.gender_year is not None:
            table = self.result.gender
            node = str(table["node"].iloc[0])
            rows = table[
                (table["year"] == self.gender_year)
                & (table["node"] == node)
                & table["female"].notna()
                & table["male"].notna()
            ]
            if "data_years" in rows:
                years += [int(y) for text in rows["data_years"] for y in pd.Series(text).str.findall(r"\b(\d{4})\b")[0]]
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


def _skills_summary(latest: pd.DataFrame) -> pd.DataFrame:
    """One row per SDG 4.4.1 skill type: economies, median parity, economies per parity band, years observed."""
    rows = []
    columns = ["skill", "series", "economies", "median_parity", "women_behind", "parity", "men_behind", "data_years"]
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
    return pd.DataFrame(rows, columns=columns).sort_values("economies", ascending=False).reset_index(drop=True)


def _gender_year(result: IndexResult | None, year: int) -> int | None:
    if result is None:
        return None
    table = result.gender
    years = table.loc[table["female"].notna() & (table["year"] <= year), "year"]
    return int(years.max()) if not years.empty else None


def gender_findings(
    year: int,
    by_sex: IndexResult | None = None,
    parity: pd.DataFrame | None = None,
    framework_name: str = "gender sub-index",
) -> GenderFindings | None:
    """The gender part for report year ``year`` from a by-sex result and/or a parity table
    (:func:`ictindex.gender.framework_parity`, used when the by-sex build was not possible); ``None`` when
    neither holds female and male values."""
    max_gap = int((by_sex.provenance.get("max_gap") if by_sex is not None else None) or 3)
    gender_year = _gender_year(by_sex, year)
    skills = None
    if by_sex is not None:
        framework_name = by_sex.framework.name
        parity = gender.framework_parity(by_sex.gender_indicators, by_sex.framework, year, max_gap)
        table = by_sex.gender_indicators
        sdg = table[table["indicator"].str.startswith("SE_ADT_ACTS_")]
        latest = gender.latest_parity(sdg, year, max_gap) if not sdg.empty else sdg
        if not latest.empty:  # no skills value in the window: no skills table (a year before any survey)
            skills = _skills_summary(latest)
    parity = parity if parity is not None and not parity.empty else None
    if gender_year is None and parity is None and skills is None:
        return None
    return GenderFindings(
        year=year,
        gender_year=gender_year,
        max_gap=max_gap,
        framework_name=framework_name,
        result=by_sex if gender_year is not None else None,
        parity=parity,
        skills=skills,
    )


# -- the digital divide -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DivideFindings:
    """The digital-divide part: inequality per year, group means and Theil by grouping in ``year``,
    convergence, Lorenz curves, the urban/rural gaps and the WSIS targets (each ``None`` when not computed;
    ``notes`` say why)."""

    year: int
    years: tuple[int, ...]
    index_name: str
    groupings: tuple[str, ...]
    inequality: pd.DataFrame | None = None
    group_means: pd.DataFrame | None = None
    theil: pd.DataFrame | None = None
    lorenz: divide.Lorenz | None = None
    convergence: divide.Convergence | None = None
    gaps: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    #: series breaks of the WSIS series (:func:`reporting_breaks`): a group's reporting population changed
    breaks: pd.DataFrame | None = None
    target_groupings: tuple[str, ...] = ("world",)
    notes: list[str] = field(default_factory=list)


#: Years of the divide's series over time (inequality per year, convergence): the decade up to the report year.
DIVIDE_YEARS = 10


def divide_findings(
    result: IndexResult,
    year: int,
    *,
    units: Units,
    groupings: Sequence[str],
    panel: pd.DataFrame | None = None,
) -> DivideFindings:
    """Everything the digital-divide part shows for ``result`` in ``year``, with the groups and population of
    ``units``. The urban/rural gaps and the WSIS targets come from ``panel`` (left out, with a note, without
    it or without their series)."""
    groups, population = units.groups(), units.population_series()
    kwargs = {"groups": groups, "population": population}
    # over time: the decade up to the report year (a series ends at the report year)
    shown = [y for y in result.years if year - DIVIDE_YEARS < y <= year]
    notes: list[str] = []
    found: dict[str, object] = {}
    plural = units.plural

    def attempt(what: str, build: Callable[[], None]) -> None:
        try:
            build()
        except IctIndexError as err:
            notes.append(f"{what}: not shown ({err}).")

    def international() -> None:
        found["inequality"] = divide.inequality(result, years=shown, **kwargs)
        found["group_means"] = group_means(result, by=("world", *groupings), years=[year], units=units, **kwargs)
        if groupings:
            found["theil"] = pd.concat(
                [divide.theil(result, by=by, years=[year], **kwargs) for by in groupings], ignore_index=True
            )
        found["lorenz"] = divide.lorenz(result, year=year, population=population)

    def over_time() -> None:
        found["convergence"] = divide.convergence(result, years=shown, population=population)

    def domestic() -> None:
        gaps = divide.domestic_gaps(panel)
        if not (gaps["dimension"] == "urban/rural").any():
            raise IctIndexError("the panel holds no urban/rural series ('<series>.urban' and '.rural' rows)")
        found["gaps"] = gaps

    target_groupings = ("world", *[g for g in ("income",) if g in groupings])

    def targets() -> None:
        table = divide.wsis_targets(panel, by=target_groupings, **kwargs)
        found["targets"] = table
        found["trends"] = divide.wsis_trend_points(table)
        found["breaks"] = reporting_breaks(table[table["year"] <= year])

    attempt(f"Inequality between {plural}", international)
    if not groupings:
        notes.append(f"Theil decomposition by group: not shown (the {plural} have no groups).")
    if len(shown) > 1:
        attempt("Convergence", over_time)
    else:
        notes.append(f"Convergence: not shown (the result has one year, {year}; build it for several).")
    if panel is None:
        notes.append(
            "Urban/rural divide and WSIS targets: not shown (no panel with their series was given; pass panel=)."
        )
    else:
        attempt("Urban/rural divide", domestic)
        attempt("WSIS targets", targets)
    return DivideFindings(
        year=year,
        years=tuple(shown),
        index_name=result.framework.name,
        groupings=tuple(groupings),
        target_groupings=target_groupings,
        notes=notes,
        **found,  # type: ignore[arg-type]
    )


#: A change of more than this share of a group's population reporting, from one year to the next, is a break.
BREAK_SHARE = 0.05


def reporting_breaks(table: pd.DataFrame, threshold: float = BREAK_SHARE) -> pd.DataFrame:
    """Series breaks of group means over time: the years in which the share of a group's population living in
    units that report (``reported_share``) moved by more than ``threshold`` (5 points by default) from the year
    before, so that part of the change of the mean is a change of who reports. One row per break: ``target``
    (or ``code``), ``grouping``, ``group``, ``year``, ``reported_before``, ``reported_share``, ``change``. Years
    that do not meet coverage (not drawn) are skipped."""
    key = "target" if "target" in table.columns else "code"
    columns = [key, "grouping", "group", "year", "reported_before", "reported_share", "change"]
    rows = table
    if "meets_coverage" in rows:
        rows = rows[rows["meets_coverage"].astype(bool)]
    rows = rows.sort_values([key, "grouping", "group", "year"])
    before = rows.groupby([key, "grouping", "group"], sort=False)["reported_share"].shift()
    change = rows["reported_share"] - before
    found = rows.assign(reported_before=before, change=change)
    return found[change.abs() > threshold][columns].reset_index(drop=True)


# -- everything -------------------------------------------------------------------------------------------------
#: Groupings a report of economies shows (in this order: distribution charts and tables), by the regions used.
ECONOMY_GROUPINGS = {"itu": ("income", "itu_region"), "sdg": ("income", "region")}
#: The regions a report of economies groups by: ``"itu"`` (ITU's six regions) or ``"sdg"`` (UN SDG regions).
REGIONS = tuple(ECONOMY_GROUPINGS)


def is_itu_framework(framework: object) -> bool:
    """Whether a framework is ITU's (its citation names ITU): its report groups economies by ITU region."""
    text = " ".join(str(getattr(framework, field, "") or "") for field in ("citation", "name"))
    return bool(re.search(r"\bITU\b|International Telecommunication Union", text))


def report_groupings(
    units: Units, groups: pd.DataFrame, scored: Sequence[str], regions: str = "sdg"
) -> tuple[str, ...]:
    """The groupings a report shows: World Bank income group and the ``regions`` (``"itu"``: ITU region,
    ``"sdg"``: UN SDG region) for economies, every grouping of a units table that puts at least one scored unit
    in a group; none for ``units="any"``."""
    if regions not in ECONOMY_GROUPINGS:
        raise IctIndexError(
            f"unknown regions '{regions}'", field="regions", hint=f"use one of {list(ECONOMY_GROUPINGS)}"
        )
    candidates = ECONOMY_GROUPINGS[regions] if units.resolves_names else tuple(units.group_columns)
    members = groups.reindex(list(scored))
    return tuple(c for c in candidates if c in members.columns and members[c].notna().any())


@dataclass(frozen=True)
class Findings:
    """Everything a report of one year shows, computed (see the module docstring).

    ``ranking`` is the ranking table under ``rule`` (:func:`ictindex.ranking.ranking_table`), ``not_ranked``
    the scored units the rule leaves out; ``groups`` the units' groups as of ``year`` with population;
    ``groupings`` the groupings shown; ``group_means`` the tidy :func:`ictindex.units.group_means` of every
    node by ``world`` and each grouping in ``year``; ``gender`` and ``divide`` their parts; ``sources`` the
    series and licences of the data used; ``omitted`` part -> why it is left out; ``notes`` other notes;
    ``quality`` the data-quality tables (the indicators described, the checks' warnings by problem).
    """

    result: IndexResult
    year: int
    units: Units
    rule: RankingRule
    ranking: pd.DataFrame
    not_ranked: pd.DataFrame | None
    groups: pd.DataFrame
    groupings: tuple[str, ...]
    group_means: pd.DataFrame | None
    sources: pd.DataFrame
    gender: GenderFindings | None = None
    divide: DivideFindings | None = None
    omitted: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the data-quality tables of ``year`` (:func:`ictindex.stats.quality_tables`)
    quality: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: world and group estimates, every economy counted (:class:`EstimateFindings`; None for other units)
    estimates: EstimateFindings | None = None
    #: how the year was chosen (:func:`ictindex.ranking.choose_year`), when it was
    year_choice: ReportYear | None = None
    #: the regions economies are grouped by ("itu" or "sdg"; "" for other units)
    regions: str = ""

    @property
    def licences(self) -> list[str]:
        """The distinct licences of the data used (each once, in the order of the sources table)."""
        return list(dict.fromkeys(self.sources["licence"]))

    @property
    def source_line(self) -> str:
        """The chart source line of the report (:func:`source_line` of :attr:`sources`)."""
        return source_line(self.result, self.sources)

    @property
    def uses_itu_data(self) -> bool:
        """Whether any value used is ITU data (CC BY-NC-SA 3.0 IGO)."""
        itu = {LICENCES["itu_datahub_2025"], LICENCES["itu_idi_2024"]}
        return any(lic in itu for lic in self.sources["licence"])

    def __repr__(self) -> str:  # short (issue 27): the tables are attributes
        return f"<Findings {self.result.framework.code} {self.year}: {len(self.ranking)} ranked {self.units.plural}>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import findings_card

        return findings_card(self).html()


def compute_findings(
    result: IndexResult,
    year: int | None = None,
    *,
    gender: IndexResult | None = None,
    gender_parity: pd.DataFrame | None = None,
    ranking_rule: RankingRule | None = None,
    divide: bool = True,
    panel: pd.DataFrame | None = None,
    estimates: bool = True,
    regions: str | None = None,
    year_choice: ReportYear | None = None,
) -> Findings:
    """Compute every analysis a report of ``result`` in ``year`` (default: the latest) shows.

    Parameters
    ----------
    gender, gender_parity
        A by-sex result (e.g. ``doi_gender`` built with ``by_sex=True``) and/or a parity table, for the gender
        part (see :func:`~ictindex.findings.gender_findings`).
    ranking_rule
        Which scored units enter the headline ranking (:class:`~ictindex.ranking.RankingRule`).
    divide
        Compute the digital-divide part.
    panel
        The panel the urban/rural gaps and the WSIS targets are read from. Default: the bundled panel for a
        result of economies (ISO3), none otherwise (those parts are then left out with a note).
    estimates
        Compute the world and group estimates (:func:`~ictindex.findings.estimate_findings`) for a result of economies.
    regions
        The regions economies are grouped by: ``"itu"`` (ITU's six regions: Africa, Americas, Arab States,
        Asia-Pacific, CIS, Europe) or ``"sdg"`` (UN SDG regions). Default: ITU's for an ITU framework
        (:func:`~ictindex.findings.is_itu_framework`), else UN SDG.
    year_choice
        How ``year`` was chosen (:func:`ictindex.ranking.choose_year`), printed by the report.
    """
    year = result.report_year(year)
    units = result.units
    rule = ranking_rule or RankingRule()
    if regions is None:
        regions = "itu" if is_itu_framework(result.framework) else "sdg"
    groups = units.groups(year)
    scored = result.ranking(year)
    groupings = report_groupings(units, groups, scored["economy"], regions)
    ranking = ranking_table(result, year, rule, groups=tuple(reversed(groupings)))
    not_ranked = apply_ranking_rule(result, year, rule)[1] if rule.active else None
    omitted: dict[str, str] = {}
    means = None
    if groupings:
        means = group_means(
            scored, ("world", *groupings), column=result.node_codes, groups=groups, units=units, years=[year]
        )
        if units.resolves_names is False and not units.has_population:
            omitted["population-weighted means"] = f"the units table gives no population of the {units.plural}"
    else:
        omitted["averages"] = (
            'the units have no groups (units="any" without a units table)'
            if units.kind == "any"
            else f"the units table gives no grouping of the {units.plural} (add a column such as 'region')"
        )
    if units.resolves_names and "income" not in groupings:
        omitted["income groups"] = "no scored economy has an income group"
    found_gender = gender_findings(year, gender, gender_parity)
    if found_gender is None:
        omitted["gender"] = (
            f"no {units.noun} has female and male values in {year - 3}-{year}"
            if gender is not None or gender_parity is not None
            else "no data by sex were given: no by-sex result, no parity table"
        )
    found_divide = None
    if divide:
        if panel is None and units.resolves_names:
            panel = bundled_panel()  # read once per process
        found_divide = divide_findings(result, year, units=units, groupings=groupings, panel=panel)
        if found_divide.targets is None:
            omitted["WSIS targets"] = (
                "the data hold none of the WSIS target series"
                if panel is not None
                else ("no panel with the WSIS target series was given")
            )
    else:
        omitted["digital divide"] = "not asked for (divide=False)"
    # -- world and group estimates (issue 24): own block
    found_estimates = None
    if not estimates:
        omitted["estimates"] = "not asked for (estimates=False)"
    elif not units.resolves_names:
        omitted["estimates"] = (
            f"world and group estimates are modelled on ITU's country data; the {units.plural} are shown as reported"
        )
    else:
        found_estimates, reason = estimate_findings(year, bundled_panel() if panel is None else panel)
        if reason:
            omitted["estimates"] = reason
    return Findings(
        result=result,
        year=year,
        units=units,
        rule=rule,
        ranking=ranking,
        not_ranked=not_ranked,
        groups=groups,
        groupings=groupings,
        group_means=means,
        sources=sources_used(result, [y for y in (year - 1, year) if y in result.years]),
        gender=found_gender,
        divide=found_divide,
        omitted=omitted,
        quality=quality_tables(result, year),
        estimates=found_estimates,
        year_choice=year_choice,
        regions=regions if units.resolves_names else "",
    )


# -- world and group estimates (issue 24) -----------------------------------------------------------------------
#: The headline indicators a report estimates, with the WSIS target (:data:`ictindex.divide.WSIS_TARGETS`) each
#: one tracks.
ESTIMATED_TARGETS = {
    "internet_use": "internet_users",
    "households_internet": "hh_internet",
    "coverage_3g": "mobile_3g",
    "coverage_4g": "mobile_4g",
}
#: The groupings of the estimates a report shows (ITU's Facts and Figures groupings).
ESTIMATE_GROUPINGS = ("world", "itu_region", "income", "ldc_lldc_sids")
_ESTIMATES_CACHE: dict[int, Estimates] = {}


@dataclass(frozen=True)
class EstimateFindings:
    """The world and group estimates a report shows (:func:`ictindex.estimates`: every economy counted, the
    non-reporting ones imputed), up to the report's ``year``.

    ``estimates`` the :class:`~ictindex.estimates.Estimates` (years up to ``year``); ``table`` the estimates of
    ``year`` (totals) with ITU's published figure for the same group and year where bundled (latest edition),
    the difference and the edition; ``published`` every bundled Facts and Figures figure up to ``year`` beside
    the estimate (every edition); ``wsis`` the WSIS-target table of :func:`ictindex.divide.wsis_targets` drawn
    from the estimates (world and income groups; ``meets_coverage`` is true: nothing is missing) with ``low``,
    ``high``, ``imputed_share`` and ``flag``; ``wsis_trends`` its fitted trends; ``parity`` the gender parity
    score of Internet use for the world and groups per year with the share of the population observed by sex
    and ITU's figure; ``notes`` what the estimates could not cover.
    """

    year: int
    estimates: Estimates
    table: pd.DataFrame
    published: pd.DataFrame
    wsis: pd.DataFrame
    wsis_trends: pd.DataFrame
    parity: pd.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def indicators(self) -> dict[str, str]:
        """Code -> name of the indicators estimated."""
        return {i.code: i.name for i in self.estimates.spec.indicators if i.code in set(self.table["indicator"])}


def _bundled_estimates(panel: pd.DataFrame, codes: list[str]) -> Estimates:
    """The estimates of ``panel``; those of the bundled panel (read once per process) computed once per process
    (the models always see every year of the data, so one run serves every report year)."""
    if panel is not bundled_panel():
        return estimate_groups(panel, indicators=codes, groupings=ESTIMATE_GROUPINGS)
    key = hash(tuple(codes))
    if key not in _ESTIMATES_CACHE:
        _ESTIMATES_CACHE[key] = estimate_groups(panel, indicators=codes, groupings=ESTIMATE_GROUPINGS)
    return _ESTIMATES_CACHE[key]


def _latest_edition(published: pd.DataFrame) -> pd.DataFrame:
    """Each group-year's figure from the latest edition that published it (a printed figure before a derived)."""
    order = published.assign(_printed=~published["source_kind"].fillna("").str.startswith("derived"))
    order = order.sort_values(["edition", "_printed"])
    keys = ["indicator", "measure", "sex", "location", "group", "year"]
    return order.groupby(keys, as_index=False).last().drop(columns="_printed")


def _wsis_from_estimates(table: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The WSIS-target table (columns of :func:`ictindex.divide.wsis_targets`) from the world and income-group
    estimates, the year each target was or would be reached (:func:`ictindex.divide.wsis_targets`' rule, on
    every year of the estimates), and the fitted trends."""
    targets = {t.code: t for t in divide.WSIS_TARGETS}
    rows = table[
        (table["sex"] == "total")
        & (table["location"] == "total")
        & table["grouping"].isin(["world", "income"])
        & (table["group"] != "Not classified")
        & table["indicator"].isin(list(ESTIMATED_TARGETS))
        & (table["year"] <= year)
    ]
    frames = []
    for code, part in rows.groupby("indicator", sort=False):
        target = targets[ESTIMATED_TARGETS[code]]
        part = part.assign(
            target=target.code,
            name=target.name,
            target_value=target.target_value,
            distance=target.target_value - part["value"],
            population_share=1.0,
            meets_coverage=part["value"].notna(),
        )
        reached = {
            key: divide._reached(group, target.target_value, 10) for key, group in part.groupby(["grouping", "group"])
        }
        keys = list(zip(part["grouping"], part["group"], strict=True))
        part["reached_year"] = pd.array([reached[k][0] for k in keys], dtype="Float64").astype("Int64")
        for i, column in enumerate(["reached", "trend", "trend_r", "trend_t0"], start=1):
            part[column] = [reached[k][i] for k in keys]
        frames.append(part)
    if not frames:
        return pd.DataFrame(), pd.DataFrame()
    wsis = pd.concat(frames, ignore_index=True)
    columns = [
        "target", "name", "grouping", "group", "year", "value", "low", "high", "population_share",
        "reported_share", "imputed_share", "imputed_units", "units", "flag", "target_value", "distance",
        "meets_coverage", "reached_year", "reached", "trend", "trend_r", "trend_t0",
    ]  # fmt: skip
    wsis = wsis[columns].reset_index(drop=True)
    return wsis, divide.wsis_trend_points(wsis)


def estimate_findings(year: int, panel: pd.DataFrame) -> tuple[EstimateFindings | None, str | None]:
    """The estimates a report of economies shows for ``year`` (:class:`EstimateFindings`), or None and the reason
    (the panel holds none of the headline series, or no value up to ``year``)."""
    from ictindex.inputs.bundled_files import facts_and_figures

    spec = load_estimates_spec()
    present = set(panel.loc[panel["value"].notna(), "indicator"].unique())
    codes = [c for c in ESTIMATED_TARGETS if set(spec.indicator(c).total) & present]
    if not codes:
        return None, "the data hold none of the headline series the estimates need"
    est = _bundled_estimates(panel, codes)
    upto = est.table["year"] <= year
    if not upto.any():
        return None, f"no headline value in or before {year}"
    est = replace(
        est,
        table=est.table[upto].reset_index(drop=True),
        parity=est.parity[est.parity["year"] <= year].reset_index(drop=True),
        units=est.units[est.units["year"] <= year].reset_index(drop=True),
    )
    published = est.compare(facts_and_figures())
    published = published[published["year"] <= year].reset_index(drop=True)
    latest = _latest_edition(published)
    keys = ["indicator", "group", "year"]
    figures = latest[(latest["measure"] == "value") & (latest["sex"] == "total") & (latest["location"] == "total")]
    table = est.table[(est.table["sex"] == "total") & (est.table["location"] == "total") & (est.table["year"] == year)]
    table = table.merge(figures[[*keys, "published", "edition"]], on=keys, how="left")
    table["difference"] = table["value"] - table["published"]
    table.insert(1, "name", table["indicator"].map({i.code: i.name for i in spec.indicators}))
    columns = ["indicator", "name", "grouping", "group", "year", "value", "low", "high", "imputed_share"]
    table = table[[*columns, "imputed_units", "units", "flag", "published", "edition", "difference"]]
    parity = est.parity[(est.parity["indicator"] == "internet_use") & (est.parity["measure"] == MEASURES["sex"])]
    gender_figures = latest[latest["measure"] == "gender parity score"][["group", "year", "published", "edition"]]
    parity = parity.drop(columns=["indicator", "measure"]).merge(gender_figures, on=["group", "year"], how="left")
    parity["difference"] = parity["value"] - parity["published"]
    wsis, trends = _wsis_from_estimates(est.table, year)
    return (
        EstimateFindings(
            year=year,
            estimates=est,
            table=table.reset_index(drop=True),
            published=published,
            wsis=wsis,
            wsis_trends=trends,
            parity=parity.reset_index(drop=True),
            notes=est.notes,
        ),
        None,
    )


# -- key findings -----------------------------------------------------------------------------------------------
def _list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _percent(value: float) -> str:
    """A percentage at ITU's published precision (one decimal) for values of 0-100."""
    return f"{value:.1f}%"


def key_findings(f: Findings) -> list[str]:
    """The report's key findings: sentences with the numbers, in the units' words — the year and why, the top
    ranked, the world and group averages, the largest gender gaps and the WSIS targets reached. Every number
    comes from ``f`` (nothing is computed here but the choice of what to say)."""
    fw, units, year = f.result.framework, f.units, f.year
    places = fw.rounding
    index = fw.index
    said: list[str] = []
    if f.year_choice is not None:
        said.append(f"Report year {f.year_choice.reason}")
    ranking = f.ranking
    if not ranking.empty:
        who = "ITU Member States" if f.rule.itu_members_only else units.plural
        top = ranking.head(3)
        names = [f"{n} ({v:.{places}f})" for n, v in zip(top["name"], top[index], strict=True)]
        said.append(
            f"Of the {len(ranking)} ranked {who}, {names[0]} ranks first"
            + (f", followed by {_list(names[1:])}" if len(names) > 1 else "")
            + f" on the {fw.name}."
        )
        if "movement" in ranking and ranking.attrs.get("ranked_both_years"):
            moved = ranking.dropna(subset=["rank_change"]).sort_values(["rank_change", "rank"], ascending=[False, True])
            if not moved.empty and moved["rank_change"].iloc[0] > 0:
                best = moved.iloc[0]
                said.append(
                    f"Among the {ranking.attrs['ranked_both_years']} {who} ranked in both {year - 1} and {year}, "
                    f"{best['name']} gained the most places ({int(best['rank_change'])}, on scores at {places} "
                    "decimals)."
                )
    means = f.group_means
    if means is not None and not means.empty:
        rows = means[means["code"] == index]
        world = rows[rows["grouping"] == "world"]
        if not world.empty:
            w = world.iloc[0]
            everyone = "world" if units.resolves_names else f"all scored {units.plural}"
            n = int(w["economies"])
            text = f"The {everyone} average (simple mean over {n} {units.plural}) is {w['simple_mean']:.{places}f}"
            if pd.notna(w["weighted_mean"]):
                text += f"; weighted by population it is {w['weighted_mean']:.{places}f}"
            said.append(text + ".")
        for grouping in f.groupings:
            part = rows[(rows["grouping"] == grouping) & rows["simple_mean"].notna()].sort_values("simple_mean")
            if len(part) < 2:
                continue
            high, low = part.iloc[-1], part.iloc[0]
            hi, lo = f"{high['simple_mean']:.{places}f}", f"{low['simple_mean']:.{places}f}"
            said.append(
                f"By {units.group_label(grouping)}, {high['group']} has the highest average ({hi}, "
                f"{int(high['economies'])} {units.plural}) and {low['group']} the lowest ({lo}, "
                f"{int(low['economies'])})."
            )
    g = f.gender
    if g is not None and g.result is not None and g.gender_year is not None:
        rows, gy, node, _ = gender.gender_slice(g.result, g.gender_year, None)
        rows = rows.dropna(subset=["parity"]).sort_values(["parity", "economy"])
        if not rows.empty:
            worst = [
                f"{units.name(e)} ({p:.2f})"
                for e, p in zip(rows["economy"].head(3), rows["parity"].head(3), strict=True)
            ]
            at_parity = int((rows["band"] == "parity").sum())
            said.append(
                f"Gender ({g.framework_name}, {gy}): the largest gaps are in {_list(worst)} (gender parity score, "
                f"women / men); {at_parity} of {len(rows)} {units.plural} with data by sex are at parity (0.98-1.02)."
            )
    d = f.divide
    # the WSIS targets as the report draws them: from the estimates (every economy counted) where there are some
    targets = f.estimates.wsis if f.estimates is not None and not f.estimates.wsis.empty else None
    if targets is None and d is not None:
        targets = d.targets
    if targets is not None and not targets.empty:
        world = targets[(targets["grouping"] == "world") & (targets["year"] <= year)]
        reached: list[str] = []
        open_: list[str] = []
        for _, part in world.groupby("target", sort=False):
            last = part.sort_values("year").iloc[-1]
            text = (
                f"{last['name']}: {_percent(last['value'])} in {int(last['year'])} (target {last['target_value']:g}%)"
            )
            (reached if last["value"] >= last["target_value"] else open_).append(text)
        if reached:
            said.append(f"WSIS targets reached by the world: {'; '.join(reached)}.")
        if open_:
            said.append(f"WSIS targets not yet reached: {'; '.join(open_)}.")
    return said
