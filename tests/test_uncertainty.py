"""Uncertainty analysis: the spec is checked before running, replications replay as ordinary builds,
the summaries are what they say, and the same seed gives the same result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import COINR, REPLICATION

import ictindex
from ictindex import IctIndexError, SpecError, build_index, datasets
from ictindex.uncertainty import UncertaintySpec, _progress, prepare, rank_within_years, unit_sample

BUILD = {"years": 2023, "reference_year": 2023}
POSITIVE = [{"method": "minmax", "target": [0.01, 1]}, "percentile"]


@pytest.fixture(scope="module")
def itu():
    return datasets.load("itu")


@pytest.fixture(scope="module")
def every_choice(itu):
    spec = {
        "weights": {"noise": 0.25},
        "normalisation": POSITIVE,
        "aggregation": ["arithmetic", "geometric"],
        "imputation": ["none", {"method": "latest", "max_gap": 3}],
        "exclude_indicator": True,
        "data": {"error": 0.05, "draws": 3},
        "treatment": [{"method": "winsorise", "winmax": k, "log": False} for k in (1, 5)],
    }
    return ictindex.uncertainty(itu, "doi_current", spec, n=16, seed=3, **BUILD)


def _index_scores(result, units):
    return result.scores.set_index(["economy", "year"])[result.framework.index].reindex(units).to_numpy()


def test_every_replication_replays_as_an_ordinary_build(every_choice):
    """Vectorised and loop paths: replication(i) rebuilt with build_index gives the same scores and ranks."""
    r = every_choice
    drawn = r.parameters
    for name in ["normalisation", "aggregation", "imputation", "exclude_indicator", "data", "treatment"]:
        assert drawn[name].nunique() >= 2, name  # every kind of choice is exercised
    for i in range(r.n):
        rebuilt = r.replication(i)
        loop = _index_scores(rebuilt, r.units)
        np.testing.assert_array_equal(np.isnan(loop), np.isnan(r.scores[i]))
        np.testing.assert_allclose(loop, r.scores[i], rtol=0, atol=1e-12, equal_nan=True)
        ranks = rebuilt.scores.set_index(["economy", "year"])["rank"].reindex(r.units).to_numpy(dtype="float64")
        np.testing.assert_array_equal(ranks, r.rank_draws[i])


def test_left_out_indicator_has_zero_weight_and_replays(every_choice):
    r = every_choice
    table = r.parameters
    out = table[table["exclude_indicator"] != "none"].iloc[0]
    column = next(c for c in table.columns if c.startswith("weight ") and c.endswith(f"> {out['exclude_indicator']}"))
    assert out[column] == 0
    assert (table.loc[table["exclude_indicator"] == "none", column] > 0).all()


def test_same_seed_same_result_other_seed_other_result(itu):
    spec = {"weights": {"noise": 0.25}, "aggregation": ["arithmetic", "geometric"], "normalisation": POSITIVE}
    a = ictindex.uncertainty(itu, "doi_current", spec, n=64, seed=7, **BUILD)
    b = ictindex.uncertainty(itu, "doi_current", spec, n=64, seed=7, **BUILD)
    c = ictindex.uncertainty(itu, "doi_current", spec, n=64, seed=8, **BUILD)
    np.testing.assert_array_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    pd.testing.assert_frame_equal(a.parameters, b.parameters)
    assert not np.array_equal(a.scores, c.scores, equal_nan=True)


def test_rank_table_against_the_two_builds_it_mixes(itu):
    """Aggregation drawn from two alternatives only: every replication is one of two builds, each drawn
    exactly n/2 times (balanced Sobol' points), so the summaries can be computed by hand."""
    fw = ictindex.load_framework("doi_current")
    spec = {"aggregation": ["arithmetic", "harmonic"]}
    variants = {}
    for method in spec["aggregation"]:
        data = fw.model_dump()
        data["indicators"] = [
            i | {"normalisation": {"method": "minmax", "target": [0.01, 1]}} for i in data["indicators"]
        ]
        for node in data["nodes"]:
            node["aggregation"] = {"method": method}
        variants[method] = build_index(itu, ictindex.Framework.model_validate(data), **BUILD)
    base = fw.model_dump()
    base["indicators"] = [i | {"normalisation": {"method": "minmax", "target": [0.01, 1]}} for i in base["indicators"]]
    base_fw = ictindex.Framework.model_validate(base)
    r = ictindex.uncertainty(itu, base_fw, spec, n=64, seed=1, top=10, **BUILD)
    counts = r.parameters["aggregation"].value_counts()
    assert counts.tolist() == [32, 32]
    table = r.ranks.set_index("economy")
    a = variants["arithmetic"].scores.set_index("economy")
    h = variants["harmonic"].scores.set_index("economy")
    nominal = build_index(itu, base_fw, **BUILD).scores.set_index("economy")
    assert (table["nominal_rank"] == nominal["rank"].reindex(table.index)).all()
    np.testing.assert_allclose(table["nominal_score"], nominal["DOI"].reindex(table.index))
    both = pd.concat([a["rank"], h["rank"]], axis=1).reindex(table.index).astype(float)
    np.testing.assert_allclose(table["median_rank"], both.mean(axis=1))  # median of 32 + 32 draws
    np.testing.assert_allclose(table["p_top10"], (both <= 10).mean(axis=1))
    assert (table["rank_q05"] == both.min(axis=1)).all() and (table["rank_q95"] == both.max(axis=1)).all()
    assert (table["share_scored"] == 1).all()


def test_rank_within_years_is_pandas_min_rank_per_year():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, size=(6, 12)).astype(float)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    years = np.repeat([0, 1, 2], 4)
    ours = rank_within_years(scores, years)
    for row in range(scores.shape[0]):
        expected = pd.Series(scores[row]).groupby(years).rank(method="min", ascending=False).to_numpy()
        np.testing.assert_array_equal(ours[row], expected)


