"""Lamplight's side of bench_fidelity.py: path loss and line of sight per transmitter on a reference's grid.

Coverage runs through the public plugin API (``run_algorithm("coverage.rsrp", ...)``, as the GUI and the command
line run it) with the default RF profile, an omni antenna and the reference's EIRP, extent and 5 m grid: once
with all transmitters (the timed run a planner makes) and once per transmitter (its RSRP raster is that
transmitter's link budget). Path loss = EIRP per resource element + antenna gain − RSRP: Lamplight has no
isotropic antenna, so the omni antenna's vertical pattern (TR 38.901 Table 7.3-1, 65°) is taken back out, which
leaves the propagation model alone, as the ray tracer's isotropic antennas do. Line of sight is Lamplight's own
decision (``plugins.coverage.los.trace`` over the building grid the algorithm burns, 2 m by default).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from layers.io import open_layers
from layers.layer import VectorLayer
from layers.rf_profile import RfProfile
from plugins.api import Context
from plugins.coverage import Obstruction
from plugins.coverage.antenna import relative_gain_db
from plugins.coverage.config import config_from_profile
from plugins.coverage.los import BLOCK, block_maxima, trace
from plugins.runner import run_algorithm

#: The EIRP both sides use (the default profile's micro cell: 38 dBm + 5 dBi). Path loss does not depend on it.
EIRP_DBM = 43.0
OBSTRUCTION_RES_M = 2.0


@dataclass(frozen=True)
class LamplightMaps:
    """Per transmitter, on the reference grid north-up: path loss (dB, NaN outside the radius), LOS flags, the
    indoor cells, the transmitters' distance to each cell, and the wall time of the all-transmitter run."""

    path_loss: np.ndarray
    los: np.ndarray
    indoor: np.ndarray
    distance: np.ndarray
    max_radius_m: float
    seconds: float


def _layers(folder: Path) -> tuple[VectorLayer, VectorLayer]:
    found = {layer.name: layer for layer in open_layers(folder / "buildings.gpkg")}
    return found["lamp_poles"], found["buildings"]


def _rsrp(poles: VectorLayer, buildings: VectorLayer, box: tuple[float, float, float, float], res: float,
          options: dict):
    """The coverage.rsrp run's RSRP raster (and the run's wall time), with ``options`` on top of the defaults."""
    params = {"transmitters": poles, "buildings": buildings, "eirp_dbm": EIRP_DBM, "antenna": "omni",
              "extent": box, "resolution": res, "obstruction_resolution": OBSTRUCTION_RES_M, **options}
    started = time.perf_counter()
    out = run_algorithm("coverage.rsrp", params, Context()).outputs
    return out["rsrp"], time.perf_counter() - started


def lamplight_maps(folder: Path, request: dict, options: dict | None = None) -> LamplightMaps:
    """Run Lamplight on a cached reference's buildings and transmitters, on its grid (algorithm ``options`` on
    top of the defaults, e.g. ``{"street_turns": True}``)."""
    poles, buildings = _layers(folder)
    res, cols, rows = float(request["res"]), int(request["cols"]), int(request["rows"])
    x0, y0 = float(request["x0"]), float(request["y0"]) + rows * res  # north-up: top-left corner
    box = (x0, y0 - rows * res, x0 + cols * res, y0)
    config = config_from_profile(RfProfile(), "micro", eirp_dbm=EIRP_DBM)
    txs = np.asarray(request["transmitters"], float)
    xs = x0 + (np.arange(cols) + 0.5) * res
    ys = y0 - (np.arange(rows) + 0.5) * res
    cx, cy = np.meshgrid(xs, ys)
    obstruction = Obstruction.from_buildings(buildings, OBSTRUCTION_RES_M)
    heights = np.ascontiguousarray(obstruction.heights, np.float32)
    blocks = block_maxima(heights)
    gain = np.vectorize(relative_gain_db, otypes=[float])
    path_loss = np.full((len(txs), rows, cols), np.nan)
    los = np.zeros((len(txs), rows, cols), bool)
    indoor = np.zeros((rows, cols), bool)
    distance = np.zeros((len(txs), rows, cols))
    for k, (tx, ty, th) in enumerate(txs):
        raster, _ = _rsrp(VectorLayer(poles.gdf.iloc[[k]], "pole", kind="lamp_poles"), buildings, box, res,
                          options or {})
        t = raster.transform
        if (t.a, t.e, t.c, t.f, raster.data.shape[1:]) != (res, -res, x0, y0, (rows, cols)):
            raise RuntimeError(f"coverage grid {t} {raster.data.shape} is not the reference grid")
        rsrp = np.where(raster.data[0] == raster.nodata, np.nan, raster.data[0].astype(float))
        d2d = np.hypot(cx - tx, cy - ty)
        g = gain(math.nan, 360.0, config.tilt_deg, config.vertical_beamwidth_deg, cx - tx, cy - ty, d2d,
                 th - config.rx_height_m)
        path_loss[k] = EIRP_DBM - config.re_offset_db + g - rsrp
        distance[k] = d2d
        for i in range(rows):
            for j in range(cols):
                seen, inside, _ = trace(heights, blocks, BLOCK, obstruction.x0, obstruction.y0, obstruction.res,
                                        tx, ty, th, cx[i, j], cy[i, j], config.rx_height_m)
                los[k, i, j] = seen
                indoor[i, j] = inside
    # timed last: the per-transmitter runs compiled the kernels
    _, seconds = _rsrp(poles, buildings, box, res, options or {})
    return LamplightMaps(path_loss, los, indoor, distance, config.max_radius_m, seconds)


__all__ = ["EIRP_DBM", "LamplightMaps", "lamplight_maps"]
