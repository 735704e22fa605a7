"""Polygons on raster targets straight from the prepared ring arrays: one numba pass per symbol class projects,
simplifies and rasterises the rings near the view (fill by coverage accumulation, thin outline by splatting, see
``workbench.render.coverage``), and one more packs fill and outline into one image drawn with one ``drawImage``.

No per-render arrays over all vertices: the parts near the view come from the rings' grid, and each ring is
simplified into a small scratch buffer (vertices in the same pixel as the previous kept one are dropped). A part
whose exterior keeps fewer than three vertices is a single pixel; a hole that small is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QPointF
from PyQt6.QtGui import QImage, QPainter

from layers.styles import parse_colour
from workbench.render.coverage import accumulate_edge, splat_segment
from workbench.render.geometry import Polylines
from workbench.render.kernel import kernel
from workbench.render.scratch import scratch
from workbench.render.settings import MapTransform


@dataclass
class ClassPaint:
    """How one symbol class is painted here: fill colour (None: no fill), hairline outline colour (None: none
    here) and width in pixels, and the colour of parts smaller than a pixel (None: not drawn)."""

    fill: str | None
    outline: str | None
    outline_px: float
    speck: str | None


def paint_polygon_class(painter: QPainter, rings: Polylines, feature_class: np.ndarray, k: int, paint: ClassPaint,
                        transform: MapTransform, parts: np.ndarray, margin_px: float) -> None:
    """Fill and outline the parts of class ``k`` among ``parts`` (part numbers near the view, neighbours
    together: see ``SpatialGrid.nearby``) in one image."""
    width, height = transform.width, transform.height
    speck_in_fill = paint.speck is not None and paint.speck == paint.fill
    speck_in_cover = paint.speck is not None and not speck_in_fill
    use_acc = paint.fill is not None
    use_cover = paint.outline is not None or speck_in_cover
    acc = scratch("fill", (height, width + 2) if use_acc else (1, 3), np.float32, zero=True)
    cover = scratch("outline", (height, width) if use_cover else (1, 1), np.float32, zero=True)
    minx, miny, maxx, maxy = transform.visible_extent
    margin = margin_px * transform.units_per_pixel
    view = np.array([minx - margin, miny - margin, maxx + margin, maxy + margin])
    ring_buffer = np.empty((2, rings.longest + 1))
    spans = scratch("spans", (height, 2), np.int64, zero=False)
    spans[:, 0], spans[:, 1] = width, 0
    _rasterise(rings.xs, rings.ys, rings.offsets, rings.bounds, rings.feature, feature_class, rings.part_start,
               parts, k, transform.centre_x, transform.centre_y, transform.units_per_pixel, width, height, view, acc,
               cover, use_acc, paint.outline is not None, paint.outline_px, speck_in_fill, speck_in_cover,
               ring_buffer, spans)
    inked = np.flatnonzero(spans[:, 1] > spans[:, 0])
    if len(inked) == 0:
        return
    top, bottom = int(inked[0]), int(inked[-1]) + 1
    left, right = int(spans[top:bottom, 0].min()), int(spans[top:bottom, 1].max())
    out = scratch("pixels", (bottom - top, right - left), np.uint32, zero=False)
    cover_colour = paint.outline if paint.outline is not None else paint.speck
    fill = np.array(parse_colour(paint.fill or "#00000000"), dtype=float) / 255.0
    outline = np.array(parse_colour(cover_colour if use_cover else "#00000000"), dtype=float) / 255.0
    _pack(acc, cover, spans, out, top, left, use_acc, use_cover, fill, outline)
    image = QImage(out.data, right - left, bottom - top, 4 * (right - left), QImage.Format.Format_ARGB32_Premultiplied)
    painter.drawImage(QPointF(left, top), image)


@kernel
def _simplify(xs, ys, start, end, cx, cy, inv, half_w, half_h, scratch) -> int:
    """Pixel coordinates of vertices ``start:end`` into ``scratch``, dropping each vertex that falls in the same
    pixel as the last one kept; returns how many were kept."""
    m = 0
    last_col, last_row = -(2 ** 62), -(2 ** 62)
    for j in range(start, end):
        px = (xs[j] - cx) * inv + half_w
        py = half_h - (ys[j] - cy) * inv
        col, row = int(np.floor(px)), int(np.floor(py))
        if m and col == last_col and row == last_row:
            continue
        scratch[0, m] = px
        scratch[1, m] = py
        last_col, last_row = col, row
        m += 1
    return m


@kernel
def _touch(spans, x0, x1, y0, y1, width, height):
    """Widen the rows' column spans to take in everything drawn for pixel box (x0..x1, y0..y1), with the
    neighbouring pixels the fill and the splat also write to."""
    lo, hi = max(int(np.floor(x0)) - 1, 0), min(int(np.floor(x1)) + 2, width)
    for row in range(max(int(np.floor(y0)) - 1, 0), min(int(np.floor(y1)) + 2, height)):
        spans[row, 0] = min(spans[row, 0], lo)
        spans[row, 1] = max(spans[row, 1], hi)


@kernel
def _rasterise(xs, ys, offsets, bounds, feature, feature_class, part_start, parts, k, cx, cy, upp, width,
               height, view, acc, cover, has_fill, has_stroke, stroke_px, dot_in_fill, dot_in_stroke, scratch, spans):
    """Rings of class ``k`` into the fill accumulator and the outline cover; ``spans`` gets, per row, the columns
    written (the rest of the row stays empty)."""
    inv = 1.0 / upp
    half_w, half_h = width / 2.0, height / 2.0
    for p in parts:
        r0, r1 = part_start[p], part_start[p + 1]
        if feature_class[feature[r0]] != k:
            continue
        if bounds[r0, 0] > view[2] or bounds[r0, 2] < view[0] or bounds[r0, 1] > view[3] or bounds[r0, 3] < view[1]:
            continue
        for r in range(r0, r1):
            start, end = offsets[r], offsets[r + 1] - 1  # the closing vertex repeats the first
            if end <= start:
                continue
            m = _simplify(xs, ys, start, end, cx, cy, inv, half_w, half_h, scratch)
            if m < 3:
                if r == r0:  # a part smaller than a pixel: one pixel, and its holes go with it
                    col, row = int(np.floor(scratch[0, 0])), int(np.floor(scratch[1, 0]))
                    if 0 <= col < width and 0 <= row < height:
                        if dot_in_fill:  # a pixel square wound like every exterior, so fills merge
                            accumulate_edge(acc, col + 1.0, row + 1.0, col + 1.0, row + 0.0)
                            accumulate_edge(acc, col + 0.0, row + 0.0, col + 0.0, row + 1.0)
                        elif dot_in_stroke:
                            cover[row, col] += 1.0
                        _touch(spans, col + 0.5, col + 0.5, row + 0.5, row + 0.5, width, height)
                    break
                continue
            x_min, x_max = scratch[0, 0], scratch[0, 0]
            y_min, y_max = scratch[1, 0], scratch[1, 0]
            for i in range(m):
                x0, y0 = scratch[0, i], scratch[1, i]
                j = i + 1 if i + 1 < m else 0
                x1, y1 = scratch[0, j], scratch[1, j]
                if has_fill:
                    accumulate_edge(acc, x0, y0, x1, y1)
                if has_stroke:
                    splat_segment(cover, x0, y0, x1, y1, stroke_px)
                x_min, x_max = min(x_min, x0), max(x_max, x0)
                y_min, y_max = min(y_min, y0), max(y_max, y0)
            _touch(spans, x_min, x_max, y_min, y_max, width, height)


@kernel
def _pack(acc, cover, spans, out, top, left, use_fill, use_stroke, fill, stroke):
    """Fill coverage (running row sums, clamped) under outline coverage (clamped), as premultiplied ARGB32, over
    each row's span; the rest of the box is transparent."""
    rows, cols = out.shape
    fa, sa = fill[3], stroke[3]
    for r in range(rows):
        row = top + r
        lo, hi = spans[row, 0], spans[row, 1]
        if hi <= lo:
            lo = hi = left
        for c in range(0, lo - left):
            out[r, c] = 0
        for c in range(hi - left, cols):
            out[r, c] = 0
        total = 0.0  # the accumulator is zero left of the span: edges left of the image are pinned to column 0
        for col in range(lo, hi):
            cf = 0.0
            if use_fill:
                total += acc[row, col]
                cf = min(1.0, abs(total))
            cs = min(1.0, cover[row, col]) if use_stroke else 0.0
            if cf <= 0.0 and cs <= 0.0:
                out[r, col - left] = 0
                continue
            alpha_s = sa * cs
            alpha_f = fa * cf * (1.0 - alpha_s)
            a = alpha_s + alpha_f
            red = stroke[0] * alpha_s + fill[0] * alpha_f
            green = stroke[1] * alpha_s + fill[1] * alpha_f
            blue = stroke[2] * alpha_s + fill[2] * alpha_f
            out[r, col - left] = ((np.uint32(a * 255.0 + 0.5) << 24) | (np.uint32(red * 255.0 + 0.5) << 16)
                                  | (np.uint32(green * 255.0 + 0.5) << 8) | np.uint32(blue * 255.0 + 0.5))
