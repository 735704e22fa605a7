"""Street-canyon paths with turns: Berg's recursive model (COST 231 Final Report §4.4.2).

P.1411's corner loss (``corner``) follows one corner over the walking distance: it cannot tell a straight side
street (one turn) from a lane that zigzags (several), nor a gentle bend from a right angle, and beyond its walk it
knows only a lower bound. Berg's recursive model (J.-E. Berg, "A recursive method for street microcell path loss
calculations", IEEE PIMRC 1995; COST 231 Final Report §4.4.2) follows a path of straight street segments s_0,
s_1, ... and turns each node by θ_j into an *illusory distance*

    k_0 = 1, d_0 = 0;   k_j = k_(j−1) + d_(j−1)·q(θ_(j−1)),   d_j = k_j·s_(j−1) + d_(j−1)
    q(θ) = (θ·q90 / 90°)^ν,   q90 = 0.5, ν = 1.5

so a turn costs more the sharper it is and the further the path has come before it (a straight path gives d =
its length). Berg's loss is the free-space loss at d_n with a breakpoint term on the real path length Σs; here
it is the link's own line-of-sight formula (TR 38.901, whose breakpoint stands in for Berg's) at Σs plus
20·log10(d_n / Σs), as P.1411 builds its NLoS loss on L_LoS.

On a grid the paths are sight lines between outdoor nodes at receiver height (``field``): a node out of sight of
the antenna takes the best one-turn path over the lit nodes on its sight lines, or the best two-turn path over
the one-turn nodes on them when that is better. A node with no path of at most two turns has none here (the
kernel keeps P.1411 there). The field is a function of the antenna, the buildings and the grid, computed once
per antenna on nodes at least ``MIN_NODE_M`` apart and shared by every tile (``fields_of``); a cell continues
its node's last leg to its own centre (``node_path``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numba
import numpy as np

from plugins.coverage.field_cache import FieldCache
from plugins.coverage.los import cell_value, trace

#: Berg's constants (COST 231 §4.4.2): turn loss factor at 90° and its exponent.
BERG_Q90 = 0.5
BERG_NU = 1.5
#: The nodes are at least this far apart (m): the visibility passes cost (nodes × rays × steps), so a finer
#: grid looks the paths up on a coarser lattice of whole grid cells.
MIN_NODE_M = 5.0
#: Sight lines cast from each node (4° apart), and how many source nodes each looks at (the first ones along
#: it, i.e. ``MAX_SOURCES`` node spacings into a lit street at most): the best turn lies near the corner.
RAYS = 90
MAX_SOURCES = 20
#: Sight lines end this far (m) from the node: beyond, a turn costs more than the statistical median anyway.
MAX_SIGHT_M = 200.0
#: The field covers at most this radius (m) round the antenna: Berg's model is a street-level micro-cell model,
#: and the field's cost grows with the square of it (beyond, P.1411 and the statistical formula stand).
MAX_RADIUS_M = 500.0
#: Fields kept in memory (bytes) across the tiles of a run, least recently used dropped first.
CACHE_BYTES = 128 * 1024 * 1024


@numba.njit(cache=True, nogil=True)
def turn_factor(theta_deg: float, q90: float, nu: float) -> float:
    """Berg's q(θ) = (θ·q90/90°)^ν for a turn of ``theta_deg`` (0 straight on, 90 a right angle)."""
    return (max(theta_deg, 0.0) * q90 / 90.0) ** nu


@numba.njit(cache=True, nogil=True)
def extend(k: float, d: float, s: float, theta_deg: float, q90: float, nu: float) -> tuple[float, float]:
    """(k, d) after turning ``theta_deg`` at a node reached with (k, d) and walking ``s`` metres on."""
    k_next = k + d * turn_factor(theta_deg, q90, nu)
    return k_next, d + k_next * s


@numba.njit(cache=True, nogil=True)
def _angle_deg(ax: float, ay: float, bx: float, by: float) -> float:
    na, nb = math.hypot(ax, ay), math.hypot(bx, by)
    if na < 1e-9 or nb < 1e-9:
        return 0.0
    return math.degrees(math.acos(min(max((ax * bx + ay * by) / (na * nb), -1.0), 1.0)))


