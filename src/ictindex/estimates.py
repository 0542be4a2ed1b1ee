"""World and group estimates as ITU makes them: every economy counts, reported or imputed.

ITU's Facts and Figures headline figures (Internet use for the world, the six ITU regions, income groups, LDCs,
LLDCs and SIDS; the gender parity score; coverage) are population-weighted averages over *every* economy, with
"data supplied by Member States ... supplemented by ITU estimates" for the others (Facts and Figures 2025,
Methodology). An average over the reporting economies alone describes those economies, not the group, and jumps
whenever an economy stops or starts reporting. :func:`estimates` follows ITU: each economy without a value in a
year is imputed by the declared chain of :mod:`ictindex.estimate_models` (its own values, its own trend, then a
regression on GNI per capita and region), and every estimate states how much of it is imputed:

* ``reported_share`` / ``imputed_share``: the group's population share with / without a reported value;
* ``imputed_units``: how many of the group's economies were imputed; ``units``: how many it has;
* ``low``, ``high``: a 95 % interval from the imputation errors measured on the data (Monte Carlo over the
  imputed economies, errors taken independent between economies) widened to contain the estimates of the
  declared alternative models (carry the latest value flat; regression only);
* ``reporting_change``: the population share whose reporting status changed since the year before (``flag``
  set from the declared threshold), and ``reporting_effect``: the points by which those switches moved the
  estimate beyond the change of the economies reporting in both years.

A group value is ``sum_i w_i x_i / sum_i w_i`` over its economies (weights: population; female/male population
for the values by sex; urban/rural population for the values by location), so the groups of a partition recombine
to the world exactly. The gender parity score is ``F / M`` of the group values (ITU's definition, parity within
0.98-1.02), the urban/rural parity score ``R / U``; the female/male split of each economy adds up to its total.

The indicators, series, weights and model settings are data: ``indicators/estimates/itu_facts_and_figures.yaml``.

>>> est = estimates(indicators=["internet_use"], groupings=("world",), years=[2023])
>>> row = est.table.query("sex == 'total' and location == 'total'").iloc[0]
>>> bool(60 < row["value"] < 80), bool(row["imputed_share"] > 0)
(True, True)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ictindex import estimate_models as em
from ictindex.economies import POPULATION_SERIES, economy_groups
from ictindex.errors import IctIndexError, MethodError
from ictindex.gender import female_shares
from ictindex.resources import bundled_dir

__all__ = ["estimates", "Estimates", "EstimatesSpec", "load_estimates_spec", "GROUPINGS", "TABLE_COLUMNS"]

DEFAULT_SPEC = "estimates/itu_facts_and_figures.yaml"
WORLD = "World"
NO_GROUP = "No group in the metadata"
#: Grouping names :func:`estimates` knows besides any column of the groups table.
GROUPINGS = {
    "world": "World",
    "itu_region": "ITU region",
    "income": "World Bank income group",
    "ldc_lldc_sids": "LDCs, LLDCs and SIDS",
    "region": "UN SDG region",
    "un_region": "UN M49 region",
    "un_sub_region": "UN M49 sub-region",
}
SPECIAL = {"ldc": "LDCs", "lldc": "LLDCs", "sids": "SIDS"}
TABLE_COLUMNS = [
    "indicator",
    "sex",
    "location",
    "grouping",
    "group",
    "year",
    "value",
    "low",
    "high",
    "reported_share",
    "imputed_share",
    "imputed_units",
    "units",
    "population",
    "reporting_change",
    "reporting_effect",
    "flag",
]
PARITY_COLUMNS = [
    "indicator",
    "measure",
    "grouping",
    "group",
    "year",
    "value",
    "low",
    "high",
    "observed_share",
    "imputed_share",
    "imputed_units",
    "units",
]
MEASURES = {"sex": "gender parity score (F/M)", "location": "urban/rural parity score (R/U)"}


# -- the declared model ---------------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendSpec(_Strict):
    window: int = Field(5, ge=2)
    horizon: int = Field(5, ge=0)
    min_points: int = Field(2, ge=2)
    damping: float | Literal["auto"] = "auto"


class CovariateSpec(_Strict):
    """A series of the panel entering the regression, on the scale ``transform`` gives it (``log``: GNI per
    capita; ``log1p``: log(1 + x) for counts per 100 inhabitants that can be 0)."""

    series: str
    transform: Literal["log", "log1p"] = "log"


class RegressionSpec(_Strict):
    covariates: tuple[CovariateSpec, ...] = (
        CovariateSpec(series="NY.GNP.PCAP.CD"),
        CovariateSpec(series="i911mw", transform="log1p"),
    )
    group: str | None = "itu_region"


class IntervalSpec(_Strict):
    level: float = Field(0.95, gt=0, lt=1)
    draws: int = Field(200, ge=0, le=10_000)
    seed: int = 24
    alternatives: tuple[str, ...] = ("latest", "regression")


class ModelSpec(_Strict):
    epsilon: float = Field(0.05, gt=0, lt=1)
    trend: TrendSpec = TrendSpec()
    regression: RegressionSpec = RegressionSpec()
    interval: IntervalSpec = IntervalSpec()
    nowcast: Literal["auto", "trend", "regression"] = "auto"
    reporting_change: float = Field(0.10, gt=0, le=1)
    urban_share: str | None = "SP.URB.TOTL.IN.ZS"


class HeadlineSpec(_Strict):
    code: str
    name: str
    unit: str = "%"
    total: tuple[str, ...]
    by_sex: tuple[str, ...] = ()
    by_location: tuple[str, ...] = ()
    weight_note: str = ""


class EstimatesSpec(_Strict):
    """Indicators (with the series each is read from, in order of preference) and model settings."""

    name: str
    citation: str = ""
    model: ModelSpec = ModelSpec()
    indicators: tuple[HeadlineSpec, ...]

    def indicator(self, code: str) -> HeadlineSpec:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise MethodError(
            f"no headline indicator '{code}' in '{self.name}'",
            indicator=code,
            hint=f"use one of {[i.code for i in self.indicators]}",
        )


def load_estimates_spec(path: str | Path | None = None) -> EstimatesSpec:
    """The declared indicators and model (default: ``indicators/estimates/itu_facts_and_figures.yaml``)."""
    file = Path(path) if path is not None else bundled_dir("indicators") / DEFAULT_SPEC
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        return EstimatesSpec.model_validate(raw)
    except (OSError, yaml.YAMLError) as err:
        raise IctIndexError(
            f"cannot read the estimates file: {err}", file=str(file), hint="pass a readable YAML file"
        ) from err
    except ValidationError as err:
        first = err.errors()[0]
        raise IctIndexError(
            f"invalid estimates file: {first['msg']}",
            file=str(file),
            field=".".join(str(p) for p in first["loc"]),
            hint="see indicators/estimates/itu_facts_and_figures.yaml for a complete example",
        ) from err


# -- the result -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimates:
    """World and group estimates with what they rest on.

    ``table``: :data:`TABLE_COLUMNS`, one row per indicator, sex, location, grouping, group and year.
    ``parity``: :data:`PARITY_COLUMNS`, the gender (F/M) and urban/rural (R/U) parity scores.
    ``units``: every economy's value per indicator, sex, location and year with the ``method`` that gave it
    (``reported``, ``interpolated``, ``trend``, ``regression``) and its standard error (logit scale).
    ``models``: the fitted regressions and measured errors. ``excluded``: economies with values but no
    population (they cannot be weighted). ``notes``: what the estimates could not cover and why.
    """

    table: pd.DataFrame
    parity: pd.DataFrame
    units: pd.DataFrame
    models: pd.DataFrame
    excluded: pd.DataFrame
    notes: tuple[str, ...]
    spec: EstimatesSpec
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __repr__(self) -> str:  # short (issue 27): the tables are attributes
        return f"<Estimates: {len(self.table)} rows, {len(self.notes)} notes>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import estimates_card

        return estimates_card(self).html()

    def compare(self, published: pd.DataFrame | None = None) -> pd.DataFrame:
        """Each published figure beside the estimate: ``edition, indicator, sex, location, grouping, group, year,
        published, estimate, difference, imputed_share, low, high, url`` (default: the bundled Facts and Figures
        figures, :func:`ictindex.datasets.facts_and_figures`). Gender parity rows compare with :attr:`parity`."""
        if published is None:
            from ictindex.datasets import facts_and_figures

            published = facts_and_figures()
        estimated = set(self.table["indicator"]) | set(self.parity["indicator"])
        published = published[published["indicator"].isin(estimated)]  # figures of indicators not estimated: left out
        keys = ["indicator", "sex", "location", "group", "year"]
        values = published[published["measure"] == "value"].merge(
            self.table[[*keys, "value", "imputed_share", "low", "high"]].rename(columns={"value": "estimate"}),
            on=keys,
            how="left",
        )
        parity = published[published["measure"] == "gender parity score"].merge(
            self.parity[self.parity["measure"] == MEASURES["sex"]][
                ["indicator", "group", "year", "value", "imputed_share", "low", "high"]
            ].rename(columns={"value": "estimate"}),
            on=["indicator", "group", "year"],
            how="left",
        )
        out = pd.concat([values, parity], ignore_index=True)
        out = out.rename(columns={"value": "published"})
        out["difference"] = out["estimate"] - out["published"]
        columns = ["edition", "indicator", "measure", "sex", "location", "grouping", "group", "year", "published"]
        rest = ["estimate", "difference", "imputed_share", "low", "high", "source_kind", "url"]
        return (
            out[[*columns, *rest]]
            .sort_values(["measure", "indicator", "group", "year", "edition"])
            .reset_index(drop=True)
        )


# -- inputs: economies, weights, groups -----------------------------------------------------------------------
def _years(
    panel: pd.DataFrame, spec: EstimatesSpec, codes: Sequence[str], years: Sequence[int] | int | None
) -> tuple[np.ndarray, list[int] | None]:
    """The years the models are fitted on (every year of the data, and those asked for) and the years asked for.

    An estimate never depends on which other years were asked for: the models always see the whole data."""
    wanted = None
    if years is not None:
        wanted = [int(years)] if isinstance(years, int | np.integer) else sorted({int(y) for y in years})
        if not wanted:
            raise MethodError("no years asked for", hint="pass years=None for every year of the data, or a list")
    series = {s for code in codes for s in spec.indicator(code).total}
    present = panel.loc[panel["indicator"].isin(series) & panel["value"].notna(), "year"]
    if present.empty:
        raise MethodError(
            "the data hold none of the series of the indicators asked for",
            indicator=", ".join(codes),
            hint=f"add rows of {sorted(series)} or choose other indicators",
        )
    first, last = int(present.min()), int(present.max())
    if wanted is not None:
        first, last = min(first, wanted[0]), max(last, wanted[-1])
    return np.arange(first, last + 1), wanted


def _group_tables(panel: pd.DataFrame, grid: np.ndarray, groups: pd.DataFrame | None) -> dict[int, pd.DataFrame]:
    """Units table per year: group columns and ``population`` (the user's own table, or the bundled groups)."""
    pop = _population_table(panel)
    if groups is not None:
        user = groups.copy()
        key = next((c for c in ("unit", "economy", "iso3") if c in user.columns), None)
        if key is not None:
            user = user.set_index(key)
        user.index = user.index.astype(str)
        if "population" in user.columns:
            if "year" in user.columns:
                return {int(y): _latest_rows(user.reset_index(names="economy"), int(y)) for y in grid}
            return {int(y): user for y in grid}
        return {int(y): economy_groups(int(y), groups=user, population_data=pop) for y in grid}
    if pop.empty:
        raise MethodError(
            "the data hold no population to weight economies by",
            field="indicator",
            hint=f"add total rows of {' or '.join(POPULATION_SERIES)}, or pass groups= with a population column",
        )
    return {int(y): economy_groups(int(y), population_data=pop) for y in grid}


def _latest_rows(table: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = table[table["year"] <= year].sort_values("year").groupby("economy").last()
    return rows.drop(columns="year")


def _population_table(panel: pd.DataFrame) -> pd.DataFrame:
    sex = panel["sex"] if "sex" in panel.columns else pd.Series("total", index=panel.index)
    for code in POPULATION_SERIES:
        rows = panel[(panel["indicator"] == code) & (sex == "total")]
        if not rows.empty:
            return rows[["economy", "year", "value"]].rename(columns={"value": "population"}).dropna()
    return pd.DataFrame(columns=["economy", "year", "population"])


def _wide(
    panel: pd.DataFrame, series: Sequence[str], sex: str, economies: pd.Index, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Values (economies x years) from the first series present in each cell, and the series used."""
    values = np.full((len(economies), len(grid)), np.nan)
    used = np.full(values.shape, "", dtype=object)
    for code in reversed(list(series)):  # later series first, so that preferred ones overwrite
        rows = panel[(panel["indicator"] == code) & (panel["sex"] == sex) & panel["value"].notna()]
        if rows.empty:
            continue
        table = rows.pivot_table(index="economy", columns="year", values="value", aggfunc="first")
        table = table.reindex(index=economies, columns=grid)
        present = table.notna().to_numpy()
        values = np.where(present, table.to_numpy(dtype="float64"), values)
        used = np.where(present, code, used)
    return values, used


def _nearest_fill(matrix: np.ndarray) -> np.ndarray:
    """Each row's missing years from its nearest earlier value, else its nearest later one (for covariates)."""
    frame = pd.DataFrame(matrix)
    return frame.T.ffill().bfill().T.to_numpy()


@dataclass(frozen=True)
class _Frame:
    economies: pd.Index
    years: np.ndarray
    population: np.ndarray  # economies x years
    female_share: np.ndarray
    urban_share: np.ndarray | None
    memberships: dict[str, tuple[list[str], np.ndarray]]  # grouping -> (labels, bool groups x economies x years)
    region_code: np.ndarray
    covariate: np.ndarray | None  # economies x years x covariates (declared scale), NaN where unknown
    excluded: pd.DataFrame
    wanted: list[int] | None  # the years asked for (estimated even after the data), or None: every year of the data


def _memberships(tables: dict[int, pd.DataFrame], economies: pd.Index, grid: np.ndarray, groupings: Sequence[str]):
    out: dict[str, tuple[list[str], np.ndarray]] = {}
    for grouping in groupings:
        if grouping == "world":
            out["world"] = ([WORLD], np.ones((1, len(economies), len(grid)), dtype=bool))
            continue
        columns = list(SPECIAL) if grouping == "ldc_lldc_sids" else [grouping]
        missing = [c for c in columns if all(c not in t.columns for t in tables.values())]
        if missing:
            known = sorted(set(GROUPINGS) | set(next(iter(tables.values())).columns))
            raise MethodError(f"unknown grouping '{grouping}'", field=grouping, hint=f"use one of {known}")
        labels: list[str] = []
        blocks: list[np.ndarray] = []
        for column in columns:
            cells = np.column_stack(
                [tables[y][column].reindex(economies).to_numpy(dtype=object) for y in grid.tolist()]
            )
            present = pd.notna(cells)
            if column in SPECIAL or all(isinstance(v, bool | np.bool_) for v in cells[present]):
                labels.append(SPECIAL.get(column, column))
                blocks.append((present & (cells == True))[None])  # noqa: E712 (object array of booleans)
                continue
            missing_label = "Not classified" if column == "income" else NO_GROUP
            names = np.where(present, cells, missing_label).astype(str)
            for label in sorted(set(names.ravel().tolist())):
                labels.append(label)
                blocks.append((names == label)[None])
        out[grouping] = (labels, np.concatenate(blocks, axis=0))
    return out


def _frame(
    panel: pd.DataFrame,
    spec: EstimatesSpec,
    grid: np.ndarray,
    groupings: Sequence[str],
    groups: pd.DataFrame | None,
    wanted: list[int] | None,
) -> _Frame:
    tables = _group_tables(panel, grid, groups)
    with_pop = set()
    for table in tables.values():
        if "population" in table.columns:
            with_pop |= set(table.index[pd.to_numeric(table["population"], errors="coerce") > 0])
    economies = pd.Index(sorted(with_pop), name="economy")
    if len(economies) == 0:
        raise MethodError(
            "no economy has a population in the years asked for",
            year=f"{grid[0]}-{grid[-1]}",
            hint="pass population data",
        )
    population = np.column_stack(
        [
            pd.to_numeric(tables[y]["population"], errors="coerce").reindex(economies).fillna(0.0).to_numpy()
            for y in grid.tolist()
        ]
    )
    shares = female_shares(panel)
    female = shares.unstack("year").reindex(index=economies, columns=grid) if not shares.empty else None
    female_share = (
        _nearest_fill(female.to_numpy(dtype="float64")) if female is not None else np.full(population.shape, np.nan)
    )
    female_share = np.where(np.isnan(female_share), 0.5, female_share)
    urban = None
    if spec.model.urban_share:
        raw, _ = _wide(panel, [spec.model.urban_share], "total", economies, grid)
        if (~np.isnan(raw)).any():
            urban = np.clip(_nearest_fill(raw) / 100.0, 0.0, 1.0)
    region = np.full(len(economies), -1)
    column = spec.model.regression.group
    latest = tables[int(grid[-1])]
    if column and column in latest.columns:
        labels = latest[column].reindex(economies)
        labels = labels.where(labels.notna() & (labels.astype(str) != "not assigned"))
        region = pd.factorize(labels, sort=True)[0]
    covariate = _covariates(panel, spec.model.regression.covariates, economies, grid)
    valued = set(panel.loc[panel["value"].notna(), "economy"].unique().astype(str))
    excluded = sorted(valued - set(economies) - _population_series_only(panel))
    return _Frame(
        economies,
        grid,
        population,
        female_share,
        urban,
        _memberships(tables, economies, grid, groupings),
        region,
        covariate,
        pd.DataFrame(
            {"economy": excluded, "reason": "no population in the data or the groups table: cannot be weighted"}
        ),
        wanted,
    )


def _covariates(
    panel: pd.DataFrame, declared: Sequence[CovariateSpec], economies: pd.Index, grid: np.ndarray
) -> np.ndarray | None:
    """Economies x years x covariates on their declared scale; each economy's years without a value take its
    nearest value (so a nowcast year holds the covariate flat). Covariates absent from the data are left out."""
    layers = []
    for covariate in declared:
        raw, _ = _wide(panel, [covariate.series], "total", economies, grid)
        if not (~np.isnan(raw)).any():
            continue
        filled = _nearest_fill(raw)
        with np.errstate(divide="ignore", invalid="ignore"):
            if covariate.transform == "log":
                layers.append(np.log(np.where(filled > 0, filled, np.nan)))
            else:
                layers.append(np.log1p(np.where(filled >= 0, filled, np.nan)))
    return np.stack(layers, axis=2) if layers else None


def _population_series_only(panel: pd.DataFrame) -> set[str]:
    other = panel.loc[~panel["indicator"].isin(POPULATION_SERIES), "economy"].unique()
    return set(panel["economy"].unique().astype(str)) - set(other.astype(str))


# -- imputation of one indicator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Filled:
    logit: np.ndarray  # economies x years, every cell the chain could fill
    sd: np.ndarray  # standard error of each cell on the logit scale (0 where reported)
    method: np.ndarray
    reported: np.ndarray
    alternatives: tuple[np.ndarray, ...]  # the logit values under each declared alternative model
    record: tuple[dict, ...]


def _errors_by_cell(
    method: np.ndarray,
    observed: np.ndarray,
    errors: dict,
    fit: em.Regression | None,
    covariates: np.ndarray | None,
    nowcast: np.ndarray | None = None,
) -> np.ndarray:
    """Standard error of every cell from the errors measured for the step that filled it (``nowcast``: the
    measured errors of the regression nowcast by years ahead, for the cells it filled near an economy's data)."""
    trend = np.asarray(errors["trend"], dtype="float64")
    finite = trend[np.isfinite(trend)]
    reduced = fit.reduced.residual_sd if fit is not None and fit.reduced is not None else float("nan")
    fallback = reduced if np.isfinite(reduced) else (finite.max() if finite.size else 1.0)
    trend = np.where(np.isfinite(trend), trend, finite.max() if finite.size else fallback)
    if trend.size:
        trend = np.maximum.accumulate(trend)  # an error never shrinks with the horizon
    h = np.clip(em.distance(observed), 1, max(len(trend), 1)) - 1
    sd = np.zeros(method.shape)
    interp = errors["interpolated"] if np.isfinite(errors["interpolated"]) else (trend[0] if trend.size else fallback)
    sd = np.where(method == "interpolated", interp, sd)
    if trend.size:
        sd = np.where(method == "trend", trend[h], sd)
    if fit is not None:
        sd = np.where(method == "regression", fit.sd(method.shape, covariates), sd)
    if nowcast is not None and np.isfinite(nowcast).any():
        ahead = np.where(np.isfinite(nowcast), nowcast, np.nanmax(nowcast))
        ahead = np.maximum.accumulate(ahead)
        near = (method == "regression") & (em.distance(observed) <= len(ahead))
        d = np.clip(em.distance(observed), 1, len(ahead)) - 1
        sd = np.where(near, ahead[d], sd)
    return np.where(np.isnan(sd), fallback, sd)


def _impute(
    L: np.ndarray, years: np.ndarray, spec: ModelSpec, covariates: np.ndarray | None, region: np.ndarray, *, label: dict
) -> _Filled:
    trend = spec.trend
    kwargs = {"window": trend.window, "horizon": trend.horizon, "min_points": trend.min_points}
    observed = ~np.isnan(L)
    if trend.damping == "auto":
        damping, tried = em.choose_damping(L, years, **kwargs)
    else:
        damping, tried = float(trend.damping), {}
    measured = None
    if spec.nowcast == "auto":
        measured = em.nowcast_errors(L, years, damping=damping, covariates=covariates, group=region, **kwargs)
        nowcast = em.choose_nowcast(measured)
    else:
        nowcast = spec.nowcast
    common = {"covariates": covariates, "group": region, **kwargs}
    filled, method, fit = em.fill(L, years, damping=damping, nowcast=nowcast, **common)
    errors = em.errors(L, years, damping=damping, **kwargs)
    ahead = measured["regression"] if measured is not None and nowcast == "regression" else None
    sd = _errors_by_cell(method, observed, errors, fit, covariates, ahead)
    alternatives = []
    for name in spec.interval.alternatives:
        if name == "nowcast":  # the nowcast not chosen
            other = "trend" if nowcast == "regression" else "regression"
            alt, *_ = em.fill(L, years, damping=damping, nowcast=other, **common)
        elif name == "latest":
            alt, *_ = em.fill(L, years, damping=0.0, covariates=covariates, group=region, **kwargs)
        elif name == "regression":
            alt, *_ = em.fill(
                L, years, covariates=covariates, group=region, interpolate=False, **{**kwargs, "horizon": 0}
            )
        elif name == "trend":
            alt, *_ = em.fill(L, years, damping=1.0, covariates=covariates, group=region, **kwargs)
        else:
            raise MethodError(
                f"unknown alternative model '{name}'",
                field="model.interval.alternatives",
                hint="use 'latest', 'trend', 'regression' or 'nowcast'",
            )
        alternatives.append(np.where(np.isnan(alt), filled, alt))

    def rmse(e: np.ndarray) -> str:
        return ", ".join(f"{x:.3f}" for x in e)

    record = [
        {
            **label,
            "step": "interpolated",
            "measured_error": errors["interpolated"],
            "detail": "leave-one-out over interior reported values (logit scale)",
        },
        {
            **label,
            "step": "trend",
            "measured_error": float(np.nanmax(errors["trend"])) if np.isfinite(errors["trend"]).any() else float("nan"),
            "detail": f"damping {damping:g}; rmse by horizon 1..{len(errors['trend'])}: {rmse(errors['trend'])}"
            + "".join(f"; damping {phi:g}: {rmse(e)}" for phi, e in tried.items() if phi != damping),
        },
    ]
    if measured is not None:
        record.append(
            {
                **label,
                "step": "nowcast",
                "measured_error": float(
                    np.max(measured[nowcast], where=np.isfinite(measured[nowcast]), initial=-np.inf)
                )
                if np.isfinite(measured[nowcast]).any()
                else float("nan"),
                "detail": f"{nowcast} chosen; last values hidden, rmse by years ahead: "
                f"trend {rmse(measured['trend'])}; anchored regression {rmse(measured['regression'])}",
            }
        )
    if fit is not None:
        record += [
            {**label, "step": "regression", "measured_error": r["residual_sd"], "detail": _describe_fit(r)}
            for r in fit.record
        ]
    return _Filled(filled, np.where(observed, 0.0, sd), method, observed, tuple(alternatives), tuple(record))


def _describe_fit(r: dict) -> str:
    coef = ", ".join(f"{c:.3f}" for c in r["covariate_coefficients"])
    level = "region and mean covariate" if coef else "region"
    return (
        f"{r['fit']}: {r['terms']}; n = {r['observations']} values of {r['economies']} economies, "
        f"R2 = {r['r_squared']:.3f}; effects of economies without values from {level} "
        f"(residual spread {r['between_sd']:.3f})" + (f"; covariate coefficient(s) {coef}" if coef else "")
    )


# -- aggregation ----------------------------------------------------------------------------------------------
def _weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Group means: ``values`` (..., economies, years), ``weights`` (groups, economies, years) -> (..., groups,
    years)."""
    ok = ~np.isnan(values)
    num = np.einsum("...ey,gey->...gy", np.where(ok, values, 0.0), weights)
    den = np.einsum("...ey,gey->...gy", ok.astype("float64"), weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def _interval(
    point: np.ndarray, draws: np.ndarray | None, alternatives: list[np.ndarray], level: float
) -> tuple[np.ndarray, np.ndarray]:
    low, high = point.copy(), point.copy()
    if draws is not None and len(draws):
        tail = (1.0 - level) / 2.0 * 100.0
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group without members in a year: all NaN
            low = np.fmin(low, np.nanpercentile(draws, tail, axis=0))
            high = np.fmax(high, np.nanpercentile(draws, 100.0 - tail, axis=0))
    for alt in alternatives:
        low, high = np.fmin(low, alt), np.fmax(high, alt)
    return low, high


def _switch_effect(values: np.ndarray, reported: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group and year: the population share whose reporting status changed since the year before, and the
    points by which those economies moved the estimate beyond the change of the economies reporting both years."""
    change = np.full(weights.shape[0::2], np.nan)
    effect = np.full(weights.shape[0::2], np.nan)
    if values.shape[1] < 2:
        return change, effect
    switched = (reported[:, 1:] != reported[:, :-1]).astype("float64")
    both = (reported[:, 1:] & reported[:, :-1]).astype("float64")
    step = values[:, 1:] - values[:, :-1]
    w = weights[:, :, 1:]
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        change[:, 1:] = np.einsum("gey,ey->gy", w, switched) / total
        ok = ~np.isnan(step)
        matched = np.einsum("gey,ey->gy", w, np.where(ok, step, 0.0) * both) / np.einsum("gey,ey->gy", w, both * ok)
        matched = np.where(np.isnan(matched), 0.0, matched)
        extra = np.where(ok[None], step[None] - matched[:, None, :], 0.0) * switched[None]
        effect[:, 1:] = (w * extra).sum(axis=1) / total
    return change, effect


def _rows(
    values: np.ndarray,
    draws: np.ndarray | None,
    alternatives: list[np.ndarray],
    reported: np.ndarray,
    weights_by_grouping: dict[str, tuple[list[str], np.ndarray]],
    years: np.ndarray,
    spec: ModelSpec,
    labels: dict,
) -> pd.DataFrame:
    frames = []
    for grouping, (names, weights) in weights_by_grouping.items():
        point = _weighted(values, weights)
        group_draws = _weighted(draws, weights) if draws is not None else None
        alts = [_weighted(a, weights) for a in alternatives]
        low, high = _interval(point, group_draws, alts, spec.interval.level)
        member = weights > 0
        pop = weights.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.einsum("gey,ey->gy", weights, reported.astype("float64")) / pop
        change, effect = _switch_effect(values, reported, weights)
        flag = np.where(change >= spec.reporting_change, "reporting economies changed sharply", "")
        n = len(names)
        frames.append(
            pd.DataFrame(
                {
                    **labels,
                    "grouping": grouping,
                    "group": np.repeat(names, len(years)),
                    "year": np.tile(years, n),
                    "value": point.ravel(),
                    "low": low.ravel(),
                    "high": high.ravel(),
                    "reported_share": share.ravel(),
                    "imputed_share": 1.0 - share.ravel(),
                    "imputed_units": (member & ~reported[None]).sum(axis=1).ravel(),
                    "units": member.sum(axis=1).ravel(),
                    "population": pop.ravel(),
                    "reporting_change": change.ravel(),
                    "reporting_effect": effect.ravel(),
                    "flag": flag.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# -- the public entry point -----------------------------------------------------------------------------------
def estimates(
    data: pd.DataFrame | None = None,
    indicators: Sequence[str] | str | None = None,
    groupings: Sequence[str] | str = ("world", "itu_region", "income", "ldc_lldc_sids"),
    years: Sequence[int] | int | None = None,
    *,
    groups: pd.DataFrame | None = None,
    spec: EstimatesSpec | str | Path | None = None,
    draws: int | None = None,
    seed: int | None = None,
) -> Estimates:
    """World and group estimates of the headline indicators, every economy counted (module docstring).

    Parameters
    ----------
    data
        A tidy panel (``economy, year, indicator, sex, value``); default: the bundled ITU panel. It also gives the
        population weights (``SP.POP.TOTL``/``POP``, by sex for the female/male weights), GNI per capita for the
        regression and the urban population share for the urban/rural split.
    indicators
        Codes of the declared headline indicators (default: all): ``internet_use``, ``households_internet``,
        ``mobile_ownership``, ``coverage_3g``, ``coverage_4g``, ``coverage_5g``.
    groupings
        ``world``, ``itu_region``, ``income``, ``ldc_lldc_sids`` (three groups), ``region`` (UN SDG), ``un_region``,
        ``un_sub_region``, or any column of ``groups`` (a boolean column gives one group of its members).
    years
        Years to estimate (default: every year from the indicator's first value to the data's last). A year after
        the last reported one is a nowcast: every economy imputed.
    groups
        Your own units table: one row per unit (``unit`` or ``economy`` column), group columns, and optionally
        ``population`` (with ``year`` for a population by year; without it the population is used for every
        year). Without ``population`` the rows add to or replace the bundled groups of ISO3 economies.
    spec
        The declared indicators and model (:func:`load_estimates_spec`; default the bundled ITU file).
    draws, seed
        Monte Carlo draws and seed of the interval (default: the spec's; ``draws=0``: alternatives only).
    """
    from ictindex import datasets

    model_spec = spec if isinstance(spec, EstimatesSpec) else load_estimates_spec(spec)
    panel = datasets.load("itu") if data is None else data
    for column in ("economy", "year", "indicator", "value"):
        if column not in panel.columns:
            raise MethodError(
                f"the data need a '{column}' column",
                field=column,
                hint="pass a tidy panel: economy, year, indicator, sex, value",
            )
    if "sex" not in panel.columns:
        panel = panel.assign(sex="total")
    panel = panel.assign(economy=panel["economy"].astype(str))
    codes = [indicators] if isinstance(indicators, str) else list(indicators or [i.code for i in model_spec.indicators])
    heads = [model_spec.indicator(code) for code in codes]
    grouping_list = [groupings] if isinstance(groupings, str) else list(groupings)
    grid, wanted = _years(panel, model_spec, codes, years)
    frame = _frame(panel, model_spec, grid, grouping_list, groups, wanted)
    n_draws = model_spec.model.interval.draws if draws is None else int(draws)
    rng = np.random.default_rng(model_spec.model.interval.seed if seed is None else seed)
    tables, parities, units, records, sources, notes = [], [], [], [], [], []
    for head in heads:
        part = _estimate_indicator(panel, head, model_spec.model, frame, n_draws, rng, notes)
        if part is None:
            continue
        tables.append(part["table"])
        parities += part["parity"]
        units += part["units"]
        records += part["records"]
        sources += part["sources"]
    table = pd.concat(tables, ignore_index=True)[TABLE_COLUMNS] if tables else pd.DataFrame(columns=TABLE_COLUMNS)
    parity = (
        pd.concat(parities, ignore_index=True)[PARITY_COLUMNS] if parities else pd.DataFrame(columns=PARITY_COLUMNS)
    )
    unit_table = pd.concat(units, ignore_index=True) if units else pd.DataFrame(columns=["year"])
    if wanted is not None:  # the models saw every year of the data; the caller gets the years asked for
        table, parity = table[table["year"].isin(wanted)], parity[parity["year"].isin(wanted)]
        unit_table = unit_table[unit_table["year"].isin(wanted)]
    return Estimates(
        table=table.reset_index(drop=True),
        parity=parity.reset_index(drop=True),
        units=unit_table.reset_index(drop=True),
        models=pd.DataFrame(records),
        excluded=frame.excluded,
        notes=tuple(notes),
        spec=model_spec,
        sources=pd.DataFrame(sources),
    )


def _estimate_indicator(
    panel, head: HeadlineSpec, spec: ModelSpec, frame: _Frame, n_draws: int, rng, notes: list
) -> dict | None:
    raw, used = _wide(panel, head.total, "total", frame.economies, frame.years)
    present = np.flatnonzero((~np.isnan(raw)).any(axis=0))
    if present.size == 0:
        notes.append(f"{head.code}: no reported value of {list(head.total)} in the years asked for; not estimated")
        return None
    last = present[-1] + 1
    if frame.wanted is not None:
        last = max(last, int(np.searchsorted(frame.years, frame.wanted[-1])) + 1)
    cols = np.arange(present[0], last)
    if present[0] > 0 and (frame.wanted is None or frame.wanted[0] < frame.years[present[0]]):
        notes.append(
            f"{head.code}: no estimate before {frame.years[present[0]]} (the first year with a reported value)"
        )
    years = frame.years[cols]
    raw, used = raw[:, cols], used[:, cols]
    covariate = frame.covariate[:, cols] if frame.covariate is not None else None
    weights = frame.population[:, cols]
    groupings = {g: (names, member[:, :, cols] * weights[None]) for g, (names, member) in frame.memberships.items()}
    total = _impute(
        em.logit(raw, spec.epsilon),
        years,
        spec,
        covariate,
        frame.region_code,
        label={"indicator": head.code, "part": "total"},
    )
    point = em.expit(total.logit)
    draws = None
    if n_draws:
        noise = rng.standard_normal((n_draws, *total.logit.shape))
        draws = em.expit(total.logit[None] + noise * total.sd[None])
    alts = [em.expit(a) for a in total.alternatives]
    labels = {"indicator": head.code, "sex": "total", "location": "total"}
    tables = [_rows(point, draws, alts, total.reported, groupings, years, spec, labels)]
    units = [_unit_rows(frame.economies, years, point, total, used, labels)]
    parity, sources = [], [_source_rows(head.code, "total", "total", used)]
    splits = [("sex", head.by_sex, ("female", "male"), frame.female_share[:, cols])]
    if frame.urban_share is not None:
        splits.append(("location", head.by_location, ("urban", "rural"), frame.urban_share[:, cols]))
    elif head.by_location:
        notes.append(
            f"{head.code}: no urban population share in the data ({spec.urban_share}); urban/rural not estimated"
        )
    records = list(total.record)
    for kind, series, parts, share in splits:
        if not series:
            continue
        out = _split(
            panel, head, kind, series, parts, share, years, cols, frame, spec, total, draws, groupings, rng, notes
        )
        if out is None:
            continue
        tables += out["tables"]
        parity.append(out["parity"])
        units += out["units"]
        sources += out["sources"]
        records += out["records"]
    return {
        "table": pd.concat(tables, ignore_index=True),
        "parity": parity,
        "units": units,
        "records": records,
        "sources": sources,
    }


def _split(
    panel, head, kind, series, parts, share, years, cols, frame, spec, total, draws, groupings, rng, notes
) -> dict | None:
    """Female/male (or urban/rural) values of every economy from the total and the modelled gap, and their groups."""
    first, second = parts
    if kind == "sex":
        ra, used_a = _wide(panel, series, "female", frame.economies, frame.years)
        rb, _ = _wide(panel, series, "male", frame.economies, frame.years)
    else:
        ra, used_a = _wide(panel, [f"{s}.urban" for s in series], "total", frame.economies, frame.years)
        rb, _ = _wide(panel, [f"{s}.rural" for s in series], "total", frame.economies, frame.years)
    ra, rb, used_a = ra[:, cols], rb[:, cols], used_a[:, cols]
    both = ~np.isnan(ra) & ~np.isnan(rb)
    if not both.any():
        notes.append(
            f"{head.code}: no pair of {first} and {second} values in {list(series)}; {kind} split not estimated"
        )
        return None
    gap_observed = np.where(both, em.logit(ra, spec.epsilon) - em.logit(rb, spec.epsilon), np.nan)
    label = {"indicator": head.code, "part": f"logit({first}) - logit({second})"}
    gap = _impute(gap_observed, years, spec, total.logit[:, :, None], frame.region_code, label=label)
    # Every economy's two parts come from its total and its gap (observed where reported), so that they always add
    # up to the total: a survey whose own total differs from the total series keeps its gap, not its levels.
    a, b = em.split_total(em.expit(total.logit), gap.logit, share)
    a_draws = b_draws = None
    if draws is not None:
        noise = rng.standard_normal(draws.shape)
        a_draws, b_draws = em.split_total(draws, gap.logit[None] + noise * gap.sd[None], share[None])
    alt_pairs = [em.split_total(em.expit(total.logit), alt, share) for alt in gap.alternatives]
    known = ~np.isnan(share)
    if not known.all():
        lacking = sorted(frame.economies[~known.all(axis=1)])
        notes.append(
            f"{head.code}: {len(lacking)} economies without a population share for the {first}/{second} split "
            f"are left out of the {first} and {second} estimates: {', '.join(lacking)}"
        )
    a_weights = {g: (names, w * np.where(known, share, 0.0)[None]) for g, (names, w) in groupings.items()}
    b_weights = {g: (names, w * np.where(known, 1.0 - share, 0.0)[None]) for g, (names, w) in groupings.items()}
    labels = {"indicator": head.code, "sex": "total", "location": "total"}
    a_labels, b_labels = ({**labels, kind: first}, {**labels, kind: second})
    tables = [
        _rows(a, a_draws, [x for x, _ in alt_pairs], both, a_weights, years, spec, a_labels),
        _rows(b, b_draws, [y for _, y in alt_pairs], both, b_weights, years, spec, b_labels),
    ]
    parity = _parity_rows(
        (a, b),
        (a_draws, b_draws),
        alt_pairs,
        both,
        a_weights,
        b_weights,
        groupings,
        years,
        spec,
        {"indicator": head.code, "measure": MEASURES[kind]},
        invert=kind == "location",
    )
    split = _Filled(gap.logit, gap.sd, gap.method, both, gap.alternatives, gap.record)
    units = [
        _unit_rows(frame.economies, years, a, split, used_a, a_labels),
        _unit_rows(frame.economies, years, b, split, used_a, b_labels),
    ]
    sources = [_source_rows(head.code, a_labels["sex"], a_labels["location"], used_a)]
    return {"tables": tables, "parity": parity, "units": units, "sources": sources, "records": list(gap.record)}


def _parity_rows(
    point, draws, alt_pairs, both, a_weights, b_weights, groupings, years, spec, labels, *, invert: bool
) -> pd.DataFrame:
    """Parity of the group values: F / M (or R / U with ``invert``), with the population share observed by sex."""

    def ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return y / x if invert else x / y

    frames = []
    for grouping, (names, weights) in groupings.items():
        wa, wb = a_weights[grouping][1], b_weights[grouping][1]
        value = ratio(_weighted(point[0], wa), _weighted(point[1], wb))
        sampled = ratio(_weighted(draws[0], wa), _weighted(draws[1], wb)) if draws[0] is not None else None
        alts = [ratio(_weighted(x, wa), _weighted(y, wb)) for x, y in alt_pairs]
        low, high = _interval(value, sampled, alts, spec.interval.level)
        pop = weights.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            observed = np.einsum("gey,ey->gy", weights, both.astype("float64")) / pop
        member = weights > 0
        frames.append(
            pd.DataFrame(
                {
                    **labels,
                    "grouping": grouping,
                    "group": np.repeat(names, len(years)),
                    "year": np.tile(years, len(names)),
                    "value": value.ravel(),
                    "low": low.ravel(),
                    "high": high.ravel(),
                    "observed_share": observed.ravel(),
                    "imputed_share": 1.0 - observed.ravel(),
                    "imputed_units": (member & ~both[None]).sum(axis=1).ravel(),
                    "units": member.sum(axis=1).ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _unit_rows(
    economies: pd.Index, years: np.ndarray, values: np.ndarray, filled: _Filled, used: np.ndarray, labels: dict
) -> pd.DataFrame:
    n = len(years)
    return pd.DataFrame(
        {
            "economy": np.repeat(economies.to_numpy(), n),
            **labels,
            "year": np.tile(years, len(economies)),
            "value": values.ravel(),
            "method": filled.method.ravel(),
            "standard_error": filled.sd.ravel(),
            "series": used.ravel(),
        }
    )


def _source_rows(code: str, sex: str, location: str, used: np.ndarray) -> dict:
    cells = pd.Series(used.ravel())
    counts = cells[cells != ""].value_counts()
    return {
        "indicator": code,
        "sex": sex,
        "location": location,
        "series": "; ".join(f"{k} ({v} values)" for k, v in counts.items()),
    }
