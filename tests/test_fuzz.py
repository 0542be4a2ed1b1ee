"""Fuzzing: random tables, random bytes and random framework files fed to the loaders and to
``build_index``. The only acceptable outcomes are a result or an ``IctIndexError`` subclass; and when
there is a result, no economy of the input is lost."""

from __future__ import annotations

import os
import string
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex import Framework, build_index, load_framework, validate_panel
from ictindex.errors import IctIndexError

DOI = load_framework("doi")
# 60 examples per test in CI; ICTINDEX_FUZZ_EXAMPLES=2000 for a long local run
FUZZ = settings(
    max_examples=int(os.environ.get("ICTINDEX_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

ECONOMIES = st.sampled_from(
    [
        "KOR",
        "ARG",
        "bra",
        "Korea (Rep.)",
        "Korea",
        "World",
        "LDCs",
        "Atlantis",
        "",
        "Côte d'Ivoire",
        "XKX",
        "Hong Kong, China",
        " NER ",
    ]
)
YEARS = st.one_of(
    st.integers(1990, 2030),
    st.sampled_from(["2020", "twenty", "2020.5", "", " 2019 "]),
    st.floats(allow_nan=True, allow_infinity=True),
)
INDICATORS = st.sampled_from([*DOI.indicator_codes, "IT.NET.USER.ZS", "i99H", "unknown_series", "", "POP"])
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["..", "n/a", "12.3*", "96,5", "", "high", "NaN", "-", "1e3", " 45 "]),
    st.none(),
)
SEXES = st.sampled_from(["total", "female", "male", "F", "both sexes", "x?", "", None])


@st.composite
def long_tables(draw):
    n = draw(st.integers(0, 12))
    table = pd.DataFrame(
        {
            "economy": draw(st.lists(ECONOMIES, min_size=n, max_size=n)),
            "year": pd.Series(draw(st.lists(YEARS, min_size=n, max_size=n)), dtype="object"),
            "indicator": draw(st.lists(INDICATORS, min_size=n, max_size=n)),
            "value": pd.Series(draw(st.lists(VALUES, min_size=n, max_size=n)), dtype="object"),
        }
    )
    if draw(st.booleans()):
        table["sex"] = pd.Series(draw(st.lists(SEXES, min_size=n, max_size=n)), dtype="object")
    drop = draw(st.sampled_from([None, "economy", "year", "indicator", "value"]))
    return table.drop(columns=[drop]) if drop else table


def _accept(call):
    try:
        return call()
    except IctIndexError:
        return None


def _nothing_lost(result, table: pd.DataFrame) -> None:
    scored_or_listed = set(result.scores["economy"]) | set(result.excluded["economy"])
    checked = validate_panel(table, result.framework)
    assert set(checked.panel["economy"]) <= checked.economies
    # every economy of the input, also one whose cells are all empty, ".." or "#N/A", is scored or listed
    assert checked.economies <= scored_or_listed


@FUZZ
@given(table=long_tables(), imputation=st.sampled_from(["none", "latest"]))
def test_random_tables_give_a_result_or_a_library_error(table, imputation):
    original = table.copy()
    result = _accept(lambda: build_index(table, DOI, imputation=imputation, min_coverage=0.0))
    pd.testing.assert_frame_equal(table, original)  # never mutated, whatever happens
    if result is not None:
        scores = result.scores[result.node_codes].to_numpy(dtype="float64")
        scores = scores[~np.isnan(scores)]
        assert ((scores >= 0) & (scores <= DOI.scale)).all()
        _nothing_lost(result, table)
    _accept(lambda: validate_panel(table, DOI))


@FUZZ
@given(table=long_tables(), separator=st.sampled_from([",", ";", "\t", "|"]))
def test_random_csv_files(table, separator):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.csv"
        table.to_csv(path, sep=separator, index=False)
        result = _accept(lambda: build_index(path, DOI, min_coverage=0.0))
        if result is not None:
            _nothing_lost(result, pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False))


