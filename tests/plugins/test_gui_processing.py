"""The generated dialog, the toolbox and the history dock, offscreen with pytest-qt."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

pytest.importorskip("pytestqt")

from PyQt6.QtCore import Qt  # noqa: E402
from PyQt6.QtWidgets import QApplication, QDoubleSpinBox  # noqa: E402

from layers import Project, VectorLayer  # noqa: E402
from plugins.api import Context  # noqa: E402
from plugins.registry import Registry  # noqa: E402
from plugins.runner import run_algorithm  # noqa: E402
from tests.plugins.conftest import CRS, points  # noqa: E402
from workbench.export.values import (  # noqa: E402
    KNOWN_HEADINGS,
    RESULT_HEADINGS,
    RESULT_KNOWN_HEADINGS,
    field_heading,
)
from workbench.processing.dialog import AlgorithmDialog  # noqa: E402
from workbench.processing.history import HistoryDock  # noqa: E402
from workbench.processing.toolbox import PROBLEMS_GROUP, ToolboxDock  # noqa: E402


@pytest.fixture(scope="module")
def registry() -> Registry:
    registry = Registry()
    registry.load_builtins(("plugins.tools",))
    return registry


def dialog_for(qtbot, registry, algorithm_id, project) -> AlgorithmDialog:
    dialog = AlgorithmDialog(registry.get(algorithm_id), project)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choices(widget) -> list[str]:
    return [widget.combo.itemText(i) for i in range(widget.combo.count())]


def test_layer_pickers_are_filtered_and_fields_follow_the_layer(qtbot, registry, project):
    dialog = dialog_for(qtbot, registry, "tools.count_points", project)
    assert choices(dialog.widgets["polygons"]) == ["districts"]
    assert sorted(choices(dialog.widgets["points"])) == ["offices", "poles", "schools"]
    weight = dialog.widgets["weight"]
    dialog.widgets["points"].set_value("offices")
    assert choices(weight) == ["(none)", "price_m2"]  # numeric fields only
    dialog.widgets["points"].set_value("poles")
    assert choices(weight) == ["(none)", "height_m"]


def test_choices_read_as_words_and_give_the_option_a_script_writes(qtbot, registry, project):
    """A choice lists its labels ("All matches"); the value handed to the run, the history and the command line is
    still the option ("all matches"), and a saved option puts the list on its label."""
    dialog = dialog_for(qtbot, registry, "tools.join_by_location", project)
    mode = dialog.widgets["mode"]
    assert choices(mode) == ["First match", "All matches"]
    assert choices(dialog.widgets["predicate"]) == ["intersects", "is within", "contains", "touches"]
    mode.set_value("ALL MATCHES")
    assert mode.combo.currentText() == "All matches" and mode.value() == "all matches"
    dialog.widgets["predicate"].set_value("within")
    assert dialog.values()["predicate"] == "within" and dialog.values()["mode"] == "all matches"


def test_spin_boxes_carry_unit_and_range(qtbot, registry, project):
    dialog = dialog_for(qtbot, registry, "tools.buffer", project)
    spin = dialog.widgets["distance"].spin
    assert isinstance(spin, QDoubleSpinBox)
    assert spin.suffix() == " m" and spin.minimum() == -100_000 and spin.maximum() == 100_000
    assert spin.value() == 100.0
    assert dialog.widgets["segments"].spin.maximum() == 64
    assert "Buffer distance" in dialog.help.toPlainText()


def test_run_adds_outputs_identical_to_a_direct_run(qtbot, registry, project):
    dialog = dialog_for(qtbot, registry, "tools.nearest", project)
    dialog.widgets["input"].set_value("offices")
    dialog.widgets["target"].set_value("schools")
    dialog.widgets["target_field"].set_value("name")
    layers_before = len(project)
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    record = finished.args[0]
    assert len(project) == layers_before + 1 and project.history == [record]
    added = project.layers[-1]
    assert added.name == "offices nearest schools" and added.style is not None
    direct = run_algorithm("tools.nearest", {"input": "offices", "target": "schools", "target_field": "name"},
                           Context(project=project)).outputs["output"]
    assert_geodataframe_equal(added.gdf, direct.gdf)
    assert record["parameters"] == {"input": "offices", "target": "schools", "target_field": "name",
                                    "max_distance": None}
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled())
    assert dialog.status.text().startswith("Done in") and dialog.status.text().endswith(": 1 layer added to the map.")


def test_a_refused_parameter_is_named_and_nothing_changes(qtbot, registry, project):
    dialog = dialog_for(qtbot, registry, "tools.filter", project)
    dialog.widgets["input"].set_value("offices")
    dialog.widgets["expression"].set_value('industri == "tech"')
    layers_before = project.layers
    dialog.start()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=30_000)
    assert "parameter 'expression'" in dialog.status.text() and "did you mean 'industry'" in dialog.status.text()
    assert dialog.widgets["expression"].property("invalid") is True
    assert project.layers == layers_before and project.history == []


def _slow_buffer_dialog(qtbot, registry, project):
    """The Buffer dialog set to buffer 100,000 points with 64 segments (a run that takes long enough to cancel),
    the points added to the project; not started."""
    many = VectorLayer(gpd.GeoDataFrame({"id": np.arange(100_000)}, geometry=points(100_000, 5, 5000), crs=CRS),
                       "many points")
    project.add_layer(many)
    dialog = dialog_for(qtbot, registry, "tools.buffer", project)
    dialog.widgets["input"].set_value("many points")
    dialog.widgets["segments"].set_value(64)
    return dialog


def test_cancel_stops_the_run_and_leaves_the_project_unchanged(qtbot, registry, project):
    dialog = _slow_buffer_dialog(qtbot, registry, project)
    layers_before = project.layers
    dialog.start()
    assert dialog.cancel_button.isEnabled() and not dialog.run_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=30_000)
    assert dialog.status.text() == "Cancelled. The project is unchanged."
    assert project.layers == layers_before and project.history == []


def test_toolbox_search_and_activation(qtbot, registry):
    toolbox = ToolboxDock(registry)
    qtbot.addWidget(toolbox)
    from plugins.tools import algorithms

    assert len(toolbox.visible_algorithms()) == len(algorithms())  # every vector tool, none hidden
    toolbox.search.setText("nearest school")
    assert toolbox.visible_algorithms() == ["tools.nearest"]
    toolbox.search.setText("zzz")
    assert toolbox.visible_algorithms() == []
    toolbox.search.setText("")
    with qtbot.waitSignal(toolbox.algorithm_requested) as requested:
        toolbox.tree.itemActivated.emit(toolbox.item_for("tools.clip"), 0)
    assert requested.args == ["tools.clip"]


def test_toolbox_lists_broken_plugins(qtbot):
    registry = Registry()
    registry.load_builtins(("plugins.tools", "plugins.not_written_yet"))
    toolbox = ToolboxDock(registry)
    qtbot.addWidget(toolbox)
    last = toolbox.tree.topLevelItem(toolbox.tree.topLevelItemCount() - 1)
    assert last.text(0) == f"{PROBLEMS_GROUP} (1)"
    assert last.child(0).text(0) == "plugins.not_written_yet: is not installed"


def _buffer_schools_in_history(qtbot, registry, project, tmp_path, distance: float) -> HistoryDock:
    """Save the project, buffer the schools by ``distance`` from the tool's dialog and wait until the History
    dock lists the run."""
    project.save(tmp_path / "city.lamp")
    history = HistoryDock(project)
    qtbot.addWidget(history)
    dialog = dialog_for(qtbot, registry, "tools.buffer", project)
    dialog.widgets["input"].set_value("schools")
    dialog.widgets["distance"].set_value(distance)
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.start()
    qtbot.waitUntil(lambda: history.tree.topLevelItemCount() == 1)
    return history


def test_history_lists_runs_reruns_and_copies_the_command(qtbot, registry, project, tmp_path):
    history = _buffer_schools_in_history(qtbot, registry, project, tmp_path, 250)
    row = history.tree.topLevelItem(0)
    assert row.text(1) == "Buffer" and row.text(3) == "schools buffer 250 m (12 features)"
    assert "outputs: schools buffer 250 m (12 features)" in row.toolTip(0)  # the dock is often too narrow
    assert '"distance": 250.0' in history.details.toPlainText()
    assert history.command() == ("python main.py run tools.buffer --input schools --distance 250.0 --segments 8 "
                                 f"--dissolve false --project {tmp_path / 'city.lamp'}")
    history.copy_command()
    assert QApplication.clipboard().text() == history.command()
    with qtbot.waitSignal(history.rerun_requested) as rerun:
        qtbot.mouseClick(history.rerun_button, Qt.MouseButton.LeftButton)
    algorithm_id, values = rerun.args
    again = AlgorithmDialog(registry.get(algorithm_id), project, values=values)
    qtbot.addWidget(again)
    assert again.widgets["input"].value() is project.layer("schools")
    assert again.widgets["distance"].value() == 250.0


def test_pickers_follow_layers_added_and_removed_while_open(qtbot, registry, project, schools):
    dialog = dialog_for(qtbot, registry, "tools.clip", project)
    overlay = dialog.widgets["overlay"]
    assert choices(overlay) == ["districts"]
    zones = VectorLayer(schools.gdf.buffer(100).to_frame("geometry"), "school zones")
    project.add_layer(zones)
    qtbot.waitUntil(lambda: choices(overlay) == ["school zones", "districts"])  # the new layer is on top
    overlay.set_value("school zones")
    project.remove_layer(zones)
    qtbot.waitUntil(lambda: choices(overlay) == ["districts"])
    assert overlay.value() is project.layer("districts")


def test_the_main_window_has_processing(qtbot, project):
    from workbench.main_window import MainWindow

    window = MainWindow(project)
    qtbot.addWidget(window)
    processing = window.processing
    menu = window.menu("&Processing")
    titles = [action.text() for action in menu.actions()]
    assert titles[:2] == ["&Toolbox", "&History"] and "Vector tools" in titles
    assert titles.count("&Toolbox") == 1
    assert processing.toolbox.toggleViewAction() in window.panels_menu.actions()
    dialog = processing.controller.open_dialog("tools.filter")
    qtbot.addWidget(dialog)
    dialog.widgets["input"].set_value("offices")
    dialog.widgets["expression"].set_value('industry == "tech"')
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.start()
    assert window.project.layers[-1].name == "offices filtered"
    qtbot.waitUntil(lambda: processing.history.tree.topLevelItemCount() == 1)
    dialog.close()
    window.files.session.mark_clean()  # close without the "unsaved changes" question
    window.close()


def test_layer_pickers_list_the_top_of_the_layer_tree_first(qtbot, registry, project):
    """The tree shows the last added layer on top; pickers start there, layers with a municipal kind first."""
    dialog = dialog_for(qtbot, registry, "tools.buffer", project)
    assert choices(dialog.widgets["input"]) == ["schools", "offices", "poles", "districts"]
    assert dialog.widgets["input"].value() is project.layer("schools")


def test_run_right_after_cancel_waits_for_the_cancelled_run_to_report(qtbot, registry, project):
    """Run pressed (or Enter) before the cancelled run's last signals arrive must not start a second thread."""
    dialog = _slow_buffer_dialog(qtbot, registry, project)
    dialog.start()
    first = dialog.worker
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    dialog.cancel()
    first.wait()  # the thread has ended; its 'cancelled' and 'finished' signals are still queued
    dialog.start()
    assert dialog.worker is first  # refused: a second thread would be deleted by the first one's 'finished'
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=30_000)
    assert dialog.status.text() == "Cancelled. The project is unchanged." and project.history == []
    dialog.widgets["input"].set_value("schools")
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.start()
    assert project.layers[-1].name.startswith("schools buffer")
    cancelled, second = dialog.log.toPlainText().split("── run of ")  # the second run's messages stand apart
    assert "Cancelled by the user." in cancelled and "Cancelled" not in second


