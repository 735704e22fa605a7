"""tools.gcj02_to_wgs84 against the published GCJ-02 reference pairs of googollee/eviltransform
(``python/test.py``: Shanghai, Shenzhen, Beijing; see tests/model/test_gcj02.py)."""

from __future__ import annotations

import geopandas as gpd
import pyproj
import pytest
import shapely

from layers import VectorLayer
from plugins.api import Context, ParameterError
from plugins.runner import run_algorithm

GEOD = pyproj.Geod(ellps="WGS84")
# name, wgs lon, wgs lat, gcj lon, gcj lat
PAIRS = [("Shanghai", 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
         ("Shenzhen", 113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
         ("Beijing", 116.377817, 39.911954, 116.38404722455657, 39.91334545536069)]


def _layer(crs: str) -> VectorLayer:
    names = [p[0] for p in PAIRS] + ["Paris"]
    points = [shapely.Point(p[3], p[4]) for p in PAIRS] + [shapely.Point(2.35, 48.85)]
    gdf = gpd.GeoDataFrame({"name": names}, geometry=points, crs="EPSG:4326").to_crs(crs)
    return VectorLayer(gdf, "poles from an AutoNavi export")


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857"])
def test_points_land_on_the_wgs84_references_and_points_abroad_stay(crs):
    result = run_algorithm("tools.gcj02_to_wgs84", {"input": _layer(crs)}, Context(crs="EPSG:32649"))
    out = result.outputs["output"].gdf
    assert out.crs == pyproj.CRS(crs) and list(out["name"]) == ["Shanghai", "Shenzhen", "Beijing", "Paris"]
    wgs = out.to_crs(4326)
    for (_, lon, lat, _, _), point in zip(PAIRS, wgs.geometry[:3], strict=True):
        assert GEOD.inv(point.x, point.y, lon, lat)[2] < 0.01
    assert wgs.geometry[3].distance(shapely.Point(2.35, 48.85)) < 1e-9
    assert result.summary["moved"] == 3 and 400 < result.summary["largest_shift_m"] < 800


def test_a_layer_without_a_crs_is_refused_by_name():
    layer = VectorLayer(gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(113.3, 23.1)]), "unplaced")
    with pytest.raises(ParameterError, match="unplaced.*no coordinate system"):
        run_algorithm("tools.gcj02_to_wgs84", {"input": layer}, Context(crs="EPSG:32649"))
