"""A vector layer's geometry as flat NumPy arrays in the render CRS, prepared once and cached per layer version.

Multi-parts are exploded; each part, ring and point remembers the row position of its feature so per-feature
symbol classes, selection and labels index straight into these arrays. Polygons are oriented (exterior
counter-clockwise, holes clockwise) so that a winding fill of many polygons in one path keeps holes open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely

from layers.errors import LayerError
from layers.layer import VectorLayer

_POINT, _LINESTRING, _LINEARRING, _POLYGON = 0, 1, 2, 3


@dataclass
class Points:
    xs: np.ndarray
    ys: np.ndarray
    feature: np.ndarray


@dataclass
class Polylines:
    """Lines (or polygon rings) end to end: vertices ``offsets[i]:offsets[i+1]`` belong to line/ring ``i``."""

    xs: np.ndarray
    ys: np.ndarray
    offsets: np.ndarray
    feature: np.ndarray
    bounds: np.ndarray  # (n, 4) minx, miny, maxx, maxy per line/ring
    exterior: np.ndarray  # bool per ring (all True for lines)
    part: np.ndarray  # polygon part number per ring (holes share their exterior's), line number for lines


@dataclass
class PreparedGeometry:
    points: Points
    lines: Polylines
    rings: Polylines
    feature_geometries: np.ndarray  # shapely geometries in the render CRS, per feature (for labels)
    _anchors: np.ndarray | None = field(default=None, repr=False)
    _sizes: np.ndarray | None = field(default=None, repr=False)

    def label_anchors(self) -> np.ndarray:
        """(n, 3) per feature: label x, y and the line's direction (radians, NaN for points and polygons).

        The point itself, a point inside the polygon, or the middle of the longest piece of a line.
        """
        if self._anchors is None:
            geoms = self.feature_geometries
            anchors = np.full((len(geoms), 3), np.nan)
            valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            type_ids = shapely.get_type_id(geoms)
            lines = valid & np.isin(type_ids, (1, 2, 5))
            others = valid & ~lines
            if lines.any():
                longest = _longest_part(shapely.line_merge(geoms[lines]))
                middle = shapely.get_coordinates(shapely.line_interpolate_point(longest, 0.5, normalized=True))
                before = shapely.get_coordinates(shapely.line_interpolate_point(longest, 0.45, normalized=True))
                after = shapely.get_coordinates(shapely.line_interpolate_point(longest, 0.55, normalized=True))
                anchors[lines, :2] = middle
                anchors[lines, 2] = np.arctan2(after[:, 1] - before[:, 1], after[:, 0] - before[:, 0])
            if others.any():
                anchors[others, :2] = shapely.get_coordinates(shapely.point_on_surface(geoms[others]))
            self._anchors = anchors
        return self._anchors

    def feature_sizes(self) -> np.ndarray:
        """Area (polygons) or length (lines) per feature: bigger features get their labels placed first."""
        if self._sizes is None:
            geoms = self.feature_geometries
            self._sizes = np.nan_to_num(shapely.area(geoms)) + np.nan_to_num(shapely.length(geoms))
        return self._sizes


def _longest_part(geoms: np.ndarray) -> np.ndarray:
    """The longest single line of each (multi)line, so a label sits on a real piece of road."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    lengths = shapely.length(parts)
    order = np.lexsort((-lengths, index))
    first = np.unique(index[order], return_index=True)[1]
    return parts[order[first]]


def prepare(layer: VectorLayer, crs: pyproj.CRS | None) -> PreparedGeometry:
    """Explode, reproject to ``crs`` (when both CRSs are known and differ) and flatten ``layer``'s geometry."""
    geoms = np.asarray(layer.gdf.geometry.array, dtype=object)
    geoms = np.where(shapely.is_missing(geoms), shapely.from_wkt("GEOMETRYCOLLECTION EMPTY"), geoms)
    if crs is not None and layer.crs is not None and layer.crs != crs:
        transformer = pyproj.Transformer.from_crs(layer.crs, crs, always_xy=True)

        def reproject(coords: np.ndarray) -> np.ndarray:
            x, y = transformer.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        try:
            geoms = shapely.transform(geoms, reproject)
        except pyproj.exceptions.ProjError as exc:
            raise LayerError(layer.source, f"cannot reproject to {crs.to_string()} for drawing ({exc})",
                             layer=layer.name) from exc
    parts, feature = shapely.get_parts(geoms, return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, feature = parts[keep], feature[keep]
    type_ids = shapely.get_type_id(parts)
    return PreparedGeometry(
        points=_points(parts[type_ids == _POINT], feature[type_ids == _POINT]),
        lines=_lines(parts, feature, np.isin(type_ids, (_LINESTRING, _LINEARRING))),
        rings=_rings(parts[type_ids == _POLYGON], feature[type_ids == _POLYGON]),
        feature_geometries=geoms,
    )


def _points(parts: np.ndarray, feature: np.ndarray) -> Points:
    coords = shapely.get_coordinates(parts)
    return Points(coords[:, 0].copy(), coords[:, 1].copy(), feature.astype(np.int64))


def _lines(parts: np.ndarray, feature: np.ndarray, mask: np.ndarray) -> Polylines:
    lines = parts[mask]
    return _polylines(lines, feature[mask].astype(np.int64), np.ones(len(lines), bool), np.arange(len(lines)))


def _rings(polygons: np.ndarray, feature: np.ndarray) -> Polylines:
    polygons = shapely.orient_polygons(polygons)
    rings, polygon = shapely.get_rings(polygons, return_index=True)
    exterior = np.ones(len(rings), bool)
    exterior[1:] = polygon[1:] != polygon[:-1]
    return _polylines(rings, feature[polygon].astype(np.int64), exterior, polygon)


def _polylines(geoms: np.ndarray, feature: np.ndarray, exterior: np.ndarray, part: np.ndarray) -> Polylines:
    coords = shapely.get_coordinates(geoms)
    counts = shapely.get_num_coordinates(geoms)
    offsets = np.zeros(len(geoms) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    bounds = shapely.bounds(geoms) if len(geoms) else np.empty((0, 4))
    return Polylines(coords[:, 0].copy(), coords[:, 1].copy(), offsets, feature, bounds, exterior,
                     part.astype(np.int64))
