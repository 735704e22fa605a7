"""Compiled link budget: RSRP of one transmitter at one receiver, over a tile of cells or a list of pairs.

RSRP (dBm per resource element) = EIRP_RE + A(θ, φ) - PL(model, LOS) - L_O2I, where EIRP_RE is the cell's
carrier EIRP minus 10·log10(12·N_RB) (see ``config``), A the relative antenna pattern (``antenna``), LOS comes
from the height grid (``los``) and L_O2I = PL_tw + 0.5·min(d_in, 25 m) for receivers inside buildings when an
indoor model is chosen. Over terrain, the transmitter table's antenna height is an elevation (ground at the
antenna + height above it) and the receiver stands ``rx_h`` above the ground of its cell in ``ground`` (empty:
flat ground at 0), so d3D, the ray and the elevation angle use the true height difference while the path-loss
coefficients keep the heights above local ground. Everything here is a pure function of its arguments,
released from the GIL, so threads and Dask workers can run tiles side by side.

Two geometric terms refine NLOS (``terms``, see ``model_terms``): an outdoor NLOS cell takes a street-canyon
loss instead of the statistical NLOS loss (rasters only, since it needs the cells around the receiver): with the
``street_turns`` option, Berg's recursive model over a path of at most two turns where ``turns`` finds one, else
ITU-R P.1411's corner loss over its walking distance from the nearest line-of-sight cell (``corner``); and
first-order facade reflections (``reflections``) add their power to outdoor NLOS receivers, in rasters and pairs
alike (38.901's LOS median already holds a lit street's multipath); in rasters, so do the multiple reflections of
each antenna's shoot-and-bounce field (``bounces``) and the corner diffraction (``diffraction``), which replaces
the street-canyon loss (P.1411's, not a Berg path's) where no reflected path reaches a cell.
"""

from __future__ import annotations

import hashlib
import inspect
import math
from collections.abc import Sequence
from pathlib import Path

import numba
import numpy as np

from plugins.coverage import antenna, bounces, corner, diffraction, los, pathloss, rays, reflections, turns
from plugins.coverage.antenna import relative_gain_db
from plugins.coverage.bounces import node_gain
from plugins.coverage.corner import corner_excess_db, walk
from plugins.coverage.los import cell_value, trace
from plugins.coverage.pathloss import (
    A1,
    A2,
    A3,
    B1,
    B2,
    B3,
    COEFFICIENTS,
    D2_MIN,
    INDOOR_LOSS_PER_M,
    MAX_INDOOR_DISTANCE_M,
    loss_from_coefficients,
)
from plugins.coverage.reflections import lit_facades, reflection_loss_db, reflection_paths
from plugins.coverage.turns import node_path

#: Columns of the transmitter table handed to the kernels (``Transmitters.table``); the path-loss coefficients
#: (``pathloss.loss_coefficients``) follow from column TX_LOSS on, then the calibration they carry (LOS offset,
#: LOS slope, NLOS offset, NLOS slope), which the reflected paths need to move with their link.
TX_X, TX_Y, TX_H, TX_EIRP_RE, TX_AZIMUTH, TX_BEAMWIDTH, TX_TILT, TX_LOSS = range(8)
TX_CALIBRATION = TX_LOSS + COEFFICIENTS
TX_COLUMNS = TX_CALIBRATION + 4
#: 10^(x/10) = exp(x·ln(10)/10): received powers in mW from dBm.
DBM_TO_EXPONENT = math.log(10.0) / 10.0
#: Reference distance d0 (m) of the calibration slope: RSRP + offset + slope·10·log10(d3D / d0).
CALIBRATION_D0_M = 100.0
#: Entries of the ``terms`` array: corner reach (m, 0 = off), corner loss (dB), corner length (m), β, facade
#: reflections (1 = on), wall permittivity η (real, imaginary), most reflected paths counted per link.
T_REACH, T_CORNER_DB, T_CORNER_M, T_BETA, T_REFLECT, T_ETA_RE, T_ETA_IM, T_PATHS = range(8)


