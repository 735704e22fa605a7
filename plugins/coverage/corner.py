"""Street-canyon corners: the walking distance from the lit street and ITU-R P.1411's corner loss.

Where the straight line to the antenna is blocked, TR 38.901's statistical NLOS formula jumps straight to its
NLOS median, ~20 dB below LOS one grid cell behind a building corner, and stays optimistic deep in the shadow.
In a street canyon the signal turns the corner instead: ITU-R P.1411 §4.1.3.2 (site-specific NLoS within street
canyons, 2-38 GHz) models the loss of a receiver x2 metres down a side street from a crossing that station 1
sees at x1 metres as

    L_NLoS2 = L_LoS(x1) + L_c + L_att
    L_c   = L_corner / log10(1 + d_corner) · log10(x2 − w1/2)    for w1/2 + 1 < x2 ≤ w1/2 + 1 + d_corner
          = L_corner                                            beyond;  0 closer
    L_att = 10·β·log10((x1 + x2) / (x1 + w1/2 + d_corner))      beyond w1/2 + 1 + d_corner; 0 closer

with L_corner = 20 dB (urban; 30 dB residential), d_corner = 30 m and β = 6. x2 − w1/2 is the distance from
the edge of the lit street, so on a grid it is the walking distance ``s`` over outdoor cells from the nearest
line-of-sight cell, and x1 + w1/2 the distance ``d_c`` from the antenna to that cell: no street widths needed.
``walk`` finds both with a multi-source Dijkstra over 16-neighbour moves (error against the Euclidean
distance in open space at most 2.7 %), each cell carrying the ``d_c`` of the source it was reached from.

Where the walk finds a lit cell, this site-specific loss replaces TR 38.901's statistical NLOS median (which
is 10-35 dB more optimistic than a ray tracer deep in a block, and the corner loss exceeds it beyond 30-60 m of
walking). The walk looks ``reach`` metres far (at most ``MAX_WALK_CELLS`` cells); an outdoor cell it does not
reach, further down a side street, in a lane or in a closed courtyard, has walked more than that: it takes the
recommendation's loss at the walk's end, x2 = reach, with its own distance from the antenna as x1
(``beyond_walk``): the least P.1411 gives a path that has walked that far (x1 + x2 ≥ d), so the statistical
NLOS median stands where it is higher. The loss so keeps growing with the distance past the corner instead of
falling back to the statistical formula, and stays nearly continuous where the walk stops (the corner at d_c
and the cell at d are neighbours across that line; for d from d_c to d_c + reach the P.1411 step is under 2 dB).
"""

from __future__ import annotations

import heapq
import math

import numba
import numpy as np

#: P.1411 §4.1.3.2 constants: corner loss (urban; 30 dB residential), corner length, attenuation exponent.
CORNER_LOSS_DB = 20.0
CORNER_LENGTH_M = 30.0
CORNER_BETA = 6.0
#: The walk follows at most this many cells from a lit cell, whatever the reach: each tile walks a window grown
#: by it on every side, so the extra line-of-sight walks stay within ((64 + 2·24)/64)² − 1 = 2.1 times a tile's
#: own at any resolution (at 5 m the default 100 m reach is 20 cells; at 2 m the walk stops at 48 m).
MAX_WALK_CELLS = 24
#: 16-neighbour moves (row, col) and the cells each passes beside, which must be outdoors too: a path does not
#: squeeze diagonally between two building cells that touch at a corner.
_MOVES = np.array([(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1),
                   (1, 2), (2, 1), (-1, 2), (-2, 1), (1, -2), (2, -1), (-1, -2), (-2, -1)], np.int64)


@numba.njit(cache=True, nogil=True)
def _passes(dr: int, dc: int) -> tuple[int, int, int, int]:
    """The two cells a move brushes past (for straight moves, the target itself twice)."""
    if dr == 0 or dc == 0:
        return dr, dc, dr, dc
    if abs(dr) == abs(dc):
        return dr, 0, 0, dc
    if abs(dr) == 2:
        return dr // 2, 0, dr // 2, dc
    return 0, dc // 2, dr, dc // 2


@numba.njit(cache=True, nogil=True)
def walk(walkable: np.ndarray, source_dc: np.ndarray, res: float, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """(s, d_c) per cell: the shortest 16-neighbour walk over ``walkable`` cells (metres, cell centre to cell
    centre) from a source cell (``source_dc`` finite: its distance to the antenna), and the ``d_c`` of that
    source; inf / NaN beyond ``limit`` metres or where no walk exists. Ties keep the source nearer the antenna."""
    rows, cols = walkable.shape
    s = np.full((rows, cols), np.inf)
    dc = np.full((rows, cols), np.nan)
    heap = [(0.0, 0.0, 0)]
    heap.pop()
    for i in range(rows):
        for j in range(cols):
            if walkable[i, j] and not math.isnan(source_dc[i, j]):
                s[i, j] = 0.0
                dc[i, j] = source_dc[i, j]
                heap.append((0.0, source_dc[i, j], i * cols + j))
    heapq.heapify(heap)
    while heap:
        dist, d_c, at = heapq.heappop(heap)
        i, j = at // cols, at % cols
        if dist > s[i, j] or (dist == s[i, j] and d_c > dc[i, j]):
            continue  # a stale entry
        for m in range(_MOVES.shape[0]):
            dr, dcol = _MOVES[m, 0], _MOVES[m, 1]
            ni, nj = i + dr, j + dcol
            if ni < 0 or nj < 0 or ni >= rows or nj >= cols or not walkable[ni, nj]:
                continue
            ar, ac, br, bc = _passes(dr, dcol)
            if not walkable[i + ar, j + ac] or not walkable[i + br, j + bc]:
                continue
            step = res * math.sqrt(dr * dr + dcol * dcol)
            new = dist + step
            if new > limit:
                continue
            if new < s[ni, nj] or (new == s[ni, nj] and d_c < dc[ni, nj]):
                s[ni, nj] = new
                dc[ni, nj] = d_c
                heapq.heappush(heap, (new, d_c, ni * cols + nj))
    return s, dc


@numba.njit(cache=True, nogil=True)
def corner_excess_db(s: float, d_c: float, corner_loss_db: float, corner_length_m: float, beta: float) -> float:
    """L_c + L_att of P.1411 §4.1.3.2 for a receiver ``s`` metres beyond the lit street's edge (x2 − w1/2)
    whose corner is ``d_c`` metres from the antenna (x1 + w1/2)."""
    if s <= 1.0:
        return 0.0
    if s <= 1.0 + corner_length_m:
        return corner_loss_db / math.log10(1.0 + corner_length_m) * math.log10(s)
    return corner_loss_db + 10.0 * beta * math.log10((d_c + s) / (d_c + corner_length_m))


@numba.njit(cache=True, nogil=True)
def beyond_walk(reach: float, d2d: float, res: float) -> tuple[float, float]:
    """(walked, d_c) standing in for a cell the walk did not reach within ``reach``: the walk's end (``reach``
    beyond the lit street's edge, so ``reach`` + half a cell from the lit cell's centre) with the cell's own
    distance ``d2d`` from the antenna as the corner's."""
    return reach + 0.5 * res, d2d


__all__ = ["CORNER_BETA", "CORNER_LENGTH_M", "CORNER_LOSS_DB", "MAX_WALK_CELLS", "beyond_walk", "corner_excess_db",
           "walk"]
