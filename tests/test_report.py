"""Report output: the content of tables, exports, charts and the report folder."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from typer.testing import CliRunner

from ictindex import build_index, datasets, load_framework
from ictindex.cli import app
from ictindex.countries import report_name
from ictindex.errors import IctIndexError, MethodError
from ictindex.report import charts, write_report
from ictindex.report.export import HEADER_ROW, format_number, to_html, to_latex, write_xlsx
from ictindex.report.maps import world_polygons
from ictindex.report.quality import SHORT_MARKERS
from ictindex.report.style import SOURCE_GID, save_figure
from ictindex.report.tables import (
    RankingRule,
    apply_ranking_rule,
    coverage_table,
    data_coverage,
    group_averages,
    ranking_table,
)

#: pandas 2 reads floats exactly only with float_precision="round_trip" (pandas 3 by default, and deprecates it)
ROUND_TRIP = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}

YEAR = 2023


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.fixture(scope="module")
def result(panel):
    return build_index(panel, "doi_current", years=[YEAR - 1, YEAR])


@pytest.fixture(scope="module")
def report(result, panel, tmp_path_factory):
    gender = build_index(panel, "doi_gender", by_sex=True)
    out = tmp_path_factory.mktemp("report")
    return write_report(result, out, year=YEAR, gender=gender, profiles=["KOR", "BRA"])


# -- tables -----------------------------------------------------------------------------------------
def test_ranking_table_change_since_previous_year(result):
    table = ranking_table(result, YEAR)
    assert table["rank"].tolist() == sorted(table["rank"].tolist())
    both = result.scores.pivot(index="economy", columns="year", values="DOI").dropna()
    # issue 23 (on purpose): places gained among the economies ranked in both years, on scores at 2 decimals
    ranks = both.round(2).rank(method="min", ascending=False)
    for economy in ["KOR", "BRA", "GBR"]:
        row = table.set_index("economy").loc[economy]
        assert row.change == pytest.approx(both.loc[economy, YEAR] - both.loc[economy, YEAR - 1], abs=1e-15)
        assert row.rank_change == ranks.loc[economy, YEAR - 1] - ranks.loc[economy, YEAR]
    assert table.loc[table.economy == "KOR", "name"].item() == "Korea (Rep.)"


def test_group_averages_simple_and_population_weighted(result):
    groups = pd.DataFrame(
        {"income": ["A", "A", "B"], "population": [1.0, 3.0, np.nan], "population_year": [2013, 2013, pd.NA]},
        index=["KOR", "BRA", "GBR"],
    )
    table = group_averages(result, YEAR, by="income", groups=groups).set_index("group")
    scores = result.ranking(YEAR).set_index("economy")["DOI"]
    assert table.loc["A", "DOI (simple mean)"] == pytest.approx((scores["KOR"] + scores["BRA"]) / 2)
    assert table.loc["A", "DOI (population-weighted)"] == pytest.approx((scores["KOR"] + 3 * scores["BRA"]) / 4)
    assert table.loc["B", "economies_without_population"] == 1
    assert np.isnan(table.loc["B", "DOI (population-weighted)"])
    # every scored economy is in exactly one group, including those without metadata
    others = table.drop(index="All scored economies")
    assert others["economies"].sum() == table.loc["All scored economies", "economies"] == len(scores)


def test_group_averages_on_bundled_groups(result):
    table = group_averages(result, YEAR, by="income")
    assert table["group"].tolist()[:4] == ["High income", "Upper-middle income", "Lower-middle income", "Low income"]
    high = table.set_index("group").loc["High income"]
    assert high["DOI (simple mean)"] > table.set_index("group").loc["Low income", "DOI (simple mean)"]
    with pytest.raises(MethodError, match="unknown grouping"):
        group_averages(result, YEAR, by="continent")


def test_coverage_table_counts_add_up(result):
    table = coverage_table(result, YEAR)
    indicators = table[table.level == "indicator"]
    nodes = table[table.level == "node"].set_index("code")
    economies = nodes.loc["DOI", ["scored", "partly_scored", "not_scored"]].sum()
    assert (indicators[["reported", "imputed", "missing"]].sum(axis=1) == economies).all()
    assert (nodes[["scored", "partly_scored", "not_scored"]].sum(axis=1) == economies).all()
    assert nodes.loc["DOI", "scored"] + nodes.loc["DOI", "partly_scored"] == len(result.ranking(YEAR))


# -- exports --------------------------------------------------------------------------------------------
def test_xlsx_has_every_sheet_and_the_exact_scores(report, result):
    path = report.tables["report.xlsx"][0]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "ranking",
        "ranking_flags",
        "averages_income",
        "averages_itu_region",  # issue 23: an ITU framework's report groups by ITU region
        "coverage",
        "excluded",
        "imputations",
        "value_flags",
        "sources",
        "breaks",
        "estimates",  # the world and group estimates section (issue 24), after the averages
        "estimates_published",
        "gender",
        "gender_indicators",
        "gender_skills",
        "gender_groups",
        "divide_inequality",
        "divide_groups",
        "divide_theil",
        "divide_convergence",
        "divide_urban_rural",
        "wsis_targets",
        "data_quality_describe",  # the data-quality section (issue 21), in page order after the divide
        "data_quality_summary",
        "data_quality",
        "methodology",
        "provenance",
    ]
    breaks = pd.read_csv(report.tables["breaks"][0])
    starts = breaks.query("indicator == 'mobile_tariff' and kind == 'starts'")  # the 5 GB basket from 2023
    assert starts["economies"].item() == len(result.breaks.query("indicator == 'mobile_tariff' and kind == 'starts'"))
    sheet = book["ranking"]
    # title, notes and source rows above the table; the header frozen and filtered
    assert sheet["A1"].value.startswith(f"Digital Opportunity Index (current series), {YEAR}: ranking")
    assert "Ranked: every scored economy" in sheet["A2"].value
    assert "CC BY-NC-SA 3.0 IGO" in sheet["A3"].value
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    n = len(result.ranking(YEAR))
    from openpyxl.utils import get_column_letter

    width = len(pd.read_csv(report.tables["ranking"][0], nrows=1).columns)
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:{get_column_letter(width)}{HEADER_ROW + n}"
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[:9] == [
        "Rank",
        "Code",
        "Economy",
        "ITU region",  # issue 23: region and income columns
        "Income group",
        "Digital Opportunity Index",
        "Opportunity",
        "Infrastructure",
        "Utilization",
    ]
    assert header[9:12] == [
        f"Rank {YEAR - 1} (ranked both years)",
        "Places gained",
        f"Score change since {YEAR - 1}",
    ]
    read = pd.read_excel(path, sheet_name="ranking", engine="openpyxl", skiprows=HEADER_ROW - 1)
    expected = result.ranking(YEAR)
    assert read["Code"].tolist() == expected["economy"].tolist()
    for node, label in [("DOI", "Digital Opportunity Index"), ("utilization", "Utilization")]:
        # openpyxl writes 16 significant digits: equal to a relative 5e-16 (CSV is exact, see below)
        np.testing.assert_allclose(read[label].to_numpy(), expected[node].to_numpy(), rtol=5e-16, atol=0)
    assert sheet.cell(row=HEADER_ROW + 1, column=6).number_format == "0.00"
    # numbers are numbers: ranks and the population year are stored as numbers, not text
    assert isinstance(sheet.cell(row=HEADER_ROW + 1, column=1).value, int)
    averages = book["averages_income"]
    years = [c.value for c in next(averages.iter_cols(min_col=3, max_col=3, min_row=HEADER_ROW + 1))]
    assert all(isinstance(v, int) for v in years if v is not None) and any(isinstance(v, int) for v in years)
    methodology = pd.read_excel(path, sheet_name="methodology", engine="openpyxl", skiprows=HEADER_ROW - 1)
    assert set(load_framework("doi_current").indicator_codes) <= set(methodology["Code"])
    provenance = pd.read_excel(path, sheet_name="provenance", engine="openpyxl", skiprows=HEADER_ROW - 1)
    assert provenance["Value"].str.contains("CC BY-NC-SA 3.0 IGO").any()


def test_csv_round_trip_is_exact(report, result):
    read = pd.read_csv(report.tables["ranking"][0], **ROUND_TRIP)
    expected = ranking_table(result, YEAR)
    for column in ["DOI", "opportunity", "infrastructure", "utilization", "change"]:
        np.testing.assert_array_equal(read[column].to_numpy(), expected[column].to_numpy())
    assert read["rank"].tolist() == expected["rank"].tolist()


def test_latex_is_booktabs_with_one_row_per_economy(report, result):
    tex = report.tables["ranking"][1].read_text()
    # 203 rows: a longtable that repeats its header on every page
    assert "\\begin{longtable}" in tex and tex.count("\\end{longtable}") == 1
    assert tex.count("\\toprule") == tex.count("\\midrule") == 2 and tex.count("\\bottomrule") == 1
    assert "\\endfirsthead" in tex and "\\endhead" in tex
    # the label sits on the caption's row: a \\label row of its own is "! Misplaced \\noalign"
    assert re.search(r"\\caption\{[^\n]*\}\\label\{tab:ranking\} \\\\\n", tex)
    body = tex.split("\\endlastfoot")[1].split("\\end{longtable}")[0]
    assert body.count("\\\\") == len(result.ranking(YEAR))
    short = report.tables["averages_income"][1].read_text()
    assert "\\begin{table}" in short and short.count("\\toprule") == 1
    assert all(paths[-1].suffix == ".tex" for name, paths in report.tables.items() if name != "report.xlsx")
    assert "Korea (Rep.) & Asia-Pacific & High income & 0.92" in tex  # KOR 2023 DOI 0.919 at 2 decimals
    assert f"Rank {YEAR - 1}" in tex
    assert to_latex(pd.DataFrame({"a": [np.nan], "b": ["x_y & z"]})).count("-- & x\\_\\allowbreak{}y \\& z") == 1


def _pdflatex() -> str:
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("ICTINDEX_REQUIRE_TEX"):
            pytest.fail("pdflatex is required (ICTINDEX_REQUIRE_TEX is set): install texlive-latex-recommended")
        pytest.skip("pdflatex not installed (CI installs texlive-latex-base and texlive-latex-recommended)")
    return found


def test_every_latex_table_compiles_and_fits_a4(report, tmp_path):
    """The master document inputs every table and compiles with pdflatex without an error or an
    overfull box (a table wider than the A4 text block, or a cell wider than its column)."""
    folder = report.tables["tables.tex"][0].parent
    master = (folder / "tables.tex").read_text()
    tex_tables = sorted(
        p.name for paths in report.tables.values() for p in paths if p.suffix == ".tex" and p.name != "tables.tex"
    )
    expected = [n for n, paths in report.tables.items() if n not in ("report.xlsx", "tables.tex")]
    assert len(tex_tables) == len(expected) >= 9 and all(f"\\input{{{name}}}" in master for name in tex_tables)
    run = subprocess.run(
        [_pdflatex(), "-interaction=nonstopmode", "-halt-on-error", "-output-directory", str(tmp_path), "tables.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = (tmp_path / "tables.log").read_text(errors="replace")
    assert run.returncode == 0, log[-3000:]
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*", log)
    assert "Overfull \\vbox" not in log
    assert (tmp_path / "tables.pdf").stat().st_size > 10_000


def test_html_is_self_contained_and_names_every_scored_economy(report, result):
    text = report.html.read_text()
    assert "<img" in text and 'src="http' not in text and "<script" not in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == len(report.charts)
    plain = html.unescape(text)
    missing = [e for e in result.ranking(YEAR)["economy"] if report_name(e) not in plain]
    assert not missing
    assert "CC BY-NC-SA 3.0 IGO" in plain
    assert "Gender parity score" in plain and "ITU: parity within 0.98–1.02" in plain
    assert "too small to draw" in plain


_BAD_CELL = re.compile(r"^(-0(\.0+)?|<NA>|nan|NaN|None|NaT)$")


def test_no_minus_zero_or_na_in_any_output(report):
    """No "-0.00", "<NA>", "nan" or "None" in any HTML, LaTeX or XLSX cell of the bundled report."""
    page = report.html.read_text()
    cells = [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", page)
    ]
    assert len(cells) > 2000
    assert not [c for c in cells if _BAD_CELL.match(c)]
    minus_zero = re.compile(r"(?<![\d.])-0\.0+(?!\d)")
    assert "<NA>" not in html.unescape(page) and not minus_zero.search(page)
    for paths in report.tables.values():
        for path in paths:
            if path.suffix == ".tex":
                rows = path.read_text().split("\\endlastfoot")[-1]
                tex_cells = [c.strip() for line in rows.splitlines() for c in line.rstrip("\\ ").split(" & ")]
                assert not [c for c in tex_cells if _BAD_CELL.match(c)], path.name
                assert not minus_zero.search(path.read_text()) and "<NA>" not in path.read_text(), path.name
    book = openpyxl.load_workbook(report.tables["report.xlsx"][0])
    for sheet in book.worksheets:
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [t for t in texts if _BAD_CELL.match(t.strip())], sheet.title


def test_html_has_readable_headers_and_right_aligned_numbers(report):
    page = report.html.read_text()
    ranking = page.split('id="ranking-table"')[1].split("</table>")[0]
    headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", ranking)
    assert headers[:12] == [
        "Rank",
        "Code",
        "Economy",
        "ITU region",  # issue 23: region and income columns
        "Income group",
        "Digital Opportunity Index",
        "Opportunity",
        "Infrastructure",
        "Utilization",
        f"Rank {YEAR - 1} (ranked both years)",
        "Places gained",
        f"Score change since {YEAR - 1}",
    ]
    assert "_" not in "".join(headers)  # no raw codes
    first = re.search(r"<tr>(.*?)</tr>", ranking.split("<tbody>")[1]).group(1)
    # issue 23: region and income columns after the name
    assert first.startswith(
        '<td class="num">1</td><td>MCO</td><td>Monaco</td><td>Europe</td><td>High income</td><td class="num">0.99</td>'
    )
    assert "internet_tariff</th>" not in page and "Fixed-broadband basket" in page
    excluded = page.split("<h3>Not scored</h3>")[1].split("</table>")[0]
    assert '<th scope="col">Economy</th>' in excluded and "<td>Antarctica</td>" not in excluded
    assert "@media print" in page and ".scroll,.wide{max-height:none;overflow:visible" in page


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    if os.environ.get("ICTINDEX_REQUIRE_BROWSER"):
        pytest.fail("a headless Chromium is required (ICTINDEX_REQUIRE_BROWSER is set): apt-get install chromium")
    pytest.skip("no Chromium to print the page with (CI installs it)")


def test_printed_html_has_every_ranking_row(report, result, tmp_path):
    """Print index.html with a real browser (headless Chromium, A4) and read the PDF's text back:
    every row of the ranking is printed, not only the rows visible in the scroll box."""
    browser = _browser()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    pdf = tmp_path / "page.pdf"
    run = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            report.html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert pdf.is_file(), run.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    lines = {" ".join(line.split()) for line in text.splitlines()}
    flowing = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    flowing = flowing.replace("-", "")  # "South-Eastern" may wrap after its hyphen, which pdftotext then drops
    table = ranking_table(result, YEAR)
    # every row: rank, code and score on one printed line (a long name may wrap), and the name printed
    missing = [
        f"{r.rank} {r.economy} {r.name} {r.DOI:.2f}"
        for r in table.itertuples()
        if not any(line.startswith(f"{r.rank} {r.economy} ") and f" {r.DOI:.2f} " in f"{line} " for line in lines)
        or r.name.replace("-", "") not in flowing
    ]
    assert not missing, missing[:5]
    # the 202-row ranking alone needs several A4 pages; sections start on new pages
    assert 12 <= pages <= 60, pages
    assert "Places gained" in text and "Methodology" in text
    # wide tables fit the page: group names and sources are printed whole, not squeezed a letter per line
    averages = pd.read_csv(report.tables["averages_itu_region"][0])
    for group in averages["group"]:
        assert group.split(" (")[0].replace("-", "") in flowing, group


def test_ranking_rule_leaves_economies_out_of_the_ranking_only(result, panel, tmp_path):
    rule = RankingRule(min_data=0.5, itu_members_only=True, leave_out=("KOR",), reason="a test")
    kept, left_out = apply_ranking_rule(result, YEAR, rule)
    scored = result.ranking(YEAR)
    assert len(kept) + len(left_out) == len(scored)  # nobody lost
    assert "GIB" in set(left_out["economy"]) and "KOR" in set(left_out["economy"])
    reasons = left_out.set_index("economy")["reason"]
    assert reasons["GIB"].startswith("not an ITU Member State") and reasons["KOR"] == "a test"
    coverage = data_coverage(result, YEAR)
    assert (coverage[kept["economy"]] >= 0.5).all()
    low = left_out[left_out["reason"].str.contains("fewer than 50%")]
    assert not low.empty and (low["data_coverage"] < 0.5).all()
    # re-ranked 1..n among those kept, in the same order as before
    assert kept["rank"].tolist() == list(range(1, len(kept) + 1))
    assert kept["economy"].tolist() == [e for e in scored["economy"] if e in set(kept["economy"])]
    assert rule.describe().startswith("Ranked: ITU Member States with reported data for at least 50%")
    with pytest.raises(MethodError, match="share between 0 and 1"):
        RankingRule(min_data=50)

    out = write_report(result, tmp_path / "r", year=YEAR, ranking_rule=rule)
    table = pd.read_csv(out.tables["ranking"][0])
    assert set(table["economy"]) == set(kept["economy"]) and table["rank"].max() == len(kept)
    not_ranked = pd.read_csv(out.tables["not_ranked"][0])
    assert set(not_ranked["economy"]) == set(left_out["economy"])
    # left out of the ranking, not out of the tables: coverage and averages still count every scored economy
    averages = pd.read_csv(out.tables["averages_income"][0]).set_index("group")
    assert averages.loc["All scored economies", "economies"] == len(scored)
    page = html.unescape(out.html.read_text())
    assert rule.describe() in page and "Scored but not ranked" in page
    assert ranking_table(result, YEAR, rule)["previous_rank"].max() <= len(
        apply_ranking_rule(result, YEAR - 1, rule)[0]
    )


def test_format_number_never_prints_minus_zero():
    assert format_number(-0.004, 2) == "0.00" and format_number(-0.005001, 2) == "-0.01"
    assert format_number(pd.NA, 2) == "" and format_number(None, 2) == ""
    shown = to_html(pd.DataFrame({"x": [-1e-9], "n": pd.array([None], dtype="Int64")}))
    assert '<td class="num">0.00</td><td class="num">–</td>' in shown


def test_every_chart_as_png_and_svg(report):
    expected = {
        "framework",
        "ranking",
        "map",
        "distribution_itu_region",  # issue 23: ITU regions
        "distribution_income",
        "rank_shift",
        "profile_KOR",
        "profile_BRA",
        "gender_dumbbell",
        "gender_parity",
        "gender_internet_parity",
        "divide_lorenz",
        "divide_group_gap",
        "divide_sigma",
        "divide_urban_rural_dumbbell",
        "wsis_mobile_3g",
        "wsis_mobile_4g",
        "wsis_internet_users",
        "wsis_hh_internet",
        "estimates_internet_use",
    }
    assert set(report.charts) == expected
    for name, paths in report.charts.items():  # a source line (with the data's licence) in every chart file
        text = paths[1].read_text()
        # issue 23: each chart names the licences of the data it shows (the gender charts: WDI/SDG data)
        licence = "CC BY 4.0" if name.startswith("gender") else "CC BY-NC-SA 3.0 IGO"
        assert "Source: " in text and licence in text, name
    for paths in report.charts.values():
        assert [p.suffix for p in paths] == [".png", ".svg"]
        assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert paths[1].read_text().lstrip().startswith("<?xml")


def test_write_xlsx_keeps_missing_values_missing(tmp_path):
    table = pd.DataFrame({"label": ["a", "b"], "x": [1.5, np.nan], "n": pd.array([1, None], dtype="Int64")})
    path = write_xlsx({"t": table}, tmp_path / "t.xlsx")
    read = pd.read_excel(path, engine="openpyxl", skiprows=HEADER_ROW - 1)
    assert read["x"].iloc[0] == 1.5 and pd.isna(read["x"].iloc[1]) and pd.isna(read["n"].iloc[1])


# -- charts ----------------------------------------------------------------------------------------------
def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_ranking_chart_shows_every_economy_with_its_value(result):
    fig = result.plot.ranking_chart(year=YEAR)
    n = len(result.ranking(YEAR))
    assert fig.axes[0].get_title("left") == f"Digital Opportunity Index (current series), {YEAR} ({n} economies)"
    assert len(fig.axes) == 4  # four panels of at most 52 economies
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    ranking = result.ranking(YEAR)
    # every economy, best first (each panel lists its economies top-down)
    panels = [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes]
    assert [label for panel in panels for label in panel] == [
        f"{r}  {report_name(e)}" for r, e in zip(ranking["rank"], ranking["economy"], strict=True)
    ]
    assert len(labels) == n
    values = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() != "flag"]
    assert sorted(values) == sorted(f"{v:.2f}" for v in ranking["DOI"])
    assert fig.axes[-1].get_xlabel() == "Digital Opportunity Index score"
    # the flags of every flagged economy after its score (issue 21), and their legend under the chart
    flags = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == "flag"]
    assert sorted(flags) == sorted(ranking.loc[ranking["flag"] != "", "flag"])
    below = next(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)  # under the bottom row's centre
    legend = [t.get_text() for t in below.get_texts()]
    assert legend == [f"{m}  {text}" for m, text in SHORT_MARKERS.items() if any(m in f for f in flags)]


def test_ranking_chart_stacks_sub_index_contributions(result):
    fig = result.plot.ranking_chart(year=YEAR, top=10, stacked=True)
    ax = fig.axes[0]
    assert ax.get_title("left") == f"Digital Opportunity Index (current series), {YEAR} (top 10 of 202)"
    bars = _bars(ax)
    assert len(bars) == 10 * 3
    # the stacked segments of each economy add up to its index score
    ends = {}
    for bar in bars:
        y = round(bar.get_y(), 6)
        ends[y] = max(ends.get(y, 0), bar.get_x() + bar.get_width())
    top10 = result.ranking(YEAR).head(10)["DOI"].to_numpy()
    np.testing.assert_allclose(sorted(ends.values()), sorted(top10), atol=1e-12)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1  Monaco"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["Opportunity", "Infrastructure", "Utilization"]
    shown = result.ranking(YEAR).head(10)["flag"].tolist()  # the flags of the top 10 (issue 21), in marker order
    assert legend[3:] == [f"{m}  {text}" for m, text in SHORT_MARKERS.items() if any(m in f for f in shown)]
    assert {"E", "C", "!", "M"} <= {m for f in shown for m in f}
    assert "contribution of each sub-index" in ax.get_xlabel()


def test_ranking_axis_label_of_a_geometric_index(panel):
    data = load_framework("doi_current").to_dict()
    for node in data["nodes"]:
        if node["code"] == "DOI":
            node["aggregation"] = {"method": "geometric", "zero_floor": 0.01}
    from ictindex.framework import Framework

    geometric = build_index(panel, Framework.from_dict(data), years=YEAR)
    ax = charts.ranking_chart(geometric, top=5, stacked=True).axes[0]
    assert "geometric mean; points: sub-index scores" in ax.get_xlabel() and "contribution" not in ax.get_xlabel()
    assert len(_bars(ax)) == 5  # the index as bars, the sub-indices as points: they do not add up


def test_world_map_classes_hatching_disclaimer_and_small_states(result):
    fig = charts.world_map(result, year=YEAR)
    ax = fig.axes[0]
    scored = result.ranking(YEAR).set_index("economy")["DOI"]
    # five quantile classes of about equal size, each with its range and count, and "no data" hatched
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 6 and legend[-1] == "not scored / no data"
    counts = [int(t.rsplit("(", 1)[1].rstrip(")")) for t in legend[:-1]]
    assert sum(counts) == len(scored) and max(counts) - min(counts) <= 2
    missing, drawn = ax.collections
    assert missing.get_hatch() == "//////"
    # every polygon is drawn once: scored in colour, the rest hatched
    assert len(missing.get_paths()) + len(drawn.get_paths()) == len(world_polygons())
    # N. Cyprus and Somaliland are part of Cyprus and Somalia in ITU's statistics, not "not scored"
    isos = [iso for iso, _ in world_polygons()]
    assert isos.count("CYP") == 2 and isos.count("SOM") == 2 and "" not in isos
    not_drawn = charts.map_not_drawn(result, year=YEAR)
    assert "MCO" in not_drawn and "KOR" not in not_drawn
    assert not_drawn == sorted(set(scored.index) - set(isos))
    footer = ax.texts[0].get_text()
    assert f"({len(not_drawn)})" in footer and "Monaco\u00a00.99" in footer
    lines = footer.split("\n")
    for economy in not_drawn:  # no name broken across lines
        assert any(f"{report_name(economy)}\u00a0{scored[economy]:.2f}" in line for line in lines), economy
    assert "do not imply official endorsement or acceptance by the United Nations" in footer.replace("\n", " ")
    assert "FRA" in isos and "NOR" in isos  # the -99 codes of Natural Earth are fixed


# Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of color vision
# deficiency", IEEE TVCG 15(6): matrices for severity 1.0, applied to linear RGB.
MACHADO = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
}


def _lab(hex_colour: str, deficiency: str | None = None) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour, as seen with a simulated colour-vision deficiency."""
    srgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    if deficiency:
        linear = np.clip(MACHADO[deficiency] @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_simulation_matrices_behave():
    # grey stays grey; pure red and green, far apart for normal vision, nearly merge for a deuteranope
    assert np.allclose(_lab("#808080", "deuteranopia"), _lab("#808080"), atol=1.5)
    normal = np.linalg.norm(_lab("#FF0000") - _lab("#00C000"))
    simulated = np.linalg.norm(_lab("#FF0000", "deuteranopia") - _lab("#00C000", "deuteranopia"))
    assert normal > 100 and simulated < normal / 2


@pytest.mark.parametrize("deficiency", [None, "deuteranopia", "protanopia"])
def test_rank_shift_colours_stay_apart_under_colour_blindness(deficiency):
    colours = charts.RANK_COLOURS
    for a, b in [("rose", "fell"), ("rose", "unchanged"), ("fell", "unchanged")]:
        distance = np.linalg.norm(_lab(colours[a], deficiency) - _lab(colours[b], deficiency))
        assert distance > 20, (a, b, deficiency, distance)  # CIE76 delta E: clearly different


def test_rank_shift_has_a_legend_and_dashed_unchanged_lines(result):
    fig = charts.rank_shift_chart(result, top=25)
    ax = fig.axes[0]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend <= {"rose in rank", "fell in rank", "unchanged"} and len(legend) == 3
    unchanged = [line for line in ax.lines if line.get_color() == charts.RANK_COLOURS["unchanged"]]
    assert unchanged and all(line.get_linestyle() == "--" for line in unchanged)
    # the moves the ranking table counts (units ranked in both years, published precision), for its top 25
    table = ranking_table(result, YEAR)
    top = table.dropna(subset=["previous_rank"]).assign(now=lambda t: t["previous_rank"] - t["rank_change"])
    top = top.sort_values("now", kind="stable").head(25)
    assert len(unchanged) == int((top["movement"] == "=").sum())
    assert f"of the {table.attrs['ranked_both_years']} economies ranked in both years" in ax.get_title(loc="left")


def test_rank_shift_marks_a_series_that_changes_source_on_the_line(result):
    """Issue 23: a unit whose series changed source between the two years has an open diamond halfway along its
    line (a method break drawn where the move is), with a legend entry; a chart that shows none has neither."""
    breaks = result.breaks
    changed = breaks[(breaks["to_year"] == YEAR) & breaks["kind"].isin(["series changes", "vintage changes"])]
    assert sorted(set(changed["economy"])) == ["KEN", "KIR"]  # internet users: the WDI series after the SDG one
    ax = charts.rank_shift_chart(result, top=len(result.ranking(YEAR))).axes[0]
    marks = [c for c in ax.collections if c.get_gid() == "source_change"]
    assert len(marks) == 1

    def middle(name: str) -> float:  # halfway between the unit's labels at both ends of its line
        left = next(t for t in ax.texts if t.get_text().startswith(f"{name}  "))
        right = next(t for t in ax.texts if t.get_text().endswith(f"  {name}"))
        return (left.get_position()[1] + right.get_position()[1]) / 2

    points = np.asarray(marks[0].get_offsets())
    assert points[:, 0].tolist() == [0.5, 0.5]
    assert sorted(points[:, 1]) == pytest.approx(sorted([middle("Kenya"), middle("Kiribati")]))
    assert "a series changed source" in {t.get_text() for t in ax.get_legend().get_texts()}
    assert charts.marked_source_changes(result, (YEAR - 1, YEAR), top=len(result.ranking(YEAR))) == ["KIR", "KEN"]
    top = charts.rank_shift_chart(result, top=25).axes[0]  # neither is in the top 25
    assert not [c for c in top.collections if c.get_gid() == "source_change"]
    assert charts.marked_source_changes(result, (YEAR - 1, YEAR)) == []


def test_profile_draws_a_missing_sub_index_as_missing(result):
    coverage = result.coverage.query("year == @YEAR and node == 'infrastructure' and status == 'not scored'")
    economy = sorted(set(coverage["economy"]) & set(result.ranking(YEAR)["economy"]))[0]  # FSM: 2 of 4 present
    ax = result.plot.profile_chart(economy, year=YEAR).axes[0]
    assert [t.get_text() for t in ax.texts].count("no score") == 1
    hatched = [p for p in ax.patches if p.get_hatch() == "////"]
    assert len(hatched) == 1
    row = [t.get_text() for t in ax.get_yticklabels()].index("Infrastructure")
    assert abs(hatched[0].get_y() + hatched[0].get_height() / 2 - row) < 0.5


def test_profile_distribution_shift_and_framework_charts(result):
    fig = result.plot.profile_chart("KOR", year=YEAR)
    ax = fig.axes[0]
    assert len(_bars(ax)) == 3 * 4  # economy, region, income group x index + 3 sub-indices
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "Korea (Rep.)" and labels[1].startswith("Eastern and South-Eastern Asia average")
    with pytest.raises(MethodError, match="not scored"):
        result.plot.profile_chart("ATA", year=YEAR)

    fig = charts.distribution_chart(result, year=YEAR, by="income")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == 4 and ticks[-1].startswith("High income")  # sorted by median
    assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in ticks) == len(result.ranking(YEAR))

    fig = charts.rank_shift_chart(result, top=15)
    assert len(fig.axes[0].lines) + sum(t.get_text() == "new " for t in fig.axes[0].texts) == 15
    with pytest.raises(MethodError, match="two years"):
        charts.rank_shift_chart(build_index(datasets.load("itu"), "doi_current", years=YEAR))

    fig = result.plot.framework_diagram()
    boxes = [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None]
    fw = result.framework
    assert len(boxes) == len(fw.nodes) + len(fw.indicators)
    texts = [t.get_text() for t in boxes]
    assert any("11.1% of index" in t for t in texts)
    assert sum("arithmetic mean" in t for t in texts) == len(fw.nodes)
    lower = [i.name for i in fw.indicators if i.direction == "lower"]
    assert sum("lower is better" in t for t in texts) == len(lower) == 2