def calibrate_table(table: np.ndarray, calibration: Sequence[float]) -> np.ndarray:
    """``table`` with its path-loss coefficients moved by a calibration (LOS offset, LOS slope, NLOS offset,
    NLOS slope): every branch is A + B·log10(d3D), so RSRP + a + b·10·log10(d3D/d0) is A − a + 10·b·log10(d0)
    and B − 10·b. LOS branches take the LOS pair, the NLOS branch the NLOS pair (an NLOS link that TR 38.901's
    max() puts on the LOS formula, at short range, takes the LOS pair). The calibration is kept in the
    TX_CALIBRATION columns."""
    out = table.copy()
    out[:, TX_CALIBRATION:TX_CALIBRATION + 4] = calibration
    if not any(calibration):
        return out
    los_a, los_b, nlos_a, nlos_b = (float(v) for v in calibration)
    log_d0 = math.log10(CALIBRATION_D0_M)
    for a, b, offset, slope in ((A1, B1, los_a, los_b), (A2, B2, los_a, los_b), (A3, B3, nlos_a, nlos_b)):
        out[:, TX_LOSS + a] += -offset + 10.0 * slope * log_d0
        out[:, TX_LOSS + b] -= 10.0 * slope
    return out


def model_terms(corner_reach_m: float, reflections_on: bool, fc_ghz: float) -> np.ndarray:
    """The ``terms`` array of the kernels: the P.1411 corner constants (``corner``) and the P.2040 concrete
    wall (``reflections``) at the carrier."""
    eta = reflections.permittivity(fc_ghz)
    terms = np.zeros(8)
    terms[T_REACH] = max(float(corner_reach_m), 0.0)
    terms[T_CORNER_DB], terms[T_CORNER_M] = corner.CORNER_LOSS_DB, corner.CORNER_LENGTH_M
    terms[T_BETA] = corner.CORNER_BETA
    terms[T_REFLECT] = 1.0 if reflections_on else 0.0
    terms[T_ETA_RE], terms[T_ETA_IM] = eta.real, eta.imag
    terms[T_PATHS] = reflections.MAX_PATHS
    return terms


@numba.njit(cache=True, nogil=True)
def budget_dbm(tx: np.ndarray, dx: float, dy: float, d2d: float, dz: float, los: bool, indoor: bool, d_in: float,
               vertical_beamwidth: float, wall_loss: float, indoor_model: bool, corner_db: float = math.inf
               ) -> float:
    """RSRP of the transmitter row ``tx`` once the link's geometry (``dz`` = antenna minus receiver elevation)
    and its LOS / indoor state are known: the part of the link budget every pass shares. An NLOS link with a
    finite ``corner_db`` (P.1411's street-canyon loss, ``corner``) takes it instead of the statistical NLOS
    loss, never below LOS."""
    loss = loss_from_coefficients(tx[TX_LOSS:], d2d, dz, los or corner_db < math.inf)
    if not los and corner_db < math.inf:
        loss = max(corner_db, loss)
    gain = relative_gain_db(tx[TX_AZIMUTH], tx[TX_BEAMWIDTH], tx[TX_TILT], vertical_beamwidth, dx, dy, d2d, dz)
    if indoor and indoor_model:
        loss += wall_loss + INDOOR_LOSS_PER_M * min(d_in, MAX_INDOOR_DISTANCE_M)
    return tx[TX_EIRP_RE] + gain - loss


@numba.njit(cache=True, nogil=True)
def _calibration_db(tx: np.ndarray, d2d: float, dz: float, los_pair: bool) -> float:
    """How much the table's calibration lowers the loss of a path of 2-D length ``d2d`` (a + b·10·log10(d3D/d0)
    of the LOS or the NLOS pair, with d3D clamped as ``loss_from_coefficients`` clamps it)."""
    k = TX_CALIBRATION if los_pair else TX_CALIBRATION + 2
    d2 = max(d2d, tx[TX_LOSS + D2_MIN])
    log_d3 = math.log10(max(math.sqrt(d2 * d2 + dz * dz), 1.0))
    return tx[k] + 10.0 * tx[k + 1] * (log_d3 - math.log10(CALIBRATION_D0_M))


