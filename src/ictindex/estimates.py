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

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ictindex import estimate_models as em
from ictindex.errors import MethodError
from ictindex.estimate_data import (
    _Filled,
    _Frame,
    _frame,
    _impute,
    _interval,
    _masked,
    _rows,
    _weighted,
    _wide,
    _years,
)
from ictindex.estimate_spec import (  # (the spec and the table columns were this module's: still importable here)
    GROUPINGS,
    MEASURES,
    PARITY_COLUMNS,
    TABLE_COLUMNS,
    EstimatesSpec,
    HeadlineSpec,
    ModelSpec,
    load_estimates_spec,
)

__all__ = [
    "estimates",
    "Estimates",
    "EstimatesSpec",
    "load_estimates_spec",
    "GROUPINGS",
    "TABLE_COLUMNS",
    "PARITY_COLUMNS",
    "MEASURES",
]


# -- the result -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimates:
    """World and group estimates with what they rest on.

    ``table``: :data:`~ictindex.estimate_spec.TABLE_COLUMNS`, one row per indicator, sex, location, grouping,
    group and year.
    ``parity``: :data:`~ictindex.estimate_spec.PARITY_COLUMNS`, the gender (F/M) and urban/rural (R/U) parity scores.
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
        figures, :func:`ictindex.inputs.bundled_files.facts_and_figures`). Gender parity rows compare with
        :attr:`parity`."""
        if published is None:
            from ictindex.inputs.bundled_files import facts_and_figures

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
        The declared indicators and model (:func:`~ictindex.estimate_spec.load_estimates_spec`; default the
        bundled ITU file).
    draws, seed
        Monte Carlo draws and seed of the interval (default: the spec's; ``draws=0``: alternatives only).
    """
    from ictindex.inputs import bundled_files as datasets

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


@dataclass(frozen=True)
class _Indicator:
    """What the steps of one indicator's estimates share: the panel, the indicator's declaration, the model, the
    frame, the columns of the frame's years estimated, each grouping's population weights over those columns, the
    random generator of the intervals and the notes to add to."""

    panel: pd.DataFrame
    head: HeadlineSpec
    spec: ModelSpec
    frame: _Frame
    cols: np.ndarray
    groupings: dict[str, tuple[list[str], np.ndarray]]
    rng: np.random.Generator
    notes: list[str]

    @property
    def years(self) -> np.ndarray:
        """The years estimated."""
        return self.frame.years[self.cols]


def _estimate_indicator(
    panel, head: HeadlineSpec, spec: ModelSpec, frame: _Frame, n_draws: int, rng, notes: list
) -> dict | None:
    """One indicator's group rows (``table``), ``parity`` rows, economies' values (``units``), model ``records`` and
    series used (``sources``): its total, then its female/male and urban/rural splits; None without any value."""
    raw, used = _wide(panel, head.total, "total", frame.economies, frame.years)
    cols = _estimated_columns(raw, head, frame, notes)
    if cols is None:
        return None
    weights = frame.population[:, cols]
    groupings = {g: (names, member[:, :, cols] * weights[None]) for g, (names, member) in frame.memberships.items()}
    ind = _Indicator(panel, head, spec, frame, cols, groupings, rng, notes)
    total = _impute_total(ind, raw[:, cols])
    draws = _total_draws(total, n_draws, rng)
    out = _total_parts(ind, total, draws, used[:, cols])
    for kind, series, parts, share in _splits(ind):
        split = _split(ind, kind, series, parts, share, total, draws)
        if split is not None:
            for key, rows in split.items():
                out[key] += rows
    return {**out, "table": pd.concat(out["table"], ignore_index=True)}


def _estimated_columns(raw: np.ndarray, head: HeadlineSpec, frame: _Frame, notes: list) -> np.ndarray | None:
    """The columns of the frame's years estimated: from the first year with a reported value to the last one (or
    the last year asked for); None, with a note, when no year has one."""
    present = np.flatnonzero((~np.isnan(raw)).any(axis=0))
    if present.size == 0:
        notes.append(f"{head.code}: no reported value of {list(head.total)} in the years asked for; not estimated")
        return None
    last = present[-1] + 1
    if frame.wanted is not None:
        last = max(last, int(np.searchsorted(frame.years, frame.wanted[-1])) + 1)
    if present[0] > 0 and (frame.wanted is None or frame.wanted[0] < frame.years[present[0]]):
        notes.append(
            f"{head.code}: no estimate before {frame.years[present[0]]} (the first year with a reported value)"
        )
    return np.arange(present[0], last)


def _impute_total(ind: _Indicator, raw: np.ndarray) -> _Filled:
    """Every economy's total value (logit scale) in the years estimated, by the declared chain."""
    covariate = ind.frame.covariate[:, ind.cols] if ind.frame.covariate is not None else None
    label = {"indicator": ind.head.code, "part": "total"}
    return _impute(em.logit(raw, ind.spec.epsilon), ind.years, ind.spec, covariate, ind.frame.region_code, label=label)


