"""Which candidate covers which demand point: straight-line radius (quick) or predicted RSRP (radio).

Radio mode asks the coverage plugin for the RSRP of every candidate-point pair within its maximum radius
(3GPP path loss with building line of sight, ``plugins.coverage.pairs.rsrp_at_points``) and keeps the
pairs at or above the threshold. Candidates are modelled as omni cells at their pole height.
Demand already served by existing sites uses the same rule: within the radius, or above the threshold
from any existing cell on the carrier.

Example::

    coverage = radius_coverage(candidates.xy, demand.xy, 150.0)   # plugins.siting.radius
    coverage = rf_relation(candidates, demand.xy, RfSettings(config, obstruction))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import VectorLayer
from plugins.api import Feedback
from plugins.coverage import CoverageConfig, Obstruction, Transmitters
from plugins.coverage.margin import pair_covered
from plugins.coverage.pairs import rsrp_at_points
from plugins.siting.candidates import Candidates
from plugins.siting.matrix import CoverageMatrix
from plugins.siting.radius import radius_coverage

#: Candidates per RSRP batch, so progress and cancel are polled between batches.
RF_BATCH = 200


@dataclass
class RfSettings:
    """Radio model of the coverage plugin, obstruction grid and worker threads."""

    config: CoverageConfig
    obstruction: Obstruction | None
    workers: int = 1
    #: The configuration of existing (macro) sites; None: ``config``.
    existing_config: CoverageConfig | None = None
    #: The RF profile the settings came from, as the run log states it.
    profile: str = ""


def rf_relation(candidates: Candidates, demand_xy: np.ndarray, rf: RfSettings,
                feedback: Feedback | None = None) -> CoverageMatrix:
    """Pairs whose predicted RSRP reaches ``rf.config.rsrp_threshold_dbm`` at the configuration's location
    probability (the shadow-fading margin of the link's LOS state, as the coverage analysis counts it)."""
    cells = Transmitters.from_arrays(candidates.xy[:, 0], candidates.xy[:, 1], candidates.height_m, rf.config,
                                     site_id=candidates.ids, crs=candidates.layer.crs)
    tx_parts, point_parts = [], []
    for start in range(0, len(cells), RF_BATCH):
        batch = np.arange(start, min(start + RF_BATCH, len(cells)))
        tx, pt, rsrp = rsrp_at_points(cells.subset(batch), demand_xy, rf.config, rf.obstruction,
                                      rf.config.max_radius_m, workers=rf.workers)
        keep = pair_covered(cells.subset(batch), tx, pt, demand_xy, rsrp, rf.config, rf.obstruction)
        tx_parts.append(batch[tx[keep]])
        point_parts.append(pt[keep])
        if feedback is not None:
            feedback.set_progress(100.0 * batch[-1] / max(len(cells), 1))
            feedback.raise_if_cancelled()
    tx_all = np.concatenate(tx_parts) if tx_parts else np.zeros(0, np.int64)
    pt_all = np.concatenate(point_parts) if point_parts else np.zeros(0, np.int64)
    return CoverageMatrix.from_pairs(tx_all, pt_all, len(candidates), demand_xy.shape[0])


def existing_coverage(sites: VectorLayer, demand_xy: np.ndarray, radius_m: float, *,
                      rf: RfSettings | None = None) -> tuple[np.ndarray, str]:
    """Mask of demand points already served by the existing sites, and a note on how it was decided.

    ``radius_m`` is the service radius (quick mode) or how far to look for RSRP above the threshold (radio).
    """
    geoms = sites.gdf.geometry.to_numpy()
    if rf is None:
        active = np.ones(len(sites.gdf), bool)
        if "status" in sites.gdf.columns:
            active = sites.gdf["status"].astype(str).str.strip().str.lower().ne("removed").to_numpy()
        xy = np.column_stack([shapely.get_x(geoms[active]), shapely.get_y(geoms[active])])
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        pairs = radius_coverage(xy, demand_xy, radius_m)
        covered = np.zeros(demand_xy.shape[0], bool)
        covered[pairs.indices] = True
        return covered, translate("ExistingSites", "existing sites '{name}' serve demand within {radius:g} m").format(
            name=sites.name, radius=radius_m)
    config = rf.existing_config or rf.config
    try:
        cells = Transmitters.from_layer(sites, config)
    except LayerError as exc:
        none = translate("ExistingSites", "no existing site counted: {problem}").format(problem=exc.problem)
        return np.zeros(demand_xy.shape[0], bool), none
    tx, pt, rsrp = rsrp_at_points(cells, demand_xy, config, rf.obstruction, float(radius_m), workers=rf.workers)
    covered = np.zeros(demand_xy.shape[0], bool)
    covered[pt[pair_covered(cells, tx, pt, demand_xy, rsrp, config, rf.obstruction)]] = True
    return covered, translate("ExistingSites", "existing sites '{name}' ({cells} cells on {mhz:g} MHz) serve "
                                               "demand at RSRP >= {threshold:g} dBm at {probability:g} % location "
                                               "probability").format(
        name=sites.name, cells=len(cells), mhz=config.frequency_mhz, threshold=config.rsrp_threshold_dbm,
        probability=100 * config.location_probability)


__all__ = ["RfSettings", "existing_coverage", "rf_relation"]
