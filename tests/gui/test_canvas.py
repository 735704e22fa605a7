"""The map canvas: real renders checked pixel by pixel, navigation, tools and the background render planes."""

import socket

import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QColor, QWheelEvent

from layers.default_styles import BUILDING_COLOURS
from layers.styles import parse_colour
from workbench.basemap import BasemapSource, TileCache
from workbench.canvas.map_canvas import BACKGROUND

from .conftest import ORIGIN
from .tile_server import TileServer, tile_colour

X0, Y0 = ORIGIN
TALL_BUILDING_CENTRE = (X0 + 430.0, Y0 + 830.0)  # 150 m high: class 100-200 m
EMPTY_SPOT = (X0 + 760.0, Y0 + 720.0)


def wait_rendered(qtbot, canvas):
    qtbot.waitUntil(lambda: not canvas.is_rendering() and canvas.map_plane.image is not None, timeout=15000)


def pixel(canvas, x, y) -> QColor:
    px, py = canvas.viewport.to_pixel(x, y)
    return canvas.grab().toImage().pixelColor(int(px), int(py))


def colour(text: str) -> QColor:
    return QColor(*parse_colour(text))


def test_known_feature_has_its_style_colour_and_empty_map_is_background(qtbot, window):
    canvas = window.canvas
    wait_rendered(qtbot, canvas)
    assert pixel(canvas, *TALL_BUILDING_CENTRE) == colour(BUILDING_COLOURS[3])
    assert pixel(canvas, *EMPTY_SPOT) == BACKGROUND
    # The first building (20 m) is in the lightest class.
    assert pixel(canvas, X0 + 30, Y0 + 830) == colour(BUILDING_COLOURS[0])


def test_hiding_a_layer_and_selecting_change_the_pixels(qtbot, window):
    canvas = window.canvas
    wait_rendered(qtbot, canvas)
    buildings = window.project.layer("buildings")
    buildings.selection = frozenset({2})
    qtbot.waitUntil(lambda: pixel(canvas, *TALL_BUILDING_CENTRE) == QColor("#ffff00"), timeout=10000)
    buildings.visible = False
    qtbot.waitUntil(lambda: pixel(canvas, *TALL_BUILDING_CENTRE) == BACKGROUND, timeout=10000)


def test_old_image_follows_a_pan_before_any_new_render(qtbot, window):
    canvas = window.canvas
    wait_rendered(qtbot, canvas)
    rendered_for = canvas.map_plane.image_viewport
    canvas.set_viewport(canvas.viewport.panned(120, -40), render=False)
    assert canvas.map_plane.image_viewport is rendered_for and not canvas.is_rendering()
    assert pixel(canvas, *TALL_BUILDING_CENTRE) == colour(BUILDING_COLOURS[3])
    zoomed = canvas.viewport.zoomed(2.0, canvas.viewport.to_pixel(*TALL_BUILDING_CENTRE))
    canvas.set_viewport(zoomed, render=False)
    assert pixel(canvas, *TALL_BUILDING_CENTRE) == colour(BUILDING_COLOURS[3])


def test_stale_renders_are_dropped_and_the_last_view_wins(qtbot, window):
    canvas = window.canvas
    wait_rendered(qtbot, canvas)
    for step in range(12):
        view = canvas.viewport
        sign = 1 if step % 2 else -1
        canvas.set_viewport(view.zoomed(1.04, view.to_pixel(*TALL_BUILDING_CENTRE)).panned(8 * sign, 4 * sign))
        qtbot.wait(7 * (step % 3))
    final = canvas.viewport
    wait_rendered(qtbot, canvas)
    assert canvas.map_plane.image_viewport == final
    assert pixel(canvas, *TALL_BUILDING_CENTRE) == colour(BUILDING_COLOURS[3])


def test_wheel_zooms_at_the_cursor_and_keys_pan(qtbot, window):
    canvas = window.canvas
    before = canvas.viewport
    anchor = QPointF(150.0, 120.0)
    under = before.to_map(anchor.x(), anchor.y())
    event = QWheelEvent(anchor, canvas.mapToGlobal(anchor), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(event)
    after = canvas.viewport
    assert after.resolution == pytest.approx(before.resolution / 1.25)
    assert after.to_map(anchor.x(), anchor.y()) == pytest.approx(under)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.viewport.cx == pytest.approx(after.cx + 0.25 * after.width * after.resolution)


def test_pan_tool_drag_moves_the_map(qtbot, window):
    canvas = window.canvas
    start = canvas.viewport
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    qtbot.mouseMove(canvas, QPoint(360, 280))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 250))
    assert canvas.viewport.cx == pytest.approx(start.cx - 100 * start.resolution)
    assert canvas.viewport.cy == pytest.approx(start.cy - 50 * start.resolution)


