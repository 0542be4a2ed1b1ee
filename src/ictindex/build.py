"""``build_index``: the pipeline composed, with no arithmetic of its own.

load/validate (:mod:`~ictindex.panel`, :mod:`~ictindex.derive`) -> impute
(:mod:`~ictindex.impute`) -> normalise (:mod:`~ictindex.normalise`) -> weight and
aggregate (:mod:`~ictindex.aggregate`) -> rank -> :class:`~ictindex.result.IndexResult`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from ictindex.aggregate import COVERAGE_COLUMNS, aggregate
from ictindex.derive import indicator_values
from ictindex.errors import CoverageError, MethodError, PanelError
from ictindex.framework import Framework, load_framework
from ictindex.gender import (
    PARITY_BAND,
    check_framework,
    female_shares,
    gender_table,
    indicator_parity,
    mask_without_sex_data,
)
from ictindex.impute import impute
from ictindex.normalise import fit, normalise
from ictindex.panel import to_panel
from ictindex.result import IndexResult

__all__ = ["build_index"]


def _library_version() -> str:
    try:
        return version("ictindex")
    except PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


def _panel_hash(panel: pd.DataFrame) -> str:
    ordered = panel.sort_values(["economy", "year", "indicator", "sex"]).reset_index(drop=True)
    digest = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    return hashlib.sha256(digest.tobytes()).hexdigest()


def _absent_economies(panel: pd.DataFrame, values: pd.DataFrame, years: list[int], index: str
                      ) -> pd.DataFrame:
    """Coverage rows for economies in the input that have no row at all in a year built."""
    economies = set(panel["economy"])
    index_years = values.index.get_level_values("year")
    rows = [
        {"economy": e, "year": y, "node": index, "status": "not scored", "present": 0,
         "expected": 0, "missing": "", "reason": f"no data for this economy in {y}"}
        for y in years
        for e in sorted(economies - set(values.index.get_level_values("economy")[index_years == y]))
    ]
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _years_text(years: list[int]) -> str:
    return ", ".join(map(str, years)) if len(years) <= 5 else f"{len(years)} years, {years[0]}-{years[-1]}"


def _rank(scores: pd.DataFrame, index: str) -> pd.Series:
    return (scores[index].groupby(scores["year"]).rank(method="min", ascending=False)
            .astype("Int64"))


def _sex_specific(panel: pd.DataFrame, fw: Framework, sex: str, like: pd.DataFrame, *, imputation: str,
                  max_gap: int, params: dict[str, pd.DataFrame], min_coverage: float | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Female or male indicator values (aligned with the total's ``like``), node scores on the
    framework's scale, and the imputation log — with the total's fitted normalisation."""
    values, _ = indicator_values(panel, fw, sex=sex)
    filled, log = impute(values, imputation, max_gap=max_gap)
    filled = filled.reindex(like.index)
    scores, _, _ = aggregate(normalise(filled, fw, params=params), fw, min_coverage=min_coverage)
    sexed = [ind.code for ind in fw.indicators if ind.sex_disaggregable]  # the rest repeat the total's log
    log = log[log["year"].isin(like.index.get_level_values("year")) & log["indicator"].isin(sexed)]
    return filled, scores * fw.scale, log.assign(sex=sex)


