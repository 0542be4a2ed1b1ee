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

import datetime
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import PanelError
from ictindex.framework import Framework
from ictindex.limits import check_text_file

__all__ = ["read_coinr", "to_coinr"]

_META_COLUMNS = {"iCode", "iName", "Direction", "Weight", "Parent", "Type"}


def _table(data: pd.DataFrame | str | Path, name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data.copy()
    try:
        check_text_file(data)  # a line or a header too long for a table: refused before the parser sees it
        return pd.read_csv(data)
    except PanelError:
        raise
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
    year: int | None = None,
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
    year
        The year of an iData without a ``Time`` column (COINr's single-year data): every row is read as that
        year (default: the current calendar year; give the year the data describe). An iData with a ``Time``
        column keeps its years, and ``year`` is then refused (it would contradict them).

    iMeta's ``Direction`` must be 1 or -1 for every indicator and ``Weight`` a finite number >= 0: a
    Direction of 0, blank or text (which read as "higher is better") is a :class:`~ictindex.errors.PanelError`
    naming the indicator. iData's cells are passed on as they are: the panel validation of the build reads
    them (a text cell is an error naming the unit and indicator, ``n/a`` a recorded missing value).

    Returns
    -------
    panel, framework
        The panel carries iData's group columns (``*_group`` and iMeta's ``Group`` rows) as
        ``panel.attrs["groups"]`` (``{column: {economy: group}}``), which group imputation finds by name
        (``imputation={"method": "group_mean", "by": "EurAsia_group"}``).
    """
    data, meta = _table(idata, "iData"), _table(imeta, "iMeta")
    indicators, aggregates, root = _checked(data, meta)
    framework = _framework(meta, indicators, aggregates, root, normalisation, aggregation, code, name)
    panel = _panel(data, meta, indicators, denominate, year)
    return panel, framework


def _checked(data: pd.DataFrame, meta: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """iMeta and iData checked against each other: iMeta's indicator rows, its aggregate rows and the top one."""
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
    _check_meta(meta)
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
    return indicators, aggregates, roots[0]


def _framework(
    meta: pd.DataFrame,
    indicators: pd.DataFrame,
    aggregates: pd.DataFrame,
    root: str,
    normalisation: dict[str, Any] | None,
    aggregation: str,
    code: str,
    name: str | None,
) -> Framework:
    """The framework iMeta describes, with one normalisation for every indicator and one aggregation per node."""
    norm = normalisation or {"method": "minmax", "target": [0, 100]}
    framework = Framework.from_dict(
        {
            "code": code,
            "name": name or f"COINr index ({root})",
            "index": root,
            "min_coverage": 0.0,
            "scale": 1,
            "citation": "COINr (Becker W., Caperna G., Del Sorbo M., Norlén H., Papadimitriou E., Saisana M., 2022)",
            "indicators": [
                {
                    "code": r.iCode,
                    "name": str(r.iName),
                    "unit": "" if pd.isna(r.get("Unit")) else str(r.Unit),
                    "direction": "lower" if _direction(r.Direction) < 0 else "higher",
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
                        {"code": c.iCode, "weight": _weight(c.Weight)}
                        for c in meta[meta["Parent"] == a.iCode].itertuples()
                    ],
                }
                for a in aggregates.itertuples()
            ],
        },
        source="iMeta",
    )
    return framework


