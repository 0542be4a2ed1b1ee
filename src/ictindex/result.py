"""The result of building an index: an immutable record of every stage.

Each table is a tidy DataFrame with ``economy`` and ``year`` columns. The
properties hand out shallow copies (cheap under pandas copy-on-write), so
changing a returned frame never changes the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from ictindex.errors import MethodError
from ictindex.framework import Framework
from ictindex.registry import user_methods
from ictindex.units import Units

if TYPE_CHECKING:
    from ictindex.plotting import PlotAccessor
    from ictindex.spec import BuildSpec

__all__ = ["IndexResult", "Lazy", "Provenance", "provenance_of"]

#: Without copy-on-write (pandas < 3 by default) a shallow copy shares its data with the result, so a
#: caller's edit would change the result: hand out deep copies there.
_DEEP = not (int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True)


def _tidy(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.reset_index()


class Lazy:
    """A table of a result built when first asked for: a build of millions of units keeps its numbers as arrays,
    and writes text (coverage reasons, flags, sources) only for a table someone reads. Pickled, it is the table."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        return _built, (self.build(),)


def _built(table: Any) -> Any:
    return table


class Provenance(Mapping[str, Any]):
    """What a build rests on (library version, framework and input hashes, every setting): a read-only mapping
    (``result.provenance["framework_sha256"]``) whose :meth:`to_frame` is the tidy table ``field, value``."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self._fields = MappingProxyType(dict(fields))

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def to_frame(self) -> pd.DataFrame:
        """One row per field: ``field``, ``value`` (lists and mappings as their text)."""
        return pd.DataFrame(
            {"field": list(self._fields), "value": [v if _scalar(v) else str(v) for v in self._fields.values()]}
        )

    def __repr__(self) -> str:
        return f"<Provenance of {self._fields.get('framework', 'a build')}: {len(self)} fields; .to_frame() shows them>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display)
        from ictindex.display import Card

        return Card("Provenance", (), [("Fields", self.to_frame())], kind="Provenance").html()


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _library_version() -> str:
    try:
        return version("ictindex")
    except PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


def provenance_of(spec: BuildSpec, years: list[int], input_sha256: str | None) -> dict[str, Any]:
    """The provenance of a build of ``spec`` over ``years`` (of a chunked build too, whose input has no one hash)."""
    fw = spec.framework
    imputation = spec.imputation
    return {
        "library_version": _library_version(),
        "framework": fw.code,
        "framework_version": fw.version,
        "framework_sha256": fw.sha256,
        "input_sha256": input_sha256,
        "years": years,
        "sex": spec.sex,
        "by_sex": spec.by_sex,
        "parity_band": list(spec.parity_band) if spec.by_sex else None,
        "imputation": imputation.method,
        "max_gap": imputation.max_gap if imputation.method != "none" else None,
        "reference_year": spec.reference_year,
        "min_coverage": spec.coverage_rule,
        "units": spec.units.describe(),
        **({"units_sha256": spec.units.sha256} if spec.units.kind == "table" else {}),
        "screening": None if spec.screening is None else spec.screening.model_dump(),
        "treatment": None if spec.treatment is None else spec.treatment.model_dump(exclude_none=True),
        "checks": {name: setting.model_dump(exclude_none=True) for name, setting in spec.checks} or None,
        # methods registered by the user, and built-in names the user replaced (issue 30)
        "user_methods": user_methods(fw, imputation.method, None if spec.treatment is None else spec.treatment.method),
    }


@dataclass(frozen=True, repr=False)
class IndexResult:
    """Scores, ranks and everything needed to explain them.

    Attributes (all DataFrames are copies):

    ``scores``
        economy, year, one column per node (index first, then sub-indices,
        top-down), and ``rank`` of the index within its year (1 = best; ties share
        the lower rank). Scores are on the framework's scale and never rounded;
        see :meth:`rounded` for published precision.
    ``raw``, ``imputed``, ``normalised``
        The indicator matrix at each stage (economy, year, one column per indicator).
    ``sources``
        Where each raw value came from (series code and publisher).
    ``imputations``
        One row per imputed value (economy, year, indicator, value, method, from_year, sex).
    ``coverage``
        One row per economy/year/node not scored or scored with children missing, and why.
    ``gender``, ``gender_indicators``
        With ``by_sex=True``: female/male node scores and parity (see :mod:`ictindex.gender`).
    ``treatments``, ``treatment_summary``, ``screening``
        Every treated value (economy, year, indicator, before, value, treatment, sex); the fitted
        rule per indicator (skewness, kurtosis, points, caps); the units screened and why (or ``None``).
    ``issues``
        What input validation noticed (aggregates set aside, missing markers, ...).
    ``provenance``
        Library version, framework code and hash, input hash, parameters: a read-only mapping whose
        ``to_frame()`` is the tidy table (:class:`Provenance`).
    ``spec``
        The :class:`~ictindex.spec.BuildSpec` of the build: ``build_index(data,
        spec=result.spec.replace(min_coverage=0.5))`` rebuilds it with one setting changed.
    """

    framework: Framework
    _scores: pd.DataFrame
    _raw: pd.DataFrame
    _imputed: pd.DataFrame
    _normalised: pd.DataFrame
    _sources: pd.DataFrame
    _imputations: pd.DataFrame
    _coverage: pd.DataFrame
    _issues: pd.DataFrame
    _floored: pd.DataFrame
    _gender: pd.DataFrame | None = None
    _gender_indicators: pd.DataFrame | None = None
    _treatments: pd.DataFrame | None = None
    _treatment_summary: pd.DataFrame | None = None
    _screening: pd.DataFrame | None = None
    _flags: pd.DataFrame | None = None
    _economy_flags: pd.DataFrame | None = None
    _breaks: pd.DataFrame | None = None
    provenance: Mapping[str, Any] = field(default_factory=dict)
    spec: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "provenance", Provenance(self.provenance))

    def __getstate__(self) -> dict[str, Any]:  # (a pickled result carries its tables, built)
        return {**self.__dict__, "provenance": dict(self.provenance)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "provenance", Provenance(self.provenance))

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if isinstance(value, Lazy):  # a table asked for the first time: built now, kept
            value = value.build()
            object.__setattr__(self, name, value)
        return value

    # -- stages ---------------------------------------------------------------
    @property
    def scores(self) -> pd.DataFrame:
        return self._scores.copy(deep=_DEEP)

    @property
    def raw(self) -> pd.DataFrame:
        return _tidy(self._raw)

    @property
    def imputed(self) -> pd.DataFrame:
        return _tidy(self._imputed)

    @property
    def normalised(self) -> pd.DataFrame:
        return _tidy(self._normalised)

    @property
    def sources(self) -> pd.DataFrame:
        return _tidy(self._sources)

    @property
    def imputations(self) -> pd.DataFrame:
        return self._imputations.copy(deep=_DEEP)

    @property
    def treatments(self) -> pd.DataFrame | None:
        """Every treated value (``None`` without a treatment); see :mod:`ictindex.treat`."""
        return None if self._treatments is None else self._treatments.copy(deep=False)

    @property
    def treatment_summary(self) -> pd.DataFrame | None:
        """The fitted treatment rule of every indicator (skewness, kurtosis, points, caps)."""
        return None if self._treatment_summary is None else self._treatment_summary.copy(deep=False)

    @property
    def screening(self) -> pd.DataFrame | None:
        """Data availability of every unit and whether it was kept (``None`` without screening)."""
        return None if self._screening is None else self._screening.copy(deep=False)

    def imputation_shares(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Share of imputed values per indicator and per economy (:func:`ictindex.impute.imputed_shares`)."""
        from ictindex.impute import imputed_shares

        log = self._imputations
        if "sex" in log.columns:
            log = log[log["sex"] == "total"]
        return imputed_shares(self._imputed, log)

    @property
    def coverage(self) -> pd.DataFrame:
        return self._coverage.copy(deep=_DEEP)

    @property
    def issues(self) -> pd.DataFrame:
        return self._issues.copy(deep=_DEEP)

    @property
    def floored(self) -> pd.DataFrame:
        """Values raised to an aggregation's ``zero_floor`` (geometric/harmonic means)."""
        return self._floored.copy(deep=_DEEP)

    # -- value notes and method breaks (see ictindex.flags, ictindex.breaks) ---------------------
    @property
    def flags(self) -> pd.DataFrame:
        """Values that are publisher estimates or carried forward: economy, year, indicator, value,
        flag, from_year, note (:mod:`ictindex.flags`)."""
        return pd.DataFrame() if self._flags is None else self._flags.copy(deep=False)

    @property
    def economy_flags(self) -> pd.DataFrame:
        """Per economy and year: indicators present, estimated and carried, and the ranking marker
        (``E`` estimates, ``C`` carried forward, ``!`` fewer than half of the indicators or mostly estimates)."""
        return pd.DataFrame() if self._economy_flags is None else self._economy_flags.copy(deep=False)

    @property
    def breaks(self) -> pd.DataFrame:
        """Series that start, stop or change source (series code or vintage) between two consecutive
        years of the build, per economy and indicator (:func:`ictindex.breaks.detect_breaks`)."""
        return pd.DataFrame() if self._breaks is None else self._breaks.copy(deep=False)

    def lookup(self, economy: str, year: int) -> pd.DataFrame:
        """Every indicator of one economy and year: raw, imputed and normalised value, source, flag
        (estimate / carried forward), the year the value comes from, and the publisher's note."""
        key = (economy, int(year))
        if key not in self._imputed.index:
            raise MethodError(
                f"no values for {economy} in {year}", economy=economy, year=year, hint="see result.excluded"
            )
        table = pd.DataFrame(
            {
                "indicator": self._imputed.columns,
                "raw": self._raw.loc[key].to_numpy() if key in self._raw.index else float("nan"),
                "imputed": self._imputed.loc[key].to_numpy(),
                "normalised": self._normalised.loc[key].reindex(self._imputed.columns).to_numpy(),
                "source": self._sources.loc[key].to_numpy() if key in self._sources.index else "",
            }
        )
        flags = self.flags
        if not flags.empty:
            flags = flags[(flags["economy"] == economy) & (flags["year"] == int(year))].set_index("indicator")
        else:
            flags = pd.DataFrame(columns=["flag", "from_year", "note"])
        table["flag"] = table["indicator"].map(flags["flag"]).fillna("")
        table["from_year"] = table["indicator"].map(flags["from_year"]).astype("Int64")
        table["from_year"] = table["from_year"].fillna(int(year)).where(table["imputed"].notna())
        table["note"] = table["indicator"].map(flags["note"]).fillna("")
        return table

    # -- gender ---------------------------------------------------------------
    def _require_gender(self, table: pd.DataFrame | None) -> pd.DataFrame:
        if table is None:
            raise MethodError(
                "this result was built without the female and male indices", hint="call build_index(..., by_sex=True)"
            )
        return table.copy(deep=_DEEP)

    @property
    def gender(self) -> pd.DataFrame:
        """Female and male scores of every node with a sex-disaggregable indicator below it:
        parity score F/M, relative gap (M-F)/M, parity band, equally-distributed score, and the
        reason when an economy has no female/male score (see :mod:`ictindex.gender`)."""
        return self._require_gender(self._gender)

    @property
    def gender_indicators(self) -> pd.DataFrame:
        """Parity score and gap of every sex-disaggregated series in the input (raw values)."""
        return self._require_gender(self._gender_indicators)

    @property
    def plot(self) -> PlotAccessor:  # the accessor lives in the report stage
        """Charts of this result: ``result.plot.gender_dumbbell()``, ... (see :mod:`ictindex.report`)."""
        from ictindex.plotting import PlotAccessor

        return PlotAccessor(self)

    # -- views ----------------------------------------------------------------
    @property
    def units(self) -> Units:
        """What the units are (:class:`~ictindex.units.Units`): their names, groups, population and the word
        for one of them (``result.units.noun``), as given to the build (``units=``)."""
        return self.spec.units if self.spec is not None else Units()

    @property
    def node_codes(self) -> list[str]:
        """Node codes top-down (index first)."""
        return [c for c in self._scores.columns if c not in ("economy", "year", "rank")]

    @property
    def years(self) -> list[int]:
        return sorted(self._scores["year"].unique().tolist())

    def report_year(self, year: int | None = None) -> int:
        """The year to report: ``year`` (it must have scores), or the latest year with scores when None."""
        year = int(max(self.years) if year is None else year)
        if year not in self.years:
            raise MethodError(
                f"the result has no scores for {year}", year=year, hint=f"years in the result: {self.years}"
            )
        return year

    def ranking(self, year: int | None = None) -> pd.DataFrame:
        """Scored economies of one year (default: the latest), best first, with the ``flag`` of each
        (:attr:`economy_flags` markers: ``E`` estimates, ``C`` carried values, ``!`` thin data, ``M`` a
        category missing)."""
        year = max(self.years) if year is None else year
        table = self._scores[(self._scores["year"] == year) & self._scores["rank"].notna()]
        table = table.sort_values(["rank", "economy"]).reset_index(drop=True)
        if self._economy_flags is not None and not self._economy_flags.empty:
            flags = self._economy_flags[self._economy_flags["year"] == year].set_index("economy")["marker"]
            table["flag"] = table["economy"].map(flags).fillna("").astype(str)
        return table

    def rounded(self) -> pd.DataFrame:
        """Scores rounded to the framework's published precision (e.g. 2 decimals for the DOI)."""
        table = self.scores
        table[self.node_codes] = table[self.node_codes].round(self.framework.rounding)
        return table

    @property
    def excluded(self) -> pd.DataFrame:
        """Everything left out of the index and why: economies/years with no index score,
        and aggregates set aside during validation."""
        top = self._coverage[
            (self._coverage["node"] == self.framework.index) & (self._coverage["status"] == "not scored")
        ]
        rows = top[["economy", "year", "reason"]].assign(kind="economy")
        aggregates = self._issues[self._issues["problem"] == "aggregate"]
        if not aggregates.empty:
            agg = (
                aggregates[["economy", "year"]]
                .drop_duplicates()
                .assign(reason="regional/income aggregate, not an economy", kind="aggregate")
            )
            agg["year"] = pd.to_numeric(agg["year"], errors="coerce")
            rows = pd.concat([rows, agg], ignore_index=True)
        return rows.reset_index(drop=True)

    def summary(self) -> str:
        scored = self._scores[self._scores["rank"].notna()]
        lines = [f"{self.framework.name} ({self.framework.code}), years {self.years}"]
        for year, group in scored.groupby("year"):
            top = group.sort_values("rank").head(3)
            best = ", ".join(
                f"{e} {s:.{self.framework.rounding}f}"
                for e, s in zip(top["economy"], top[self.framework.index], strict=True)
            )
            imputed = int((self._imputations["year"] == year).sum())  # one count per year, as the report's
            lines.append(f"  {year}: {len(group)} {self.units.plural} scored; {imputed} values imputed; top: {best}")
        not_scored = self.excluded
        lines.append(f"  not scored ({self.units.noun}-years): {int((not_scored['kind'] == 'economy').sum())}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<IndexResult {self.framework.code}: {len(self._scores)} scored {self.units.noun}-years>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import index_result_card

        return index_result_card(self).html()

    # -- other table libraries and Parquet (see ictindex.tables) ----------------------------------
    def tables(self, backend: str = "pandas") -> dict[str, Any]:
        """Every tidy table of the result by name (``scores``, ``raw``, ..., ``gender`` when built), in the
        flavour asked for: ``"pandas"`` (DataFrames), ``"polars"`` or ``"pyarrow"`` (Tables).

        >>> import ictindex, pandas as pd
        >>> panel = pd.DataFrame({"economy": ["KOR", "ARG"], "year": 2023, "indicator": "internet_users",
        ...                       "value": [97.2, 88.4]})
        >>> sorted(ictindex.build_index(panel, "doi", min_coverage=0.3).tables())[:4]
        ['breaks', 'coverage', 'economy_flags', 'flags']
        """
        from ictindex.tables import tables_as

        optional = {
            "gender": self._gender,
            "gender_indicators": self._gender_indicators,
            "treatments": self._treatments,
            "treatment_summary": self._treatment_summary,
            "screening": self._screening,
        }
        everything = {
            "scores": self.scores,
            "raw": self.raw,
            "imputed": self.imputed,
            "normalised": self.normalised,
            "sources": self.sources,
            "imputations": self.imputations,
            "coverage": self.coverage,
            "issues": self.issues,
            "floored": self.floored,
            "flags": self.flags,
            "economy_flags": self.economy_flags,
            "breaks": self.breaks,
            **{name: table.copy(deep=_DEEP) for name, table in optional.items() if table is not None},
        }
        return tables_as(everything, backend)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write every table of :meth:`tables` as ``<folder>/<table>.parquet`` (pyarrow, ``ictindex[arrow]``).

        Each file carries the result's provenance (library version, framework and input hashes,
        parameters) as JSON in its schema metadata, key ``ictindex.provenance``; ``read_table`` (or
        ``pandas.read_parquet``) reads a table back with its dtypes. The folder is replaced whole or not at
        all, as the report's (:func:`ictindex.safety.output_folder`). Returns the folder.
        """
        from ictindex.safety import output_folder
        from ictindex.tables import write_parquet

        target = Path(folder)
        with output_folder(target) as work:
            for name, table in self.tables().items():
                write_parquet(table, work / f"{name}.parquet", provenance=dict(self.provenance))
        return target
