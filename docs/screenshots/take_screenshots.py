"""Regenerate the README screenshots from the Tianhe sample, offscreen and without network.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take_screenshots.py [scenarios|editing|zh_CN]
Writes main_window.png (1600 x 1000), identify_measure.png and coverage_results.png next to this script; with
``scenarios`` or ``editing`` only scenario_comparison.png or editing.png; with ``zh_CN`` the interface in
Simplified Chinese: zh_CN_main_window.png (after a siting run), zh_CN_toolbox.png, zh_CN_siting_dialog.png and
zh_CN_print_layout.png (the A4 layout's page).
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


def run_dialog(app, window, algorithm: str, values: dict) -> None:
    dialog = window.processing.controller.open_dialog(algorithm, values)
    dialog.start()
    start = time.perf_counter()
    while not dialog.run_button.isEnabled() and time.perf_counter() - start < 300:
        app.processEvents()
        time.sleep(0.02)
    dialog.close()


def scenario_comparison(app, window) -> None:
    """Plan A: 40 sites; then 5 poles locked and A's first 3 sites excluded in the attribute table, plan B: 60
    sites; both kept as scenarios and compared: the difference layer, the swipe and the scenario panel."""
    poles = window.project.layer("lamp_poles")
    siting = {"candidates": "lamp_poles", "demand": "demand", "method": "greedy"}
    run_dialog(app, window, "siting.mclp", {**siting, "sites": 40})
    dock = window.scenarios
    dock.new_from_last_run("A: 40 sites", "first plan")
    plan_a = dock.scenarios()[0].sites
    ids = poles.gdf["pole_id"].astype(str).tolist()
    table = window.attribute_table
    window.show_attribute_table(poles)
    poles.selection = frozenset(ids.index(p) for p in [p for p in ids if p not in plan_a][200:205])
    table.decide_selected("approved")
    poles.selection = frozenset(ids.index(p) for p in plan_a[:3])
    table.decide_selected("rejected")
    poles.selection = frozenset()
    run_dialog(app, window, "siting.mclp", {**siting, "sites": 60})
    dock.new_from_last_run("B: 60 sites", "5 poles locked, 3 of A's excluded")
    dock.show()
    dock.raise_()
    dock.select("A: 40 sites", "B: 60 sites")
    layer = dock.compare_selected()
    dock.comparison.close()
    for other in window.project.layers:  # the plans' own layers would show under both sides; poles and offices clutter
        if (other.metadata.get("provenance") or {}).get("algorithm", "").startswith("siting.") or other.kind in (
                "lamp_poles", "office_space"):
            other.visible = False
    window.canvas.zoom_to_layer(layer)
    window.canvas.swipe.set_fraction(0.55)
    settle(app, window)
    window.grab().save(str(OUT / "scenario_comparison.png"))


def editing(app, window) -> None:
    """A planner's edits on the lamp poles: edit mode, a pole added and one moved (snapped to the road), a status
    changed in the attribute table, every step in the Undo History."""
    from layers.edits import SetAttributeValues

    poles = window.project.layer("lamp_poles")
    session = window.editing.session
    session.start(poles)
    pole = poles.gdf.geometry.iloc[120]
    window.canvas.set_extent((pole.x - 180, pole.y - 110, pole.x + 180, pole.y + 110), margin=0.0)
    session.add_point(poles, pole.x + 35, pole.y + 18, window.project.crs)
    session.move_point(poles, 121, poles.gdf.geometry.iloc[121].x + 12, poles.gdf.geometry.iloc[121].y + 9,
                       window.project.crs)
    session.set_values(poles, lambda: SetAttributeValues(poles, [120], "status", ["planned"]))
    poles.selection = frozenset({120, 121, len(poles.gdf) - 1})
    window.layer_tree.set_current_layer(poles)
    window.show_attribute_table(poles)
    window.attribute_table.selected_only.setChecked(True)
    window.editing.dock.show()
    window.editing.dock.raise_()
    settle(app, window)
    window.grab().save(str(OUT / "editing.png"))


def chinese(app, window) -> None:
    """The README's Chinese screenshots: a siting run's result in the window, the toolbox, the siting dialog
    and the print layout's page, all under the zh_CN catalogue."""
    run_dialog(app, window, "siting.mclp", {"candidates": "lamp_poles", "demand": "demand", "method": "greedy",
                                            "sites": 40})
    window.processing.history.raise_()
    settle(app, window)
    window.grab().save(str(OUT / "zh_CN_main_window.png"))
    window.processing.toolbox.raise_()
    settle(app, window)
    window.processing.toolbox.grab().save(str(OUT / "zh_CN_toolbox.png"))
    dialog = window.processing.controller.open_dialog("siting.mclp", {"candidates": "lamp_poles", "demand": "demand"})
    dialog.resize(900, 800)
    settle(app, window)
    dialog.grab().save(str(OUT / "zh_CN_siting_dialog.png"))
    dialog.close()
    from workbench.export.layout import LayoutOptions
    from workbench.export.layout_export import export_layout

    export_layout(window.project, OUT / "zh_CN_print_layout.png", LayoutOptions(dpi=110))


def main() -> None:
    os.environ["LAMPLIGHT_CONFIG_DIR"] = tempfile.mkdtemp()  # the default window layout, not the user's own
    from workbench.app import create_application
    from workbench.main_window import MainWindow

    app = create_application([], language="zh_CN" if sys.argv[1:2] == ["zh_CN"] else None)
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    if not window.files.open_project(SAMPLE, ask=False):
        raise SystemExit(f"cannot open {SAMPLE}; run `make sample` first")
    settle(app, window)
    only = {"scenarios": scenario_comparison, "editing": editing, "zh_CN": chinese}
    if sys.argv[1:2] and sys.argv[1] in only:
        only[sys.argv[1]](app, window)
        window.files.session.mark_clean()
        window.close()
        return

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
    scenario_comparison(app, window)
    window.files.session.mark_clean()
    window.close()


if __name__ == "__main__":
    main()