def _total_draws(total: _Filled, n_draws: int, rng: np.random.Generator) -> np.ndarray | None:
    """Monte Carlo draws of every economy's total (percentages), the imputed cells drawn with their standard
    errors on the logit scale; None without draws."""
    if not n_draws:
        return None
    noise = rng.standard_normal((n_draws, *total.logit.shape))
    return em.expit(total.logit[None] + noise * total.sd[None])


def _total_parts(ind: _Indicator, total: _Filled, draws: np.ndarray | None, used: np.ndarray) -> dict:
    """The total's group rows, economies' values, records and series used (the parts :func:`_split` adds to)."""
    point = em.expit(total.logit)
    alts = [em.expit(a) for a in total.alternatives]
    labels = {"indicator": ind.head.code, "sex": "total", "location": "total"}
    return {
        "table": [_rows(point, draws, alts, total.reported, ind.groupings, ind.years, ind.spec, labels)],
        "parity": [],
        "units": [_unit_rows(ind.frame.economies, ind.years, point, total, used, labels)],
        "records": list(total.record),
        "sources": [_source_rows(ind.head.code, "total", "total", used)],
    }


def _splits(ind: _Indicator) -> list[tuple[str, Sequence[str], tuple[str, str], np.ndarray]]:
    """The declared splits of the indicator (``kind``, series, the two parts, the first part's population share):
    female/male, and urban/rural where the data hold the urban share (else a note)."""
    head, frame = ind.head, ind.frame
    splits = [("sex", head.by_sex, ("female", "male"), frame.female_share[:, ind.cols])]
    if frame.urban_share is not None:
        splits.append(("location", head.by_location, ("urban", "rural"), frame.urban_share[:, ind.cols]))
    elif head.by_location:
        ind.notes.append(
            f"{head.code}: no urban population share in the data ({ind.spec.urban_share}); urban/rural not estimated"
        )
    return [split for split in splits if split[1]]


def _split(
    ind: _Indicator,
    kind: str,
    series: Sequence[str],
    parts: tuple[str, str],
    share: np.ndarray,
    total: _Filled,
    draws: np.ndarray | None,
) -> dict | None:
    """Female/male (or urban/rural) values of every economy from the total and the modelled gap, and their groups."""
    first, second = parts
    ra, rb, used_a = _part_values(ind, kind, series)
    both = ~np.isnan(ra) & ~np.isnan(rb)
    if not both.any():
        ind.notes.append(
            f"{ind.head.code}: no pair of {first} and {second} values in {list(series)}; {kind} split not estimated"
        )
        return None
    gap = _impute_gap(ind, ra, rb, both, parts, total)
    # Every economy's two parts come from its total and its gap (observed where reported), so that they always add
    # up to the total: a survey whose own total differs from the total series keeps its gap, not its levels.
    a, b = em.split_total(em.expit(total.logit), gap.logit, share)
    a_draws, b_draws = _part_draws(draws, gap, share, ind.rng)
    alt_pairs = [em.split_total(em.expit(total.logit), alt, share) for alt in gap.alternatives]
    a_weights, b_weights = _part_weights(ind, share, parts)
    labels = {"indicator": ind.head.code, "sex": "total", "location": "total"}
    a_labels, b_labels = ({**labels, kind: first}, {**labels, kind: second})
    years, spec = ind.years, ind.spec
    parity = _parity_rows(
        (a, b),
        (a_draws, b_draws),
        alt_pairs,
        both,
        a_weights,
        b_weights,
        ind.groupings,
        years,
        spec,
        {"indicator": ind.head.code, "measure": MEASURES[kind]},
        invert=kind == "location",
    )
    split = _Filled(gap.logit, gap.sd, gap.method, both, gap.alternatives, gap.record)
    return {
        "table": [
            _rows(a, a_draws, [x for x, _ in alt_pairs], both, a_weights, years, spec, a_labels),
            _rows(b, b_draws, [y for _, y in alt_pairs], both, b_weights, years, spec, b_labels),
        ],
        "parity": [parity],
        "units": [
            _unit_rows(ind.frame.economies, years, a, split, used_a, a_labels),
            _unit_rows(ind.frame.economies, years, b, split, used_a, b_labels),
        ],
        "records": list(gap.record),
        "sources": [_source_rows(ind.head.code, a_labels["sex"], a_labels["location"], used_a)],
    }


