"""Builds beyond one machine's memory: a Dask DataFrame or a Parquet dataset partitioned by unit, in two passes.

Everything in a build is unit-local except the fits and the ranks (ENGINE.md, "Beyond one machine"), so a panel
of 10^7-10^8 grid cells is built as:

1. **pass one**, Dask reductions: one statistic per partition, merged in a tree (:mod:`ictindex.fitted`: extremes
   and moments for the normalisation, group sums for imputation, the fit years' values for a treatment);
2. **pass two**, one task per partition: the partition compiled with the learned parameters injected and its
   unit-by-unit tables made (:mod:`ictindex.unit_tables`), every unit scored as the whole panel in memory
   scores it;
3. **ranks** last: every year's index scores sorted once, each partition's ranks found in them
   (``map_partitions``): ``1 +`` the number of higher scores that year, ties sharing the lower rank.

The tables of the result are Dask DataFrames; :meth:`DaskIndexResult.compute` gives an ordinary
:class:`~ictindex.result.IndexResult`, :meth:`DaskIndexResult.to_parquet` writes every table without collecting it.
Nothing here is particular to one machine: on a ``dask.distributed`` cluster the same graph runs on its workers.
Every partition must hold every year of its units (``ddf.shuffle("economy")`` makes it so); a unit found in two
partitions is refused, naming it.

Needs the ``dask`` extra (``pip install ictindex[dask]``); an in-memory build never imports this module.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from ictindex.coverage import COVERAGE_COLUMNS, FLOORED_COLUMNS
from ictindex.errors import CoverageError, MethodError, SpecError
from ictindex.fitted import TABLE_PROBLEMS, FittedParameters, learn_with
from ictindex.flags import ECONOMY_FLAG_COLUMNS, FLAG_COLUMNS
from ictindex.impute import IMPUTATION_COLUMNS
from ictindex.model import compile_model
from ictindex.panel import ISSUE_COLUMNS, _rename, to_panel
from ictindex.registry import checks
from ictindex.result import IndexResult, provenance_of
from ictindex.screen import SCREENING_COLUMNS
from ictindex.spec import BuildSpec
from ictindex.stages import check_settings
from ictindex.treat import TREATMENT_COLUMNS
from ictindex.unit_tables import min_ranks, unit_tables

__all__ = ["DaskIndexResult", "build_dask", "read_dataset"]

TEXT, INT, FLOAT, WHOLE = "str", "int64", "float64", "Int64"


# -- the panel --------------------------------------------------------------------------------------------------
def read_dataset(data: Any) -> dd.DataFrame:
    """A Dask DataFrame as given, or the Parquet dataset at a folder or glob (read with pyarrow); columns named as
    a panel's may be (``iso3``, ``country``, ``ucode``... for ``economy``: :mod:`ictindex.panel`)."""
    if isinstance(data, list | tuple):
        missing = [str(p) for p in data if not Path(p).exists()]
        if missing:
            raise SpecError(f"no Parquet file {missing[0]}", file=missing[0], hint="check the list of files")
        data = dd.read_parquet([str(p) for p in data], engine="pyarrow")
    elif not isinstance(data, dd.DataFrame):
        path = str(data)
        found = glob.glob(path) if any(ch in path for ch in "*?[") else [path] if Path(path).is_dir() else []
        if not found:
            raise SpecError(
                f"no Parquet dataset at {path}",
                file=path,
                hint="give a folder of Parquet files, a glob such as 'cells/*.parquet', or a Dask DataFrame",
            )
        data = dd.read_parquet(path, engine="pyarrow")
    renamed = list(_rename(data._meta).columns)
    return data if renamed == list(data.columns) else data.rename(columns=dict(zip(data.columns, renamed, strict=True)))