def test_discrete_choices_are_equally_likely():
    u = unit_sample(1024, 1, seed=0)
    k = np.minimum((u[:, 0] * 3).astype(int), 2)
    assert np.abs(np.bincount(k) / 1024 - 1 / 3).max() < 0.01
    lhs = unit_sample(300, 2, seed=0, sampler="lhs")
    assert (np.sort((lhs[:, 0] * 300).astype(int)) == np.arange(300)).all()  # one point per stratum


# -- refused before replication 1 -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ({"weights": {"nodes": {"nowhere": 0.2}}}, "weights.nodes", "no node ['nowhere']"),
        ({"weights": {"noise": 1.5}}, "weights.noise", "less than 1"),
        ({"wieghts": {"noise": 0.2}}, "wieghts", "Extra inputs"),
        ({"aggregation": ["arithmetic", "geometric"]}, "aggregation", "geometric"),
        ({"aggregation": ["arithmetic", "median_of_means"]}, "aggregation", "unknown aggregation method"),
        ({"aggregation": ["arithmetic"]}, "aggregation", "one alternative"),
        ({"normalisation": ["minmax", "goalpost_of_doom"]}, "normalisation", "unknown normalisation"),
        ({"aggregation": [{"nowhere": "geometric"}, "arithmetic"]}, "aggregation", "no node"),
        ({"imputation": ["none", {"method": "none"}]}, "imputation", "are the same"),
        ({"imputation": ["none", "telepathy"]}, "imputation", "unknown imputation"),
        ({"aggregation": ["arithmetic", "arithmetic"]}, "aggregation", "listed twice"),
        ({}, "spec", "varies nothing"),
    ],
)
def test_impossible_specs_are_refused_naming_the_field(itu, spec, field, words):
    with pytest.raises(SpecError) as err:
        prepare(itu, "doi_current", spec, **BUILD)
    assert err.value.field == field
    assert words in str(err.value)


