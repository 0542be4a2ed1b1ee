"""Properties of the whole pipeline that must hold for any data (hypothesis), and round-trips of
every export and of framework files.

Properties: monotonicity (goalpost, min-max, z-score), range, permutation invariance (rows and
economy labels), unit invariance of min-max and z-score, weight-scale invariance, mean ordering,
imputation never changes a reported value, no input mutation, determinism, no economy lost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictindex import Framework, available_frameworks, build_index, load_framework
from ictindex.aggregate import weighted_mean
from ictindex.impute import impute
from ictindex.report.export import HEADER_ROW, write_csv, write_xlsx
from ictindex.report.tables import coverage_table, group_averages, ranking_table

#: pandas 2 reads floats exactly only with float_precision="round_trip" (pandas 3 by default, and deprecates it)
ROUND_TRIP = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Random percentages may all lie below 1 in a year, which a build refuses as fractions (ictindex.checks): here the
#: check warns, and the properties hold with every check's findings kept
FRACTIONS_WARN = {"percent_as_fraction": "warning"}
ECONOMIES = ["ARG", "BRA", "CHL", "DEU", "EGY", "FRA", "GHA"]
CODES = ["x1", "x2", "x3", "x4"]


def framework(
    method: str = "goalpost", aggregation: str = "arithmetic", weights=(1, 1, 1, 1), target=(0.0, 1.0)
) -> Framework:
    norm = (
        {"method": "goalpost", "lower": 0, "upper": 100}
        if method == "goalpost"
        else {"method": method, "target": list(target)}
        if method == "minmax"
        else {"method": method}
    )
    return Framework.from_dict(
        {
            "code": f"prop_{method}",
            "name": "properties",
            "index": "index",
            "min_coverage": 0.0,
            "nodes": [
                {
                    "code": "index",
                    "name": "Index",
                    "aggregation": {"method": aggregation},
                    "children": [{"code": "a"}, {"code": "b"}],
                },
                {
                    "code": "a",
                    "name": "A",
                    "aggregation": {"method": aggregation},
                    "children": [{"code": "x1", "weight": weights[0]}, {"code": "x2", "weight": weights[1]}],
                },
                {
                    "code": "b",
                    "name": "B",
                    "aggregation": {"method": aggregation},
                    "children": [{"code": "x3", "weight": weights[2]}, {"code": "x4", "weight": weights[3]}],
                },
            ],
            "indicators": [
                {
                    "code": c,
                    "name": c,
                    "unit": "%",
                    "normalisation": norm,
                    "direction": "lower" if c == "x4" else "higher",
                }
                for c in CODES
            ],
        }
    )


VALUE = st.floats(min_value=1, max_value=99, allow_nan=False)


@st.composite
def panels(draw, min_economies=2, missing=False, years=(2020,)):
    n = draw(st.integers(min_economies, len(ECONOMIES)))
    rows = []
    for year in years:
        for e in ECONOMIES[:n]:
            for c in CODES:
                if missing and draw(st.integers(0, 4)) == 0:
                    continue
                rows.append({"economy": e, "year": year, "indicator": c, "value": draw(VALUE)})
    return pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"])


def _distinct(panel: pd.DataFrame) -> bool:
    """Every indicator has at least two different values (min-max and z-score need it)."""
    return bool((panel.groupby("indicator")["value"].nunique() > 1).all())


# -- monotonicity and range ---------------------------------------------------------------------------
@PROPERTY
@given(
    panel=panels(),
    method=st.sampled_from(["goalpost", "minmax", "zscore"]),
    row=st.integers(0, 100),
    bump=st.floats(0.5, 40),
)
def test_improving_an_indicator_never_lowers_that_economys_scores(panel, method, row, bump):
    if method != "goalpost" and not _distinct(panel):
        return
    fw = framework(method)
    target = panel.index[row % len(panel)]
    improved = panel.copy()
    sign = -1 if improved.loc[target, "indicator"] == "x4" else 1  # x4: lower is better
    improved.loc[target, "value"] = float(np.clip(improved.loc[target, "value"] + sign * bump, 1, 99))
    if method != "goalpost" and not _distinct(improved):
        return
    economy = panel.loc[target, "economy"]
    before = build_index(panel, fw, checks=FRACTIONS_WARN).scores.set_index("economy").loc[economy]
    after = build_index(improved, fw, checks=FRACTIONS_WARN).scores.set_index("economy").loc[economy]
    for node in ("index", "a", "b"):
        assert after[node] >= before[node] - 1e-9


@PROPERTY
@given(
    panel=panels(missing=True),
    aggregation=st.sampled_from(["arithmetic", "geometric", "harmonic"]),
    target=st.sampled_from([(0.0, 1.0), (1.0, 100.0), (10.0, 20.0)]),
)
def test_scores_stay_within_the_normalised_range(panel, aggregation, target):
    if not _distinct(panel) or panel.empty:
        return
    low, high = target
    if aggregation != "arithmetic" and low == 0:
        low = high / 100  # geometric/harmonic means need positive inputs: min-max to 0.01-1
    fw = framework("minmax", aggregation, target=(low, high))
    try:
        scores = build_index(panel, fw).scores[["index", "a", "b"]].to_numpy(dtype="float64")
    except Exception as err:  # only a library error is acceptable (e.g. one value per indicator)
        from ictindex.errors import IctIndexError

        assert isinstance(err, IctIndexError)
        return
    scores = scores[~np.isnan(scores)]
    assert ((scores >= low - 1e-9) & (scores <= high + 1e-9)).all()


@given(x=st.lists(st.floats(0.01, 100), min_size=2, max_size=6), data=st.data())
def test_harmonic_le_geometric_le_arithmetic_within_min_and_max(x, data):
    w = np.array(data.draw(st.lists(st.floats(0.1, 5), min_size=len(x), max_size=len(x))))
    values = np.array([x])
    means = [float(weighted_mean(values, w, m)[0]) for m in ("harmonic", "geometric", "arithmetic")]
    assert min(x) * (1 - 1e-12) <= means[0] <= means[1] * (1 + 1e-12)
    assert means[1] <= means[2] * (1 + 1e-12) <= max(x) * (1 + 1e-9)


# -- invariances ----------------------------------------------------------------------------------------
@PROPERTY
@given(
    panel=panels(min_economies=3),
    method=st.sampled_from(["minmax", "zscore"]),
    scale=st.floats(0.01, 1000),
    shift=st.floats(0, 500),
    code=st.sampled_from(CODES),
)
def test_min_max_and_z_scores_do_not_depend_on_the_unit(panel, method, scale, shift, code):
    """Expressing an indicator in another unit (a x + b, a > 0) changes nothing after min-max or
    z-score normalisation (OECD/JRC Handbook 2008, section 5)."""
    if not _distinct(panel):
        return
    fw = framework(method)
    fw_dict = fw.model_dump()
    for ind in fw_dict["indicators"]:
        ind["unit"] = "index"
        ind["bounds"] = [None, None]
    fw = Framework.from_dict(fw_dict)
    rescaled = panel.copy()
    rows = rescaled["indicator"] == code
    rescaled.loc[rows, "value"] = rescaled.loc[rows, "value"] * scale + shift
    if not _distinct(rescaled):
        return
    a = build_index(panel, fw)
    b = build_index(rescaled, fw)
    np.testing.assert_allclose(b.normalised[CODES].to_numpy(), a.normalised[CODES].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(
        b.scores[["index", "a", "b"]].to_numpy(), a.scores[["index", "a", "b"]].to_numpy(), atol=1e-9
    )
    assert b.scores["rank"].tolist() == a.scores["rank"].tolist()


@PROPERTY
@given(panel=panels(missing=True), seed=st.integers(0, 10_000), factor=st.floats(0.1, 10))
def test_row_order_labels_and_weight_scale_do_not_matter(panel, seed, factor):
    if panel.empty:
        return
    fw = framework("goalpost", weights=(1, 2, 3, 1))
    base = build_index(panel, fw, checks=FRACTIONS_WARN)
    shuffled = build_index(panel.sample(frac=1, random_state=seed), fw, checks=FRACTIONS_WARN)
    pd.testing.assert_frame_equal(base.scores, shuffled.scores)
    # renaming economies permutes the scores and nothing else
    present = sorted(panel["economy"].unique())
    renamed_to = dict(zip(present, list(reversed(ECONOMIES))[: len(present)], strict=True))
    renamed = build_index(panel.assign(economy=panel["economy"].map(renamed_to)), fw, checks=FRACTIONS_WARN).scores
    back = renamed.assign(economy=renamed["economy"].map({v: k for k, v in renamed_to.items()}))
    back = back.sort_values(["year", "economy"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        back[["economy", "index", "a", "b", "rank"]],
        base.scores[["economy", "index", "a", "b", "rank"]],
        check_dtype=False,
    )
    # multiplying every weight of a node by the same factor changes nothing (weights are rescaled)
    scaled = build_index(panel, framework("goalpost", weights=(factor, 2 * factor, 3, 1)), checks=FRACTIONS_WARN)
    np.testing.assert_allclose(
        scaled.scores[["index", "a", "b"]].to_numpy(), base.scores[["index", "a", "b"]].to_numpy(), atol=1e-12
    )


# -- imputation, mutation, determinism, nothing lost --------------------------------------------------------
@PROPERTY
@given(panel=panels(missing=True, years=(2018, 2019, 2020, 2021)), max_gap=st.integers(1, 3))
def test_imputation_only_fills_gaps_and_records_each(panel, max_gap):
    if panel.empty:
        return
    values = panel.pivot_table(index=["economy", "year"], columns="indicator", values="value")
    filled, log = impute(values, "latest", max_gap=max_gap)
    present = values.notna()
    pd.testing.assert_frame_equal(filled[present], values[present])
    new = filled.notna() & ~present
    assert int(new.to_numpy().sum()) == len(log)
    assert ((log["year"] - log["from_year"]).between(1, max_gap)).all()


@PROPERTY
@given(panel=panels(missing=True, years=(2019, 2020)), by_sex=st.booleans())
def test_no_mutation_determinism_and_no_economy_lost(panel, by_sex):
    if panel.empty:
        return
    fw_dict = framework("goalpost").model_dump()
    fw_dict["indicators"][0]["sex_disaggregable"] = True
    frozen = pd.DataFrame(panel).copy()
    original_dict = repr(fw_dict)
    fw = Framework.from_dict(fw_dict)
    sexed = pd.concat(
        [panel, panel[panel.indicator == "x1"].assign(sex="female"), panel[panel.indicator == "x1"].assign(sex="male")]
    ).fillna({"sex": "total"})
    first = build_index(sexed, fw, by_sex=by_sex, checks=FRACTIONS_WARN)
    second = build_index(sexed, fw, by_sex=by_sex, checks=FRACTIONS_WARN)
    pd.testing.assert_frame_equal(panel, frozen)
    assert repr(fw_dict) == original_dict
    for table in ("scores", "raw", "normalised", "coverage", "imputations", "excluded"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table))
    assert dict(first.provenance) == dict(second.provenance)
    if by_sex:
        pd.testing.assert_frame_equal(first.gender, second.gender)
    for year in first.years:
        scored = set(first.ranking(year)["economy"])
        listed = set(first.excluded.query("year == @year")["economy"])
        assert scored | listed == set(panel["economy"]) and not scored & listed


def test_charts_are_deterministic(tmp_path):
    from ictindex import datasets
    from ictindex.report import charts, save_figure

    result = build_index(datasets.load("itu"), "doi_current", years=2023)
    first = save_figure(charts.distribution_chart(result), tmp_path / "a", ("svg",))[0].read_bytes()
    second = save_figure(charts.distribution_chart(result), tmp_path / "b", ("svg",))[0].read_bytes()
    assert first == second  # jitter drawn from a fixed seed, stable SVG ids, no date


# -- round-trips --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", available_frameworks())
def test_every_bundled_framework_survives_a_yaml_round_trip(name, tmp_path):
    fw = load_framework(name)
    path = tmp_path / f"{name}.yaml"
    path.write_text(fw.to_yaml())
    again = load_framework(path)
    assert again == fw and again.sha256 == fw.sha256


@PROPERTY
@given(panel=panels(missing=True, years=(2019, 2020)))
def test_panel_csv_and_xlsx_round_trip(panel, tmp_path_factory):
    if panel.empty:
        return
    folder = tmp_path_factory.mktemp("panel")
    fw = framework()
    reference = build_index(panel, fw, checks=FRACTIONS_WARN).scores
    panel.to_csv(folder / "p.csv", index=False)
    panel.to_excel(folder / "p.xlsx", index=False)
    for path in (folder / "p.csv", folder / "p.xlsx"):
        pd.testing.assert_frame_equal(build_index(path, fw, checks=FRACTIONS_WARN).scores, reference)


def test_report_tables_round_trip_through_csv_and_xlsx(tmp_path):
    from ictindex import datasets

    result = build_index(datasets.load("itu"), "doi_current", years=[2022, 2023])
    tables = {
        "ranking": ranking_table(result),
        "averages": group_averages(result),
        "coverage": coverage_table(result),
        "scores": result.scores,
        "imputations": result.imputations,
    }
    write_csv(tables, tmp_path)
    write_xlsx(tables, tmp_path / "all.xlsx")
    for name, table in tables.items():
        numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        from_csv = pd.read_csv(tmp_path / f"{name}.csv", **ROUND_TRIP)
        from_xlsx = pd.read_excel(
            tmp_path / "all.xlsx", sheet_name=name, engine="openpyxl", skiprows=HEADER_ROW - 1
        )  # below the title, notes and source rows
        assert list(from_csv.columns) == list(table.columns) == list(from_xlsx.columns)
        for column in numeric:
            expected = table[column].astype("float64").to_numpy()
            np.testing.assert_array_equal(from_csv[column].astype("float64").to_numpy(), expected)  # exact
            # 16 significant digits: a value whose leading digit is 1 may come back a few ulps off (5.06e-16)
            np.testing.assert_allclose(from_xlsx[column].astype("float64").to_numpy(), expected, rtol=1e-15)
