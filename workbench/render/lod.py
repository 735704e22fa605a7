"""Level of detail for lines and polygons: keep what is in view, in pixels, with no more vertices than pixels.

Everything here is array arithmetic over all vertices of a layer at once:
rings/lines outside the view go first (bounds test), vertices that fall in the same pixel as their predecessor
are dropped, rings left with fewer than three pixels (lines with fewer than two) become single-pixel dots, and
what remains is sorted by (symbol class, screen tile) so that each Qt path is small and local: Qt's anti-aliased
rasteriser slows down sharply with the screen area one path spans, so many small local paths beat one big one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.render.geometry import Polylines
from workbench.render.qtbulk import LINE_TO, MOVE_TO, element_buffer
from workbench.render.settings import MapTransform


@dataclass
class ViewShapes:
    """Pixel-space path records grouped by (class, tile), plus the dots that replaced sub-pixel shapes."""

    records: np.ndarray
    group_starts: np.ndarray  # record index where each group begins
    group_class: np.ndarray  # symbol class of each group
    dot_x: np.ndarray
    dot_y: np.ndarray
    dot_class: np.ndarray


def shapes_in_view(lines: Polylines, feature_class: np.ndarray, transform: MapTransform, *, closed: bool,
                   margin_px: float = 2.0, tolerance_px: float = 1.0, tile_px: int = 32) -> ViewShapes:
    """The visible part of ``lines`` (rings when ``closed``) in pixels, simplified to ``tolerance_px``.

    ``feature_class`` gives the symbol class per feature (-1 = not drawn).
    """
    ring_class = feature_class[lines.feature] if len(lines.feature) else np.empty(0, np.int64)
    minx, miny, maxx, maxy = transform.visible_extent
    margin = margin_px * transform.units_per_pixel
    b = lines.bounds
    visible = ((ring_class >= 0) & (b[:, 0] <= maxx + margin) & (b[:, 2] >= minx - margin)
               & (b[:, 1] <= maxy + margin) & (b[:, 3] >= miny - margin))
    rings = np.flatnonzero(visible)
    counts = np.diff(lines.offsets)[rings]
    if closed:
        counts = counts - 1  # the closing vertex repeats the first; it is added back after simplification
    vertex = _ranges(lines.offsets[rings], counts)
    px, py = transform.map_to_pixel(lines.xs[vertex], lines.ys[vertex])

    starts = np.zeros(len(rings) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    keep = np.ones(len(px), bool)
    if len(px) > 1:
        qx = np.floor(px / tolerance_px)
        qy = np.floor(py / tolerance_px)
        keep[1:] = (qx[1:] != qx[:-1]) | (qy[1:] != qy[:-1])
    keep[starts[:-1][counts > 0]] = True
    kept = np.add.reduceat(keep.astype(np.int64), starts[:-1]) if len(rings) else np.empty(0, np.int64)

    minimum = 3 if closed else 2
    exterior = lines.exterior[rings]
    ext_index = np.maximum.accumulate(np.where(exterior, np.arange(len(rings)), 0)) if len(rings) else rings
    solid = kept >= minimum
    solid &= solid[ext_index]  # a hole goes with its exterior
    dots = exterior & ~solid
    first_x, first_y = px[starts[:-1]], py[starts[:-1]]

    ring_sel = np.flatnonzero(solid)
    vertex_keep = keep & np.repeat(solid, counts)
    kx, ky = px[vertex_keep], py[vertex_keep]
    kcounts = kept[ring_sel]
    koffsets = np.zeros(len(ring_sel) + 1, dtype=np.int64)
    np.cumsum(kcounts, out=koffsets[1:])
    if closed:
        kx, ky, kcounts, koffsets = _close(kx, ky, kcounts, koffsets)

    ring_cls = ring_class[rings][ring_sel]
    tile_x = np.clip(first_x[ext_index][ring_sel] // tile_px, -1, transform.width // tile_px + 1)
    tile_y = np.clip(first_y[ext_index][ring_sel] // tile_px, -1, transform.height // tile_px + 1)
    ntx = transform.width // tile_px + 3
    nty = transform.height // tile_px + 3
    key = (ring_cls * nty + (tile_y + 1).astype(np.int64)) * ntx + (tile_x + 1).astype(np.int64)
    order = np.argsort(key, kind="stable")
    vertex_order = _ranges(koffsets[:-1][order], kcounts[order])
    sorted_counts = kcounts[order]
    types = np.full(len(vertex_order), LINE_TO, dtype=np.int32)
    new_offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(sorted_counts, out=new_offsets[1:])
    types[new_offsets[:-1]] = MOVE_TO
    records = element_buffer(types, kx[vertex_order], ky[vertex_order])
    sorted_key = key[order]
    new_group = np.ones(len(order), bool)
    new_group[1:] = sorted_key[1:] != sorted_key[:-1]
    group_rings = np.flatnonzero(new_group)
    return ViewShapes(
        records=records,
        group_starts=new_offsets[group_rings],
        group_class=ring_cls[order][group_rings],
        dot_x=np.floor(first_x[dots]) + 0.5,
        dot_y=np.floor(first_y[dots]) + 0.5,
        dot_class=ring_class[rings][dots],
    )


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for every (s, c), without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(np.asarray(starts, dtype=np.int64) - (ends - counts), counts)
    return np.arange(total, dtype=np.int64) + shift


def _close(xs: np.ndarray, ys: np.ndarray, counts: np.ndarray,
           offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Append each ring's first vertex to its end, so strokes close the ring."""
    n = len(counts)
    total = len(xs) + n
    ring_of_vertex = np.repeat(np.arange(n), counts)
    dest = np.arange(len(xs)) + ring_of_vertex
    closing = offsets[1:] + np.arange(n)
    out_x = np.empty(total)
    out_y = np.empty(total)
    out_x[dest], out_y[dest] = xs, ys
    out_x[closing], out_y[closing] = xs[offsets[:-1]], ys[offsets[:-1]]
    new_counts = counts + 1
    new_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(new_counts, out=new_offsets[1:])
    return out_x, out_y, new_counts, new_offsets
