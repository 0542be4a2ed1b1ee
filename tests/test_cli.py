from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from ictindex.cli import app

runner = CliRunner()


def test_frameworks_lists_doi():
    out = runner.invoke(app, ["frameworks"])
    assert out.exit_code == 0
    assert "doi" in out.stdout and "11 indicators" in out.stdout


def test_build_writes_scores_equal_to_library(tmp_path, doi_panel):
    path = tmp_path / "panel.csv"
    doi_panel.to_csv(path, index=False)
    out = runner.invoke(app, ["build", "--data", str(path), "--out", str(tmp_path / "o")])
    assert out.exit_code == 0, out.output
    scores = pd.read_csv(tmp_path / "o" / "scores.csv")
    assert scores.sort_values("rank")["economy"].tolist() == ["KOR", "ARG", "NER"]
    provenance = json.loads((tmp_path / "o" / "provenance.json").read_text())
    assert provenance["framework"] == "doi"
    assert "3 economies scored" in out.stdout


def test_validate_prints_every_problem_and_exits_1(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "economy,year,indicator,value\nAtlantis,2020,internet_users,5\n"
        "ARG,2020,internet_users,120\nWorld,2020,internet_users,60\n"
    )
    out = runner.invoke(app, ["validate", str(path), "--framework", "doi"])
    assert out.exit_code == 1
    assert "unknown economy 'Atlantis'" in out.stdout
    assert "above the highest admissible value 100.0" in out.stdout
    # warnings: the aggregate, and each of the 10 DOI indicators absent from the file (one line for all ten)
    assert "1 usable values; 2 error(s), 11 warning(s)" in out.stdout
    assert "warning: absent_indicator (10 cells): no value in the data for this framework indicator" in out.stdout
    assert len(out.stdout.strip().splitlines()) == 5  # 4 kinds of problem and the summary


def test_validate_groups_a_repeated_problem_on_one_line(tmp_path):
    path = tmp_path / "bad.csv"
    rows = [f"ARG,{year},internet_users,{120 + year % 3}" for year in range(2005, 2019)]
    path.write_text("economy,year,indicator,value\n" + "\n".join(rows) + "\n")
    out = runner.invoke(app, ["validate", str(path), "--framework", "doi"])
    lines = [line for line in out.stdout.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, out.stdout  # 14 cells, one problem
    assert "(14 cells)" in lines[0]
    assert "[economy ARG; indicator internet_users; years 2005–2018; lines 2–15]" in lines[0]


def test_version_and_flags_without_a_value_placeholder():
    out = runner.invoke(app, ["--version"])
    assert out.exit_code == 0 and out.stdout.strip().startswith("ictindex 0.")
    for command in ("build", "report", "validate"):
        shown = runner.invoke(app, [command, "--help"]).stdout
        assert "<bool>" not in shown and "<list" not in shown and "<str>" not in shown, command
    assert "--by-sex " in runner.invoke(app, ["build", "--help"]).stdout


def test_build_on_its_defaults_and_with_coverage_and_reference_year(tmp_path):
    out = runner.invoke(app, ["build", "--out", str(tmp_path / "a")])
    assert out.exit_code == 0, out.output
    provenance = json.loads((tmp_path / "a" / "provenance.json").read_text())
    assert provenance["framework"] == "doi_current"  # the bundled data cannot build the 2006 DOI series
    out = runner.invoke(
        app,
        ["build", "--year", "2023", "--min-coverage", "0.5", "--reference-year", "2023", "--out", str(tmp_path / "b")],
    )
    assert out.exit_code == 0, out.output
    provenance = json.loads((tmp_path / "b" / "provenance.json").read_text())
    assert provenance["min_coverage"] == 0.5 and provenance["reference_year"] == 2023
    # one imputed-value count per year, as the report page gives it
    imputed = pd.read_csv(tmp_path / "b" / "imputations.csv")
    assert re.search(rf"2023: \d+ economies scored; {(imputed['year'] == 2023).sum()} values imputed", out.stdout)


def test_an_unknown_economy_name_is_an_error_naming_it(tmp_path):
    out = runner.invoke(app, ["report", "--out", str(tmp_path / "r"), "--profile", "Atlantis"])
    assert out.exit_code == 2 and "unknown economy 'Atlantis'" in out.output
    assert not (tmp_path / "r").exists()


def test_errors_are_one_line_without_traceback(tmp_path):
    out = runner.invoke(app, ["build", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path)])
    assert out.exit_code == 2
    assert out.output.strip().startswith("error: file not found")
    assert "Traceback" not in out.output and len(out.output.strip().splitlines()) == 1
    out = runner.invoke(
        app, ["build", "--data", str(tmp_path / "x.csv"), "--out", str(tmp_path), "--framework", "nope"]
    )
    assert out.exit_code == 2 and "unknown framework 'nope'" in out.output


