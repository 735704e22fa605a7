"""Editing with undo, driven through the window as a planner would: toggle editing, click, drag, type, Ctrl+Z."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pandas.testing import assert_frame_equal
from PyQt6 import sip
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QApplication, QLineEdit, QMessageBox

from layers import VectorLayer
from layers.kinds import validate

from .conftest import ORIGIN

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.gpkg"


def poles_layer() -> VectorLayer:
    """Ten lamp poles along y0 + 100, validated as the readers deliver them."""
    x0, y0 = ORIGIN
    n = 10
    gdf = gpd.GeoDataFrame({
        "pole_id": [f"TH-{i + 1:06d}" for i in range(n)],
        "height_m": np.linspace(9, 14, n),
        "status": ["active"] * n,
    }, geometry=shapely.points(x0 + 80.0 * np.arange(n), np.full(n, y0 + 100.0)), crs=32649)
    gdf, _ = validate(gdf, "lamp_poles")
    return VectorLayer(gdf, "lamp_poles", kind="lamp_poles")


@pytest.fixture
def project(project):
    project.add_layer(poles_layer())
    return project


@pytest.fixture
def poles(window):
    layer = window.project.layer("lamp_poles")
    window.layer_tree.set_current_layer(layer)
    return layer


def _pixel(window, x: float, y: float) -> QPoint:
    px, py = window.canvas.viewport.to_pixel(x, y)
    return QPoint(round(px), round(py))


def _map(window, point: QPoint) -> tuple[float, float]:
    return window.canvas.viewport.to_map(point.x(), point.y())


def _edit_cell(qtbot, window, layer: VectorLayer, position: int, field: str, text: str) -> None:
    """Type ``text`` into a cell of the attribute table, as a planner does: select it, type, Enter."""
    window.show_attribute_table(layer)
    dock = window.attribute_table
    model, table = dock.model, dock.table
    index = model.index(int(model.rows_of([position])[0]), model.columns.index(field))
    table.scrollTo(index)
    table.setCurrentIndex(index)
    table.edit(index)
    editors = [e for e in table.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the view commits the editor in a queued call, then deletes it
    qtbot.waitUntil(lambda: sip.isdeleted(editor) or not editor.isVisible(), timeout=2000)


def test_add_move_edit_undo_all_three_then_redo_one(qtbot, window, poles):
    x0, y0 = ORIGIN
    add_move_edit_undo_redo(qtbot, window, poles, (x0 + 300.0, y0 + 420.0), "TH-000011")


@pytest.mark.skipif(not SAMPLE.exists(), reason="the Tianhe sample is not generated")
def test_the_same_on_the_sample_lamp_poles(qtbot):
    """The sample's 3,101 poles as read from the GeoPackage (bool, int and text fields, a kind)."""
    from layers import Project
    from layers.io import open_layers
    from workbench.main_window import MainWindow

    layers = {layer.name: layer for layer in open_layers(SAMPLE)}
    project = Project(32649)
    project.add_layers([layers["roads"], layers["lamp_poles"]])
    window = MainWindow(project)
    window.files.session.mark_clean()
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    try:
        poles = window.project.layer("lamp_poles")
        window.layer_tree.set_current_layer(poles)
        minx, miny, maxx, maxy = poles.extent
        last = sorted(poles.gdf["pole_id"])[-1]
        expected_id = f"TH-{int(last.split('-')[1]) + 1:06d}"
        add_move_edit_undo_redo(qtbot, window, poles, ((minx + maxx) / 2 + 3.0, (miny + maxy) / 2 + 3.0), expected_id)
    finally:
        window.files.session.mark_clean()
        window.close()
        window.deleteLater()


