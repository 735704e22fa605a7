"""Helpers the general tools share: chunked loops that report progress and honour Cancel, metric CRS."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from layers.i18n import QT_TRANSLATE_NOOP
from plugins.api import Feedback
from plugins.metric import metric_frame

#: Features per chunk: small enough that one chunk of any tool takes well under 0.2 s.
CHUNK = 5_000

GROUP = QT_TRANSLATE_NOOP("Algorithm", "Vector tools")


def chunks(count: int, feedback: Feedback, size: int = CHUNK) -> Iterator[slice]:
    """Slices over ``count`` items; checks Cancel before each and reports progress after each."""
    for start in range(0, count, size):
        feedback.raise_if_cancelled()
        yield slice(start, min(count, start + size))
        feedback.set_progress(100.0 * min(count, start + size) / count)
    feedback.raise_if_cancelled()


def map_chunks(values: np.ndarray, function: Callable[[np.ndarray], np.ndarray], feedback: Feedback) -> np.ndarray:
    """``function`` applied chunk by chunk to an array of geometries (shapely's vectorised functions), with
    progress."""
    out = np.empty(len(values), dtype=object)
    for part in chunks(len(values), feedback):
        out[part] = function(values[part])
    return out


def to_metric(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pyproj.CRS | None]:
    """``gdf`` in a CRS with true metres near its data (``plugins.metric``) and the CRS to go back to."""
    return metric_frame(gdf)


def back(gdf: gpd.GeoDataFrame, original: pyproj.CRS | None) -> gpd.GeoDataFrame:
    return gdf if original is None else gdf.to_crs(original)


def keep_family(geometries: np.ndarray, family: str) -> np.ndarray:
    """Drop the lower-dimension debris (points/lines where polygons touch) that intersections produce."""
    dimension = {"point": 0, "line": 1, "polygon": 2}[family]
    out = geometries.copy()
    collections = np.flatnonzero(shapely.get_type_id(out) == 7)
    for i in collections:
        parts = [p for p in shapely.get_parts(out[i]) if shapely.get_dimensions(p) == dimension]
        out[i] = shapely.union_all(parts) if parts else shapely.from_wkt("GEOMETRYCOLLECTION EMPTY")
    wrong = ~shapely.is_empty(out) & (shapely.get_dimensions(out) != dimension)
    out[wrong] = shapely.from_wkt("GEOMETRYCOLLECTION EMPTY")
    return out
