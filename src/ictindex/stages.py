"""The stages of a build before normalisation, in COINr's order: validate the panel, derive the framework's
indicator values, run the checks of values and units, screen units by data availability, impute, treat outliers
(:func:`stage_values` -> :class:`Staged`); the years built (:func:`built_years`, :func:`available_years`); and
the hash of the validated input a build's provenance records. :func:`ictindex.model.compile_model` runs them and
fits the normalisation; :mod:`ictindex.fitted` runs them chunk by chunk with parameters learned over every chunk.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ictindex.checks import CheckedValues, Settings, check_values, needs_sexes
from ictindex.derive import indicator_values
from ictindex.errors import CoverageError, IctIndexWarning, MethodError, SpecError
from ictindex.framework import CheckSetting, Framework, Screening
from ictindex.impute import IMPUTATION_COLUMNS, impute
from ictindex.panel import PanelCheck, WideValues, to_panel
from ictindex.registry import normalisations
from ictindex.screen import screen_units
from ictindex.spec import BuildSpec
from ictindex.treat import apply_rules, fit_treatment
from ictindex.units import Units

if TYPE_CHECKING:  # the fitted parameters of a chunked build are learned by a later module
    from ictindex.fitted import FittedParameters


__all__ = ["Staged", "stage_values", "PANEL_CHECKS", "check_settings", "built_years", "available_years"]


_HASHED = ("economy", "indicator", "sex", "year", "value")


def _mix(row: np.ndarray) -> None:
    """SplitMix64's finaliser, in place: every bit of a row's number spread over its whole hash
    (Steele, Lea & Flood 2014)."""
    with np.errstate(over="ignore"):
        row ^= row >> np.uint64(30)
        row *= np.uint64(0xBF58476D1CE4E5B9)
        row ^= row >> np.uint64(27)
        row *= np.uint64(0x94D049BB133111EB)
        row ^= row >> np.uint64(31)


#: Multipliers of the economy, indicator, sex, year and value of a row in its hash (odd: each column weighs
#: differently).
_HASH_WEIGHTS = {name: np.uint64(0x9E3779B97F4A7C15 + 2 * k) for k, name in enumerate(_HASHED)}


def _panel_hash(checked: PanelCheck) -> str:
    """SHA-256 of the validated panel, whatever the order of its rows (or the layout of the table it came from).

    The validated panel's text columns are categorical with sorted labels, so equal panels have equal labels and
    codes: the labels are hashed once, and every row (its codes, year and value) is mixed into one number, summed and
    combined by an exclusive or, which no reordering changes. A wide table's values are hashed in its own shape,
    with the numbers its long panel's rows would give."""
    if checked.wide is not None:
        wide = checked.wide
        coded = {"economy": wide.economy, "indicator": wide.indicator, "sex": wide.sex}
        total, mixed, n = _wide_hash(wide)
    else:
        panel = checked.panel
        coded = {
            name: panel[name].array
            if isinstance(panel[name].dtype, pd.CategoricalDtype)
            else pd.Categorical(panel[name])
            for name in ("economy", "indicator", "sex")
        }
        total, mixed, n = _long_hash(panel, coded)
    labels = hashlib.sha256()
    for name in ("economy", "indicator", "sex"):
        labels.update("\x1f".join(map(str, coded[name].categories)).encode() + b"\x1e")
    labels.update(np.array([total, mixed, n], dtype="uint64").tobytes())
    return labels.hexdigest()


