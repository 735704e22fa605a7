"""Draw a vector layer's points, lines and polygons by symbol class, in bulk.

Raster targets get polygons and points rasterised by numba kernels into one image per class (polygons) or
composited band by band (points, in feature order) and drawn with ``drawImage``; vector targets (PDF, SVG) get
real outlines as Qt paths, so print output stays sharp at any zoom.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QPainter, QPen

from layers.styles import Symbol
from workbench.render.coverage import HAIRLINE_PX, stroke_hairlines
from workbench.render.geometry import Points, Polylines, PreparedGeometry
from workbench.render.lod import ViewShapes, shapes_in_view
from workbench.render.marker_blit import draw_marker_image, kept_markers, markers_in_view, sprite_sheet
from workbench.render.markers import Halo, halo_pen, is_invisible, marker_path, marker_pen, marker_sprite, qcolour
from workbench.render.polygon_raster import ClassPaint, paint_polygon_class
from workbench.render.qtbulk import path_from_records, point_array, replicate_records, template_records
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
    """Per class: the fill, then the outline. On raster targets fills and thin outlines are rasterised straight
    from the prepared arrays, visiting only the parts the grid finds near the view; wide outlines and vector
    targets (PDF, SVG) get Qt paths."""
    if len(rings.feature) == 0:
        return
    margin_px = _max_stroke_px(symbols, px_per_point) + 1.0
    shapes: ViewShapes | None = None
    if vector_output:
        shapes = _polygon_shapes(rings, feature_class, transform, margin_px)
    else:
        minx, miny, maxx, maxy = transform.visible_extent
        margin = margin_px * transform.units_per_pixel
        parts = rings.part_grid().nearby((minx - margin, miny - margin, maxx + margin, maxy + margin))
    for k, symbol in enumerate(symbols):
        if cancelled():
            return
        pen = _stroke_pen(symbol, px_per_point, line=False)
        fill = not is_invisible(symbol.fill)
        if not vector_output:
            hairline = _hairline(pen, vector_output)
            speck = symbol.fill if fill else symbol.stroke
            paint = ClassPaint(fill=symbol.fill if fill else None, outline=symbol.stroke if hairline else None,
                               outline_px=pen.widthF(), speck=None if is_invisible(speck) else speck)
            if paint.fill or paint.outline or paint.speck:
                paint_polygon_class(painter, rings, feature_class, k, paint, transform, parts, margin_px)
            if hairline or pen.style() == Qt.PenStyle.NoPen:
                continue
            fill = False  # a wide outline is left: Qt strokes it over the fill drawn above
            if shapes is None:
                shapes = _polygon_shapes(rings, feature_class, transform, margin_px)
        _draw_class_paths(painter, shapes, k, symbol, pen, fill, cancelled, specks=vector_output)


def _polygon_shapes(rings: Polylines, feature_class: np.ndarray, transform: MapTransform,
                    margin_px: float) -> ViewShapes:
    return shapes_in_view(rings, feature_class, transform, closed=True, tile_px=_POLYGON_TILE, margin_px=margin_px)


def _draw_class_paths(painter: QPainter, shapes: ViewShapes, k: int, symbol: Symbol, pen: QPen, fill: bool,
                      cancelled: Cancelled, *, specks: bool) -> None:
    """Class ``k``'s polygons as Qt paths, one per screen tile; ``specks``: also its sub-pixel parts as pixels."""
    groups = np.flatnonzero(shapes.group_class == k)
    if len(groups) and (fill or pen.style() != Qt.PenStyle.NoPen):
        ends = np.append(shapes.group_starts[1:], len(shapes.records))
        painter.setPen(pen)
        painter.setBrush(QBrush(qcolour(symbol.fill)) if fill else Qt.BrushStyle.NoBrush)
        for done, g in enumerate(groups):
            if done % 256 == 255 and cancelled():
                return
            painter.drawPath(path_from_records(shapes.records[shapes.group_starts[g]:ends[g]]))
    dots = shapes.dot_class == k
    if specks and dots.any():
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


def draw_points(painter: QPainter, points: Points, feature_class: np.ndarray, symbols: list[Symbol],
                transform: MapTransform, px_per_point: float, *, vector_output: bool, cancelled: Cancelled,
                halo: Halo | None = None) -> None:
    """Every marker in view, in feature order (the later feature on top), thinned to what can show at one pixel
    (see ``workbench.render.marker_blit``): sprites composited band by band on raster targets, replicated
    marker outlines as paths on vector targets; ``halo`` rings each marker (selection highlight)."""
    if len(points.xs) == 0 or not symbols or cancelled():
        return
    sheet = sprite_sheet([marker_sprite(symbol, px_per_point, halo) for symbol in symbols])
    markers = markers_in_view(points, feature_class, transform, sheet, numbered=vector_output)
    if markers.count == 0 or cancelled():
        return
    if not vector_output:
        draw_marker_image(painter, markers, sheet, transform.width, transform.height)
        return
    xs, ys, classes = kept_markers(markers, sheet, transform.width)
    runs = np.flatnonzero(np.diff(classes)) + 1  # consecutive markers of one class share a path
    for start, end in zip(np.append(0, runs), np.append(runs, len(classes)), strict=True):
        if cancelled():
            return
        _draw_marker_paths(painter, symbols[classes[start]], xs[start:end] + 0.5, ys[start:end] + 0.5, px_per_point,
                           halo)


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
