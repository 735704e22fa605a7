"""Which cells interfere where: an interference radius from the link budget and the co-channel sets of a run.

A cell serves only within the serving radius (``max_radius_m``), but its signal reaches much farther: counting
interference only within 400 m left SINR 4.2 dB too high (median, up to 25 dB) against a 3 km run. Each cell
therefore interferes out to the distance at which even its line-of-sight, boresight signal has fallen to
``noise − 10 dB`` (one RE), capped at the 5 km of the 3GPP models and by a work limit (``FAR_WORK_RATIO``).
Links beyond the serving radius take the cheap path of ``kernel.tile_far_power`` (LOS walked once per block of
cells, see docs/coverage_model.md for its measured error).

Cells interfere only with cells of their own co-channel set: a sites layer with ``operator`` (and ``band_mhz``)
fields gives one set per operator and carrier; layers without them (lamp poles) are one set.

Example::

    plan = interference_plan(cells, config, grid, layer=sites_layer)
    result = compute_coverage(cells, config, obstruction, grid, interference=plan)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.i18n import translate
from layers.layer import VectorLayer
from plugins.coverage.budget import reach_counts
from plugins.coverage.config import MAX_MODEL_DISTANCE_M, CoverageConfig
from plugins.coverage.grid import Grid
from plugins.coverage.pathloss import loss_coefficients
from plugins.coverage.transmitters import Transmitters

#: A cell interferes while its strongest (LOS, boresight) signal is above noise minus this (dB).
BELOW_NOISE_DB = 10.0
#: The longest interference radius: the 3GPP models' largest distance (TR 38.901 Table 7.4.1-1).
MAX_INTERFERENCE_M = MAX_MODEL_DISTANCE_M
#: Cell-transmitter pairs the far ring may add (each costs a formula, and one LOS walk per block of cells).
MAX_FAR_LINKS = 2_000_000_000
#: A derived radius is also cut where the far ring would hold more than this many times the serving links: it
#: keeps a default run within a few times the serving pass (on the Tianhe sample the full LOS reach, 3.7 km, is
#: 24 times the serving links; 1.5 times the NLOS reach already agrees within 0.5 dB on 99.6 % of cells).
FAR_WORK_RATIO = 8.0
#: Edge (m) of the blocks of cells that share one LOS walk beyond the serving radius (10 m blocks gave the same
#: error on a 3 km street grid; on the sample at a 10 m grid 20 m blocks took 124 s where 10 m blocks took 220 s).
FAR_BLOCK_M = 20.0


@dataclass(frozen=True)
class Interference:
    """Per cell: its interference radius (m) and its co-channel set (0..sets-1); ``labels`` names the sets;
    ``step`` is the block edge in grid cells; ``capped_m`` is the work cap applied (None: none was needed)."""

    radius_m: np.ndarray
    channel: np.ndarray
    labels: tuple[str, ...]
    step: int
    capped_m: float | None = None

    @property
    def sets(self) -> int:
        return len(self.labels)


def interference_radius_m(cells: Transmitters, config: CoverageConfig) -> np.ndarray:
    """Per cell, where its line-of-sight boresight RSRP falls to ``noise − BELOW_NOISE_DB`` (at most
    ``MAX_INTERFERENCE_M``, at least the serving radius). LOS is the lower loss of the two states, so no link
    beyond this distance reaches the limit whatever the buildings."""
    limit = config.noise_re_dbm - BELOW_NOISE_DB
    distances = np.geomspace(1.0, MAX_INTERFERENCE_M, 20001)  # steps of 0.04 %: 0.007 dB at 40 dB/decade
    keys = np.column_stack([cells.model, cells.height_m, cells.eirp_dbm])
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    coefficients = loss_coefficients(unique[:, 0], unique[:, 1], config.rx_height_m, config.frequency_mhz / 1000.0)
    radius = np.empty(len(unique))
    for k, (_, height, eirp) in enumerate(unique):
        loss = _los_loss(coefficients[k], distances, height - config.rx_height_m)
        above = eirp - config.re_offset_db - loss >= limit
        radius[k] = distances[np.flatnonzero(above)[-1]] if above.any() else distances[0]
    return np.maximum(radius[inverse.ravel()], config.max_radius_m)


def _los_loss(c: np.ndarray, d2d: np.ndarray, dh: float) -> np.ndarray:
    """``pathloss.loss_from_coefficients`` in LOS, vectorised over distances."""
    d2 = np.maximum(d2d, c[0])
    log_d3 = np.log10(np.maximum(np.sqrt(d2 * d2 + dh * dh), 1.0))
    return np.where(d2 <= c[1], c[2] + c[3] * log_d3, c[4] + c[5] * log_d3)


def cochannel_sets(cells: Transmitters, layer: VectorLayer | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each cell's co-channel set from its site's ``operator`` and ``band_mhz`` fields (blank = unknown, one
    set); without those fields every cell is in one set."""
    if layer is None or not {"operator", "band_mhz"} & set(layer.gdf.columns):
        return np.zeros(len(cells), np.int64), (translate("CoverageInterference", "all cells"),)
    gdf = layer.gdf.iloc[cells.feature_index]
    operator = (gdf["operator"].astype(object).where(gdf["operator"].notna(), "").astype(str).str.strip()
                if "operator" in gdf.columns else pd.Series("", index=gdf.index))
    band = (pd.to_numeric(gdf["band_mhz"], errors="coerce") if "band_mhz" in gdf.columns
            else pd.Series(np.nan, index=gdf.index))
    keys = [f"{op or '?'} @ {b:g} MHz" if math.isfinite(b) else (op or "?")
            for op, b in zip(operator.to_numpy(), band.to_numpy(float), strict=True)]
    labels, channel = np.unique(np.asarray(keys, dtype=object), return_inverse=True)
    return channel.astype(np.int64), tuple(str(x) for x in labels)


