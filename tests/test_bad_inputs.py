"""The bad-input catalogue (tests/bad_inputs/CATALOGUE.yaml): each malformed file gives its specific
ictindex error naming the place at fault, or a documented handling recorded in the result — through the
library and through the command line (one line on stderr, exit status 2, no traceback)."""

from __future__ import annotations

import math
import re

import pytest
import yaml
from conftest import ROOT
from exportscan import unsafe_cells
from typer.testing import CliRunner

import ictindex.errors as errors
from ictindex import build_index, load_framework, read_coinr, to_panel
from ictindex.cli import app
from ictindex.report.export import write_csv, write_xlsx
from ictindex.uncertainty import UncertaintySpec

FOLDER = ROOT / "tests" / "bad_inputs"
CASES = yaml.safe_load((FOLDER / "CATALOGUE.yaml").read_text())
IDS = [f"{c['file'].rsplit('.', 1)[0]}-{c.get('framework', 'doi').removesuffix('.yaml')}" for c in CASES]


def _framework(case: dict) -> str:
    name = case.get("framework", "doi")
    return str(FOLDER / name) if name.endswith(".yaml") else name


def _run(case: dict):
    path = FOLDER / case["file"]
    if case.get("reader") == "coinr":  # COINr's iData and iMeta (issue 30): the case's file and the other table
        panel, framework = read_coinr(
            FOLDER / case.get("idata", case["file"]), FOLDER / case.get("imeta", case["file"])
        )
        return build_index(panel, framework, units="any", **case.get("options", {}))
    if case.get("reader") == "spec":  # an uncertainty spec file (issue 30)
        return UncertaintySpec.load(path)
    if case["file"].startswith("fw_"):
        return load_framework(path)
    return build_index(path, _framework(case), **case.get("options", {}))


def test_catalogue_size_and_files():
    files = {c[key] for c in CASES for key in ("file", "idata", "imeta") if key in c}
    assert len(CASES) >= 40
    assert all((FOLDER / f).is_file() for f in files)
    helpers = {"fw_log10.yaml", "fw_minmax.yaml", "fw_zscore.yaml", "fw_geometric.yaml", "CATALOGUE.yaml"}
    assert {p.name for p in FOLDER.iterdir()} - helpers == files, "every file in the folder is a catalogued case"


@pytest.mark.parametrize(
    "case", [c for c in CASES if "error" in c], ids=[i for c, i in zip(CASES, IDS, strict=True) if "error" in c]
)
def test_bad_input_gives_its_specific_error(case):
    expected = getattr(errors, case["error"])
    with pytest.raises(errors.IctIndexError) as info:
        _run(case)
    err = info.value
    assert type(err) is expected, f"{type(err).__name__}: {err}"
    message = str(err)
    assert "\n" not in message and "Traceback" not in message
    assert re.search(case["match"], message), message
    for attribute, value in case.get("place", {}).items():
        if attribute == "file":
            assert err.file and err.file.endswith(case["file"]), message
            assert case["file"] in message
        else:
            assert str(getattr(err, attribute)) == str(value), f"{attribute}: {getattr(err, attribute)!r}"
            # the unit's place is labelled in the units' own word ("unit CCC" for COINr's units, issue 22)
            label = (err.noun or "economy") if attribute == "economy" else attribute
            assert f"{label} {value}" in message
    assert err.hint and message.endswith(f"What to do: {err.hint}")  # every error says what to do


@pytest.mark.parametrize(
    "case", [c for c in CASES if "handled" in c], ids=[i for c, i in zip(CASES, IDS, strict=True) if "handled" in c]
)
def test_documented_handling_is_recorded(case, tmp_path):
    result = _run(case)
    expect = case["handled"]
    issues = result.issues
    if "issue" in expect:
        rows = issues[issues["problem"] == expect["issue"]]
        for key in ("economy", "indicator"):
            if key in expect:
                rows = rows[rows[key] == expect[key]]
        assert not rows.empty, issues
    if expect.get("missing"):
        raw = result.raw.set_index("economy")
        assert math.isnan(raw.loc[expect["economy"], expect["indicator"]])
    if "scored" in expect:
        assert sorted(result.scores["economy"].unique()) == sorted(expect["scored"])
    for kind, economies in expect.get("excluded", {}).items():
        listed = result.excluded[result.excluded["kind"] == kind]["economy"]
        assert sorted(listed.unique()) == sorted(economies)
    if "coverage_names" in expect:
        assert result.coverage["missing"].str.contains(expect["coverage_names"]).any()
    if expect.get("exports_safe"):
        tables = {
            "scores": result.scores,
            "excluded": result.excluded,
            "coverage": result.coverage,
            "issues": result.issues,
        }
        write_csv(tables, tmp_path)
        write_xlsx(tables, tmp_path / "result.xlsx", framework=result.framework)
        assert unsafe_cells(tmp_path) == []
    # nothing silently lost: every economy of the file is scored or listed with a reason
    listed = set(result.scores["economy"]) | set(result.excluded["economy"])
    assert set(result.raw["economy"]) <= listed


HANDLED = [c for c in CASES if "handled" in c and not c["file"].startswith("fw_") and "reader" not in c]


@pytest.mark.parametrize("case", HANDLED, ids=[c["file"].rsplit(".", 1)[0] for c in HANDLED])
def test_every_economy_of_the_file_is_scored_or_listed(case):
    """The promise: every economy of the input that is not scored is listed with the reason, also when
    none of its cells is usable (all empty, all "..", all #N/A)."""
    result = _run(case)
    seen = to_panel(
        FOLDER / case["file"],
        result.framework,
        **{k: v for k, v in case.get("options", {}).items() if k == "extra_names"},
    ).economies
    assert seen, "the file names economies"
    listed = set(result.scores["economy"]) | set(result.excluded["economy"])
    missing = seen - listed
    assert not missing, f"economies of the file neither scored nor listed: {sorted(missing)}"
    reasons = result.excluded.set_index("economy")["reason"]
    for economy in seen - set(result.scores["economy"]):
        assert reasons.loc[[economy]].str.len().gt(0).all()


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "error" in c and c.get("cli", True)],
    ids=[i for c, i in zip(CASES, IDS, strict=True) if "error" in c and c.get("cli", True)],
)
def test_command_line_reports_one_line(case, tmp_path):
    if case.get("reader") == "spec":
        args = ["uncertainty", "--spec", str(FOLDER / case["file"]), "--out", str(tmp_path)]
    elif case["file"].startswith("fw_"):
        args = ["build", "--framework", str(FOLDER / case["file"]), "--out", str(tmp_path)]
    else:
        args = ["build", "--data", str(FOLDER / case["file"]), "--framework", _framework(case), "--out", str(tmp_path)]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 2, out.output
    assert out.output.startswith("error: ")
    assert not (tmp_path / "scores.csv").exists(), "a failed build writes nothing"
    assert "Traceback" not in out.output
    assert len(out.output.strip().splitlines()) == 1
