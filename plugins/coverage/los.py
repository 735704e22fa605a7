"""Geometric line of sight over a height grid: an exact walk through every grid cell the ray crosses.

The ray runs from the receiver (height ``rx_h``) to the antenna (``tx_h``) in a straight line. The grid holds
the surface height of each cell, above flat ground (0 = open street) or, over terrain, as an elevation with
``rx_h`` and ``tx_h`` elevations too (``plugins.coverage.terrain``); a cell blocks the ray when its height is
above the ray anywhere inside the cell. Because the ray height is linear along the path, its lowest point in a
cell is at the cell's entry or exit, so testing those two ends is exact for the gridded surface (the walk is
the Amanatides-Woo traversal, which visits every crossed cell).

To go fast the walk is two-level: a coarse grid holds the highest cell of each ``factor`` x ``factor`` block
(``block_maxima``); a block whose highest cell is below the ray over the block's whole span cannot block it
and is crossed in one step. Only blocks that might block are walked cell by cell, so the answer is the same as
the plain cell walk (the tests compare it with an exact polygon reference).

A receiver inside a building (its cell higher than the receiver) is an indoor receiver: the ray's first run
through that building, up to the facade where it leaves the footprint, is the indoor part of the path, whose
horizontal length TR 38.901 needs for the indoor loss; it does not count as an obstruction, so LOS/NLOS
describes the outdoor part of the path, as in the standard's O2I model. A ray that climbs through the floors
and leaves by the roof (an antenna above the receiver's own building) is NLOS: the O2I model covers walls and
windows, not floors.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: A surface must rise this much above the ray to block it (absorbs rounding of the ray height).
HEIGHT_TOLERANCE_M = 1e-6
#: Cells per block edge of the coarse grid.
BLOCK = 8


def block_maxima(heights: np.ndarray, factor: int = BLOCK) -> np.ndarray:
    """The highest cell of every ``factor`` x ``factor`` block (blocks at the edges are padded with 0)."""
    rows, cols = heights.shape
    if rows == 0 or cols == 0:
        return np.zeros((0, 0), np.float32)
    padded = np.zeros((-(-rows // factor) * factor, -(-cols // factor) * factor), np.float32)
    padded[:rows, :cols] = heights
    shaped = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    return np.ascontiguousarray(shaped.max(axis=(1, 3)))


@numba.njit(cache=True, nogil=True)
def cell_value(grid: np.ndarray, row: int, col: int) -> float:
    """The cell's value; 0 outside the grid (open ground, or no terrain data)."""
    if 0 <= row < grid.shape[0] and 0 <= col < grid.shape[1]:
        return grid[row, col]
    return 0.0


@numba.njit(cache=True, nogil=True)
def _crossing(index: int, step: int, start: float, inverse: float) -> float:
    """Ray parameter t at which coordinate ``start + t/inverse`` leaves cell ``index`` in direction ``step``."""
    if inverse == 0.0:
        return math.inf
    edge = index + 1 if step > 0 else index
    return (edge - start) * inverse


@numba.njit(cache=True, nogil=True)
def trace(heights: np.ndarray, blocks: np.ndarray, factor: int, x0: float, y0: float, res: float,
          tx_x: float, tx_y: float, tx_h: float, rx_x: float, rx_y: float, rx_h: float) -> tuple[bool, bool, float]:
    """(line of sight, receiver indoors, indoor 2-D distance in m) of one link.

    ``heights`` is north-up with its top-left corner at ``x0, y0`` and square cells of ``res`` metres, and
    ``blocks = block_maxima(heights, factor)``; cells outside the grid are open ground. An empty grid means no
    obstruction data: every link is LOS and outdoors.
    """
    if heights.shape[0] == 0 or heights.shape[1] == 0:
        return True, False, 0.0
    u0, v0 = (rx_x - x0) / res, (y0 - rx_y) / res
    du, dv = (tx_x - x0) / res - u0, (y0 - tx_y) / res - v0
    inv_u = 1.0 / du if du != 0.0 else 0.0
    inv_v = 1.0 / dv if dv != 0.0 else 0.0
    step_c = 1 if du > 0 else -1
    step_r = 1 if dv > 0 else -1
    distance = math.hypot(tx_x - rx_x, tx_y - rx_y)
    dz = tx_h - rx_h
    col, row = int(math.floor(u0)), int(math.floor(v0))
    indoor = cell_value(heights, row, col) > rx_h
    inside = indoor
    t_out = 0.0  # where the indoor part of the ray ends (0 for an outdoor receiver)
    # coarse walk over blocks, in units of cells so that block edges are computed exactly like cell edges
    b_col, b_row = col // factor, row // factor
    end_b_col = int(math.floor(u0 + du)) // factor
    end_b_row = int(math.floor(v0 + dv)) // factor
    t_block = 0.0
    for _ in range(abs(end_b_col - b_col) + abs(end_b_row - b_row) + 1):
        next_bc = _crossing(b_col * factor + (factor - 1 if step_c > 0 else 0), step_c, u0, inv_u)
        next_br = _crossing(b_row * factor + (factor - 1 if step_r > 0 else 0), step_r, v0, inv_v)
        t_block_end = min(next_bc, next_br, 1.0)
        walk = inside
        if not inside:
            z_low = min(rx_h + dz * t_block, rx_h + dz * t_block_end)
            walk = cell_value(blocks, b_row, b_col) > z_low + HEIGHT_TOLERANCE_M
        if walk:
            # the cell where the ray enters this block, kept inside the block against rounding
            u, v = u0 + du * t_block, v0 + dv * t_block
            col = min(max(int(math.floor(u)), b_col * factor), b_col * factor + factor - 1)
            row = min(max(int(math.floor(v)), b_row * factor), b_row * factor + factor - 1)
            t_enter = t_block
            next_c, next_r = _crossing(col, step_c, u0, inv_u), _crossing(row, step_r, v0, inv_v)
            while True:
                t_exit = min(next_c, next_r, t_block_end)
                h = cell_value(heights, row, col)
                if inside:
                    if h > rx_h + dz * t_enter:
                        t_roof = (h - rx_h) / dz if dz > 0 else math.inf
                        if t_roof < t_exit:  # up through the floors and the roof: not a path O2I describes
                            return False, indoor, t_roof * distance
                        t_out = t_exit
                    else:
                        inside = False
                if not inside:
                    z_low = min(rx_h + dz * t_enter, rx_h + dz * t_exit)
                    if h > z_low + HEIGHT_TOLERANCE_M:
                        return False, indoor, t_out * distance
                if t_exit >= t_block_end:
                    break
                if next_c < next_r:
                    col += step_c
                    if col // factor != b_col:
                        break
                    next_c = _crossing(col, step_c, u0, inv_u)
                else:
                    row += step_r
                    if row // factor != b_row:
                        break
                    next_r = _crossing(row, step_r, v0, inv_v)
                t_enter = t_exit
        if next_bc < next_br:
            b_col += step_c
        else:
            b_row += step_r
        t_block = t_block_end
    return True, indoor, t_out * distance


__all__ = ["BLOCK", "HEIGHT_TOLERANCE_M", "block_maxima", "cell_value", "trace"]
