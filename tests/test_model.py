"""The compiled model: evaluate() equals build_index, variants equal rebuilt frameworks, and a
pure-Python reference of the aggregation formulas agrees with the vectorised engine."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex import Framework, SpecError, available_frameworks, build_index, datasets, load_framework
from ictindex.model import IndexModel, compile_model

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scores_of(model: IndexModel, array: np.ndarray) -> pd.DataFrame:
    """One evaluation ``(units, nodes)`` as a table indexed by (economy, year)."""
    return pd.DataFrame(array, index=model.units, columns=list(model.nodes))


def assert_equal_scores(model: IndexModel, array: np.ndarray, table: pd.DataFrame) -> None:
    """Every node score of ``table`` (a result's scores, or a gender table pivoted) equals ``array``."""
    mine = scores_of(model, array)
    theirs = table.set_index(["economy", "year"])
    for node in model.nodes:
        if node not in theirs:
            continue
        a = mine[node].reindex(theirs.index).to_numpy()
        b = theirs[node].to_numpy(dtype="float64")
        assert np.array_equal(np.isnan(a), np.isnan(b)), node
        assert np.nanmax(np.abs(a - b), initial=0.0) <= 1e-12, node


# -- evaluate() equals build_index ---------------------------------------------------------------
@pytest.fixture(scope="module")
def itu() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.mark.parametrize("framework", [f for f in available_frameworks() if f != "doi"])
def test_evaluate_equals_build_index_on_every_bundled_framework(framework):
    """Every bundled framework on its bundled data, every year it can be built (the original DOI has no bundled
    data of its own: it is checked on the DOI panel below)."""
    panel = datasets.load(datasets.default_dataset(framework))
    result = build_index(panel, framework)
    model = compile_model(panel, framework)
    assert result.scores[result.framework.index].notna().sum() > 50
    assert_equal_scores(model, model.evaluate()[0], result.scores)


def test_evaluate_equals_build_index_for_the_doi(doi_panel):
    result = build_index(doi_panel, "doi")
    model = compile_model(doi_panel, "doi")
    assert_equal_scores(model, model.evaluate()[0], result.scores)


def test_female_and_male_scores_of_a_by_sex_build(itu):
    result = build_index(itu, "doi_gender", years=2018, by_sex=True)
    model = compile_model(itu, "doi_gender", years=2018, by_sex=True)
    gender = result.gender
    for sex in ("female", "male"):
        table = gender.pivot_table(index=["economy", "year"], columns="node", values=sex).reset_index()
        scored = table.dropna(subset=["individual_use"])
        mine = scores_of(model, model.evaluate(sex=sex)[0])["individual_use"]
        theirs = scored.set_index(["economy", "year"])["individual_use"]
        assert len(theirs) > 20
        assert np.abs(mine.reindex(theirs.index).to_numpy() - theirs.to_numpy()).max() <= 1e-12
        alone = build_index(itu, "doi_gender", years=2018, sex=sex).scores.set_index(["economy", "year"])
        assert np.abs(alone["individual_use"].reindex(theirs.index).to_numpy() - theirs.to_numpy()).max() <= 1e-12


# -- a pure-Python reference of the formulas, on random frameworks ----------------------------------
def reference_scores(
    fw: Framework, normalised: pd.Series, weights: dict[tuple[str, str], float], min_coverage: float
) -> dict[str, float]:
    """Score every node of one unit by the Handbook formulas, one value at a time."""
    out: dict[str, float] = dict(normalised.items())
    for code in fw.aggregation_order:
        node = fw.node(code)
        given = [(c.code, weights[(code, c.code)]) for c in node.children]
        positive = [(c, w) for c, w in given if w > 0]
        present = [(out[c], w) for c, w in positive if not math.isnan(out[c])]
        rule = node.aggregation
        threshold = rule.min_coverage if rule.min_coverage is not None else min_coverage
        if not present or len(present) < threshold * len(positive) - 1e-9:
            out[code] = math.nan
            continue
        total = sum(w for _, w in present)
        pairs = [(x, w / total) for x, w in present]
        if rule.method == "arithmetic":
            out[code] = sum(w * x for x, w in pairs)
        elif rule.method == "geometric":
            out[code] = math.prod(x**w for x, w in pairs)
        elif rule.method == "harmonic":
            out[code] = 1 / sum(w / x for x, w in pairs)
        else:
            out[code] = sum(w * x**rule.power for x, w in pairs) ** (1 / rule.power)
    return out


METHODS = st.sampled_from(
    [
        {"method": "arithmetic"},
        {"method": "geometric"},
        {"method": "harmonic"},
        {"method": "power", "power": 2.0},
        {"method": "power", "power": -1.0},
    ]
)


@st.composite
def frameworks(draw) -> tuple[Framework, float]:
    n_ind = draw(st.integers(2, 6))
    n_nodes = draw(st.integers(1, 4))
    indicators = [f"x{i}" for i in range(n_ind)]
    nodes = [f"N{i}" for i in range(n_nodes)]
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for i, node in enumerate(nodes[1:], start=1):  # every node below a random earlier one: a tree
        children[nodes[draw(st.integers(0, i - 1))]].append(node)
    for code in indicators:
        children[nodes[draw(st.integers(0, n_nodes - 1))]].append(code)
    for node in nodes:  # a node needs a child: give childless ones an indicator of their own
        if not children[node]:
            indicators.append(f"y{node}")
            children[node].append(f"y{node}")
    weight = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
    node_specs = []
    for node in nodes:
        ws = [draw(weight) for _ in children[node]]
        if sum(ws) == 0:
            ws[0] = 1.0
        node_specs.append(
            {
                "code": node,
                "name": node,
                "aggregation": draw(METHODS)
                | ({"min_coverage": draw(st.sampled_from([0.0, 0.5, 1.0]))} if draw(st.booleans()) else {}),
                "children": [{"code": c, "weight": w} for c, w in zip(children[node], ws, strict=True)],
            }
        )
    norm = draw(
        st.sampled_from([{"method": "goalpost", "lower": 0, "upper": 100}, {"method": "minmax", "target": [1, 100]}])
    )
    fw = Framework.from_dict(
        {
            "code": "random",
            "name": "random",
            "index": "N0",
            "min_coverage": draw(st.sampled_from([0.0, 0.5, 2 / 3])),
            "nodes": node_specs,
            "indicators": [
                {
                    "code": c,
                    "name": c,
                    "unit": "%",
                    "normalisation": norm,
                    "direction": draw(st.sampled_from(["higher", "lower"])),
                }
                for c in indicators
            ],
        }
    )
    return fw, fw.min_coverage


@st.composite
def random_cases(draw):
    fw, min_coverage = draw(frameworks())
    economies = ["ARG", "BRA", "CHL", "DEU", "EGY", "FRA"][: draw(st.integers(3, 6))]
    rows = [
        {"economy": e, "year": 2020, "indicator": c, "value": draw(st.floats(1, 99))}
        for e in economies
        for c in fw.indicator_codes
        if draw(st.integers(0, 5)) > 0
    ]
    panel = pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"])
    return fw, min_coverage, panel


@PROPERTY
@given(case=random_cases(), seed=st.integers(0, 2**16))
def test_vectorised_engine_equals_the_formulas_one_value_at_a_time(case, seed):
    fw, min_coverage, panel = case
    if (
        panel.empty
        or (panel.groupby("indicator")["value"].nunique() < 2).any()
        or panel["indicator"].nunique() < len(fw.indicator_codes)
    ):
        return  # min-max needs two different values per indicator
    try:
        model = compile_model(panel, fw)
    except Exception as err:  # nothing scored at all is a clear library error, not a wrong number
        assert type(err).__name__ in {"CoverageError"}
        return
    rng = np.random.default_rng(seed)
    weights = model.weights[None, :] * rng.uniform(0.5, 1.5, size=(3, len(model.edges)))
    weights[2, rng.integers(len(model.edges))] = 0.0  # a weight of zero: that child takes no part
    scores = model.evaluate(weights)
    normalised = pd.DataFrame(model.normalised, index=model.units, columns=list(model.indicators))
    for r in range(3):
        edge_weights = dict(zip(model.edges, weights[r], strict=True))
        for u, unit in enumerate(model.units):
            expected = reference_scores(fw, normalised.loc[unit], edge_weights, min_coverage)
            for n, node in enumerate(model.nodes):
                got, want = scores[r, u, n], expected[node]
                assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-12, abs=1e-12)
    try:
        result = build_index(panel, fw)
    except Exception as err:
        assert type(err).__name__ == "CoverageError"
        return
    assert_equal_scores(model, scores_of(model, model.evaluate()[0]).to_numpy(), result.scores)


