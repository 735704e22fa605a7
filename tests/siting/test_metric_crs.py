"""Metric analyses measure true metres whatever CRS their inputs and the project are in (issue 12).

The same MCLP on the Tianhe sample in UTM 49N, Web Mercator and WGS84 must give the same objective: Web Mercator's
"metres" are 8.7 % short in Guangzhou, so measuring in them shrinks a 150 m radius to 138 m (7.6 % less demand
covered on this subset before the fix). A buffer made in a Web Mercator project must have its true radius,
checked against the geodesic area on the ellipsoid (pyproj.Geod), not against the planar one.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from layers.io import open_layers
from layers.layer import VectorLayer
from plugins.api import AlgorithmError, Context
from plugins.runner import run_algorithm

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.gpkg"
LOCAL_UTM = "EPSG:32649"


@pytest.fixture(scope="module")
def tianhe_subset() -> tuple[VectorLayer, VectorLayer]:
    """The sample's poles and demand cells in a 900 m square at its centre (216 poles, 100 cells), EPSG:32649."""
    if not SAMPLE.exists():
        pytest.skip("the Tianhe sample has not been generated")
    poles = open_layers(SAMPLE, layer="lamp_poles")[0]
    demand = open_layers(SAMPLE, layer="demand")[0]
    x0, y0, x1, y1 = poles.extent
    box = shapely.box((x0 + x1) / 2 - 450, (y0 + y1) / 2 - 450, (x0 + x1) / 2 + 450, (y0 + y1) / 2 + 450)
    return (VectorLayer(poles.gdf[poles.gdf.intersects(box)].reset_index(drop=True), "poles", kind="lamp_poles"),
            VectorLayer(demand.gdf[demand.gdf.intersects(box)].reset_index(drop=True), "demand", kind="demand"))


def _mclp(poles: VectorLayer, demand: VectorLayer, crs: str):
    """The project (context) and both layers in ``crs``, as a planner whose files all came in it would run it."""
    return run_algorithm("siting.mclp", {"candidates": poles.to_crs(crs), "demand": demand.to_crs(crs), "sites": 8,
                                         "radius": 150, "method": "exact"}, Context(crs=crs))


def test_the_same_mclp_in_utm_web_mercator_and_wgs84_gives_the_same_objective(tianhe_subset):
    poles, demand = tianhe_subset
    reference = _mclp(poles, demand, LOCAL_UTM)
    assert reference.summary["status"] == "optimal"
    assert reference.record["log"][0] == "Distances measured in EPSG:32649 (WGS 84 / UTM zone 49N)"
    for crs in ("EPSG:3857", "EPSG:4326"):
        result = _mclp(poles, demand, crs)
        assert result.summary["status"] == "optimal"
        assert result.summary["covered_demand"] == pytest.approx(reference.summary["covered_demand"], rel=0.005)
        note = result.record["log"][0]
        assert note.startswith("Distances measured in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)")
        assert f"inputs in {crs}" in note and f"not measured in {crs}" in note
        # Vector outputs are written back in the CRS the run was asked for (the project's).
        sites = result.outputs["selected_sites"]
        assert sites.crs == pyproj.CRS.from_user_input(crs) and len(sites) == 8


def test_a_buffer_in_web_mercator_has_its_true_radius(tianhe_subset):
    radius, segments = 150.0, 16
    # A 64-gon inscribed in a circle of radius r has area 32 sin(pi/32) r^2 (0.16 % under pi r^2).
    expected = 2 * segments * math.sin(math.pi / (2 * segments)) * radius ** 2
    geod = pyproj.Geod(ellps="WGS84")
    for lon, lat in ((113.33, 23.13), (11.58, 50.0)):  # Guangzhou; 50° N where Mercator's metres are 36 % short
        points = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(lon, lat)], crs=4326).to_crs(3857)
        result = run_algorithm("tools.buffer", {"input": VectorLayer(points, "sites"), "distance": radius,
                                                "segments": segments}, Context(crs="EPSG:3857"))
        zone = result.outputs["output"]
        assert zone.crs.to_epsg() == 3857  # written back in the project CRS
        polygon = zone.gdf.to_crs(4326).geometry.iloc[0]
        area, _ = geod.geometry_area_perimeter(polygon)
        assert abs(area) == pytest.approx(expected, rel=0.005)
        assert result.summary["total_area_m2"] == pytest.approx(expected, rel=0.001)


