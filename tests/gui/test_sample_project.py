"""The Tianhe sample in the main window, as a planner's first minutes: open, look, filter, select, identify, save.

Skipped when the sample has not been generated (``make sample``).
"""

from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt

from layers import Project
from workbench.canvas.map_canvas import BACKGROUND

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.lamp"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the Tianhe sample is not generated")


@pytest.fixture
def sample_window(qtbot):
    from workbench.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    assert window.files.open_project(SAMPLE, ask=False)
    qtbot.waitUntil(lambda: not window.canvas.is_rendering() and window.canvas.map_plane.image is not None,
                    timeout=30000)
    yield window
    window.files.session.mark_clean()
    window.close()
    window.deleteLater()


def test_sample_opens_renders_and_answers_questions(qtbot, sample_window, tmp_path):
    window, canvas = sample_window, sample_window.canvas
    project = window.project
    reference = Project.load(SAMPLE)
    assert [layer.name for layer in project] == [layer.name for layer in reference]
    assert window.layer_tree.model.rowCount() == len(reference)
    assert window.windowTitle().startswith("tianhe.lamp")

    # The river is drawn in its style's colour where the sample puts water.
    water = project.layer("water")
    point = water.gdf.geometry.iloc[0].representative_point()
    px, py = canvas.viewport.to_pixel(point.x, point.y)
    image = canvas.grab().toImage()
    assert image.pixelColor(int(px), int(py)) != BACKGROUND
    water.visible = False
    qtbot.waitUntil(lambda: canvas.grab().toImage().pixelColor(int(px), int(py)) == BACKGROUND, timeout=15000)
    water.visible = True

    # Attribute table filter on the office listings.
    offices = project.layer("office_space")
    window.show_attribute_table(offices)
    assert window.attribute_table.apply_filter('price_m2 < 200 and industry == "finance"')
    expected = np.flatnonzero(((offices.gdf.price_m2 < 200) & (offices.gdf.industry == "finance")).to_numpy())
    assert sorted(window.attribute_table.model.order) == list(expected) and len(expected) > 0

    # The search panel selects primary schools on the map.
    window.search.level.setCurrentText("primary")
    schools = project.layer("schools")
    count = window.search.find_schools()
    assert count == int((schools.gdf.level == "primary").sum()) > 0
    assert schools.selection == set(np.flatnonzero((schools.gdf.level == "primary").to_numpy()).tolist())

    # Identify a lamp pole by clicking on it.
    window.tools.activate("identify")
    poles = project.layer("lamp_poles")
    canvas.zoom_to_layer(poles)
    pole = poles.gdf.geometry.iloc[100]
    with qtbot.waitSignal(canvas.identified) as signal:
        x, y = canvas.viewport.to_pixel(pole.x, pole.y)
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    titles = [(r.layer.name, r.title) for r in signal.args[0]]
    assert ("lamp_poles", poles.gdf.pole_id.iloc[100]) in titles

    # Save under a new name and reopen: same layers, same styles, the view kept.
    target = tmp_path / "tianhe copy.lamp"
    assert window.files.save_to(target)
    assert window.files.open_project(target)
    assert [(layer.name, layer.visible, type(layer.style).__name__) for layer in window.project] == \
        [(layer.name, layer.visible, type(layer.style).__name__) for layer in project]