# -- variants equal rebuilt frameworks --------------------------------------------------------------
def _with(fw: Framework, **changes) -> Framework:
    data = fw.model_dump()
    for node in data["nodes"]:
        if "aggregation" in changes:
            node["aggregation"] = changes["aggregation"]
        if "weights" in changes:
            for child in node["children"]:
                child["weight"] = changes["weights"].get((node["code"], child["code"]), child["weight"])
    for ind in data["indicators"]:
        if "normalisation" in changes:
            ind["normalisation"] = changes["normalisation"]
    return Framework.model_validate(data)


def test_weight_sets_equal_frameworks_with_those_weights(doi_panel):
    fw = load_framework("doi")
    model = compile_model(doi_panel, fw)
    rng = np.random.default_rng(3)
    weights = model.weights[None, :] * rng.uniform(0.75, 1.25, size=(4, len(model.edges)))
    scores = model.evaluate(weights)
    assert scores.shape == (4, len(model.units), len(model.nodes))
    for r in range(4):
        rebuilt = build_index(doi_panel, _with(fw, weights=dict(zip(model.edges, weights[r], strict=True))))
        assert_equal_scores(model, scores[r], rebuilt.scores)
    # chunking changes nothing but the last bit of a matrix product
    assert np.allclose(model.evaluate(weights, chunk=1), scores, rtol=0, atol=1e-14)


