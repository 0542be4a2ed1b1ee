"""What the explorer page holds: the compiled model's arrays and labels, as one JSON document.

The page re-evaluates the tree in the browser, so it carries exactly what
:meth:`ictindex.model.IndexModel.evaluate` reads: the normalised values ``(rows, indicators)`` of
every (unit, year) row, the tree bottom-up (edges parent -> child column with their nominal weights,
``edge_start``/``edge_stop`` per node), each node's aggregation method, power, zero floor and
coverage threshold, the inclusion rule (``min_indicators``) and the framework's scale. Numbers that
reach a score travel as little-endian float64 in base64 (every bit kept: the browser's scores agree
with Python's to rounding in the last place); NaN is a missing value, as in the engine.

Besides: unit names and groups (:func:`unit_table`), the values before normalisation, the data flags
of every value and unit (:attr:`ictindex.result.IndexResult.flags`, ``economy_flags``), the rank
intervals of an uncertainty analysis, and the map (:mod:`ictindex.explorer.shapes`).
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd

from ictindex.aggregate import Tree
from ictindex.economies import GROUPINGS
from ictindex.errors import MethodError, SpecError
from ictindex.explorer.shapes import map_data
from ictindex.model import IndexModel
from ictindex.registry import aggregations
from ictindex.result import IndexResult

__all__ = ["BROWSER_METHODS", "explorer_data", "unit_table", "model_arrays"]

#: Aggregation methods the page evaluates (the built-in quasi-arithmetic means of :mod:`ictindex.aggregate`).
BROWSER_METHODS = ("arithmetic", "geometric", "harmonic", "power")
#: Groupings of economies shown in a profile, in this order (labels from :data:`ictindex.economies.GROUPINGS`).
ECONOMY_GROUPINGS = ("region", "income")


def _float64(array: np.ndarray) -> str:
    """Little-endian float64 bytes in base64 (exact; NaN kept)."""
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f8").tobytes()).decode("ascii")


def model_arrays(result: IndexResult | IndexModel) -> tuple[IndexResult, Tree, pd.DataFrame, pd.DataFrame]:
    """The result, its tree and its normalised and imputed values ``(economy, year) x indicators``.

    From a compiled model: its own tree and arrays (the result is :func:`ictindex.build.explain` of it).
    From a result: the tree compiled from its framework and coverage rule exactly as
    :func:`~ictindex.model.compile_model` compiles it, and the result's normalised values (the
    model's, for the sex the result was built for).
    """
    if isinstance(result, IndexModel):
        from ictindex.build import explain

        model = result
        result = explain(model)
        tree = model.tree
    elif isinstance(result, IndexResult):
        tree = Tree.from_framework(result.framework, None if result.spec is None else result.spec.min_coverage)
    else:
        raise SpecError(
            f"write_explorer needs an IndexResult (or a compiled IndexModel), got {type(result).__name__}",
            field="result",
            hint="pass the result of ictindex.build_index(...)",
        )
    for n, name in enumerate(tree.methods):
        method = aggregations.get(name)
        builtin = name in BROWSER_METHODS and getattr(method.forward, "__module__", "") == "ictindex.aggregate"
        if not builtin:
            raise MethodError(
                f"the explorer re-evaluates arithmetic, geometric, harmonic and power means in the browser; "
                f"node '{tree.nodes[n]}' uses the method '{name}'",
                node=tree.nodes[n],
                hint="write the explorer of a framework with built-in aggregation methods",
            )
    columns = list(tree.indicators)
    normalised = result._normalised.reindex(columns=columns)
    values = result._imputed.reindex(columns=columns)
    return result, tree, normalised, values


def unit_table(result: IndexResult, groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """Name and groups of every unit of the result (index: unit code; ``name``, then one column per grouping).

    The names and groupings come from the build's units (:attr:`~ictindex.result.IndexResult.units`): for economies the
    names ITU prints, the UN SDG region and the World Bank income group
    (:func:`ictindex.units.economy_groups`); for a units table its names and groupings; for ``units="any"``
    the codes as names and no groups. ``groups`` (indexed by unit code, or with an ``economy``/``unit``/
    ``code`` column) adds or replaces columns, ``name`` included.
    """
    codes = pd.Index(sorted(result._normalised.index.get_level_values("economy").unique()), name="unit")
    units = result.units
    if units.resolves_names:
        from ictindex.units import economy_groups

        bundled = economy_groups(max(result.years))
        table = bundled[["name", *ECONOMY_GROUPINGS]].reindex(codes)
        table = table.rename(columns={g: GROUPINGS[g] for g in ECONOMY_GROUPINGS})
    elif units.kind == "table":
        given = units.groups(None)
        table = given[["name", *units.group_columns]].reindex(codes)
        table = table.rename(columns={g: units.group_label(g) for g in units.group_columns})
    else:
        table = pd.DataFrame({"name": pd.Series(pd.NA, index=codes, dtype="object")})
    missing = table["name"].isna()
    table.loc[missing, "name"] = units.names([str(code) for code in table.index[missing]])
    if groups is not None:
        table = _with_groups(table, groups)
    table.index.name = "unit"
    return table[["name", *[c for c in table.columns if c != "name"]]]


def _economies(result: IndexResult) -> bool:
    """Whether the units are economies (ISO3 codes, the bundled metadata apply)."""
    return result.units.resolves_names


def _check_same_index(result: IndexResult, uncertainty: Any) -> None:
    base = getattr(getattr(uncertainty, "problem", None), "base", None)
    code = getattr(getattr(base, "framework", None), "code", None)
    if code is None:
        raise SpecError(
            f"uncertainty must be an UncertaintyResult, got {type(uncertainty).__name__}",
            field="uncertainty",
            hint="pass the result of ictindex.uncertainty(...)",
        )
    if code != result.framework.code:
        raise SpecError(
            f"the uncertainty analysis is of '{code}', the result of '{result.framework.code}'",
            field="uncertainty",
            hint="run the uncertainty analysis of the same framework",
        )


def _with_groups(table: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(groups, pd.DataFrame):
        raise SpecError(
            f"groups must be a DataFrame of unit -> group columns, got {type(groups).__name__}",
            field="groups",
            hint="give a DataFrame indexed by unit code (or with an 'economy' column), one column per grouping",
        )
    user = groups
    for key in ("economy", "unit", "code"):
        if key in user.columns:
            user = user.set_index(key)
            break
    if user.index.has_duplicates:
        twice = user.index[user.index.duplicated()].unique().tolist()
        raise SpecError(f"groups list units twice: {twice[:5]}", field="groups", hint="give one row per unit")
    user = user.reindex(table.index)
    out = table.copy()
    for column in user.columns:
        given = user[column]
        out[str(column)] = given.where(given.notna(), out[column]) if column in out.columns else given
    return out


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _years_of(units: pd.MultiIndex) -> tuple[list[int], np.ndarray]:
    years = sorted({int(y) for y in units.get_level_values("year")})
    return years, np.searchsorted(np.asarray(years), units.get_level_values("year").to_numpy(dtype="int64"))


def explorer_data(
    result: IndexResult | IndexModel,
    uncertainty: Any = None,
    *,
    groups: pd.DataFrame | None = None,
    geometry: Any = None,
    geometry_key: str | None = None,
) -> dict[str, Any]:
    """The page's JSON document (see the module docstring and :func:`ictindex.explorer.write_explorer` for
    the arguments); text is left as given, the page escapes it."""
    result, tree, normalised, values = model_arrays(result)
    if uncertainty is not None:
        _check_same_index(result, uncertainty)
    fw = result.framework
    rows = normalised.index
    years, year_code = _years_of(rows)
    units = unit_table(result, groups)
    economies = _economies(result)
    shapes = map_data(list(units.index), economies=economies, geometry=geometry, key=geometry_key)
    unit_code = units.index.get_indexer(rows.get_level_values("economy"))
    indicator_info = {i.code: i for i in fw.indicators}
    data: dict[str, Any] = {
        "framework": {
            "code": fw.code,
            "name": fw.name,
            "version": fw.version,
            "index": fw.index,
            "scale": float(fw.scale),
            "rounding": int(fw.rounding),
            "citation": _text(fw.citation),
        },
        "economies": economies,
        "units": {"codes": units.index.tolist(), "names": [str(n) for n in units["name"]]},
        "groupings": _groupings(units),
        "years": years,
        "rows": {"unit": unit_code.tolist(), "year": year_code.tolist()},
        "indicators": [
            {
                "code": code,
                "name": indicator_info[code].name,
                "unit": _text(indicator_info[code].unit),
                "direction": indicator_info[code].direction,
            }
            for code in tree.indicators
        ],
        "nodes": [
            {
                "code": code,
                "name": fw.node(code).name,
                "method": tree.methods[n],
                "power": tree.params[n].get("power"),
                "floor": tree.params[n].get("zero_floor", tree.floors[n]),  # as aggregate_tree reads it
                "threshold": float(tree.threshold[n]),
            }
            for n, code in enumerate(tree.nodes)
        ],
        "edges": {
            "parent": tree.edge_parent.tolist(),
            "child": tree.edge_child.tolist(),
            "weight": [float(w) for w in tree.weights],
            "start": tree.edge_start.tolist(),
            "stop": tree.edge_stop.tolist(),
        },
        "top_down": list(fw.top_down_order),
        "min_indicators": tree.min_indicators,
        "min_coverage": result.provenance.get("min_coverage"),
        "normalised": _float64(normalised.to_numpy(dtype="float64")),
        "values": _float64(values.to_numpy(dtype="float64")),
        "flags": _flags(result, units.index, rows, list(tree.indicators)),
        "uncertainty": None if uncertainty is None else _uncertainty(uncertainty, rows),
        "map": shapes,
        "provenance": {k: _text(v) if not isinstance(v, int | float | bool) else v for k, v in _provenance(result)},
    }
    return data


def _groupings(units: pd.DataFrame) -> list[dict[str, Any]]:
    """Each grouping column as its labels and one label position per unit (-1: no group)."""
    out = []
    for column in units.columns:
        if column == "name":
            continue
        labels = units[column].astype("object").where(units[column].notna(), None)
        if labels.notna().sum() == 0:
            continue
        distinct = sorted({str(v) for v in labels if v is not None})
        position = {label: i for i, label in enumerate(distinct)}
        out.append(
            {
                "name": str(column),
                "labels": distinct,
                "of_unit": [position[str(v)] if v is not None else -1 for v in labels],
            }
        )
    return out


def _flags(result: IndexResult, codes: pd.Index, rows: pd.MultiIndex, indicators: list[str]) -> dict[str, Any]:
    """Per row the ranking marker and why; per flagged value (row, indicator, flag, from year, note)."""
    position = pd.Series(np.arange(len(rows)), index=rows)
    marker = [""] * len(rows)
    why = [""] * len(rows)
    table = result.economy_flags
    if not table.empty:
        at = position.reindex(pd.MultiIndex.from_arrays([table["economy"], table["year"].astype(int)]))
        for i, m, w in zip(at.to_numpy(), table["marker"], table["why"], strict=True):
            if not pd.isna(i):
                marker[int(i)], why[int(i)] = str(m or ""), str(w or "")
    values: dict[str, list[Any]] = {"row": [], "indicator": [], "flag": [], "from_year": [], "note": []}
    flags = result.flags
    if not flags.empty:
        at = position.reindex(pd.MultiIndex.from_arrays([flags["economy"], flags["year"].astype(int)])).to_numpy()
        column = {code: j for j, code in enumerate(indicators)}
        for i, row in zip(at, flags.itertuples(index=False), strict=True):
            if pd.isna(i) or row.indicator not in column:
                continue
            values["row"].append(int(i))
            values["indicator"].append(column[row.indicator])
            values["flag"].append(str(row.flag))
            values["from_year"].append(None if pd.isna(row.from_year) else int(row.from_year))
            values["note"].append(_text(row.note) or "")
    return {"marker": marker, "why": why, "values": values}


def _uncertainty(analysis: Any, rows: pd.MultiIndex) -> dict[str, Any]:
    """Median rank and 5-95 % interval of every (unit, year) row the analysis ranked."""
    ranks = getattr(analysis, "ranks", None)
    if not isinstance(ranks, pd.DataFrame) or not {"economy", "year", "rank_q05", "rank_q95"} <= set(ranks.columns):
        raise SpecError(
            f"uncertainty must be an UncertaintyResult, got {type(analysis).__name__}",
            field="uncertainty",
            hint="pass the result of ictindex.uncertainty(...)",
        )
    position = pd.Series(np.arange(len(rows)), index=rows)
    at = position.reindex(pd.MultiIndex.from_arrays([ranks["economy"], ranks["year"].astype(int)])).to_numpy()
    keep = ~pd.isna(at)
    top = getattr(analysis, "top", 10)
    share = ranks.get(f"p_top{top}")

    def column(name: str, frame: pd.Series | None) -> list[float | None]:
        if frame is None:
            return [None] * int(keep.sum())
        return [None if pd.isna(v) else float(v) for v in frame.to_numpy()[keep]]

    problem = getattr(analysis, "problem", None)
    return {
        "n": int(getattr(analysis, "n", 0)),
        "factors": [f.name for f in getattr(problem, "factors", ())],
        "top": int(top),
        "row": [int(i) for i in at[keep]],
        "median": column("median_rank", ranks["median_rank"]),
        "q05": column("rank_q05", ranks["rank_q05"]),
        "q95": column("rank_q95", ranks["rank_q95"]),
        "p_top": column("p_top", share),
    }


def _provenance(result: IndexResult) -> list[tuple[str, Any]]:
    keep = ("library_version", "framework", "framework_version", "framework_sha256", "input_sha256", "imputation")
    return [(k, result.provenance.get(k)) for k in keep if k in result.provenance]
