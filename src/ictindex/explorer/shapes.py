"""The explorer's map: unit boundaries as SVG path data, projected and rounded once in Python.

Economies are drawn on the bundled Natural Earth 1:110m world (:func:`ictindex.report.maps.world_polygons`,
longitude/latitude, equirectangular); other units on their own boundaries: a GeoJSON file or mapping
(Polygon and MultiPolygon features, exterior ring first and holes after, drawn with the even-odd rule),
read by :func:`ictindex.geometry.read_geometry` where the library has it. Longitude/latitude boundaries
are drawn with the east-west scale of their mid latitude (``cos(lat)``), planar ones as given. Path data
hold only numbers and the letters ``M L Z``; unit codes travel as positions in the page's unit list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ictindex.errors import SourceFileError, SpecError

__all__ = ["map_data", "read_boundaries"]

#: Width of the drawing (SVG user units); coordinates are rounded to 0.1 of a unit.
WIDTH = 1000.0
#: Properties looked at, in order, for a feature's unit code when no key is given.
KEYS = ("code", "unit", "id", "iso_a3", "ISO_A3", "name")


def map_data(codes: Sequence[str], *, economies: bool, geometry: Any = None, key: str | None = None) -> dict | None:
    """Path data of every unit with a boundary (None when there is nothing to draw).

    Returns ``{"kind", "view", "shapes": [{"unit": position or -1, "d": path}], "without": [codes], "note"}``.
    """
    position = {code: i for i, code in enumerate(codes)}
    if geometry is None:
        if not economies:
            return None
        from ictindex.report.maps import DISCLAIMER, world_polygons

        polygons: dict[str, list[list[np.ndarray]]] = {}
        for iso, ring in world_polygons():  # largest first: enclaves drawn on top
            polygons.setdefault(iso, []).append([ring])
        kind, note, planar = "world", DISCLAIMER, False
    else:
        polygons = read_boundaries(geometry, key=key)
        kind, note, planar = "own", "Boundaries as given by the user.", _planar(polygons)
    view, project = _projection(polygons, planar, world=kind == "world")
    shapes = [
        {"unit": position.get(code, -1), "d": "".join(_path(project(ring)) for poly in polys for ring in poly)}
        for code, polys in polygons.items()
    ]
    drawn = {code for code in polygons}
    return {
        "kind": kind,
        "view": view,
        "shapes": shapes,
        "without": [c for c in codes if c not in drawn],
        "note": note,
    }


def _planar(polygons: Mapping[str, list[list[np.ndarray]]]) -> bool:
    points = np.concatenate([ring for polys in polygons.values() for poly in polys for ring in poly])
    return bool(np.abs(points[:, 0]).max() > 180 or np.abs(points[:, 1]).max() > 90)


def _projection(polygons: Mapping[str, list[list[np.ndarray]]], planar: bool, *, world: bool) -> tuple[list, Any]:
    points = np.concatenate([ring for polys in polygons.values() for poly in polys for ring in poly])
    low, high = points.min(axis=0), points.max(axis=0)
    if world:
        low, high = np.array([-180.0, -60.0]), np.array([180.0, 84.0])  # Antarctica is not drawn
    stretch = 1.0 if planar or world else float(np.cos(np.radians((low[1] + high[1]) / 2)))
    span = max((high[0] - low[0]) * stretch, 1e-12)
    scale = WIDTH / span
    height = round(float((high[1] - low[1]) * scale), 1)

    def project(ring: np.ndarray) -> np.ndarray:
        x = (ring[:, 0] - low[0]) * stretch * scale
        y = (high[1] - ring[:, 1]) * scale
        return np.round(np.column_stack([x, y]), 1)

    return [0, 0, WIDTH, max(height, 1.0)], project


def _path(points: np.ndarray) -> str:
    keep = np.ones(len(points), dtype=bool)
    keep[1:] = (np.diff(points, axis=0) != 0).any(axis=1)  # repeated points after rounding
    points = points[keep]
    if len(points) < 3:
        return ""
    text = " ".join(f"{x:g} {y:g}" for x, y in points)
    return f"M{text}Z"


def read_boundaries(geometry: Any, *, key: str | None = None) -> dict[str, list[list[np.ndarray]]]:
    """Unit code -> polygons (each a list of rings, ``(n, 2)`` arrays, exterior first) from a GeoJSON
    path or mapping, or such a mapping given already.

    ``key`` names the feature property holding the unit code (default: the feature's ``id``, else the
    first of :data:`KEYS` that every feature has).
    """
    try:  # the units issue's reader, where it exists
        from ictindex.geometry import read_geometry  # type: ignore[import-not-found]
    except ImportError:
        read_geometry = None
    if read_geometry is not None:
        read = read_geometry(geometry, key=key)
        read = read[0] if isinstance(read, tuple) else read
        polygons = getattr(read, "polygons", read)
        return {str(k): [[np.asarray(r, dtype="float64") for r in poly] for poly in v] for k, v in polygons.items()}
    return _read_geojson(geometry, key)


def _read_geojson(geometry: Any, key: str | None) -> dict[str, list[list[np.ndarray]]]:
    file = None
    if isinstance(geometry, str | Path):
        file = str(geometry)
        try:
            geometry = json.loads(Path(geometry).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SourceFileError(
                f"cannot read the boundaries: {err}", file=file, hint="give a GeoJSON FeatureCollection"
            ) from None
    if not isinstance(geometry, Mapping):
        raise SpecError(
            f"geometry must be a GeoJSON path or mapping, got {type(geometry).__name__}",
            field="geometry",
            hint="give a GeoJSON FeatureCollection of Polygon/MultiPolygon features",
        )
    if "type" not in geometry:  # already code -> polygons
        return {str(k): [[np.asarray(r, dtype="float64") for r in poly] for poly in v] for k, v in geometry.items()}
    features = geometry.get("features") if geometry.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not features:
        raise SourceFileError(
            "the boundaries are not a GeoJSON FeatureCollection with features",
            file=file,
            field="type",
            hint="give a FeatureCollection of Polygon/MultiPolygon features, one per unit",
        )
    out: dict[str, list[list[np.ndarray]]] = {}
    for number, feature in enumerate(features, start=1):
        code = _code(feature, key)
        if code is None:
            raise SourceFileError(
                f"feature {number} has no unit code" + (f" in property '{key}'" if key else ""),
                file=file,
                field=key or "properties",
                hint=f"give each feature an id or a property among {list(KEYS)}, or name it with key=",
            )
        shape = feature.get("geometry") or {}
        kind, coordinates = shape.get("type"), shape.get("coordinates")
        if kind not in ("Polygon", "MultiPolygon") or not isinstance(coordinates, list):
            raise SourceFileError(
                f"feature {number} ({code}) is a {kind or 'missing'} geometry, not a Polygon or MultiPolygon",
                file=file,
                field="geometry",
                hint="give unit boundaries as polygons",
            )
        polygons = coordinates if kind == "MultiPolygon" else [coordinates]
        try:
            rings = [[np.asarray(ring, dtype="float64")[:, :2] for ring in poly] for poly in polygons]
        except (ValueError, TypeError, IndexError):
            raise SourceFileError(
                f"feature {number} ({code}) has coordinates that are not pairs of numbers",
                file=file,
                field="coordinates",
                hint="each ring is a list of [x, y] positions",
            ) from None
        if any(not np.isfinite(r).all() for poly in rings for r in poly):
            raise SourceFileError(
                f"feature {number} ({code}) has coordinates that are not finite numbers",
                file=file,
                field="coordinates",
                hint="remove NaN or infinite positions",
            )
        out.setdefault(code, []).extend(rings)
    return out


def _code(feature: Mapping[str, Any], key: str | None) -> str | None:
    props = feature.get("properties") or {}
    if key is not None:
        value = props.get(key, feature.get(key) if key == "id" else None)
    else:
        value = feature.get("id")
        for name in KEYS:
            if value is not None:
                break
            value = props.get(name)
    return None if value is None or str(value) == "" else str(value)