def test_aggregation_normalisation_and_exclusion_variants(doi_panel):
    fw = load_framework("doi")
    model = compile_model(doi_panel, fw)
    geometric = {"method": "geometric", "zero_floor": 0.01}
    both = model.evaluate(np.tile(model.weights, (2, 1)), aggregation=["arithmetic", geometric])
    assert_equal_scores(model, both[0], build_index(doi_panel, fw).scores)
    assert_equal_scores(model, both[1], build_index(doi_panel, _with(fw, aggregation=geometric)).scores)
    power = model.evaluate(aggregation={"DOI": {"method": "power", "power": 2}})[0]
    assert power[:, -1] == pytest.approx(np.sqrt((power[:, :3] ** 2).mean(axis=1)))
    minmax = model.evaluate(normalisation="minmax")[0]
    assert_equal_scores(model, minmax, build_index(doi_panel, _with(fw, normalisation={"method": "minmax"})).scores)
    left_out = model.evaluate(exclude=["internet_tariff"])[0]
    zero = build_index(doi_panel, _with(fw, weights={("opportunity", "internet_tariff"): 0.0}))
    assert_equal_scores(model, left_out, zero.scores)
    assert not np.allclose(left_out, model.evaluate()[0])


def test_arguments_are_checked_before_anything_is_evaluated(doi_panel):
    model = compile_model(doi_panel, "doi")
    bad = [
        ({"weights": np.ones((2, 3))}, "shape"),
        ({"weights": -model.weights}, "finite and >= 0"),
        ({"aggregation": {"nowhere": "geometric"}}, "no node"),
        ({"aggregation": "softmax"}, "unknown aggregation method"),
        ({"exclude": ["DOI"]}, "not indicators"),
        ({"normalisation": {"hh_internet": {"method": "goalpost", "lower": None}}}, "cannot be 'goalpost'"),
        ({"aggregation": ["geometric"] * 3}, "3 choices for 1 weight sets"),
    ]
    for kwargs, match in bad:
        with pytest.raises(SpecError, match=match):
            model.evaluate(**kwargs)


