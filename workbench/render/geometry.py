"""A vector layer's geometry as flat NumPy arrays in the render CRS, prepared once and cached per layer version.

Multi-parts are exploded; each part, ring and point remembers the row position of its feature so per-feature
symbol classes, selection and labels index straight into these arrays. Polygons are oriented (exterior
counter-clockwise, holes clockwise) so that a winding fill of many polygons in one path keeps holes open.
Points and polygon parts get a spatial grid (built on first use) so that zoomed-in renders visit only what is
near the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely

from layers.errors import LayerError
from layers.layer import VectorLayer
from workbench.render.grid import SpatialGrid, build_grid

_POINT, _LINESTRING, _LINEARRING, _POLYGON = 0, 1, 2, 3


@dataclass
class Points:
    xs: np.ndarray
    ys: np.ndarray
    feature: np.ndarray
    _grid: SpatialGrid | None = field(default=None, repr=False)

    def grid(self) -> SpatialGrid:
        """The points filed by grid cell (built on first use, then kept with the prepared geometry)."""
        if self._grid is None:
            self._grid = build_grid(self.xs, self.ys, self.xs, self.ys)
        return self._grid


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
    _part_start: np.ndarray | None = field(default=None, repr=False)
    _grid: SpatialGrid | None = field(default=None, repr=False)
    _longest: int | None = field(default=None, repr=False)

    @property
    def longest(self) -> int:
        """Vertices of the longest line or ring (sizes scratch buffers)."""
        if self._longest is None:
            self._longest = int(np.diff(self.offsets).max()) if len(self.offsets) > 1 else 0
        return self._longest

    @property
    def part_start(self) -> np.ndarray:
        """Rings ``part_start[p]:part_start[p + 1]`` make part ``p`` (its exterior first, then its holes)."""
        if self._part_start is None:
            firsts = np.flatnonzero(self.exterior)
            self._part_start = np.append(firsts, len(self.exterior)).astype(np.int64)
        return self._part_start

    def part_grid(self) -> SpatialGrid:
        """The parts filed by grid cell by the bounds of their first ring (built on first use)."""
        if self._grid is None:
            b = self.bounds[self.part_start[:-1]]
            self._grid = build_grid(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
        return self._grid


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
    missing = shapely.is_missing(geoms)
    if missing.any():
        geoms = np.where(missing, shapely.from_wkt("GEOMETRYCOLLECTION EMPTY"), geoms)
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
    type_ids = shapely.get_type_id(geoms)
    if ((type_ids <= _POLYGON) | missing).all():  # single parts: exploding would copy every geometry for nothing
        parts, feature = geoms, np.arange(len(geoms), dtype=np.int64)
    else:
        parts, feature = shapely.get_parts(geoms, return_index=True)
        type_ids = shapely.get_type_id(parts)
    keep = ~shapely.is_empty(parts)
    if not keep.all():
        parts, feature, type_ids = parts[keep], feature[keep], type_ids[keep]
    return PreparedGeometry(
        points=_points(parts[type_ids == _POINT], feature[type_ids == _POINT]),
        lines=_lines(parts, feature, np.isin(type_ids, (_LINESTRING, _LINEARRING))),
        rings=_rings(parts[type_ids == _POLYGON], feature[type_ids == _POLYGON]),
        feature_geometries=geoms,
    )


def _points(parts: np.ndarray, feature: np.ndarray) -> Points:
    return Points(shapely.get_x(parts), shapely.get_y(parts), feature.astype(np.int64))


def _lines(parts: np.ndarray, feature: np.ndarray, mask: np.ndarray) -> Polylines:
    lines = parts[mask]
    return _polylines(lines, feature[mask].astype(np.int64), np.ones(len(lines), bool), np.arange(len(lines)))


def _rings(polygons: np.ndarray, feature: np.ndarray) -> Polylines:
    """The rings of the polygon parts, stored grid cell by grid cell: the parts near any view then lie together in
    memory, so a render reads them in order instead of jumping through all of them (their order does not matter
    to the fill, which accumulates)."""
    polygons = shapely.orient_polygons(polygons)
    b = shapely.bounds(polygons) if len(polygons) else np.empty((0, 4))
    grid = build_grid(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
    order = grid.by_cell
    polygons, feature = polygons[order], feature[order]
    rings, polygon = shapely.get_rings(polygons, return_index=True)
    exterior = np.ones(len(rings), bool)
    exterior[1:] = polygon[1:] != polygon[:-1]
    result = _polylines(rings, feature[polygon].astype(np.int64), exterior, polygon)
    result._grid = grid.renumbered()
    return result


def _polylines(geoms: np.ndarray, feature: np.ndarray, exterior: np.ndarray, part: np.ndarray) -> Polylines:
    coords = shapely.get_coordinates(geoms)
    counts = shapely.get_num_coordinates(geoms)
    offsets = np.zeros(len(geoms) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    bounds = shapely.bounds(geoms) if len(geoms) else np.empty((0, 4))
    return Polylines(coords[:, 0].copy(), coords[:, 1].copy(), offsets, feature, bounds, exterior,
                     part.astype(np.int64))
