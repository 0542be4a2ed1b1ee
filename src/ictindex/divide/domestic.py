"""The domestic divide: urban/rural and female/male parity scores and gaps per economy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ictindex.gender import PARITY_BAND, indicator_parity, parity_band, parity_score, relative_gap
from ictindex.units import (  # checked numbers (issue 30)
    bundled_panel,
)

if TYPE_CHECKING:
    from ictindex.result import IndexResult


DOMESTIC_COLUMNS = [
    "economy",
    "year",
    "dimension",
    "series",
    "area",
    "lower_group",
    "reference_group",
    "lower",
    "reference",
    "parity",
    "gap",
    "difference",
    "band",
    "source",
]


def domestic_gaps(
    data: IndexResult | pd.DataFrame | None = None,
    *,
    indicator: str = "i99H",
    band: Sequence[float] = PARITY_BAND,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Urban/rural and female/male gaps per economy: parity scores, relative gaps and differences.

    * urban/rural: the series ``<indicator>.rural`` over ``<indicator>.urban`` (total rows), e.g. ITU's
      Internet use by urban/rural location (``i99H.urban``, ``i99H.rural``; areas are series codes, see
      :data:`ictindex.inputs.published_sources.readers.AREAS`);
    * female/male: every series with female and male rows (:func:`ictindex.gender.indicator_parity`): Internet
      use by sex in the whole population and in each area, SDG 5.b.1 mobile-phone ownership by sex.

    The measures are the gender module's: parity ``lower / reference`` (rural/urban, female/male), relative
    gap ``1 - parity``, ``difference`` ``reference - lower`` in the series' unit, and the parity band
    (ITU, 0.98-1.02). ``data``: a panel (default: the bundled one) or a result built with ``by_sex=True``
    (its ``gender_indicators``; a result holds no urban/rural values).
    """
    if data is not None and not isinstance(data, pd.DataFrame):
        sexes = data.gender_indicators.assign(area="total")
        areas = pd.DataFrame()
    else:
        if data is None:
            data = bundled_panel()
        if years is not None:
            data = data[data["year"].isin([int(y) for y in years])]
        sexes = indicator_parity(data, band=band)
        sexes["area"] = sexes["indicator"].str.extract(r"\.(urban|rural)$", expand=False).fillna("total")
        areas = _urban_rural(data, indicator, band)
    sexes = sexes.assign(
        dimension="female/male",
        series=sexes["indicator"].str.replace(r"\.(urban|rural)$", "", regex=True),
        lower_group="female",
        reference_group="male",
        lower=sexes["female"],
        reference=sexes["male"],
    )
    table = pd.concat([areas, sexes], ignore_index=True)
    if table.empty:
        return pd.DataFrame(columns=DOMESTIC_COLUMNS)
    table["difference"] = table["reference"] - table["lower"]
    return (
        table[DOMESTIC_COLUMNS].sort_values(["dimension", "series", "area", "economy", "year"]).reset_index(drop=True)
    )


def _urban_rural(data: pd.DataFrame, indicator: str, band: Sequence[float]) -> pd.DataFrame:
    """Rural over urban values of ``<indicator>.rural`` and ``<indicator>.urban`` (total rows) per economy and year,
    with the parity score, relative gap and band (named for areas)."""
    total = data[data["sex"] == "total"] if "sex" in data.columns else data
    wide = total[total["indicator"].isin([f"{indicator}.urban", f"{indicator}.rural"])].pivot_table(
        index=["economy", "year"], columns="indicator", values="value", aggfunc="first"
    )
    wide = wide.reindex(columns=[f"{indicator}.rural", f"{indicator}.urban"]).dropna()
    source = total.groupby(["economy", "year", "indicator"])["source"].first() if "source" in total else None
    areas = pd.DataFrame(
        {
            "economy": wide.index.get_level_values("economy"),
            "year": wide.index.get_level_values("year"),
            "dimension": "urban/rural",
            "series": indicator,
            "area": "",
            "lower_group": "rural",
            "reference_group": "urban",
            "lower": wide.iloc[:, 0].to_numpy(),
            "reference": wide.iloc[:, 1].to_numpy(),
            "source": [
                source.get((e, y, f"{indicator}.urban"), "") if source is not None else "" for e, y in wide.index
            ],
        }
    )
    areas["parity"] = parity_score(areas["lower"], areas["reference"])
    areas["gap"] = relative_gap(areas["lower"], areas["reference"])
    areas["band"] = (
        pd.Series(parity_band(areas["parity"], band))
        .map({"women behind": "rural behind", "men behind": "urban behind", "parity": "parity"})
        .to_numpy()
    )
    return areas
