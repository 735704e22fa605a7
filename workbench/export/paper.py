"""Millimetres and points on any QPainter device: a PDF page, an SVG, a PNG at 300 dpi or a preview widget.

A layout is designed in millimetres; ``Paper`` maps them onto the device rectangle the page occupies, and sizes
fonts and pens so that a 10 pt label is 10 pt on paper whatever the device resolution, and proportionally
smaller in a preview.
"""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from workbench.export.layout_geometry import MM_PER_INCH
from workbench.render.markers import qcolour as qcolor

FONT_FAMILY = "DejaVu Sans"
PT_PER_MM = 72.0 / MM_PER_INCH
_LIGATURES = QFont.Tag("liga")


class Paper:
    """Converts page millimetres to device coordinates for one painter and one page rectangle."""

    def __init__(self, painter: QPainter, page_rect: QRectF, page_mm: tuple[float, float]) -> None:
        self.painter = painter
        self.page_rect = QRectF(page_rect)
        self.page_mm = page_mm
        self.units_per_mm = page_rect.width() / page_mm[0]
        device = painter.device()
        self._device_dpi = float(device.logicalDpiY()) if device is not None else 96.0

    @property
    def dpi(self) -> float:
        """Device units per inch of paper: the resolution the map renderer must draw at."""
        return self.units_per_mm * MM_PER_INCH

    def mm(self, value: float) -> float:
        return value * self.units_per_mm

    def pt(self, value: float) -> float:
        """A length given in points (pens, symbol sizes) in device units."""
        return value / PT_PER_MM * self.units_per_mm

    def point(self, x_mm: float, y_mm: float) -> QPointF:
        return QPointF(self.page_rect.left() + self.mm(x_mm), self.page_rect.top() + self.mm(y_mm))

    def rect(self, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> QRectF:
        return QRectF(self.point(x_mm, y_mm), self.point(x_mm + w_mm, y_mm + h_mm))

    def font(self, size_pt: float, *, bold: bool = False) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPointSizeF(max(0.1, size_pt / PT_PER_MM * self.units_per_mm * 72.0 / self._device_dpi))
        font.setBold(bold)
        font.setFeature(_LIGATURES, 0)  # "fi" stays two letters, so PDF text can be searched and copied
        return font

    def pen(self, colour: str, width_pt: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        pen = QPen(qcolor(colour), self.pt(width_pt), style)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        return pen

    # -- text ----------------------------------------------------------------------------------------------
    def text(self, rect_mm: tuple[float, float, float, float], text: str, size_pt: float, *,
             colour: str = "#1f2a36", bold: bool = False,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
             wrap: bool = False) -> float:
        """Draw text in a mm rectangle; returns the height in mm it took."""
        painter = self.painter
        painter.save()
        painter.setFont(self.font(size_pt, bold=bold))
        painter.setPen(qcolor(colour))
        flags = int(align.value) | (int(Qt.TextFlag.TextWordWrap.value) if wrap else 0)
        target = self.rect(*rect_mm)
        used = painter.boundingRect(target, flags, text)
        painter.drawText(target, flags, text)
        painter.restore()
        return used.height() / self.units_per_mm

    def text_size(self, text: str, size_pt: float, *, bold: bool = False, width_mm: float | None = None
                  ) -> tuple[float, float]:
        """(width, height) in mm that ``text`` needs; wrapped to ``width_mm`` when given."""
        metrics = QFontMetricsF(self.font(size_pt, bold=bold), self.painter.device())
        if width_mm is None:
            return (metrics.horizontalAdvance(text) / self.units_per_mm, metrics.height() / self.units_per_mm)
        box = metrics.boundingRect(QRectF(0, 0, self.mm(width_mm), 1e9), int(Qt.TextFlag.TextWordWrap.value),
                                   text)
        return (box.width() / self.units_per_mm, box.height() / self.units_per_mm)

    def elide(self, text: str, size_pt: float, width_mm: float, *, bold: bool = False) -> str:
        metrics = QFontMetricsF(self.font(size_pt, bold=bold), self.painter.device())
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, self.mm(width_mm))
