"""The world and group estimates a report shows: :class:`EstimateFindings`, computed by :func:`estimate_findings`.

The estimates (:func:`ictindex.estimates`) count every economy, the non-reporting ones imputed; beside them ITU's
published Facts and Figures, the WSIS targets drawn from them, and the gender parity of Internet use.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ictindex import divide
from ictindex.estimates import MEASURES, Estimates, load_estimates_spec
from ictindex.estimates import estimates as estimate_groups
from ictindex.units import bundled_panel

#: The headline indicators a report estimates, with the WSIS target (:data:`ictindex.divide.WSIS_TARGETS`) each
#: one tracks.
ESTIMATED_TARGETS = {
    "internet_use": "internet_users",
    "households_internet": "hh_internet",
    "coverage_3g": "mobile_3g",
    "coverage_4g": "mobile_4g",
}
#: The groupings of the estimates a report shows (ITU's Facts and Figures groupings).
ESTIMATE_GROUPINGS = ("world", "itu_region", "income", "ldc_lldc_sids")
_ESTIMATES_CACHE: dict[int, Estimates] = {}


@dataclass(frozen=True)
class EstimateFindings:
    """The world and group estimates a report shows (:func:`ictindex.estimates`: every economy counted, the
    non-reporting ones imputed), up to the report's ``year``.

    ``estimates`` the :class:`~ictindex.estimates.Estimates` (years up to ``year``); ``table`` the estimates of
    ``year`` (totals) with ITU's published figure for the same group and year where bundled (latest edition),
    the difference and the edition; ``published`` every bundled Facts and Figures figure up to ``year`` beside
    the estimate (every edition); ``wsis`` the WSIS-target table of :func:`ictindex.divide.wsis_targets` drawn
    from the estimates (world and income groups; ``meets_coverage`` is true: nothing is missing) with ``low``,
    ``high``, ``imputed_share`` and ``flag``; ``wsis_trends`` its fitted trends; ``parity`` the gender parity
    score of Internet use for the world and groups per year with the share of the population observed by sex
    and ITU's figure; ``notes`` what the estimates could not cover.
    """

    year: int
    estimates: Estimates
    table: pd.DataFrame
    published: pd.DataFrame
    wsis: pd.DataFrame
    wsis_trends: pd.DataFrame
    parity: pd.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def indicators(self) -> dict[str, str]:
        """Code -> name of the indicators estimated."""
        return {i.code: i.name for i in self.estimates.spec.indicators if i.code in set(self.table["indicator"])}


def _bundled_estimates(panel: pd.DataFrame, codes: list[str]) -> Estimates:
    """The estimates of ``panel``; those of the bundled panel (read once per process) computed once per process
    (the models always see every year of the data, so one run serves every report year)."""
    if panel is not bundled_panel():
        return estimate_groups(panel, indicators=codes, groupings=ESTIMATE_GROUPINGS)
    key = hash(tuple(codes))
    if key not in _ESTIMATES_CACHE:
        _ESTIMATES_CACHE[key] = estimate_groups(panel, indicators=codes, groupings=ESTIMATE_GROUPINGS)
    return _ESTIMATES_CACHE[key]


def _latest_edition(published: pd.DataFrame) -> pd.DataFrame:
    """Each group-year's figure from the latest edition that published it (a printed figure before a derived)."""
    order = published.assign(_printed=~published["source_kind"].fillna("").str.startswith("derived"))
    order = order.sort_values(["edition", "_printed"])
    keys = ["indicator", "measure", "sex", "location", "group", "year"]
    return order.groupby(keys, as_index=False).last().drop(columns="_printed")


