"""File > Export > QGIS Project… writes the .qgz in a worker: the archive's project lists the map's layers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

from tests.export import sample_project as sample


def test_export_menu_writes_a_qgis_project_of_the_map(qtbot, tmp_path):
    from workbench.export.qgis_export import QgisProjectDialog, QgisProjectWriter
    from workbench.main_window import MainWindow

    window = MainWindow(sample.make_project())
    window.files.session.mark_clean()
    window.show()
    qtbot.waitExposed(window)
    try:
        window.project.layers[0].visible = False
        window.actions["export_qgis"].trigger()
        (dialog,) = window.findChildren(QgisProjectDialog)
        assert dialog.extent == window.canvas.viewport.extent   # the view the menu was used from
        shown = dialog.extent
        dialog.selectFile(str(tmp_path / "map"))   # no extension typed: .qgz is added
        dialog.accept()
        assert window.findChild(QgisProjectWriter).wait(120)
        target = tmp_path / "map.qgz"
        qtbot.waitUntil(lambda: "map.qgz" in window.statusBar().currentMessage(), timeout=5000)
        with zipfile.ZipFile(target) as archive:
            root = ET.fromstring(archive.read("map.qgs"))
        tree = [(node.get("name"), node.get("checked")) for node in root.iter("layer-tree-layer")]
        expected = [(layer.name, "Qt::Checked" if layer.visible else "Qt::Unchecked")
                    for layer in reversed(window.project.layers)]
        assert tree == expected
        extent = root.find("mapcanvas/extent")
        assert [float(extent.find(k).text) for k in ("xmin", "ymin", "xmax", "ymax")] == list(shown)
    finally:
        window.files.session.mark_clean()
        window.close()
        window.deleteLater()