CHART_CALLS = {
    "ranking_chart": lambda r, **kw: charts.ranking_chart(r, year=YEAR, top=12, **kw),
    "profile_chart": lambda r, **kw: charts.profile_chart(r, "KOR", year=YEAR, **kw),
    "world_map": lambda r, **kw: charts.world_map(r, year=YEAR, **kw),
    "rank_shift_chart": lambda r, **kw: charts.rank_shift_chart(r, top=10, **kw),
    "distribution_chart": lambda r, **kw: charts.distribution_chart(r, year=YEAR, **kw),
    "framework_diagram": lambda r, **kw: charts.framework_diagram(r, **kw),
}


@pytest.mark.parametrize("name", sorted(CHART_CALLS))
def test_every_chart_takes_ax_and_kwargs_and_has_a_source_line(result, name):
    from matplotlib.figure import Figure

    fig = CHART_CALLS[name](result)
    sources = [t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID]
    assert len(sources) == 1 and sources[0].startswith("Source: ictindex computation of the Digital Opportunity")
    assert "WISR" in sources[0] or "World Information Society Report" in sources[0].replace("\n", " ")
    assert "CC BY-NC-SA 3.0 IGO" in sources[0].replace("\n", " ")
    assert set(vars(fig)) <= set(vars(Figure())) | {"_layout_engine"}, "no attributes hung on the figure"
    # drawn on the caller's axes, with a keyword passed through to matplotlib
    own = Figure(figsize=(6, 4))
    ax = own.add_subplot()
    kwargs = {} if name in ("world_map", "framework_diagram") else {"alpha": 0.5}
    if name == "framework_diagram":
        kwargs = {"color": "#123456"}
    assert CHART_CALLS[name](result, ax=ax, source=False, **kwargs) is own
    assert not [t for t in own.texts if t.get_gid() == SOURCE_GID]


