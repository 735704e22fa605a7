"""Layer tree, attribute table and search panel on a small project, without the renderer."""

import numpy as np
import pandas as pd
import pytest
from PyQt6.QtCore import QModelIndex, Qt

from layers import Project
from workbench.docks.attribute_model import AttributeTableModel, format_value, sort_positions
from workbench.docks.layer_tree_model import LayerTreeModel
from workbench.docks.search_queries import distinct_values, office_mask, school_mask

from .conftest import offices_layer, schools_layer


def test_tree_lists_layers_top_first_and_toggles_visibility(qapp, project):
    model = LayerTreeModel(project)
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert names == [layer.name for layer in reversed(project.layers)]
    offices = project.layer("office_listings")
    index = model.index_of_layer(offices)
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert offices.visible is False


def test_tree_shows_legend_children_for_classified_styles(qapp, project):
    model = LayerTreeModel(project)
    offices = project.layer("office_listings")
    index = model.index_of_layer(offices)
    labels = [model.data(model.index(r, 0, index)) for r in range(model.rowCount(index))]
    assert len(labels) == len(offices.style.classes) and labels[0].endswith("CNY/m²/month")
    child = model.index(0, 0, index)
    assert model.parent(child) == index and model.layer_at(child) is offices


def test_tree_drag_reorders_project_layers(qapp, project):
    model = LayerTreeModel(project)
    project.events.connect(model.on_project_event)
    bottom = project.layers[0]  # buildings, shown last
    data = model.mimeData([model.index_of_layer(bottom)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())  # drop at the top
    assert project.layers[-1] is bottom
    top_row_name = model.data(model.index(0, 0))
    assert top_row_name == bottom.name
    # Drop the top layer between the 2nd and 3rd displayed rows.
    model.dropMimeData(model.mimeData([model.index(0, 0)]), Qt.DropAction.MoveAction, 2, 0, QModelIndex())
    assert [model.data(model.index(r, 0)) for r in range(4)][1] == bottom.name


def test_rename_keeps_names_unique(qapp, project):
    model = LayerTreeModel(project)
    assert model.setData(model.index_of_layer(project.layer("roads")), "schools", Qt.ItemDataRole.EditRole)
    assert project.layers[1].name == "schools (2)"


def test_attribute_model_sort_filter_and_position_mapping(qapp):
    layer = offices_layer()
    model = AttributeTableModel()
    model.set_layer(layer)
    assert model.rowCount() == 40 and model.columns[0] == "listing_id"
    price = model.columns.index("price_m2")
    model.sort(price, Qt.SortOrder.DescendingOrder)
    shown = [float(model.data(model.index(r, price))) for r in range(model.rowCount())]
    assert shown == sorted(layer.gdf["price_m2"], reverse=True)
    mask = (layer.gdf["industry"] == "finance").to_numpy()
    model.set_filter_mask(mask)
    assert model.rowCount() == mask.sum()
    assert set(model.order) == set(np.flatnonzero(mask))
    assert list(model.rows_of([int(model.order[3]), 1])) == [3]  # position 1 is "tech": filtered out


def test_sort_puts_missing_last_and_survives_mixed_types():
    column = pd.Series([3.0, None, 1.0, 2.0])
    assert list(sort_positions(column, np.arange(4), False)) == [2, 3, 0, 1]
    assert list(sort_positions(column, np.arange(4), True)) == [0, 3, 2, 1]
    mixed = pd.Series(["b", 1, "a"], dtype=object)
    assert list(sort_positions(mixed, np.arange(3), False)) == [1, 2, 0]


def test_value_formatting():
    assert format_value(None) == "NULL" and format_value(float("nan")) == "NULL"
    assert format_value(3.0) == "3.0" and format_value(123.456) == "123.46" and format_value(True) == "true"


def test_office_and_school_masks_match_brute_force():
    frame = offices_layer().gdf.copy()
    frame.loc[3, "price_m2"] = np.nan
    mask = office_mask(frame, max_price=160, min_lease=12, max_lease=24, industry="Finance")
    expected = [bool(p <= 160 and 12 <= t <= 24 and ind == "finance")
                for p, t, ind in zip(frame.price_m2, frame.lease_term_months, frame.industry, strict=True)]
    assert list(mask) == expected and mask.sum() > 0
    assert office_mask(frame).all()
    schools = schools_layer().gdf
    assert list(np.flatnonzero(school_mask(schools, level="primary"))) == [0, 2]


@pytest.fixture
def docks(qtbot, project):
    from workbench.docks.attribute_table import AttributeTableDock
    from workbench.docks.search_panel import SearchDock
    from workbench.window.project_bridge import ProjectBridge

    bridge = ProjectBridge(project)
    table, search = AttributeTableDock(bridge), SearchDock(bridge)
    qtbot.addWidget(table)
    qtbot.addWidget(search)
    return bridge, table, search


def test_attribute_table_filter_expression_and_selection_sync(qtbot, docks):
    bridge, table, _ = docks
    offices = bridge.project.layer("office_listings")
    table.show_layer(offices)
    assert table.model.layer is offices
    assert table.apply_filter('price_m2 < 160 and industry == "finance"')
    expected = np.flatnonzero(((offices.gdf.price_m2 < 160) & (offices.gdf.industry == "finance")).to_numpy())
    assert sorted(table.model.order) == list(expected)
    assert not table.apply_filter("price_m2 <")  # a syntax error keeps the previous filter and says why
    assert table.error_label.isVisibleTo(table) and "expression" in table.error_label.text()
    assert sorted(table.model.order) == list(expected)
    assert not table.apply_filter("__import__('os')")
    # table -> map: a real click on a cell, then Ctrl+click and Shift+click
    model, view = table.model, table.table
    table.show()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(1, 2)).center())
    assert offices.selection == {int(model.order[1])}
    table.click_row(3, Qt.KeyboardModifier.ControlModifier)
    assert offices.selection == {int(model.order[1]), int(model.order[3])}
    table.click_row(0)
    table.click_row(2, Qt.KeyboardModifier.ShiftModifier)
    assert offices.selection == set(model.order[:3].tolist())
    # map -> table: selected rows are painted as selected, others not
    offices.selection = frozenset({int(expected[1]), 0, 5})
    assert len(offices.selection) == 3
    painted = {r for r in range(model.rowCount())
               if model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole) is not None}
    assert painted == set(model.rows_of(offices.selection).tolist()) and painted
    assert table.count_label.text().endswith("3\u00a0selected")
    table.invert_selection()
    assert len(offices.selection) == len(offices.gdf) - 3


