"""The explorer's map: unit boundaries as SVG path data, projected and rounded once in Python.

Economies are drawn on the bundled Natural Earth 1:110m world (:func:`ictindex.report.maps.world_polygons`,
longitude/latitude, equirectangular); other units on their own boundaries: a GeoJSON file or mapping
(Polygon and MultiPolygon features, exterior ring first and holes after, drawn with the even-odd rule),
read by :func:`ictindex.geometry.read_geometry`. Longitude/latitude boundaries
are drawn with the east-west scale of their mid latitude (``cos(lat)``), planar ones as given. Path data
hold only numbers and the letters ``M L Z``; unit codes travel as positions in the page's unit list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ictindex.errors import SpecError
from ictindex.geometry import read_geometry

__all__ = ["map_data", "read_boundaries"]

#: Width of the drawing (SVG user units); coordinates are rounded to 0.1 of a unit.
WIDTH = 1000.0


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

    Files and GeoJSON mappings are read by :func:`ictindex.geometry.read_geometry` (``key`` names the
    feature property holding the unit code; its errors are :class:`~ictindex.errors.SourceFileError`).
    """
    if isinstance(geometry, Mapping) and "type" not in geometry:  # already code -> polygons
        return {str(k): [[np.asarray(r, dtype="float64") for r in poly] for poly in v] for k, v in geometry.items()}
    if not isinstance(geometry, str | Path | Mapping) and not hasattr(geometry, "__geo_interface__"):
        raise SpecError(
            f"geometry must be a GeoJSON path or mapping, got {type(geometry).__name__}",
            field="geometry",
            hint="give a GeoJSON FeatureCollection of Polygon/MultiPolygon features",
        )
    read = read_geometry(geometry, key=key)
    return {code: [[np.asarray(ring, dtype="float64") for ring in polygon] for polygon in read[code]] for code in read}
