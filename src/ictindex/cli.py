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
from ictindex.countries import to_iso3
from ictindex.errors import CoverageError, IctIndexError, IctIndexWarning, MethodError
from ictindex.framework import available_frameworks, load_framework
from ictindex.inputs import bundled as datasets
from ictindex.inputs.user_files import read_table
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


def economy_code(label: str) -> str:
    """ISO3 code of an economy given as a code or an ITU/UN name ("KOR", "kor", "Korea (Rep.)")."""
    code = to_iso3(label)
    if code is None:
        raise MethodError(
            f"unknown economy '{label}'",
            economy=label,
            hint='give an ISO 3166 alpha-3 code or an ITU/UN name, e.g. VNM or "Viet Nam"',
        )
    return code


def _places(values: pd.Series, label: str, singular: str, limit: int = 6) -> str:
    """ "economies KOR, BRA (+3 more)" or "years 2019–2021": the distinct places of a group of problems."""
    items = [str(v) for v in pd.unique(values.dropna()) if str(v) not in ("", "nan", "<NA>")]
    if not items:
        return ""
    name = label if len(items) > 1 else singular
    if label in ("years", "lines") and all(i.removesuffix(".0").lstrip("-").isdigit() for i in items):
        items = _year_runs(sorted({int(float(i)) for i in items}))
    shown = ", ".join(items[:limit]) + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
    return f"{name} {shown}"


def _year_runs(years: list[int]) -> list[str]:
    """Runs of consecutive numbers (years, line numbers): [2019, 2020, 2021, 2023] -> ["2019–2021", "2023"]."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]


def group_issues(issues: pd.DataFrame) -> list[str]:
    """One line per problem (severity and kind): how many cells, the first message, and the places
    (economies, indicators, years), instead of one line per cell."""
    lines = []
    for (severity, problem), rows in issues.groupby(["severity", "problem"], sort=False):
        places = [
            p
            for p in (
                _places(rows["economy"], "economies", "economy"),
                _places(rows["indicator"], "indicators", "indicator"),
                _places(rows["year"], "years", "year"),
                _places(rows["line"], "lines", "line") if "line" in rows else "",
            )
            if p
        ]
        count = f" ({len(rows)} cells)" if len(rows) > 1 else ""
        lines.append(
            f"{severity}: {problem}{count}: {rows['message'].iloc[0]}" + (f" [{'; '.join(places)}]" if places else "")
        )
    return lines


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():  # the commands count the data-quality warnings in one line
                warnings.simplefilter("ignore", IctIndexWarning)
                return func(*args, **kwargs)
        except IctIndexError as err:
            typer.echo(f"error: {_cli_words(str(err))}", err=True)
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


#: Python keywords in library messages -> the command line's flags (a CLI user has no keyword to pass).
_FLAGS = {
    "imputation='latest'": "--imputation latest",
    "min_coverage": "--min-coverage",
    "reference_year": "--reference-year",
    "rank_min_data": "--rank-min-data",
}


def _cli_words(message: str) -> str:
    """A library message with its Python keywords as the command's flags."""
    for python, flag in _FLAGS.items():
        message = message.replace(python, flag)
    return message


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
        typer.echo(_describe_text(describe_panel(panel, fw, years=year or None)))
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


def _describe_text(table: pd.DataFrame) -> str:
    """The describe table as text: rounded numbers, the goalposts in one column."""
    shown = table.copy()
    shown["goalposts"] = [
        "" if pd.isna(lo) else f"{lo:g}-{hi:g}" for lo, hi in zip(shown["lower"], shown["upper"], strict=True)
    ]
    shown["missing"] = (100 * shown["missing_share"]).round(1).astype(str) + " %"
    keep = ["indicator", *(["year"] if "year" in shown else []), "count", "missing", "min", "max", "mean", "sd"]
    keep += ["skew", "kurtosis", "zeros", "distinct", "unit", "goalposts", "checks"]
    for column in ("min", "max", "mean", "sd", "skew", "kurtosis"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.4g}")
    return shown[keep].to_string(index=False)


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
    typer.echo(_describe_text(table))
    if out is not None:
        safe_csv(table, out)
        typer.echo(f"wrote {out}")


