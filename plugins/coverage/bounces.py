"""Multiple facade reflections: 2-D shoot-and-bounce over the building outlines, a ray-tube power field per antenna.

Deep in a block, more than 100 m walk from a lit street, most of a ray tracer's energy arrives along street
canyons by several bounces off facades: cells lit by a multi-bounce path lie next to cells reached by one weak
path, which neither the statistical NLOS formula nor P.1411's corner loss (``corner``) can tell apart. With the
antenna on a pole below the roofs, walls act as tall vertical mirrors and the paths are those of the horizontal
plane: ``RAYS`` rays leave the antenna evenly spread in azimuth, and each is reflected specularly off the facades
(every edge of the building outlines read from the height grid, ``reflections.facades_of``) up to
``MAX_ORDER`` times, until it has travelled the radius. A ray's tube has width L·dθ at unfolded length L (a plane
mirror keeps the divergence of the image source), so a cell of area w² that a ray crosses over s metres receives

    P_LOS(L) · Π|Γ_TE|² · G(θ0) · L·dθ·s / w²

with P_LOS the link's line-of-sight path gain over the unfolded length (TR 38.901, as the first-order image
method uses it), Γ_TE the Fresnel coefficient of P.2040 concrete at each bounce (``reflections``) and G the
antenna gain in the launch direction: summed over the rays, one unobstructed wavefront gives back the LOS power.
Orders below ``MIN_ORDER`` are left out: the direct path has its own model and the first reflection is the image
method's (``reflections``), exact where this estimate is only as fine as its rays.

The field covers the antenna's disc (at most ``MAX_RADIUS_M``) on nodes of whole grid cells at least
``MIN_NODE_M`` apart (``turns.lattice``), and is computed once per antenna and shared by the tiles
(``fields_of``); the kernel adds it to outdoor NLOS cells, power-summed with the street-canyon loss and the
first-order reflections. Antennas ``MACRO_HEIGHT_M`` or more above their ground get no field: over the roofs the
2-D mirrors do not hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numba
import numpy as np

from plugins.coverage.antenna import relative_gain_db
from plugins.coverage.config import MACRO_HEIGHT_M
from plugins.coverage.field_cache import FieldCache
from plugins.coverage.los import cell_value
from plugins.coverage.pathloss import loss_from_coefficients
from plugins.coverage.reflections import (
    FNX,
    FNY,
    FX1,
    FX2,
    FY1,
    FY2,
    Facades,
    near_facades,
    reflection_loss_db,
)
from plugins.coverage.turns import lattice

#: Rays launched per antenna (0.2° apart): at 400 m a tube is 1.4 m wide, at 800 m unfolded 2.8 m, so a 5 m cell is
#: crossed by several. 3,600 rays gave the same fidelity figures to 0.1 dB (so did 900) at twice the cost.
RAYS = 1800
#: Most reflections followed per ray, and the first order counted (the first is the image method's).
MAX_ORDER = 4
MIN_ORDER = 2
#: Facades taken: every edge of the outlines (short walls close the canyons the rays run along).
MIN_FACADE_M = 0.0
#: The field's nodes are at least this far apart (m) and cover at most this radius round the antenna (m).
MIN_NODE_M = 5.0
MAX_RADIUS_M = 600.0
#: A ray travels (unfolded) up to this many times the radius: a path of several bounces to a cell near the edge
#: of the disc is longer than the cell's distance (stopping at the radius left half of Étoile's cells unreached).
TRAVEL_FACTOR = 2.0
#: Edge (m) of the buckets a ray walks through to find the facades it may hit.
CELL_M = 10.0
#: Fields kept in memory (bytes) across the tiles of a run, least recently used dropped first: 2,500 antennas'
#: fields of a 400 m radius, so a run over the sample's 3,101 poles computes each about once (it computed 8,096
#: fields when they took twice the room).
CACHE_BYTES = 128 * 1024 * 1024
#: Fields are kept as path gains in hundredths of a dB (int16: 0.005 dB at most off, half the room of float32);
#: NO_PATH where no ray reached a node (or the gain is below -327 dB).
CENTI_DB = 100.0
NO_PATH = -32768
#: Columns of the kernel's antenna row the field reads (x, y, elevation, azimuth, beamwidth, tilt, loss
#: coefficients from ``LOSS``): kept in step with ``kernel.TX_*``.
X, Y, H, AZIMUTH, BEAMWIDTH, TILT, LOSS = 0, 1, 2, 4, 5, 6, 7

_FIELDS = FieldCache(CACHE_BYTES)


@numba.njit(cache=True, nogil=True)
def _bucketed(near: np.ndarray, table: np.ndarray, gx0: float, gy0: float, size: float, n: int
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
def _walk_start(px: float, py: float, dx: float, dy: float, gx0: float, gy0: float, size: float
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
def _walk_step(i: int, j: int, si: int, sj: int, tx: float, ty: float, tdx: float, tdy: float
               ) -> tuple[int, int, float, float]:
    """The walk's next cell (row, column) and its next edge distances, across the nearer edge."""
    if tx < ty:
        return i, j + sj, tx + tdx, ty
    return i + si, j, tx, ty + tdy


