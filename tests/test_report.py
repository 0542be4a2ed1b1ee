"""Report output: the content of tables, exports, charts and the report folder."""

from __future__ import annotations

import html
import re

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
from ictindex.report.export import to_latex, write_xlsx
from ictindex.report.maps import world_polygons
from ictindex.report.tables import coverage_table, group_averages, ranking_table

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
    ranks = result.scores.pivot(index="economy", columns="year", values="rank").dropna()
    for economy in ["KOR", "BRA", "GBR"]:
        row = table.set_index("economy").loc[economy]
        assert row.change == pytest.approx(both.loc[economy, YEAR] - both.loc[economy, YEAR - 1], abs=1e-15)
        assert row.rank_change == ranks.loc[economy, YEAR - 1] - ranks.loc[economy, YEAR]
    assert table.loc[table.economy == "KOR", "name"].item() == "Korea (Rep.)"


def test_group_averages_simple_and_population_weighted(result):
    groups = pd.DataFrame({"income": ["A", "A", "B"], "population": [1.0, 3.0, np.nan],
                           "population_year": [2013, 2013, pd.NA]}, index=["KOR", "BRA", "GBR"])
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
    book = openpyxl.load_workbook(report.tables["report.xlsx"][0])
    assert book.sheetnames == ["ranking", "ranking_flags", "averages_income", "averages_region", "coverage",
                               "excluded", "imputations", "value_flags", "sources", "breaks", "gender",
                               "gender_indicators", "gender_skills", "divide_inequality", "divide_groups",
                               "divide_theil", "divide_convergence", "divide_urban_rural", "wsis_targets",
                               "methodology", "provenance"]
    breaks = pd.read_excel(report.tables["report.xlsx"][0], sheet_name="breaks", engine="openpyxl")
    starts = breaks.query("indicator == 'mobile_tariff' and kind == 'starts'")  # the 5 GB basket from 2023
    assert starts["economies"].item() == len(result.breaks.query("indicator == 'mobile_tariff' and kind == 'starts'"))
    sheet = book["ranking"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["rank", "economy", "name", "DOI", "opportunity", "infrastructure", "utilization"]
    read = pd.read_excel(report.tables["report.xlsx"][0], sheet_name="ranking", engine="openpyxl")
    expected = result.ranking(YEAR)
    assert read["economy"].tolist() == expected["economy"].tolist()
    for node in ["DOI", "opportunity", "infrastructure", "utilization"]:
        # openpyxl writes 16 significant digits: equal to a relative 5e-16 (CSV is exact, see below)
        np.testing.assert_allclose(read[node].to_numpy(), expected[node].to_numpy(), rtol=5e-16, atol=0)
    assert sheet.cell(row=2, column=4).number_format == "0.00"
    methodology = pd.read_excel(report.tables["report.xlsx"][0], sheet_name="methodology", engine="openpyxl")
    assert set(load_framework("doi_current").indicator_codes) <= set(methodology["code"])
    provenance = pd.read_excel(report.tables["report.xlsx"][0], sheet_name="provenance", engine="openpyxl")
    assert provenance["value"].str.contains("CC BY-NC-SA 3.0 IGO").any()


def test_csv_round_trip_is_exact(report, result):
    read = pd.read_csv(report.tables["ranking"][0])
    expected = ranking_table(result, YEAR)
    for column in ["DOI", "opportunity", "infrastructure", "utilization", "change"]:
        np.testing.assert_array_equal(read[column].to_numpy(), expected[column].to_numpy())
    assert read["rank"].tolist() == expected["rank"].tolist()


def test_latex_is_booktabs_with_one_row_per_economy(report, result):
    tex = report.tables["ranking"][1].read_text()
    # 203 rows: a longtable that repeats its header on every page
    assert tex.startswith("\\begin{longtable}") and tex.rstrip().endswith("\\end{longtable}")
    assert tex.count("\\toprule") == tex.count("\\midrule") == 2 and tex.count("\\bottomrule") == 1
    assert "\\endfirsthead" in tex and "\\endhead" in tex
    body = tex.split("\\endlastfoot")[1].split("\\end{longtable}")[0]
    assert body.count("\\\\") == len(result.ranking(YEAR))
    short = report.tables["averages_income"][1].read_text()
    assert short.startswith("\\begin{table}") and short.count("\\toprule") == 1
    assert all(paths[-1].suffix == ".tex" for name, paths in report.tables.items() if name != "report.xlsx")
    assert "Korea (Rep.) & 0.92" in tex  # KOR 2023 DOI 0.919 shown at 2 decimals
    assert "previous\\_rank" in tex
    assert to_latex(pd.DataFrame({"a": [np.nan], "b": ["x_y & z"]})).count("-- & x\\_y \\& z") == 1


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


def test_every_chart_as_png_and_svg(report):
    expected = {"framework", "ranking", "map", "distribution_region", "distribution_income", "rank_shift",
                "profile_KOR", "profile_BRA", "gender_dumbbell", "gender_parity", "gender_internet_parity",
                "divide_lorenz", "divide_group_gap", "divide_sigma", "divide_urban_rural_dumbbell", "wsis_mobile_3g",
                "wsis_mobile_4g", "wsis_internet_users", "wsis_hh_internet"}
    assert set(report.charts) == expected
    for paths in report.charts.values():
        assert [p.suffix for p in paths] == [".png", ".svg"]
        assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert paths[1].read_text().lstrip().startswith("<?xml")


def test_write_xlsx_keeps_missing_values_missing(tmp_path):
    table = pd.DataFrame({"label": ["a", "b"], "x": [1.5, np.nan], "n": pd.array([1, None], dtype="Int64")})
    path = write_xlsx({"t": table}, tmp_path / "t.xlsx")
    read = pd.read_excel(path, engine="openpyxl")
    assert read["x"].iloc[0] == 1.5 and pd.isna(read["x"].iloc[1]) and pd.isna(read["n"].iloc[1])


# -- charts ----------------------------------------------------------------------------------------------
def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_ranking_chart_stacks_sub_index_contributions(result):
    fig = result.plot.ranking_chart(year=YEAR, top=10)
    ax = fig.axes[0]
    assert ax.get_title("left") == f"Digital Opportunity Index (current series), {YEAR} (top 10 of 203)"
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
    assert labels[-1] == "1  Monaco"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Opportunity", "Infrastructure", "Utilization"]


def test_world_map_draws_every_polygon_and_lists_the_rest(result):
    fig = charts.world_map(result, year=YEAR)
    scored = set(result.ranking(YEAR)["economy"])
    drawable = {iso for iso, _ in world_polygons()}
    assert fig.polygons_drawn == len(world_polygons())
    assert fig.not_drawn == sorted(scored - drawable)
    assert "MCO" in fig.not_drawn and "KOR" not in fig.not_drawn
    note = fig.axes[1].texts[0].get_text().replace("\n", " ")
    assert f"({len(fig.not_drawn)})" in note and "Monaco 0.99" in note
    assert "FRA" in drawable and "NOR" in drawable  # the -99 codes of Natural Earth are fixed


def test_profile_distribution_shift_and_framework_charts(result):
    fig = result.plot.profile_chart("KOR", year=YEAR)
    ax = fig.axes[0]
    assert len(_bars(ax)) == 3 * 4  # economy, region, income group x index + 3 sub-indices
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
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
    assert any("[11.1% of index]" in t.get_text() for t in boxes)


# -- the command ------------------------------------------------------------------------------------------
def test_report_command_on_bundled_data(tmp_path):
    out = CliRunner().invoke(app, ["report", "--framework", "doi_current", "--year", str(YEAR),
                                   "--out", str(tmp_path), "--profile", "kor"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "charts" / "profile_KOR.svg").is_file()
    assert (tmp_path / "tables" / "report.xlsx").is_file()
    assert "203 economies scored" in out.stdout
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


def test_report_without_scores_in_the_year_is_an_error(result, tmp_path):
    with pytest.raises(IctIndexError):
        write_report(result, tmp_path, year=1990)


def test_charts_of_a_framework_whose_index_holds_indicators(panel):
    gender = build_index(panel, "doi_gender", years=2018)
    fig = gender.plot.ranking_chart(top=5)
    bars = _bars(fig.axes[0])
    assert len(bars) == 5 * 2  # Internet use and mobile ownership, each weighted 1/2
    first = gender.ranking(2018).iloc[0]["individual_use"]  # the bars of the first-ranked end at its score
    assert any(abs(b.get_x() + b.get_width() - first) < 1e-12 for b in bars)
    fig = gender.plot.profile_chart("KOR")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "Individual ICT use (gender sub-index)", "Individuals using the Internet",
        "Individuals who own a mobile telephone"]


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