COVERAGE_PARAMS = {"transmitters": "poles", "schools": "schools", "model": "free_space", "max_radius": 100.0,
                   "resolution": 20.0}


def test_table_outputs_open_in_the_results_dock_and_come_back_with_the_project(qtbot, project, tmp_path):
    """Coverage statistics used to be visible nowhere in the workbench; they show, sort, copy, save and reload."""
    from workbench.main_window import MainWindow

    window = MainWindow(project)
    qtbot.addWidget(window)
    window.show()
    processing = window.processing
    dialog = processing.controller.open_dialog("coverage.rsrp", COVERAGE_PARAMS)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(processing.controller.tables_ready, timeout=60_000):
        dialog.start()
    results = processing.results
    assert results.isVisible() and dialog.status.text().endswith(
        ": 4 layers added to the map, 2 tables in Processing Results.")
    assert [results.chooser.itemData(i) for i in range(results.chooser.count())] == ["statistics", "per_site"]
    direct = run_algorithm("coverage.rsrp", COVERAGE_PARAMS, Context(project=project)).outputs
    pd.testing.assert_frame_equal(results.current_frame(), direct["statistics"])
    view = results.view.model()  # rows in the algorithm's order until a header is clicked
    assert [view.index(r, 0).data() for r in range(view.rowCount())] == list(direct["statistics"]["measure"])
    horizontal = Qt.Orientation.Horizontal
    assert [view.headerData(c, horizontal) for c in range(view.columnCount())] == [
        "Measure", "Covered", "Total", "Share (%)", "Unit"]  # headings, in the interface's language
    assert view.headerData(3, horizontal, Qt.ItemDataRole.ToolTipRole) == "share_pct"  # the field Copy writes
    listed = {*RESULT_HEADINGS, *RESULT_KNOWN_HEADINGS.values(), *KNOWN_HEADINGS.values()}
    assert {field_heading(column) for name in ("statistics", "per_site") for column in direct[name].columns} <= listed
    results.copy_table()
    assert QApplication.clipboard().text().splitlines()[0] == "\t".join(direct["statistics"].columns)
    results.save_csv(str(tmp_path / "statistics.csv"))
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "statistics.csv"), direct["statistics"],
                                  check_dtype=False)

    window.project.save(tmp_path / "city.lamp")
    reopened = Project.load(tmp_path / "city.lamp")
    window.set_project(reopened)
    assert results.chooser.count() == 0 and "appear here" in results.title.text()  # no stale tables
    history = processing.history
    qtbot.waitUntil(lambda: history.tree.topLevelItemCount() == 1)
    assert history.tables_button.isEnabled() and '"data"' not in history.details.toPlainText()
    history.show_tables()
    results.show_table("per_site")
    pd.testing.assert_frame_equal(results.current_frame(), direct["per_site"], check_dtype=False)
    window.files.session.mark_clean()
    window.close()


