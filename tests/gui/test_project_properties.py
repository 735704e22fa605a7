"""Project > Properties: search the CRS database by code, pick one, and the project (and the map) change CRS;
Set Layer CRS in the layer properties assigns a CRS without moving the coordinates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine

from layers import Project, RasterLayer, VectorLayer
from layers.project_file import write_project
from workbench.dialogs.project_properties import ProjectPropertiesDialog


def _wait_listed(qtbot, picker) -> None:
    qtbot.waitUntil(lambda: picker.is_loaded, timeout=20_000)


def test_search_by_code_pick_and_the_project_crs_changes(qtbot, project):
    dialog = ProjectPropertiesDialog(project)
    qtbot.addWidget(dialog)
    _wait_listed(qtbot, dialog.picker)
    total = dialog.picker.proxy.rowCount()
    assert total > 5000  # pyproj's projected and geographic CRSs
    qtbot.keyClicks(dialog.picker.search, "4547")
    labels = [dialog.picker.proxy.index(i, 0).data() for i in range(dialog.picker.proxy.rowCount())]
    assert "EPSG:4547 \u2014 CGCS2000 / 3-degree Gauss-Kruger CM 114E" in labels and len(labels) < 20
    dialog.picker.search.clear()
    qtbot.keyClicks(dialog.picker.search, "cgcs2000 gauss 114E")  # words in any order, any case
    labels = [dialog.picker.proxy.index(i, 0).data() for i in range(dialog.picker.proxy.rowCount())]
    assert labels and all("114E" in label and "CGCS2000" in label for label in labels)
    assert dialog.picker.select_code("EPSG:4547")
    assert dialog.selected_crs == pyproj.CRS.from_epsg(4547)
    dialog.title_edit.setText("Tianhe 5G plan")
    events = []
    project.events.connect(lambda event: events.append(event.type))
    dialog.accept()
    assert project.crs.to_epsg() == 4547 and project.title == "Tianhe 5G plan" and "crs" in events
    # Layers keep their own CRS; the project shows them in its CRS (the extent moved into CGCS2000 GK 114E).
    assert all(layer.crs.to_epsg() == 32649 for layer in project)
    minx, _, maxx, _ = project.full_extent()
    expected = pyproj.Transformer.from_crs(32649, 4547, always_xy=True).transform(760_000.0, 2_560_000.0)
    assert minx - 200 < expected[0] < maxx + 200


def test_the_recommended_local_crs_is_offered_for_a_web_mercator_project(qtbot):
    gdf = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.Point(113.32, 23.12), shapely.Point(113.34, 23.14)],
                           crs=4326).to_crs(3857)
    project = Project(3857)
    project.add_layer(VectorLayer(gdf, "poles"))
    dialog = ProjectPropertiesDialog(project)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.use_recommended.isEnabled(), timeout=20_000)
    assert dialog.recommended.to_epsg() == 4547
    assert "Mercator" in dialog.advice.text()  # says why the current CRS falls short
    dialog.use_recommended.click()
    dialog.accept()
    assert project.crs.to_epsg() == 4547


def test_the_menu_opens_the_dialog_and_the_map_follows_the_new_crs(qtbot, window, monkeypatch):
    from workbench.dialogs import project_properties

    before = window.canvas.viewport.extent
    centre = ((before[0] + before[2]) / 2, (before[1] + before[3]) / 2)

    def pick_4547(self):
        _wait_listed(qtbot, self.picker)
        self.picker.select_code("EPSG:4547")
        self.accept()
        return self.result()

    monkeypatch.setattr(project_properties.ProjectPropertiesDialog, "exec", pick_4547)
    window.actions["project_properties"].trigger()
    assert window.project.crs.to_epsg() == 4547
    after = window.canvas.viewport.extent
    x, y = pyproj.Transformer.from_crs(32649, 4547, always_xy=True).transform(*centre)
    assert after[0] < x < after[2] and after[1] < y < after[3]  # the same place is still in view


def test_set_layer_crs_assigns_without_reprojecting(qtbot, window):
    layer = window.project.layer("schools")
    xs = list(layer.gdf.geometry.x)
    dialog = window.show_properties(layer)
    assert dialog.crs_edit.text() == "EPSG:32649"
    dialog.crs_edit.setText("EPSG:32650")  # the file said zone 49, the surveyor says zone 50
    dialog.accept()
    assert layer.crs.to_epsg() == 32650 and list(layer.gdf.geometry.x) == pytest.approx(xs)
    assert layer.metadata["source_options"]["crs"] == "EPSG:32650"
    assert any("was EPSG:32649" in note for note in layer.notes)


def test_set_layer_crs_on_a_raster_keeps_its_cells_and_survives_a_reopen(qtbot, window, tmp_path):
    heights = np.arange(12, dtype="float32").reshape(3, 4)
    with rasterio.open(tmp_path / "heights.tif", "w", driver="GTiff", width=4, height=3, count=1, dtype="float32",
                       crs="EPSG:32649", transform=Affine(10, 0, 760000, 0, -10, 2560000)) as out:
        out.write(heights, 1)
    window.add_files([str(tmp_path / "heights.tif")])
    qtbot.waitUntil(lambda: any(isinstance(layer, RasterLayer) for layer in window.project), timeout=20_000)
    raster = next(layer for layer in window.project if isinstance(layer, RasterLayer))
    transform, cells = raster.transform, raster.data.copy()
    dialog = window.show_properties(raster)
    assert dialog.crs_edit.text() == "EPSG:32649"
    dialog.crs_edit.setText("EPSG:32650")
    dialog.accept()
    assert raster.crs.to_epsg() == 32650 and raster.transform == transform
    assert (raster.data == cells).all()
    write_project(window.project, tmp_path / "moved.lamp")
    reopened = Project.load(tmp_path / "moved.lamp").layer(raster.name)
    assert reopened.crs.to_epsg() == 32650 and reopened.transform == transform


def test_a_new_project_opened_on_wgs84_data_gets_the_local_metric_crs(qtbot, window, tmp_path):
    gdf = gpd.GeoDataFrame({"pole_id": ["A", "B"]}, geometry=[shapely.Point(113.32, 23.12),
                                                              shapely.Point(113.34, 23.14)], crs=4326)
    gdf.to_file(tmp_path / "poles.geojson")
    window.set_project(Project())
    window.add_files([str(tmp_path / "poles.geojson")])
    qtbot.waitUntil(lambda: len(window.project) == 1, timeout=20_000)
    assert window.project.crs.to_epsg() == 4547  # not the file's EPSG:4326
    assert window.project.layer("poles").crs.to_epsg() == 4326  # the layer keeps its own
    assert "EPSG:4547" in window.statusBar().currentMessage()
