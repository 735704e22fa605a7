"""A vector layer's geometry as flat NumPy arrays in the render CRS, prepared once and cached per layer version.

Multi-parts are exploded; each part, ring and point remembers the row position of its feature so per-feature
symbol classes, selection and labels index straight into these arrays. Polygons are oriented (exterior
counter-clockwise, holes clockwise) so that a winding fill of many polygons in one path keeps holes open.
Points and polygon parts get a spatial grid so that zoomed-in renders visit only what is near the view.

A first render need not prepare the whole layer: ``prepare(layer, crs, region)`` flattens only the lines and
polygons that may touch ``region`` (every point is kept: their coordinates are two cheap array reads), and the
renderer prepares the rest in the background. Polygon parts are stored in the order of a grid built over all of
them, so a region's parts are visited in the same order as in the whole layer and the images are identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely

from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import VectorLayer
from workbench.render.grid import SpatialGrid, build_grid
from workbench.render.kernel import kernel

_POINT, _LINESTRING, _LINEARRING, _POLYGON = 0, 1, 2, 3


@dataclass
class Points:
    xs: np.ndarray
    ys: np.ndarray
    #: The row of each point's feature (int64); None when point ``i`` is row ``i`` (a layer of single points, whose
    #: million rows would otherwise cost 8 MB for 0, 1, 2, ...). ``rows()`` gives them either way.
    feature: np.ndarray | None
    _grid: SpatialGrid | None = field(default=None, repr=False)

    def rows(self) -> np.ndarray:
        """The row of each point's feature (made on demand when ``feature`` is None)."""
        return np.arange(len(self.xs), dtype=np.int64) if self.feature is None else self.feature

    def grid(self) -> SpatialGrid:
        """The points filed by grid cell (built on first use, then kept with the prepared geometry)."""
        if self._grid is None:
            self._grid = build_grid(self.xs, self.ys, self.xs, self.ys)
        return self._grid

    def built_grid(self) -> SpatialGrid | None:
        """The grid if it is built already: a render never waits for it (a pass over every point costs a few
        milliseconds per million; the renderer builds the grid in the background)."""
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
    #: The layer has lines but neither points nor polygons (known for the whole layer, also when partly prepared).
    only_lines: bool = False
    #: (minx, miny, maxx, maxy): only the lines and polygons that may touch it are here; None: all of them.
    region: tuple[float, float, float, float] | None = None
    _anchors: np.ndarray | None = field(default=None, repr=False)
    _sizes: np.ndarray | None = field(default=None, repr=False)

    def covers(self, extent: tuple[float, float, float, float]) -> bool:
        """Whether every line and polygon that may touch ``extent`` is prepared here."""
        if self.region is None:
            return True
        minx, miny, maxx, maxy = self.region
        return minx <= extent[0] and miny <= extent[1] and extent[2] <= maxx and extent[3] <= maxy

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


def prepare(layer: VectorLayer, crs: pyproj.CRS | None,
            region: tuple[float, float, float, float] | None = None) -> PreparedGeometry:
    """Explode, reproject to ``crs`` (when both CRSs are known and differ) and flatten ``layer``'s geometry.

    With ``region`` (in ``crs``), only the lines and polygon parts that may touch it are flattened, unless they
    are most of the layer (then all are, and the result's ``region`` is None)."""
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
            raise LayerError(layer.source, translate("RenderError", "cannot reproject to {crs} for drawing "
                                                                    "({problem})").format(crs=crs.to_string(),
                                                                                          problem=exc),
                             layer=layer.name) from exc
    type_ids = shapely.get_type_id(geoms)
    parts, feature = geoms, None  # feature: the row of each part, None while part i is row i
    if not ((type_ids <= _POLYGON) | missing).all():  # single parts: exploding would copy every geometry for nothing
        parts, feature = shapely.get_parts(geoms, return_index=True)
        type_ids = shapely.get_type_id(parts)
    keep = ~shapely.is_empty(parts)
    if not keep.all():
        parts, type_ids = parts[keep], type_ids[keep]
        feature = np.flatnonzero(keep) if feature is None else feature[keep]
    point, polygon = type_ids == _POINT, type_ids == _POLYGON
    line = np.isin(type_ids, (_LINESTRING, _LINEARRING))
    lines, line_feature = parts[line], _rows(feature, line)
    line_bounds = shapely.bounds(lines) if len(lines) else np.empty((0, 4))
    polygons, polygon_feature = parts[polygon], _rows(feature, polygon)
    polygon_bounds = shapely.bounds(polygons) if len(polygons) else np.empty((0, 4))
    grid = build_grid(*np.ascontiguousarray(polygon_bounds.T))  # contiguous columns: one compiled variant
    held_lines = _touching(line_bounds, region)
    held_parts, sub_grid = (grid.by_cell, grid.renumbered()) if region is None else grid.subset(region)
    if 2 * (len(held_lines) + len(held_parts)) >= len(lines) + len(polygons):
        region, held_lines, held_parts, sub_grid = None, np.arange(len(lines)), grid.by_cell, grid.renumbered()
    return PreparedGeometry(
        points=_points(parts, feature, point),
        lines=_polylines(lines[held_lines], line_feature[held_lines].astype(np.int64), line_bounds[held_lines]),
        rings=_rings(polygons[held_parts], polygon_feature[held_parts], sub_grid),
        feature_geometries=geoms,
        only_lines=bool(line.any() and not point.any() and not polygon.any()),
        region=region,
    )


