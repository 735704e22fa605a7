"""Feature labels: text with a halo, placed greedily so that no two labels overlap (across all layers).

Labels are collected while layers draw and placed at the end, top layer first, so they sit above every layer as
in QGIS. Points try four positions around the marker, polygons centre on a point inside the polygon, lines
centre on the middle of their longest piece, rotated along it and kept upright. Text stays text (``drawText``),
so PDF and SVG exports keep searchable labels; the halo is a stroked outline path drawn underneath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QTransform

from layers.styles import Labels
from workbench.render.markers import qcolour

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
    """Each label's halo (a stroked outline of its text, small and local so Qt strokes it fast), then its text."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for label in placed:
        painter.save()
        painter.translate(label.anchor_x, label.anchor_y)
        painter.rotate(label.angle_deg)
        if label.labels.halo is not None:
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