def test_geometric_mean_meeting_zero_names_economy_and_node(itu):
    with pytest.raises(SpecError, match="normalisation minmax with aggregation geometric") as err:
        prepare(
            itu,
            "doi_current",
            {"normalisation": ["minmax", "percentile"], "aggregation": ["arithmetic", "geometric"]},
            **BUILD,
        )
    assert err.value.economy and err.value.node


def test_spec_from_yaml_and_bad_arguments(itu, tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("weights: {noise: 0.1}\naggregation: [arithmetic, {method: power, power: 2}]\n", encoding="utf-8")
    spec = UncertaintySpec.load(path)
    assert spec.weights.noise == 0.1 and spec.aggregation == ["arithmetic", {"method": "power", "power": 2}]
    (tmp_path / "bad.yaml").write_text("weights: [1, 2\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid YAML at line 2"):
        UncertaintySpec.load(tmp_path / "bad.yaml")
    for bad in ({"n": 1}, {"n": 2.5}, {"top": 0}, {"sampler": "halton"}):
        with pytest.raises(SpecError) as err:
            ictindex.uncertainty(itu, "doi_current", path, **({"n": 8} | bad), **BUILD)
        assert err.value.field == next(iter(bad))
    with pytest.raises(SpecError, match="does not exist"):
        ictindex.uncertainty(itu, "doi_current", path, n=4, **BUILD).replication(4)


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("weights: {noise: 0.2}\nweights: {noise: 0.3}\n", "key 'weights' appears twice in one mapping", 2),
        ("aggregation: [arithmetic, geometric]\nexclude_indicator: true\naggregation: [power]\n", "appears twice", 3),
        ("weights: " + "[" * 60 + "]" * 60 + "\n", "nested more than 50 levels deep", 1),
        ("weights: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 50 levels deep", None),
        (
            "\n".join(
                ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
                + [f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 10)}]" for k in range(6)]
            ),
            "more than 100,000 values once its aliases",
            None,
        ),
        ("weights: {noise: 0.2}\n\xff\n", "not UTF-8", None),
    ],
)
def test_the_spec_file_has_the_framework_loaders_guards(tmp_path, text, words, line):
    """Issue 30, class 5: a repeated key (PyYAML kept the last silently), nesting (a RecursionError), nested aliases
    (10^7 values) and bytes that are not text are SpecErrors naming the file (and line)."""
    path = tmp_path / "spec.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape") if "\xff" not in text else text.encode("latin-1"))
    with pytest.raises(SpecError, match=words) as info:
        UncertaintySpec.load(path)
    assert info.value.file == str(path)
    if line is not None:
        assert info.value.line == line


def test_a_spec_file_above_the_size_limit_is_refused_before_reading(tmp_path):
    from ictindex import limits

    path = tmp_path / "spec.yaml"
    path.write_text("weights: {noise: 0.2}\n" + "# comment\n" * 1000, encoding="utf-8")
    with limits.raised(MAX_YAML_BYTES=1000), pytest.raises(SpecError, match=r"\(MAX_YAML_BYTES\)"):
        UncertaintySpec.load(path)
    assert UncertaintySpec.load(path).weights.noise == 0.2


@pytest.mark.parametrize(
    ("n", "seed", "field", "words"),
    [
        (10**12, 0, "n", "more than the limit of 1(00)?,000,000 \\(MAX_(STREAMED_)?REPLICATIONS\\)"),
        (64, -1, "seed", "seed must be a whole number >= 0, got -1"),
        (64, 1.5, "seed", "got 1.5"),
        (64, "7", "seed", "got '7'"),
        (64, True, "seed", "got True"),
    ],
)
def test_n_and_seed_are_checked_before_the_build_is_compiled(itu, n, seed, field, words):
    """A huge n tried to allocate terabytes; a negative or text seed was a numpy error after the compile."""
    from ictindex import sensitivity

    for run in (ictindex.uncertainty, sensitivity):
        with pytest.raises(SpecError, match=words) as info:
            run(itu, "nowhere", {"weights": {"noise": 0.25}}, n=n, seed=seed)  # the framework is never loaded
        assert info.value.field == field


