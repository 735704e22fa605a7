"""Layer > Save Features As: the planner hands on a layer, or only its selection, as a file others can open."""

from __future__ import annotations

import pandas as pd
import pytest
from PyQt6.QtWidgets import QFileDialog, QMessageBox

from layers.io import open_layers
from workbench.dialogs.errors import open_error_boxes


def _answer(monkeypatch, *, only_selected: bool, path: str, chosen_filter: str = "CSV (*.csv)") -> None:
    """Answer the two questions the command asks: only the selection? and which file?"""
    choice = QMessageBox.StandardButton.Yes if only_selected else QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: choice)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (path, chosen_filter))


def test_selected_offices_are_saved_as_a_csv_list(window, monkeypatch, tmp_path):
    offices = window.project.layer("office_listings")
    offices.selection = frozenset({3, 7, 11})
    _answer(monkeypatch, only_selected=True, path=str(tmp_path / "shortlist"))  # no extension typed
    window.save_layer_as(offices)
    assert window.layer_export.wait()
    table = pd.read_csv(tmp_path / "shortlist.csv")
    assert list(table["listing_id"]) == ["OF003", "OF007", "OF011"]
    assert list(table["x"]) == pytest.approx(offices.gdf.geometry.x.iloc[[3, 7, 11]].tolist())
    assert (tmp_path / "shortlist.prj").exists()  # the CRS travels with the CSV


def test_whole_layer_to_geopackage_keeps_kind_and_every_feature(window, monkeypatch, tmp_path):
    offices = window.project.layer("office_listings")
    offices.selection = frozenset({0})
    _answer(monkeypatch, only_selected=False, path=str(tmp_path / "offices.gpkg"),
            chosen_filter="GeoPackage (*.gpkg)")
    window.save_layer_as(offices)
    assert window.layer_export.wait()
    (saved,) = open_layers(tmp_path / "offices.gpkg")
    assert len(saved) == len(offices.gdf) and saved.kind == "office_space"
    assert saved.gdf["price_m2"].tolist() == offices.gdf["price_m2"].tolist()


def test_a_failed_save_is_a_readable_dialog_and_the_app_stays_up(window, monkeypatch, tmp_path, qtbot):
    schools = window.project.layer(window.project.layers[0].name)
    _answer(monkeypatch, only_selected=False, path=str(tmp_path / "missing folder" / "schools.csv"))
    window.save_layer_as(schools)
    assert window.layer_export.wait()
    qtbot.waitUntil(lambda: bool(open_error_boxes()))
    text = open_error_boxes()[0].text()
    assert "missing folder" in text and "does not exist" in text
    for box in open_error_boxes():
        box.close()


def test_the_command_is_in_the_layer_menu_and_the_context_menu(window):
    layer = window.project.layers[0]
    labels = [a.text() for a in window.layer_tree.layer_actions(layer) if a is not None]
    assert "Save Features As…" in labels
    assert window.actions["save_layer_as"] in window.menu("&Layer").actions()


def test_the_formats_read_in_the_interface_language_and_a_chosen_one_adds_its_extension():
    """A Chinese planner picks "GeoTIFF 栅格 (*.tif *.tiff)" and types a bare name: the file gets .tif."""
    from pathlib import Path

    from layers.i18n import install_translator
    from layers.io.formats import read_filters, write_filters
    from workbench.window.layer_export import with_extension

    table = {("FileFilter", "GeoTIFF raster"): "GeoTIFF 栅格", ("FileFilter", "All files"): "所有文件",
             ("FileFilter", "CSV with coordinates"): "带坐标的 CSV"}
    install_translator(lambda context, text: table.get((context, text), text))
    try:
        assert write_filters(raster=True) == ["GeoTIFF 栅格 (*.tif *.tiff)"]
        assert write_filters(raster=False) == ["GeoPackage (*.gpkg)", "GeoJSON (*.geojson)", "CSV (*.csv)"]
        assert "带坐标的 CSV (*.csv *.tsv *.txt)" in read_filters() and read_filters()[-1] == "所有文件 (*)"
        assert with_extension("/data/dem", "GeoTIFF 栅格 (*.tif *.tiff)") == Path("/data/dem.tif")
        assert with_extension("/data/poles", "GeoPackage (*.gpkg)") == Path("/data/poles.gpkg")
        assert with_extension("/data/poles.shp", "CSV (*.csv)") == Path("/data/poles.shp")  # typed: kept
    finally:
        install_translator(None)