@numba.njit(cache=True, nogil=True)
def _link_shift_db(tx: np.ndarray, d2d: float, dz: float) -> float:
    """How much the calibration lowers the direct link's loss: its NLOS pair, or its LOS pair where 38.901's
    max() puts the link on the LOS formula."""
    coefficients = tx[TX_LOSS:TX_CALIBRATION]
    los_pair = loss_from_coefficients(coefficients, d2d, dz, True) >= loss_from_coefficients(coefficients, d2d, dz,
                                                                                             False)
    return _calibration_db(tx, d2d, dz, los_pair)


@numba.njit(cache=True, nogil=True)
def field_dbm(tx: np.ndarray, gain: float, d2d: float, dz: float) -> float:
    """RSRP (dBm/RE) of a ray field's path gain ``gain`` (``bounces``, ``diffraction``: linear, uncalibrated, > 0),
    moved by the calibration of the direct link as the first-order reflections are."""
    return tx[TX_EIRP_RE] + 10.0 * math.log10(gain) + _link_shift_db(tx, d2d, dz)


@numba.njit(cache=True, nogil=True)
def with_bounces(rsrp: float, tx: np.ndarray, gain: float, d2d: float, dz: float) -> float:
    """``rsrp`` (dBm/RE) of an NLOS link plus the ray fields' power of path gain ``gain`` (``field_dbm``)."""
    if gain <= 0.0:
        return rsrp
    added = field_dbm(tx, gain, d2d, dz)
    return math.log(math.exp(rsrp * DBM_TO_EXPONENT) + math.exp(added * DBM_TO_EXPONENT)) / DBM_TO_EXPONENT


@numba.njit(cache=True, nogil=True)
def with_reflections(rsrp: float, tx: np.ndarray, rx_x: float, rx_y: float, rx_z: float, lit: np.ndarray,
                     walls: np.ndarray, heights: np.ndarray, blocks: np.ndarray, factor: int, hx0: float, hy0: float,
                     hres: float, vertical_beamwidth: float, terms: np.ndarray, paths: np.ndarray
                     ) -> tuple[float, int]:
    """(``rsrp`` (dBm/RE) of an NLOS link plus the power of the first-order facade reflections off the ``lit``
    walls, the number of those paths): each is the LOS loss over its unfolded length plus the wall's Fresnel
    loss, with the antenna gain towards the wall, moved by the same calibration as the direct link (its NLOS pair,
    or the LOS pair where 38.901's max() puts it on the LOS formula), so a calibration moves the link's total by
    offset + slope·10·log10(d3D/d0), the quantity ``calibration`` fits."""
    dz = tx[TX_H] - rx_z
    n = reflection_paths(tx[TX_X], tx[TX_Y], tx[TX_H], rx_x, rx_y, rx_z, lit, walls, heights, blocks, factor,
                         hx0, hy0, hres, paths)
    if n == 0:
        return rsrp, 0
    d2d = math.hypot(rx_x - tx[TX_X], rx_y - tx[TX_Y])
    coefficients = tx[TX_LOSS:TX_CALIBRATION]
    link_shift = _link_shift_db(tx, d2d, dz)
    total = math.exp(rsrp * DBM_TO_EXPONENT)
    for p in range(n):
        unfolded, cos_i, px, py = paths[p, 0], paths[p, 1], paths[p, 2], paths[p, 3]
        loss = (loss_from_coefficients(coefficients, unfolded, dz, True) + _calibration_db(tx, unfolded, dz, True)
                - link_shift + reflection_loss_db(cos_i, terms[T_ETA_RE], terms[T_ETA_IM]))
        gain = relative_gain_db(tx[TX_AZIMUTH], tx[TX_BEAMWIDTH], tx[TX_TILT], vertical_beamwidth, px - tx[TX_X],
                                py - tx[TX_Y], unfolded, dz)
        total += math.exp((tx[TX_EIRP_RE] + gain - loss) * DBM_TO_EXPONENT)
    return math.log(total) / DBM_TO_EXPONENT, n


