"""The explorer page (ictindex.explorer): the browser's arithmetic against IndexModel.evaluate, no
network request, hostile text shown as text, the link and the CSV, maps of economies and of provinces."""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd
import pytest
from browser import NETWORK_SCHEMES, chromium, missing, requests
from conftest import coinr_framework, coinr_panel
from grid_provinces import provincial_geojson, provincial_groups, provincial_panel
from scipy.stats import rankdata
from typer.testing import CliRunner

from ictindex import Framework, compile_model, datasets, load_framework
from ictindex.build import explain
from ictindex.cli import app
from ictindex.errors import IctIndexError, MethodError, SourceFileError, SpecError
from ictindex.explorer import explorer_years, read_boundaries, write_explorer
from ictindex.explorer.page import json_for_script
from ictindex.registry import register_aggregation

YEARS = list(range(2018, 2024))
HOSTILE = '</script><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.fixture(scope="module")
def doi_model(panel):
    return compile_model(panel, "doi_current", years=YEARS)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    why = missing()
    if why is not None:
        if os.environ.get("ICTINDEX_REQUIRE_BROWSER"):
            pytest.fail(f"a headless Chromium is required (ICTINDEX_REQUIRE_BROWSER is set): {why}")
        pytest.skip(why)
    driver = chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def _open(browser, path, fragment: str = ""):
    """Load the page; return the requests it made (every one, from any document, since loading)."""
    browser.get("about:blank")  # a new document, also when only the fragment differs
    requests(browser)  # forget what came before
    browser.get(path.resolve().as_uri() + fragment)
    browser.execute_script("return document.readyState")
    assert browser.execute_script("return typeof window.ictindex") == "object"
    return requests(browser)


def _random_weights(model, n: int, seed: int) -> np.ndarray:
    """Weights in (0, 2), about one in six set to 0 (so the coverage rule counts other children)."""
    rng = np.random.default_rng(seed)
    W = rng.uniform(0, 2, size=(n, len(model.edges)))
    W[rng.uniform(size=W.shape) < 1 / 6] = 0.0
    return W


def _python_ranks(scores: np.ndarray) -> np.ndarray:
    """build_index's rule: 1 for the highest score, ties sharing the lowest rank, no score no rank."""
    ranks = np.full(scores.shape, np.nan)
    scored = ~np.isnan(scores)
    ranks[scored] = rankdata(-scores[scored], method="min")
    return ranks


def _compare(browser, model, path, W: np.ndarray) -> int:
    """Scores of every node (1e-9) and index ranks (exactly) of every year, browser against Python;
    returns the number of (weight set, unit) scores compared."""
    expected = model.evaluate(W)
    got = browser.execute_script(
        "var sets = arguments[0], years = arguments[1], out = [];"
        " sets.forEach(function (w) { var per = {};"
        " years.forEach(function (y) { per[y] = window.ictindex.evaluate(w, y); }); out.push(per); });"
        " return out;",
        W.tolist(),
        list(model.years),
    )
    economy = model.units.get_level_values("economy").to_numpy()
    year = model.units.get_level_values("year").to_numpy()
    index = model.nodes.index(model.framework.index)
    compared = 0
    for r in range(len(W)):
        for y in model.years:
            at = np.flatnonzero(year == y)
            page = got[r][str(y)]
            assert page["units"] == economy[at].tolist()
            for n, node in enumerate(model.nodes):
                browser_scores = np.array([np.nan if v is None else v for v in page["nodes"][node]], dtype=float)
                np.testing.assert_allclose(browser_scores, expected[r, at, n], rtol=0, atol=1e-9, equal_nan=True)
            scores = np.array([np.nan if v is None else v for v in page["scores"]], dtype=float)
            np.testing.assert_allclose(scores, expected[r, at, index], rtol=0, atol=1e-9, equal_nan=True)
            ranks = np.array([np.nan if v is None else v for v in page["ranks"]], dtype=float)
            np.testing.assert_array_equal(ranks, _python_ranks(expected[r, at, index]))
            compared += int((~np.isnan(scores)).sum())
    return compared


def _no_network(made: list[dict[str, str]], page_uri: str) -> None:
    assert not [r for r in made if r["url"].startswith(NETWORK_SCHEMES)], made
    own = [r["url"].split("#")[0] for r in made if r["document"].split("#")[0] == page_uri]
    assert own == [page_uri], own  # the page itself, nothing else


