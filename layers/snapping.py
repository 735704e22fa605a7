"""Snap a new or moved pole onto the nearest road line, within a tolerance in metres.

Poles stand along streets: a click a few metres off the kerb line should land on the road the planner meant, so
``road_id`` can be filled and coverage along the street is right. A ``RoadSnapper`` indexes a roads layer once
(shapely STRtree) in a metric CRS — the layer's own when projected, else the UTM zone of its centre — and answers
each query with the nearest point on the nearest road, or the point unchanged when no road is within tolerance.

Example::

    snapper = RoadSnapper(roads)
    snapped = snapper.snap(shapely.Point(x, y), crs=project.crs, tolerance_m=15)
    if snapped.road is not None: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely

from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import VectorLayer, to_crs_object

#: Default snapping distance: about a road's half-width plus the pavement, where poles stand.
DEFAULT_TOLERANCE_M = 15.0


@dataclass(frozen=True)
class Snapped:
    """The snapped point (in the query's CRS), the road's row position (None: nothing within tolerance) and how
    far the point moved in metres."""

    point: shapely.Point
    road: int | None
    distance_m: float


def _metric_crs(layer: VectorLayer) -> pyproj.CRS:
    crs = layer.crs
    if crs is not None and crs.is_projected and crs.axis_info and crs.axis_info[0].unit_name in ("metre", "meter"):
        return crs
    minx, miny, maxx, maxy = layer.extent
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    if crs is not None and not crs.is_geographic:
        lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(lon, lat)
    zone = int((lon + 180) // 6) + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


class RoadSnapper:
    """Nearest-road queries against one roads layer, as it was when the snapper was made (see ``is_current``)."""

    def __init__(self, roads: VectorLayer) -> None:
        if roads.crs is None:
            raise LayerError(roads.source, translate("RoadSnapper", "has no coordinate reference system, so distances "
                                                                    "in metres cannot be measured"), layer=roads.name)
        self.roads = roads
        self.version = roads.data_version
        self.metric = _metric_crs(roads)
        lines = roads.gdf.geometry if roads.crs == self.metric else roads.gdf.geometry.to_crs(self.metric)
        self.lines = np.asarray(lines.values, dtype=object)
        self.tree = shapely.STRtree(self.lines)
        self._transformers: dict[str, tuple[pyproj.Transformer, pyproj.Transformer]] = {}

    def is_current(self) -> bool:
        """False once the roads layer was edited: make a new snapper."""
        return self.version == self.roads.data_version

    def _to_metric(self, crs: pyproj.CRS) -> tuple[pyproj.Transformer, pyproj.Transformer] | None:
        if crs == self.metric:
            return None
        key = crs.to_wkt()
        if key not in self._transformers:
            self._transformers[key] = (pyproj.Transformer.from_crs(crs, self.metric, always_xy=True),
                                       pyproj.Transformer.from_crs(self.metric, crs, always_xy=True))
        return self._transformers[key]

    def snap(self, point: shapely.Point, *, crs: Any, tolerance_m: float = DEFAULT_TOLERANCE_M) -> Snapped:
        """``point`` (in ``crs``) moved onto the nearest road within ``tolerance_m`` metres, else unchanged."""
        if tolerance_m < 0:
            raise ValueError(f"snapping tolerance must be 0 m or more, got {tolerance_m}")
        crs = to_crs_object(crs) or self.roads.crs
        transformers = self._to_metric(crs)
        x, y = point.x, point.y
        if transformers is not None:
            x, y = transformers[0].transform(x, y)
        query = shapely.Point(x, y)
        found, distances = self.tree.query_nearest(query, max_distance=tolerance_m, return_distance=True)
        if len(found) == 0:
            return Snapped(point, None, 0.0)
        nearest = int(found[np.argmin(distances)])  # ties: query_nearest returns them all; any is as near
        line = self.lines[nearest]
        on_line = line.interpolate(line.project(query))
        sx, sy = on_line.x, on_line.y
        if transformers is not None:
            sx, sy = transformers[1].transform(sx, sy)
        return Snapped(shapely.Point(sx, sy), nearest, float(np.min(distances)))


__all__ = ["DEFAULT_TOLERANCE_M", "RoadSnapper", "Snapped"]
