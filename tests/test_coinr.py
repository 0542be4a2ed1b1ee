"""COINr's full example (build_example_coin) and its percentile-rank variant, from iData/iMeta and settings only."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import COINR

from ictindex import build_index, read_coinr, to_coinr
from ictindex.framework import Framework

#: COINr's own example settings (R/examples.R, build_example_coin): denominate, group-mean imputation by
#: EurAsia_group, Screen(dset = "Imputed", dat_thresh = 0.9), Treat(winmax = 5), min-max 0-100, arithmetic.
EXAMPLE = {
    "imputation": {"method": "group_mean", "by": "EurAsia_group"},
    "screening": {"min_share": 0.9, "count": "imputed"},
    "treatment": {"method": "winsorise", "winmax": 5},
    "normalisation": {"method": "minmax", "low": 0, "high": 100},
}
#: COINr's results vignette (docs/articles/results.html, get_results(build_example_coin())), 2 decimals.
PUBLISHED_TOP6 = """uCode Index Conn Sust Physical ConEcFin Political Instit P2P Environ Social SusEcFin
CHE 68.38 62.79 73.98 63.41 32.87 74.78 85.94 56.93 77.21 87.85 56.88
NLD 64.82 61.94 67.70 64.87 46.62 84.55 71.74 41.92 58.73 86.58 57.78
DNK 64.80 57.10 72.51 50.52 30.43 78.13 75.35 51.04 69.83 86.40 61.29
NOR 64.47 57.44 71.50 58.18 25.70 80.03 89.46 33.80 70.90 87.00 56.59
BEL 63.54 63.99 63.09 71.97 48.22 80.84 75.60 43.32 53.01 86.17 50.09
SWE 63.00 53.87 72.12 51.51 23.87 80.98 74.51 38.50 66.37 87.74 62.27"""
#: Points COINr winsorises in the example (coin$Analysis$Treated$Dets_Table, nwin).
WINSORISED = {
    "Flights": 1,
    "Bord": 3,
    "Gas": 3,
    "Services": 4,
    "FDI": 2,
    "ForPort": 3,
    "CostImpEx": 1,
    "Tariff": 3,
    "StMob": 2,
    "CultServ": 3,
    "Forest": 2,
    "Poverty": 3,
    "NGOs": 3,
    "FemLab": 1,
    "PubDebt": 1,
}


@pytest.fixture(scope="module")
def example():
    panel, fw = read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv", denominate=True)
    return build_index(panel, fw, **EXAMPLE)


def test_full_example_index_and_treatment(example):
    scores = example.scores.set_index("economy")
    assert len(scores) == 51 and scores["Index"].notna().all()  # the screen (on imputed data) keeps all 51
    assert scores.loc["AUS", "Index"] == pytest.approx(45.766247515601, rel=1e-12)
    summary = example.treatment_summary
    treated = summary[summary["status"] != "passes"].set_index("indicator")
    assert treated["points"].to_dict() == WINSORISED
    assert set(treated["status"]) == {"winsorised"} and treated["passes"].all()
    assert len(example.treatments) == sum(WINSORISED.values())


def test_full_example_published_table(example):
    published = pd.read_csv(pd.io.common.StringIO(PUBLISHED_TOP6), sep=" ").set_index("uCode")
    scores = example.scores.set_index("economy")
    ours = scores.loc[published.index, published.columns].round(2)
    pd.testing.assert_frame_equal(ours, published, check_names=False, atol=0.005 + 1e-9, rtol=0)
    assert scores.sort_values("rank").index[:6].tolist() == published.index.tolist()


def test_full_example_imputation_log(example):
    log = example.imputations
    data = pd.read_csv(COINR / "ASEM_iData.csv")
    # BGD's missing ConSpeed is the mean of the Asian economies' observed values
    asia = data.loc[data["EurAsia_group"] == "Asia", "ConSpeed"]
    row = log[(log["economy"] == "BGD") & (log["indicator"] == "ConSpeed")].iloc[0]
    assert (
        row["value"] == pytest.approx(asia.mean()) and row["donors"] == f"EurAsia_group=Asia ({asia.count()} economies)"
    )
    assert (log["method"] == "group_mean").all()


def test_settings_from_the_framework_file_equal_the_keywords(example):
    panel, fw = read_coinr(
        COINR / "ASEM_iData.csv",
        COINR / "ASEM_iMeta.csv",
        denominate=True,
        normalisation={"method": "minmax", "target": [0, 100]},
    )
    data = fw.model_dump(exclude_none=True) | {
        "imputation": EXAMPLE["imputation"],
        "screening": EXAMPLE["screening"],
        "treatment": EXAMPLE["treatment"],
    }
    result = build_index(panel, Framework.from_dict(data))
    pd.testing.assert_frame_equal(result.scores, example.scores)


def test_screening_before_imputation_lists_the_economies():
    panel, fw = read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv", denominate=True)
    result = build_index(panel, fw, **(EXAMPLE | {"screening": {"min_share": 0.9}}))
    out = result.coverage[result.coverage["reason"].str.startswith("screened out")]
    assert out["economy"].tolist() == ["BGD", "BRN", "KHM", "LAO", "MMR"]
    assert out.iloc[0]["reason"] == "screened out: 43 of 49 indicators observed (87.8 %), fewer than 90 %"
    assert len(result.scores) == 46


def test_percentile_rank_variant():
    """COINr n_prank on the raw data (no denomination, imputation or treatment), arithmetic means."""
    panel, fw = read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv")
    result = build_index(panel, fw, normalisation="prank")
    assert result.scores.set_index("economy").loc["AUS", "Index"] == pytest.approx(0.493096170859462, rel=1e-12)


def test_denominate_divides_by_imeta_denominator():
    raw, _ = read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv")
    den, _ = read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv", denominate=True)
    data = pd.read_csv(COINR / "ASEM_iData.csv")
    assert den.loc[0, "Flights"] == pytest.approx(raw.loc[0, "Flights"] / data.loc[0, "Population"])
    assert den.loc[0, "LPI"] == raw.loc[0, "LPI"]  # no denominator
    assert raw.attrs["groups"]["EurAsia_group"]["AUS"] == "Asia"


def test_to_coinr_round_trip(example):
    idata, imeta = to_coinr(example)
    panel, fw = read_coinr(idata, imeta)
    assert fw.index == "Index" and len(fw.indicators) == 49
    assert imeta.set_index("iCode").loc[["Physical", "Conn", "Index"], "Level"].tolist() == [2, 3, 4]
    assert imeta.set_index("iCode").loc["Tariff", "Direction"] == -1
    again = build_index(panel, fw)
    assert again.scores["Index"].notna().all()


def test_full_example_every_aggregate_of_all_51_units(example):
    """COINr's own ASEM_COIN object (tests/replication/README.md): 51 units x 11 aggregates. The two COINr
    versions differ by up to ~3e-8 on this 0-100 scale; COINr 1.1.14's AUS index is matched to 1e-12."""
    from conftest import REPLICATION

    expected = pd.read_csv(REPLICATION / "coinr_asem_full_example.csv").set_index("uCode").sort_index()
    ours = example.scores.set_index("economy").sort_index()[expected.columns]
    assert list(ours.index) == list(expected.index) and len(ours) == 51
    difference = (ours - expected).abs().to_numpy().max()
    assert difference < 1e-7


