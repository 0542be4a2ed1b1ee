"""Command line: ``ictindex report | build | validate | frameworks | data``.

Errors from the library print one line on stderr (``error: ...``) and exit with
status 2; they never show a traceback. Wherever an economy is asked for, an ISO3 code or an
ITU/UN name is accepted (``--profile "Viet Nam"``).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from ictindex import __version__, datasets
from ictindex.build import build_index
from ictindex.countries import to_iso3
from ictindex.errors import IctIndexError, MethodError
from ictindex.framework import available_frameworks, load_framework
from ictindex.panel import validate_panel
from ictindex.read import read_table
from ictindex.safety import output_folder, safe_csv

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
            return func(*args, **kwargs)
        except IctIndexError as err:
            typer.echo(f"error: {err}", err=True)
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
            f"{len(fw.indicators)} indicators, {len(fw.nodes)} nodes"
        )


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
    data: Annotated[Path, typer.Argument(help="Panel file (CSV or XLSX, long or wide).", metavar="PANEL")],
    framework: Annotated[
        str | None, typer.Option(help="Check indicator codes and ranges against this framework.", metavar="NAME")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help=_SHEET_HELP, metavar="SHEET")] = None,
) -> None:
    """Check a panel and print every problem found, one line per kind of problem with its count and
    places (exit status 1 if there are errors)."""
    fw = load_framework(framework) if framework else None
    checked = validate_panel(data, fw, sheet=sheet)
    issues = checked.issues
    for line in group_issues(issues):
        typer.echo(line)
    n_errors = int((issues["severity"] == "error").sum())
    typer.echo(f"{checked.n_values} usable values; {n_errors} error(s), {len(issues) - n_errors} warning(s)")
    if n_errors:
        raise typer.Exit(code=1)


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
    framework: Annotated[
        str | None,
        typer.Option(
            help=f"Bundled framework name or YAML path (default: {BUNDLED_DEFAULT} on the bundled data, "
            f"{USER_DEFAULT} on your own panel).",
            metavar="NAME",
        ),
    ] = None,
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
) -> None:
    """Build an index and write scores, coverage, excluded economies, imputations and provenance."""
    framework = framework or (BUNDLED_DEFAULT if data is None else USER_DEFAULT)
    panel = _panel(data, sheet, framework)
    result = build_index(
        panel,
        framework,
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
    }
    if by_sex:
        tables |= {"gender": result.gender, "gender_indicators": result.gender_indicators}
    with output_folder(out) as work:  # written whole or not at all; never mixed with an earlier run
        for name, table in tables.items():
            safe_csv(table, work / f"{name}.csv")  # text never read as a formula
        (work / "provenance.json").write_text(json.dumps(dict(result.provenance), indent=2, default=str))
    typer.echo(result.summary())
    typer.echo(
        f"wrote {out}/scores.csv, coverage.csv, excluded.csv, imputations.csv, provenance.json"
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
        int | None, typer.Option(help="Year reported (default: the latest with scores).", metavar="YEAR")
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
            help="Economy to profile (ISO3 code or name); repeat for several (default: the first-ranked).",
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
) -> None:
    """Write a complete report: index.html, charts (PNG, SVG), tables (CSV, XLSX, LaTeX)."""
    from ictindex.gender import framework_parity, framework_series, indicator_parity, missing_ingredients
    from ictindex.panel import to_panel
    from ictindex.report import write_report
    from ictindex.report.tables import RankingRule

    profiles = [economy_code(p) for p in profile or []] or None
    rule = RankingRule(
        min_data=rank_min_data,
        itu_members_only=rank_members_only,
        leave_out=tuple(economy_code(e) for e in rank_leave_out or []),
    )
    fw = load_framework(framework)
    panel = _panel(data, sheet, fw)
    options = {"min_coverage": min_coverage, "reference_year": reference_year}
    gender_fw = load_framework(gender) if gender and gender.lower() != "none" else None
    # one panel feeds both frameworks: rows meant for the other one are known, not errors
    known = {**datasets_known(), **framework_series(*(f for f in (fw, gender_fw) if f is not None))}
    if year is None:
        year = max(build_index(panel, fw, known_series=known, **options).years)
    result = build_index(panel, fw, years=[year - 1, year], known_series=known, **options)
    if year - 1 not in result.years:  # e.g. idi2024 (2022 only): no year before, so no rows "absent" in it
        result = build_index(panel, fw, years=year, known_series=known, **options)
    by_sex = parity = None
    notes: list[str] = []
    if gender_fw is not None:
        checked = to_panel(panel, None, known_series=known).panel
        notes += [f"Gender section ({gender_fw.code}): {m}." for m in missing_ingredients(checked, gender_fw)]
        try:  # the latest decade: by-sex survey data are sparse and lag the administrative series
            by_sex = build_index(panel, gender_fw, years=range(year - 9, year + 1), by_sex=True, known_series=known)
        except IctIndexError as err:  # the sub-index cannot be built: show each series' parity if there is any
            parity = framework_parity(indicator_parity(checked), gender_fw, year, gender_fw.imputation.max_gap)
            notes.append(f"No gender sub-index ({gender_fw.code}): {err}")
    analysis = _uncertainty_analysis(panel, fw, year, uncertainty, uncertainty_spec) if uncertainty else None
    written = write_report(
        result,
        out,
        year=year,
        gender=by_sex,
        gender_parity=parity,
        notes=notes,
        profiles=profiles,
        ranking_rule=rule,
        formats=("png", "svg", "pdf") if pdf else ("png", "svg"),
        uncertainty=analysis,
    )
    typer.echo(result.summary())
    for note in written.notes:
        typer.echo(f"note: {note}")
    typer.echo(
        f"wrote {written.html} ({sum(len(v) for v in written.charts.values())} chart files, "
        f"{sum(len(v) for v in written.tables.values())} table files)"
    )


# -- uncertainty analysis (issue 15) ---------------------------------------------------------------------
#: The report's default uncertainty spec: safe for any framework (no method that needs positive values).
DEFAULT_UNCERTAINTY = {"weights": {"noise": 0.25}, "exclude_indicator": True}


def _uncertainty_analysis(panel: Any, fw: Any, year: int, n: int, spec: Path | None) -> Any:
    """The report's uncertainty analysis (its section is written with the report, in the same folder)."""
    from ictindex.uncertainty import uncertainty as run_uncertainty

    return run_uncertainty(panel, fw, spec or DEFAULT_UNCERTAINTY, n=n, years=year)


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


def datasets_known() -> dict[str, tuple[float | None, float | None]]:
    """The catalogue's series and their valid ranges (what a panel may hold besides framework codes)."""
    from ictindex.catalogue import series_bounds

    return series_bounds()


def main() -> None:
    """Entry point of the ``ictindex`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
