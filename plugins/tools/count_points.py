"""Count points in polygons: how many lamp poles, offices or sites fall in each district or grid cell."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import Algorithm, Context, Feedback, FieldParameter, LayerParameter, OutputLayer, Parameter
from plugins.tools.common import GROUP, chunks


class CountPointsInPolygons(Algorithm):
    id = "tools.count_points"
    name = QT_TRANSLATE_NOOP("Algorithm", "Count points in polygons")
    group = GROUP
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Adds to each polygon the number of points inside it ('point_count'), and optionally the sum of a "
        "numeric field of those points ('<field>_sum', e.g. the office floor area in each grid cell). A point "
        "on the boundary counts as inside, so a point on a shared edge counts for both polygons."
    ))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("polygons", self.tr("Polygons"), geometry=("polygon",)),
            LayerParameter("points", self.tr("Points"), geometry=("point",)),
            FieldParameter("weight", self.tr("Field to sum"), parent="points", numeric=True, optional=True),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", self.tr("Polygons with counts"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        polygons: VectorLayer = params["polygons"]
        points: VectorLayer = params["points"]
        if points.crs != polygons.crs:
            points = points.to_crs(polygons.crs)
        areas = polygons.gdf.geometry.to_numpy()
        tree = shapely.STRtree(areas)  # the polygons are few; each point asks which of them holds it
        spots = points.gdf.geometry.to_numpy()
        weight = params["weight"]
        values = points.gdf[weight].to_numpy(dtype=float, na_value=np.nan) if weight else None
        counts = np.zeros(len(areas), dtype=np.int64)
        sums = np.zeros(len(areas))
        for part in chunks(len(spots), feedback, size=20_000):
            point_index, area_index = tree.query(spots[part], predicate="intersects")
            counts += np.bincount(area_index, minlength=len(areas))
            if values is not None:
                sums += np.bincount(area_index, weights=np.nan_to_num(values[part][point_index]),
                                    minlength=len(areas))
        gdf = polygons.gdf.copy()
        gdf["point_count"] = counts
        if values is not None:
            gdf[f"{weight}_sum"] = sums
            missing = int(np.isnan(values).sum())
            if missing:
                feedback.log(translate("Tools", "{count} point(s) have no '{field}' value and add nothing to the "
                                                "sums").format(count=missing, field=weight))
        inside = int(np.count_nonzero(counts))
        return {"output": VectorLayer(gdf, translate("Tools", "{polygons} with {points} counts").format(
            polygons=polygons.name, points=points.name), kind=polygons.kind),
                "polygons_with_points": inside, "points_counted": int(counts.sum())}
