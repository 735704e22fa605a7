"""Where a run leaves the models' validity, said in the log, and the load factor applied to the SINR.

TR 38.901 Table 7.4.1-1 fits UMi-Street Canyon to base stations at 10 m and UMa to 25 m, over 10 m < d2D < 5 km;
other heights enter the formulas only through d3D and the breakpoint, and longer links are extrapolation. A run
says so instead of passing silently. (Receiver heights below 1.5 m are refused by ``CoverageConfig``.)

Example::

    for note in validity_notes(cells, config):
        feedback.log(note)
    result = apply_load(result)      # SINR with the interferers at the profile's load factor
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from layers.i18n import translate
from plugins.coverage.config import MAX_MODEL_DISTANCE_M, NOMINAL_BS_HEIGHT_M, CoverageConfig
from plugins.coverage.engine import CoverageResult
from plugins.coverage.pathloss import MODEL_CODES
from plugins.coverage.transmitters import Transmitters

#: Antenna heights within this share of the model's nominal height pass without a note (10 m: 5-15 m).
HEIGHT_TOLERANCE = 0.5


def validity_notes(cells: Transmitters, config: CoverageConfig) -> list[str]:
    """Notes for links beyond 5 km and antenna heights far from the model's nominal one."""
    notes = []
    if config.max_radius_m > MAX_MODEL_DISTANCE_M and config.model != "free_space":
        notes.append(translate(
            "CoverageValidity", "the maximum radius {radius:,.0f} m goes beyond the 5 km for which the "
                                "TR 38.901 path-loss models were fitted; links longer than 5 km are "
                                "extrapolated").format(radius=config.max_radius_m))
    for name, nominal in NOMINAL_BS_HEIGHT_M.items():
        heights = cells.height_m[cells.model == MODEL_CODES[name]]
        low, high = nominal * (1 - HEIGHT_TOLERANCE), nominal * (1 + HEIGHT_TOLERANCE)
        outside = heights[(heights < low) | (heights > high)]
        if outside.size:
            notes.append(translate(
                "CoverageValidity", "{count:,} of {total:,} {model} cells have antennas at "
                                    "{lowest:g}-{highest:g} m, outside {low:g}-{high:g} m: the model "
                                    "assumes a base station at {nominal:g} m (TR 38.901 Table 7.4.1-1) "
                                    "and other heights change only d3D and the breakpoint distance, so "
                                    "read their loss as approximate").format(
                count=outside.size, total=heights.size, model=name.upper(), lowest=float(outside.min()),
                highest=float(outside.max()), low=low, high=high, nominal=nominal))
    return notes


def apply_load(result: CoverageResult) -> CoverageResult:
    """The SINR with interference scaled by ``config.load_factor``: S / (load·I + N), with I recovered from the
    full-load SINR as S/SINR − N. Full load returns the result unchanged."""
    load = result.config.load_factor
    if load == 1.0:
        return result
    signal = 10.0 ** (result.rsrp.astype(float) / 10.0)
    noise = 10.0 ** (result.config.noise_re_dbm / 10.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        interference = np.maximum(signal / 10.0 ** (result.sinr.astype(float) / 10.0) - noise, 0.0)
        sinr = 10.0 * np.log10(signal / (load * interference + noise))
    return replace(result, sinr=np.where(np.isfinite(result.sinr), sinr, np.nan).astype(np.float32))


__all__ = ["HEIGHT_TOLERANCE", "apply_load", "validity_notes"]
