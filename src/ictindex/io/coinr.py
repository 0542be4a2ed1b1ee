"""COINr's input tables (``iData``, ``iMeta``) as an ictindex panel and framework.

COINr (Becker et al., EC JRC; ``new_coin(iData, iMeta)``) describes an index in two tables:
``iData`` with one row per unit (``uCode``, ``uName``, ``Time``, group columns ``*_group`` and one
column per indicator or denominator) and ``iMeta`` with one row per indicator or aggregate
(``Level``, ``iCode``, ``iName``, ``Direction`` 1/-1, ``Weight``, ``Unit``, ``Parent``, ``Type``
``Indicator``/``Aggregate``/``Denominator``/``Group``, ``Denominator``). COINr drops missing
children and rescales the weights of the others, with no coverage rule: the framework has
``min_coverage: 0``. COINr's default methods are min-max to 0-100 and the arithmetic mean.

>>> from ictindex.resources import bundled_dir
>>> folder = bundled_dir("data") / "coinr_asem"
>>> panel, framework = read_coinr(folder / "ASEM_iData.csv", folder / "ASEM_iMeta.csv")
>>> framework.index, len(framework.indicators), panel.shape
('Index', 49, (51, 51))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ictindex.errors import PanelError
from ictindex.framework import Framework

__all__ = ["read_coinr", "to_coinr"]

_META_COLUMNS = {"iCode", "iName", "Direction", "Weight", "Parent", "Type"}


def _table(data: pd.DataFrame | str | Path, name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data.copy()
    try:
        return pd.read_csv(data)
    except (OSError, ValueError) as err:
        raise PanelError(
            f"cannot read COINr {name}: {err}",
            file=str(data),
            hint=f"give the {name} table as a CSV file or a DataFrame",
        ) from None


def read_coinr(
    idata: pd.DataFrame | str | Path,
    imeta: pd.DataFrame | str | Path,
    *,
    denominate: bool = False,
    normalisation: dict[str, Any] | None = None,
    aggregation: str = "arithmetic",
    code: str = "coinr",
    name: str | None = None,
) -> tuple[pd.DataFrame, Framework]:
    """A wide panel (``economy``, ``year``, one column per indicator) and the framework of iMeta.

    Parameters
    ----------
    idata, imeta
        COINr's tables (DataFrames or CSV paths).
    denominate
        Divide each indicator by the iData column iMeta names as its ``Denominator`` (COINr's
        ``Denominate()``: e.g. exports per GDP, flights per population).
    normalisation
        The normalisation of every indicator (default: COINr's min-max to 0-100).
    aggregation
        The aggregation of every node (default: COINr's arithmetic mean).
    code, name
        The framework's code and name.

    Returns
    -------
    panel, framework
        The panel carries iData's group columns (``*_group`` and iMeta's ``Group`` rows) as
        ``panel.attrs["groups"]`` (``{column: {economy: group}}``), which group imputation finds by name
        (``imputation={"method": "group_mean", "by": "EurAsia_group"}``).
    """
    data, meta = _table(idata, "iData"), _table(imeta, "iMeta")
    missing = _META_COLUMNS - set(meta.columns)
    if missing:
        raise PanelError(
            f"iMeta lacks the column(s) {sorted(missing)}",
            field="iMeta",
            hint="give COINr's iMeta table (iCode, iName, Direction, Weight, Parent, Type)",
        )
    for column in ("uCode",):
        if column not in data.columns:
            raise PanelError(f"iData lacks the column '{column}'", field="iData", hint="give COINr's iData table")
    indicators = meta[meta["Type"] == "Indicator"]
    aggregates = meta[meta["Type"] == "Aggregate"]
    absent = [c for c in indicators["iCode"] if c not in data.columns]
    if absent:
        raise PanelError(
            f"iData has no column for the indicator(s) {absent}",
            field="iData",
            hint="iMeta and iData must describe the same indicators",
        )
    parents = set(aggregates["iCode"])
    roots = [c for c in aggregates["iCode"] if aggregates.set_index("iCode").loc[c, "Parent"] not in parents]
    if len(roots) != 1:
        raise PanelError(
            f"iMeta must have one top aggregate (with no parent), found {roots}",
            field="iMeta.Parent",
            hint="give every aggregate but the index a Parent",
        )
    norm = normalisation or {"method": "minmax", "target": [0, 100]}
    framework = Framework.from_dict(
        {
            "code": code,
            "name": name or f"COINr index ({roots[0]})",
            "index": roots[0],
            "min_coverage": 0.0,
            "scale": 1,
            "citation": "COINr (Becker W., Caperna G., Del Sorbo M., Norlén H., Papadimitriou E., Saisana M., 2022)",
            "indicators": [
                {
                    "code": r.iCode,
                    "name": str(r.iName),
                    "unit": "" if pd.isna(r.get("Unit")) else str(r.Unit),
                    "direction": "lower" if float(r.Direction) < 0 else "higher",
                    "normalisation": norm,
                    "bounds": [None, None],
                }
                for _, r in indicators.iterrows()
            ],
            "nodes": [
                {
                    "code": a.iCode,
                    "name": str(a.iName),
                    "aggregation": {"method": aggregation},
                    "children": [
                        {"code": c.iCode, "weight": float(c.Weight)}
                        for c in meta[meta["Parent"] == a.iCode].itertuples()
                    ],
                }
                for a in aggregates.itertuples()
            ],
        },
        source="iMeta",
    )
    values = data[indicators["iCode"].tolist()].astype("float64")
    if denominate and "Denominator" in meta.columns:
        for _, r in indicators.dropna(subset=["Denominator"]).iterrows():
            if r.Denominator not in data.columns:
                raise PanelError(
                    f"iData has no denominator column '{r.Denominator}'",
                    indicator=r.iCode,
                    field="iMeta.Denominator",
                    hint="add the column to iData or remove the denominator",
                )
            values[r.iCode] = values[r.iCode] / data[r.Denominator].astype("float64")
    year = data["Time"] if "Time" in data.columns else pd.Series(0, index=data.index)
    panel = pd.concat([pd.DataFrame({"economy": data["uCode"], "year": year}), values], axis=1)
    group_columns = [c for c in data.columns if str(c).endswith("_group")]
    group_columns += [
        c for c in meta.loc[meta["Type"] == "Group", "iCode"] if c in data.columns and c not in group_columns
    ]
    if group_columns:
        groups = data[["uCode", *group_columns]].drop_duplicates("uCode").rename(columns={"uCode": "economy"})
        # plain dicts: pandas compares attrs when it concatenates, which a DataFrame cannot do
        panel.attrs["groups"] = groups.set_index("economy").to_dict()
    return panel, framework


def to_coinr(result: Any, groups: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An :class:`~ictindex.result.IndexResult` back as COINr's ``iData`` and ``iMeta`` tables.

    ``iData``: ``uCode``, ``Time`` and one column per indicator (the raw values the build read), then one column
    per grouping of ``groups`` (an ``economy`` column or index, as ``build_index(..., groups=)`` takes them; e.g.
    ``panel.attrs["groups"]`` of a panel from :func:`read_coinr`), each with an iMeta row of ``Type`` ``Group``.
    ``iMeta``: one row per indicator (``Level`` 1) and aggregate (``Level`` = 1 + the highest level of
    its children), with ``iCode``, ``iName``, ``Direction`` (1/-1), ``Weight`` (the framework's weight
    in the parent), ``Unit``, ``Parent`` and ``Type`` (``Indicator``/``Aggregate``), which
    :func:`read_coinr` reads back into the same framework.
    """
    fw = result.framework
    raw = result.raw
    idata = raw.rename(columns={"economy": "uCode", "year": "Time"})
    level: dict[str, int] = {i.code: 1 for i in fw.indicators}
    for code in reversed(fw.top_down_order):  # children before their parent
        node = fw.node(code)
        level[code] = 1 + max(level[c.code] for c in node.children)
    parents = fw.parents
    weight = {c.code: c.weight for n in fw.nodes for c in n.children}
    rows = [
        {
            "Level": 1,
            "iCode": i.code,
            "iName": i.name,
            "Direction": -1 if i.direction == "lower" else 1,
            "Weight": weight.get(i.code, 1.0),
            "Unit": i.unit,
            "Parent": parents.get(i.code),
            "Type": "Indicator",
        }
        for i in fw.indicators
    ]
    rows += [
        {
            "Level": level[n.code],
            "iCode": n.code,
            "iName": n.name,
            "Direction": 1,
            "Weight": weight.get(n.code, 1.0),
            "Unit": "Score",
            "Parent": parents.get(n.code),
            "Type": "Aggregate",
        }
        for n in sorted(fw.nodes, key=lambda n: level[n.code])
    ]
    if groups is not None:
        table = pd.DataFrame(groups)
        table = table.set_index("economy") if "economy" in table.columns else table
        clash = sorted(set(map(str, table.columns)) & set(map(str, idata.columns)))
        if clash:
            raise PanelError(
                f"group column(s) {clash} have the name of an iData column",
                field="groups",
                hint="rename the grouping (COINr's convention: a name ending in _group)",
            )
        idata = idata.join(table, on="uCode")  # an economy in no group of a grouping: an empty cell
        rows += [{"iCode": str(c), "iName": str(c), "Type": "Group"} for c in table.columns]
    return idata, pd.DataFrame(rows)
