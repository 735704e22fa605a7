"""Benchmark: loading a 1,000,000-point GeoPackage through Lamplight against a plain pyogrio read of the same file.

    .venv/bin/python benchmarks/bench_io.py [--points 1000000]

Lamplight's `open_layers` adds what a planner relies on (CRS handling, geometry checks, kind detection and
validation with notes); the goal is to stay within 1.2x of `pyogrio.read_dataframe` on the same file, measured in
the same run. Two loads are timed: a plain point layer, and the same points as `lamp_poles`, which are validated
field by field (text ids, numbers, yes/no flags, allowed status values). Each figure is the best of 3 reads.
The plain read (pyogrio's default, no Arrow) is the issue's reference; pyogrio with Arrow is printed beside it so
the cost of Lamplight's own checks stays visible.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.io import open_layers  # noqa: E402

GOAL_RATIO = 1.2


def write_poles(path: Path, n: int) -> None:
    """Seeded lamp poles in a 10 km square, with the fields of the lamp_poles kind, as one GeoPackage layer."""
    rng = np.random.default_rng(20261125)
    xy = rng.random((n, 2)) * 10_000 + [735_000, 2_555_000]
    frame = gpd.GeoDataFrame({
        "pole_id": np.char.add("P-", np.arange(n).astype(str)),
        "height_m": rng.uniform(8, 15, n).round(1),
        "has_power": rng.random(n) < 0.9,
        "power_w": rng.uniform(0, 400, n).round(),
        "attachments": rng.choice(["", "cctv", "cctv,wifi", "signage"], n),
        "capacity": rng.integers(2, 6, n),
        "road_id": np.char.add("R-", rng.integers(0, 5000, n).astype(str)),
        "status": rng.choice(["active", "planned", "faulty"], n, p=[0.9, 0.07, 0.03]),
    }, geometry=shapely.points(xy), crs="EPSG:32649")
    pyogrio.write_dataframe(frame, path, layer="points", driver="GPKG")
    pyogrio.write_dataframe(frame, path, layer="lamp_poles", driver="GPKG")


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lamplight-bench-io-") as folder:
        path = Path(folder) / "poles.gpkg"
        start = time.perf_counter()
        write_poles(path, args.points)
        print(f"wrote {args.points:,} points x 8 fields to a GeoPackage in {time.perf_counter() - start:.2f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")
        rows = []
        for layer, kind in (("points", None), ("lamp_poles", "lamp_poles")):
            plain = best_of(lambda layer=layer: pyogrio.read_dataframe(path, layer=layer))
            arrow = best_of(lambda layer=layer: pyogrio.read_dataframe(path, layer=layer, use_arrow=True))
            ours = best_of(lambda layer=layer, kind=kind: open_layers(path, layer=layer, kind=kind))
            rows.append((layer, kind or "(none: detected)", ours, plain, arrow))
        (loaded,) = open_layers(path, layer="lamp_poles", kind="lamp_poles")
        assert len(loaded) == args.points and loaded.kind == "lamp_poles"
    print(f"\n{'layer':<12} {'kind':<18} {'open_layers':>12} {'pyogrio':>9} {'ratio':>6}   {'pyogrio+arrow':>13} "
          f"{'ratio':>6}   goal <= {GOAL_RATIO}x the plain read")
    for layer, kind, ours, plain, arrow in rows:
        verdict = "met" if ours / plain <= GOAL_RATIO else "NOT met"
        print(f"{layer:<12} {kind:<18} {ours:>11.2f}s {plain:>8.2f}s {ours / plain:>5.2f}x   {arrow:>12.2f}s "
              f"{ours / arrow:>5.2f}x   {verdict}")
    print("\n(open_layers reads through Arrow, as pyogrio+arrow does; the second ratio is the cost of validation.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
