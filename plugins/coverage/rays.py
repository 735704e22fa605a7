"""Rays over the building outlines in the horizontal plane: the pieces the ray fields (``bounces``, ``diffraction``)
share. A ray walks a grid of buckets (Amanatides-Woo) to find the first facade front it meets, is reflected
specularly off it with the Fresnel loss of ``reflections``, and deposits its ray-tube power on the field's nodes.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from plugins.coverage.antenna import MAX_ATTENUATION_DB, relative_gain_db
from plugins.coverage.pathloss import loss_from_coefficients
from plugins.coverage.reflections import FNX, FNY, FX1, FX2, FY1, FY2, reflection_loss_db

#: Edge (m) of the buckets a ray walks through to find the facades it may hit.
CELL_M = 10.0
#: Columns of the kernel's antenna row the field reads (x, y, elevation, azimuth, beamwidth, tilt, loss
#: coefficients from ``LOSS``): kept in step with ``kernel.TX_*``.
X, Y, H, AZIMUTH, BEAMWIDTH, TILT, LOSS = 0, 1, 2, 4, 5, 6, 7
#: Spacing (m) of the unfolded lengths at which ``link_table`` samples a ray's path gain.
TABLE_STEP_M = 0.25


@numba.njit(cache=True, nogil=True)
def bucketed(near: np.ndarray, table: np.ndarray, gx0: float, gy0: float, size: float, n: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """CSR (start, items) of the ``near`` facades per bucket of an n x n grid from (gx0, gy0) (top-left), each
    facade in every bucket its bounding box touches."""
    counts = np.zeros(n * n + 1, np.int64)
    for pass_ in range(2):
        fill = counts.copy() if pass_ == 1 else counts
        items = np.empty(counts[n * n] if pass_ == 1 else 0, np.int64)
        for m in range(near.shape[0]):
            f = near[m]
            xa, xb = min(table[f, FX1], table[f, FX2]), max(table[f, FX1], table[f, FX2])
            ya, yb = min(table[f, FY1], table[f, FY2]), max(table[f, FY1], table[f, FY2])
            c0, c1 = max(int((xa - gx0) // size), 0), min(int((xb - gx0) // size), n - 1)
            r0, r1 = max(int((gy0 - yb) // size), 0), min(int((gy0 - ya) // size), n - 1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if pass_ == 0:
                        counts[r * n + c + 1] += 1
                    else:
                        items[fill[r * n + c]] = f
                        fill[r * n + c] += 1
        if pass_ == 0:
            for b in range(n * n):
                counts[b + 1] += counts[b]
    return counts, items


@numba.njit(cache=True, nogil=True)
def walk_start(px: float, py: float, dx: float, dy: float, gx0: float, gy0: float, size: float
                ) -> tuple[int, int, int, int, float, float, float, float]:
    """Where a ray from (px, py) along unit (dx, dy) starts its walk over a grid of ``size`` cells whose top-left
    corner is (gx0, gy0) (Amanatides-Woo): row, column, their steps, the distances to the first row and column
    edges it crosses, and the distances between two of them."""
    cx, cy = (px - gx0) / size, (gy0 - py) / size
    j, i = int(math.floor(cx)), int(math.floor(cy))
    sj, si = (1 if dx > 0 else -1), (1 if -dy > 0 else -1)
    tdx = size / abs(dx) if dx != 0.0 else math.inf
    tdy = size / abs(dy) if dy != 0.0 else math.inf
    tx = ((j + 1 - cx) if dx > 0 else (cx - j)) * tdx if dx != 0.0 else math.inf
    ty = ((i + 1 - cy) if -dy > 0 else (cy - i)) * tdy if dy != 0.0 else math.inf
    return i, j, si, sj, tx, ty, tdx, tdy


@numba.njit(cache=True, nogil=True)
def walk_step(i: int, j: int, si: int, sj: int, tx: float, ty: float, tdx: float, tdy: float
               ) -> tuple[int, int, float, float]:
    """The walk's next cell (row, column) and its next edge distances, across the nearer edge."""
    if tx < ty:
        return i, j + sj, tx + tdx, ty
    return i + si, j, tx, ty + tdy


@numba.njit(cache=True, nogil=True)
def left_for_good(i: int, j: int, si: int, sj: int, rows: int, cols: int) -> bool:
    """Whether a walk at cell (i, j) of a rows x cols grid, stepping by (si, sj), is outside it and moving away:
    it never comes back."""
    return (i < 0 and si < 0) or (i >= rows and si > 0) or (j < 0 and sj < 0) or (j >= cols and sj > 0)


@numba.njit(cache=True, nogil=True)
def first_hit(px: float, py: float, dx: float, dy: float, length: float, last: int, table: np.ndarray,
               gx0: float, gy0: float, size: float, n: int, start: np.ndarray, items: np.ndarray
               ) -> tuple[float, int]:
    """(distance, facade) of the first facade front the ray from (px, py) along unit (dx, dy) meets within
    ``length`` (facade -1: none), walking the buckets in order (Amanatides-Woo)."""
    i, j, si, sj, tx, ty, tdx, tdy = walk_start(px, py, dx, dy, gx0, gy0, size)
    best_t, best = length, -1
    t = 0.0
    while t < best_t:
        if 0 <= i < n and 0 <= j < n:
            b = i * n + j
            for k in range(start[b], start[b + 1]):
                f = items[k]
                if f == last:
                    continue
                nx, ny = table[f, FNX], table[f, FNY]
                if dx * nx + dy * ny >= 0.0:
                    continue  # a wall seen from behind (the ray left it, or never faced it)
                x1, y1 = table[f, FX1], table[f, FY1]
                ex, ey = table[f, FX2] - x1, table[f, FY2] - y1
                den = dx * ey - dy * ex
                if den == 0.0:
                    continue
                wx, wy = x1 - px, y1 - py
                hit = (wx * ey - wy * ex) / den
                u = (wx * dy - wy * dx) / den
                if 1e-9 < hit < best_t and 0.0 <= u <= 1.0:
                    best_t, best = hit, f
        elif left_for_good(i, j, si, sj, n, n):
            break
        t = min(tx, ty)
        i, j, tx, ty = walk_step(i, j, si, sj, tx, ty, tdx, tdy)
    return best_t, best


