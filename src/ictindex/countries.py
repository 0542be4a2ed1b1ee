"""Economy names and codes -> ISO 3166 alpha-3, with no fuzzy matching.

Resolution order for one label: (1) a three-letter code (ISO alpha-3 in any case,
or an ITU DataHub code with a known ISO equivalent, e.g. ``KSO`` -> ``XKX``);
(2) a regional or income aggregate ("World", "LDCs", "Africa", ...), which is
recognised and kept out of scoring; (3) the explicit ITU/UN name table below
("Korea (Rep.)", "Congo (Dem. Rep.)", "Hong Kong, China", ...); (4) an exact,
case-insensitive match on pycountry's ``name``, ``official_name`` or
``common_name``. Anything else is unknown: pycountry's fuzzy search would map
"Korea" to PRK, which is why it is never used.

Three economies that ITU scores have no ISO 3166 code: Kosovo (``XKX``, the
code the World Bank and the EU use), Ascension (``ASC``, ITU's code) and the
former Netherlands Antilles (``ANT``, withdrawn from ISO 3166 in 2010).

>>> to_iso3("Korea (Rep.)"), to_iso3("kor"), to_iso3("Congo (Dem. Rep.)"), to_iso3("KSO")
('KOR', 'KOR', 'COD', 'XKX')
>>> classify(["Hong Kong, China", "World", "Atlantis"])["kind"].tolist()
['economy', 'aggregate', 'unknown']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import pycountry

from ictindex.errors import PanelError

__all__ = [
    "to_iso3",
    "classify",
    "economy_name",
    "report_name",
    "is_aggregate",
    "from_m49",
    "ITU_NAMES",
    "AGGREGATES",
    "REPORT_NAMES",
]

#: Economies outside ISO 3166-1 that ITU reports on.
NON_ISO_ECONOMIES: dict[str, str] = {
    "XKX": "Kosovo",
    "ASC": "Ascension",
    "ANT": "Netherlands Antilles (former)",
}

#: Codes used by the ITU DataHub (``entityIso``) that are not the ISO code.
CODE_ALIASES: dict[str, str] = {"KSO": "XKX", "AAA": "GGY", "GBJ": "JEY", "KOS": "XKX"}

#: ITU and UN spellings that pycountry does not match exactly. Keys are compared case-insensitively.
ITU_NAMES: dict[str, str] = {
    "Korea (Rep.)": "KOR",
    "Korea (Rep. of)": "KOR",
    "Republic of Korea": "KOR",
    "Korea, Rep.": "KOR",
    "South Korea": "KOR",
    "Dem. People's Rep. of Korea": "PRK",
    "Korea (Dem. People's Rep.)": "PRK",
    "Korea, Dem. People's Rep.": "PRK",
    "North Korea": "PRK",
    "Congo (Dem. Rep.)": "COD",
    "Dem. Rep. of the Congo": "COD",
    "Democratic Republic of Congo": "COD",
    "Democratic Republic of the Congo": "COD",
    "Congo, Dem. Rep.": "COD",
    "Congo (Rep.)": "COG",
    "Congo (Rep. of the)": "COG",
    "Congo, Rep.": "COG",
    "Hong Kong, China": "HKG",
    "China, Hong Kong Special Administrative Region": "HKG",
    "China, Hong Kong SAR": "HKG",
    "Hong Kong": "HKG",
    "Macao, China": "MAC",
    "China, Macao Special Administrative Region": "MAC",
    "China, Macao SAR": "MAC",
    "Macao": "MAC",
    "Macau": "MAC",
    "Taiwan, China": "TWN",
    "Taiwan": "TWN",
    "Iran (Islamic Republic of)": "IRN",
    "Iran (I.R.)": "IRN",
    "Iran": "IRN",
    "Bolivia (Plurinational State of)": "BOL",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Lao P.D.R.": "LAO",
    "Lao People's Democratic Republic": "LAO",
    "Laos": "LAO",
    "Micronesia": "FSM",
    "Micronesia (country)": "FSM",
    "Micronesia (Federated States of)": "FSM",
    "Moldova": "MDA",
    "Tanzania": "TZA",
    "United Republic of Tanzania": "TZA",
    "Viet Nam": "VNM",
    "Vietnam": "VNM",
    "Cote d'Ivoire": "CIV",
    "Côte d'Ivoire": "CIV",
    "Cape Verde": "CPV",
    "Cabo Verde": "CPV",
    "Central African Rep.": "CAF",
    "Dominican Rep.": "DOM",
    "Czech Republic": "CZE",
    "Czech Rep.": "CZE",
    "Slovak Republic": "SVK",
    "Kyrgyz Republic": "KGZ",
    "Russia": "RUS",
    "Syria": "SYR",
    "Syrian Arab Republic": "SYR",
    "Gambia": "GMB",
    "Gambia, The": "GMB",
    "Bahamas": "BHS",
    "Bahamas, The": "BHS",
    "Swaziland": "SWZ",
    "Eswatini": "SWZ",
    "Macedonia": "MKD",
    "North Macedonia": "MKD",
    "TFYR Macedonia": "MKD",
    "The Former Yugoslav Republic of Macedonia": "MKD",
    "Turkey": "TUR",
    "Türkiye": "TUR",
    "Turkiye": "TUR",
    "Palestine": "PSE",
    "State of Palestine": "PSE",
    "Palestinian Territories": "PSE",
    "Brunei": "BRN",
    "Brunei Darussalam": "BRN",
    "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "St. Helena": "SHN",
    "St. Pierre & Miquelon": "SPM",
    "Antigua & Barbuda": "ATG",
    "Trinidad & Tobago": "TTO",
    "Turks & Caicos Is.": "TCA",
    "Falkland (Malvinas) Is.": "FLK",
    "Virgin Islands (US)": "VIR",
    "Virgin Islands (U.S.)": "VIR",
    "British Virgin Islands": "VGB",
    "Northern Marianas": "MNP",
    "Cocos Keeling Islands": "CCK",
    "Norfolk Islands": "NFK",
    "Curacao": "CUW",
    "Curaçao": "CUW",
    "Reunion": "REU",
    "Vatican": "VAT",
    "Holy See": "VAT",
    "Timor": "TLS",
    "Timor-Leste": "TLS",
    "East Timor": "TLS",
    "Nepal (Republic of)": "NPL",
    "Kosovo": "XKX",
    "Ascension": "ASC",
    "Neth. Antilles": "ANT",
    "Netherlands Antilles": "ANT",
    "United States": "USA",
    "United Kingdom": "GBR",
    "Egypt": "EGY",
    "Yemen": "YEM",
    "Guernsey": "GGY",
    "Jersey": "JEY",
}

#: Regional, development-status and income aggregates (compared case-insensitively).
AGGREGATES: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        "World",
        "Africa",
        "Americas",
        "Arab States",
        "Asia & Pacific",
        "Asia-Pacific",
        "Asia and the Pacific",
        "Asia",
        "CIS",
        "Commonwealth of Independent States",
        "Europe",
        "Oceania",
        "LDCs",
        "LLDCs",
        "SIDS",
        "Least Developed Countries",
        "Landlocked Developing Countries",
        "Small Island Developing States",
        "Developed",
        "Developing",
        "Developed countries",
        "Developing countries",
        "Low income",
        "Lower middle income",
        "Upper middle income",
        "High income",
        "Middle income",
        "Low & middle income",
        "OECD",
        "OECD members",
        "European Union",
        "Euro area",
        "Sub-Saharan Africa",
        "Northern Africa",
        "Latin America and the Caribbean",
        "Latin America & Caribbean",
        "North America",
        "South Asia",
        "East Asia & Pacific",
        "East Asia and the Pacific",
        "Europe & Central Asia",
        "Europe and Central Asia",
        "Middle East & North Africa",
        "Middle East and North Africa",
        "Eastern Asia",
        "Western Asia",
        "Central Asia",
        "Southern Asia",
        "South-Eastern Asia",
        "Caribbean",
        "Central America",
        "South America",
        "Western Europe",
        "Eastern Europe",
        "Northern Europe",
        "Southern Europe",
        "Australia and New Zealand",
        "Melanesia",
        "Micronesia (region)",
        "Polynesia",
        "Americas (regional average)",
        "Other non-specified areas in Eastern Asia",
        "Channel Islands",
    )
)
_AGGREGATE_CODES = frozenset({"WLD", "AFR", "EUU", "LDC", "LIC", "HIC", "LMC", "UMC", "MIC", "OED"})

_NAME_TO_ISO3: dict[str, str] = {}
for _c in pycountry.countries:
    for _attr in ("name", "official_name", "common_name"):
        _value = getattr(_c, _attr, None)
        if _value:
            _NAME_TO_ISO3.setdefault(_value.casefold(), _c.alpha_3)
for _name, _code in ITU_NAMES.items():
    _NAME_TO_ISO3[_name.casefold()] = _code
_ISO3 = frozenset(c.alpha_3 for c in pycountry.countries) | frozenset(NON_ISO_ECONOMIES)


def _extra(extra_names: Mapping[str, str] | None) -> dict[str, str]:
    """``extra_names`` keyed by case-folded label, each value checked to be a known ISO3 code.

    The values become economy codes, and codes become file names (profile charts) and table cells: a
    value that is not a code (``"X/../../escaped"``) is refused here, where it enters.

    >>> _extra({"Rep. of Korea": "kor", "Kosovo*": "KSO"})
    {'rep. of korea': 'KOR', 'kosovo*': 'XKX'}
    """
    if extra_names is None:
        return {}
    if not isinstance(extra_names, Mapping):
        raise PanelError(
            f"extra_names must be a mapping of labels to ISO3 codes, got {type(extra_names).__name__}",
            field="extra_names",
            hint="pass e.g. extra_names={'Rep. of Korea': 'KOR'}",
        )
    checked = {}
    for label, code in extra_names.items():
        text = code.strip().upper() if isinstance(code, str) else ""
        text = CODE_ALIASES.get(text, text)
        if text not in _ISO3:
            raise PanelError(
                f"extra_names maps '{label}' to {code!r}, which is not an ISO 3166 alpha-3 code",
                field="extra_names",
                economy=str(label),
                hint="map each label to the economy's three-letter ISO code (e.g. 'KOR'); Kosovo is XKX",
            )
        checked[" ".join(str(label).split()).casefold()] = text
    return checked


def _resolve(label: str, extra: Mapping[str, str]) -> tuple[str | None, str]:
    text = " ".join(str(label).split())
    if not text:
        return None, "unknown"
    folded = text.casefold()
    if folded in extra:
        return extra[folded], "economy"
    if len(text) == 3 and text.isalpha():
        code = CODE_ALIASES.get(text.upper(), text.upper())
        if code in _ISO3:
            return code, "economy"
        if code in _AGGREGATE_CODES:
            return None, "aggregate"
    if folded in AGGREGATES or folded.endswith("(regional average)"):
        return None, "aggregate"
    code: str | None = _NAME_TO_ISO3.get(folded)  # type: ignore[no-redef]
    if code is not None:
        return code, "economy"
    return None, "unknown"


def classify(labels: Iterable[object], extra_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Classify economy labels (names or codes) as ``economy`` (with ISO3), ``aggregate`` or ``unknown``.

    Parameters
    ----------
    labels
        Names or codes; each distinct label is resolved once.
    extra_names
        Additional exact ``name -> ISO3`` entries for a source with its own spellings; a value that
        is not a known ISO3 code is a :class:`~ictindex.errors.PanelError`.

    Returns
    -------
    DataFrame with columns ``label``, ``iso3`` (missing unless an economy) and ``kind``.
    """
    extra = _extra(extra_names)
    unique = pd.unique(pd.Series(["" if pd.isna(v) else str(v) for v in labels], dtype=object))
    rows = [(label, *_resolve(label, extra)) for label in unique]
    return pd.DataFrame(rows, columns=["label", "iso3", "kind"])