def test_ten_million_streamed_replications_pass_the_limits_that_kept_draws_do_not(itu):
    """A run that keeps per-unit counts only has memory that does not grow with n: ``n = 10**7`` (issue 26) is
    checked against MAX_STREAMED_REPLICATIONS (10^8); with the draws kept, or the Latin hypercube drawn whole,
    against MAX_REPLICATIONS (10^6). Checked on a framework that does not exist: the limit is said, or passed,
    before anything is compiled."""
    spec = {"weights": {"noise": 0.25}}
    with pytest.raises(IctIndexError) as passed:  # past the limits: the framework is the next thing refused
        ictindex.uncertainty(itu, "nowhere", spec, n=10**7)
    assert "replications" not in str(passed.value) and "nowhere" in str(passed.value)
    for kept in ({"keep_draws": True}, {"sampler": "lhs"}):
        with pytest.raises(SpecError, match=r"10,000,000 is more than the limit of 1,000,000 \(MAX_REPLICATIONS\)"):
            ictindex.uncertainty(itu, "nowhere", spec, n=10**7, **kept)
    with pytest.raises(SpecError, match=r"limit of 100,000,000 \(MAX_STREAMED_REPLICATIONS\)"):
        ictindex.uncertainty(itu, "nowhere", spec, n=10**9)


def test_inputs_not_mutated_and_progress_silent_in_tests(itu, capsys):
    before = itu.copy()
    spec = {"weights": {"noise": 0.2}, "data": {"error": 0.1, "draws": 2}}
    ictindex.uncertainty(itu, "doi_current", spec, n=8, **BUILD)
    pd.testing.assert_frame_equal(itu, before)
    assert capsys.readouterr().err == ""
    assert _progress(10, None).show is False and _progress(10, True).show is True


def test_data_error_per_series_and_unknown_series(itu):
    with pytest.raises(SpecError, match="not series of the panel") as err:
        prepare(itu, "doi_current", {"data": {"error": {"no_such_series": 0.1}}}, **BUILD)
    assert err.value.field == "data.error"


# -- COINr's own uncertainty example --------------------------------------------------------------------------
def _coinr_setup():
    panel, framework = ictindex.read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv", denominate=True)
    spec = {
        "weights": {"nodes": {"Conn": 0.25, "Sust": 0.25, "Index": 0.25}},  # COINr noise on levels 2 and 3
        "normalisation": [
            {"method": "minmax", "target": [1, 100]},
            {"method": "zscore", "params": {"centre": 10, "spread": 2}},
        ],
        "aggregation": ["arithmetic", "geometric"],
    }
    return panel, framework, spec


def test_coinr_asem_setup_runs_and_replays():
    panel, framework, spec = _coinr_setup()
    r = ictindex.uncertainty(panel, framework, spec, n=64, units="any")
    assert len(r.ranks) == 51 and r.ranks["share_scored"].eq(1).all()
    for i in (0, 1, 2, 3):
        np.testing.assert_allclose(_index_scores(r.replication(i), r.units), r.scores[i], atol=1e-11)


#: COINr's example coin (R/examples.R, build_example_coin): denominate, group-mean imputation by EurAsia_group,
#: Screen(dat_thresh = 0.9) on imputed data, Treat(winmax = 5), min-max 0-100, arithmetic mean.
COINR_EXAMPLE = {
    "imputation": {"method": "group_mean", "by": "EurAsia_group"},
    "screening": {"min_share": 0.9, "count": "imputed"},
    "treatment": {"method": "winsorise", "winmax": 5},
    "normalisation": {"method": "minmax", "low": 0, "high": 100},
}


