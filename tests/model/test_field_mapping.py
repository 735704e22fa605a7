"""Field mappings: a municipal GeoPackage with Chinese field names becomes a valid lamp_poles layer.

The expected values are written out here from the source table (a dict per value map, arithmetic for
expressions), independently of the suggestion tables in ``layers.field_suggestions``.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.errors import LayerError
from layers.field_mapping import (
    CONSTANT,
    EXPRESSION,
    FIELD,
    FORMAT_VERSION,
    FieldMapping,
    FieldSource,
    load_mapping,
    map_layer,
)
from layers.field_suggestions import guess_kind, normalise, suggest_mapping
from layers.io import open_layers
from layers.layer import VectorLayer

STATUS = ["在用", "规划", "故障", "在用", "拆除", "正常"]
POWER = ["有", "无", "是", "否", "有", "有"]
EXPECTED_STATUS = {"在用": "active", "正常": "active", "规划": "planned", "故障": "faulty", "拆除": "removed"}
EXPECTED_POWER = {"有": True, "是": True, "无": False, "否": False}


def municipal_poles() -> gpd.GeoDataFrame:
    """What a city's asset system exports: Chinese names, numbers as text in places, a remark column."""
    return gpd.GeoDataFrame(
        {"杆号": ["TH-001", "TH-002", "TH-003", "TH-004", "TH-005", "TH-006"],
         "杆高": [8.0, 10.5, 12.0, 9.0, 10.0, 11.5],
         "状态": STATUS,
         "是否有电": POWER,
         "功率(W)": [150.0, 0.0, 200.0, 0.0, 120.0, 90.0],
         "道路编号": ["R1", "R1", "R2", "R2", "R3", "R3"],
         "备注": ["", "新装", "", "", "待检", ""]},
        geometry=gpd.points_from_xy(113.32 + np.arange(6) * 0.001, 23.12 + np.arange(6) * 0.0005), crs=4326)


@pytest.fixture
def poles_gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "城管导出.gpkg"
    municipal_poles().to_file(path, layer="export_202611", driver="GPKG")
    return path


def read_one(path: Path) -> gpd.GeoDataFrame:
    layer, = open_layers(path)
    return layer


def test_reader_alone_loads_the_export_without_a_kind(poles_gpkg: Path):
    assert read_one(poles_gpkg).kind is None   # what the assistant is for


def test_suggestions_map_the_chinese_fields_and_values(poles_gpkg: Path):
    layer = read_one(poles_gpkg)
    suggestion = suggest_mapping(layer.gdf, layer.name)
    mapping = suggestion.mapping
    assert mapping.kind == "lamp_poles"
    assert {target: s.value for target, s in mapping.fields.items()} == {
        "pole_id": "杆号", "height_m": "杆高", "has_power": "是否有电", "power_w": "功率(W)", "road_id": "道路编号",
        "status": "状态"}
    assert all(s.mode == FIELD for s in mapping.fields.values())
    assert mapping.fields["status"].values == {v: EXPECTED_STATUS[v] for v in set(STATUS)}
    assert mapping.fields["has_power"].values == {"有": True, "无": False}   # 是/否 validate reads already
    assert suggestion.confidence["pole_id"] > suggestion.confidence["status"] > 0


def test_applied_suggestion_validates_as_lamp_poles_with_values_converted(poles_gpkg: Path, tmp_path: Path):
    layer = read_one(poles_gpkg)
    saved = suggest_mapping(layer.gdf, layer.name).mapping.save(tmp_path / "poles_map.json")
    poles, = open_layers(poles_gpkg, mapping=saved)
    source = municipal_poles()
    assert poles.kind == "lamp_poles"
    gdf = poles.gdf
    assert list(gdf["pole_id"]) == list(source["杆号"])
    assert np.allclose(gdf["height_m"], source["杆高"])
    assert list(gdf["status"]) == [EXPECTED_STATUS[v] for v in STATUS]
    assert list(gdf["has_power"]) == [EXPECTED_POWER[v] for v in POWER]
    assert np.allclose(gdf["power_w"], source["功率(W)"])
    assert list(gdf["capacity"]) == [4] * 6                      # the kind's default
    assert list(gdf["备注"]) == list(source["备注"])               # other fields kept
    assert "杆号" not in gdf.columns and "状态" not in gdf.columns  # used fields moved to their targets
    assert shapely.equals(gdf.geometry.to_numpy(), source.geometry.to_numpy()).all()
    assert any("poles_map.json" in note for note in poles.notes)
    assert poles.metadata["embed"] and poles.metadata["field_mapping"]["kind"] == "lamp_poles"


