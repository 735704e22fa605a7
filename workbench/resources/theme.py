"""The look of the workbench: Qt's Fusion style with a calm light palette and compact docks.

Fusion looks the same on Linux, Windows and macOS, so screenshots in the manual match what users see.
"""

from __future__ import annotations

from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import QApplication

ACCENT = "#1e6fc8"

STYLE_SHEET = f"""
QMainWindow::separator {{ background: #d5d9de; width: 1px; height: 1px; }}
QDockWidget {{ font-weight: 600; }}
QDockWidget::title {{ background: #e9edf1; padding: 5px 8px; border-bottom: 1px solid #d0d5db; }}
QDockWidget > QWidget {{ font-weight: normal; }}
QToolBar {{ background: #f5f6f8; border: none; border-bottom: 1px solid #d7dbe0; spacing: 2px; padding: 2px; }}
QToolBar::separator {{ background: #d0d5db; width: 1px; margin: 4px 5px; }}
QToolButton {{ padding: 3px; border-radius: 4px; }}
QToolButton:hover {{ background: #e2e9f2; }}
QToolButton:checked {{ background: #d3e3f6; border: 1px solid #9bbde4; }}
QStatusBar {{ background: #f5f6f8; border-top: 1px solid #d7dbe0; }}
QStatusBar QLabel {{ color: #37474f; }}
QGroupBox {{ font-weight: 600; border: 1px solid #d5d9de; border-radius: 5px; margin-top: 10px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 3px; }}
QHeaderView::section {{ background: #eef1f4; border: none; border-right: 1px solid #d7dbe0;
                        border-bottom: 1px solid #d0d5db; padding: 3px 6px; font-weight: 600; }}
QTreeView, QTableView, QTreeWidget {{ border: none; selection-background-color: {ACCENT}; }}
QTabBar::tab {{ padding: 4px 12px; }}
"""


#: Colours of enabled widgets (Active and Inactive groups: an unfocused window must not look disabled).
ENABLED_COLOURS = {
    QPalette.ColorRole.Window: "#f5f6f8",
    QPalette.ColorRole.WindowText: "#1f2a33",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f3f6f9",
    QPalette.ColorRole.Text: "#1f2a33",
    QPalette.ColorRole.Button: "#f2f4f6",
    QPalette.ColorRole.ButtonText: "#1f2a33",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: ACCENT,
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: ACCENT,
    QPalette.ColorRole.ToolTipBase: "#ffffe6",
    QPalette.ColorRole.ToolTipText: "#1f2a33",
    QPalette.ColorRole.PlaceholderText: "#8a96a0",
}
#: Disabled widgets: grey text on a flatter surface and a washed-out accent, so a finished run's Cancel button
#: or an empty form's Run button visibly cannot be pressed.
DISABLED_COLOURS = {
    QPalette.ColorRole.Window: "#f5f6f8",
    QPalette.ColorRole.WindowText: "#9aa3ab",
    QPalette.ColorRole.Base: "#f3f4f6",
    QPalette.ColorRole.AlternateBase: "#f0f2f4",
    QPalette.ColorRole.Text: "#a3abb2",
    QPalette.ColorRole.Button: "#eceef1",
    QPalette.ColorRole.ButtonText: "#a3abb2",
    QPalette.ColorRole.BrightText: "#f5f6f8",
    QPalette.ColorRole.Highlight: "#b7c3cf",
    QPalette.ColorRole.HighlightedText: "#f5f6f8",
    QPalette.ColorRole.Link: "#8fb3db",
    QPalette.ColorRole.ToolTipBase: "#ffffe6",
    QPalette.ColorRole.ToolTipText: "#1f2a33",
    QPalette.ColorRole.PlaceholderText: "#c0c6cc",
}


def theme_palette() -> QPalette:
    """The workbench palette: the same colours for active and inactive windows, greyed ones when disabled."""
    palette = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in ENABLED_COLOURS.items():
            palette.setColor(group, role, QColor(colour))
    for role, colour in DISABLED_COLOURS.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(theme_palette())
    app.setStyleSheet(STYLE_SHEET)