def add_move_edit_undo_redo(qtbot, window, poles: VectorLayer, where: tuple[float, float], new_id: str) -> None:
    """The done-when walk: toggle editing, add a pole by clicking at ``where``, drag it, set its status in the
    table, undo all three (the first with Ctrl+Z) back to the exact original layer, redo one."""
    editing, canvas = window.editing, window.canvas
    original = poles.gdf.copy(deep=True)
    count = len(original)
    window.files.session.mark_clean()

    editing.actions["toggle_editing"].trigger()
    assert editing.session.is_editing(poles) and editing.actions["add_point"].isEnabled()

    # Add a pole by clicking the map.
    editing.use_tool("add_point")
    click = _pixel(window, *where)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=click)
    assert len(poles.gdf) == count + 1
    added = poles.gdf.iloc[-1]
    expected_x, expected_y = _map(window, click)
    assert added.geometry.x == pytest.approx(expected_x) and added.geometry.y == pytest.approx(expected_y)
    assert added["pole_id"] == new_id and added["status"] == "active" and added["height_m"] == 10.0

    # Drag it somewhere else.
    editing.use_tool("move_point")
    target = click + QPoint(60, -35)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=click)
    qtbot.mouseMove(canvas, pos=click + QPoint(30, -15))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=target)
    moved = poles.gdf.geometry.iloc[-1]
    target_x, target_y = _map(window, target)
    assert moved.x == pytest.approx(target_x) and moved.y == pytest.approx(target_y)

    # Change its status in the attribute table.
    _edit_cell(qtbot, window, poles, count, "status", "planned")
    assert poles.gdf["status"].iloc[count] == "planned"
    assert window.isWindowModified()
    stack = window.editing.history.stack
    assert stack.count() == 3 and "status" in stack.text(2)

    # Undo all three (the first with Ctrl+Z on the keyboard): the layer is as it was.
    window.activateWindow()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert poles.gdf["status"].iloc[count] == "active"
    editing.actions["undo"].trigger()
    editing.actions["undo"].trigger()
    assert_frame_equal(poles.gdf, original)
    assert not window.isWindowModified()  # back where the project was saved

    # Redo one: the pole is back where it was clicked.
    editing.actions["redo"].trigger()
    assert len(poles.gdf) == count + 1
    assert poles.gdf.geometry.iloc[-1].x == pytest.approx(expected_x)
    assert window.isWindowModified()


def test_undo_and_redo_use_the_platform_shortcuts(window):
    undo, redo = window.editing.actions["undo"], window.editing.actions["redo"]
    assert QKeySequence("Ctrl+Z") in undo.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in redo.shortcuts()
    assert undo in window.menu("&Edit").actions() and redo in window.menu("&Edit").actions()


def test_a_bad_value_in_the_table_is_refused_naming_the_field(qtbot, window, poles):
    window.editing.toggle(poles)
    before = poles.gdf.copy(deep=True)
    _edit_cell(qtbot, window, poles, 2, "height_m", "tall")
    assert_frame_equal(poles.gdf, before)
    message = window.statusBar().currentMessage()
    assert "height_m" in message and "'tall'" in message and "not a number" in message
    _edit_cell(qtbot, window, poles, 2, "height_m", "-4")
    assert_frame_equal(poles.gdf, before)
    assert "below 0" in window.statusBar().currentMessage()
    assert window.editing.history.stack.count() == 0


def test_cells_are_read_only_outside_edit_mode(qtbot, window, poles):
    window.show_attribute_table(poles)
    model = window.attribute_table.model
    index = model.index(0, model.columns.index("status"))
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "planned")
    window.editing.toggle(poles)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_new_poles_snap_to_the_nearest_road_within_the_tolerance(qtbot, window, poles):
    editing = window.editing
    editing.toggle(poles)
    editing.actions["snapping"].trigger()
    editing.tolerance.setValue(20.0)
    x0, y0 = ORIGIN
    tool = editing.tools["add_point"]
    near = _pixel(window, x0 + 120.0, y0 + 262.0)  # Huacheng Avenue runs along y0 + 250
    assert tool.add_at(near.x(), near.y()) is not None
    snapped = poles.gdf.geometry.iloc[-1]
    assert snapped.y == pytest.approx(y0 + 250.0) and snapped.x == pytest.approx(_map(window, near)[0])
    far = _pixel(window, x0 + 120.0, y0 + 400.0)
    tool.add_at(far.x(), far.y())
    assert poles.gdf.geometry.iloc[-1].y == pytest.approx(_map(window, far)[1])


