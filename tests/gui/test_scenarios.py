"""Scenarios through the window: two MCLP runs from the Processing dialog become two scenarios in the Scenarios
dock (figures from their run records), rename and delete undo, and Compare adds the layer of sites only in A, only
in B and in both, checked against set operations on the two plans' pole ids."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor

from layers.scenarios import BOTH, COMPARISON_COLOURS, ONLY_A, ONLY_B

from .siting_city import city_layers, mclp_dialog, run_dialog

pytest.importorskip("pytestqt")


@pytest.fixture
def project(project):
    project.add_layers(list(city_layers()))
    return project


def plan_ids(window, record: dict) -> set[str]:
    """Pole ids of a run's selected-sites layer, found by the run id in its provenance."""
    layer = next(layer for layer in window.project.layers
                 if (layer.metadata.get("provenance") or {}).get("run_id") == record["run_id"] and "rank" in
                 layer.fields)
    return set(layer.gdf["pole_id"])


def dock_text(dock, row: int, column: str) -> str:
    return dock.table.item(row, dock.COLUMNS.index(column)).text()


@pytest.fixture
def two_scenarios(qtbot, window):
    dock = window.scenarios
    dock.show()
    assert not dock.buttons["new"].isEnabled()      # no siting run yet
    records = []
    for sites, name in ((4, "A: 4 sites"), (7, "B: 7 sites")):
        dialog = mclp_dialog(window, sites)
        if records:       # B never builds A's first site: the plans differ both ways
            dialog.widgets["excluded"].set_value(sorted(plan_ids(window, records[0]))[0])
        records.append(run_dialog(qtbot, dialog))
        dialog.close()
        assert dock.buttons["new"].isEnabled()
        dock.new_from_last_run(name, note=f"{sites} poles")
    return dock, records


def test_two_runs_become_two_scenarios_with_their_figures(qtbot, window, two_scenarios):
    dock, (run_a, run_b) = two_scenarios
    assert [s.name for s in window.project.scenarios] == ["A: 4 sites", "B: 7 sites"]
    assert dock.table.rowCount() == 2
    for row, record in enumerate((run_a, run_b)):
        summary = record["summary"]
        people = summary.get("people_covered", summary.get("covered_people"))
        assert dock_text(dock, row, "Sites") == f"{summary['sites']:,}"
        assert dock_text(dock, row, "Cost") == f"{summary['total_cost']:,.1f}"
        assert dock_text(dock, row, "People covered") == f"{people:,.0f}"
        assert set(window.project.scenarios[row].sites) == plan_ids(window, record)
    pa = run_a["summary"].get("people_covered", run_a["summary"].get("covered_people"))
    pb = run_b["summary"].get("people_covered", run_b["summary"].get("covered_people"))
    expected = (run_b["summary"]["total_cost"] - run_a["summary"]["total_cost"]) / ((pb - pa) / 1000)
    assert dock.base_box.currentText() == "A: 4 sites"
    assert dock_text(dock, 1, "Cost per 1,000 more people") == f"{expected:,.1f}"
    assert dock_text(dock, 0, "Cost per 1,000 more people") == "–"


def test_rename_and_delete_are_undone(qtbot, window, two_scenarios):
    dock, _ = two_scenarios
    history = window.editing.history
    dock.select("B: 7 sites")
    assert dock.rename(dock.selected()[0], "B: more sites")
    dock.select("A: 4 sites")
    qtbot.mouseClick(dock.buttons["delete"], Qt.MouseButton.LeftButton)
    assert [s.name for s in window.project.scenarios] == ["B: more sites"] and dock.table.rowCount() == 1
    history.undo()
    history.undo()
    assert [s.name for s in window.project.scenarios] == ["A: 4 sites", "B: 7 sites"]
    assert dock_text(dock, 1, "Scenario") == "B: 7 sites"


