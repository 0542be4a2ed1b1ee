"""The headline ranking: which scored units it holds (:class:`RankingRule`), re-ranked among them, and the
ranking table with the change since the previous year.

A rule leaves units out of the ranking only: they keep their scores in every other table (coverage,
averages, the map). Names and words come from the result's units table (``result.units``).

>>> RankingRule(min_data=0.5).describe()  # doctest: +NORMALIZE_WHITESPACE
'Ranked: scored economies with reported data for at least 50% of the indicators; the other scored economies
keep their scores in the tables but are not ranked.'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ictindex.errors import MethodError
from ictindex.units import Units, itu_member_states

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "RankingRule",
    "ReportYear",
    "apply_ranking_rule",
    "choose_year",
    "default_rule",
    "data_coverage",
    "ranking_table",
]


@dataclass(frozen=True)
class RankingRule:
    """Which scored economies enter the headline ranking. Economies left out keep their scores in
    every other table (coverage, averages, the map); only the ranking and its ranks change.

    Parameters
    ----------
    min_data
        Leave out economies with reported (not imputed) values for less than this share of the
        framework's indicators in the year (:func:`data_coverage`).
    itu_members_only
        Leave out economies that are not ITU Member States (territories, Kosovo, Palestine; the
        bundled list ``data/itu_members/``, 194 Member States).
    leave_out
        Economies (ISO3) to leave out, with ``reason`` saying why.
    reason
        Why the ``leave_out`` economies are left out (printed under the ranking).

    >>> print(RankingRule(min_data=0.5, itu_members_only=True).describe())  # doctest: +NORMALIZE_WHITESPACE
    Ranked: ITU Member States with reported data for at least 50% of the indicators; the other scored
    economies keep their scores in the tables but are not ranked.
    """

    min_data: float | None = None
    itu_members_only: bool = False
    leave_out: tuple[str, ...] = ()
    reason: str = "left out by the report's author"

    def __post_init__(self) -> None:
        if self.min_data is not None and not 0 <= self.min_data <= 1:
            raise MethodError(
                f"min_data must be a share between 0 and 1, got {self.min_data}",
                hint="e.g. 0.5 for reported data on at least half of the indicators",
            )
        object.__setattr__(self, "leave_out", tuple(dict.fromkeys(str(e).strip() for e in self.leave_out)))

    @classmethod
    def publication(cls, units: Units | None = None, min_data: float = 0.5) -> RankingRule:
        """The rule of a published ranking: ITU Member States (economies only) with reported data for at least
        ``min_data`` of the indicators; for other units, every unit with that much reported data.

        >>> RankingRule.publication().describe()  # doctest: +NORMALIZE_WHITESPACE
        'Ranked: ITU Member States with reported data for at least 50% of the indicators; the other scored
        economies keep their scores in the tables but are not ranked.'
        """
        units = units or Units()
        return cls(min_data=min_data, itu_members_only=units.resolves_names)

    @property
    def active(self) -> bool:
        return self.min_data is not None or self.itu_members_only or bool(self.leave_out)

    def describe(self, units: Units | None = None) -> str:
        """The rule in one sentence, printed under the ranking (in the words of ``units``: "scored provinces")."""
        units = units or Units()
        if not self.active:
            return f"Ranked: every scored {units.noun}."
        who = "ITU Member States" if self.itu_members_only else f"scored {units.plural}"
        parts = [f"Ranked: {who}"]
        if self.min_data is not None:
            parts.append(f" with reported data for at least {self.min_data:.0%} of the indicators")
        if self.leave_out:
            parts.append(f", except {', '.join(units.name(e) for e in self.leave_out)} ({self.reason})")
        return "".join(parts) + f"; the other scored {units.plural} keep their scores in the tables but are not ranked."


def data_coverage(result: IndexResult, year: int) -> pd.Series:
    """Per economy, the share of the framework's indicators with a reported (not imputed) value in
    ``year``: the "data coverage" a :class:`RankingRule` tests."""
    raw = result.raw
    raw = raw[raw["year"] == year].set_index("economy")[result.framework.indicator_codes]
    return raw.notna().mean(axis=1)


def apply_ranking_rule(result: IndexResult, year: int, rule: RankingRule | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The year's ranking under ``rule``, re-ranked (1 = best; ties share the lower rank, as in
    :meth:`~ictindex.result.IndexResult.ranking`), and the scored economies left out
    (``economy``, ``name``, ``score``, ``data_coverage``, ``reason``)."""
    ranking = result.ranking(year)
    columns = ["economy", "name", "score", "data_coverage", "reason"]
    if rule is None or not rule.active:
        return ranking, pd.DataFrame(columns=columns)
    units = result.units
    coverage = data_coverage(result, year)
    reasons = pd.Series("", index=ranking["economy"].to_numpy())
    if rule.itu_members_only:
        if not units.resolves_names:
            raise MethodError(
                f"the ITU Member States rule applies to economies, not to {units.plural}",
                field="itu_members_only",
                hint="leave the rule out (or --rank-members-only), or name units with leave_out",
            )
        members = itu_member_states()
        reasons[~reasons.index.isin(members)] += "not an ITU Member State; "
    if rule.min_data is not None:
        low = reasons.index.map(coverage).to_numpy(dtype="float64") < rule.min_data
        reasons[low] += f"reported data for fewer than {rule.min_data:.0%} of the indicators; "
    leave_out = {e.casefold() for e in rule.leave_out}  # codes as given, compared case-blind ("kor" is KOR)
    reasons[reasons.index.str.casefold().isin(leave_out)] += rule.reason + "; "
    out = reasons[reasons != ""]
    kept = ranking[~ranking["economy"].isin(out.index)].copy()
    index = result.framework.index
    kept["rank"] = kept[index].rank(method="min", ascending=False).astype(ranking["rank"].dtype)
    kept = kept.sort_values(["rank", "economy"]).reset_index(drop=True)
    scores = ranking.set_index("economy")[index]
    left_out = pd.DataFrame(
        {
            "economy": out.index,
            "name": units.names(out.index),
            "score": scores.reindex(out.index).to_numpy(),
            "data_coverage": coverage.reindex(out.index).to_numpy(),
            "reason": out.str.rstrip("; ").to_numpy(),
        }
    )
    return kept, left_out.sort_values("economy").reset_index(drop=True)[columns]