def test_delete_selected_and_field_actions_are_undoable(qtbot, window, poles, monkeypatch):
    editing = window.editing
    editing.toggle(poles)
    original = poles.gdf.copy(deep=True)
    poles.selection = {1, 3}
    editing.actions["delete_selected"].trigger()
    assert len(poles.gdf) == 8 and "TH-000002" not in set(poles.gdf["pole_id"])
    assert editing.session.add_field(poles, "survey_note", "text") is not None
    assert editing.session.rename_field(poles, "survey_note", "remark") is not None
    assert "remark" in window.attribute_table.model.columns
    assert editing.session.delete_field(poles, "height_m") is None  # part of the lamp_poles kind
    assert "height_m" in window.statusBar().currentMessage()
    for _ in range(3):
        editing.history.undo()
    assert_frame_equal(poles.gdf, original)


def test_layer_changes_made_in_the_gui_are_undoable(qtbot, window):
    history = window.editing.history
    project = window.project
    order = [layer.name for layer in project]
    schools = project.layer("schools")
    tree = window.layer_tree.model
    assert tree.setData(tree.index_of_layer(schools), "schools 2026")  # typed over the name in the layer tree
    project.move_layer(schools, 0)  # what a drag in the layer tree does
    window.remove_layer(project.layer("roads"), confirm=False)
    assert history.stack.count() == 3
    for _ in range(3):
        history.undo()
    assert [layer.name for layer in project] == order
    history.redo()
    assert project.layer("schools 2026") is schools


def test_leaving_edit_mode_asks_and_discard_undoes_the_layers_edits(qtbot, window, poles, monkeypatch):
    editing = window.editing
    original = poles.gdf.copy(deep=True)
    editing.toggle(poles)
    editing.session.push(lambda: __import__("layers.edits", fromlist=["x"]).SetAttributeValues(
        poles, [0], "status", "faulty"))
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", answer)
    editing.actions["toggle_editing"].trigger()
    assert asked and "lamp_poles" in asked[0]
    assert not editing.session.is_editing(poles)
    assert_frame_equal(poles.gdf, original)


def test_save_layer_edits_writes_the_linked_geopackage_after_asking(qtbot, window, tmp_path, monkeypatch):
    from layers.io import open_layers, write_layer

    path = tmp_path / "poles.gpkg"
    write_layer(poles_layer(), path, layer_name="lamp_poles")
    window.add_files([str(path)])
    qtbot.waitUntil(lambda: window.files.loader.pending == 0, timeout=10000)
    linked = window.project.layers[-1]
    window.layer_tree.set_current_layer(linked)
    editing = window.editing
    editing.toggle(linked)
    _edit_cell(qtbot, window, linked, 4, "status", "faulty")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    editing.actions["save_edits"].trigger()
    qtbot.waitUntil(lambda: editing.session.saving == 0, timeout=10000)
    assert asked and str(path) in asked[0]
    reread = open_layers(path)[0]
    assert list(reread.gdf["status"]) == list(linked.gdf["status"]) and reread.gdf["status"].iloc[4] == "faulty"
    assert "Saved" in window.statusBar().currentMessage()
    assert not editing.session.has_changes(linked)  # leaving edit mode now asks nothing
    asked.clear()
    editing.actions["toggle_editing"].trigger()
    assert not asked and not editing.session.is_editing(linked)
    QApplication.processEvents()


