"""Load QML… and Save QML… in the style editor, as a planner uses them: the loaded style shows in the editor and
becomes the layer's on OK; a style Lamplight cannot use is an error dialog naming the file and the reason."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from layers import RasterLayer
from layers.io.layer_styles import read_qml
from layers.qml import style_to_qml
from layers.styles import Categorized, Category, Labels, RasterRamp, SingleSymbol, Symbol
from workbench.dialogs.errors import open_error_boxes

INDUSTRY_STYLE = Categorized("industry", [Category("finance", Symbol(fill="#1b9e77", size=6.0), "Finance"),
                                          Category("tech", Symbol(fill="#d95f02", marker="square"), "Tech"),
                                          Category("law", Symbol(fill="#7570b3", marker="diamond"), "Law")],
                             other=Symbol(fill="#bdbdbd"), labels=Labels("listing_id", size=9.0, halo=None))


def _load(qtbot, editor, path):
    editor.files.load_qml(path)
    qtbot.waitUntil(lambda: editor.files.load_button.isEnabled(), timeout=10_000)


def test_a_loaded_qml_is_shown_and_applied_on_ok(qtbot, window, tmp_path):
    offices = window.project.layer("office_listings")
    path = tmp_path / "offices.qml"
    path.write_text(style_to_qml(INDUSTRY_STYLE, "point"), encoding="utf-8")
    dialog = window.edit_style(offices)
    editor = dialog.style_editor
    _load(qtbot, editor, path)
    assert "offices.qml" in editor.files.status.text()
    assert editor.kind.currentText() == "Categorised" and editor.category_field.currentText() == "industry"
    table = editor.category_table
    assert [(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())] == [
        ("finance", "Finance"), ("tech", "Tech"), ("law", "Law")]
    assert editor.labels_box.isChecked() and editor.label_field.currentText() == "listing_id"
    assert offices.style != INDUSTRY_STYLE  # nothing applied before OK
    dialog.accept()
    style = offices.style
    assert [(c.value, c.symbol, c.label) for c in style.categories] == [
        (c.value, c.symbol, c.label) for c in INDUSTRY_STYLE.categories]
    assert style.labels.field == "listing_id" and style.labels.size == 9.0
    symbols, index = style.symbols_for(offices.gdf["industry"])
    retail = np.asarray(offices.gdf["industry"] == "retail")
    assert {symbols[i].fill for i in index[retail]} == {"#9e9e9e"}  # the editor's 'all other values' grey


def test_an_unsupported_renderer_is_an_error_naming_file_and_type(qtbot, window, tmp_path):
    offices = window.project.layer("office_listings")
    before = offices.style
    path = tmp_path / "heat.qml"
    path.write_text('<qgis><renderer-v2 type="heatmapRenderer" radius="10"/></qgis>', encoding="utf-8")
    dialog = window.edit_style(offices)
    editor = dialog.style_editor
    kind = editor.kind.currentText()
    _load(qtbot, editor, path)
    qtbot.waitUntil(lambda: bool(open_error_boxes()), timeout=5_000)
    [box] = open_error_boxes()
    assert str(path) in box.text() and "heatmapRenderer" in box.text()
    box.close()
    assert editor.kind.currentText() == kind
    dialog.accept()
    assert offices.style == before


def test_a_raster_ramp_keeps_its_class_edges_exactly(qtbot, window, tmp_path):
    raster = RasterLayer(np.linspace(0, 100, 64, dtype="float32").reshape(1, 8, 8),
                         Affine(10, 0, 760_000, 0, -10, 2_560_080), 32649, name="dem")
    window.project.add_layer(raster)
    ramp = RasterRamp([(0.0, "#1a9850"), (10.000000000000002, "#fee08b"), (35.50000000000001, "#f46d43"),
                       (80.00000000000001, "#a50026")], discrete=True)  # as read from a QGIS DISCRETE ramp
    path = tmp_path / "dem.qml"
    path.write_text(style_to_qml(ramp), encoding="utf-8")
    dialog = window.edit_style(raster)
    _load(qtbot, dialog.style_editor, path)
    dialog.accept()
    assert raster.style == ramp
    assert raster.style.colour_at(10.0) == "#1a9850" and raster.style.colour_at(10.01) == "#fee08b"


def test_save_qml_writes_the_style_as_edited(qtbot, window, tmp_path):
    offices = window.project.layer("office_listings")
    dialog = window.edit_style(offices)
    editor = dialog.style_editor
    editor.kind.setCurrentText("Single symbol")
    editor.symbol.fill.set_colour("#123456")
    path = tmp_path / "single.qml"
    editor.files.save_qml(path)
    qtbot.waitUntil(lambda: editor.files.save_button.isEnabled(), timeout=10_000)
    assert "single.qml" in editor.files.status.text()
    style, notes = read_qml(path)
    assert isinstance(style, SingleSymbol) and style.symbol == editor.build_style().symbol and notes == []
    assert style.symbol.fill == "#123456"
    dialog.reject()


@pytest.fixture(autouse=True)
def _no_boxes_left():
    yield
    for box in open_error_boxes():
        box.close()


def test_save_qml_suggests_the_sidecar_qgis_opens_with_the_file(qtbot, window, tmp_path, monkeypatch):
    offices = window.project.layer("office_listings")
    offices.source = str(tmp_path / "offices.shp")
    asked = []

    def choose(parent, title, suggested, filters):
        asked.append(suggested)
        return str(tmp_path / "chosen"), filters

    monkeypatch.setattr("workbench.dialogs.style_files.QFileDialog.getSaveFileName", choose)
    editor = window.edit_style(offices).style_editor
    editor.files.save_button.click()
    qtbot.waitUntil(lambda: editor.files.save_button.isEnabled(), timeout=10_000)
    assert asked == [str(tmp_path / "offices.qml")]
    saved, shown = read_qml(tmp_path / "chosen.qml")[0], editor.build_style()  # office prices: graduated
    assert (saved.field, saved.classes) == (shown.field, shown.classes)  # QML keeps no unit
