"""A small city for siting through the window: 20 lamp poles on a 200 m grid and 300 residents' points, in UTM
49N near the GUI tests' origin, with a brute-force MCLP to check plans against."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import shapely

from layers import VectorLayer
from layers.kinds import validate

from .conftest import ORIGIN

RADIUS = 150.0


def city_layers(seed: int = 7) -> tuple[VectorLayer, VectorLayer]:
    x0, y0 = ORIGIN
    xs, ys = np.meshgrid(x0 + np.arange(5) * 200.0, y0 + np.arange(4) * 200.0)
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i:02d}" for i in range(20)], "height_m": 10.0, "status": "active"},
                             geometry=shapely.points(xs.ravel(), ys.ravel()), crs=32649)
    poles, _ = validate(poles, "lamp_poles")
    rng = np.random.default_rng(seed)
    people = rng.uniform(-100, 900, (300, 2)) + np.array(ORIGIN)
    demand = gpd.GeoDataFrame({"residents": rng.integers(1, 50, 300).astype(float), "workers": 0.0},
                              geometry=shapely.points(people), crs=32649)
    return VectorLayer(poles, "city_poles", kind="lamp_poles"), VectorLayer(demand, "city_demand", kind="demand")


def brute_force_mclp(poles: VectorLayer, demand: VectorLayer, k: int, locked=(), excluded=()) -> float:
    """The most residents k poles cover within RADIUS, keeping ``locked`` and never using ``excluded``."""
    pole_xy = shapely.get_coordinates(poles.gdf.geometry.to_numpy())
    people_xy = shapely.get_coordinates(demand.gdf.geometry.to_numpy())
    weight = demand.gdf["residents"].to_numpy()
    covers = np.linalg.norm(pole_xy[:, None] - people_xy[None], axis=2) <= RADIUS
    ids = poles.gdf["pole_id"].tolist()
    fixed = [ids.index(i) for i in locked]
    free = [j for j, i in enumerate(ids) if i not in locked and i not in excluded]
    return max(weight[covers[fixed + list(extra)].any(axis=0)].sum()
               for extra in itertools.combinations(free, k - len(fixed)))


def mclp_dialog(window, sites: int):
    """The MCLP dialog opened from the Processing controller, set on the city (radius mode, exact)."""
    dialog = window.processing.controller.open_dialog("siting.mclp")
    dialog.widgets["candidates"].set_value("city_poles")
    dialog.widgets["demand"].set_value("city_demand")
    dialog.widgets["sites"].set_value(sites)
    dialog.widgets["radius"].set_value(RADIUS)
    dialog.widgets["method"].set_value("exact")
    return dialog


def run_dialog(qtbot, dialog) -> dict:
    with qtbot.waitSignal(dialog.run_finished, timeout=120_000) as finished:
        dialog.start()
    return finished.args[0]
