"""Clip: keep the parts of a layer's features that fall inside the polygons of another layer."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import Algorithm, Context, Feedback, LayerParameter, OutputLayer, Parameter
from plugins.tools.common import GROUP, chunks, keep_family


class Clip(Algorithm):
    id = "tools.clip"
    name = QT_TRANSLATE_NOOP("Algorithm", "Clip")
    group = GROUP
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Cuts the input layer to the area covered by the polygons of the clip layer, e.g. the roads inside a "
        "district. Features cut by the boundary keep only their inside part; features fully outside are "
        "dropped. Attributes are kept."
    ))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("input", self.tr("Input layer")),
            LayerParameter("overlay", self.tr("Clip polygons"), geometry=("polygon",)),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", self.tr("Clipped features"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        overlay: VectorLayer = params["overlay"]
        if layer.crs != overlay.crs:
            overlay = overlay.to_crs(layer.crs)
        mask = shapely.union_all(overlay.gdf.geometry.to_numpy())
        shapely.prepare(mask)
        geometries = layer.gdf.geometry.to_numpy()
        family = layer.geometry_type
        clipped = geometries.copy()
        keep = np.zeros(len(geometries), dtype=bool)
        for part in chunks(len(geometries), feedback):
            window = geometries[part]
            keep[part] = shapely.intersects(mask, window)
            cut = keep[part] & ~shapely.contains_properly(mask, window)
            pieces = clipped[part]
            pieces[cut] = shapely.intersection(window[cut], mask)
            clipped[part] = pieces
        if family in ("point", "line", "polygon"):
            clipped = keep_family(clipped, family)
        keep &= ~shapely.is_empty(clipped)
        gdf = layer.gdf.loc[keep].copy()
        gdf[gdf.geometry.name] = gpd.GeoSeries(clipped[keep], index=gdf.index, crs=layer.crs)
        gdf = gdf.reset_index(drop=True)
        feedback.log(translate("Tools", "{inside} of {total} features lie (partly) inside the clip polygons").format(
            inside=int(keep.sum()), total=len(geometries)))
        return {"output": VectorLayer(gdf, translate("Tools", "{layer} clipped").format(layer=layer.name),
                                      kind=layer.kind), "features": int(keep.sum())}
