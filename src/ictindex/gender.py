"""Gender analysis: female and male indices, parity scores, gaps and the equally-distributed score.

The female (male) index is the framework computed with the female (male) value of every
sex-disaggregable indicator (survey-based individual indicators: Internet use, mobile-phone
ownership, ICT skills) and the common, both-sexes value of every other indicator (coverage,
prices, subscriptions, household indicators), with the *same* goalposts, fitted parameters and
weights as the total index (methodology §4.6, "a proposed gender-disaggregated DOI").
:func:`ictindex.build_index` composes that with ``by_sex=True``; this module holds the measures.

Measures, for a female score F and a male score M (an indicator or a node):

* parity score ``F / M`` — ITU's gender parity score for Internet use; parity is "achieved"
  within 0.98-1.02 (ITU Facts and Figures 2021-2024, "Internet use moving closer to gender
  parity"); below the band women are behind, above it men are;
* relative gap ``(M - F) / M = 1 - parity`` — the EIU Inclusive Internet Index and GSMA
  "digital gender gap" (positive = men ahead);
* equally-distributed score ``[p_f F^(1-e) + p_m M^(1-e)]^(1/(1-e))`` with inequality aversion
  ``e = 2``, i.e. the population-weighted harmonic mean ``1 / (p_f/F + p_m/M)`` of UNDP's former
  Gender-related Development Index (HDR 1995-2009 technical note: "equally distributed index");
  ``p_f``, ``p_m`` are the female and male population shares (from the data when given,
  0.5/0.5 otherwise).

A node with a sex-disaggregable indicator below it gets a female and male score only when
*both* sexes have a value for *every* such indicator: an economy with only a total value gets
no female/male score for that node, and the gender table says why. The total is never used
in place of a female or male value. (The ``total`` column is the total index as built, from the
framework's first available series; where that is not the survey the by-sex values come from,
it need not lie between the female and male scores.)

>>> round(float(parity_score(94.6, 97.1)), 3), round(float(relative_gap(94.6, 97.1)), 3)
(0.974, 0.026)
>>> round(float(equally_distributed(0.4, 0.6)), 4)   # harmonic mean of 0.4 and 0.6
0.48
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ictindex.errors import MethodError
from ictindex.framework import Framework

if TYPE_CHECKING:
    from ictindex.result import IndexResult

__all__ = [
    "PARITY_BAND",
    "POPULATION_SERIES",
    "GENDER_COLUMNS",
    "parity_score",
    "relative_gap",
    "equally_distributed",
    "parity_band",
    "gendered_nodes",
    "check_framework",
    "female_shares",
    "indicator_parity",
    "mask_without_sex_data",
    "gender_table",
    "framework_series",
    "value_years",
    "latest_parity",
    "population_weighted_use",
    "framework_parity",
    "missing_ingredients",
    "gender_slice",
]

PARITY_BAND = (0.98, 1.02)
"""ITU: gender parity is achieved when the parity score lies between 0.98 and 1.02."""

POPULATION_SERIES = ("POP", "SP.POP.TOTL")
"""Series whose female and male rows give the population shares of the equally-distributed score."""

GENDER_COLUMNS = [
    "economy",
    "year",
    "node",
    "total",
    "female",
    "male",
    "parity",
    "gap",
    "band",
    "edi",
    "female_share",
    "shares",
    "data_years",
    "reason",
]
INDICATOR_PARITY_COLUMNS = ["economy", "year", "indicator", "female", "male", "parity", "gap", "band", "source", "note"]
EQUAL_SHARES = "equal (0.5/0.5): no population by sex in the data"


def parity_score(female: np.ndarray | float, male: np.ndarray | float) -> np.ndarray:
    """Gender parity score ``F / M`` (1 when both are equal, also both zero; NaN when only M is 0)."""
    f, m = np.asarray(female, dtype="float64"), np.asarray(male, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(f == m, 1.0, f / np.where(m == 0, np.nan, m))
    return np.where(np.isnan(f) | np.isnan(m), np.nan, ratio)


def relative_gap(female: np.ndarray | float, male: np.ndarray | float) -> np.ndarray:
    """Relative gender gap ``(M - F) / M`` (= 1 - parity score; positive when men are ahead)."""
    return 1.0 - parity_score(female, male)


def equally_distributed(
    female: np.ndarray | float,
    male: np.ndarray | float,
    female_share: np.ndarray | float = 0.5,
    epsilon: float = 2.0,
) -> np.ndarray:
    """Equally-distributed score ``[p_f F^(1-e) + p_m M^(1-e)]^(1/(1-e))``, ``p_m = 1 - p_f``.

    ``e = 2`` (default) is the population-weighted harmonic mean of UNDP's former GDI;
    ``e = 1`` the weighted geometric mean; ``e = 0`` the arithmetic mean. With ``e >= 1`` a
    zero score gives zero (complete inequality aversion in the limit).
    """
    if epsilon < 0:
        raise MethodError(f"inequality aversion epsilon must be >= 0, got {epsilon}")
    f, m = np.asarray(female, dtype="float64"), np.asarray(male, dtype="float64")
    pf = np.asarray(female_share, dtype="float64")
    pm = 1.0 - pf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if epsilon == 1.0:
            out = np.exp(pf * np.log(f) + pm * np.log(m))
        else:
            out = (pf * f ** (1 - epsilon) + pm * m ** (1 - epsilon)) ** (1 / (1 - epsilon))
    if epsilon >= 1.0:
        out = np.where((f == 0) | (m == 0), 0.0, out)
    # the generalised mean lies between min and max; clip rounding noise so that always holds
    out = np.clip(out, np.fmin(f, m), np.fmax(f, m))
    return np.where(np.isnan(f) | np.isnan(m), np.nan, out)


def parity_band(parity: np.ndarray | pd.Series, band: Sequence[float] = PARITY_BAND) -> np.ndarray:
    """Label each parity score: ``parity`` inside the band, ``women behind`` below, ``men behind`` above."""
    lower, upper = _check_band(band)
    p = np.asarray(parity, dtype="float64")
    labels = np.where(p < lower, "women behind", np.where(p > upper, "men behind", "parity"))
    return np.where(np.isnan(p), "", labels)


def _check_band(band: Sequence[float]) -> tuple[float, float]:
    if len(band) != 2 or not 0 < band[0] <= 1 <= band[1]:
        raise MethodError(
            f"parity band must be (lower, upper) with 0 < lower <= 1 <= upper, got {tuple(band)}",
            hint="ITU uses (0.98, 1.02)",
        )
    return float(band[0]), float(band[1])


def gendered_nodes(framework: Framework) -> dict[str, list[str]]:
    """Nodes with at least one sex-disaggregable indicator below them, and those indicators.

    Only these nodes can differ between women and men; every other node has one common score.
    """
    below: dict[str, list[str]] = {}
    for code in framework.aggregation_order:
        found: list[str] = []
        for child in framework.node(code).children:
            if child.code in below:
                found.extend(below[child.code])
            elif child.code in framework.indicator_codes and framework.indicator(child.code).sex_disaggregable:
                found.append(child.code)
        if found:
            below[code] = found
    return {code: below[code] for code in framework.top_down_order if code in below}


def check_framework(framework: Framework) -> None:
    """Refuse a by-sex build the framework cannot support, saying why."""
    if not gendered_nodes(framework):
        raise MethodError(
            f"framework '{framework.code}' has no sex-disaggregable indicator, so its female and male "
            "indices would equal the total",
            hint="mark survey-based indicators 'sex_disaggregable: true', or use the 'doi_gender' framework",
        )
    for ind in framework.indicators:
        if ind.sex_disaggregable and ind.normalisation.method in {"rank", "percentile"}:
            raise MethodError(
                f"'{ind.normalisation.method}' normalisation ranks each sex within its own group, so female "
                "and male scores would not be comparable",
                indicator=ind.code,
                hint="use goalpost, min-max or z-score normalisation for sex-disaggregable indicators",
            )


def female_shares(panel: pd.DataFrame) -> pd.Series:
    """Female share of the population per (economy, year), from female/male rows of a
    population series (:data:`POPULATION_SERIES`); empty when the panel has none."""
    pop = panel[panel["indicator"].isin(POPULATION_SERIES) & panel["sex"].isin(["female", "male"])]
    if pop.empty:
        return pd.Series(dtype="float64", index=pd.MultiIndex.from_arrays([[], []], names=["economy", "year"]))
    wide = pop.pivot_table(index=["economy", "year"], columns="sex", values="value", aggfunc="first")
    wide = wide.reindex(columns=["female", "male"])
    share = wide["female"] / (wide["female"] + wide["male"])
    return share[(share > 0) & (share < 1)].rename("female_share")


def indicator_parity(
    panel: pd.DataFrame, *, band: Sequence[float] = PARITY_BAND, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """Parity score and gap of every series that has female and male values (raw units).

    One row per economy, year and series with both a female and a male value — e.g. ITU's
    Internet use by sex (i99H) or SDG 5.b.1 mobile-phone ownership (IT_MOB_OWN).

    >>> panel = pd.DataFrame({"economy": "KOR", "year": 2018, "indicator": "i99H",
    ...     "sex": ["female", "male"], "value": [94.6, 97.1], "source": "ITU"})
    >>> indicator_parity(panel)[["parity", "gap", "band"]].round(3).values.tolist()
    [[0.974, 0.026, 'women behind']]
    """
    rows = panel[panel["sex"].isin(["female", "male"]) & ~panel["indicator"].isin(POPULATION_SERIES)]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    if rows.empty:
        return pd.DataFrame(columns=INDICATOR_PARITY_COLUMNS)
    wide = (
        rows.pivot_table(
            index=["economy", "year", "indicator"], columns="sex", values="value", aggfunc="first", observed=True
        )
        .reindex(columns=["female", "male"])
        .dropna()
    )
    table = wide.reset_index().rename_axis(columns=None)
    table["parity"] = parity_score(table["female"], table["male"])
    table["gap"] = relative_gap(table["female"], table["male"])
    table["band"] = parity_band(table["parity"], band)
    for column in ("source", "note"):
        if column in rows:  # the female and the male row's text, once when they agree
            text = rows[column].astype(object).where(rows[column].notna(), "").astype(str)
            by_sex = (
                rows.assign(_text=text)
                .groupby(["economy", "year", "indicator", "sex"], observed=True)["_text"]
                .first()
                .unstack("sex")
                .reindex(columns=["female", "male"])
                .fillna("")
                .reindex(wide.index)
                .fillna("")
            )
            f, m = by_sex["female"].to_numpy(dtype=object), by_sex["male"].to_numpy(dtype=object)
            joined = np.where((f == m) | (m == ""), f, np.where(f == "", m, f + " | " + m))
            table[column] = joined
        else:
            table[column] = ""
    return table[INDICATOR_PARITY_COLUMNS].sort_values(["year", "indicator", "economy"]).reset_index(drop=True)


def mask_without_sex_data(
    female: pd.DataFrame,
    male: pd.DataFrame,
    female_values: pd.DataFrame,
    male_values: pd.DataFrame,
    framework: Framework,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Remove female/male node scores that lack a female or male value of a disaggregable indicator.

    ``female``/``male`` are node scores and ``female_values``/``male_values`` the (imputed)
    indicator values, all indexed by (economy, year). Returns the masked scores and one row
    (economy, year, node, reason) per node left without a female/male score.
    """
    female, male = female.copy(), male.copy()
    reasons: list[pd.DataFrame] = []
    for node, indicators in gendered_nodes(framework).items():
        lacking = pd.DataFrame({code: female_values[code].isna() | male_values[code].isna() for code in indicators})
        missing = lacking.any(axis=1)
        if not missing.any():
            continue
        female.loc[missing, node] = np.nan
        male.loc[missing, node] = np.nan
        absent = lacking[missing]
        names = pd.Series(
            _join_texts([np.where(absent[code], code, "") for code in indicators], ", "), index=absent.index
        )
        reasons.append(
            pd.DataFrame(
                {
                    "economy": names.index.get_level_values("economy"),
                    "year": names.index.get_level_values("year"),
                    "node": node,
                    "reason": "no female and male value for "
                    + names.to_numpy().astype(str)
                    + " (a total alone is not split by sex)",
                }
            )
        )
    table = (
        pd.concat(reasons, ignore_index=True)
        if reasons
        else pd.DataFrame(columns=["economy", "year", "node", "reason"])
    )
    return female, male, table