def test_json_round_trip(tmp_path: Path):
    mapping = FieldMapping("lamp_poles", {
        "pole_id": FieldSource(FIELD, "杆号"),
        "height_m": FieldSource(EXPRESSION, '"杆高" * 1.0'),
        "capacity": FieldSource(CONSTANT, 6),
        "status": FieldSource(FIELD, "状态", {"在用": "active"})}, others="drop", rename={"备注": "remark"},
        drop=["x"])
    path = mapping.save(tmp_path / "m.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "lamplight-field-mapping" and data["version"] == FORMAT_VERSION
    assert "杆号" in path.read_text(encoding="utf-8")        # readable, not \\u escapes
    assert load_mapping(path) == mapping


def test_expression_and_constant_sources(poles_gpkg: Path):
    mapping = FieldMapping("lamp_poles", {
        "pole_id": FieldSource(EXPRESSION, "'LP-' || \"杆号\""),
        "height_m": FieldSource(EXPRESSION, '"杆高" * 0.5 + 1'),
        "capacity": FieldSource(CONSTANT, 6),
        "road_id": FieldSource(CONSTANT, "R9"),
        "status": FieldSource(CONSTANT, "planned")}, others="drop")
    poles = map_layer(read_one(poles_gpkg), mapping)
    source = municipal_poles()
    assert list(poles.gdf["pole_id"]) == ["LP-" + v for v in source["杆号"]]
    assert np.allclose(poles.gdf["height_m"], source["杆高"] * 0.5 + 1)
    assert list(poles.gdf["capacity"]) == [6] * 6 and set(poles.gdf["road_id"]) == {"R9"}
    assert set(poles.gdf["status"]) == {"planned"}
    kind_fields = {"pole_id", "height_m", "has_power", "power_w", "attachments", "capacity", "road_id", "status"}
    assert set(poles.gdf.columns) == kind_fields | {"geometry"}     # others="drop"


def test_rename_and_drop_other_fields(poles_gpkg: Path):
    mapping = FieldMapping("lamp_poles", {"pole_id": FieldSource(FIELD, "杆号")}, rename={"备注": "remark"},
                           drop=["道路编号"])
    poles = map_layer(read_one(poles_gpkg), mapping)
    assert list(poles.gdf["remark"]) == list(municipal_poles()["备注"])
    assert "道路编号" not in poles.gdf.columns and "备注" not in poles.gdf.columns
    assert "杆高" in poles.gdf.columns            # others="keep": unmapped fields stay


def test_no_kind_mapping_only_renames(poles_gpkg: Path):
    mapping = FieldMapping(None, {"id": FieldSource(FIELD, "杆号")}, others="drop")
    layer = map_layer(read_one(poles_gpkg), mapping)
    assert layer.kind is None and list(layer.gdf.columns) == ["id", "geometry"]


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_missing_source_field_names_mapping_target_source_and_fields(poles_gpkg: Path, tmp_path: Path):
    path = write_json(tmp_path / "poles_map.json", {"format": "lamplight-field-mapping", "version": 1,
                                                    "kind": "lamp_poles", "fields": {"pole_id": {"field": "杆编号"}}})
    with pytest.raises(LayerError) as caught:
        open_layers(poles_gpkg, mapping=path)
    message = str(caught.value)
    assert "城管导出.gpkg" in message and "export_202611" in message
    assert "mapping poles_map.json: pole_id <- field '杆编号': the layer has no such field" in message
    assert "杆号, 杆高, 状态" in message


def test_bad_expression_names_target_and_expression(poles_gpkg: Path):
    mapping = FieldMapping("lamp_poles", {"pole_id": FieldSource(FIELD, "杆号"),
                                          "height_m": FieldSource(EXPRESSION, '"杆高" * ')})
    with pytest.raises(LayerError, match=r"field mapping: height_m <- expression \"杆高\" \*"):
        map_layer(read_one(poles_gpkg), mapping)


def test_values_the_kind_refuses_are_reported_by_field(poles_gpkg: Path):
    mapping = FieldMapping("lamp_poles", {"pole_id": FieldSource(FIELD, "杆号"), "status": FieldSource(FIELD, "状态")})
    with pytest.raises(LayerError, match=r"status: 6 values are not one of .*'在用'"):
        map_layer(read_one(poles_gpkg), mapping)


def test_required_field_left_unmapped_is_reported(poles_gpkg: Path):
    with pytest.raises(LayerError, match="missing required field 'pole_id'"):
        map_layer(read_one(poles_gpkg), FieldMapping("lamp_poles", {}))


def test_rename_of_a_missing_field_is_named(poles_gpkg: Path):
    mapping = FieldMapping(None, {}, rename={"备考": "remark"})
    with pytest.raises(LayerError, match="rename '备考' to 'remark': the layer has no such field"):
        map_layer(read_one(poles_gpkg), mapping)


BASE = {"format": "lamplight-field-mapping", "version": 1, "kind": "lamp_poles", "fields": {}}


@pytest.mark.parametrize(("data", "expected"), [
    ({**BASE, "kind": "lamp_post"}, "unknown kind 'lamp_post'"),
    ({**BASE, "fields": {"pole_Id": {"field": "杆号"}}}, "'pole_Id' is not a field of kind 'lamp_poles'; its fields "
                                                         "are pole_id, height_m"),
    ({**BASE, "version": 7}, "version 7 was written by a newer Lamplight"),
    ({**BASE, "fields": {"pole_id": {"field": "杆号", "constant": 3}}}, "fields/pole_id"),
    ({**BASE, "fields": {"pole_id": {"column": "杆号"}}}, "fields/pole_id"),
    ({**BASE, "format": "qgis"}, "format"),
    ({key: value for key, value in BASE.items() if key != "fields"}, "'fields' is a required property"),
    ([1, 2], "the top level"),
])
def test_bad_mapping_files_are_refused_naming_the_file(tmp_path: Path, data, expected):
    path = write_json(tmp_path / "poles_map.json", data)
    with pytest.raises(LayerError) as caught:
        load_mapping(path)
    assert "mapping poles_map.json" in str(caught.value) and expected in str(caught.value)


def test_unreadable_mapping_files_are_named(tmp_path: Path, poles_gpkg: Path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "lamplight-field-mapping",\n "version": }', encoding="utf-8")
    with pytest.raises(LayerError, match=r"broken.json: is not a JSON file \(line 2"):
        load_mapping(broken)
    with pytest.raises(LayerError, match="absent.json: the field mapping file does not exist"):
        open_layers(poles_gpkg, mapping=tmp_path / "absent.json")


def test_mapping_for_another_kind_than_asked_is_refused(poles_gpkg: Path, tmp_path: Path):
    path = FieldMapping("lamp_poles", {"pole_id": FieldSource(FIELD, "杆号")}).save(tmp_path / "m.json")
    with pytest.raises(LayerError, match="the field mapping m.json is for kind 'lamp_poles', not 'sites_5g'"):
        open_layers(poles_gpkg, kind="sites_5g", mapping=path)


def points(columns: dict, n: int = 3, polygons: bool = False) -> gpd.GeoDataFrame:
    geometry = [shapely.box(i, 0, i + 1, 1) if polygons else shapely.Point(i, 0) for i in range(n)]
    return gpd.GeoDataFrame({k: [v] * n for k, v in columns.items()}, geometry=geometry, crs=32649)


@pytest.mark.parametrize(("columns", "polygons", "kind"), [
    ({"pole_no": "A", "Height": 9.0}, False, "lamp_poles"),
    ({"站址编号": "S1", "运营商": "中国移动", "天线高度(m)": 30}, False, "sites_5g"),
    ({"学校名称": "天河小学", "学段": "小学", "学生数": 800}, False, "schools"),
    ({"租金": 120.0, "面积": 300.0}, False, "office_space"),
    ({"层数": 6, "建筑高度": 18.0}, True, "buildings"),
    ({"常住人口": 120.0, "就业人口": 40.0}, True, "demand"),
    ({"名称": "x", "编号": "1"}, False, None),              # generic names alone reveal nothing
    ({"层数": 6, "建筑高度": 18.0}, False, None),           # building fields on points: not buildings
])
def test_kind_is_guessed_from_specific_fields(columns, polygons, kind):
    assert guess_kind(points(columns, polygons=polygons), "sheet1")[0] == kind


def test_english_aliases_and_units_in_brackets():
    suggestion = suggest_mapping(points({"Pole No.": "A", "pole height (m)": 9.0, "STATUS": "Active"}), "x")
    assert {t: s.value for t, s in suggestion.mapping.fields.items()} == {
        "pole_id": "Pole No.", "height_m": "pole height (m)", "status": "STATUS"}
    assert suggestion.mapping.fields["status"].values == {}       # "Active" is read by validate already
    assert normalise("高度（米）") == "高度" and normalise("功率_W") == "功率"


def test_suggestion_for_a_chosen_kind_uses_generic_aliases():
    suggestion = suggest_mapping(points({"名称": "天河小学", "类型": "高中"}), "x", kind="schools")
    assert suggestion.mapping.fields["name"].value == "名称"
    assert suggestion.mapping.fields["level"].values == {"高中": "high"}


def test_mapped_layer_survives_project_save_and_reopen(poles_gpkg: Path, tmp_path: Path):
    from layers import Project

    layer = read_one(poles_gpkg)
    poles = map_layer(layer, suggest_mapping(layer.gdf, layer.name).mapping, mapping_name="poles_map.json")
    project = Project(32649)
    project.add_layer(poles)
    project.save(tmp_path / "city.lamp")
    reopened = Project.load(tmp_path / "city.lamp").layers[0]   # stored in the project: the file alone would not
    assert reopened.kind == "lamp_poles"                          # read as lamp_poles
    assert list(reopened.gdf["pole_id"]) == list(poles.gdf["pole_id"])
    assert list(reopened.gdf["status"]) == list(poles.gdf["status"])
    assert reopened.metadata["field_mapping"] == poles.metadata["field_mapping"]


def test_a_layer_field_named_like_a_mapped_target_is_replaced_with_a_note(poles_gpkg: Path):
    layer = read_one(poles_gpkg)
    layer.gdf["status"] = "old"                       # the export has its own 'status', the mapping uses 状态
    mapping = FieldMapping("lamp_poles", {"pole_id": FieldSource(FIELD, "杆号"),
                                          "status": FieldSource(FIELD, "状态", EXPECTED_STATUS)})
    poles = map_layer(layer, mapping)
    assert list(poles.gdf["status"]) == [EXPECTED_STATUS[v] for v in STATUS]
    assert "field 'status' replaced by the mapped one" in poles.notes


def test_a_buildings_mapping_carries_the_planners_height_rules(tmp_path: Path):
    """The city's own storey height and default height (issue 12's 'user default') travel with the mapping file
    and replace the documented 3 m / 10 m where heights are estimated."""
    frame = gpd.GeoDataFrame({"层数": [4, None], "用途": ["住宅", "仓棚"]},
                             geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)], crs=32649)
    mapping = FieldMapping("buildings", {"levels": FieldSource(FIELD, "层数")},
                           heights={"storey_height_m": 3.5, "default_height_m": 6.0})
    path = mapping.save(tmp_path / "buildings_map.json")
    again = load_mapping(path)
    assert again.heights == {"storey_height_m": 3.5, "default_height_m": 6.0}
    mapped = map_layer(VectorLayer(frame, "建筑"), again)
    assert mapped.gdf["height_m"].tolist() == [14.0, 6.0]  # 4 storeys x 3.5 m; an unknown use gets 6 m
    assert mapped.gdf["height_source"].tolist() == ["levels", "default"]
    bad = json.loads(path.read_text(encoding="utf-8"))
    bad["heights"]["storey_height_m"] = 0
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(LayerError, match="heights/storey_height_m"):
        load_mapping(path)
