"""Boundaries of the units, read from GeoJSON: what a choropleth map of provinces, districts or cities is drawn on.

:func:`read_geometry` reads a GeoJSON ``FeatureCollection`` (RFC 7946), a single ``Feature`` or a mapping of one,
and returns a :class:`Geometry`: a mapping unit code -> list of polygons, each polygon a list of rings (``(n, 2)``
float arrays of x, y), the exterior first and its holes after, plus the bounds. ``Polygon`` and ``MultiPolygon``
geometries are read (several features of one unit add up); rings are closed and oriented (exterior
counter-clockwise, holes clockwise, RFC 7946 section 3.1.6) so that holes stay holes whatever rule fills them.
The unit code of a feature is its property ``key`` (default: the first of ``unit``, ``code``, ``economy``,
``iso3``, ``iso_a3``, ``id`` it has) or the feature's ``id``.

Other GIS formats (Shapefile, GeoPackage) are not read here: convert them once, e.g. ``ogr2ogr -f GeoJSON
provinces.geojson provinces.shp`` (GDAL), keeping the unit codes as a property.

>>> square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
>>> hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
>>> feature = {"type": "Feature", "properties": {"unit": "P1"},
...            "geometry": {"type": "Polygon", "coordinates": [square, hole]}}
>>> g = read_geometry({"type": "FeatureCollection", "features": [feature]})
>>> len(g["P1"]), len(g["P1"][0]), g.bounds, round(g.area("P1"), 1)
(1, 2, (0.0, 0.0, 4.0, 4.0), 15.0)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ictindex.errors import SourceFileError

__all__ = ["Geometry", "read_geometry", "KEYS", "MAX_BYTES"]

#: Properties that name a feature's unit, in order of preference (when ``key`` is not given).
KEYS = ("unit", "code", "economy", "iso3", "iso_a3", "id")
#: Largest GeoJSON file read (bytes): boundaries for a report, not a cadastre.
MAX_BYTES = 200 * 2**20

Polygon = list[np.ndarray]


@dataclass(frozen=True)
class Geometry(Mapping[str, list[Polygon]]):
    """Unit code -> polygons (each a list of rings, exterior first, holes after), with ``bounds``
    ``(min x, min y, max x, max y)``, the property the codes came from (``key``) and the ``source``."""

    polygons: Mapping[str, list[Polygon]]
    key: str = ""
    source: str = ""
    _bounds: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0))

    def __getitem__(self, code: str) -> list[Polygon]:
        return self.polygons[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.polygons)

    def __len__(self) -> int:
        return len(self.polygons)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self._bounds

    @property
    def geographic(self) -> bool:
        """Whether the coordinates can be longitude and latitude (then a map corrects the aspect for latitude)."""
        x0, y0, x1, y1 = self._bounds
        return -180.0 <= x0 <= x1 <= 180.0 and -90.0 <= y0 <= y1 <= 90.0

    def area(self, code: str) -> float:
        """Area of a unit in coordinate units (exteriors minus holes; shoelace formula)."""
        return float(sum(abs(_signed_area(p[0])) - sum(abs(_signed_area(h)) for h in p[1:]) for p in self[code]))


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _ring(raw: Any, where: str) -> np.ndarray:
    try:
        ring = np.asarray(raw, dtype="float64")
    except (TypeError, ValueError):
        raise SourceFileError(f"{where}: a ring holds a position that is not two numbers", hint=_HINT) from None
    if ring.ndim != 2 or ring.shape[1] < 2 or not np.isfinite(ring[:, :2]).all():
        raise SourceFileError(f"{where}: a ring must be a list of [x, y] positions of finite numbers", hint=_HINT)
    ring = ring[:, :2]
    if len(ring) and not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])  # close it
    if len(ring) < 4:
        raise SourceFileError(f"{where}: a ring needs at least three distinct positions", hint=_HINT)
    return ring


def _oriented(ring: np.ndarray, counter_clockwise: bool) -> np.ndarray:
    return ring if (_signed_area(ring) > 0) == counter_clockwise else ring[::-1].copy()


def _polygons(geometry: Any, where: str) -> list[Polygon]:
    if not isinstance(geometry, Mapping):
        raise SourceFileError(f"{where} has no geometry", hint="give every feature a Polygon or MultiPolygon geometry")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        parts: Any = [coordinates]
    elif kind == "MultiPolygon":
        parts = coordinates
    elif kind == "GeometryCollection":
        return [p for g in geometry.get("geometries") or [] for p in _polygons(g, where)]
    else:
        raise SourceFileError(
            f"{where} is a {kind!r}, not an area",
            hint="a map needs Polygon or MultiPolygon boundaries (not points or lines)",
        )
    if not isinstance(parts, list):
        raise SourceFileError(f"{where}: coordinates must be a list", hint=_HINT)
    out = []
    for part in parts:
        if not isinstance(part, list) or not part:
            raise SourceFileError(f"{where}: a polygon must be a list of rings", hint=_HINT)
        rings = [_ring(r, where) for r in part]
        out.append([_oriented(rings[0], True), *(_oriented(h, False) for h in rings[1:])])
    return out


_HINT = "see RFC 7946 (GeoJSON): Polygon coordinates are [[[x, y], ...], ...], the exterior ring first"


def _code(feature: Mapping[str, Any], key: str | None, where: str) -> tuple[str, str]:
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        raise SourceFileError(f"{where}: properties must be a mapping", hint=_HINT)
    if key is not None:
        value = props.get(key, feature.get("id") if key == "id" else None)
        if value is None or str(value).strip() == "":
            raise SourceFileError(
                f"{where} has no property '{key}'",
                field=key,
                hint=f"properties found: {sorted(props)[:8]}; name the property of the unit codes with key=",
            )
        return str(value).strip(), key
    for candidate in KEYS:
        value = props.get(candidate)
        if value is not None and str(value).strip() not in ("", "-99"):
            return str(value).strip(), candidate
    if feature.get("id") is not None:
        return str(feature["id"]).strip(), "id"
    raise SourceFileError(
        f"{where} names no unit",
        hint=f"give each feature a property {KEYS[0]!r} (or {', '.join(KEYS[1:])}), or name the property with key=",
    )


def read_geometry(source: str | Path | Mapping[str, Any], *, key: str | None = None) -> Geometry:
    """Read unit boundaries from a GeoJSON file or mapping (see the module docstring).

    Parameters
    ----------
    source
        A ``.geojson``/``.json`` path, or the parsed GeoJSON (a FeatureCollection, a Feature, or a
        ``__geo_interface__`` mapping).
    key
        The feature property holding the unit code (default: the first of :data:`KEYS` present).

    Raises
    ------
    SourceFileError
        For a file that is not GeoJSON, a feature without a unit code, a geometry that is not an area, or a
        ring that is not a list of finite ``[x, y]`` positions (the feature is named by its position and code).
    """
    where = "GeoJSON"
    if isinstance(source, str | Path):
        path = Path(source)
        where = path.name
        if not path.is_file():
            raise SourceFileError("geometry file not found", file=str(path), hint="give the path of a GeoJSON file")
        if path.suffix.lower() not in (".geojson", ".json"):
            raise SourceFileError(
                f"unsupported geometry file type '{path.suffix}'",
                file=str(path),
                hint="give GeoJSON (.geojson); convert other formats once, e.g. ogr2ogr -f GeoJSON out.geojson in.shp",
            )
        if path.stat().st_size > MAX_BYTES:
            raise SourceFileError(
                f"geometry file larger than {MAX_BYTES // 2**20} MiB",
                file=str(path),
                hint="simplify the boundaries (e.g. mapshaper -simplify 5%) for a report map",
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SourceFileError(f"not a GeoJSON file ({err})", file=str(path), hint="give UTF-8 GeoJSON") from None
    else:
        data = getattr(source, "__geo_interface__", source)
    if not isinstance(data, Mapping) or data.get("type") not in ("FeatureCollection", "Feature"):
        raise SourceFileError(
            f"{where} is not a GeoJSON FeatureCollection or Feature",
            hint="give a FeatureCollection of Polygon/MultiPolygon features, one per unit",
        )
    features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    if not isinstance(features, list) or not features:
        raise SourceFileError(f"{where} holds no feature", hint="give one feature per unit")
    polygons: dict[str, list[Polygon]] = {}
    used = ""
    for i, feature in enumerate(features, start=1):
        at = f"{where}, feature {i}"
        if not isinstance(feature, Mapping):
            raise SourceFileError(f"{at} is not a mapping", hint=_HINT)
        code, used = _code(feature, key, at)
        polygons.setdefault(code, []).extend(_polygons(feature.get("geometry"), f"{at} ({code})"))
    allxy = np.vstack([ring for parts in polygons.values() for polygon in parts for ring in polygon])
    x0, y0 = allxy.min(axis=0)
    x1, y1 = allxy.max(axis=0)
    return Geometry(polygons=polygons, key=used, source=where, _bounds=(float(x0), float(y0), float(x1), float(y1)))


def aspect(geometry: Geometry) -> float:
    """Aspect ratio for a map of ``geometry``: ``1 / cos(mean latitude)`` for longitude/latitude, else 1."""
    if not geometry.geographic:
        return 1.0
    mid = (geometry.bounds[1] + geometry.bounds[3]) / 2
    return 1.0 / max(0.2, math.cos(math.radians(mid)))
