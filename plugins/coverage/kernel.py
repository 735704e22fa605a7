"""Compiled link budget: RSRP of one transmitter at one receiver, over a tile of cells or a list of pairs.

RSRP (dBm per resource element) = EIRP_RE + A(θ, φ) - PL(model, LOS) - L_O2I, where EIRP_RE is the cell's
carrier EIRP minus 10·log10(12·N_RB) (see ``config``), A the relative antenna pattern (``antenna``), LOS comes
from the height grid (``los``) and L_O2I = PL_tw + 0.5·min(d_in, 25 m) for receivers inside buildings when an
indoor model is chosen. Over terrain, the transmitter table's antenna height is an elevation (ground at the
antenna + height above it) and the receiver stands ``rx_h`` above the ground of its cell in ``ground`` (empty:
flat ground at 0), so d3D, the ray and the elevation angle use the true height difference while the path-loss
coefficients keep the heights above local ground. Everything here is a pure function of its arguments,
released from the GIL, so threads and Dask workers can run tiles side by side.
"""

from __future__ import annotations

import hashlib
import inspect
import math
from collections.abc import Sequence
from pathlib import Path

import numba
import numpy as np

from plugins.coverage import antenna, los, pathloss
from plugins.coverage.antenna import relative_gain_db
from plugins.coverage.los import cell_value, trace
from plugins.coverage.pathloss import (
    A1,
    A2,
    A3,
    B1,
    B2,
    B3,
    COEFFICIENTS,
    INDOOR_LOSS_PER_M,
    MAX_INDOOR_DISTANCE_M,
    loss_from_coefficients,
)

#: Columns of the transmitter table handed to the kernels (``Transmitters.table``); the path-loss coefficients
#: (``pathloss.loss_coefficients``) follow from column TX_LOSS on.
TX_X, TX_Y, TX_H, TX_EIRP_RE, TX_AZIMUTH, TX_BEAMWIDTH, TX_TILT, TX_LOSS = range(8)
TX_COLUMNS = TX_LOSS + COEFFICIENTS
#: 10^(x/10) = exp(x·ln(10)/10): received powers in mW from dBm.
DBM_TO_EXPONENT = math.log(10.0) / 10.0
#: Reference distance d0 (m) of the calibration slope: RSRP + offset + slope·10·log10(d3D / d0).
CALIBRATION_D0_M = 100.0


def calibrate_table(table: np.ndarray, calibration: Sequence[float]) -> np.ndarray:
    """``table`` with its path-loss coefficients moved by a calibration (LOS offset, LOS slope, NLOS offset,
    NLOS slope): every branch is A + B·log10(d3D), so RSRP + a + b·10·log10(d3D/d0) is A − a + 10·b·log10(d0)
    and B − 10·b. LOS branches take the LOS pair, the NLOS branch the NLOS pair (an NLOS link that TR 38.901's
    max() puts on the LOS formula, at short range, takes the LOS pair)."""
    if not any(calibration):
        return table
    los_a, los_b, nlos_a, nlos_b = (float(v) for v in calibration)
    log_d0 = math.log10(CALIBRATION_D0_M)
    out = table.copy()
    for a, b, offset, slope in ((A1, B1, los_a, los_b), (A2, B2, los_a, los_b), (A3, B3, nlos_a, nlos_b)):
        out[:, TX_LOSS + a] += -offset + 10.0 * slope * log_d0
        out[:, TX_LOSS + b] -= 10.0 * slope
    return out


@numba.njit(cache=True, nogil=True)
def budget_dbm(tx: np.ndarray, dx: float, dy: float, d2d: float, dz: float, los: bool, indoor: bool, d_in: float,
               vertical_beamwidth: float, wall_loss: float, indoor_model: bool) -> float:
    """RSRP of the transmitter row ``tx`` once the link's geometry (``dz`` = antenna minus receiver elevation)
    and its LOS / indoor state are known: the part of the link budget every pass shares."""
    loss = loss_from_coefficients(tx[TX_LOSS:], d2d, dz, los)
    gain = relative_gain_db(tx[TX_AZIMUTH], tx[TX_BEAMWIDTH], tx[TX_TILT], vertical_beamwidth, dx, dy, d2d, dz)
    if indoor and indoor_model:
        loss += wall_loss + INDOOR_LOSS_PER_M * min(d_in, MAX_INDOOR_DISTANCE_M)
    return tx[TX_EIRP_RE] + gain - loss