def test_search_panel_selects_matching_offices_and_schools(docks):
    bridge, _, search = docks
    offices = bridge.project.layer("office_listings")
    search.max_price.setValue(140)
    search.min_lease.setValue(12)
    search.industry.setCurrentText("tech")
    count = search.find_offices()
    expected = office_mask(offices.gdf, max_price=140, min_lease=12, industry="tech")
    assert count == expected.sum() > 0
    assert offices.selection == set(np.flatnonzero(expected).tolist())
    assert search.results.topLevelItemCount() == count
    search.level.setCurrentText("primary")
    assert search.find_schools() == 2
    assert bridge.project.layer("schools").selection == {0, 2}


def test_search_panel_says_when_the_layer_kind_is_missing(qtbot):
    from workbench.docks.search_panel import SearchDock
    from workbench.window.project_bridge import ProjectBridge

    search = SearchDock(ProjectBridge(Project(32649)))
    qtbot.addWidget(search)
    assert search.find_offices() == 0 and "office_space" in search.summary.text()


def test_dashboard_last_run_reads_as_local_time_like_the_history(project):
    import re
    from datetime import UTC, datetime

    from workbench.docks.dashboard import dashboard_numbers

    project.record_run({"algorithm": "siting.mclp", "algorithm_name": "Site selection", "status": "ok",
                        "started": "2025-03-01T09:00:00+00:00", "summary": {}})
    local = datetime(2025, 3, 1, 9, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    text = dashboard_numbers(project).last_run
    assert text == f"Site selection · {local}" and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", text)


def test_industry_choices_are_the_distinct_stripped_values_sorted():
    frame = pd.DataFrame({"industry": [" finance", "tech", None, "finance ", "", "Tech", "tech"]})
    assert distinct_values(frame, "industry") == sorted({"finance", "tech", "Tech"})
    assert distinct_values(frame, "no such field") == []
    many = pd.DataFrame({"industry": [f"i{n:03d}" for n in range(150)] * 3})
    assert distinct_values(many, "industry", limit=100) == [f"i{n:03d}" for n in range(100)]