def test_build_on_bundled_data_lists_excluded(tmp_path):
    out = runner.invoke(app, ["build", "--framework", "doi_current", "--year", "2023", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert scores["rank"].notna().sum() >= 150
    excluded = pd.read_csv(tmp_path / "excluded.csv")
    assert excluded["reason"].notna().all() and len(excluded) > 0


def test_data_command_shows_licences():
    out = runner.invoke(app, ["data"])
    assert out.exit_code == 0
    assert "CC BY-NC-SA 3.0 IGO" in out.stdout and "xHH6_IDI" in out.stdout


def test_build_by_sex_writes_the_gender_tables(tmp_path):
    out = runner.invoke(
        app, ["build", "--framework", "doi_gender", "--year", "2018", "--by-sex", "--out", str(tmp_path)]
    )
    assert out.exit_code == 0, out.output
    gender = pd.read_csv(tmp_path / "gender.csv", keep_default_na=False, na_values=[""])
    korea = gender[(gender.economy == "KOR") & (gender.node == "individual_use")].iloc[0]
    # ((94.8292 + 94.79212) / 200) / ((97.1748 + 97.15697) / 200): WDI 2025 and SDG 2023 values of 2018
    assert round(korea.parity, 4) == round((94.8292 + 94.79212) / (97.1748 + 97.15697), 4)
    assert korea.band == "women behind"
    indicators = pd.read_csv(tmp_path / "gender_indicators.csv")
    # urban and rural Internet use by sex are series of their own (i99H.urban, i99H.rural); ICT skills by type
    assert {"i99H", "i99H.urban", "i99H.rural", "IT_MOB_OWN", "SE_ADT_ACTS_ARSP"} <= set(indicators.indicator)
    assert "gender.csv" in out.stdout


def test_report_on_a_user_panel_without_sex_data(tmp_path, doi_panel):
    path = tmp_path / "panel.csv"
    doi_panel.to_csv(path, index=False)
    out = runner.invoke(app, ["report", "--data", str(path), "--framework", "doi", "--out", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    assert "no female and male values for 'internet_users'" in out.output
    assert "no female and male values for 'mobile_ownership'" in out.output
    html = (tmp_path / "r" / "index.html").read_text()
    assert "Korea (Rep.)" in html and "id='gender'" not in html


def test_a_second_build_replaces_the_first_whole(tmp_path, doi_panel):
    path = tmp_path / "panel.csv"
    doi_panel.to_csv(path, index=False)
    out = tmp_path / "o"
    first = runner.invoke(app, ["build", "--framework", "doi_gender", "--year", "2018", "--by-sex", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert (out / "gender.csv").is_file()
    second = runner.invoke(app, ["build", "--data", str(path), "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert not (out / "gender.csv").exists()  # nothing of the first run beside the second
    assert pd.read_csv(out / "scores.csv")["economy"].nunique() == 3


def test_build_refuses_a_folder_it_did_not_write(tmp_path, doi_panel):
    path = tmp_path / "panel.csv"
    doi_panel.to_csv(path, index=False)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    out = runner.invoke(app, ["build", "--data", str(path), "--out", str(tmp_path / "mine")])
    assert out.exit_code == 2 and out.output.startswith(
        "error: the output folder is not empty and was not written by ictindex"
    )
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["thesis.docx"]


def test_sheet_option_reads_that_sheet(tmp_path, doi_panel):
    path = tmp_path / "panel.xlsx"
    with pd.ExcelWriter(path) as writer:
        doi_panel.assign(value="stale").to_excel(writer, sheet_name="old", index=False)
        doi_panel.to_excel(writer, sheet_name="2023", index=False)
    out = runner.invoke(app, ["build", "--data", str(path), "--sheet", "2023", "--out", str(tmp_path / "o")])
    assert out.exit_code == 0, out.output
    assert pd.read_csv(tmp_path / "o" / "scores.csv")["economy"].nunique() == 3
    for sheet in ("old", "0"):  # by name and by position; the error names the file and the line
        out = runner.invoke(app, ["build", "--data", str(path), "--sheet", sheet, "--out", str(tmp_path / "p")])
        assert out.exit_code == 2 and "value 'stale' is not a number" in out.output
        assert f"file {path}, line 2" in out.output
    out = runner.invoke(app, ["validate", str(path), "--sheet", "nope"])
    assert out.exit_code == 2 and "no sheet 'nope' in the workbook (sheets: 'old', '2023')" in out.output


def test_concurrent_builds_into_one_folder_leave_one_complete_run(tmp_path):
    """Issue 11: two runs into one folder ended with tables of both; now each run is moved into place whole."""
    import os
    import subprocess
    import sys

    out = tmp_path / "out"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[1] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ictindex.cli",
                "build",
                "--framework",
                "doi_current",
                "--year",
                str(year),
                "--out",
                str(out),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for year in (2021, 2022, 2023)
    ]
    codes = [run.wait(timeout=600) for run in runs]
    assert codes == [0, 0, 0], [run.stderr.read().decode() for run in runs]
    years = {
        name: set(pd.read_csv(out / f"{name}.csv")["year"].dropna().astype(int))
        for name in ("scores", "coverage", "excluded")
    }
    assert len(set(map(frozenset, years.values()))) == 1 and len(years["scores"]) == 1, years
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["years"] == sorted(years["scores"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _user_panel(with_mobile: bool = True) -> pd.DataFrame:
    """doi_current framework codes for three economies, Internet use (and mobile ownership) by sex."""
    from ictindex import load_framework

    rows = []
    for i, economy in enumerate(["KOR", "BRA", "NER"]):
        for code in load_framework("doi_current").indicator_codes:
            rows.append((economy, 2023, code, "total", 50.0 + 10 * i))
        sexed = ["internet_users", "mobile_ownership"] if with_mobile else ["internet_users"]
        for code in sexed:
            rows += [(economy, 2023, code, "female", 40.0 + 10 * i), (economy, 2023, code, "male", 60.0)]
        if with_mobile:
            rows.append((economy, 2023, "mobile_ownership", "total", 50.0 + 5 * i))
    return pd.DataFrame(rows, columns=["economy", "year", "indicator", "sex", "value"])


def test_report_on_a_user_panel_with_framework_codes_by_sex(tmp_path):
    path = tmp_path / "panel.csv"
    _user_panel().to_csv(path, index=False)
    out = runner.invoke(app, ["report", "--data", str(path), "--out", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output  # by-sex mobile_ownership rows used to end the report (exit 2)
    gender = pd.read_csv(tmp_path / "r" / "tables" / "gender.csv").set_index("economy")
    # NER: women (60 + 60) / 200, men (60 + 60) / 200 -> parity 1; KOR: (40 + 40) / (60 + 60)
    assert abs(gender.loc["KOR", "parity"] - 80 / 120) < 1e-12 and gender.loc["NER", "parity"] == 1.0
    assert "id='gender'" in (tmp_path / "r" / "index.html").read_text()


def test_report_on_a_user_panel_lacking_one_ingredient_names_it(tmp_path):
    path = tmp_path / "panel.csv"
    _user_panel(with_mobile=False).to_csv(path, index=False)
    out = runner.invoke(app, ["report", "--data", str(path), "--out", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    assert "no female and male values for 'mobile_ownership'" in out.output
    assert "internet_users" not in out.output.split("no female and male values for")[1].split(")")[0]
    parity = pd.read_csv(tmp_path / "r" / "tables" / "gender_indicators.csv")  # Internet use parity still shown
    assert sorted(parity.economy) == ["BRA", "KOR", "NER"] and (parity.indicator == "internet_users").all()


def test_build_by_sex_on_a_user_panel_with_framework_codes(tmp_path):
    path = tmp_path / "panel.csv"
    _user_panel(with_mobile=False).to_csv(path, index=False)
    out = runner.invoke(
        app, ["build", "--data", str(path), "--framework", "doi_current", "--by-sex", "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 0, out.output
    indicators = pd.read_csv(tmp_path / "o" / "gender_indicators.csv").set_index("economy")
    assert abs(indicators.loc["KOR", "parity"] - 40 / 60) < 1e-12
    assert indicators.loc["KOR", "indicator"] == "internet_users"
    gender = pd.read_csv(tmp_path / "o" / "gender.csv")
    assert gender.query("node == 'utilization'")["female"].notna().all()


# -- data quality (issue 21) ------------------------------------------------------------------------------------
def _priced_panel(tmp_path: Path) -> Path:
    rows = [
        ("KOR", 2023, "internet_users", 97.5),
        ("ARG", 2023, "internet_users", 89.0),
        ("KOR", 2023, "mobile_coverage", 100.0),
        ("ARG", 2023, "mobile_coverage", 99.0),
        ("KOR", 2023, "hh_internet", 99.0),
        ("ARG", 2023, "hh_internet", 70.0),
        ("KOR", 2023, "internet_tariff", 0.0),  # not a price
        ("ARG", 2023, "internet_tariff", 2.0),
    ]
    path = tmp_path / "panel.csv"
    pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"]).to_csv(path, index=False)
    return path


def test_describe_prints_the_statistics_and_the_checks_that_fired(tmp_path):
    path = _priced_panel(tmp_path)
    out = runner.invoke(app, ["describe", str(path), "--framework", "doi", "--out", str(tmp_path / "d.csv")])
    assert out.exit_code == 0, out.output
    header = out.stdout.splitlines()[0].split()
    assert header[:4] == ["indicator", "count", "missing", "min"] and header[-3:] == ["unit", "goalposts", "checks"]
    tariff = next(line for line in out.stdout.splitlines() if line.strip().startswith("internet_tariff"))
    assert tariff.split()[1] == "2" and tariff.endswith("zero_price 1")
    table = pd.read_csv(tmp_path / "d.csv")
    assert table.set_index("indicator").loc["internet_users", "count"] == 2


def test_validate_lists_the_checks_and_describes_the_indicators(tmp_path):
    path = _priced_panel(tmp_path)
    out = runner.invoke(app, ["validate", str(path), "--framework", "doi", "--min-coverage", "0.3"])
    assert out.exit_code == 0, out.output
    assert "warning: zero_price: a price of 0 is not a price" in out.stdout
    # a check of scores, which a build finds: Infrastructure has 1 of 5 indicators, fewer than 0.3 of them
    assert "warning: missing_category (2 cells): DOI scored without its Infrastructure" in out.stdout
    assert "Indicators of doi before imputation (ictindex describe):" in out.stdout
    assert "IctIndexWarning" not in out.output


def test_build_counts_the_warnings_in_one_line_and_writes_them(tmp_path):
    path = _priced_panel(tmp_path)
    out = runner.invoke(app, ["build", "--data", str(path), "--out", str(tmp_path / "o"), "--min-coverage", "0.3"])
    assert out.exit_code == 0, out.output
    issues = pd.read_csv(tmp_path / "o" / "issues.csv")
    warned = issues[issues["severity"] == "warning"]
    line = next(line for line in out.stdout.splitlines() if line.startswith("data quality:"))
    assert line.startswith(f"data quality: {len(warned)} warning(s) (")
    assert "zero_price 1" in line
    assert line.endswith(f"list them with: ictindex validate {path} --framework doi --year 2023 --min-coverage 0.3")
    assert "IctIndexWarning" not in out.output
