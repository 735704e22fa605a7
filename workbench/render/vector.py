"""Draw a vector layer's points, lines and polygons by symbol class, in bulk.

Raster targets get points as sprites blitted with one ``drawPixmapFragments`` call per class; vector targets
(PDF, SVG) get real marker outlines in one path per class, so print output stays sharp at any zoom.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QPainter, QPen, QPixmap

from layers.styles import Symbol
from workbench.render.coverage import HAIRLINE_PX, fill_rings, stroke_hairlines
from workbench.render.geometry import Points, Polylines, PreparedGeometry
from workbench.render.lod import shapes_in_view
from workbench.render.markers import Halo, halo_pen, is_invisible, marker_path, marker_pen, marker_sprite, qcolour
from workbench.render.qtbulk import (
    fragment_array,
    path_from_records,
    point_array,
    replicate_records,
    template_records,
)
from workbench.render.settings import MapTransform

Cancelled = Callable[[], bool]
#: Markers per path on vector targets: keeps each PDF/SVG path element a reasonable size.
_MARKERS_PER_PATH = 5000
#: Tiles (pixels) that group polygons and lines into local paths; see workbench.render.lod.
_POLYGON_TILE, _LINE_TILE = 32, 64


def draw_features(painter: QPainter, geometry: PreparedGeometry, feature_class: np.ndarray, symbols: list[Symbol],
                  transform: MapTransform, px_per_point: float, *, vector_output: bool,
                  cancelled: Cancelled) -> None:
    """Polygons, then lines, then points of the features whose class is >= 0."""
    draw_polygons(painter, geometry.rings, feature_class, symbols, transform, px_per_point, cancelled,
                  vector_output=vector_output)
    draw_lines(painter, geometry.lines, feature_class, symbols, transform, px_per_point, cancelled,
               vector_output=vector_output)
    draw_points(painter, geometry.points, feature_class, symbols, transform, px_per_point,
                vector_output=vector_output, cancelled=cancelled)


def _stroke_pen(symbol: Symbol, px_per_point: float, *, line: bool) -> QPen:
    if symbol.stroke_width <= 0 or is_invisible(symbol.stroke):
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolour(symbol.stroke), symbol.stroke_width * px_per_point)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap if line else Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin if line else Qt.PenJoinStyle.MiterJoin)
    return pen


def _hairline(pen: QPen, vector_output: bool) -> bool:
    """Thin strokes on raster targets are splatted in bulk; the rest go through Qt's stroker."""
    return not vector_output and pen.style() != Qt.PenStyle.NoPen and pen.widthF() <= HAIRLINE_PX


def _max_stroke_px(symbols: list[Symbol], px_per_point: float) -> float:
    return max((s.stroke_width for s in symbols), default=0.0) * px_per_point


def draw_polygons(painter: QPainter, rings: Polylines, feature_class: np.ndarray, symbols: list[Symbol],
                  transform: MapTransform, px_per_point: float, cancelled: Cancelled, *,
                  vector_output: bool) -> None:
    """Per class: the fill (coverage accumulation on raster targets, Qt paths on vector ones), then outlines."""
    if len(rings.feature) == 0:
        return
    shapes = shapes_in_view(rings, feature_class, transform, closed=True, tile_px=_POLYGON_TILE,
                            margin_px=_max_stroke_px(symbols, px_per_point) + 1.0)
    ends = np.append(shapes.group_starts[1:], len(shapes.records))
    for k, symbol in enumerate(symbols):
        if cancelled():
            return
        groups = np.flatnonzero(shapes.group_class == k)
        pen = _stroke_pen(symbol, px_per_point, line=False)
        fill = not is_invisible(symbol.fill)
        class_records = shapes.records[shapes.group_starts[groups[0]]:ends[groups[-1]]] if len(groups) else None
        if class_records is not None and fill and not vector_output:  # classes are contiguous in the records
            fill_rings(painter, class_records, symbol.fill, transform.width, transform.height)
            fill = False
        if class_records is not None and pen.style() != Qt.PenStyle.NoPen and not fill and _hairline(
                pen, vector_output):
            stroke_hairlines(painter, class_records, symbol.stroke, pen.widthF(), transform.width, transform.height)
            pen = QPen(Qt.PenStyle.NoPen)
        if class_records is not None and (fill or pen.style() != Qt.PenStyle.NoPen):
            painter.setPen(pen)
            painter.setBrush(QBrush(qcolour(symbol.fill)) if fill else Qt.BrushStyle.NoBrush)
            for done, g in enumerate(groups):
                if done % 256 == 255 and cancelled():
                    return
                painter.drawPath(path_from_records(shapes.records[shapes.group_starts[g]:ends[g]]))
        dots = shapes.dot_class == k
        if dots.any():
            colour = symbol.stroke if is_invisible(symbol.fill) else symbol.fill
            _draw_dots(painter, shapes.dot_x[dots], shapes.dot_y[dots], colour)


