"""What the world and group estimates are made of, as data: the declared headline indicators, their series and
weights, the models and their settings (:class:`EstimatesSpec`, read by :func:`load_estimates_spec` from
``indicators/estimates/itu_facts_and_figures.yaml``), the groupings known, and the columns of the tables
:func:`ictindex.estimates.estimates` returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ictindex.errors import IctIndexError, MethodError
from ictindex.resources import bundled_dir

__all__ = ["EstimatesSpec", "load_estimates_spec", "GROUPINGS", "TABLE_COLUMNS", "PARITY_COLUMNS", "MEASURES"]

DEFAULT_SPEC = "estimates/itu_facts_and_figures.yaml"


WORLD = "World"


NO_GROUP = "No group in the metadata"


#: Grouping names :func:`~ictindex.estimates.estimates` knows besides any column of the groups table.
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
