"""Real pixels of rendered vector layers: colours of known features, classes, opacity, selection, reprojection."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from layers.errors import LayerError
from layers.styles import Categorized, Category, Graduated, GraduatedClass, SingleSymbol, Symbol
from tests.render.scenes import BACKGROUND, CRS, X0, Y0, at, close, layer, pixels, rgba, settings
from workbench.render import MapRenderer

NO_STROKE = dict(stroke="#00000000", stroke_width=0.0)


def square(x: float, y: float, side: float):
    return box(X0 + x, Y0 + y, X0 + x + side, Y0 + y + side)


def test_polygon_pixels_take_the_fill_colour_and_background_elsewhere(qapp):
    buildings = layer([square(20, 20, 30)])
    buildings.style = SingleSymbol(Symbol(fill="#d62728", stroke="#000000", stroke_width=1.5))
    image = MapRenderer().render_image([buildings], settings())
    assert at(image, 35, 35) == rgba("#d62728")
    assert at(image, 80, 80) == rgba(BACKGROUND)
    assert at(image, 5, 95) == rgba(BACKGROUND)
    edge = at(image, 20.2, 35)  # the 2 px stroke straddles the west edge
    assert max(edge[:3]) < 90


def test_categorised_points_take_their_category_colour(qapp):
    poles = layer([Point(X0 + 20, Y0 + 20), Point(X0 + 50, Y0 + 50), Point(X0 + 80, Y0 + 80)],
                  status=["active", "faulty", "unknown"])
    poles.style = Categorized("status", [Category("active", Symbol(fill="#f2a900", size=9, **NO_STROKE)),
                                         Category("faulty", Symbol(fill="#e31a1c", size=9, **NO_STROKE))])
    image = MapRenderer().render_image([poles], settings())
    assert at(image, 20, 20) == rgba("#f2a900")
    assert at(image, 50, 50) == rgba("#e31a1c")
    assert at(image, 80, 80) == rgba(BACKGROUND)  # no category and no "other" symbol: not drawn


def test_points_after_a_feature_without_geometry_keep_their_own_category(qapp):
    poles = layer([Point(X0 + 20, Y0 + 20), None, Point(X0 + 50, Y0 + 50), Point(X0 + 80, Y0 + 80)],
                  status=["active", "faulty", "faulty", "active"])
    poles.style = Categorized("status", [Category("active", Symbol(fill="#f2a900", size=9, **NO_STROKE)),
                                         Category("faulty", Symbol(fill="#e31a1c", size=9, **NO_STROKE))])
    image = MapRenderer().render_image([poles], settings())
    assert at(image, 20, 20) == rgba("#f2a900")
    assert at(image, 50, 50) == rgba("#e31a1c")
    assert at(image, 80, 80) == rgba("#f2a900")


def test_graduated_polygons_pick_their_class(qapp):
    blocks = layer([square(5, 40, 20), square(40, 40, 20), square(75, 40, 20)], price=[80.0, 150.0, 400.0])
    colours = ["#ffffb2", "#fd8d3c", "#bd0026"]
    blocks.style = Graduated("price", [GraduatedClass(0, 100, Symbol(fill=colours[0], **NO_STROKE)),
                                       GraduatedClass(100, 300, Symbol(fill=colours[1], **NO_STROKE)),
                                       GraduatedClass(300, 500, Symbol(fill=colours[2], **NO_STROKE))])
    image = MapRenderer().render_image([blocks], settings())
    assert [at(image, x, 50) for x in (15, 50, 85)] == [rgba(c) for c in colours]


def test_polygon_hole_stays_open(qapp):
    ring = shapely.Polygon(square(10, 10, 80).exterior.coords, [square(40, 40, 20).exterior.coords])
    plot = layer([ring])
    plot.style = SingleSymbol(Symbol(fill="#1f77b4", **NO_STROKE))
    image = MapRenderer().render_image([plot], settings())
    assert at(image, 20, 20) == rgba("#1f77b4")
    assert at(image, 50, 50) == rgba(BACKGROUND)


def test_lines_take_the_stroke_colour(qapp):
    roads = layer([LineString([(X0, Y0 + 50), (X0 + 100, Y0 + 50)])], road_class=["arterial"])
    roads.style = SingleSymbol(Symbol(stroke="#e8893a", stroke_width=4.0))
    image = MapRenderer().render_image([roads], settings())
    assert at(image, 30, 50) == rgba("#e8893a")
    assert at(image, 30, 60) == rgba(BACKGROUND)


def test_hidden_layers_are_not_drawn(qapp):
    buildings = layer([square(20, 20, 30)])
    buildings.style = SingleSymbol(Symbol(fill="#d62728", **NO_STROKE))
    buildings.visible = False
    image = MapRenderer().render_image([buildings], settings())
    assert (pixels(image) == rgba(BACKGROUND)).all()


def test_opacity_blends_the_layer_with_what_is_below(qapp):
    top = layer([square(10, 10, 60), square(30, 30, 60)])  # overlapping features of one layer
    top.style = SingleSymbol(Symbol(fill="#ff0000", **NO_STROKE))
    top.opacity = 0.5
    image = MapRenderer().render_image([top], settings(background="#ffffff"))
    expected = (255, 128, 128, 255)
    assert close(at(image, 20, 20), expected)
    assert close(at(image, 50, 50), expected)  # the overlap is not darker: opacity applies to the whole layer


def test_selection_is_highlighted(qapp):
    blocks = layer([square(10, 10, 30), square(60, 60, 30)])
    blocks.style = SingleSymbol(Symbol(fill="#2ca02c", **NO_STROKE))
    blocks.selection = {1}
    image = MapRenderer().render_image([blocks], settings(selection_colour="#ffff00"))
    assert at(image, 25, 25) == rgba("#2ca02c")
    assert at(image, 75, 75) == rgba("#ffff00")


def test_reprojected_layer_lands_on_the_same_pixels(qapp):
    native = layer([square(20, 30, 40)])
    geographic = layer(list(gpd.GeoSeries([square(20, 30, 40)], crs=CRS).to_crs("EPSG:4326")), crs="EPSG:4326")
    for item in (native, geographic):
        item.style = SingleSymbol(Symbol(fill="#9467bd", **NO_STROKE))
    renderer = MapRenderer()
    a = pixels(renderer.render_image([native], settings()))
    b = pixels(renderer.render_image([geographic], settings()))
    assert at(renderer.render_image([geographic], settings()), 40, 50) == rgba("#9467bd")
    assert np.abs(a.astype(int) - b.astype(int)).max() <= 3  # only anti-aliased edges may differ


def test_sub_pixel_polygons_still_show_as_a_pixel(qapp):
    specks = layer([square(50.3, 50.3, 0.2)])
    specks.style = SingleSymbol(Symbol(fill="#000000", **NO_STROKE))
    image = MapRenderer().render_image([specks], settings())
    assert at(image, 50.5, 50.5) == (0, 0, 0, 255)
    assert (pixels(image) != rgba(BACKGROUND)).any(axis=2).sum() == 1


def test_dense_points_draw_every_occupied_pixel(qapp):
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 100, (20_000, 2))
    dense = layer(list(gpd.points_from_xy(X0 + xy[:, 0], Y0 + xy[:, 1])))
    dense.style = SingleSymbol(Symbol(fill="#000000", size=0.75, **NO_STROKE))  # one pixel at 96 dpi
    image = pixels(MapRenderer().render_image([dense], settings(background="#ffffff")))
    occupied = np.zeros((100, 100), bool)
    occupied[(100 - xy[:, 1]).astype(int), xy[:, 0].astype(int)] = True
    drawn = image[:, :, 0] < 250
    assert (drawn == occupied).mean() > 0.99  # brute-force occupancy of the same points


def test_a_missing_style_field_names_layer_and_field(qapp):
    poles = layer([Point(X0 + 5, Y0 + 5)], title="poles", status=["active"])
    poles.style = Categorized("operator", [Category("x", Symbol())])
    with pytest.raises(LayerError, match="poles.*'operator'"):
        MapRenderer().render_image([poles], settings())


def test_cancelled_render_stops_before_drawing_layers(qapp):
    buildings = layer([square(20, 20, 30)])
    buildings.style = SingleSymbol(Symbol(fill="#d62728"))
    image = MapRenderer().render_image([buildings], settings(), cancelled=lambda: True)
    assert (pixels(image) == rgba(BACKGROUND)).all()


def test_cache_follows_data_changes(qapp):
    buildings = layer([square(20, 20, 30)])
    buildings.style = SingleSymbol(Symbol(fill="#d62728", **NO_STROKE))
    renderer = MapRenderer()
    assert at(renderer.render_image([buildings], settings()), 35, 35) == rgba("#d62728")
    buildings.gdf = gpd.GeoDataFrame(geometry=[square(60, 60, 30)], crs=CRS)
    buildings.touch()
    image = renderer.render_image([buildings], settings())
    assert at(image, 35, 35) == rgba(BACKGROUND)
    assert at(image, 75, 75) == rgba("#d62728")
