"""The digital-divide section of a report: its tables, its charts and its HTML.

:func:`divide_section` computes everything once (with :mod:`ictindex.divide`) and hands back tables, chart
jobs, captions and notes; :mod:`ictindex.report.document` writes them next to the rest of the report.
A part that cannot be computed (one year only: no convergence; no population: no weighted measures) is
left out with a note saying why, never silently.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from ictindex import divide
from ictindex.countries import report_name
from ictindex.errors import IctIndexError
from ictindex.report import divide_charts
from ictindex.report.export import to_html

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["DivideSection", "divide_section", "urban_rural_table", "wsis_table"]

WSIS_COLUMNS = [
    "target",
    "group",
    "year",
    "value",
    "population_share",
    "reported_share",
    "target_value",
    "distance",
    "reached_year",
    "reached",
]


@dataclass
class DivideSection:
    """Tables (name -> DataFrame), chart jobs (name -> function drawing the Figure), captions, notes."""

    year: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, Callable[[], Figure]] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def html(self, images: dict[str, str], decimals: int = 3) -> str:
        """The section as HTML: charts (``images``: name -> base64 PNG) and tables, each captioned."""
        esc = html.escape
        parts = [
            "<h2 id='divide'>Digital divide and WSIS targets</h2>",
            "<p>International divide between economies (Gini, Theil T and L with the exact between/within "
            "decomposition, coefficient of variation, quintile ratio), convergence on a balanced panel, "
            "group means, the urban/rural divide within economies and progress towards the WSIS "
            "connectivity targets (WSIS Plan of Action B.6 (j), E.27b). Population-weighted values use the "
            "population figure of the year or the latest before it (the tables say which).</p>",
        ]
        parts += [f"<p class='note'>{esc(n)}</p>" for n in self.notes]
        for name in self.charts:
            if name in images:
                caption = esc(self.captions.get(name, name))
                parts.append(
                    f'<figure id="fig-{esc(name)}"><img alt="{caption}" src="data:image/png;base64,'
                    f'{images[name]}"><figcaption>{caption}</figcaption></figure>'
                )
        for name, table in self.tables.items():
            parts.append(f"<h3>{esc(self.captions.get(name, name))}</h3>")
            parts.append(f"<div class='scroll'>{to_html(table, decimals=decimals)}</div>")
        return "\n".join(parts)


def urban_rural_table(gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Urban/rural rows of :func:`ictindex.divide.domestic_gaps`, largest gap first, with economy names."""
    gaps = divide.domestic_gaps() if gaps is None else gaps
    rows = gaps[gaps["dimension"] == "urban/rural"]
    table = pd.DataFrame(
        {
            "economy": rows["economy"],
            "name": [report_name(e) for e in rows["economy"]],
            "year": rows["year"],
            "series": rows["series"],
            "rural": rows["lower"],
            "urban": rows["reference"],
            "parity": rows["parity"],
            "gap": rows["gap"],
            "difference": rows["difference"],
            "band": rows["band"],
        }
    )
    return table.sort_values(["difference", "economy"], ascending=[False, True]).reset_index(drop=True)


def wsis_table(
    targets: pd.DataFrame, year: int, *, years_shown: int = 5, groupings: tuple[str, ...] = ("world", "income")
) -> pd.DataFrame:
    """The WSIS tracker for a report: world and income-group rows of the last ``years_shown`` years up to
    ``year``, with the population share covered and the year the target was or would be reached."""
    rows = targets[
        targets["grouping"].isin(groupings)
        & targets["year"].between(year - years_shown + 1, year)
        & (targets["group"] != divide.NO_GROUP)
    ]
    return rows[WSIS_COLUMNS].reset_index(drop=True)


