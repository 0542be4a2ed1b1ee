"""World boundaries for choropleth maps: Natural Earth 1:110m (public domain), bundled as GeoJSON.

The file is geopandas' former ``naturalearth_lowres`` dataset (177 countries), shipped in
``data/naturalearth_lowres/`` and read offline. Natural Earth marks a few countries' ISO code
as ``-99``; they are mapped by name here. Polygons are drawn with plain matplotlib patches
(no geopandas/cartopy dependency), in longitude/latitude.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from ictindex.resources import bundled_dir

__all__ = ["world_polygons", "MAP_FILE", "NAME_FIXES"]

MAP_FILE = "naturalearth_lowres/naturalearth_lowres.geojson"
#: Natural Earth features whose ``iso_a3`` is -99, by name (N. Cyprus and Somaliland stay unassigned).
NAME_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
_SKIP = {"ATA", "ATF"}  # Antarctica and the French Southern Lands: no ICT statistics, outside the frame


@lru_cache(maxsize=1)
def world_polygons() -> tuple[tuple[str, np.ndarray], ...]:
    """Every outer ring as ``(iso3, array of (lon, lat))``, largest first so that enclaves
    (Lesotho in South Africa) are drawn on top; ``iso3`` is "" where Natural Earth has none."""
    features = json.loads((bundled_dir("data") / MAP_FILE).read_text(encoding="utf-8"))["features"]
    rings: list[tuple[str, np.ndarray]] = []
    for feature in features:
        props = feature["properties"]
        iso = props.get("iso_a3") or ""
        iso = NAME_FIXES.get(props.get("name", ""), "") if iso == "-99" else iso
        if iso in _SKIP:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings.extend((iso, np.asarray(polygon[0], dtype="float64")) for polygon in polygons)
    area = [abs(_shoelace(ring)) for _, ring in rings]
    return tuple(rings[i] for i in np.argsort(area)[::-1])


def _shoelace(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
