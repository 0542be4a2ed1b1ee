"""Safe writing: formula neutralisation (OWASP CSV injection), file names from data, output folders that are
replaced whole or not at all, symbolic links never followed."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pandas as pd
import pytest
from exportscan import unsafe_cells
from hypothesis import given
from hypothesis import strategies as st

from ictindex.errors import OutputError
from ictindex.report.export import write_csv, write_xlsx
from ictindex.safety import MANIFEST, inside, output_folder, safe_filename, safe_table, safe_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("Korea (Rep.)", "Korea (Rep.)"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_text_prefixes_what_a_spreadsheet_would_run(text, expected):
    assert safe_text(text) == expected


@given(st.text(max_size=40))
def test_safe_text_keeps_the_text_visible_and_never_starts_a_formula(text):
    out = safe_text(text)
    assert out in (text, "'" + text)  # the original text is kept, at most behind one quote
    assert not out.lstrip(" \u00a0").startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_safe_table_leaves_numbers_and_the_input_alone():
    table = pd.DataFrame({"=economy": ["=1+1", "KOR"], "score": [-1.5, 2.0], "rank": [1, 2]})
    before = table.copy()
    out = safe_table(table)
    assert out.columns.tolist() == ["'=economy", "score", "rank"]
    assert out["'=economy"].tolist() == ["'=1+1", "KOR"] and out["score"].tolist() == [-1.5, 2.0]
    pd.testing.assert_frame_equal(table, before)


@given(st.text(max_size=60))
def test_safe_filename_is_one_component_inside_the_folder(label):
    name = safe_filename(label)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    root = Path("/srv/out")
    assert (root / name).resolve().parent == root.resolve()


def test_inside_refuses_a_path_that_escapes(tmp_path):
    assert inside(tmp_path, tmp_path / "charts" / "a.png") == tmp_path / "charts" / "a.png"
    with pytest.raises(OutputError, match="outside the output folder"):
        inside(tmp_path / "out", tmp_path / "out" / ".." / "escaped")


def test_hostile_tables_exported_hold_no_formula(tmp_path):
    hostile = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1", "x\r=1", "y\n=1"]
    table = pd.DataFrame({"economy": hostile, "note": hostile[::-1], "value": [-1.0, 2, 3, 4, 5, 6, 7, 8]})
    write_csv({"t": table}, tmp_path)
    write_xlsx({"t": table}, tmp_path / "t.xlsx")
    assert unsafe_cells(tmp_path) == []
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["economy"].tolist() == [safe_text(h) for h in hostile]  # visible, behind one quote
    assert back["economy"].tolist()[:6] == ["'" + h for h in hostile[:6]]
    assert back["value"].tolist() == [-1.0, 2, 3, 4, 5, 6, 7, 8]  # negative numbers stay numbers


# -- output folders ----------------------------------------------------------------------------------
def _run(target: Path, files: dict[str, str]) -> None:
    with output_folder(target) as work:
        for name, text in files.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_second_run_replaces_the_first_whole(tmp_path):
    out = tmp_path / "out"
    _run(out, {"scores.csv": "2019", "gender.csv": "2019", "charts/profile_KOR.png": "x"})
    _run(out, {"scores.csv": "2020"})
    assert _listing(out) == [MANIFEST, "scores.csv"]  # no gender.csv or chart left from the first run
    assert (out / "scores.csv").read_text() == "2020"
    assert json.loads((out / MANIFEST).read_text())["files"] == ["scores.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left


def test_a_failing_step_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    _run(out, {"scores.csv": "first"})
    with pytest.raises(RuntimeError), output_folder(out) as work:
        (work / "scores.csv").write_text("half")
        raise RuntimeError("a chart failed")
    assert (out / "scores.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(RuntimeError), output_folder(tmp_path / "new") as work:
        raise RuntimeError("failed at once")
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("content", ["notes.txt", "sub/data.csv"])
def test_a_folder_that_is_not_ours_is_refused_before_anything_is_written(tmp_path, content):
    out = tmp_path / "out"
    (out / content).parent.mkdir(parents=True)
    (out / content).write_text("mine")
    with pytest.raises(OutputError, match="not empty and was not written by ictindex") as info, output_folder(out):
        pytest.fail("the body must not run")
    assert info.value.hint and (out / content).read_text() == "mine"


def test_a_foreign_file_added_to_our_folder_is_kept_and_refused(tmp_path):
    out = tmp_path / "out"
    _run(out, {"scores.csv": "1"})
    (out / "my_analysis.xlsx").write_text("precious")
    with pytest.raises(OutputError, match="files ictindex did not write: my_analysis.xlsx"):
        _run(out, {"scores.csv": "2"})
    assert (out / "my_analysis.xlsx").read_text() == "precious"


def test_symlinks_are_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    _run(out, {"scores.csv": "1"})
    (out / "scores.csv").unlink()
    (out / "scores.csv").symlink_to(victim)  # planted where the next run writes
    _run(out, {"scores.csv": "2"})
    assert victim.read_text() == "keep me" and not (out / "scores.csv").is_symlink()
    assert (out / "scores.csv").read_text() == "2"
    (out / "index.html").symlink_to(victim)  # a link the manifest does not list: the folder is refused
    with pytest.raises(OutputError, match="did not write: index.html"):
        _run(out, {"index.html": "x"})
    assert victim.read_text() == "keep me"
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutputError, match="is a symbolic link"):
        _run(link, {"a.csv": "x"})


def test_a_file_as_target_and_a_forged_manifest_are_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        _run(tmp_path / "file", {"a.csv": "x"})
    out = tmp_path / "forged"
    out.mkdir()
    (out / MANIFEST).write_text("not json")
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(OutputError, match="not written by ictindex"):
        _run(out, {"a.csv": "x"})


def test_concurrent_runs_end_with_one_complete_run(tmp_path):
    out = tmp_path / "out"
    errors = []

    def run(year: int) -> None:
        try:
            _run(
                out,
                {f"tables/{name}.csv": str(year) for name in ("ranking", "coverage", "excluded")}
                | {"index.html": str(year)},
            )
        except Exception as err:  # noqa: BLE001 - collected and checked below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(year,)) for year in (2019, 2020, 2021, 2022)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    contents = {(out / name).read_text() for name in _listing(out) if name != MANIFEST}
    assert len(contents) == 1, f"files from several runs: {contents}"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert sorted(os.listdir(out / "tables")) == ["coverage.csv", "excluded.csv", "ranking.csv"]


def test_the_current_folder_is_never_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for target in (Path("."), tmp_path, tmp_path.parent):
        with pytest.raises(OutputError, match="the current folder or contains it"):
            _run(target, {"a.csv": "x"})
    _run(Path("sub"), {"a.csv": "x"})  # a subfolder is fine
    assert (tmp_path / "sub" / "a.csv").read_text() == "x"