@numba.njit(cache=True, nogil=True)
def _first_hit(px: float, py: float, dx: float, dy: float, length: float, last: int, table: np.ndarray,
               gx0: float, gy0: float, size: float, n: int, start: np.ndarray, items: np.ndarray
               ) -> tuple[float, int]:
    """(distance, facade) of the first facade front the ray from (px, py) along unit (dx, dy) meets within
    ``length`` (facade -1: none), walking the buckets in order (Amanatides-Woo)."""
    i, j, si, sj, tx, ty, tdx, tdy = _walk_start(px, py, dx, dy, gx0, gy0, size)
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
        elif (i < 0 and si < 0) or (i >= n and si > 0) or (j < 0 and sj < 0) or (j >= n and sj > 0):
            break  # left the grid for good
        t = min(tx, ty)
        i, j, tx, ty = _walk_step(i, j, si, sj, tx, ty, tdx, tdy)
    return best_t, best


@numba.njit(cache=True, nogil=True)
def _deposit(out: np.ndarray, fx0: float, fy0: float, fres: float, ax: float, ay: float, dx: float, dy: float,
             length: float, l0: float, weight: float, tx: np.ndarray, vertical_beamwidth: float, lx: float,
             ly: float, dz: float) -> None:
    """Add the ray-tube power of the segment from (ax, ay) along unit (dx, dy) over ``length`` metres to the
    nodes it crosses; ``l0`` is the unfolded length at its start, ``weight`` Π|Γ|²·dθ, (lx, ly) the launch
    direction (for the antenna gain)."""
    rows, cols = out.shape
    i, j, si, sj, tx_, ty_, tdx, tdy = _walk_start(ax, ay, dx, dy, fx0, fy0, fres)
    t = 0.0
    while t < length:
        t_next = min(tx_, ty_, length)
        if 0 <= i < rows and 0 <= j < cols and t_next - t > 1e-6:  # not a rounding sliver past a wall
            unfolded = l0 + 0.5 * (t + t_next)
            loss = loss_from_coefficients(tx[LOSS:], unfolded, dz, True)
            gain = relative_gain_db(tx[AZIMUTH], tx[BEAMWIDTH], tx[TILT], vertical_beamwidth, lx * unfolded,
                                    ly * unfolded, unfolded, dz)
            out[i, j] += 10.0 ** ((gain - loss) / 10.0) * weight * unfolded * (t_next - t) / (fres * fres)
        t = t_next
        i, j, tx_, ty_ = _walk_step(i, j, si, sj, tx_, ty_, tdx, tdy)


