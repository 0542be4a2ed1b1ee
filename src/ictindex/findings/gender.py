"""The gender part of a report: :class:`GenderFindings`, computed by :func:`gender_findings`.

From a by-sex result (:func:`ictindex.build_index` with ``by_sex=True``) and/or a parity table
(:func:`ictindex.gender.framework_parity`): the newest year with female and male scores, the parity of every
sex-disaggregated series and the ICT skills summary (SDG 4.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ictindex import gender
from ictindex.inputs.catalogue import SKILLS

if TYPE_CHECKING:
    from ictindex.result import IndexResult


@dataclass(frozen=True)
class GenderFindings:
    """The gender part of a report for report year ``year``: the by-sex ``result`` and the newest year at or
    before ``year`` with female and male scores (``gender_year``), the parity of every sex-disaggregated series
    from the newest values in ``[year - max_gap, year]`` (``parity``) and the ICT skills summary (``skills``)."""

    year: int
    gender_year: int | None
    max_gap: int
    framework_name: str
    result: IndexResult | None = None
    parity: pd.DataFrame | None = None
    skills: pd.DataFrame | None = None

    @property
    def data_years(self) -> tuple[int, int] | None:
        """First and last year the values shown were observed in."""
        years: list[int] = []
        if self.parity is not None and not self.parity.empty:
            years += self.parity["data_year"].astype(int).tolist()
        if self.result is not None and self.gender_year is not None:
            table = self.result.gender
            node = str(table["node"].iloc[0])
            rows = table[
                (table["year"] == self.gender_year)
                & (table["node"] == node)
                & table["female"].notna()
                & table["male"].notna()
            ]
            if "data_years" in rows:
                years += [int(y) for text in rows["data_years"] for y in pd.Series(text).str.findall(r"\b(\d{4})\b")[0]]
        return (min(years), max(years)) if years else None

    @property
    def title(self) -> str:
        span = self.data_years
        observed = (
            f"; values observed {span[0]}–{span[1]}"
            if span and span[0] != span[1]
            else (f"; values observed in {span[0]}" if span else "")
        )
        return (
            f"Gender, {self.year}: newest data by sex at or before {self.year} (at most {self.max_gap} years "
            f"old{observed})"
        )


def _skills_summary(latest: pd.DataFrame) -> pd.DataFrame:
    """One row per SDG 4.4.1 skill type: economies, median parity, economies per parity band, years observed."""
    rows = []
    columns = ["skill", "series", "economies", "median_parity", "women_behind", "parity", "men_behind", "data_years"]
    for code, part in latest.groupby("indicator"):
        skill = code.removeprefix("SE_ADT_ACTS_")
        rows.append(
            {
                "skill": SKILLS.get(skill, skill),
                "series": code,
                "economies": len(part),
                "median_parity": float(part["parity"].median()),
                "women_behind": int((part["band"] == "women behind").sum()),
                "parity": int((part["band"] == "parity").sum()),
                "men_behind": int((part["band"] == "men behind").sum()),
                "data_years": f"{part['data_year'].min()}-{part['data_year'].max()}",
            }
        )
    return pd.DataFrame(rows, columns=columns).sort_values("economies", ascending=False).reset_index(drop=True)


def _gender_year(result: IndexResult | None, year: int) -> int | None:
    if result is None:
        return None
    table = result.gender
    years = table.loc[table["female"].notna() & (table["year"] <= year), "year"]
    return int(years.max()) if not years.empty else None


def gender_findings(
    year: int,
    by_sex: IndexResult | None = None,
    parity: pd.DataFrame | None = None,
    framework_name: str = "gender sub-index",
) -> GenderFindings | None:
    """The gender part for report year ``year`` from a by-sex result and/or a parity table
    (:func:`ictindex.gender.framework_parity`, used when the by-sex build was not possible); ``None`` when
    neither holds female and male values."""
    max_gap = int((by_sex.provenance.get("max_gap") if by_sex is not None else None) or 3)
    gender_year = _gender_year(by_sex, year)
    skills = None
    if by_sex is not None:
        framework_name = by_sex.framework.name
        parity = gender.framework_parity(by_sex.gender_indicators, by_sex.framework, year, max_gap)
        table = by_sex.gender_indicators
        sdg = table[table["indicator"].str.startswith("SE_ADT_ACTS_")]
        latest = gender.latest_parity(sdg, year, max_gap) if not sdg.empty else sdg
        if not latest.empty:  # no skills value in the window: no skills table (a year before any survey)
            skills = _skills_summary(latest)
    parity = parity if parity is not None and not parity.empty else None
    if gender_year is None and parity is None and skills is None:
        return None
    return GenderFindings(
        year=year,
        gender_year=gender_year,
        max_gap=max_gap,
        framework_name=framework_name,
        result=by_sex if gender_year is not None else None,
        parity=parity,
        skills=skills,
    )