def gender_table(
    total: pd.DataFrame,
    female: pd.DataFrame,
    male: pd.DataFrame,
    framework: Framework,
    *,
    reasons: pd.DataFrame | None = None,
    shares: pd.Series | None = None,
    band: Sequence[float] = PARITY_BAND,
    epsilon: float = 2.0,
    data_years: pd.Series | None = None,
) -> pd.DataFrame:
    """The tidy gender table: one row per economy, year and gendered node.

    ``total``, ``female``, ``male`` are node scores indexed by (economy, year) on the
    framework's scale. Rows cover every economy-year with a total or a female/male score for
    the node; ``reason`` says why a female/male score is missing. Columns:
    :data:`GENDER_COLUMNS` (``band``: ``parity``, ``women behind`` or ``men behind``;
    ``shares`` says where the population shares came from; ``data_years``, from :func:`value_years`,
    the year each female and male value was observed in, when some were carried forward).
    """
    _check_band(band)
    nodes = list(gendered_nodes(framework))
    index = total.index.union(female.index).union(male.index)
    frames = []
    for node in nodes:
        t = total[node].reindex(index) if node in total else pd.Series(np.nan, index=index)
        f, m = female[node].reindex(index), male[node].reindex(index)
        keep = (t.notna() | f.notna() | m.notna()).to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "economy": index.get_level_values("economy")[keep],
                    "year": index.get_level_values("year")[keep],
                    "node": node,
                    "total": t.to_numpy()[keep],
                    "female": f.to_numpy()[keep],
                    "male": m.to_numpy()[keep],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=GENDER_COLUMNS[:6])
    key = pd.MultiIndex.from_frame(table[["economy", "year"]])
    share = shares.reindex(key).to_numpy() if shares is not None and not shares.empty else np.full(len(table), np.nan)
    from_data = ~np.isnan(share)
    table["female_share"] = np.where(from_data, share, 0.5)
    table["shares"] = np.where(from_data, "population by sex from the data", EQUAL_SHARES)
    table["parity"] = parity_score(table["female"], table["male"])
    table["gap"] = relative_gap(table["female"], table["male"])
    table["band"] = parity_band(table["parity"], band)
    table["edi"] = equally_distributed(table["female"], table["male"], table["female_share"], epsilon)
    table["data_years"] = ""
    if data_years is not None and not data_years.empty:
        found = data_years.reindex(key).to_numpy()
        table["data_years"] = np.where(pd.isna(found), "", found)
    table["reason"] = ""
    if reasons is not None and not reasons.empty:
        why = reasons.set_index(["economy", "year", "node"])["reason"]
        found = why.reindex(pd.MultiIndex.from_frame(table[["economy", "year", "node"]])).to_numpy()
        table["reason"] = np.where(pd.isna(found), "", found)
    no_score = table["female"].isna() & (table["reason"] == "")
    table.loc[no_score, "reason"] = "the node is not scored for women and men (see coverage)"
    order = {code: i for i, code in enumerate(nodes)}
    table = table.assign(_n=table["node"].map(order)).sort_values(["year", "_n", "economy"])
    return table[GENDER_COLUMNS].reset_index(drop=True)