@numba.njit(cache=True, nogil=True)
def _pass(target: np.ndarray, source: np.ndarray, outdoor: np.ndarray, k: np.ndarray, d: np.ndarray,
          length: np.ndarray, ux: np.ndarray, uy: np.ndarray, fx0: float, fy0: float, fres: float, rays: int,
          q90: float, nu: float) -> np.ndarray:
    """One more turn: for each ``target`` node, the best (least d) path through a ``source`` node on one of its
    sight lines (over outdoor nodes). Per node: d and Σs at the turn, k after it, the turn node's offset from
    (fx0, fy0) (x, y), the path's d and Σs at the node, and the unit direction of its last leg (x, y); d = inf
    where none."""
    rows, cols = outdoor.shape
    out = np.full((rows, cols, 9), np.inf)
    for i in range(rows):
        for j in range(cols):
            if not target[i, j]:
                continue
            x, y = fx0 + (j + 0.5) * fres, fy0 - (i + 0.5) * fres
            for a in range(rays):
                cx, cy = math.cos(2.0 * math.pi * a / rays), math.sin(2.0 * math.pi * a / rays)
                t, last, seen = 0.0, i * cols + j, 0
                while seen < MAX_SOURCES and t < MAX_SIGHT_M:
                    t += fres
                    ni = int(math.floor((fy0 - y - cy * t) / fres))
                    nj = int(math.floor((x + cx * t - fx0) / fres))
                    if ni < 0 or nj < 0 or ni >= rows or nj >= cols or not outdoor[ni, nj]:
                        break
                    li, lj = last // cols, last % cols
                    if li != ni and lj != nj and not (outdoor[li, nj] and outdoor[ni, lj]):
                        break  # a sight line does not squeeze diagonally past a building corner
                    if ni * cols + nj == last or not source[ni, nj]:
                        last = ni * cols + nj
                        continue
                    last = ni * cols + nj
                    seen += 1
                    px, py = fx0 + (nj + 0.5) * fres, fy0 - (ni + 0.5) * fres
                    s = math.hypot(x - px, y - py)
                    if d[ni, nj] + k[ni, nj] * s >= out[i, j, 5]:
                        continue  # not even going straight on through this node would beat the best path
                    kk, dd = extend(k[ni, nj], d[ni, nj], s, _angle_deg(ux[ni, nj], uy[ni, nj], x - px, y - py),
                                    q90, nu)
                    if dd < out[i, j, 5]:
                        out[i, j, 0], out[i, j, 1], out[i, j, 2] = d[ni, nj], length[ni, nj], kk
                        out[i, j, 3], out[i, j, 4] = px - fx0, py - fy0
                        out[i, j, 5], out[i, j, 6] = dd, length[ni, nj] + s
                        out[i, j, 7], out[i, j, 8] = (x - px) / s, (y - py) / s
    return out


@numba.njit(cache=True, nogil=True)
def field(tx_x: float, tx_y: float, tx_h: float, rx_h: float, fx0: float, fy0: float, fres: float, rows: int,
          cols: int, radius: float, heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray,
          factor: int, hx0: float, hy0: float, hres: float, rays: int, q90: float, nu: float) -> np.ndarray:
    """The last turn of the best path of at most two turns to each outdoor node out of sight within ``radius``
    of the antenna, as (d and Σs at the turn, k after it, the turn's offset x, y from (fx0, fy0)) per node; d =
    inf where none (and at lit nodes). A point near the node continues the path's last leg to itself
    (``node_path``). Node (i, j) is centred at ``fx0 + (j + 0.5)·fres, fy0 − (i + 0.5)·fres``; outdoor and lit
    are read from the height grid as the coverage kernel reads them at a cell centre."""
    outdoor = np.zeros((rows, cols), np.bool_)
    lit = np.zeros((rows, cols), np.bool_)
    k, d, length = np.ones((rows, cols)), np.full((rows, cols), np.inf), np.full((rows, cols), np.inf)
    ux, uy = np.zeros((rows, cols)), np.zeros((rows, cols))
    for i in range(rows):
        y = fy0 - (i + 0.5) * fres
        hi = int(math.floor((hy0 - y) / hres))
        for j in range(cols):
            x = fx0 + (j + 0.5) * fres
            r = math.hypot(x - tx_x, y - tx_y)
            if r > radius:
                continue
            hj = int(math.floor((x - hx0) / hres))
            rx_z = rx_h + cell_value(ground, hi, hj)
            if cell_value(heights, hi, hj) > rx_z:
                continue
            outdoor[i, j] = True
            seen, _, _ = trace(heights, blocks, factor, hx0, hy0, hres, tx_x, tx_y, tx_h, x, y, rx_z)
            if seen:
                lit[i, j] = True
                d[i, j] = length[i, j] = r
                ux[i, j], uy[i, j] = (x - tx_x) / max(r, 1e-9), (y - tx_y) / max(r, 1e-9)
    shadow = outdoor & ~lit
    once = _pass(shadow, lit, outdoor, k, d, length, ux, uy, fx0, fy0, fres, rays, q90, nu)
    twice = _pass(shadow, np.isfinite(once[:, :, 5]), outdoor, once[:, :, 2], once[:, :, 5],
                  once[:, :, 6], once[:, :, 7], once[:, :, 8], fx0, fy0, fres, rays, q90, nu)
    better = twice[:, :, 5] < once[:, :, 5]
    out = np.empty((rows, cols, 5))
    for c in range(5):
        out[:, :, c] = np.where(better, twice[:, :, c], once[:, :, c])
    return out


