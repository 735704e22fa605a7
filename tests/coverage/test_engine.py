"""Tiled best-server RSRP and SINR: hand-computed SINR on the bisector of two sites, agreement with the sparse
pair API, independence from tiling and scheduler (threads and a dask.distributed cluster), progress, cancel."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from plugins.api import Cancelled, Feedback
from plugins.coverage import CoverageConfig, Obstruction, Transmitters, bounces
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.pairs import rsrp_at_points
from plugins.coverage.tiles import plan_tiles
from tests.coverage.scenes import box_buildings, height_grid

C = 299_792_458.0


def test_sinr_of_two_equal_sites_on_their_bisector_is_0_db_minus_noise():
    # Two omni sites at 10 m, receivers also at 10 m (no vertical pattern), free space, 3.5 GHz, 100 MHz.
    config = CoverageConfig(model="free_space", rx_height_m=10.0, noise_figure_db=7.0, max_radius_m=1000.0,
                            eirp_dbm=50.0)
    cells = Transmitters.from_arrays([-197.5, 202.5], [2.5, 2.5], 10.0, config)
    grid = Grid.covering((-300.0, -300.0, 300.0, 300.0), 5.0)
    result = compute_coverage(cells, config, None, grid, workers=1)
    xs, ys = grid.centres()
    column = int(np.flatnonzero(np.isclose(xs, 2.5))[0])  # x = 2.5: the perpendicular bisector
    for row in (int(np.flatnonzero(np.isclose(ys, 2.5))[0]), int(np.flatnonzero(np.isclose(ys, 252.5))[0])):
        d = math.hypot(200.0, ys[row] - 2.5)
        # S = I = EIRP - 10·log10(12·273) - 20·log10(4π·d·f/c); N = -174 + 10·log10(30 kHz) + 7 dB
        signal = 50.0 - 10 * math.log10(12 * 273) - 20 * math.log10(4 * math.pi * d * 3.5e9 / C)
        noise = -174 + 10 * math.log10(30e3) + 7.0
        s_mw, n_mw = 10 ** (signal / 10), 10 ** (noise / 10)
        expected = 10 * math.log10(s_mw / (s_mw + n_mw))  # 0 dB minus the noise's share
        assert result.rsrp[row, column] == pytest.approx(signal, abs=0.01)
        assert result.sinr[row, column] == pytest.approx(expected, abs=0.01)
        assert -0.5 < expected < 0.0
    # off the bisector the nearer site wins and SINR rises above 0 dB
    assert result.server[row, column - 4] == 0 and result.server[row, column + 4] == 1
    assert result.sinr[row, column - 4] > 0.5 and result.sinr[row, column + 4] > 0.5


def _scene(seed: int = 4):
    rng = np.random.default_rng(seed)
    boxes, heights = box_buildings(rng, 35, 300.0)
    obstruction = Obstruction(height_grid(boxes, heights, 300.0), 0.0, 300.0, 2.0)
    config = CoverageConfig(max_radius_m=120.0, indoor_loss="low", sector_azimuths=(30.0, 150.0, 270.0),
                            tilt_deg=4.0)
    n = 8
    cells = Transmitters.from_arrays(rng.uniform(20, 280, n), rng.uniform(20, 280, n), rng.uniform(6, 30, n),
                                     config, azimuth_deg=np.where(np.arange(n) % 2, rng.uniform(0, 360, n), np.nan))
    grid = Grid.covering((-20.0, -20.0, 320.0, 320.0), 4.0)
    return cells, config, obstruction, grid


def test_rasters_match_the_pair_api_cell_by_cell():
    cells, config, obstruction, grid = _scene()
    # the corner term and the multi-bounce field need the cells around a receiver: rasters only
    config = replace(config, corner_reach_m=0.0, multi_bounce=False)
    result = compute_coverage(cells, config, obstruction, grid, workers=2, tile_cells=16)
    xs, ys = grid.centres()
    centres = np.column_stack([np.tile(xs, grid.rows), np.repeat(ys, grid.cols)])
    tx, pt, rsrp = rsrp_at_points(cells, centres, config, obstruction, config.max_radius_m)
    best = np.full(len(centres), -np.inf)
    np.maximum.at(best, pt, rsrp)
    total = np.bincount(pt, weights=10 ** (rsrp / 10), minlength=len(centres))
    reached = np.isfinite(best)
    np.testing.assert_allclose(result.rsrp.ravel()[reached], best[reached], atol=1e-4)
    assert np.isnan(result.rsrp.ravel()[~reached]).all()
    winner = np.full(len(centres), -1)
    order = np.lexsort((-rsrp, pt))
    first = np.r_[True, pt[order][1:] != pt[order][:-1]]
    winner[pt[order][first]] = tx[order][first]
    np.testing.assert_array_equal(result.server.ravel(), winner)
    best_mw = 10 ** (best[reached] / 10)
    sinr = 10 * np.log10(best_mw / (total[reached] - best_mw + 10 ** (config.noise_re_dbm / 10)))
    np.testing.assert_allclose(result.sinr.ravel()[reached], sinr, atol=1e-3)
    assert result.links == len(rsrp)


def test_tiling_and_thread_count_do_not_change_the_result():
    cells, config, obstruction, grid = _scene(5)
    one = compute_coverage(cells, config, obstruction, grid, workers=1, tile_cells=100)
    many = compute_coverage(cells, config, obstruction, grid, workers=2, tile_cells=7)
    np.testing.assert_array_equal(one.server, many.server)
    np.testing.assert_allclose(one.rsrp, many.rsrp, rtol=0, atol=1e-5)
    assert one.links == many.links


def test_tiles_run_in_compact_runs_so_ray_fields_stay_cached():
    # any 16 tiles in a row of the plan span about 6 tiles on average (a Hilbert curve; row by row about 19 of
    # the 22 columns), so the ray fields of their common antennas are still cached
    cells, config, obstruction, grid = _scene(5)
    jobs = plan_tiles(grid, cells.table(config), obstruction, config.max_radius_m, tile_cells=4)
    places = np.array([(job.row0 // 4, job.col0 // 4) for job in jobs])
    assert len(places) == len({tuple(p) for p in places}) > 400   # 22 x 22 tiles, those no antenna reaches left out
    spans = [np.ptp(places[k:k + 16], axis=0).max() + 1 for k in range(len(places) - 16)]
    assert float(np.mean(spans)) < 8.0


def _fields_computed() -> int:
    """Runs on a Dask worker: the multi-bounce fields it has computed."""
    from plugins.coverage import bounces as worker_bounces

    return worker_bounces._FIELDS.computed


def test_dask_distributed_cluster_gives_identical_rasters():
    distributed = pytest.importorskip("distributed")
    cells, config, obstruction, grid = _scene(6)
    computed = bounces._FIELDS.computed
    local = compute_coverage(cells, config, obstruction, grid, workers=1, tile_cells=24)
    antennas = bounces._FIELDS.computed - computed       # multi-bounce fields: one per antenna here
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None,
                                  memory_limit="1GiB") as cluster:
        progress = []
        feedback = Feedback(on_progress=progress.append)
        remote = compute_coverage(cells, config, obstruction, grid, scheduler=cluster.scheduler_address,
                                  feedback=feedback, tile_cells=24)
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            on_worker = list(client.run(_fields_computed).values())
    # the tiles on a worker share its one copy of the facade tables, so each field is computed once there too,
    # not once per tile the antenna reaches
    assert antennas > 0 and on_worker == [antennas]
    np.testing.assert_array_equal(local.server, remote.server)
    np.testing.assert_array_equal(local.rsrp, remote.rsrp)
    np.testing.assert_array_equal(local.sinr, remote.sinr)
    assert progress[-1] == 100.0 and progress == sorted(progress)


def test_progress_is_reported_and_cancel_stops_between_tiles():
    cells, config, obstruction, grid = _scene(7)
    progress = []
    compute_coverage(cells, config, obstruction, grid, feedback=Feedback(on_progress=progress.append),
                     tile_cells=16)
    assert len(progress) > 10 and progress == sorted(progress) and progress[-1] == 100.0

    seen: list[float] = []
    holder: list[Feedback] = []

    def cancel_after_two(percent: float) -> None:
        seen.append(percent)
        if len(seen) == 2:
            holder[0].cancel()

    feedback = Feedback(on_progress=cancel_after_two)
    holder.append(feedback)
    with pytest.raises(Cancelled):
        compute_coverage(cells, config, obstruction, grid, feedback=feedback, workers=1, tile_cells=16)
    assert len(seen) < len(progress) // 2


def test_cancel_on_a_dask_cluster_stops_while_tiles_run():
    """The cluster path asks for Cancel while its tiles run (every quarter second), not only when one ends: a
    run cancelled once its first tile is placed stops with tiles still unplaced."""
    distributed = pytest.importorskip("distributed")
    cells, config, obstruction, grid = _scene(6)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  memory_limit="1GiB") as cluster:
        progress: list[float] = []
        feedback = Feedback(on_progress=lambda p: (progress.append(p), feedback.cancel()))
        with pytest.raises(Cancelled):
            compute_coverage(cells, config, obstruction, grid, scheduler=cluster.scheduler_address,
                             feedback=feedback, tile_cells=8)
    assert progress and progress[-1] < 100.0