def _part_values(ind: _Indicator, kind: str, series: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reported values of the two parts (female and male, or urban and rural) in the years estimated, and the
    series that gave the first part's."""
    frame = ind.frame
    if kind == "sex":
        ra, used_a = _wide(ind.panel, series, "female", frame.economies, frame.years)
        rb, _ = _wide(ind.panel, series, "male", frame.economies, frame.years)
    else:
        ra, used_a = _wide(ind.panel, [f"{s}.urban" for s in series], "total", frame.economies, frame.years)
        rb, _ = _wide(ind.panel, [f"{s}.rural" for s in series], "total", frame.economies, frame.years)
    return ra[:, ind.cols], rb[:, ind.cols], used_a[:, ind.cols]


def _impute_gap(
    ind: _Indicator, ra: np.ndarray, rb: np.ndarray, both: np.ndarray, parts: tuple[str, str], total: _Filled
) -> _Filled:
    """Every economy's gap ``logit(first) - logit(second)``, observed where both parts are reported, else imputed
    by the declared chain with the total (logit scale) as covariate."""
    epsilon = ind.spec.epsilon
    gap_observed = np.where(both, em.logit(ra, epsilon) - em.logit(rb, epsilon), np.nan)
    label = {"indicator": ind.head.code, "part": f"logit({parts[0]}) - logit({parts[1]})"}
    return _impute(gap_observed, ind.years, ind.spec, total.logit[:, :, None], ind.frame.region_code, label=label)


def _part_draws(
    draws: np.ndarray | None, gap: _Filled, share: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Monte Carlo draws of the two parts from the draws of the total and of the gap; None without draws."""
    if draws is None:
        return None, None
    noise = rng.standard_normal(draws.shape)
    return em.split_total(draws, gap.logit[None] + noise * gap.sd[None], share[None])


def _part_weights(ind: _Indicator, share: np.ndarray, parts: tuple[str, str]) -> tuple[dict, dict]:
    """Each grouping's population weights of the two parts (the first part's share of the population, and the
    rest); economies without a share are left out of both, with a note."""
    known = ~np.isnan(share)
    if not known.all():
        lacking = sorted(ind.frame.economies[~known.all(axis=1)])
        ind.notes.append(
            f"{ind.head.code}: {len(lacking)} economies without a population share for the {parts[0]}/{parts[1]} "
            f"split are left out of the {parts[0]} and {parts[1]} estimates: {', '.join(lacking)}"
        )
    a_weights = {g: (names, w * np.where(known, share, 0.0)[None]) for g, (names, w) in ind.groupings.items()}
    b_weights = {g: (names, w * np.where(known, 1.0 - share, 0.0)[None]) for g, (names, w) in ind.groupings.items()}
    return a_weights, b_weights


def _parity_rows(
    point, draws, alt_pairs, both, a_weights, b_weights, groupings, years, spec, labels, *, invert: bool
) -> pd.DataFrame:
    """Parity of the group values: F / M (or R / U with ``invert``), with the population share observed by sex."""

    def ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return y / x if invert else x / y

    frames = []
    masked = [_masked(d) for d in draws] if draws[0] is not None else None  # once for every grouping
    for grouping, (names, weights) in groupings.items():
        wa, wb = a_weights[grouping][1], b_weights[grouping][1]
        value = ratio(_weighted(point[0], wa), _weighted(point[1], wb))
        sampled = ratio(_weighted(masked[0], wa), _weighted(masked[1], wb)) if masked is not None else None
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