def framework_series(*frameworks: Framework) -> dict[str, tuple[float | None, float | None]]:
    """Every indicator code and source series of ``frameworks`` with its valid range.

    Pass it as ``known_series`` when one panel feeds two frameworks (the report's index and its
    gender sub-index), so that rows meant for the other framework are not taken for errors.
    """
    known: dict[str, tuple[float | None, float | None]] = {}
    for fw in frameworks:
        for ind in fw.indicators:
            known.setdefault(ind.code, ind.valid_range)
            if ind.source is not None:
                for code in ind.source.codes if ind.source.is_ratio else ind.source.series:
                    known.setdefault(code, ind.valid_range if not ind.source.is_ratio else (0.0, None))
    return known


def value_years(values: dict[str, pd.DataFrame], logs: pd.DataFrame, framework: Framework) -> pd.Series:
    """The year each female and male value of a sex-disaggregable indicator was observed in.

    ``values`` maps ``female``/``male`` to the (imputed) indicator matrix indexed by (economy, year);
    ``logs`` is the imputation log with a ``sex`` column (``from_year`` of every carried value).
    Returns, per (economy, year), text such as ``internet_users 2022; mobile_ownership 2021`` or
    ``mobile_ownership 2020 (women), 2021 (men)`` when the two differ; empty when nothing is present.
    """
    codes = [ind.code for ind in framework.indicators if ind.sex_disaggregable]
    parts: list[pd.DataFrame] = []
    index = values["female"].index
    # float from the start: a year column of whole numbers given NaN (absent) or a carried float year by ``where``
    # was downcast back to integers by pandas 2.2, with a FutureWarning on every by-sex build that carried a value
    year_of = pd.Series(index.get_level_values("year"), index=index, dtype="float64")
    for code in codes:
        years = {}
        for sex in ("female", "male"):
            present = values[sex][code].reindex(index).notna()
            carried = logs[(logs["indicator"] == code) & (logs["sex"] == sex)]
            carried = carried.set_index(["economy", "year"])["from_year"]
            observed = year_of.where(present)
            observed = observed.where(~observed.index.isin(carried.index), carried.reindex(index))
            whole = observed.fillna(0).to_numpy(dtype="int64").astype(str).astype(object)
            years[sex] = np.where(observed.isna().to_numpy(), "", whole)
        f, m = years["female"], years["male"]
        text = np.where(
            (f == "") | (m == ""), "", np.where(f == m, code + " " + f, code + " " + f + " (women), " + m + " (men)")
        )
        parts.append(text)
    if not parts:
        return pd.Series(dtype="str")
    return pd.Series(_join_texts(parts, "; "), index=index, name="data_years")


