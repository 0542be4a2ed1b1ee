"""The report on its defaults is a publication (issue 23): the year chosen in the library and said why, the
ranking of ITU Member States with reported data for at least half the indicators (the others listed with their
scores and reason), ITU regions for ITU frameworks, honest rank changes, readable numbered tables and figures
with key findings; and every year and every bundled framework builds a report.

Annex 4 figures: ITU (2024), *Measuring digital development: The ICT Development Index 2024*, Annex 4 (p. 35),
simple means of the published scores by ITU region (also in tests/test_idi.py).
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ictindex import IctIndexWarning, build_index, datasets
from ictindex.cli import app
from ictindex.findings import compute_findings, key_findings, reporting_breaks, source_breaks
from ictindex.framework import available_frameworks, load_framework
from ictindex.ranking import RankingRule, choose_year, data_coverage, default_rule, ranking_table
from ictindex.report import write_report
from ictindex.units import group_means, itu_member_states

runner = CliRunner()

#: Annex 4 (p. 35): IDI, universal and meaningful connectivity, simple means by ITU region and for the world.
ANNEX4 = {
    "Africa": (50.3, 42.5, 58.0),
    "Americas": (77.1, 70.0, 84.3),
    "Arab States": (75.7, 70.6, 80.8),
    "Asia-Pacific": (77.3, 73.4, 81.2),
    "CIS": (87.0, 85.4, 88.6),
    "Europe": (90.1, 86.8, 93.4),
    "World": (74.8, 69.6, 80.0),
}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.fixture(scope="module")
def every_year(panel) -> object:
    """doi_current built once over every year of the bundled data: the year's choice, the year before and every
    report below come from this one build."""
    return build_index(panel, "doi_current")


@pytest.fixture(scope="module")
def default_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default") / "R"
    run = runner.invoke(app, ["report", "--out", str(out)])
    assert run.exit_code == 0, run.output
    (out / "cli.txt").write_text(run.output)
    return out


def _page(folder: Path) -> str:
    return re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", (folder / "index.html").read_text(encoding="utf-8"))


# -- the year ---------------------------------------------------------------------------------------------------
def test_the_year_is_the_latest_in_which_most_members_report_most_indicators(every_year):
    choice = choose_year(every_year)
    assert choice.year == 2023
    table = choice.table.set_index("year")
    # by hand from the one build: ITU Member States scored in the year with reported values for > 5 of 10
    raw = every_year.raw.set_index(["economy", "year"])[every_year.framework.indicator_codes]
    share = raw.notna().mean(axis=1)
    members = set(itu_member_states())
    for year in (2022, 2023, 2024):
        scored = set(every_year.ranking(year)["economy"]) & members
        counted = sum(share.get((e, year), 0) > 0.5 for e in scored)
        assert table.loc[year, "reported"] == counted, year
    assert table.loc[2023, "reported_share"] > 0.5 >= table.loc[2024, "reported_share"]
    assert table.loc[2025, "reported"] == 0  # only carried values in 2025
    assert choice.reason.startswith("2023: the latest year in which more than 50% of the ITU Member States")
    assert "2024 " in choice.reason and "2025 0 of" in choice.reason


def test_choose_year_of_units_without_any_such_year_takes_the_best_one():
    rows = [("P1", 2020, "internet_users", 50.0), ("P2", 2020, "internet_users", 60.0)]
    rows += [("P1", 2021, "internet_users", 55.0)]
    panel = pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IctIndexWarning)
        result = build_index(panel, "doi", units="any", min_coverage=0.05)
    choice = choose_year(result)
    # one indicator of 11: no unit has more than half reported in any year -> the year with the most (latest tie)
    assert choice.year == 2021 and "no year in which" in choice.reason


# -- the ranking --------------------------------------------------------------------------------------------------
def test_default_cli_report_ranks_members_with_data_and_lists_the_others(default_report, every_year):
    ranking = pd.read_csv(default_report / "tables" / "ranking.csv", keep_default_na=False)
    members = set(itu_member_states())
    assert set(ranking["economy"]) <= members
    coverage = data_coverage(every_year, 2023)
    assert (coverage[ranking["economy"]] >= 0.5).all()
    assert ranking["rank"].tolist()[0] == 1 and ranking["rank"].is_monotonic_increasing
    # every ranked economy has an ITU region and an income column
    assert ranking["itu_region"].isin(["Africa", "Americas", "Arab States", "Asia-Pacific", "CIS", "Europe"]).all()
    assert "income" in ranking.columns
    not_ranked = pd.read_csv(default_report / "tables" / "not_ranked.csv")
    scored = every_year.ranking(2023)
    assert len(ranking) + len(not_ranked) == len(scored)  # nobody lost
    assert not_ranked["reason"].str.len().gt(0).all() and not_ranked["score"].notna().all()
    gib = not_ranked.set_index("economy").loc["GIB", "reason"]
    assert gib.startswith("not an ITU Member State")
    page = html.unescape(_page(default_report))
    assert RankingRule.publication().describe() in page and "Scored but not ranked" in page
    cli = (default_report / "cli.txt").read_text()
    assert "year 2023: the latest year in which" in cli and "180 ranked" in cli


def test_default_report_page_reads_as_a_publication(default_report):
    page = _page(default_report)
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page)
    assert headers and not [h for h in headers if "_" in h]
    figures = [int(n) for n in re.findall(r"<figcaption>Figure (\d+)\.", page)]
    tables = [int(n) for n in re.findall(r"<caption>Table (\d+)\.", page)]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 10
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 10
    text = html.unescape(page)
    assert "<h2 id='key'>Key findings</h2>" in text
    assert "Report year 2023: the latest year" in text
    assert "Of the 180 ranked ITU Member States" in text and "WSIS targets reached" in text
    # the world and its groups, not the first-ranked economy, when no profile is asked for
    assert (default_report / "charts" / "profile_world.png").is_file()
    assert not list((default_report / "charts").glob("profile_[A-Z]*.png"))


def test_rank_all_restores_the_plain_ranking(tmp_path, every_year):
    out = tmp_path / "all"
    run = runner.invoke(app, ["report", "--out", str(out), "--rank-all", "--gender", "none", "--regions", "sdg"])
    assert run.exit_code == 0, run.output
    ranking = pd.read_csv(out / "tables" / "ranking.csv")
    assert len(ranking) == len(every_year.ranking(2023)) and "GIB" in set(ranking["economy"])
    assert not (out / "tables" / "not_ranked.csv").exists()
    assert (out / "tables" / "averages_region.csv").is_file()  # UN SDG regions when asked for


def test_rank_change_compares_units_ranked_in_both_years_at_published_precision(every_year):
    rule = RankingRule.publication()
    table = ranking_table(every_year, 2023, rule)
    both = table["previous_rank"].notna()
    assert table.attrs["ranked_both_years"] == int(both.sum())
    index = every_year.framework.index
    before = every_year.scores.query("year == 2022").set_index("economy")[index]
    common = table.loc[both, "economy"]
    # by hand: ranks among the common units on scores rounded to 2 decimals, ties sharing the better rank
    now = table.set_index("economy")[index][common].round(2).rank(method="min", ascending=False)
    then = before[common].round(2).rank(method="min", ascending=False)
    expected = (then - now).astype(int)
    assert (table.set_index("economy").loc[common, "rank_change"].astype(int) == expected).all()
    # a unit whose rounded rank among the common set did not move shows "="
    assert (table.loc[table["rank_change"] == 0, "movement"] == "=").all()
    assert (table.loc[~both, "movement"] == "new").all()


def test_reporting_breaks_mark_a_change_of_who_reports():
    table = pd.DataFrame(
        {
            "target": "internet_users",
            "grouping": "world",
            "group": "World",
            "year": [2020, 2021, 2022, 2023],
            "value": [55.0, 61.0, 72.0, 73.0],
            "reported_share": [0.78, 0.80, 0.94, 0.92],
            "meets_coverage": True,
        }
    )
    breaks = reporting_breaks(table)
    assert breaks["year"].tolist() == [2022]
    assert breaks["change"].iloc[0] == pytest.approx(0.14)


def test_a_change_of_source_is_a_series_break_on_the_group_line():
    """Internet use of the bundled panel: the WDI series (first in the target's list) stops and ITU's i99H takes over
    for a fifth of the world's population in 2021-2022; those years are breaks of source on the world's line, marked
    with a diamond, and a target of one series never changes source."""
    import matplotlib.pyplot as plt

    from ictindex.divide import wsis_targets
    from ictindex.report.divide_charts import SOURCE_BREAK_LABEL, target_progress_chart

    panel = pd.DataFrame(
        {
            "economy": ["A"] * 4 + ["B"] * 4,
            "year": [2020, 2021, 2022, 2023] * 2,
            "indicator": ["IT.NET.USER.ZS", "IT.NET.USER.ZS", "i99H", "i99H"] + ["i99H"] * 4,
            "sex": "total",
            "value": [40.0, 42.0, 60.0, 61.0, 30.0, 31.0, 32.0, 33.0],
        }
    )
    groups = pd.DataFrame({"income": ["High income", "Low income"]}, index=pd.Index(["A", "B"], name="economy"))
    population = pd.DataFrame({"economy": ["A", "B"], "population": [3.0, 1.0]})
    table = wsis_targets(panel, by="world", groups=groups, population=population)
    world = table[table["target"] == "internet_users"].set_index("year")["series_changed_share"]
    assert world.loc[2021] == 0.0 and world.loc[2022] == pytest.approx(0.75) and world.loc[2023] == 0.0
    found = source_breaks(table)
    assert found[["target", "year"]].values.tolist() == [["internet_users", 2022]]

    bundled = wsis_targets(by="world")
    assert not source_breaks(bundled[bundled["target"] == "mobile_3g"]).size  # one series: no change of source
    assert source_breaks(bundled[bundled["target"] == "internet_users"])["year"].tolist() == [2021, 2022]

    fig = target_progress_chart(table, target="internet_users", grouping="world", source_breaks=found)
    ax = fig.axes[0]
    diamonds = [c for c in ax.collections if c.get_offsets().size and c.get_paths()[0].vertices.shape[0] == 5]
    assert [tuple(d.get_offsets()[0]) for d in diamonds] == [(2022.0, pytest.approx(53.0))]  # (3 x 60 + 1 x 32) / 4
    assert SOURCE_BREAK_LABEL in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)


# -- every year, every framework ------------------------------------------------------------------------------
def _years(result) -> list[int]:
    return [y for y in result.years if y >= 2018 and not result.ranking(y).empty]


def test_a_report_of_every_year_from_2018(every_year, tmp_path):
    years = _years(every_year)
    assert years[0] == 2018 and years[-1] == max(every_year.years) == 2025
    for year in years:  # one build for all; small formats
        rule, _ = default_rule(every_year, year)
        written = write_report(every_year, tmp_path / str(year), year=year, formats=("png",), ranking_rule=rule)
        assert written.html.is_file(), year
        text = written.html.read_text(encoding="utf-8")
        assert f"<h1>Digital Opportunity Index (current series), {year}</h1>" in text


@pytest.mark.parametrize("name", [n for n in available_frameworks() if n != "doi_current"])
def test_a_cli_report_of_every_bundled_framework(name, tmp_path):
    out = tmp_path / name
    run = runner.invoke(app, ["report", "--framework", name, "--out", str(out), "--gender", "none"])
    assert run.exit_code == 0, run.output
    if load_framework(name).current_framework:  # the 2006 DOI series are not in the bundled data
        assert "cannot be built from the bundled data" in run.output
    assert (out / "index.html").is_file()


# -- ITU regions, Annex 4 --------------------------------------------------------------------------------------------
def test_idi2024_report_averages_are_by_itu_region_and_reproduce_annex4(tmp_path):
    result = build_index(datasets.load("idi2024"), "idi2024")
    findings = compute_findings(result, divide=False)
    assert findings.regions == "itu" and "itu_region" in findings.groupings
    # the report's own averaging (units.group_means, report groups) over ITU's published scores: Annex 4 exactly
    published = datasets.published("idi2024").query("edition == 2024").assign(year=2022)
    means = group_means(
        published, ("world", "itu_region"), column=["IDI", "universal", "meaningful"], groups=findings.groups
    )
    got = means.pivot_table(index="group", columns="code", values="simple_mean").round(1)
    for group, values in ANNEX4.items():
        assert tuple(got.loc[group, ["IDI", "universal", "meaningful"]]) == values, group
    # the report's averages of the scores it computes: within 1.1 points of Annex 4 (Arab States 74.69 vs 75.7;
    # ITU imputed the 61 economies with incomplete data with values it did not publish)
    written = write_report(result, tmp_path / "idi", formats=("png",), divide=False)
    averages = pd.read_csv(written.tables["averages_itu_region"][0]).set_index("group")
    averages = averages.rename(index={"All scored economies": "World"})
    for group, values in ANNEX4.items():
        assert abs(averages.loc[group, "IDI (simple mean)"] - values[0]) <= 1.1, group


def test_key_findings_are_sentences_with_the_numbers(every_year):
    rule, _ = default_rule(every_year, 2023)
    findings = compute_findings(every_year, 2023, ranking_rule=rule, year_choice=choose_year(every_year))
    said = key_findings(findings)
    top = findings.ranking.iloc[0]
    assert any(f"{top['name']} ({top['DOI']:.2f}) ranks first" in s for s in said)
    world = findings.group_means.query("grouping == 'world' and code == 'DOI'")["simple_mean"].item()
    assert any(f"is {world:.2f}" in s for s in said)
    assert any(s.startswith("By ITU region, Europe has the highest average") for s in said)
