"""Map <-> pixel arithmetic and the scale, checked against hand-computed values and pyproj's geodesic."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from workbench.render import MapTransform, RenderSettings, ground_metres_per_pixel, scale_denominator


def test_extent_is_fitted_centred_keeping_aspect():
    transform = MapTransform((0.0, 0.0, 200.0, 100.0), (100, 100))  # wide extent in a square image
    assert transform.units_per_pixel == 2.0
    assert transform.visible_extent == (0.0, -50.0, 200.0, 150.0)
    px, py = transform.map_to_pixel([0.0, 200.0, 100.0], [150.0, -50.0, 50.0])
    np.testing.assert_allclose(px, [0.0, 100.0, 50.0])
    np.testing.assert_allclose(py, [0.0, 100.0, 50.0])  # y grows downwards


def test_pixel_to_map_inverts_map_to_pixel():
    transform = MapTransform((760_000.0, 2_560_000.0, 763_000.0, 2_562_000.0), (1920, 1080))
    xs = np.array([760_000.0, 761_234.5, 763_000.0])
    ys = np.array([2_560_000.0, 2_561_111.1, 2_562_000.0])
    back = transform.pixel_to_map(*transform.map_to_pixel(xs, ys))
    np.testing.assert_allclose(back, [xs, ys], atol=1e-6)


def test_scale_denominator_in_metres():
    # 1 m per pixel at 96 dpi: one pixel is 0.0254/96 m on screen, so 1:3779.5
    settings = RenderSettings(extent=(0, 0, 100, 100), size=(100, 100), crs="EPSG:32649", dpi=96)
    assert scale_denominator(settings) == pytest.approx(96 / 0.0254)


def test_scale_denominator_in_degrees_uses_the_geodesic():
    settings = RenderSettings(extent=(113.0, 23.0, 113.1, 23.2), size=(500, 1000), crs="EPSG:4326")
    left, _, right, _ = settings.transform().visible_extent
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(left, 23.1, right, 23.1)
    assert ground_metres_per_pixel(settings) == pytest.approx(metres / 500, rel=1e-6)


@pytest.mark.parametrize("extent,size", [((0, 0, 0, 1), (10, 10)), ((0, 0, 1, 1), (0, 10)),
                                         ((0, 0, float("nan"), 1), (10, 10))])
def test_bad_settings_are_refused(extent, size):
    with pytest.raises(ValueError, match="render"):
        RenderSettings(extent=extent, size=size)