# -- the result --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DaskIndexResult:
    """A build of a Dask DataFrame. Every table is a Dask DataFrame (an attribute: ``scores``, ``coverage``,
    ``issues``, ``raw``, ``imputed``, ``normalised``, ``sources``, ``imputations``, ``floored``, ``flags``,
    ``economy_flags``, ``breaks``, and ``treatments``/``screening`` when the build has them); each graph makes only
    the tables asked for. Also: the framework, the spec, the fitted parameters (pass one, done) and the
    provenance."""

    framework: Any
    spec: BuildSpec
    fitted: FittedParameters
    provenance: Mapping[str, Any]
    parts: list[Any]
    groups: pd.DataFrame | None
    global_issues: pd.DataFrame
    global_coverage: pd.DataFrame | None = None  # the units of a units table that no partition holds

    @property
    def names(self) -> list[str]:
        """The tables of this build."""
        return list(_schemas(self.spec))

    def __getattr__(self, name: str) -> dd.DataFrame:
        if name.startswith("_") or name not in _schemas(object.__getattribute__(self, "spec")):
            raise AttributeError(name)
        table = self.unranked([name])[name]
        if name == "scores":
            return self._ranked(table)
        if name == "issues":
            return dd.concat([table, dd.from_pandas(self.global_issues, npartitions=1)])
        if name == "coverage" and self.global_coverage is not None:
            return dd.concat([table, dd.from_pandas(self.global_coverage, npartitions=1)])
        return table

    def unranked(self, names: list[str] | None = None) -> dict[str, dd.DataFrame]:
        """The tables asked for (default: all), from one task per partition; the scores without their ranks, the
        issues without those of the whole table (:attr:`global_issues`)."""
        names = self.names if names is None else list(names)
        schemas = _schemas(self.spec)
        built = [dask.delayed(_partition_tables)(p, self.spec, self.groups, self.fitted, names) for p in self.parts]
        return {
            name: dd.from_delayed(
                [dask.delayed(_table)(out, name, schemas[name]) for out in built], meta=_empty(schemas[name])
            )
            for name in names
        }

    @property
    def treatment_summary(self) -> pd.DataFrame | None:
        return self.fitted.treatment_summary

    def _ranked(self, scores: dd.DataFrame) -> dd.DataFrame:
        """The scores with the rank of every unit within its year, from every partition's index scores: each
        partition's scored values sorted by year, merged year by year (8 bytes a scored unit-year in memory at
        once, never the partitions' frames together)."""
        index = self.framework.index
        parts = [dask.delayed(_year_sorted)(p, index) for p in scores[["year", index]].to_delayed()]
        ordered = dask.delayed(_merge_sorted)(parts, index)
        meta = scores._meta.assign(rank=pd.Series([], dtype=WHOLE))
        return scores.map_partitions(_with_ranks, ordered, index, meta=meta)

    def __repr__(self) -> str:
        return f"<DaskIndexResult {self.framework.code}: {len(self.parts)} partitions>"

    # -- out of Dask --------------------------------------------------------------------------------------------
    def compute(self) -> IndexResult:
        """Every table computed (one pass over the partitions) and ranked: an ordinary
        :class:`~ictindex.result.IndexResult` (it must fit in memory)."""
        tables = self.unranked()
        computed = dict(zip(tables, dask.compute(*tables.values()), strict=True))
        return _as_result(self, computed)

    def to_parquet(self, folder: str | Path, tables: list[str] | None = None) -> Path:
        """Write the tables (default: every one) as Parquet datasets ``<folder>/<table>.parquet`` (one file per
        partition; pandas and ``ictindex.read_table`` read a folder back whole), with the provenance in each file's
        metadata (key ``ictindex.provenance``). The tables are written partition by partition in one pass over the
        panel, then the scores ranked from their written index scores: nothing is collected. The folder is
        replaced whole or not at all. Returns the folder."""
        from ictindex.safety import output_folder
        from ictindex.tables import PROVENANCE_KEY, write_parquet

        metadata = {PROVENANCE_KEY: json.dumps(dict(self.provenance), default=str, sort_keys=True)}
        names = self.names if tables is None else list(tables)
        unknown = sorted(set(names) - set(self.names))
        if unknown:
            raise SpecError(f"no table {unknown} in this build", field="tables", hint=f"choose among {self.names}")
        target = Path(folder)
        with output_folder(target) as work:
            paths = {name: work / (f"{name}.parquet" if name != "scores" else "_unranked_scores") for name in names}
            writes = [
                table.to_parquet(paths[name], compute=False, custom_metadata=metadata, write_index=False)
                for name, table in self.unranked(names).items()
            ]
            dask.compute(*writes)
            if "scores" in names:
                unranked = dd.read_parquet(paths["scores"], engine="pyarrow")
                self._ranked(unranked).to_parquet(work / "scores.parquet", custom_metadata=metadata, write_index=False)
                _remove_tree(paths["scores"])
            if "issues" in names and not self.global_issues.empty:
                write_parquet(self.global_issues, work / "issues.parquet" / "table-wide.parquet")
            if "coverage" in names and self.global_coverage is not None:
                write_parquet(self.global_coverage, work / "coverage.parquet" / "table-wide.parquet")
            if self.treatment_summary is not None:
                write_parquet(self.treatment_summary, work / "treatment_summary.parquet", provenance=self.provenance)
        return target


