"""The source series ictindex knows: code, meaning, unit, publisher, licence, valid range.

Codes are the publisher's own (ITU series codes, World Bank WDI codes, UN SDG
series codes) so that every value can be traced to its table. Frameworks name
these codes in their ``source`` rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Series", "SERIES", "SKILLS", "LICENCES", "CITATIONS", "SOURCE_TEXTS", "series_bounds", "series_table"]

ITU = (
    "CC BY-NC-SA 3.0 IGO (ITU DataHub terms): non-commercial use with attribution 'International "
    "Telecommunication Union, ITU DataHub, https://datahub.itu.int/'"
)
#: Licence of each dataset in ``data/``.
LICENCES: dict[str, str] = {
    "itu_datahub_2025": ITU,
    "itu_indicators_jun2019": ITU,
    "itu_gender": ITU,
    "un_sdg": "UN SDG Global Database terms of use: free with attribution to UN Statistics Division / ITU",
    "gapminder_wdi": "CC BY 4.0 (Gapminder; upstream World Bank WDI, CC BY 4.0; ITU original source of ICT series)",
    "owid_schooling": "CC BY 4.0 (Our World in Data; upstream UNDP HDR 2018, Barro-Lee, Lee-Lee)",
    "coinr_asem": "MIT (COINr, Copyright (c) 2022 William Becker)",
    "naturalearth_lowres": "Public domain (Natural Earth)",
    "wdi_gender_internet_2025": "CC BY 4.0 (World Bank WDI 2025, IT.NET.USER.FE.ZS/.MA.ZS; ITU original source)",
    "un_sdg_2023": "UN SDG Global Database terms of use: free with attribution to UN Statistics Division / ITU "
    "(custodian); DDF packaging by Gapminder (open-numbers)",
    "wdi_population_2025": "CC BY 4.0 (World Bank WDI 2025, SP.POP.TOTL, .FE.IN, .MA.IN; UN WPP 2024 upstream)",
    "education_enrolment": "CC BY 4.0 (Gapminder DDF of UNESCO UIS bulk data; UIS, free with attribution)",
    "country_groups_m49": "UN M49 (UNSD, free statistical use); ODC PDDL (datasets/country-codes); MIT "
    "(country-classification-commons compilation)",
    # issue 28: SDMX messages (tests and examples of ictindex.read_sdmx)
    "sdmx_worldbank": "CC BY 4.0 (World Bank WITS via sdmx1's test data)",
    "sdmx_ecb": "ECB statistics, reuse with attribution (SDMX TWG samples via sdmx1's test data)",
    "sdmx_written": "as their bundled sources: UN SDG terms of use (un_sdg); CC BY 4.0 (gapminder_wdi)",
}

# issue 23: readable citations of the bundled datasets (publisher, database, vintage), printed in a report's list
# of sources and chart source lines instead of the folder names; the vintage is that of the bundled copy
# (data/<folder>/PROVENANCE.md).
CITATIONS: dict[str, str] = {
    "itu_datahub_2025": "ITU, World Telecommunication/ICT Indicators Database, ITU DataHub (2025 export)",
    "itu_indicators_jun2019": "ITU, World Telecommunication/ICT Indicators Database (June 2019)",
    "itu_gender": "ITU, World Telecommunication/ICT Indicators Database, household survey indicators by sex",
    "un_sdg": "UN Statistics Division, SDG Global Database (release 2020.Q4.G.02; custodian ITU)",
    "un_sdg_2023": "UN Statistics Division, SDG Global Database (about March 2023; custodian ITU)",
    "gapminder_wdi": "World Bank, World Development Indicators, via Gapminder (ICT series from ITU)",
    "owid_schooling": "Our World in Data, mean years of schooling (UNDP HDR 2018, Barro-Lee, Lee-Lee)",
    "wdi_gender_internet_2025": "World Bank, World Development Indicators 2025 (IT.NET.USER.FE.ZS/.MA.ZS, from ITU)",
    "wdi_population_2025": "World Bank, World Development Indicators 2025, population (UN WPP 2024)",
    "education_enrolment": "World Bank EdStats (about 2019), enrolment ratios from the UNESCO Institute for Statistics",
    "itu_idi_2024": "ITU (2024), Measuring digital development: The ICT Development Index 2024, Annex 2",
    "coinr_asem": "COINr 1.1.14, ASEM example data",
}
LICENCES["itu_idi_2024"] = "CC BY-NC-SA 3.0 IGO (ITU, The ICT Development Index 2024)"
#: A panel ``source`` text that names a bundled dataset whose rows use framework codes (not catalogue series).
SOURCE_TEXTS: dict[str, str] = {"ITU IDI 2024, Annex 2": "itu_idi_2024"}


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    unit: str
    dataset: str
    low: float | None = 0.0
    high: float | None = None


_PCT = {"low": 0.0, "high": 100.0}

#: SDG 4.4.1 types of ICT skill (UN SDG database ``type_of_skill`` codes; ITU Manual 2020, indicator HH15).
SKILLS: dict[str, str] = {
    "ARSP": "using basic arithmetic formulae in a spreadsheet",
    "CMFL": "copying or moving a file or folder",
    "COPA": "using copy and paste tools",
    "EMAIL": "sending e-mails with attached files",
    "EPRS": "creating electronic presentations",
    "INST": "connecting and installing new devices",
    "PCPR": "writing a computer program",
    "SOFT": "finding, downloading, installing and configuring software",
    "TRAF": "transferring files between a computer and other devices",
    "PRVCY": "changing privacy settings",
    "SCRTY": "setting up effective security measures",
    "VRFY": "verifying the reliability of information found online",
}

SERIES: tuple[Series, ...] = (
    # ITU DataHub exports (late 2025)
    Series("i271mw", "Active mobile-broadband subscriptions", "count", "itu_datahub_2025"),
    Series(
        "i911mw", "Active mobile-broadband subscriptions per 100 inhabitants", "per 100 inhabitants", "itu_datahub_2025"
    ),
    Series("i4213tfbb", "Fixed-broadband subscriptions", "count", "itu_datahub_2025"),
    Series("i992b", "Fixed-broadband subscriptions per 100 inhabitants", "per 100 inhabitants", "itu_datahub_2025"),
    Series(
        "xHH6_IDI", "Households with Internet access at home (incl. ITU estimates)", "%", "itu_datahub_2025", **_PCT
    ),
    Series("i271pop", "Population covered by at least a 2G mobile network", "%", "itu_datahub_2025", **_PCT),
    Series("i271G", "Population covered by at least a 3G mobile network", "%", "itu_datahub_2025", **_PCT),
    Series("i271GA", "Population covered by at least an LTE/WiMAX mobile network", "%", "itu_datahub_2025", **_PCT),
    Series("i271G5_pop", "Population covered by at least a 5G mobile network", "%", "itu_datahub_2025", **_PCT),
    Series("i271mb_5GB$", "Data-only mobile-broadband basket 5 GB, price", "USD", "itu_datahub_2025"),
    Series(
        "i271mb_5GB_GNI", "Data-only mobile-broadband basket 5 GB", "% of monthly GNI per capita", "itu_datahub_2025"
    ),
    Series("i271mb_5GB_PPP", "Data-only mobile-broadband basket 5 GB, price", "PPP$", "itu_datahub_2025"),
    Series("i154_FBB5$", "Fixed-broadband basket 5 GB, price", "USD", "itu_datahub_2025"),
    Series("i154_FBB5_GNI", "Fixed-broadband basket 5 GB", "% of monthly GNI per capita", "itu_datahub_2025"),
    Series("i154_FBB5_PPP", "Fixed-broadband basket 5 GB, price", "PPP$", "itu_datahub_2025"),
    Series("i4214l", "Lit/equipped international bandwidth capacity", "Mbit/s", "itu_datahub_2025"),
    # ITU key indicators, June 2019 edition
    Series(
        "i112", "Fixed-telephone subscriptions per 100 inhabitants", "per 100 inhabitants", "itu_indicators_jun2019"
    ),
    Series(
        "i911",
        "Mobile-cellular telephone subscriptions per 100 inhabitants",
        "per 100 inhabitants",
        "itu_indicators_jun2019",
    ),
    Series("i99H", "Individuals using the Internet (by sex where surveyed)", "%", "itu_indicators_jun2019", **_PCT),
    Series(
        "i99H.urban", "Individuals using the Internet, urban areas (by sex where surveyed)", "%", "itu_gender", **_PCT
    ),
    Series(
        "i99H.rural", "Individuals using the Internet, rural areas (by sex where surveyed)", "%", "itu_gender", **_PCT
    ),
    Series("HH1", "Households with a radio", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH2", "Households with a TV", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH3f", "Households with a fixed-line telephone", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH3m", "Households with a mobile-cellular telephone", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH4", "Households with a computer", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH6", "Households with Internet access at home (survey)", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH5", "Individuals using a computer", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH7", "Individuals using the Internet (core household table)", "%", "itu_indicators_jun2019", **_PCT),
    Series("HH10", "Individuals using a mobile-cellular telephone", "%", "itu_indicators_jun2019", **_PCT),
    # UN SDG Global Database
    Series("IT_MOB_OWN", "Individuals who own a mobile telephone, by sex (SDG 5.b.1)", "%", "un_sdg", **_PCT),
    *(
        Series(
            f"SE_ADT_ACTS_{skill}",
            f"Individuals with ICT skills: {name}, by sex (SDG 4.4.1)",
            "%",
            "un_sdg_2023",
            **_PCT,
        )
        for skill, name in SKILLS.items()
    ),
    # World Bank WDI via Gapminder
    Series("IT.NET.USER.ZS", "Individuals using the Internet (WDI)", "%", "gapminder_wdi", **_PCT),
    Series(
        "IT.CEL.SETS.P2", "Mobile cellular subscriptions per 100 people (WDI)", "per 100 inhabitants", "gapminder_wdi"
    ),
    Series(
        "IT.MLT.MAIN.P2", "Fixed telephone subscriptions per 100 people (WDI)", "per 100 inhabitants", "gapminder_wdi"
    ),
    Series(
        "IT.NET.BBND.P2", "Fixed broadband subscriptions per 100 people (WDI)", "per 100 inhabitants", "gapminder_wdi"
    ),
    Series("NY.GNP.PCAP.CD", "GNI per capita, Atlas method (WDI)", "current USD", "gapminder_wdi"),
    Series("POP", "Total population (Gapminder, UN WPP based)", "persons", "gapminder_wdi"),
    Series("SP.URB.TOTL.IN.ZS", "Urban population, % of total (WDI, UN WUP based)", "%", "gapminder_wdi", **_PCT),
    # World Bank WDI 2025 release
    Series(
        "SP.POP.TOTL", "Population, total and by sex (WDI 2025, UN WPP 2024 based)", "persons", "wdi_population_2025"
    ),
    # UNESCO UIS
    Series(
        "UIS.GER.5T8",
        "Gross enrolment ratio, tertiary (ISCED 5-8), by sex (UIS)",
        "%",
        "education_enrolment",
        0.0,
        300.0,
    ),
    # UNDP mean years of schooling via OWID
    Series("MYS", "Mean years of schooling, adults 25+ (UNDP HDR 2018)", "years", "owid_schooling", 0.0, 25.0),
)

_BY_CODE = {s.code: s for s in SERIES}


def series_bounds() -> dict[str, tuple[float | None, float | None]]:
    """``{series code: (low, high)}`` for panel validation."""
    return {s.code: (s.low, s.high) for s in SERIES}


def series_table() -> pd.DataFrame:
    """The catalogue as a table, with each dataset's licence."""
    table = pd.DataFrame([s.__dict__ for s in SERIES])
    table["licence"] = table["dataset"].map(LICENCES)
    return table
