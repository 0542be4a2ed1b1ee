"""ICT Development Index frameworks against ITU's published numbers.

IDI 2024: ITU, *The ICT Development Index 2024* (Table 1 pp. 4-5, Annex 1 pp. 17-20, Annex 2 pp. 21-33,
Annex 4 p. 35), bundled in data/itu_idi_2024/. IDI 2010: MIS 2011 Annex Box 1.2 (Korea worked example).
IDI 2017: MIS 2017 published scores (tests/replication/idi2017_published_scores.csv).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPLICATION

import ictindex
from ictindex import FrameworkError, datasets
from ictindex.countries import classify
from ictindex.framework import Framework, load_framework
from ictindex.normalise import normalise_indicator
from ictindex.resources import bundled_dir

TRAFFIC = {"mbb_traffic", "fbb_traffic"}
NODES = ["IDI", "universal", "meaningful"]


@pytest.fixture(scope="module")
def idi2024() -> ictindex.IndexResult:
    return ictindex.build_index(datasets.load("idi2024"), "idi2024")


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return datasets.published("idi2024").query("edition == 2024").set_index("economy")


def _complete(result: ictindex.IndexResult) -> pd.Index:
    raw = result.raw.set_index("economy")[result.framework.indicator_codes]
    return raw.index[raw.notna().all(axis=1)]


# -- IDI 2024 ---------------------------------------------------------------------------------------------------
def test_box_a1_1_worked_example():
    """Box A1.1 (p. 20), ITU's fictional economy: every score, both pillars and the IDI as printed."""
    values = {
        "internet_users": 87.4,
        "hh_internet": 89.3,
        "mbb_subscriptions": 105.7,
        "coverage_3g": 99.2,
        "coverage_4g": 98.5,
        "mbb_traffic": 123.3,
        "fbb_traffic": 2908.6,
        "mobile_basket": 1.0,
        "fbb_basket": 1.4,
        "mobile_owners": 93.8,
    }
    panel = pd.DataFrame({"economy": "KOR", "year": 2022, "indicator": list(values), "value": list(values.values())})
    result = ictindex.build_index(panel, "idi2024")
    scores = (result.normalised.iloc[0].drop(["economy", "year"]).astype(float) * 100).round(1)
    expected = {
        "internet_users": 92.0,
        "hh_internet": 94.0,
        "mbb_subscriptions": 70.5,
        "mbb_traffic": 77.6,
        "fbb_traffic": 86.6,
        "mobile_basket": 100.0,
        "fbb_basket": 98.8,
        "mobile_owners": 98.8,
    }
    # the box prints inputs rounded to 0.1 (93.8 / 95 = 98.74, printed 98.8), so scores agree to 0.1
    assert {k: scores[k] for k in expected} == pytest.approx(expected, abs=0.1 + 1e-9)
    row = result.rounded().iloc[0]
    # the box averages its rounded pillars ((85.5 + 93.4) / 2 = 89.45 -> 89.5); unrounded it is 89.4
    assert (row["coverage"], row["universal"], row["meaningful"]) == (98.8, 85.5, 93.4)
    assert row["IDI"] == pytest.approx(89.5, abs=0.1 + 1e-9)


def test_idi2024_indicator_scores_reproduce_annex2(idi2024):
    """Every published indicator score within 0.3 (traffic 0.7: Annex 2 rounds values before ITU's log)."""
    ours = idi2024.normalised.set_index("economy").drop(columns="year") * 100
    ours["coverage"] = idi2024.scores.set_index("economy")["coverage"]
    pub = datasets.published("idi2024", level="indicators")
    assert len(pub) == 1428 and pub["economy"].nunique() == 170
    diff = pub.assign(ours=ours.stack().reindex(pd.MultiIndex.from_frame(pub[["economy", "code"]])).to_numpy())
    diff["gap"] = (diff["ours"] - diff["score"]).abs()
    assert diff["ours"].notna().all()  # every published score has its value in the bundled panel
    worst = diff.groupby("code")["gap"].max()
    print("\nlargest |score - published| by indicator:", worst.round(3).to_dict())
    assert (worst.drop(list(TRAFFIC)) <= 0.3).all(), worst
    assert (worst[list(TRAFFIC)] <= 0.7).all(), worst


