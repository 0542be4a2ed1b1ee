"""The work of ``ictindex report``: its options, and the steps from the panel to the summary it prints.

The command (``ictindex.cli``) reads its inputs and composes these steps: build every year
(:func:`build_every_year`, falling back to a framework's current version on the bundled data), choose the year
and the ranking rule (:func:`year_and_rule`), prepare the gender section (:func:`gender_inputs`) and the
rank-uncertainty section (:func:`uncertainty_analysis`), write the report, and print :func:`summary_lines`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from ictindex.build import build_index
from ictindex.errors import CoverageError, IctIndexError, IctIndexWarning
from ictindex.framework import load_framework
from ictindex.issue_text import cli_words

if TYPE_CHECKING:
    from ictindex.framework import Framework
    from ictindex.ranking import RankingRule, ReportYear
    from ictindex.report import Report
    from ictindex.result import IndexResult

# -- the options of `ictindex report` (help texts as `ictindex report --help` prints them) -------------------------
ReportFolder = Annotated[Path, typer.Option(help="Report folder (created if needed).", metavar="FOLDER")]
ReportFramework = Annotated[str, typer.Option(help="Bundled framework name or YAML path.", metavar="NAME")]
ReportYearOption = Annotated[
    int | None,
    typer.Option(
        help="Year reported (default: the latest year in which most ranked units have reported, not carried, "
        "values for most indicators; the report says why).",
        metavar="YEAR",
    ),
]
ReportPanel = Annotated[
    Path | None,
    typer.Option(help="Panel file (CSV or XLSX); default: the bundled ITU/World Bank panel.", metavar="PANEL"),
]
GenderFramework = Annotated[
    str | None,
    typer.Option(help="Framework of the gender section, built by sex ('none' to leave it out).", metavar="NAME"),
]
Profiles = Annotated[
    list[str] | None,
    typer.Option(
        help="Economy to profile (ISO3 code or name); repeat for several (default: none, the report shows the "
        "world and its groups).",
        metavar="ECONOMY",
    ),
]
RankMinData = Annotated[
    float | None,
    typer.Option(
        help="Rank only economies with reported (not imputed) data for at least this share of the indicators; "
        "the others keep their scores in the tables.",
        metavar="SHARE",
    ),
]
RankMembersOnly = Annotated[
    bool,
    typer.Option(
        "--rank-members-only", help="Rank only ITU Member States (territories keep their scores in the tables)."
    ),
]
RankLeaveOut = Annotated[
    list[str] | None,
    typer.Option(
        help="Economy (ISO3 code or name) to leave out of the ranking but not the tables; repeat for several.",
        metavar="ECONOMY",
    ),
]
RankAll = Annotated[
    bool,
    typer.Option(
        "--rank-all",
        help="Rank every scored unit (default: ITU Member States with reported data for at least half the "
        "indicators; the others are listed with their scores under the ranking).",
    ),
]
Regions = Annotated[
    str | None,
    typer.Option(
        help="Regions economies are grouped by: itu or sdg (default: itu for ITU frameworks).", metavar="REGIONS"
    ),
]
Pdf = Annotated[bool, typer.Option("--pdf", help="Also write every chart as PDF.")]
UncertaintyRuns = Annotated[
    int | None,
    typer.Option(
        help="Add a rank-uncertainty section from this many replications (see 'ictindex uncertainty').", metavar="N"
    ),
]
UncertaintySpecFile = Annotated[
    Path | None,
    typer.Option(
        help="Uncertainty spec (YAML) of that section; default: weights +/-25 % and leave one indicator out.",
        metavar="SPEC",
    ),
]
Geometry = Annotated[
    Path | None,
    typer.Option(
        help="Boundaries of the units for the map (GeoJSON, features keyed by unit code); without it, economies "
        "are drawn on the world map and other units get no map.",
        metavar="FILE",
    ),
]


# -- the steps ---------------------------------------------------------------------------------------------------
def datasets_known() -> dict[str, tuple[float | None, float | None]]:
    """The catalogue's series and their valid ranges (what a panel may hold besides framework codes)."""
    from ictindex.inputs.catalogue import series_bounds

    return series_bounds()


def known_series(*frameworks: Framework | None) -> dict[str, tuple[float | None, float | None]]:
    """The series one panel may hold for every framework given: the catalogue's and the frameworks' own (rows
    meant for the other framework are known, not errors)."""
    from ictindex.gender import framework_series

    return {**datasets_known(), **framework_series(*(f for f in frameworks if f is not None))}


