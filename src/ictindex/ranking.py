"""The headline ranking: which scored units it holds (:class:`RankingRule`), re-ranked among them, and the
ranking table with the change since the previous year.

A rule leaves units out of the ranking only: they keep their scores in every other table (coverage,
averages, the map). Names and words come from the result's units table (``result.units``).

>>> RankingRule(min_data=0.5).describe()  # doctest: +NORMALIZE_WHITESPACE
'Ranked: scored economies with reported data for at least 50% of the indicators; the other scored economies
keep their scores in the tables but are not ranked.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.units import Units, itu_member_states

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = ["RankingRule", "apply_ranking_rule", "data_coverage", "ranking_table"]


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


def ranking_table(result: IndexResult, year: int | None = None, rule: RankingRule | None = None) -> pd.DataFrame:
    """Rank, unit code and name, index and sub-index scores, and the change since the previous year.

    ``rank_change`` is positive when the economy moved up (previous rank - rank);
    ``change`` is the index score change. Both are empty when the economy was not ranked the
    year before (or the result has no previous year). With a :class:`RankingRule`, the economies
    it leaves out are not in the table and the ranks (both years) are those under the rule.
    """
    year = result.report_year(year)
    index = result.framework.index
    nodes = result.node_codes
    now, _ = apply_ranking_rule(result, year, rule)
    table = pd.DataFrame({"rank": now["rank"], "economy": now["economy"], "name": result.units.names(now["economy"])})
    for code in nodes:
        table[code] = now[code].to_numpy()
    previous = (
        apply_ranking_rule(result, year - 1, rule)[0] if year - 1 in result.years else result.scores.iloc[:0]
    ).set_index("economy")
    before_rank = now["economy"].map(previous["rank"]) if not previous.empty else pd.Series(pd.NA, index=now.index)
    before_score = now["economy"].map(previous[index]) if not previous.empty else np.nan
    table["previous_rank"] = pd.array(before_rank, dtype="Int64")
    table["rank_change"] = table["previous_rank"] - table["rank"]
    table["change"] = table[index] - before_score
    flags = result.economy_flags
    if not flags.empty:  # E estimates, C carried forward, ! few indicators or mostly estimates (ictindex.flags)
        flags = flags[flags["year"] == year].set_index("economy")
        table["flag"] = table["economy"].map(flags["marker"]).fillna("")
        table["indicators_present"] = table["economy"].map(flags["present"]).astype("Int64")
    return table.reset_index(drop=True)