def test_results_dock_stays_narrow_and_counts_rows_in_words(qtbot):
    """The run's long name once sat beside the buttons and broke into five lines, widening the window."""
    from workbench.processing.results import ResultsDock

    dock = ResultsDock()
    qtbot.addWidget(dock)
    record = {"algorithm_name": "Coverage: RSRP, best server and SINR", "started": "2025-03-01T09:00:00+00:00",
              "outputs": {"statistics": {"description": "Shares covered"}, "per_site": {"description": "Per site"}}}
    dock.show_run(record, {"statistics": pd.DataFrame({"measure": ["area"], "share_pct": [30.6]}),
                           "per_site": pd.DataFrame({"site_id": ["A", "B"]})})
    assert [dock.chooser.itemText(i) for i in range(2)] == ["Shares covered (1 row)", "Per site (2 rows)"]
    assert dock.minimumSizeHint().width() <= 420


def test_an_empty_layer_picker_says_what_it_wants(qtbot, registry):
    dialog = dialog_for(qtbot, registry, "tools.count_points", Project(CRS))
    combo = dialog.widgets["points"].combo
    assert combo.currentText() == "(no suitable layer: pick a file with …)"
    assert dialog.widgets["points"].value() is None and dialog.widgets["weight"].value() is None


def test_escape_during_a_run_cancels_it_like_close(qtbot, registry, project):
    """Esc used to hide the dialog and let the run go on unseen, adding layers later; Close cancelled it."""
    dialog = _slow_buffer_dialog(qtbot, registry, project)
    layers_before = project.layers
    dialog.start()
    worker = dialog.worker
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and worker.isFinished() and worker.feedback.is_cancelled()
    qtbot.wait(50)
    assert project.layers == layers_before and project.history == []