def _join_texts(columns: list[np.ndarray], sep: str) -> np.ndarray:
    """Row by row, the non-empty texts of ``columns`` joined by ``sep`` (``sep.join(t for t in row if t)``),
    computed a column at a time (a by-sex build has thousands of rows)."""
    out = np.asarray(columns[0], dtype=object)
    for column in columns[1:]:
        text = np.asarray(column, dtype=object)
        out = np.where(out == "", text, np.where(text == "", out, out + sep + text))
    return out


def latest_parity(indicator_table: pd.DataFrame, year: int, max_gap: int = 3) -> pd.DataFrame:
    """Newest row of each economy and series in ``[year - max_gap, year]`` of an :func:`indicator_parity`
    table, with ``data_year`` (the year observed) and ``year`` set to the year reported.

    The DOI's latest-available rule (WISR 2007 Annex) applied to by-sex series, so that a 2023 report
    shows the parity of every economy surveyed 2020-2023.

    >>> table = pd.DataFrame({"economy": ["KOR", "KOR"], "year": [2020, 2022], "indicator": "i99H",
    ...                       "female": [90.0, 95.0], "male": [95.0, 96.0], "parity": [0.947, 0.990]})
    >>> latest_parity(table, 2023)[["economy", "year", "data_year", "parity"]].values.tolist()
    [['KOR', 2023, 2022, 0.99]]
    """
    window = indicator_table[indicator_table["year"].between(year - max_gap, year)]
    newest = window.sort_values("year").groupby(["economy", "indicator"], as_index=False, observed=True).last()
    newest = newest.rename(columns={"year": "data_year"}).assign(year=year)
    columns = ["economy", "year", "data_year", *[c for c in indicator_table.columns if c not in ("economy", "year")]]
    return newest[columns].sort_values(["indicator", "economy"]).reset_index(drop=True)