def test_coinr_asem_median_ranks_match_coinr():
    """COINr's vignette run (vignettes/UA_results.RDS: winsorisation limit 1-5, min-max 1-100 or z-score
    10/2, weights +/-25 % on levels 2-3, arithmetic or geometric mean; N = 100): the same nominal ranks, and
    median ranks within one place for most units (measured: 49 of 51 at n = 4096 and 8192; LUX, whose ranks
    spread over 7-29 in COINr's run, and MYS differ by 2-3, within the Monte Carlo error of 100 replications)."""
    panel, framework, spec = _coinr_setup()
    spec["treatment"] = [{"method": "winsorise", "winmax": k} for k in range(1, 6)]
    with pytest.warns(UserWarning, match="winmax=4.*winmax=5.*same values"):
        r = ictindex.uncertainty(panel, framework, spec, n=4096, **COINR_EXAMPLE)
    coinr = pd.read_csv(REPLICATION / "coinr_asem_uncertainty_rankstats.csv").set_index("uCode")
    ours = r.ranks.set_index("economy").reindex(coinr.index)
    assert (ours["nominal_rank"] == coinr["Nominal"]).all()
    assert ((ours["median_rank"] - coinr["Median"]).abs() <= 1).mean() >= 0.9
    assert ((coinr["Median"] >= ours["rank_q05"]) & (coinr["Median"] <= ours["rank_q95"])).all()
    assert (ours["rank_q05"] - coinr["Q5"]).abs().mean() < 1 and (ours["rank_q95"] - coinr["Q95"]).abs().mean() < 1
    drawn = r.parameters["treatment"].value_counts()
    assert len(drawn) == 5 and drawn.min() > 700  # every limit drawn, about 1/5 each
    np.testing.assert_allclose(_index_scores(r.replication(0), r.units), r.scores[0], atol=1e-11)


def test_alternatives_identical_on_these_data_are_drawn_with_a_warning():
    panel, framework, _ = _coinr_setup()
    spec = {"imputation": ["none", {"method": "latest", "max_gap": 2}], "weights": {"noise": 0.1}}
    with pytest.warns(UserWarning, match="imputation alternatives 'none' and 'latest.*same values"):
        r = ictindex.uncertainty(panel, framework, spec, n=16, units="any")  # one year: nothing to carry
    assert set(r.parameters["imputation"]) == {"none", "latest (max_gap=2)"}


def test_charts_return_figures_drawn_from_the_result(itu):
    from matplotlib.figure import Figure

    from ictindex.report.uncertainty_charts import rank_uncertainty_chart, sobol_chart

    spec = {"weights": {"noise": 0.25}, "aggregation": ["arithmetic", {"method": "power", "power": 2}]}
    r = ictindex.uncertainty(itu, "doi_current", spec, n=32, **BUILD)
    fig = rank_uncertainty_chart(r, top=12, color="red")
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and len(ax.get_yticklabels()) == 12
    assert (
        ax.get_yticklabels()[0].get_text()
        == r.ranks["economy"].map(__import__("ictindex.countries", fromlist=["report_name"]).report_name).iloc[0]
    )
    # issue 23: the source line is add_source's wrapped figure text (was a supxlabel)
    assert any("32 replications" in t.get_text().replace("\n", " ") for t in fig.texts)
    outer = Figure()
    given = outer.add_subplot()
    assert rank_uncertainty_chart(r, top=5, order="median", ax=given) is outer
    with pytest.raises(SpecError, match="no year 1999"):
        rank_uncertainty_chart(r, year=1999)
    s = ictindex.sensitivity(itu, "doi_current", spec, n=16, n_boot=50, **BUILD)
    fig = sobol_chart(s)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["aggregation", "weights"]
    assert len(fig.axes[0].patches) == 4  # S1 and ST of two factors