@numba.njit(cache=True, nogil=True)
def link_rsrp_dbm(tx: np.ndarray, rx_x: float, rx_y: float, rx_h: float, heights: np.ndarray,
                  ground: np.ndarray, blocks: np.ndarray, factor: int, hx0: float, hy0: float, hres: float,
                  vertical_beamwidth: float, wall_loss: float, indoor_model: bool) -> float:
    """RSRP of the transmitter row ``tx`` at the receiver point (dBm per RE) without the geometric NLOS
    terms; the receiver stands ``rx_h`` above the ground of its cell (``ground`` laid out like ``heights``;
    empty = 0), found as ``trace`` finds it."""
    dx, dy = rx_x - tx[TX_X], rx_y - tx[TX_Y]
    d2d = math.hypot(dx, dy)
    h_tx = tx[TX_H]
    rx_z = rx_h + cell_value(ground, int(math.floor((hy0 - rx_y) / hres)), int(math.floor((rx_x - hx0) / hres)))
    los, indoor, d_in = trace(heights, blocks, factor, hx0, hy0, hres, tx[TX_X], tx[TX_Y], h_tx, rx_x, rx_y, rx_z)
    return budget_dbm(tx, dx, dy, d2d, h_tx - rx_z, los, indoor, d_in, vertical_beamwidth, wall_loss, indoor_model)


@numba.njit(cache=True, nogil=True)
def antenna_walls(tx: np.ndarray, radius: float, rx_h: float, terms: np.ndarray, walls: np.ndarray,
                  start: np.ndarray, items: np.ndarray, index: np.ndarray, heights: np.ndarray, ground: np.ndarray,
                  blocks: np.ndarray, factor: int, hx0: float, hy0: float, hres: float) -> np.ndarray:
    """The facades the antenna lights within ``radius`` (none when reflections are off)."""
    if terms[T_REFLECT] <= 0.0 or walls.shape[0] == 0:
        return np.zeros(0, np.int64)
    return lit_facades(tx[TX_X], tx[TX_Y], tx[TX_H], radius, rx_h, walls, start, items, index, heights, ground,
                       blocks, factor, hx0, hy0, hres)


@numba.njit(cache=True, nogil=True)
def corner_field(x0: float, y0: float, res: float, rows: int, cols: int, margin: int, tx: np.ndarray,
                 radius: float, los_t: np.ndarray, heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray,
                 factor: int, hx0: float, hy0: float, hres: float, rx_h: float, reach: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(s, d_c) of ``corner.walk`` over the tile grown by ``margin`` cells, on the antenna's disc only (so the
    answer for a tile cell does not depend on the tiling: every walk shorter than ``reach`` stays within the
    grown window). ``los_t`` holds the tile's own LOS states (1 LOS, 0 NLOS, -1 outside the disc)."""
    tx_x, tx_y, h_tx = tx[TX_X], tx[TX_Y], tx[TX_H]
    w_rows, w_cols = rows + 2 * margin, cols + 2 * margin
    walkable = np.zeros((w_rows, w_cols), np.bool_)
    source = np.full((w_rows, w_cols), np.nan)
    for wi in range(w_rows):
        i = wi - margin
        y = y0 - (i + 0.5) * res
        hi = int(math.floor((hy0 - y) / hres))
        for wj in range(w_cols):
            j = wj - margin
            x = x0 + (j + 0.5) * res
            d2 = (x - tx_x) ** 2 + (y - tx_y) ** 2
            if d2 > radius * radius:
                continue
            hj = int(math.floor((x - hx0) / hres))
            rx_z = rx_h + cell_value(ground, hi, hj)
            if cell_value(heights, hi, hj) > rx_z:
                continue  # inside a building: not a street to walk
            walkable[wi, wj] = True
            if 0 <= i < rows and 0 <= j < cols:
                seen = los_t[i, j] == 1
            else:
                seen, _, _ = trace(heights, blocks, factor, hx0, hy0, hres, tx_x, tx_y, h_tx, x, y, rx_z)
            if seen:
                source[wi, wj] = math.sqrt(d2)
    return walk(walkable, source, res, reach)