@FUZZ
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".tsv"]))
def test_random_bytes_as_a_panel_file(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"panel{suffix}"
        path.write_bytes(content)
        _accept(lambda: build_index(path, DOI))


@FUZZ
@given(text=st.text(alphabet=string.printable + "éô…–", max_size=400))
def test_random_text_as_a_panel_or_framework_file(text):
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "panel.csv"
        csv.write_text(text, encoding="utf-8")
        _accept(lambda: build_index(csv, DOI))
        framework = Path(folder) / "framework.yaml"
        framework.write_text(text, encoding="utf-8")
        _accept(lambda: load_framework(framework))


# -- random frameworks ----------------------------------------------------------------------------------
NORMALISATIONS = st.one_of(
    st.builds(
        lambda lo, span, transform, cap: {
            "method": "goalpost",
            "lower": lo,
            "upper": lo + span,
            "transform": transform,
            "cap": cap,
        },
        st.floats(0.5, 50),
        st.floats(1, 200),
        st.sampled_from(["identity", "log10"]),
        st.booleans(),
    ),
    st.fixed_dictionaries({"method": st.sampled_from(["minmax", "zscore", "rank", "percentile", "frontier", "none"])}),
)
MUTATIONS = st.sampled_from(
    [
        "negative weight",
        "nan weight",
        "zero weights",
        "duplicate code",
        "cycle",
        "unknown method",
        "reversed goalposts",
        "zero scale",
        "unknown child",
        "orphan indicator",
        "unknown aggregation",
        "coverage above one",
        "index missing",
    ]
)


def _mutate(data: dict, mutation: str) -> None:
    root, first = data["nodes"][0], data["indicators"][0]
    if mutation == "negative weight":
        root["children"][0]["weight"] = -1.0
    elif mutation == "nan weight":
        root["children"][0]["weight"] = float("nan")
    elif mutation == "zero weights":
        for child in root["children"]:
            child["weight"] = 0.0
    elif mutation == "duplicate code":
        data["indicators"].append(dict(first))
    elif mutation == "cycle":
        data["nodes"][-1]["children"].append({"code": root["code"]})
    elif mutation == "unknown method":
        first["normalisation"] = {"method": "softmax"}
    elif mutation == "reversed goalposts":
        first["normalisation"] = {"method": "goalpost", "lower": 10.0, "upper": 5.0}
    elif mutation == "zero scale":
        data["scale"] = 0
    elif mutation == "unknown child":
        root["children"].append({"code": "ghost"})
    elif mutation == "orphan indicator":
        data["indicators"].append({"code": "orphan", "name": "o", "unit": "%"})
    elif mutation == "unknown aggregation":
        root["aggregation"] = {"method": "median"}
    elif mutation == "coverage above one":
        data["min_coverage"] = 1.5
    elif mutation == "index missing":
        data["index"] = "nowhere"


@st.composite
def frameworks(draw):
    """A valid tree (index -> 1-3 sub-indices -> 1-3 indicators each) with random methods, weights and
    goalposts; then zero to two mutations that should each be rejected."""
    indicators, nodes, counter = [], [], 0
    subs = []
    for s in range(draw(st.integers(1, 3))):
        children = []
        for _ in range(draw(st.integers(1, 3))):
            counter += 1
            code = f"x{counter}"
            children.append({"code": code, "weight": draw(st.floats(0.1, 3))})
            indicators.append(
                {
                    "code": code,
                    "name": code,
                    "unit": draw(st.sampled_from(["%", "index"])),
                    "direction": draw(st.sampled_from(["higher", "lower"])),
                    "normalisation": draw(NORMALISATIONS),
                    "bounds": [None, None],
                    "sex_disaggregable": draw(st.booleans()),
                }
            )
        subs.append(
            {
                "code": f"s{s}",
                "name": f"s{s}",
                "children": children,
                "aggregation": {
                    "method": draw(st.sampled_from(["arithmetic", "geometric", "harmonic"])),
                    "zero_floor": draw(st.sampled_from([None, 0.01])),
                },
            }
        )
    power = draw(st.sampled_from([0.5, 2.0, -1.0]))
    root = {
        "code": "index",
        "name": "Index",
        "children": [{"code": n["code"]} for n in subs],
        "aggregation": {"method": draw(st.sampled_from(["arithmetic", "geometric", "power"])), **({"power": power})},
    }
    nodes = [root, *subs]
    data = {
        "code": "fuzz",
        "name": "fuzz",
        "index": "index",
        "scale": draw(st.sampled_from([1, 10, 100])),
        "min_coverage": draw(st.floats(0, 1)),
        "nodes": nodes,
        "indicators": indicators,
    }
    for mutation in draw(st.lists(MUTATIONS, max_size=2)):
        _mutate(data, mutation)
    return data


@FUZZ
@given(data=frameworks(), values=st.lists(st.floats(0, 150), min_size=12, max_size=12), by_sex=st.booleans())
def test_random_frameworks_give_a_framework_or_a_library_error(data, values, by_sex):
    framework = _accept(lambda: Framework.from_dict(data))
    if framework is None:
        return
    assert all(abs(sum(n.weights.values()) - 1) < 1e-9 for n in framework.nodes)
    assert Framework.from_dict(framework.model_dump()) == framework
    rows = [
        {"economy": e, "year": 2020, "indicator": code, "sex": sex, "value": values[(i * 4 + j) % 12]}
        for i, e in enumerate(["KOR", "ARG", "NER"])
        for j, code in enumerate(framework.indicator_codes)
        for sex in ("total", "female", "male")
    ]
    table = pd.DataFrame(rows)
    result = _accept(lambda: build_index(table, framework, by_sex=by_sex))
    if result is not None:
        assert np.isfinite(result.scores[framework.index].dropna()).all()
        _nothing_lost(result, table)


# -- exports: random text in economy labels, indicator names and notes ------------------------------------
HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(["=", "+", "-", "@", "\t", "\r", " =", "\r\n=", "'="]),
        st.text(alphabet=string.printable, max_size=20),
    ),
)