def to_iso3(label: object, extra_names: Mapping[str, str] | None = None) -> str | None:
    """ISO3 code of one economy label, or ``None`` for an aggregate or an unknown label."""
    extra = _extra(extra_names)
    return _resolve(str(label), extra)[0]


def is_aggregate(label: object) -> bool:
    """Whether a label names a regional, development-status or income aggregate."""
    return _resolve(str(label), {})[1] == "aggregate"


def economy_name(iso3: str) -> str:
    """Short English name of an economy (pycountry's common name where it has one).

    >>> economy_name("KOR"), economy_name("XKX")
    ('South Korea', 'Kosovo')
    """
    if iso3 in NON_ISO_ECONOMIES:
        return NON_ISO_ECONOMIES[iso3]
    try:
        country = pycountry.countries.get(alpha_3=iso3)
    except (LookupError, KeyError):  # not a three-letter code
        country = None
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name


#: Short names as ITU's statistical reports print them, where pycountry's differ (Measuring digital
#: development / ICT Development Index tables). Everything else uses :func:`economy_name`.
REPORT_NAMES: dict[str, str] = {
    "KOR": "Korea (Rep.)",
    "PRK": "Korea (Dem. People's Rep.)",
    "COD": "Congo (Dem. Rep.)",
    "COG": "Congo (Rep.)",
    "HKG": "Hong Kong, China",
    "MAC": "Macao, China",
    "TWN": "Taiwan, China",
    "IRN": "Iran (Islamic Rep.)",
    "LAO": "Lao P.D.R.",
    "FSM": "Micronesia",
    "VNM": "Viet Nam",
    "CIV": "Côte d'Ivoire",
    "RUS": "Russian Federation",
    "PSE": "Palestine",
    "SYR": "Syrian Arab Republic",
    "TUR": "Türkiye",
    "VIR": "Virgin Islands (US)",
    "VGB": "British Virgin Islands",
    "BHS": "Bahamas",
    "GMB": "Gambia",
    "MDA": "Moldova",
    "TZA": "Tanzania",
    "VCT": "St. Vincent and the Grenadines",
    "KNA": "St. Kitts and Nevis",
    "LCA": "St. Lucia",
    "CZE": "Czech Republic",
    "SWZ": "Eswatini",
    "SHN": "Saint Helena",
    "VAT": "Vatican",
    "SXM": "Sint Maarten",
    "FLK": "Falkland (Malvinas) Is.",
    "CCK": "Cocos (Keeling) Is.",
    "MNP": "Northern Marianas",
    "TCA": "Turks and Caicos Is.",
    "CAF": "Central African Rep.",
    "SPM": "St. Pierre and Miquelon",
    "ANT": "Neth. Antilles (former)",
}


def report_name(iso3: str) -> str:
    """The economy's name as ITU reports print it (falls back to :func:`economy_name`).

    >>> report_name("KOR"), report_name("COD"), report_name("BRA")
    ('Korea (Rep.)', 'Congo (Dem. Rep.)', 'Brazil')
    """
    return REPORT_NAMES.get(iso3) or economy_name(iso3)


def from_m49(code: int | str) -> str | None:
    """ISO3 code for a UN M49 numeric country code, or ``None`` for a region (e.g. 1 = World).

    >>> from_m49(410), from_m49(1)
    ('KOR', None)
    """
    country = pycountry.countries.get(numeric=f"{int(code):03d}")
    return None if country is None else country.alpha_3
