"""Value notes travel: ITU estimates and carried-forward values in result.flags, lookup, ranking, markers."""

from __future__ import annotations

import pandas as pd
import pytest

from ictindex import build_index, datasets
from ictindex.flags import economy_flags, is_estimate, value_flags
from ictindex.report.tables import ranking_table


@pytest.fixture(scope="module")
def result():
    return build_index(datasets.load("itu"), "doi_current", years=[2022, 2023])


def test_itu_estimate_note_reaches_the_flags_and_the_lookup(result):
    panel = datasets.load("itu")
    estimated = panel[(panel.indicator == "xHH6_IDI") & (panel.year == 2023) & is_estimate(panel.note)]
    economy = sorted(estimated.economy)[0]
    flags = result.flags.query("economy == @economy and year == 2023 and indicator == 'hh_internet'")
    assert flags["flag"].item().startswith("estimate") and "estimate" in flags["note"].item().lower()
    row = result.lookup(economy, 2023).set_index("indicator").loc["hh_internet"]
    assert row["flag"].startswith("estimate") and row["raw"] == estimated.set_index("economy").loc[economy, "value"]


def test_carried_values_are_flagged_with_their_year(result):
    carried = result.imputations.query("year == 2023")
    first = carried.iloc[0]
    row = result.lookup(first.economy, 2023).set_index("indicator").loc[first.indicator]
    assert "carried forward" in row["flag"] and row["from_year"] == first.from_year
    assert pd.isna(row["raw"]) and row["imputed"] == first.value
    flagged = result.flags.query("year == 2023 and flag.str.contains('carried')", engine="python")
    assert len(flagged) == len(carried)


def test_ranking_table_has_the_marker_column(result):
    table = ranking_table(result, 2023).set_index("economy")
    flags = result.economy_flags.query("year == 2023").set_index("economy")
    assert (table["flag"] == flags.loc[table.index, "marker"]).all()
    with_estimates = flags.loc[table.index].query("estimates > 0").index
    assert len(with_estimates) > 0 and table.loc[with_estimates, "flag"].str.contains("E").all()


def test_few_indicators_or_mostly_estimates_get_the_warning_marker():
    idx = pd.MultiIndex.from_tuples([("AAA", 2023), ("BBB", 2023), ("CCC", 2023)], names=["economy", "year"])
    values = pd.DataFrame(
        {"a": [1.0, 1.0, 1.0], "b": [1.0, None, 1.0], "c": [1.0, None, 1.0], "d": [1.0, None, 1.0]}, index=idx
    )
    notes = pd.DataFrame(
        {"a": ["", "", "ITU estimate."], "b": ["", "", "ITU estimate"], "c": ["", "", "estimate"], "d": ["", "", ""]},
        index=idx,
    )
    flags = value_flags(values, notes)
    table = economy_flags(values, flags).set_index("economy")
    assert table.loc["AAA", "marker"] == ""
    assert table.loc["BBB", "marker"] == "!" and "1 of 4 indicators" in table.loc["BBB", "why"]
    assert table.loc["CCC", "marker"] == "E!" and "3 of 4 values are estimates" in table.loc["CCC", "why"]
    assert is_estimate(pd.Series(["Estimated.", "ITU estimate", "survey", "underestimate"])).tolist() == [
        True,
        True,
        False,
        False,
    ]


def test_a_value_kept_with_a_warning_marks_its_score_and_a_value_set_aside_does_not():
    """A percentage keyed as a fraction among percentages (0.44 after 42: the jump check warns and the value is
    kept) marks its unit's score ``W`` in the ranking; a price of 0 (set aside by the zero_price check) does not —
    the score rests on one indicator fewer, which ``indicators_present`` says."""
    import warnings

    from ictindex.framework import Framework

    fw = Framework.from_dict(
        {
            "code": "districts",
            "name": "Districts",
            "index": "DCI",
            "indicators": [
                {"code": "internet_users", "name": "Internet users", "unit": "%"},
                {"code": "mobile_coverage", "name": "4G coverage", "unit": "%"},
                {
                    "code": "fbb_price",
                    "name": "Fixed-broadband price",
                    "unit": "% of monthly income per capita",
                    "direction": "lower",
                    "normalisation": {"method": "goalpost", "lower": 0, "upper": 20},
                },
            ],
            "nodes": [
                {
                    "code": "DCI",
                    "name": "DCI",
                    "children": [{"code": c} for c in ("internet_users", "mobile_coverage", "fbb_price")],
                }
            ],
        }
    )
    rows = [
        (unit, year, code, value)
        for i, unit in enumerate(["D1", "D2", "D3", "D4"])
        for year in (2022, 2023)
        for code, value in (("internet_users", 30 + 6 * i), ("mobile_coverage", 60 + 5 * i), ("fbb_price", 8 - i))
    ]
    panel = pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"]).astype({"value": "float64"})
    panel.loc[(panel.economy == "D3") & (panel.year == 2023) & (panel.indicator == "internet_users"), "value"] = 0.42
    panel.loc[(panel.economy == "D2") & (panel.year == 2023) & (panel.indicator == "fbb_price"), "value"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_index(panel, fw, units="any")
    assert {"jump", "zero_price"} <= set(result.issues["problem"])
    markers = result.economy_flags.query("year == 2023").set_index("economy")
    assert markers.loc["D3", "marker"] == "W" and "jump (internet_users)" in markers.loc["D3", "why"]
    assert markers.loc["D2", "marker"] == "" and markers.loc["D2", "present"] == 2
    assert markers.loc[["D1", "D4"], "marker"].tolist() == ["", ""]
    assert ranking_table(result, 2023).set_index("economy").loc["D3", "flag"] == "W"
