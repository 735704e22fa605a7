"""Anti-aliased fills and hairlines for raster targets, accumulated in float images by numba kernels.

Qt's anti-aliased rasteriser costs tens of microseconds per path however few polygons it holds, which made
polygon fills the slowest part of a map. This is the signed-area accumulation scheme of font renderers
(font-rs, stb_truetype): every edge adds its signed area contribution to the cells it crosses, one running sum
per row turns that into coverage, and coverage is clamped to 1. Overlapping polygons of a class therefore merge
(no darker overlaps, no seams along shared edges) and oppositely oriented holes cancel, like a non-zero fill.
Thin outlines (hairlines) are splatted: each pixel column (or row) a segment crosses gets its ink, split
between the two pixels nearest the line. ``workbench.render.polygon_raster`` drives both for polygons; lines use
``stroke_hairlines``. The colour is then laid over the image with one ``drawImage``. Vector targets (PDF, SVG)
keep Qt paths.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF
from PyQt6.QtGui import QImage, QPainter

from layers.styles import parse_colour
from workbench.render.kernel import kernel
from workbench.render.qtbulk import MOVE_TO


@kernel
def _span(acc: np.ndarray, x0: float, y0: float, x1: float, y1: float, direction: float) -> None:
    """Accumulate the signed area of one edge with 0 <= x <= width and y0 < y1 inside the rows."""
    height = acc.shape[0]
    dxdy = (x1 - x0) / (y1 - y0)
    x = x0
    row = int(np.floor(y0))
    last = min(height, int(np.ceil(y1)))
    while row < last:
        dy = min(row + 1.0, y1) - max(float(row), y0)
        xnext = x + dxdy * dy
        d = dy * direction
        left, right = (x, xnext) if x < xnext else (xnext, x)
        left_floor = np.floor(left)
        li = int(left_floor)
        ri = int(np.ceil(right))
        if ri <= li + 1:
            middle = 0.5 * (x + xnext) - left_floor
            acc[row, li] += d - d * middle
            acc[row, li + 1] += d * middle
        else:
            s = 1.0 / (right - left)
            lf = left - left_floor
            a0 = 0.5 * s * (1.0 - lf) * (1.0 - lf)
            rf = right - ri + 1.0
            am = 0.5 * s * rf * rf
            acc[row, li] += d * a0
            if ri == li + 2:
                acc[row, li + 1] += d * (1.0 - a0 - am)
            else:
                a1 = s * (1.5 - lf)
                acc[row, li + 1] += d * (a1 - a0)
                for xi in range(li + 2, ri - 1):
                    acc[row, xi] += d * s
                a2 = a1 + (ri - li - 3) * s
                acc[row, ri - 1] += d * (1.0 - a2 - am)
            acc[row, ri] += d * am
        x = xnext
        row += 1


@kernel
def _piece(acc: np.ndarray, x0: float, y0: float, x1: float, y1: float, ta: float, tb: float,
           direction: float) -> None:
    """The part ``ta..tb`` of an edge; a part left or right of the columns is pinned to that border."""
    width = float(acc.shape[1] - 2)
    ya = y0 + ta * (y1 - y0)
    yb = y0 + tb * (y1 - y0)
    if yb <= ya:
        return
    xa = x0 + ta * (x1 - x0)
    xb = x0 + tb * (x1 - x0)
    middle = 0.5 * (xa + xb)
    if middle < 0.0:
        xa = xb = 0.0
    elif middle > width:
        xa = xb = width
    else:
        xa = min(max(xa, 0.0), width)
        xb = min(max(xb, 0.0), width)
    _span(acc, xa, ya, xb, yb, direction)


@kernel
def accumulate_edge(acc: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> None:
    """Clip an edge to the rows and split it where it crosses the left or right border."""
    if y0 == y1:
        return
    direction = 1.0
    if y0 > y1:
        x0, y0, x1, y1 = x1, y1, x0, y0
        direction = -1.0
    height = float(acc.shape[0])
    width = float(acc.shape[1] - 2)
    if y1 <= 0.0 or y0 >= height:
        return
    slope = (x1 - x0) / (y1 - y0)
    if y0 < 0.0:
        x0 -= y0 * slope
        y0 = 0.0
    if y1 > height:
        x1 = x0 + (height - y0) * slope
        y1 = height
    if 0.0 <= x0 <= width and 0.0 <= x1 <= width:
        _span(acc, x0, y0, x1, y1, direction)
        return
    t_left = (0.0 - x0) / (x1 - x0) if (x0 < 0.0) != (x1 < 0.0) else 2.0
    t_right = (width - x0) / (x1 - x0) if (x0 > width) != (x1 > width) else 2.0
    first, second = min(t_left, t_right), max(t_left, t_right)
    start = 0.0
    for cut in (first, second, 1.0):
        if cut > 1.0:
            continue
        _piece(acc, x0, y0, x1, y1, start, cut, direction)
        start = cut


def _region(records: np.ndarray, width: int, height: int, margin: int):
    """The pixel box the records touch (clipped to the image), and their coordinates and segment flags."""
    if len(records) == 0:
        return None
    xs = np.ascontiguousarray(records["x"])
    ys = np.ascontiguousarray(records["y"])
    left = max(0, int(np.floor(xs.min())) - margin)
    top = max(0, int(np.floor(ys.min())) - margin)
    right = min(width, int(np.ceil(xs.max())) + margin)
    bottom = min(height, int(np.ceil(ys.max())) + margin)
    if right <= left or bottom <= top:
        return None
    types = (records["type"] != MOVE_TO).astype(np.int32)
    return left, top, right, bottom, xs, ys, types


def _draw(painter: QPainter, pixels: np.ndarray, left: int, top: int) -> None:
    height, width = pixels.shape
    image = QImage(pixels.data, width, height, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
    painter.drawImage(QPointF(left, top), image)


@kernel
def _clip_segment(x0: float, y0: float, x1: float, y1: float, left: float, top: float, right: float,
                  bottom: float) -> tuple[float, float]:
    """Liang-Barsky: the parameter range of the segment inside the box (empty when t0 >= t1)."""
    t0, t1 = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0.0:
            if q < 0.0:
                return 1.0, 0.0
        else:
            t = q / p
            if p < 0.0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t0, t1


@kernel
def splat_segment(cover: np.ndarray, x0: float, y0: float, x1: float, y1: float, weight: float) -> None:
    """A hairline ``weight`` pixels wide: per pixel column (row, for steep segments) of the segment, its ink
    (weight x length within that column) goes to the two pixels nearest the line, split by distance (Wu)."""
    height, width = cover.shape
    t0, t1 = _clip_segment(x0, y0, x1, y1, -1.0, -1.0, width + 1.0, height + 1.0)
    if t0 >= t1:
        return
    x0, y0, x1, y1 = x0 + t0 * (x1 - x0), y0 + t0 * (y1 - y0), x0 + t1 * (x1 - x0), y0 + t1 * (y1 - y0)
    steep = abs(y1 - y0) > abs(x1 - x0)
    if steep:  # walk rows: swap the axes
        x0, y0, x1, y1 = y0, x0, y1, x1
    if x1 < x0:
        x0, y0, x1, y1 = x1, y1, x0, y0
    run = x1 - x0
    if run <= 0.0:
        return
    slope = (y1 - y0) / run
    ink = weight * np.sqrt(1.0 + slope * slope)  # per unit of the walked axis
    limit_major = height if steep else width
    limit_minor = width if steep else height
    first = int(np.floor(x0))
    last = int(np.floor(x1))
    for major in range(first, last + 1):
        if major < 0 or major >= limit_major:
            continue
        a = max(x0, float(major))
        b = min(x1, major + 1.0)
        if b <= a:
            continue
        centre = y0 + slope * (0.5 * (a + b) - x0) - 0.5
        minor = int(np.floor(centre))
        share = centre - minor
        amount = ink * (b - a)
        for step in range(2):
            m = minor + step
            if m < 0 or m >= limit_minor:
                continue
            part = amount * (share if step else 1.0 - share)
            if steep:
                cover[major, m] += part
            else:
                cover[m, major] += part


@kernel
def _splat_lines(cover: np.ndarray, xs: np.ndarray, ys: np.ndarray, types: np.ndarray, weight: float) -> None:
    """Hairlines along every segment between consecutive vertices of the same line."""
    for i in range(1, len(xs)):
        if types[i] != 0:
            splat_segment(cover, xs[i - 1], ys[i - 1], xs[i], ys[i], weight)


@kernel
def _pack_cover(cover: np.ndarray, out: np.ndarray, r: float, g: float, b: float, a: float) -> None:
    height, width = out.shape
    for row in range(height):
        for col in range(width):
            alpha = a * min(1.0, cover[row, col])
            out[row, col] = ((np.uint32(alpha * 255.0 + 0.5) << 24) | (np.uint32(r * alpha * 255.0 + 0.5) << 16)
                             | (np.uint32(g * alpha * 255.0 + 0.5) << 8) | np.uint32(b * alpha * 255.0 + 0.5))


#: Pens up to this width (pixels) are drawn as splatted hairlines; wider ones go to Qt's stroker.
HAIRLINE_PX = 1.25


def stroke_hairlines(painter: QPainter, records: np.ndarray, colour: str, width_px: float, width: int,
                     height: int) -> None:
    """Thin outlines of the polylines in ``records`` (pixel coordinates), anti-aliased, in one image."""
    region = _region(records, width, height, margin=2)
    if region is None:
        return
    left, top, right, bottom, xs, ys, types = region
    cover = np.zeros((bottom - top, right - left), dtype=np.float32)
    _splat_lines(cover, xs - left, ys - top, types, width_px)
    pixels = np.empty(cover.shape, dtype=np.uint32)
    _pack_cover(cover, pixels, *(c / 255.0 for c in parse_colour(colour)))
    _draw(painter, pixels, left, top)
