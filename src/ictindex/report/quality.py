"""The report's "Data quality" section and the ranking's flags: what the checks found, laid out.

Nothing is computed here: the tables are :func:`ictindex.stats.quality_tables` (computed into
``Findings.quality`` by :func:`ictindex.findings.compute_findings`), the flags ``result.economy_flags``.

* :func:`quality_html` — the section of ``index.html``: the describe table, the summary, and every
  warning grouped by problem;
* :func:`ranking_marks`, :func:`flag_handles` — the marker of each ranked economy and the legend
  entries of the markers a ranking chart shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ictindex.flags import MARKERS
from ictindex.stats import problem_meaning

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["quality_html", "quality_captions", "ranking_marks", "flag_handles", "FLAG"]

#: Colour of the flags on the ranking chart (Okabe-Ito vermillion: readable by colour-blind readers).
FLAG = "#D55E00"

#: The ranking chart's legend of the markers (ictindex.flags.MARKERS in full).
SHORT_MARKERS = {
    "E": "estimates",
    "C": "carried forward",
    "!": "thin data",
    "M": "category missing",
    "W": "value warned",
}


def quality_captions(framework_name: str, year: int) -> dict[str, str]:
    return {
        "data_quality_describe": f"{framework_name}, {year}: the indicators before imputation, and the checks that "
        "fired",
        "data_quality_summary": f"{framework_name}: data-quality warnings by problem",
        "data_quality": f"{framework_name}: every data-quality warning of the build",
    }


def quality_html(
    tables: dict[str, pd.DataFrame],
    table: Callable[..., str],
    esc: Callable[[str], str],
    year: int,
    plural: str = "economies",
) -> list[str]:
    """The "Data quality" section: the describe table, the summary, and every warning grouped by problem
    (``table(name, frame=None)`` renders a table as the page does)."""
    rows = tables["data_quality"]
    summary = tables["data_quality_summary"]
    parts = [
        "<h2 id='quality'>Data quality</h2>",
        f"<p>Every value is checked before it is scored (ictindex.checks): <b>{len(rows)}</b> warning(s) of "
        f"<b>{len(summary)}</b> kind(s). A price of 0 is set aside before imputation, a total missing beside its "
        "female and male values is derived from them (population-weighted) and recorded; the ranking's flags "
        f"mark {esc(plural)} scored from thin data (!) or without a whole category (M). Every warning is in "
        "tables/data_quality.csv and result.issues.</p>",
        f"<h3>The indicators in {year}, before imputation</h3>",
        f"<div class='wide'>{table('data_quality_describe')}</div>",
        "<h3>Warnings by problem</h3>",
        f"<div class='wide'>{table('data_quality_summary')}</div>",
    ]
    for problem, group in rows.groupby("problem", sort=True):
        parts += [
            f"<h3>{esc(str(problem))} ({len(group)})</h3>",
            f"<p class='note'>{esc(problem_meaning(str(problem)))}.</p>",
            f"<div class='scroll'>{table('data_quality', group.drop(columns='problem'))}</div>",
        ]
    return parts


def ranking_marks(result: IndexResult, year: int) -> pd.Series:
    """The marker of every economy scored in ``year`` (``E``, ``C``, ``!``, ``M``; "" for none)."""
    flags = result.economy_flags
    if flags.empty:
        return pd.Series(dtype="str")
    flags = flags[flags["year"] == year].set_index("economy")["marker"]
    return flags[flags != ""]


def flag_handles(markers: pd.Series) -> list[Any]:
    """Legend entries (text only) for the markers shown: ``E  publisher estimates``, ..."""
    from matplotlib.lines import Line2D

    shown = set("".join(markers.astype(str)))
    return [
        Line2D([], [], linestyle="none", label=f"{marker}  {SHORT_MARKERS.get(marker, MARKERS[marker])}")
        for marker in MARKERS
        if marker in shown
    ]
