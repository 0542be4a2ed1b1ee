"""The files bundled in ``data/``, read as they are: the tidy ITU/World Bank/UN panel, the values its build set
aside, published scores, ITU regions, ITU Facts and Figures.

This module reads files and imports nothing of the engine, so every stage may read the bundled data from here
(the units table its population and regions, the checks their population by sex). The bundled data as a user
sees them, described and covered per framework, are :mod:`ictindex.inputs.bundled` (``ictindex.datasets``).

All data ship inside the package (``data/`` in the repository) and load offline.
ITU data are licensed CC BY-NC-SA 3.0 IGO (non-commercial, share-alike, with attribution
"International Telecommunication Union, ITU DataHub, https://datahub.itu.int/"); see
:func:`ictindex.inputs.bundled.describe` for every series' licence and ``data/README.md``.

>>> panel = load("itu")
>>> round(float(panel.query("economy == 'KOR' and year == 2016 and indicator == 'xHH6_IDI'")["value"].iloc[0]), 1)
99.2
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ictindex.errors import IctIndexError
from ictindex.resources import bundled_dir

__all__ = [
    "load",
    "set_aside",
    "published",
    "itu_regions",
    "facts_and_figures",
    "idi2024_groups",
    "panel_version",
    "DATASETS",
    "PUBLISHED",
    "SET_ASIDE",
]

DATASETS = {"itu": "panel/itu_panel.csv.gz", "idi2024": "itu_idi_2024/idi2024_values_2022.csv"}
PUBLISHED = {
    "idi2024": {
        "nodes": "itu_idi_2024/idi2024_published.csv",
        "indicators": "itu_idi_2024/idi2024_published_indicator_scores.csv",
    },
}
NOT_ASSIGNED = "not assigned"
_DTYPES = {
    "economy": "str",
    "year": "int64",
    "indicator": "str",
    "sex": "str",
    "value": "float64",
    "source": "str",
    "note": "str",
}


def _path(relative: str) -> Path:
    path = bundled_dir("data") / relative
    if not path.is_file():
        raise IctIndexError(
            f"bundled data file missing: {relative}",
            file=str(path),
            hint="reinstall ictindex, or run `python -m ictindex.sources.build` in a checkout",
        )
    return path


def load(name: str = "itu") -> pd.DataFrame:
    """The bundled tidy panel (economy, year, indicator, sex, value, source, note).

    ``"itu"``: ITU DataHub 2025 exports, ITU June 2019 indicator files and by-sex tables,
    UN SDG 5.b.1, World Bank WDI series via Gapminder, UNDP mean years of schooling via OWID.
    ``"idi2024"``: the ten indicator values of the IDI 2024 for reference year 2022, as published
    in ITU's Annex 2 (170 economies; codes of ``indicators/idi2024.yaml``; ``note`` says which
    values are ITU estimates or 2021 values), so that
    ``build_index(load("idi2024"), "idi2024")`` replicates the IDI 2024.

    >>> panel = load("idi2024")
    >>> panel.query("economy == 'KOR' and indicator == 'internet_users'")["value"].tolist()
    [97.2]
    """
    if name not in DATASETS:
        raise IctIndexError(f"unknown dataset '{name}'", hint=f"use one of {sorted(DATASETS)}")
    panel = pd.read_csv(_path(DATASETS[name]), dtype=_DTYPES, keep_default_na=False, na_values={"value": [""]})
    aside = SET_ASIDE.get(name)
    if aside is not None and (bundled_dir("data") / aside).is_file():
        panel.attrs["set_aside"] = set_aside(name)
    return panel


#: Values the panel build kept out of a bundled panel, and why (``python -m ictindex.inputs.published_sources.build``).
SET_ASIDE = {"itu": "panel/set_aside.csv"}


class _Records(tuple):
    """Records of plain values, immutable all the way down: a deep copy is the object itself (pandas deep-copies a
    frame's ``attrs`` in nearly every operation on it, which for a panel's set-aside records cost seconds)."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> _Records:
        return self


def set_aside(name: str = "itu") -> tuple[tuple, ...]:
    """The values the panel build set aside from a bundled panel (e.g. basket prices of 0), as records
    ``(economy, year, indicator, sex, value, source, problem, reason)``. :func:`load` puts them in the panel's
    ``attrs["set_aside"]``, and validation lists them in the issue table, so a build on the bundled data names
    them as a build on one's own panel would (:mod:`ictindex.checks`).

    >>> {record[6] for record in set_aside("itu")} <= {"zero_price"}
    True
    """
    table = pd.read_csv(_path(SET_ASIDE[name]), dtype={"economy": "str", "indicator": "str", "sex": "str"})
    return _Records(
        tuple(v.item() if hasattr(v, "item") else v for v in row) for row in table.itertuples(index=False, name=None)
    )


