"""Command line: ``ictindex report | build | explore | validate | describe | frameworks | data``.

Errors from the library print one line on stderr (``error: ...``) and exit with
status 2; they never show a traceback. Wherever an economy is asked for, an ISO3 code or an
ITU/UN name is accepted (``--profile "Viet Nam"``).
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from ictindex._version import __version__
from ictindex.build import build_index
from ictindex.cli_report import (
    DEFAULT_UNCERTAINTY,
    GenderFramework,
    Geometry,
    Pdf,
    Profiles,
    RankAll,
    RankLeaveOut,
    RankMembersOnly,
    RankMinData,
    Regions,
    ReportFolder,
    ReportFramework,
    ReportPanel,
    ReportYearOption,
    UncertaintyRuns,
    UncertaintySpecFile,
    build_every_year,
    datasets_known,  # noqa: F401 - a name of the former module
    gender_inputs,
    known_series,
    summary_lines,
    uncertainty_analysis,
    year_and_rule,
)
from ictindex.errors import IctIndexError, IctIndexWarning
from ictindex.framework import available_frameworks, load_framework
from ictindex.inputs import bundled as datasets
from ictindex.inputs.user_files import read_table
from ictindex.issue_text import cli_words, describe_text, economy_code, group_issues, warning_line
from ictindex.panel import validate_panel
from ictindex.safety import output_folder, safe_csv
from ictindex.stats import describe as describe_panel

_SHEET_HELP = "Excel files: the sheet to read, by name or 0-based position (default: the active sheet)."
# options shared by `build` and `report`
MinCoverage = Annotated[
    float | None,
    typer.Option(help="Share of a node's children that must be present (default: the framework's).", metavar="SHARE"),
]
ReferenceYear = Annotated[
    int | None,
    typer.Option(help="Year on which data-driven normalisations (min-max, z-score) are fitted.", metavar="YEAR"),
]
# -- issue 22: what the units are (shared by validate, build and report) -------------------------------------------
UnitsOption = Annotated[
    str | None,
    typer.Option(
        "--units",
        help="What the units of the data are: a units table (CSV/XLSX: unit, name, groupings, population), "
        "'any' (codes as given, no metadata) or 'iso3' (economies, every bundled economy expected). "
        "Default: economies (ISO3 codes or ITU/UN names).",
        metavar="FILE|any|iso3",
    ),
]


def _units(units: str | None) -> object:
    """The ``units=`` of the library for ``--units`` (a kind, or a units table read once)."""
    from ictindex.units import UNIT_KINDS, read_units

    if units is None:
        return "economies"
    return units if units in UNIT_KINDS else read_units(Path(units))


def _unit_codes(labels: list[str] | None, units: object) -> list[str]:
    """Codes of the units named on the command line: economies by ISO3 code or ITU/UN name, other units as given
    (their names are resolved by the report)."""
    if not labels:
        return []
    economies = isinstance(units, str) and units in ("economies", "iso3")
    return [economy_code(label) if economies else label for label in labels]


def _panel(data: Path | None, sheet: str | None, framework: object = None) -> object:
    """The bundled panel of the framework, a path, or (with a sheet) the chosen sheet read with its file and
    line numbers."""
    if data is None:
        if sheet is not None:
            raise IctIndexError("--sheet given without --data", field="sheet", hint="give --data FILE.xlsx")
        return datasets.load(datasets.default_dataset(framework) if framework is not None else "itu")
    return data if sheet is None else read_table(data, sheet=sheet)


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Composite ICT development indices (ITU DOI, IDI) from indicator tables.",
)

#: Framework built when none is named: the bundled data carry today's series, which the original
#: DOI (WISR 2006/2007 series, e.g. dial-up tariffs) cannot be built from.
BUNDLED_DEFAULT = "doi_current"
USER_DEFAULT = "doi"
#: ``--framework`` of the commands that default to a framework that fits the data (report, explore).
DefaultFrameworkOption = Annotated[
    str | None,
    typer.Option(
        help=f"Bundled framework name or YAML path (default: {BUNDLED_DEFAULT} on the bundled data, "
        f"{USER_DEFAULT} on your own panel).",
        metavar="NAME",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ictindex {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Composite ICT development indices (ITU DOI, IDI) from indicator tables."""


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():  # the commands count the data-quality warnings in one line
                warnings.simplefilter("ignore", IctIndexWarning)
                return func(*args, **kwargs)
        except IctIndexError as err:
            typer.echo(f"error: {cli_words(str(err))}", err=True)
            raise typer.Exit(code=2) from None
        except OSError as err:
            typer.echo(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), err=True)
            raise typer.Exit(code=2) from None

    return wrapper