@numba.njit(cache=True, nogil=True)
def link_rsrp_dbm(tx: np.ndarray, rx_x: float, rx_y: float, rx_h: float, heights: np.ndarray,
                  ground: np.ndarray, blocks: np.ndarray, factor: int, hx0: float, hy0: float, hres: float,
                  vertical_beamwidth: float, wall_loss: float, indoor_model: bool) -> float:
    """RSRP of the transmitter row ``tx`` at the receiver point (dBm per RE); the receiver stands ``rx_h``
    above the ground of its cell (``ground`` laid out like ``heights``; empty = 0), found as ``trace`` finds it."""
    dx, dy = rx_x - tx[TX_X], rx_y - tx[TX_Y]
    d2d = math.hypot(dx, dy)
    h_tx = tx[TX_H]
    rx_z = rx_h + cell_value(ground, int(math.floor((hy0 - rx_y) / hres)), int(math.floor((rx_x - hx0) / hres)))
    los, indoor, d_in = trace(heights, blocks, factor, hx0, hy0, hres, tx[TX_X], tx[TX_Y], h_tx, rx_x, rx_y, rx_z)
    return budget_dbm(tx, dx, dy, d2d, h_tx - rx_z, los, indoor, d_in, vertical_beamwidth, wall_loss, indoor_model)