@FUZZ
@given(
    labels=st.lists(HOSTILE_TEXT, min_size=1, max_size=4),
    names=st.lists(HOSTILE_TEXT, min_size=3, max_size=3),
    notes=st.lists(HOSTILE_TEXT, min_size=3, max_size=3),
)
def test_random_text_never_becomes_a_formula_or_a_path(labels, names, notes):
    """Economy labels set aside as aggregates, indicator and node names, notes and the panel's note and
    source columns go through the CSV/XLSX exports: no formula cell, no cell starting = + - @, and no
    file outside the output folder (the labels are also tried as profile file names)."""
    from exportscan import files_outside, unsafe_cells

    from ictindex.report.export import write_csv, write_xlsx
    from ictindex.safety import output_folder, safe_filename

    data = {
        "code": "fuzz",
        "name": names[0],
        "index": "index",
        "min_coverage": 0.0,
        "citation": notes[0],
        "nodes": [
            {"code": "index", "name": names[1], "citation": notes[1], "children": [{"code": "a"}, {"code": "b"}]}
        ],
        "indicators": [
            {"code": "a", "name": names[2], "unit": "%", "note": notes[2]},
            {"code": "b", "name": notes[0], "unit": names[1] or "x", "citation": labels[0]},
        ],
    }
    framework = _accept(lambda: Framework.from_dict(data))
    assert framework is not None, "any text is a valid name"
    rows = [
        {"economy": e, "year": 2020, "indicator": code, "value": v, "note": notes[i % 3], "source": names[i % 3]}
        for i, (e, code, v) in enumerate(
            [("KOR", "a", 90.0), ("KOR", "b", 80.0), ("NER", "a", 10.0), ("NER", "b", 20.0)]
        )
    ]
    rows += [
        {
            "economy": f"{label} (regional average)",
            "year": 2020,
            "indicator": "a",
            "value": 50.0,
            "note": "",
            "source": label,
        }
        for label in labels
    ]
    result = _accept(lambda: build_index(pd.DataFrame(rows), framework))
    if result is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        target = root / "out"
        with output_folder(target) as work:
            tables = {
                "scores": result.scores,
                "excluded": result.excluded,
                "issues": result.issues,
                "coverage": result.coverage,
            }
            write_csv(tables, work / "tables")
            write_xlsx(tables, work / "tables" / "report.xlsx", framework=framework)
            for label in labels:
                (work / f"profile_{safe_filename(label)}.txt").write_text(label, encoding="utf-8")
        assert unsafe_cells(target) == []
        assert files_outside(target, set(), root) == []
        assert len(list(target.glob("profile_*.txt"))) == len({safe_filename(label) for label in labels})


