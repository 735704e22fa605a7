"""Convert from GCJ-02: points read off a Chinese commercial map (AutoNavi/Gaode, Tencent) moved onto WGS84.

Coordinates copied from those maps, or exported by their apps, are in GCJ-02 and lie several hundred metres off
survey data in WGS84 or CGCS2000. This moves each point back with ``layers.gcj02`` (the published formula, inverted by
iteration to well under a millimetre). The layer keeps its CRS and attributes; points outside China are unchanged.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from layers.gcj02 import gcj02_to_wgs84
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import Algorithm, Context, Feedback, LayerParameter, OutputLayer, Parameter, ParameterError
from plugins.tools.common import GROUP, chunks

WGS84 = pyproj.CRS.from_epsg(4326)
_GEOD = pyproj.Geod(ellps="WGS84")


class Gcj02ToWgs84(Algorithm):
    id = "tools.gcj02_to_wgs84"
    name = QT_TRANSLATE_NOOP("Algorithm", "Convert points from GCJ-02 to WGS84")
    group = GROUP
    description = QT_TRANSLATE_NOOP(
        "Algorithm",
        "Moves points whose coordinates come from a Chinese commercial map (AutoNavi/Gaode, Tencent), which "
        "uses the shifted GCJ-02 coordinates, onto WGS84/CGCS2000 so they sit on survey data. The shift is "
        "about 600 m in Guangzhou. Points outside China are left as they are.")

    def parameters(self) -> list[Parameter]:
        return [LayerParameter("input", translate("Gcj02ToWgs84", "Points in GCJ-02"), geometry=("point",),
                               reproject=False)]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", translate("Gcj02ToWgs84", "Points in WGS84"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        layer: VectorLayer = params["input"]
        gdf = layer.gdf
        if gdf.crs is None:
            raise ParameterError("input", translate(
                "Gcj02ToWgs84", "layer '{name}' has no coordinate system; set it to the one its GCJ-02 longitudes and "
                                "latitudes were read in (usually EPSG:4326)").format(name=layer.name))
        geometries = gdf.geometry.to_numpy()
        coords = shapely.get_coordinates(geometries)
        counts = shapely.get_num_coordinates(geometries)
        to_wgs = pyproj.Transformer.from_crs(gdf.crs, WGS84, always_xy=True)
        from_wgs = pyproj.Transformer.from_crs(WGS84, gdf.crs, always_xy=True)
        lon, lat = to_wgs.transform(coords[:, 0], coords[:, 1])
        out_lon, out_lat = np.empty_like(lon), np.empty_like(lat)
        for part in chunks(len(lon), feedback):
            out_lon[part], out_lat[part] = gcj02_to_wgs84(lon[part], lat[part])
        x, y = from_wgs.transform(out_lon, out_lat)
        moved = shapely.set_coordinates(geometries.copy(), np.column_stack([x, y])) if len(coords) else geometries
        result = gpd.GeoDataFrame(gdf.drop(columns=gdf.geometry.name), geometry=moved, crs=gdf.crs)
        shifts = _GEOD.inv(lon, lat, out_lon, out_lat)[2] if len(lon) else np.zeros(0)
        moved_count = int(np.count_nonzero(np.add.reduceat(shifts > 0, _starts(counts)))) if len(lon) else 0
        feedback.log(translate(
            "Gcj02ToWgs84", "{moved} of {total} features moved, by {low:.0f} to {high:.0f} m").format(
            moved=moved_count, total=len(gdf), low=float(shifts.min()) if len(shifts) else 0.0,
            high=float(shifts.max()) if len(shifts) else 0.0))
        name = translate("Gcj02ToWgs84", "{name} (WGS84)").format(name=layer.name)
        return {"output": VectorLayer(result.reset_index(drop=True), name), "features": len(result),
                "moved": moved_count, "largest_shift_m": round(float(shifts.max()), 1) if len(shifts) else 0.0}


def _starts(counts: np.ndarray) -> np.ndarray:
    """Index of each non-empty geometry's first coordinate (``reduceat`` needs increasing starts)."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return starts[counts > 0]