@numba.njit(cache=True, nogil=True)
def _reflect(dx: float, dy: float, table: np.ndarray, f: int, eta_re: float, eta_im: float
             ) -> tuple[float, float, float]:
    """(new direction, power factor |Γ|²) of a ray along (dx, dy) reflected off facade ``f``."""
    cos_i = -(dx * table[f, FNX] + dy * table[f, FNY])
    factor = 10.0 ** (-reflection_loss_db(cos_i, eta_re, eta_im) / 10.0)
    return dx + 2.0 * cos_i * table[f, FNX], dy + 2.0 * cos_i * table[f, FNY], factor


@numba.njit(cache=True, nogil=True)
def field(tx: np.ndarray, rx_z: float, fx0: float, fy0: float, fres: float, rows: int, cols: int, radius: float,
          vertical_beamwidth: float, table: np.ndarray, start: np.ndarray, items: np.ndarray, index: np.ndarray,
          rays: int, min_order: int, max_order: int, eta_re: float, eta_im: float) -> np.ndarray:
    """Path gain (linear, antenna gain included) per node of the paths of orders ``min_order``..``max_order`` of
    the antenna row ``tx`` (its loss coefficients uncalibrated) to receivers at elevation ``rx_z``."""
    out = np.zeros((rows, cols))
    tx_x, tx_y = tx[X], tx[Y]
    dz = tx[H] - rx_z
    near = near_facades(tx_x, tx_y, radius, table, start, items, index)
    n = int(math.ceil(2.0 * radius / CELL_M)) + 1
    gx0, gy0 = tx_x - 0.5 * n * CELL_M, tx_y + 0.5 * n * CELL_M
    b_start, b_items = _bucketed(near, table, gx0, gy0, CELL_M, n)
    dtheta = 2.0 * math.pi / rays
    for r in range(rays):
        theta = (r + 0.5) * dtheta
        lx, ly = math.cos(theta), math.sin(theta)
        dx, dy, px, py = lx, ly, tx_x, tx_y
        travelled, weight, last = 0.0, dtheta, -1
        for order in range(max_order + 1):
            hit, f = _first_hit(px, py, dx, dy, radius - travelled, last, table, gx0, gy0, CELL_M, n, b_start,
                                b_items)
            if order >= min_order:
                _deposit(out, fx0, fy0, fres, px, py, dx, dy, hit, travelled, weight, tx, vertical_beamwidth, lx, ly,
                         dz)
            travelled += hit
            if f < 0:
                break
            px, py = px + hit * dx, py + hit * dy
            dx, dy, factor = _reflect(dx, dy, table, f, eta_re, eta_im)
            weight *= factor
            last = f
    return out


