"""How far to trust a coverage map: the figures and plain-language notes a run reports beside its shares.

Three things surprise RF engineers reading a coverage run, so the run states them instead of leaving them to be
found in the rasters:

- **SINR at full load.** Every cell on the carrier is taken to transmit on every resource element. With many
  co-channel omni cells (all 3,101 lamp poles of the sample) the best server is rarely more than a few dB above the
  sum of its neighbours, so the median SINR is below 0 dB. That is the model working, not a fault: it is the
  worst case of a fully loaded, fully built network, not the SINR of a rollout of a few sites.
- **The maximum radius ends the map.** Cells farther than ``max_radius_m`` from every transmitter get no value and
  count as not covered. When the signal at that distance is still above the threshold, the covered area and the
  interference are cut by the radius, not by the link budget.
- **Buildings only where the data is.** Outside the buildings layer's or height raster's extent the ground is
  open, so every link there is line of sight: a grid larger than the obstruction data reads optimistic at its rim.

Example::

    figures, notes = diagnose(result, obstruction_bounds=height_raster.extent)
    figures["sinr_median_db"], figures["radius_edge_covered_pct"]
"""

from __future__ import annotations

import numpy as np

from layers.i18n import translate
from plugins.coverage.engine import CoverageResult
from plugins.coverage.outputs import covered_mask

#: Warn about the radius when at least this share of the cells at the edge of reach is still covered.
RADIUS_EDGE_WARNING_PCT = 5.0
#: Warn about missing building data when the obstruction grid covers less than this share of the output grid.
OBSTRUCTION_COVER_WARNING_PCT = 99.0


def sinr_figures(result: CoverageResult) -> dict[str, float]:
    """Median SINR (dB), the share (%) of the served area below 0 dB and the share at or above the profile's SINR
    threshold; empty when no cell is served."""
    served = result.server >= 0
    values = result.sinr[served & np.isfinite(result.sinr)].astype(float)
    if values.size == 0:
        return {}
    return {"sinr_median_db": round(float(np.median(values)), 2),
            "sinr_below_0db_pct": round(100.0 * float(np.mean(values < 0.0)), 2),
            "sinr_above_threshold_pct": round(100.0 * float(np.mean(values >= result.config.sinr_threshold_db)), 2)}


def edge_ring_m(result: CoverageResult) -> float:
    """Width of the ring just inside the maximum radius whose cells tell whether the radius cuts coverage."""
    return max(2.0 * result.grid.res, 0.02 * result.config.max_radius_m)


def radius_edge_figures(result: CoverageResult) -> dict[str, float]:
    """Of the cells whose best server lies within one ring width of the maximum radius, the share (%) still at or
    above the threshold and their best RSRP (dBm); empty when no cell lies there (an extent inside the radius)."""
    rows, cols = np.nonzero(result.server >= 0)
    if rows.size == 0:
        return {}
    xs, ys = result.grid.centres()
    cells = result.transmitters
    servers = result.server[rows, cols]
    distance = np.hypot(xs[cols] - cells.x[servers], ys[rows] - cells.y[servers])
    edge = distance >= result.config.max_radius_m - edge_ring_m(result)
    if not edge.any():
        return {}
    covered = covered_mask(result)[rows[edge], cols[edge]]
    return {"radius_edge_covered_pct": round(100.0 * float(covered.mean()), 2),
            "radius_edge_best_rsrp_dbm": round(float(result.rsrp[rows[edge], cols[edge]].max()), 2)}


def obstruction_cover_pct(result: CoverageResult, bounds: tuple[float, float, float, float]) -> float:
    """Share (%) of the output grid's area inside ``bounds``, the extent of the building data."""
    gx0, gy0, gx1, gy1 = result.grid.bounds
    ox0, oy0, ox1, oy1 = (float(v) for v in bounds)
    overlap = max(0.0, min(gx1, ox1) - max(gx0, ox0)) * max(0.0, min(gy1, oy1) - max(gy0, oy0))
    return round(100.0 * overlap / ((gx1 - gx0) * (gy1 - gy0)), 2)


