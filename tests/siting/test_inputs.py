"""Eligible candidates and weighted demand from GIS layers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from layers.errors import LayerError
from layers.layer import RasterLayer, VectorLayer
from plugins.siting.candidates import CandidateRules, eligible_candidates
from plugins.siting.demand import near_features, raster_demand, vector_demand

CRS = "EPSG:32649"


def poles_layer() -> VectorLayer:
    gdf = gpd.GeoDataFrame({
        "pole_id": ["A", "B", "C", "D", "E", "F", "G", "H"],
        "height_m": [10.0, 4.0, 12.0, 10.0, 10.0, 35.0, 10.0, 10.0],
        "has_power": [True, True, False, True, True, True, True, True],
        "attachments": ["", "", "cctv", "cctv,wifi", "5g", "", "", ""],
        "capacity": [4, 4, 4, 2, 4, 4, 4, 4],
        "status": ["active", "active", "active", "active", "active", "active", "faulty", "planned"],
    }, geometry=shapely.points(np.arange(8) * 100.0, np.zeros(8)), crs=CRS)
    return VectorLayer(gdf, "poles", kind="lamp_poles")


def test_each_exclusion_reason_is_counted_and_costs_follow_power():
    candidates = eligible_candidates(poles_layer(), CandidateRules(min_height_m=6, max_height_m=30))
    assert candidates.ids.tolist() == ["A", "C"]
    assert candidates.excluded == {"out of service": 2, "too low": 1, "too high": 1, "carries 5G already": 1,
                                   "no free attachment slot": 1}
    assert candidates.cost.tolist() == [1.0, 1.5]
    powered = eligible_candidates(poles_layer(), CandidateRules(require_power=True, include_planned=True))
    assert powered.ids.tolist() == ["A", "H"] and powered.excluded["no power"] == 1


def test_keep_out_buffer_removes_poles_near_schools():
    school = VectorLayer(gpd.GeoDataFrame({"name": ["S"]}, geometry=[shapely.Point(10.0, 30.0)], crs=CRS), "schools")
    candidates = eligible_candidates(poles_layer(), CandidateRules(keepouts=((school, 50.0),)))
    assert candidates.ids.tolist() == ["C"]
    assert candidates.excluded["within 50 m of schools"] == 1


def test_cost_field_must_be_positive_and_names_the_field():
    layer = poles_layer()
    layer.gdf["capex"] = [5.0, 1, 2, 3, 4, 5, -1, 0]
    with pytest.raises(LayerError, match="capex"):
        eligible_candidates(layer, CandidateRules(cost_field="capex"))


def test_polygon_demand_is_sampled_and_keeps_its_total():
    cells = [shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100), shapely.box(0, 0, 3, 3).buffer(0)]
    gdf = gpd.GeoDataFrame({"residents": [100.0, 0.0, 7.0], "workers": [60.0, 40.0, 0.0]}, geometry=cells, crs=CRS)
    demand = vector_demand(VectorLayer(gdf, "demand", kind="demand"), spacing_m=25.0)
    assert demand.measure == "residents+workers"
    assert np.bincount(demand.feature, weights=demand.weight).tolist() == pytest.approx([160.0, 40.0, 7.0])
    assert np.bincount(demand.feature).tolist() == [16, 16, 1]   # a polygon smaller than the grid gets one point
    inside = shapely.contains_xy(np.array(cells, dtype=object)[demand.feature], demand.xy[:, 0], demand.xy[:, 1])
    assert inside.all()


def test_buildings_weigh_by_floor_area_and_points_by_a_field():
    footprint = shapely.box(0, 0, 10, 20)
    buildings = gpd.GeoDataFrame({"height_m": [30.0], "levels": [10]}, geometry=[footprint], crs=CRS)
    demand = vector_demand(VectorLayer(buildings, "b", kind="buildings"), spacing_m=100.0)
    assert demand.weight.sum() == pytest.approx(200.0 * 10)
    points = gpd.GeoDataFrame({"staff": [3.0, np.nan]}, geometry=shapely.points([[0, 0], [5, 5]]), crs=CRS)
    demand = vector_demand(VectorLayer(points, "p"), weight_field="staff")
    assert demand.weight.tolist() == [3.0, 0.0]
    points["staff"] = [-1.0, 2.0]
    with pytest.raises(LayerError, match="negative"):
        vector_demand(VectorLayer(points, "p"), weight_field="staff")


def test_raster_cells_become_weighted_points_at_their_centres():
    data = np.array([[0.0, 5.0], [2.0, 0.0]], np.float32)
    layer = RasterLayer(data, Affine(10, 0, 1000, 0, -10, 2000), CRS, name="pop")
    demand = raster_demand(layer)
    assert demand.weight.tolist() == [5.0, 2.0]
    assert demand.xy.tolist() == [[1015.0, 1995.0], [1005.0, 1985.0]]


def test_near_features_uses_distance_to_the_shape():
    layer = VectorLayer(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], crs=CRS), "school")
    mask = near_features(np.array([[5.0, 5.0], [15.0, 5.0], [25.0, 5.0]]), layer, 10.0)
    assert mask.tolist() == [True, True, False]