def test_zoom_box_fits_the_drawn_rectangle(qtbot, window):
    canvas = window.canvas
    window.tools.activate("zoom_in_box")
    view = canvas.viewport
    corner_a, corner_b = QPoint(100, 100), QPoint(300, 200)
    expected = (*view.to_map(100, 200), *view.to_map(300, 100))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=corner_a)
    qtbot.mouseMove(canvas, corner_b)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=corner_b)
    minx, miny, maxx, maxy = canvas.viewport.extent
    assert minx <= expected[0] + 1e-6 and maxx >= expected[2] - 1e-6
    assert miny <= expected[1] + 1e-6 and maxy >= expected[3] - 1e-6
    assert canvas.viewport.resolution < view.resolution


def test_identify_click_lists_the_feature_under_the_cursor(qtbot, window):
    canvas = window.canvas
    window.tools.activate("identify")
    school = window.project.layer("schools").gdf.geometry.iloc[3]
    px, py = canvas.viewport.to_pixel(school.x, school.y)
    with qtbot.waitSignal(canvas.identified) as signal:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(px) + 2, round(py) - 1))
    results = signal.args[0]
    assert results[0].layer.name == "schools" and results[0].title == "School 3"
    assert ("level", "high") in results[0].attributes
    assert canvas.flashed and canvas.flashed[0].equals(school)  # outlined on the map at once
    ring = canvas.grab().toImage().pixelColor(round(px + 9), round(py))
    assert ring.red() > 150 and ring.green() < 110 and ring.blue() < 110
    tree = window.identify.tree
    assert tree.topLevelItem(0).text(0) == "schools" and tree.topLevelItem(0).child(0).text(0) == "School 3"


def test_select_by_rectangle_and_polygon_on_the_active_layer(qtbot, window):
    canvas = window.canvas
    offices = window.project.layer("office_listings")
    window.layer_tree.set_current_layer(offices)
    window.tools.activate("select_rectangle")
    view = canvas.viewport
    a = QPoint(*map(round, view.to_pixel(X0 - 30, Y0 + 130)))  # covers columns 0-2 of rows 0-1
    b = QPoint(*map(round, view.to_pixel(X0 + 230, Y0 - 30)))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(canvas, b)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b)
    gdf = offices.gdf
    expected = {i for i, p in enumerate(gdf.geometry) if X0 - 30 <= p.x <= X0 + 230 and Y0 - 30 <= p.y <= Y0 + 130}
    assert offices.selection == expected and len(expected) == 6
    assert window.attribute_table.count_label.text().endswith("6\u00a0selected")
    # Shift-click adds one more with the click tool.
    window.tools.activate("select_click")
    far = gdf.geometry.iloc[39]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     QPoint(*map(round, view.to_pixel(far.x, far.y))))
    assert offices.selection == expected | {39}
    # A triangle drawn with the polygon tool replaces the selection.
    tool = window.tools.activate("select_polygon")
    triangle = [(X0 - 50, Y0 - 50), (X0 + 450, Y0 - 50), (X0 - 50, Y0 + 450)]
    for x, y in triangle:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*map(round, view.to_pixel(x, y))))
    tool.finish_polygon()
    import shapely

    shape = shapely.Polygon(triangle)
    inside = {i for i, p in enumerate(gdf.geometry) if shape.buffer(view.resolution).intersects(p)}
    core = {i for i, p in enumerate(gdf.geometry) if shape.buffer(-view.resolution).intersects(p)}
    assert core <= offices.selection <= inside and len(offices.selection) >= 10


def test_measure_distance_and_area_in_metres(qtbot, window):
    canvas = window.canvas
    tool = window.tools.activate("measure_distance")
    view = canvas.viewport
    clicks = [QPoint(100, 100), QPoint(400, 100), QPoint(400, 500)]
    for point in clicks:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    tool.finish()
    expected = (300 + 400) * view.resolution
    assert tool.result_text().startswith("Distance") and "planar" in tool.result_text()
    from workbench.canvas.measurement import path_length

    assert path_length(tool.points, window.project.crs) == pytest.approx(expected)
    area_tool = window.tools.activate("measure_area")
    for point in clicks:
        area_tool.add_point(*view.to_map(point.x(), point.y()))
    from workbench.canvas.measurement import polygon_area

    assert polygon_area(area_tool.points, window.project.crs) == pytest.approx(0.5 * 300 * 400 * view.resolution ** 2)


def test_zoom_to_layer_and_selection(qtbot, window):
    canvas = window.canvas
    schools = window.project.layer("schools")
    canvas.zoom_to_layer(schools)
    minx, miny, maxx, maxy = canvas.viewport.extent
    sx0, sy0, sx1, sy1 = schools.extent
    assert minx <= sx0 and maxx >= sx1 and miny <= sy0 and maxy >= sy1
    assert maxx - minx < 1.2 * (sx1 - sx0)  # the schools stand in a row: their width fills the view, little more
    schools.selection = frozenset({5})
    assert canvas.zoom_to_selection(schools)
    school = schools.gdf.geometry.iloc[5]
    assert canvas.viewport.cx == pytest.approx(school.x) and canvas.viewport.cy == pytest.approx(school.y)