@numba.njit(cache=True, nogil=True)
def street_canyon_db(tx: np.ndarray, walked: float, d_c: float, d2d: float, dz: float, res: float, reach: float,
                     terms: np.ndarray, turn_d: float = math.inf, turn_len: float = math.inf) -> float:
    """The street-canyon loss of an outdoor NLOS cell. Where ``turns`` found a path of at most two turns to it
    (illusory distance ``turn_d`` over ``turn_len`` metres of street), Berg's recursive model:
    L_LoS(turn_len) + 20·log10(turn_d / turn_len). Otherwise P.1411's corner loss over the walk: the cell lies
    ``walked`` metres (cell centre to centre) from its nearest lit cell, ``d_c`` from the antenna, so L_LoS(d_c) +
    ``corner_excess_db``; a cell the walk did not reach within ``reach`` lies deeper in the block than the walk
    looked: the loss at the walk's end (x2 = reach) with its own distance as x1 (``corner.beyond_walk``) is only
    a lower bound there, so the statistical NLOS loss stands when it is higher."""
    floor = 0.0
    if turn_d < math.inf:
        return (loss_from_coefficients(tx[TX_LOSS:], turn_len, dz, True)
                + 20.0 * math.log10(max(turn_d / max(turn_len, 1e-9), 1.0)))
    if walked == math.inf:
        walked, d_c = corner.beyond_walk(reach, d2d, res)
        floor = loss_from_coefficients(tx[TX_LOSS:], d2d, dz, False)
    return max(floor, loss_from_coefficients(tx[TX_LOSS:], d_c, dz, True)
               + corner_excess_db(walked - 0.5 * res, d_c, terms[T_CORNER_DB], terms[T_CORNER_M], terms[T_BETA]))


