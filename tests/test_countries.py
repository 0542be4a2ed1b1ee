from __future__ import annotations

import pytest

from ictindex.countries import classify, economy_name, from_m49, is_aggregate, to_iso3


@pytest.mark.parametrize(
    ("label", "iso3"),
    [
        ("Korea (Rep.)", "KOR"),
        ("Korea (Rep. of)", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Dem. People's Rep. of Korea", "PRK"),
        ("Congo (Dem. Rep.)", "COD"),
        ("Congo (Rep.)", "COG"),
        ("Hong Kong, China", "HKG"),
        ("Macao, China", "MAC"),
        ("Taiwan, China", "TWN"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Lao P.D.R.", "LAO"),
        ("Türkiye", "TUR"),
        ("Viet Nam", "VNM"),
        ("  argentina ", "ARG"),
        ("Germany", "DEU"),
        ("kor", "KOR"),
        ("FRA", "FRA"),
        ("KSO", "XKX"),
        ("Kosovo", "XKX"),
        ("AAA", "GGY"),
        ("GBJ", "JEY"),
    ],
)
def test_itu_and_un_spellings(label, iso3):
    assert to_iso3(label) == iso3


def test_no_fuzzy_matching():
    # pycountry's fuzzy search maps "Korea" to PRK; an ambiguous label must stay unknown
    assert to_iso3("Korea") is None
    assert to_iso3("Korea", extra_names={"Korea": "KOR"}) == "KOR"
    assert to_iso3("Germny") is None


@pytest.mark.parametrize(
    "label",
    ["World", "LDCs", "Africa", "Arab States", "Asia & Pacific", "Americas (regional average)", "High income", "WLD"],
)
def test_aggregates_are_recognised(label):
    assert is_aggregate(label)
    assert to_iso3(label) is None


def test_classify_table():
    table = classify(["Hong Kong, China", "World", "Atlantis", "World"])
    assert table["kind"].tolist() == ["economy", "aggregate", "unknown"]
    assert table["iso3"].iloc[0] == "HKG" and table["iso3"].iloc[1:].isna().all()


def test_m49_and_names():
    assert from_m49(410) == "KOR" and from_m49("004") == "AFG" and from_m49(1) is None
    assert economy_name("XKX") == "Kosovo"
    assert economy_name("BOL") == "Bolivia"  # pycountry common name


@pytest.mark.parametrize("code", ["X/../../../../escaped", "KORR", "", "K R", None, 410, "XYZ", "../KOR"])
def test_extra_names_values_must_be_iso3(code):
    from ictindex.errors import PanelError

    with pytest.raises(PanelError, match="which is not an ISO 3166 alpha-3 code") as info:
        classify(["Xland"], {"Xland": code})
    assert info.value.field == "extra_names" and info.value.economy == "Xland"
    with pytest.raises(PanelError):
        to_iso3("Xland", {"Xland": code})


def test_extra_names_accepts_codes_in_any_case_and_itu_aliases():
    assert classify(["Rep. of Korea", "Kosovo*"], {"rep. of  korea": "kor", "Kosovo*": "KSO"})["iso3"].tolist() == [
        "KOR",
        "XKX",
    ]
