"""The PyData surface (issue 27): every result object renders in a notebook, one API shape (aggregation and
weights in ``build_index``, ``Weights``, ``BuildSpec`` save/load, labelled ``evaluate``), the normalisation range."""

from __future__ import annotations

import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ictindex
from ictindex import BuildSpec, SpecError, datasets
from ictindex.display import MAX_ROWS, MAX_TABLES
from ictindex.weights import Weights, pca_weights

BUILD = {"years": 2023, "reference_year": 2023}
#: a repr fits on a screen: one line of text, and a card of at most this many table rows
SCREEN_CHARS = 200


@pytest.fixture(scope="module")
def itu() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.fixture(scope="module")
def result(itu) -> ictindex.IndexResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        return ictindex.build_index(itu, "doi_current", **BUILD)


@pytest.fixture(scope="module")
def model(itu) -> ictindex.IndexModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        return ictindex.compile_model(itu, "doi_current", **BUILD)


class _Page(HTMLParser):
    """Parses a card strictly enough: tags balanced, no script, table rows counted."""

    VOID = {"br", "hr", "img", "meta", "link", "input", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.rows = 0
        self.tables = 0
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        assert not any(name.startswith("on") for name, _ in attrs), f"event handler in <{tag}>"
        if tag == "table":
            self.tables += 1
        if tag == "tr":
            self.rows += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_card(obj: object) -> _Page:
    markup = obj._repr_html_()
    page = _Page()
    page.feed(markup)
    page.close()
    assert not page.stack, f"unclosed tags {page.stack}"
    assert "script" not in page.tags
    assert page.tables <= MAX_TABLES
    assert page.rows <= MAX_TABLES * (MAX_ROWS + 1)  # a header row and at most MAX_ROWS rows per table
    text = repr(obj)
    assert "\n" not in text and len(text) <= SCREEN_CHARS, text
    return page


# -- every result object renders -------------------------------------------------------------------------------
def test_index_result_card(result):
    page = parse_card(result)
    text = " ".join(page.text)
    assert "Digital Opportunity Index" in text and "2023" in text
    top = result.ranking(2023).head(MAX_ROWS)
    assert top["economy"].iloc[0] in text and "problems found" in text
    assert page.rows == 1 + MAX_ROWS  # the top of the ranking


def test_model_spec_framework_units_weights_cards(result, model):
    for obj in (model, result.spec, result.framework, result.units, pca_weights(model)):
        parse_card(obj)


def test_analysis_results_render(itu, result):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        other = ictindex.build_index(itu, "doi_current", years=2023, aggregation={"DOI": "geometric"})
    comparison = ictindex.compare(result, other, labels=("arithmetic", "geometric"))
    page = parse_card(comparison)
    assert "arithmetic against geometric" in " ".join(page.text)
    multi = ictindex.compare([result, other, result], labels=["a", "b", "c"])
    parse_card(multi)
    parse_card(result.spec.framework)


def test_uncertainty_and_sensitivity_render(itu):
    spec = {"weights": {"noise": 0.25}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        u = ictindex.uncertainty(itu, "doi_current", spec, n=16, **BUILD)
        s = ictindex.sensitivity(itu, "doi_current", spec, n=16, n_boot=0, **BUILD)
    assert "replications" in " ".join(parse_card(u).text)
    assert "Sobol" in " ".join(parse_card(s).text)


def test_panel_check_findings_report_estimates_render(itu, result, tmp_path):
    from ictindex.checks import Findings as CheckFindings
    from ictindex.findings import compute_findings
    from ictindex.panel import validate_panel
    from ictindex.report.document import Report

    check = validate_panel(itu.head(500), ictindex.load_framework("doi_current"))
    parse_card(check)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        findings = compute_findings(result, 2023, divide=False)
    page = parse_card(findings)
    assert "Report findings, 2023" in " ".join(page.text)
    report = Report(
        tmp_path, tmp_path / "index.html", {"ranking": [tmp_path / "r.png"]}, {"ranking": [tmp_path / "r.csv"]}
    )
    parse_card(report)
    parse_card(CheckFindings(np.array([0, 3]), "value above 100"))
    est = ictindex.estimates(indicators=["internet_use"], groupings=("world",), years=[2023], draws=0)
    parse_card(est)


def test_card_escapes_what_users_wrote():
    """A unit's name is text from a user's file: it is shown, never run."""
    table = pd.DataFrame({"unit": ["P1", "P2"], "name": ["<script>alert(1)</script>", "<b onload=x>"]})
    units = ictindex.read_units(table, noun="province")
    panel = pd.DataFrame(
        {"economy": ["P1", "P2"] * 3, "year": 2023, "indicator": np.repeat(["a", "b", "c"], 2), "value": 1.0}
    )
    panel["value"] = [1.0, 2.0, 3.0, 5.0, 4.0, 6.0]
    fw = {
        "code": "small",
        "name": "Small <i>index</i>",
        "index": "I",
        "nodes": [{"code": "I", "name": "I", "children": [{"code": "a"}, {"code": "b"}, {"code": "c"}]}],
        "indicators": [
            {"code": c, "name": c, "unit": "%", "normalisation": {"method": "minmax"}, "direction": "higher"}
            for c in ("a", "b", "c")
        ],
    }
    r = ictindex.build_index(panel, ictindex.Framework.from_dict(fw), units=units, imputation="none")
    markup = r._repr_html_()
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "<b onload" not in markup
    assert "&lt;i&gt;index&lt;/i&gt;" in markup
    parse_card(r)


# -- one API shape ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "aggregation",
    [{"method": "power", "power": 0.5}, {"DOI": "geometric", "opportunity": {"method": "power", "power": 2}}],
    ids=["power-everywhere", "per-node"],
)
def test_build_index_aggregation_equals_evaluate(itu, model, aggregation):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        built = ictindex.build_index(itu, "doi_current", aggregation=aggregation, **BUILD)
    evaluated = model.evaluate(aggregation=aggregation, as_frame=True)
    nodes = built.node_codes
    both = built.scores.merge(evaluated, on=["economy", "year"], suffixes=("", "_model"), validate="1:1")
    assert len(both) == len(built.scores) > 150
    for node in nodes:
        np.testing.assert_allclose(both[node], both[f"{node}_model"], rtol=1e-12, equal_nan=True)
    nominal = model.evaluate(as_frame=True).set_index(["economy", "year"])["DOI"]
    changed = both.set_index(["economy", "year"])["DOI"]
    assert (changed - nominal.reindex(changed.index)).abs().max() > 1e-4  # the aggregation did change the scores
    assert built.spec.framework.node("DOI").aggregation.method == ("geometric" if "DOI" in aggregation else "power")


def test_pca_weights_through_build_equal_a_framework_edited_by_hand(itu, model):
    weights = pca_weights(model, year=2023)
    row, table = weights  # the former tuple form still unpacks
    assert list(table.columns[:3]) == ["node", "child", "weight"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ictindex.IctIndexWarning)
        through = ictindex.build_index(itu, "doi_current", weights=weights, **BUILD)
        # by hand: the framework's YAML with each child's weight replaced by the PCA table's
        data = ictindex.load_framework("doi_current").to_dict()
        by_child = {(n, c): w for n, c, w in table[["node", "child", "weight"]].itertuples(index=False)}
        for node in data["nodes"]:
            for child in node["children"]:
                child["weight"] = by_child[(node["code"], child["code"])]
        by_hand = ictindex.build_index(itu, ictindex.Framework.from_dict(data), **BUILD)
    pd.testing.assert_frame_equal(through.scores, by_hand.scores)
    # and through the model: the weights row evaluates to the same index
    np.testing.assert_allclose(
        model.evaluate(weights=weights.row(model))[0, :, model.nodes.index("DOI")],
        model.evaluate(weights=row)[0, :, model.nodes.index("DOI")],
    )
    assert weights.to_framework(ictindex.load_framework("doi_current")) == through.spec.framework


def test_weights_name_what_is_wrong():
    fw = ictindex.load_framework("doi")
    with pytest.raises(SpecError, match=r"left out: \['utilization'\]"):
        Weights({"DOI": {"opportunity": 1, "infrastructure": 1}}).to_framework(fw)
    with pytest.raises(SpecError, match="no node of framework 'doi'"):
        Weights({"ODI": {"a": 1}}).to_framework(fw)
    with pytest.raises(SpecError, match="must be a finite number"):
        Weights({"DOI": {"opportunity": -1, "infrastructure": 1, "utilization": 1}})
    w = Weights(
        pd.DataFrame(
            {"node": ["DOI"] * 3, "child": ["opportunity", "infrastructure", "utilization"], "weight": [2, 1, 1]}
        )
    )
    assert w.to_dict() == {"DOI": {"opportunity": 0.5, "infrastructure": 0.25, "utilization": 0.25}}
    from ictindex.weights import effective_weights

    assert effective_weights(Weights.nominal(fw).to_framework(fw)) == pytest.approx(effective_weights(fw))


def test_evaluate_as_frame_labels_every_replication(model):
    W = np.tile(model.weights, (3, 1))
    W[1, model.edge_index("DOI", "utilization")] = 0
    frame = model.evaluate(weights=W, as_frame=True)
    assert list(frame.columns[:3]) == ["replication", "economy", "year"]
    assert len(frame) == 3 * len(model.units)
    array = model.evaluate(weights=W)
    np.testing.assert_array_equal(
        frame.query("replication == 1")["DOI"].to_numpy(), array[1, :, model.nodes.index("DOI")]
    )


def _same_spec(a: BuildSpec, b: BuildSpec) -> None:
    assert a == b
    assert a.framework.sha256 == b.framework.sha256 and a.units.sha256 == b.units.sha256


def test_spec_save_load_round_trip(tmp_path, result):
    _same_spec(BuildSpec.load(result.spec.save(tmp_path / "spec.yaml")), result.spec)
    units = ictindex.read_units(
        pd.DataFrame(
            {"unit": ["P1", "P2"], "name": ["North", "South"], "region": ["n", "s"], "population": [1e6, 2e6]}
        ),
        noun="province",
    )
    spec = BuildSpec.create(
        "doi",
        years=[2022, 2023],
        by_sex=True,
        imputation={"method": "latest"},
        max_gap=2,
        reference_year=2022,
        min_coverage=0.5,
        extra_names={"Republic of Korea": "KOR"},
        known_series={"XYZ": (0, 100)},
        units=units,
        screening={"min_share": 0.5},
        treatment={"method": "winsorise", "winmax": 3, "log": False},
        normalisation={"method": "minmax"},
        checks={"jump": "off"},
        aggregation={"DOI": "geometric"},
        weights={"DOI": {"opportunity": 2, "infrastructure": 1, "utilization": 1}},
    )
    again = BuildSpec.load(spec.save(tmp_path / "full.yaml"))
    _same_spec(again, spec)
    assert again.framework.node("DOI").aggregation.method == "geometric"
    assert again.framework.node("DOI").weights["opportunity"] == pytest.approx(0.5)
    assert again.units.name("P2") == "South"


def test_a_saved_spec_is_checked(tmp_path):
    path = tmp_path / "not_a_spec.yaml"
    path.write_text("years: [2023]\n")
    with pytest.raises(SpecError, match="not a saved build spec"):
        BuildSpec.load(path)
    path.write_text("ictindex_spec: 1\nframework: doi\nwrong: 1\n")
    with pytest.raises(SpecError, match="does not take"):
        BuildSpec.load(path)


def test_normalisation_range_has_one_name_and_refuses_a_double_scale(doi_panel):
    fw = ictindex.load_framework("doi")
    scaled = ictindex.Framework.from_dict(fw.to_dict() | {"scale": 100})
    double = r"target \(0, 100\) with framework 'doi' scale 100 gives scores from 0 to 10,000"
    with pytest.raises(SpecError, match=double):
        ictindex.build_index(doi_panel, scaled, normalisation={"method": "minmax", "low": 0, "high": 100})
    with pytest.raises(SpecError, match="target"):
        ictindex.build_index(doi_panel, scaled, normalisation={"method": "minmax", "target": (0, 100)})
    with pytest.raises(SpecError, match="both 'target' and 'low'"):
        ictindex.build_index(doi_panel, fw, normalisation={"method": "minmax", "target": (0, 1), "low": 0})
    old = ictindex.build_index(doi_panel, fw, normalisation={"method": "minmax", "low": 0, "high": 100})
    new = ictindex.build_index(doi_panel, fw, normalisation={"method": "minmax", "target": (0, 100)})
    pd.testing.assert_frame_equal(old.scores, new.scores)
    assert old.scores["DOI"].max() <= 100
    on_scale = ictindex.build_index(doi_panel, scaled, normalisation="minmax")
    np.testing.assert_allclose(on_scale.scores["DOI"], new.scores["DOI"])


def test_package_face_reaches_every_family():
    for name in ("Weights", "pca_weights", "divide", "gender", "analysis", "registry", "write_report", "datasets"):
        assert name in ictindex.__all__, name
        assert getattr(ictindex, name) is not None
    assert all(hasattr(ictindex, name) for name in ictindex.__all__)
    assert (Path(ictindex.__file__).parent / "py.typed").is_file()


def test_provenance_is_a_mapping_with_a_tidy_table(result):
    provenance = result.provenance
    assert provenance["framework"] == "doi_current" and dict(provenance)["years"] == [2023]
    with pytest.raises(TypeError):
        provenance["framework"] = "x"  # read-only
    table = provenance.to_frame()
    assert list(table.columns) == ["field", "value"] and len(table) == len(provenance)
    assert table.set_index("field").loc["framework_sha256", "value"] == result.framework.sha256
    parse_card(provenance)


def test_notebook_01_shows_the_card():
    """The quickstart notebook is stored executed: its cell ``result`` shows the card (test_notebooks runs it)."""
    import nbformat
    from conftest import ROOT

    notebook = nbformat.read(ROOT / "notebooks" / "01_quickstart.ipynb", as_version=4)
    shown = [
        o["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.strip() == "result"
        for o in cell.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert shown and "IndexResult" in shown[0] and "Top of the 2023 ranking" in shown[0]


def test_coherence_is_one_object_in_one_vocabulary(result):
    from matplotlib.figure import Figure

    from ictindex import analysis

    c = ictindex.coherence(result, year=2023)
    assert list(c.table.columns[:2]) == ["node", "child"] and list(c.pairs.columns[:3]) == ["node", "child", "other"]
    old = analysis.correlations(result, year=2023).set_index("code")
    new = c.table.set_index("child")
    pd.testing.assert_series_equal(new["r_node"], old["r_parent"].reindex(new.index), check_names=False)
    alpha = analysis.cronbach_alpha(result, year=2023).set_index("node")["alpha"]
    pd.testing.assert_series_equal(c.nodes.set_index("node")["alpha"], alpha)
    loading = analysis.node_pca(result, year=2023).set_index("child")["loading"]
    np.testing.assert_allclose(new["loading"], loading.reindex(new.index))
    assert c.to_frame().equals(c.table) and isinstance(c.plot(), Figure)
    parse_card(c)
