"""Paper arithmetic checked against textbook formulas: map scale, round scale-bar lengths, grid convergence."""

from __future__ import annotations

import math

import pyproj
import pytest

from workbench.export.layout_geometry import (
    fit_extent,
    format_scale,
    nice_length,
    page_size_mm,
    scale_bar,
    scale_denominator,
    true_north_angle,
)

UTM49 = pyproj.CRS("EPSG:32649")


@pytest.mark.parametrize(("limit", "expected"), [(0.9, 0.5), (1.0, 1.0), (3.7, 2.0), (7.0, 5.0), (480.0, 200.0),
                                                 (500.0, 500.0), (1999.0, 1000.0), (2600.0, 2000.0)])
def test_round_lengths_are_1_2_5_times_a_power_of_ten(limit, expected):
    assert nice_length(limit) == pytest.approx(expected)


def test_scale_of_a_projected_frame_is_ground_over_paper():
    # 1,000 m of ground across a 200 mm frame: 1 m of paper shows 5,000 m.
    assert scale_denominator((0, 0, 1000, 600), 200.0, UTM49) == pytest.approx(5000.0)


def test_scale_bar_length_on_paper_matches_the_scale():
    bar = scale_bar(12_500.0, 50.0)  # at most 50 mm: 625 m would fit, the round length below is 500 m
    assert bar.length_m == 500.0 and bar.unit == "m"
    assert bar.length_mm == pytest.approx(500.0 / 12_500.0 * 1000.0)  # 40 mm
    big = scale_bar(80_000.0, 60.0)
    assert big.length_m == 2000.0 and big.unit == "km" and big.label(big.length_m) == "2"


def test_geographic_scale_uses_metres_along_the_parallel():
    extent = (113.30, 23.10, 113.35, 23.14)
    # haversine along the parallel at the centre latitude, spherical earth of mean radius
    lat = math.radians(23.12)
    ground = 6_371_008.8 * math.cos(lat) * math.radians(0.05)
    assert scale_denominator(extent, 250.0, pyproj.CRS("EPSG:4326")) == pytest.approx(ground / 0.25, rel=4e-3)


def test_north_arrow_follows_the_grid_convergence():
    transformer = pyproj.Transformer.from_crs("EPSG:4326", UTM49, always_xy=True)
    x, y = transformer.transform(113.325, 23.12)
    # textbook convergence of a transverse Mercator grid: gamma = atan(tan(dlon) sin(lat)), central meridian 111 E;
    # east of it true north lies west of grid north, i.e. counter-clockwise (negative here).
    gamma = math.degrees(math.atan(math.tan(math.radians(113.325 - 111.0)) * math.sin(math.radians(23.12))))
    assert true_north_angle(UTM49, (x - 500, y - 500, x + 500, y + 500)) == pytest.approx(-gamma, abs=0.01)


def test_extent_grows_to_the_frame_shape_around_its_centre():
    minx, miny, maxx, maxy = fit_extent((0, 0, 100, 100), 200.0, 100.0)
    assert (maxx - minx) / (maxy - miny) == pytest.approx(2.0)
    assert (minx + maxx) / 2 == pytest.approx(50.0) and (miny, maxy) == (0, 100)


def test_scale_text_and_page_names():
    assert format_scale(12_437.0) == "1:12,400"
    assert page_size_mm("a3-portrait") == (297.0, 420.0)
    with pytest.raises(ValueError, match="a4-landscape"):
        page_size_mm("letter")
