"""Attribute table columns fit their content without Qt measuring every row: a rare long value far down the
table still gets room, as when Qt measures all rows (the reference here)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from layers import Project, VectorLayer


def test_columns_fit_a_rare_long_value_like_measuring_every_row(qtbot):
    from workbench.docks.attribute_table import MAX_COLUMN_WIDTH, AttributeTableDock
    from workbench.window.project_bridge import ProjectBridge

    n = 3000
    names = np.full(n, None, dtype=object)
    names[2500] = "Zhujiang West Tower Annex"  # one long name, far below the first screenful
    frame = gpd.GeoDataFrame({"pole_id": [f"P{i:05d}" for i in range(n)], "name": names,
                              "note": ["x" * 80] * n},  # longer than a column starts
                             geometry=gpd.points_from_xy(np.arange(n), np.zeros(n)), crs="EPSG:32649")
    project = Project()
    project.add_layer(VectorLayer(frame, "poles"))
    dock = AttributeTableDock(ProjectBridge(project))
    qtbot.addWidget(dock)
    dock.resize(900, 300)
    dock.show()
    qtbot.waitExposed(dock)
    ours = [dock.table.columnWidth(c) for c in range(dock.model.columnCount())]
    header = dock.table.horizontalHeader()
    header.setResizeContentsPrecision(-1)  # every row
    dock.table.resizeColumnsToContents()
    every_row = [min(dock.table.columnWidth(c), MAX_COLUMN_WIDTH) for c in range(dock.model.columnCount())]
    assert ours[2] == MAX_COLUMN_WIDTH
    assert np.abs(np.array(ours) - np.array(every_row)).max() <= 2