@app.command()
@_friendly
def frameworks() -> None:
    """List the bundled index frameworks."""
    for name in available_frameworks():
        fw = load_framework(name)
        typer.echo(
            f"{name:<16} {fw.name} ({fw.version or 'no version'}): "
            f"{_count(len(fw.indicators), 'indicator')}, {_count(len(fw.nodes), 'node')}"
        )


def _count(n: int, noun: str) -> str:
    """ "1 node", "2 nodes"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@app.command()
@_friendly
def data() -> None:
    """Describe the bundled data: series, years, economies, licences."""
    table = datasets.describe()
    version = datasets.panel_version()
    typer.echo(f"bundled panel {version['version']}: {version['rows']} values, {version['economies']} economies")
    for row in table.itertuples(index=False):
        typer.echo(f"{row.code:<16} {row.first_year}-{row.last_year} {row.economies:>4} economies  {row.name}")
    typer.echo(
        "Licences: "
        + "; ".join(
            f"{k}: {v}"
            for k, v in sorted({d: lic for d, lic in zip(table["dataset"], table["licence"], strict=True)}.items())
        )
    )


@app.command()
@_friendly
def validate(
    data: Annotated[
        Path | None,
        typer.Argument(
            help="Panel file (CSV or XLSX, long or wide); default, with --framework: the bundled panel.",
            metavar="PANEL",
        ),
    ] = None,
    framework: Annotated[
        str | None,
        typer.Option(
            help="Check indicator codes and ranges against this framework, run its plausibility checks and "
            "describe its indicators.",
            metavar="NAME",
        ),
    ] = None,
    year: Annotated[
        list[int] | None,
        typer.Option(help="With --framework: the years whose check findings are listed; repeat.", metavar="YEAR"),
    ] = None,
    min_coverage: MinCoverage = None,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
    units: UnitsOption = None,
) -> None:
    """Check a panel and print every problem found, one line per kind of problem with its count and
    places (exit status 1 if there are errors); with a framework, also the findings of its plausibility
    checks and a description of its indicators."""
    fw = load_framework(framework) if framework else None
    if data is None and fw is None:
        raise IctIndexError(
            "no panel given", field="PANEL", hint="give a panel file, or --framework for the bundled data"
        )
    panel = _panel(data, sheet, fw)  # the bundled panel, the file, or the sheet read from it
    unit_kind = _units(units)
    checked = validate_panel(panel, fw, units=unit_kind)
    issues = checked.issues
    n_errors = int((issues["severity"] == "error").sum())
    if fw is not None and n_errors == 0:
        issues = _with_score_checks(issues, panel, fw, year, min_coverage, unit_kind)
    for line in group_issues(issues):
        typer.echo(line)
    n_errors = int((issues["severity"] == "error").sum())
    typer.echo(f"{checked.n_values} usable values; {n_errors} error(s), {len(issues) - n_errors} warning(s)")
    if fw is not None and n_errors == 0:
        typer.echo(f"\nIndicators of {fw.code} before imputation (ictindex describe):")
        typer.echo(describe_text(describe_panel(panel, fw, years=year or None)))
    if n_errors:
        raise typer.Exit(code=1)


def _with_score_checks(
    issues: pd.DataFrame,
    panel: object,
    fw: Any,
    years: list[int] | None,
    min_coverage: float | None,
    units: object = "economies",
) -> pd.DataFrame:
    """The findings of a panel's checks (of the years asked for) and those of the checks of scores, which only a
    build can find (thin data, a missing category)."""
    from ictindex.registry import checks

    if years:
        issues = issues[issues["year"].isin([str(y) for y in years]) | (issues["year"] == "")]
    try:
        result = build_index(panel, fw, years=years or None, min_coverage=min_coverage, units=units)
    except IctIndexError:
        return issues.reset_index(drop=True)
    scored = [m.name for m in checks.methods() if m.scope == "scores"]
    found = result.issues[result.issues["problem"].isin(scored)]
    return pd.concat([issues, found], ignore_index=True) if not found.empty else issues.reset_index(drop=True)


@app.command("describe")
@_friendly
def describe_command(
    data: Annotated[
        Path | None,
        typer.Argument(help="Panel file (CSV or XLSX, long or wide); default: the bundled panel.", metavar="PANEL"),
    ] = None,
    framework: Annotated[
        str, typer.Option(help="Bundled framework name or YAML path.", metavar="NAME")
    ] = BUNDLED_DEFAULT,
    year: Annotated[
        list[int] | None, typer.Option(help="Year(s) described; repeat for several.", metavar="YEAR")
    ] = None,
    by_year: Annotated[bool, typer.Option("--by-year", help="One row per indicator and year.")] = False,
    out: Annotated[Path | None, typer.Option(help="Also write the table to this CSV file.", metavar="FILE")] = None,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
    units: UnitsOption = None,
) -> None:
    """Describe a framework's indicators before imputation: count, missing share, min, max, mean, sd, skew,
    kurtosis, zeros, distinct values, unit, goalposts and the checks that fired (COINr's get_stats)."""
    fw = load_framework(framework)
    panel = _panel(data, sheet, fw)
    table = describe_panel(panel, fw, units=_units(units), years=year or None, by_year=by_year)
    typer.echo(describe_text(table))
    if out is not None:
        safe_csv(table, out)
        typer.echo(f"wrote {out}")


@app.command()
@_friendly
def build(
    out: Annotated[Path, typer.Option(help="Output folder (created if needed).", metavar="FOLDER")],
    data: Annotated[
        Path | None,
        typer.Option(
            help="Panel file (CSV or XLSX, long or wide); "
            "default: the bundled ITU/World Bank panel (for idi2024: "
            "ITU's published 2022 values).",
            metavar="PANEL",
        ),
    ] = None,
    framework: DefaultFrameworkOption = None,
    year: Annotated[
        list[int] | None, typer.Option(help="Year(s) to score; repeat for several.", metavar="YEAR")
    ] = None,
    imputation: Annotated[
        str | None, typer.Option(help="none or latest (default: the framework's).", metavar="METHOD")
    ] = None,
    max_gap: Annotated[int | None, typer.Option(help="With latest: oldest value, in years.", metavar="YEARS")] = None,
    min_coverage: MinCoverage = None,
    reference_year: ReferenceYear = None,
    by_sex: Annotated[
        bool,
        typer.Option(
            "--by-sex", help="Also build the female and male indices and write gender.csv and gender_indicators.csv."
        ),
    ] = False,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
    units: UnitsOption = None,
) -> None:
    """Build an index and write scores, coverage, excluded units, imputations and provenance."""
    framework = framework or (BUNDLED_DEFAULT if data is None else USER_DEFAULT)
    panel = _panel(data, sheet, framework)
    result = build_index(
        panel,
        framework,
        units=_units(units),
        years=year or None,
        imputation=imputation,
        max_gap=max_gap,
        by_sex=by_sex,
        min_coverage=min_coverage,
        reference_year=reference_year,
    )
    tables = {
        "scores": result.scores,
        "coverage": result.coverage,
        "imputations": result.imputations,
        "excluded": result.excluded,
        "issues": result.issues,
    }
    if by_sex:
        tables |= {"gender": result.gender, "gender_indicators": result.gender_indicators}
    with output_folder(out) as work:  # written whole or not at all; never mixed with an earlier run
        for name, table in tables.items():
            safe_csv(table, work / f"{name}.csv")  # text never read as a formula
        (work / "provenance.json").write_text(json.dumps(dict(result.provenance), indent=2, default=str))
    typer.echo(result.summary())
    typer.echo(warning_line(result, data, result.years, min_coverage, units))
    typer.echo(
        f"wrote {out}/scores.csv, coverage.csv, excluded.csv, imputations.csv, issues.csv, provenance.json"
        + (", gender.csv, gender_indicators.csv" if by_sex else "")
    )


@app.command()
@_friendly
def report(
    out: ReportFolder,
    framework: ReportFramework = BUNDLED_DEFAULT,
    year: ReportYearOption = None,
    data: ReportPanel = None,
    gender: GenderFramework = "doi_gender",
    profile: Profiles = None,
    min_coverage: MinCoverage = None,
    reference_year: ReferenceYear = None,
    rank_min_data: RankMinData = None,
    rank_members_only: RankMembersOnly = False,
    rank_leave_out: RankLeaveOut = None,
    rank_all: RankAll = False,
    regions: Regions = None,
    pdf: Pdf = False,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
    uncertainty: UncertaintyRuns = None,
    uncertainty_spec: UncertaintySpecFile = None,
    units: UnitsOption = None,
    geometry: Geometry = None,
) -> None:
    """Write a complete report: index.html, charts (PNG, SVG), tables (CSV, XLSX, LaTeX)."""
    from ictindex.ranking import RankingRule
    from ictindex.report import write_report

    kind = _units(units)
    economies = isinstance(kind, str) and kind in ("economies", "iso3")
    profiles = _unit_codes(profile, kind) or None
    asked = RankingRule(
        min_data=rank_min_data,
        itu_members_only=rank_members_only,
        leave_out=tuple(_unit_codes(rank_leave_out, kind)),
    )
    fw = load_framework(framework)
    panel = _panel(data, sheet, fw)
    options = {"min_coverage": min_coverage, "reference_year": reference_year, "units": kind}
    gender_fw = load_framework(gender) if gender and gender.lower() != "none" else None
    known = known_series(fw, gender_fw)  # one panel feeds both frameworks
    result, fw, notes = build_every_year(panel, fw, known, bundled=data is None, **options)
    year, choice, rule, rule_notes = year_and_rule(result, year, asked, rank_all)
    by_sex, parity, gender_notes = gender_inputs(panel, gender_fw, year, known, kind, economies)
    analysis = uncertainty_analysis(panel, fw, year, uncertainty, uncertainty_spec, kind) if uncertainty else None
    written = write_report(
        result,
        out,
        year=year,
        gender=by_sex,
        gender_parity=parity,
        notes=[cli_words(n) for n in (*notes, *rule_notes, *gender_notes)],
        profiles=profiles,
        ranking_rule=rule,
        regions=regions,
        year_choice=choice,
        formats=("png", "svg", "pdf") if pdf else ("png", "svg"),
        uncertainty=analysis,
        geometry=geometry,
        panel=panel if isinstance(panel, pd.DataFrame) and economies else None,
    )
    data_quality = warning_line(result, data, [year], min_coverage, units)
    for line in summary_lines(fw, result, year, rule, choice, written, data_quality):
        typer.echo(line)


@app.command("uncertainty")
@_friendly
def uncertainty_command(
    spec: Annotated[
        Path,
        typer.Option(
            help="Uncertainty spec (YAML): weights, normalisation, aggregation, "
            "imputation, treatment, exclude_indicator, data."
        ),
    ],
    framework: Annotated[str, typer.Option(help="Bundled framework name or YAML path.")] = "doi_current",
    data: Annotated[Path | None, typer.Option(help="Panel file (CSV or XLSX); default: the bundled panel.")] = None,
    year: Annotated[int | None, typer.Option(help="Year analysed (default: the latest with scores).")] = None,
    n: Annotated[int, typer.Option(help="Replications.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of the sample (same seed, same result).")] = 0,
    top: Annotated[int, typer.Option(help="k of the share of replications in the top k.")] = 10,
    sobol: Annotated[
        bool,
        typer.Option("--sobol", help="Also Sobol' indices of the mean absolute rank shift (n (factors + 2) runs)."),
    ] = False,
    out: Annotated[Path, typer.Option(help="Output folder (created if needed).")] = Path("uncertainty"),
) -> None:
    """Rank intervals over uncertain methodological choices: ranks.csv, parameters.csv, charts."""
    from ictindex.report.style import save_figure
    from ictindex.report.uncertainty_charts import rank_uncertainty_chart, sobol_chart
    from ictindex.sensitivity import sensitivity
    from ictindex.uncertainty import UncertaintySpec, check_run
    from ictindex.uncertainty import uncertainty as run_uncertainty

    spec = UncertaintySpec.load(spec)  # the spec, n and seed are checked before anything is built (issue 30)
    check_run(n, seed)
    fw = load_framework(framework)
    panel = _panel(data, None, fw)
    if year is None:
        year = max(build_index(panel, fw).years)
    result = run_uncertainty(panel, fw, spec, n=n, seed=seed, top=top, years=year)
    ranks = result.ranks
    analysis = sensitivity(panel, fw, spec, n=n, seed=seed, years=year) if sobol else None
    with output_folder(out) as work:  # written whole or not at all; text never read as a formula
        safe_csv(ranks, work / "ranks.csv")
        safe_csv(result.parameters, work / "parameters.csv")
        written = ["ranks.csv", "parameters.csv"]
        written += [p.name for p in save_figure(rank_uncertainty_chart(result, year=year), work / "rank_uncertainty")]
        if analysis is not None:
            safe_csv(analysis.indices, work / "sobol.csv")
            written += ["sobol.csv", *(p.name for p in save_figure(sobol_chart(analysis), work / "sobol"))]
    typer.echo(
        f"{fw.name}, {year}: {result.n:,} replications varying {', '.join(f.name for f in result.problem.factors)}"
    )
    for row in ranks.head(top).itertuples(index=False):
        typer.echo(
            f"  {row.nominal_rank:>4}  {row.economy}  median {row.median_rank:g}, "
            f"5-95 % {row.rank_q05:g}-{row.rank_q95:g}"
        )
    typer.echo(f"wrote {out}/" + ", ".join(written))


# -- the interactive explorer (issue 29) ----------------------------------------------------------------
@app.command()
@_friendly
def explore(
    out: Annotated[Path, typer.Option(help="The HTML file to write (one self-contained page).", metavar="FILE")],
    framework: DefaultFrameworkOption = None,
    year: Annotated[
        list[int] | None,
        typer.Option(
            help="Year(s) to explore; repeat for several (default: the latest run of up to six years in which "
            "the data score at least 90 % of the most units scored in any year, from at least 80 % values "
            "reported for that year).",
            metavar="YEAR",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(help="Panel file (CSV or XLSX); default: the bundled ITU/World Bank panel.", metavar="PANEL"),
    ] = None,
    units: Annotated[
        str, typer.Option(help="economies (ISO3 codes) or any (your own units, codes as given).", metavar="KIND")
    ] = "economies",
    geometry: Annotated[
        Path | None,
        typer.Option(help="GeoJSON boundaries of the units (default: the world map for economies).", metavar="GEOJSON"),
    ] = None,
    geometry_key: Annotated[
        str | None, typer.Option(help="Feature property holding the unit code (default: id or code).", metavar="KEY")
    ] = None,
    uncertainty: Annotated[
        int | None,
        typer.Option(help="Show rank intervals from this many replications (see 'ictindex uncertainty').", metavar="N"),
    ] = None,
    uncertainty_spec: Annotated[
        Path | None,
        typer.Option(
            help="Uncertainty spec (YAML); default: weights +/-25 % and leave one indicator out.", metavar="SPEC"
        ),
    ] = None,
    min_coverage: MinCoverage = None,
    reference_year: ReferenceYear = None,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
) -> None:
    """Write an interactive explorer: weights to move, ranking, map, profiles, in one offline HTML file."""
    from ictindex.build import explain
    from ictindex.explorer import explorer_years, write_explorer
    from ictindex.model import compile_model

    framework = framework or (BUNDLED_DEFAULT if data is None else USER_DEFAULT)
    fw = load_framework(framework)
    panel = _panel(data, sheet, fw)
    options = {"min_coverage": min_coverage, "reference_year": reference_year, "units": units}
    years = sorted(set(year)) if year else explorer_years(build_index(panel, fw, **options))
    result = explain(compile_model(panel, fw, years=years, **options))
    analysis = None
    if uncertainty:
        from ictindex.uncertainty import uncertainty as run_uncertainty

        spec = uncertainty_spec or DEFAULT_UNCERTAINTY
        analysis = run_uncertainty(panel, fw, spec, n=uncertainty, years=years, **options)
    written = write_explorer(result, out, uncertainty=analysis, geometry=geometry, geometry_key=geometry_key)
    typer.echo(result.summary())
    typer.echo(
        f"wrote {written} ({written.stat().st_size / 1e6:.1f} MB; years {', '.join(map(str, result.years))}"
        + (f"; rank intervals from {analysis.n:,} replications" if analysis is not None else "")
        + ")"
    )


def main() -> None:
    """Entry point of the ``ictindex`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
