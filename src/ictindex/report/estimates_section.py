"""The report's world and group estimates (issue 24): the parts of the "estimates" section (registered in
:data:`ictindex.report.sections.SECTIONS` after "averages") and the layouts other sections use to show them.

The estimates are computed by the library (:func:`ictindex.estimates` through
:func:`ictindex.findings.estimate_findings`, in :attr:`Findings.estimates <ictindex.findings.Findings.estimates>`):
every economy counts, those without a value imputed by the declared model of
``indicators/estimates/itu_facts_and_figures.yaml``, as ITU's Facts and Figures counts them. This module only lays
them out: the estimates table of the report year (value, 95 % interval, imputed share of the population, flag,
ITU's published figure and the difference), every bundled Facts and Figures figure beside its estimate, the
Internet-use chart by ITU region, the WSIS-target table and the world and group gender parity table used by the
divide and gender sections.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from ictindex.report import charts
from ictindex.report.style import NEUTRAL, PALETTE, add_source, new_figure, style

if TYPE_CHECKING:
    from ictindex.findings import EstimateFindings, Findings
    from ictindex.report.sections import Layout, Page

__all__ = [
    "needs",
    "tables",
    "charts_of",
    "captions",
    "places",
    "section_html",
    "estimates_table",
    "published_table",
    "wsis_estimates_table",
    "gender_groups_table",
    "estimates_chart",
    "imputed_words",
]

MODEL_FILE = "indicators/estimates/itu_facts_and_figures.yaml"
GROUPING_WORDS = {
    "world": "World",
    "itu_region": "ITU region",
    "income": "World Bank income group",
    "ldc_lldc_sids": "LDCs, LLDCs, SIDS",
}


def _percent(share: pd.Series) -> pd.Series:
    return (100.0 * share.astype("float64")).round(0).astype("Int64")


def estimates_table(e: EstimateFindings) -> pd.DataFrame:
    """The estimates of the report year, one row per indicator and group: value, 95 % interval, imputed share of
    the group's population (%), economies imputed, flag, ITU's figure (latest edition) and the difference."""
    t = e.table
    return pd.DataFrame(
        {
            "indicator": t["name"],
            "grouping": t["grouping"].map(GROUPING_WORDS).fillna(t["grouping"]),
            "group": t["group"],
            "year": t["year"],
            "value": t["value"],
            "low": t["low"],
            "high": t["high"],
            "imputed (% of population)": _percent(t["imputed_share"]),
            "economies imputed": [f"{i} of {n}" for i, n in zip(t["imputed_units"], t["units"], strict=True)],
            "flag": t["flag"],
            "published": t["published"],
            "edition": t["edition"].astype("Int64"),
            "difference": t["difference"],
        }
    )


def published_table(e: EstimateFindings) -> pd.DataFrame:
    """Every bundled Facts and Figures figure up to the report year (every edition) beside the estimate."""
    p = e.published
    return pd.DataFrame(
        {
            "edition": p["edition"],
            "indicator": p["indicator"],
            "measure": p["measure"],
            "sex": p["sex"],
            "location": p["location"],
            "group": p["group"],
            "year": p["year"],
            "published": p["published"],
            "estimate": p["estimate"],
            "difference": p["difference"],
            "imputed (% of population)": _percent(p["imputed_share"]),
            "low": p["low"],
            "high": p["high"],
            "source": p["source_kind"],
        }
    )


def wsis_estimates_table(e: EstimateFindings, *, years_shown: int = 5) -> pd.DataFrame:
    """The WSIS tracker from the estimates: world and income groups, the last ``years_shown`` years, with the
    interval, the imputed share and the year the target was or would be reached."""
    w = e.wsis[e.wsis["year"].between(e.year - years_shown + 1, e.year)]
    return pd.DataFrame(
        {
            "target": w["target"],
            "group": w["group"],
            "year": w["year"],
            "value": w["value"],
            "low": w["low"],
            "high": w["high"],
            "imputed (% of population)": _percent(w["imputed_share"]),
            "flag": w["flag"],
            "target_value": w["target_value"],
            "distance": w["distance"],
            "reached_year": w["reached_year"],
            "reached": w["reached"],
        }
    ).reset_index(drop=True)


def gender_groups_table(e: EstimateFindings, *, years_shown: int = 3) -> pd.DataFrame:
    """Gender parity score of Internet use (F/M) for the world and groups, the last ``years_shown`` years, with
    the interval, the share of the population whose by-sex data are observed and ITU's figure."""
    p = e.parity[e.parity["year"].between(e.year - years_shown + 1, e.year)]
    p = p[p["group"] != "Not classified"]
    return pd.DataFrame(
        {
            "grouping": p["grouping"].map(GROUPING_WORDS).fillna(p["grouping"]),
            "group": p["group"],
            "year": p["year"],
            "parity": p["value"],
            "low": p["low"],
            "high": p["high"],
            "observed by sex (% of population)": _percent(p["observed_share"]),
            "published": p["published"],
            "edition": p["edition"].astype("Int64"),
            "difference": p["difference"],
        }
    ).reset_index(drop=True)


