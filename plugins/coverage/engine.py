"""Run the tiles of a coverage grid on Dask: local threads by default, a ``dask.distributed`` cluster on request.

Progress is reported after every tile and Cancel is honoured within a tile, between its slices of transmitters
(local threads), or by cancelling the outstanding futures (cluster). Tiles are independent and deterministic, so
the assembled rasters do not depend on the scheduler or the number of workers.

Example::

    result = compute_coverage(cells, config, obstruction, Grid.covering(extent, 5.0, crs))
    result.rsrp, result.server, result.sinr
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.api import Cancelled
from plugins.coverage.config import CoverageConfig
from plugins.coverage.grid import Grid
from plugins.coverage.interference import Interference
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.terrain import antennas_over_ground
from plugins.coverage.tiles import TILE_CELLS, LinkSettings, TileJob, TileResult, compute_tile, plan_tiles
from plugins.coverage.transmitters import Transmitters


class ProgressSink(Protocol):
    def set_progress(self, percent: float) -> None: ...

    def is_cancelled(self) -> bool: ...


@dataclass(frozen=True)
class CoverageResult:
    """Rasters on ``grid``: best-server RSRP (dBm per RE, NaN = no cell within reach), best server (index into
    ``transmitters``, -1 = none) and SINR (dB); ``links`` counts the cell-transmitter pairs evaluated."""

    grid: Grid
    rsrp: np.ndarray
    server: np.ndarray
    sinr: np.ndarray
    links: int
    tiles: int
    transmitters: Transmitters
    config: CoverageConfig
    #: Shadow-fading margin (dB) of each cell's best-server link for the covered test (``margin``); None = 0.
    margin_db: np.ndarray | None = None
    #: The interference radii and co-channel sets used (None: interference within the serving radius, one set).
    interference: Interference | None = None
    #: Cells where a transmitter beyond the serving radius is received stronger than the best server.
    far_stronger: np.ndarray | None = None


def compute_coverage(transmitters: Transmitters, config: CoverageConfig, obstruction: Obstruction | None,
                     grid: Grid, *, feedback: ProgressSink | None = None, scheduler: str | None = None,
                     workers: int | None = None, tile_cells: int = TILE_CELLS,
                     interference: Interference | None = None) -> CoverageResult:
    """Best-server RSRP, best server and SINR over ``grid`` for the cells within ``config.max_radius_m``.

    ``interference`` (``interference.interference_plan``) adds the power of each cell out to its interference
    radius and keeps the SINR to the serving cell's co-channel set; None counts every cell within the serving
    radius as one set.

    ``scheduler`` is the address of a dask.distributed scheduler (None: local threads, ``workers`` of them).
    Raises ``plugins.api.Cancelled`` when ``feedback.is_cancelled()`` turns true.
    """
    obstruction = obstruction if obstruction is not None else Obstruction.none(grid.crs)
    obstruction.check_crs(transmitters.crs, QT_TRANSLATE_NOOP("CoverageObstruction", "transmitters"))
    settings = LinkSettings.of(config, obstruction)
    if interference is not None:
        settings = replace(settings, sets=interference.sets, far_step=interference.step)
    cancelled = feedback.is_cancelled if feedback is not None else None
    table = antennas_over_ground(transmitters.table(config), obstruction)
    jobs = plan_tiles(grid, table, obstruction, config.max_radius_m, tile_cells, cancelled,
                      channel=None if interference is None else interference.channel,
                      far_m=None if interference is None else interference.radius_m)
    rsrp = np.full((grid.rows, grid.cols), np.nan, np.float32)
    far_stronger = None if interference is None else np.zeros((grid.rows, grid.cols), bool)
    server = np.full((grid.rows, grid.cols), -1, np.int32)
    sinr = np.full((grid.rows, grid.cols), np.nan, np.float32)
    counted = {"links": 0, "done": 0}

    def place(result: TileResult) -> None:
        rows, cols = result.rsrp.shape
        window = (slice(result.row0, result.row0 + rows), slice(result.col0, result.col0 + cols))
        rsrp[window], server[window], sinr[window] = result.rsrp, result.server, result.sinr
        if far_stronger is not None and result.far_stronger is not None:
            far_stronger[window] = result.far_stronger
        counted["links"] += result.links
        counted["done"] += 1
        if feedback is not None:
            feedback.set_progress(100.0 * counted["done"] / max(len(jobs), 1))

    if jobs:
        if scheduler:
            _run_distributed(jobs, obstruction, settings, scheduler, place, feedback)
        else:
            _run_threads(jobs, obstruction, settings, workers or os.cpu_count() or 1, place, feedback)
    return CoverageResult(grid, rsrp, server, sinr, counted["links"], len(jobs), transmitters, config,
                          interference=interference, far_stronger=far_stronger)


def _run_threads(jobs: list[TileJob], obstruction: Obstruction, settings: LinkSettings, workers: int,
                 place: Any, feedback: ProgressSink | None) -> None:
    """Dask's threaded scheduler; its callbacks run in this thread between tiles, so Cancel stops new tiles, and
    each tile asks between its slices of transmitters, so a running tile stops too."""
    import dask.threaded
    from dask.callbacks import Callback

    keys = [("coverage-tile", k) for k in range(len(jobs))]
    cancelled = feedback.is_cancelled if feedback is not None else None
    graph: dict[Any, Any] = {"coverage-heights": obstruction.heights, "coverage-ground": obstruction.ground,
                             "coverage-settings": settings}
    for key, job in zip(keys, jobs, strict=True):
        graph[key] = (compute_tile, job, "coverage-heights", "coverage-settings", cancelled, "coverage-ground")

    def before(key: Any, dsk: Any, state: Any) -> None:
        if feedback is not None and feedback.is_cancelled():
            raise Cancelled(translate("Run", "the coverage run was cancelled"))

    def after(key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        if isinstance(result, TileResult):
            place(result)

    with Callback(pretask=before, posttask=after):
        dask.threaded.get(graph, keys, num_workers=max(1, int(workers)))


#: How often a run on a dask.distributed cluster asks whether it was cancelled while its tiles run (seconds).
CANCEL_POLL_S = 0.25


def _run_distributed(jobs: list[TileJob], obstruction: Obstruction, settings: LinkSettings, address: str,
                     place: Any, feedback: ProgressSink | None) -> None:
    """A dask.distributed cluster: its workers are first asked whether they import this Lamplight version
    (``cluster.check_workers``); the height grid (and terrain) and the link settings are then scattered once,
    and tiles are futures gathered as they end. The settings hold the facade tables, which the per-antenna caches
    of a worker are keyed by: one copy per worker lets its tiles share the lit facades and multi-bounce fields,
    where a copy sent with each tile made every tile compute them again (and sent the tables again).

    The grid goes to the workers whole rather than as a file path for them to read windows from: it is built
    in memory (burnt from footprints, resampled, put on the terrain), so no file holds it."""
    from plugins.coverage.cluster import check_workers, connect

    run_id = uuid.uuid4().hex[:12]
    with connect(address) as client:
        check_workers(client, address)
        shared_heights = client.scatter(obstruction.heights, broadcast=True)
        shared_ground = client.scatter(obstruction.ground, broadcast=True)
        shared_settings = client.scatter(settings, broadcast=True)
        # each worker starts on its own stretch of the tiles' Hilbert curve, so the antennas of a stretch have
        # their ray fields computed (and cached) on one worker; the scheduler may still move a tile to balance
        homes = sorted(client.scheduler_info()["workers"])
        futures = [client.submit(compute_tile, job, shared_heights, shared_settings, None, shared_ground,
                                 key=f"coverage-tile-{run_id}-{k}", workers=[homes[k * len(homes) // len(jobs)]],
                                 allow_other_workers=True) for k, job in enumerate(jobs)]
        pending = list(futures)
        try:
            while pending:  # Cancel is asked every CANCEL_POLL_S while tiles run, not only when one ends
                if feedback is not None and feedback.is_cancelled():
                    raise Cancelled(translate("Run", "the coverage run was cancelled"))
                done = [future for future in pending if future.done()]
                if not done:
                    time.sleep(CANCEL_POLL_S)
                    continue
                for future in done:
                    place(future.result())
                finished = {future.key for future in done}
                pending = [future for future in pending if future.key not in finished]
        finally:
            client.cancel(futures)


__all__ = ["CoverageResult", "compute_coverage"]
