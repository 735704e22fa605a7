"""Which features lie under a click, a rectangle or a polygon drawn on the canvas.

Queries come in the project CRS and are transformed into each layer's own CRS, then answered by the layer's
spatial index (an STRtree, built once per GeoDataFrame by geopandas), so a click on 100k features is instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely
from PyQt6.QtCore import QCoreApplication

from layers import RasterLayer, VectorLayer


def to_layer_crs(geometry: shapely.Geometry, source_crs: pyproj.CRS | None, target_crs: pyproj.CRS | None):
    """``geometry`` moved from ``source_crs`` (usually the project's) into ``target_crs`` (usually the layer's)."""
    if source_crs is None or target_crs is None or source_crs == target_crs:
        return geometry
    transformer = pyproj.Transformer.from_crs(source_crs, target_crs, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def features_intersecting(layer: VectorLayer, geometry: shapely.Geometry,
                          project_crs: pyproj.CRS | None) -> np.ndarray:
    """Sorted row positions of the features of ``layer`` that intersect ``geometry`` (given in the project CRS)."""
    if len(layer.gdf) == 0:
        return np.empty(0, dtype=np.int64)
    query = to_layer_crs(geometry, project_crs, layer.crs)
    hits = layer.gdf.sindex.query(query, predicate="intersects")
    return np.unique(np.asarray(hits, dtype=np.int64))


def features_near(layer: VectorLayer, x: float, y: float, tolerance: float,
                  project_crs: pyproj.CRS | None) -> np.ndarray:
    """Row positions within ``tolerance`` (project map units) of (x, y), nearest first.

    A click on a point or a thin line never hits it exactly, so the click is a small disc; the nearest
    feature comes first so "click selects one" picks what the user aimed at.
    """
    disc = shapely.Point(x, y).buffer(tolerance, quad_segs=4)
    hits = features_intersecting(layer, disc, project_crs)
    if len(hits) <= 1:
        return hits
    centre = to_layer_crs(shapely.Point(x, y), project_crs, layer.crs)
    distances = shapely.distance(layer.gdf.geometry.values[hits], centre)
    return hits[np.argsort(distances, kind="stable")]


@dataclass(frozen=True)
class IdentifyResult:
    """One feature (or raster cell) under the cursor, with its attributes as display-ready pairs."""

    layer: Any
    position: int | None
    attributes: list[tuple[str, Any]]
    title: str


def identify_vector(layer: VectorLayer, x: float, y: float, tolerance: float,
                    project_crs: pyproj.CRS | None, limit: int = 50) -> list[IdentifyResult]:
    """Attributes of the features of ``layer`` under (x, y), nearest first, at most ``limit``."""
    results = []
    frame = layer.gdf
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for position in features_near(layer, x, y, tolerance, project_crs)[:limit]:
        row = frame.iloc[int(position)]
        attributes = [(column, row[column]) for column in columns]
        results.append(IdentifyResult(layer, int(position), attributes, _feature_title(layer, row, int(position))))
    return results


def _feature_title(layer: VectorLayer, row: Any, position: int) -> str:
    """A readable name for a feature: its id or name field when it has one, else its row number."""
    from layers.kinds import KINDS

    spec = KINDS.get(layer.kind or "")
    for field in ([spec.id_field] if spec and spec.id_field else []) + ["name", "id"]:
        if field in row.index and row[field] is not None and str(row[field]) not in ("", "nan", "None"):
            return str(row[field])
    return QCoreApplication.translate("FeatureQuery", "feature {number}").format(number=position + 1)


def identify_raster(layer: RasterLayer, x: float, y: float, project_crs: pyproj.CRS | None) -> list[IdentifyResult]:
    """The band values of the cell under (x, y), or nothing when the point is outside the raster."""
    point = to_layer_crs(shapely.Point(x, y), project_crs, layer.crs)
    col, row = ~layer.transform * (point.x, point.y)
    col, row = int(np.floor(col)), int(np.floor(row))
    if not (0 <= row < layer.height and 0 <= col < layer.width):
        return []
    attributes = []
    for band in range(1, layer.count + 1):
        value = layer.band(band)[row, col]
        shown = "no data" if value is np.ma.masked else value.item() if hasattr(value, "item") else value
        attributes.append((layer.band_names[band - 1], shown))
    unit = layer.metadata.get("unit")
    if unit:
        attributes.append(("unit", unit))
    attributes += _serving_cell(layer, layer.band(1)[row, col])
    attributes.append((QCoreApplication.translate("Identify", "cell (row, column)"), f"{row}, {col}"))
    return [IdentifyResult(layer, None, attributes, QCoreApplication.translate("Identify", "cell {row}, {col}")
                           .format(row=row, col=col))]


def _serving_cell(layer: RasterLayer, value: Any) -> list[tuple[str, Any]]:
    """For a best-server raster, the cell and site ids behind the index under the cursor."""
    cells, sites = layer.metadata.get("cell_ids"), layer.metadata.get("site_ids")
    if not isinstance(cells, list) or value is np.ma.masked:
        return []
    index = int(value)
    if not 0 <= index < len(cells):
        return []
    found = [(QCoreApplication.translate("Identify", "serving cell"), cells[index])]
    if isinstance(sites, list) and index < len(sites):
        found.append((QCoreApplication.translate("Identify", "serving site"), sites[index]))
    return found


def identify_layers(layers: list[Any], x: float, y: float, tolerance: float,
                    project_crs: pyproj.CRS | None) -> list[IdentifyResult]:
    """Everything under (x, y) in the given layers (pass them top first, as the user sees them)."""
    results: list[IdentifyResult] = []
    for layer in layers:
        if isinstance(layer, VectorLayer):
            results += identify_vector(layer, x, y, tolerance, project_crs)
        elif isinstance(layer, RasterLayer):
            results += identify_raster(layer, x, y, project_crs)
    return results


def result_geometries(results: list[IdentifyResult], project_crs: pyproj.CRS | None) -> list[shapely.Geometry]:
    """The geometries of identified features in the project CRS (raster cells have none)."""
    out = []
    for result in results:
        if result.position is None or not isinstance(result.layer, VectorLayer):
            continue
        geometry = result.layer.gdf.geometry.iloc[result.position]
        if geometry is None or geometry.is_empty:
            continue
        out.append(to_layer_crs(geometry, result.layer.crs, project_crs))
    return out