def divide_section(
    result: IndexResult,
    year: int | None = None,
    *,
    panel: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
) -> DivideSection:
    """Everything the report's digital-divide section shows, for ``result`` in ``year`` (default: latest).

    Tables: ``divide_inequality`` (every year of the result), ``divide_groups`` and ``divide_theil`` (the
    year), ``divide_convergence`` (beta-convergence over the result's years, when it has two or more),
    ``divide_urban_rural`` (the ITU table of Internet use by location) and ``wsis_targets`` (world and
    income groups, last five years). ``panel`` gives the urban/rural values and the WSIS series (default:
    the bundled panel); ``groups`` and ``population`` as in :mod:`ictindex.divide`.
    """
    year = int(max(result.years) if year is None else year)
    section = DivideSection(year=year)
    index = result.framework.name
    if population is None or groups is None:
        default_groups, default_population = divide.bundled_economies()
        groups = default_groups if groups is None else groups
        population = default_population if population is None else population
    kwargs = {"groups": groups, "population": population}

    def attempt(what: str, build: Callable[[], None]) -> None:
        try:
            build()
        except IctIndexError as err:
            section.notes.append(f"{what}: not shown ({err}).")

    def international() -> None:
        section.tables["divide_inequality"] = divide.inequality(result, population=population)
        groups_table = divide.group_means(result, by=("world", "income", "region"), years=[year], **kwargs)
        section.tables["divide_groups"] = groups_table
        section.tables["divide_theil"] = pd.concat(
            [divide.theil(result, by=by, years=[year], **kwargs) for by in ("income", "region")], ignore_index=True
        )
        section.charts["divide_lorenz"] = lambda: divide_charts.lorenz_curve(result, year=year, population=population)
        section.charts["divide_group_gap"] = lambda: divide_charts.group_gap_chart(groups_table, year=year)

    def over_time() -> None:
        conv = divide.convergence(result, population=population)
        section.tables["divide_convergence"] = conv.beta
        section.charts["divide_sigma"] = lambda: divide_charts.sigma_convergence_chart(conv, label=index)

    def domestic() -> None:
        gaps = divide.domestic_gaps(panel)
        section.tables["divide_urban_rural"] = urban_rural_table(gaps)
        section.charts["divide_urban_rural_dumbbell"] = lambda: divide_charts.urban_rural_dumbbell(gaps)

    def targets() -> None:
        table = divide.wsis_targets(panel, by=("world", "income"), **kwargs)
        section.tables["wsis_targets"] = wsis_table(table, year)
        for target in table["target"].unique():
            section.charts[f"wsis_{target}"] = lambda t=target: divide_charts.target_progress_chart(table, target=t)

    attempt("Inequality between economies", international)
    if len(result.years) > 1:
        attempt("Convergence", over_time)
    else:
        section.notes.append(f"Convergence: not shown (the result has one year, {year}; build it for several).")
    attempt("Urban/rural divide", domestic)
    attempt("WSIS targets", targets)
    years = f"{min(result.years)}-{max(result.years)}"
    section.captions.update(
        {
            "divide_inequality": f"{index}, {years}: inequality between economies per year",
            "divide_groups": f"{index}, {year}: simple and population-weighted means by group, with population covered",
            "divide_theil": f"{index}, {year}: Theil T and L, between and within groups (population-weighted)",
            "divide_convergence": f"{index}, {years}: beta-convergence (annual log growth on initial log score)",
            "divide_urban_rural": "Internet use in urban and rural areas (ITU, latest year per economy): parity "
            "rural/urban",
            "wsis_targets": f"WSIS connectivity targets, world and income groups, up to {year}",
            "divide_lorenz": f"Lorenz curves of the {index}, {year}.",
            "divide_sigma": "Sigma-convergence: dispersion per year on a balanced panel.",
            "divide_group_gap": f"{index}, {year}: population-weighted means by income group.",
            "divide_urban_rural_dumbbell": "Internet use in urban and rural areas, largest gap on top.",
        }
    )
    for name in section.charts:
        if name.startswith("wsis_"):
            section.captions[name] = "Progress towards the WSIS target, population-weighted; dotted: logistic trend."
    return section
