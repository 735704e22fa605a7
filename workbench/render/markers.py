"""Marker shapes as small Qt paths, and sprites (pre-rendered marker images) for fast raster drawing.

A marker of ``size`` points spans ``size`` points across its widest extent, so a 4 pt circle and a 4 pt square
look equally heavy on the map and in the legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from layers.styles import Symbol, parse_colour


def qcolour(colour: str, opacity: float = 1.0) -> QColor:
    """QColor from ``#RRGGBB[AA]`` with an extra opacity factor."""
    r, g, b, a = parse_colour(colour)
    return QColor(r, g, b, int(round(a * opacity)))


def is_invisible(colour: str) -> bool:
    return parse_colour(colour)[3] == 0


def marker_path(marker: str, diameter: float) -> QPainterPath:
    """The outline of ``marker`` centred on (0, 0), ``diameter`` pixels across."""
    r = diameter / 2.0
    path = QPainterPath()
    if marker == "circle":
        path.addEllipse(QPointF(0.0, 0.0), r, r)
    elif marker == "square":
        side = r * 1.7
        path.addRect(QRectF(-side / 2, -side / 2, side, side))
    elif marker == "triangle":
        path.addPolygon(_regular(3, r, -90.0))
        path.closeSubpath()
    elif marker == "diamond":
        path.addPolygon(_regular(4, r, -90.0))
        path.closeSubpath()
    elif marker == "cross":
        arm = r * 0.34
        points = [(-arm, -r), (arm, -r), (arm, -arm), (r, -arm), (r, arm), (arm, arm), (arm, r), (-arm, r),
                  (-arm, arm), (-r, arm), (-r, -arm), (-arm, -arm)]
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
        path.closeSubpath()
    else:  # star
        points = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * 0.45
            angle = math.radians(-90.0 + 36.0 * i)
            points.append(QPointF(radius * math.cos(angle), radius * math.sin(angle)))
        path.addPolygon(QPolygonF(points))
        path.closeSubpath()
    return path


def _regular(sides: int, radius: float, start_deg: float) -> QPolygonF:
    return QPolygonF([QPointF(radius * math.cos(math.radians(start_deg + 360.0 * i / sides)),
                              radius * math.sin(math.radians(start_deg + 360.0 * i / sides)))
                      for i in range(sides)])


def marker_pen(symbol: Symbol, px_per_point: float) -> QPen:
    if symbol.stroke_width <= 0 or is_invisible(symbol.stroke):
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolour(symbol.stroke), symbol.stroke_width * px_per_point)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


@dataclass(frozen=True)
class Halo:
    """A ring of ``colour`` ``width_pt`` points wide drawn around a marker (under it), so it stands out on any
    background: the selection highlight uses a white halo around a dark outline, as QGIS does."""

    colour: str = "#ffffff"
    width_pt: float = 1.2


@dataclass
class Sprite:
    """A marker drawn once into an image whose centre pixel is the marker's anchor (odd width and height)."""

    image: QImage
    half: int  # pixels from the centre pixel to the sprite edge


def halo_pen(symbol: Symbol, halo: Halo, px_per_point: float) -> QPen:
    """The pen whose stroke of the marker outline paints the halo (it extends ``halo.width_pt`` past the outline)."""
    outline = marker_pen(symbol, px_per_point)
    outline_px = outline.widthF() if outline.style() != Qt.PenStyle.NoPen else 0.0
    pen = QPen(qcolour(halo.colour), outline_px + 2.0 * halo.width_pt * px_per_point)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def marker_sprite(symbol: Symbol, px_per_point: float, halo: Halo | None = None) -> Sprite:
    """Pre-render ``symbol``'s marker (over its ``halo``, if any), anti-aliased, centred in an odd-sized
    transparent image."""
    diameter = symbol.size * px_per_point
    pen = marker_pen(symbol, px_per_point)
    outer = halo_pen(symbol, halo, px_per_point) if halo is not None else pen
    extent = diameter + (outer.widthF() if outer.style() != Qt.PenStyle.NoPen else 0.0)
    half = int(math.ceil(extent / 2.0)) + 1
    side = 2 * half + 1
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(half + 0.5, half + 0.5)
    path = marker_path(symbol.marker, diameter)
    if halo is not None:
        painter.setPen(outer)
        painter.setBrush(qcolour(halo.colour))
        painter.drawPath(path)
    painter.setPen(pen)
    painter.setBrush(qcolour(symbol.fill))
    painter.drawPath(path)
    painter.end()
    return Sprite(image, half)
