"""A provincial panel as a statistical office would bring it: 34 provinces (ISO 3166-2:ID codes and names) x 5
years x 6 indicators, its own framework (YAML, unit noun "province"), a units table (name, region, population by
sex) and a GeoJSON of the provinces (rectangles on a grid; West Java has a hole where Jakarta lies, and the Riau
Islands are a multipolygon). The values are synthetic and reproducible (seeded), not statistics of Indonesia."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

#: code -> (name, region)
PROVINCES = {
    "ID-AC": ("Aceh", "Sumatra"),
    "ID-SU": ("North Sumatra", "Sumatra"),
    "ID-SB": ("West Sumatra", "Sumatra"),
    "ID-RI": ("Riau", "Sumatra"),
    "ID-JA": ("Jambi", "Sumatra"),
    "ID-SS": ("South Sumatra", "Sumatra"),
    "ID-BE": ("Bengkulu", "Sumatra"),
    "ID-LA": ("Lampung", "Sumatra"),
    "ID-BB": ("Bangka Belitung Islands", "Sumatra"),
    "ID-KR": ("Riau Islands", "Sumatra"),
    "ID-JK": ("Jakarta", "Java"),
    "ID-JB": ("West Java", "Java"),
    "ID-JT": ("Central Java", "Java"),
    "ID-YO": ("Yogyakarta", "Java"),
    "ID-JI": ("East Java", "Java"),
    "ID-BT": ("Banten", "Java"),
    "ID-BA": ("Bali", "Bali and Nusa Tenggara"),
    "ID-NB": ("West Nusa Tenggara", "Bali and Nusa Tenggara"),
    "ID-NT": ("East Nusa Tenggara", "Bali and Nusa Tenggara"),
    "ID-KB": ("West Kalimantan", "Kalimantan"),
    "ID-KT": ("Central Kalimantan", "Kalimantan"),
    "ID-KS": ("South Kalimantan", "Kalimantan"),
    "ID-KI": ("East Kalimantan", "Kalimantan"),
    "ID-KU": ("North Kalimantan", "Kalimantan"),
    "ID-SA": ("North Sulawesi", "Sulawesi"),
    "ID-ST": ("Central Sulawesi", "Sulawesi"),
    "ID-SN": ("South Sulawesi", "Sulawesi"),
    "ID-SG": ("Southeast Sulawesi", "Sulawesi"),
    "ID-GO": ("Gorontalo", "Sulawesi"),
    "ID-SR": ("West Sulawesi", "Sulawesi"),
    "ID-MA": ("Maluku", "Maluku and Papua"),
    "ID-MU": ("North Maluku", "Maluku and Papua"),
    "ID-PA": ("Papua", "Maluku and Papua"),
    "ID-PB": ("West Papua", "Maluku and Papua"),
}
YEARS = (2019, 2020, 2021, 2022, 2023)
INDICATORS = ("internet_users", "hh_internet", "mobile_coverage", "fixed_broadband", "mobile_broadband", "ict_skills")
SOURCE = "Provincial statistics office, household survey (synthetic test data)"

FRAMEWORK = """\
code: provinces
name: Provincial Digital Development Index
version: "2024"
description: >
  Access and use of ICT in the provinces: six indicators in two pillars, each normalised on goalposts 0-100
  and averaged with equal weights.
citation: Provincial statistics office, methodological note (test framework).
index: PDDI
scale: 100
rounding: 1
min_coverage: 0.6
unit_noun: province
imputation: {method: latest, max_gap: 2}
nodes:
  - code: PDDI
    name: Provincial Digital Development Index
    aggregation: {method: arithmetic}
    children: [{code: access}, {code: use}]
  - code: access
    name: Access
    aggregation: {method: arithmetic}
    children: [{code: mobile_coverage}, {code: hh_internet}, {code: fixed_broadband}]
  - code: use
    name: Use
    aggregation: {method: arithmetic}
    children: [{code: internet_users}, {code: mobile_broadband}, {code: ict_skills}]
indicators:
  - {code: mobile_coverage, name: Population covered by a 4G network, unit: "%"}
  - {code: hh_internet, name: Households with Internet access, unit: "%"}
  - code: fixed_broadband
    name: Fixed-broadband subscriptions per 100 households
    unit: per 100 households
    normalisation: {method: goalpost, lower: 0, upper: 60, cap: true}
  - {code: internet_users, name: Individuals using the Internet, unit: "%"}
  - code: mobile_broadband
    name: Active mobile-broadband subscriptions per 100 inhabitants
    unit: per 100 inhabitants
    normalisation: {method: goalpost, lower: 0, upper: 120, cap: true}
  - {code: ict_skills, name: Individuals with basic ICT skills, unit: "%"}
