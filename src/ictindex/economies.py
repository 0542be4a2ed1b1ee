"""Economy metadata below the report: groups as of a year, population by year, group means.

Groups (bundled ``data/panel/economies.csv``, built by ``python -m ictindex.sources.build`` from
``data/country_groups_m49/``):

* ``region``: UN SDG regional groups (8 regions, UN SDG Global Database GeoArea tree);
  ``un_region``, ``un_sub_region``: UN M49 region and sub-region (UNSD, M49 overview);
* ``income``: World Bank income group, FY2026 classification (World Bank country API, accessed
  2026-08-21), applied to every year because no earlier classification is bundled
  (``income_basis`` says so);
* ``ldc``, ``lldc``, ``sids``: membership at the end of the data year. The UN M49 snapshots of
  September 2024 and August 2026 give the lists; graduations from the LDC category
  (:data:`LDC_GRADUATIONS`, UN-OHRLLS / CDP) move economies between years, so Bhutan (graduated
  13 December 2023) is not an LDC in 2023 and is one in 2022;
* ``itu_region``: ITU-D (BDT) region from :func:`ictindex.datasets.itu_regions` (the 170 economies
  of ITU's IDI 2024, Annex 4); :data:`ITU_REGION_NOT_ASSIGNED` for every other economy.

Population (:func:`population`): World Bank WDI 2025 ``SP.POP.TOTL`` (UN WPP 2024 based) from the
bundled panel, the nearest year at or before the data year, and ``population_year`` says which.

A user can pass their own ``groups`` table (indexed by ISO3, any of the columns above or new
ones) and their own ``population`` (a tidy panel with ``SP.POP.TOTL``/``POP`` rows, or a table
``economy, year, population``); their values replace the bundled ones.

>>> groups = economy_groups(2023)
>>> bool(groups.loc["BTN", "ldc"]), bool(economy_groups(2022).loc["BTN", "ldc"])
(False, True)
>>> int(groups.loc["KOR", "population_year"])
2023
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ictindex.countries import report_name
from ictindex.errors import IctIndexError, MethodError
from ictindex.resources import bundled_dir

__all__ = [
    "GROUPINGS",
    "INCOME_ORDER",
    "ITU_REGION_NOT_ASSIGNED",
    "LDC_GRADUATIONS",
    "POPULATION_SERIES",
    "economy_groups",
    "population",
    "group_means",
]

#: Grouping column -> its label in tables and charts.
GROUPINGS = {
    "region": "UN SDG region",
    "income": "World Bank income group",
    "un_region": "UN M49 region",
    "un_sub_region": "UN M49 sub-region",
    "ldc": "Least developed countries (LDC)",
    "lldc": "Landlocked developing countries (LLDC)",
    "sids": "Small island developing States (SIDS)",
    "itu_region": "ITU region",
}
INCOME_ORDER = ["High income", "Upper-middle income", "Lower-middle income", "Low income"]
ITU_REGION_NOT_ASSIGNED = "not assigned"

#: Graduations from the LDC category: ISO3 -> date (UN-OHRLLS, "Graduation from the LDC category";
#: UN General Assembly resolutions 59/209, 65/286, 68/L.20, 70/78, 73/133, 75/259, 77/... ).
LDC_GRADUATIONS: dict[str, str] = {
    "BWA": "1994-12-20",
    "CPV": "2007-12-20",
    "MDV": "2011-01-01",
    "WSM": "2014-01-01",
    "GNQ": "2017-06-04",
    "VUT": "2020-12-04",
    "BTN": "2023-12-13",
    "STP": "2024-12-13",
}

#: Population series, in order of preference (WDI 2025 first: one vintage for every year).
POPULATION_SERIES = ("SP.POP.TOTL", "POP")

_SNAPSHOTS = (2024, 2026)  # years of the bundled M49 group lists (September 2024, August 2026)
_MEMBERSHIP = ("ldc", "lldc", "sids")
_INCOME_BASIS = {"UN M49 / World Bank": "World Bank FY2026 classification"}
_INCOME_LABELS = {"HIC": "High income", "UMC": "Upper-middle income", "LMC": "Lower-middle income", "LIC": "Low income"}


def _bundled() -> pd.DataFrame:
    path = bundled_dir("data") / "panel" / "economies.csv"
    if not path.is_file():
        raise IctIndexError(
            "bundled economy metadata missing: panel/economies.csv",
            file=str(path),
            hint="reinstall ictindex, or run `python -m ictindex.sources.build` in a checkout",
        )
    table = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
    for flag in [c for c in table.columns if c.startswith(_MEMBERSHIP)]:
        table[flag] = table[flag].map({"True": True, "False": False}).astype("boolean")
    return table.set_index("iso3")


def _membership(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """LDC/LLDC/SIDS at the end of ``year``: the nearest snapshot, then the LDC graduations dated in between."""
    snapshot = _SNAPSHOTS[0] if year <= _SNAPSHOTS[0] else _SNAPSHOTS[-1]
    out = pd.DataFrame({kind: table[f"{kind}_{snapshot}"] for kind in _MEMBERSHIP}, index=table.index)
    year_end = pd.Timestamp(f"{year}-12-31")
    for code, date in LDC_GRADUATIONS.items():
        if code in out.index:
            out.loc[code, "ldc"] = pd.Timestamp(date) > year_end
    return out


def population(year: int, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population of every economy in the nearest year at or before ``year``.

    Parameters
    ----------
    year
        The data year.
    data
        A tidy panel with total rows of a :data:`POPULATION_SERIES` series, or a table with columns
        ``economy``, ``year``, ``population``. Default: the bundled panel (WDI 2025).

    Returns
    -------
    DataFrame indexed by ISO3: ``population``, ``population_year``, ``population_source``.

    >>> pop = population(2023)
    >>> round(float(pop.loc["KOR", "population"]) / 1e6, 1), int(pop.loc["KOR", "population_year"])
    (51.7, 2023)
    """
    if data is None:
        from ictindex.datasets import load

        data = load("itu")
    if {"economy", "year", "population"} <= set(data.columns):
        rows = data[["economy", "year", "population"]].assign(source="user population table")
    elif {"economy", "year", "indicator", "value"} <= set(data.columns):
        sex = data["sex"] if "sex" in data.columns else pd.Series("total", index=data.index)
        found = [s for s in POPULATION_SERIES if (data["indicator"] == s).any()]
        if not found:
            return pd.DataFrame(
                columns=["population", "population_year", "population_source"], index=pd.Index([], name="economy")
            )
        pick = (data["indicator"] == found[0]) & (sex == "total")
        rows = data.loc[pick, ["economy", "year", "value"]].rename(columns={"value": "population"})
        rows = rows.assign(source=found[0])
    else:
        raise IctIndexError(
            "population data need columns economy, year, population (or a tidy panel)",
            field=", ".join(map(str, data.columns[:8])),
            hint="pass a table economy/year/population or a panel with SP.POP.TOTL rows",
        )
    rows = rows[(rows["year"] <= year) & rows["population"].notna()].sort_values(["economy", "year"])
    latest = rows.groupby("economy").last()
    return pd.DataFrame(
        {
            "population": latest["population"].astype("float64"),
            "population_year": latest["year"].astype("Int64"),
            "population_source": latest["source"],
        }
    ).rename_axis("economy")


