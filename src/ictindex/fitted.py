"""Pass one of a chunked build: the fitted parameters of a panel too large for memory, learned chunk by chunk.

Everything :func:`~ictindex.model.compile_model` does is unit-local except a few fits: data-driven
normalisation, outlier treatment, group means for imputation (and, last, the ranks). So a panel partitioned by unit
(every year of a unit in one chunk) is built in two passes: this pass learns those parameters from statistics of
every chunk that merge exactly, and pass two compiles each chunk with them injected
(``compile_model(chunk, fitted=...)``, ``build_index(chunk, fitted=...)``), giving every unit the scores the
whole panel in memory gives it. The statistics (:mod:`ictindex.chunk_stats`):

* **min-max and frontier** normalisation: the least and greatest (transformed) value per year and indicator;
* **z-scores**: the count, mean and sum of squared deviations per year and indicator, merged with Chan, Golub
  and LeVeque's pairwise formula (*Updating formulae and a pairwise algorithm for computing sample variances*,
  1979): the same mean and standard deviation up to the order of the floating-point sums (about 1e-16);
* **group means** for imputation: sums and counts per group, year and indicator; **group medians**: the values
  of each group gathered (exact);
* **outlier treatment** (COINr's winsorisation walks the extreme points one by one): the values of the fit
  year(s) gathered into one column per indicator, sorted as the whole panel is, and fitted as in memory (exact).

The checks (:mod:`ictindex.checks`) run in both passes as in memory, chunk by chunk, where they are unit-local (a
zero price, a total outside its female-male range, a jump, a unit in one year, thin data, a missing category);
pass one lists their findings without raising (it acts as pass two does: a price of zero is set aside before it is
counted), and pass two raises an ``error`` and warns, chunk by chunk. ``percent_as_fraction`` concerns every
unit of a year: pass one runs it once over the panel, on the greatest value of each indicator and year (which
answers it exactly), before pass two starts. ``near_duplicate_unit`` compares the codes of one chunk only, and
``unit_in_one_year`` cannot judge a chunk whose values all lie in one year: each says so once, as a row of the
issue table and a warning.

Within-year rank normalisations (``rank``, ``percentile``, ``prank``), a user's fitted normalisation without a
mergeable statistic, and imputation across indicators (``regression``, ``em``) or by a user's method need every
unit at once: a chunked build refuses them, naming the indicator or the method.

>>> import pandas as pd
>>> panel = pd.DataFrame({"economy": ["A", "A", "B", "B", "C", "C"], "year": [2022, 2023] * 3,
...     "internet_users": [10.0, 20.0, 30.0, 50.0, 70.0, 90.0]})
>>> chunks = [panel.iloc[:4], panel.iloc[4:]]                 # units A, B | unit C
>>> fitted = learn(chunks, "doi", units="any", normalisation="minmax", min_coverage=0.1)
>>> fitted.years, fitted.normalisation.params["internet_users"]["high"].tolist()
((2022, 2023), [70.0, 90.0])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ictindex.chunk_stats import _STATISTICS, TABLE_PROBLEMS, _ColumnStats, _FitRows, _GroupValues
from ictindex.errors import CoverageError, MethodError, SpecError
from ictindex.impute import GroupCentres
from ictindex.normalise import FittedNormalisation
from ictindex.panel import ISSUE_COLUMNS
from ictindex.registry import normalisations
from ictindex.spec import BuildSpec
from ictindex.stages import Staged, _build_spec, _groups, stage_values

__all__ = ["FittedParameters", "learn", "learn_with", "check_chunkable", "CHUNKABLE_IMPUTATIONS", "TABLE_PROBLEMS"]

#: Imputation methods a chunked build can run: within a unit (along its years), or by group with learned centres.
CHUNKABLE_IMPUTATIONS = ("none", "latest", "interpolate", "group_mean", "group_median")
_GROUPED = ("group_mean", "group_median")


@dataclass(frozen=True)
class FittedParameters:
    """Parameters learned over a whole panel, to compile any chunk of it (see the module docstring).

    ``years``: the years built; ``normalisation``: the fitted normalisation over every year with data;
    ``treatment``/``treatment_summary``: the outlier rules and their summary; ``group_centres``: per sex, the
    group means (medians) for imputation; ``indicators``: the framework indicators with data anywhere;
    ``units``: the units (economy-years) of the panel; ``issues``: what validation says of the whole table (an
    indicator absent or missing everywhere, an unknown column), once (each chunk sees only its own rows);
    ``listed_only``: the units of a units table (``units=`` a table, or ``"iso3"``) that no chunk holds.
    """

    years: tuple[int, ...] = ()
    normalisation: FittedNormalisation | None = None
    treatment: Mapping[tuple[str, Any], Mapping[str, Any]] | None = None
    treatment_summary: pd.DataFrame | None = None
    group_centres: Mapping[str, GroupCentres] = field(default_factory=dict)
    indicators: tuple[str, ...] = ()
    units: int = 0
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    listed_only: tuple[str, ...] = ()

    def centres(self, sex: str) -> GroupCentres | None:
        return self.group_centres.get(sex)


# -- what a chunked build can do ----------------------------------------------------------------------------
def check_chunkable(spec: BuildSpec) -> None:
    """Refuse, naming it, a method that needs every unit at once (see the module docstring)."""
    method = spec.imputation.method
    if method not in CHUNKABLE_IMPUTATIONS:
        raise MethodError(
            f"'{method}' imputation models each value from other units' values at once, so a chunked build "
            "cannot run it",
            field="imputation",
            hint=f"use one of {list(CHUNKABLE_IMPUTATIONS)}, or build in memory",
        )
    for ind in spec.framework.indicators:
        registered = normalisations.get(ind.normalisation.method)
        if registered.within_year or (registered.fitted and registered.fit not in _STATISTICS):
            raise MethodError(
                f"'{ind.normalisation.method}' normalisation compares every unit of a year at once, and has no "
                "statistic that merges over chunks",
                indicator=ind.code,
                field="normalisation",
                hint="use goalpost, minmax, zscore or frontier normalisation, or build in memory",
            )


# -- pass one ---------------------------------------------------------------------------------------------------
Sweep = Callable[[Callable[[Any], Any]], Any]


def learn(
    chunks: Iterable[Any] | Callable[[], Iterable[Any]],
    framework: Any = None,
    *,
    spec: BuildSpec | None = None,
    groups: pd.DataFrame | None = None,
    **arguments: Any,
) -> FittedParameters:
    """Learn the fitted parameters of a build from chunks of a panel, each holding every year of its units.

    ``chunks`` is a sequence of panels (DataFrames, files) or a function returning a fresh iterable of them (it
    is read once per statistic needed: up to three times, with group imputation and treatment). Other arguments
    as :func:`ictindex.build_index`.
    """

    def sweep(step: Callable[[Any], Any]) -> Any:
        merged = None
        for chunk in chunks() if callable(chunks) else chunks:
            part = step(chunk)
            merged = part if merged is None else merged if part is None else merged.merge(part)
        if merged is None:
            raise SpecError(
                "no chunks given", field="chunks", hint="give a list of panels, or a function yielding them"
            )
        return merged

    spec = _build_spec(framework, spec, arguments)
    return learn_with(sweep, spec, _groups(None, groups, spec.units))


def learn_with(sweep: Sweep, spec: BuildSpec, groups: pd.DataFrame | None = None) -> FittedParameters:
    """Pass one, given ``sweep(step)``: apply ``step`` to every chunk and merge the results (in this process,
    or as a Dask reduction)."""
    check_chunkable(spec)
    known = FittedParameters()

    def swept(what: str) -> Any:
        merged = sweep(_Step(spec, groups, known, what))
        if merged is None:
            raise CoverageError("the panel holds no usable values", hint="check the chunks and their columns")
        return merged

    if spec.imputation.method in _GROUPED:
        known = dataclasses.replace(known, group_centres=swept("groups").centres(spec.imputation.method))
    if spec.treatment is not None:
        known = dataclasses.replace(known, **swept("treatment").rules(spec))
    return dataclasses.replace(known, **swept("normalisation").fitted(spec))


@dataclass(frozen=True)
class _Step:
    """One chunk's statistic for one sweep (a picklable callable, for worker processes)."""

    spec: BuildSpec
    groups: pd.DataFrame | None
    known: FittedParameters
    what: str

    def __call__(self, chunk: Any) -> Any:
        try:
            return self._statistic(chunk)
        except CoverageError as err:  # a chunk whose units have no usable value adds nothing to learn from
            if "no usable values" in err.message:
                return None
            raise

    def _statistic(self, chunk: Any) -> Any:
        if self.what == "groups":
            return _GroupValues.of(self._staged(chunk, group_sweep=True), self.spec, self.groups)
        if self.what == "treatment":
            return _FitRows.of(self._staged(chunk, treat=False), self.spec)
        return _ColumnStats.of(self._staged(chunk), self.spec)

    def _staged(self, chunk: Any, *, treat: bool = True, group_sweep: bool = False) -> Staged:
        spec = self.spec
        if group_sweep:  # the values the group centres are taken over: before imputation (and imputed screening)
            screening = spec.screening if spec.screening is not None and spec.screening.count == "observed" else None
            spec = spec.model_copy(
                update={
                    "imputation": spec.imputation.model_copy(update={"method": "none"}),
                    "screening": screening,
                    "treatment": None,
                }
            )
        # the checks' findings are listed, not raised or warned, here: pass two raises and warns, chunk by chunk
        return stage_values(
            chunk,
            spec,
            _groups(chunk, self.groups, spec.units),
            self.known,
            treat=treat,
            stop=False,
            maxima=self.what == "normalisation",
        )
