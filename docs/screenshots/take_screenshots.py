"""Regenerate the README screenshots from the Tianhe sample, offscreen and without network.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take_screenshots.py
Writes main_window.png (1600 x 1000), identify_measure.png and coverage_results.png next to this script.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "sample_data" / "tianhe" / "tianhe.lamp"
OUT = Path(__file__).resolve().parent


def settle(app, window, timeout: float = 60.0) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        app.processEvents()
        if not window.canvas.is_rendering() and time.perf_counter() - start > 0.3:
            break
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def main() -> None:
    os.environ["LAMPLIGHT_CONFIG_DIR"] = tempfile.mkdtemp()  # the default window layout, not the user's own
    from workbench.app import create_application
    from workbench.main_window import MainWindow

    app = create_application([])
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    if not window.files.open_project(SAMPLE, ask=False):
        raise SystemExit(f"cannot open {SAMPLE}; run `make sample` first")
    settle(app, window)

    # The London Datastore question on the Tianhe sample: affordable office space for a finance firm.
    offices = window.project.layer("office_space")
    window.layer_tree.set_current_layer(offices)
    window.search.max_price.setValue(200)
    window.search.min_lease.setValue(24)
    window.search.industry.setCurrentText("finance")
    window.search.find_offices()
    window.canvas.zoom_to_selection(offices)
    window.canvas.zoom_by(1.35)
    window.show_attribute_table(offices)
    window.attribute_table.selected_only.setChecked(True)
    window.search.raise_()
    window.canvas.cursor_moved.emit(*window.canvas.viewport.to_map(520, 330))
    settle(app, window)
    window.grab().save(str(OUT / "main_window.png"))

    # Zoomed in: identify a lamp pole and measure a cable run along the street.
    canvas = window.canvas
    offices.selection = frozenset()
    window.attribute_table.selected_only.setChecked(False)
    poles = window.project.layer("lamp_poles")
    pole = poles.gdf.geometry.iloc[120]
    canvas.set_extent((pole.x - 260, pole.y - 170, pole.x + 260, pole.y + 170), margin=0.0)
    settle(app, window)
    window.layer_tree.set_current_layer(poles)
    window.show_attribute_table(poles)
    tool = window.tools.activate("measure_distance")
    for dx, dy in ((-200, -60), (40, -60), (40, 110)):
        tool.add_point(pole.x + dx, pole.y + dy)
    tool.finish()
    canvas.identify_at(*canvas.viewport.to_pixel(pole.x, pole.y))
    settle(app, window)
    window.grab().save(str(OUT / "identify_measure.png"))

    # An RF engineer's run: coverage of the 26 macro sites, its statistics in Processing Results.
    window.tools.activate("pan")
    dialog = window.processing.controller.open_dialog("coverage.rsrp", {
        "transmitters": "sites_5g", "surface": "building_height_2m", "demand": "demand", "schools": "schools"})
    dialog.start()
    start = time.perf_counter()
    while not dialog.run_button.isEnabled() and time.perf_counter() - start < 300:
        app.processEvents()
        time.sleep(0.02)
    if window.processing.results.current_frame() is None:
        raise SystemExit(f"the coverage run did not finish: {dialog.status.text()}")
    dialog.close()
    window.canvas.zoom_full()
    window.processing.history.raise_()
    settle(app, window)
    window.grab().save(str(OUT / "coverage_results.png"))
    window.files.session.mark_clean()
    window.close()


if __name__ == "__main__":
    main()
