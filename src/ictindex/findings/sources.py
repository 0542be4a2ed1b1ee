"""The sources and licences of a report: which series the values came from, and the source line of a chart.

:func:`sources_used` lists every source series of a result's values with its dataset, citation and licence;
:func:`source_line` and :func:`text_source_line` write the line under a chart from them. A licence appears only
when a value carries it; series no bundled catalogue entry describes are the user's (:data:`USER_DATA`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ictindex.inputs.catalogue import CITATIONS, LICENCES, SOURCE_TEXTS, series_table

if TYPE_CHECKING:
    from ictindex.result import IndexResult

#: Licence shown for values that no bundled catalogue entry describes.
USER_DATA = "user data"


def _user_labels(texts: pd.Series) -> dict[str, str]:
    """Series code -> the panel's own source text(s) ("code (label) / code (label)": labels may hold brackets)."""
    found: dict[str, list[str]] = {}
    for text in texts.unique():
        starts = list(_CODE_AT.finditer(text))
        for i, match in enumerate(starts):
            end = starts[i + 1].start() - len(") / ") if i + 1 < len(starts) else len(text) - 1
            label = text[match.end() : end].strip()
            found.setdefault(match.group(1), []).append(label)
    return {code: "; ".join(dict.fromkeys(x for x in labels if x)) for code, labels in found.items()}


_CODE_AT = re.compile(r"(?:^|(?<=\) / ))([A-Za-z0-9_.$-]+) \(")


def _code_counts(texts: pd.Series) -> pd.Series:
    """Series code -> the number of values whose source text names it (a text naming two series counts for
    both). Each distinct text is parsed once: a result's values share a few hundred texts."""
    distinct = texts.value_counts()
    named = pd.Series(distinct.index).str.extractall(r"(?:^|\) / )([A-Za-z0-9_.$-]+) \(")[0]
    values = distinct.to_numpy()[named.index.get_level_values(0)]
    return pd.Series(values, index=named.to_numpy()).groupby(level=0).sum()


def sources_used(result: IndexResult, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Every source series the result's values came from (in ``years``, default every year):
    ``code, name, dataset, citation, licence, values_used``.

    Series of the bundled catalogue carry their dataset, its readable citation
    (:data:`~ictindex.inputs.catalogue.CITATIONS`: publisher, database, vintage) and licence; rows of a bundled
    dataset that uses framework codes (the IDI 2024 values) are known by their source text; any other series is
    the user's: its dataset and citation are the panel's own ``source`` text (every distinct one; "user data"
    without one), its licence "user data".
    Nothing else is listed: a licence appears only when a value carries it.
    """
    frame = result.sources
    if years is not None:
        frame = frame[frame["year"].isin(list(years))]
    text = frame.drop(columns=["economy", "year"]).stack()
    text = text[text != ""]
    counts = _code_counts(text)
    catalogue = series_table().set_index("code")
    table = pd.DataFrame({"code": counts.index, "values_used": counts.to_numpy()})
    known = table["code"].isin(catalogue.index)
    table["name"] = table["code"].map(catalogue["name"]).fillna("")
    user = _user_labels(text) if not known.all() else {}
    table["dataset"] = table["code"].map(catalogue["dataset"]).where(known, table["code"].map(user))
    table["dataset"] = table["dataset"].replace("", USER_DATA).fillna(USER_DATA)
    bundled = table["dataset"].map(SOURCE_TEXTS)  # a bundled dataset known by its source text
    table["dataset"] = bundled.fillna(table["dataset"])
    table["licence"] = table["dataset"].map(LICENCES).where(known | bundled.notna()).fillna(USER_DATA)
    table["citation"] = table["dataset"].map(CITATIONS).fillna(table["dataset"])
    if result.framework is not None:
        names = {i.code: i.name for i in result.framework.indicators}
        table["name"] = table["name"].where(table["name"] != "", table["code"].map(names)).fillna("")
    return (
        table[["code", "name", "dataset", "citation", "licence", "values_used"]]
        .sort_values(["dataset", "code"])
        .reset_index(drop=True)
    )


#: Dataset of a source text that names no catalogue series (values derived from bundled files by sex).
_TEXT_DATASETS = {"WDI 2025": "wdi_gender_internet_2025", "SDG": "un_sdg_2023"}


def text_source_line(what: str, texts: Sequence[str]) -> str:
    """The source line of a chart drawn from rows that carry their own ``source`` texts (e.g. parity of a series
    by sex): the bundled datasets they name (citation and licence), else the texts themselves as user data."""
    data, licences = [], []
    for text in dict.fromkeys(str(t) for t in texts if str(t)):
        dataset = next((d for key, d in _TEXT_DATASETS.items() if key in text), None)
        dataset = dataset or next((d for key, d in SOURCE_TEXTS.items() if key in text), None)
        if dataset is None:
            data.append(text.split(" (")[0])
            licences.append(USER_DATA)
        else:
            data.append(CITATIONS.get(dataset, dataset))
            licences.append(LICENCES.get(dataset, USER_DATA).split(" (")[0])
    line = f"Source: ictindex computation of {what}."
    if data:
        line += f" Data: {'; '.join(dict.fromkeys(data))}. Licences: {'; '.join(dict.fromkeys(licences))}."
    return line


def source_line(result: IndexResult, sources: pd.DataFrame) -> str:
    """The source line of a chart: the computation, the method's citation and the data actually used
    (``sources``: :func:`sources_used` of the years shown) with their licences — "user data" only for the user's.
    """
    fw = result.framework
    method = " ".join((fw.citation or "").split()).split(" Data:")[0].rstrip(".")
    data = list(dict.fromkeys(sources["citation"]))
    licences = list(dict.fromkeys(x.split(" (")[0].split(":")[0].strip() for x in sources["licence"]))
    text = f"Source: ictindex computation of the {fw.name}."
    if method:
        text += f" {method.removeprefix('Method: ')}."
    if data:
        text += f" Data: {'; '.join(data)}."
    if licences:
        text += f" Licences: {'; '.join(licences)}."
    return text
