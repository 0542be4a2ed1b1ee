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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ictindex import divide, gender
from ictindex.catalogue import LICENCES, SKILLS, series_table
from ictindex.errors import IctIndexError
from ictindex.ranking import RankingRule, apply_ranking_rule, ranking_table
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
    "sources_used",
    "USER_DATA",
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


def sources_used(result: IndexResult) -> pd.DataFrame:
    """Every source series the result's values came from: ``code, name, dataset, licence, values_used``.

    Series of the bundled catalogue carry their dataset and licence; any other series is the user's: its
    dataset is the panel's own ``source`` text (every distinct one; "user data" without one), its licence
    "user data". Nothing else is listed: a licence appears only when a value carries it.
    """
    text = result.sources.drop(columns=["economy", "year"]).stack()
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
    table["licence"] = table["code"].map(catalogue["licence"]).fillna(USER_DATA)
    return (
        table[["code", "name", "dataset", "licence", "values_used"]]
        .sort_values(["dataset", "code"])
        .reset_index(drop=True)
    )


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
        if not sdg.empty:
            skills = _skills_summary(gender.latest_parity(sdg, year, max_gap))
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
    target_groupings: tuple[str, ...] = ("world",)
    notes: list[str] = field(default_factory=list)


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
    notes: list[str] = []
    found: dict[str, object] = {}
    plural = units.plural

    def attempt(what: str, build: Callable[[], None]) -> None:
        try:
            build()
        except IctIndexError as err:
            notes.append(f"{what}: not shown ({err}).")

    def international() -> None:
        found["inequality"] = divide.inequality(result, **kwargs)
        found["group_means"] = group_means(result, by=("world", *groupings), years=[year], units=units, **kwargs)
        if groupings:
            found["theil"] = pd.concat(
                [divide.theil(result, by=by, years=[year], **kwargs) for by in groupings], ignore_index=True
            )
        found["lorenz"] = divide.lorenz(result, year=year, population=population)

    def over_time() -> None:
        found["convergence"] = divide.convergence(result, population=population)

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

    attempt(f"Inequality between {plural}", international)
    if not groupings:
        notes.append(f"Theil decomposition by group: not shown (the {plural} have no groups).")
    if len(result.years) > 1:
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
        years=tuple(result.years),
        index_name=result.framework.name,
        groupings=tuple(groupings),
        target_groupings=target_groupings,
        notes=notes,
        **found,  # type: ignore[arg-type]
    )


# -- everything -------------------------------------------------------------------------------------------------
#: Groupings a report of economies shows (in this order: distribution charts and tables).
ECONOMY_GROUPINGS = ("income", "region")


def report_groupings(units: Units, groups: pd.DataFrame, scored: Sequence[str]) -> tuple[str, ...]:
    """The groupings a report shows: UN SDG region and World Bank income group for economies, every grouping of
    a units table that puts at least one scored unit in a group; none for ``units="any"``."""
    candidates = ECONOMY_GROUPINGS if units.resolves_names else tuple(units.group_columns)
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

    @property
    def licences(self) -> list[str]:
        """The distinct licences of the data used (each once, in the order of the sources table)."""
        return list(dict.fromkeys(self.sources["licence"]))

    @property
    def uses_itu_data(self) -> bool:
        """Whether any value used is ITU data (CC BY-NC-SA 3.0 IGO)."""
        itu = {LICENCES["itu_datahub_2025"]}
        return any(lic in itu for lic in self.sources["licence"])


def compute_findings(
    result: IndexResult,
    year: int | None = None,
    *,
    gender: IndexResult | None = None,
    gender_parity: pd.DataFrame | None = None,
    ranking_rule: RankingRule | None = None,
    divide: bool = True,
    panel: pd.DataFrame | None = None,
) -> Findings:
    """Compute every analysis a report of ``result`` in ``year`` (default: the latest) shows.

    Parameters
    ----------
    gender, gender_parity
        A by-sex result (e.g. ``doi_gender`` built with ``by_sex=True``) and/or a parity table, for the gender
        part (see :func:`gender_findings`).
    ranking_rule
        Which scored units enter the headline ranking (:class:`~ictindex.ranking.RankingRule`).
    divide
        Compute the digital-divide part.
    panel
        The panel the urban/rural gaps and the WSIS targets are read from. Default: the bundled panel for a
        result of economies (ISO3), none otherwise (those parts are then left out with a note).
    """
    year = result.report_year(year)
    units = result.units
    rule = ranking_rule or RankingRule()
    ranking = ranking_table(result, year, rule)
    not_ranked = apply_ranking_rule(result, year, rule)[1] if rule.active else None
    groups = units.groups(year)
    scored = result.ranking(year)
    groupings = report_groupings(units, groups, scored["economy"])
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
        sources=sources_used(result),
        gender=found_gender,
        divide=found_divide,
        omitted=omitted,
        quality=quality_tables(result, year),
    )