def test_chart_files_are_editable_and_300_dpi(report, tmp_path):
    from PIL import Image

    png, svg = report.charts["ranking"]
    assert Image.open(png).info["dpi"] == pytest.approx((300, 300), abs=0.5)
    text = svg.read_text()
    assert "<text" in text and "Monaco" in text  # text, not glyph outlines
    pdf = save_figure(charts.framework_diagram(load_framework("doi_current")), tmp_path / "tree", ("pdf",))[0]
    content = pdf.read_bytes()
    assert (b"/TrueType" in content or b"/CIDFontType2" in content) and b"/Type3" not in content


# -- the command ------------------------------------------------------------------------------------------
def test_report_command_on_bundled_data(tmp_path):
    out = CliRunner().invoke(
        app,
        [
            "report",
            "--framework",
            "doi_current",
            "--year",
            str(YEAR),
            "--out",
            str(tmp_path),
            "--profile",
            "kor",
            "--profile",
            "Viet Nam",
            "--rank-members-only",
            "--rank-leave-out",
            "Korea (Rep.)",
        ],
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "charts" / "profile_KOR.svg").is_file()
    assert (tmp_path / "charts" / "profile_VNM.png").is_file()
    ranked = set(pd.read_csv(tmp_path / "tables" / "ranking.csv")["economy"])
    assert "KOR" not in ranked and "GIB" not in ranked and "VNM" in ranked
    assert {"KOR", "GIB"} <= set(pd.read_csv(tmp_path / "tables" / "not_ranked.csv")["economy"])
    assert (tmp_path / "tables" / "report.xlsx").is_file()
    imputed = len(pd.read_csv(tmp_path / "tables" / "imputations.csv"))
    assert f"202 economies scored; {imputed} values imputed" in out.stdout  # the same count as the page's
    assert f"<b>{imputed}</b> values imputed in 2023" in (tmp_path / "index.html").read_text()
    # the gender section of 2023 rests on by-sex data of 2020-2023 and says so in its title and captions
    page = html.unescape((tmp_path / "index.html").read_text())
    assert "Gender, 2023: newest data by sex at or before 2023 (at most 3 years old; values observed 2020–2023)" in page
    gender = pd.read_csv(tmp_path / "tables" / "gender.csv")
    years = gender["data_years"].str.findall(r"\d{4}").explode().astype(int)
    assert (gender["year"] == 2023).all() and years.min() >= 2020
    parity = pd.read_csv(tmp_path / "tables" / "gender_indicators.csv")
    internet = parity[parity.indicator == "internet_users"]
    assert internet["data_year"].min() >= 2020 and internet["economy"].nunique() > gender["economy"].nunique()
    assert "2023: newest data by sex" in (tmp_path / "tables" / "gender.tex").read_text()
    ranking = pd.read_csv(tmp_path / "tables" / "ranking.csv", keep_default_na=False)
    assert {"flag", "indicators_present"} <= set(ranking.columns) and ranking["flag"].str.contains("E").any()
    assert "Flags: E = some values are publisher estimates" in (tmp_path / "tables" / "ranking.tex").read_text()


