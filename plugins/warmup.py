"""The algorithms' kernel groups (``plugins.compiled``): a tiny real run of each algorithm family compiles its
numba kernels with the argument types real runs use.

Example::

    from plugins.compiled import ensure
    ensure(group_of(algorithm), notify=feedback.log)
"""

from __future__ import annotations

import numpy as np
import shapely
from affine import Affine

from plugins.compiled import KernelGroup

#: A UTM CRS (metres), and the corner of the tiny scenes in it.
CRS, X0, Y0 = "EPSG:32649", 737_000.0, 2_558_000.0


def _poles(count: int, spacing: float):
    import geopandas as gpd

    from layers.layer import VectorLayer

    xy = np.column_stack([X0 + np.arange(count) * spacing, np.full(count, Y0 + 100.0)])
    frame = gpd.GeoDataFrame({"pole_id": [f"P{k}" for k in range(count)], "height_m": 10.0, "status": "active",
                              "has_power": True}, geometry=shapely.points(xy), crs=CRS)
    return VectorLayer(frame, "poles", kind="lamp_poles")


def _demand():
    import geopandas as gpd

    from layers.layer import VectorLayer

    rng = np.random.default_rng(0)
    xy = rng.uniform((X0, Y0), (X0 + 400.0, Y0 + 200.0), (60, 2))
    frame = gpd.GeoDataFrame({"residents": rng.integers(1, 50, 60).astype(float)}, geometry=shapely.points(xy),
                             crs=CRS)
    return VectorLayer(frame, "demand", kind="demand")


def _heights():
    from layers.layer import RasterLayer

    heights = np.zeros((100, 200), np.float32)
    heights[40:60, 50:90] = 25.0  # one building between the poles
    return RasterLayer(heights, Affine(2.0, 0.0, X0, 0.0, -2.0, Y0 + 200.0), CRS, name="heights")


def compile_coverage() -> None:
    """A coverage run over a 400 m x 200 m scene with a building: serving, interference, margins, outputs."""
    from plugins.coverage.algorithm import CoverageRsrp
    from plugins.runner import run_algorithm

    run_algorithm(CoverageRsrp(), {"transmitters": _poles(4, 100.0), "surface": _heights(), "resolution": 10.0,
                                   "demand": _demand(), "max_radius": 150.0, "interference_radius": 300.0})


def compile_siting() -> None:
    """The three siting models, exact and greedy, on 8 poles and 60 demand points (radius mode)."""
    from plugins.runner import run_algorithm
    from plugins.siting.algorithm import BudgetCovering, MaximalCovering, SetCovering

    common = {"candidates": _poles(8, 50.0), "demand": _demand(), "weight_field": "residents", "radius": 120.0,
              "phases": 1}
    for method in ("exact", "greedy"):
        run_algorithm(MaximalCovering(), {**common, "method": method, "sites": 3})
        run_algorithm(BudgetCovering(), {**common, "method": method})
        run_algorithm(SetCovering(), {**common, "method": method})
    # block search runs only on plans short of their bound, which this tiny scene's are not
    from plugins.siting.block_search import block_search
    from plugins.siting.matrix import CoverageMatrix

    chain = np.eye(4, 6, dtype=bool) | np.eye(4, 6, 1, dtype=bool)
    block_search(CoverageMatrix.from_dense(chain), np.ones(6), np.arange(2), sweeps=1, block_sites=4, starts=2)


COVERAGE = KernelGroup("coverage", ("plugins.coverage",), compile_coverage, seconds=12.0)
SITING = KernelGroup("siting", ("plugins.siting",), compile_siting, seconds=12.0)
GROUPS = (COVERAGE, SITING)


def group_of(algorithm: object) -> KernelGroup | None:
    """The kernel group of the package ``algorithm``'s class is defined in, None when it has none."""
    module = type(algorithm).__module__
    return next((group for group in GROUPS if module.startswith(tuple(f"{p}." for p in group.packages))), None)


__all__ = ["COVERAGE", "GROUPS", "SITING", "compile_coverage", "compile_siting", "group_of"]