def _published_ranks(scores: pd.Series, decimals: int) -> pd.Series:
    """Ranks (1 = best, ties share the better rank) of scores rounded to the published precision."""
    return scores.round(decimals).rank(method="min", ascending=False)


def ranking_table(
    result: IndexResult,
    year: int | None = None,
    rule: RankingRule | None = None,
    *,
    groups: Sequence[str] = (),
) -> pd.DataFrame:
    """Rank, unit code and name, the units' ``groups`` (e.g. ``("itu_region", "income")``), index and sub-index
    scores, and the change since the previous year.

    The change compares like with like, as published: ``previous_rank`` and ``rank_change`` (positive when the
    unit moved up) rank only the units ranked in both years (their count is ``table.attrs["ranked_both_years"]``),
    on scores rounded to the framework's published precision, so that a change within the rounding moves no
    unit (``movement`` is "=") and units entering or leaving the ranking move no other. ``change`` is the index
    score change. All three are empty for a unit not ranked the year before (``movement`` "new"; "" when the
    result has no previous year). With a :class:`~ictindex.ranking.RankingRule`, the units it leaves out are not in
    the table and the ranks are those under the rule.
    """
    year = result.report_year(year)
    index = result.framework.index
    nodes = result.node_codes
    decimals = result.framework.rounding
    now, _ = apply_ranking_rule(result, year, rule)
    table = pd.DataFrame({"rank": now["rank"], "economy": now["economy"], "name": result.units.names(now["economy"])})
    if groups:
        known = result.units.groups(year)
        for column in groups:
            values = known[column] if column in known.columns else pd.Series(dtype="object")
            table[column] = now["economy"].map(values).fillna("").astype(str).to_numpy()
    for code in nodes:
        table[code] = now[code].to_numpy()
    previous = (
        apply_ranking_rule(result, year - 1, rule)[0] if year - 1 in result.years else result.scores.iloc[:0]
    ).set_index("economy")
    both = now["economy"][now["economy"].isin(previous.index)].tolist()
    current_scores = now.set_index("economy")[index].reindex(both)
    before_scores = previous[index].reindex(both) if both else current_scores
    rank_now = _published_ranks(current_scores, decimals)
    rank_before = _published_ranks(before_scores, decimals)
    table["previous_rank"] = pd.array(now["economy"].map(rank_before), dtype="Int64")
    table["rank_change"] = pd.array(now["economy"].map(rank_before - rank_now), dtype="Int64")
    table["change"] = table[index] - now["economy"].map(previous[index]).to_numpy(dtype="float64")
    entered = "new" if year - 1 in result.years else ""  # no previous year at all: nothing entered
    movement = table["rank_change"].map(lambda m: entered if pd.isna(m) else ("=" if m == 0 else f"{int(m):+d}"))
    table["movement"] = movement.astype(str)
    table.attrs["ranked_both_years"] = len(both)
    flags = result.economy_flags
    if not flags.empty:  # E estimates, C carried forward, ! few indicators or mostly estimates (ictindex.flags)
        flags = flags[flags["year"] == year].set_index("economy")
        table["flag"] = table["economy"].map(flags["marker"]).fillna("")
        table["indicators_present"] = table["economy"].map(flags["present"]).astype("Int64")
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class ReportYear:
    """The year a report shows and why (:func:`choose_year`): ``table`` holds, per year with scores, the units
    counted (``units``: ITU Member States scored in any year for economies, every scored unit otherwise), those
    scored, those with reported data for more than ``indicator_share`` of the indicators (``reported``) and
    their share (``reported_share``)."""

    year: int
    reason: str
    table: pd.DataFrame


