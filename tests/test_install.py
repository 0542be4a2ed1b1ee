"""Clean install: build the wheel, install it (not editable) in a fresh venv, run the CLI.

A framework or data file missing from the wheel fails here. The fresh venv reuses the
already-installed dependencies (a path entry) so the test needs no network.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("install")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(base / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next((base / "dist").glob("ictindex-*.whl"))
    venv.create(base / "env", with_pip=True)
    python = base / "env" / "bin" / "python"
    # make the test environment's dependencies importable (a plain path entry: the .pth files there,
    # such as this checkout's editable install, are not processed)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)], check=True
    )
    return base


def _run(base: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(base / "env" / "bin" / "ictindex"), *args], cwd=base, capture_output=True, text=True, check=False
    )


def test_wheel_ships_frameworks_and_data(installed):
    python = installed / "env" / "bin" / "python"
    code = (
        "import ictindex, ictindex.resources as r; print(ictindex.__file__); "
        "print(r.bundled_dir('indicators')); print(r.bundled_dir('data'))"
    )
    out = subprocess.run(
        [str(python), "-c", code], cwd=installed, capture_output=True, text=True, check=True
    ).stdout.split()
    assert all("/env/" in line for line in out), out
    assert (Path(out[1]) / "doi.yaml").is_file()
    assert (Path(out[2]) / "README.md").is_file()


def test_cli_build_and_validate_from_wheel(installed, doi_panel):
    data = installed / "panel.csv"
    doi_panel.to_csv(data, index=False)
    listed = _run(installed, "frameworks")
    assert listed.returncode == 0 and "doi" in listed.stdout
    built = _run(installed, "build", "--data", str(data), "--out", str(installed / "out"))
    assert built.returncode == 0, built.stderr
    assert (installed / "out" / "scores.csv").is_file()
    checked = _run(installed, "validate", str(data), "--framework", "doi")
    assert checked.returncode == 0 and "0 error(s)" in checked.stdout


def test_main_job_on_bundled_data_from_wheel(installed):
    built = _run(installed, "build", "--framework", "doi_current", "--year", "2023", "--out", str(installed / "build"))
    assert built.returncode == 0, built.stderr
    assert "economies scored" in built.stdout
    assert (installed / "build" / "excluded.csv").is_file()
    # the README's main command: the report (needs the bundled map and the gender framework)
    report = _run(
        installed, "report", "--framework", "doi_current", "--year", "2023", "--out", str(installed / "report")
    )
    assert report.returncode == 0, report.stderr
    assert (installed / "report" / "index.html").is_file()
    assert (installed / "report" / "charts" / "map.svg").is_file()
    assert (installed / "report" / "charts" / "gender_parity.png").is_file()


def test_explorer_from_wheel(installed):
    """The explorer's script and style are package data: the page written from the wheel holds them."""
    page = installed / "explorer.html"
    explored = _run(installed, "explore", "--year", "2023", "--out", str(page))
    assert explored.returncode == 0, explored.stderr
    text = page.read_text(encoding="utf-8")
    assert "window.ictindex = {" in text and "table-layout:fixed" in text
