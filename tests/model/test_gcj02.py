"""GCJ-02 <-> WGS84 against reference pairs published with two independent open implementations.

Reference pairs (WGS84 -> GCJ-02):
- googollee/eviltransform, ``go/transform_test.go`` and ``python/test.py`` (MIT licence): Shanghai, Shenzhen and
  Beijing, given to 14+ decimals; their own tests compare at 1e-6 degrees.
- hujiulong/gcoord, ``test/unit/crs/WGS84.spec.js`` and ``GCJ02.spec.js`` (MIT licence): (123, 45) both ways,
  given to 8 decimals and compared at 1e-5 degrees; and (183, 45), outside China, unchanged.
The inverse is checked by the ground distance to the WGS84 reference (pyproj's geodesic on WGS84).
"""

import numpy as np
import pyproj
import pytest

from layers.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

GEOD = pyproj.Geod(ellps="WGS84")
# (wgs lat, wgs lon, gcj lat, gcj lon) from eviltransform
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM)
def test_forward_matches_eviltransform(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert lon == pytest.approx(gcj_lon, abs=1e-9) and lat == pytest.approx(gcj_lat, abs=1e-9)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM)
def test_inverse_lands_within_a_millimetre_of_the_reference(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert GEOD.inv(lon, lat, wgs_lon, wgs_lat)[2] < 0.001


def test_matches_gcoord_both_ways_and_leaves_points_abroad_alone():
    assert wgs84_to_gcj02(123.0, 45.0) == pytest.approx((123.00607541, 45.00197815), abs=1e-8)
    # gcoord's inverse stops iterating earlier (its own test compares at 1e-5 degrees): agree within 5 cm.
    assert GEOD.inv(*gcj02_to_wgs84(123.0, 45.0), 122.99395597, 44.99804071)[2] < 0.05
    assert wgs84_to_gcj02(183.0, 45.0) == (183.0, 45.0)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)  # Paris


def test_round_trip_over_guangzhou_is_below_a_metre_and_the_offset_is_as_documented():
    lon, lat = np.meshgrid(np.linspace(113.1, 113.7, 31), np.linspace(22.6, 23.6, 31))
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert back_lon.shape == lon.shape
    assert GEOD.inv(back_lon, back_lat, lon, lat)[2].max() < 1.0
    shift = GEOD.inv(lon, lat, g_lon, g_lat)[2]
    assert shift.min() > 300 and shift.max() < 700