def build_index(
    data: pd.DataFrame | str | Path,
    framework: str | Path | Framework = "doi",
    *,
    years: int | Iterable[int] | None = None,
    sex: str = "total",
    by_sex: bool = False,
    parity_band: tuple[float, float] = PARITY_BAND,
    imputation: str | None = None,
    max_gap: int | None = None,
    reference_year: int | None = None,
    min_coverage: float | None = None,
    extra_names: Mapping[str, str] | None = None,
    known_series: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> IndexResult:
    """Build a composite index from an indicator panel.

    Parameters
    ----------
    data
        Tidy long or wide panel (DataFrame, CSV or XLSX path); see :mod:`ictindex.panel`.
    framework
        A bundled framework name (``"doi"``, ``"doi_current"``...), a YAML path or a
        :class:`~ictindex.framework.Framework`.
    years
        Year(s) to score (default: every year in which any framework indicator has data).
    sex
        ``total`` (default), ``female`` or ``male``: sex-disaggregable indicators then use
        the female/male values, the others the common value.
    by_sex
        Also build the female and male indices (same goalposts, fitted parameters and
        weights as the total) and the gender table: ``result.gender`` (parity score, gap,
        parity band, equally-distributed score per node) and ``result.gender_indicators``
        (parity of every sex-disaggregated series); see :mod:`ictindex.gender`.
    parity_band
        Parity scores inside this band count as parity (ITU: 0.98-1.02).
    imputation, max_gap
        ``none`` or ``latest`` (latest available value, at most ``max_gap`` years old; every
        imputed value is recorded). Default: the framework's ``imputation`` setting.
    reference_year
        Fit data-driven normalisation (min-max, z-score, frontier) on this year and apply it
        to all years, so scores are comparable over time. Goalposts need no fitting.
    min_coverage
        Share of a node's children that must be present for it to be scored (overrides the
        framework's default; a node's own rule still wins).
    extra_names
        Extra economy ``name -> ISO3`` entries.
    known_series
        Source-series codes that may be in the panel without being used by the framework.

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "economy": ["KOR", "KOR", "KOR", "ARG", "ARG", "ARG"], "year": 2023,
    ...     "indicator": ["mobile_coverage", "hh_internet", "internet_users"] * 2,
    ...     "value": [100, 99.9, 97.2, 99.0, 80.0, 88.4]})
    >>> result = build_index(panel, "doi", min_coverage=0.3)
    >>> result.scores[["economy", "DOI", "rank"]].round(4).values.tolist()
    [['ARG', 0.937, 2], ['KOR', 0.986, 1]]
    """
    fw = load_framework(framework)
    imputation = fw.imputation.method if imputation is None else imputation
    max_gap = fw.imputation.max_gap if max_gap is None else max_gap
    if sex not in {"total", "female", "male"}:
        raise PanelError(f"sex must be 'total', 'female' or 'male', got '{sex}'")
    if by_sex:
        if sex != "total":
            raise MethodError("by_sex=True builds the total, female and male indices together",
                              hint="leave sex='total' when asking for by_sex=True")
        check_framework(fw)
    checked = to_panel(data, fw, extra_names=extra_names, known_series=known_series)
    panel = checked.panel
    if panel.empty:
        raise CoverageError("the panel holds no usable values",
                            file=str(data) if isinstance(data, str | Path) else None,
                            hint="check the file and its columns")

    values, sources = indicator_values(panel, fw, sex=sex)
    filled, imputations = impute(values, imputation, max_gap=max_gap)

    with_data = filled.notna().any(axis=1)
    data_years = sorted(set(filled.index.get_level_values("year")[with_data.to_numpy()]))
    if years is None:
        wanted = data_years
    else:
        wanted = sorted({int(y) for y in ([years] if isinstance(years, int | np.integer) else years)})
        empty = [y for y in wanted if y not in data_years]
        if len(empty) == len(wanted):
            raise CoverageError(
                f"no data for any indicator of '{fw.code}' in year(s) {wanted}",
                year=", ".join(map(str, wanted)),
                hint=f"choose among the years with data: {data_years[:3]} ... {data_years[-3:]}"
                if data_years else "check the indicator codes",
            )
    in_years = filled.index.get_level_values("year").isin(wanted)
    raw, filled, sources = values[in_years], filled[in_years], sources[in_years]
    imputations = imputations[imputations["year"].isin(wanted)].assign(sex=sex).reset_index(drop=True)

    params = fit(filled, fw, reference_year=reference_year)
    normalised = normalise(filled, fw, params=params)
    node_scores, coverage, floored = aggregate(normalised, fw, min_coverage=min_coverage)
    coverage = pd.concat(
        [c for c in (coverage, _absent_economies(panel, filled, wanted, fw.index)) if not c.empty]
        or [coverage], ignore_index=True,
    )

    top_down = fw.top_down_order
    scores = (node_scores[top_down] * fw.scale).reset_index()
    scores = scores[scores[top_down].notna().any(axis=1)].reset_index(drop=True)
    scores["rank"] = _rank(scores, fw.index)
    if scores[fw.index].notna().sum() == 0:
        reasons = coverage[coverage["node"] == fw.index]["reason"]
        raise CoverageError(
            f"no economy could be scored on '{fw.code}' in {_years_text(wanted)}",
            year=_years_text(wanted),
            hint=(f"most common reason: {reasons.mode().iloc[0]}; " if not reasons.empty else "")
            + "add data, use imputation='latest', or lower min_coverage",
        )

    gender = gender_indicators = None
    if by_sex:
        same = {"imputation": imputation, "max_gap": max_gap, "params": params, "min_coverage": min_coverage}
        female_values, female, female_log = _sex_specific(panel, fw, "female", filled, **same)
        male_values, male, male_log = _sex_specific(panel, fw, "male", filled, **same)
        female, male, reasons = mask_without_sex_data(female, male, female_values, male_values, fw)
        gender = gender_table(node_scores * fw.scale, female, male, fw, reasons=reasons,
                              shares=female_shares(panel), band=parity_band)
        gender_indicators = indicator_parity(panel, band=parity_band, years=wanted)
        imputations = pd.concat([imputations, female_log, male_log], ignore_index=True)

    provenance = {
        "library_version": _library_version(),
        "framework": fw.code,
        "framework_version": fw.version,
        "framework_sha256": fw.sha256,
        "input_sha256": _panel_hash(panel),
        "years": wanted,
        "sex": sex,
        "by_sex": by_sex,
        "parity_band": list(parity_band) if by_sex else None,
        "imputation": imputation,
        "max_gap": max_gap if imputation != "none" else None,
        "reference_year": reference_year,
        "min_coverage": fw.min_coverage if min_coverage is None else min_coverage,
    }
    return IndexResult(
        framework=fw,
        _scores=scores,
        _raw=raw,
        _imputed=filled,
        _normalised=normalised,
        _sources=sources,
        _imputations=imputations,
        _coverage=coverage.sort_values(["year", "economy", "node"], kind="stable").reset_index(drop=True),
        _issues=checked.issues,
        _floored=floored,
        _gender=gender,
        _gender_indicators=gender_indicators,
        provenance=provenance,
    )
