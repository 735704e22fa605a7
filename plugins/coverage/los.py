"""Geometric line of sight over a height grid: an exact walk through every grid cell the ray crosses.

The ray runs from the receiver (height ``rx_h``) to the antenna (``tx_h``) in a straight line. The grid holds
the surface height above ground of each cell (0 = open street); a cell blocks the ray when its height is
above the ray anywhere inside the cell. Because the ray height is linear along the path, its lowest point in a
cell is at the cell's entry or exit, so testing those two ends is exact for the gridded surface (the walk is
the Amanatides-Woo traversal, which visits every crossed cell).

A receiver inside a building (its cell higher than the receiver) is an indoor receiver: the ray's first run
through that building is the indoor part of the path, whose horizontal length TR 38.901 needs for the indoor
loss; it does not count as an obstruction, so LOS/NLOS describes the outdoor part of the path, as in the
standard's O2I model.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: A surface must rise this much above the ray to block it (absorbs rounding where the ray leaves a roof).
HEIGHT_TOLERANCE_M = 1e-6


@numba.njit(cache=True, nogil=True)
def _height(heights: np.ndarray, row: int, col: int) -> float:
    if 0 <= row < heights.shape[0] and 0 <= col < heights.shape[1]:
        return heights[row, col]
    return 0.0


@numba.njit(cache=True, nogil=True)
def trace(heights: np.ndarray, x0: float, y0: float, res: float, tx_x: float, tx_y: float, tx_h: float,
          rx_x: float, rx_y: float, rx_h: float) -> tuple[bool, bool, float]:
    """(line of sight, receiver indoors, indoor 2-D distance in m) of one link.

    ``heights`` is north-up with its top-left corner at ``x0, y0`` and square cells of ``res`` metres; cells
    outside it are open ground. An empty grid means no obstruction data: every link is LOS and outdoors.
    """
    if heights.shape[0] == 0 or heights.shape[1] == 0:
        return True, False, 0.0
    u0, v0 = (rx_x - x0) / res, (y0 - rx_y) / res
    u1, v1 = (tx_x - x0) / res, (y0 - tx_y) / res
    du, dv = u1 - u0, v1 - v0
    col, row = int(math.floor(u0)), int(math.floor(v0))
    end_col, end_row = int(math.floor(u1)), int(math.floor(v1))
    step_c = 1 if du > 0 else -1
    step_r = 1 if dv > 0 else -1
    if du != 0.0:
        delta_c = abs(1.0 / du)
        next_c = ((col + 1 - u0) if du > 0 else (u0 - col)) * delta_c
    else:
        delta_c = next_c = math.inf
    if dv != 0.0:
        delta_r = abs(1.0 / dv)
        next_r = ((row + 1 - v0) if dv > 0 else (v0 - row)) * delta_r
    else:
        delta_r = next_r = math.inf
    cells = abs(end_col - col) + abs(end_row - row) + 1
    dz = tx_h - rx_h
    indoor = _height(heights, row, col) > rx_h
    inside = indoor
    t_out = 0.0  # where the indoor part of the ray ends (0 for an outdoor receiver)
    t_enter = 0.0
    for _ in range(cells):
        t_exit = min(next_c, next_r, 1.0)
        h = _height(heights, row, col)
        if inside:
            if h > rx_h + dz * t_enter:
                t_roof = (h - rx_h) / dz if dz > 0 else math.inf
                if t_roof < t_exit:
                    t_out, inside = t_roof, False
                else:
                    t_out = t_exit
            else:
                inside = False
        if not inside:
            t_start = max(t_enter, t_out)
            z_low = min(rx_h + dz * t_start, rx_h + dz * t_exit)
            if h > z_low + HEIGHT_TOLERANCE_M:
                return False, indoor, t_out * math.hypot(tx_x - rx_x, tx_y - rx_y)
        if next_c < next_r:
            col += step_c
            t_enter = next_c
            next_c += delta_c
        else:
            row += step_r
            t_enter = next_r
            next_r += delta_r
    return True, indoor, t_out * math.hypot(tx_x - rx_x, tx_y - rx_y)


__all__ = ["HEIGHT_TOLERANCE_M", "trace"]