def interference_plan(cells: Transmitters, config: CoverageConfig, grid: Grid, *, layer: VectorLayer | None = None,
                      radius_m: float | None = None, max_far_links: float = MAX_FAR_LINKS,
                      work_ratio: float = FAR_WORK_RATIO) -> Interference:
    """The interference radii (``radius_m`` given: that one for every cell) and co-channel sets of a run, the
    radii cut to a common cap when the far ring would exceed ``max_far_links`` or, for derived radii,
    ``work_ratio`` times the serving links."""
    radius = (interference_radius_m(cells, config) if radius_m is None
              else np.full(len(cells), max(float(radius_m), config.max_radius_m)))
    channel, labels = cochannel_sets(cells, layer)
    limit = float(max_far_links)
    if radius_m is None:
        serving = float(reach_counts(cells.x, cells.y, grid.bounds, grid.res, config.max_radius_m).sum())
        limit = min(limit, work_ratio * serving)
    capped = None
    if far_links(cells, grid, radius, config.max_radius_m) > limit:
        low, high = config.max_radius_m, float(radius.max())
        for _ in range(40):  # bisection on the cap: the far ring's links grow monotonically with it
            middle = 0.5 * (low + high)
            if far_links(cells, grid, np.minimum(radius, middle), config.max_radius_m) > limit:
                high = middle
            else:
                low = middle
        capped = low
        radius = np.minimum(radius, low)
    step = max(1, int(round(FAR_BLOCK_M / grid.res)))
    return Interference(radius, channel, labels, step, capped)


def far_links(cells: Transmitters, grid: Grid, radius: np.ndarray, serving_m: float) -> float:
    """Estimated links between the serving radius and each cell's interference radius."""
    outer = reach_counts(cells.x, cells.y, grid.bounds, grid.res, radius)  # broadcasts over per-cell radii
    inner = reach_counts(cells.x, cells.y, grid.bounds, grid.res, serving_m)
    return float(np.maximum(outer - inner, 0.0).sum())


def interference_notes(plan: Interference, config: CoverageConfig) -> list[str]:
    """What the log says about the interference: the radii, the sets and a work cap."""
    notes = [translate(
        "CoverageInterference", "interference counted out to {low:,.0f}-{high:,.0f} m per cell (where its "
                                "line-of-sight signal falls {below:g} dB below the noise), serving within "
                                "{serving:,.0f} m; {sets} co-channel set(s): {labels}").format(
        low=float(plan.radius_m.min()), high=float(plan.radius_m.max()), below=BELOW_NOISE_DB,
        serving=config.max_radius_m, sets=plan.sets, labels=", ".join(plan.labels[:6]))]
    if plan.capped_m is not None:
        notes.append(translate(
            "CoverageInterference", "the interference radius was cut to {cap:,.0f} m to keep the work within "
                                    "a few times the serving pass; cells farther away are left out of the "
                                    "SINR, which may read slightly optimistic; set interference_radius for a "
                                    "longer one").format(cap=plan.capped_m))
    return notes


__all__ = ["BELOW_NOISE_DB", "FAR_BLOCK_M", "FAR_WORK_RATIO", "Interference", "MAX_FAR_LINKS", "MAX_INTERFERENCE_M",
           "cochannel_sets", "far_links", "interference_notes", "interference_plan", "interference_radius_m"]