def choose_year(
    result: IndexResult,
    *,
    unit_share: float = 0.5,
    indicator_share: float = 0.5,
) -> ReportYear:
    """The latest year in which most units have reported (not carried forward) values for most indicators.

    A year counts when more than ``unit_share`` of the units are scored in it with reported values
    (``result.raw``: before imputation) for more than ``indicator_share`` of the framework's indicators. The
    units counted are the ITU Member States scored in any year of ``result`` (for economies) or every unit
    scored in any year. Without such a year, the year with the most such units (the latest of equals). Reads
    the one build: nothing is rebuilt.

    >>> import pandas as pd, ictindex
    >>> panel = pd.DataFrame({"economy": ["P1", "P2", "P1", "P2"], "year": [2022, 2022, 2023, 2023],
    ...     "indicator": "internet_users", "value": [50.0, 60.0, 55.0, None]})
    >>> r = ictindex.build_index(panel.dropna(), "doi", units="any", min_coverage=0.05)
    >>> choice = choose_year(r)  # one indicator of the DOI's eleven: no year qualifies, the latest of the best
    >>> choice.year, choice.reason.startswith("2023: no year in which more than 50% of the scored units")
    (2023, True)
    """
    ranked = result.scores.dropna(subset=["rank"])
    if ranked.empty:
        raise MethodError(
            f"no {result.units.noun} is scored in any year",
            hint="see result.excluded for the reasons; add data or lower min_coverage",
        )
    codes = result.framework.indicator_codes
    raw = result.raw.set_index(["economy", "year"])[codes]
    share = raw.notna().mean(axis=1)
    universe = pd.Index(ranked["economy"].unique())
    if result.units.resolves_names:
        universe = universe[universe.isin(itu_member_states())]
    rows = []
    for year in sorted(ranked["year"].unique()):
        scored = ranked.loc[ranked["year"] == year, "economy"]
        year_share = share.xs(year, level="year") if year in share.index.get_level_values("year") else share.iloc[:0]
        counted = universe[universe.isin(scored)]  # a unit counts when scored in the year and mostly reported
        reported = int((year_share.reindex(counted) > indicator_share).sum())
        rows.append(
            {
                "year": int(year),
                "units": len(universe),
                "scored": int(scored.isin(universe).sum()),
                "reported": reported,
                "reported_share": reported / len(universe) if len(universe) else 0.0,
            }
        )
    table = pd.DataFrame(rows)
    good = table[table["reported_share"] > unit_share]
    who = "ITU Member States" if result.units.resolves_names else f"scored {result.units.plural}"
    rule = (
        f"more than {unit_share:.0%} of the {who} have reported (not carried forward) values for more than "
        f"{indicator_share:.0%} of the {len(codes)} indicators"
    )
    if not good.empty:
        row = good.iloc[-1]
        reason = f"{int(row['year'])}: the latest year in which {rule} ({int(row['reported'])} of {int(row['units'])})"
    else:
        row = table.sort_values(["reported", "year"]).iloc[-1]
        reason = (
            f"{int(row['year'])}: no year in which {rule}; the year with the most of them "
            f"({int(row['reported'])} of {int(row['units'])})"
        )
    later = table[table["year"] > row["year"]]
    if not later.empty:
        reason += "; later years: " + ", ".join(
            f"{int(r.year)} {int(r.reported)} of {int(r.units)}" for r in later.itertuples()
        )
    return ReportYear(year=int(row["year"]), reason=reason + ".", table=table)


def default_rule(result: IndexResult, year: int, min_data: float = 0.5) -> tuple[RankingRule, str]:
    """The ranking rule of a report when none is given: :meth:`RankingRule.publication`, or every scored unit
    when that rule would rank none (the note then says why; "" otherwise)."""
    rule = RankingRule.publication(result.units, min_data=min_data)
    kept, _ = apply_ranking_rule(result, year, rule)
    if kept.empty:
        return RankingRule(), (
            f"Ranking: every scored {result.units.noun} is ranked: none would be under the default rule "
            f"({rule.describe(result.units)})"
        )
    return rule, ""
