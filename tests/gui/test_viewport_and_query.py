"""Canvas view arithmetic and the spatial queries behind identify and select, checked against brute force."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import VectorLayer
from workbench.canvas.feature_query import features_intersecting, features_near, identify_vector
from workbench.canvas.viewport import Viewport


def test_fit_shows_the_whole_extent_centred():
    view = Viewport.fit((1000, 2000, 3000, 3000), 400, 100, margin=0.0)
    minx, miny, maxx, maxy = view.extent
    assert minx <= 1000 and maxx >= 3000 and miny <= 2000 and maxy >= 3000
    assert view.resolution == pytest.approx(10.0)  # the tall side decides: 1000 m over 100 px
    assert view.to_pixel(2000, 2500) == pytest.approx((200, 50))


def test_pixel_map_round_trip_and_zoom_keeps_the_anchor_fixed():
    view = Viewport(500.0, 800.0, 2.0, 300, 200)
    assert view.to_map(*view.to_pixel(512.5, 777.0)) == pytest.approx((512.5, 777.0))
    anchor = (40.0, 170.0)
    before = view.to_map(*anchor)
    zoomed = view.zoomed(3.0, anchor)
    assert zoomed.resolution == pytest.approx(2.0 / 3.0)
    assert zoomed.to_map(*anchor) == pytest.approx(before)


def test_pan_moves_content_with_the_mouse_and_old_image_lands_where_expected():
    view = Viewport(0.0, 0.0, 1.0, 100, 100)
    moved = view.panned(10, -5)  # drag right 10 px and up 5 px
    assert moved.to_pixel(*view.to_map(50, 50)) == pytest.approx((60, 45))
    left, top, width, height = moved.rect_of(view)
    assert (left, top, width, height) == pytest.approx((10, -5, 100, 100))
    half = view.zoomed(2.0)
    assert half.rect_of(view) == pytest.approx((-50, -50, 200, 200))


@pytest.fixture
def grid_layer():
    rng = np.random.default_rng(7)
    xs, ys = rng.uniform(0, 1000, 2000), rng.uniform(0, 1000, 2000)
    gdf = gpd.GeoDataFrame({"name": [f"f{i}" for i in range(2000)]}, geometry=shapely.points(xs, ys), crs=32649)
    return VectorLayer(gdf, "points")


def test_rectangle_and_polygon_queries_match_brute_force(grid_layer):
    geoms = grid_layer.gdf.geometry.values
    for query in (shapely.box(100, 200, 400, 650), shapely.Polygon([(0, 0), (900, 100), (500, 900)])):
        expected = np.flatnonzero(shapely.intersects(geoms, query))
        assert np.array_equal(features_intersecting(grid_layer, query, grid_layer.crs), expected)


def test_click_finds_nearest_first_within_tolerance(grid_layer):
    geoms = grid_layer.gdf.geometry.values
    distances = shapely.distance(geoms, shapely.Point(500, 500))
    hits = features_near(grid_layer, 500, 500, 30.0, grid_layer.crs)
    assert set(hits) == set(np.flatnonzero(distances <= 30.0))
    assert hits[0] == int(np.argmin(distances))
    results = identify_vector(grid_layer, 500, 500, 30.0, grid_layer.crs)
    assert results[0].title == f"f{hits[0]}" and results[0].attributes == [("name", f"f{hits[0]}")]


def test_queries_in_the_project_crs_reach_layers_in_another_crs(grid_layer):
    wgs = grid_layer.to_crs(4326)
    query = shapely.box(100, 200, 400, 650)  # in the project CRS (UTM 49N)
    assert np.array_equal(features_intersecting(wgs, query, grid_layer.crs),
                          features_intersecting(grid_layer, query, grid_layer.crs))
