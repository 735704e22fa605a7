"""Buffer: grow (or, for polygons, shrink) every feature by a distance in metres."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import (
    Algorithm,
    BoolParameter,
    Context,
    DistanceParameter,
    Feedback,
    IntegerParameter,
    LayerParameter,
    OutputLayer,
    Parameter,
)
from plugins.tools.common import GROUP, back, map_chunks, to_metric


class Buffer(Algorithm):
    id = "tools.buffer"
    name = QT_TRANSLATE_NOOP("Algorithm", "Buffer")
    group = GROUP
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Draws a zone of the given distance around every feature, e.g. 150 m around each school to see "
        "which lamp poles are close to it. Attributes are kept. A negative distance shrinks polygons "
        "(features that vanish are dropped). With 'Dissolve', overlapping zones merge into one feature."
    ))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("input", self.tr("Input layer")),
            DistanceParameter("distance",
                              self.tr("Buffer distance"), default=100.0, minimum=-100_000.0, maximum=100_000.0),
            IntegerParameter("segments", self.tr("Segments per quarter circle"), default=8, minimum=1, maximum=64,
                             help=self.tr("More segments give rounder circles and bigger files.")),
            BoolParameter("dissolve", self.tr("Dissolve into one feature"), default=False),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", self.tr("Buffered features"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        distance, segments = params["distance"], params["segments"]
        gdf, original_crs = to_metric(layer.gdf)
        geometries = gdf.geometry.to_numpy()
        steps = feedback.step(0, 80 if params["dissolve"] else 100)
        buffered = map_chunks(geometries, lambda part: shapely.buffer(part, distance, quad_segs=segments), steps)
        result = gpd.GeoDataFrame(gdf.drop(columns=gdf.geometry.name), geometry=buffered, crs=gdf.crs)
        empty = shapely.is_empty(buffered) | shapely.is_missing(buffered)
        if empty.any():
            feedback.log(translate("Tools", "{count} feature(s) vanished with a {distance:g} m buffer and were "
                                            "dropped").format(count=int(empty.sum()), distance=distance))
            result = result[~empty]
        if params["dissolve"]:
            feedback.raise_if_cancelled()
            merged = shapely.union_all(result.geometry.to_numpy())
            result = gpd.GeoDataFrame({"features": [len(result)]}, geometry=[merged], crs=gdf.crs)
        feedback.set_progress(100)
        area = float(np.sum(shapely.area(result.geometry.to_numpy())))
        result = back(result.reset_index(drop=True), original_crs)
        name = translate("Tools", "{layer} buffer {distance:g} m").format(layer=layer.name, distance=distance)
        return {"output": VectorLayer(result, name), "features": len(result), "total_area_m2": round(area, 1)}