def _wsis_from_estimates(table: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The WSIS-target table (columns of :func:`ictindex.divide.wsis_targets`) from the world and income-group
    estimates, the year each target was or would be reached (:func:`ictindex.divide.wsis_targets`' rule, on
    every year of the estimates), and the fitted trends."""
    targets = {t.code: t for t in divide.WSIS_TARGETS}
    rows = table[
        (table["sex"] == "total")
        & (table["location"] == "total")
        & table["grouping"].isin(["world", "income"])
        & (table["group"] != "Not classified")
        & table["indicator"].isin(list(ESTIMATED_TARGETS))
        & (table["year"] <= year)
    ]
    frames = []
    for code, part in rows.groupby("indicator", sort=False):
        target = targets[ESTIMATED_TARGETS[code]]
        part = part.assign(
            target=target.code,
            name=target.name,
            target_value=target.target_value,
            distance=target.target_value - part["value"],
            population_share=1.0,
            meets_coverage=part["value"].notna(),
        )
        reached = {
            key: divide._reached(group, target.target_value, 10) for key, group in part.groupby(["grouping", "group"])
        }
        keys = list(zip(part["grouping"], part["group"], strict=True))
        part["reached_year"] = pd.array([reached[k][0] for k in keys], dtype="Float64").astype("Int64")
        for i, column in enumerate(["reached", "trend", "trend_r", "trend_t0"], start=1):
            part[column] = [reached[k][i] for k in keys]
        frames.append(part)
    if not frames:
        return pd.DataFrame(), pd.DataFrame()
    wsis = pd.concat(frames, ignore_index=True)
    columns = [
        "target", "name", "grouping", "group", "year", "value", "low", "high", "population_share",
        "reported_share", "imputed_share", "imputed_units", "units", "flag", "target_value", "distance",
        "meets_coverage", "reached_year", "reached", "trend", "trend_r", "trend_t0",
    ]  # fmt: skip
    wsis = wsis[columns].reset_index(drop=True)
    return wsis, divide.wsis_trend_points(wsis)


def estimate_findings(year: int, panel: pd.DataFrame) -> tuple[EstimateFindings | None, str | None]:
    """The estimates a report of economies shows for ``year`` (:class:`EstimateFindings`), or None and the reason
    (the panel holds none of the headline series, or no value up to ``year``)."""
    from ictindex.inputs.bundled_files import facts_and_figures

    spec = load_estimates_spec()
    present = set(panel.loc[panel["value"].notna(), "indicator"].unique())
    codes = [c for c in ESTIMATED_TARGETS if set(spec.indicator(c).total) & present]
    if not codes:
        return None, "the data hold none of the headline series the estimates need"
    est = _bundled_estimates(panel, codes)
    upto = est.table["year"] <= year
    if not upto.any():
        return None, f"no headline value in or before {year}"
    est = replace(
        est,
        table=est.table[upto].reset_index(drop=True),
        parity=est.parity[est.parity["year"] <= year].reset_index(drop=True),
        units=est.units[est.units["year"] <= year].reset_index(drop=True),
    )
    published = est.compare(facts_and_figures())
    published = published[published["year"] <= year].reset_index(drop=True)
    latest = _latest_edition(published)
    keys = ["indicator", "group", "year"]
    figures = latest[(latest["measure"] == "value") & (latest["sex"] == "total") & (latest["location"] == "total")]
    table = est.table[(est.table["sex"] == "total") & (est.table["location"] == "total") & (est.table["year"] == year)]
    table = table.merge(figures[[*keys, "published", "edition"]], on=keys, how="left")
    table["difference"] = table["value"] - table["published"]
    table.insert(1, "name", table["indicator"].map({i.code: i.name for i in spec.indicators}))
    columns = ["indicator", "name", "grouping", "group", "year", "value", "low", "high", "imputed_share"]
    table = table[[*columns, "imputed_units", "units", "flag", "published", "edition", "difference"]]
    parity = est.parity[(est.parity["indicator"] == "internet_use") & (est.parity["measure"] == MEASURES["sex"])]
    gender_figures = latest[latest["measure"] == "gender parity score"][["group", "year", "published", "edition"]]
    parity = parity.drop(columns=["indicator", "measure"]).merge(gender_figures, on=["group", "year"], how="left")
    parity["difference"] = parity["value"] - parity["published"]
    wsis, trends = _wsis_from_estimates(est.table, year)
    return (
        EstimateFindings(
            year=year,
            estimates=est,
            table=table.reset_index(drop=True),
            published=published,
            wsis=wsis,
            wsis_trends=trends,
            parity=parity.reset_index(drop=True),
            notes=est.notes,
        ),
        None,
    )
