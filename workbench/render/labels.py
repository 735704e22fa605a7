"""Feature labels: text with a halo, placed greedily so that no two labels overlap (across all layers).

Labels are collected while layers draw and placed at the end, top layer first, so they sit above every layer as
in QGIS. Points try four positions around the marker, polygons centre on a point inside the polygon, lines
centre on the middle of their longest piece, rotated along it and kept upright. Text stays text (``drawText``),
so PDF and SVG exports keep searchable labels. The halo goes underneath: on images, the text of every label with
the same halo drawn into one mask, dilated by the halo radius with NumPy and laid down in one ``drawImage`` (Qt
filling a stroked outline of each text cost most of a map's render time); on vector targets, a stroked outline
path per label. Labels never overlap, halo included, so all halos first and then all texts is the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPaintEngine, QPainter, QPainterPath, QPen, QTransform

from layers.styles import Labels, parse_colour
from workbench.render.kernel import kernel
from workbench.render.markers import qcolour
from workbench.render.scratch import scratch

#: Most labels considered per layer and view: beyond this the screen is full anyway.
MAX_CANDIDATES = 4000
_CELL = 64.0
#: Closest two labels with the same text may be (points on the page: about 7 cm).
REPEAT_DISTANCE_PT = 200.0


@dataclass
class LabelJob:
    """Labels of one layer: text and pixel anchor per feature, in placement priority order."""

    labels: Labels
    texts: list[str]
    xs: np.ndarray
    ys: np.ndarray
    angles: np.ndarray  # pixel-space radians for line labels, NaN otherwise
    clearance: np.ndarray  # pixels between anchor and text for point labels (marker radius), 0 otherwise


@dataclass
class PlacedLabel:
    text: str
    x: float  # left of the text box before rotation, relative to the anchor
    y: float  # baseline
    anchor_x: float
    anchor_y: float
    angle_deg: float
    labels: Labels
    font: QFont


class _Occupancy:
    """Rectangles already taken, hashed into a coarse grid so each test looks at a few neighbours only."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[QRectF]] = {}

    def _keys(self, rect: QRectF) -> list[tuple[int, int]]:
        x0, x1 = int(rect.left() // _CELL), int(rect.right() // _CELL)
        y0, y1 = int(rect.top() // _CELL), int(rect.bottom() // _CELL)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def free(self, rect: QRectF) -> bool:
        return not any(other.intersects(rect) for key in self._keys(rect) for other in self.cells.get(key, ()))

    def take(self, rect: QRectF) -> None:
        for key in self._keys(rect):
            self.cells.setdefault(key, []).append(rect)


def label_font(labels: Labels, dpi: float, device_dpi: float) -> QFont:
    """A font whose size in the render's pixel space is ``labels.size`` points at ``dpi``."""
    font = QFont()
    font.setPointSizeF(labels.size * dpi / device_dpi)
    return font


def place_labels(painter: QPainter, jobs: list[LabelJob], width: int, height: int, dpi: float) -> list[PlacedLabel]:
    """Greedy placement: each label takes the first free candidate position fully inside the image.

    The same text is not repeated closer than ``REPEAT_DISTANCE_PT``.
    """
    occupancy = _Occupancy()
    placed: list[PlacedLabel] = []
    repeat = REPEAT_DISTANCE_PT * dpi / 72.0
    seen: dict[str, list[tuple[float, float]]] = {}
    device_dpi = float(painter.device().logicalDpiY()) or 96.0
    bounds = QRectF(0, 0, width, height)
    for job in jobs:
        font = label_font(job.labels, dpi, device_dpi)
        metrics = QFontMetricsF(font, painter.device())
        ascent, descent = metrics.ascent(), metrics.descent()
        pad = _halo_px(job.labels, dpi) + 1.0
        for i, text in enumerate(job.texts):
            earlier = seen.setdefault(text, [])
            if any(math.hypot(job.xs[i] - x, job.ys[i] - y) < repeat for x, y in earlier):
                continue  # a road split at every junction gets its name once per stretch, not once per block
            text_width = metrics.horizontalAdvance(text)
            for left, baseline, angle in _candidates(job, i, text_width, ascent, descent):
                box = _box(job.xs[i], job.ys[i], left, baseline - ascent, text_width, ascent + descent, angle, pad)
                if bounds.contains(box) and occupancy.free(box):
                    occupancy.take(box)
                    earlier.append((float(job.xs[i]), float(job.ys[i])))
                    placed.append(PlacedLabel(text, left, baseline, float(job.xs[i]), float(job.ys[i]), angle,
                                              job.labels, font))
                    break
    return placed


def _candidates(job: LabelJob, i: int, width: float, ascent: float,
                descent: float) -> list[tuple[float, float, float]]:
    """(left, baseline, angle in degrees) relative to the anchor, best first."""
    middle = (ascent - descent) / 2.0  # baseline offset that centres the text vertically
    angle = job.angles[i]
    if np.isfinite(angle):
        degrees = math.degrees(angle)
        if degrees > 90.0:
            degrees -= 180.0
        elif degrees < -90.0:
            degrees += 180.0
        return [(-width / 2.0, middle, degrees)]
    gap = job.clearance[i]
    if gap <= 0:
        return [(-width / 2.0, middle, 0.0)]
    gap += 1.0
    return [(gap, middle, 0.0), (-gap - width, middle, 0.0), (-width / 2.0, -gap - descent, 0.0),
            (-width / 2.0, gap + ascent, 0.0)]


def _box(ax: float, ay: float, left: float, top: float, width: float, height: float, angle: float,
         pad: float) -> QRectF:
    """The label's axis-aligned bounds in image pixels (rotated labels take their bounding box)."""
    rect = QRectF(left - pad, top - pad, width + 2 * pad, height + 2 * pad)
    transform = QTransform().translate(ax, ay).rotate(angle)
    return transform.mapRect(rect)


def _halo_px(labels: Labels, dpi: float) -> float:
    return 0.0 if labels.halo is None else max(1.0, 0.14 * labels.size * dpi / 72.0)


def draw_labels(painter: QPainter, placed: list[PlacedLabel], dpi: float) -> None:
    """Every label's halo, then its text (see the module docstring)."""
    device = painter.device()
    raster = painter.paintEngine().type() == QPaintEngine.Type.Raster and isinstance(device, QImage)
    if raster:
        _draw_raster_halos(painter, device, placed, dpi)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for label in placed:
        painter.save()
        painter.translate(label.anchor_x, label.anchor_y)
        painter.rotate(label.angle_deg)
        if label.labels.halo is not None and not raster:
            path = QPainterPath()
            path.addText(QPointF(0, 0), label.font, label.text)
            # a path lays text out at the screen's dpi, drawText at the device's (PDF 300, print previews)
            ratio = (QFontMetricsF(label.font, painter.device()).horizontalAdvance(label.text)
                     / max(QFontMetricsF(label.font).horizontalAdvance(label.text), 1e-9))
            path = QTransform().translate(label.x, label.y).scale(ratio, ratio).map(path)
            pen = QPen(qcolour(label.labels.halo), 2.0 * _halo_px(label.labels, dpi))
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.strokePath(path, pen)
        painter.setPen(qcolour(label.labels.colour))
        painter.setFont(label.font)
        painter.drawText(QPointF(label.x, label.y), label.text)
        painter.restore()


def _draw_raster_halos(painter: QPainter, device: QImage, placed: list[PlacedLabel], dpi: float) -> None:
    """Per halo colour and width: the texts into one mask, dilated, drawn in the halo colour."""
    scale = math.sqrt(abs(painter.worldTransform().determinant()))  # render pixels -> image pixels
    groups: dict[tuple[str, float], list[PlacedLabel]] = {}
    for label in placed:
        if label.labels.halo is not None:
            groups.setdefault((label.labels.halo, _halo_px(label.labels, dpi) * scale), []).append(label)
    for (colour, radius), labels in groups.items():
        mask = QImage(device.width(), device.height(), QImage.Format.Format_ARGB32_Premultiplied)
        mask.setDotsPerMeterX(device.dotsPerMeterX())
        mask.setDotsPerMeterY(device.dotsPerMeterY())
        mask.fill(0)
        text_painter = QPainter(mask)
        text_painter.setRenderHints(painter.renderHints())
        text_painter.setWorldTransform(painter.worldTransform())
        text_painter.setPen(QColor("#000000"))
        for label in labels:
            text_painter.save()
            text_painter.translate(label.anchor_x, label.anchor_y)
            text_painter.rotate(label.angle_deg)
            text_painter.setFont(label.font)
            text_painter.drawText(QPointF(label.x, label.y), label.text)
            text_painter.restore()
        text_painter.end()
        _lay_halo(painter, mask, colour, radius)


def _lay_halo(painter: QPainter, mask: QImage, colour: str, radius: float) -> None:
    """Dilate the mask's ink by ``radius`` pixels (a disc with a soft one-pixel rim, as a stroke of twice that
    width around the glyph outlines gives) and draw it in ``colour`` at the mask's pixel position."""
    buffer = mask.constBits()
    buffer.setsize(mask.sizeInBytes())
    ink = np.frombuffer(buffer, np.uint32).reshape(mask.height(), mask.bytesPerLine() // 4)[:, :mask.width()]
    # a pixel whose centre is d px outside the glyph edge is about d + 0.5 px from the nearest inked pixel's centre
    reach = int(math.ceil(radius + 1.0))
    offsets = [(dy, dx, min(1.0, radius + 1.0 - math.hypot(dx, dy))) for dy in range(-reach, reach + 1)
               for dx in range(-reach, reach + 1)]
    offsets = np.array([o for o in offsets if o[2] > 0])
    cover = scratch("halo", ink.shape, np.uint8, zero=True)
    out = scratch("halo pixels", ink.shape, np.uint32, zero=False)
    r, g, b, a = (c / 255.0 for c in parse_colour(colour))
    top, bottom, left, right = _halo(ink, offsets[:, 0].astype(np.int64), offsets[:, 1].astype(np.int64),
                                     offsets[:, 2], cover, out, r, g, b, a)
    if bottom <= top:
        return
    pixels = np.ascontiguousarray(out[top:bottom, left:right])
    painter.save()
    painter.resetTransform()
    painter.drawImage(QPointF(left, top), QImage(pixels.data, right - left, bottom - top, 4 * (right - left),
                                                 QImage.Format.Format_ARGB32_Premultiplied))
    painter.restore()


@kernel
def _halo(ink, dys, dxs, weights, cover, out, r, g, b, a):
    """Dilate the ink (alpha of ARGB32 pixels) into ``cover``: each pixel the maximum over the offsets of the ink
    shifted by (dy, dx) times the offset's weight; only inked pixels (a small share of a map) do any work. Then
    ``out`` = the halo colour at that coverage over the box touched, which is returned (top, bottom, left,
    right)."""
    height, width = ink.shape
    top, bottom, left, right = height, 0, width, 0
    for y in range(height):
        for x in range(width):
            alpha = ink[y, x] >> 24
            if alpha == 0:
                continue
            for k in range(len(dys)):
                ty, tx = y + dys[k], x + dxs[k]
                if 0 <= ty < height and 0 <= tx < width:
                    value = np.uint8(alpha * weights[k] + 0.5)
                    if value > cover[ty, tx]:
                        cover[ty, tx] = value
                        top, bottom = min(top, ty), max(bottom, ty + 1)
                        left, right = min(left, tx), max(right, tx + 1)
    for y in range(top, bottom):
        for x in range(left, right):
            coverage = a * cover[y, x] / 255.0
            out[y, x] = ((np.uint32(coverage * 255.0 + 0.5) << 24) | (np.uint32(r * coverage * 255.0 + 0.5) << 16)
                         | (np.uint32(g * coverage * 255.0 + 0.5) << 8) | np.uint32(b * coverage * 255.0 + 0.5))
    return top, bottom, left, right
