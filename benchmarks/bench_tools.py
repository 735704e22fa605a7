"""Benchmark: the general tools against references measured in the same run, and how fast Cancel answers.

    .venv/bin/python benchmarks/bench_tools.py [--points 200000]

- tools.nearest (KD-tree) for N office points to 5,000 sites, against geopandas.sjoin_nearest and against a
  brute-force NumPy distance matrix (timed on a subset and extrapolated, labelled as such); answers compared.
- tools.count_points for N points in 2,500 grid cells against geopandas.sjoin + groupby; answers compared.
- Cancel latency: each tool is started on N features in a thread, cancelled after its first progress report,
  and the time from cancel() to the run raising Cancelled is printed (goal: under 1 s).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers import VectorLayer  # noqa: E402
from plugins.api import Cancelled, Context, Feedback  # noqa: E402
from plugins.runner import run_algorithm  # noqa: E402

CRS = "EPSG:32649"
SIZE_M = 20_000.0
CANCEL_GOAL_S = 1.0


def point_layer(n: int, seed: int, name: str) -> VectorLayer:
    xy = np.random.default_rng(seed).random((n, 2)) * SIZE_M + [500_000, 2_550_000]
    gdf = gpd.GeoDataFrame({"id": np.arange(n), "value": np.random.default_rng(seed).random(n)},
                           geometry=shapely.points(xy), crs=CRS)
    return VectorLayer(gdf, name)


def grid_layer(cells_per_side: int) -> VectorLayer:
    step = SIZE_M / cells_per_side
    x, y = np.meshgrid(np.arange(cells_per_side) * step + 500_000, np.arange(cells_per_side) * step + 2_550_000)
    boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + step, y.ravel() + step)
    return VectorLayer(gpd.GeoDataFrame({"cell": np.arange(boxes.size)}, geometry=boxes, crs=CRS), "grid")


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def bench_nearest(offices: VectorLayer, sites: VectorLayer, quiet: bool = False) -> None:
    context = Context(crs=CRS)
    result, ours = timed(lambda: run_algorithm("tools.nearest", {"input": offices, "target": sites}, context))
    distances = result.outputs["output"].gdf["nearest_m"].to_numpy()
    joined, sjoin = timed(lambda: gpd.sjoin_nearest(offices.gdf, sites.gdf, distance_col="d"))
    reference = joined[~joined.index.duplicated()].sort_index()["d"].to_numpy()
    subset = 20_000 if len(offices) > 20_000 else len(offices)
    source = shapely.get_coordinates(offices.gdf.geometry.to_numpy()[:subset])
    target = shapely.get_coordinates(sites.gdf.geometry.to_numpy())

    def brute_force() -> np.ndarray:
        out = np.empty(subset)
        for start in range(0, subset, 2000):
            block = source[start:start + 2000]
            out[start:start + 2000] = np.sqrt(((block[:, None, :] - target[None]) ** 2).sum(-1)).min(axis=1)
        return out

    brute, brute_time = timed(brute_force)
    brute_full = brute_time * len(offices) / subset
    if quiet:
        return
    print(f"nearest: {len(offices):,} points -> {len(sites):,} sites")
    print(f"  tools.nearest (KD-tree)       {ours:8.3f} s")
    print(f"  geopandas.sjoin_nearest       {sjoin:8.3f} s   ratio {sjoin / ours:6.1f}x")
    label = "" if subset == len(offices) else f" (extrapolated from {subset:,})"
    print(f"  brute-force NumPy matrix      {brute_full:8.3f} s   ratio {brute_full / ours:6.1f}x{label}")
    print(f"  max difference vs sjoin_nearest {np.abs(distances - reference).max():.2e} m, "
          f"vs brute force {np.abs(distances[:subset] - brute).max():.2e} m")


def bench_count(points: VectorLayer, grid: VectorLayer, quiet: bool = False) -> None:
    context = Context(crs=CRS)
    result, ours = timed(lambda: run_algorithm("tools.count_points", {"polygons": grid, "points": points},
                                               context))
    counts = result.outputs["output"].gdf["point_count"].to_numpy()

    def reference() -> np.ndarray:
        joined = gpd.sjoin(points.gdf, grid.gdf, predicate="intersects")
        return joined.groupby("index_right").size().reindex(range(len(grid)), fill_value=0).to_numpy()

    expected, theirs = timed(reference)
    if quiet:
        return
    print(f"count points: {len(points):,} points in {len(grid):,} cells")
    print(f"  tools.count_points            {ours:8.3f} s")
    print(f"  geopandas.sjoin + groupby     {theirs:8.3f} s   ratio {theirs / ours:6.1f}x")
    print(f"  counts identical: {np.array_equal(counts, expected)}")


def cancel_latency(algorithm: str, params: dict) -> tuple[float, float]:
    """Seconds from cancel() to Cancelled, and the progress reached when cancelled."""
    first_report = threading.Event()
    feedback = Feedback(on_progress=lambda p: p > 0 and first_report.set())
    outcome: dict[str, float] = {}

    def work() -> None:
        try:
            run_algorithm(algorithm, params, Context(crs=CRS), feedback)
        except Cancelled:
            outcome["stopped"] = time.perf_counter()

    thread = threading.Thread(target=work)
    thread.start()
    first_report.wait(120)
    cancelled_at = time.perf_counter()
    progress = feedback.progress
    feedback.cancel()
    thread.join()
    return outcome.get("stopped", float("inf")) - cancelled_at, progress


def bench_cancel(points: VectorLayer, sites: VectorLayer, grid: VectorLayer) -> None:
    cases = {
        "tools.buffer": {"input": points, "distance": 50, "segments": 32},
        "tools.clip": {"input": points, "overlay": grid},
        "tools.join_by_location": {"input": points, "join": grid},
        "tools.count_points": {"polygons": grid, "points": points},
        "tools.nearest": {"input": points, "target": sites},
    }
    print(f"cancel latency ({len(points):,} features; goal under {CANCEL_GOAL_S:.0f} s)")
    worst = 0.0
    for algorithm, params in cases.items():
        latency, progress = cancel_latency(algorithm, params)
        worst = max(worst, latency)
        print(f"  {algorithm:<24} {latency:6.3f} s   (cancelled at {progress:5.1f}%)")
    print(f"  worst {worst:.3f} s: {'within' if worst < CANCEL_GOAL_S else 'OVER'} the goal")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    args = parser.parse_args()
    offices = point_layer(args.points, 1, "offices")
    sites = point_layer(5_000, 2, "sites")
    grid = grid_layer(50)
    # Warm up (imports, first calls) so that every contender is timed hot.
    bench_nearest(point_layer(1_000, 3, "warm"), sites, quiet=True)
    bench_count(point_layer(1_000, 3, "warm"), grid, quiet=True)
    bench_nearest(offices, sites)
    bench_count(offices, grid)
    bench_cancel(offices, sites, grid)


if __name__ == "__main__":
    main()
