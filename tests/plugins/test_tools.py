"""The general tools against independent references: per-feature shapely loops and brute-force distances."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from layers import VectorLayer
from plugins.api import Context, ParameterError
from plugins.runner import run_algorithm
from plugins.tools import algorithms


def run(algorithm_id: str, **params):
    return run_algorithm(algorithm_id, params, Context(crs="EPSG:32649"))


def test_the_package_lists_its_seven_tools():
    assert {a.id for a in algorithms()} == {"tools.buffer", "tools.clip", "tools.join_by_location",
                                            "tools.count_points", "tools.nearest", "tools.filter",
                                            "tools.gcj02_to_wgs84"}


def test_buffer_matches_shapely_per_feature(schools):
    result = run("tools.buffer", input=schools, distance="120 m", segments=16)
    out = result.outputs["output"].gdf
    assert list(out["name"]) == list(schools.gdf["name"])
    for geometry, original in zip(out.geometry, schools.gdf.geometry, strict=True):
        assert geometry.equals_exact(original.buffer(120, quad_segs=16), tolerance=1e-6)
    # A circle of 120 m approximated with 64 segments: area close to pi r^2, a little below it.
    assert out.geometry.area.iloc[0] == pytest.approx(np.pi * 120**2, rel=3e-3)


def test_buffer_dissolve_equals_union(schools):
    result = run("tools.buffer", input=schools, distance=300, dissolve=True)
    reference = shapely.union_all([g.buffer(300, quad_segs=8) for g in schools.gdf.geometry])
    out = result.outputs["output"].gdf
    assert len(out) == 1
    assert out.geometry.iloc[0].symmetric_difference(reference).area < 1e-6 * reference.area
    assert result.summary["total_area_m2"] == pytest.approx(reference.area, rel=1e-6)


def test_negative_buffer_drops_vanished_polygons(districts):
    result = run("tools.buffer", input=districts, distance=-200)
    # The 150 m circle vanishes; the two boxes shrink by 200 m on every side.
    assert list(result.outputs["output"].gdf["district"]) == ["A", "B"]
    assert result.outputs["output"].gdf.geometry.area.iloc[0] == pytest.approx(100 * 100)
    assert any("1 feature(s) vanished" in line for line in result.record["log"])


def test_buffer_in_degrees_is_measured_in_metres(schools):
    in_degrees = schools.to_crs(4326)
    result = run_algorithm("tools.buffer", {"input": in_degrees, "distance": 100}, Context(crs="EPSG:4326"))
    out = result.outputs["output"].gdf
    assert out.crs.to_epsg() == 4326
    polygon_32_sides = 0.5 * 32 * 100**2 * np.sin(2 * np.pi / 32)  # 8 segments per quarter circle
    assert out.to_crs(32649).geometry.area.iloc[0] == pytest.approx(polygon_32_sides, rel=1e-3)


def test_clip_matches_per_feature_intersection(offices, districts):
    lines = VectorLayer(gpd.GeoDataFrame(
        {"road": ["r1", "r2", "r3"]},
        geometry=[shapely.LineString(np.array([[0, 100], [1000, 100]]) + [500_000, 2_555_000]),
                  shapely.LineString(np.array([[700, 0], [700, 1000]]) + [500_000, 2_555_000]),
                  shapely.LineString(np.array([[950, 50], [990, 60]]) + [500_000, 2_555_000])],
        crs="EPSG:32649"), "roads")
    mask = shapely.union_all(districts.gdf.geometry.to_numpy())
    out = run("tools.clip", input=lines, overlay=districts).outputs["output"].gdf
    expected = {road: geometry.intersection(mask) for road, geometry in zip(lines.gdf["road"], lines.gdf.geometry,
                                                                             strict=True)}
    expected = {road: g for road, g in expected.items() if not g.is_empty}
    assert list(out["road"]) == list(expected)
    for road, geometry in zip(out["road"], out.geometry, strict=True):
        assert geometry.length == pytest.approx(expected[road].length)
    points = run("tools.clip", input=offices, overlay=districts).outputs["output"].gdf
    inside = [i for i, g in enumerate(offices.gdf.geometry) if mask.intersects(g)]
    assert list(points["listing_id"]) == list(offices.gdf["listing_id"].iloc[inside])


def test_clip_keeps_polygons_without_boundary_debris(districts):
    x0, y0 = 500_000, 2_555_000
    touching = VectorLayer(gpd.GeoDataFrame({"id": [1, 2]}, geometry=[
        shapely.box(x0 - 100, y0, x0 + 100, y0 + 100),     # half inside district A
        shapely.box(x0 + 1000, y0, x0 + 1100, y0 + 900),   # touches district B along one edge only
    ], crs="EPSG:32649"), "parcels")
    out = run("tools.clip", input=touching, overlay=districts).outputs["output"].gdf
    assert list(out["id"]) == [1]
    assert out.geometry.iloc[0].area == pytest.approx(100 * 100)


@pytest.mark.parametrize("predicate", ["intersects", "within"])
def test_join_first_match_against_brute_force(offices, districts, predicate):
    out = run("tools.join_by_location", input=offices, join=districts, predicate=predicate).outputs["output"].gdf
    test = getattr(shapely, predicate)
    for row, geometry in enumerate(offices.gdf.geometry):
        matches = [d for d, polygon in zip(districts.gdf["district"], districts.gdf.geometry, strict=True)
                   if test(geometry, polygon)]
        assert out["join_count"].iloc[row] == len(matches)
        expected = matches[0] if matches else None
        got = out["district"].iloc[row]
        assert (got if isinstance(got, str) else None) == expected


def test_join_all_matches_one_row_per_pair(offices, districts):
    out = run("tools.join_by_location", input=offices, join=districts, mode="all matches",
              keep_unmatched=False).outputs["output"].gdf
    expected = [(lid, d) for lid, g in zip(offices.gdf["listing_id"], offices.gdf.geometry, strict=True)
                for d, polygon in zip(districts.gdf["district"], districts.gdf.geometry, strict=True)
                if g.intersects(polygon)]
    assert list(zip(out["listing_id"], out["district"], strict=True)) == expected


def test_count_points_against_brute_force(poles, districts):
    out = run("tools.count_points", polygons=districts, points=poles, weight="height_m").outputs["output"].gdf
    for polygon, count, total in zip(districts.gdf.geometry, out["point_count"], out["height_m_sum"], strict=True):
        inside = [h for p, h in zip(poles.gdf.geometry, poles.gdf["height_m"], strict=True) if polygon.intersects(p)]
        assert count == len(inside)
        assert total == pytest.approx(sum(inside))
    assert out["point_count"].min() > 0


def _brute_force_nearest(sources, targets):
    distances = np.array([[s.distance(t) for t in targets] for s in sources])
    return distances.argmin(axis=1), distances.min(axis=1)


def test_nearest_points_kdtree_matches_brute_force(offices, schools):
    out = run("tools.nearest", input=offices, target=schools, target_field="name").outputs["output"].gdf
    index, distance = _brute_force_nearest(offices.gdf.geometry, schools.gdf.geometry)
    assert np.allclose(out["nearest_m"], distance)
    assert list(out["nearest_name"]) == list(schools.gdf["name"].iloc[index])


def test_nearest_with_radius_leaves_far_features_empty(offices, schools):
    out = run("tools.nearest", input=offices, target=schools, max_distance=80).outputs["output"].gdf
    _, distance = _brute_force_nearest(offices.gdf.geometry, schools.gdf.geometry)
    near = distance <= 80
    assert 0 < near.sum() < len(near)
    assert np.allclose(out["nearest_m"][near], distance[near])
    assert out["nearest_m"][~near].isna().all()
    assert (out["nearest_index"][~near] == -1).all()


def test_nearest_to_polygons_matches_brute_force(offices, districts):
    out = run("tools.nearest", input=offices, target=districts, target_field="district").outputs["output"].gdf
    index, distance = _brute_force_nearest(offices.gdf.geometry, districts.gdf.geometry)
    assert np.allclose(out["nearest_m"], distance)
    outside = distance > 0  # inside two overlapping districts both are at 0 m: either answer is right
    assert list(out["nearest_district"][outside]) == list(districts.gdf["district"].iloc[index[outside]])


def test_nearest_with_multipoints_matches_brute_force(offices, schools):
    """Multi-points count as point layers but hold several coordinates each: answers must stay per feature."""
    merged = shapely.multipoints(shapely.get_coordinates(schools.gdf.geometry.to_numpy()[:6]).reshape(3, 2, 2))
    targets = np.concatenate([merged, schools.gdf.geometry.to_numpy()[6:]])
    target = VectorLayer(gpd.GeoDataFrame({"name": [f"T{i}" for i in range(len(targets))]}, geometry=targets,
                                          crs="EPSG:32649"), "targets")
    sources = offices.gdf.geometry.to_numpy().copy()
    sources[:2] = [shapely.multipoints(shapely.get_coordinates(sources[:2])), shapely.MultiPoint()]
    source = VectorLayer(gpd.GeoDataFrame({"id": range(len(sources))}, geometry=sources, crs="EPSG:32649"), "s")
    out = run("tools.nearest", input=source, target=target, target_field="name").outputs["output"].gdf
    index, distance = _brute_force_nearest(sources[2:], targets)
    assert np.allclose(out["nearest_m"][2:], distance)
    assert list(out["nearest_name"][2:]) == [f"T{i}" for i in index]
    assert out["nearest_m"][0] == pytest.approx(min(sources[0].distance(t) for t in targets))
    assert np.isnan(out["nearest_m"][1])  # an empty geometry has no distance


def test_nearest_from_degrees_measures_metres(offices, schools):
    out = run_algorithm("tools.nearest", {"input": offices.to_crs(4326), "target": schools.to_crs(4326)},
                        Context(crs="EPSG:4326")).outputs["output"].gdf
    index, _ = _brute_force_nearest(offices.gdf.geometry, schools.gdf.geometry)
    # The truth is the geodesic distance (UTM 49N's own metres are 0.04 % long here, 2.5° off its meridian).
    origin, target = offices.gdf.to_crs(4326).geometry, schools.gdf.to_crs(4326).geometry.iloc[index]
    _, _, geodesic = pyproj.Geod(ellps="WGS84").inv(origin.x, origin.y, target.x, target.y)
    assert np.allclose(out["nearest_m"], geodesic, rtol=5e-5, atol=0.01)
    assert out.crs.to_epsg() == 4326


def test_filter_matches_pandas_query(offices):
    result = run("tools.filter", input=offices, expression='price_m2 < 200 and industry == "finance"')
    out = result.outputs["output"]
    expected = offices.gdf.query('price_m2 < 200 and industry == "finance"')
    assert list(out.gdf["listing_id"]) == list(expected["listing_id"])
    assert out.kind == "office_space"
    assert result.summary == {"matching": len(expected), "total": len(offices)}


# -- inputs whose coordinates cannot be used: a clear ParameterError naming the layer, never a traceback ----------

_GUANGZHOU_AREA = shapely.box(113.2, 23.0, 113.5, 23.3)
UNUSABLE = {
    "utm numbers declared as degrees": ([(500100.0, 2557100.0), (500200.0, 2557300.0)], "2,557,300"),
    "a NaN coordinate": ([(113.3, 23.1), (np.nan, 23.1)], "#2"),
    "an infinite coordinate": ([(113.3, 23.1), (np.inf, 23.1)], "#2"),
    "a 1e300 coordinate": ([(113.3, 23.1), (1e300, 23.1)], "#2"),
    "swapped lat/lon": ([(23.1, 113.3), (23.2, 113.4)], "swapped"),
}
TOOL_INPUTS = {
    "tools.buffer": lambda bad, area: {"input": bad, "distance": 100},
    "tools.clip": lambda bad, area: {"input": bad, "overlay": area},
    "tools.nearest": lambda bad, area: {"input": bad, "target": area},
    "tools.join_by_location": lambda bad, area: {"input": bad, "join": area},
    "tools.count_points": lambda bad, area: {"polygons": area, "points": bad},
}


@pytest.mark.parametrize("case", sorted(UNUSABLE))
@pytest.mark.parametrize("tool", sorted(TOOL_INPUTS))
@pytest.mark.parametrize("crs", [None, "EPSG:32649"])
def test_tools_refuse_unusable_geographic_coordinates_by_name(tool, case, crs):
    points, shown = UNUSABLE[case]
    bad = VectorLayer(gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=shapely.points(points), crs=4326), "bad poles")
    area = VectorLayer(gpd.GeoDataFrame({"district": ["Tianhe"]}, geometry=[_GUANGZHOU_AREA], crs=4326), "district")
    with pytest.raises(ParameterError) as caught:
        run_algorithm(tool, TOOL_INPUTS[tool](bad, area), Context(crs=crs))
    assert "'bad poles'" in str(caught.value) and shown in str(caught.value)


def test_good_degrees_still_run_beside_the_refusals():
    good = VectorLayer(gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(113.3, 23.1)], crs=4326), "poles")
    result = run_algorithm("tools.buffer", {"input": good, "distance": 100}, Context())
    polygon_32_sides = 0.5 * 32 * 100**2 * np.sin(2 * np.pi / 32)
    assert result.summary["total_area_m2"] == pytest.approx(polygon_32_sides, rel=1e-3)