"""


def panel() -> pd.DataFrame:
    """Long panel: economy (the province code), year, indicator, value, source; a few values missing."""
    rng = np.random.default_rng(22)
    level = {code: rng.uniform(0.25, 0.95) for code in PROVINCES}
    level["ID-JK"] = 0.97  # the capital leads
    rows = []
    for code in PROVINCES:
        for k, year in enumerate(YEARS):
            growth = 1 + 0.04 * k
            base = {
                "internet_users": 100 * level[code] * growth * 0.8,
                "hh_internet": 100 * level[code] * growth * 0.75,
                "mobile_coverage": 100 * min(1.0, 0.6 + 0.4 * level[code]) ** (1 / growth),
                "fixed_broadband": 40 * level[code] ** 2 * growth,
                "mobile_broadband": 110 * level[code] * growth * 0.8,
                "ict_skills": 80 * level[code] ** 1.5 * growth * 0.7,
            }
            for indicator, value in base.items():
                value = float(
                    np.clip(value * rng.uniform(0.97, 1.03), 0.5, 100 if indicator != "mobile_broadband" else 150)
                )
                rows.append(
                    {"economy": code, "year": year, "indicator": indicator, "value": round(value, 2), "source": SOURCE}
                )
    table = pd.DataFrame(rows)
    # gaps a real panel has: Papua's skills survey missed 2023 (carried from 2022), West Papua lacks broadband
    gap = (table["economy"] == "ID-PA") & (table["indicator"] == "ict_skills") & (table["year"] == 2023)
    none = (table["economy"] == "ID-PB") & (table["indicator"] == "fixed_broadband")
    return table[~gap & ~none].reset_index(drop=True)


def units_table() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    population = {code: int(rng.uniform(0.7, 49.0) * 1e6) for code in PROVINCES}
    population["ID-JB"], population["ID-JK"], population["ID-KU"] = 49_900_000, 10_680_000, 713_600
    return pd.DataFrame(
        {
            "unit": list(PROVINCES),
            "name": [name for name, _ in PROVINCES.values()],
            "region": [region for _, region in PROVINCES.values()],
            "population": [population[c] for c in PROVINCES],
            "population_female": [population[c] // 2 - 1000 for c in PROVINCES],
            "population_male": [population[c] - (population[c] // 2 - 1000) for c in PROVINCES],
            "population_year": 2023,
        }
    )


def _square(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def geojson() -> dict:
    """One feature per province on a 7 x 5 grid of 6-degree cells over 95-137 E, 11 S - 19 N; West Java
    (a square with a hole) encloses Jakarta (the square in the hole); the Riau Islands are two squares."""
    features = []
    codes = list(PROVINCES)
    cell = 0
    for code in codes:
        if code == "ID-JK":
            continue  # drawn inside West Java's hole
        col, row = cell % 7, cell // 7
        cell += 1
        x, y = 95 + 6 * col, -11 + 6 * row
        if code == "ID-JB":
            outer, hole = _square(x, y, 5), _square(x + 1.5, y + 1.5, 2)
            geometry = {"type": "Polygon", "coordinates": [outer, hole[::-1]]}
            jakarta = {"type": "Polygon", "coordinates": [_square(x + 1.5, y + 1.5, 2)]}
            features.append(
                {"type": "Feature", "properties": {"unit": "ID-JK", "name": "Jakarta"}, "geometry": jakarta}
            )
        elif code == "ID-KR":
            geometry = {
                "type": "MultiPolygon",
                "coordinates": [[_square(x, y, 2.5)], [_square(x + 3, y + 3, 2)]],
            }
        else:
            geometry = {"type": "Polygon", "coordinates": [_square(x, y, 5)]}
        features.append(
            {"type": "Feature", "properties": {"unit": code, "name": PROVINCES[code][0]}, "geometry": geometry}
        )
    return {"type": "FeatureCollection", "features": features}


def write(folder: Path) -> dict[str, Path]:
    """Write provinces.csv, provinces.yaml, provinces_units.csv and provinces.geojson into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "data": folder / "provinces.csv",
        "framework": folder / "provinces.yaml",
        "units": folder / "provinces_units.csv",
        "geometry": folder / "provinces.geojson",
    }
    panel().to_csv(paths["data"], index=False)
    paths["framework"].write_text(FRAMEWORK, encoding="utf-8")
    units_table().to_csv(paths["units"], index=False)
    paths["geometry"].write_text(json.dumps(geojson()), encoding="utf-8")
    return paths
