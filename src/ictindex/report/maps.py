"""World boundaries for choropleth maps: Natural Earth 1:110m (public domain), bundled as GeoJSON.

The file is geopandas' former ``naturalearth_lowres`` dataset (177 countries), shipped in
``data/naturalearth_lowres/`` and read offline. Natural Earth marks a few countries' ISO code
as ``-99``; they are mapped by name here. Two of them, N. Cyprus and Somaliland, are not economies
in ITU's statistics (nor UN members): ITU, like the UN, reports them within Cyprus and Somalia, so
they are drawn as part of those (``PART_OF``), never as "not scored". Polygons are drawn with plain matplotlib patches
(no geopandas/cartopy dependency), in longitude/latitude.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from ictindex.resources import bundled_dir

__all__ = ["world_polygons", "MAP_FILE", "NAME_FIXES", "PART_OF", "DISCLAIMER"]

MAP_FILE = "naturalearth_lowres/naturalearth_lowres.geojson"
#: Natural Earth features whose ``iso_a3`` is -99, by name.
NAME_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
#: Natural Earth units that ITU's statistics (and the UN) count within a member state.
PART_OF = {"N. Cyprus": "CYP", "Somaliland": "SOM"}
#: The United Nations' standard map disclaimer, printed under every map.
DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply official "
    "endorsement or acceptance by the United Nations or ITU. Boundaries: Natural Earth 1:110m "
    "(public domain); N. Cyprus and Somaliland are shown within Cyprus and Somalia, as ITU reports them."
)
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
        name = props.get("name", "")
        iso = (NAME_FIXES.get(name) or PART_OF.get(name, "")) if iso == "-99" else iso
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