@numba.njit(cache=True, nogil=True)
def link_table(tx: np.ndarray, vertical_beamwidth: float, dz: float, travel: float) -> np.ndarray:
    """What a ray of antenna ``tx`` carries per unit of tube angle at unfolded length u, sampled every
    ``TABLE_STEP_M`` from 0 to ``travel`` (receivers ``dz`` below the antenna): row 0 the LOS path gain with the
    vertical pattern, row 1 with the pattern at its floor, both times u. The loss and the vertical pattern depend
    on u alone, so a field evaluates them once per sample instead of once per node a ray crosses (three quarters
    of its cost); linear interpolation is within 0.02 dB of the formulas from 5 m on (tested)."""
    n = int(math.ceil(travel / TABLE_STEP_M)) + 2
    out = np.empty((2, n))
    for m in range(n):
        u = m * TABLE_STEP_M
        loss = loss_from_coefficients(tx[LOSS:], u, dz, True)
        vertical = relative_gain_db(math.nan, tx[BEAMWIDTH], tx[TILT], vertical_beamwidth, 0.0, u, u, dz)
        out[0, m] = 10.0 ** ((vertical - loss) / 10.0) * u
        out[1, m] = 10.0 ** ((-MAX_ATTENUATION_DB - loss) / 10.0) * u
    return out


@numba.njit(cache=True, nogil=True)
def horizontal_factor(tx: np.ndarray, lx: float, ly: float) -> float:
    """The horizontal pattern (linear) of antenna ``tx`` in the launch direction (lx, ly); 1 for an omni."""
    if math.isnan(tx[AZIMUTH]):
        return 1.0
    return 10.0 ** (relative_gain_db(tx[AZIMUTH], tx[BEAMWIDTH], 0.0, math.inf, lx, ly, 1.0, 0.0) / 10.0)


@numba.njit(cache=True, nogil=True)
def deposit(out: np.ndarray, fx0: float, fy0: float, fres: float, ax: float, ay: float, dx: float, dy: float,
             length: float, l0: float, weight: float, table: np.ndarray, horizontal: float) -> None:
    """Add the ray-tube power of the segment from (ax, ay) along unit (dx, dy) over ``length`` metres to the
    nodes it crosses; ``l0`` is the unfolded length at its start, ``weight`` Π|Γ|²·dθ, ``table`` the antenna's
    ``link_table`` and ``horizontal`` its ``horizontal_factor`` in the launch direction. The pattern is
    A = max(A_H + A_V, -30 dB), i.e. the larger of the two rows of the table, the first times the horizontal."""
    rows, cols = out.shape
    last = table.shape[1] - 2
    i, j, si, sj, tx_, ty_, tdx, tdy = walk_start(ax, ay, dx, dy, fx0, fy0, fres)
    t = 0.0
    while t < length:
        t_next = min(tx_, ty_, length)
        if 0 <= i < rows and 0 <= j < cols and t_next - t > 1e-6:  # not a rounding sliver past a wall
            at = (l0 + 0.5 * (t + t_next)) / TABLE_STEP_M
            m = min(int(at), last)
            f = at - m
            gain = max(horizontal * (table[0, m] + f * (table[0, m + 1] - table[0, m])),
                       table[1, m] + f * (table[1, m + 1] - table[1, m]))
            out[i, j] += gain * weight * (t_next - t) / (fres * fres)
        elif left_for_good(i, j, si, sj, rows, cols):
            break
        t = t_next
        i, j, tx_, ty_ = walk_step(i, j, si, sj, tx_, ty_, tdx, tdy)


@numba.njit(cache=True, nogil=True)
def can_reach(px: float, py: float, remaining: float, fx0: float, fy0: float, fres: float, rows: int, cols: int
              ) -> bool:
    """Whether a ray at (px, py) with ``remaining`` metres to travel can still reach the nodes (rows x cols of
    ``fres`` from the top-left corner (fx0, fy0)): a ray that cannot deposits nothing more, however it turns."""
    gap_x = max(fx0 - px, px - (fx0 + cols * fres), 0.0)
    gap_y = max((fy0 - rows * fres) - py, py - fy0, 0.0)
    return gap_x * gap_x + gap_y * gap_y <= remaining * remaining


@numba.njit(cache=True, nogil=True)
def reflect(dx: float, dy: float, table: np.ndarray, f: int, eta_re: float, eta_im: float
             ) -> tuple[float, float, float]:
    """(new direction, power factor |Γ|²) of a ray along (dx, dy) reflected off facade ``f``."""
    cos_i = -(dx * table[f, FNX] + dy * table[f, FNY])
    factor = 10.0 ** (-reflection_loss_db(cos_i, eta_re, eta_im) / 10.0)
    return dx + 2.0 * cos_i * table[f, FNX], dy + 2.0 * cos_i * table[f, FNY], factor


__all__ = ["CELL_M", "TABLE_STEP_M", "bucketed", "can_reach", "deposit", "first_hit", "horizontal_factor",
           "left_for_good", "link_table", "reflect", "walk_start", "walk_step"]
