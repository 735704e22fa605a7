"""Fixtures for the GUI tests: a small planning project (offices, schools, buildings, roads) in UTM 49N and a
main window that closes without prompts. User settings are isolated for every test by ``tests/conftest.py``."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import Project, VectorLayer
from layers.default_styles import default_style

ORIGIN = (760_000.0, 2_560_000.0)  # Zhujiang New Town, EPSG:32649
INDUSTRIES = ("finance", "tech", "law", "retail")


def offices_layer(n: int = 40) -> VectorLayer:
    """Office listings on a 8 x 5 grid, 100 m apart; price rises with the column, lease term with the row."""
    x0, y0 = ORIGIN
    cols, rows = np.meshgrid(np.arange(8), np.arange(5))
    cols, rows = cols.ravel()[:n], rows.ravel()[:n]
    gdf = gpd.GeoDataFrame({
        "listing_id": [f"OF{i:03d}" for i in range(n)],
        "price_m2": 100.0 + 20.0 * cols,
        "lease_term_months": (6 + 6 * rows).astype("int64"),
        "industry": [INDUSTRIES[i % 4] for i in range(n)],
        "area_m2": 200.0 + 10 * np.arange(n),
    }, geometry=shapely.points(x0 + 100.0 * cols, y0 + 100.0 * rows), crs=32649)
    layer = VectorLayer(gdf, "office_listings", kind="office_space")
    layer.style = default_style(layer)
    return layer


def schools_layer() -> VectorLayer:
    x0, y0 = ORIGIN
    levels = ["primary", "middle", "primary", "high", "kindergarten", "university"]
    gdf = gpd.GeoDataFrame({
        "name": [f"School {i}" for i in range(len(levels))],
        "level": levels,
        "students": [400, 900, 650, 1200, 120, 8000],
    }, geometry=shapely.points(x0 + 50 + 120.0 * np.arange(len(levels)), y0 + 650.0), crs=32649)
    layer = VectorLayer(gdf, "schools", kind="schools")
    layer.style = default_style(layer)
    return layer


def buildings_layer() -> VectorLayer:
    """Three 60 m squares north of the offices; heights 20, 60 and 150 m."""
    x0, y0 = ORIGIN
    boxes = [shapely.box(x0 + 200 * i, y0 + 800, x0 + 200 * i + 60, y0 + 860) for i in range(3)]
    gdf = gpd.GeoDataFrame({"height_m": [20.0, 60.0, 150.0]}, geometry=boxes, crs=32649)
    layer = VectorLayer(gdf, "buildings", kind="buildings")
    layer.style = default_style(layer)
    return layer


def roads_layer() -> VectorLayer:
    x0, y0 = ORIGIN
    lines = [shapely.LineString([(x0 - 100, y0 + 250), (x0 + 800, y0 + 250)]),
             shapely.LineString([(x0 + 350, y0 - 100), (x0 + 350, y0 + 900)])]
    gdf = gpd.GeoDataFrame({"name": ["Huacheng Avenue", "Zhujiang Road"], "road_class": ["arterial", "secondary"]},
                           geometry=lines, crs=32649)
    layer = VectorLayer(gdf, "roads", kind="roads")
    layer.style = default_style(layer)
    return layer


@pytest.fixture
def project() -> Project:
    project = Project(32649, title="Test district")
    project.add_layers([buildings_layer(), roads_layer(), offices_layer(), schools_layer()])
    return project


@pytest.fixture
def window(qtbot, project):
    """The main window on the test project, 1200 x 800, shown offscreen; closed without the unsaved prompt."""
    from workbench.main_window import MainWindow

    win = MainWindow(project)
    win.files.session.mark_clean()
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.files.session.mark_clean()
    win.close()
    win.deleteLater()


def graduated_editor(window, layer: VectorLayer, *, field: str | None = None, method: str | None = None,
                     classes: int | None = None, ramp: str | None = None):
    """The style dialog of ``layer`` switched to Graduated and set as a planner would, in the editor's own order
    (field, method, class count, ramp); returns the dialog and its editor."""
    dialog = window.edit_style(layer)
    editor = dialog.style_editor
    editor.kind.setCurrentText("Graduated")
    if field is not None:
        editor.graduated_field.setCurrentText(field)
    if method is not None:
        editor.method.setCurrentText(method)
    if classes is not None:
        editor.class_count.setValue(classes)
    if ramp is not None:
        editor.ramp.setCurrentText(ramp)
    return dialog, editor
