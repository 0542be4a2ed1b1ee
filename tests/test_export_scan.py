"""Export scan: the bundled report written with hostile text in every place untrusted text can enter
(economy labels, the panel's source and note columns, the framework's names, notes and citations) holds no
formula in any XLSX cell, no CSV cell starting with = + - @, no markup in the HTML, and no file outside its
folder; a failing step leaves no folder behind."""

from __future__ import annotations

import copy
import html

import pandas as pd
import pytest
from exportscan import files_outside, unsafe_cells
from typer.testing import CliRunner

from ictindex import Framework, build_index, load_framework
from ictindex.cli import app
from ictindex.errors import MethodError
from ictindex.report import charts, write_report

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3*cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "<script>alert(1)</script>",
]
YEARS = (2022, 2023)
ECONOMIES = {"KOR": 0.9, "ARG": 0.6, "BRA": 0.55, "NER": 0.1}


def _hostile_framework() -> Framework:
    data = copy.deepcopy(load_framework("doi").to_dict())
    data["name"] = HOSTILE[0] + " index"
    data["description"] = HOSTILE[1]
    data["citation"] = HOSTILE[2]
    data["version"] = HOSTILE[3]
    for i, node in enumerate(data["nodes"]):
        node["name"] = HOSTILE[i % len(HOSTILE)]
        node["citation"] = HOSTILE[(i + 1) % len(HOSTILE)]
    for i, indicator in enumerate(data["indicators"]):
        indicator["name"] = HOSTILE[i % len(HOSTILE)]
        indicator["note"] = HOSTILE[(i + 2) % len(HOSTILE)]
        indicator["citation"] = HOSTILE[(i + 3) % len(HOSTILE)]
        indicator["unit"] = "%" if indicator["unit"] == "%" else HOSTILE[(i + 4) % len(HOSTILE)]
    return Framework.from_dict(data)


def _hostile_panel(framework: Framework) -> pd.DataFrame:
    rows = [
        {
            "economy": e,
            "year": y,
            "indicator": code,
            "value": 100 * level * (1 + 0.01 * (y - 2022)),
            "source": HOSTILE[j % len(HOSTILE)],
            "note": HOSTILE[(j + 1) % len(HOSTILE)],
        }
        for e, level in ECONOMIES.items()
        for y in YEARS
        for j, code in enumerate(framework.indicator_codes)
    ]
    rows += [
        {
            "economy": f"{text} (regional average)",
            "year": 2023,
            "indicator": "internet_users",
            "value": 50.0,
            "source": "x",
            "note": "",
        }
        for text in HOSTILE
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    framework = _hostile_framework()
    panel = _hostile_panel(framework)
    result = build_index(panel, framework, years=list(YEARS))
    root = tmp_path_factory.mktemp("scan")
    before = set()
    out = root / "report"
    report = write_report(result, out, year=2023, profiles=["KOR", "NER"], formats=("png",))
    return result, report, out, root, before


def test_report_exports_hold_no_formula(hostile):
    result, report, out, _, _ = hostile
    assert {'=HYPERLINK("http://evil.example","click") (regional average)'} <= set(result.excluded["economy"])
    xlsx = out / "tables" / "report.xlsx"
    assert xlsx in report.tables["report.xlsx"] and xlsx.is_file()
    csvs = list((out / "tables").glob("*.csv"))
    assert len(csvs) >= 6
    assert unsafe_cells(out) == []
    excluded = pd.read_csv(out / "tables" / "excluded.csv")
    assert "'" + HOSTILE[0] + " (regional average)" in excluded["economy"].tolist()  # kept visible


def test_report_html_escapes_hostile_text(hostile):
    _, _, out, _, _ = hostile
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert html.escape("<script>alert(1)</script>") in page


def test_report_writes_only_inside_its_folder(hostile):
    _, report, out, root, _ = hostile
    assert [p.name for p in root.iterdir()] == ["report"]  # nothing beside it, no temporary folder left
    written = [p for paths in (*report.charts.values(), *report.tables.values()) for p in paths]
    assert written and all(out.resolve() in p.resolve().parents for p in written)
    assert all(p.is_file() and not p.is_symlink() for p in written)


def test_profile_file_names_come_out_sanitised(tmp_path, monkeypatch, hostile):
    """A profile 'economy' with a path in it cannot write outside the folder, whatever the chart does."""
    result = hostile[0]
    monkeypatch.setattr(charts, "profile_chart", lambda r, e, year=None: charts.ranking_chart(r, year=year))
    before = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    out = tmp_path / "deep" / "report"
    # a profile must be a scored economy: the path is refused before anything is written (issue 16)
    with pytest.raises(MethodError, match="cannot profile 'X/../../../../escaped'"):
        write_report(result, out, year=2023, profiles=["X/../../../../escaped"], formats=("png",))
    assert files_outside(out, before, tmp_path) == [] and not out.exists()


def test_a_failing_chart_leaves_no_half_written_folder(tmp_path, monkeypatch, hostile):
    result = hostile[0]

    def broken(*args, **kwargs):
        raise ValueError("malformed TeX in a node name")

    monkeypatch.setattr(charts, "profile_chart", broken)
    first = str(result.ranking(2023)["economy"].iloc[0])  # issue 23: no profile by default, so ask for one
    with pytest.raises(ValueError, match="malformed TeX"):
        write_report(result, tmp_path / "report", year=2023, formats=("png",), profiles=[first])
    assert list(tmp_path.iterdir()) == []
    good = write_report(result, tmp_path / "report", year=2023, profiles=[], formats=("png",))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(ValueError):
        write_report(result, tmp_path / "report", year=2023, formats=("png",), profiles=[first])
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # the earlier report intact
    assert good.html.is_file()


def test_cli_build_exports_hold_no_formula(tmp_path, hostile):
    framework = _hostile_framework()
    (tmp_path / "fw.yaml").write_text(framework.to_yaml(), encoding="utf-8")
    _hostile_panel(framework).to_csv(tmp_path / "panel.csv", index=False, lineterminator="\r\n")  # CR quoted
    out = CliRunner().invoke(
        app,
        [
            "build",
            "--data",
            str(tmp_path / "panel.csv"),
            "--framework",
            str(tmp_path / "fw.yaml"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / "out" / "excluded.csv").is_file()
    assert unsafe_cells(tmp_path / "out") == []


def test_a_report_written_over_an_older_one_keeps_none_of_its_charts(tmp_path, hostile):
    result = hostile[0]
    out = tmp_path / "report"
    write_report(result, out, year=2023, profiles=["KOR", "NER"], formats=("png", "svg"))
    assert (out / "charts" / "profile_NER.svg").is_file()
    second = write_report(result, out, year=2023, profiles=["ARG"], formats=("png",))
    charts_now = sorted(p.name for p in (out / "charts").iterdir())
    assert "profile_ARG.png" in charts_now and not [n for n in charts_now if "NER" in n or n.endswith(".svg")]
    assert sorted(p.name for p in out.rglob("*") if p.is_file() and p.name != ".ictindex-output.json") == sorted(
        p.name for paths in (*second.charts.values(), *second.tables.values(), [second.html]) for p in paths
    )