def economy_groups(
    year: int | None = None,
    *,
    groups: pd.DataFrame | None = None,
    population_data: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per economy (ISO3 index): ``name`` (as ITU prints it), ``region``, ``un_region``,
    ``un_sub_region``, ``income``, ``income_basis``, ``ldc``, ``lldc``, ``sids``, ``groups_year``,
    ``itu_region``; with ``year`` also ``population``, ``population_year`` and ``population_source``.

    ``groups`` (indexed by ISO3, or with an ``economy``/``iso3`` column) replaces the bundled
    values of the columns it has and adds new ones; ``population_data`` is passed to
    :func:`population`.
    """
    table = _bundled()
    as_of = year if year is not None else max(_SNAPSHOTS)
    member = _membership(table, as_of)
    out = pd.DataFrame(
        {
            "name": [report_name(code) for code in table.index],
            "region": table["region"],
            "un_region": table["un_region"],
            "un_sub_region": table["un_sub_region"],
            "income": table["income_code"].map(_INCOME_LABELS),
            "income_basis": table["groups_source"].map(_INCOME_BASIS).fillna(table["groups_source"]),
            **{kind: member[kind] for kind in _MEMBERSHIP},
            "groups_year": as_of,
            "itu_region": _itu_regions(table.index),
        },
        index=table.index,
    )
    out.index.name = "economy"
    if year is not None:
        pop = population(year, population_data)
        out = out.join(pop, how="outer")
        out["name"] = out["name"].fillna(pd.Series({c: report_name(c) for c in out.index}))
    if groups is not None:
        out = _user_groups(out, groups)
    return out


def _itu_regions(codes: pd.Index) -> pd.Series:
    """ITU regions of :func:`ictindex.datasets.itu_regions` (IDI 2024 Annex 4); "not assigned" elsewhere."""
    from ictindex import datasets

    regions = datasets.itu_regions().drop_duplicates("economy").set_index("economy")["itu_region"]
    return regions.reindex(codes).fillna(ITU_REGION_NOT_ASSIGNED)


def _user_groups(out: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    user = groups.copy()
    for key in ("economy", "iso3"):
        if key in user.columns:
            user = user.set_index(key)
            break
    if user.index.has_duplicates:
        dup = user.index[user.index.duplicated()].unique().tolist()
        raise IctIndexError(
            f"economy groups list economies twice: {dup[:5]}", economy=str(dup[0]), hint="give one row per economy"
        )
    out = out.reindex(out.index.union(user.index))
    for column in user.columns:
        if column in out.columns:
            out[column] = user[column].reindex(out.index).where(out.index.isin(user.index), out[column])
        else:
            out[column] = user[column].reindex(out.index)
    return out


def group_means(
    scores: pd.DataFrame, groups: pd.DataFrame, by: str, nodes: Sequence[str], order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Simple and population-weighted means of ``nodes`` by group.

    ``scores`` is indexed by ISO3 with one column per node; ``groups`` by ISO3 with the ``by``
    column and ``population``/``population_year``. The population-weighted mean of group G is
    ``sum_i p_i x_i / sum_i p_i`` over the economies of G with a score and a population. Returns one
    row per group and ``All scored economies``: ``group``, ``economies``, ``population_year`` (range
    of the population figures used), ``economies_without_population``, ``<node> (simple mean)``,
    ``<node> (population-weighted)``. Economies without a group are counted in a group of their own,
    never dropped.

    >>> s = pd.DataFrame({"x": [1.0, 2.0]}, index=["A", "B"])
    >>> g = pd.DataFrame({"k": ["g", "g"], "population": [1.0, 3.0], "population_year": [2023, 2023]},
    ...                  index=["A", "B"])
    >>> [float(v) for v in group_means(s, g, "k", ["x"]).loc[0, ["x (simple mean)", "x (population-weighted)"]]]
    [1.5, 1.75]
    """
    if by not in groups.columns:
        raise MethodError(f"unknown grouping '{by}'", hint=f"use one of {sorted(set(GROUPINGS) | set(groups.columns))}")
    extra = [c for c in ("population", "population_year") if c in groups.columns]
    joined = scores[list(nodes)].join(groups[[by, *extra]], how="left")
    for column in ("population", "population_year"):
        if column not in joined.columns:
            joined[column] = np.nan
    labels = joined[by].astype("object")
    if labels.dropna().map(type).eq(bool).all() and labels.notna().any():
        labels = labels.map({True: GROUPINGS.get(by, by), False: f"Not {GROUPINGS.get(by, by)}"})
    joined[by] = labels.where(labels.notna(), "No group in the metadata")
    rows = []
    for label, part in [*joined.groupby(by, sort=False), ("All scored economies", joined)]:
        weights = part["population"].astype("float64")
        years = pd.to_numeric(part["population_year"], errors="coerce").dropna().astype(int)
        row: dict[str, object] = {
            "group": label,
            "economies": len(part),
            "population_year": (
                f"{years.min()}-{years.max()}" if years.nunique() > 1 else (str(years.iloc[0]) if len(years) else "")
            ),
            "economies_without_population": int(weights.isna().sum()),
        }
        for code in nodes:
            values = part[code].astype("float64")
            ok = values.notna() & weights.notna() & (weights > 0)
            row[f"{code} (simple mean)"] = values.mean()
            row[f"{code} (population-weighted)"] = np.average(values[ok], weights=weights[ok]) if ok.any() else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    order = list(order) if order is not None else sorted(set(table["group"]) - {"All scored economies"})
    rank = {g: i for i, g in enumerate(order)}
    table["_o"] = table["group"].map(lambda g: rank.get(g, len(rank) + (g == "All scored economies")))
    return table.sort_values(["_o", "group"], kind="stable").drop(columns="_o").reset_index(drop=True)