def test_cli_uncertainty_and_report_section(tmp_path):
    from typer.testing import CliRunner

    from ictindex.cli import app

    spec = tmp_path / "spec.yaml"
    spec.write_text("weights: {noise: 0.25}\nexclude_indicator: true\n", encoding="utf-8")
    out = tmp_path / "unc"
    run = CliRunner().invoke(
        app, ["uncertainty", "--spec", str(spec), "--n", "64", "--year", "2023", "--out", str(out), "--top", "5"]
    )
    assert run.exit_code == 0, run.output
    ranks = pd.read_csv(out / "ranks.csv")
    assert len(run.output.splitlines()) == 1 + 5 + 1 and "64 replications" in run.output
    assert ranks.columns[:4].tolist() == ["economy", "year", "nominal_rank", "median_rank"]
    assert len(pd.read_csv(out / "parameters.csv")) == 64 and (out / "rank_uncertainty.png").exists()
    bad = CliRunner().invoke(app, ["uncertainty", "--spec", str(spec), "--n", "1", "--year", "2023"])
    assert bad.exit_code == 2 and "error: n must be" in bad.output


def test_report_section_is_added_before_the_methodology(itu, tmp_path):
    from ictindex.report.document import Report
    from ictindex.report.uncertainty_charts import add_uncertainty_section, uncertainty_table

    r = ictindex.uncertainty(itu, "doi_current", {"weights": {"noise": 0.25}}, n=32, **BUILD)
    page = tmp_path / "index.html"
    page.write_text("<html><body><h2 id='methodology'>Methodology</h2></body></html>", encoding="utf-8")
    report = add_uncertainty_section(Report(folder=tmp_path, html=page), r)
    text = page.read_text(encoding="utf-8")
    assert text.index("id='uncertainty'") < text.index("id='methodology'")
    table = pd.read_csv(report.tables["uncertainty"][0])
    assert len(table) == len(uncertainty_table(r)) == r.ranks["year"].eq(2023).sum()
    assert (report.folder / "charts" / "rank_uncertainty.png").exists()