def test_idi2024_complete_economies_match_table1(idi2024, published):
    """The 109 economies with all ten values: IDI and both pillars at published precision, within 0.1."""
    complete = _complete(idi2024)
    assert len(complete) == 109
    ours = idi2024.rounded().set_index("economy").loc[complete, NODES]
    gap = (ours - published.loc[complete, NODES]).abs()
    print(
        "\ncomplete economies, max |rounded - published|:",
        gap.max().round(3).to_dict(),
        "unrounded:",
        (idi2024.scores.set_index("economy").loc[complete, NODES] - published.loc[complete, NODES])
        .abs()
        .max()
        .round(3)
        .to_dict(),
    )
    assert (gap <= 0.1 + 1e-9).all().all(), gap.max()


def test_idi2024_all_170_rank_correlation(idi2024, published):
    """All 170 economies (ITU imputed the missing values, unpublished): Spearman and the largest gaps."""
    pub = published.reset_index()[["economy", "year", *NODES]]
    comparison = ictindex.compare(idi2024, pub)
    summary = comparison.summary.iloc[0]
    assert (summary["compared"], summary["only_a"], summary["only_b"]) == (170, 0, 0)
    largest = comparison.largest(8).set_index("economy")
    raw = idi2024.raw.set_index("economy")[idi2024.framework.indicator_codes]
    largest["missing"] = [", ".join(raw.columns[raw.loc[e].isna()]) for e in largest.index]
    print(
        f"\nIDI 2024, all 170: Spearman {summary['spearman']:.4f}, MAD {summary['mean_abs_difference']:.3f}, "
        f"max {summary['max_abs_difference']:.2f}\n"
        + largest[["score_a", "score_b", "difference", "missing"]].round(2).to_string()
    )
    assert summary["spearman"] > 0.996
    assert summary["mean_abs_difference"] < 1.0
    # every large gap is an economy with values ITU imputed but did not publish
    assert (largest.loc[largest["difference"].abs() > 0.1, "missing"] != "").all()
    for node in ("universal", "meaningful"):
        pillar = ictindex.compare(idi2024, pub, node=node).summary.iloc[0]
        assert pillar["spearman"] > 0.97, node


def test_idi2024_inclusion_rule_five_of_ten():
    """Annex 1 p. 17: fewer than five indicators and the economy is not scored, with the reason."""
    panel = datasets.load("idi2024").query("economy in ['KOR', 'AFG']")
    kept = panel[
        (panel["economy"] == "KOR")
        | panel["indicator"].isin(["coverage_3g", "coverage_4g", "mbb_traffic", "mbb_subscriptions"])
    ]
    result = ictindex.build_index(kept, "idi2024")
    assert result.scores["economy"].tolist() == ["KOR"]
    reason = result.excluded.set_index("economy").loc["AFG", "reason"]
    assert reason == "only 4 of 10 indicators present; the framework's inclusion rule needs 5"


def test_annex4_group_averages():
    """Annex 4 (p. 35): simple means of the published scores by ITU region and income group."""
    pub = datasets.published("idi2024").query("edition == 2024")
    groups = datasets.idi2024_groups()
    regions = datasets.itu_regions()
    table = pub.merge(regions, on="economy").merge(groups[["economy", "income_group"]], on="economy")
    assert len(table) == 170
    world = table[NODES].mean().round(1).tolist()
    assert world == [74.8, 69.6, 80.0]
    by_region = table.groupby("itu_region")[NODES].mean().round(1)
    annex4 = {
        "Africa": [50.3, 42.5, 58.0],
        "Americas": [77.1, 70.0, 84.3],
        "Arab States": [75.7, 70.6, 80.8],
        "Asia-Pacific": [77.3, 73.4, 81.2],
        "CIS": [87.0, 85.4, 88.6],
        "Europe": [90.1, 86.8, 93.4],
    }
    assert {r: by_region.loc[r].tolist() for r in annex4} == annex4
    by_income = table.groupby("income_group")["IDI"].mean().round(1)
    assert by_income[["High-income", "Upper-middle-income", "Lower-middle-income", "Low-income"]].tolist() == [
        91.7,
        79.1,
        64.8,
        36.2,
    ]


