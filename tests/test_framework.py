from __future__ import annotations

import copy

import pytest
import yaml

from ictindex import FrameworkError, IctIndexError, available_frameworks, load_framework
from ictindex.framework import Framework
from ictindex.weight import effective_weights, weights_table


@pytest.fixture
def doi_dict() -> dict:
    return load_framework("doi").to_dict()


def test_doi_structure_matches_wisr_2007():
    fw = load_framework("doi")
    assert fw.index == "DOI"
    categories = {c.code: [g.code for g in fw.node(c.code).children] for c in fw.node("DOI").children}
    assert list(categories) == ["opportunity", "infrastructure", "utilization"]
    assert [len(v) for v in categories.values()] == [3, 5, 3]
    assert len(fw.indicators) == 11
    tariffs = [i for i in fw.indicators if i.direction == "lower"]
    assert {i.code for i in tariffs} == {"internet_tariff", "mobile_tariff"}
    for ind in fw.indicators:
        assert ind.normalisation.method == "goalpost"
        assert (ind.normalisation.lower, ind.normalisation.upper) == (0, 100)
        assert ind.normalisation.cap is True
    # only individual Internet use is a survey-based, sex-disaggregable indicator (methodology 1.6)
    assert [i.code for i in fw.indicators if i.sex_disaggregable] == ["internet_users"]


def test_doi_effective_weights_are_one_ninth_and_one_fifteenth():
    w = effective_weights(load_framework("doi"))
    assert w["mobile_coverage"] == pytest.approx(1 / 9)
    assert w["hh_computer"] == pytest.approx(1 / 15)
    assert w["mobile_broadband_ratio"] == pytest.approx(1 / 9)
    table = weights_table(load_framework("doi"))
    assert table.loc[table.kind == "indicator", "effective_weight"].sum() == pytest.approx(1.0)


def test_weights_are_rescaled_within_parent(doi_dict):
    doi_dict["nodes"][0]["children"] = [
        {"code": "opportunity", "weight": 2},
        {"code": "infrastructure", "weight": 1},
        {"code": "utilization", "weight": 1},
    ]
    fw = Framework.from_dict(doi_dict)
    assert fw.node("DOI").weights == {"opportunity": 0.5, "infrastructure": 0.25, "utilization": 0.25}


def test_yaml_round_trip_is_equal():
    fw = load_framework("doi")
    again = Framework.from_dict(yaml.safe_load(fw.to_yaml()))
    assert again == fw
    assert again.sha256 == fw.sha256