# -- the browser's arithmetic ------------------------------------------------------------------------------
def test_doi_current_scores_and_ranks_match_python(browser, doi_model, tmp_path):
    path = write_explorer(explain(doi_model), tmp_path / "doi.html")
    made = _open(browser, path)
    _no_network(made, path.resolve().as_uri())
    assert browser.execute_script("return window.ictindex.edges") == [list(e) for e in doi_model.edges]
    assert browser.execute_script("return window.ictindex.nominal") == doi_model.weights.tolist()
    W = _random_weights(doi_model, 100, seed=29)
    assert _compare(browser, doi_model, path, W) > 100 * 6 * 150
    # and the nominal ranks are build_index's
    page = browser.execute_script("return window.ictindex.evaluate(window.ictindex.nominal, 2023)")
    result = explain(doi_model).scores.query("year == 2023").set_index("economy")["rank"]
    ranks = {u: r for u, r in zip(page["units"], page["ranks"], strict=True) if r is not None}
    assert ranks == {u: int(r) for u, r in result.dropna().items()}
    assert not [r for r in requests(browser) if r["url"].startswith(NETWORK_SCHEMES)]


def test_geometric_framework_with_missing_children_matches_python(browser, tmp_path):
    """COINr's ASEM example, min-max 1-100 and geometric means at every node, with missing values."""
    model = compile_model(coinr_panel(), Framework.model_validate(coinr_framework("b")))
    assert set(model.tree.methods) == {"geometric"}
    assert np.isnan(model.normalised).any()  # missing children
    path = write_explorer(model, tmp_path / "asem.html")
    made = _open(browser, path)
    _no_network(made, path.resolve().as_uri())
    _compare(browser, model, path, _random_weights(model, 100, seed=3))


def test_every_mean_zero_floor_and_coverage_rule_match_python(browser, panel, tmp_path):
    """doi_current with a geometric index, a harmonic and two power means, zero floors and a scale of 100."""
    data = load_framework("doi_current").model_dump(exclude_none=True)
    rules = {
        "DOI": {"method": "geometric", "zero_floor": 0.01},
        "opportunity": {"method": "harmonic", "zero_floor": 0.05},
        "infrastructure": {"method": "power", "power": 2.0},
        "utilization": {"method": "power", "power": -1.0, "zero_floor": 0.02, "min_coverage": 1.0},
    }
    for node in data["nodes"]:
        node["aggregation"] = rules[node["code"]]
    data["scale"] = 100
    model = compile_model(panel, Framework.model_validate(data), years=[2022, 2023])
    path = write_explorer(model, tmp_path / "means.html")
    _open(browser, path)
    _compare(browser, model, path, _random_weights(model, 100, seed=5))


def test_a_mean_over_zero_without_floor_is_reported_not_drawn(browser, tmp_path):
    """A weight set that makes a geometric mean meet a zero (no floor) fails in Python and in the page."""
    fw = {
        "code": "tiny",
        "name": "Tiny",
        "index": "T",
        "nodes": [
            {
                "code": "T",
                "name": "T",
                "aggregation": {"method": "geometric"},
                "children": [{"code": "A"}, {"code": "b"}],
            },
            {"code": "A", "name": "A", "children": [{"code": "a1"}, {"code": "a2"}]},
        ],
        "indicators": [
            {"code": c, "name": c, "unit": "%", "normalisation": {"method": "goalpost", "lower": 0, "upper": 100}}
            for c in ("a1", "a2", "b")
        ],
    }
    panel = pd.DataFrame(
        {
            "economy": ["U1"] * 3 + ["U2"] * 3,
            "year": 2023,
            "indicator": ["a1", "a2", "b"] * 2,
            "value": [0.0, 50.0, 40.0, 20.0, 60.0, 70.0],
        }  # fmt: skip
    )
    model = compile_model(panel, Framework.model_validate(fw), units="any", min_coverage=0.5)
    W = model.weights
    W[model.edge_index("A", "a2")] = 0.0  # A of U1 is then 0
    with pytest.raises(MethodError):
        model.evaluate(W)
    path = write_explorer(model, tmp_path / "tiny.html")
    _open(browser, path)
    message = browser.execute_script(
        "try { window.ictindex.evaluate(arguments[0], 2023); return null } catch (e) { return e.message }", W.tolist()
    )
    assert "needs positive values" in message and "U1" in message
    browser.execute_script("window.ictindex.setWeights(arguments[0])", W.tolist())
    assert "needs positive values" in browser.find_element("id", "status").text


def test_bad_weights_are_refused_by_the_entry_point(browser, doi_model, tmp_path):
    path = write_explorer(explain(doi_model), tmp_path / "doi.html")
    _open(browser, path)
    for weights, year in (([1, 2], 2023), ([-1] * len(doi_model.edges), 2023), (doi_model.weights.tolist(), 1999)):
        error = browser.execute_script(
            "try { window.ictindex.evaluate(arguments[0], arguments[1]); return null } catch (e) { return e.message }",
            weights,
            year,
        )
        assert error, (weights, year)