def test_itu_regions_cover_every_economy():
    """Every ITU Member State (India included) and every territory ITU reports has an ITU region; ITU's own
    IDI 2024 assignments are kept (issue 24 extended the table beyond the 170 IDI economies)."""
    regions = datasets.itu_regions()
    assert list(regions.columns) == ["economy", "itu_region", "source"]
    assert not regions["economy"].duplicated().any()
    members = set(pd.read_csv(bundled_dir("data") / "itu_members" / "itu_member_states.csv")["iso3"])
    by_code = regions.set_index("economy")["itu_region"]
    counts = by_code[sorted(members)].value_counts()
    assert counts[["Africa", "Americas", "Arab States", "Asia-Pacific", "CIS", "Europe"]].tolist() == [
        44,
        35,
        21,
        39,
        9,
        46,
    ]
    assert set(regions.loc[regions["itu_region"] == "not assigned", "economy"]) == {"ATA"}
    assert (by_code["GEO"], by_code["MDA"], by_code["COM"]) == ("Europe", "Europe", "Arab States")
    assert (by_code["IND"], by_code["PSE"], by_code["HKG"], by_code["TJK"]) == (
        "Asia-Pacific",
        "Arab States",
        "Asia-Pacific",
        "CIS",
    )
    idi = datasets.idi2024_groups().set_index("economy")["itu_region"]
    assert (by_code[idi.index] == idi).all()  # ITU's own 170 assignments, unchanged
    sources = regions.set_index("economy")["source"]
    assert sources[idi.index].str.contains("ICT Development Index 2024").all()


def test_published_table_shape():
    table = datasets.published("idi2024")
    assert table.groupby("edition")["economy"].nunique().to_dict() == {2023: 165, 2024: 170}
    assert table.query("edition == 2024")["year"].unique().tolist() == [2022]
    kwt = table.query("economy == 'KWT' and edition == 2024").iloc[0]
    assert kwt["IDI"] == 100.0
    with pytest.raises(ictindex.IctIndexError, match="unknown level"):
        datasets.published("idi2024", level="pillars")


def test_panel_notes_keep_estimate_and_lag_flags():
    panel = datasets.load("idi2024")
    assert panel["economy"].nunique() == 170 and set(panel["year"]) == {2022}
    afg = panel.query("economy == 'AFG' and indicator == 'coverage_3g'").iloc[0]
    assert afg["value"] == 58.0 and afg["note"].startswith("2021 value")
    assert panel["note"].str.startswith("ITU estimate").sum() == 72 + 68 + 1 + 3 + 110


# -- schema: threshold/goalpost and ln1p ------------------------------------------------------------------------
def _one(direction: str, **norm) -> dict:
    return {
        "code": "t",
        "name": "t",
        "index": "I",
        "nodes": [{"code": "I", "name": "I", "children": [{"code": "x"}]}],
        "indicators": [{"code": "x", "name": "x", "unit": "u", "direction": direction, "normalisation": norm}],
    }


def test_threshold_goalpost_is_lower_upper_and_checks_direction():
    fw = Framework.from_dict(_one("lower", method="goalpost", threshold=33.3, goalpost=1))
    spec = fw.indicators[0].normalisation
    assert (spec.lower, spec.upper) == (1.0, 33.3)
    assert Framework.from_dict(fw.to_dict()) == fw  # round trip
    with pytest.raises(FrameworkError, match="set direction: lower"):
        Framework.from_dict(_one("higher", method="goalpost", threshold=33.3, goalpost=1))
    with pytest.raises(FrameworkError, match="contradicts"):
        Framework.from_dict(_one("higher", method="goalpost", threshold=0, goalpost=95, upper=100))
    with pytest.raises(FrameworkError, match="both 'threshold'"):
        Framework.from_dict(_one("higher", method="goalpost", goalpost=95))


