"""The report's key findings: sentences with the numbers of a :class:`~ictindex.findings.Findings`.

:func:`key_findings` says, in the units' words, why the year was chosen, who ranks first and who gained the
most places, the world and group averages, the largest gender gaps and the WSIS targets reached. Every number
comes from the findings; nothing is computed here but the choice of what to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ictindex import gender

if TYPE_CHECKING:
    from ictindex.findings.compute import Findings


def _list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _percent(value: float) -> str:
    """A percentage at ITU's published precision (one decimal) for values of 0-100."""
    return f"{value:.1f}%"


def _ranking_sentences(f: Findings) -> list[str]:
    """Who ranks first (and the next two), and who gained the most places since the year before."""
    fw, units, year, ranking = f.result.framework, f.units, f.year, f.ranking
    places = fw.rounding
    if ranking.empty:
        return []
    who = "ITU Member States" if f.rule.itu_members_only else units.plural
    top = ranking.head(3)
    names = [f"{n} ({v:.{places}f})" for n, v in zip(top["name"], top[fw.index], strict=True)]
    said = [
        f"Of the {len(ranking)} ranked {who}, {names[0]} ranks first"
        + (f", followed by {_list(names[1:])}" if len(names) > 1 else "")
        + f" on the {fw.name}."
    ]
    if "movement" in ranking and ranking.attrs.get("ranked_both_years"):
        moved = ranking.dropna(subset=["rank_change"]).sort_values(["rank_change", "rank"], ascending=[False, True])
        if not moved.empty and moved["rank_change"].iloc[0] > 0:
            best = moved.iloc[0]
            said.append(
                f"Among the {ranking.attrs['ranked_both_years']} {who} ranked in both {year - 1} and {year}, "
                f"{best['name']} gained the most places ({int(best['rank_change'])}, on scores at {places} "
                "decimals)."
            )
    return said


def _average_sentences(f: Findings) -> list[str]:
    """The world average (simple and population-weighted) and the highest and lowest group of each grouping."""
    fw, units, means = f.result.framework, f.units, f.group_means
    places = fw.rounding
    if means is None or means.empty:
        return []
    said: list[str] = []
    rows = means[means["code"] == fw.index]
    world = rows[rows["grouping"] == "world"]
    if not world.empty:
        w = world.iloc[0]
        everyone = "world" if units.resolves_names else f"all scored {units.plural}"
        n = int(w["economies"])
        text = f"The {everyone} average (simple mean over {n} {units.plural}) is {w['simple_mean']:.{places}f}"
        if pd.notna(w["weighted_mean"]):
            text += f"; weighted by population it is {w['weighted_mean']:.{places}f}"
        said.append(text + ".")
    for grouping in f.groupings:
        part = rows[(rows["grouping"] == grouping) & rows["simple_mean"].notna()].sort_values("simple_mean")
        if len(part) < 2:
            continue
        high, low = part.iloc[-1], part.iloc[0]
        hi, lo = f"{high['simple_mean']:.{places}f}", f"{low['simple_mean']:.{places}f}"
        said.append(
            f"By {units.group_label(grouping)}, {high['group']} has the highest average ({hi}, "
            f"{int(high['economies'])} {units.plural}) and {low['group']} the lowest ({lo}, "
            f"{int(low['economies'])})."
        )
    return said


def _gender_sentences(f: Findings) -> list[str]:
    """The three largest gender gaps of the by-sex index and how many units are at parity."""
    g, units = f.gender, f.units
    if g is None or g.result is None or g.gender_year is None:
        return []
    rows, gy, node, _ = gender.gender_slice(g.result, g.gender_year, None)
    rows = rows.dropna(subset=["parity"]).sort_values(["parity", "economy"])
    if rows.empty:
        return []
    worst = [f"{units.name(e)} ({p:.2f})" for e, p in zip(rows["economy"].head(3), rows["parity"].head(3), strict=True)]
    at_parity = int((rows["band"] == "parity").sum())
    return [
        f"Gender ({g.framework_name}, {gy}): the largest gaps are in {_list(worst)} (gender parity score, "
        f"women / men); {at_parity} of {len(rows)} {units.plural} with data by sex are at parity (0.98-1.02)."
    ]


def _target_sentences(f: Findings) -> list[str]:
    """The WSIS targets the world has reached and those not yet reached, each at its latest value."""
    # the WSIS targets as the report draws them: from the estimates (every economy counted) where there are some
    targets = f.estimates.wsis if f.estimates is not None and not f.estimates.wsis.empty else None
    if targets is None and f.divide is not None:
        targets = f.divide.targets
    if targets is None or targets.empty:
        return []
    world = targets[(targets["grouping"] == "world") & (targets["year"] <= f.year)]
    reached: list[str] = []
    open_: list[str] = []
    for _, part in world.groupby("target", sort=False):
        last = part.sort_values("year").iloc[-1]
        text = f"{last['name']}: {_percent(last['value'])} in {int(last['year'])} (target {last['target_value']:g}%)"
        (reached if last["value"] >= last["target_value"] else open_).append(text)
    said: list[str] = []
    if reached:
        said.append(f"WSIS targets reached by the world: {'; '.join(reached)}.")
    if open_:
        said.append(f"WSIS targets not yet reached: {'; '.join(open_)}.")
    return said


def key_findings(f: Findings) -> list[str]:
    """The report's key findings: sentences with the numbers, in the units' words — the year and why, the top
    ranked, the world and group averages, the largest gender gaps and the WSIS targets reached. Every number
    comes from ``f`` (nothing is computed here but the choice of what to say)."""
    said = [f"Report year {f.year_choice.reason}"] if f.year_choice is not None else []
    return said + _ranking_sentences(f) + _average_sentences(f) + _gender_sentences(f) + _target_sentences(f)