def population_weighted_use(
    table: pd.DataFrame, population: pd.DataFrame, year: int, indicator: str = "i99H"
) -> dict[str, float]:
    """Population-weighted female and male share of the economies with a value, and the population covered.

    ``female = sum_i F_i w_i^f / sum_i w_i^f`` (``w^f`` the female population), the same for men, over
    the economies of ``table`` (an :func:`indicator_parity` table) with ``indicator`` in ``year``;
    ``population`` is a tidy panel with female, male and total rows of a :data:`POPULATION_SERIES`
    series. ``covered`` is the population of those economies over that of every economy in
    ``population`` that year: the weighted shares describe the covered economies only, not the world.
    """
    rows = table[(table["indicator"] == indicator) & (table["year"] == year)].set_index("economy")
    pop = population[population["indicator"].isin(POPULATION_SERIES) & (population["year"] == year)]
    pop = pop.pivot_table(index="economy", columns="sex", values="value", aggfunc="first")
    if not {"female", "male", "total"} <= set(pop.columns):
        raise MethodError(
            f"no female, male and total population for {year}",
            year=year,
            hint="use a panel with SP.POP.TOTL (or POP) rows by sex for that year",
        )
    both = rows.join(pop.add_suffix("_population"), how="inner")
    both = both[both[["female", "male", "female_population", "male_population"]].notna().all(axis=1)]
    if both.empty or not (both["female_population"] > 0).any() or not (both["male_population"] > 0).any():
        raise MethodError(
            f"no economy has both a female and a male value of '{indicator}' and a female and male population "
            f"in {year} ({len(rows)} with a by-sex value, none of them with a population)"
            if len(rows)
            else f"no economy has both a female and a male value of '{indicator}' in {year}",
            indicator=indicator,
            year=year,
            hint="choose a year with by-sex data (see indicator_parity), or use ictindex.estimates, which imputes "
            "the economies without by-sex data and states the share imputed",
        )
    female = float(np.average(both["female"], weights=both["female_population"]))
    male = float(np.average(both["male"], weights=both["male_population"]))
    return {
        "female": female,
        "male": male,
        "parity": female / male,
        "economies": len(both),
        "without_population": len(rows) - len(both),
        "covered": float(both["total_population"].sum() / pop["total"].sum()),
    }