def _touching(bounds: np.ndarray, region: tuple[float, float, float, float] | None) -> np.ndarray:
    """Positions (ascending) of the boxes that touch ``region`` (all when None)."""
    if region is None:
        return np.arange(len(bounds))
    minx, miny, maxx, maxy = region
    return np.flatnonzero((bounds[:, 0] <= maxx) & (bounds[:, 2] >= minx) & (bounds[:, 1] <= maxy)
                          & (bounds[:, 3] >= miny))


def _rows(feature: np.ndarray | None, chosen: np.ndarray) -> np.ndarray:
    """The rows of the ``chosen`` parts, ``feature`` being the row of each part (None: part i is row i)."""
    return np.flatnonzero(chosen) if feature is None else feature[chosen]


def _points(parts: np.ndarray, feature: np.ndarray | None, point: np.ndarray) -> Points:
    """The point parts' coordinates; a layer of points only is read in place (a million points: no copies of the
    geometry, and no row array when part i is row i)."""
    if point.all():
        return Points(shapely.get_x(parts), shapely.get_y(parts), feature)
    return Points(shapely.get_x(parts[point]), shapely.get_y(parts[point]), _rows(feature, point))


def _polylines(lines: np.ndarray, feature: np.ndarray, bounds: np.ndarray) -> Polylines:
    coords = shapely.get_coordinates(lines)
    offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(shapely.get_num_coordinates(lines), out=offsets[1:])
    return Polylines(coords[:, 0].copy(), coords[:, 1].copy(), offsets, feature, bounds, np.ones(len(lines), bool),
                     np.arange(len(lines), dtype=np.int64))


def _rings(polygons: np.ndarray, feature: np.ndarray, grid: SpatialGrid) -> Polylines:
    """The rings of the polygon parts (given in the grid's cell order, so the parts near any view lie together in
    memory and a render reads them in order), oriented: exterior counter-clockwise, holes clockwise.

    Read as whole arrays (coordinates, counts): no Python object per ring, except for parts with holes, whose
    rings' lengths only shapely's ring objects tell."""
    holes = shapely.get_num_interior_rings(polygons) if len(polygons) else np.empty(0, np.int64)
    per_part = holes.astype(np.int64) + 1
    first = np.zeros(len(polygons) + 1, dtype=np.int64)
    np.cumsum(per_part, out=first[1:])
    counts = np.empty(first[-1], dtype=np.int64)
    plain = holes == 0
    counts[first[:-1][plain]] = shapely.get_num_coordinates(polygons[plain])
    if not plain.all():
        counts[np.repeat(~plain, per_part)] = shapely.get_num_coordinates(shapely.get_rings(polygons[~plain]))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    exterior = np.zeros(len(counts), dtype=bool)
    exterior[first[:-1]] = True
    coords = shapely.get_coordinates(polygons)
    xs, ys = np.empty(len(coords)), np.empty(len(coords))
    bounds = np.empty((len(counts), 4))
    _orient(coords, offsets, exterior, xs, ys, bounds)
    part = np.repeat(np.arange(len(polygons), dtype=np.int64), per_part)
    return Polylines(xs, ys, offsets, np.repeat(feature.astype(np.int64), per_part), bounds, exterior, part,
                     _grid=grid)


@kernel
def _orient(coords, offsets, exterior, xs, ys, bounds):
    """Each ring's vertices into ``xs``/``ys``, reversed where the ring turns the wrong way (exteriors must turn
    counter-clockwise, holes clockwise: a winding fill of many polygons then keeps holes open), and its bounds."""
    for r in range(len(offsets) - 1):
        a, b = offsets[r], offsets[r + 1]
        x0, y0 = coords[a, 0], coords[a, 1]
        twice_area = 0.0  # shoelace about the first vertex, which keeps the products small
        for j in range(a, b - 1):
            twice_area += ((coords[j, 0] - x0) * (coords[j + 1, 1] - y0)
                           - (coords[j + 1, 0] - x0) * (coords[j, 1] - y0))
        flip = twice_area < 0.0 if exterior[r] else twice_area > 0.0
        minx, miny, maxx, maxy = np.inf, np.inf, -np.inf, -np.inf
        for j in range(a, b):
            source = a + b - 1 - j if flip else j
            x, y = coords[source, 0], coords[source, 1]
            xs[j], ys[j] = x, y
            minx, maxx = min(minx, x), max(maxx, x)
            miny, maxy = min(miny, y), max(maxy, y)
        bounds[r, 0], bounds[r, 1], bounds[r, 2], bounds[r, 3] = minx, miny, maxx, maxy
