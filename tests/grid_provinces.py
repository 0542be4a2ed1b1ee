"""A small sub-national panel with its own boundaries, made in code (for the explorer's tests and
screenshots): 16 provinces on a 4 x 4 grid of shared, jittered vertices (so they tile), one with a
lake (a hole), one with an island (a MultiPolygon), scored on the ``doi_current`` indicators from a
latent development level, with a few values missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex import load_framework

SIDE = 4
YEARS = (2021, 2022, 2023)


def codes() -> list[str]:
    return [f"PR{i + 1:02d}" for i in range(SIDE * SIDE)]


def provincial_panel(seed: int = 7) -> pd.DataFrame:
    """Long panel (economy = province code, year, indicator, value) on the doi_current indicators."""
    rng = np.random.default_rng(seed)
    fw = load_framework("doi_current")
    level = rng.uniform(0.15, 0.95, size=SIDE * SIDE)
    rows = []
    for p, code in enumerate(codes()):
        for y, year in enumerate(YEARS):
            for ind in fw.indicators:
                share = np.clip(level[p] + 0.03 * y + rng.normal(0, 0.08), 0.01, 0.99)
                value = (1 - share) * 40 if ind.direction == "lower" else share * 100
                if rng.uniform() < 0.06:  # not reported
                    continue
                rows.append({"economy": code, "year": year, "indicator": ind.code, "value": round(float(value), 2)})
    return pd.DataFrame(rows)


def provincial_groups() -> pd.DataFrame:
    """Province names and their region (north/south half)."""
    return pd.DataFrame(
        {
            "economy": codes(),
            "name": [f"Province {i + 1}" for i in range(SIDE * SIDE)],
            "region": ["North" if i < SIDE * SIDE // 2 else "South" for i in range(SIDE * SIDE)],
        }
    )


def provincial_geojson(seed: int = 3) -> dict:
    """One Polygon/MultiPolygon feature per province (longitude/latitude), the code in ``code``."""
    rng = np.random.default_rng(seed)
    lon = np.linspace(30.0, 36.0, SIDE + 1)
    lat = np.linspace(-4.0, -10.0, SIDE + 1)
    grid = np.stack(np.meshgrid(lon, lat), axis=-1)
    grid[1:-1, 1:-1] += rng.uniform(-0.35, 0.35, size=(SIDE - 1, SIDE - 1, 2))
    features = []
    for i in range(SIDE):
        for j in range(SIDE):
            ring = [grid[i, j], grid[i, j + 1], grid[i + 1, j + 1], grid[i + 1, j], grid[i, j]]
            polygon = [[list(map(float, p)) for p in ring]]
            number = i * SIDE + j
            if number == 5:  # a lake
                c = np.mean(ring[:4], axis=0)
                lake = [c + d for d in ([-0.3, -0.2], [0.3, -0.2], [0.3, 0.2], [-0.3, 0.2], [-0.3, -0.2])]
                polygon.append([list(map(float, p)) for p in lake])
            geometry = {"type": "Polygon", "coordinates": polygon}
            if number == SIDE - 1:  # an island off the coast
                island = [[36.6, -4.6], [37.1, -4.6], [37.1, -5.2], [36.6, -5.2], [36.6, -4.6]]
                geometry = {"type": "MultiPolygon", "coordinates": [polygon, [island]]}
            features.append({"type": "Feature", "properties": {"code": codes()[number]}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