def test_report_with_uncertainty_is_one_run(itu, tmp_path):
    """The section is written inside the report's own temporary folder: a second report into the same folder
    replaces the first (the section's files are the run's, listed in its manifest), nothing is left behind."""
    from ictindex.report import write_report

    r = ictindex.uncertainty(itu, "doi_current", {"weights": {"noise": 0.25}}, n=16, **BUILD)
    result = ictindex.build_index(itu, "doi_current", years=2023)
    out = tmp_path / "report"
    for _ in range(2):
        written = write_report(result, out, year=2023, uncertainty=r, divide=False)
    assert "id='uncertainty'" in written.html.read_text(encoding="utf-8")
    assert (out / "charts" / "rank_uncertainty.png").exists() and (out / "tables" / "uncertainty.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


# -- streamed summaries, parallel chunks ---------------------------------------------------------------------
STREAM_SPEC = {
    "weights": {"noise": 0.25},
    "aggregation": ["arithmetic", "geometric"],
    "normalisation": POSITIVE,
    "exclude_indicator": True,
}
RANK_COLUMNS = ["economy", "year", "nominal_rank", "median_rank", "rank_q05", "rank_q95", "nominal_score"]


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 512 replications, so that a test of a few thousand streams over several."""
    import ictindex.replicate

    monkeypatch.setattr(ictindex.replicate, "CHUNK_ELEMENTS", 2**12)
    monkeypatch.setattr(ictindex.replicate, "MIN_CHUNK", 512)


def test_streamed_rank_intervals_equal_those_of_the_kept_draws(itu, small_chunks):
    """The acceptance of issue 26 at n = 10^4: the summary counted chunk by chunk gives the same rank intervals,
    median ranks and top-10 shares as the quantiles of every replication's ranks, to the last bit; score
    intervals within the stated error."""
    kept = ictindex.uncertainty(itu, "doi_current", STREAM_SPEC, n=10_000, seed=5, keep_draws=True, **BUILD)
    streamed = ictindex.uncertainty(itu, "doi_current", STREAM_SPEC, n=10_000, seed=5, keep_draws=False, **BUILD)
    a, b = kept.ranks, streamed.ranks
    pd.testing.assert_frame_equal(
        a[[*RANK_COLUMNS, "p_top10", "share_scored"]], b[[*RANK_COLUMNS, "p_top10", "share_scored"]]
    )
    assert a["rank_q05"].lt(a["rank_q95"]).any()  # intervals that are intervals
    error = pd.Series(streamed.score_error, index=streamed.units)
    error = error.reindex(pd.MultiIndex.from_frame(b[["economy", "year"]])).to_numpy()
    for column in ("score_q05", "score_q95"):
        assert (np.abs(a[column] - b[column]) <= error + 1e-15).all()
    assert error.max() < 1e-4  # bins of a unit's range of normalised values
    assert streamed.draws is None and kept.draws is not None
    with pytest.raises(SpecError, match="were not kept") as err:
        streamed.scores  # noqa: B018
    assert err.value.field == "keep_draws"
    np.testing.assert_array_equal(streamed.parameters.to_numpy(), kept.parameters.to_numpy())
    i = 7_777  # a replication of the streamed result replays as an ordinary build, drawn again from the design
    np.testing.assert_allclose(_index_scores(streamed.replication(i), kept.units), kept.scores[i], atol=1e-12)


def test_two_workers_give_what_one_gives(itu, small_chunks):
    spec = {"weights": {"noise": 0.25}, "aggregation": ["arithmetic", "geometric"], "normalisation": POSITIVE}
    one = ictindex.uncertainty(itu, "doi_current", spec, n=3000, seed=2, keep_draws=True, **BUILD)
    two = ictindex.uncertainty(itu, "doi_current", spec, n=3000, seed=2, keep_draws=True, n_jobs=2, **BUILD)
    np.testing.assert_array_equal(one.scores, two.scores)
    np.testing.assert_array_equal(one.summary.rank_counts, two.summary.rank_counts)
    np.testing.assert_array_equal(one.summary.score_counts, two.summary.score_counts)
    pd.testing.assert_frame_equal(one.ranks, two.ranks)
    for bad in (0, 1.5, True):
        with pytest.raises(SpecError, match="n_jobs") as err:
            ictindex.uncertainty(itu, "doi_current", spec, n=8, n_jobs=bad, **BUILD)
        assert err.value.field == "n_jobs"


def test_the_score_range_holds_every_replication(itu):
    """Every replication's score lies within the range the bins were set on before replication 1."""
    problem = prepare(itu, "doi_current", STREAM_SPEC, **BUILD)
    low, high = problem.score_range()
    result = ictindex.uncertainty(itu, "doi_current", STREAM_SPEC, n=512, seed=9, keep_draws=True, **BUILD)
    scored = ~np.isnan(result.scores)
    assert (result.scores[scored] >= np.broadcast_to(low, result.scores.shape)[scored] - 1e-12).all()
    assert (result.scores[scored] <= np.broadcast_to(high, result.scores.shape)[scored] + 1e-12).all()
    assert (result.summary.score_min >= low - 1e-12).all() and (result.summary.score_max <= high + 1e-12).all()


def test_chunks_run_on_a_dask_cluster_through_joblib(itu, small_chunks):
    """joblib's dask backend: the chunks on a (small, local) distributed cluster, the same result as in process."""
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    spec = {"weights": {"noise": 0.25}, "aggregation": ["arithmetic", "geometric"], "normalisation": POSITIVE}
    here = ictindex.uncertainty(itu, "doi_current", spec, n=2048, seed=4, **BUILD)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        distributed.Client(cluster),
        parallel_backend("dask"),
    ):
        there = ictindex.uncertainty(itu, "doi_current", spec, n=2048, seed=4, n_jobs=-1, **BUILD)
    pd.testing.assert_frame_equal(here.ranks, there.ranks)
    np.testing.assert_array_equal(here.summary.rank_counts, there.summary.rank_counts)
