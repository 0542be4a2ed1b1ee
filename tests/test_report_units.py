"""A report that fits the data: a provincial panel with its own framework, units table and boundaries, through
the command line and through Python, and a panel of units="any" without a table (issue 22's acceptance)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import provinces
import pytest
from typer.testing import CliRunner

from ictindex import build_index
from ictindex.cli import app
from ictindex.report import write_report

SRC = Path(__file__).resolve().parents[1] / "src" / "ictindex"
#: Text that is true of the bundled ITU data only: never in a report of other data.
FOREIGN = ("CC BY-NC-SA", "Gapminder", "UN SDG regions", "World Bank income groups", "economies", "Natural Earth")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return provinces.write(tmp_path_factory.mktemp("provinces"))


def _page(folder: Path) -> str:
    text = (folder / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", text))


def _check_provincial_report(folder: Path) -> None:
    page = _page(folder)
    for name, _ in provinces.PROVINCES.values():  # every province by name
        assert name in page, name
    for text in FOREIGN:
        assert text not in page, text
    # region averages: one row per region, and all provinces
    averages = pd.read_csv(folder / "tables" / "averages_region.csv")
    regions = {region for _, region in provinces.PROVINCES.values()}
    assert set(averages["group"]) == regions | {"All scored provinces"}
    assert "<h2 id='averages'>Group averages</h2>" in page and "Groups: region." in page
    assert averages.set_index("group").loc["All scored provinces", "economies"] == 34
    java = averages.set_index("group").loc["Java"]
    ranking = pd.read_csv(folder / "tables" / "ranking.csv").set_index("economy")
    members = [c for c, (_, r) in provinces.PROVINCES.items() if r == "Java"]
    assert java["PDDI (simple mean)"] == pytest.approx(ranking.loc[members, "PDDI"].mean())
    assert "Province</th>" in page and "Provinces without population" in page  # the unit's words in headers
    # the map is drawn from the GeoJSON, the world map is not
    svg = (folder / "charts" / "map.svg").read_text()
    assert "Boundaries: provinces.geojson" in svg and "United Nations" not in svg
    # sources: the panel's own, and nothing it does not carry
    sources = pd.read_csv(folder / "tables" / "sources.csv")
    assert set(sources["licence"]) == {"user data"} and set(sources["dataset"]) == {provinces.SOURCE}
    # what is left out is named, with the reason
    assert "Gender: left out (no data by sex were given" in page
    assert "WSIS targets: left out" in page
    for name in ("averages_region", "ranking", "coverage", "excluded"):
        assert (folder / "tables" / f"{name}.tex").is_file()


def test_provincial_report_through_the_command_line(files, tmp_path):
    out = tmp_path / "R"
    run = CliRunner().invoke(
        app,
        [
            "report",
            "--data",
            str(files["data"]),
            "--framework",
            str(files["framework"]),
            "--units",
            str(files["units"]),
            "--geometry",
            str(files["geometry"]),
            "--out",
            str(out),
            "--profile",
            "West Java",
        ],
    )
    assert run.exit_code == 0, run.output
    assert "34 provinces scored" in run.stdout and "note: Gender: left out" in run.stdout
    _check_provincial_report(out)
    assert (out / "charts" / "profile_ID-JB.png").is_file()
    assert "Profile of West Java against the averages of its region." in _page(out)


def test_provincial_report_through_python(files, tmp_path):
    result = build_index(files["data"], files["framework"], units=files["units"], years=[2022, 2023])
    report = write_report(result, tmp_path / "R", geometry=files["geometry"])
    _check_provincial_report(report.folder)
    assert set(report.charts) >= {"map", "distribution_region", "ranking", "rank_shift", "divide_lorenz"}
    assert not any(name.startswith(("distribution_income", "gender", "wsis_")) for name in report.charts)


def test_command_line_refuses_a_mistyped_province(files, tmp_path):
    data = pd.read_csv(files["data"])
    data.loc[data["economy"] == "ID-SG", "economy"] = "ID-SGG"
    bad = tmp_path / "bad.csv"
    data.to_csv(bad, index=False)
    for command in (
        ["build", "--data", str(bad), "--framework", str(files["framework"]), "--out", str(tmp_path / "B")],
        ["validate", str(bad), "--framework", str(files["framework"])],
    ):
        run = CliRunner().invoke(app, [*command, "--units", str(files["units"])])
        assert run.exit_code in (1, 2), run.output
        assert "unknown province 'ID-SGG'" in run.output and "nearest code: 'ID-SG'" in run.output


def test_report_of_units_any_leaves_the_group_sections_out(files, tmp_path):
    result = build_index(files["data"], files["framework"], units="any", years=2023)
    report = write_report(result, tmp_path / "R")
    page = _page(report.folder)
    assert "Averages: left out (the units have no groups" in page
    assert "Map: left out (no boundaries of the provinces were given" in page
    assert "<h2 id='averages'>" not in page and "map" not in report.charts
    assert not [n for n in report.tables if n.startswith("averages_")]
    for text in FOREIGN:
        assert text not in page, text
    assert "ID-JB" in page  # no names without a table: the codes themselves


def test_the_report_formats_and_never_computes():
    """One tidy group_means in the library; no analysis of divide or gender is called from the report."""
    definitions = [p for p in SRC.rglob("*.py") if "def group_means(" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(SRC).as_posix() for p in definitions] == ["units/means.py"]  # (units.py split: issue 25)
    calls = re.compile(r"\b(divide|gender)\.[a-z_]+\(")
    found = [
        f"{p.name}:{n}"
        for p in (SRC / "report").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if calls.search(line)
    ]
    assert not found, found
