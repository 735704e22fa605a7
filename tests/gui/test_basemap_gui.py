"""Basemaps in the workbench: a custom XYZ source and a WMS layer from a local server on 127.0.0.1 drawn on the
canvas and in the printed layout (pixels checked against the OpenStreetMap tile formula and the server's known
meridian), and Tianditu as a preset that asks for the user's key, which never reaches the project file."""

import math
import zipfile

import pyproj
import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QColor, QImage
from PyQt6.QtWidgets import QApplication, QDialog

from layers import Project
from layers.project_file import read_project, write_project
from workbench.basemap import BasemapSource, TileCache
from workbench.basemap.capabilities import read_capabilities, wms_source
from workbench.basemap.keys import project_basemap, save_key, saved_key
from workbench.dialogs.basemap_dialog import BasemapDialog
from workbench.export.layout import LayoutOptions, _footer_texts
from workbench.export.layout_export import export_layout

from .test_canvas import EMPTY_SPOT, pixel
from .tile_server import EAST, SPLIT_LON, WEST, TileServer

UTM49 = pyproj.CRS.from_epsg(32649)
TO_LONLAT = pyproj.Transformer.from_crs(UTM49, 4326, always_xy=True)
TIANHE = (113.325, 23.120)


def xyz_tile_at(colour: QColor, lon: float, lat: float) -> bool:
    """The test tile colour encodes (z, x, y); it must be the tile the OpenStreetMap formula puts at (lon, lat)."""
    r, g, b, _ = colour.getRgb()
    zoom = b // 10
    n = 2 ** zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return 8 <= zoom <= 19 and (r, g) == (x % 256, y % 256)


@pytest.fixture
def server():
    server = TileServer()
    yield server
    server.stop()


def test_custom_xyz_and_wms_draw_on_the_canvas(qtbot, window, server, tmp_path):
    canvas = window.canvas
    canvas.tile_cache = TileCache(tmp_path)
    lon, lat = TO_LONLAT.transform(*EMPTY_SPOT)
    xyz = BasemapSource("custom xyz", server.base + "/{s}/{z}/{x}/{y}.png", "(C) test", 19, ("a", "b"))
    window.basemaps.choose(xyz)
    qtbot.waitUntil(lambda: canvas.basemap_plane.image is not None and not canvas.is_rendering(), timeout=15000)
    assert xyz_tile_at(pixel(canvas, *EMPTY_SPOT), lon, lat)
    assert window.project.basemaps["active"]["name"] == "custom xyz" and window.basemap_actions["None"].isChecked() \
        is False

    wms = wms_source(read_capabilities(server.base + "/wms", "WMS"), "parks", "city parks", "(C) test WMS")
    window.basemaps.choose(wms)
    expected = QColor(*(WEST if lon < SPLIT_LON else EAST))
    qtbot.waitUntil(lambda: not canvas.is_rendering() and pixel(canvas, *EMPTY_SPOT) == expected, timeout=15000)
    assert any("REQUEST=GetMap" in p and "CRS=EPSG%3A32649" in p for p in server.paths)


def _page_pixel(info, dpi: float, x: float, y: float) -> tuple[int, int]:
    """Pixel of map point (x, y) on the exported page."""
    left, top, width, height = info.map_rect_mm
    minx, miny, maxx, maxy = info.extent
    mm_x = left + (x - minx) / (maxx - minx) * width
    mm_y = top + (maxy - y) / (maxy - miny) * height
    return round(mm_x * dpi / 25.4), round(mm_y * dpi / 25.4)