def _long_hash(
    panel: pd.DataFrame, coded: dict[str, pd.Categorical], chunk: int = 65_536
) -> tuple[np.uint64, np.uint64, int]:
    """The sum, exclusive or and number of the row numbers of a long panel, in blocks of rows (each block's work
    arrays stay in cache; the panel's own arrays are never written)."""
    n = len(panel)
    columns = {name: coded[name].codes for name in ("economy", "indicator", "sex")}
    columns["year"] = panel["year"].to_numpy(dtype="int64").view("uint64")
    columns["value"] = panel["value"].to_numpy(dtype="float64").view("uint64")
    total, mixed = np.uint64(0), np.uint64(0)
    row, part = np.empty(chunk, dtype="uint64"), np.empty(chunk, dtype="uint64")
    with np.errstate(over="ignore"):
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            row[:size] = 0
            for name in _HASHED:
                np.multiply(
                    columns[name][start : start + size],
                    _HASH_WEIGHTS[name],
                    out=part[:size],
                    dtype="uint64",
                    casting="unsafe",
                )
                row[:size] += part[:size]
            _mix(row[:size])
            total += np.add.reduce(row[:size], dtype="uint64")
            mixed ^= np.bitwise_xor.reduce(row[:size])
    return total, mixed, n


def _wide_hash(wide: WideValues, chunk: int = 16_384) -> tuple[np.uint64, np.uint64, int]:
    """The sum, exclusive or and number of the row numbers of a wide table's usable values, in blocks of rows
    (each block's work arrays stay in cache)."""
    n = len(wide.values)
    weights = _HASH_WEIGHTS
    total, mixed, count = np.uint64(0), np.uint64(0), 0
    with np.errstate(over="ignore"):
        # what a row shares over its columns, and what a column shares over its rows
        base = wide.economy.codes.astype("uint64") * weights["economy"]
        base += wide.sex.codes.astype("uint64") * weights["sex"]
        base += wide.year.view("uint64") * weights["year"]
        per_column = wide.indicator.codes.astype("uint64") * weights["indicator"]
        for start in range(0, n, chunk):
            values = wide.values[start : start + chunk]
            usable = ~np.isnan(values)
            cell = values.view("uint64") * weights["value"]
            cell += base[start : start + chunk, None]
            cell += per_column[None, :]
            _mix(cell)
            cell *= usable
            total += np.add.reduce(cell, axis=None, dtype="uint64")
            mixed ^= np.bitwise_xor.reduce(cell, axis=None)
            count += int(np.count_nonzero(usable))
    return total, mixed, count


def _years_text(years: Sequence[int]) -> str:
    return ", ".join(map(str, years)) if len(years) <= 5 else f"{len(years)} years, {years[0]}-{years[-1]}"


def _screened_rows(screening: pd.DataFrame | None, years: list[int], index: str) -> pd.DataFrame:
    """Coverage rows for the units screened out, with the reason."""
    if screening is None or screening.empty or screening["kept"].all():
        return pd.DataFrame()
    out = screening[~screening["kept"] & screening["year"].isin(years)]
    return pd.DataFrame(
        {
            "economy": out["economy"],
            "year": out["year"],
            "node": index,
            "status": "not scored",
            "present": out["present"],
            "expected": out["expected"],
            "missing": "",
            "reason": out["reason"],
        }
    ).reset_index(drop=True)


def _screen(values: pd.DataFrame, spec: BuildSpec, counted: str) -> tuple[np.ndarray, pd.DataFrame]:
    return screen_units(values, cast(Screening, spec.screening).min_share, counted=counted)


def _groups(data: Any, groups: pd.DataFrame | None, units: Units | None = None) -> pd.DataFrame | None:
    """The unit groups: given, carried by the panel (``read_coinr`` puts iData's in ``attrs``), or the groupings of
    a units table."""
    if groups is None and isinstance(data, pd.DataFrame) and isinstance(data.attrs.get("groups"), Mapping):
        groups = pd.DataFrame(data.attrs["groups"]).rename_axis("economy")
    if groups is None and units is not None and units.kind == "table" and units.group_columns:
        groups = units.groups()[units.group_columns]
    if groups is None:
        return None
    if not isinstance(groups, pd.DataFrame):
        raise SpecError(
            f"groups must be a DataFrame of economy -> group columns, got {type(groups).__name__}",
            field="groups",
            hint="give a DataFrame with an 'economy' column and one column per grouping",
        )
    return groups.set_index("economy") if "economy" in groups.columns else groups.copy()