@pytest.mark.parametrize("chunk", [0, -1, 1.5, 2.0, "2", True, None])
def test_chunk_is_a_positive_whole_number(doi_panel, chunk):
    """chunk=0 or a negative chunk evaluated nothing and returned the uninitialised output array as scores."""
    model = compile_model(doi_panel, "doi")
    weights = np.tile(model.weights, (5, 1))
    if chunk is None:
        np.testing.assert_allclose(model.evaluate(weights, chunk=chunk), model.evaluate(weights, chunk=2), atol=1e-12)
        return
    with pytest.raises(SpecError, match=f"chunk must be a whole number of weight sets >= 1, got {chunk!r}"):
        model.evaluate(weights, chunk=chunk)


#: Each argument of evaluate, valid (True) or not (False); a list of aggregations is sized to the weight sets.
_WEIGHTS = [
    ("nominal", True),
    ("three", True),
    ("wrong shape", False),
    ("negative", False),
    ("nan", False),
    ("text", False),
]
_AGGREGATIONS = [
    (None, True),
    ("arithmetic", True),
    ({"method": "power", "power": 2}, True),
    ({"DOI": {"method": "power", "power": 0.5}}, True),
    ("per weight set", True),
    ("one too many", False),
    (5, False),
    (b"arithmetic", False),
    ({"method": "power", "power": 0}, False),
    ({"method": "power", "power": float("inf")}, False),
    ({"method": "power", "power": "2"}, False),
    ({"DOI": 5}, False),
    ({"nowhere": "arithmetic"}, False),
    ("softmax", False),
    ({"method": "arithmetic", "extra": {1, 2}}, False),
]
_NORMALISATIONS = [
    (None, True),
    ("goalpost", True),
    ({"hh_internet": {"method": "goalpost", "lower": 0, "upper": 50}}, True),
    (7, False),
    ({"hh_internet": 7}, False),
    ({"hh_internet": {"method": "goalpost", "lower": None}}, False),
    ({"method": "goalpost", "lower": 0, "upper": float("nan")}, False),
]
_EXCLUDES = [
    (None, True),
    ([], True),
    (["internet_tariff"], True),
    ("internet_tariff", False),
    (5, False),
    ([5], False),
    (["DOI"], False),
]
_SEXES = [(None, True), ("total", True), (5, False), ("x", False), ("female", False)]  # no female values compiled
_CHUNKS = [(None, True), (1, True), (np.int64(7), True), (0, False), (-3, False), (1.5, False), (True, False)]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.tuples(
        st.sampled_from(_WEIGHTS),
        st.sampled_from(_AGGREGATIONS),
        st.sampled_from(_NORMALISATIONS),
        st.sampled_from(_EXCLUDES),
        st.sampled_from(_SEXES),
        st.sampled_from(_CHUNKS),
    )
)
def test_evaluate_arguments_are_validated_before_any_work(doi_panel, arguments):
    """Whatever the mix of arguments: one that is wrong gives a SpecError naming its field and no aggregation or
    normalisation runs; all right give scores of shape (weight sets, units, nodes) within the framework's scale."""
    import ictindex.model as engine

    model = compile_model(doi_panel, "doi")
    (weights, w_ok), (aggregation, a_ok), (normalisation, n_ok), (exclude, e_ok), (sex, s_ok), (chunk, c_ok) = arguments
    r = 3 if weights == "three" else 1
    given_weights = {
        "nominal": None,
        "three": np.tile(model.weights, (3, 1)),
        "wrong shape": np.ones((2, 3)),
        "negative": -model.weights,
        "nan": model.weights * np.nan,
        "text": "heavy",
    }[weights]
    if aggregation in ("per weight set", "one too many"):
        aggregation = ["arithmetic"] * (r if aggregation == "per weight set" else r + 1)
    work = []
    with pytest.MonkeyPatch.context() as patch:
        for name in ("aggregate_tree", "fit_columns", "apply_columns"):
            real = getattr(engine, name)
            patch.setattr(engine, name, lambda *a, _real=real, _name=name, **k: work.append(_name) or _real(*a, **k))
        if all((w_ok, a_ok, n_ok, e_ok, s_ok, c_ok)):
            scores = model.evaluate(given_weights, aggregation, normalisation, exclude, sex=sex, chunk=chunk)
            assert scores.shape == (r, len(model.units), len(model.nodes))
            assert np.nanmin(scores) >= 0 and np.nanmax(scores) <= model.framework.scale
            return
        with pytest.raises(SpecError) as info:
            model.evaluate(given_weights, aggregation, normalisation, exclude, sex=sex, chunk=chunk)
    assert info.value.field in {"weights", "aggregation", "normalisation", "exclude", "sex", "chunk"}
    assert work == [], f"work before the check: {work}"