def fields_of(tx: np.ndarray, uncalibrated: np.ndarray, walls: Facades, radius: float, rx_h: float, x0: float,
              y0: float, res: float, vertical_beamwidth: float, eta: complex, ground: np.ndarray, hx0: float,
              hy0: float, hres: float, poll: Callable[[], None] | None = None, fc_ghz: float = 0.0
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(meta, start, gains) for the antennas ``tx`` (kernel rows; ``uncalibrated``: the same rows with their
    calibration taken out of the loss coefficients): antenna k's nodes are ``meta[k] = fx0, fy0, fres, rows,
    cols`` and its fields are ``gains[start[k]:start[k + 1]]`` (path gains in hundredths of a dB, ``NO_PATH``
    where none; flat, row-major: the multiple reflections, then,
    with ``fc_ghz`` > 0, the corner diffraction of ``diffraction`` at that carrier; none for an antenna
    ``MACRO_HEIGHT_M`` or more above its ground). Each field is computed once per facade table (``walls``,
    ``reflections.Facades`` of every edge) and grid (x0, y0, res), and reused by every tile the antenna
    reaches. ``poll`` is called before each field that has to be computed (it raises to cancel the run)."""
    meta = np.zeros((tx.shape[0], 5))
    parts = []
    for n in range(tx.shape[0]):
        x, y, h = (float(v) for v in tx[n, :3])
        ground_z = cell_value(ground, int(math.floor((hy0 - y) / hres)), int(math.floor((x - hx0) / hres)))
        if h - ground_z >= MACRO_HEIGHT_M or len(walls) == 0:
            parts.append(np.zeros(0, np.int16))
            continue
        box = lattice(x, y, radius, x0, y0, res, MIN_NODE_M, MAX_RADIUS_M)
        row = np.ascontiguousarray(uncalibrated[n], float)
        key = (id(walls.table), row.tobytes(), float(radius), float(rx_h), float(vertical_beamwidth), eta,
               float(fc_ghz), *(round(v, 6) for v in box))
        found = _FIELDS.get(key, walls.table, lambda row=row, box=box, ground_z=ground_z: (  # type: ignore[misc]
            np.array(box), _fields(row, ground_z + rx_h, box, TRAVEL_FACTOR * min(radius, MAX_RADIUS_M),
                                   vertical_beamwidth, walls, eta, fc_ghz)), poll)
        meta[n] = found[0]
        parts.append(found[1])
    start = np.zeros(tx.shape[0] + 1, np.int64)
    start[1:] = np.cumsum([p.size for p in parts])
    return meta, start, np.concatenate(parts) if parts else np.zeros(0, np.int16)


def _fields(row: np.ndarray, rx_z: float, box: tuple, travel: float, vertical_beamwidth: float, walls: Facades,
            eta: complex, fc_ghz: float) -> np.ndarray:
    """One antenna's flat fields: the multiple reflections, then (``fc_ghz`` > 0) the corner diffraction."""
    from plugins.coverage import diffraction  # imported here: it builds on this module's ray helpers

    out = [field(row, rx_z, *box, travel, vertical_beamwidth, walls.table, walls.start, walls.items, walls.index,  # type: ignore[call-arg]
                 RAYS, MIN_ORDER, MAX_ORDER, eta.real, eta.imag).ravel()]
    if fc_ghz > 0:
        out.append(diffraction.field(row, *box, travel, vertical_beamwidth, walls.table, walls.start, walls.items,  # type: ignore[call-arg]
                                     walls.index, diffraction.wedges_of(walls.table), diffraction.INCIDENT_RAYS,
                                     diffraction.FAN, MAX_ORDER, eta.real, eta.imag, fc_ghz * 1e9,
                                     row[H] - rx_z).ravel())
    with np.errstate(divide="ignore"):
        centi_db = np.round(10.0 * CENTI_DB * np.log10(np.concatenate(out)))
    return np.where(centi_db > NO_PATH, np.minimum(centi_db, -NO_PATH - 1), NO_PATH).astype(np.int16)


@numba.njit(cache=True, nogil=True)
def node_gain(meta: np.ndarray, gains: np.ndarray, x: float, y: float, channel: int = 0) -> float:
    """Field ``channel``'s path gain at the point (x, y) (0: multiple reflections, 1: corner diffraction): its
    node's (0 outside the field or without that field)."""
    fx0, fy0, fres, rows, cols = meta[0], meta[1], meta[2], int(meta[3]), int(meta[4])
    i, j = int(math.floor((fy0 - y) / fres)), int(math.floor((x - fx0) / fres))
    if i < 0 or j < 0 or i >= rows or j >= cols or gains.shape[0] < (channel + 1) * rows * cols:
        return 0.0
    centi_db = gains[channel * rows * cols + i * cols + j]
    return 0.0 if centi_db == NO_PATH else 10.0 ** (centi_db / (10.0 * CENTI_DB))


__all__ = ["MAX_ORDER", "MAX_RADIUS_M", "MIN_FACADE_M", "MIN_NODE_M", "MIN_ORDER", "RAYS", "TRAVEL_FACTOR", "field",
           "fields_of", "node_gain"]
