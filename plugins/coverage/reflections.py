"""First-order specular reflections off building facades: the 2.5-D image method on footprint edges.

In a street canyon most of the energy that reaches a shadowed receiver has bounced off a facade: a large flat
wall lit by the antenna throws a beam down the street, 20-30 dB above the statistical NLOS median where it
lands. For every facade the antenna lights, its image (the antenna mirrored in the facade's vertical plane)
sees the receiver along a straight line; the path is valid when that line crosses the facade within its length
and below its roof, and both legs (antenna to wall, wall to receiver) are clear of buildings (``los.trace``).
Its loss is the line-of-sight path loss over the unfolded length plus the reflection loss of the wall.

Facades are the edges of the building outlines read from the height grid itself (so a raster and a buildings
layer give the same walls), simplified to within one cell (which straightens the staircase a diagonal wall
becomes) and kept when at least ``min_length_m`` long.

Reflection loss: the Fresnel coefficient for the TE wave (vertical polarisation off a vertical wall) of a
thick wall of ITU-R P.2040-3 Table 3 concrete, ε' = 5.24, σ = 0.0462·f^0.7822 S/m (f in GHz), so
η = ε' − j·17.98·σ/f: at 3.5 GHz 8.2 dB at normal incidence, 5.9 dB at 45°, 2.9 dB at 70°.

Example::

    walls = facades_of(obstruction, min_length_m=10.0)
    walls.table       # (n, 7): x1, y1, x2, y2, roof elevation, outward normal nx, ny
"""

from __future__ import annotations

import cmath
import math
import threading
import weakref
from dataclasses import dataclass

import numba
import numpy as np
import shapely

from plugins.coverage.field_cache import DroppedTokens
from plugins.coverage.los import cell_value, trace
from plugins.coverage.obstruction import Obstruction

#: Facades shorter than this (m) are left out: short walls throw narrow beams and cost as much as long ones.
MIN_FACADE_M = 10.0
#: A wall must rise this much above the ground to reflect (m): kerbs, walls and noise in a DSM do not count.
MIN_WALL_HEIGHT_M = 2.0
#: ITU-R P.2040-3 Table 3, concrete: ε' = a·f^b, σ = c·f^d (f in GHz).
CONCRETE = (5.24, 0.0, 0.0462, 0.7822)
#: Most reflected paths counted per link (the strongest few carry the power; this bounds the traces).
MAX_PATHS = 16
#: Edge (m) of the buckets that index facades by their midpoint.
BUCKET_M = 64.0
#: Columns of the facade table.
FX1, FY1, FX2, FY2, FTOP, FNX, FNY = range(7)


@dataclass(frozen=True)
class Facades:
    """Facade segments with a bucket index: facade ``items[start[b]:start[b + 1]]`` have their midpoint in
    bucket b (row-major over ``index = [x0, y0 (top), bucket edge, columns, rows, longest half-length]``)."""

    table: np.ndarray
    start: np.ndarray
    items: np.ndarray
    index: np.ndarray

    @classmethod
    def none(cls) -> Facades:
        return cls(np.zeros((0, 7)), np.zeros(2, np.int64), np.zeros(0, np.int64),
                   np.array([0.0, 0.0, BUCKET_M, 1.0, 1.0, 0.0]))

    def __len__(self) -> int:
        return int(self.table.shape[0])


def permittivity(fc_ghz: float, material: tuple[float, float, float, float] = CONCRETE) -> complex:
    """Complex relative permittivity η = ε' − j·17.98·σ/f of ITU-R P.2040-3 (f in GHz, σ in S/m)."""
    a, b, c, d = material
    return complex(a * fc_ghz**b, -17.98 * c * fc_ghz**d / fc_ghz)


@numba.njit(cache=True, nogil=True)
def reflection_loss_db(cos_incidence: float, eta_re: float, eta_im: float) -> float:
    """−20·log10|Γ_TE| of a wall of permittivity η for a ray ``cos_incidence`` off the wall's normal."""
    c = min(max(cos_incidence, 1e-6), 1.0)
    root = cmath.sqrt(complex(eta_re, eta_im) - (1.0 - c * c))
    gamma = abs((c - root) / (c + root))
    return -20.0 * math.log10(max(gamma, 1e-12))


