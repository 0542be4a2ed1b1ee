"""Builds on Dask: a Parquet dataset or a Dask DataFrame partitioned by unit gives, in two passes, the scores and
ranks the whole panel in memory gives; its tables are Dask DataFrames written without being collected, on one
machine or on a distributed cluster; the in-memory path never imports Dask."""

from __future__ import annotations

import subprocess
import sys

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from test_fitted import DOI, chunks_of, gridded_panel

import ictindex
from ictindex import SpecError, build_index
from ictindex.dask_build import DaskIndexResult

BUILD = {"units": "any", "min_coverage": 0.5}


def write_dataset(frame: pd.DataFrame, folder, sizes=(7, 20, 33)) -> None:
    folder.mkdir()
    for i, chunk in enumerate(chunks_of(frame, sizes)):
        chunk.to_parquet(folder / f"part-{i}.parquet", index=False)


def _assert_same_scores(got, expected):
    """Scores within 1e-12 and ranks equal, unit by unit."""
    a, b = got.scores.set_index(["economy", "year"]), expected.scores.set_index(["economy", "year"])
    assert a.index.equals(b.index)
    nodes = expected.node_codes
    np.testing.assert_allclose(a[nodes].to_numpy(float), b[nodes].to_numpy(float), rtol=0, atol=1e-12)
    assert (a["rank"] == b["rank"]).all()


@pytest.mark.parametrize(
    "build",
    [
        {"normalisation": "minmax", "imputation": "latest"},
        {"normalisation": "zscore", "reference_year": 2022, "treatment": {"method": "winsorise", "winmax": 3}},
        {
            "normalisation": {"method": "minmax", "target": [1, 100]},
            "imputation": {"method": "group_mean", "by": "region"},
            "screening": {"min_share": 0.9, "count": "imputed"},
        },
    ],
    ids=["minmax-latest", "zscore-winsorised", "group-mean-screened"],
)
def test_a_parquet_dataset_builds_as_the_whole_panel_in_memory(tmp_path, build):
    frame, regions = gridded_panel()
    write_dataset(frame, tmp_path / "cells")
    expected = build_index(frame, DOI, groups=regions, **BUILD, **build)
    result = build_index(tmp_path / "cells", DOI, groups=regions, **BUILD, **build)
    assert isinstance(result, DaskIndexResult) and isinstance(result.scores, dd.DataFrame)
    computed = result.compute()
    assert isinstance(computed, ictindex.IndexResult)
    _assert_same_scores(computed, expected)
    for name in ["coverage", "imputations", "flags", "breaks", "economy_flags"]:
        pd.testing.assert_frame_equal(
            getattr(computed, name), getattr(expected, name), check_dtype=False, check_index_type=False, obj=name
        )
    ranked = result.scores.compute().sort_values(["economy", "year"])  # ranked on Dask too
    assert (ranked["rank"].to_numpy() == computed.scores["rank"].to_numpy()).all()
    if "treatment" in build:
        assert len(computed.treatments) == len(expected.treatments) > 0


def test_a_glob_and_a_dask_dataframe_are_datasets_too(tmp_path):
    frame, _ = gridded_panel(units=24)
    write_dataset(frame, tmp_path / "cells", sizes=(10, 14))
    expected = build_index(frame, DOI, normalisation="minmax", **BUILD)
    by_glob = build_index(str(tmp_path / "cells" / "part-*.parquet"), DOI, normalisation="minmax", **BUILD)
    ddf = dd.from_pandas(frame, npartitions=1)  # one partition: trivially by unit
    by_frame = build_index(ddf, DOI, normalisation="minmax", **BUILD)
    for result in (by_glob, by_frame):
        _assert_same_scores(result.compute(), expected)
    assert "partitions" in by_glob.provenance["input"] and by_glob.provenance["input_sha256"] is None


