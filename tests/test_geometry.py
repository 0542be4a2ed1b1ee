"""Boundaries from GeoJSON: polygons, holes and multipolygons read right and drawn right; clear errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from matplotlib.collections import PatchCollection
from provinces import geojson, panel, units_table

from ictindex import build_index
from ictindex.errors import IctIndexError, MethodError
from ictindex.geometry import read_geometry
from ictindex.report import charts

SQUARE = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]


def _collection(features: list) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _feature(code: str, geometry: dict, key: str = "unit") -> dict:
    return {"type": "Feature", "properties": {key: code}, "geometry": geometry}


def _signed(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def test_holes_and_multipolygons_are_read_and_oriented():
    g = read_geometry(geojson())
    assert len(g) == 34
    west_java = g["ID-JB"]
    assert len(west_java) == 1 and len(west_java[0]) == 2  # one polygon: the exterior and Jakarta's hole
    exterior, hole = west_java[0]
    assert _signed(exterior) > 0 > _signed(hole)  # counter-clockwise exterior, clockwise hole (RFC 7946)
    assert g.area("ID-JB") == pytest.approx(25 - 4) and g.area("ID-JK") == pytest.approx(4)
    assert len(g["ID-KR"]) == 2  # the Riau Islands: two polygons
    assert g.key == "unit" and g.geographic and g.bounds == (95.0, -11.0, 136.0, 18.0)


def test_rings_are_closed_and_codes_found_by_any_usual_key():
    open_ring = [[0, 0], [2, 0], [2, 2], [0, 2]]
    g = read_geometry(_collection([_feature("KOR", {"type": "Polygon", "coordinates": [open_ring]}, key="iso_a3")]))
    ring = g["KOR"][0][0]
    assert len(ring) == 5 and (ring[0] == ring[-1]).all() and g.key == "iso_a3"
    by_id = {"type": "Feature", "id": "X1", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    assert list(read_geometry(by_id)) == ["X1"]
    two = [_feature("A", {"type": "Polygon", "coordinates": [SQUARE]})] * 2  # two features of one unit add up
    assert len(read_geometry(_collection(two))["A"]) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_collection([_feature("A", {"type": "Point", "coordinates": [1, 2]})]), "'Point', not an area"),
        (_collection([{"type": "Feature", "properties": {"name": "x"}, "geometry": None}]), "names no unit"),
        (_collection([_feature("A", {"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1]]]})]), "two numbers"),
        (_collection([_feature("A", {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]})]), "three"),
        (_collection([_feature("A", {"type": "Polygon", "coordinates": [[[0, 0], [np.inf, 1], [1, 1]]]})]), "finite"),
        ({"type": "Topology"}, "not a GeoJSON FeatureCollection"),
        (_collection([]), "holds no feature"),
    ],
)
def test_bad_geojson_is_refused_naming_the_feature(data, message):
    with pytest.raises(IctIndexError, match=message):
        read_geometry(data)


def test_files_and_keys(tmp_path):
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(_collection([_feature("A", {"type": "Polygon", "coordinates": [SQUARE]}, key="gid")])))
    assert list(read_geometry(path, key="gid")) == ["A"] and read_geometry(path, key="gid").source == "b.geojson"
    with pytest.raises(IctIndexError, match="no property 'code'"):
        read_geometry(path, key="code")
    with pytest.raises(IctIndexError, match="unsupported geometry file type '.shp'"):
        (tmp_path / "b.shp").write_bytes(b"\0")
        read_geometry(tmp_path / "b.shp")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(IctIndexError, match="not a GeoJSON file"):
        read_geometry(bad)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    from provinces import FRAMEWORK

    path = tmp_path_factory.mktemp("fw") / "provinces.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return build_index(panel(), path, units=units_table(), years=2023)


def _pixel(fig, ax, point) -> np.ndarray:
    """The RGB colour the figure is drawn with at a data point (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())
    x, y = ax.transData.transform(point)
    return image[int(round(image.shape[0] - y)), int(round(x))][:3]


def test_map_draws_holes_as_holes_and_lists_units_without_a_boundary(result):
    boundaries = geojson()  # without Jakarta: West Java's hole must stay empty
    boundaries["features"] = [f for f in boundaries["features"] if f["properties"]["unit"] != "ID-JK"]
    fig = result.plot.map(geometry=boundaries, source=False)
    ax = fig.axes[0]
    missing, scored = [c for c in ax.collections if isinstance(c, PatchCollection)]
    assert len(missing.get_paths()) == 0 and len(scored.get_paths()) == 34  # 33 provinces, Riau Islands twice
    g = read_geometry(boundaries)
    exterior, hole = g["ID-JB"][0]
    in_hole = hole[:-1].mean(axis=0)  # inside West Java's exterior, but in its hole
    in_west_java = exterior[:-1].mean(axis=0) + np.array([0.0, 2.0])  # in West Java, outside the hole
    assert _pixel(fig, ax, in_hole).tolist() == [255, 255, 255]  # the background shows through
    assert _pixel(fig, ax, in_west_java).tolist() != [255, 255, 255]
    footer = ax.texts[0].get_text()
    assert "without a boundary in GeoJSON (1): Jakarta" in footer and "Boundaries: GeoJSON" in footer
    assert charts.map_outside(result, g) == ["ID-JK"]
    assert "Riau Islands" not in footer  # its two polygons are both drawn


def test_no_map_without_boundaries_for_units_that_are_not_economies(result, doi_panel):
    with pytest.raises(MethodError, match="no boundaries of the provinces"):
        result.plot.map()
    economies = build_index(doi_panel, "doi")
    assert economies.plot.map().axes[0].get_title("left").startswith("Digital Opportunity Index")  # the world map