def test_compare_adds_the_difference_layer_of_the_two_plans(qtbot, window, two_scenarios):
    dock, (run_a, run_b) = two_scenarios
    a_ids, b_ids = plan_ids(window, run_a), plan_ids(window, run_b)
    layers_before = len(window.project)
    dock.select("A: 4 sites", "B: 7 sites")
    assert dock.buttons["compare"].isEnabled()
    with qtbot.waitSignal(dock.compared) as compared:
        qtbot.mouseClick(dock.buttons["compare"], Qt.MouseButton.LeftButton)
    layer = compared.args[2]
    assert len(window.project) == layers_before + 1 and window.project.layers[-1] is layer
    groups = {label: set(layer.gdf.loc[layer.gdf["in"] == label, "pole_id"]) for label in (ONLY_A, ONLY_B, BOTH)}
    assert groups[ONLY_A] == a_ids - b_ids and groups[ONLY_B] == b_ids - a_ids and groups[BOTH] == a_ids & b_ids
    assert len(layer.gdf) == len(a_ids | b_ids) and groups[ONLY_A] and groups[ONLY_B]
    assert window.project.scenarios[1].excluded == [sorted(a_ids)[0]] and window.project.scenarios[0].excluded == []
    assert len({c.symbol.fill for c in layer.style.categories}) == 3
    table = dock.comparison
    rows = {table.cell(r, 0): r for r in range(table.table.rowCount())}
    overlap = rows["Sites only in this scenario"]
    assert table.cell(overlap, 1) == f"{len(a_ids - b_ids):,}" and table.cell(overlap, 2) == f"{len(b_ids - a_ids):,}"
    assert table.cell(rows["Sites in both"], 1) == f"{len(a_ids & b_ids):,}"
    window.editing.history.undo()                      # the comparison layer goes again, and its swipe
    assert len(window.project) == layers_before and window.canvas.swipe is None


def colour_distance(image, window, x: float, y: float, colour: str) -> float:
    px, py = window.canvas.viewport.to_pixel(x, y)
    pixel, wanted = image.pixelColor(round(px), round(py)), QColor(colour)
    return abs(pixel.red() - wanted.red()) + abs(pixel.green() - wanted.green()) + abs(pixel.blue() - wanted.blue())


def test_the_comparison_swipes_a_left_and_b_right(qtbot, window, two_scenarios):
    dock, _ = two_scenarios
    dock.select("A: 4 sites", "B: 7 sites")
    layer = dock.compare_selected()
    swipe = window.canvas.swipe
    assert swipe is not None and swipe.hidden == {layer.id} and dock.buttons["end_swipe"].isEnabled()
    a = window.project.scenarios.get("A: 4 sites")
    b = window.project.scenarios.get("B: 7 sites")
    assert set(swipe.sides[0][0].gdf["pole_id"]) == set(a.sites)
    assert set(swipe.sides[1][0].gdf["pole_id"]) == set(b.sites)
    for other in window.project.layers:       # the runs' own outputs and the poles would show under both sides
        other.visible = other is layer
    window.canvas.zoom_to_layer(layer)
    qtbot.waitUntil(lambda: not window.canvas.is_rendering(), timeout=30_000)
    where = layer.gdf.set_index("pole_id").geometry
    only_a, only_b = sorted(set(a.sites) - set(b.sites))[0], sorted(set(b.sites) - set(a.sites))[0]
    seen = {}
    for fraction in (1.0, 0.0):            # the divider at the right edge: all A; at the left edge: all B
        swipe.set_fraction(fraction)
        image = window.canvas.grab().toImage()
        seen[fraction] = (colour_distance(image, window, where[only_a].x, where[only_a].y, COMPARISON_COLOURS[ONLY_A]),
                          colour_distance(image, window, where[only_b].x, where[only_b].y, COMPARISON_COLOURS[ONLY_B]))
    assert seen[1.0][0] < 40 and seen[1.0][1] > 120      # A's site drawn, B's not
    assert seen[0.0][0] > 120 and seen[0.0][1] < 40      # and the other way round
    qtbot.mouseClick(dock.buttons["end_swipe"], Qt.MouseButton.LeftButton)
    assert window.canvas.swipe is None and not dock.buttons["end_swipe"].isEnabled()


def test_a_coverage_run_added_to_a_scenario_fills_its_shares(qtbot, window, two_scenarios):
    dock, _ = two_scenarios
    dock.select("A: 4 sites")
    assert not dock.buttons["attach"].isEnabled()        # no coverage run yet
    window.project.record_run({"algorithm": "coverage.rsrp", "run_id": "cov-1", "status": "ok",
                               "summary": {"residents_covered_pct": 83.4, "workers_covered_pct": 91.0,
                                           "schools_covered_pct": 100.0}})
    dock.select("A: 4 sites")
    qtbot.mouseClick(dock.buttons["attach"], Qt.MouseButton.LeftButton)
    assert [dock_text(dock, 0, c) for c in ("Residents %", "Workers %", "Schools %")] == ["83.4 %", "91.0 %",
                                                                                         "100.0 %"]
    assert dock_text(dock, 1, "Workers %") == "–"
    window.editing.history.undo()
    assert dock_text(dock, 0, "Workers %") == "–" and window.project.scenarios[0].runs[-1] != "cov-1"