def _without_groups(data: Any) -> Any:
    """The panel without the groups ``read_coinr`` carries in ``attrs`` (read by :func:`_groups`): pandas copies
    ``attrs`` deeply at every step of the validation."""
    if isinstance(data, pd.DataFrame) and "groups" in data.attrs:
        data = data.copy(deep=False)
        data.attrs = {k: v for k, v in data.attrs.items() if k != "groups"}
    return data


def _build_spec(framework: Any, spec: BuildSpec | None, arguments: dict[str, Any]) -> BuildSpec:
    if spec is None:
        return BuildSpec.create("doi" if framework is None else framework, **arguments)
    if framework is not None or arguments:
        return spec.replace(**({"framework": framework} if framework is not None else {}), **arguments)
    return spec


@dataclass
class Staged:
    """A build's values before normalisation: validated, derived, screened, imputed and treated (see
    :func:`stage_values`). ``values`` are the observed values (total), ``filled`` the imputed and treated ones;
    ``sex_raw``/``sex_filled`` the same of each sex; ``log`` the imputation log of every sex."""

    checked: PanelCheck
    index: pd.MultiIndex
    values: pd.DataFrame
    sources: pd.DataFrame
    filled: pd.DataFrame
    log: pd.DataFrame
    screening: pd.DataFrame | None = None
    sex_raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    sex_filled: dict[str, pd.DataFrame] = field(default_factory=dict)
    treatment_rules: Mapping[tuple[str, Any], Any] | None = None
    treatment_log: pd.DataFrame | None = None
    treatment_summary: pd.DataFrame | None = None
    check_issues: pd.DataFrame | None = None
    year_maxima: pd.DataFrame | None = None
    source_changes: pd.DataFrame | None = None

    @property
    def sexes(self) -> tuple[str, ...]:
        return tuple(self.sex_raw)


#: Checks whose finding concerns every unit of a year at once (``percent_as_fraction``: every value of a year
#: between 0 and 1). A chunk of a panel (``fitted``) is not checked for them: pass one runs them once over the
#: whole panel, on the greatest value of each indicator and year (:mod:`ictindex.fitted`).
PANEL_CHECKS = ("percent_as_fraction",)


def check_settings(spec: BuildSpec, chunk: bool = False) -> Settings:
    """The build's check settings; for a ``chunk`` of a panel, without the :data:`PANEL_CHECKS`."""
    overrides = dict(spec.checks)
    if chunk:
        overrides |= {name: CheckSetting(severity="off") for name in PANEL_CHECKS}
    return Settings(spec.framework, overrides, spec.units)


def stage_values(
    data: Any,
    spec: BuildSpec,
    groups: pd.DataFrame | None = None,
    fitted: FittedParameters | None = None,
    *,
    treat: bool = True,
    stop: bool = True,
    maxima: bool = False,
) -> Staged:
    """Validate, derive, check, screen, impute and (with ``treat``) treat: every stage before the normalisation.

    With ``fitted``, group imputation uses its group means and the treatment its rules (learned over every chunk
    of a panel), and the checks of the whole panel (:data:`PANEL_CHECKS`) are left to pass one; without, they are
    learned from ``data``. ``stop=False`` lists the checks' findings without raising or warning (pass one: pass
    two raises and warns); ``maxima`` keeps the greatest value of each year and indicator before the checks (what
    pass one runs the :data:`PANEL_CHECKS` on)."""
    fw = spec.framework
    with_sexes = spec.by_sex or spec.sex != "total"
    if with_sexes:
        _check_sex_methods(fw)
    checked = _checked(data, spec)
    values, sources = indicator_values(checked.values, fw, sex="total")
    sexes = ("female", "male") if with_sexes else ()
    settings = check_settings(spec, chunk=fitted is not None)
    # female and male values: for a by-sex build, and for the sex_total check wherever the panel has them
    compared = sexes or (("female", "male") if needs_sexes(checked, fw, settings) else ())
    sexed = {s: indicator_values(checked.values, fw, sex=s) for s in compared}
    total_index = values.index
    index, values, sources = _on_one_index(values, sources, sexed, spec)
    year_maxima = values.groupby(level="year").max() if maxima else None
    found = _checks_stage(checked, values, sources, {s: sexed[s][0] for s in compared}, spec, settings, stop)
    del sexed  # from here the female and male values are found.sexes (checked): the derived ones are let go
    source_changes = None if found.sources is sources else _changes(sources, found.sources)
    values, sources = found.values, found.sources
    if compared and not sexes:  # a total build keeps the units with a total (given or derived) only
        keep = values.notna().any(axis=1).to_numpy() | index.isin(total_index)
        if not keep.all():
            index, values, sources = index[keep], values[keep], sources[keep]  # type: ignore[index]
    staged = _screened_and_imputed(checked, index, values, sources, spec, groups, fitted)
    staged.check_issues, staged.year_maxima, staged.source_changes = found.issues, year_maxima, source_changes
    if treat:
        _treat(staged, spec, fitted)
    for s in sexes:
        _stage_sex(staged, s, found.sexes[s].reindex(staged.index), spec, groups, fitted)
    return staged


