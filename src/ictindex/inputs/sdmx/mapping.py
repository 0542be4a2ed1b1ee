"""How SDMX codes map onto a panel (:class:`SdmxMapping`): sex, location and total codes, observation status,
footnote attributes, percent units; and the optional ``sdmx1`` library, imported when first needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ictindex.errors import IctIndexError

#: Code -> sex of the panel (SDMX cross-domain CL_SEX, and the UN SDG's older codes).
SEX_CODES = {
    "_T": "total",
    "T": "total",
    "BOTHSEX": "total",
    "SEX_T": "total",
    "F": "female",
    "FEMALE": "female",
    "SEX_F": "female",
    "M": "male",
    "MALE": "male",
    "SEX_M": "male",
}
#: Code -> suffix of the series code (URBANISATION, CL_DEGURBA / SDG ``URBANISATION``): a total adds none.
LOCATION_CODES = {"_T": "", "ALLAREA": "", "T": "", "U": "urban", "URBAN": "urban", "R": "rural", "RURAL": "rural"}
#: Codes of a dimension that mean "all of it" (no breakdown).
TOTAL_CODES = frozenset({"_T", "_Z", "_X", "T", "ALLAGE", "ALLAREA", "BOTHSEX", "_N"})
#: SDMX cross-domain observation status (CL_OBS_STATUS) -> the note the value carries. "estimated" makes
#: :func:`ictindex.flags.is_estimate` flag the value.
OBS_STATUS = {
    "A": "",
    "B": "break in series (SDMX OBS_STATUS B)",
    "D": "definition differs (SDMX OBS_STATUS D)",
    "E": "estimated value (SDMX OBS_STATUS E)",
    "F": "forecast value (SDMX OBS_STATUS F)",
    "I": "imputed value (SDMX OBS_STATUS I)",
    "M": "missing value (SDMX OBS_STATUS M)",
    "P": "provisional value (SDMX OBS_STATUS P)",
    "U": "low reliability (SDMX OBS_STATUS U)",
}
#: UN SDG ``NATURE`` codes (SDG metadata): E estimated, M modelled, G global monitoring, C/CA country data.
SDG_NATURE = {
    "C": "",
    "CA": "country data adjusted (SDG nature CA)",
    "E": "estimated (SDG nature E)",
    "M": "modelled (SDG nature M)",
    "G": "global monitoring data (SDG nature G)",
    "N": "",
    "_X": "",
    "NOTSPEC": "",
}
#: Attributes whose text is a footnote of the value (kept in the note).
FOOTNOTES = ("COMMENT_OBS", "OBS_COMMENT", "FOOTNOTE", "COMMENT_TS", "TIME_DETAIL", "SOURCE_DETAIL")
#: Unit codes that mean a percentage (UN SDG ``PERCENT``, SDMX cross-domain ``PT``/``PC``).
PERCENT_UNITS = frozenset({"PT", "PC", "PERCENT", "%", "PERCENTAGE"})
#: SDMX series codes whose panel code differs in more than ``_`` for ``.`` (UN SDG 17.8.1 is ITU's i99H).
SERIES_CODES = {"IT_USE_ii99": "i99H"}


@dataclass(frozen=True)
class SdmxMapping:
    """How the dimensions and attributes of an SDMX message become a panel.

    Each of ``economy``, ``year``, ``indicator``, ``sex``, ``location`` and ``age`` lists candidate
    dimension ids; the first present in the message is used (``indicator`` may join several:
    ``("DATATYPE", "PRODUCTCODE")`` gives ``Reported.020110``). ``select`` keeps the observations whose
    dimensions take the given codes (``{"REPORTING_TYPE": "G"}``); any other dimension that takes more than
    one code is an error naming it (its observations would otherwise collide). ``series`` renames series
    codes (``{"IT_USE_ii99": "i99H"}``); a code not named there is kept, or written with ``.`` for ``_``
    when that is a catalogue code (World Bank ``IT_NET_USER_ZS`` -> ``IT.NET.USER.ZS``). ``economies``
    renames area codes before the M49 and name look-ups. ``aggregates``: ``"keep"`` (default) passes
    regional codes on as their M49 names, which validation sets aside and records; ``"drop"`` leaves them
    out here (listed in ``frame.attrs["aggregates"]``).
    """

    economy: tuple[str, ...] = ("REF_AREA", "REPORTER", "GEO", "GEO_PICT", "COUNTRY", "AREA")
    year: tuple[str, ...] = ("TIME_PERIOD",)
    indicator: tuple[str, ...] = ("SERIES", "INDICATOR", "SERIES_CODE")
    sex: tuple[str, ...] = ("SEX",)
    location: tuple[str, ...] = ("URBANISATION", "URBANIZATION", "DEGURBA")
    age: tuple[str, ...] = ("AGE",)
    select: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    series: Mapping[str, str] = field(default_factory=lambda: dict(SERIES_CODES))
    economies: Mapping[str, str] = field(default_factory=dict)
    aggregates: str = "keep"

    def with_(self, changes: Mapping[str, Any] | None) -> SdmxMapping:
        """This mapping with some fields replaced (a string for a tuple field is one dimension)."""
        if not changes:
            return self
        unknown = sorted(set(changes) - set(self.__dataclass_fields__))
        if unknown:
            raise IctIndexError(
                f"unknown mapping key(s) {unknown}",
                field="mapping",
                hint=f"use {sorted(self.__dataclass_fields__)}",
            )
        fixed = {k: ((v,) if isinstance(v, str) and k in _DIMENSION_FIELDS else v) for k, v in changes.items()}
        if "series" in fixed:
            fixed["series"] = {**SERIES_CODES, **dict(fixed["series"])}
        if fixed.get("aggregates", "keep") not in ("keep", "drop"):
            raise IctIndexError(
                f"mapping aggregates must be 'keep' or 'drop', got {fixed['aggregates']!r}",
                field="mapping.aggregates",
                hint="write aggregates='drop' to leave regional codes out",
            )
        return replace(self, **fixed)


_DIMENSION_FIELDS = ("economy", "year", "indicator", "sex", "location", "age")
#: The mapping of the UN SDG Global Database (DSD IAEG-SDGs:SDG) and the World Bank's SDMX (WDI, WITS).
DEFAULT_MAPPING = SdmxMapping()


def _sdmx() -> Any:
    try:
        import sdmx
    except ImportError:
        raise IctIndexError(
            "reading and writing SDMX needs the sdmx1 package", hint="pip install 'ictindex[sdmx]'"
        ) from None
    return sdmx