def test_a_runs_results_are_one_step_and_undo_takes_back_layers_and_history(qtbot, window):
    history, project = window.editing.history, window.project
    before = [layer.name for layer in project]
    outputs = [poles_layer(), poles_layer()]
    outputs[1].name = "coverage_sites"
    record = {"algorithm": "siting.mclp", "algorithm_name": "Maximal coverage (MCLP)", "outputs": {}}
    for layer in outputs:  # what plugins.runner.add_to_project does in the GUI thread
        project.add_layer(layer)
    project.record_run(record)
    assert history.stack.count() == 1
    assert history.stack.text(0) == "Add results of 'Maximal coverage (MCLP)'"
    history.undo()
    assert [layer.name for layer in project] == before and project.history == []
    history.redo()
    assert project.layers[-2:] == outputs and project.history == [record]


def test_a_style_change_is_undoable_and_the_old_style_comes_back(qtbot, window):
    from layers.styles import SingleSymbol, Symbol

    offices = window.project.layer("office_listings")
    old = offices.style
    offices.style = SingleSymbol(Symbol(size=9))  # what the style editor's Apply does
    assert window.editing.history.stack.count() == 1
    window.editing.history.undo()
    assert offices.style is old


def test_saving_marks_the_stack_clean_and_opening_a_project_empties_it(qtbot, window, poles, tmp_path):
    history = window.editing.history
    window.editing.toggle(poles)
    window.editing.session.delete_selected(poles)  # nothing selected: refused, nothing recorded
    assert history.stack.count() == 0
    poles.selection = {0}
    window.editing.actions["delete_selected"].trigger()
    target = tmp_path / "edited.lamp"
    assert window.files.save_to(target)
    assert history.stack.isClean() and not window.isWindowModified()
    history.undo()
    assert window.isWindowModified() and len(poles.gdf) == 10
    history.redo()
    assert not window.isWindowModified()  # back at the saved state
    history.undo()
    window.files.session.mark_clean()
    assert window.files.open_project(target, ask=False)
    assert history.stack.count() == 0 and not window.editing.session.editing_layers()
    assert len(window.project.layer("lamp_poles").gdf) == 9  # the edit was saved with the project


def test_the_layer_tree_menu_toggles_editing(qtbot, window, poles):
    actions = [a for a in window.layer_tree.layer_actions(poles) if a is not None and a.text() == "Toggle Editing"]
    assert len(actions) == 1 and not actions[0].isChecked()
    actions[0].trigger()
    assert window.editing.session.is_editing(poles)
    again = [a for a in window.layer_tree.layer_actions(poles) if a is not None and a.text() == "Toggle Editing"]
    assert again[0].isChecked()


def test_field_calculator_sets_selected_features_and_a_new_field_in_undoable_steps(qtbot, window, poles):
    editing = window.editing
    editing.toggle(poles)
    original = poles.gdf.copy(deep=True)
    poles.selection = {2, 5}
    dialog = editing.field_calculator()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.existing.setCurrentText("height_m")
    dialog.expression.setText('"heigt_m" * 2')  # misspelt: named before anything runs
    assert not ok.isEnabled() and "heigt_m" in dialog.problem.text()
    dialog.expression.setText('round("height_m" * 2, 1)')
    assert ok.isEnabled() and dialog.selected_only.isChecked()
    ok.click()
    qtbot.waitUntil(lambda: editing.session.calculating == 0, timeout=10000)
    expected = original["height_m"].copy()
    expected.iloc[[2, 5]] = (original["height_m"].iloc[[2, 5]] * 2).round(1)
    assert poles.gdf["height_m"].tolist() == expected.tolist()

    assert editing.session.calculate_field(poles, "tall", "height_m > 11", new_type="yes/no")
    qtbot.waitUntil(lambda: editing.session.calculating == 0, timeout=10000)
    assert poles.gdf["tall"].tolist() == (poles.gdf["height_m"] > 11).tolist()

    assert editing.session.calculate_field(poles, "height_m", "0 - height_m")  # heights cannot go below 0
    qtbot.waitUntil(lambda: editing.session.calculating == 0, timeout=10000)
    assert "height_m" in window.statusBar().currentMessage() and "below 0" in window.statusBar().currentMessage()
    assert editing.history.stack.count() == 2
    editing.history.undo()
    editing.history.undo()
    assert_frame_equal(poles.gdf, original)