def _checks_stage(
    checked: PanelCheck,
    values: pd.DataFrame,
    sources: pd.DataFrame,
    sexes: Mapping[str, pd.DataFrame],
    spec: BuildSpec,
    settings: Settings,
    stop: bool,
) -> CheckedValues:
    """The values after the checks stage (:mod:`ictindex.checks`): zero prices set aside, totals derived from
    female and male values, and the findings."""
    return check_values(
        values,
        spec.framework,
        settings,
        sources=sources,
        sexes=sexes,
        years=spec.years,
        window=spec.imputation.max_gap if spec.imputation.method != "none" else 0,
        panel=lambda: checked.panel,
        units=spec.units,
        stop=stop,
        inplace=True,  # the build's own matrix
    )


def _on_one_index(
    values: pd.DataFrame, sources: pd.DataFrame, sexed: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]], spec: BuildSpec
) -> tuple[pd.MultiIndex, pd.DataFrame, pd.DataFrame]:
    """The units of every sex (sorted), and the total values and value sources on them (of a female or male build,
    the sources of its own values)."""
    index = values.index
    for s in sexed:
        index = index.union(sexed[s][0].index)
    index = index.sortlevel()[0] if len(index) and not index.is_monotonic_increasing else index
    values, sources = values.reindex(index), sources.reindex(index).fillna("")
    if spec.sex != "total":  # where a female (male) build's values came from
        sources = sexed[spec.sex][1].reindex(index).fillna("")
    return index, values, sources


def _screened_and_imputed(
    checked: PanelCheck,
    index: pd.MultiIndex,
    values: pd.DataFrame,
    sources: pd.DataFrame,
    spec: BuildSpec,
    groups: pd.DataFrame | None,
    fitted: Any,
) -> Staged:
    """The staged total values: units screened by data availability (observed or imputed), and imputed."""
    screening = None
    if spec.screening is not None and spec.screening.count == "observed":
        keep, screening = _screen(values, spec, "observed")
        index = index[keep]
        values, sources = values[keep], sources[keep]
    filled, log = _impute(values, spec, groups, fitted, "total")
    if spec.screening is not None and spec.screening.count == "imputed":
        keep, screening = _screen(filled, spec, "imputed")
        index = index[keep]
        values, sources, filled = values[keep], sources[keep], filled[keep]
        log = log.merge(
            pd.DataFrame({"economy": index.get_level_values("economy"), "year": index.get_level_values("year")}),
            on=["economy", "year"],
        )
    return Staged(checked, index, values, sources, filled, log.assign(sex="total"), screening)


