"""Corner diffraction: 2-D UTD at the vertical edges of building corners, a ray-tube power field per antenna.

Where no reflected path reaches a shadowed street, what is left is the wave that bends round a building corner.
P.1411's corner loss (``corner``) is a measured median that holds a canyon's reflections as well, so deep in a
block, where the reflection field (``bounces``) shows no path, it reads 15-25 dB too optimistic against a ray
tracer. Each convex corner of the building outlines (a vertical wedge of exterior angle n·π) that a ray of the
antenna passes, directly or after one or two facade reflections (the ``LIT_CORNERS`` strongest), relaunches a fan
of ``FAN`` rays into its open angle; each is reflected on off the facades until the path has
``bounces.MAX_ORDER`` interactions in all. A fan ray at angle φ from the wedge's face, lit from φ', carries the
power of the uniform theory of diffraction (Kouyoumjian & Pathak 1974) for a wave of unfolded length L_w at the
corner:

    P(s) = P_in · P_LOS(L_w + s) · |D(φ, φ')|² · (L_w + s) / (L_w · s)
    |D|² = Σ_i cot²((π ± β_i)/(2n)) · |F(k·L'·a±(β_i))|² / ((2n)²·2πk),   β = φ ∓ φ', L' = L_w / 2

at s metres past the corner (spherical-wave spreading), with P_in the reflections' Π|Γ|² before the corner and
P_LOS the link's line-of-sight path gain (TR 38.901, as ``bounces``). The four terms are summed in power, as every
other path here (incoherently), the walls are taken as perfect conductors at the edge, and the transition function
by its magnitude |F(X)| ≈ √(πX / (1 + πX)) (exact limits √(πX) and 1): at a shadow boundary the diffracted wave
is 6 dB below the incident one and it fades smoothly into the shadow. As for the reflections, a ray tube of
angle dφ deposits P(s)·s·dφ·(length crossed)/w² on a node of width w (``bounces.deposit``).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from plugins.coverage.rays import (
    CELL_M,
    bucketed,
    can_reach,
    deposit,
    first_hit,
    horizontal_factor,
    left_for_good,
    link_table,
    reflect,
    walk_start,
    walk_step,
)
from plugins.coverage.reflections import FNX, FNY, FX1, FX2, FY1, FY2, near_facades

#: Rays the antenna launches to find the corners it lights (0.1° apart: a corner lit when a tube covers it).
INCIDENT_RAYS = 3600
#: Rays of the fan each lit corner relaunches over its open angle (0.75° apart round a right-angled corner).
FAN = 360
#: Reflections a ray may have undergone before the corner it lights (0: the direct wave).
MAX_INCIDENT_ORDER = 2
#: Most (corner, incident ray) pairs recorded per antenna, and how many of them, the strongest (Π|Γ|² / L_w²),
#: relaunch a fan: the fans are the field's cost (on the Tianhe sample ~300 pairs per antenna; 64 keep the
#: tuning scenes' figures within 0.1-0.6 dB of all of them, 48 lose 2 dB of Florence's NLOS mean).
MAX_CORNERS = 4096
LIT_CORNERS = 64
#: Columns of the wedge table: vertex, face 0's direction away from the vertex, the sense (+1/-1) that turns it
#: into the open space, and n (exterior angle / π).
WX, WY, WTX, WTY, WSENSE, WN = range(6)
C = 299_792_458.0
_LAST: list[tuple[np.ndarray, np.ndarray]] = []


def wedges_of(table: np.ndarray) -> np.ndarray:
    """The convex corners of the facade ``table`` (``reflections.Facades.table``): vertices shared by exactly two
    facades whose exterior angle exceeds 180°, as rows of the wedge table (kept for the last table asked)."""
    if _LAST and _LAST[0][0] is table:
        return _LAST[0][1]
    ends = np.concatenate([table[:, [FX1, FY1]], table[:, [FX2, FY2]]])
    facade = np.concatenate([np.arange(len(table))] * 2)
    away = np.concatenate([table[:, [FX2, FY2]] - table[:, [FX1, FY1]], table[:, [FX1, FY1]] - table[:, [FX2, FY2]]])
    away /= np.maximum(np.hypot(away[:, 0], away[:, 1]), 1e-12)[:, None]
    _, vertex, counts = np.unique(np.round(ends, 3), axis=0, return_inverse=True, return_counts=True)
    vertex = vertex.ravel()
    order = np.argsort(vertex, kind="stable")
    pair = counts[vertex[order]] == 2
    first = order[pair][0::2]
    second = order[pair][1::2]
    t0, t1 = away[first], away[second]
    n0, n1 = table[facade[first]][:, [FNX, FNY]], table[facade[second]][:, [FNX, FNY]]
    convex = (np.einsum("ij,ij->i", t1, n0) < -1e-6) & (np.einsum("ij,ij->i", t0, n1) < -1e-6)
    sense = np.where(t0[:, 0] * n0[:, 1] - t0[:, 1] * n0[:, 0] > 0, 1.0, -1.0)
    opening = np.mod(np.arctan2(sense * (t0[:, 0] * t1[:, 1] - t0[:, 1] * t1[:, 0]), np.einsum("ij,ij->i", t0, t1)),
                     2 * math.pi)
    keep = convex & (opening > math.pi + 1e-3)
    out = np.column_stack([ends[first], t0, sense, opening / math.pi])[keep]
    _LAST[:] = [(table, np.ascontiguousarray(out))]
    return _LAST[0][1]


@numba.njit(cache=True, nogil=True)
def wedge_power(phi: float, phi_in: float, n: float, length: float, k: float) -> float:
    """|D|² (m) of the UTD wedge coefficient for a ray leaving at ``phi`` from face 0, lit from ``phi_in``, wedge
    n·π, distance parameter ``length`` (m), wavenumber ``k``: its four terms summed in power, |F| by magnitude."""
    total = 0.0
    for beta in (phi - phi_in, phi + phi_in):
        for sign in (1.0, -1.0):
            turns = round((beta + sign * math.pi) / (2.0 * math.pi * n))
            a = 2.0 * math.cos((2.0 * n * math.pi * turns - beta) / 2.0) ** 2
            x = k * length * a
            s = math.sin((math.pi + sign * beta) / (2.0 * n))
            c = math.cos((math.pi + sign * beta) / (2.0 * n))
            if abs(s) < 1e-12:
                s = 1e-12
            total += (c / s) ** 2 * (math.pi * x / (1.0 + math.pi * x))
    return total / ((2.0 * n) ** 2 * 2.0 * math.pi * k)


@numba.njit(cache=True, nogil=True)
def _wedge_buckets(wedges: np.ndarray, gx0: float, gy0: float, size: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR (start, items) of the corners per bucket of an n x n grid from (gx0, gy0) (top-left)."""
    counts = np.zeros(n * n + 1, np.int64)
    bucket = np.full(wedges.shape[0], -1, np.int64)
    for w in range(wedges.shape[0]):
        c, r = int((wedges[w, WX] - gx0) // size), int((gy0 - wedges[w, WY]) // size)
        if 0 <= c < n and 0 <= r < n:
            bucket[w] = r * n + c
            counts[bucket[w] + 1] += 1
    for b in range(n * n):
        counts[b + 1] += counts[b]
    fill = counts[:-1].copy()
    items = np.empty(counts[n * n], np.int64)
    for w in range(wedges.shape[0]):
        if bucket[w] >= 0:
            items[fill[bucket[w]]] = w
            fill[bucket[w]] += 1
    return counts, items


@numba.njit(cache=True, nogil=True)
def _lit_corners(px: float, py: float, dx: float, dy: float, length: float, l0: float, dtheta: float,
                 wedges: np.ndarray, gx0: float, gy0: float, size: float, n: int, w_start: np.ndarray,
                 w_items: np.ndarray, found: np.ndarray, count: int, weight: float, order: int, lx: float,
                 ly: float) -> int:
    """Record in ``found`` (from row ``count``) the corners whose vertex the ray tube of the segment from (px, py)
    along (dx, dy) covers (within half its width L·dθ); returns the new count."""
    i, j, si, sj, tx, ty, tdx, tdy = walk_start(px, py, dx, dy, gx0, gy0, size)
    t = 0.0
    while t <= length and count < found.shape[0]:
        if 0 <= i < n and 0 <= j < n:
            b = i * n + j
            for m in range(w_start[b], w_start[b + 1]):
                w = w_items[m]
                vx, vy = wedges[w, WX] - px, wedges[w, WY] - py
                along = vx * dx + vy * dy
                if along < 0.5 or along > length + 0.05 or count >= found.shape[0]:
                    continue
                if abs(vx * dy - vy * dx) <= 0.5 * (l0 + along) * dtheta:
                    found[count, 0], found[count, 1], found[count, 2], found[count, 3] = w, l0 + along, dx, dy
                    found[count, 4], found[count, 5], found[count, 6], found[count, 7] = weight, order, lx, ly
                    count += 1
        elif left_for_good(i, j, si, sj, n, n):
            break
        t = min(tx, ty)
        i, j, tx, ty = walk_step(i, j, si, sj, tx, ty, tdx, tdy)
    return count


@numba.njit(cache=True, nogil=True)
def field(tx: np.ndarray, fx0: float, fy0: float, fres: float, rows: int, cols: int, travel: float,
          vertical_beamwidth: float, table: np.ndarray, start: np.ndarray, items: np.ndarray, index: np.ndarray,
          wedges: np.ndarray, rays: int, fan: int, max_order: int, eta_re: float, eta_im: float, fc_hz: float,
          dz: float) -> np.ndarray:
    """Path gain (linear, antenna gain included) per node of the paths with one corner diffraction and at most
    ``max_order`` interactions in all, of the antenna row ``tx`` (``bounces.field``'s columns) to receivers
    ``dz`` below it, over paths of at most ``travel`` metres (unfolded)."""
    out = np.zeros((rows, cols))
    tx_x, tx_y = tx[0], tx[1]
    k = 2.0 * math.pi * fc_hz / C
    near = near_facades(tx_x, tx_y, travel, table, start, items, index)
    n = int(math.ceil(2.0 * travel / CELL_M)) + 1
    gx0, gy0 = tx_x - 0.5 * n * CELL_M, tx_y + 0.5 * n * CELL_M
    b_start, b_items = bucketed(near, table, gx0, gy0, CELL_M, n)
    w_start, w_items = _wedge_buckets(wedges, gx0, gy0, CELL_M, n)
    gains = link_table(tx, vertical_beamwidth, dz, travel)
    found = np.zeros((MAX_CORNERS, 8))
    count = 0
    dtheta = 2.0 * math.pi / rays
    for r in range(rays):
        theta = (r + 0.5) * dtheta
        lx, ly = math.cos(theta), math.sin(theta)
        dx, dy, px, py = lx, ly, tx_x, tx_y
        travelled, weight, last = 0.0, 1.0, -1
        for order in range(min(MAX_INCIDENT_ORDER, max_order - 1) + 1):
            hit, f = first_hit(px, py, dx, dy, travel - travelled, last, table, gx0, gy0, CELL_M, n, b_start, b_items)
            count = _lit_corners(px, py, dx, dy, hit, travelled, dtheta, wedges, gx0, gy0, CELL_M, n, w_start,
                                 w_items, found, count, weight, order, lx, ly)
            travelled += hit
            if f < 0:
                break
            px, py = px + hit * dx, py + hit * dy
            dx, dy, factor = reflect(dx, dy, table, f, eta_re, eta_im)
            weight *= factor
            last = f
    strength = np.empty(count)
    for q in range(count):
        strength[q] = -found[q, 4] / (found[q, 1] * found[q, 1])
    for q in np.argsort(strength)[:LIT_CORNERS]:
        w, l_w, weight_in, order = int(found[q, 0]), found[q, 1], found[q, 4], int(found[q, 5])
        vx, vy, t0x, t0y, sense, wn = (wedges[w, WX], wedges[w, WY], wedges[w, WTX], wedges[w, WTY],
                                       wedges[w, WSENSE], wedges[w, WN])
        sx, sy = -found[q, 2], -found[q, 3]
        phi_in = math.atan2(sense * (t0x * sy - t0y * sx), t0x * sx + t0y * sy) % (2.0 * math.pi)
        if phi_in >= wn * math.pi or l_w >= travel:
            continue  # lit from inside the building (a ray grazing the vertex from behind)
        dphi = wn * math.pi / fan
        horizontal = horizontal_factor(tx, found[q, 6], found[q, 7])
        for r in range(fan):
            phi = (r + 0.5) * dphi
            c, s = math.cos(phi), math.sin(phi)
            dx, dy = t0x * c - sense * t0y * s, t0y * c + sense * t0x * s
            weight = weight_in * wedge_power(phi, phi_in, wn, 0.5 * l_w, k) * dphi / l_w
            px, py = vx + 0.01 * dx, vy + 0.01 * dy
            travelled, last = l_w, -1
            for _ in range(max_order - order):
                if not can_reach(px, py, travel - travelled, fx0, fy0, fres, rows, cols):
                    break
                hit, f = first_hit(px, py, dx, dy, travel - travelled, last, table, gx0, gy0, CELL_M, n, b_start,
                                    b_items)
                deposit(out, fx0, fy0, fres, px, py, dx, dy, hit, travelled, weight, gains, horizontal)
                travelled += hit
                if f < 0:
                    break
                px, py = px + hit * dx, py + hit * dy
                dx, dy, factor = reflect(dx, dy, table, f, eta_re, eta_im)
                weight *= factor
                last = f
    return out


__all__ = ["FAN", "LIT_CORNERS", "MAX_CORNERS", "MAX_INCIDENT_ORDER", "field", "wedge_power", "wedges_of"]
