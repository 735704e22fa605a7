"""Snapping poles to roads without a display, checked against brute force over every road."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.ops import nearest_points

from layers import LayerError, VectorLayer
from layers.snapping import RoadSnapper


def roads(crs=32649) -> VectorLayer:
    rng = np.random.default_rng(3)
    lines = []
    for _ in range(60):
        x, y = rng.uniform(0, 2000, 2)
        steps = rng.uniform(-300, 300, (3, 2))
        lines.append(shapely.LineString(np.vstack([[x, y], [x, y] + np.cumsum(steps, axis=0)]) + [760_000, 2_560_000]))
    gdf = gpd.GeoDataFrame({"name": [f"road {i}" for i in range(60)]}, geometry=lines, crs=32649)
    return VectorLayer(gdf.to_crs(crs), "roads", kind="roads")


def test_snapped_points_match_brute_force_nearest_point_and_respect_the_tolerance():
    layer = roads()
    snapper = RoadSnapper(layer)
    rng = np.random.default_rng(11)
    lines = layer.gdf.geometry.to_numpy()
    snapped_any = unchanged_any = False
    for x, y in rng.uniform(0, 2000, (300, 2)) + [760_000, 2_560_000]:
        point = shapely.Point(x, y)
        distances = shapely.distance(lines, point)
        nearest = int(np.argmin(distances))
        result = snapper.snap(point, crs=32649, tolerance_m=25)
        if distances[nearest] <= 25:
            snapped_any = True
            expected = nearest_points(lines[nearest], point)[0]
            assert result.road is not None and distances[result.road] == pytest.approx(distances[nearest])
            assert result.point.distance(expected) < 1e-6 or result.road != nearest
            assert result.distance_m == pytest.approx(distances[nearest])
            assert lines[result.road].distance(result.point) < 1e-6
        else:
            unchanged_any = True
            assert result.road is None and result.point.equals(point)
    assert snapped_any and unchanged_any


def test_roads_in_degrees_snap_with_a_tolerance_in_metres():
    projected, geographic = roads(), roads(4326)
    snapper = RoadSnapper(geographic)
    line = projected.gdf.geometry.iloc[0]
    on_road = line.interpolate(0.5, normalized=True)
    to_degrees = pyproj.Transformer.from_crs(32649, 4326, always_xy=True)
    for offset, snaps in ((8.0, True), (40.0, False)):
        away = shapely.Point(on_road.x + offset, on_road.y)
        if projected.gdf.geometry.distance(away).min() < offset - 1e-6:
            continue  # another road passes closer; the first road is not the reference then
        lon, lat = to_degrees.transform(away.x, away.y)
        result = snapper.snap(shapely.Point(lon, lat), crs=4326, tolerance_m=20)
        assert (result.road is not None) is snaps
        if snaps:
            assert result.distance_m == pytest.approx(projected.gdf.geometry.distance(away).min(), rel=0.01)


def test_a_roads_layer_without_crs_is_refused_by_name():
    layer = roads()
    layer.gdf = layer.gdf.set_crs(None, allow_override=True)
    with pytest.raises(LayerError, match="roads"):
        RoadSnapper(layer)


def test_an_edited_roads_layer_makes_the_snapper_stale():
    layer = roads()
    snapper = RoadSnapper(layer)
    assert snapper.is_current()
    layer.touch()
    assert not snapper.is_current()