# -- issue 30: the analysis functions, published tables, COINr tables, the uncertainty spec, user methods --------
HOSTILE_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 1.7e308),
    st.integers(-(10**20), 10**20),
    st.sampled_from(["12", "n/a", "12.3*", "96,5", "", "x", None, True, "1e999", " 7 "]),
)


@st.composite
def value_tables(draw):
    n = draw(st.integers(0, 10))
    return pd.DataFrame(
        {
            "economy": draw(st.lists(st.sampled_from(["A", "B", "C", "D", "E", ""]), min_size=n, max_size=n)),
            "year": pd.Series(
                draw(st.lists(st.one_of(st.sampled_from([2020, 2021, 2022]), YEARS), min_size=n, max_size=n)),
                dtype="object",
            ),
            "value": pd.Series(draw(st.lists(HOSTILE_NUMBER, min_size=n, max_size=n)), dtype="object"),
        }
    )


@FUZZ
@given(table=value_tables(), populations=st.lists(HOSTILE_NUMBER, min_size=5, max_size=5))
def test_divide_gives_finite_in_bounds_measures_or_a_library_error(table, populations):
    from ictindex import divide

    population = pd.DataFrame({"economy": list("ABCDE"), "population": pd.Series(populations, dtype="object")})
    groups = pd.DataFrame({"region": ["x", "x", "y", "y", None]}, index=list("ABCDE"))
    original = table.copy()
    measures = _accept(lambda: divide.inequality(table, population=population, groups=groups))
    pd.testing.assert_frame_equal(table, original)
    if measures is not None:
        for column, low, high in (("gini", 0, 1), ("gini_weighted", 0, 1), ("theil_t", 0, np.inf), ("cv", 0, np.inf)):
            values = measures[column].dropna()
            assert ((values >= low) & (values <= high)).all(), (column, values)
        assert np.isfinite(measures["mean"]).all()
    for call in (
        lambda: divide.theil(table, by="region", groups=groups, population=population),
        lambda: divide.group_means(table, by=["world", "region"], groups=groups, population=population),
        lambda: divide.convergence(table, population=population),
    ):
        _accept(call)


@FUZZ
@given(
    values=st.lists(st.one_of(HOSTILE_NUMBER, st.lists(st.floats(), max_size=2)), max_size=8),
    weights=st.one_of(st.none(), st.lists(HOSTILE_NUMBER, max_size=8)),
    labelled=st.booleans(),
)
def test_inequality_of_any_values_is_a_number_in_bounds_or_a_library_error(values, weights, labelled):
    from ictindex import divide

    if labelled:
        values = pd.Series(values, index=[f"e{i}" for i in range(len(values))], dtype="object")
        if weights is not None:
            weights = pd.Series(weights, index=[f"e{i}" for i in reversed(range(len(weights)))], dtype="object")
    g = _accept(lambda: divide.gini(values, weights=weights))
    if g is not None:
        assert 0.0 <= g <= 1.0
    t = _accept(lambda: divide.theil(values, weights=weights))
    if t is not None:
        assert all(np.isfinite(t)) and t.total >= 0