def test_to_coinr_writes_the_groups_back(example):
    """Groups given to to_coinr become iData columns with iMeta rows of Type Group, which read_coinr reads back (and
    group imputation finds by name)."""
    from ictindex.errors import PanelError

    source = pd.read_csv(COINR / "ASEM_iData.csv")
    groups = source[["uCode", "EurAsia_group", "GDPpc_group"]].rename(columns={"uCode": "economy"})
    idata, imeta = to_coinr(example, groups=groups)
    assert imeta.loc[imeta["Type"] == "Group", "iCode"].tolist() == ["EurAsia_group", "GDPpc_group"]
    panel, fw = read_coinr(idata, imeta)
    expected = groups.set_index("economy").loc[example.scores["economy"].unique()]
    assert panel.attrs["groups"]["EurAsia_group"] == expected["EurAsia_group"].to_dict()
    assert panel.attrs["groups"]["GDPpc_group"] == expected["GDPpc_group"].to_dict()
    again = build_index(panel, fw, imputation={"method": "group_mean", "by": "EurAsia_group"})
    assert again.scores["Index"].notna().all()
    with pytest.raises(PanelError, match="name of an iData column"):
        to_coinr(example, groups=groups.rename(columns={"GDPpc_group": "Time"}))


# -- hostile and degenerate iMeta / iData (issue 30, class 4) ---------------------------------------------
SMALL_DATA = pd.DataFrame({"uCode": ["AAA", "BBB", "CCC"], "Time": 2020, "x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0]})


def _meta(**column: object) -> pd.DataFrame:
    meta = pd.DataFrame(
        {
            "iCode": ["x", "y", "Index"],
            "iName": ["x", "y", "Index"],
            "Direction": [1, -1, 1],
            "Weight": [1, 1, 1],
            "Parent": ["Index", "Index", None],
            "Type": ["Indicator", "Indicator", "Aggregate"],
        }
    )
    for name, first in column.items():
        meta[name] = pd.Series([first, *meta[name].iloc[1:]], dtype="object")
    return meta


@pytest.mark.parametrize("direction", [0, None, "", "lower", 2, -0.5, True, float("nan")])
def test_a_direction_other_than_1_or_minus_1_is_refused_naming_the_indicator(direction):
    """A Direction of 0, blank or text was read as "higher is better" (a "lower is better" indicator reversed)."""
    from ictindex.errors import PanelError

    with pytest.raises(PanelError, match=r"Direction of indicator 'x' is .*, not 1 or -1") as info:
        read_coinr(SMALL_DATA, _meta(Direction=direction))
    assert info.value.indicator == "x" and info.value.field == "iMeta.Direction"


def test_directions_as_numbers_or_numeric_text_are_read():
    _, fw = read_coinr(SMALL_DATA, _meta(Direction="-1"))
    assert [i.direction for i in fw.indicators] == ["lower", "lower"]
    _, fw = read_coinr(SMALL_DATA, _meta(Direction=1.0))
    assert [i.direction for i in fw.indicators] == ["higher", "lower"]


@pytest.mark.parametrize(("weight", "message"), [("a", "'a'"), (float("nan"), "nan"), (-1, "-1"), (None, "None")])
def test_a_weight_that_is_not_a_finite_number_is_refused(weight, message):
    from ictindex.errors import PanelError

    with pytest.raises(PanelError, match=f"Weight of 'x' is {message}, not a finite number >= 0"):
        read_coinr(SMALL_DATA, _meta(Weight=weight))


def test_an_icode_listed_twice_is_refused():
    from ictindex.errors import PanelError

    meta = pd.concat([_meta(), _meta().iloc[[2]]], ignore_index=True)
    with pytest.raises(PanelError, match=r"lists the iCode\(s\) \['Index'\] more than once"):
        read_coinr(SMALL_DATA, meta)  # was a TypeError (unhashable Series)


def test_single_year_idata_without_time_is_one_year():
    """COINr's single-year iData has no Time column: read as the year given (default: this calendar year), not as
    year 0 (which the build refused as "a two-digit year?")."""
    import datetime

    from ictindex.errors import PanelError

    data = SMALL_DATA.drop(columns="Time")
    panel, fw = read_coinr(data, _meta(), year=2019)
    assert panel["year"].tolist() == [2019] * 3
    result = build_index(panel, fw, units="any")
    # min-max 0-100, x higher and y lower is better, equal weights: AAA (0 + 0) / 2, BBB (50 + 100) / 2
    assert result.scores.set_index("economy")["Index"].to_dict() == {"AAA": 0.0, "BBB": 75.0, "CCC": 75.0}
    assert result.years == [2019]
    default, _ = read_coinr(data, _meta())
    assert default["year"].unique().tolist() == [datetime.date.today().year]
    with pytest.raises(PanelError, match="year=2019 was given, but iData has a Time column"):
        read_coinr(SMALL_DATA, _meta(), year=2019)
    with pytest.raises(PanelError, match="year must be a whole number, got '2019'"):
        read_coinr(data, _meta(), year="2019")


def test_text_in_idata_is_left_to_the_panel_check_or_refused_when_denominating():
    from ictindex.errors import PanelError

    data = SMALL_DATA.assign(x=["1", "n/a", "z"], pop=[1.0, 2.0, "many"])
    panel, fw = read_coinr(data, _meta())  # was a ValueError from astype(float)
    with pytest.raises(PanelError, match="value 'z' is not a number") as info:
        build_index(panel, fw, units="any")
    assert (info.value.economy, info.value.indicator) == ("CCC", "x")
    meta = _meta().assign(Denominator=["pop", None, None])
    with pytest.raises(PanelError, match="iData's 'x' holds 'n/a', which is not a number"):
        read_coinr(data, meta, denominate=True)
    with pytest.raises(PanelError, match="iData's 'pop' holds 'many'"):
        read_coinr(data.assign(x=[1.0, 2.0, 3.0]), meta, denominate=True)
