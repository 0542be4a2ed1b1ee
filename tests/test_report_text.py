"""Hostile and unusual text in the report's outputs (issue 30, class 7): control characters, Cyrillic and CJK names
and very long words keep tables.tex compiling (lualatex; pdflatex stops with a message saying so); "$" and TeX
markup in names are text in charts, never math; a report of one economy and one year is written."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ictindex import Framework, build_index, load_framework
from ictindex.report import charts, write_report
from ictindex.report.export import _column_specs, latex_document, to_latex
from ictindex.report.style import plain_text, style

HOSTILE_NAME = "Индекс 数字指数 \x07bell\x1b[31m $x^2$ \\textbf{bold} $\\frac{1}{2}$ " + "A" * 300
LONG_WORD = "Z" * 20_000


def _engine(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("ICTINDEX_REQUIRE_TEX"):
            pytest.fail(f"{name} is required (ICTINDEX_REQUIRE_TEX is set): install texlive-luatex")
        pytest.skip(f"{name} not installed (CI installs texlive-luatex and fonts-noto-cjk)")
    return found


def _compile(engine: str, folder, out) -> tuple[int, str]:
    run = subprocess.run(
        [_engine(engine), "-interaction=nonstopmode", "-halt-on-error", "-output-directory", str(out), "tables.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return run.returncode, (out / "tables.log").read_text(errors="replace")


# -- LaTeX text ------------------------------------------------------------------------------------------
def test_control_characters_surrogates_and_markup_are_text():
    names = pd.Series(
        ["a\x07b\x1bc\x0cd", "e\ud800f", "$\\frac{1}{2}$ & 100%"], dtype="object"
    )  # (Arrow: no surrogate)
    tex = to_latex(pd.DataFrame({"name": names}), caption="t\x00")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", tex)  # TeX refuses them as invalid characters
    assert "a b c d" in tex and "e?f" in tex  # an unpaired surrogate cannot even be written as UTF-8
    assert "\\$\\textbackslash{}frac\\{1\\}\\{2\\}\\$ \\& 100\\%" in tex


def test_a_very_long_word_may_break_and_never_widens_a_column_past_tex_limits():
    table = pd.DataFrame({"name": [LONG_WORD], "value": [1.0]})
    specs, _, _ = _column_specs(table, [LONG_WORD[:5000], "value"], 2)
    widths = [float(re.search(r"p\{([\d.]+)cm\}", spec)[1]) for spec in specs]
    assert max(widths) < 16  # before: 20,000 characters asked for a column of ~3,100 cm, "Dimension too large"
    tex = to_latex(table)
    assert tex.count("\\allowbreak{}") == 20_000 // 12
    # a code with underscores breaks there, as before, and gets no extra break
    assert "mobile\\_\\allowbreak{}broadband\\_\\allowbreak{}subscribers" in to_latex(
        pd.DataFrame({"c": ["mobile_broadband_subscribers"]})
    )


def test_only_text_outside_pdflatex_reach_asks_for_lualatex():
    latin = to_latex(pd.DataFrame({"economy": ["Côte d'Ivoire", "Türkiye", "São Tomé — Príncipe", "Ísland ð þ €"]}))
    assert "PackageError" not in latin
    for script in ("Россия", "中国", "한국", "Ελλάδα", "ħ"):
        assert "compile with lualatex" in to_latex(pd.DataFrame({"economy": [script]}))
    assert "compile with lualatex" in latex_document({"a.tex": ""}, title="Индекс")
    assert "compile with lualatex" not in latex_document({"a.tex": ""}, title="Index")


# -- a report with hostile names, and a report of one economy ----------------------------------------
@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    data = load_framework("doi").model_dump()
    data["name"] = HOSTILE_NAME
    data["nodes"][1]["name"] = "Opportunité $\\frac{1}{2}$ $ " + LONG_WORD[:400]
    data["indicators"][8]["name"] = "Пользователи 互联网用户 \x0c " + "Y" * 200
    data["indicators"][8]["unit"] = "US$ per $100"
    framework = Framework.model_validate(data)
    rows = {"KOR": (100, 97.0, 85.0), "ARG": (99, 88.0, 60.0), "NER": (70, 20.0, 4.0), "BRA": (98, 81.0, 70.0)}
    codes = ("mobile_coverage", "internet_users", "hh_computer")
    panel = pd.DataFrame(
        [
            {"economy": e, "year": year, "indicator": c, "value": v * (1 if year == 2023 else 0.9)}
            for e, values in rows.items()
            for year in (2022, 2023)
            for c, v in zip(codes, values, strict=True)
        ]
    )
    result = build_index(panel, framework, min_coverage=0.3)
    return write_report(result, tmp_path_factory.mktemp("hostile"), divide=False, formats=("png", "svg"))


def test_tables_with_names_in_any_script_compile_with_lualatex(hostile_report, tmp_path):
    folder = hostile_report.tables["tables.tex"][0].parent
    code, log = _compile("lualatex", folder, tmp_path)
    assert code == 0, log[-3000:]
    text = subprocess.run(["pdftotext", str(tmp_path / "tables.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Индекс" in text and "数字指数" in text and "Пользователи" in text  # set with the fallback fonts


def test_pdflatex_stops_with_a_message_saying_to_use_lualatex(hostile_report, tmp_path):
    folder = hostile_report.tables["tables.tex"][0].parent
    code, log = _compile("pdflatex", folder, tmp_path)
    assert code != 0 and "pdflatex cannot set (Cyrillic, CJK, ...): compile with lualatex" in log.replace("\n", "")


def test_dollars_and_tex_markup_in_names_are_text_in_charts(hostile_report):
    import xml.etree.ElementTree as ElementTree

    files = [p for paths in hostile_report.charts.values() for p in paths if p.suffix == ".svg"]
    svg = "".join(p.read_text(encoding="utf-8") for p in files)
    assert "Opportunité $\\frac{1}{2}$ $" in svg and "$x^2$ \\textbf{bold}" in svg  # as written, not typeset
    for path in files:  # a control character in a name made every SVG file invalid XML
        ElementTree.parse(path)


def test_text_on_a_callers_axes_and_invalid_math_never_reach_the_parser():
    with mpl.rc_context({"text.parse_math": True}):
        fig = Figure()
        ax = fig.add_subplot()
        ax.set_title("$\\frac$")  # invalid math: a parse error at draw time
        ax.set_yticks([0, 1], labels=["US$ 5", "$\\alpha$"])
    plain_text(ax)
    fig.savefig(io.BytesIO(), format="png")  # draws without a mathtext error
    assert not any(t.get_parse_math() for t in ax.findobj(mpl.text.Text))
    with style():
        made = Figure().text(0, 0, "$\\frac$")
    assert not made.get_parse_math()


def test_a_report_of_one_economy_and_one_year(tmp_path):
    """The map's quantile classes of a single score were all NaN, which pandas refused to cast."""
    panel = pd.DataFrame(
        {
            "economy": "KOR",
            "year": 2023,
            "indicator": ["mobile_coverage", "hh_internet", "internet_users"],
            "value": [100.0, 99.9, 97.2],
        }
    )
    result = build_index(panel, "doi", min_coverage=0.3)
    report = write_report(result, tmp_path / "one")
    assert report.html.exists() and "tables.tex" in report.tables
    codes, labels = charts.quantile_classes(result.ranking(2023).set_index("economy")["DOI"])
    assert codes.tolist() == [0] and len(labels) == 1 and labels[0].endswith("(1)")
