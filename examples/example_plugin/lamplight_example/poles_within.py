"""Count the lamp poles within a distance of each feature (e.g. how many poles could serve each school)."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from layers import VectorLayer
from plugins.api import (
    Algorithm,
    AlgorithmError,
    BoolParameter,
    Context,
    DistanceParameter,
    Feedback,
    LayerParameter,
    OutputLayer,
)


class PolesWithinReach(Algorithm):
    id = "example.poles_within"
    name = "Lamp poles within reach"
    group = "Examples"
    description = (
        "Adds to each feature the number of lamp poles within the given distance ('poles_within'), e.g. "
        "how many poles could host a small cell for each school. Distances are in metres."
    )
    version = "1.0"

    def parameters(self) -> list:
        return [
            LayerParameter("features", "Features (schools, offices, ...)"),
            LayerParameter("poles", "Lamp poles", kinds=("lamp_poles",), geometry=("point",)),
            DistanceParameter("distance", "Reach", default=200.0, minimum=0.0, maximum=5000.0),
            BoolParameter("powered_only", "Only poles with power", default=False),
        ]

    def outputs(self) -> list:
        return [OutputLayer("output", "Features with pole counts")]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        features, poles = params["features"], params["poles"]  # both already in context.crs
        if context.crs is not None and not context.crs.is_projected:
            raise AlgorithmError("distances need a projected CRS in metres; set one for the project")
        pole_gdf = poles.gdf[poles.gdf["has_power"]] if params["powered_only"] else poles.gdf
        tree = shapely.STRtree(pole_gdf.geometry.to_numpy())
        geometries = features.gdf.geometry.to_numpy()
        counts = np.zeros(len(geometries), dtype=np.int64)
        chunk = 1000
        for start in range(0, len(geometries), chunk):
            feedback.raise_if_cancelled()  # poll between chunks so Cancel answers quickly
            part = geometries[start:start + chunk]
            hits, _ = tree.query(part, predicate="dwithin", distance=params["distance"])
            counts[start:start + chunk] = np.bincount(hits, minlength=len(part))
            feedback.set_progress(100.0 * min(len(geometries), start + chunk) / max(1, len(geometries)))
        gdf = features.gdf.copy()
        gdf["poles_within"] = counts
        feedback.log(f"{int((counts == 0).sum())} feature(s) have no pole within {params['distance']:g} m")
        layer = VectorLayer(gdf, f"{features.name}: poles within {params['distance']:g} m", kind=features.kind)
        return {"output": layer, "without_poles": int((counts == 0).sum())}
