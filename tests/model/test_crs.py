"""The local metric CRS estimate and the true-distance check (layers.crs), and how a new project picks its CRS."""

from __future__ import annotations

import math

import geopandas as gpd
import pyproj
import pytest
import shapely

from layers import Project, VectorLayer
from layers.crs import (
    crs_catalogue,
    distance_problem,
    local_metric_crs,
    measures_true_distances,
    metric_crs_for,
    scale_error,
)

GUANGZHOU = (113.32, 23.13)
MUNICH = (11.58, 48.14)


@pytest.mark.parametrize(("lon", "lat", "epsg"), [
    (*GUANGZHOU, 4547),        # CGCS2000 / 3-degree Gauss-Kruger CM 114E
    (116.40, 39.90, 4548),     # Beijing: CM 117E
    (104.07, 30.67, 4544),     # Chengdu: CM 105E
    (*MUNICH, 32632),          # UTM 32N
    (-74.0, 40.7, 32618),      # New York: UTM 18N
    (151.21, -33.87, 32756),   # Sydney: UTM 56S
    (-43.2, -22.9, 32723),     # Rio de Janeiro: UTM 23S
    (126.98, 37.57, 32652),    # Seoul lies in the China box but outside CGCS2000's area: UTM 52N
])
def test_local_metric_crs(lon, lat, epsg):
    crs = local_metric_crs(lon, lat)
    assert crs.to_epsg() == epsg
    assert crs.is_projected and measures_true_distances(crs, [(lon, lat)])


def test_the_cgcs2000_codes_chosen_have_no_zone_prefix_and_their_meridian_is_the_nearest():
    for lon in (75.2, 88.9, 113.32, 120.1, 134.0):
        crs = local_metric_crs(lon, 40.0 if lon < 80 else 30.0 if lon < 130 else 47.0)
        params = {p.name: p.value for p in crs.coordinate_operation.params}
        assert params["False easting"] == 500_000.0  # the "CM" codes, not the zone-prefixed ones
        assert abs(params["Longitude of natural origin"] - lon) <= 1.5
        assert "CGCS2000 / 3-degree Gauss-Kruger CM" in crs.name


@pytest.mark.parametrize("lat", [23.13, 50.0])
def test_web_mercator_is_refused_and_its_error_is_at_least_its_parallel_scale(lat):
    mercator = pyproj.CRS.from_epsg(3857)
    # The parallel scale of any Mercator is 1/cos(latitude): +8.7 % at Guangzhou, +56 % at 50° N.
    assert scale_error(mercator, 113.0, lat) >= 1 / math.cos(math.radians(lat)) - 1 - 1e-6
    assert "Mercator" in distance_problem(mercator, [(113.0, lat)])
    assert not measures_true_distances(mercator, [(113.0, lat)])


def test_the_scale_check_agrees_with_proj_factors_for_transverse_mercator():
    for epsg, (lon, lat) in ((32649, GUANGZHOU), (4547, GUANGZHOU), (32632, MUNICH), (32632, (6.1, 48.1))):
        crs = pyproj.CRS.from_epsg(epsg)
        factors = pyproj.Proj(crs).get_factors(lon, lat)
        expected = max(abs(factors.meridional_scale - 1), abs(factors.parallel_scale - 1))
        assert scale_error(crs, lon, lat) == pytest.approx(expected, abs=2e-6)


def test_degrees_feet_and_far_away_grids_are_refused():
    assert "degrees" in distance_problem(pyproj.CRS.from_epsg(4326), [GUANGZHOU])
    assert "not metres" in distance_problem(pyproj.CRS.from_epsg(2263), [(-73.95, 40.75)])  # NY Long Island ftUS
    far = distance_problem(pyproj.CRS.from_epsg(32632), [GUANGZHOU])  # UTM 32N is 100° away
    assert "distorts distances" in far
    assert measures_true_distances(pyproj.CRS.from_epsg(32649), [GUANGZHOU])


def test_metric_crs_for_keeps_a_local_grid_and_replaces_degrees_and_mercator():
    utm = pyproj.CRS.from_epsg(32649)
    assert metric_crs_for((736_000, 2_557_000, 740_000, 2_560_000), utm) == utm
    assert metric_crs_for((113.2, 23.0, 113.4, 23.2), pyproj.CRS.from_epsg(4326)).to_epsg() == 4547
    x, y = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(*MUNICH)
    assert metric_crs_for((x - 500, y - 500, x + 500, y + 500), pyproj.CRS.from_epsg(3857)).to_epsg() == 32632


def _points(coords, crs) -> VectorLayer:
    return VectorLayer(gpd.GeoDataFrame({"n": range(len(coords))}, geometry=shapely.points(coords), crs=crs), "pts")


def test_a_new_project_takes_a_local_metric_crs_from_its_first_data():
    wgs = Project()
    wgs.add_layer(_points([GUANGZHOU, (113.33, 23.14)], 4326))
    assert wgs.crs.to_epsg() == 4547  # not the layer's EPSG:4326
    mercator = Project()
    layer = _points([GUANGZHOU], 4326).to_crs(3857)
    mercator.add_layer(layer)
    assert mercator.crs.to_epsg() == 4547
    local = Project()
    local.add_layer(_points([(737_000.0, 2_558_000.0)], 32649))
    assert local.crs.to_epsg() == 32649  # a metric layer's own CRS is adopted
    waiting = Project()
    waiting.add_layer(VectorLayer(gpd.GeoDataFrame({"n": []}, geometry=[], crs=4326), "empty"))
    assert waiting.crs is None  # no data to locate: the next layer decides
    waiting.add_layer(_points([MUNICH], 4326))
    assert waiting.crs.to_epsg() == 32632
    chosen = Project(3857)  # an explicit choice stays
    chosen.add_layer(_points([GUANGZHOU], 4326))
    assert chosen.crs.to_epsg() == 3857


def test_the_catalogue_holds_projected_and_geographic_crs_by_code():
    entries = {entry.code: entry for entry in crs_catalogue()}
    assert entries["EPSG:4547"].name == "CGCS2000 / 3-degree Gauss-Kruger CM 114E" and entries["EPSG:4547"].projected
    assert not entries["EPSG:4326"].projected and "EPSG:32632" in entries
    assert "EPSG:4979" not in entries  # 3-D geographic CRSs are not project CRSs
