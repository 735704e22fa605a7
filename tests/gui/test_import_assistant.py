"""The import assistant as a planner meets it: a city's GeoPackage with Chinese field names is added, the
assistant opens with the suggestions, one source is changed, OK puts a lamp_poles layer in the project (undoable);
mappings are saved and loaded from the dialog. Expected values are computed here from the source table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from layers.field_mapping import EXPRESSION, FIELD, load_mapping
from tests.model.test_field_mapping import EXPECTED_POWER, EXPECTED_STATUS, POWER, STATUS, municipal_poles
from workbench.dialogs.import_assistant import DEFAULT, MODE, VALUE, VALUES


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "城管导出.gpkg"
    municipal_poles().to_file(path, layer="export_202611", driver="GPKG")
    return path


def added_with_assistant(qtbot, window, path: Path):
    window.add_files([str(path)])
    qtbot.waitUntil(lambda: window.files.assistant is not None, timeout=20_000)
    dialog = window.files.assistant
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    return dialog


def source_of(dialog, target: str) -> tuple[str, str, str]:
    row = dialog.row_of(target)
    return (dialog.table.cellWidget(row, MODE).currentData(), dialog.table.cellWidget(row, VALUE).currentText(),
            dialog.table.cellWidget(row, VALUES).text())


def test_added_export_opens_the_assistant_and_ok_loads_lamp_poles(qtbot, window, export):
    before = len(window.project)
    dialog = added_with_assistant(qtbot, window, export)
    original = window.project.layers[-1]
    assert original.kind is None and len(window.project) == before + 1
    assert dialog.isVisible() and dialog.chosen_kind() == "lamp_poles"
    assert source_of(dialog, "pole_id")[:2] == (FIELD, "杆号")
    assert source_of(dialog, "height_m")[:2] == (FIELD, "杆高")
    mode, value, values = source_of(dialog, "status")
    assert (mode, value) == (FIELD, "状态") and "在用=active" in values and "拆除=removed" in values
    assert dialog.preview_values("status") == [EXPECTED_STATUS[v] for v in STATUS]   # validated preview

    dialog.set_source("height_m", EXPRESSION, '"杆高" * 2')          # the planner changes one source
    assert dialog.preview_values("height_m") == [str(v * 2) for v in municipal_poles()["杆高"]]
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant is None, timeout=20_000)

    poles = window.project.layers[-1]
    source = municipal_poles()
    assert len(window.project) == before + 1 and poles.kind == "lamp_poles" and poles.style is not None
    assert list(poles.gdf["pole_id"]) == list(source["杆号"])
    assert np.allclose(poles.gdf["height_m"], source["杆高"] * 2)
    assert list(poles.gdf["status"]) == [EXPECTED_STATUS[v] for v in STATUS]
    assert list(poles.gdf["has_power"]) == [EXPECTED_POWER[v] for v in POWER]

    window.editing.history.undo()                     # one step: the layer as it was loaded comes back in its place
    assert window.project.layers[-1] is original and len(window.project) == before + 1
    window.editing.history.redo()
    assert window.project.layers[-1] is poles


def test_problems_show_in_the_preview_and_ok_keeps_the_dialog_open(qtbot, window, export):
    dialog = added_with_assistant(qtbot, window, export)
    original = window.project.layers[-1]
    dialog.set_source("pole_id", DEFAULT)
    assert "missing required field 'pole_id'" in dialog.problems.text()
    assert dialog.table.item(dialog.row_of("pole_id"), 0).background().color().red() == 255
    dialog.set_source("pole_id", FIELD, "杆号")
    dialog.set_source("status", FIELD, "状态", {})      # the value map removed: 在用 is not a status
    assert "status: 6 values are not one of" in dialog.problems.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=20_000)
    assert dialog.isVisible() and "status: 6 values are not one of" in dialog.problems.text()
    assert window.project.layers[-1] is original
    dialog.reject()


def test_save_and_load_a_mapping_from_the_dialog(qtbot, window, export, tmp_path):
    dialog = added_with_assistant(qtbot, window, export)
    layer = window.project.layers[-1]
    dialog.set_source("capacity", "constant", "6")
    saved = tmp_path / "poles_map.json"
    dialog.save_mapping(saved)
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["kind"] == "lamp_poles" and data["fields"]["capacity"] == {"constant": 6}
    assert data["fields"]["status"]["values"]["故障"] == "faulty"
    dialog.reject()
    qtbot.waitUntil(lambda: window.files.assistant is None)

    actions = {a.text(): a for a in window.layer_tree.layer_actions(layer) if a is not None}
    actions["Map Fields / Set Kind…"].trigger()       # on demand, from the layer tree
    again = window.files.assistant
    qtbot.waitUntil(lambda: again.busy == 0, timeout=10_000)
    again.set_kind(None)
    again.load_mapping(saved)
    qtbot.waitUntil(lambda: again.busy == 0, timeout=10_000)
    assert again.chosen_kind() == "lamp_poles" and again.mapping() == load_mapping(saved)
    assert again.preview_values("capacity") == ["6"] * 6
    again.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant is None, timeout=20_000)
    assert window.project.layers[-1].kind == "lamp_poles"
    assert list(window.project.layers[-1].gdf["capacity"]) == [6] * 6


def test_layers_that_look_like_no_kind_open_no_assistant(qtbot, window, tmp_path):
    gdf = municipal_poles()[["备注", "geometry"]]
    gdf.to_file(tmp_path / "notes.gpkg", layer="notes", driver="GPKG")
    window.add_files([str(tmp_path / "notes.gpkg")])
    qtbot.waitUntil(lambda: window.files.loader.pending == 0, timeout=20_000)
    assert window.project.layers[-1].name == "notes" and window.files.assistant is None


def test_set_no_kind_and_drop_other_fields_from_the_layer_tree(qtbot, window):
    offices = window.project.layer("office_listings")
    index = window.project.index_of(offices)
    dialog = window.files.map_fields(offices)
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    assert dialog.chosen_kind() == "office_space"
    assert source_of(dialog, "price_m2")[:2] == (FIELD, "price_m2")      # its own fields, by name
    dialog.set_source("price_m2", EXPRESSION, "price_m2 * 2")
    dialog.others.setCurrentIndex(dialog.others.findData("drop"))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant is None, timeout=20_000)
    doubled = window.project.layers[index]
    assert doubled.kind == "office_space"
    assert np.allclose(doubled.gdf["price_m2"], offices.gdf["price_m2"] * 2)

    dialog = window.files.map_fields(doubled)
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    dialog.set_kind(None)
    assert dialog.table.rowCount() == 0
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant is None, timeout=20_000)
    plain = window.project.layers[index]
    assert plain.kind is None and list(plain.gdf["listing_id"]) == list(offices.gdf["listing_id"])


def test_a_mapping_without_kind_loads_and_applies(qtbot, window, export, tmp_path):
    from layers.field_mapping import FieldMapping, FieldSource

    saved = FieldMapping(None, {"id": FieldSource(FIELD, "杆号")}, others="drop").save(tmp_path / "ids.json")
    dialog = added_with_assistant(qtbot, window, export)
    dialog.load_mapping(saved)
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    assert dialog.chosen_kind() is None and dialog.mapping() == load_mapping(saved)
    assert dialog.preview_values("id") == list(municipal_poles()["杆号"])
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant is None, timeout=20_000)
    layer = window.project.layers[-1]
    assert layer.kind is None and list(layer.gdf.columns) == ["id", "geometry"]


def test_a_multi_layer_export_gets_one_assistant_after_the_other(qtbot, window, tmp_path):
    import geopandas as gpd

    path = tmp_path / "市政.gpkg"
    municipal_poles().to_file(path, layer="杆件台账", driver="GPKG")
    schools = gpd.GeoDataFrame({"学校名称": ["天河小学", "华阳中学"], "学段": ["小学", "初中"],
                                "在校生数": [800, 1200]},
                               geometry=gpd.points_from_xy([113.33, 113.34], [23.13, 23.14]), crs=4326)
    schools.to_file(path, layer="学校表", driver="GPKG")
    first = added_with_assistant(qtbot, window, path)
    kinds = {first.chosen_kind()}
    first.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant not in (None, first), timeout=20_000)
    second = window.files.assistant
    qtbot.waitUntil(lambda: second.busy == 0, timeout=10_000)
    kinds.add(second.chosen_kind())
    assert kinds == {"lamp_poles", "schools"}
    assert second.preview_values("level") == ["primary", "middle"]
    second.ok_button.click()
    qtbot.waitUntil(lambda: window.files.assistant is None, timeout=20_000)
    by_kind = {layer.kind: layer for layer in window.project.layers[-2:]}
    assert list(by_kind["schools"].gdf["students"]) == [800, 1200]
    assert list(by_kind["lamp_poles"].gdf["pole_id"]) == list(municipal_poles()["杆号"])


def test_buildings_take_the_planners_storey_and_default_heights(qtbot, window, tmp_path):
    """For buildings the assistant shows the height rules; the values typed there estimate the missing heights
    and are saved with the mapping, so next month's export is estimated the same way."""
    import geopandas as gpd
    import shapely

    from layers.io import open_layers

    path = tmp_path / "建筑.gpkg"
    gpd.GeoDataFrame({"层数": [4, None], "用途": ["住宅", "车棚"]},
                     geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)],
                     crs=32649).to_file(path, layer="建筑", driver="GPKG")
    (layer,) = open_layers(path)
    dialog = window.files.map_fields(layer)
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    dialog.set_kind("buildings")
    assert dialog.storey_height.isVisible() and dialog.default_height.isVisible()
    dialog.set_source("levels", FIELD, "层数")
    dialog.storey_height.setValue(3.5)
    dialog.default_height.setValue(6.0)
    assert dialog.mapping().heights == {"storey_height_m": 3.5, "default_height_m": 6.0}
    dialog.save_mapping(tmp_path / "buildings.json")
    qtbot.waitUntil(lambda: (tmp_path / "buildings.json").exists(), timeout=10_000)
    assert load_mapping(tmp_path / "buildings.json").heights["storey_height_m"] == 3.5
    dialog.set_kind("lamp_poles")
    assert not dialog.storey_height.isVisible()
    dialog.reject()