def test_view_is_saved_with_the_project(qtbot, window, tmp_path):
    canvas = window.canvas
    canvas.set_extent((X0, Y0, X0 + 200, Y0 + 100), margin=0.0)
    shown = canvas.viewport.extent
    assert window.files.save_to(tmp_path / "view.lamp")
    assert window.files.open_project(tmp_path / "view.lamp")
    minx, miny, maxx, maxy = window.canvas.viewport.extent
    assert minx <= shown[0] + 1e-6 and maxx >= shown[2] - 1e-6 and miny <= shown[1] + 1e-6


def test_status_bar_shows_project_and_wgs84_coordinates_and_scale(qtbot, window):
    canvas, status = window.canvas, window.canvas_status
    canvas.cursor_moved.emit(X0, Y0)
    assert status.coordinates.text() == f"{X0:,.1f}  {Y0:,.1f}"
    import pyproj

    lon, lat = pyproj.Transformer.from_crs(32649, 4326, always_xy=True).transform(X0, Y0)
    assert status.lonlat.text() == f"{lat:.5f}° N  {lon:.5f}° E"
    assert status.crs.text() == "EPSG:32649"
    # 1:N = metres per pixel / metres per screen pixel at 96 dpi.
    expected = canvas.viewport.resolution / (0.0254 / 96.0)
    assert canvas.scale_denominator() == pytest.approx(expected, rel=1e-9)
    status.scale.setEditText("1:2,000")
    status._scale_entered()
    assert canvas.scale_denominator() == pytest.approx(2000.0, rel=1e-9)


def test_basemap_draws_under_the_layers_from_a_tile_server(qtbot, window, tmp_path):
    server = TileServer()
    try:
        canvas = window.canvas
        canvas.tile_cache = TileCache(tmp_path)
        canvas.set_basemap(BasemapSource("local", server.url, "(C) local test tiles", 19))
        qtbot.waitUntil(lambda: canvas.basemap_plane.image is not None and not canvas.is_rendering(), timeout=15000)
        assert pixel(canvas, *TALL_BUILDING_CENTRE) == colour(BUILDING_COLOURS[3])  # layers stay on top
        background = pixel(canvas, *EMPTY_SPOT)
        candidates = {tile_colour(z, x, y) for z in range(14, 20) for x, y in _tiles_near(EMPTY_SPOT, z)}
        assert background.getRgb()[:3] in candidates and background != BACKGROUND
        window.basemap_actions["None"].trigger()
        assert canvas.basemap_plane.image is None
    finally:
        server.stop()


def _tiles_near(point, zoom):
    import pyproj

    from workbench.basemap.tiles import tiles_covering

    x, y = pyproj.Transformer.from_crs(32649, 3857, always_xy=True).transform(*point)
    columns, rows = tiles_covering((x - 1, y - 1, x + 1, y + 1), zoom)
    return [(c, r) for c in columns for r in rows]


def test_offline_basemap_fails_quietly_with_a_status_message(qtbot, window, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    canvas = window.canvas
    canvas.tile_cache = TileCache(tmp_path)
    with qtbot.waitSignal(canvas.status_message, timeout=15000,
                          check_params_cb=lambda text: "Basemap unavailable" in text):
        canvas.set_basemap(BasemapSource("dead", f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", "", 19))
    wait_rendered(qtbot, canvas)
    assert pixel(canvas, *EMPTY_SPOT) == BACKGROUND
    assert pixel(canvas, *TALL_BUILDING_CENTRE) == colour(BUILDING_COLOURS[3])


def test_viewport_follows_the_widget_size(qtbot, window):
    canvas = window.canvas
    before = (canvas.width(), canvas.height())
    assert canvas.viewport.size == before
    window.resize(window.width() - 150, window.height() - 100)
    qtbot.waitUntil(lambda: (canvas.width(), canvas.height()) != before)
    assert canvas.viewport.size == (canvas.width(), canvas.height())


def test_layers_added_to_an_empty_project_are_all_in_view(qtbot, tmp_path):
    from layers import Project
    from workbench.main_window import MainWindow

    from .conftest import buildings_layer, offices_layer

    window = MainWindow(Project())
    window.resize(900, 700)
    window.show()
    try:
        window.project.add_layers([offices_layer(), buildings_layer()])
        minx, miny, maxx, maxy = window.canvas.viewport.extent
        fx0, fy0, fx1, fy1 = window.project.full_extent()
        assert minx <= fx0 and miny <= fy0 and maxx >= fx1 and maxy >= fy1
        window.canvas.zoom_by(4.0)  # the user looks somewhere: new layers no longer move the view
        view = window.canvas.viewport
        window.project.add_layer(offices_layer())
        assert window.canvas.viewport == view
    finally:
        window.files.session.mark_clean()
        window.close()