def _remove_tree(path: Path) -> None:
    for child in sorted(path.rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    path.rmdir()


# -- the build -----------------------------------------------------------------------------------------------------
def build_dask(
    data: Any, *, spec: BuildSpec, groups: pd.DataFrame | None = None, fitted: FittedParameters | None = None
) -> DaskIndexResult:
    """Pass one (Dask reductions; skipped with ``fitted`` given), then the tables of every partition (see the
    module docstring)."""
    refuse_by_sex(spec)
    ddf = read_dataset(data)
    parts = ddf.to_delayed()
    _check_partitioned(ddf)
    if fitted is None:
        fitted = learn_with(lambda step: _tree_reduce([dask.delayed(step)(p) for p in parts]), spec, groups)
    if fitted.units == 0:
        raise CoverageError("the panel holds no usable values", hint="check the dataset and its columns")

    origin = data if isinstance(data, dd.DataFrame | list | tuple) else str(data)
    provenance = provenance_of(spec, list(fitted.years), None) | {"input": _describe(origin, ddf)}
    issues = _table({"issues": fitted.issues}, "issues", _schemas(spec)["issues"])
    return DaskIndexResult(spec.framework, spec, fitted, provenance, parts, groups, issues, _listed_only(spec, fitted))


def _listed_only(spec: BuildSpec, fitted: FittedParameters) -> pd.DataFrame | None:
    """The coverage rows of the units of a units table that no partition holds (not scored, saying so), once."""
    if not fitted.listed_only:
        return None
    from ictindex.coverage import absent_rows

    units = pd.MultiIndex.from_arrays([[], []], names=["economy", "year"])
    rows = absent_rows(
        list(fitted.listed_only),
        units,
        list(fitted.years),
        spec.framework.index,
        noun=spec.units.noun,
        listed_only=frozenset(fitted.listed_only),
    )
    return _table({"coverage": rows}, "coverage", _schemas(spec)["coverage"])


def _describe(origin: Any, ddf: dd.DataFrame) -> str:
    if isinstance(origin, list | tuple):
        where = f"{len(origin)} Parquet files ({origin[0]}, ...)"
    else:
        where = "a Dask DataFrame" if isinstance(origin, dd.DataFrame) else f"the Parquet dataset {origin}"
    return f"{where} of {ddf.npartitions} partitions"


def _tree_reduce(partials: list[Any], fan_in: int = 8) -> Any:
    """Merge the statistics of every partition, ``fan_in`` at a time, and compute the result."""
    while len(partials) > 1:
        partials = [dask.delayed(_merge)(*partials[i : i + fan_in]) for i in range(0, len(partials), fan_in)]
    return dask.compute(partials[0])[0]


def _merge(*parts: Any) -> Any:
    kept = [p for p in parts if p is not None]
    if not kept:
        return None
    merged = kept[0]
    for part in kept[1:]:
        merged = merged.merge(part)
    return merged


def _check_partitioned(ddf: dd.DataFrame) -> None:
    """Every unit in one partition: the unit codes of each partition hashed, and a unit hashed in two partitions
    named.

    The partitions are those the passes read (``ddf.to_delayed()``): the ``economy`` column read alone would be
    read in fewer, larger partitions (Dask fuses the files of a Parquet dataset when a projection makes them
    small), and a unit split between two files fused together would not be seen."""
    if "economy" not in ddf.columns:
        raise SpecError(
            "the dataset has no 'economy' column (the unit code)",
            field="economy",
            hint="name the column of unit codes 'economy' (grid cell, district, ...)",
        )
    parts = ddf.to_delayed()
    hashed = dask.compute(*(dask.delayed(_unit_hashes)(p) for p in parts))
    every = np.concatenate(hashed) if hashed else np.zeros(0, dtype="uint64")
    values, counts = np.unique(every, return_counts=True)
    if (counts > 1).any():
        twice = values[counts > 1][0]
        where = [i for i, h in enumerate(hashed) if np.isin(twice, h)]
        unit = _unit_of(parts[where[0]], twice)
        raise SpecError(
            f"unit {unit} is in partitions {where[0]} and {where[1]}: a chunked build needs every year of a unit "
            "in one partition",
            economy=unit,
            hint="repartition by unit: ddf.shuffle('economy'), or write the Parquet dataset partitioned by unit",
        )


def _unit_hashes(part: pd.DataFrame) -> np.ndarray:
    return np.unique(pd.util.hash_array(part["economy"].dropna().astype(str).unique().astype(object)))


def _unit_of(part: Any, hashed: np.uint64) -> str:
    codes = pd.Series(part.compute()["economy"].dropna().astype(str).unique())
    return str(codes[pd.util.hash_array(codes.to_numpy(dtype=object)) == hashed].iloc[0])


# -- pass two: one partition ---------------------------------------------------------------------------------------
def _partition_tables(
    part: pd.DataFrame, spec: BuildSpec, groups: pd.DataFrame | None, fitted: FittedParameters, names: list[str]
) -> dict[str, pd.DataFrame]:
    """The unit-by-unit tables ``names`` of one partition, compiled with the parameters of the whole panel."""
    try:
        model = compile_model(part, spec=spec, groups=groups, fitted=fitted)
    except CoverageError as err:
        if "no usable values" not in err.message:
            raise
        return _absent_only(part, spec, fitted)
    tables = unit_tables(model)
    made: dict[str, Any] = {}

    def flags() -> pd.DataFrame:
        if "flags" not in made:
            made["flags"] = tables.flags()
        return made["flags"]

    def score_issues() -> pd.DataFrame:  # the checks of scores, unit by unit (an error stops the build)
        if "score_issues" not in made:
            made["score_issues"] = tables.score_issues()
        return made["score_issues"]

    def scores() -> pd.DataFrame:  # a check of scores set to "error" stops the build whatever table is asked for
        if _scores_can_stop(spec):
            score_issues()
        return tables.scores()

    def issues() -> pd.DataFrame:  # validation and every check of this partition's units (pass one said the rest)
        found = tables.issues(score_issues())
        return found[~found["problem"].isin(TABLE_PROBLEMS)]

    makers = {
        "scores": scores,
        "coverage": tables.coverage,
        "floored": tables.floored,
        "raw": lambda: tables.raw().reset_index(),
        "imputed": lambda: tables.imputed().reset_index(),
        "normalised": lambda: tables.normalised().reset_index(),
        "sources": lambda: cast(pd.DataFrame, model.sources).reset_index(),
        "imputations": lambda: model.imputations,
        "issues": issues,
        "flags": flags,
        "economy_flags": lambda: tables.economy_flags(flags(), score_issues()),
        "breaks": tables.breaks,
        "treatments": lambda: model.treatments,
        "screening": lambda: model.screening,
    }
    return {name: makers[name]() for name in names}


def _scores_can_stop(spec: BuildSpec) -> bool:
    """Whether a check of scores has severity ``error`` (it then runs with the scores, as in memory)."""
    settings = check_settings(spec)
    return any(settings.severity(m.name) == "error" for m in checks.methods() if m.scope == "scores")


def _absent_only(part: pd.DataFrame, spec: BuildSpec, fitted: FittedParameters) -> dict[str, pd.DataFrame]:
    """A partition whose units have no usable value: each is listed as not scored in every year built."""
    from ictindex.coverage import absent_rows

    checked = to_panel(part, spec.framework, units=spec.units, extra_names=dict(spec.extra_names) or None)
    units = pd.MultiIndex.from_arrays([[], []], names=["economy", "year"])
    coverage = absent_rows(sorted(checked.economies), units, list(fitted.years), spec.framework.index)
    issues = checked.issues
    return {"coverage": coverage, "issues": issues[~issues["problem"].isin(TABLE_PROBLEMS)]}


def _table(tables: dict[str, pd.DataFrame], name: str, schema: dict[str, str]) -> pd.DataFrame:
    """One table of a partition in the columns and types of every partition's (text as text, no NaN)."""
    frame = tables.get(name)
    if frame is None or frame.empty:
        return _empty(schema)
    frame = frame.reset_index(drop=True)
    out = {}
    for column, dtype in schema.items():
        values = frame[column]
        if dtype == TEXT:
            values = values.astype(object).where(values.notna(), "").astype(str)
        out[column] = values.astype(dtype)
    return pd.DataFrame(out)


def _empty(schema: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series([], dtype=dtype) for column, dtype in schema.items()})