def _warning_line(
    result: Any, data: Path | None, years: list[int], min_coverage: float | None = None, units: str | None = None
) -> str:
    """One line: how many data-quality warnings the build kept, by problem, and the command that lists them."""
    issues = result.issues
    year = pd.to_numeric(issues["year"], errors="coerce")
    warned = issues[(issues["severity"] == "warning") & (year.isin(years) | year.isna())]
    if warned.empty:
        return "data quality: no warnings"
    counts = warned["problem"].value_counts()
    shown = ", ".join(f"{problem} {n}" for problem, n in counts.items())
    command = "ictindex validate" + (f" {data}" if data is not None else "") + f" --framework {result.framework.code}"
    command += "".join(f" --year {y}" for y in years)
    command += f" --min-coverage {min_coverage:g}" if min_coverage is not None else ""
    command += f" --units {units}" if units is not None else ""
    return f"data quality: {len(warned)} warning(s) ({shown}); list them with: {command}"


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
    typer.echo(_warning_line(result, data, result.years, min_coverage, units))
    typer.echo(
        f"wrote {out}/scores.csv, coverage.csv, excluded.csv, imputations.csv, issues.csv, provenance.json"
        + (", gender.csv, gender_indicators.csv" if by_sex else "")
    )


@app.command()
@_friendly
def report(
    out: Annotated[Path, typer.Option(help="Report folder (created if needed).", metavar="FOLDER")],
    framework: Annotated[
        str, typer.Option(help="Bundled framework name or YAML path.", metavar="NAME")
    ] = BUNDLED_DEFAULT,
    year: Annotated[
        int | None,
        typer.Option(
            help="Year reported (default: the latest year in which most ranked units have reported, not carried, "
            "values for most indicators; the report says why).",
            metavar="YEAR",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(help="Panel file (CSV or XLSX); default: the bundled ITU/World Bank panel.", metavar="PANEL"),
    ] = None,
    gender: Annotated[
        str | None,
        typer.Option(help="Framework of the gender section, built by sex ('none' to leave it out).", metavar="NAME"),
    ] = "doi_gender",
    profile: Annotated[
        list[str] | None,
        typer.Option(
            help="Economy to profile (ISO3 code or name); repeat for several (default: none, the report shows the "
            "world and its groups).",
            metavar="ECONOMY",
        ),
    ] = None,
    min_coverage: MinCoverage = None,
    reference_year: ReferenceYear = None,
    rank_min_data: Annotated[
        float | None,
        typer.Option(
            help="Rank only economies with reported (not imputed) data for at least this share of the indicators; "
            "the others keep their scores in the tables.",
            metavar="SHARE",
        ),
    ] = None,
    rank_members_only: Annotated[
        bool,
        typer.Option(
            "--rank-members-only", help="Rank only ITU Member States (territories keep their scores in the tables)."
        ),
    ] = False,
    rank_leave_out: Annotated[
        list[str] | None,
        typer.Option(
            help="Economy (ISO3 code or name) to leave out of the ranking but not the tables; repeat for several.",
            metavar="ECONOMY",
        ),
    ] = None,
    rank_all: Annotated[
        bool,
        typer.Option(
            "--rank-all",
            help="Rank every scored unit (default: ITU Member States with reported data for at least half the "
            "indicators; the others are listed with their scores under the ranking).",
        ),
    ] = False,
    regions: Annotated[
        str | None,
        typer.Option(
            help="Regions economies are grouped by: itu or sdg (default: itu for ITU frameworks).", metavar="REGIONS"
        ),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write every chart as PDF.")] = False,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
    uncertainty: Annotated[
        int | None,
        typer.Option(
            help="Add a rank-uncertainty section from this many replications (see 'ictindex uncertainty').", metavar="N"
        ),
    ] = None,
    uncertainty_spec: Annotated[
        Path | None,
        typer.Option(
            help="Uncertainty spec (YAML) of that section; default: weights +/-25 % and leave one indicator out.",
            metavar="SPEC",
        ),
    ] = None,
    units: UnitsOption = None,
    geometry: Annotated[
        Path | None,
        typer.Option(
            help="Boundaries of the units for the map (GeoJSON, features keyed by unit code); without it, economies "
            "are drawn on the world map and other units get no map.",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Write a complete report: index.html, charts (PNG, SVG), tables (CSV, XLSX, LaTeX)."""
    from ictindex.gender import framework_parity, framework_series, indicator_parity, missing_ingredients
    from ictindex.panel import to_panel
    from ictindex.ranking import RankingRule, choose_year, default_rule
    from ictindex.report import write_report

    kind = _units(units)
    economies = isinstance(kind, str) and kind in ("economies", "iso3")
    profiles = _unit_codes(profile, kind) or None
    explicit = RankingRule(
        min_data=rank_min_data,
        itu_members_only=rank_members_only,
        leave_out=tuple(_unit_codes(rank_leave_out, kind)),
    )
    fw = load_framework(framework)
    panel = _panel(data, sheet, fw)
    options = {"min_coverage": min_coverage, "reference_year": reference_year, "units": kind}
    gender_fw = load_framework(gender) if gender and gender.lower() != "none" else None
    notes: list[str] = []
    # one panel feeds both frameworks: rows meant for the other one are known, not errors
    known = {**datasets_known(), **framework_series(*(f for f in (fw, gender_fw) if f is not None))}
    try:  # one build of every year: it gives the year's choice, the year before (rank changes) and the report
        result = build_index(panel, fw, known_series=known, **options)
    except CoverageError as err:
        if data is not None or not fw.current_framework:
            raise
        notes.append(
            f"{fw.name} ({fw.code}) cannot be built from the bundled data ({err.args[0]}); this report shows "
            f"{fw.current_framework}, its method on the series collected today."
        )
        fw = load_framework(fw.current_framework)
        result = build_index(panel, fw, known_series=known, **options)
    choice = choose_year(result) if year is None else None
    year = choice.year if choice is not None else result.report_year(year)
    if rank_all or explicit.active:
        rule = explicit
    else:
        rule, rule_note = default_rule(result, year)
        notes += [rule_note] if rule_note else []
    by_sex = parity = None
    checked = to_panel(panel, None, known_series=known, units=kind).panel if gender_fw is not None else None
    if checked is not None and not economies and not checked["sex"].isin(["female", "male"]).any():
        gender_fw = None  # units of the user's own, with no data by sex: the report says the section is left out
    if gender_fw is not None:
        notes += [f"Gender section ({gender_fw.code}): {m}." for m in missing_ingredients(checked, gender_fw)]
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
                    units=kind,
                    missing_years="warn",
                )
        except IctIndexError as err:  # the sub-index cannot be built: show each series' parity if there is any
            parity = framework_parity(indicator_parity(checked), gender_fw, year, gender_fw.imputation.max_gap)
            notes.append(f"No gender sub-index ({gender_fw.code}): {err}")
    analysis = _uncertainty_analysis(panel, fw, year, uncertainty, uncertainty_spec, kind) if uncertainty else None
    written = write_report(
        result,
        out,
        year=year,
        gender=by_sex,
        gender_parity=parity,
        notes=[_cli_words(n) for n in notes],
        profiles=profiles,
        ranking_rule=rule,
        regions=regions,
        year_choice=choice,
        formats=("png", "svg", "pdf") if pdf else ("png", "svg"),
        uncertainty=analysis,
        geometry=geometry,
        panel=panel if isinstance(panel, pd.DataFrame) and economies else None,
    )
    ranked = pd.read_csv(written.tables["ranking"][0], usecols=["economy"])
    top = ", ".join(ranked["economy"].head(3))
    imputed = int((result.imputations["year"] == year).sum())  # the same count as the page's
    typer.echo(
        f"{fw.name} ({fw.code}), {year}: {len(result.ranking(year))} {result.units.plural} scored; {imputed} values "
        f"imputed; {len(ranked)} ranked ({rule.describe(result.units)}); top: {top}"
    )
    if choice is not None:
        typer.echo(f"year {choice.reason}")
    typer.echo(_warning_line(result, data, [year], min_coverage, units))
    for note in written.notes:
        typer.echo(f"note: {_cli_words(note)}")
    typer.echo(
        f"wrote {written.html} ({sum(len(v) for v in written.charts.values())} chart files, "
        f"{sum(len(v) for v in written.tables.values())} table files)"
    )


# -- uncertainty analysis (issue 15) ---------------------------------------------------------------------
#: The report's default uncertainty spec: safe for any framework (no method that needs positive values).
DEFAULT_UNCERTAINTY = {"weights": {"noise": 0.25}, "exclude_indicator": True}


def _uncertainty_analysis(panel: Any, fw: Any, year: int, n: int, spec: Path | None, units: Any = "economies") -> Any:
    """The report's uncertainty analysis (its section is written with the report, in the same folder)."""
    from ictindex.uncertainty import uncertainty as run_uncertainty

    return run_uncertainty(panel, fw, spec or DEFAULT_UNCERTAINTY, n=n, years=year, units=units)


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


def datasets_known() -> dict[str, tuple[float | None, float | None]]:
    """The catalogue's series and their valid ranges (what a panel may hold besides framework codes)."""
    from ictindex.inputs.catalogue import series_bounds

    return series_bounds()


def main() -> None:
    """Entry point of the ``ictindex`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
