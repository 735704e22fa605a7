"""Nearest neighbour distance: for each feature, the distance to (and id of) the closest feature of another layer.

Single points to single points use a KD-tree (scipy's cKDTree, O(log n) per query); every other combination
(multi-points included: a KD-tree over their coordinates would not map back to features) uses shapely's STRtree
nearest search with exact distances.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import (
    Algorithm,
    AlgorithmError,
    Context,
    DistanceParameter,
    Feedback,
    FieldParameter,
    LayerParameter,
    OutputLayer,
    Parameter,
)
from plugins.tools.common import GROUP, chunks, to_metric


class NearestDistance(Algorithm):
    id = "tools.nearest"
    name = QT_TRANSLATE_NOOP("Algorithm", "Distance to nearest feature")
    group = GROUP
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "For every input feature, finds the closest feature of the target layer and adds 'nearest_m' (the "
        "distance in metres) and the target's id field (as 'nearest_<field>'; the target's row number when "
        "no field is chosen). Example: each office listing to the nearest school or 5G site. Beyond the "
        "optional search radius the distance is left empty."
    ))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("input", self.tr("Input layer")),
            LayerParameter("target", self.tr("Target layer")),
            FieldParameter("target_field", self.tr("Target id field"), parent="target", optional=True),
            DistanceParameter("max_distance", self.tr("Search radius"), minimum=0, optional=True),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", self.tr("Features with nearest distance"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        target: VectorLayer = params["target"]
        if len(target) == 0 or target.gdf.geometry.is_empty.all():
            raise AlgorithmError(translate("Tools", "the target layer '{layer}' has no features to measure "
                                                    "to").format(layer=target.name))
        source_gdf, _ = to_metric(layer.gdf)  # distances in metres; the output keeps the input CRS
        target_gdf = target.gdf.to_crs(source_gdf.crs) if target.crs != source_gdf.crs else target.gdf
        sources = source_gdf.geometry.to_numpy()
        targets = target_gdf.geometry.to_numpy()
        radius = params["max_distance"]
        if _single_points(sources) and _single_points(targets):
            index, distance = _kdtree_nearest(sources, targets, radius, feedback)
        else:
            index, distance = _strtree_nearest(sources, targets, radius, feedback)
        gdf = layer.gdf.copy()
        gdf["nearest_m"] = distance
        field = params["target_field"]
        found = index >= 0
        if field:
            ids = target.gdf[field].reset_index(drop=True).reindex(index)
            gdf[f"nearest_{field}"] = ids.to_numpy()
        else:
            gdf["nearest_index"] = np.where(found, index, -1)
        feedback.log(translate("Tools", "{found} of {total} features have a target within reach").format(
            found=int(found.sum()), total=len(gdf)))
        summary: dict[str, float] = {"features": len(gdf), "with_target": int(found.sum())}
        if found.any():
            summary.update(mean_m=round(float(np.nanmean(distance)), 2), max_m=round(float(np.nanmax(distance)), 2))
        output = VectorLayer(gdf, translate("Tools", "{layer} nearest {target}").format(layer=layer.name,
                                                                                       target=target.name),
                             kind=layer.kind)
        return {"output": output, **summary}


def _present(geometries: np.ndarray) -> np.ndarray:
    return ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))


def _single_points(geometries: np.ndarray) -> bool:
    """Every present geometry is one Point, so its coordinate row is its feature (not so for multi-points)."""
    present = _present(geometries)
    return bool(np.all(shapely.get_type_id(geometries[present]) == shapely.GeometryType.POINT))


def _kdtree_nearest(sources: np.ndarray, targets: np.ndarray, radius: float | None,
                    feedback: Feedback) -> tuple[np.ndarray, np.ndarray]:
    from scipy.spatial import cKDTree  # here, not at module level: plugin discovery at start-up would pay ~0.2 s

    target_rows = np.flatnonzero(_present(targets))
    tree = cKDTree(shapely.get_coordinates(targets[target_rows]))
    index = np.full(len(sources), -1, dtype=np.int64)
    distance = np.full(len(sources), np.nan)
    present = _present(sources)
    bound = np.inf if radius is None else radius * (1 + 1e-12)
    for part in chunks(len(sources), feedback, size=20_000):
        rows = np.flatnonzero(present[part]) + part.start
        if len(rows) == 0:
            continue
        found_distance, found = tree.query(shapely.get_coordinates(sources[rows]), k=1, distance_upper_bound=bound)
        ok = np.isfinite(found_distance)
        index[rows[ok]] = target_rows[found[ok]]
        distance[rows[ok]] = found_distance[ok]
    return index, distance


def _strtree_nearest(sources: np.ndarray, targets: np.ndarray, radius: float | None,
                     feedback: Feedback) -> tuple[np.ndarray, np.ndarray]:
    tree = shapely.STRtree(targets)
    index = np.full(len(sources), -1, dtype=np.int64)
    distance = np.full(len(sources), np.nan)
    present = _present(sources)
    for part in chunks(len(sources), feedback, size=2_000):
        rows = np.flatnonzero(present[part]) + part.start
        if len(rows) == 0:
            continue
        pairs, found_distance = tree.query_nearest(sources[rows], max_distance=radius, return_distance=True,
                                                   all_matches=False)
        index[rows[pairs[0]]] = pairs[1]
        distance[rows[pairs[0]]] = found_distance
    return index, distance
