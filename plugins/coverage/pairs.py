"""Sparse transmitter-to-point RSRP: every (cell, point) pair within a radius, for site selection.

The points go into a KD-tree; each cell asks it for the points within ``max_radius_m`` (2-D), and the compiled
link budget (``kernel.link_rsrp_dbm``, the same one the rasters use, with the same facade reflections) gives
each pair's RSRP; the street-corner term needs the cells around a receiver and is left to the rasters, so a
pair behind a corner reads the statistical NLOS loss. Pairs are split into chunks run on threads (the kernel
releases the GIL).

Example::

    cells = Transmitters.from_layer(poles, config)
    obstruction = Obstruction.from_buildings(buildings, 2.0)
    tx, pt, rsrp = rsrp_at_points(cells, demand_xy, config, obstruction, max_radius_m=400)
    covered = rsrp >= config.rsrp_threshold_dbm
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP
from plugins.coverage.config import CoverageConfig
from plugins.coverage.kernel import model_terms, pairs_rsrp
from plugins.coverage.los import BLOCK, block_maxima
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.pathloss import wall_loss_db
from plugins.coverage.reflections import Facades, facades_of
from plugins.coverage.terrain import antennas_over_ground
from plugins.coverage.transmitters import Transmitters

#: Pairs per thread task: big enough to amortise the call, small enough to share work between cores.
CHUNK_PAIRS = 200_000


def pairs_within(transmitters: Transmitters, points_xy: np.ndarray, max_radius_m: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(cell index, point index) of every pair at most ``max_radius_m`` apart, sorted by cell then point."""
    from scipy.spatial import cKDTree  # here: at module level it cost 0.14 s of plugin discovery at start-up

    points_xy = np.asarray(points_xy, float).reshape(-1, 2)
    if len(transmitters) == 0 or points_xy.shape[0] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    tree = cKDTree(points_xy)
    found = tree.query_ball_point(transmitters.xy, r=float(max_radius_m), return_sorted=True)
    counts = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
    tx_index = np.repeat(np.arange(len(transmitters), dtype=np.int64), counts)
    point_index = (np.concatenate([np.asarray(f, np.int64) for f in found]) if counts.sum()
                   else np.zeros(0, np.int64))
    return tx_index, point_index


def rsrp_at_points(transmitters: Transmitters, points_xy: np.ndarray, config: CoverageConfig,
                   obstruction: Obstruction | None, max_radius_m: float, *, workers: int | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell index, point index, RSRP in dBm per RE) for every pair within ``max_radius_m``.

    Receivers stand ``config.rx_height_m`` above the ground at each point (the terrain of its cell when the
    obstruction has one, as antennas stand ``height_m`` above theirs); a point inside a building gets the
    indoor loss of ``config.indoor_loss``. ``obstruction`` None treats every link as line of sight.
    """
    if not np.isfinite(max_radius_m) or max_radius_m <= 0:
        raise ValueError(f"max_radius_m must be a positive distance in metres, got {max_radius_m!r}")
    obstruction = obstruction if obstruction is not None else Obstruction.none()
    obstruction.check_crs(transmitters.crs, QT_TRANSLATE_NOOP("CoverageObstruction", "transmitters"))
    points_xy = np.ascontiguousarray(np.asarray(points_xy, float).reshape(-1, 2))
    tx_index, point_index = pairs_within(transmitters, points_xy, max_radius_m)
    return tx_index, point_index, rsrp_of_pairs(transmitters, tx_index, points_xy, point_index, config, obstruction,
                                                workers=workers)


def rsrp_of_pairs(transmitters: Transmitters, tx_index: np.ndarray, points_xy: np.ndarray, point_index: np.ndarray,
                  config: CoverageConfig, obstruction: Obstruction | None, *, workers: int | None = None
                  ) -> np.ndarray:
    """RSRP (dBm per RE) of the given (cell index, point index) pairs, as ``rsrp_at_points`` computes them (for
    a measurement and its serving cell, whatever the distance)."""
    obstruction = obstruction if obstruction is not None else Obstruction.none()
    obstruction.check_crs(transmitters.crs, QT_TRANSLATE_NOOP("CoverageObstruction", "transmitters"))
    points_xy = np.ascontiguousarray(np.asarray(points_xy, float).reshape(-1, 2))
    tx_index, point_index = np.asarray(tx_index, np.int64), np.asarray(point_index, np.int64)
    if tx_index.size == 0:
        return np.zeros(0)
    table = antennas_over_ground(transmitters.table(config), obstruction)
    fc_ghz = config.frequency_mhz / 1000.0
    heights = np.ascontiguousarray(obstruction.heights, dtype=np.float32)
    ground = np.ascontiguousarray(obstruction.ground, dtype=np.float32)
    walls = facades_of(obstruction) if config.reflections else Facades.none()
    args = (config.rx_height_m, heights, ground, block_maxima(heights), BLOCK, obstruction.x0, obstruction.y0,
            obstruction.res, config.vertical_beamwidth_deg, wall_loss_db(config.indoor_loss, fc_ghz),
            config.indoor_loss != "none", config.max_radius_m,
            model_terms(config.corner_reach_m, config.reflections, fc_ghz), walls.table, walls.start, walls.items,
            walls.index)
    bounds = list(range(0, tx_index.size, CHUNK_PAIRS)) + [tx_index.size]
    chunks = list(zip(bounds[:-1], bounds[1:], strict=True))

    def run(chunk: tuple[int, int]) -> np.ndarray:
        a, b = chunk
        return pairs_rsrp(table, tx_index[a:b], points_xy, point_index[a:b], *args)

    threads = max(1, min(workers or os.cpu_count() or 1, len(chunks)))
    if threads == 1:
        return np.concatenate([run(c) for c in chunks])
    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(run, chunks)))


__all__ = ["pairs_within", "rsrp_at_points", "rsrp_of_pairs"]
