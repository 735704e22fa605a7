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

from plugins.coverage import diffraction
from plugins.coverage.config import MACRO_HEIGHT_M
from plugins.coverage.field_cache import FieldCache
from plugins.coverage.los import cell_value
from plugins.coverage.rays import (
    CELL_M,
    H,
    X,
    Y,
    bucketed,
    can_reach,
    deposit,
    first_hit,
    horizontal_factor,
    link_table,
    reflect,
)
from plugins.coverage.reflections import Facades, near_facades
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
#: Fields kept in memory (bytes) across the tiles of a run, least recently used dropped first: 2,500 antennas'
#: two fields (reflections and corner diffraction, 104 KB for a 400 m radius), so a run over the sample's 3,101
#: poles, tiles taken along a Hilbert curve, computes 3,377 (4,371 with 128 MB; 6,934 with 128 MB row by row).
CACHE_BYTES = 256 * 1024 * 1024
#: Fields are kept as path gains in hundredths of a dB (int16: 0.005 dB at most off, half the room of float32);
#: NO_PATH where no ray reached a node (or the gain is below -327 dB).
CENTI_DB = 100.0
NO_PATH = -32768

_FIELDS = FieldCache(CACHE_BYTES)


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
    b_start, b_items = bucketed(near, table, gx0, gy0, CELL_M, n)
    gains = link_table(tx, vertical_beamwidth, dz, radius)
    dtheta = 2.0 * math.pi / rays
    for r in range(rays):
        theta = (r + 0.5) * dtheta
        lx, ly = math.cos(theta), math.sin(theta)
        horizontal = horizontal_factor(tx, lx, ly)
        dx, dy, px, py = lx, ly, tx_x, tx_y
        travelled, weight, last = 0.0, dtheta, -1
        for order in range(max_order + 1):
            if not can_reach(px, py, radius - travelled, fx0, fy0, fres, rows, cols):
                break
            hit, f = first_hit(px, py, dx, dy, radius - travelled, last, table, gx0, gy0, CELL_M, n, b_start,
                                b_items)
            if order >= min_order:
                deposit(out, fx0, fy0, fres, px, py, dx, dy, hit, travelled, weight, gains, horizontal)
            travelled += hit
            if f < 0:
                break
            px, py = px + hit * dx, py + hit * dy
            dx, dy, factor = reflect(dx, dy, table, f, eta_re, eta_im)
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
