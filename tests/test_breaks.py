"""Method breaks: a series feeding an indicator starts, stops or changes source between two years."""

from __future__ import annotations

import pandas as pd

from ictindex import build_index, datasets
from ictindex.breaks import break_summary, detect_breaks


def test_data_only_mobile_basket_starts_in_2023():
    result = build_index(datasets.load("itu"), "doi_current", years=[2022, 2023])
    breaks = result.breaks
    tariff = breaks.query("indicator == 'mobile_tariff'")
    assert set(tariff["kind"]) == {"starts"} and len(tariff) > 150
    assert tariff["after"].str.startswith("i271mb_5GB_GNI").all()
    summary = break_summary(breaks).set_index(["indicator", "kind"])
    assert summary.loc[("mobile_tariff", "starts"), "economies"] == len(tariff)


def test_internet_use_total_changes_vintage_where_the_2019_edition_ends():
    result = build_index(datasets.load("itu"), "doi_current", years=[2017, 2018])  # UGA 2018: not in the 2019 edition
    internet = result.breaks.query("indicator == 'internet_users' and economy == 'UGA'")
    assert internet["kind"].tolist() == ["vintage changes"]
    assert "June 2019" in internet["before"].item() and "UN SDG Global Database 2023" in internet["after"].item()


def test_kinds_and_carried_values():
    idx = pd.MultiIndex.from_product([["AAA", "BBB", "CCC", "DDD"], [2020, 2021, 2022]], names=["economy", "year"])
    sources = pd.DataFrame(
        {
            "x": [
                "s1 (file A)",
                "s1 (file A)",
                "s2 (file B)",  # AAA: series changes 2021-22
                "",
                "s1 (file A)",
                "s1 (file A)",  # BBB: starts
                "s1 (file A)",
                "",
                "",  # CCC: carried 2021, then stops
                "s1 (file A)",
                "s1 (file C)",
                "s1 (file C)",
            ]
        },
        index=idx,
    )  # DDD: vintage
    log = pd.DataFrame({"economy": ["CCC"], "year": [2021], "indicator": ["x"], "from_year": [2020]})
    table = detect_breaks(sources, log)
    got = {(r.economy, r.from_year, r.kind) for r in table.itertuples()}
    assert got == {
        ("AAA", 2021, "series changes"),
        ("BBB", 2020, "starts"),
        ("CCC", 2021, "stops"),
        ("DDD", 2020, "vintage changes"),
    }
    assert detect_breaks(sources.loc[["AAA"]].iloc[:2]).empty
