"""What blocks radio paths: a north-up grid of surface heights, in metres, and the ground under it.

Built from a buildings layer (footprints burnt in at their ``height_m``, cell centre inside the footprint) or
from a raster such as the 2 m building-height GeoTIFF of the sample (a normalised DSM: heights above the
ground, not above sea level). Without terrain the ground is flat at 0 and the grid holds heights above it;
``plugins.coverage.terrain.with_terrain`` puts the grid on a terrain model, after which ``heights`` are
elevations (ground + buildings) and ``ground`` the ground elevation of each cell, under which antenna and
receiver heights are counted.

Example::

    obstruction = Obstruction.from_buildings(buildings_layer, resolution_m=2.0)
    obstruction = Obstruction.from_raster(height_raster_layer)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyproj
import shapely
from affine import Affine

from layers.building_heights import estimate_heights
from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import RasterLayer, VectorLayer
from plugins.api import Cancelled

#: Cells burnt per rasterize call, so that Cancel is noticed between bands of rows (~0.2 s each).
BAND_CELLS = 4_000_000
#: A raster whose lowest valid value is above this has no open ground and is probably a DSM above sea level.
ABSOLUTE_DSM_HINT_M = 0.5
#: What a surface raster holds: undeclared (heights above ground, with a note when it does not look like
#: them), declared heights above ground, or a DSM whose values include the ground (needs a terrain model).
SURFACE_AUTO, SURFACE_ABOVE_GROUND, SURFACE_DSM = "auto", "heights above ground", "DSM (ground included)"
SURFACE_TYPES = (SURFACE_AUTO, SURFACE_ABOVE_GROUND, SURFACE_DSM)


def require_metric(crs: pyproj.CRS | None, source: str | None, name: str) -> pyproj.CRS:
    """``crs``, checked: distances are metres, so layers without a CRS or in degrees are refused, naming the
    layer."""
    if crs is None:
        raise LayerError(source, translate("CoverageObstruction", "has no coordinate reference system; coverage "
                                                                  "needs a projected CRS in metres"), layer=name)
    if not crs.is_projected:
        raise LayerError(source, translate("CoverageObstruction", "is in geographic coordinates ({crs}); reproject "
                                                                  "it to a projected CRS in metres (e.g. the UTM "
                                                                  "zone) for coverage").format(crs=crs.to_string()),
                         layer=name)
    return crs


@dataclass(frozen=True)
class Obstruction:
    """Surface heights (float32, metres) of a north-up grid with square cells of ``res`` metres.

    ``ground`` is empty for flat ground at 0 (``heights`` are then above ground), else the ground elevation of
    every cell on the same grid (``heights`` are then elevations too)."""

    heights: np.ndarray
    x0: float
    y0: float
    res: float
    crs: pyproj.CRS | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    ground: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))

    @classmethod
    def none(cls, crs: pyproj.CRS | None = None) -> Obstruction:
        """No obstruction data: every link is treated as line of sight and every receiver as outdoors."""
        return cls(np.zeros((0, 0), np.float32), 0.0, 0.0, 1.0, crs,
                   (translate("CoverageObstruction", "no buildings or surface heights given: every link treated as "
                                                     "line of sight"),))

    @classmethod
    def from_buildings(cls, layer: VectorLayer, resolution_m: float = 2.0, *, height_field: str = "height_m",
                       extent: tuple[float, float, float, float] | None = None,
                       cancelled: Callable[[], bool] | None = None) -> Obstruction:
        """Burn building footprints into a grid at ``resolution_m``; where footprints overlap the taller wins.

        The grid is burnt in bands of rows; ``cancelled`` is asked between bands (``plugins.api.Cancelled``)."""
        require_metric(layer.crs, layer.source, layer.name)
        if not resolution_m > 0:
            raise LayerError(layer.source, f"resolution_m must be positive, got {resolution_m!r}", layer=layer.name)
        if height_field not in layer.gdf.columns:
            raise LayerError(layer.source, translate("CoverageObstruction", "has no field '{field}' with building "
                                                                            "heights in metres").format(
                field=height_field), layer=layer.name)
        geoms = layer.gdf.geometry.to_numpy()
        polygonal = np.isin(shapely.get_type_id(geoms), (3, 6)) & ~shapely.is_empty(geoms)
        heights = pd.to_numeric(layer.gdf[height_field], errors="coerce").to_numpy(float)
        notes: tuple[str, ...] = ()
        if (polygonal & ~np.isfinite(heights)).any():
            estimated, estimate_notes = estimate_heights(layer.gdf.assign(height_m=layer.gdf[height_field]))
            heights = pd.to_numeric(estimated["height_m"], errors="coerce").to_numpy(float)
            prefix = translate("CoverageObstruction", "layer '{layer}': {note}")
            notes = tuple(prefix.format(layer=layer.name, note=note) for note in estimate_notes)
        negative = polygonal & (heights < 0)
        if negative.any():
            raise LayerError(layer.source, translate("CoverageObstruction", "{field}: {count} buildings have a "
                                                                            "negative height").format(
                field=height_field, count=int(negative.sum())), layer=layer.name)
        bounds = tuple(layer.gdf.total_bounds)
        if extent is not None:
            bounds = (max(bounds[0], extent[0]), max(bounds[1], extent[1]), min(bounds[2], extent[2]),
                      min(bounds[3], extent[3]))
        if not polygonal.any() or not np.all(np.isfinite(bounds)) or bounds[0] >= bounds[2] or bounds[1] >= bounds[3]:
            return cls(np.zeros((0, 0), np.float32), 0.0, 0.0, float(resolution_m), layer.crs,
                       (translate("CoverageObstruction", "layer '{layer}' has no building footprints: every link "
                                                         "treated as line of sight").format(layer=layer.name),))
        res = float(resolution_m)
        x0, y0 = np.floor(bounds[0] / res) * res, np.ceil(bounds[3] / res) * res
        cols = max(int(np.ceil((bounds[2] - x0) / res)), 1)
        rows = max(int(np.ceil((y0 - bounds[1]) / res)), 1)
        order = np.argsort(heights[polygonal], kind="stable")
        grid = _burn(geoms[polygonal][order], heights[polygonal][order], float(x0), float(y0), res, rows, cols,
                     cancelled)
        return cls(grid, float(x0), float(y0), res, layer.crs, notes)

    @classmethod
    def from_raster(cls, layer: RasterLayer, band: int = 1, *, surface: str = SURFACE_AUTO,
                    extent: tuple[float, float, float, float] | None = None) -> Obstruction:
        """Use a height raster: metres above ground (no-data = open ground), or with ``surface=SURFACE_DSM``
        elevations including the ground (no-data = NaN), to be put on a terrain model by ``with_terrain``.
        With ``extent`` (the study area grown by the radius) only the cells covering it are read: from the file
        alone when the layer is file-backed, so a small area of a city never loads the whole raster."""
        require_metric(layer.crs, layer.source, layer.name)
        t = layer.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise LayerError(layer.source, translate("CoverageObstruction", "is rotated or not north-up; warp it to "
                                                                            "a north-up grid first"), layer=layer.name)
        if extent is not None:
            layer = layer.read_window(extent)
            t = layer.transform
        if not np.isclose(t.a, -t.e, rtol=1e-6):
            raise LayerError(layer.source, translate("CoverageObstruction", "has rectangular cells ({width:g} x "
                                                                            "{height:g} m); resample it to square "
                                                                            "cells first").format(width=t.a,
                                                                                                  height=-t.e),
                             layer=layer.name)
        values = layer.band(band)
        if surface == SURFACE_DSM:
            heights = np.ma.filled(values.astype(np.float32), np.nan)
            return cls(np.ascontiguousarray(heights), float(t.c), float(t.f), float(t.a), layer.crs)
        heights = np.ma.filled(values.astype(np.float32), 0.0)
        notes = []
        valid = values.compressed()
        if surface == SURFACE_AUTO and valid.size and float(valid.min()) > ABSOLUTE_DSM_HINT_M:
            notes.append(translate("CoverageObstruction", "raster '{layer}' has no cell at ground level (lowest "
                                                          "{lowest:.1f} m): it looks like heights above sea level; "
                                                          "coverage expects heights above ground (declare it as a DSM "
                                                          "with a terrain model, or give a terrain model as "
                                                          "terrain)").format(layer=layer.name,
                                                                             lowest=float(valid.min())))
        if valid.size and float(valid.min()) < 0:
            notes.append(translate("CoverageObstruction", "raster '{layer}': negative heights read as open "
                                                          "ground").format(layer=layer.name))
            heights = np.maximum(heights, 0.0)
        return cls(np.ascontiguousarray(heights), float(t.c), float(t.f), float(t.a), layer.crs, tuple(notes))

    @property
    def empty(self) -> bool:
        return self.heights.size == 0

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        rows, cols = self.heights.shape
        return (self.x0, self.y0 - rows * self.res, self.x0 + cols * self.res, self.y0)

    def window(self, bounds: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """(row0, row1, col0, col1) of the cells covering ``bounds``, clipped to the grid (may be empty)."""
        rows, cols = self.heights.shape
        col0 = int(np.clip(np.floor((bounds[0] - self.x0) / self.res), 0, cols))
        col1 = int(np.clip(np.ceil((bounds[2] - self.x0) / self.res), 0, cols))
        row0 = int(np.clip(np.floor((self.y0 - bounds[3]) / self.res), 0, rows))
        row1 = int(np.clip(np.ceil((self.y0 - bounds[1]) / self.res), 0, rows))
        return row0, row1, col0, col1

    def height_at(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Surface height at points (0 outside the grid)."""
        return _cell_values(self.heights, self, xs, ys)

    def ground_at(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Ground elevation at points: 0 without terrain and outside the grid."""
        return _cell_values(self.ground, self, xs, ys)

    def check_crs(self, crs: pyproj.CRS | None, what: str) -> None:
        """Refuse to mix coordinates of different CRSs silently."""
        if self.crs is not None and crs is not None and self.crs != crs:
            raise LayerError(None, translate("CoverageObstruction", "the obstruction grid is in {grid} but the "
                                                                    "{what} are in {crs}; bring them into one CRS "
                                                                    "first").format(
                grid=self.crs.to_string(), what=translate("CoverageObstruction", what), crs=crs.to_string()))


def _cell_values(grid: np.ndarray, where: Obstruction, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Values of the cells of ``grid`` (laid out like ``where.heights``) holding the points; 0 outside."""
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    if grid.size == 0:
        return np.zeros(xs.shape)
    rows, cols = grid.shape
    c = np.floor((xs - where.x0) / where.res).astype(np.int64)
    r = np.floor((where.y0 - ys) / where.res).astype(np.int64)
    inside = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
    out = np.zeros(xs.shape)
    out[inside] = grid[r[inside], c[inside]]
    return out


def _burn(geoms: np.ndarray, heights: np.ndarray, x0: float, y0: float, res: float, rows: int, cols: int,
          cancelled: Callable[[], bool] | None) -> np.ndarray:
    """Rasterize footprints (in rising height, so the last burnt, the tallest, wins) band by band of rows: the
    same cells as one call, with a chance to stop between bands."""
    from rasterio.features import rasterize

    grid = np.zeros((rows, cols), np.float32)
    boxes = shapely.bounds(geoms)
    bottoms, tops = boxes[:, 1], boxes[:, 3]
    band = max(1, BAND_CELLS // cols)
    for row0 in range(0, rows, band):
        if cancelled is not None and cancelled():
            raise Cancelled(translate("Run", "the run was cancelled"))
        row1 = min(rows, row0 + band)
        top, bottom = y0 - row0 * res, y0 - row1 * res
        inside = (bottoms <= top) & (tops >= bottom)
        if inside.any():
            grid[row0:row1] = rasterize(zip(geoms[inside], heights[inside], strict=True),
                                        out_shape=(row1 - row0, cols), transform=Affine(res, 0, x0, 0, -res, top),
                                        fill=0.0, dtype="float32")
    return grid


__all__ = ["SURFACE_ABOVE_GROUND", "SURFACE_AUTO", "SURFACE_DSM", "SURFACE_TYPES", "Obstruction",
           "require_metric"]