_CACHE: dict[tuple[int, float], Facades] = {}
_CACHE_LOCK = threading.Lock()
#: Lit facades per antenna (x, y, height, radius, receiver height) and facade table, shared by the tiles of a run.
_LIT: dict[tuple[int, float, float, float, float, float], np.ndarray] = {}
#: The facade tables _LIT holds entries of, whose entries go once they have gone (``field_cache.DroppedTokens``).
_LIT_DROPPED = DroppedTokens()


def facades_of(obstruction: Obstruction, min_length_m: float = MIN_FACADE_M) -> Facades:
    """The facades of the obstruction grid (cached per grid while it lives: siting asks once per batch)."""
    if obstruction.empty:
        return Facades.none()
    key = (id(obstruction.heights), float(min_length_m))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is not None:
        return found
    walls = _extract(obstruction, float(min_length_m))
    with _CACHE_LOCK:
        if key not in _CACHE:
            weakref.finalize(obstruction.heights, _CACHE.pop, key, None)
        _CACHE[key] = walls
    return walls


def lit_by_antenna(tx: np.ndarray, walls: Facades, radius: float, rx_h: float, heights: np.ndarray,
                   ground: np.ndarray, blocks: np.ndarray, factor: int, hx0: float, hy0: float, hres: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(start, items): the lit facades of antenna row k (columns x, y, height first) are
    ``items[start[k]:start[k + 1]]``. Each antenna's are found once per facade table and reused by every tile
    that antenna reaches (a tile's window of heights holds everything within the radius of its antennas)."""
    found = []
    for x, y, h in tx[:, :3]:
        key = (id(walls.table), float(x), float(y), float(h), float(radius), float(rx_h))
        with _CACHE_LOCK:
            _LIT_DROPPED.forget_in(_LIT)
            lit = _LIT.get(key)
        if lit is None:
            lit = lit_facades(float(x), float(y), float(h), float(radius), float(rx_h), walls.table, walls.start,
                              walls.items, walls.index, heights, ground, blocks, factor, hx0, hy0, hres)
            with _CACHE_LOCK:
                _LIT_DROPPED.watch(walls.table)
                _LIT[key] = lit
        found.append(lit)
    start = np.zeros(len(found) + 1, np.int64)
    start[1:] = np.cumsum([lit.size for lit in found])
    return start, (np.concatenate(found) if found else np.zeros(0, np.int64)).astype(np.int64)


def _extract(obstruction: Obstruction, min_length_m: float) -> Facades:
    """Outline the building cells, simplify, keep long edges with their outward normal and roof elevation."""
    from affine import Affine
    from rasterio.features import shapes

    heights, res = obstruction.heights, obstruction.res
    above = heights - obstruction.ground if obstruction.ground.size else heights
    mask = np.nan_to_num(above, nan=0.0) > MIN_WALL_HEIGHT_M
    if not mask.any():
        return Facades.none()
    transform = Affine(res, 0.0, obstruction.x0, 0.0, -res, obstruction.y0)
    polygons = [shapely.geometry.shape(geom) for geom, _ in shapes(mask.astype(np.uint8), mask=mask,
                                                                   transform=transform, connectivity=4)]
    outlines = shapely.orient_polygons(shapely.simplify(np.asarray(polygons, object), res))
    rings = np.concatenate([shapely.get_exterior_ring(outlines),
                            *[shapely.get_interior_ring(outlines, k)
                              for k in range(int(shapely.get_num_interior_rings(outlines).max()))]])
    rings = rings[~shapely.is_missing(rings) & ~shapely.is_empty(rings)]
    segments = []
    for ring in rings:  # exterior counter-clockwise, holes clockwise: the building lies left of every edge
        xy = shapely.get_coordinates(ring)
        segments.append(np.column_stack([xy[:-1], xy[1:]]))
    seg = np.concatenate(segments) if segments else np.zeros((0, 4))
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    seg, length = seg[length >= min_length_m], length[length >= min_length_m]
    if seg.shape[0] == 0:
        return Facades.none()
    nx, ny = (seg[:, 3] - seg[:, 1]) / length, -(seg[:, 2] - seg[:, 0]) / length
    tops = []
    for u in (0.25, 0.5, 0.75):  # the roof just inside the wall: the lowest of three samples along it
        px = seg[:, 0] + u * (seg[:, 2] - seg[:, 0]) - nx * 0.5 * res
        py = seg[:, 1] + u * (seg[:, 3] - seg[:, 1]) - ny * 0.5 * res
        tops.append(obstruction.height_at(px, py))
    table = np.column_stack([seg, np.min(tops, axis=0), nx, ny])
    return _indexed(table)


def _indexed(table: np.ndarray) -> Facades:
    """Bucket the facades by midpoint (CSR arrays the kernels walk)."""
    mid_x, mid_y = 0.5 * (table[:, FX1] + table[:, FX2]), 0.5 * (table[:, FY1] + table[:, FY2])
    x0, y0 = float(mid_x.min()), float(mid_y.max())
    cols = int((mid_x.max() - x0) // BUCKET_M) + 1
    rows = int((y0 - mid_y.min()) // BUCKET_M) + 1
    bucket = ((y0 - mid_y) // BUCKET_M).astype(np.int64) * cols + ((mid_x - x0) // BUCKET_M).astype(np.int64)
    order = np.argsort(bucket, kind="stable")
    start = np.searchsorted(bucket[order], np.arange(rows * cols + 1)).astype(np.int64)
    half = 0.5 * float(np.hypot(table[:, FX2] - table[:, FX1], table[:, FY2] - table[:, FY1]).max())
    return Facades(np.ascontiguousarray(table), start, order.astype(np.int64),
                   np.array([x0, y0, BUCKET_M, float(cols), float(rows), half]))


@numba.njit(cache=True, nogil=True)
def near_facades(x: float, y: float, reach: float, table: np.ndarray, start: np.ndarray, items: np.ndarray,
                 index: np.ndarray) -> np.ndarray:
    """The facades within ``reach`` of (x, y), from the facade table's midpoint buckets (in bucket order)."""
    found = np.empty(items.shape[0], np.int64)
    n = 0
    bx0, by0, size, cols, rows, half = index[0], index[1], index[2], int(index[3]), int(index[4]), index[5]
    far = reach + half
    c0, c1 = max(int((x - far - bx0) // size), 0), min(int((x + far - bx0) // size), cols - 1)
    r0, r1 = max(int((by0 - y - far) // size), 0), min(int((by0 - y + far) // size), rows - 1)
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            b = r * cols + c
            for k in range(start[b], start[b + 1]):
                f = items[k]
                if _segment_distance(x, y, table[f, FX1], table[f, FY1], table[f, FX2], table[f, FY2]) <= reach:
                    found[n] = f
                    n += 1
    return found[:n]


@numba.njit(cache=True, nogil=True)
def lit_facades(tx_x: float, tx_y: float, tx_h: float, radius: float, rx_h: float, table: np.ndarray,
                start: np.ndarray, items: np.ndarray, index: np.ndarray, heights: np.ndarray, ground: np.ndarray,
                blocks: np.ndarray, factor: int, hx0: float, hy0: float, hres: float) -> np.ndarray:
    """The facades within ``radius`` of the antenna, facing it, that it sees at 15 %, 50 % or 85 % of their
    length (half-way between antenna and receiver height, or just under the roof of a lower wall): a function of
    the antenna alone, so every tile and every pair query of it picks the same walls."""
    near = near_facades(tx_x, tx_y, radius, table, start, items, index)
    found = np.empty(near.shape[0], np.int64)
    n = 0
    for f in near:
        x1, y1, x2, y2 = table[f, FX1], table[f, FY1], table[f, FX2], table[f, FY2]
        nx, ny = table[f, FNX], table[f, FNY]
        if (tx_x - x1) * nx + (tx_y - y1) * ny <= 0.0:
            continue  # the antenna is behind this wall
        for u in (0.15, 0.5, 0.85):
            qx = x1 + u * (x2 - x1) + nx * 0.1 * hres
            qy = y1 + u * (y2 - y1) + ny * 0.1 * hres
            qz = 0.5 * (tx_h + rx_h + cell_value(ground, int(math.floor((hy0 - qy) / hres)),
                                                 int(math.floor((qx - hx0) / hres))))
            qz = min(qz, table[f, FTOP] - 0.1)  # on the wall, below its roof
            seen, _, _ = trace(heights, blocks, factor, hx0, hy0, hres, tx_x, tx_y, tx_h, qx, qy, qz)
            if seen:
                found[n] = f
                n += 1
                break
    return found[:n]


@numba.njit(cache=True, nogil=True)
def _segment_distance(px: float, py: float, x1: float, y1: float, x2: float, y2: float) -> float:
    dx, dy = x2 - x1, y2 - y1
    t = min(max(((px - x1) * dx + (py - y1) * dy) / max(dx * dx + dy * dy, 1e-12), 0.0), 1.0)
    return math.hypot(px - x1 - t * dx, py - y1 - t * dy)


@numba.njit(cache=True, nogil=True)
def reflection_paths(tx_x: float, tx_y: float, tx_h: float, rx_x: float, rx_y: float, rx_z: float,
                     lit: np.ndarray, table: np.ndarray, heights: np.ndarray, blocks: np.ndarray, factor: int,
                     hx0: float, hy0: float, hres: float, out: np.ndarray) -> int:
    """The valid first-order reflections from the antenna to the receiver off the ``lit`` facades: row k of
    ``out`` gets (unfolded 2-D length, cos of the incidence angle, x, y of the reflection point); returns how
    many. Valid: receiver in front of the wall, image line through the wall within its length and below its
    roof, both legs clear."""
    n = 0
    dz = tx_h - rx_z
    for m in range(lit.shape[0]):
        f = lit[m]
        x1, y1, x2, y2 = table[f, FX1], table[f, FY1], table[f, FX2], table[f, FY2]
        nx, ny = table[f, FNX], table[f, FNY]
        a = (tx_x - x1) * nx + (tx_y - y1) * ny   # antenna's distance in front of the wall
        b = (rx_x - x1) * nx + (rx_y - y1) * ny   # receiver's
        if a <= 0.0 or b <= 0.0:
            continue
        t = a / (a + b)  # the image line crosses the wall's plane at this share of the way from the image
        ix, iy = tx_x - 2.0 * a * nx, tx_y - 2.0 * a * ny
        px, py = ix + t * (rx_x - ix), iy + t * (rx_y - iy)
        ex, ey = x2 - x1, y2 - y1
        u = ((px - x1) * ex + (py - y1) * ey) / (ex * ex + ey * ey)
        if u < 0.0 or u > 1.0:
            continue
        unfolded = math.hypot(rx_x - ix, rx_y - iy)
        pz = tx_h - dz * t  # height at the wall: linear along the unfolded path
        if pz > table[f, FTOP]:
            continue
        qx, qy = px + nx * 0.1 * hres, py + ny * 0.1 * hres
        # both legs end at the wall point as the "receiver", whose own building the walk forgives; the receiver's
        # leg first: a shadowed receiver sees few of the walls its antenna lights, so it fails more often
        leg2, _, _ = trace(heights, blocks, factor, hx0, hy0, hres, rx_x, rx_y, rx_z, qx, qy, pz)
        if not leg2:
            continue
        leg1, _, _ = trace(heights, blocks, factor, hx0, hy0, hres, tx_x, tx_y, tx_h, qx, qy, pz)
        if not leg1:
            continue
        out[n, 0] = unfolded
        out[n, 1] = (a + b) / math.sqrt(unfolded * unfolded + dz * dz)
        out[n, 2] = px
        out[n, 3] = py
        n += 1
        if n == out.shape[0]:
            break
    return n


__all__ = ["CONCRETE", "MIN_FACADE_M", "Facades", "facades_of", "lit_by_antenna", "lit_facades", "near_facades",
           "permittivity", "reflection_loss_db", "reflection_paths"]