def test_profile_of_an_economy_not_scored_stops_before_writing(result, tmp_path):
    with pytest.raises(MethodError, match="cannot profile 'ATA'"):
        write_report(result, tmp_path / "r", year=YEAR, profiles=["ATA"])
    assert not (tmp_path / "r").exists()


def test_report_without_scores_in_the_year_is_an_error(result, tmp_path):
    with pytest.raises(IctIndexError):
        write_report(result, tmp_path, year=1990)


def test_charts_of_a_framework_whose_index_holds_indicators(panel):
    gender = build_index(panel, "doi_gender", years=2018)
    fig = gender.plot.ranking_chart(top=5, stacked=True)
    bars = _bars(fig.axes[0])
    assert len(bars) == 5 * 2  # Internet use and mobile ownership, each weighted 1/2
    first = gender.ranking(2018).iloc[0]["individual_use"]  # the bars of the first-ranked end at its score
    assert any(abs(b.get_x() + b.get_width() - first) < 1e-12 for b in bars)
    fig = gender.plot.profile_chart("KOR")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "Individual ICT use (gender sub-index)",
        "Individuals using the Internet",
        "Individuals who own a mobile telephone",
    ]


def test_rank_shift_between_two_methods(panel):
    latest = build_index(panel, "doi_current", years=YEAR)
    strict = build_index(panel, "doi_current", years=YEAR, imputation="none")
    fig = charts.rank_shift_chart(latest, strict, top=10, labels=("latest available", "no imputation"))
    ax = fig.axes[0]
    assert ax.get_title("left") == f"Rank under latest available and no imputation, {YEAR} (top 10)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["latest available", "no imputation"]