_FIELDS = FieldCache(CACHE_BYTES)


def lattice(tx_x: float, tx_y: float, radius: float, x0: float, y0: float, res: float,
            min_node_m: float = MIN_NODE_M, max_radius_m: float = MAX_RADIUS_M) -> tuple[float, float, float, int, int]:
    """(fx0, fy0, fres, rows, cols) of an antenna's nodes: blocks of whole cells of the grid through (``x0``,
    ``y0``) at ``res`` (at least ``min_node_m`` apart), covering its disc (at most ``max_radius_m``). The blocks
    start at the grid's cell edges that are whole multiples of fres from the origin of coordinates (plus the
    grid's phase), so every tile of one grid, whatever its own corner, gets the same nodes."""
    step = max(1, math.ceil(min_node_m / res - 1e-9))
    fres = step * res
    reach = min(radius, max_radius_m)
    phase_x = round(x0 - res * math.floor(x0 / res), 6) % res
    phase_y = round(y0 - res * math.floor(y0 / res), 6) % res
    fx0 = phase_x + fres * math.floor((tx_x - reach - phase_x) / fres)
    fy0 = phase_y + fres * math.ceil((tx_y + reach - phase_y) / fres)
    n_cols = int(math.ceil((tx_x + reach - fx0) / fres))
    n_rows = int(math.ceil((fy0 - tx_y + reach) / fres))
    return fx0, fy0, fres, n_rows, n_cols


def fields_of(tx: np.ndarray, token: object, radius: float, rx_h: float, x0: float, y0: float, res: float,
              heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray, factor: int, hx0: float,
              hy0: float, hres: float, poll: Callable[[], None] | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(meta, start, paths) for the antennas ``tx`` (columns x, y, height first): antenna k's nodes are
    ``meta[k] = fx0, fy0, fres, rows, cols`` and its ``field`` is ``paths[start[k]:start[k + 1]]`` (flat,
    row-major). ``token`` names the building data (an object that lives as long as it); each antenna's field is
    computed once per token and grid (x0, y0, res), and reused by every tile that antenna reaches
    (the heights window of a tile holds everything within the radius of its antennas). ``poll`` is called before
    each field that has to be computed (it raises to cancel the run)."""
    meta = np.zeros((tx.shape[0], 5))
    parts = []
    for n, (x, y, h) in enumerate(tx[:, :3]):
        box = lattice(float(x), float(y), radius, x0, y0, res)
        key = (id(token), float(x), float(y), float(h), float(radius), float(rx_h), *(round(v, 6) for v in box))
        found = _FIELDS.get(key, token, lambda x=x, y=y, h=h, box=box: (  # type: ignore[misc]
            np.array(box), field(float(x), float(y), float(h), rx_h, *box, min(radius, MAX_RADIUS_M), heights,  # type: ignore[call-arg]
                                 ground, blocks, factor, hx0, hy0, hres, RAYS, BERG_Q90, BERG_NU
                                 ).astype(np.float32).ravel()), poll)
        meta[n] = found[0]
        parts.append(found[1])
    start = np.zeros(tx.shape[0] + 1, np.int64)
    start[1:] = np.cumsum([p.size for p in parts])
    return meta, start, np.concatenate(parts) if parts else np.zeros(0, np.float32)


@numba.njit(cache=True, nogil=True)
def node_path(meta: np.ndarray, paths: np.ndarray, x: float, y: float) -> tuple[float, float]:
    """(d_n, Σs) of the point (x, y) along the path of the node holding it, its last leg continued to the point
    (``meta`` = one antenna's fx0, fy0, fres, rows, cols, ``paths`` its flat ``field``); inf where the node has
    no path or the point lies outside the field."""
    fx0, fy0, fres, rows, cols = meta[0], meta[1], meta[2], int(meta[3]), int(meta[4])
    i, j = int(math.floor((fy0 - y) / fres)), int(math.floor((x - fx0) / fres))
    if i < 0 or j < 0 or i >= rows or j >= cols or paths.shape[0] == 0:
        return math.inf, math.inf
    at = (i * cols + j) * 5
    if not paths[at] < math.inf:
        return math.inf, math.inf
    s = math.hypot(x - fx0 - paths[at + 3], y - fy0 - paths[at + 4])
    return paths[at] + paths[at + 2] * s, paths[at + 1] + s


__all__ = ["BERG_NU", "BERG_Q90", "MAX_RADIUS_M", "MIN_NODE_M", "RAYS", "extend", "field", "fields_of", "lattice",
           "node_path", "turn_factor"]
