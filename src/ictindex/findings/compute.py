"""Everything a report of one year shows: :class:`Findings`, computed by :func:`compute_findings`.

The composer runs each part in turn — the ranking under a rule, the group means by the groupings shown, the
gender part (``findings.gender``), the digital divide (``findings.divide``) and the world and group
estimates (``findings.estimates``) — and collects why a part is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ictindex.errors import IctIndexError
from ictindex.findings.divide import DivideFindings, divide_findings
from ictindex.findings.estimates import EstimateFindings, estimate_findings
from ictindex.findings.gender import GenderFindings, gender_findings
from ictindex.findings.sources import source_line, sources_used
from ictindex.inputs.catalogue import LICENCES
from ictindex.ranking import RankingRule, ReportYear, apply_ranking_rule, ranking_table
from ictindex.stats import quality_tables
from ictindex.units import Units, bundled_panel, group_means

if TYPE_CHECKING:
    from ictindex.result import IndexResult


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
    """Everything a report of one year shows, computed (see :mod:`ictindex.findings`).

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


def _averages(
    result: IndexResult, scored: pd.DataFrame, year: int, groups: pd.DataFrame, groupings: tuple[str, ...]
) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """The means of every node by ``world`` and each grouping in ``year`` (None without groupings), and the
    averages left out, with why."""
    units = result.units
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
    return means, omitted


def _gender_part(
    year: int, units: Units, by_sex: IndexResult | None, parity: pd.DataFrame | None
) -> tuple[GenderFindings | None, dict[str, str]]:
    """The gender part (:func:`gender_findings`), or None and why it is left out."""
    found = gender_findings(year, by_sex, parity)
    if found is not None:
        return found, {}
    why = (
        f"no {units.noun} has female and male values in {year - 3}-{year}"
        if by_sex is not None or parity is not None
        else "no data by sex were given: no by-sex result, no parity table"
    )
    return None, {"gender": why}


def _divide_part(
    result: IndexResult, year: int, groupings: tuple[str, ...], panel: pd.DataFrame | None, asked: bool
) -> tuple[DivideFindings | None, dict[str, str]]:
    """The digital-divide part (:func:`divide_findings`; for economies, the bundled panel's targets by default),
    and the parts of it left out, with why."""
    if not asked:
        return None, {"digital divide": "not asked for (divide=False)"}
    if panel is None and result.units.resolves_names:
        panel = bundled_panel()  # read once per process
    found = divide_findings(result, year, units=result.units, groupings=groupings, panel=panel)
    if found.targets is not None:
        return found, {}
    why = (
        "the data hold none of the WSIS target series"
        if panel is not None
        else ("no panel with the WSIS target series was given")
    )
    return found, {"WSIS targets": why}


def _estimates_part(
    year: int, units: Units, panel: pd.DataFrame | None, asked: bool
) -> tuple[EstimateFindings | None, dict[str, str]]:
    """The world and group estimates (:func:`estimate_findings`, economies only), or None and why not."""
    if not asked:
        return None, {"estimates": "not asked for (estimates=False)"}
    if not units.resolves_names:
        why = f"world and group estimates are modelled on ITU's country data; the {units.plural} are shown as reported"
        return None, {"estimates": why}
    found, reason = estimate_findings(year, bundled_panel() if panel is None else panel)
    return found, ({"estimates": reason} if reason else {})


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
    means, omitted = _averages(result, scored, year, groups, groupings)
    found_gender, why = _gender_part(year, units, gender, gender_parity)
    omitted |= why
    found_divide, why = _divide_part(result, year, groupings, panel, asked=divide)
    omitted |= why
    found_estimates, why = _estimates_part(year, units, panel, asked=estimates)
    omitted |= why
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