def test_pdf_output_and_terminal_progress(result, tmp_path):
    import io

    from rich.console import Console

    from ictindex.report import save_figure

    pdf = save_figure(charts.framework_diagram(result), tmp_path / "tree", ("pdf",))[0]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    write_report(result, tmp_path / "r", year=YEAR, console=console)
    shown = stream.getvalue()
    assert "chart" in shown or "tables" in shown  # the progress bar was drawn


# -- data quality (issue 21) ------------------------------------------------------------------------------------
def test_the_report_has_a_data_quality_section_with_every_warning_by_problem(report, result):
    page = html.unescape(report.html.read_text())
    assert "<h2 id='quality'>Data quality</h2>" in page and "<a href='#quality'>Data quality</a>" in page
    warned = result.issues.query("severity == 'warning'")
    rows = pd.read_csv(report.folder / "tables" / "data_quality.csv", keep_default_na=False)
    assert len(rows) == len(warned) and set(rows["problem"]) == set(warned["problem"])
    summary = pd.read_csv(report.folder / "tables" / "data_quality_summary.csv").set_index("problem")
    assert summary["findings"].to_dict() == warned["problem"].value_counts().to_dict()
    for problem, count in summary["findings"].items():  # one heading per problem, with its count
        assert f"<h3>{problem} ({count})</h3>" in page
    assert summary.loc["zero_price", "findings"] == 42  # ITU's zero basket prices, set aside
    described = pd.read_csv(report.folder / "tables" / "data_quality_describe.csv").set_index("indicator")
    assert described.index.tolist() == result.framework.indicator_codes
    raw = result.raw.query(f"year == {YEAR}")
    assert described.loc["internet_tariff", "count"] == raw["internet_tariff"].notna().sum()
    assert described.loc["internet_tariff", "min"] > 0  # no zero price reaches a score
    assert "data_quality" in {p.stem for p in (report.folder / "tables").glob("*.tex")}


