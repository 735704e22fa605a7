"""The main window as a planner uses it: files in and out, errors as dialogs, layers, styles, selection."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDropEvent, QKeySequence
from PyQt6.QtWidgets import QApplication, QFileDialog, QMessageBox

from layers import Project
from layers.io import write_layer
from layers.styles import Categorized, Graduated, SingleSymbol
from workbench.dialogs.errors import install_excepthook, open_error_boxes
from workbench.window.project_session import recent_projects

from .conftest import offices_layer, schools_layer


def _wait_loaded(qtbot, window):
    qtbot.waitUntil(lambda: window.files.loader.pending == 0, timeout=10000)


def test_add_layers_from_files_gives_them_default_styles(qtbot, window, tmp_path):
    path = tmp_path / "more.gpkg"
    write_layer(offices_layer(), path, layer_name="office_space")
    before = len(window.project)
    window.add_files([str(path)])
    _wait_loaded(qtbot, window)
    assert len(window.project) == before + 1
    added = window.project.layers[-1]
    assert added.kind == "office_space" and isinstance(added.style, Graduated)
    assert window.layer_tree.model.rowCount() == before + 1


def test_bad_files_show_a_readable_dialog_and_the_rest_still_loads(qtbot, window, tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ this is not json")
    good = tmp_path / "schools.geojson"
    write_layer(schools_layer(), good)
    before = len(window.project)
    window.add_files([str(broken), str(good)])
    _wait_loaded(qtbot, window)
    assert len(window.project) == before + 1
    boxes = open_error_boxes()
    assert len(boxes) == 1 and "broken.geojson" in boxes[0].text()
    assert window.isVisible()
    boxes[0].close()


def test_dropping_files_on_the_window_adds_them(qtbot, window, tmp_path):
    path = tmp_path / "dropped.geojson"
    write_layer(schools_layer(), path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    before = len(window.project)
    window.dropEvent(event)
    _wait_loaded(qtbot, window)
    assert len(window.project) == before + 1 and window.project.layers[-1].name == "dropped"


def test_save_and_reopen_keeps_layers_order_styles_and_visibility(qtbot, window, tmp_path):
    project = window.project
    project.layer("roads").visible = False
    project.move_layer("schools", 0)
    assert window.files.session.dirty and window.isWindowModified()
    target = tmp_path / "district.lamp"
    assert window.files.save_to(target)
    assert not window.files.session.dirty and target.is_file()
    expected = [(layer.name, layer.visible, type(layer.style).__name__, len(layer)) for layer in project]
    assert window.files.new_project()
    assert len(window.project) == 0
    assert window.files.open_project(target)
    reopened = [(layer.name, layer.visible, type(layer.style).__name__, len(layer)) for layer in window.project]
    assert reopened == expected
    assert window.layer_tree.model.rowCount() == len(expected)
    assert str(target.resolve()) in recent_projects()


def test_a_failed_save_reports_and_keeps_the_old_file(qtbot, window, tmp_path):
    target = tmp_path / "keep.lamp"
    assert window.files.save_to(target)
    before = target.read_bytes()
    window.project.layer("roads").name = "renamed roads"
    assert not window.files.save_to(tmp_path / "missing-folder" / "x.lamp")
    boxes = open_error_boxes()
    assert boxes and "missing-folder" in boxes[0].text()
    boxes[0].close()
    assert target.read_bytes() == before and window.files.session.dirty


def test_opening_a_damaged_project_shows_an_error_and_keeps_the_current_one(qtbot, window, tmp_path):
    bad = tmp_path / "bad.lamp"
    bad.write_bytes(b"not a zip at all")
    current = window.project
    assert not window.files.open_project(bad)
    assert window.project is current
    boxes = open_error_boxes()
    assert boxes and "bad.lamp" in boxes[0].text()
    boxes[0].close()


def test_a_project_with_a_missing_data_file_says_so_and_saving_keeps_that_layer(qtbot, window, tmp_path,
                                                                                monkeypatch):
    import json
    import zipfile

    from layers.io import open_layers

    source = tmp_path / "schools.gpkg"
    write_layer(schools_layer(), source)
    project = Project(window.project.crs)
    project.add_layer(open_layers(source)[0])
    project.add_layer(offices_layer())
    target = project.save(tmp_path / "district.lamp")
    source.rename(tmp_path / "away.gpkg")
    assert window.files.open_project(target, ask=False)
    boxes = open_error_boxes()
    assert boxes and "schools.gpkg" in boxes[0].text() and "stay in the project when you save" in boxes[0].text()
    boxes[0].close()
    assert [layer.name for layer in window.project] == ["office_listings"]
    window.project.layer("office_listings").opacity = 0.5
    assert window.files.save_to(target)
    names = [entry["name"] for entry in json.loads(zipfile.ZipFile(target).read("project.json"))["layers"]]
    assert names == ["schools", "office_listings"]

    # the data moved to another folder: File > Find Missing Data Files… brings the layer back in its place
    moved = tmp_path / "moved"
    moved.mkdir()
    (tmp_path / "away.gpkg").rename(moved / "schools.gpkg")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(moved))
    window.actions["find_missing"].trigger()
    assert [layer.name for layer in window.project] == ["schools", "office_listings"]
    assert window.layer_tree.model.rowCount() == 2 and not open_error_boxes()
    assert "Restored 1 of 1 layers" in window.statusBar().currentMessage()


def test_unsaved_changes_prompt_on_close(qtbot, window, monkeypatch):
    window.project.layer("roads").opacity = 0.5
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Cancel)
    window.close()
    assert asked and "unsaved changes" in asked[0] and window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    window.close()
    assert not window.isVisible()


def test_autosave_writes_a_side_copy_only_when_dirty(qtbot, window, tmp_path):
    assert window.files.session.autosave() is None  # clean: nothing to do
    window.project.layer("roads").visible = False
    copy = window.files.session.autosave()
    assert copy is not None
    qtbot.waitUntil(lambda: not window.files.session.io.busy)        # written in the worker
    assert copy.is_file()
    restored = Project.load(copy)
    assert [layer.name for layer in restored] == [layer.name for layer in window.project]
    assert restored.layer("roads").visible is False


def test_excepthook_shows_a_dialog_instead_of_crashing(qtbot, window):
    previous = sys.excepthook
    install_excepthook(lambda: window)
    try:
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    boxes = open_error_boxes()
    assert boxes and "boom in a slot" in boxes[0].text() and "RuntimeError" in boxes[0].detailedText()
    boxes[0].close()


def test_layer_tree_toggle_and_opacity_reach_the_layer(qtbot, window):
    roads = window.project.layer("roads")
    window.layer_tree.set_current_layer(roads)
    assert window.layer_tree.current_layer() is roads and window.canvas.active_layer is roads
    window.layer_tree.opacity.setValue(40)
    assert roads.opacity == pytest.approx(0.4)
    model = window.layer_tree.model
    model.setData(model.index_of_layer(roads), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert roads.visible is False


def test_style_editor_builds_graduated_categorised_and_single_styles(qtbot, window):
    from tests.gui.conftest import graduated_editor

    offices = window.project.layer("office_listings")
    dialog, editor = graduated_editor(window, offices, field="area_m2", method="Equal interval", classes=4,
                                      ramp="Blues")
    editor.classify_graduated()
    dialog.accept()
    style = offices.style
    assert isinstance(style, Graduated) and style.field == "area_m2" and len(style.classes) == 4
    low, high = offices.gdf.area_m2.min(), offices.gdf.area_m2.max()
    assert [c.lower for c in style.classes] == pytest.approx(list(np.linspace(low, high, 5)[:-1]))
    dialog = window.edit_style(offices)
    editor = dialog.style_editor
    editor.kind.setCurrentText("Categorised")
    editor.category_field.setCurrentText("industry")
    editor.classify_categories()
    editor.labels_box.setChecked(True)
    editor.label_field.setCurrentText("listing_id")
    dialog.accept()
    assert isinstance(offices.style, Categorized)
    assert sorted(c.value for c in offices.style.categories) == ["finance", "law", "retail", "tech"]
    assert offices.style.labels.field == "listing_id"
    dialog = window.edit_style(offices)
    dialog.style_editor.kind.setCurrentText("Single symbol")
    dialog.style_editor.symbol.fill.set_colour("#ff0000")
    dialog.accept()
    assert isinstance(offices.style, SingleSymbol) and offices.style.symbol.fill == "#ff0000"


def test_properties_show_source_crs_count_fields_and_notes(qtbot, window):
    offices = window.project.layer("office_listings")
    offices.notes.append("price_m2 converted from text")
    dialog = window.show_properties(offices)
    texts = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert texts == ["Information", "Fields", "Load notes (1)", "Style"]
    from workbench.dialogs.layer_properties import describe, field_rows

    info = dict(describe(offices, window.project))
    assert info["Features"] == "40" and "32649" in info["CRS"] and info["Kind"] == "office_space"
    assert [row[0] for row in field_rows(offices)] == offices.fields
    dialog.name_edit.setText("offices 2025")
    dialog.opacity.setValue(60)
    assert dialog.opacity_text.text() == "60 %"  # the slider says where it stands
    dialog.accept()
    assert offices.name == "offices 2025" and offices.opacity == pytest.approx(0.6)


def test_remove_layer_updates_tree_and_table(qtbot, window):
    schools = window.project.layer("schools")
    window.show_attribute_table(schools)
    assert window.attribute_table.layer is schools
    assert window.remove_layer(schools, confirm=False)
    assert "schools" not in [layer.name for layer in window.project]
    assert window.attribute_table.layer is not schools
    assert window.layer_tree.model.rowCount() == len(window.project)


def test_raster_style_editor_builds_a_ramp_over_the_chosen_range(qtbot, window):
    from affine import Affine

    from layers import RasterLayer
    from layers.default_styles import default_style
    from layers.styles import RAMPS, RasterRamp

    values = np.arange(100, dtype="float32").reshape(10, 10)
    raster = RasterLayer(values, Affine(10, 0, 760000, 0, -10, 2560500), 32649, name="heights")
    raster.style = default_style(raster)
    window.project.add_layer(raster)
    dialog = window.edit_style(raster)
    editor = dialog.style_editor
    editor.ramp.setCurrentText("Blues")
    editor.low.setValue(10.0)
    editor.high.setValue(50.0)
    editor.discrete.setChecked(True)
    dialog.accept()
    style = raster.style
    assert isinstance(style, RasterRamp) and style.discrete
    assert [v for v, _ in style.stops] == pytest.approx(list(np.linspace(10, 50, len(RAMPS["Blues"]))))
    assert [c for _, c in style.stops] == list(RAMPS["Blues"])


def test_the_application_starts_and_quits_cleanly(tmp_path):
    """``run_gui`` as ``main.py`` calls it, in a fresh process: window up, project open, clean exit."""
    import os
    import subprocess
    import textwrap

    script = textwrap.dedent(f"""
        import sys
        from PyQt6.QtCore import QTimer
        from PyQt6.QtWidgets import QApplication
        from workbench.app import create_application, run_gui
        app = create_application([])

        def finish():
            window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "LamplightMainWindow")
            if window.files.session.io.busy:         # the project is still being read in the worker
                QTimer.singleShot(200, finish)
                return
            print("TITLE", window.windowTitle(), "LAYERS", len(window.project))
            window.files.session.mark_clean()
            window.close()

        QTimer.singleShot(2500, finish)
        sys.exit(run_gui({str(tmp_path / "start.lamp")!r}))
    """)
    project = Project(32649, title="start")
    project.add_layer(schools_layer())
    project.save(tmp_path / "start.lamp")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", script], cwd=str(Path(__file__).resolve().parents[2]), env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "TITLE start.lamp" in done.stdout and "LAYERS 1" in done.stdout
    assert "Traceback" not in done.stderr


def test_every_toolbar_button_says_what_it_does_and_its_shortcut(qtbot, window):
    from PyQt6.QtWidgets import QToolBar

    actions = [a for bar in window.findChildren(QToolBar) for a in bar.actions() if not a.isSeparator()]
    assert len(actions) >= 15
    for action in actions:
        name, _, what = action.toolTip().partition(" — ")
        assert what, f"toolbar button {action.text()!r} has no explanation: {action.toolTip()!r}"
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert (f"({key})" in name) == bool(key), action.toolTip()
    assert window.actions["save"].toolTip() == "Save Project (Ctrl+S) — Save the project"


def test_dialogs_open_no_larger_than_the_screen_allows(qtbot, window, monkeypatch):
    """A 680 x 720 properties dialog hid its OK button below a 1366 x 768 laptop's task bar; dialogs now start
    within a share of the screen (shrunk here to 70 % of the offscreen screen to see the rule at work)."""
    from workbench.window import screen_fit

    monkeypatch.setattr(screen_fit, "SCREEN_SHARE", 0.7)
    available = window.screen().availableGeometry()
    limit = (available.width() * 0.7, available.height() * 0.7)
    properties = window.show_properties(window.project.layer("office_listings"))
    algorithm = window.processing.controller.open_dialog("tools.buffer")
    for dialog in (properties, algorithm):
        assert dialog.width() <= limit[0] and dialog.height() <= limit[1], (dialog.windowTitle(), dialog.size())
    algorithm.close()
    properties.reject()


def test_select_all_on_a_raster_says_why_nothing_happened(qtbot, window):
    from affine import Affine

    from layers import RasterLayer

    raster = RasterLayer(np.zeros((4, 4), dtype="float32"), Affine(10, 0, 760000, 0, -10, 2560500), 32649,
                         name="heights")
    window.project.add_layer(raster)
    window.layer_tree.set_current_layer(raster)
    window.actions["select_all"].trigger()
    assert window.statusBar().currentMessage() == ("Select all: \u201cheights\u201d is a raster: "
                                                   "choose a layer with features")
    schools = window.project.layer("schools")
    window.layer_tree.set_current_layer(schools)
    window.actions["select_all"].trigger()
    assert schools.selection == frozenset(range(len(schools)))


def test_a_table_in_metres_without_crs_is_read_in_the_project_crs_when_the_planner_agrees(qtbot, window,
                                                                                          monkeypatch, tmp_path):
    """The reader refuses x/y in metres with no CRS ('give their CRS'), which a GUI user could not do."""
    import pandas as pd

    from layers import Project
    from tests.gui.conftest import ORIGIN

    table = tmp_path / "kiosks.csv"
    xs, ys = ORIGIN[0] + np.array([10.0, 250.0, 480.0]), ORIGIN[1] + np.array([20.0, 300.0, 640.0])
    pd.DataFrame({"name": ["a", "b", "c"], "x": xs, "y": ys}).to_csv(table, index=False)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    window.add_files([str(table)])
    qtbot.waitUntil(lambda: any(layer.name == "kiosks" for layer in window.project), timeout=20_000)
    assert len(asked) == 1 and "kiosks.csv" in asked[0] and "EPSG:32649" in asked[0]
    kiosks = window.project.layer("kiosks")
    assert kiosks.crs.to_epsg() == 32649
    assert list(kiosks.gdf.geometry.x) == pytest.approx(xs) and list(kiosks.gdf.geometry.y) == pytest.approx(ys)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    window.files.save_to(tmp_path / "district.lamp")  # the choice is kept: the file opens the same way again
    reopened = Project.load(tmp_path / "district.lamp").layer("kiosks")
    assert reopened.crs.to_epsg() == 32649 and list(reopened.gdf.geometry.x) == pytest.approx(xs)


def test_a_layer_without_crs_gets_one_in_its_properties_as_its_load_note_says(qtbot, window, tmp_path):
    from layers import Project
    from tests.gui.conftest import schools_layer
    from workbench.dialogs.errors import open_error_boxes

    schools_layer().gdf.to_file(tmp_path / "sites.shp")
    (tmp_path / "sites.prj").unlink()  # a shapefile without .prj, as city departments often send them
    window.add_files([str(tmp_path / "sites.shp")])
    qtbot.waitUntil(lambda: any(layer.name == "sites" for layer in window.project), timeout=20_000)
    sites = window.project.layer("sites")
    assert sites.crs is None and any("layer properties" in note for note in sites.notes)
    dialog = window.show_properties(sites)
    assert dialog.crs_edit.text() == "EPSG:32649"  # the project's CRS is offered
    dialog.crs_edit.setText("EPSG:99999999")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(open_error_boxes()))
    assert dialog.isVisible() and sites.crs is None and "EPSG:99999999" in open_error_boxes()[0].text()
    open_error_boxes()[0].close()
    dialog.crs_edit.setText("EPSG:32649")
    dialog.accept()
    assert not dialog.isVisible() and sites.crs.to_epsg() == 32649
    window.files.save_to(tmp_path / "district.lamp")
    assert Project.load(tmp_path / "district.lamp").layer("sites").crs.to_epsg() == 32649
