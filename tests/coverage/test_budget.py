"""Coverage refuses what cannot fit before allocating it, and stops within a chunk of work when cancelled."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import VectorLayer
from layers.project_file import read_project
from plugins.api import AlgorithmError, Cancelled, Context
from plugins.compiled import ensure
from plugins.coverage import CoverageConfig
from plugins.coverage.algorithm import CoverageRsrp
from plugins.coverage.grid import Grid
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.tiles import LINKS_PER_CALL, LinkSettings, compute_tile, plan_tiles
from plugins.coverage.transmitters import Transmitters
from plugins.resources import Need, check_memory, check_work
from plugins.runner import run_algorithm
from plugins.warmup import COVERAGE
from tests.cancelling import CancelAfter, CancellingFeedback
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y, box_buildings, buildings_frame

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe" / "tianhe.lamp"


@pytest.fixture(scope="module")
def sample():
    return {layer.name: layer for layer in read_project(SAMPLE).layers}


def _scene(n_poles: int = 6):
    rng = np.random.default_rng(9)
    boxes, heights = box_buildings(rng, 25, 300.0)
    buildings = VectorLayer(buildings_frame(boxes, heights), "buildings", kind="buildings")
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(n_poles)], "height_m": rng.uniform(8, 12, n_poles)},
                             geometry=shapely.points(ORIGIN_X + rng.uniform(30, 270, n_poles),
                                                     ORIGIN_Y + rng.uniform(30, 270, n_poles)), crs=CRS)
    return VectorLayer(poles, "poles", kind="lamp_poles"), buildings


def _need(params: dict, workers: int = 2) -> Need:
    algorithm = CoverageRsrp()
    values = {p.name: p.default for p in algorithm.parameters()} | params
    config = algorithm._config(values)
    cells = Transmitters.from_layer(values["transmitters"], config)
    grid = Grid.covering(algorithm._extent(values, cells.x, cells.y, config), values["resolution"], cells.crs)
    return algorithm.resource_need(values, cells, grid, config, workers)


def test_hostile_sample_parameters_are_refused_with_the_estimate(sample):
    with pytest.raises(AlgorithmError) as caught:
        run_algorithm("coverage.rsrp", {"transmitters": sample["lamp_poles"], "surface": sample["building_height_2m"],
                                        "resolution": 0.5, "max_radius": 20000}, Context(workers=2))
    message = str(caught.value)
    # 3,101 poles, each reaching the whole 8,000 x 6,000 grid of the height raster: 1.5e11 links
    assert "149 billion links" in message and "3,101 transmitters" in message and "48 million cells" in message
    assert "0.5 m" in message and "20,000 m" in message and "coarser resolution" in message


def test_a_run_beyond_any_free_memory_is_refused_naming_it(sample):
    """Two poles 100 km apart and buildings at both: a 0.25 m height grid over 100 km is terabytes."""
    far = [(0.0, 0.0), (100_000.0, 100_000.0)]
    at = shapely.points(np.array(far) + (ORIGIN_X, ORIGIN_Y))
    poles = VectorLayer(gpd.GeoDataFrame({"height_m": [10.0, 10.0]}, geometry=at, crs=CRS), "poles")
    buildings = VectorLayer(buildings_frame([shapely.box(x, y, x + 20, y + 20) for x, y in far],
                                            np.array([20.0, 30.0])), "buildings", kind="buildings")
    params = {"transmitters": poles, "buildings": buildings, "obstruction_resolution": 0.25, "resolution": 500,
              "max_radius": 1000}
    with pytest.raises(AlgorithmError, match=r"needs about \d+ (GB|TB) of memory .* are free\. To run it, use a"):
        run_algorithm("coverage.rsrp", params, Context(workers=1))
    assert _need(params).bytes > 8 * (100_000 / 0.25) ** 2  # the height grid and its copy


def test_normal_sample_runs_pass_the_checks(sample):
    for params in ({"transmitters": sample["lamp_poles"], "surface": sample["building_height_2m"]},
                   {"transmitters": sample["sites_5g"], "buildings": sample["buildings"], "resolution": 2.0}):
        need = _need(params)
        check_work(need, 10_000_000_000, "links")
        check_memory(need)


def test_memory_check_states_need_free_and_what_to_change():
    need = Need(bytes=46e9, work=1.0, what="3,101 transmitters x 1.2 billion cells", change="use fewer sites")
    with pytest.raises(AlgorithmError) as caught:
        check_memory(need, available=18e9)
    assert str(caught.value) == ("needs about 46 GB of memory for 3,101 transmitters x 1.2 billion cells; 18 GB are "
                                 "free. To run it, use fewer sites.")
    check_memory(need, available=100e9)


def test_estimate_is_within_a_factor_two_of_what_a_run_allocates():
    poles, buildings = _scene()
    params = {"transmitters": poles, "buildings": buildings, "max_radius": 150, "resolution": 0.5}
    run_algorithm("coverage.rsrp", params | {"resolution": 10}, Context(workers=2))  # compiled kernels loaded
    need = _need(params)
    tracemalloc.start()
    try:
        result = run_algorithm("coverage.rsrp", params, Context(workers=2))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert need.bytes / 2 <= peak <= need.bytes * 2
    assert need.work == pytest.approx(result.outputs["links"], rel=0.1)


def test_building_burn_stops_at_the_poll_after_cancel(sample):
    cancel = CancelAfter(2)
    with pytest.raises(Cancelled):
        Obstruction.from_buildings(sample["buildings"], 0.25, cancelled=cancel)
    assert cancel.polls == 2  # one band burnt, then stopped (the grid has dozens of bands)


def test_tile_planning_and_a_large_tile_stop_at_the_poll_after_cancel(sample):
    config = CoverageConfig(max_radius_m=20000)
    cells = Transmitters.from_layer(sample["lamp_poles"], config)
    grid = Grid.covering(sample["building_height_2m"].extent, 0.5, cells.crs)
    obstruction = Obstruction.from_raster(sample["building_height_2m"])
    cancel = CancelAfter(3)
    with pytest.raises(Cancelled):
        plan_tiles(grid, cells.table(config), obstruction, 20000, cancelled=cancel)
    assert cancel.polls == 3
    job = plan_tiles(Grid(grid.x0, grid.y0, grid.res, 64, 64, grid.crs), cells.table(config), obstruction, 20000)[0]
    assert job.tx.shape[0] * 64 * 64 > 10 * LINKS_PER_CALL  # 12.7 million links in one tile
    cancel = CancelAfter(2)
    with pytest.raises(Cancelled):
        compute_tile(job, obstruction.heights, LinkSettings.of(config, obstruction), cancel)
    assert cancel.polls == 2


def test_a_cancelled_run_polls_little_after_cancel(sample):
    feedback = CancellingFeedback(after=40)
    with pytest.raises(Cancelled):
        run_algorithm("coverage.rsrp", {"transmitters": sample["lamp_poles"], "buildings": sample["buildings"],
                                        "obstruction_resolution": 0.5, "resolution": 2, "max_radius": 2000},
                      Context(workers=2), feedback)
    assert feedback.flag.polls - feedback.flag.after <= 4  # at most one more poll per worker and the runner's


def test_a_million_transmitters_are_refused_before_any_set_up(monkeypatch):
    """The links are counted from the points before the transmitter table or the interference plan is built
    (minutes that Cancel cannot interrupt for a million poles): the table builder is never reached."""
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 20_000, (1_000_000, 2)) + (ORIGIN_X, ORIGIN_Y)
    poles = VectorLayer(gpd.GeoDataFrame({"pole_id": np.arange(1_000_000).astype(str)},
                                         geometry=shapely.points(xy), crs=CRS), "poles")
    reached = []
    ensure(COVERAGE)        # the kernels' compile-ahead run (which builds a table of its own) is not under test
    monkeypatch.setattr(Transmitters, "from_layer", classmethod(lambda cls, *a, **k: reached.append(1)))
    with pytest.raises(AlgorithmError, match=r"20 billion links \(cell-transmitter pairs\) for 1,000,000 transmitters"):
        run_algorithm("coverage.rsrp", {"transmitters": poles, "max_radius": 400}, Context(workers=1))
    assert not reached


def test_the_ray_field_estimate_bounds_the_fields_a_run_keeps():
    # the fields bounces.fields_of returns for antennas on a street grid: what the cache keeps of them
    from plugins.coverage import bounces
    from plugins.coverage.budget import field_cache_bytes
    from plugins.coverage.reflections import facades_of, permittivity

    heights = np.zeros((200, 200), np.float32)
    heights[20:90, 20:90] = heights[110:180, 110:180] = 15.0          # two blocks on a 2 m grid from (0, 400)
    obstruction = Obstruction(heights, 0.0, 400.0, 2.0)
    config = CoverageConfig(model="umi", eirp_dbm=43.0, max_radius_m=150.0)
    cells = Transmitters.from_arrays([100.0, 210.0, 300.0], [200.0, 190.0, 90.0], 8.0, config)
    table = cells.table(config)
    _, _, gains = bounces.fields_of(table, table, facades_of(obstruction, bounces.MIN_FACADE_M), 150.0, 1.5,
                                    0.0, 400.0, 5.0, 65.0, permittivity(3.5), np.zeros((0, 0), np.float32),
                                    0.0, 400.0, 2.0, None, 3.5)
    estimate = field_cache_bytes(3, 150.0, 5.0, 2)
    assert gains.nbytes <= estimate <= 1.05 * gains.nbytes
    assert field_cache_bytes(3, 150.0, 5.0, 1) == estimate // 2 and field_cache_bytes(3, 150.0, 5.0, 0) == 0
    assert field_cache_bytes(10**6, 400.0, 5.0, 2) == bounces.CACHE_BYTES