def _checked(data: Any, spec: BuildSpec) -> PanelCheck:
    """The validated panel (given as such when an uncertainty analysis compiles its alternatives)."""
    checked = (
        data
        if isinstance(data, PanelCheck)
        else to_panel(
            _without_groups(data),
            spec.framework,
            extra_names=dict(spec.extra_names) or None,
            known_series=None if spec.known_series is None else dict(spec.known_series),
            units=spec.units,
        )
    )
    if checked.n_values == 0:
        raise CoverageError(
            "the panel holds no usable values",
            file=str(data) if isinstance(data, str | Path) else None,
            hint="check the file and its columns",
        )
    return checked


def _impute(
    values: pd.DataFrame, spec: BuildSpec, groups: pd.DataFrame | None, fitted: Any, sex: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    imputation = spec.imputation
    if imputation.method == "none":  # nothing to fill: the values themselves (never written), not a copy
        return values, pd.DataFrame(columns=IMPUTATION_COLUMNS)
    centres = None if fitted is None else fitted.centres(sex)
    options = imputation.options() | ({"centres": centres} if centres is not None else {})
    return impute(values, imputation.method, groups=groups, **options)


def _treat(staged: Staged, spec: BuildSpec, fitted: Any) -> None:
    """Outlier treatment of the total values: rules fitted on them (or given), applied and logged."""
    if spec.treatment is None:
        return
    if fitted is not None and fitted.treatment is not None:
        rules, summary = fitted.treatment, fitted.treatment_summary
    else:
        options = spec.treatment.model_dump(exclude_none=True)
        rules, summary = fit_treatment(
            staged.filled,
            options.pop("method"),
            reference_year=spec.reference_year,
            indicators=options.pop("indicators", None),
            **options,
        )
    staged.filled, log = apply_rules(staged.filled, rules)
    staged.treatment_rules, staged.treatment_log, staged.treatment_summary = rules, log.assign(sex="total"), summary


def _stage_sex(
    staged: Staged, sex: str, raw: pd.DataFrame, spec: BuildSpec, groups: pd.DataFrame | None, fitted: Any
) -> None:
    """The female (male) values: imputed as the total, treated with the total's rules."""
    filled, log = _impute(raw, spec, groups, fitted, sex)
    if staged.treatment_rules is not None:
        filled, treated = apply_rules(filled, staged.treatment_rules)
        staged.treatment_log = pd.concat([staged.treatment_log, treated.assign(sex=sex)], ignore_index=True)
    disaggregable = [i.code for i in spec.framework.indicators if i.sex_disaggregable]
    own = log[log["indicator"].isin(disaggregable)].assign(sex=sex)
    staged.log = pd.concat([staged.log, own], ignore_index=True)
    staged.sex_filled[sex], staged.sex_raw[sex] = filled, raw


def built_years(staged: Staged, spec: BuildSpec, fitted: Any = None) -> tuple[list[int], BuildSpec]:
    """The years to build and the spec that records them: ``spec.years`` (those the data hold, with
    ``missing_years="warn"``), or every year with data; with ``fitted``, the years pass one chose over the whole
    panel (a chunk may lack some of them)."""
    if fitted is not None and fitted.years:
        years = list(fitted.years)
        return years, spec if spec.years is None or tuple(spec.years) == tuple(years) else spec.model_copy(
            update={"years": tuple(years)}
        )
    main = staged.filled if spec.sex == "total" else staged.sex_filled[spec.sex]
    with_data = main.notna().any(axis=1).to_numpy()
    data_years = _years_of(staged.index, with_data)
    if spec.years is None:
        return data_years, spec
    wanted = list(spec.years)
    if not set(wanted) & set(data_years):
        raise CoverageError(
            f"no data for any indicator of '{spec.framework.code}' in year(s) {wanted}",
            year=", ".join(map(str, wanted)),
            hint=f"choose among the years with data: {data_years[:3]} ... {data_years[-3:]}"
            if data_years
            else "check the indicator codes",
        )
    return available_years(spec, wanted, data_years, stacklevel=6)


def _years_of(index: pd.MultiIndex, rows: np.ndarray | None = None) -> list[int]:
    """The years of the units (of the ``rows`` marked), sorted: from the index's codes (no number per unit)."""
    position = index.names.index("year")
    codes = index.codes[position] if rows is None else index.codes[position][rows]
    in_use = np.bincount(codes[codes >= 0], minlength=len(index.levels[position])) > 0
    return sorted(int(y) for y in index.levels[position][in_use])


def available_years(
    spec: BuildSpec, wanted: list[int], data_years: list[int], *, stacklevel: int = 4
) -> tuple[list[int], BuildSpec]:
    """The years asked for that the data hold. A year without data is an error naming it (a replayed spec on a
    file lacking some of its years), or with ``missing_years="warn"`` (``years="available"``) a warning, and the
    spec then records the years built."""
    missing = [y for y in wanted if y not in set(data_years)]
    if not missing:
        return wanted, spec
    text = ", ".join(map(str, missing))
    if spec.missing_years == "raise":
        raise CoverageError(
            f"the data hold no value of any indicator of '{spec.framework.code}' in {text}, a year asked for "
            f"(years {', '.join(map(str, wanted))})",
            year=text,
            field="years",
            hint='add the data of that year, ask for the years present, or pass years="available" to build those '
            "of the years the data hold",
        )
    kept = [y for y in wanted if y not in set(missing)]
    warnings.warn(
        f'no data in {text}: built {", ".join(map(str, kept))} only (years="available")',
        IctIndexWarning,
        stacklevel=stacklevel,
    )
    return kept, spec.model_copy(update={"years": tuple(kept)})


def _changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The cells of a sources table the checks changed (a value set aside, a total derived): economy, year,
    indicator, text."""
    rows = []
    for code in after.columns:
        if after[code] is before[code]:
            continue
        old = before[code].astype(object).to_numpy()
        new = after[code].astype(object).to_numpy()
        at = np.flatnonzero(old != new)
        if at.size:
            units = after.index[at]
            rows.append(
                pd.DataFrame(
                    {
                        "economy": units.get_level_values("economy"),
                        "year": units.get_level_values("year"),
                        "indicator": code,
                        "text": new[at],
                    }
                )
            )
    return (
        pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["economy", "year", "indicator", "text"])
    )


def _with_changes(sources: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Sources derived again, with the checks' changes written as the checks wrote them."""
    if changes.empty:
        return sources
    sources = sources.copy()
    rows = sources.index.get_indexer(pd.MultiIndex.from_arrays([changes["economy"], changes["year"]]))
    for code, group in changes.groupby("indicator", sort=False):
        at = rows[group.index.to_numpy()]
        hit = at >= 0
        column = sources[code].astype(object).to_numpy(copy=True)
        column[at[hit]] = group["text"].to_numpy()[hit]
        sources[code] = column
    return sources


def _rows(array: Any, keep: np.ndarray) -> Any:
    """The rows kept of an array, frame or index (itself when every row is: a (units x indicators) copy costs as
    much as a stage)."""
    return array if keep.all() else array[keep]


def _screened_out(screening: pd.DataFrame | None) -> set[str]:
    """Economies screened out in every year (listed by the screening rows, not as absent)."""
    if screening is None or screening.empty:
        return set()
    kept = screening.groupby("economy")["kept"].any()
    return set(kept.index[~kept])


def _check_sex_methods(fw: Framework) -> None:
    """Refuse a by-sex build the framework cannot support, saying why."""
    if not any(ind.sex_disaggregable for ind in fw.indicators):
        raise MethodError(
            f"framework '{fw.code}' has no sex-disaggregable indicator, so its female and male "
            "indices would equal the total",
            hint="mark survey-based indicators 'sex_disaggregable: true', or use the 'doi_gender' framework",
        )
    for ind in fw.indicators:
        if ind.sex_disaggregable and normalisations.get(ind.normalisation.method).within_year:
            raise MethodError(
                f"'{ind.normalisation.method}' normalisation ranks each sex within its own group, so female "
                "and male scores would not be comparable",
                indicator=ind.code,
                hint="use goalpost, min-max or z-score normalisation for sex-disaggregable indicators",
            )