def published(name: str = "idi2024", *, level: str = "nodes") -> pd.DataFrame:
    """Published scores of a bundled index edition, as ITU printed them (rounded).

    ``"idi2024"``, ``level="nodes"``: economy, edition, year (the reference year of the data:
    2022 for the IDI 2024, 2021 for the IDI 2023 as restated in the 2024 report), ``IDI``,
    ``universal``, ``meaningful`` (pillars for the 2024 edition only; Table 1, pp. 4-5).
    ``level="indicators"``: economy, edition, year, ``code`` (indicator, or ``coverage`` for the
    combined coverage score) and ``score`` (0-100; Annex 2, pp. 21-33). Missing scores are absent
    rows: ITU does not publish imputed traffic values.

    >>> table = published("idi2024")
    >>> table.query("economy == 'KOR' and edition == 2024")[["IDI", "universal", "meaningful"]].values.tolist()
    [[94.4, 93.4, 95.5]]
    """
    if name not in PUBLISHED:
        raise IctIndexError(f"no published scores bundled for '{name}'", hint=f"use one of {sorted(PUBLISHED)}")
    if level not in PUBLISHED[name]:
        raise IctIndexError(
            f"unknown level '{level}' of published scores", hint=f"use one of {sorted(PUBLISHED[name])}"
        )
    return pd.read_csv(_path(PUBLISHED[name][level]), keep_default_na=False, na_values=[""])


def itu_regions() -> pd.DataFrame:
    """ITU/BDT region of every economy: economy (ISO3), itu_region, source.

    The six regions (Africa, Americas, Arab States, Asia-Pacific, CIS, Europe) of ITU's development sector,
    for the 194 ITU Member States, the 42 other territories ITU reports in its DataHub (Hong Kong, Macao,
    Puerto Rico, Palestine, ...) and every other economy of the bundled metadata (``data/itu_regions/``).
    ``source`` says where each comes from: ITU's own assignment in the IDI 2024 (Table 1 and Annex 4, 170
    economies), or, for the others, the rule that reproduces all 170 of ITU's assignments (League of Arab States
    members are the Arab States; nine CIS economies; Cyprus, Georgia, Israel, Türkiye and Kosovo in Europe;
    otherwise the UN M49 region). Only Antarctica is ``"not assigned"``.

    >>> regions = itu_regions().set_index("economy")
    >>> regions.loc["GEO", "itu_region"], regions.loc["IND", "itu_region"], regions.loc["ABW", "itu_region"]
    ('Europe', 'Asia-Pacific', 'Americas')
    """
    table = pd.read_csv(_path("itu_regions/itu_regions.csv"), dtype="str", keep_default_na=False)
    return table[["economy", "itu_region", "source"]].sort_values("economy").reset_index(drop=True)


def facts_and_figures() -> pd.DataFrame:
    """World and group figures on Internet use published in ITU's Facts and Figures 2021-2025, as printed.

    One row per edition and figure: ``edition, indicator, measure`` (``value`` or ``gender parity score``),
    ``sex, location, grouping, group, year, value, source_kind, url, note`` (``data/itu_facts_figures/``; groups
    named as :func:`ictindex.estimates` names them). Editions revise earlier years: compare with the latest.

    >>> ff = facts_and_figures()
    >>> ff.query("edition == 2025 and group == 'World' and year == 2024")["value"].tolist()
    [71.0]
    """
    table = pd.read_csv(
        _path("itu_facts_figures/facts_and_figures_internet.csv"), keep_default_na=False, na_values=[""]
    )
    return table.astype({"value": "float64", "year": "int64", "edition": "int64"})


def idi2024_groups() -> pd.DataFrame:
    """Economy, name, ITU region and income group of the 170 economies of the IDI 2024, as ITU
    grouped them for Annex 4 (p. 35); Venezuela's income group is "not classified" (n.a.)."""
    return pd.read_csv(_path("itu_idi_2024/idi2024_economies.csv"), dtype="str")


def panel_version() -> dict:
    """Version, row count and hash of the bundled panel."""
    return json.loads(_path("panel/panel.json").read_text())