def _html_rows(page: str, name: str) -> tuple[list[str], list[list[str]]]:
    """The headers and the rows (cell texts) of the report table ``name`` in the HTML page."""
    table = page.split(f'id="table-{name}"')[1].split("</table>")[0]
    cells = [re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", row) for row in table.split("<tr>")[1:]]
    return cells[0], cells[1:]


def _tex_rows(path) -> list[list[str]]:
    body = path.read_text().split("\\endlastfoot")[-1].split("\\midrule")[-1].split("\\bottomrule")[0]
    return [[c.strip() for c in line.rstrip("\\ ").split(" & ")] for line in body.splitlines() if " & " in line]


def test_shares_print_as_percentages_at_the_published_precision(report):
    """Issue 23: the data-quality and coverage tables print shares as percentages at one decimal in the HTML,
    the LaTeX and the XLSX (the CSV keeps the share at full precision, as it keeps every score); the LaTeX and
    the XLSX print every table at the HTML's precision (no percentage at three decimals)."""
    folder = report.folder / "tables"
    page = report.html.read_text()
    described = pd.read_csv(folder / "data_quality_describe.csv").set_index("indicator")
    share = described.loc["internet_tariff", "missing_share"]
    assert 0 < share < 1 and share != round(share, 3)  # the CSV: the share itself
    headers, rows = _html_rows(page, "data_quality_describe")
    row = next(r for r in rows if r[0] == "internet_tariff")
    assert row[headers.index("Missing (%)")] == f"{share * 100:.1f}"
    tex = next(r for r in _tex_rows(folder / "data_quality_describe.tex") if r[0].startswith("internet"))
    assert tex[headers.index("Missing (%)")] == f"{share * 100:.1f}"

    groups = pd.read_csv(folder / "divide_groups.csv")
    world = groups[groups["grouping"] == "world"].iloc[0]
    headers, rows = _html_rows(page, "divide_groups")
    shown = next(r for r in rows if r[0] == "world")
    for column, label in (
        ("population_share", "Population covered (%)"),
        ("reported_share", "Population reporting (%)"),
    ):
        assert shown[headers.index(label)] == f"{world[column] * 100:.1f}"
        assert _tex_rows(folder / "divide_groups.tex")[0][headers.index(label)] == f"{world[column] * 100:.1f}"
    sheet = openpyxl.load_workbook(folder / "report.xlsx")["divide_groups"]
    labels = [c.value for c in sheet[HEADER_ROW]]
    cell = sheet.cell(row=HEADER_ROW + 1, column=labels.index("Population covered (%)") + 1)
    assert cell.value == pytest.approx(world["population_share"] * 100) and cell.number_format == "0.0"

    targets = pd.read_csv(folder / "wsis_targets.csv")  # percentages: one decimal in the LaTeX as in the HTML
    first = _tex_rows(folder / "wsis_targets.tex")[0]
    assert first[3:6] == [f"{targets.loc[0, c]:.1f}" for c in ("value", "low", "high")]
    headers, rows = _html_rows(page, "wsis_targets")
    assert rows[0][3:6] == first[3:6]