def build_every_year(
    panel: Any, fw: Framework, known: dict[str, tuple[float | None, float | None]], bundled: bool, **options: Any
) -> tuple[IndexResult, Framework, list[str]]:
    """The result of every year (it gives the year's choice, the year before for rank changes, and the report),
    the framework built and a note: on the bundled data, a framework that cannot be built from them is replaced
    by its current version (the note says so)."""
    try:
        return build_index(panel, fw, known_series=known, **options), fw, []
    except CoverageError as err:
        if not bundled or not fw.current_framework:
            raise
        note = (
            f"{fw.name} ({fw.code}) cannot be built from the bundled data ({err.args[0]}); this report shows "
            f"{fw.current_framework}, its method on the series collected today."
        )
        fw = load_framework(fw.current_framework)
        return build_index(panel, fw, known_series=known, **options), fw, [note]


def year_and_rule(
    result: IndexResult, year: int | None, asked: RankingRule, rank_all: bool
) -> tuple[int, ReportYear | None, RankingRule, list[str]]:
    """The year reported (chosen when none is given), how it was chosen, the ranking rule (the one asked for, else
    the publication rule) and the rule's note."""
    from ictindex.ranking import choose_year, default_rule

    choice = choose_year(result) if year is None else None
    year = choice.year if choice is not None else result.report_year(year)
    if rank_all or asked.active:
        return year, choice, asked, []
    rule, note = default_rule(result, year)
    return year, choice, rule, [note] if note else []


def gender_inputs(
    panel: Any,
    gender_fw: Framework | None,
    year: int,
    known: dict[str, tuple[float | None, float | None]],
    units: Any,
    economies: bool,
) -> tuple[IndexResult | None, pd.DataFrame | None, list[str]]:
    """The by-sex result of the gender section over the decade up to ``year`` (or, when it cannot be built, each
    series' parity) and the section's notes; nothing when there is no gender framework, or units of the user's
    own have no data by sex (the report then says the section is left out)."""
    from ictindex.gender import framework_parity, indicator_parity, missing_ingredients
    from ictindex.panel import to_panel

    if gender_fw is None:
        return None, None, []
    checked = to_panel(panel, None, known_series=known, units=units).panel
    if not economies and not checked["sex"].isin(["female", "male"]).any():
        return None, None, []
    notes = [f"Gender section ({gender_fw.code}): {m}." for m in missing_ingredients(checked, gender_fw)]
    try:  # the latest decade: by-sex survey data are sparse and lag the administrative series (its years without
        # data are left out quietly: the section's title gives the years observed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IctIndexWarning)
            by_sex = build_index(
                panel,
                gender_fw,
                years=range(year - 9, year + 1),
                by_sex=True,
                known_series=known,
                units=units,
                missing_years="warn",
            )
    except IctIndexError as err:  # the sub-index cannot be built: show each series' parity if there is any
        parity = framework_parity(indicator_parity(checked), gender_fw, year, gender_fw.imputation.max_gap)
        return None, parity, [*notes, f"No gender sub-index ({gender_fw.code}): {err}"]
    return by_sex, None, notes


#: The report's default uncertainty spec: safe for any framework (no method that needs positive values).
DEFAULT_UNCERTAINTY = {"weights": {"noise": 0.25}, "exclude_indicator": True}


def uncertainty_analysis(panel: Any, fw: Any, year: int, n: int, spec: Path | None, units: Any = "economies") -> Any:
    """The report's uncertainty analysis (its section is written with the report, in the same folder)."""
    from ictindex.uncertainty import uncertainty as run_uncertainty

    return run_uncertainty(panel, fw, spec or DEFAULT_UNCERTAINTY, n=n, years=year, units=units)


def summary_lines(
    fw: Framework,
    result: IndexResult,
    year: int,
    rule: RankingRule,
    choice: ReportYear | None,
    written: Report,
    data_quality: str,
) -> list[str]:
    """What the command prints: the units scored, values imputed, units ranked and the top three; why the year;
    the data-quality warnings (``data_quality``); the report's notes; and what was written."""
    ranked = pd.read_csv(written.tables["ranking"][0], usecols=["economy"])
    top = ", ".join(ranked["economy"].head(3))
    imputed = int((result.imputations["year"] == year).sum())  # the same count as the page's
    lines = [
        f"{fw.name} ({fw.code}), {year}: {len(result.ranking(year))} {result.units.plural} scored; {imputed} values "
        f"imputed; {len(ranked)} ranked ({rule.describe(result.units)}); top: {top}"
    ]
    if choice is not None:
        lines.append(f"year {choice.reason}")
    lines.append(data_quality)
    lines += [f"note: {cli_words(note)}" for note in written.notes]
    charts, tables = sum(len(v) for v in written.charts.values()), sum(len(v) for v in written.tables.values())
    lines.append(f"wrote {written.html} ({charts} chart files, {tables} table files)")
    return lines