@numba.njit(cache=True, nogil=True)
def tile_rsrp(x0: float, y0: float, res: float, rows: int, cols: int, tx: np.ndarray, channel: np.ndarray,
              sets: int, radius: float, heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray, factor: int,
              hx0: float, hy0: float, hres: float, rx_h: float, vertical_beamwidth: float, wall_loss: float,
              indoor_model: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Best RSRP (dBm/RE, -inf where no transmitter reaches), best transmitter row (-1: none), the sum of the
    received powers (mW/RE) per co-channel set (``channel[k]`` in 0..sets-1 is row k's set) and the number of
    links evaluated, for the cells of one tile.

    Cell (i, j) has its centre at ``x0 + (j + 0.5)·res, y0 - (i + 0.5)·res``; a transmitter serves cells whose
    centre lies within ``radius`` of it (2-D).
    """
    best = np.full((rows, cols), -np.inf)
    best_row = np.full((rows, cols), -1, np.int32)
    total = np.zeros((sets, rows, cols))
    links = 0
    for k in range(tx.shape[0]):
        tx_x, tx_y = tx[k, TX_X], tx[k, TX_Y]
        first = max(int(math.ceil((y0 - tx_y - radius) / res - 0.5)), 0)
        last = min(int(math.floor((y0 - tx_y + radius) / res - 0.5)), rows - 1)
        for i in range(first, last + 1):
            y = y0 - (i + 0.5) * res
            reach = radius * radius - (y - tx_y) ** 2
            if reach < 0:
                continue
            half = math.sqrt(reach)
            j0 = max(int(math.ceil((tx_x - half - x0) / res - 0.5)), 0)
            j1 = min(int(math.floor((tx_x + half - x0) / res - 0.5)), cols - 1)
            for j in range(j0, j1 + 1):
                x = x0 + (j + 0.5) * res
                if (x - tx_x) ** 2 + (y - tx_y) ** 2 > radius * radius:
                    continue
                rsrp = link_rsrp_dbm(tx[k], x, y, rx_h, heights, ground, blocks, factor, hx0, hy0, hres,
                                     vertical_beamwidth, wall_loss, indoor_model)
                links += 1
                total[channel[k], i, j] += math.exp(rsrp * DBM_TO_EXPONENT)
                if rsrp > best[i, j]:
                    best[i, j] = rsrp
                    best_row[i, j] = k
    return best, best_row, total, links


@numba.njit(cache=True, nogil=True)
def tile_far_power(x0: float, y0: float, res: float, rows: int, cols: int, tx: np.ndarray, channel: np.ndarray,
                   sets: int, inner: float, outer: np.ndarray, step: int, heights: np.ndarray, ground: np.ndarray,
                   blocks: np.ndarray, factor: int, hx0: float, hy0: float, hres: float, rx_h: float,
                   vertical_beamwidth: float, wall_loss: float, indoor_model: bool
                   ) -> tuple[np.ndarray, np.ndarray, int]:
    """Power (mW/RE) per co-channel set from transmitters farther than ``inner`` and at most ``outer[k]`` from a
    cell, the strongest such RSRP (dBm/RE, -inf: none) and the number of links, for the cells of one tile.

    The cheap path for interference beyond the serving radius: the line of sight is walked once per block of
    ``step`` x ``step`` cells, from the block's centre, and every cell of the block takes that LOS state (and the
    centre's indoor distance when the cell itself is indoors) with its own distance, antenna angles and ground.
    """
    far = np.zeros((sets, rows, cols))
    strongest = np.full((rows, cols), -np.inf)
    links = 0
    for k in range(tx.shape[0]):
        radius = outer[k]
        if radius <= inner:
            continue
        tx_x, tx_y, h_tx = tx[k, TX_X], tx[k, TX_Y], tx[k, TX_H]
        for bi in range(0, rows, step):
            i1 = min(bi + step, rows)
            top, bottom = y0 - bi * res, y0 - i1 * res
            gap_y = max(bottom - tx_y, 0.0, tx_y - top)
            far_y = max(abs(top - tx_y), abs(tx_y - bottom))
            for bj in range(0, cols, step):
                j1 = min(bj + step, cols)
                left, right = x0 + bj * res, x0 + j1 * res
                gap_x = max(left - tx_x, 0.0, tx_x - right)
                far_x = max(abs(left - tx_x), abs(tx_x - right))
                if gap_x * gap_x + gap_y * gap_y > radius * radius or far_x * far_x + far_y * far_y <= inner * inner:
                    continue
                cx, cy = 0.5 * (left + right), 0.5 * (top + bottom)
                cz = rx_h + cell_value(ground, int(math.floor((hy0 - cy) / hres)), int(math.floor((cx - hx0) / hres)))
                los, indoor_c, d_in_c = trace(heights, blocks, factor, hx0, hy0, hres, tx_x, tx_y, h_tx, cx, cy, cz)
                for i in range(bi, i1):
                    y = y0 - (i + 0.5) * res
                    hi = int(math.floor((hy0 - y) / hres))
                    for j in range(bj, j1):
                        x = x0 + (j + 0.5) * res
                        dx, dy = x - tx_x, y - tx_y
                        d2 = dx * dx + dy * dy
                        if d2 <= inner * inner or d2 > radius * radius:
                            continue
                        hj = int(math.floor((x - hx0) / hres))
                        rx_z = rx_h + cell_value(ground, hi, hj)
                        indoor = cell_value(heights, hi, hj) > rx_z
                        rsrp = budget_dbm(tx[k], dx, dy, math.sqrt(d2), h_tx - rx_z, los, indoor,
                                          d_in_c if indoor_c else 0.0, vertical_beamwidth, wall_loss, indoor_model)
                        links += 1
                        far[channel[k], i, j] += math.exp(rsrp * DBM_TO_EXPONENT)
                        if rsrp > strongest[i, j]:
                            strongest[i, j] = rsrp
    return far, strongest, links


@numba.njit(cache=True, nogil=True)
def pairs_rsrp(tx: np.ndarray, tx_index: np.ndarray, points: np.ndarray, point_index: np.ndarray, rx_h: float,
               heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray, factor: int, hx0: float, hy0: float,
               hres: float, vertical_beamwidth: float, wall_loss: float, indoor_model: bool) -> np.ndarray:
    """RSRP of each (transmitter row, point row) pair."""
    out = np.empty(tx_index.shape[0])
    for n in range(tx_index.shape[0]):
        p = point_index[n]
        out[n] = link_rsrp_dbm(tx[tx_index[n]], points[p, 0], points[p, 1], rx_h, heights, ground, blocks, factor,
                               hx0, hy0, hres, vertical_beamwidth, wall_loss, indoor_model)
    return out


def _drop_stale_caches() -> None:
    """numba's on-disk cache only watches the file that defines a function, but these kernels compile in the LOS
    walk, the antenna pattern and the path loss from other files. Keep a digest of all those sources next to the
    cache and flush the kernels' cached machine code when it changes, so an edit there is never silently ignored.
    """
    sources = b"".join(Path(inspect.getfile(module)).read_bytes() for module in (antenna, los, pathloss))
    digest = hashlib.sha256(sources + Path(__file__).read_bytes()).hexdigest()
    for dispatcher in (budget_dbm, link_rsrp_dbm, tile_rsrp, tile_far_power, pairs_rsrp):
        # numba's per-function cache: no public accessor, so not in numba's type hints either
        cache = dispatcher._cache  # type: ignore[union-attr]
        if not cache.cache_path:
            continue
        stamp = Path(cache.cache_path) / f"{__name__}.{dispatcher.py_func.__name__}.sources"
        try:
            if stamp.read_text() == digest:
                continue
        except OSError:
            pass  # no stamp yet: the cached code may predate it, so flush it
        cache.flush()
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(digest)
        except OSError:
            pass  # a read-only install: the cache is flushed again next time, which is only slower


_drop_stale_caches()

__all__ = ["CALIBRATION_D0_M", "TX_AZIMUTH", "TX_BEAMWIDTH", "TX_COLUMNS", "TX_EIRP_RE", "TX_H", "TX_LOSS", "TX_TILT",
           "TX_X", "TX_Y", "budget_dbm", "calibrate_table", "link_rsrp_dbm", "pairs_rsrp", "tile_far_power",
           "tile_rsrp"]
