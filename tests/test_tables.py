"""Panels as polars and pyarrow tables, results in those flavours, Parquet in and out (ictindex.tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ictindex
from ictindex import datasets
from ictindex.errors import IctIndexError, PanelError
from ictindex.read import read_table
from ictindex.tables import as_pandas, to_backend, write_parquet

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return datasets.load("itu")


@pytest.fixture(scope="module")
def built(panel):
    return ictindex.build_index(panel, "doi_current")


@pytest.mark.parametrize("flavour", ["polars", "pyarrow"])
def test_build_on_a_polars_or_arrow_panel_equals_the_pandas_build(panel, built, flavour):
    table = pl.from_pandas(panel) if flavour == "polars" else pa.Table.from_pandas(panel, preserve_index=False)
    other = ictindex.build_index(table, "doi_current")
    pd.testing.assert_frame_equal(other.scores, built.scores, check_exact=False, rtol=0, atol=1e-12)
    pd.testing.assert_frame_equal(other.imputations, built.imputations)
    # the same values reach the engine: the input hash is the pandas panel's
    assert other.provenance["input_sha256"] == built.provenance["input_sha256"]


def test_compile_model_validate_panel_and_uncertainty_take_polars(panel):
    small = panel[panel["year"] >= 2021]
    table = pl.from_pandas(small)
    model = ictindex.compile_model(table, "doi_current", years=2023)
    assert list(model.units) == list(ictindex.compile_model(small, "doi_current", years=2023).units)
    checked = ictindex.validate_panel(pa.Table.from_pandas(small))
    assert checked.n_values == ictindex.validate_panel(small).n_values
    u = ictindex.uncertainty(table, "doi_current", {"weights": {"noise": 0.25}}, n=64, years=2023)
    v = ictindex.uncertainty(small, "doi_current", {"weights": {"noise": 0.25}}, n=64, years=2023)
    pd.testing.assert_frame_equal(u.ranks, v.ranks)


def test_a_lazy_polars_frame_is_collected(panel):
    lazy = pl.from_pandas(panel.head(50)).lazy()
    pd.testing.assert_frame_equal(as_pandas(lazy), panel.head(50).reset_index(drop=True))


def test_conversion_keeps_values_and_integer_types():
    """Large and nullable integers stay integers (2**60 + 1 would not survive a float), text stays text,
    dictionary columns stay categoricals; a pandas frame is passed through untouched."""
    table = pa.table(
        {
            "economy": pa.array(["KOR", "ARG", None]).dictionary_encode(),
            "year": pa.array([2023, None, 2021], type=pa.int64()),
            "count": pa.array([2**60 + 1, 7, 9], type=pa.int64()),
            "flag": pa.array([True, None, False]),
            "label": pa.array(["a", None, "é"], type=pa.large_string()),
        }
    )
    frame = as_pandas(table)
    assert isinstance(frame["economy"].dtype, pd.CategoricalDtype)
    assert frame["economy"].tolist()[:2] == ["KOR", "ARG"] and pd.isna(frame["economy"].iloc[2])
    assert frame["year"].dtype == "Int64" and frame["year"].isna().tolist() == [False, True, False]
    assert frame["count"].dtype == np.int64 and int(frame["count"].iloc[0]) == 2**60 + 1
    assert frame["flag"].dtype == "boolean" and frame["flag"].isna().sum() == 1
    assert frame["label"].iloc[2] == "é" and pd.isna(frame["label"].iloc[1])
    same = pd.DataFrame({"a": [1]})
    assert as_pandas(same) is same


def test_something_that_is_not_a_table_is_refused_naming_its_type():
    with pytest.raises(PanelError, match="expected a table .* got list"):
        ictindex.validate_panel([1, 2, 3])
    with pytest.raises(PanelError, match="polars Series, not a table"):
        ictindex.validate_panel(pl.Series([1, 2]))


def test_parquet_round_trips_the_bundled_panel_exactly(panel, tmp_path):
    write_parquet(panel, tmp_path / "panel.parquet")
    back = read_table(tmp_path / "panel.parquet")
    pd.testing.assert_frame_equal(back, panel, check_exact=True)
    assert back.attrs["file"] == str(tmp_path / "panel.parquet")
    # written by pandas itself, and by polars (no pandas metadata): the same frame
    panel.to_parquet(tmp_path / "pandas.parquet")
    pl.from_pandas(panel).write_parquet(tmp_path / "polars.parquet")
    for name in ("pandas", "polars"):
        pd.testing.assert_frame_equal(read_table(tmp_path / f"{name}.parquet"), panel, check_exact=True)


def test_a_parquet_file_builds_as_its_frame(panel, built, tmp_path):
    panel.to_parquet(tmp_path / "panel.parquet")
    other = ictindex.build_index(tmp_path / "panel.parquet", "doi_current")
    pd.testing.assert_frame_equal(other.scores, built.scores)


def test_parquet_errors_name_the_file(tmp_path):
    with pytest.raises(PanelError, match="file not found"):
        read_table(tmp_path / "missing.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(PanelError, match="cannot read the Parquet file") as info:
        read_table(tmp_path / "bad.parquet")
    assert info.value.file.endswith("bad.parquet")
    (tmp_path / "dataset.parquet").mkdir()
    with pytest.raises(PanelError, match="a folder"):
        read_table(tmp_path / "dataset.parquet")
    pd.DataFrame({"economy": []}).to_parquet(tmp_path / "empty.parquet")
    with pytest.raises(PanelError, match="empty"):
        read_table(tmp_path / "empty.parquet")


def test_result_tables_in_every_flavour(built):
    polars_tables = built.tables("polars")
    arrow_tables = built.tables("pyarrow")
    assert set(polars_tables) == set(arrow_tables) == set(built.tables())
    scores = polars_tables["scores"]
    assert isinstance(scores, pl.DataFrame) and scores.columns == list(built.scores.columns)
    assert np.array_equal(scores["DOI"].to_numpy(), built.scores["DOI"].to_numpy(), equal_nan=True)
    assert isinstance(arrow_tables["coverage"], pa.Table) and arrow_tables["coverage"].num_rows == len(built.coverage)
    with pytest.raises(IctIndexError, match="unknown backend 'spark'"):
        to_backend(built.scores, "spark")


def test_result_to_parquet_writes_every_table_with_its_provenance(tmp_path):
    result = ictindex.build_index(datasets.load("itu"), "doi_gender", by_sex=True)
    folder = result.to_parquet(tmp_path / "out")
    tables = result.tables()
    assert {p.stem for p in folder.glob("*.parquet")} == set(tables) and "gender" in tables
    for name, table in tables.items():
        back = pd.read_parquet(folder / f"{name}.parquet")
        # values and columns as built (text columns may come back as pandas' own text dtype, and a missing
        # value of an all-missing object column as None: Parquet has one missing value)
        pd.testing.assert_frame_equal(
            _missing_as_none(back),
            _missing_as_none(table),
            check_dtype=False,
            check_categorical=False,
            check_exact=True,
        )
    metadata = pq.read_schema(folder / "scores.parquet").metadata
    assert b'"framework": "doi_gender"' in metadata[b"ictindex.provenance"]
    # a second run replaces the folder whole
    assert result.to_parquet(tmp_path / "out") == folder


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in frame.columns if frame[c].dtype == object]
    return frame.assign(**{c: frame[c].where(frame[c].notna(), None) for c in text})
