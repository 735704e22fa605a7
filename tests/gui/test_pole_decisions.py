"""Decisions are data, from the GUI: lock and exclude poles in the attribute table, run MCLP from the Processing
dialog, and the plan keeps the locked poles and none of the excluded ones (checked against brute force)."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt

from plugins.runner import run_algorithm

from .siting_city import RADIUS, brute_force_mclp, city_layers, mclp_dialog, run_dialog

pytest.importorskip("pytestqt")


@pytest.fixture
def project(project):
    project.add_layers(list(city_layers()))
    return project


def select_rows(table, ids: list[str]) -> None:
    """Ctrl+click the table rows of ``ids`` (the table is unsorted and unfiltered: row = feature position)."""
    layer = table.layer
    table.clear_selection()
    for pole in ids:
        row = layer.gdf["pole_id"].tolist().index(pole)
        table.click_row(row, Qt.KeyboardModifier.ControlModifier)
    assert {layer.gdf["pole_id"].iloc[p] for p in layer.selection} == set(ids)


def test_lock_five_exclude_three_in_the_table_then_mclp_from_the_dialog(qtbot, window):
    poles, demand = window.project.layer("city_poles"), window.project.layer("city_demand")
    free_plan = run_algorithm("siting.mclp", {"candidates": poles, "demand": demand, "sites": 8, "radius": RADIUS})
    chosen = free_plan.outputs["selected_sites"].gdf["pole_id"].tolist()
    excluded = chosen[:3]                                          # poles the undecided optimum builds
    locked = [p for p in poles.gdf["pole_id"] if p not in chosen][:5]  # poles it does not
    table = window.attribute_table
    window.show_attribute_table(poles)
    assert table.layer is poles and table.decision_bar.isVisible()
    assert "decision" not in poles.fields

    select_rows(table, locked)
    qtbot.mouseClick(table.decision_buttons["approved"], Qt.MouseButton.LeftButton)
    select_rows(table, excluded)
    qtbot.mouseClick(table.decision_buttons["rejected"], Qt.MouseButton.LeftButton)
    decided = poles.gdf.set_index("pole_id")["decision"]
    assert sorted(decided[decided == "approved"].index) == sorted(locked)
    assert sorted(decided[decided == "rejected"].index) == sorted(excluded)
    assert decided.isna().sum() == 20 - 8

    dialog = mclp_dialog(window, sites=8)
    for unused in ("schools", "offices"):          # residents only, as the brute force counts them
        dialog.widgets[unused].set_value(None)
    assert dialog.widgets["decision_field"].value() == "decision"   # pre-filled: no ids typed
    record = run_dialog(qtbot, dialog)
    sites = window.project.layers[-1].gdf if "rank" in window.project.layers[-1].fields else next(
        layer.gdf for layer in reversed(window.project.layers) if "rank" in layer.fields)
    plan = set(sites["pole_id"])
    assert set(locked) <= plan and not plan & set(excluded) and len(plan) == 8
    assert record["summary"]["locked_poles"] == 5 and record["summary"]["excluded_poles"] == 3
    assert record["summary"]["covered_demand"] == pytest.approx(
        brute_force_mclp(poles, demand, 8, locked=locked, excluded=excluded))
    assert record["summary"]["covered_demand"] < free_plan.summary["covered_demand"]


def test_decisions_undo_in_one_step_each_and_clear(qtbot, window):
    poles = window.project.layer("city_poles")
    table = window.attribute_table
    window.show_attribute_table(poles)
    select_rows(table, ["P01", "P02"])
    table.decide_selected("approved")
    select_rows(table, ["P02"])
    table.decide_selected(None)
    assert poles.gdf["decision"].tolist()[1:3] == ["approved", None]
    window.editing.history.undo()
    assert poles.gdf["decision"].tolist()[1:3] == ["approved", "approved"]
    window.editing.history.undo()
    assert "decision" not in poles.fields        # the field the first step added goes with it
    window.editing.history.redo()
    assert poles.gdf["decision"].tolist()[1:3] == ["approved", "approved"]


def test_nothing_selected_is_said_not_done(qtbot, window):
    poles = window.project.layer("city_poles")
    window.show_attribute_table(poles)
    window.attribute_table.clear_selection()
    assert window.attribute_table.decide_selected("rejected") is False
    assert "Select the poles" in window.attribute_table.error_label.text() and "decision" not in poles.fields