def imputed_words(e: EstimateFindings, indicator: str = "internet_use") -> str:
    """One sentence stating the world value of ``indicator`` in the report year and the share imputed."""
    row = e.table[(e.table["indicator"] == indicator) & (e.table["group"] == "World")]
    if row.empty:
        return ""
    r = row.iloc[0]
    itu = f"; ITU's Facts and Figures {int(r['edition'])}: {r['published']:g} %" if pd.notna(r["published"]) else ""
    return (
        f"{r['name']}, world, {e.year}: {r['value']:.1f} % (95 % interval {r['low']:.1f}–{r['high']:.1f}), "
        f"{100 * r['imputed_share']:.0f} % of the world's population imputed ({r['imputed_units']} of "
        f"{r['units']} economies){itu}."
    )


def estimates_chart(e: EstimateFindings, *, indicator: str = "internet_use", grouping: str = "itu_region") -> Figure:
    """World and group estimates of ``indicator`` per year with their 95 % interval (shaded), and ITU's published
    figures (latest edition) as crosses."""
    t = e.estimates.table
    rows = t[
        (t["indicator"] == indicator)
        & (t["sex"] == "total")
        & (t["location"] == "total")
        & t["grouping"].isin(["world", grouping])
        & (t["group"] != "Not classified")
    ]
    published = e.published[
        (e.published["indicator"] == indicator)
        & (e.published["measure"] == "value")
        & (e.published["sex"] == "total")
        & (e.published["location"] == "total")
    ]
    latest = published.sort_values("edition").groupby(["group", "year"], as_index=False).last()
    name = next(i.name for i in e.estimates.spec.indicators if i.code == indicator)
    with style():
        fig, ax = new_figure(3.4)
        colours = iter(PALETTE)
        for (kind, group), part in rows.groupby(["grouping", "group"], sort=False):
            part = part.sort_values("year")
            colour = "black" if kind == "world" else next(colours, NEUTRAL)
            ax.fill_between(part["year"], part["low"], part["high"], color=colour, alpha=0.12, linewidth=0)
            ax.plot(part["year"], part["value"], color=colour, linewidth=2 if kind == "world" else 1.2, label=group)
            figures = latest[latest["group"] == group]
            if not figures.empty:
                ax.scatter(figures["year"], figures["published"], marker="x", color=colour, s=18, zorder=3)
        ax.scatter([], [], marker="x", color=NEUTRAL, s=18, label="ITU Facts and Figures")
        ax.set_ylim(0, 100)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y")
        ax.set_ylabel("% of population")
        ax.set_title(
            f"{name}: world and {GROUPING_WORDS.get(grouping, grouping)} estimates, every economy counted", wrap=True
        )
        ax.legend(loc="upper left", fontsize=6.5, ncols=2)
    return fig


# -- the section ------------------------------------------------------------------------------------------------
def needs(f: Findings, layout: Layout) -> str | None:
    if f.estimates is None:
        return f.omitted.get("estimates", "not computed")
    return None


def tables(f: Findings) -> dict[str, pd.DataFrame]:
    e = f.estimates
    tables = {"estimates": estimates_table(e), "estimates_published": published_table(e)}
    if "gender" in f.omitted:  # otherwise the gender section shows it
        tables["estimates_gender"] = gender_groups_table(e)
    return tables


