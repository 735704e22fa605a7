"""Where things stand: poles on kerbs and never in buildings, buildings off roads, water and parks, and apart."""

from __future__ import annotations

import numpy as np
import shapely


def _pairs(left: np.ndarray, right: np.ndarray, predicate: str = "intersects") -> tuple[np.ndarray, np.ndarray]:
    return shapely.STRtree(right).query(left, predicate=predicate)


def test_every_pole_stands_on_the_kerb_of_its_own_road(frames):
    poles, roads = frames["lamp_poles"], frames["roads"].set_index("road_id")
    own = roads.loc[poles["road_id"]]
    distance = shapely.distance(poles.geometry.to_numpy(), own.geometry.to_numpy())
    np.testing.assert_allclose(distance, own["width_m"].to_numpy() / 2, atol=1.0)


def test_no_pole_stands_inside_a_building_or_on_another_carriageway(frames):
    poles, buildings, roads = frames["lamp_poles"], frames["buildings"], frames["roads"]
    assert len(_pairs(poles.geometry.to_numpy(), buildings.geometry.to_numpy())[0]) == 0
    carriageways = shapely.buffer(roads.geometry.to_numpy(), roads["width_m"].to_numpy() / 2 - 0.5)
    pole_index, road_index = _pairs(poles.geometry.to_numpy(), carriageways)
    assert len(pole_index) == 0


def test_poles_alternate_sides_every_25_to_40_m(frames):
    poles, roads = frames["lamp_poles"], frames["roads"].set_index("road_id")
    gaps, alternations = [], []
    for road_id, group in poles.groupby("road_id"):
        line = roads.loc[road_id].geometry
        along = shapely.line_locate_point(line, group.geometry.to_numpy())
        order = np.argsort(along)
        points = shapely.get_coordinates(group.geometry.to_numpy())[order]
        base = shapely.get_coordinates(shapely.line_interpolate_point(line, along[order]))
        ahead = shapely.get_coordinates(shapely.line_interpolate_point(line, along[order] + 0.5))
        tangent, offset = ahead - base, points - base
        side = np.sign(tangent[:, 0] * offset[:, 1] - tangent[:, 1] * offset[:, 0])
        gaps.append(np.diff(along[order]))
        alternations.append(side[1:] != side[:-1])
    gaps, alternations = np.concatenate(gaps), np.concatenate(alternations)
    assert gaps.min() >= 24.0
    assert 25 <= np.median(gaps) <= 40
    assert alternations.mean() > 0.8


def test_buildings_stay_off_roads_water_and_parks_and_do_not_overlap(frames):
    buildings = frames["buildings"].geometry.to_numpy()
    roads = frames["roads"]
    carriageways = shapely.buffer(roads.geometry.to_numpy(), roads["width_m"].to_numpy() / 2)
    assert len(_pairs(buildings, carriageways)[0]) == 0
    assert len(_pairs(buildings, frames["water"].geometry.to_numpy())[0]) == 0
    assert len(_pairs(buildings, frames["green"].geometry.to_numpy())[0]) == 0
    left, right = _pairs(buildings, buildings)
    different = left != right
    overlap = shapely.area(shapely.intersection(buildings[left[different]], buildings[right[different]]))
    assert overlap.max(initial=0.0) < 0.01
    assert shapely.is_valid(buildings).all()


def test_schools_offices_and_sites_sit_in_the_right_buildings(frames):
    buildings = frames["buildings"]
    footprints = buildings.geometry.to_numpy()
    for layer, uses in (("schools", {"school"}), ("office_space", {"office"}), ("sites_5g", None)):
        points = frames[layer].geometry.to_numpy()
        point_index, building_index = _pairs(points, footprints, "within")
        assert np.array_equal(np.sort(point_index), np.arange(len(points))), layer
        if uses:
            assert set(buildings["use"].to_numpy()[building_index]) == uses, layer
    sites = frames["sites_5g"]
    site_index, roof_index = _pairs(sites.geometry.to_numpy(), footprints, "within")
    mast = sites["height_m"].to_numpy()[site_index] - buildings["height_m"].to_numpy()[roof_index]
    assert ((mast >= 3) & (mast <= 8)).all()


def test_roads_have_a_green_axis_crossing_north_south_between_them(frames):
    green = frames["green"]
    axis = green[green["name"] == "Huacheng Square"].geometry.union_all()
    minx, miny, maxx, maxy = axis.bounds
    assert maxy - miny > 1500 and maxx - minx < 400
    arterials = frames["roads"].query("road_class == 'arterial'")
    assert {"Huangpu Avenue West", "Huacheng Avenue", "Zhujiang East Road", "Zhujiang West Road",
            "Linjiang Avenue", "Tianhe Road"} <= set(arterials["name"])