# -- what the page shows ----------------------------------------------------------------------------------
def test_hostile_names_are_shown_as_text(browser, tmp_path):
    data = load_framework("doi_current").model_dump(exclude_none=True)
    data["name"] = HOSTILE
    data["nodes"][1]["name"] = "<b>bold</b>" + HOSTILE
    data["indicators"][0]["name"] = HOSTILE
    panel = provincial_panel()
    code = panel["economy"].iloc[0]
    hostile_code = "<svg onload=window.pwned=3>"
    panel.loc[panel["economy"] == code, "economy"] = hostile_code
    groups = provincial_groups()
    groups.loc[groups["economy"] == code, "economy"] = hostile_code
    groups.loc[0, "name"] = '=HYPERLINK("http://example.invalid")' + HOSTILE
    groups.loc[1, "region"] = HOSTILE
    model = compile_model(panel, Framework.model_validate(data), units="any")
    geometry = provincial_geojson()
    geometry["features"][0]["properties"]["code"] = hostile_code
    path = write_explorer(model, tmp_path / "hostile.html", geometry=geometry, groups=groups)
    text = path.read_text(encoding="utf-8")
    assert "<img src=x" not in text and "<svg onload" not in text and text.count("</script>") == 2
    made = _open(browser, path)
    _no_network(made, path.resolve().as_uri())
    browser.execute_script("window.ictindex.select(arguments[0])", hostile_code)
    assert browser.execute_script("return window.pwned") is None
    assert browser.execute_script("return document.querySelectorAll('img, b, main script, body > svg').length") == 0
    body = browser.find_element("tag name", "body").text
    assert HOSTILE in body and hostile_code in body and "<b>bold</b>" in body
    assert browser.title.startswith(HOSTILE)
    ranks = browser.execute_script("return window.ictindex.csv('ranks')")
    assert '"\'=HYPERLINK(""http://example.invalid"")' in ranks  # a formula is never a formula
    weights = browser.execute_script("return window.ictindex.csv('weights')")
    assert HOSTILE.replace('"', '""') in weights


def test_share_link_carries_weights_year_and_unit(browser, doi_model, tmp_path):
    path = write_explorer(explain(doi_model), tmp_path / "doi.html")
    _open(browser, path)
    W = _random_weights(doi_model, 1, seed=11)[0]
    browser.execute_script("window.ictindex.setWeights(arguments[0]); window.ictindex.setYear(2020);"
                           "window.ictindex.select('KOR')", W.tolist())  # fmt: skip
    link = browser.execute_script("return window.ictindex.link()")
    assert re.fullmatch(r"w=[0-9.e,-]+&year=2020&unit=KOR", link)
    ranks = browser.execute_script("return window.ictindex.csv('ranks')")
    _open(browser, path, "#" + link)
    assert browser.execute_script("return window.ictindex.csv('ranks')") == ranks
    expected = doi_model.evaluate(W)[0, :, -1][doi_model.units.get_level_values("year") == 2020]
    first = ranks.splitlines()[1].split(",")
    assert float(first[6]) == pytest.approx(np.nanmax(expected), abs=1e-12)
    assert "Korea (Rep.)" in browser.find_element("id", "profile").text
    # a link with bad weights is refused with a note, the nominal weights stay
    _open(browser, path, "#w=1,2,x&year=1900")
    assert "not used" in browser.find_element("id", "status").text
    assert browser.execute_script("return window.ictindex.csv('weights')").count("\r\n") == len(doi_model.edges) + 1


def test_profile_shows_rank_interval_group_and_flags(browser, panel, tmp_path):
    from ictindex.uncertainty import uncertainty

    model = compile_model(panel, "doi_current", years=[2022, 2023])
    result = explain(model)
    analysis = uncertainty(panel, "doi_current", {"weights": {"noise": 0.25}}, n=64, years=2023)
    path = write_explorer(result, tmp_path / "unc.html", uncertainty=analysis)
    _open(browser, path)
    browser.execute_script("window.ictindex.select('GIB')")
    profile = browser.find_element("id", "profile").text
    row = analysis.ranks.set_index("economy").loc["GIB"]
    assert f"5–95 %: {row.rank_q05:g}–{row.rank_q95:g}" in profile
    assert "Europe and Northern America average" in profile and "Strengths" in profile
    flag = result.economy_flags.set_index(["economy", "year"]).loc[("GIB", 2023), "marker"]
    assert f"Data flag\n{flag}" in profile
    assert "5–95 % ranks" in browser.find_element("id", "ranking-head").text
    # changing the weights moves the ranks; the table shows the change from the nominal weights
    W = model.weights
    W[model.edge_index("DOI", "utilization")] = 0
    browser.execute_script("window.ictindex.setWeights(arguments[0])", W.tolist())
    assert "▲" in browser.find_element("id", "ranking-body").text


