"""Location probability: which links clear the RSRP threshold with the shadow-fading margin of their LOS state.

The maps stay medians. "Covered" asks for ``RSRP − σ·Φ⁻¹(p) ≥ threshold``, with σ of the link's model and line-of-
sight state (TR 38.901 Table 7.4.1-1) and p the cell-edge location probability of the RF profile: at p = 0.9 a
UMi NLOS link needs 10.02 dB more than the median, a LOS link 5.13 dB. Only links whose RSRP lies between the
threshold and the threshold plus the largest margin need their LOS state; the others are decided by RSRP alone,
so the test costs one extra ray per undecided link, not per link.

Example::

    margin = best_server_margin(result, obstruction)       # dB per grid cell, for the covered test
    keep = pair_covered(cells, tx, pt, points_xy, rsrp, config, obstruction)
"""

from __future__ import annotations

import numba
import numpy as np

from plugins.coverage.config import CoverageConfig
from plugins.coverage.engine import CoverageResult
from plugins.coverage.kernel import TX_H, TX_X, TX_Y
from plugins.coverage.los import BLOCK, block_maxima, trace
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.terrain import antennas_over_ground
from plugins.coverage.transmitters import Transmitters


@numba.njit(cache=True, nogil=True)
def _los(table: np.ndarray, tx_index: np.ndarray, xs: np.ndarray, ys: np.ndarray, rx_z: np.ndarray,
         heights: np.ndarray, blocks: np.ndarray, factor: int, x0: float, y0: float, res: float) -> np.ndarray:
    out = np.empty(tx_index.size, np.bool_)
    for i in range(tx_index.size):
        t = table[tx_index[i]]
        los, _indoor, _d_in = trace(heights, blocks, factor, x0, y0, res, t[TX_X], t[TX_Y], t[TX_H], xs[i], ys[i],
                                    rx_z[i])
        out[i] = los
    return out


def links_los(cells: Transmitters, tx_index: np.ndarray, xs: np.ndarray, ys: np.ndarray, config: CoverageConfig,
              obstruction: Obstruction | None) -> np.ndarray:
    """Line of sight of the links from cells ``tx_index`` to the receivers at ``xs, ys`` (the kernel's test; over
    terrain, antennas and receivers stand above the ground of their cells)."""
    obstruction = obstruction if obstruction is not None else Obstruction.none(cells.crs)
    heights = np.ascontiguousarray(obstruction.heights, dtype=np.float32)
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    rx_z = config.rx_height_m + obstruction.ground_at(xs, ys)
    return _los(antennas_over_ground(cells.table(config), obstruction), np.asarray(tx_index, np.int64), xs, ys,
                rx_z, heights, block_maxima(heights), BLOCK, obstruction.x0, obstruction.y0,
                obstruction.res)


def link_margin(cells: Transmitters, tx_index: np.ndarray, xs: np.ndarray, ys: np.ndarray, rsrp: np.ndarray,
                config: CoverageConfig, obstruction: Obstruction | None) -> np.ndarray:
    """The shadow-fading margin (dB) of each link; links decided by RSRP alone get the largest margin when they
    clear it and none when they miss the threshold, which leaves their covered test unchanged."""
    rsrp = np.asarray(rsrp, float)
    threshold, widest = config.rsrp_threshold_dbm, config.largest_margin_db
    margin = np.where(rsrp >= threshold + widest, widest, 0.0)
    undecided = np.flatnonzero((rsrp >= threshold) & (rsrp < threshold + widest))
    if undecided.size:
        tx = np.asarray(tx_index, np.int64)[undecided]
        los = links_los(cells, tx, np.asarray(xs)[undecided], np.asarray(ys)[undecided], config, obstruction)
        margin[undecided] = config.margin_db(cells.model[tx], los)
    return margin


def pair_covered(cells: Transmitters, tx_index: np.ndarray, point_index: np.ndarray, points_xy: np.ndarray,
                 rsrp: np.ndarray, config: CoverageConfig, obstruction: Obstruction | None) -> np.ndarray:
    """Which (cell, point) pairs reach the threshold at the profile's location probability."""
    points_xy = np.asarray(points_xy, float).reshape(-1, 2)
    xs, ys = points_xy[point_index, 0], points_xy[point_index, 1]
    margin = link_margin(cells, tx_index, xs, ys, rsrp, config, obstruction)
    return np.asarray(rsrp, float) - margin >= config.rsrp_threshold_dbm


def best_server_margin(result: CoverageResult, obstruction: Obstruction | None) -> np.ndarray:
    """Per grid cell, the margin of its best-server link (0 where no cell serves)."""
    rows, cols = np.nonzero(result.server >= 0)
    margin = np.zeros(result.server.shape, np.float32)
    if rows.size == 0:
        return margin
    xs, ys = result.grid.centres()
    margin[rows, cols] = link_margin(result.transmitters, result.server[rows, cols], xs[cols], ys[rows],
                                     result.rsrp[rows, cols], result.config, obstruction)
    return margin


__all__ = ["best_server_margin", "link_margin", "links_los", "pair_covered"]