def _schemas(spec: BuildSpec) -> dict[str, dict[str, str]]:
    """The columns and types of every table of a build with this spec."""
    fw = spec.framework
    unit = {"economy": TEXT, "year": INT}
    indicators = dict.fromkeys(fw.indicator_codes, FLOAT)
    schemas = {
        "scores": unit | dict.fromkeys(fw.top_down_order, FLOAT),
        "coverage": dict(zip(COVERAGE_COLUMNS, [TEXT, INT, TEXT, TEXT, INT, INT, TEXT, TEXT], strict=True)),
        "floored": dict(zip(FLOORED_COLUMNS, [TEXT, INT, TEXT, TEXT, FLOAT, FLOAT], strict=True)),
        "raw": unit | indicators,
        "imputed": unit | indicators,
        "normalised": unit | indicators,
        "sources": unit | dict.fromkeys(fw.indicator_codes, TEXT),
        "imputations": dict(
            zip([*IMPUTATION_COLUMNS, "sex"], [TEXT, INT, TEXT, FLOAT, TEXT, INT, TEXT, TEXT], strict=True)
        ),
        "issues": dict(zip(ISSUE_COLUMNS, [TEXT] * 6 + [WHOLE], strict=True)),
        "flags": dict(zip(FLAG_COLUMNS, [TEXT, INT, TEXT, FLOAT, TEXT, WHOLE, TEXT], strict=True)),
        "economy_flags": dict(zip(ECONOMY_FLAG_COLUMNS, [TEXT, INT, INT, INT, INT, INT, TEXT, TEXT], strict=True)),
        "breaks": {
            "indicator": TEXT,
            "economy": TEXT,
            "from_year": INT,
            "to_year": INT,
            "kind": TEXT,
            "before": TEXT,
            "after": TEXT,
        },
    }
    if spec.treatment is not None:
        schemas["treatments"] = dict(
            zip([*TREATMENT_COLUMNS, "sex"], [TEXT, INT, TEXT, FLOAT, FLOAT, TEXT, TEXT], strict=True)
        )
    if spec.screening is not None:
        schemas["screening"] = dict(zip(SCREENING_COLUMNS, [TEXT, INT, INT, INT, FLOAT, "bool", TEXT], strict=True))
    return schemas


