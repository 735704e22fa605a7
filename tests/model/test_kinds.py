"""The municipal schema: what validation fixes (and says), and the one message for what it cannot fix."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers import LayerError
from layers.building_heights import STOREY_HEIGHT_M
from layers.io import open_layers
from layers.kinds import detect_kind, validate


def _points(n: int) -> list[shapely.Point]:
    return [shapely.Point(500000 + 10 * i, 2557000) for i in range(n)]


def test_one_message_names_file_layer_and_every_bad_field(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text(
        "pole_id,lon,lat,height_m,has_power,status,attachments,capacity\n"
        "P1,113.325,23.12,tall,yes,active,cctv,4\n"
        "P2,113.326,23.12,11,maybe,broken,\"wifi,laser\",2.5\n"
        "P3,113.327,23.12,9,no,planned,,3\n", encoding="utf-8")
    with pytest.raises(LayerError) as error:
        open_layers(path, kind="lamp_poles")
    message = str(error.value)
    assert message.startswith(f"{path}: layer 'poles': does not fit kind 'lamp_poles' (5 problems):")
    for expected in ("height_m: 1 values are not numbers ('tall') in features #1",
                     "has_power: 1 values are not yes/no ('maybe') in features #2",
                     "status: 1 values are not one of active, faulty, planned, removed ('broken') in features #2",
                     "attachments: 1 values list unknown items ('wifi,laser') in features #2",
                     "capacity: 1 values are not whole numbers ('2.5') in features #2"):
        assert expected in message
    assert message.count("\n- ") == 5


def test_a_guessed_kind_that_does_not_fit_loads_without_it_and_says_why(tmp_path):
    path = tmp_path / "street_lamps.csv"
    path.write_text("lon,lat,height_m\n113.325,23.12,9\n", encoding="utf-8")
    layer, = open_layers(path)
    assert layer.kind is None
    assert any("looks like a 'lamp_poles' layer but was loaded without that kind" in n and "pole_id" in n
               for n in layer.notes)


def test_levels_become_height_and_text_numbers_become_floats():
    gdf = gpd.GeoDataFrame({"levels": ["4", "10", "3"], "height_m": ["12", None, " 7.5 "]},
                           geometry=[shapely.box(0, 0, 10, 10)] * 3, crs=32649)
    fixed, notes = validate(gdf, "buildings", source="b.gpkg", layer="b")
    assert fixed["height_m"].tolist() == [12.0, 10 * STOREY_HEIGHT_M, 7.5]
    assert fixed["height_m"].dtype == np.float64 and fixed["levels"].tolist() == [4, 10, 3]
    assert fixed["height_source"].tolist() == ["height", "levels", "height"]
    assert ("height_m of 3 buildings: 2 from the data, 1 from storeys × 3 m, 0 from the building type, 0 set to "
            "the default 10 m (see the height_source field)") in notes
    assert "height_m: 2 text values converted to numbers" in notes
    assert gdf["height_m"].iloc[2] == " 7.5 "  # the caller's frame is left alone


def test_levels_without_any_height_column():
    gdf = gpd.GeoDataFrame({"levels": [2, 5]}, geometry=[shapely.box(0, 0, 10, 10)] * 2, crs=32649)
    fixed, _ = validate(gdf, "buildings")
    assert fixed["height_m"].tolist() == [6.0, 15.0]


def test_missing_required_field_lists_the_fields_there_are():
    gdf = gpd.GeoDataFrame({"name": ["x"], "floors": [3]}, geometry=_points(1), crs=32649)
    with pytest.raises(LayerError, match=r"p\.shp: layer 'p': does not fit kind 'lamp_poles' \(1 problem\):\n"
                                         r"- missing required field 'pole_id'; the fields are: name, floors"):
        validate(gdf, "lamp_poles", source="p.shp", layer="p")


def test_buildings_without_heights_are_estimated_from_storeys_type_then_default():
    """OSM-like buildings: most have no height; each rule of layers.building_heights is used and recorded."""
    gdf = gpd.GeoDataFrame({"building": ["apartments", "house", "yes", "住宅", "shed"],
                            "levels": [None, 3, None, None, None],
                            "height_m": [None, None, None, None, 4.5]},
                           geometry=[shapely.box(0, 0, 10, 10)] * 5, crs=32649)
    fixed, notes = validate(gdf, "buildings")
    assert fixed["height_m"].tolist() == [24.0, 9.0, 10.0, 24.0, 4.5]
    assert fixed["height_source"].tolist() == ["type", "levels", "default", "type", "height"]
    assert any("2 from the building type, 1 set to the default 10 m" in note for note in notes)


def test_unreadable_building_height_is_reported_not_estimated():
    gdf = gpd.GeoDataFrame({"height_m": ["tall", None]}, geometry=[shapely.box(0, 0, 1, 1)] * 2, crs=32649)
    with pytest.raises(LayerError, match=r"height_m: 1 values are not numbers \('tall'\) in features #1"):
        validate(gdf, "buildings")


def test_wrong_geometry_and_unknown_kind():
    lines = gpd.GeoDataFrame({"pole_id": ["a", "b"]}, geometry=[shapely.LineString([(0, 0), (1, 1)]),
                                                               shapely.Point(0, 0)], crs=32649)
    with pytest.raises(LayerError, match=r"has 1 line features; a 'lamp_poles' layer must hold points \(features #1\)"):
        validate(lines, "lamp_poles")
    with pytest.raises(LayerError, match="unknown layer kind 'poles'; known kinds: lamp_poles, sites_5g"):
        validate(lines, "poles")


def test_defaults_fill_missing_fields_with_proper_types():
    gdf = gpd.GeoDataFrame({"pole_id": [12.0, 13.0]}, geometry=_points(2), crs=32649)
    fixed, notes = validate(gdf, "lamp_poles")
    assert fixed["pole_id"].tolist() == ["12", "13"]  # ids stored as floats read back as text
    assert fixed["height_m"].tolist() == [10.0, 10.0]
    assert fixed["has_power"].dtype == bool and fixed["has_power"].tolist() == [True, True]
    assert fixed["capacity"].dtype == np.int64 and fixed["capacity"].tolist() == [4, 4]
    assert fixed["road_id"].tolist() == [None, None]
    assert "height_m: field missing; filled with default 10 m" in notes


def test_demand_needs_residents_or_workers():
    gdf = gpd.GeoDataFrame({"workers": [120.0]}, geometry=[shapely.box(0, 0, 100, 100)], crs=32649)
    fixed, notes = validate(gdf, "demand")
    assert fixed["residents"].tolist() == [0.0] and "residents: field missing; set to 0" in notes
    empty = gpd.GeoDataFrame({"jobs": [1.0]}, geometry=[shapely.box(0, 0, 1, 1)], crs=32649)
    with pytest.raises(LayerError, match="needs at least one of the fields residents, workers"):
        validate(empty, "demand")


def test_invalid_polygons_are_repaired_with_a_note():
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    gdf = gpd.GeoDataFrame({"height_m": [10.0]}, geometry=[bowtie], crs=32649)
    fixed, notes = validate(gdf, "buildings")
    assert fixed.geometry.is_valid.all() and fixed.geometry.area.iloc[0] == pytest.approx(50.0)
    assert "repaired 1 invalid geometries (features #1)" in notes


def test_read_only_and_string_dtype_columns_validate():
    """pandas 3 hands out read-only arrays (copy-on-write) and a 'str' dtype; validation must not write to them."""
    heights = np.array([12.0, np.nan, 30.0])
    heights.flags.writeable = False
    levels = np.array([4, 6, 10])
    levels.flags.writeable = False
    gdf = gpd.GeoDataFrame({"height_m": heights, "levels": levels,
                            "name": pd.array(["a", None, "c"], dtype="str")},
                           geometry=[shapely.box(0, 0, 1, 1)] * 3, crs=32649)
    fixed, _ = validate(gdf, "buildings")
    assert fixed["height_m"].tolist() == [12.0, 18.0, 30.0]
    poles = gpd.GeoDataFrame({"pole_id": pd.array(["p1", "p2", None], dtype="str"),
                              "status": pd.array(["Active", None, "PLANNED"], dtype="str")},
                             geometry=_points(3), crs=32649)
    fixed, notes = validate(poles, "lamp_poles")
    assert fixed["status"].tolist() == ["active", "active", "planned"]
    assert fixed["pole_id"].tolist() == ["p1", "p2", None] and "pole_id: 1 features have no value" in notes


@pytest.mark.parametrize(("name", "columns", "kind"), [
    ("Street Lamps 2024", ["id"], "lamp_poles"),
    ("tianhe_路灯", [], "lamp_poles"),
    ("export", ["site_id", "operator"], "sites_5g"),
    ("buildings", ["site_id"], None),  # name and columns disagree: no guess
    ("layer1", ["id"], None),
])
def test_detect_kind_is_conservative(name, columns, kind):
    assert detect_kind(name, columns) == kind
