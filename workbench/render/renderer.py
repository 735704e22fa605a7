"""The one map renderer: (layers, styles, extent, pixel size, dpi) -> a QImage, or onto any QPainter.

The canvas, the print layout and thumbnails all call it. It keeps per-layer caches (geometry reprojected to
the view CRS and flattened into arrays, symbol classes per feature, parsed sector azimuths) keyed by layer id,
data version, CRS and style, so panning and zooming only redo the cheap per-view work.

The first image of a big layer need not wait for all of it: the renderer prepares the lines and polygons
around the view (``workbench.render.geometry.prepare`` with a region), draws, and prepares the whole layer and
its points' grid in the background; a view outside the prepared region before that is done gets its own
region. The image is the same either way.

Example::

    renderer = MapRenderer()
    settings = RenderSettings(extent=project.extent, size=(1200, 800), crs=project.crs)
    image = renderer.render_image(project.layers, settings)
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QImage, QPaintEngine, QPainter

from layers.errors import LayerError
from layers.i18n import translate
from layers.io.release import release_freed_memory
from layers.layer import Layer, RasterLayer, VectorLayer
from layers.styles import Labels, RasterRamp, Symbol, default_style
from workbench.render.geometry import PreparedGeometry, prepare
from workbench.render.labels import MAX_CANDIDATES, LabelJob, draw_labels, place_labels
from workbench.render.markers import qcolour
from workbench.render.raster import draw_raster
from workbench.render.sectors import SectorTable, draw_sectors, sector_table
from workbench.render.selection import SELECTION_STROKE_PT, draw_selection
from workbench.render.settings import MapTransform, RenderSettings, scale_denominator
from workbench.render.vector import draw_features

Cancelled = Callable[[], bool]
#: Runs a job away from the render (the renderer's background preparation).
Background = Callable[[Callable[[], None]], None]
_INCHES_PER_METRE = 1.0 / 0.0254
#: Points whose grid is built at once rather than in the background (a few milliseconds' work).
_GRID_AT_ONCE = 65_536
#: A first render prepares the view widened by this share of its size on each side, so small pans stay inside.
_REGION_GROWTH = 0.125
log = logging.getLogger(__name__)


def _never() -> bool:
    return False


def _in_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="prepare-geometry", daemon=True).start()


class MapRenderer:
    """Draws layers bottom-first; safe to call from a worker thread (one render at a time per thread).

    ``lazy``: a layer's first render prepares only what is around the view and hands the rest to
    ``background`` (a daemon thread by default); False prepares every layer whole before drawing it."""

    def __init__(self, *, lazy: bool = True, background: Background = _in_thread) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[tuple, Any]] = {}
        self._lazy = lazy
        self._background = background
        self._preparing: set[tuple] = set()  # (layer id, stamp) of the background jobs not finished yet
        self._queued: list[Callable[[], None]] = []  # jobs handed to ``background`` when the render ends
        self._prepared = threading.Condition(self._lock)

    # ----------------------------------------------------------------------------------------------- public API
    def render_image(self, layers: Sequence[Layer], settings: RenderSettings,
                     cancelled: Cancelled = _never) -> QImage:
        """A new ``settings.size`` image of the map. If ``cancelled()`` turns true the render stops early and the
        incomplete image is returned (the caller that cancelled discards it)."""
        width, height = settings.size
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        dots_per_metre = int(round(settings.dpi * _INCHES_PER_METRE))
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            self.paint(painter, QRectF(0, 0, width, height), layers, settings, cancelled)
        finally:
            painter.end()
        return image

    def paint(self, painter: QPainter, target_rect: QRectF, layers: Sequence[Layer], settings: RenderSettings,
              cancelled: Cancelled = _never) -> None:
        """Draw the map into ``target_rect`` of any painter (image, widget, PDF, SVG) as real vector geometry.

        The render works in ``settings.size`` pixel space scaled onto ``target_rect``; symbol sizes follow
        ``settings.dpi`` in that pixel space.
        """
        width, height = settings.size
        transform = settings.transform()
        painter.save()
        try:
            painter.setClipRect(target_rect, Qt.ClipOperation.IntersectClip)
            painter.translate(target_rect.left(), target_rect.top())
            painter.scale(target_rect.width() / width, target_rect.height() / height)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            if settings.background is not None:
                painter.fillRect(QRectF(0, 0, width, height), qcolour(settings.background))
            vector_output = painter.paintEngine().type() != QPaintEngine.Type.Raster
            label_jobs: list[LabelJob] = []
            denominator = scale_denominator(settings)
            for layer in layers:
                if cancelled():
                    return
                if not layer.visible or layer.opacity <= 0:
                    continue
                job = self._draw_layer(painter, layer, settings, transform, vector_output, cancelled, denominator)
                if job is not None:
                    label_jobs.append(job)
            if label_jobs and not cancelled():
                placed = place_labels(painter, label_jobs[::-1], width, height, settings.dpi)
                draw_labels(painter, placed, settings.dpi)
        finally:
            painter.restore()
            self._launch()

    # ------------------------------------------------------------------------------------------------- layers
    def _draw_layer(self, painter: QPainter, layer: Layer, settings: RenderSettings, transform: MapTransform,
                    vector_output: bool, cancelled: Cancelled, denominator: float) -> LabelJob | None:
        style = layer.style if layer.style is not None else default_style(layer)
        if style is None:
            return None
        separate = layer.opacity < 1.0 and not vector_output
        target = painter
        if separate:  # whole-layer opacity: overlapping features of one layer do not show through each other
            layer_image = QImage(settings.size[0], settings.size[1], QImage.Format.Format_ARGB32_Premultiplied)
            layer_image.setDotsPerMeterX(int(round(settings.dpi * _INCHES_PER_METRE)))
            layer_image.setDotsPerMeterY(int(round(settings.dpi * _INCHES_PER_METRE)))
            layer_image.fill(Qt.GlobalColor.transparent)
            target = QPainter(layer_image)
            target.setRenderHints(painter.renderHints())
        else:
            painter.save()
            painter.setOpacity(painter.opacity() * layer.opacity)
        try:
            if isinstance(layer, RasterLayer):
                if not isinstance(style, RasterRamp):
                    raise LayerError(layer.source, f"a raster layer needs a RasterRamp style, not "
                                     f"{type(style).__name__}", layer=layer.name)
                draw_raster(target, layer, style, transform, settings.crs)
                return None
            if isinstance(layer, VectorLayer):
                return self._draw_vector(target, layer, style, settings, transform, vector_output, cancelled,
                                         denominator)
            return None
        finally:
            if separate:
                target.end()
                painter.save()
                painter.setOpacity(painter.opacity() * layer.opacity)
                painter.drawImage(QRectF(0, 0, settings.size[0], settings.size[1]), layer_image)
            painter.restore()

    def _draw_vector(self, painter: QPainter, layer: VectorLayer, style: Any, settings: RenderSettings,
                     transform: MapTransform, vector_output: bool, cancelled: Cancelled,
                     denominator: float) -> LabelJob | None:
        if isinstance(style, RasterRamp):
            raise LayerError(layer.source, "a vector layer cannot use a raster colour ramp style", layer=layer.name)
        symbols, feature_class = self._classes(layer, style)
        ppp = settings.px_per_point
        geometry = self._view_geometry(layer, settings.crs, transform, symbols, ppp)
        sectors = getattr(style, "sectors", None)
        if sectors is not None and len(geometry.points.xs):
            table: SectorTable = self._cached(layer, ("sectors", json.dumps(sectors.__dict__)),
                                              lambda: sector_table(layer, sectors))
            draw_sectors(painter, table, geometry.points, feature_class, symbols, sectors, transform, ppp)
        draw_features(painter, geometry, feature_class, symbols, transform, ppp, vector_output=vector_output,
                      cancelled=cancelled)
        if layer.selection and not cancelled():
            draw_selection(painter, geometry, feature_class, symbols, np.fromiter(layer.selection, dtype=np.int64),
                           settings.selection_colour, transform, ppp, vector_output=vector_output,
                           cancelled=cancelled)
        labels: Labels | None = getattr(style, "labels", None)
        if labels is None or (labels.min_scale is not None and denominator > labels.min_scale):
            return None
        return self._label_job(layer, geometry, feature_class, symbols, labels, transform, ppp)

    def _label_job(self, layer: VectorLayer, geometry: PreparedGeometry, feature_class: np.ndarray,
                   symbols: list[Symbol], labels: Labels, transform: MapTransform, ppp: float) -> LabelJob | None:
        if labels.field not in layer.gdf.columns:
            problem = translate("RenderError", "label field '{field}' is not a field of the layer")
            raise LayerError(layer.source, problem.format(field=labels.field), layer=layer.name)
        anchors = geometry.label_anchors()
        px, py = transform.map_to_pixel(anchors[:, 0], anchors[:, 1])
        visible = (feature_class >= 0) & (px >= 0) & (px < transform.width) & (py >= 0) & (py < transform.height)
        rows = np.flatnonzero(visible)
        sizes = geometry.feature_sizes()[rows]
        rows = rows[np.argsort(-sizes, kind="stable")][:MAX_CANDIDATES]
        values = layer.gdf[labels.field].to_numpy(object)[rows]
        texts = [_label_text(v) for v in values]
        keep = np.array([bool(t) for t in texts], dtype=bool)
        rows = rows[keep]
        if len(rows) == 0:
            return None
        point_feature = np.zeros(len(feature_class), dtype=bool)
        point_feature[geometry.points.rows()] = True
        radius = np.array([s.size * ppp / 2.0 for s in symbols] or [0.0])
        clearance = np.where(point_feature[rows], radius[np.maximum(feature_class[rows], 0)], 0.0)
        angles = -anchors[rows, 2]  # pixel y points down, so map angles flip
        return LabelJob(labels, [t for t in texts if t], px[rows], py[rows], angles, clearance)

    # ------------------------------------------------------------------------------------------------- caches
    def geometry(self, layer: VectorLayer, crs: Any) -> PreparedGeometry:
        """The layer's geometry prepared for drawing in ``crs`` (cached per layer version and CRS)."""
        return self._cached(layer, _geometry_key(crs), lambda: _whole(layer, crs))

    def wait_prepared(self) -> None:
        """Wait until the background preparation of every layer drawn so far is done."""
        with self._prepared:
            self._prepared.wait_for(lambda: not self._preparing)

    def _view_geometry(self, layer: VectorLayer, crs: Any, transform: MapTransform, symbols: list[Symbol],
                       ppp: float) -> PreparedGeometry:
        """The whole layer's prepared geometry when it is ready (or not ``lazy``), else a region's that holds
        every line and polygon that can show in this view (their widest stroke, and a selection's, included)."""
        key = _geometry_key(crs)
        if not self._lazy:
            return self.geometry(layer, crs)
        whole = self._lookup(layer, key)
        if whole is not None:
            return whole
        pad = (max([s.stroke_width for s in symbols] + [SELECTION_STROKE_PT]) * ppp + 4.0) * transform.units_per_pixel
        minx, miny, maxx, maxy = transform.visible_extent
        view = (minx - pad, miny - pad, maxx + pad, maxy + pad)
        part_key = ("view-geometry", key[1])
        held: PreparedGeometry | None = self._lookup(layer, part_key)
        if held is not None and held.covers(view):
            return held
        grow_x, grow_y = (maxx - minx) * _REGION_GROWTH, (maxy - miny) * _REGION_GROWTH
        region = (view[0] - grow_x, view[1] - grow_y, view[2] + grow_x, view[3] + grow_y)
        stamp = self._stamp(layer, key)
        geometry = prepare(layer, crs, region)
        if geometry.region is None:  # the region held most of the layer: this is the whole of it
            self._replace_region(layer, stamp, key, geometry)
            if len(geometry.points.xs) <= _GRID_AT_ONCE:
                geometry.points.grid()
            else:
                self._schedule(layer, stamp, lambda renderer: geometry.points.grid())
        else:
            self._store(layer, stamp, part_key, geometry)
            self._schedule(layer, stamp,
                           lambda renderer: renderer._replace_region(layer, stamp, key, _whole(layer, crs)))
        return geometry

    def _replace_region(self, layer: VectorLayer, stamp: tuple, key: tuple, whole: PreparedGeometry) -> None:
        """Keep the whole layer's geometry and drop the region's, which it makes useless; unless the layer was
        edited meanwhile (then both belong to another version)."""
        with self._lock:
            if stamp != self._stamp(layer, key):
                return
            self._cache[(layer.id, key[0])] = (stamp, whole)
            self._cache.pop((layer.id, "view-geometry"), None)

    def _schedule(self, layer: VectorLayer, stamp: tuple, job: Callable[[MapRenderer], Any]) -> None:
        """Run ``job(renderer)`` (for ``layer`` at ``stamp``) in the background once the render ends; once per
        stamp. The job holds the renderer weakly: a renderer used for one image (an export, a thumbnail) and
        dropped before the job starts costs no background work."""
        token = (layer.id, stamp)
        with self._lock:
            if token in self._preparing:
                return
            self._preparing.add(token)
        owner = weakref.ref(self)

        def run() -> None:
            renderer = owner()
            if renderer is None:
                return
            try:
                job(renderer)
                release_freed_memory()  # the preparation's temporaries: not left resident under the next render
            except Exception:  # noqa: BLE001 - the next render prepares the layer itself and reports the problem
                log.exception("preparing layer '%s' in the background failed", layer.name)
            finally:
                with renderer._prepared:
                    renderer._preparing.discard(token)
                    renderer._prepared.notify_all()

        with self._lock:
            self._queued.append(run)

    def _launch(self) -> None:
        """Start the queued background jobs: after the render, so they never slow the image being waited for."""
        with self._lock:
            jobs, self._queued = self._queued, []
        for job in jobs:
            self._background(job)

    def _stamp(self, layer: Layer, key: tuple) -> tuple:
        return (layer.data_version, *key[1:])

    def _lookup(self, layer: Layer, key: tuple) -> Any:
        with self._lock:
            hit = self._cache.get((layer.id, key[0]))
        return hit[1] if hit is not None and hit[0] == self._stamp(layer, key) else None

    def _store(self, layer: Layer, stamp: tuple, key: tuple, value: Any) -> None:
        with self._lock:
            self._cache[(layer.id, key[0])] = (stamp, value)

    def _classes(self, layer: VectorLayer, style: Any) -> tuple[list[Symbol], np.ndarray]:
        field = getattr(style, "field", None)
        if field and field not in layer.gdf.columns:
            raise LayerError(layer.source, translate("RenderError", "style field '{field}' is not a field of the "
                                                                    "layer (fields: {fields})").format(
                field=field, fields=", ".join(map(str, layer.fields))), layer=layer.name)
        key = ("classes", json.dumps(style.to_dict(), sort_keys=True, default=str))

        def compute() -> tuple[list[Symbol], np.ndarray]:
            values = layer.gdf[field] if field else layer.gdf.index
            symbols, index = style.symbols_for(values)
            return list(symbols), np.asarray(index, dtype=np.int32)

        return self._cached(layer, key, compute)

    def _cached(self, layer: Layer, key: tuple, compute: Callable[[], Any]) -> Any:
        stamp = self._stamp(layer, key)  # taken before computing: an edit meanwhile makes the value stale
        hit = self._lookup(layer, key)
        if hit is not None:
            return hit
        value = compute()
        self._store(layer, stamp, key, value)
        return value


def _geometry_key(crs: Any) -> tuple[str, str]:
    return ("geometry", crs.to_wkt() if crs is not None else "")


def _whole(layer: VectorLayer, crs: Any) -> PreparedGeometry:
    """All of the layer's geometry, with its points' grid."""
    geometry = prepare(layer, crs)
    geometry.points.grid()
    return geometry


def _label_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value).strip()