def test_the_copied_command_line_gives_the_same_result_in_a_terminal(qtbot, registry, project, tmp_path):
    """History > Copy as command line, pasted into a shell in the Lamplight folder, reproduces the GUI's run."""
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    history = _buffer_schools_in_history(qtbot, registry, project, tmp_path, 120)
    history.copy_command()
    words = shlex.split(QApplication.clipboard().text())
    assert words[:3] == ["python", "main.py", "run"]
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, *words[1:], "--output-dir", str(tmp_path / "out")], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    from_terminal = gpd.read_file(tmp_path / "out" / "output.gpkg")
    in_gui = project.layers[-1].gdf
    assert len(from_terminal) == len(in_gui) == 12
    assert from_terminal.geometry.area.sum() == pytest.approx(in_gui.geometry.area.sum(), rel=1e-9)
    assert from_terminal.geometry.symmetric_difference(in_gui.geometry.reset_index(drop=True)).area.max() < 1e-6


def test_toolbox_names_do_not_repeat_their_group(qtbot):
    """'Site selection: fewest sites…' under 'Site selection' was cut off where the names begin to differ."""
    registry = Registry()
    registry.load_builtins(("plugins.siting", "plugins.coverage"))
    toolbox = ToolboxDock(registry)
    qtbot.addWidget(toolbox)
    item = toolbox.item_for("siting.lscp")
    assert item.parent().text(0) == "Site selection"
    assert item.text(0) == "Fewest sites covering the demand (LSCP)"
    assert toolbox.item_for("siting.mclp").text(0) == "k sites covering the most demand (MCLP)"
    assert toolbox.item_for("coverage.rsrp").text(0) == "RSRP, best server and SINR"
    assert "Site selection: fewest sites covering the demand (LSCP)" in item.toolTip(0)


