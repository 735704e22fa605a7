"""Raster layers: ramp colours per cell, transparent no-data, and reprojection onto the view grid."""

from __future__ import annotations

import numpy as np
import pyproj
from affine import Affine

from layers.layer import RasterLayer
from layers.styles import RasterRamp, interpolate_colour, parse_colour
from tests.render.scenes import CRS, X0, Y0, at, close, pixels, settings
from workbench.render import MapRenderer


def grid(values: np.ndarray, crs: str = CRS, transform: Affine | None = None, nodata=None) -> RasterLayer:
    """A raster covering the 100 m test square, 10 m cells, north up."""
    return RasterLayer(values, transform or Affine(10, 0, X0, 0, -10, Y0 + 100), crs, name="grid", nodata=nodata)


def test_cells_take_the_ramp_colour_and_no_data_is_transparent(qapp):
    values = np.linspace(-120, -80, 100, dtype=np.float32).reshape(10, 10)
    values[0, 0] = np.nan
    values[9, 9] = -9999.0
    layer = grid(values, nodata=-9999.0)
    stops = [(-120.0, "#d7191c"), (-100.0, "#ffffbf"), (-80.0, "#1a9641")]
    layer.style = RasterRamp(stops)
    image = MapRenderer().render_image([layer], settings(background=None))
    for row, col in [(2, 3), (5, 5), (8, 1)]:
        expected = parse_colour(interpolate_colour(stops, float(values[row, col])))
        assert close(at(image, col * 10 + 5, 100 - (row * 10 + 5)), expected, tolerance=3)
    assert at(image, 5, 95)[3] == 0  # NaN cell (top-left)
    assert at(image, 95, 5)[3] == 0  # no-data cell (bottom-right)


def test_discrete_ramp_colours_whole_classes(qapp):
    values = np.tile(np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=np.int16), (10, 1))
    layer = grid(values)
    layer.style = RasterRamp([(0, "#e41a1c"), (3, "#377eb8"), (7, "#4daf4a")], discrete=True)
    image = MapRenderer().render_image([layer], settings())
    expected = ["#e41a1c"] * 3 + ["#377eb8"] * 4 + ["#4daf4a"] * 3
    assert [at(image, col * 10 + 5, 50) for col in range(10)] == [parse_colour(c) for c in expected]


def test_reprojected_raster_shows_the_value_of_the_cell_under_each_pixel(qapp):
    # a geographic raster around the test square; each cell holds its own index
    to_geo = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    lon0, lat0 = to_geo.transform(X0 - 20, Y0 + 120)
    step = 0.0001
    values = np.arange(60 * 60, dtype=np.float64).reshape(60, 60)
    layer = grid(values, "EPSG:4326", Affine(step, 0, lon0, 0, -step, lat0))
    ramp = RasterRamp([(0.0, "#000000"), (3599.0, "#ffffff")])  # grey level encodes the cell index
    layer.style = ramp
    image = pixels(MapRenderer().render_image([layer], settings(background=None)))
    px = np.array([12.5, 50.5, 87.5, 30.5])
    py = np.array([20.5, 50.5, 80.5, 70.5])
    lon, lat = to_geo.transform(X0 + px, Y0 + 100 - py)
    cols = np.floor((lon - lon0) / step).astype(int)
    rows = np.floor((lat0 - lat) / step).astype(int)
    expected = values[rows, cols] / 3599.0 * 255
    rendered = image[py.astype(int), px.astype(int), 0]
    np.testing.assert_allclose(rendered, expected, atol=1.5)


def test_raster_opacity_blends(qapp):
    layer = grid(np.ones((10, 10)))
    layer.style = RasterRamp([(0.0, "#000000"), (1.0, "#0000ff")])
    layer.opacity = 0.25
    image = MapRenderer().render_image([layer], settings(background="#ffffff"))
    assert close(at(image, 50, 50), (191, 191, 255, 255))