def test_ln1p_goalposts_transformed_like_values():
    fw = load_framework("idi2024")
    assert fw.indicator("mbb_traffic").normalisation.transform == "ln1p"
    index = pd.MultiIndex.from_product([["KOR", "FRA", "PER", "USA"], [2022]], names=["economy", "year"])
    column = pd.Series([0.0, 500.0, 20.0, 900.0], index=index, name="mbb_traffic")
    norm = normalise_indicator(column, fw.indicator("mbb_traffic"))
    assert norm.tolist() == pytest.approx([0.0, 1.0, np.log(21) / np.log(501), 1.0])


# -- IDI 2010: MIS 2011 Korea worked example --------------------------------------------------------------------
def test_idi2010_korea_worked_example():
    """MIS 2011 Annex Box 1.2: every normalised value within 0.005, access sub-index 0.82 +- 0.01."""
    table = pd.read_csv(REPLICATION / "idi_2010_korea_worked_example.csv")
    fw = load_framework("idi2010")
    codes = fw.indicator_codes
    assert [fw.indicator(c).normalisation.upper for c in codes] == table["reference_value"].tolist()
    panel = pd.DataFrame({"economy": "KOR", "year": 2010, "indicator": codes, "value": table["value_2010"]})
    result = ictindex.build_index(panel, fw)
    normalised = result.normalised.iloc[0][codes].to_numpy(dtype=float)
    assert normalised == pytest.approx(table["normalized_published"].to_numpy(), abs=0.005)
    korea = result.scores.iloc[0]
    assert korea["access"] / fw.scale == pytest.approx(0.82, abs=0.01)
    # MIS 2011 published Korea 8.40; 1/3 weights give 8.44 (the printed 0.33 would give 8.39)
    assert korea["IDI"] == pytest.approx(8.40, abs=0.05)


def test_gross_enrolment_may_exceed_100():
    panel = pd.DataFrame(
        {
            "economy": "KOR",
            "year": 2010,
            "indicator": ["secondary_enrolment", "tertiary_enrolment"],
            "value": [102.0, 99.0],
        }
    )
    result = ictindex.build_index(panel, "idi2010", min_coverage=0)
    assert result.normalised.iloc[0][["secondary_enrolment", "tertiary_enrolment"]].tolist() == [1.0, 0.99]


# -- IDI 2017 on the bundled series -----------------------------------------------------------------------------
LACKING_2017 = {
    "bandwidth_per_user": "needs Internet users as a count (bundled population ends in 2013)",
    "secondary_enrolment": "no enrolment series bundled",
    "tertiary_enrolment": "no enrolment series bundled",
}


def test_idi2017_on_bundled_2016_data():
    """IDI 2017 (2016 data) recomputed on the bundled series against MIS 2017's 176 published scores.

    Handling of what the bundled data lack: the three indicators of LACKING_2017 are absent, so access is scored
    from 4 of 5 indicators and skills from mean years of schooling alone (min_coverage=0.3, weights of the
    present indicators rescaled); other gaps take the latest value at most 3 years old (recorded).
    """
    published = pd.read_csv(REPLICATION / "idi2017_published_scores.csv")
    names = classify(published["Country"], extra_names={"C\ufffdte d'Ivoire": "CIV", "S. Tom\ufffd & Principe": "STP"})
    published["economy"] = published["Country"].map(dict(zip(names["label"], names["iso3"], strict=True)))
    assert published["economy"].notna().all()
    result = ictindex.build_index(datasets.load("itu"), "idi2017", years=2016, imputation="latest", min_coverage=0.3)
    have = result.raw.drop(columns=["economy", "year"]).notna().any()
    assert sorted(have.index[~have]) == sorted(LACKING_2017)
    comparison = ictindex.compare(result, published.assign(year=2016)[["economy", "year", "IDI"]])
    summary = comparison.summary.iloc[0]
    print(
        f"\nIDI 2017 on bundled 2016 data vs MIS 2017: {summary['compared']} economies, Spearman "
        f"{summary['spearman']:.4f}, MAD {summary['mean_abs_difference']:.3f}, max {summary['max_abs_difference']:.2f}"
        f"; lacking: {LACKING_2017}"
    )
    assert summary["compared"] == 176 and summary["only_b"] == 0
    assert summary["spearman"] > 0.99
    assert summary["mean_abs_difference"] < 0.25