def test_to_parquet_writes_every_table_without_collecting(tmp_path):
    frame, _ = gridded_panel(units=30)
    write_dataset(frame, tmp_path / "cells", sizes=(12, 18))
    result = build_index(tmp_path / "cells", DOI, normalisation="minmax", imputation="latest", **BUILD)
    folder = result.to_parquet(tmp_path / "out")
    written = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert written == {f"{name}.parquet" for name in result.names}
    computed = result.compute()
    scores = pd.read_parquet(folder / "scores.parquet").sort_values(["economy", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(scores, computed.scores, check_dtype=False)
    coverage = pd.read_parquet(folder / "coverage.parquet")
    assert len(coverage) == len(computed.coverage) > 0
    some = result.to_parquet(tmp_path / "some", tables=["scores", "coverage"])
    assert {p.name for p in some.iterdir() if not p.name.startswith(".")} == {"scores.parquet", "coverage.parquet"}
    with pytest.raises(SpecError, match="no table"):
        result.to_parquet(tmp_path / "none", tables=["scorez"])


def test_a_unit_split_over_two_partitions_is_refused_naming_it(tmp_path):
    frame, _ = gridded_panel(units=10)
    by_year = dd.from_pandas(frame.sort_values(["year", "economy"]), npartitions=2, sort=False)
    with pytest.raises(SpecError, match=r"unit G000\d is in partitions 0 and 1") as err:
        build_index(by_year, DOI, normalisation="minmax", **BUILD)
    assert err.value.economy in set(frame["economy"])
    with pytest.raises(SpecError, match="no Parquet dataset"):
        build_index(tmp_path / "nowhere" / "*.parquet", DOI, **BUILD).compute()


def test_a_unit_split_between_two_parquet_files_is_refused_however_dask_reads_the_column(tmp_path):
    """Two Parquet files of a few rows, a unit's years split between them: read for its unit codes alone, Dask
    fuses such small files into one partition, where the split cannot be seen; the check reads the partitions the
    passes read, and names the unit."""
    frame, _ = gridded_panel(units=10)
    frame = frame.sort_values(["economy", "year"]).reset_index(drop=True)
    (tmp_path / "cells").mkdir()
    middle = len(frame) // 2 + 1  # inside a unit's years
    frame.iloc[:middle].to_parquet(tmp_path / "cells" / "a.parquet")
    frame.iloc[middle:].to_parquet(tmp_path / "cells" / "b.parquet")
    split = frame["economy"].iloc[middle]
    assert split == frame["economy"].iloc[middle - 1]
    assert dd.read_parquet(tmp_path / "cells")["economy"].optimize().npartitions == 1  # what fooled the check
    with pytest.raises(SpecError, match=rf"unit {split} is in partitions 0 and 1") as err:
        build_index(tmp_path / "cells", DOI, normalisation="minmax", **BUILD)
    assert err.value.economy == split


def _rows(issues: pd.DataFrame) -> list[tuple]:
    columns = ["severity", "problem", "economy", "indicator", "year", "message"]
    return sorted(map(tuple, issues[columns].astype(str).to_numpy().tolist()))


def test_a_table_wide_issue_is_said_once(tmp_path):
    """An indicator absent from every partition is one issue of the panel, not one per partition; the checks of
    values and of scores (jumps in these random cells) find per partition what they find in memory."""
    frame, _ = gridded_panel(units=20)
    frame = frame.drop(columns=["hh_fixed_line"])
    write_dataset(frame, tmp_path / "cells", sizes=(8, 12))
    with pytest.warns(ictindex.IctIndexWarning):
        expected = build_index(frame, DOI, **BUILD).issues
    with pytest.warns(ictindex.IctIndexWarning, match="near_duplicate_unit: checked within each chunk"):
        got = build_index(tmp_path / "cells", DOI, **BUILD).compute().issues
    assert got["problem"].tolist().count("absent_indicator") == 1
    assert "jump" in set(expected["problem"])
    note = got["problem"] == "near_duplicate_unit"  # said once: codes are compared within a partition only
    assert note.sum() == 1 and "within each chunk" in got.loc[note, "message"].iloc[0]
    assert _rows(got[~note]) == _rows(expected)


def test_a_check_of_every_unit_of_a_year_runs_once_over_the_panel(tmp_path):
    """percent_as_fraction (every value of a year between 0 and 1) is a check of the whole panel: a partition
    whose values all lie below 1 is not a finding when others do not (in memory neither), and a panel whose values
    all do is stopped by pass one, naming the year, as in memory."""
    frame, _ = gridded_panel(units=20)
    frame.loc[frame["economy"] < "G0008", "internet_users"] /= 100  # the first partition's values below 1
    write_dataset(frame, tmp_path / "cells", sizes=(8, 12))
    quiet = {**BUILD, "checks": {"jump": "off"}}
    in_memory = build_index(frame, DOI, **quiet)
    on_dask = build_index(tmp_path / "cells", DOI, **quiet).compute()
    assert "percent_as_fraction" not in set(in_memory.issues["problem"]) | set(on_dask.issues["problem"])
    _assert_same_scores(on_dask, in_memory)
    frame["internet_users"] = np.minimum(frame["internet_users"] / 100, 1.0)
    write_dataset(frame, tmp_path / "fractions", sizes=(8, 12))
    with pytest.raises(ictindex.PanelError, match="percent_as_fraction") as memory_error:
        build_index(frame, DOI, **quiet)
    with pytest.raises(ictindex.PanelError, match="percent_as_fraction") as dask_error:
        build_index(tmp_path / "fractions", DOI, **quiet)  # pass one stops it, before any table is asked for
    assert "every value of internet_users in 2019 lies between 0 and 1" in str(memory_error.value)
    assert "every value of internet_users in 2019 lies between 0 and 1" in str(dask_error.value)


def test_the_same_build_on_a_distributed_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    frame, _ = gridded_panel(units=24)
    write_dataset(frame, tmp_path / "cells", sizes=(10, 14))
    expected = build_index(frame, DOI, normalisation="zscore", **BUILD)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        distributed.Client(cluster),
    ):
        result = build_index(tmp_path / "cells", DOI, normalisation="zscore", **BUILD)
        _assert_same_scores(result.compute(), expected)
        folder = result.to_parquet(tmp_path / "out")
    assert (folder / "scores.parquet").is_dir()


def test_the_in_memory_path_does_not_import_dask():
    code = (
        "import sys, pandas as pd, ictindex\n"
        "panel = pd.DataFrame({'economy': ['A', 'B'], 'year': 2023, 'internet_users': [10.0, 90.0]})\n"
        "ictindex.build_index(panel, 'doi', units='any', min_coverage=0.1).scores\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_units_table_lists_its_units_without_data_once(tmp_path):
    """With a units table, a listed unit that no partition holds is not scored, once (as in memory); a partition
    does not list the units of the others as absent."""
    from ictindex import read_units

    frame, _ = gridded_panel(units=20)
    codes = [*sorted(frame["economy"].unique()), "G9999"]
    table = read_units(pd.DataFrame({"unit": codes, "name": [f"cell {c}" for c in codes]}), noun="cell")
    write_dataset(frame, tmp_path / "cells", sizes=(8, 12))
    build = {"units": table, "min_coverage": 0.5, "checks": {"jump": "off"}}
    expected = build_index(frame, DOI, **build)
    with pytest.warns(ictindex.IctIndexWarning, match="near_duplicate_unit"):
        got = build_index(tmp_path / "cells", DOI, **build).compute()
    _assert_same_scores(got, expected)
    columns = list(expected.coverage.columns)
    assert sorted(map(tuple, got.coverage[columns].astype(str).to_numpy().tolist())) == sorted(
        map(tuple, expected.coverage[columns].astype(str).to_numpy().tolist())
    )
    assert (got.coverage["economy"] == "G9999").sum() == len(expected.years)