def _source(f: Findings) -> str:
    return (
        f"{charts.source_line(f.result)} Estimates: ictindex.estimates, every economy counted, non-reporting "
        f"economies imputed by the model declared in {MODEL_FILE}; shaded: 95 % interval; crosses: ITU, Facts "
        "and Figures (latest edition that published the figure)."
    )


def charts_of(f: Findings, layout: Layout) -> dict[str, Callable[[], Figure]]:
    e = f.estimates
    if "internet_use" not in set(e.table["indicator"]):
        return {}

    def draw() -> Figure:
        fig = estimates_chart(e)
        add_source(fig, _source(f))
        return fig

    return {"estimates_internet_use": draw}


def places(f: Findings) -> dict[str, int]:
    """The estimates' precision: percentages at one decimal, parity scores at three, ITU's published figures
    beside them at two."""
    return {"estimates": 1, "estimates_gender": 3, "estimates_published": 2}


def captions(f: Findings) -> dict[str, str]:
    year = f.year
    return {
        "estimates": f"World and group estimates, {year}: every economy counted (imputed share of the population "
        "stated), with ITU's Facts and Figures figure where the library bundles it",
        "estimates_published": f"ITU's Facts and Figures figures up to {year} (every edition) beside the estimates",
        "estimates_gender": f"Gender parity score of Internet use (F/M), world and groups, {year - 2}–{year}",
        "estimates_internet_use": f"Individuals using the Internet, world and ITU regions, up to {year}: estimates "
        "with their 95 % interval (shaded) and ITU's published figures (crosses).",
    }


def _models_words(e: EstimateFindings) -> str:
    models = e.estimates.models
    rows = models[(models["indicator"] == "internet_use") & (models["step"] == "nowcast")]
    chosen = rows["detail"].iloc[0].split(";")[0] if not rows.empty else ""
    words = {
        "regression chosen": "the regression anchored to its last value",
        "trend chosen": "its own damped trend",
    }.get(chosen.strip(), "")
    return (
        f" For Internet use, an economy's years after its last value are filled by {words}: the one with the "
        "smaller forecast error measured on the data (Estimates.models)."
        if words
        else ""
    )


def section_html(p: Page) -> list[str]:
    f, esc = p.findings, html.escape
    e = f.estimates
    parts = [
        "<h2 id='estimates'>World and group estimates</h2>",
        "<p>ITU's world, regional and group figures count every economy: those that do not report are estimated. "
        "These estimates do the same (ictindex.estimates): each economy without a value in a year is imputed from "
        "its own values (interpolation), its own trend or a regression anchored to its last value (year effects, "
        "GNI per capita, mobile-broadband subscriptions), as declared in "
        f"{esc(MODEL_FILE)}; groups are population-weighted over all their economies, so they do not jump when "
        "economies start or stop reporting. Each estimate states the share of the group's population imputed "
        "and a 95 % interval (imputation errors measured on the data, widened to the alternative models); "
        "a flag marks a group whose reporting economies changed sharply from the year before."
        f"{esc(_models_words(e))}</p>",
        f"<p>{esc(imputed_words(e))} Published: ITU's figure for the same group and year (Facts and Figures, the "
        "latest edition that gave it); difference: estimate minus published.</p>",
        p.figure("estimates_internet_use", p.captions.get("estimates_internet_use", "")),
        f"<h3>{esc(p.captions.get('estimates', 'Estimates'))}</h3>",
        f"<div class='scroll'>{p.table('estimates')}</div>",
    ]
    if "estimates_gender" in p.tables:
        parts += [
            f"<h3>{esc(p.captions.get('estimates_gender', ''))}</h3>",
            f"<div class='scroll'>{p.table('estimates_gender')}</div>",
        ]
    parts += [
        f"<h3>{esc(p.captions.get('estimates_published', ''))}</h3>",
        "<p>Editions revise their figures as countries report (a later edition's figure for an earlier year "
        "may differ); the difference is estimate minus ITU.</p>",
        f"<div class='scroll'>{p.table('estimates_published')}</div>",
    ]
    parts += [f"<p class='note'>{esc(n)}</p>" for n in e.notes]
    return parts
