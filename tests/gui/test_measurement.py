"""Measure tool arithmetic: geodesic on the WGS84 ellipsoid for degrees, planar (in metres) for projected CRSs."""

import math

import pyproj
import pytest

from workbench.canvas.measurement import format_area, format_length, path_length, polygon_area, polygon_perimeter

WGS84 = pyproj.CRS.from_epsg(4326)
UTM49 = pyproj.CRS.from_epsg(32649)
US_FEET = pyproj.CRS.from_epsg(2263)  # New York Long Island, US survey feet


def test_one_degree_of_latitude_at_the_equator_is_110574_m():
    # Textbook value for the WGS84 meridian arc from 0° to 1° N: 110,574.4 m.
    assert path_length([(0.0, 0.0), (0.0, 1.0)], WGS84) == pytest.approx(110_574.4, abs=1.0)


def test_one_degree_of_longitude_on_the_equator_is_111320_m():
    # Equatorial circumference / 360 = 2 * pi * 6378137 / 360.
    assert path_length([(0.0, 0.0), (1.0, 0.0)], WGS84) == pytest.approx(2 * math.pi * 6378137 / 360, rel=1e-9)


def test_one_degree_cell_at_the_equator_has_the_known_ellipsoidal_area():
    # Area of the 1°x1° cell [0,1]x[0,1] on WGS84: 12,308.8 km² (from the authalic-latitude formula).
    area = polygon_area([(0, 0), (1, 0), (1, 1), (0, 1)], WGS84)
    assert area / 1e6 == pytest.approx(12_308.8, rel=1e-4)


def test_planar_lengths_and_areas_in_metres():
    triangle = [(0, 0), (300, 0), (300, 400)]
    assert path_length(triangle, UTM49) == pytest.approx(700.0)
    assert polygon_area(triangle, UTM49) == pytest.approx(60_000.0)
    assert polygon_perimeter(triangle, UTM49) == pytest.approx(1200.0)


def test_feet_crs_reports_metres():
    assert path_length([(0, 0), (1000, 0)], US_FEET) == pytest.approx(1000 * 1200 / 3937, rel=1e-9)
    assert polygon_area([(0, 0), (1000, 0), (1000, 1000), (0, 1000)], US_FEET) == pytest.approx(
        (1000 * 1200 / 3937) ** 2, rel=1e-9)


def test_formats():
    assert format_length(850.25) == "850.2 m" or format_length(850.25) == "850.3 m"
    assert format_length(12_480) == "12.48 km"
    assert format_area(1250) == "1,250 m²"
    assert format_area(34_000) == "3.40 ha"
    assert format_area(12_500_000) == "12.500 km²"