def draw_lines(painter: QPainter, lines: Polylines, feature_class: np.ndarray, symbols: list[Symbol],
               transform: MapTransform, px_per_point: float, cancelled: Cancelled, *, vector_output: bool) -> None:
    """Lines of the first class end up on top (arterial roads over local streets)."""
    if len(lines.feature) == 0:
        return
    shapes = shapes_in_view(lines, feature_class, transform, closed=False, tile_px=_LINE_TILE,
                            margin_px=_max_stroke_px(symbols, px_per_point) + 1.0)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for k in reversed(range(len(symbols))):
        if cancelled():
            return
        symbol = symbols[k]
        groups = np.flatnonzero(shapes.group_class == k)
        pen = _stroke_pen(symbol, px_per_point, line=True)
        if len(groups) and pen.style() != Qt.PenStyle.NoPen:
            starts = shapes.group_starts[groups]
            ends = np.append(shapes.group_starts[1:], len(shapes.records))[groups]
            if _hairline(pen, vector_output):
                stroke_hairlines(painter, shapes.records[starts[0]:ends[-1]], symbol.stroke, pen.widthF(),
                                 transform.width, transform.height)
            else:
                painter.setPen(pen)
                for start, end in zip(starts, ends, strict=True):
                    painter.drawPath(path_from_records(shapes.records[start:end]))
        dots = shapes.dot_class == k
        if dots.any() and not is_invisible(symbol.stroke):
            _draw_dots(painter, shapes.dot_x[dots], shapes.dot_y[dots], symbol.stroke)


def _draw_dots(painter: QPainter, xs: np.ndarray, ys: np.ndarray, colour: str) -> None:
    """Shapes smaller than a pixel: one pixel each, in the shape's colour."""
    pen = QPen(qcolour(colour), 1.0)
    pen.setCapStyle(Qt.PenCapStyle.SquareCap)
    painter.setPen(pen)
    painter.drawPoints(point_array(xs, ys))


def visible_marker_centres(points: Points, selected: np.ndarray, transform: MapTransform,
                           half: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel centres of the markers to draw: in view (with ``half`` pixels of margin), one per pixel."""
    px, py = transform.map_to_pixel(points.xs[selected], points.ys[selected])
    ix = np.floor(px)
    iy = np.floor(py)
    inside = (ix >= -half) & (ix < transform.width + half) & (iy >= -half) & (iy < transform.height + half)
    width = transform.width + 2 * half
    cells = (iy[inside].astype(np.int64) + half) * width + (ix[inside].astype(np.int64) + half)
    area = width * (transform.height + 2 * half)
    if len(cells) * 16 > area:  # dense: a bitmap is cheaper than sorting
        occupied = np.zeros(area, dtype=bool)
        occupied[cells] = True
        cells = np.flatnonzero(occupied)
    else:
        cells = np.unique(cells)
    return (cells % width - half).astype(float) + 0.5, (cells // width - half).astype(float) + 0.5


def draw_points(painter: QPainter, points: Points, feature_class: np.ndarray, symbols: list[Symbol],
                transform: MapTransform, px_per_point: float, *, vector_output: bool, cancelled: Cancelled,
                halo: Halo | None = None) -> None:
    """Per class, every marker in view in one call: a sprite blitted by ``drawPixmapFragments`` (raster targets)
    or one path of replicated outlines (vector targets); ``halo`` rings each marker (selection highlight)."""
    if len(points.feature) == 0:
        return
    point_class = feature_class[points.feature]
    for k, symbol in enumerate(symbols):
        if cancelled():
            return
        selected = point_class == k
        if not selected.any():
            continue
        sprite = marker_sprite(symbol, px_per_point, halo)
        xs, ys = visible_marker_centres(points, selected, transform, sprite.half)
        if len(xs) == 0:
            continue
        pixmap = None if vector_output else QPixmap.fromImage(sprite.image)
        if pixmap is not None and not pixmap.isNull():
            side = float(sprite.image.width())
            painter.drawPixmapFragments(fragment_array(xs, ys, side, side), pixmap)
        else:  # vector output, or a platform without pixmaps off the GUI thread
            _draw_marker_paths(painter, symbol, xs, ys, px_per_point, halo)


def _draw_marker_paths(painter: QPainter, symbol: Symbol, xs: np.ndarray, ys: np.ndarray,
                       px_per_point: float, halo: Halo | None = None) -> None:
    template = template_records(marker_path(symbol.marker, symbol.size * px_per_point))
    chunks = math.ceil(len(xs) / _MARKERS_PER_PATH)
    for i in range(chunks):
        part = slice(i * _MARKERS_PER_PATH, (i + 1) * _MARKERS_PER_PATH)
        path = path_from_records(replicate_records(template, xs[part], ys[part]))
        if halo is not None:
            painter.setPen(halo_pen(symbol, halo, px_per_point))
            painter.setBrush(qcolour(halo.colour))
            painter.drawPath(path)
        painter.setPen(marker_pen(symbol, px_per_point))
        painter.setBrush(qcolour(symbol.fill))
        painter.drawPath(path)