def test_load_by_path_and_unknown_name(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(load_framework("doi").to_yaml())
    assert load_framework(path).code == "doi"
    with pytest.raises(FrameworkError, match="unknown framework 'nope'"):
        load_framework("nope")
    assert "doi" in available_frameworks()


def _mutated(doi_dict, change):
    data = copy.deepcopy(doi_dict)
    change(data)
    return data


BAD = {
    "negative weight": (
        lambda d: d["nodes"][1]["children"][0].update(weight=-1),
        "nodes[1] (code 'opportunity').children[0] (code 'mobile_coverage').weight",
    ),
    "weights sum to zero": (
        lambda d: [c.update(weight=0) for c in d["nodes"][1]["children"]],
        "nodes[1] (code 'opportunity')",
    ),
    "lower >= upper": (
        lambda d: d["indicators"][0]["normalisation"].update(lower=100, upper=0),
        "indicators[0] (code 'mobile_coverage').normalisation",
    ),
    "unknown method": (
        lambda d: d["indicators"][2]["normalisation"].update(method="magic"),
        "indicators[2] (code 'mobile_tariff').normalisation.method",
    ),
    "misspelt field": (
        lambda d: d["indicators"][1].update(directoin="lower"),
        "indicators[1] (code 'internet_tariff').directoin",
    ),
    "unknown aggregation": (
        lambda d: d["nodes"][0]["aggregation"].update(method="median"),
        "nodes[0] (code 'DOI').aggregation.method",
    ),
    # non-finite numbers (issue 11): refused with the field named, never every score 0 or infinite
    "infinite upper goalpost": (
        lambda d: d["indicators"][0]["normalisation"].update(upper=float("inf")),
        "indicators[0] (code 'mobile_coverage').normalisation.upper",
    ),
    "infinite scale": (lambda d: d.update(scale=float("inf")), "scale"),
    "infinite target": (
        lambda d: d["indicators"][0].update(normalisation={"method": "minmax", "target": [0, float("inf")]}),
        "indicators[0] (code 'mobile_coverage').normalisation.target[1]",
    ),
    "infinite multiplier": (
        lambda d: d["indicators"][0].update(source={"numerator": "a", "denominator": "b", "multiplier": float("inf")}),
        "indicators[0] (code 'mobile_coverage').source.multiplier",
    ),
    "nan zero floor": (
        lambda d: d["nodes"][0]["aggregation"].update(zero_floor=float("nan")),
        "nodes[0] (code 'DOI').aggregation.zero_floor",
    ),
    "weights overflowing": (
        lambda d: [c.update(weight=1e308) for c in d["nodes"][0]["children"]],
        "nodes[0] (code 'DOI')",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_invalid_framework_names_file_node_and_field(doi_dict, case):
    change, field = BAD[case]
    with pytest.raises(FrameworkError) as info:
        Framework.from_dict(_mutated(doi_dict, change), source="my.yaml")
    assert info.value.file == "my.yaml"
    assert info.value.field == field
    assert field in str(info.value)
    assert isinstance(info.value, IctIndexError) and isinstance(info.value, ValueError)


def test_duplicate_code_is_rejected(doi_dict):
    data = _mutated(doi_dict, lambda d: d["indicators"][1].update(code="mobile_coverage"))
    with pytest.raises(FrameworkError, match="used twice|listed twice"):
        Framework.from_dict(data)


def test_cycle_is_rejected(doi_dict):
    def make_cycle(d):
        d["nodes"][1]["children"].append({"code": "extra"})
        d["nodes"].append({"code": "extra", "name": "x", "children": [{"code": "opportunity"}]})

    with pytest.raises(FrameworkError, match="child of both|cycle"):
        Framework.from_dict(_mutated(doi_dict, make_cycle))


def test_pure_cycle_detached_from_index_is_rejected(doi_dict):
    def detached(d):
        d["nodes"].append({"code": "a", "name": "a", "children": [{"code": "b"}]})
        d["nodes"].append({"code": "b", "name": "b", "children": [{"code": "a"}]})

    with pytest.raises(FrameworkError, match="cycle|not connected"):
        Framework.from_dict(_mutated(doi_dict, detached))


def test_indicator_outside_tree_and_unknown_child(doi_dict):
    orphan = _mutated(doi_dict, lambda d: d["indicators"].append({"code": "orphan", "name": "o", "unit": "%"}))
    with pytest.raises(FrameworkError, match="'orphan' is not connected"):
        Framework.from_dict(orphan)
    ghost = _mutated(doi_dict, lambda d: d["nodes"][1]["children"].append({"code": "ghost"}))
    with pytest.raises(FrameworkError, match="'ghost'"):
        Framework.from_dict(ghost)


def test_invalid_yaml_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: [unclosed\n")
    with pytest.raises(FrameworkError, match="not valid YAML") as info:
        load_framework(path)
    assert info.value.file == str(path)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(FrameworkError, match="must be a mapping"):
        load_framework(empty)


def test_log10_goalpost_needs_positive_lower(doi_dict):
    data = _mutated(doi_dict, lambda d: d["indicators"][0]["normalisation"].update(transform="log10"))
    with pytest.raises(FrameworkError, match="positive lower goalpost"):
        Framework.from_dict(data)


def test_a_key_given_twice_in_one_mapping_is_refused_with_its_line(tmp_path):
    text = load_framework("doi").to_yaml().replace("index: DOI\n", "index: DOI\nscale: 10\n", 1)
    path = tmp_path / "twice.yaml"
    path.write_text(text.replace("scale: 1.0\n", "scale: 1.0\nrounding: 2\n", 1), encoding="utf-8")
    lines = path.read_text().splitlines()
    second = [i + 1 for i, line in enumerate(lines) if line.startswith(("scale:", "rounding:"))]
    with pytest.raises(FrameworkError, match="appears twice in one mapping") as info:
        load_framework(path)
    assert info.value.line in second and info.value.field in {"scale", "rounding"}
    assert f"line {info.value.line}" in str(info.value)


def test_the_same_key_in_different_mappings_is_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(load_framework("doi").to_yaml(), encoding="utf-8")  # 'code' and 'name' in every node
    assert load_framework(path) == load_framework("doi")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000,
        "".join(" " * i + f"k{i}:\n" for i in range(2000)),
        "a: " + "{b: " * 3000 + "1" + "}" * 3000,
    ],
)
def test_deep_nesting_is_a_framework_error_not_a_recursion_error(tmp_path, text):
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError, match="nested more than 50 levels deep"):
        load_framework(path)


def test_alias_expansion_is_bounded(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 10)}]" for k in range(6)
    ]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")  # 10^7 values once expanded
    with pytest.raises(FrameworkError, match="more than 100,000 values"):
        load_framework(path)