def diagnose(result: CoverageResult, *, obstruction_bounds: tuple[float, float, float, float] | None = None
             ) -> tuple[dict[str, float], list[str]]:
    """The figures for the run summary and the notes for the run log; ``obstruction_bounds`` is the extent of
    the buildings layer or height raster (None when the run has no building data)."""
    config = result.config
    notes = []
    figures: dict[str, float] = {}
    if obstruction_bounds is not None:
        cover = obstruction_cover_pct(result, obstruction_bounds)
        figures["obstruction_cover_pct"] = cover
        if cover < OBSTRUCTION_COVER_WARNING_PCT:
            notes.append(translate("CoverageDiagnostics", "the building heights cover only {cover:.0f} % of the "
                                                          "output grid: outside them the ground is taken as open and "
                                                          "every link as line of sight, so the rim of the map reads "
                                                          "optimistic; give building data for the whole extent or a "
                                                          "smaller extent").format(cover=cover))
    sinr = sinr_figures(result)
    plan = result.interference
    alone = len(result.transmitters) == 1 or (plan is not None and int(np.bincount(plan.channel).max()) == 1)
    reach = f"{float(plan.radius_m.max()):,.0f}" if plan is not None else f"{config.max_radius_m:g}"
    if sinr and alone:
        what = translate("CoverageDiagnostics", "a single cell") if len(result.transmitters) == 1 else \
            translate("CoverageDiagnostics", "cells alone in their co-channel sets")
        notes.append(translate("CoverageDiagnostics", "SINR of {what}: nothing interferes, so the SINR is the "
                                                      "signal-to-noise ratio; median {median:.1f} dB, {below:.0f} % "
                                                      "of the served area below 0 dB (noise-limited)").format(
            what=what, median=sinr["sinr_median_db"], below=sinr["sinr_below_0db_pct"]))
    elif sinr:
        load = (translate("CoverageDiagnostics", "at {load:g} % load").format(load=100 * config.load_factor)
                if config.load_factor < 1.0 else
                translate("CoverageDiagnostics", "at full load: every other cell on the carrier transmits on every "
                                                 "resource element"))
        note = translate("CoverageDiagnostics", "SINR {load} ({cells:,} cells on the {frequency:g} MHz carrier, "
                                                "interfering within {reach} m); median {median:.1f} dB, {below:.0f} % "
                                                "of the served area below 0 dB").format(
            load=load, cells=len(result.transmitters), frequency=config.frequency_mhz, reach=reach,
            median=sinr["sinr_median_db"], below=sinr["sinr_below_0db_pct"])
        if sinr["sinr_median_db"] < 0.0:
            note += translate("CoverageDiagnostics", ". This is the worst case of every cell built and fully loaded: "
                                                     "with many co-channel cells overlapping, interference dominates. "
                                                     "For the SINR of a rollout, run the coverage of the selected "
                                                     "sites only")
        notes.append(note)
    if result.far_stronger is not None and sinr:
        stronger = round(100.0 * float(result.far_stronger[result.server >= 0].mean()), 2)
        figures["stronger_beyond_radius_pct"] = stronger
        if stronger > 0:
            notes.append(translate("CoverageDiagnostics", "in {share:g} % of the served cells a cell beyond the "
                                                          "{radius:g} m maximum radius is received stronger than "
                                                          "the best server: it counts as interference there; raise "
                                                          "max_radius to let it serve").format(
                share=stronger, radius=config.max_radius_m))
    edge = radius_edge_figures(result)
    if edge and edge["radius_edge_covered_pct"] >= RADIUS_EDGE_WARNING_PCT:
        left_out = translate("CoverageDiagnostics", "the area covered beyond it is left out") \
            if result.interference is not None else \
            translate("CoverageDiagnostics", "the area covered and the interference beyond it are left out")
        notes.append(translate("CoverageDiagnostics", "the {radius:g} m maximum radius cuts the map: {share:.0f} % of "
                                                      "the cells at the edge of reach still have RSRP >= "
                                                      "{threshold:g} dBm (up to {best:.1f} dBm), so {left_out}; "
                                                      "raise max_radius for a complete map").format(
            radius=config.max_radius_m, share=edge["radius_edge_covered_pct"], threshold=config.rsrp_threshold_dbm,
            best=edge["radius_edge_best_rsrp_dbm"], left_out=left_out))
    return {**figures, **sinr, **edge}, notes


__all__ = ["OBSTRUCTION_COVER_WARNING_PCT", "RADIUS_EDGE_WARNING_PCT", "diagnose", "edge_ring_m",
           "obstruction_cover_pct", "radius_edge_figures", "sinr_figures"]
