"""The dashboard draws its charts only when the user can see it: not while it waits behind another tab, and at
once when its tab is brought to the front."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow

from tests.export import sample_project as sample
from workbench.docks.dashboard import DashboardDock

ROOT = Path(__file__).resolve().parents[2]


def test_dashboard_behind_a_tab_waits_until_it_is_brought_up(qtbot):
    from workbench.window.project_bridge import ProjectBridge

    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel("map"))
    bridge = ProjectBridge(sample.make_project())
    front = QDockWidget("Search")
    front.setWidget(QLabel("search"))
    dashboard = DashboardDock(bridge)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, front)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dashboard)
    window.tabifyDockWidget(front, dashboard)
    window.show()
    front.raise_()
    qtbot.waitExposed(window)
    bridge.project_replaced.emit(bridge.project)
    qtbot.waitUntil(lambda: not dashboard._timer.isActive(), timeout=3000)  # any pending redraw has had its turn
    assert dashboard.isVisible() and dashboard.visibleRegion().isEmpty()  # behind the tab
    assert dashboard.numbers.poles == 0 and dashboard.charts["poles"].pixmap().isNull()
    dashboard.raise_()
    qtbot.waitUntil(lambda: dashboard.numbers.poles == sample.POLE_COUNT, timeout=3000)
    assert not dashboard.charts["poles"].pixmap().isNull()


def test_importing_the_dashboard_leaves_matplotlib_for_its_first_chart():
    """A fresh interpreter: the dock's module does not import matplotlib (about 0.3 s of start-up)."""
    code = "import sys, workbench.docks.dashboard; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
