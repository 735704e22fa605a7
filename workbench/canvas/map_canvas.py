"""The map widget: shows the project's layers, follows the user's navigation and never waits for a render.

Two image planes are stacked: the optional online basemap and the layers (with the selection highlight, drawn
by the shared renderer). Each renders in its own background thread (``RenderPlane``); while a render runs, the
previous image is drawn moved and scaled into the current view, so panning and zooming stay fluid on any
amount of data. A swipe (``workbench.canvas.swipe``, set with ``set_swipe``) adds two more planes on top, each
clipped to its side of a divider.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import QPointF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PyQt6.QtWidgets import QWidget

from layers import Event, Layer, Project, VectorLayer
from workbench.canvas.feature_query import result_geometries
from workbench.canvas.flash import paint_flash
from workbench.canvas.render_plane import RenderPlane, RenderWork, layers_work
from workbench.canvas.tools import MapTool, PanTool
from workbench.canvas.tools.identify import identify_at_pixel
from workbench.canvas.viewport import Extent, Viewport, valid_extent
from workbench.window.project_bridge import ProjectBridge

#: The paper colour of the map; the layers render on transparent so the basemap can show through.
BACKGROUND = QColor("#f4f3ef")
#: Zoom per wheel notch; 1.25 feels like QGIS and Google Maps between "too slow" and "jumpy".
WHEEL_ZOOM = 1.25
#: Arrow keys pan a quarter of the view.
KEY_PAN_FRACTION = 0.25
#: Layer attributes that change nothing drawn.
_NOT_DRAWN = {"name", "kind"}


class MapCanvas(QWidget):
    """Map view of ``bridge.project`` in the project CRS."""

    view_changed = pyqtSignal(object)  # Viewport
    cursor_moved = pyqtSignal(float, float)  # map coordinates in the project CRS
    cursor_left = pyqtSignal()
    identified = pyqtSignal(object)  # list[IdentifyResult]
    measured = pyqtSignal(str)
    status_message = pyqtSignal(str)
    render_finished = pyqtSignal(float)  # milliseconds of the layers render
    tool_changed = pyqtSignal(object)  # MapTool

    def __init__(self, bridge: ProjectBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAcceptDrops(False)  # files dropped on the canvas go to the main window
        self.setMinimumSize(200, 150)
        self.bridge = bridge
        self.active_layer: Layer | None = None
        self._viewport = Viewport(width=max(1, self.width()), height=max(1, self.height()))
        self._fit_on_resize: Extent | None = None
        self._follow_data = True  # until the user navigates, the view follows layers being added
        self._swallow_release = False
        self._middle_pan: tuple[QPointF, Viewport] | None = None
        self.flashed: list = []  # identified geometries outlined on top (project CRS)
        self.basemap = None  # a workbench.basemap.BasemapSource, or None (the offline default)
        self.tile_cache = None  # a workbench.basemap.TileCache; None uses the user's cache folder
        self._map_renderer = None
        self.swipe = None  # a workbench.canvas.swipe.SwipeView while two sets of layers are swiped
        self.basemap_plane = RenderPlane("basemap", self._prepare_basemap, delay_ms=150, parent=self)
        self.map_plane = RenderPlane("layers", self._prepare_layers, parent=self)
        # in the render thread, while the window is being built; a first compile is announced in the status bar
        self.map_plane.pool.submit(_warm_up_renderer, self.map_plane.report)
        for plane in self.planes:
            plane.updated.connect(self.update)
            plane.failed.connect(self.status_message)
            plane.message.connect(self.status_message)
        # Before Qt deletes the planes (our children), stop their workers: whatever deletes the canvas.
        pools = [plane.pool for plane in self.planes]
        self.destroyed.connect(lambda *_: [pool.close() for pool in pools])
        self.map_plane.rendered.connect(self.render_finished)
        self.tool: MapTool = PanTool(self)
        self.setCursor(self.tool.cursor)
        bridge.model_event.connect(self._on_project_event)
        bridge.project_replaced.connect(self._on_project_replaced)
        self._on_project_replaced(bridge.project)

    # -- public API -------------------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.bridge.project

    @property
    def planes(self) -> tuple[RenderPlane, ...]:
        return (self.basemap_plane, self.map_plane)

    @property
    def viewport(self) -> Viewport:
        return self._viewport

    def set_viewport(self, viewport: Viewport, *, render: bool = True) -> None:
        """Show ``viewport``; with ``render`` False only the cached images move (during a drag)."""
        self._fit_on_resize = None
        self._follow_data = False
        self._viewport = viewport.resized(self.width(), self.height())
        self.update()
        if render:
            self.request_render()
        self.view_changed.emit(self._viewport)

    def set_extent(self, extent: Extent, *, margin: float = 0.03) -> None:
        """Show all of ``extent`` (project CRS); refitted once the widget gets its real size."""
        if not valid_extent(extent):
            return
        self.set_viewport(Viewport.fit(extent, self.width(), self.height(), margin))
        self._fit_on_resize = extent

    def zoom_full(self) -> None:
        extent = self.project.full_extent(visible_only=True) or self.project.full_extent()
        if extent is not None:
            self.set_extent(extent)

    def zoom_to_layer(self, layer: Layer) -> None:
        extent = self.project.layer_extent(layer)
        if valid_extent(extent):
            self.set_extent(extent)
        else:
            self.status_message.emit(self.tr("Layer '{name}' has no features to zoom to").format(name=layer.name))

    def zoom_to_selection(self, layer: VectorLayer | None = None) -> bool:
        """Fit the selected features (of ``layer``, or of every layer); False when nothing is selected."""
        candidates = [layer] if layer is not None else [ly for ly in self.project if isinstance(ly, VectorLayer)]
        boxes = [selection_extent(ly, self.project) for ly in candidates if ly.selection]
        boxes = [b for b in boxes if valid_extent(b)]
        if not boxes:
            self.status_message.emit(self.tr("Nothing is selected"))
            return False
        array = np.array(boxes)
        self.set_extent((array[:, 0].min(), array[:, 1].min(), array[:, 2].max(), array[:, 3].max()), margin=0.15)
        return True

    def zoom_by(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        self.set_viewport(self._viewport.zoomed(factor, anchor))

    def set_tool(self, tool: MapTool) -> None:
        self.flashed = []
        self.tool.deactivate()
        self.tool = tool
        tool.activate()
        self.setCursor(tool.cursor)
        self.tool_changed.emit(tool)
        self.update()

    def set_basemap(self, source) -> None:
        """Show an online basemap under the layers (None turns it off: the canvas then needs no network)."""
        self.basemap = source
        if source is None:
            self.basemap_plane.clear()
        else:
            self.basemap_plane.request(self._viewport)

    def selection_targets(self) -> list[VectorLayer]:
        """Layers the select tools act on: the active vector layer, else every visible vector layer, top first."""
        if isinstance(self.active_layer, VectorLayer) and self.active_layer in self.project.layers:
            return [self.active_layer]
        return [layer for layer in reversed(self.project.layers) if isinstance(layer, VectorLayer) and layer.visible]

    def identify_at(self, px: float, py: float) -> list:
        """Identify what lies under pixel (px, py), outline it on the map and emit ``identified``."""
        results = identify_at_pixel(self, px, py)
        self.set_flash(result_geometries(results, self.project.crs))
        self.identified.emit(results)
        return results

    def set_flash(self, geometries: list) -> None:
        """Outline these geometries (project CRS) on top of the map; an empty list clears them."""
        self.flashed = list(geometries)
        self.update()

    def request_render(self) -> None:
        for plane in self.planes:
            if plane is not self.basemap_plane or self.basemap is not None:
                plane.request(self._viewport)
        if self.swipe is not None:
            self.swipe.request(self._viewport)

    def set_swipe(self, swipe) -> None:
        """Show a ``SwipeView`` over the map (None ends the current one); its hidden layers leave the main plane."""
        if self.swipe is not None:
            self.swipe.close()
        self.swipe = swipe
        self.request_render()
        self.update()

    def is_rendering(self) -> bool:
        return any(plane.busy for plane in self.planes) or (self.swipe is not None and self.swipe.busy)

    def scale_denominator(self) -> float:
        from workbench.render import scale_denominator

        return float(scale_denominator(self.render_settings(self._viewport)))

    def render_settings(self, viewport: Viewport):
        """RenderSettings for ``viewport`` at this screen's pixel density."""
        from workbench.render import RenderSettings

        ratio = self.devicePixelRatioF()
        size = (max(1, round(viewport.width * ratio)), max(1, round(viewport.height * ratio)))
        return RenderSettings(extent=viewport.extent, size=size, crs=self.project.crs, dpi=96.0 * ratio,
                              background=None)

    def store_view(self) -> None:
        """Write the current view into the project, so saving it keeps where the user was looking."""
        with self.project.events.blocked():
            self.project.view_extent = self._viewport.extent

    def shutdown(self) -> None:
        """Cancel and join the background renders (the window is closing); safe to call more than once."""
        for plane in self.planes:
            plane.shutdown()
        if self.swipe is not None:
            self.swipe.close()
            self.swipe = None

    # -- rendering --------------------------------------------------------------------------------------
    def _renderer(self):
        """The layers plane's renderer; it caches prepared geometry per layer, so panning redoes little."""
        if self._map_renderer is None:
            from workbench.render import MapRenderer

            self._map_renderer = MapRenderer()
        return self._map_renderer

    def _prepare_layers(self, viewport: Viewport) -> RenderWork | None:
        hidden = self.swipe.hidden if self.swipe is not None else frozenset()
        layers = [layer for layer in self.project.layers if layer.visible and layer.id not in hidden]
        if not layers:
            return None
        return layers_work(self._renderer(), layers, self.render_settings(viewport), self.devicePixelRatioF())

    def _prepare_basemap(self, viewport: Viewport) -> RenderWork | None:
        source, crs = self.basemap, self.project.crs
        if source is None or crs is None:
            return None
        ratio = self.devicePixelRatioF()
        size = (round(viewport.width * ratio), round(viewport.height * ratio))
        report, cache = self.basemap_plane.report, self.tile_cache
        unavailable = self.tr("Basemap unavailable, showing the map without it: {problem}")
        partly = self.tr("Basemap partly unavailable: {problem}")

        def work(cancelled):
            from workbench.basemap import BasemapUnavailable, render_basemap

            try:
                image, problem = render_basemap(source, viewport.extent, size, crs, cancelled=cancelled, cache=cache)
            except BasemapUnavailable as exc:
                report(unavailable.format(problem=exc))
                return None
            if problem:
                report(partly.format(problem=problem))
            if image is not None:
                image.setDevicePixelRatio(ratio)
            return image

        return work

    # -- model events ------------------------------------------------------------------------------------
    def _on_project_replaced(self, project: Project) -> None:
        if self.swipe is not None:
            self.set_swipe(None)
        self.active_layer = None
        self.flashed = []
        self._map_renderer = None
        for plane in self.planes:
            plane.clear()
        if project.view_extent is not None and valid_extent(project.view_extent):
            self.set_extent(project.view_extent, margin=0.0)
        else:
            self.zoom_full()
            self._follow_data = True
        self.request_render()

    def _on_project_event(self, event: Event) -> None:
        if event.type == "extent":
            if self.project.view_extent is not None:
                self.set_extent(self.project.view_extent, margin=0.0)
            return
        if event.type == "history":
            return
        if event.type == "changed" and event.attribute in _NOT_DRAWN:
            return
        if event.type == "added" and (self._follow_data or len(self.project) == 1):
            self.zoom_full()  # layers added to a fresh view decide where we look
            self._follow_data = True
        if event.type == "removed" and event.layer is self.active_layer:
            self.active_layer = None
        if event.type == "removed" and self._map_renderer is not None:
            self._map_renderer = None  # drop the removed layer's cached geometry with the old renderer
        self.map_plane.request(self._viewport)
        if self.swipe is not None:
            self.swipe.request(self._viewport)
        if event.type == "crs" and self.basemap is not None:
            self.basemap_plane.request(self._viewport)

    # -- Qt events ---------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        for plane in self.planes:
            plane.paint(painter, self._viewport)
        if self.swipe is not None:
            self.swipe.paint(painter, self._viewport)
        paint_flash(painter, self.flashed, self._viewport)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.tool.paint(painter)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        fit = self._fit_on_resize
        if fit is not None:
            self._viewport = Viewport.fit(fit, self.width(), self.height())
        else:
            self._viewport = self._viewport.resized(self.width(), self.height())
        self.request_render()
        self.view_changed.emit(self._viewport)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        if event.button() == Qt.MouseButton.MiddleButton:
            self._middle_pan = (event.position(), self._viewport)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        self.tool.press(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x, y = self._viewport.to_map(event.position().x(), event.position().y())
        self.cursor_moved.emit(x, y)
        if self._middle_pan is not None:
            start, view = self._middle_pan
            delta = event.position() - start
            self.set_viewport(view.panned(delta.x(), delta.y()), render=False)
            return
        self.tool.move(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton and self._middle_pan is not None:
            self._middle_pan = None
            self.setCursor(self.tool.cursor)
            self.request_render()
            return
        if self._swallow_release:  # the release that ends a double-click already did its job
            self._swallow_release = False
            return
        self.tool.release(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._swallow_release = True
        self.tool.double_click(event)

    def leaveEvent(self, event) -> None:
        self.cursor_left.emit()
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120.0
        if notches == 0:
            return
        anchor = (event.position().x(), event.position().y())
        self.set_viewport(self._viewport.zoomed(WHEEL_ZOOM ** notches, anchor))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.tool.key(event):
            return
        key, view = event.key(), self._viewport
        step_x, step_y = view.width * KEY_PAN_FRACTION, view.height * KEY_PAN_FRACTION
        pans = {Qt.Key.Key_Left: (step_x, 0), Qt.Key.Key_Right: (-step_x, 0),
                Qt.Key.Key_Up: (0, step_y), Qt.Key.Key_Down: (0, -step_y)}
        if key in pans:
            self.set_viewport(view.panned(*pans[key]))
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_PageUp):
            self.zoom_by(2.0)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_PageDown):
            self.zoom_by(0.5)
        else:
            super().keyPressEvent(event)


def selection_extent(layer: VectorLayer, project: Project) -> Extent:
    """Bounding box of the selected features in the project CRS."""
    positions = sorted(p for p in layer.selection if 0 <= p < len(layer.gdf))
    if not positions:
        return (np.nan, np.nan, np.nan, np.nan)
    subset = layer.gdf.geometry.iloc[positions]
    if project.crs is not None and layer.crs is not None and layer.crs != project.crs:
        subset = subset.to_crs(project.crs)
    minx, miny, maxx, maxy = subset.total_bounds
    return (float(minx), float(miny), float(maxx), float(maxy))


def _warm_up_renderer(report: Callable[[str], None]) -> None:
    """Import the renderer and load its compiled kernels (see ``workbench.render.warmup``) in the render thread;
    ``report`` shows the message when they have to be compiled first."""
    from workbench.render.warmup import warm_up

    warm_up(report)
