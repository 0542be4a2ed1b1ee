"""Units tables: read once (codes, names, groups, population), the list of expected units, the words for a unit,
hashed into the spec; the one tidy group_means."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from provinces import PROVINCES, panel, units_table

import ictindex
from ictindex import build_index, validate_panel
from ictindex.errors import CoverageError, IctIndexError, IctIndexWarning, PanelError, SpecError
from ictindex.findings import compute_findings
from ictindex.units import NO_GROUP, Units, as_units, group_means, read_units

FRAMEWORK = "provinces.yaml"


@pytest.fixture(scope="module")
def framework(tmp_path_factory):
    from provinces import FRAMEWORK as TEXT

    path = tmp_path_factory.mktemp("fw") / FRAMEWORK
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def units() -> Units:
    return read_units(units_table())


@pytest.fixture(scope="module")
def result(framework, units):
    return build_index(panel(), framework, units=units, years=[2022, 2023])


# -- reading a units table ---------------------------------------------------------------------------------------
def test_read_units_takes_names_groups_population_and_words(units, framework):
    assert len(units.codes) == 34 and units.kind == "table" and units.expected
    assert units.name("ID-JB") == "West Java" and units.name("not a code") == "not a code"
    assert units.group_columns == ["region"]
    groups = units.groups(2023)
    assert groups.loc["ID-BA", "region"] == "Bali and Nusa Tenggara"
    assert groups.loc["ID-JK", "population"] == 10_680_000 and groups.loc["ID-JK", "population_year"] == 2023
    # the framework's unit_noun names the units when the table does not
    fw = ictindex.load_framework(framework)
    assert (fw.unit_noun, as_units(units, noun=fw.unit_noun).plural) == ("province", "provinces")
    assert units.noun == "unit" and read_units(units_table(), noun="city").plural == "cities"


def test_units_table_from_a_file_and_its_content_hash(units, tmp_path):
    path = tmp_path / "u.csv"
    units_table().to_csv(path, index=False)
    again = read_units(path)
    assert again == units and hash(again) == hash(units) and again.source == "u.csv"
    changed = units_table()
    changed.loc[0, "population"] += 1
    assert read_units(changed) != units  # the content, not the object, is the identity
    assert pickle.loads(pickle.dumps(units)) == units
    assert as_units(units.to_dict()) == units  # JSON-ready and back


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.rename(columns={"unit": "province"}), "no code column"),
        (lambda t: pd.concat([t, t.iloc[[3]]]), "lists 'ID-RI' twice"),
        (lambda t: t.assign(population=t["population"].astype(object).where(t.index != 2, "5,4 mio")), "number"),
        (lambda t: t.assign(population=t["population"].where(t.index != 5, -1)), "negative"),
        (lambda t: t.assign(unit=t["unit"].where(t.index != 1, " ")), "no unit code"),
    ],
)
def test_a_bad_units_table_is_refused_naming_the_place(change, message):
    with pytest.raises(SpecError, match=message):
        read_units(change(units_table()))


def test_population_and_groups_by_year_from_per_year_rows():
    table = pd.DataFrame(
        {
            "unit": ["A", "A", "B"],
            "name": ["Alpha", "Alpha", "Beta"],
            "zone": ["north", "south", "south"],  # A moved zone in 2021
            "population": [100.0, 120.0, 50.0],
            "population_year": [2018, 2021, 2019],
        }
    )
    units = read_units(table)
    assert units.population(2020).loc["A", "population"] == 100.0
    assert units.population(2022).loc["A", ["population", "population_year"]].tolist() == [120.0, 2021]
    assert pd.isna(units.population(2018).get("population", pd.Series()).get("B"))  # no figure yet for B
    assert units.groups(2020).loc["A", "zone"] == "north" and units.groups(2021).loc["A", "zone"] == "south"


# -- the list of expected units ----------------------------------------------------------------------------------
def test_a_mistyped_code_is_refused_naming_it_and_the_nearest(framework, units):
    data = panel()
    data.loc[data["economy"] == "ID-JB", "economy"] = "ID-JBB"
    with pytest.raises(PanelError) as info:
        build_index(data, framework, units=units)
    text = str(info.value)
    assert "unknown province 'ID-JBB'" in text and "nearest code: 'ID-JB'" in text and "province ID-JBB" in text
    # validation lists every such code, each with its nearest
    data.loc[data["economy"] == "ID-SG", "economy"] = "id-sg "
    issues = validate_panel(data, ictindex.load_framework(framework), units=units).issues
    unknown = issues[issues["problem"] == "unknown_unit"]
    assert set(unknown["economy"].str.strip()) == {"ID-JBB", "id-sg"}
    assert unknown["message"].str.contains("nearest code: 'ID-SG'").any()


def test_a_unit_of_the_table_without_data_is_listed_as_not_scored(framework):
    table = pd.concat(
        [units_table(), pd.DataFrame({"unit": ["ID-PD"], "name": ["Southwest Papua"], "region": ["Maluku and Papua"]})]
    )
    result = build_index(panel(), framework, units=table, years=2023)
    excluded = result.excluded.set_index("economy")
    assert "ID-PD" in excluded.index and "in the units table, but no value" in excluded.loc["ID-PD", "reason"]
    assert len(result.ranking(2023)) == 34  # every other province scored


def test_units_iso3_expects_every_bundled_economy(doi_panel):
    result = build_index(doi_panel, "doi", units="iso3")
    excluded = set(result.excluded["economy"])
    assert {"FRA", "BRA"} <= excluded and not {"KOR", "ARG", "NER"} & excluded
    assert result.units.noun == "economy" and result.units.name("KOR") == "Korea (Rep.)"
    # economies and any keep working as before: nothing expected, nothing listed
    assert set(build_index(doi_panel, "doi").excluded["economy"]) == set()


def test_units_in_the_spec_replay_and_provenance(result, units):
    assert result.units == as_units(units, noun="province") and result.units.noun == "province"
    again = build_index(panel(), spec=result.spec.replace(min_coverage=0.5))
    assert again.units == result.units and again.spec.min_coverage == 0.5
    assert result.provenance["units"] == "units table of 34 provinces"
    assert result.provenance["units_sha256"] == result.units.sha256
    assert "provinces scored" in result.summary() and "province-years" in repr(result)
    with pytest.raises(SpecError, match="units must be one of"):
        build_index(panel(), "doi", units="regions")


def test_group_imputation_uses_the_tables_groupings(framework, units):
    data = panel()
    data = data[~((data["economy"] == "ID-BA") & (data["indicator"] == "ict_skills") & (data["year"] == 2023))]
    built = build_index(data, framework, units=units, years=2023, imputation={"method": "group_mean", "by": "region"})
    row = built.imputations.query("economy == 'ID-BA' and indicator == 'ict_skills'")
    others = data.query("year == 2023 and indicator == 'ict_skills' and economy in ['ID-NB', 'ID-NT']")["value"]
    assert row["value"].item() == pytest.approx(others.mean())


def test_equally_distributed_score_uses_the_tables_population_by_sex():
    table = pd.DataFrame({"unit": ["A", "B"], "population": [100, 100], "population_female": [60, 50]})
    table["population_male"] = table["population"] - table["population_female"]
    rows = [
        {"economy": e, "year": 2023, "indicator": "internet_users", "sex": s, "value": v}
        for e, values in {"A": (80, 70, 90), "B": (60, 50, 70)}.items()
        for s, v in zip(("total", "female", "male"), values, strict=True)
    ]
    rows += [{"economy": e, "year": 2023, "indicator": "mobile_coverage", "sex": "total", "value": 90} for e in "AB"]
    built = build_index(pd.DataFrame(rows), "doi", units=table, by_sex=True, min_coverage=0.3)
    a = built.gender.query("economy == 'A' and node == 'utilization'").iloc[0]
    assert a["shares"] == "population by sex from the data"
    f, m, share = a["female"], a["male"], 0.6  # harmonic mean with weights 0.6 / 0.4 (epsilon = 2)
    assert a["edi"] == pytest.approx(1 / (share / f + (1 - share) / m))


# -- group means ---------------------------------------------------------------------------------------------------
def test_group_means_simple_weighted_and_population_covered(result, units):
    table = group_means(result, ["world", "region"], years=[2023], units=result.units)
    java = table.query("group == 'Java'").iloc[0]
    scores = result.ranking(2023).set_index("economy")["PDDI"]
    pop = units.table.set_index("unit")["population"]
    members = [c for c, (_, region) in PROVINCES.items() if region == "Java"]
    assert java["simple_mean"] == pytest.approx(scores[members].mean())
    assert java["weighted_mean"] == pytest.approx(np.average(scores[members], weights=pop[members]))
    assert java["population_share"] == pytest.approx(1.0) and java["economies"] == 6
    assert set(table["code"]) == {"PDDI"} and NO_GROUP not in set(table["group"])


def test_findings_of_units_any_leave_the_groups_out(doi_panel):
    any_units = build_index(doi_panel, "doi", units="any")
    found = compute_findings(any_units, divide=False)
    assert found.groupings == () and found.group_means is None
    assert "no groups" in found.omitted["averages"] and found.units.noun == "unit"


# -- editions: the years of a replayed spec ------------------------------------------------------------------------
def test_replaying_a_spec_on_data_lacking_one_of_its_years(result):
    older = panel()[lambda t: t["year"] <= 2022]
    with pytest.raises(CoverageError, match="in 2023, a year asked for") as info:
        build_index(older, spec=result.spec)
    assert "2023" in str(info.value) and 'years="available"' in str(info.value)
    with pytest.warns(IctIndexWarning, match="no data in 2023: built 2022 only"):
        built = build_index(older, spec=result.spec, years="available")
    assert built.years == [2022] and built.spec.years == (2022,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert build_index(panel(), spec=result.spec, years="available").years == [2022, 2023]


def test_units_errors_are_library_errors():
    with pytest.raises(IctIndexError, match="not found"):
        as_units("missing_table.csv")


def test_compile_model_and_uncertainty_take_the_units_table(framework, units):
    model = ictindex.compile_model(panel(), framework, units=units, years=2023)
    assert model.spec.units.noun == "province" and len(model.units) == 34
    spec = {"weights": {"noise": 0.25}}
    u = ictindex.uncertainty(panel(), framework, spec, n=16, units=units, years=2023)
    assert set(u.ranks["economy"]) == set(PROVINCES)
    with pytest.raises(PanelError, match="unknown province 'ID-XX'"):
        ictindex.uncertainty(panel().replace("ID-AC", "ID-XX"), framework, spec, n=16, units=units, years=2023)


def test_a_polars_units_table(units):
    polars = pytest.importorskip("polars")
    assert as_units(polars.from_pandas(units_table())) == units


def test_words_for_a_unit_are_words():
    with pytest.raises(SpecError, match="a word or two"):
        read_units(units_table(), noun="<b>province</b>")
    assert read_units(units_table(), noun="Région").plural == "Régions"