@pytest.mark.parametrize("kind", ["xyz", "wms"])
def test_the_print_layout_draws_the_projects_basemap(qapp, server, tmp_path, kind):
    e, n = pyproj.Transformer.from_crs(4326, UTM49, always_xy=True).transform(*TIANHE)
    project = Project(32649, title="Basemap print")
    project.view_extent = (e - 1500, n - 1000, e + 1500, n + 1000)
    if kind == "xyz":
        source = BasemapSource("custom xyz", server.base + "/tms/{z}/{x}/{-y}.png", "(C) test", 19)
    else:
        source = wms_source(read_capabilities(server.base + "/wms", "WMS"), "roads", "roads", "(C) test WMS")
    project.basemaps = {"active": source.definition()}
    dpi = 120
    out = tmp_path / "page.png"
    info = export_layout(project, out, LayoutOptions(dpi=dpi, legend=False, overview=False, title="Basemap"))
    page = QImage(str(out))
    cx, cy = (info.extent[0] + info.extent[2]) / 2, (info.extent[1] + info.extent[3]) / 2
    if kind == "xyz":
        for fx, fy in ((0.5, 0.5), (0.3, 0.6), (0.7, 0.4)):
            x = info.extent[0] + fx * (info.extent[2] - info.extent[0])
            y = info.extent[1] + fy * (info.extent[3] - info.extent[1])
            assert xyz_tile_at(page.pixelColor(*_page_pixel(info, dpi, x, y)), *TO_LONLAT.transform(x, y))
    else:
        lat = TO_LONLAT.transform(cx, cy)[1]
        split = pyproj.Transformer.from_crs(4326, UTM49, always_xy=True).transform(SPLIT_LON, lat)[0]
        px, py = _page_pixel(info, dpi, split, cy)
        assert page.pixelColor(px - 4, py).getRgb()[:3] == WEST
        assert page.pixelColor(px + 4, py).getRgb()[:3] == EAST
        assert any("GetMap" in p for p in server.paths)
    assert source.attribution in _footer_texts(project, [], LayoutOptions(), info.scale)[0]  # credited legibly
    assert source.attribution not in _footer_texts(project, [], LayoutOptions(basemap=False), info.scale)[0]
    # without the basemap the same page has no colour of it at the centre
    plain = tmp_path / "plain.png"
    export_layout(project, plain, LayoutOptions(dpi=dpi, legend=False, overview=False, title="Basemap",
                                                basemap=False))
    assert QImage(str(plain)).pixelColor(*_page_pixel(info, dpi, cx, cy)) != page.pixelColor(
        *_page_pixel(info, dpi, cx, cy))


def test_tianditu_preset_asks_for_a_key_and_keeps_it_out_of_the_project(qtbot, tmp_path):
    dialog = BasemapDialog(None, "tianditu-vector")
    qtbot.addWidget(dialog)
    assert dialog.key.isVisibleTo(dialog) and not dialog.url.isVisibleTo(dialog)
    dialog.accept()  # no key yet: refused, with the reason
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.source is None
    assert "Tianditu key" in dialog.problem.text()

    dialog.key.setText("KEY123abc")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    stack = dialog.source
    assert [part.url_template.rsplit("&", 1)[-1] for part in stack.parts] == ["tk=KEY123abc"] * 2
    tile = stack.parts[1].tile_url(5, 26, 13)
    assert tile.startswith("https://t") and ".tianditu.gov.cn/cva_w/wmts?" in tile and "TILEMATRIX=5" in tile
    assert "TILEROW=13&TILECOL=26" in tile and tile.endswith("tk=KEY123abc")
    assert saved_key("tianditu") == "KEY123abc"  # kept in the user's settings

    project = Project(32649)
    project.basemaps = {"active": stack.definition(), "custom": []}
    path = tmp_path / "tianditu.lamp"
    write_project(project, path)
    with zipfile.ZipFile(path) as archive:
        assert all(b"KEY123abc" not in archive.read(name) for name in archive.namelist())
        assert b"tianditu.gov.cn" in archive.read("project.json")
    reopened = read_project(path)
    assert project_basemap(reopened).parts[0].api_key == "KEY123abc"  # this user's key, from the settings
    save_key("tianditu", "")
    assert project_basemap(reopened) is None  # another user: no key, no tiles (the menu asks for one)