# -- ranks ------------------------------------------------------------------------------------------------------------
def _year_sorted(part: pd.DataFrame, index: str) -> dict[int, np.ndarray]:
    """One partition's scored index values of each year, sorted."""
    year, value = part["year"].to_numpy(dtype="int64"), part[index].to_numpy(dtype="float64")
    scored = ~np.isnan(value)
    return {int(y): np.sort(value[scored & (year == y)]) for y in np.unique(year[scored])}


def _merge_sorted(parts: list[dict[int, np.ndarray]], index: str) -> dict[int, np.ndarray]:
    """Every year's index scores, sorted (the only step that sees every unit: 8 bytes a scored unit-year), from
    the sorted values of every partition; each partition's arrays are let go as its year is merged."""
    years = sorted({y for part in parts for y in part})
    if not years:
        raise CoverageError(
            f"no unit could be scored on '{index}'",
            hint="see the coverage table (result.coverage) for the reasons; add data, use imputation='latest', "
            "or lower min_coverage",
        )
    ordered = {}
    for y in years:
        merged = np.concatenate([part.pop(y) for part in parts if y in part])
        merged.sort(kind="stable")
        ordered[y] = merged
    return ordered


def _with_ranks(scores: pd.DataFrame, ordered: dict[int, np.ndarray], index: str) -> pd.DataFrame:
    """A partition's scores with the rank of each unit: ``1 +`` the number of higher scores that year."""
    rank = np.full(len(scores), np.nan)
    year, value = scores["year"].to_numpy(dtype="int64"), scores[index].to_numpy(dtype="float64")
    for y, sorted_values in ordered.items():
        at = np.flatnonzero((year == y) & ~np.isnan(value))
        rank[at] = sorted_values.size - np.searchsorted(sorted_values, value[at], side="right") + 1
    return scores.assign(rank=pd.Series(rank, index=scores.index).astype(WHOLE))