# -- bugs fixed on the way (engine issue) ------------------------------------------------------------
def test_reference_year_outside_the_years_built(doi_panel):
    panel = pd.concat([doi_panel.assign(year=2020), doi_panel.assign(year=2021, value=doi_panel["value"] * 0.99)])
    fw = _with(load_framework("doi"), normalisation={"method": "minmax"})
    both = build_index(panel, fw, reference_year=2020).scores.set_index(["economy", "year"])
    only = build_index(panel, fw, years=2021, reference_year=2020).scores.set_index(["economy", "year"])
    assert only.index.get_level_values("year").unique().tolist() == [2021]
    assert np.allclose(only["DOI"], both.loc[only.index, "DOI"], rtol=0, atol=1e-12)


def test_years_not_built_play_no_part_without_a_reference_year(doi_panel):
    """Min-max fitted year by year: a year outside ``years`` with a single value (which cannot be min-maxed) does
    not stop the build of the years asked for; with a reference year it is the reference that is fitted."""
    lone = pd.DataFrame([{"economy": "KOR", "year": 2002, "indicator": "internet_users", "value": 40.0}])
    panel = pd.concat([doi_panel, lone], ignore_index=True)
    fw = _with(load_framework("doi"), normalisation={"method": "minmax"})
    alone = build_index(doi_panel, fw).scores.set_index("economy")["DOI"]
    built = build_index(panel, fw, years=2023).scores.set_index("economy")["DOI"]
    assert built.to_dict() == pytest.approx(alone.to_dict(), abs=1e-12)
    from ictindex import MethodError

    with pytest.raises(MethodError, match="two different values") as info:
        build_index(panel, fw)  # 2002 itself asked for: refused, naming the year
    assert info.value.year == 2002


def test_zero_weight_child_is_neither_counted_nor_missed(doi_panel):
    fw = load_framework("doi").model_dump()
    fw["nodes"] = [
        n | {"children": [c | {"weight": 0.0} if c["code"] == "utilization" else c for c in n["children"]]}
        for n in fw["nodes"]
    ]
    framework = Framework.model_validate(fw)
    panel = doi_panel[
        (doi_panel["economy"] != "NER")
        | doi_panel["indicator"].isin(["internet_users", "fixed_broadband_ratio", "mobile_broadband_ratio"])
    ]
    result = build_index(panel, framework)
    ner = result.coverage[(result.coverage["economy"] == "NER") & (result.coverage["node"] == "DOI")]
    assert ner["status"].tolist() == ["not scored"]  # only its zero-weight child has data
    assert "NER" in result.excluded["economy"].tolist()
    assert "NER" not in result.scores.dropna(subset=["DOI"])["economy"].tolist()