def test_the_tianditu_menu_entry_opens_the_key_form(qtbot, window):
    seen = []

    def answer(tries: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, BasemapDialog):
            if tries < 100:
                QTimer.singleShot(50, lambda: answer(tries + 1))
            return
        seen.append((dialog.preset, dialog.key.isVisibleTo(dialog)))
        dialog.reject()

    QTimer.singleShot(0, answer)
    window.basemap_actions["tianditu-imagery"].trigger()
    assert seen == [("tianditu-imagery", True)]
    assert window.canvas.basemap is None and window.basemap_actions["None"].isChecked()


def test_the_dialog_reads_wmts_layers_in_a_worker_and_builds_the_chosen_matrix_set(qtbot, server):
    dialog = BasemapDialog(None, "municipal")
    qtbot.addWidget(dialog)
    assert dialog.fetch.isVisibleTo(dialog) and dialog.matrix_set.isVisibleTo(dialog)
    assert "WMTS" in dialog.hint.text()
    dialog.url.setText(server.base + "/wmts")
    dialog.fetch.click()
    qtbot.waitUntil(lambda: dialog.matrix_set.count() == 2, timeout=15000)
    assert dialog.name.text() == "Local test WMTS"  # the server's title, until the user names it
    assert dialog.matrix_set.currentData() == "GoogleMapsCompatible"
    dialog.matrix_set.setCurrentIndex(dialog.matrix_set.findData("utm49"))
    dialog.accept()
    source = dialog.source
    assert source.kind == "wmts" and source.matrix_set == "utm49" and source.grid.crs == "EPSG:32649"
    assert "TILEMATRIXSET=utm49" in source.tile_url(2, 5, 7) and "TILEMATRIX=u2" in source.tile_url(2, 5, 7)


def test_an_xyz_template_from_a_gcj02_host_is_flagged_and_unflagged_ones_are_warned_about(qtbot):
    from workbench.basemap.menu import uncorrected_gcj02

    dialog = BasemapDialog(None, "xyz")
    qtbot.addWidget(dialog)
    dialog.name.setText("Gaode")
    qtbot.keyClicks(dialog.url, "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}")
    assert dialog.gcj02.isChecked()
    dialog.accept()  # {s} without subdomains is refused
    assert dialog.source is None and "subdomains" in dialog.problem.text()
    dialog.subdomains.setText("1,2,3,4")
    dialog.accept()
    assert dialog.source.gcj02 and dialog.source.subdomains == ("1", "2", "3", "4")
    assert not uncorrected_gcj02(dialog.source)
    unflagged = BasemapSource("Gaode", dialog.source.url, "", 18, ("1",))
    assert uncorrected_gcj02(unflagged)
    assert not uncorrected_gcj02(BasemapSource("OSM", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "", 19))


def test_a_project_reopens_with_its_custom_basemap_listed_and_shown(qtbot, server, tmp_path, project):
    from workbench.main_window import MainWindow

    wms = wms_source(read_capabilities(server.base + "/wms", "WMS"), "parks", "city parks", "(C) test WMS")
    project.basemaps = {"active": wms.definition(), "custom": [wms.definition()]}
    path = tmp_path / "saved.lamp"
    write_project(project, path)
    window = MainWindow(read_project(path))
    try:
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        assert window.basemap_actions["city parks"].isChecked()
        assert window.canvas.basemap == wms
        lon, _ = TO_LONLAT.transform(*EMPTY_SPOT)
        expected = QColor(*(WEST if lon < SPLIT_LON else EAST))
        qtbot.waitUntil(lambda: not window.canvas.is_rendering() and pixel(window.canvas, *EMPTY_SPOT) == expected,
                        timeout=15000)
    finally:
        window.files.session.mark_clean()
        window.close()
        window.deleteLater()