@FUZZ
@given(
    economies=st.lists(ECONOMIES, min_size=1, max_size=6),
    years=st.lists(YEARS, min_size=6, max_size=6),
    scores=st.lists(HOSTILE_NUMBER, min_size=6, max_size=6),
)
def test_compare_with_any_published_table_gives_a_comparison_or_a_library_error(economies, years, scores):
    import ictindex

    ours = pd.DataFrame({"economy": ["KOR", "ARG", "NER", "BRA"], "year": 2022, "IDI": [90.0, 80.0, 20.0, 70.0]})
    n = len(economies)
    published = pd.DataFrame(
        {
            "economy": economies,
            "year": pd.Series(years[:n], dtype="object"),
            "IDI": pd.Series(scores[:n], dtype="object"),
        }
    )
    original = published.copy()
    comparison = _accept(lambda: ictindex.compare(ours, published, node="IDI"))
    pd.testing.assert_frame_equal(published, original)
    if comparison is not None:
        both = comparison.table[comparison.table["in"] == "both"]
        assert np.isfinite(both["score_b"].astype("float64")).all()
        assert set(ours["economy"]) <= set(comparison.table["economy"])  # nothing of ours dropped


DIRECTIONS = st.sampled_from([1, -1, 0, 2, "-1", "lower", "", None, float("nan"), True, -0.5])
WEIGHTS = st.sampled_from([1, 0.5, 0, -1, "a", None, float("nan"), float("inf"), "2"])


@FUZZ
@given(
    directions=st.lists(DIRECTIONS, min_size=2, max_size=2),
    weights=st.lists(WEIGHTS, min_size=2, max_size=2),
    cells=st.lists(HOSTILE_NUMBER, min_size=6, max_size=6),
    time=st.sampled_from(["none", "ints", "text", "mixed"]),
    types=st.sampled_from(["ok", "no aggregate", "two roots", "twice"]),
)
def test_read_coinr_of_any_imeta_and_idata_gives_a_panel_or_a_library_error(directions, weights, cells, time, types):
    from ictindex import read_coinr

    idata = pd.DataFrame(
        {
            "uCode": ["AAA", "BBB", "CCC"],
            "x": pd.Series(cells[:3], dtype="object"),
            "y": pd.Series(cells[3:], dtype="object"),
        }
    )
    if time != "none":
        idata["Time"] = {"ints": [2020] * 3, "text": ["2020"] * 3, "mixed": [2020, "x", None]}[time]
    imeta = pd.DataFrame(
        {
            "iCode": ["x", "y", "Index"],
            "iName": ["x", "y", "Index"],
            "Direction": pd.Series([*directions, 1], dtype="object"),
            "Weight": pd.Series([*weights, 1], dtype="object"),
            "Parent": ["Index", "Index", None],
            "Type": ["Indicator", "Indicator", "Aggregate"],
        }
    )
    if types == "no aggregate":
        imeta["Type"] = "Indicator"
    elif types == "two roots":
        imeta.loc[1, "Type"] = "Aggregate"
    elif types == "twice":
        imeta = pd.concat([imeta, imeta.iloc[[0]]], ignore_index=True)
    read = _accept(lambda: read_coinr(idata, imeta, year=2021 if time == "none" else None))
    if read is None:
        return
    panel, framework = read
    numbers = [float(d) for d in directions]  # every direction read is 1 or -1, never guessed
    assert [i.direction for i in framework.indicators] == ["lower" if d < 0 else "higher" for d in numbers]
    result = _accept(lambda: build_index(panel, framework, units="any"))
    if result is not None:
        assert set(result.scores["economy"]) | set(result.excluded["economy"]) >= {"AAA", "BBB", "CCC"} - set(
            result.coverage["economy"]
        )


SPEC_TEXT = st.one_of(
    st.text(alphabet=string.printable, max_size=200),
    st.builds(
        lambda keys, depth: "\n".join(f"{k}: " + "[" * depth + "1" + "]" * depth for k in keys),
        st.lists(
            st.sampled_from(["weights", "aggregation", "normalisation", "data", "exclude_indicator", "x"]), max_size=4
        ),
        st.integers(0, 200),
    ),
    st.sampled_from(
        [
            "weights: {noise: 0.25}\nweights: {noise: 0.5}\n",
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
            "weights: {noise: 2}",
            "aggregation: [arithmetic, {method: power, power: .nan}]",
            "data: {error: 0.1, draws: 100000}",
        ]
    ),
)


