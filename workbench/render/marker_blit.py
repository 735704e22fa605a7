"""Point markers: which to draw (one per pixel, in feature order) and, on raster targets, their sprites
composited by numba kernels, band by band.

Order matters where markers overlap: like QGIS, the later feature is drawn on top. Thinning keeps, per pixel,
the last feature that lands there (an earlier marker of the same class at the same pixel would be drawn exactly
under it) plus any earlier marker of another class that the top marker's opaque pixels do not hide.

Compositing works band by band (64 pixel rows) so that the pixels being written stay in the CPU cache: every
marker is filed, in feature order, under each band its sprite touches, and a band's markers are composited
source-over in that order, clipped to the band. Only the order of the markers covering a pixel decides its
colour, and those are all in that band's list in feature order, so the result is the picture that drawing every
marker onto the map in feature order gives. A sprite is split into opaque pixels (stored) and translucent ones
(blended); its transparent corners cost nothing. Each band is drawn as soon as it is composited, so the scratch
image is one band (0.5 MB at full HD), not the whole map (8 MB).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QPointF
from PyQt6.QtGui import QImage, QPainter, QTransform

from workbench.render.geometry import Points
from workbench.render.kernel import kernel
from workbench.render.markers import Sprite
from workbench.render.scratch import scratch
from workbench.render.settings import MapTransform

#: Pixel rows of a compositing band (2 ** 6 = 64): a band of a full-HD image (64 x 1920 x 4 bytes) stays in the
#: L2 cache.
_BAND_SHIFT = 6
_BAND = 1 << _BAND_SHIFT
#: Placeholders for the kernels' unused arguments: no rows (points are their rows), no candidates (all are).
_NO_ROWS, _NO_ITEMS = np.empty(0, np.int64), np.empty(0, np.int32)


@dataclass
class SpriteSheet:
    """Every class's sprite as pixel lists around the anchor: opaque pixels (a plain store) and translucent ones
    (a blend), so compositing does no work for the transparent corners."""

    opaque: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # start per class (int64), dx, dy, ARGB
    translucent: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    half: np.ndarray  # int32 per class: pixels from the anchor to the sprite edge
    hides: np.ndarray  # bool (classes, classes): class a's opaque pixels cover every pixel of class b

    @property
    def margin(self) -> int:
        return int(self.half.max()) if len(self.half) else 0


@dataclass
class Markers:
    """The markers in view (``count``, numbered in feature order) filed by the bands they touch: no per-marker
    arrays besides, so a million markers in view cost their band entries only (12 bytes each)."""

    count: int
    band_start: np.ndarray  # int64: entries band_start[b]:band_start[b + 1] touch band b
    entry_marker: np.ndarray  # int32 marker number of each entry, ascending within a band (empty unless asked for)
    entry_x: np.ndarray  # int32 anchor column, row and class of the entry's marker, read in order band by band
    entry_y: np.ndarray
    entry_class: np.ndarray  # empty when there is one class (every entry's is 0)


def sprite_pixels(image: QImage) -> np.ndarray:
    """(h, w) uint32 premultiplied ARGB copy of a sprite image."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    width, height = image.width(), image.height()
    buffer = image.constBits()
    buffer.setsize(image.sizeInBytes())
    rows = np.frombuffer(buffer, np.uint32).reshape(height, image.bytesPerLine() // 4)
    return rows[:, :width].copy()


def sprite_sheet(sprites: list[Sprite]) -> SpriteSheet:
    """The sheet of one sprite per class."""
    margin = max((sprite.half for sprite in sprites), default=0)
    side = 2 * margin + 1
    pixels = np.zeros((len(sprites), side, side), dtype=np.uint32)
    for c, sprite in enumerate(sprites):
        offset = margin - sprite.half
        image = sprite_pixels(sprite.image)
        pixels[c, offset:offset + image.shape[0], offset:offset + image.shape[1]] = image
    alpha = pixels >> 24
    hides = ((alpha[None, :] == 0) | (alpha[:, None] == 255)).all(axis=(2, 3))
    return SpriteSheet(_pixel_lists(pixels, alpha == 255, margin), _pixel_lists(pixels, (alpha > 0) & (alpha < 255),
                                                                               margin),
                       np.array([sprite.half for sprite in sprites], dtype=np.int32), hides)


def _pixel_lists(pixels: np.ndarray, chosen: np.ndarray,
                 margin: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    classes, rows, cols = np.nonzero(chosen)  # ordered by class
    start = np.searchsorted(classes, np.arange(len(pixels) + 1)).astype(np.int64)
    return start, (cols - margin).astype(np.int64), (rows - margin).astype(np.int64), pixels[classes, rows, cols]


def markers_in_view(points: Points, feature_class: np.ndarray, transform: MapTransform, sheet: SpriteSheet, *,
                    numbered: bool = False) -> Markers:
    """The markers of features with class >= 0 whose sprite touches the view, filed by band; ``numbered``: with
    each entry's marker number (``kept_markers`` needs them).

    Only points near the view are visited once the points' grid is built: a zoomed-in render asks it for them.
    """
    minx, miny, maxx, maxy = transform.visible_extent
    pad = (sheet.margin + 1) * transform.units_per_pixel
    grid = points.built_grid()
    candidates = None if grid is None else grid.ascending((minx - pad, miny - pad, maxx + pad, maxy + pad))
    use_all = candidates is None
    identity = points.feature is None
    count, band_start, entries = _bucket(points.xs, points.ys, _NO_ROWS if identity else points.feature, identity,
                                         feature_class, _NO_ITEMS if use_all else candidates, use_all,
                                         transform.centre_x, transform.centre_y, 1.0 / transform.units_per_pixel,
                                         transform.width, transform.height, sheet.half, _BAND_SHIFT, numbered)
    return Markers(count, band_start, *entries)


def draw_marker_image(painter: QPainter, markers: Markers, sheet: SpriteSheet, width: int, height: int) -> None:
    """Composite the markers (see the module docstring) and draw them band by band, each as soon as it is done: one
    band of pixels (64 rows, 0.5 MB at full HD) is all the scratch memory this takes. A painter that scales or
    rotates gets every band in one image instead: bands drawn apart under such a transform could show seams."""
    if markers.count == 0:
        return
    composite = (markers.band_start, markers.entry_x, markers.entry_y, markers.entry_class, sheet.half, sheet.hides,
                 *sheet.opaque, *sheet.translucent, _BAND, sheet.margin)
    if not _whole_pixels(painter.combinedTransform()):
        image = scratch("pixels", (height, width), np.uint32, zero=True)
        _draw_rows(painter, image, 0, *_composite(image, 0, 0, len(markers.band_start) - 1, *composite))
        return
    band = scratch("band", (_BAND, width), np.uint32, zero=False)
    for b in np.flatnonzero(np.diff(markers.band_start)):
        origin = int(b) * _BAND
        rows = band[:min(_BAND, height - origin)]
        rows.fill(0)
        _draw_rows(painter, rows, origin, *_composite(rows, origin, b, b + 1, *composite))


def _whole_pixels(transform: QTransform) -> bool:
    """Whether ``transform`` only shifts by whole pixels, so images drawn side by side meet without seams."""
    return (transform.type().value <= QTransform.TransformationType.TxTranslate.value
            and float(transform.dx()).is_integer() and float(transform.dy()).is_integer())


def _draw_rows(painter: QPainter, image: np.ndarray, origin: int, top: int, bottom: int) -> None:
    """Draw rows ``top:bottom`` of the map from ``image``, whose first row is the map's row ``origin``."""
    if bottom <= top:
        return
    rows = image[top - origin:bottom - origin]
    width = image.shape[1]
    painter.drawImage(QPointF(0, top), QImage(rows.data, width, bottom - top, 4 * width,
                                              QImage.Format.Format_ARGB32_Premultiplied))


def kept_markers(markers: Markers, sheet: SpriteSheet, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Anchor columns, rows and classes of the markers kept by the thinning in at least one band, in feature order
    (for vector targets, where each marker is drawn whole); ``markers`` must be ``numbered``."""
    kept = np.zeros(markers.count, dtype=np.bool_)
    xs, ys, classes = (np.empty(markers.count, dtype=np.int32) for _ in range(3))
    _mark_kept(kept, xs, ys, classes, markers.band_start, markers.entry_marker, markers.entry_x, markers.entry_y,
               markers.entry_class, sheet.hides, _BAND, sheet.margin, width)
    rows = np.flatnonzero(kept)
    return xs[rows], ys[rows], classes[rows]


@kernel(inline="always")
def _anchor(i, xs, ys, feature, identity, feature_class, cx, cy, inv, width, height, half):
    """Point ``i``'s class (``identity``: point i is row i) and anchor pixel (column, row: whole numbers as floats,
    which keeps the loops that call this tight), or class -1 when it has no class or its sprite misses the image."""
    c = feature_class[i if identity else feature[i]]
    if c < 0:
        return -1, 0.0, 0.0
    fx = (xs[i] - cx) * inv + width / 2.0
    fy = height / 2.0 - (ys[i] - cy) * inv
    h = half[c]
    if not (-h <= fx < width + h and -h <= fy < height + h):  # also skips NaN
        return -1, 0.0, 0.0
    return c, np.floor(fx), np.floor(fy)


@kernel
def _bucket(xs, ys, feature, identity, feature_class, candidates, use_all, cx, cy, inv, width, height, half, shift,
            numbered):
    """The markers in view (centred on ``cx``, ``cy``, ``inv`` pixels per map unit), counting-sorted by every band their
    sprite touches (stable: feature order within a band): their count, the bands' starts and the entries.

    Two passes over the candidates, each working out their anchors (a few operations each): no array per marker
    is kept between them. Bands are ``2 ** shift`` rows: a shift instead of a division, which would dominate."""
    n = len(xs) if use_all else len(candidates)
    bands = ((height - 1) >> shift) + 1
    start = np.zeros(bands + 1, dtype=np.int64)
    count = 0
    for k in range(n):
        c, _, fy = _anchor(k if use_all else candidates[k], xs, ys, feature, identity, feature_class, cx, cy, inv,
                           width, height, half)
        if c < 0:
            continue
        count += 1
        h, y = half[c], int(fy)
        for b in range(max(y - h, 0) >> shift, (min(y + h, height - 1) >> shift) + 1):
            start[b + 1] += 1
    for b in range(bands):
        start[b + 1] += start[b]
    fill = start[:-1].copy()
    total = start[-1]
    marker = np.empty(total if numbered else 0, dtype=np.int32)
    entry_x = np.empty(total, dtype=np.int32)
    entry_y = np.empty(total, dtype=np.int32)
    entry_class = np.empty(total if len(half) > 1 else 0, dtype=np.int32)  # one class: all 0, not stored
    m = 0
    for k in range(n):
        c, fx, fy = _anchor(k if use_all else candidates[k], xs, ys, feature, identity, feature_class, cx, cy, inv,
                            width, height, half)
        if c < 0:
            continue
        h, x, y = half[c], int(fx), int(fy)
        for b in range(max(y - h, 0) >> shift, (min(y + h, height - 1) >> shift) + 1):
            e = fill[b]
            entry_x[e], entry_y[e] = x, y
            if len(entry_class):
                entry_class[e] = c
            if numbered:
                marker[e] = m
            fill[b] = e + 1
        m += 1
    return count, start, (marker, entry_x, entry_y, entry_class)


@kernel
def _thin_band(xs, ys, classes, hides, a, b, y0, margin, row, owner, kept):
    """Entries ``a:b`` (one band, first row y0) left after thinning, in order, into ``kept``; returns how many."""
    for e in range(a, b):  # the last marker at each anchor pixel owns it
        owner[(ys[e] - y0 + margin) * row + xs[e] + margin] = e
    n = 0
    for e in range(a, b):
        top = owner[(ys[e] - y0 + margin) * row + xs[e] + margin]
        if top != e and (len(classes) == 0 or classes[top] == classes[e] or hides[classes[top], classes[e]]):
            continue
        kept[n] = e
        n += 1
    return n


@kernel
def _composite(image, origin, first, last, band_start, xs, ys, classes, half, hides, o_start, o_dx, o_dy, o_argb,
               t_start, t_dx, t_dy, t_argb, band, margin):
    """Bands ``first:last``, each thinned, then composited source-over in feature order into ``image``, whose first
    row is the map's row ``origin``; returns the map rows touched (top, bottom)."""
    rows, width = image.shape
    flat = image.reshape(-1)
    o_offset = o_dy * width + o_dx
    t_offset = t_dy * width + t_dx
    t_inverse = 255 - (t_argb.astype(np.int64) >> 24)
    row = width + 2 * margin
    owner = np.empty((band + 2 * margin) * row, dtype=np.int32)
    most = 0
    for b in range(first, last):
        most = max(most, band_start[b + 1] - band_start[b])
    kept = np.empty(most, dtype=np.int32)
    top, bottom = origin + rows, origin
    for b in range(first, last):
        y0 = b * band
        y1 = min(y0 + band, origin + rows)
        n = _thin_band(xs, ys, classes, hides, band_start[b], band_start[b + 1], y0, margin, row, owner, kept)
        for q in range(n):
            e = kept[q]
            c, ax, ay = classes[e] if len(classes) else 0, xs[e], ys[e]
            h = half[c]
            top, bottom = min(top, max(ay - h, y0)), max(bottom, min(ay + h + 1, y1))
            base = (ay - origin) * width + ax
            if ax - h >= 0 and ax + h < width and ay - h >= y0 and ay + h < y1:  # wholly in the band
                for s in range(o_start[c], o_start[c + 1]):
                    flat[base + o_offset[s]] = o_argb[s]
                for s in range(t_start[c], t_start[c + 1]):
                    p = base + t_offset[s]
                    flat[p] = t_argb[s] + _byte_mul(np.int64(flat[p]), t_inverse[s])
                continue
            for s in range(o_start[c], o_start[c + 1]):
                px, py = ax + o_dx[s], ay + o_dy[s]
                if 0 <= px < width and y0 <= py < y1:
                    flat[base + o_offset[s]] = o_argb[s]
            for s in range(t_start[c], t_start[c + 1]):
                px, py = ax + t_dx[s], ay + t_dy[s]
                if 0 <= px < width and y0 <= py < y1:
                    p = base + t_offset[s]
                    flat[p] = t_argb[s] + _byte_mul(np.int64(flat[p]), t_inverse[s])
    return top, bottom


@kernel
def _byte_mul(pixel, factor):
    """Every channel of an ARGB32 pixel times ``factor`` / 255 (Qt's BYTE_MUL)."""
    rb = (pixel & 0x00FF00FF) * factor
    rb = ((rb + ((rb >> 8) & 0x00FF00FF) + 0x00800080) >> 8) & 0x00FF00FF
    ag = ((pixel >> 8) & 0x00FF00FF) * factor
    ag = (ag + ((ag >> 8) & 0x00FF00FF) + 0x00800080) & 0xFF00FF00
    return rb | ag


@kernel
def _mark_kept(flags, kept_x, kept_y, kept_class, band_start, marker, xs, ys, classes, hides, band, margin, width):
    row = width + 2 * margin
    owner = np.empty((band + 2 * margin) * row, dtype=np.int32)
    kept = np.empty(len(marker), dtype=np.int32)
    for b in range(len(band_start) - 1):
        n = _thin_band(xs, ys, classes, hides, band_start[b], band_start[b + 1], b * band, margin, row, owner, kept)
        for q in range(n):
            e = kept[q]
            m = marker[e]
            flags[m] = True
            kept_x[m], kept_y[m], kept_class[m] = xs[e], ys[e], classes[e] if len(classes) else 0