@numba.njit(cache=True, nogil=True)
def tile_rsrp(x0: float, y0: float, res: float, rows: int, cols: int, tx: np.ndarray, channel: np.ndarray,
              sets: int, radius: float, heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray, factor: int,
              hx0: float, hy0: float, hres: float, rx_h: float, vertical_beamwidth: float, wall_loss: float,
              indoor_model: bool, terms: np.ndarray, walls: np.ndarray, lit_start: np.ndarray,
              lit_items: np.ndarray, turn_meta: np.ndarray, turn_start: np.ndarray, turn_paths: np.ndarray,
              bounce_meta: np.ndarray, bounce_start: np.ndarray, bounce_gains: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Best RSRP (dBm/RE, -inf where no transmitter reaches), best transmitter row (-1: none), the sum of the
    received powers (mW/RE) per co-channel set (``channel[k]`` in 0..sets-1 is row k's set) and the number of
    links evaluated, for the cells of one tile.

    Cell (i, j) has its centre at ``x0 + (j + 0.5)·res, y0 - (i + 0.5)·res``; a transmitter serves cells whose
    centre lies within ``radius`` of it (2-D). ``terms`` switch and parametrise the corner and reflection
    terms; row k's lit facades (rows of ``walls``) are ``lit_items[lit_start[k]:lit_start[k + 1]]``, and its
    Berg paths (``turns.fields_of``; none when ``turn_meta`` has no rows) are on the nodes ``turn_meta[k]`` in
    ``turn_paths[turn_start[k]:turn_start[k + 1]]``, and its multi-bounce and corner-diffraction fields
    (``bounces.fields_of``; none when
    ``bounce_meta`` has no rows) on the nodes ``bounce_meta[k]`` in ``bounce_gains[bounce_start[k]:bounce_start[k +
    1]]``.
    """
    best = np.full((rows, cols), -np.inf)
    best_row = np.full((rows, cols), -1, np.int32)
    total = np.zeros((sets, rows, cols))
    links = 0
    margin = min(int(math.ceil(terms[T_REACH] / res)), corner.MAX_WALK_CELLS) if terms[T_REACH] > 0.0 else 0
    reach = min(terms[T_REACH], margin * res)
    paths = np.empty((max(int(terms[T_PATHS]), 1), 4))
    los_t = np.full((rows, cols), -1, np.int8)
    indoor_t = np.zeros((rows, cols), np.bool_)
    d_in_t = np.zeros((rows, cols))
    for k in range(tx.shape[0]):
        tx_x, tx_y, h_tx = tx[k, TX_X], tx[k, TX_Y], tx[k, TX_H]
        los_t[:] = -1
        shadowed = False
        for i in range(rows):
            y = y0 - (i + 0.5) * res
            hi = int(math.floor((hy0 - y) / hres))
            for j in range(cols):
                x = x0 + (j + 0.5) * res
                if (x - tx_x) ** 2 + (y - tx_y) ** 2 > radius * radius:
                    continue
                rx_z = rx_h + cell_value(ground, hi, int(math.floor((x - hx0) / hres)))
                seen, indoor, d_in = trace(heights, blocks, factor, hx0, hy0, hres, tx_x, tx_y, h_tx, x, y, rx_z)
                los_t[i, j] = 1 if seen else 0
                indoor_t[i, j], d_in_t[i, j] = indoor, d_in
                shadowed = shadowed or not (seen or indoor)
        if shadowed and margin > 0:
            s, d_c = corner_field(x0, y0, res, rows, cols, margin, tx[k], radius, los_t, heights, ground, blocks,
                                  factor, hx0, hy0, hres, rx_h, reach)
        else:
            s, d_c = np.full((1, 1), np.inf), np.full((1, 1), np.nan)
        lit = lit_items[lit_start[k]:lit_start[k + 1]]
        has_turns = turn_meta.shape[0] > k
        gains = bounce_gains[bounce_start[k]:bounce_start[k + 1]] if bounce_meta.shape[0] > k else bounce_gains[:0]
        for i in range(rows):
            y = y0 - (i + 0.5) * res
            hi = int(math.floor((hy0 - y) / hres))
            for j in range(cols):
                if los_t[i, j] < 0:
                    continue
                x = x0 + (j + 0.5) * res
                dx, dy = x - tx_x, y - tx_y
                rx_z = rx_h + cell_value(ground, hi, int(math.floor((x - hx0) / hres)))
                corner_db = math.inf
                berg_path = False  # a street path of Berg's model holds (street_turns), not P.1411's median
                if los_t[i, j] == 0 and not indoor_t[i, j] and margin > 0:
                    path_d, path_len = math.inf, math.inf
                    if has_turns:
                        path_d, path_len = node_path(turn_meta[k], turn_paths[turn_start[k]:turn_start[k + 1]], x, y)
                    berg_path = path_d < math.inf
                    corner_db = street_canyon_db(tx[k], s[i + margin, j + margin], d_c[i + margin, j + margin],
                                                 math.hypot(dx, dy), h_tx - rx_z, res, reach, terms, path_d,
                                                 path_len)
                rsrp = budget_dbm(tx[k], dx, dy, math.hypot(dx, dy), h_tx - rx_z, los_t[i, j] == 1, indoor_t[i, j],
                                  d_in_t[i, j], vertical_beamwidth, wall_loss, indoor_model, corner_db)
                reflected = 0
                if lit.shape[0] and los_t[i, j] == 0 and not indoor_t[i, j]:
                    rsrp, reflected = with_reflections(rsrp, tx[k], x, y, rx_z, lit, walls, heights, blocks, factor,
                                                       hx0, hy0, hres, vertical_beamwidth, terms, paths)
                if gains.shape[0] and los_t[i, j] == 0 and not indoor_t[i, j]:
                    bounced = node_gain(bounce_meta[k], gains, x, y, 0)
                    bent = node_gain(bounce_meta[k], gains, x, y, 1)
                    if not berg_path and reflected == 0 and bounced <= 0.0 and bent > 0.0:
                        # no reflected path: the corner diffraction is the path; P.1411's loss is a median of
                        # canyons whose reflections carry the power, too optimistic where none arrives
                        rsrp = field_dbm(tx[k], bent, math.hypot(dx, dy), h_tx - rx_z)
                    else:
                        rsrp = with_bounces(rsrp, tx[k], bounced + bent, math.hypot(dx, dy), h_tx - rx_z)
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
               hres: float, vertical_beamwidth: float, wall_loss: float, indoor_model: bool, radius: float,
               terms: np.ndarray, walls: np.ndarray, start: np.ndarray, items: np.ndarray, index: np.ndarray
               ) -> np.ndarray:
    """RSRP of each (transmitter row, point row) pair, with the facade reflections of walls within ``radius``
    of the antenna for receivers within ``radius`` (as the rasters' serving pass; the lit walls are found once
    per run of pairs of one antenna: pass pairs sorted by it)."""
    out = np.empty(tx_index.shape[0])
    paths = np.empty((max(int(terms[T_PATHS]), 1), 4))
    lit = np.zeros(0, np.int64)
    current = -1
    for n in range(tx_index.shape[0]):
        row, p = tx_index[n], point_index[n]
        if row != current:
            current = row
            lit = antenna_walls(tx[row], radius, rx_h, terms, walls, start, items, index, heights, ground, blocks,
                                factor, hx0, hy0, hres)
        rx_x, rx_y = points[p, 0], points[p, 1]
        out[n] = link_rsrp_dbm(tx[row], rx_x, rx_y, rx_h, heights, ground, blocks, factor, hx0, hy0, hres,
                               vertical_beamwidth, wall_loss, indoor_model)
        if lit.shape[0] and (rx_x - tx[row, TX_X]) ** 2 + (rx_y - tx[row, TX_Y]) ** 2 <= radius * radius:
            hi, hj = int(math.floor((hy0 - rx_y) / hres)), int(math.floor((rx_x - hx0) / hres))
            rx_z = rx_h + cell_value(ground, hi, hj)
            if cell_value(heights, hi, hj) <= rx_z:
                seen, _, _ = trace(heights, blocks, factor, hx0, hy0, hres, tx[row, TX_X], tx[row, TX_Y],
                                   tx[row, TX_H], rx_x, rx_y, rx_z)
                if not seen:
                    out[n] = with_reflections(out[n], tx[row], rx_x, rx_y, rx_z, lit, walls, heights, blocks,
                                              factor, hx0, hy0, hres, vertical_beamwidth, terms, paths)[0]
    return out


def _drop_stale_caches() -> None:
    """numba's on-disk cache only watches the file that defines a function, but these kernels compile in the LOS
    walk, the antenna pattern and the path loss from other files. Keep a digest of all those sources next to the
    cache and flush the kernels' cached machine code when it changes, so an edit there is never silently ignored.
    """
    sources = b"".join(Path(inspect.getfile(module)).read_bytes()
                       for module in (antenna, bounces, corner, diffraction, los, pathloss, rays, reflections, turns))
    digest = hashlib.sha256(sources + Path(__file__).read_bytes()).hexdigest()
    # the per-antenna fields compile in the path loss, the antenna pattern, the Fresnel loss and the LOS walk too
    fields = (bounces.field, rays.deposit, rays.first_hit, rays.reflect, rays.link_table, rays.horizontal_factor,
              diffraction.field, diffraction._lit_corners, diffraction.wedge_power, turns.field)
    for dispatcher in (budget_dbm, field_dbm, with_bounces, with_reflections, link_rsrp_dbm, antenna_walls,
                       corner_field, street_canyon_db, tile_rsrp, tile_far_power, pairs_rsrp, *fields):
        # numba's per-function cache: no public accessor, so not in numba's type hints either
        cache = dispatcher._cache  # type: ignore[union-attr]
        if not cache.cache_path:
            continue
        function = dispatcher.py_func
        stamp = Path(cache.cache_path) / f"{function.__module__}.{function.__name__}.sources"
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

__all__ = ["CALIBRATION_D0_M", "TX_AZIMUTH", "TX_BEAMWIDTH", "TX_CALIBRATION", "TX_COLUMNS", "TX_EIRP_RE", "TX_H",
           "TX_LOSS", "TX_TILT", "TX_X", "TX_Y", "T_BETA", "T_CORNER_DB", "T_CORNER_M", "T_ETA_IM", "T_ETA_RE",
           "T_PATHS", "T_REACH", "T_REFLECT", "budget_dbm", "calibrate_table", "link_rsrp_dbm", "model_terms",
           "pairs_rsrp", "tile_far_power", "tile_rsrp"]