@FUZZ
@given(text=SPEC_TEXT, n=st.one_of(st.integers(-5, 10**13), st.floats(), st.text(max_size=3)), seed=HOSTILE_NUMBER)
def test_any_uncertainty_spec_file_and_run_size_give_a_spec_or_a_spec_error(text, n, seed):
    from ictindex.errors import SpecError
    from ictindex.uncertainty import UncertaintySpec, check_run

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            spec = UncertaintySpec.load(path)
        except SpecError:
            spec = None
        if spec is not None:
            assert UncertaintySpec.load(spec.model_dump(exclude_none=True)) == spec
    try:
        check_run(n, seed)
    except SpecError:
        return
    assert isinstance(n, int) and 2 <= n <= 1_000_000 and isinstance(seed, int) and seed >= 0


#: What a user's method may do wrong: its output replaced by a scalar, a slice, NaN at some places, values times a
#: factor (outside the range when the factor is large), or nothing at all.
MISCHIEF = st.sampled_from(["none", "scalar", "slice", "nan", "scaled", "text", "list"])


def _mischief(kind: str, out: np.ndarray, factor: float, where: int) -> object:
    if kind == "scalar":
        return float(np.nanmean(out)) if np.isfinite(out).any() else 0.5
    if kind == "slice":
        return out[..., :1]
    if kind == "nan":
        out = np.array(out, dtype="float64")
        out.reshape(-1)[where % out.size] = np.nan
        return out
    if kind == "scaled":
        return out * factor
    if kind == "text":
        return "mean"
    if kind == "list":
        return out.tolist()
    return out


@FUZZ
@given(
    aggregation=MISCHIEF,
    normalisation=MISCHIEF,
    factor=st.floats(0.5, 1e6),
    where=st.integers(0, 100),
    values=st.lists(st.floats(1, 99), min_size=9, max_size=9),
)
def test_a_users_methods_give_a_checked_result_or_a_library_error_naming_them(
    aggregation, normalisation, factor, where, values
):
    from ictindex.errors import MethodError
    from ictindex.registry import register_aggregation, register_normalisation

    register_aggregation("fuzz_mean", replace=True)(
        lambda x, w, **p: _mischief(aggregation, (x * w).sum(axis=-1), factor, where)
    )
    register_normalisation("fuzz_share", replace=True)(
        lambda x, params, year_code, direction, **o: _mischief(normalisation, x / 100, factor, where)
    )
    data = load_framework("doi").model_dump()
    data["nodes"][0]["aggregation"] = {"method": "fuzz_mean"}
    for indicator in data["indicators"]:
        indicator["normalisation"] = {"method": "fuzz_share"}
    framework = Framework.model_validate(data)
    panel = pd.DataFrame(
        {
            "economy": np.repeat(["KOR", "ARG", "NER"], 3),
            "year": 2023,
            "indicator": ["mobile_coverage", "hh_internet", "internet_users"] * 3,
            "value": values,
        }
    )
    try:
        result = build_index(panel, framework, min_coverage=0.3)
    except MethodError as err:
        assert "'fuzz_mean'" in str(err) or "'fuzz_share'" in str(err)
        return
    except IctIndexError:
        return
    scores = result.scores[result.node_codes].to_numpy(dtype="float64")
    scores = scores[~np.isnan(scores)]  # a node without enough children is not scored (the coverage rule)
    assert np.isfinite(scores).all() and (scores >= 0).all() and (scores <= 1 + 1e-9).all()
    assert result.scores[framework.index].notna().all()
    assert {row["name"] for row in result.provenance["user_methods"]} == {"fuzz_mean", "fuzz_share"}