def _series_of(framework: Framework) -> dict[str, list[str]]:
    """Each sex-disaggregable indicator and the codes its by-sex values may come under, in preference order."""
    out = {}
    for ind in framework.indicators:
        if ind.sex_disaggregable:
            series = list(ind.source.series) if ind.source is not None and not ind.source.is_ratio else []
            out[ind.code] = [ind.code, *series]
    return out


def framework_parity(indicator_table: pd.DataFrame, framework: Framework, year: int, max_gap: int = 3) -> pd.DataFrame:
    """Parity of each sex-disaggregable framework indicator, per economy, from the newest by-sex values in
    ``[year - max_gap, year]`` (:func:`latest_parity`), whichever code they come under (the framework code
    or one of its source series, in the framework's order of preference).

    One row per economy and framework indicator: ``economy, year, data_year, indicator, series, female,
    male, parity, gap, band, source, note``. Every economy with that series appears, whether or not the
    full sub-index can be built for it.
    """
    frames = []
    for code, series in _series_of(framework).items():
        rows = indicator_table[indicator_table["indicator"].isin(series)]
        if rows.empty:
            continue
        latest = latest_parity(rows, year, max_gap)
        latest["_pref"] = latest["indicator"].map({s: i for i, s in enumerate(series)})
        latest = latest.sort_values(["economy", "data_year", "_pref"], ascending=[True, False, True])
        latest = latest.drop_duplicates("economy").drop(columns="_pref")
        frames.append(latest.rename(columns={"indicator": "series"}).assign(indicator=code))
    columns = [
        "economy",
        "year",
        "data_year",
        "indicator",
        "series",
        "female",
        "male",
        "parity",
        "gap",
        "band",
        "source",
        "note",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    return (
        table[[c for c in columns if c in table.columns]].sort_values(["indicator", "economy"]).reset_index(drop=True)
    )


def missing_ingredients(panel: pd.DataFrame, framework: Framework) -> list[str]:
    """What a by-sex build of ``framework`` lacks in ``panel``: one sentence per sex-disaggregable indicator
    without any pair of female and male values, naming the codes that would be accepted."""
    sexed = panel[panel["sex"].isin(["female", "male"])] if "sex" in panel.columns else panel.iloc[:0]
    pairs = sexed.groupby(["economy", "year", "indicator"], observed=True)["sex"].nunique()
    with_pairs = set(pairs[pairs == 2].index.get_level_values("indicator"))
    missing = []
    for code, series in _series_of(framework).items():
        if not with_pairs.intersection(series):
            missing.append(
                f"no female and male values for '{code}' (rows with sex 'female' and 'male' under "
                f"indicator {' or '.join(repr(s) for s in series)})"
            )
    return missing


def gender_slice(
    data: IndexResult | pd.DataFrame, year: int | None = None, node: str | None = None
) -> tuple[pd.DataFrame, int, str, str]:
    """Rows of the gender table with female and male scores for one year and node (what the gender charts
    and the key findings show).

    Returns the rows, the year, the node code and the node's display name. The default year
    is the latest with any female/male score, the default node the highest one in the tree.
    """
    table = data if isinstance(data, pd.DataFrame) else data.gender
    name_of = (lambda code: code) if isinstance(data, pd.DataFrame) else (lambda code: data.framework.node(code).name)
    scored = table[table["female"].notna() & table["male"].notna()]
    if scored.empty:
        raise MethodError("no economy has both a female and a male score to plot", hint="check result.gender['reason']")
    year = int(scored["year"].max()) if year is None else int(year)
    node = str(table["node"].iloc[0]) if node is None else node
    rows = scored[(scored["year"] == year) & (scored["node"] == node)]
    if rows.empty:
        raise MethodError(
            f"no female and male scores for node '{node}' in {year}",
            node=node,
            year=year,
            hint=f"years with scores: {sorted(scored['year'].unique().tolist())}",
        )
    return rows.reset_index(drop=True), year, node, name_of(node)