# -- current-data IDI -------------------------------------------------------------------------------------------
def test_idi2024_current_declares_every_substitution_and_is_close_to_published():
    fw = load_framework("idi2024_current")
    reference = load_framework("idi2024")
    for ind in fw.indicators:  # same method
        assert ind.normalisation == reference.indicator(ind.code).normalisation, ind.code
        assert ind.note, f"{ind.code}: the substitution (or its absence) must be stated"
    result = ictindex.build_index(datasets.load("itu"), fw, years=2022)
    pub = datasets.published("idi2024").query("edition == 2024")[["economy", "year", "IDI"]]
    summary = ictindex.compare(result, pub).summary.iloc[0]
    print(
        f"\nidi2024_current 2022 vs published IDI 2024: {summary['compared']} economies, Spearman "
        f"{summary['spearman']:.3f}, MAD {summary['mean_abs_difference']:.2f}"
    )
    assert summary["compared"] >= 160 and summary["spearman"] > 0.97
    latest = ictindex.build_index(datasets.load("itu"), fw, years=2023)
    assert len(latest.ranking(2023)) >= 180
    assert set(latest.imputations["from_year"]) <= {2022}  # ITU's rule: the year before, no older


# -- command line -----------------------------------------------------------------------------------------------
def test_cli_build_and_report_idi2024(tmp_path):
    """`--framework idi2024` builds from ITU's published 2022 values by default; the report is written."""
    from typer.testing import CliRunner

    from ictindex.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["build", "--framework", "idi2024", "--out", str(tmp_path / "b")])
    assert out.exit_code == 0, out.output
    scores = pd.read_csv(tmp_path / "b" / "scores.csv").set_index("economy")
    assert len(scores) == 170 and scores.loc["KOR", "IDI"] == pytest.approx(94.4, abs=0.1)
    out = runner.invoke(app, ["report", "--framework", "idi2024", "--out", str(tmp_path / "r"), "--gender", "none"])
    assert out.exit_code == 0, out.output
    ranking = pd.read_csv(tmp_path / "r" / "tables" / "ranking.csv")
    # issue 23: the default ranking holds ITU Member States (with data); the 3 others are listed, not lost
    not_ranked = pd.read_csv(tmp_path / "r" / "tables" / "not_ranked.csv")
    assert len(ranking) == 167 and len(ranking) + len(not_ranked) == 170
    assert not_ranked["reason"].str.startswith("not an ITU Member State").all()
    assert "ICT Development Index" in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")


def test_inclusion_rule_cannot_ask_for_more_indicators_than_exist():
    fw = load_framework("idi2024").to_dict()
    with pytest.raises(FrameworkError, match="min_indicators 11 is more than the 10 indicators"):
        Framework.from_dict({**fw, "min_indicators": 11})


def test_idi2024_current_on_2024_data_is_labelled_by_its_method_never_as_idi_2025():
    """ITU's IDI 2025 values are not bundled (no public copy found, issue 24): the current-data build says it is the
    IDI 2024 method on 2024 data, and nothing it prints calls it the IDI 2025."""
    fw = load_framework("idi2024_current")
    result = ictindex.build_index(datasets.load("itu"), fw, years=2024)
    text = " ".join([fw.name, fw.version or "", fw.description or "", result.summary()])
    assert "IDI 2024 method" in fw.name and "2024" in result.summary()
    assert "IDI 2025" not in text and "IDI2025" not in text.replace(" ", "")