def test_provinces_on_their_own_boundaries(browser, tmp_path):
    model = compile_model(provincial_panel(), "doi_current", units="any")
    path = write_explorer(model, tmp_path / "provinces.html", geometry=provincial_geojson(), groups=provincial_groups())
    made = _open(browser, path)
    _no_network(made, path.resolve().as_uri())
    fills = browser.execute_script(
        "return Array.from(document.querySelectorAll('#map path.unit')).map(p => p.getAttribute('fill'))"
    )
    assert len(fills) == 16 and all(f.startswith("#") for f in fills)  # every province scored and coloured
    assert browser.execute_script("return window.ictindex.years") == [2021, 2022, 2023]
    browser.execute_script("window.ictindex.select('PR06')")
    assert "Province 6" in browser.find_element("id", "profile").text
    assert "North average" in browser.find_element("id", "profile").text


# -- Python side: no browser needed --------------------------------------------------------------------------
def test_years_the_bundled_data_score_well(panel):
    from ictindex import build_index

    assert explorer_years(build_index(panel, "doi_current")) == YEARS


def test_page_data_cannot_close_its_script_element():
    text = json_for_script({"name": "</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    with pytest.raises(ValueError):
        json_for_script({"x": float("nan")})


def test_methods_the_browser_cannot_evaluate_are_refused(doi_model, tmp_path):
    register_aggregation("explorer_minimum", replace=True)(lambda x, w, **_: x.min(axis=-1))
    data = load_framework("doi_current").model_dump(exclude_none=True)
    data["nodes"][0]["aggregation"] = {"method": "explorer_minimum"}
    model = compile_model(provincial_panel(), Framework.model_validate(data), units="any")
    with pytest.raises(MethodError, match="explorer_minimum"):
        write_explorer(model, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_uncertainty_of_another_index_is_refused(panel, tmp_path):
    from ictindex.uncertainty import uncertainty

    other = uncertainty(provincial_panel(), "doi_current", {"weights": {"noise": 0.2}}, n=8, units="any")
    idi = compile_model(panel, "idi2024_current", years=2023)
    with pytest.raises(SpecError, match="doi_current"):
        write_explorer(idi, tmp_path / "x.html", uncertainty=other)
    with pytest.raises(SpecError, match="UncertaintyResult"):
        write_explorer(idi, tmp_path / "x.html", uncertainty="ranks.csv")


def test_bad_boundaries_are_named(tmp_path):
    geometry = provincial_geojson()
    del geometry["features"][2]["properties"]["code"]
    with pytest.raises(SourceFileError, match="feature 3 names no unit"):
        read_boundaries(geometry)
    geometry = provincial_geojson()
    geometry["features"][1]["geometry"] = {"type": "Point", "coordinates": [1, 2]}
    with pytest.raises(SourceFileError, match=r"feature 2 \(PR02\) is a 'Point', not an area"):
        read_boundaries(geometry)
    (tmp_path / "b.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceFileError, match="b.geojson"):
        read_boundaries(tmp_path / "b.geojson")
    shapes = read_boundaries(provincial_geojson())
    assert len(shapes) == 16 and len(shapes["PR06"][0]) == 2 and len(shapes["PR04"]) == 2  # a lake, an island


def test_cli_explore_writes_one_page(tmp_path):
    out = tmp_path / "explorer.html"
    argv = ["explore", "--out", str(out), "--year", "2022", "--year", "2023", "--uncertainty", "8"]
    run = CliRunner().invoke(app, argv)
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert "years 2022, 2023; rank intervals from 8 replications" in run.output and '"years":[2022,2023]' in text
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", text)
    bad = CliRunner().invoke(app, ["explore", "--out", str(tmp_path), "--year", "2023"])
    assert bad.exit_code == 2 and "error:" in bad.output


def test_cli_explore_provinces_on_their_boundaries(tmp_path):
    import json

    provincial_panel().to_csv(tmp_path / "provinces.csv", index=False)
    (tmp_path / "provinces.geojson").write_text(json.dumps(provincial_geojson()), encoding="utf-8")
    out = tmp_path / "provinces.html"
    argv = ["explore", "--out", str(out), "--data", str(tmp_path / "provinces.csv"), "--framework", "doi_current"]
    run = CliRunner().invoke(app, [*argv, "--units", "any", "--geometry", str(tmp_path / "provinces.geojson")])
    assert run.exit_code == 0, run.output
    assert "years 2021, 2022, 2023" in run.output  # every year scores well: all three
    text = out.read_text(encoding="utf-8")
    assert '"kind":"own"' in text and '"without":[]' in text


def test_the_result_of_a_model_and_the_model_give_one_page(doi_model):
    from ictindex.explorer import explorer_data

    assert explorer_data(doi_model) == explorer_data(explain(doi_model))
    with pytest.raises(IctIndexError):
        explorer_data(pd.DataFrame())