def test_nearest_distance_in_wgs84_is_the_geodesic_distance():
    geod = pyproj.Geod(ellps="WGS84")
    origin = (11.58, 48.14)
    lon, lat, _ = geod.fwd(origin[0], origin[1], 60.0, 437.0)  # a target 437 m away, north-east
    source = VectorLayer(gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(origin)], crs=4326), "offices")
    target = VectorLayer(gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(lon, lat)], crs=4326), "schools")
    result = run_algorithm("tools.nearest", {"input": source, "target": target}, Context(crs="EPSG:4326"))
    assert result.outputs["output"].gdf["nearest_m"].iloc[0] == pytest.approx(437.0, rel=0.001)
    assert result.outputs["output"].crs.to_epsg() == 4326
    assert any("Distances measured in EPSG:32632" in line for line in result.record["log"])


def test_a_direct_call_with_web_mercator_is_refused_naming_the_layer(tianhe_subset):
    from plugins.siting.algorithm import MaximalCovering

    poles, demand = tianhe_subset
    params = MaximalCovering().validate_parameters({"candidates": poles, "demand": demand}, Context())
    params["candidates"] = poles.to_crs(3857)  # bypassing the parameters, as a notebook might
    with pytest.raises(AlgorithmError, match="'poles'.*Mercator.*EPSG:4547"):
        MaximalCovering().prepare(params, Context(), _silent())


def _silent():
    from plugins.api import Feedback

    return Feedback()


def test_coverage_in_a_web_mercator_project_reaches_its_true_radius():
    """The coverage raster is made in the local metric CRS (warping it back would resample the values): its cells
    are 5 true metres and the farthest covered cell lies at the 200 m maximum radius on the ellipsoid."""
    site = gpd.GeoDataFrame({"pole_id": ["P1"], "height_m": [10.0]}, geometry=[shapely.Point(113.33, 23.13)],
                            crs=4326).to_crs(3857)
    result = run_algorithm("coverage.rsrp", {"transmitters": VectorLayer(site, "poles", kind="lamp_poles"),
                                             "max_radius": 200, "resolution": 5, "threshold_dbm": -160},
                           Context(crs="EPSG:3857", workers=1))
    rsrp = result.outputs["rsrp"]
    assert rsrp.crs.to_epsg() == 4547 and rsrp.res == pytest.approx((5.0, 5.0))
    assert any(line.startswith("Distances measured in EPSG:4547") for line in result.record["log"])
    band = rsrp.band(1)
    rows, cols = np.nonzero(~np.ma.getmaskarray(band))
    t = rsrp.transform
    xs, ys = t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e
    lon, lat = pyproj.Transformer.from_crs(4547, 4326, always_xy=True).transform(xs, ys)
    _, _, distance = pyproj.Geod(ellps="WGS84").inv(np.full(lon.size, 113.33), np.full(lat.size, 23.13), lon, lat)
    assert 195.0 <= distance.max() <= 200.0 + 5.0 * math.sqrt(2)


def test_a_context_used_for_several_runs_measures_each_run_where_its_data_lies():
    context = Context(crs="EPSG:4326")
    for (lon, lat), epsg in (((113.33, 23.13), 4547), ((11.58, 48.14), 32632)):
        points = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(lon, lat)], crs=4326)
        result = run_algorithm("tools.buffer", {"input": VectorLayer(points, "sites"), "distance": 50}, context)
        assert result.record["crs"] == f"EPSG:{epsg}" and result.outputs["output"].crs.to_epsg() == 4326
    assert context.crs.to_epsg() == 4326 and context.measuring is None  # the caller's context is left as it was
