"""Dashboard dock: its numbers match the project, and it redraws when the project changes."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers.layer import VectorLayer
from tests.export import sample_project as sample
from workbench.docks.dashboard import DashboardDock, chart_coverage, dashboard_numbers

COVERAGE_RUN = {"algorithm": "coverage.rsrp", "algorithm_name": "RSRP coverage", "status": "ok",
                "started": "2025-03-01T09:00:00",
                "summary": {"residents_covered_pct": 81.25, "schools_covered_pct": 50.0}}


def test_numbers_match_the_project():
    project = sample.make_project()
    project.record_run(COVERAGE_RUN)
    numbers = dashboard_numbers(project)
    poles = project.layer("Lamp poles").gdf
    assert numbers.pole_status == poles["status"].value_counts().to_dict()
    assert numbers.poles == sample.POLE_COUNT
    assert numbers.layers == 7 and numbers.visible_layers == 6 and numbers.rasters == 1
    assert numbers.features["Roads"] == sample.ROAD_COUNT
    assert numbers.coverage == {"Residents": 81.25, "Schools": 50.0}
    assert numbers.last_run.startswith("RSRP coverage")
    # the sites layer's cumulative coverage is the curve, starting from nothing covered with no site
    assert numbers.curve["covered_pct"].tolist() == pytest.approx([0, 31, 49, 60, 66, 69])


def test_dock_redraws_after_project_changes(qtbot):
    from workbench.window.project_bridge import ProjectBridge

    project = sample.make_project()
    bridge = ProjectBridge(project)
    dock = DashboardDock(bridge)
    qtbot.addWidget(dock)
    dock.show()
    qtbot.waitUntil(lambda: dock.numbers.poles == sample.POLE_COUNT, timeout=3000)
    assert not dock.charts["poles"].pixmap().isNull()
    extra = gpd.GeoDataFrame({"pole_id": ["X1", "X2", "X3"], "status": ["faulty", "faulty", "active"]},
                             geometry=[Point(sample.X0 + i, sample.Y0) for i in range(3)], crs=sample.CRS)
    project.add_layer(VectorLayer(extra, "More poles", kind="lamp_poles"))
    qtbot.waitUntil(lambda: dock.numbers.pole_status.get("faulty") == 2, timeout=3000)
    assert dock.numbers.poles == sample.POLE_COUNT + 3
    assert "27" in dock.tiles["Lamp poles"].text()
    project.record_run(COVERAGE_RUN)
    qtbot.waitUntil(lambda: dock.numbers.coverage.get("Residents") == 81.25, timeout=3000)
    # beside "Sites selected", the people tile says whose coverage it is: here every one of 3,101 poles
    people = {"people_covered_pct": 81.25, "people_covered": 812.5, "people_total": 1000.0}
    project.record_run({**COVERAGE_RUN, "summary": {**COVERAGE_RUN["summary"], **people, "sites": 3101}})
    qtbot.waitUntil(lambda: dock.numbers.coverage_scope == "RSRP of 3,101 sites", timeout=3000)
    assert "RSRP of 3,101 sites" in dock.tiles["People covered"].text()
    assert chart_coverage(dock.numbers, 300, 120).axes[0].get_title(loc="left") == "Covered (%) · RSRP of 3,101 sites"
    assert "81.2" in dock.tiles["People covered"].text()