# -- an ordinary result ---------------------------------------------------------------------------------------------
def _as_result(result: DaskIndexResult, computed: dict[str, pd.DataFrame]) -> IndexResult:
    """The computed tables as an :class:`~ictindex.result.IndexResult`, rows in the order of an in-memory build."""
    fw = result.framework
    computed = {name: _plain_text(table) for name, table in computed.items()}
    scores = computed["scores"].sort_values(["economy", "year"], kind="stable").reset_index(drop=True)
    scores["rank"] = pd.Series(
        min_ranks(scores["year"].to_numpy(), scores[fw.index].to_numpy(dtype="float64")), index=scores.index
    ).astype(WHOLE)
    issues = pd.concat([computed["issues"], result.global_issues], ignore_index=True)
    if result.global_coverage is not None and "coverage" in computed:
        computed["coverage"] = pd.concat([computed["coverage"], _plain_text(result.global_coverage)], ignore_index=True)

    def wide(name: str) -> pd.DataFrame:
        return computed[name].set_index(["economy", "year"]).sort_index()

    def ordered(name: str, keys: list[str]) -> pd.DataFrame | None:
        table = computed.get(name)
        return None if table is None else table.sort_values(keys, kind="stable").reset_index(drop=True)

    return IndexResult(
        framework=fw,
        _scores=scores,
        _raw=wide("raw"),
        _imputed=wide("imputed"),
        _normalised=wide("normalised"),
        _sources=wide("sources"),
        _imputations=ordered("imputations", ["economy", "year", "indicator"]),
        _coverage=ordered("coverage", ["year", "economy", "node"]),
        _issues=issues,
        _floored=ordered("floored", ["economy", "year", "node", "child"]),
        _treatments=ordered("treatments", ["economy", "year", "indicator"]),
        _treatment_summary=result.treatment_summary,
        _screening=ordered("screening", ["economy", "year"]),
        _flags=ordered("flags", ["year", "economy", "indicator"]),
        _economy_flags=ordered("economy_flags", ["economy", "year"]),
        _breaks=ordered("breaks", ["from_year", "indicator", "kind", "economy"]),
        provenance=dict(result.provenance),
        spec=result.spec,
    )


def _plain_text(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns in pandas' own text type (Dask may hand them back as Arrow strings)."""
    text = [c for c in table.columns if isinstance(table[c].dtype, pd.StringDtype | pd.ArrowDtype)]
    return table.astype(dict.fromkeys(text, "str")) if text else table


def refuse_by_sex(spec: BuildSpec) -> None:
    if spec.by_sex:
        raise MethodError(
            "a Dask build makes the total index (or one sex's, with sex='female'/'male'); the gender table of "
            "by_sex=True compares the three in memory",
            field="by_sex",
            hint="build each sex with sex='female' and sex='male', or build in memory",
        )
