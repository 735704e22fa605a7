"""The exports in the workbench: File > Export menu, dashboard dock, layout dialog with live preview, dialogs
that write files."""

from __future__ import annotations

import pytest

from tests.export import sample_project as sample

# Settings, autosaves and tiles go to a temp folder for every test: tests/conftest.py (isolated_user_folders).


@pytest.fixture()
def window(qtbot):
    from workbench.main_window import MainWindow

    win = MainWindow(sample.make_project())
    win.files.session.mark_clean()
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.files.session.mark_clean()
    win.close()
    win.deleteLater()


def test_window_offers_exports_and_the_dashboard(window, qtbot):
    file_menu = window.menu("&File")
    export = next(a.menu() for a in file_menu.actions() if a.menu() and a.text().replace("&", "") == "Export")
    assert [a.text().replace("&", "") for a in export.actions()] == ["Print Layout…", "Web Map…",
                                                                     "Briefing Report…", "QGIS Project…"]
    assert file_menu.actions()[-1] is window.actions["quit"]  # Quit stays last
    window.actions["export_web"].trigger()
    from workbench.export.dialogs import WebMapDialog

    (dialog,) = window.findChildren(WebMapDialog)
    assert dialog.view_extent == window.canvas.viewport.extent  # "Current view" is what the map shows
    dialog.close()
    assert window.dashboard.toggleViewAction() in window.panels_menu.actions()
    window.dashboard.show()
    window.dashboard.raise_()
    qtbot.waitUntil(lambda: window.dashboard.numbers.poles == sample.POLE_COUNT, timeout=5000)


def test_layout_dialog_previews_and_exports(qtbot, tmp_path):
    from workbench.export.dialogs import LayoutDialog

    project = sample.make_project()
    dialog = LayoutDialog(project, project.view_extent)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview.rendered, timeout=15000):
        dialog.show()
    image = dialog.preview.image
    assert image is not None and image.width() > 100
    # the preview is the page: its left half (the map) holds colour, not a blank sheet
    colours = {image.pixel(x, y) for x in range(0, image.width() // 2, 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 30
    with qtbot.waitSignal(dialog.preview.rendered, timeout=15000):
        dialog.layout_name.setCurrentIndex(dialog.layout_name.findData("a4-portrait"))
    assert dialog.preview.image.height() > dialog.preview.image.width()
    dialog.title.setText("Briefing map")
    info = dialog.export_to(tmp_path / "page.png")
    assert info is not None and (tmp_path / "page.png").stat().st_size > 10_000
    assert info.page_mm == (210.0, 297.0)
    # The dialog says where the file went, and the title typed once is the project's title for the next export.
    assert str(tmp_path / "page.png") in dialog.saved.text() and "open the folder" in dialog.saved.text()
    assert project.title == "Briefing map"
    from workbench.export.dialogs import WebMapDialog

    assert WebMapDialog(project, project.view_extent).title.text() == "Briefing map"


def test_web_and_report_dialogs_write_their_files(qtbot, tmp_path):
    from workbench.export.dialogs import ReportDialog, WebMapDialog

    project = sample.make_project()
    web = WebMapDialog(project, project.view_extent)
    qtbot.addWidget(web)
    roads = next(row for row in range(web.fields.rowCount()) if web.fields.item(row, 0).text() == "Roads")
    web.fields.item(roads, 1).setText("width_m")  # instead of the default name, class and width
    counts = web.export_to(tmp_path / "map.html")
    assert counts["Lamp poles"] == sample.POLE_COUNT
    page = (tmp_path / "map.html").read_text(encoding="utf-8")  # the field typed in the table is what popups show
    start = page.index('Lamplight.register("Roads"')
    assert page[:page.index(", {}));", start)].endswith('["Width (m)"]')
    report = ReportDialog(project, project.view_extent)
    qtbot.addWidget(report)
    report.notes.setPlainText("For the Tuesday briefing")
    assert report.export_to(tmp_path / "report.html") is not None
    assert "For the Tuesday briefing" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_cancel_in_the_progress_dialog_stops_the_export(qtbot):
    import time

    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication, QProgressDialog, QPushButton

    from workbench.export.background import run_with_progress
    from workbench.export.progress import ExportCancelled

    def work(progress, cancelled):
        started = time.monotonic()
        while not cancelled():
            if time.monotonic() - started > 20:
                return "never cancelled"
            progress(10)
            time.sleep(0.01)
        raise ExportCancelled("export cancelled")

    def press_cancel():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                widget.findChild(QPushButton).click()  # what the user does
                return
        QTimer.singleShot(100, press_cancel)

    QTimer.singleShot(600, press_cancel)
    assert run_with_progress(None, "Exporting…", work) is None
