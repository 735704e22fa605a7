"""Small legend swatches for the layer tree, drawn from the same style data the renderer reads."""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from layers import Layer, RasterLayer, VectorLayer
from layers.styles import Symbol
from workbench.render.markers import marker_path
from workbench.render.markers import qcolour as qcolor

ICON_SIZE = 16


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def symbol_icon(symbol: Symbol, family: str) -> QIcon:
    """What one class looks like: a marker, a line stroke or a filled square."""
    pixmap, painter = _canvas()
    stroke = qcolor(symbol.stroke)
    if family == "line":
        painter.setPen(QPen(stroke, max(1.5, min(4.0, symbol.stroke_width * 1.6)), Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(2, ICON_SIZE - 4), QPointF(ICON_SIZE - 2, 4))
    elif family == "polygon":
        painter.setPen(QPen(stroke, 1.0) if stroke.alpha() else Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(symbol.fill))
        painter.drawRect(QRectF(2.5, 2.5, ICON_SIZE - 5, ICON_SIZE - 5))
    else:
        painter.setPen(QPen(stroke, 0.8) if stroke.alpha() else Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(symbol.fill))
        radius = max(3.0, min(6.5, symbol.size * 0.75))
        painter.drawPath(marker_path(symbol.marker, 2 * radius).translated(ICON_SIZE / 2, ICON_SIZE / 2))
    painter.end()
    return QIcon(pixmap)


def colour_icon(colour: str) -> QIcon:
    """A flat swatch for raster ramp stops."""
    pixmap, painter = _canvas()
    painter.setPen(QPen(QColor(90, 90, 90), 0.8))
    painter.setBrush(qcolor(colour))
    painter.drawRect(QRectF(2.5, 2.5, ICON_SIZE - 5, ICON_SIZE - 5))
    painter.end()
    return QIcon(pixmap)


def layer_icon(layer: Layer) -> QIcon:
    """The layer's own symbol when it has one, else a neutral sign of its geometry type or a raster grid."""
    if isinstance(layer, VectorLayer):
        symbol = getattr(layer.style, "symbol", None)
        if symbol is not None:
            return symbol_icon(symbol, layer.geometry_type)
        return symbol_icon(Symbol(fill="#bdbdbd", stroke="#616161", stroke_width=0.8), layer.geometry_type)
    pixmap, painter = _canvas()
    if isinstance(layer, RasterLayer):
        stops = getattr(layer.style, "stops", None) or [(0, "#440154"), (1, "#fde725")]
        cell = (ICON_SIZE - 4) / 2
        colours = [stops[0][1], stops[len(stops) // 2][1], stops[len(stops) // 2][1], stops[-1][1]]
        for i, colour in enumerate(colours):
            painter.fillRect(QRectF(2 + (i % 2) * cell, 2 + (i // 2) * cell, cell, cell), qcolor(colour))
        painter.setPen(QPen(QColor(90, 90, 90), 0.8))
        painter.drawRect(QRectF(2, 2, ICON_SIZE - 4, ICON_SIZE - 4))
    painter.end()
    return QIcon(pixmap)