def test_a_table_that_cannot_be_saved_is_explained_not_raised(qtbot, tmp_path):
    """Save as CSV into a folder that is gone: a dialog names the file and the reason, no traceback."""
    from workbench.dialogs.errors import open_error_boxes
    from workbench.processing.results import ResultsDock

    dock = ResultsDock()
    qtbot.addWidget(dock)
    record = {"algorithm_name": "Coverage <RSRP>", "outputs": {"statistics": {"description": "Shares covered"}}}
    dock.show_run(record, {"statistics": pd.DataFrame({"measure": ["area"], "share_pct": [30.6]})})
    assert "&lt;RSRP&gt;" in dock.title.text()  # a name is text, not markup
    target = tmp_path / "gone" / "statistics.csv"
    assert dock.save_csv(str(target)) is False and not target.exists()
    boxes = open_error_boxes()
    assert len(boxes) == 1 and str(target) in boxes[0].text() and "non-existent directory" in boxes[0].text()
    boxes[0].close()
    assert dock.save_csv(str(tmp_path / "statistics.csv")) is True
    assert pd.read_csv(tmp_path / "statistics.csv")["share_pct"].tolist() == [30.6]


def test_the_log_lists_the_summary_in_words_not_python():
    from workbench.processing.dialog import summary_lines

    lines = summary_lines({"objective": 447749.75, "coverage_pairs": 302444, "gap_pct": 0.0338, "bound": None,
                           "excluded_candidates": {"out of service": 321}, "notes": ["swaps raised the plan"]})
    assert lines == ["Results:", "  objective: 447,749.75", "  coverage_pairs: 302,444", "  gap_pct: 0.0338",
                     "  bound: none", "  excluded_candidates:", "    out of service: 321", "  notes:",
                     "    - swaps raised the plan"]
    assert summary_lines({}) == []


def test_a_saved_result_table_cannot_carry_a_spreadsheet_formula(qtbot, tmp_path):
    """A site name like '=HYPERLINK(...)' from someone's data is written as text, not as a formula Excel runs."""
    from workbench.processing.results import ResultsDock

    dock = ResultsDock()
    qtbot.addWidget(dock)
    table = pd.DataFrame({"site_id": ["=HYPERLINK(\"http://x\")", "S2"], "delta_db": [-3.5, 2.0]})
    dock.show_run({"algorithm_name": "Sites", "outputs": {"per_site": {"description": "Per site"}}},
                  {"per_site": table})
    assert dock.save_csv(str(tmp_path / "per_site.csv"))
    saved = pd.read_csv(tmp_path / "per_site.csv")
    assert saved["site_id"].tolist() == ["'=HYPERLINK(\"http://x\")", "S2"]
    assert saved["delta_db"].tolist() == [-3.5, 2.0]  # numbers, negatives included, stay numbers
