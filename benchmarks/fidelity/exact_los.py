"""Exact line of sight over 2.5-D footprints (shapely), to tell where a LOS disagreement comes from.

A link Lamplight and the ray tracer disagree on is either the 2.5-D scene's (the footprints themselves say what
Lamplight says: the mesh has an arch, an overhang or an object the footprints do not hold) or Lamplight's grid's
(the exact footprints side with the ray tracer: the ray grazes a building within a cell of the height grid).
"""

from __future__ import annotations

import numpy as np
import shapely


def exact_los(footprints: np.ndarray, heights: np.ndarray, tx: tuple[float, float, float], rx_xy: np.ndarray,
              rx_h: float) -> np.ndarray:
    """True where the straight ray from the antenna (x, y, height) to each receiver (x, y at ``rx_h``) stays
    above every footprint it crosses (a footprint blocks where its height exceeds the ray's lowest point over
    the part of the footprint crossed; the ray runs in a straight line, so that point is an end of the part)."""
    tx_x, tx_y, tx_h = tx
    rx_xy = np.asarray(rx_xy, float).reshape(-1, 2)
    tree = shapely.STRtree(footprints)
    lines = shapely.linestrings(np.stack([np.broadcast_to([tx_x, tx_y], rx_xy.shape), rx_xy], axis=1))
    seen = np.ones(len(rx_xy), bool)
    for link, building in tree.query(lines, predicate="intersects").T:
        if not seen[link]:
            continue
        crossed = shapely.intersection(lines[link], footprints[building])
        coords = shapely.get_coordinates(crossed)
        length = np.hypot(*(rx_xy[link] - (tx_x, tx_y)))
        if coords.size == 0 or length == 0:
            continue
        along = np.hypot(coords[:, 0] - tx_x, coords[:, 1] - tx_y) / length
        ray_low = (tx_h + (rx_h - tx_h) * along).min()
        if heights[building] > ray_low:
            seen[link] = False
    return seen


__all__ = ["exact_los"]