def _panel(
    data: pd.DataFrame, meta: pd.DataFrame, indicators: pd.DataFrame, denominate: bool, year: int | None
) -> pd.DataFrame:
    """iData as a wide panel (denominated when asked), with its group columns as ``attrs["groups"]``."""
    values = data[indicators["iCode"].tolist()].copy()
    if denominate and "Denominator" in meta.columns:
        for _, r in indicators.dropna(subset=["Denominator"]).iterrows():
            if r.Denominator not in data.columns:
                raise PanelError(
                    f"iData has no denominator column '{r.Denominator}'",
                    indicator=r.iCode,
                    field="iMeta.Denominator",
                    hint="add the column to iData or remove the denominator",
                )
            numerator, denominator = _numbers(data, r.iCode), _numbers(data, r.Denominator)
            values[r.iCode] = numerator / denominator
    panel = pd.concat([pd.DataFrame({"economy": data["uCode"], "year": _years(data, year)}), values], axis=1)
    group_columns = [c for c in data.columns if str(c).endswith("_group")]
    group_columns += [
        c for c in meta.loc[meta["Type"] == "Group", "iCode"] if c in data.columns and c not in group_columns
    ]
    if group_columns:
        groups = data[["uCode", *group_columns]].drop_duplicates("uCode").rename(columns={"uCode": "economy"})
        # plain dicts: pandas compares attrs when it concatenates, which a DataFrame cannot do
        panel.attrs["groups"] = groups.set_index("economy").to_dict()
    return panel


def _check_meta(meta: pd.DataFrame) -> None:
    """Every iCode once; every indicator's Direction 1 or -1 and every Weight a finite number >= 0."""
    codes = meta["iCode"]
    repeated = codes[codes.duplicated()].astype("str").tolist()
    if repeated:
        raise PanelError(
            f"iMeta lists the iCode(s) {sorted(set(repeated))} more than once",
            field="iMeta.iCode",
            hint="keep one row per indicator and aggregate",
        )
    for row in meta[meta["Type"] == "Indicator"].itertuples():
        _direction(row.Direction, str(row.iCode))
    for row in meta[meta["Type"].isin(["Indicator", "Aggregate"]) & meta["Parent"].notna()].itertuples():
        _weight(row.Weight, str(row.iCode))


def _direction(value: Any, code: str = "") -> int:
    """COINr's Direction: 1 (higher is better) or -1 (lower is better); nothing else is read as either."""
    number = _number(value)
    if number not in (1.0, -1.0):
        raise PanelError(
            f"iMeta's Direction of indicator '{code}' is {value!r}, not 1 or -1",
            indicator=code or None,
            field="iMeta.Direction",
            hint="write 1 where higher values are better and -1 where lower values are better",
        )
    return int(number)


def _weight(value: Any, code: str = "") -> float:
    number = _number(value)
    if number is None or not math.isfinite(number) or number < 0:
        raise PanelError(
            f"iMeta's Weight of '{code}' is {value!r}, not a finite number >= 0",
            indicator=code or None,
            field="iMeta.Weight",
            hint="give every indicator and aggregate with a parent a weight (e.g. 1)",
        )
    return number


def _number(value: Any) -> float | None:
    """A cell as a number (a numeric text such as "-1" too), or None for a blank, text or a yes/no value."""
    if isinstance(value, bool | np.bool_) or value is None:
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _numbers(data: pd.DataFrame, column: str) -> pd.Series:
    """An iData column as numbers for arithmetic (Denominate); a cell that is not a number is refused naming it."""
    numbers = pd.to_numeric(data[column], errors="coerce")
    text = numbers.isna() & data[column].notna()
    if text.any():
        at = int(np.flatnonzero(text.to_numpy())[0])
        raise PanelError(
            f"iData's '{column}' holds {data[column].iloc[at]!r}, which is not a number, and is used to denominate",
            economy=str(data["uCode"].iloc[at]),
            indicator=column,
            field="iData",
            hint="give numbers (an empty cell for no data), or read without denominate=True",
        )
    return numbers.astype("float64")


def _years(data: pd.DataFrame, year: int | None) -> pd.Series:
    """iData's ``Time`` column, or one year for COINr's single-year iData (which has none)."""
    if "Time" in data.columns:
        if year is not None:
            raise PanelError(
                f"year={year!r} was given, but iData has a Time column with its own years",
                field="year",
                hint="leave out year= (it labels an iData without a Time column)",
            )
        return data["Time"]
    if year is None:
        year = datetime.date.today().year
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise PanelError(f"year must be a whole number, got {year!r}", field="year", hint="e.g. year=2024")
    return pd.Series(int(year), index=data.index)


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
