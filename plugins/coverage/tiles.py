"""Cutting a coverage grid into tiles, and the pure per-tile computation that threads or Dask workers run.

A tile job carries only its cells, the transmitters that can reach them and where its window of the height
grid lies; the height grid itself is passed separately (shared in memory by threads, scattered once to a
Dask cluster), so a job is small to ship. ``compute_tile(job, heights, settings)`` depends on nothing else,
which is why the same tiles give identical rasters on one thread, many threads or a cluster.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from layers.i18n import translate
from plugins.api import Cancelled
from plugins.coverage import bounces
from plugins.coverage.config import CoverageConfig
from plugins.coverage.grid import Grid
from plugins.coverage.kernel import (
    T_ETA_IM,
    T_ETA_RE,
    T_REACH,
    T_REFLECT,
    TX_CALIBRATION,
    TX_X,
    TX_Y,
    calibrate_table,
    model_terms,
    tile_far_power,
    tile_rsrp,
)
from plugins.coverage.los import BLOCK, block_maxima
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.pathloss import wall_loss_db
from plugins.coverage.reflections import Facades, facades_of, lit_by_antenna
from plugins.coverage.turns import fields_of

#: Default tile edge in cells: at 5 m a tile is 640 m wide. Each tile walks the street-canyon term over itself
#: grown by the walk's reach (120 m a side), tracing line of sight in that margin: at 64 cells the margin held 2x
#: the tile's cells, at 128 0.9x, and the sample's coverage took 94.0 s against 73.1 s (bench_coverage's run).
TILE_CELLS = 128
#: Links per kernel call: a tile reached by many transmitters is computed in slices of them, so that Cancel is
#: noticed within a fraction of a second even at 0.5 m with a 20 km radius (12 million links a tile).
LINKS_PER_CALL = 250_000


@dataclass(frozen=True)
class LinkSettings:
    """The scalars every tile shares."""

    radius_m: float
    rx_height_m: float
    vertical_beamwidth_deg: float
    wall_loss_db: float
    indoor_model: bool
    noise_re_mw: float
    heights_x0: float
    heights_y0: float
    heights_res: float
    #: Co-channel sets of the run (``TileJob.channel`` holds each transmitter's set).
    sets: int = 1
    #: Edge, in grid cells, of the blocks whose centre decides the LOS state of interference beyond the radius.
    far_step: int = 1
    #: Corner and reflection terms of the serving pass (``kernel.model_terms``) and the facades they use.
    terms: np.ndarray | None = None
    walls: Facades | None = None
    #: Berg's paths (``turns``) before P.1411's corner loss.
    street_turns: bool = False
    #: Every facade edge, for the multi-bounce fields (``bounces``); None: no multiple reflections.
    bounce_walls: Facades | None = None
    #: Carrier (GHz) of the corner-diffraction fields (``diffraction``); 0: none.
    diffraction_ghz: float = 0.0

    @classmethod
    def of(cls, config: CoverageConfig, obstruction: Obstruction) -> LinkSettings:
        fc_ghz = config.frequency_mhz / 1000.0
        return cls(config.max_radius_m, config.rx_height_m, config.vertical_beamwidth_deg,
                   wall_loss_db(config.indoor_loss, fc_ghz), config.indoor_loss != "none",
                   10.0 ** (config.noise_re_dbm / 10.0), obstruction.x0, obstruction.y0, obstruction.res,
                   terms=model_terms(config.corner_reach_m, config.reflections, fc_ghz),
                   walls=facades_of(obstruction) if config.reflections else Facades.none(),
                   street_turns=config.street_turns,
                   bounce_walls=facades_of(obstruction, bounces.MIN_FACADE_M)
                   if config.reflections and config.multi_bounce else None,
                   diffraction_ghz=fc_ghz if config.corner_diffraction else 0.0)

    def model_args(self, tx: np.ndarray, heights: np.ndarray, ground: np.ndarray, blocks: np.ndarray, factor: int,
                   hx0: float, hy0: float, hres: float, grid: tuple[float, float, float],
                   cancelled: Callable[[], bool] | None = None) -> tuple:
        """The serving kernel's extra arguments for antennas ``tx``: terms, facade table, the facades each
        antenna lights, with street turns and the street-canyon term on its Berg paths, and with multiple
        reflections its multi-bounce field, both on the nodes of the ``grid`` (x0, y0, res) (found on the
        heights, ground, blocks, factor and origin the kernel traces over; ``cancelled`` is asked before each
        antenna's paths or field is computed)."""
        terms = self.terms if self.terms is not None else model_terms(0.0, False, 1.0)
        walls = self.walls if self.walls is not None and terms[T_REFLECT] > 0 else Facades.none()
        lit = lit_by_antenna(tx, walls, self.radius_m, self.rx_height_m, heights, ground, blocks, factor, hx0, hy0,
                             hres)
        if self.street_turns and terms[T_REACH] > 0 and self.walls is not None:
            # the facade table names the run's building data
            paths = fields_of(tx, self.walls.table, self.radius_m, self.rx_height_m, *grid, heights, ground, blocks,
                              factor, hx0, hy0, hres, lambda: _stop_if(cancelled))
        else:
            paths = (np.zeros((0, 5)), np.zeros(1, np.int64), np.zeros(0, np.float32))
        if self.bounce_walls is not None and terms[T_REFLECT] > 0:
            uncalibrated = calibrate_table(tx, tuple(-tx[0, TX_CALIBRATION:TX_CALIBRATION + 4]))
            field = bounces.fields_of(tx, uncalibrated, self.bounce_walls, self.radius_m, self.rx_height_m, *grid,
                                      self.vertical_beamwidth_deg, complex(terms[T_ETA_RE], terms[T_ETA_IM]),
                                      ground, hx0, hy0, hres, lambda: _stop_if(cancelled), self.diffraction_ghz)
        else:
            field = (np.zeros((0, 5)), np.zeros(1, np.int64), np.zeros(0, np.int16))
        return terms, walls.table, *lit, *paths, *field


@dataclass(frozen=True)
class TileJob:
    """One tile: its place in the grid, its reachable transmitters (rows of the kernel table and their global
    indices) and the window (row0, row1, col0, col1) of the height grid that its rays can cross."""

    row0: int
    col0: int
    rows: int
    cols: int
    x0: float
    y0: float
    res: float
    tx: np.ndarray
    tx_index: np.ndarray
    window: tuple[int, int, int, int]
    #: Co-channel set of each transmitter row (None: all one set).
    channel: np.ndarray | None = None
    #: Interference radius of each transmitter row (None: interference within ``radius_m`` only).
    far_m: np.ndarray | None = None


@dataclass(frozen=True)
class TileResult:
    """Best RSRP (dBm/RE, NaN where no cell reaches), best cell index (-1: none), SINR (dB, NaN where none)."""

    row0: int
    col0: int
    rsrp: np.ndarray
    server: np.ndarray
    sinr: np.ndarray
    links: int
    #: Cells where a transmitter beyond the serving radius is received stronger than the best server.
    far_stronger: np.ndarray | None = None


def plan_tiles(grid: Grid, table: np.ndarray, obstruction: Obstruction, radius_m: float,
               tile_cells: int = TILE_CELLS, cancelled: Callable[[], bool] | None = None, *,
               channel: np.ndarray | None = None, far_m: np.ndarray | None = None) -> list[TileJob]:
    """Tiles of ``tile_cells`` x ``tile_cells`` with the transmitters within reach of each (exact
    point-to-rectangle distance; reach is ``radius_m``, or a transmitter's ``far_m`` interference radius when
    larger); tiles no transmitter reaches are left out. ``cancelled`` is asked per tile."""
    jobs = []
    xs, ys = table[:, TX_X], table[:, TX_Y]
    reach_m = np.full(xs.shape, float(radius_m)) if far_m is None else np.maximum(far_m, radius_m)
    for row0 in range(0, grid.rows, tile_cells):
        for col0 in range(0, grid.cols, tile_cells):
            _stop_if(cancelled)
            rows, cols = min(tile_cells, grid.rows - row0), min(tile_cells, grid.cols - col0)
            left, top = grid.x0 + col0 * grid.res, grid.y0 - row0 * grid.res
            right, bottom = left + cols * grid.res, top - rows * grid.res
            gap_x = np.maximum.reduce([left - xs, np.zeros_like(xs), xs - right])
            gap_y = np.maximum.reduce([bottom - ys, np.zeros_like(ys), ys - top])
            reach = np.flatnonzero(gap_x * gap_x + gap_y * gap_y <= reach_m * reach_m)
            if reach.size == 0:
                continue
            # reflections and corner walks trace from the antenna to anywhere within the radius of it
            margin = float(reach_m[reach].max()) + float(radius_m) + 2 * obstruction.res
            window = obstruction.window((left - margin, bottom - margin, right + margin, top + margin))
            jobs.append(TileJob(row0, col0, rows, cols, left, top, grid.res, np.ascontiguousarray(table[reach]),
                                reach.astype(np.int32), window,
                                None if channel is None else np.ascontiguousarray(channel[reach], np.int64),
                                None if far_m is None else np.ascontiguousarray(reach_m[reach])))
    # along a Hilbert curve, not row by row: neighbouring tiles share most of their antennas, whose ray fields
    # then stay in the field cache from one tile to the next (row by row, a row of tiles needs more fields than
    # the cache holds, and the sample computed each antenna's fields 2.2 times); tiles are independent, so the
    # rasters are the same
    side = 1 << max(math.ceil(math.log2(max(grid.rows, grid.cols) / tile_cells)), 0)
    jobs.sort(key=lambda job: hilbert_index(side, job.col0 // tile_cells, job.row0 // tile_cells))
    return jobs


def hilbert_index(side: int, x: int, y: int) -> int:
    """Position of cell (x, y) along the Hilbert curve over a ``side`` x ``side`` grid (side a power of 2):
    cells close along the curve are close on the grid."""
    index = 0
    s = side // 2
    while s > 0:
        rx, ry = int(x & s > 0), int(y & s > 0)
        index += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                x, y = side - 1 - x, side - 1 - y
            x, y = y, x
        s //= 2
    return index


def compute_tile(job: TileJob, heights: np.ndarray, settings: LinkSettings,
                 cancelled: Callable[[], bool] | None = None, ground: np.ndarray | None = None) -> TileResult:
    """Best-server RSRP, best server and SINR of one tile (a pure function of its arguments).

    ``ground`` is the terrain under ``heights`` (``Obstruction.ground``; None or empty: flat ground). The
    transmitters go to the kernel in slices of at most ``LINKS_PER_CALL`` links; ``cancelled`` is asked
    before each slice (``plugins.api.Cancelled``)."""
    r0, r1, c0, c1 = job.window
    window = np.ascontiguousarray(heights[r0:r1, c0:c1], dtype=np.float32)
    if window.size == 0:
        window = np.zeros((0, 0), np.float32)
    under = np.zeros((0, 0), np.float32)
    if ground is not None and ground.size and window.size:
        under = np.ascontiguousarray(ground[r0:r1, c0:c1], dtype=np.float32)
    hx0 = settings.heights_x0 + c0 * settings.heights_res
    hy0 = settings.heights_y0 - r0 * settings.heights_res
    blocks = block_maxima(window)
    sets = settings.sets
    channel = job.channel if job.channel is not None else np.zeros(job.tx.shape[0], np.int64)
    kernel_args = (window, under, blocks, BLOCK, hx0, hy0, settings.heights_res, settings.rx_height_m,
                   settings.vertical_beamwidth_deg, settings.wall_loss_db, settings.indoor_model)
    step = max(1, LINKS_PER_CALL // max(job.rows * job.cols, 1))
    best, best_row = np.full((job.rows, job.cols), -np.inf), np.full((job.rows, job.cols), -1, np.int32)
    total, links = np.zeros((sets, job.rows, job.cols)), 0
    for first in range(0, job.tx.shape[0], step):
        _stop_if(cancelled)
        part_best, part_row, part_total, part_links = tile_rsrp(
            job.x0, job.y0, job.res, job.rows, job.cols, job.tx[first:first + step], channel[first:first + step],
            sets, settings.radius_m, *kernel_args,
            *settings.model_args(job.tx[first:first + step], *kernel_args[:7], (job.x0, job.y0, job.res), cancelled))
        better = part_best > best  # strictly: on a tie the earlier transmitter keeps the cell, as in one call
        best, best_row = np.where(better, part_best, best), np.where(better, part_row + first, best_row)
        total += part_total
        links += part_links
    far_stronger = None
    if job.far_m is not None and bool((job.far_m > settings.radius_m).any()):
        strongest = np.full((job.rows, job.cols), -np.inf)
        for first in range(0, job.tx.shape[0], step):
            _stop_if(cancelled)
            part_far, part_strongest, part_links = tile_far_power(
                job.x0, job.y0, job.res, job.rows, job.cols, job.tx[first:first + step],
                channel[first:first + step], sets, settings.radius_m, job.far_m[first:first + step],
                settings.far_step, *kernel_args)
            total += part_far
            strongest = np.maximum(strongest, part_strongest)
            links += part_links
        far_stronger = strongest > best
    reached = best_row >= 0
    server = np.where(reached, job.tx_index[np.maximum(best_row, 0)], -1).astype(np.int32)
    own = np.take_along_axis(total, channel[np.maximum(best_row, 0)][None], axis=0)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        best_mw = np.where(reached, 10.0 ** (best / 10.0), 0.0)
        sinr = 10.0 * np.log10(best_mw / (np.maximum(own - best_mw, 0.0) + settings.noise_re_mw))
    rsrp = np.where(reached, best, np.nan).astype(np.float32)
    return TileResult(job.row0, job.col0, rsrp, server, np.where(reached, sinr, np.nan).astype(np.float32),
                      int(links), None if far_stronger is None else far_stronger & reached)


def _stop_if(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled(translate("Run", "the coverage run was cancelled"))


__all__ = ["LINKS_PER_CALL", "TILE_CELLS", "LinkSettings", "TileJob", "TileResult", "compute_tile", "plan_tiles"]