def _chain(levels: int) -> dict:
    nodes = [
        {"code": f"N{i}", "name": f"N{i}", "children": [{"code": f"N{i + 1}"}, {"code": f"x{i}"}]}
        for i in range(levels - 1)
    ]
    nodes.append({"code": f"N{levels - 1}", "name": "last", "children": [{"code": f"x{levels - 1}"}]})
    return {
        "code": "chain",
        "name": "chain",
        "index": "N0",
        "nodes": nodes,
        "indicators": [{"code": f"x{i}", "name": f"x{i}", "unit": "%"} for i in range(levels)],
    }


def test_deep_chains_load_and_build():
    fw = Framework.from_dict(_chain(2000))
    assert len(fw.aggregation_order) == 2000 and fw.aggregation_order[-1] == "N0"
    assert fw.depth("x1999") == 2000  # below N1999
    levels = 1200
    panel = pd.DataFrame(
        {
            "economy": np.repeat(["KOR", "ARG"], levels),
            "year": 2023,
            "indicator": [f"x{i}" for i in range(levels)] * 2,
            "value": np.r_[np.full(levels, 90.0), np.full(levels, 60.0)],
        }
    )
    result = build_index(panel, Framework.from_dict(_chain(levels)))
    assert result.scores.set_index("economy")["N0"].to_dict() == pytest.approx({"KOR": 0.9, "ARG": 0.6})


def test_rows_of_series_the_framework_does_not_use_create_no_year(doi_panel):
    panel = pd.concat(
        [
            doi_panel.assign(year=2022),
            pd.DataFrame([{"economy": "KOR", "year": 2023, "indicator": "IT.NET.USER.ZS.USD", "value": 5.0}]),
        ]
    )
    known = {"IT.NET.USER.ZS.USD": (0.0, None)}
    result = build_index(panel, "doi", imputation="latest", known_series=known)
    assert result.years == [2022]  # KOR gets no imputed 2023 index from a price row the DOI does not use
    assert result.ranking(2022)["economy"].tolist()[0] == "KOR"


def test_sub_national_units_with_units_any(doi_panel):
    codes = {"KOR": "KR-11", "ARG": "AR-B", "NER": "NE-8"}
    panel = doi_panel.assign(economy=doi_panel["economy"].map(codes))
    from ictindex import PanelError

    with pytest.raises(PanelError, match="unknown economy"):
        build_index(panel, "doi")
    result = build_index(panel, "doi", units="any")
    national = build_index(doi_panel, "doi").scores.set_index("economy")["DOI"]
    assert result.scores.set_index("economy")["DOI"].to_dict() == pytest.approx(
        {codes[k]: v for k, v in national.items()}
    )


def test_input_hash_ignores_row_order_and_layout_but_not_values(doi_panel):
    """The provenance hash of the validated panel: the same rows in another order or as a wide table give the
    same hash; a changed value does not; the input frame is not changed by hashing it."""
    before = doi_panel.copy()
    first = build_index(doi_panel, "doi").provenance["input_sha256"]
    assert doi_panel.equals(before)
    shuffled = doi_panel.sample(frac=1.0, random_state=1)
    assert build_index(shuffled, "doi").provenance["input_sha256"] == first
    wide = doi_panel.pivot(index=["economy", "year"], columns="indicator", values="value").reset_index()
    assert build_index(wide, "doi").provenance["input_sha256"] == first
    changed = doi_panel.assign(value=doi_panel["value"].where(doi_panel.index != 0, 99.0))
    assert build_index(changed, "doi").provenance["input_sha256"] != first
