"""Terrain under the obstruction grid: a DEM resampled on the fly, and heights above ground put on it.

Line of sight over terrain needs one surface: ground elevation + what stands on it. ``with_terrain`` takes the
obstruction grid (buildings burnt in, or a height raster: heights above ground; or a DSM: elevations of the
surface) and a terrain model in any CRS and resolution, reads only the part of the DEM under the study area,
resamples it bilinearly to the obstruction grid, and returns a grid of elevations with the ground kept beside
it. Antennas (``height_m``) and receivers then stand above the ground of their own cell
(``antennas_over_ground``; receivers in ``kernel.link_rsrp_dbm``).

Example::

    buildings = Obstruction.from_buildings(buildings_layer, 2.0, extent=study_bounds)
    obstruction = with_terrain(buildings, dem_layer, study_bounds)
"""

from __future__ import annotations

import math

import numpy as np
import pyproj
from affine import Affine

from layers.errors import LayerError
from layers.i18n import translate
from layers.kinds import terrain_note
from layers.layer import RasterLayer
from plugins.coverage.kernel import TX_H, TX_X, TX_Y
from plugins.coverage.obstruction import Obstruction, require_metric

#: A DSM more than this below the terrain is noted: the two models probably do not match (datum, CRS, epoch).
DSM_BELOW_TERRAIN_M = 1.0
#: Source cells read beyond the study area on each side, so bilinear interpolation at its edge has neighbours.
EDGE_CELLS = 2


def antennas_over_ground(table: np.ndarray, obstruction: Obstruction) -> np.ndarray:
    """The kernel's transmitter table with each antenna height turned into an elevation (the ground at the
    antenna + its height above it). The path-loss coefficients, worked out from heights above local ground as
    TR 38.901 defines h_BS, stay as they are. Flat ground: the table itself."""
    if obstruction.ground.size == 0:
        return table
    raised = table.copy()
    raised[:, TX_H] += obstruction.ground_at(table[:, TX_X], table[:, TX_Y])
    return raised


def _crs_of(raster: RasterLayer) -> pyproj.CRS:
    """The CRS of a terrain raster; a LayerError naming it when it has none."""
    if raster.crs is None:
        raise LayerError(raster.source, translate("terrain", "has no coordinate reference system; set it before "
                                                             "using it as terrain"), layer=raster.name)
    return raster.crs


def resample(raster: RasterLayer, x0: float, y0: float, res: float, rows: int, cols: int, crs,
             resampling: str = "bilinear", band: int = 1) -> np.ndarray:
    """Band ``band`` of ``raster`` on the cells of a north-up grid in ``crs`` (float32, NaN where the raster has
    no data). Only the window of the raster under the grid, plus ``EDGE_CELLS``, is cropped and warped."""
    from rasterio.enums import Resampling
    from rasterio.warp import reproject, transform_bounds

    raster_crs = _crs_of(raster)
    t = raster.transform
    if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
        raise LayerError(raster.source, translate("terrain", "is rotated or not north-up; warp it to a north-up "
                                                             "grid first"), layer=raster.name)
    out = np.full((rows, cols), np.nan, np.float32)
    left, bottom, right, top = transform_bounds(crs, raster_crs, x0, y0 - rows * res, x0 + cols * res, y0,
                                                densify_pts=21)
    col0 = max(math.floor((left - t.c) / t.a) - EDGE_CELLS, 0)
    col1 = min(math.ceil((right - t.c) / t.a) + EDGE_CELLS, raster.width)
    row0 = max(math.floor((t.f - top) / -t.e) - EDGE_CELLS, 0)
    row1 = min(math.ceil((t.f - bottom) / -t.e) + EDGE_CELLS, raster.height)
    if col0 >= col1 or row0 >= row1:
        return out
    part = RasterLayer(raster.read_pixels(row0, row1, col0, col1), t @ Affine.translation(col0, row0), raster_crs,
                       name=raster.name, nodata=raster.nodata, source=raster.source)
    window = np.ma.filled(part.band(band).astype(np.float32), np.nan)  # only the window leaves the file
    reproject(np.ascontiguousarray(window), out, src_transform=t @ Affine.translation(col0, row0),
              src_crs=raster_crs, src_nodata=np.nan, dst_transform=Affine(res, 0.0, x0, 0.0, -res, y0),
              dst_crs=crs, dst_nodata=np.nan, resampling=Resampling[resampling])
    return out


def with_terrain(obstruction: Obstruction, terrain: RasterLayer, bounds: tuple[float, float, float, float], *,
                 resolution: float | None = None, dsm: bool = False) -> Obstruction:
    """``obstruction`` put on the ground of ``terrain`` over ``bounds`` (the study area grown by the radius).

    The grid keeps the obstruction's cells (cropped or padded with open ground to ``bounds``); an empty one
    (no buildings) becomes a grid of ``resolution`` (default: its own ``res``). Its values are heights above
    ground, or with ``dsm`` surface elevations (NaN = no data), from which the terrain is subtracted. Terrain
    cells without data (past the DEM's edge, or its no-data) take the elevation of the nearest cell with data.
    """
    crs = require_metric(obstruction.crs, None, "obstruction grid")
    res = float(obstruction.res if not obstruction.empty or resolution is None else resolution)
    if obstruction.empty:
        x0, y0 = math.floor(bounds[0] / res) * res, math.ceil(bounds[3] / res) * res
    else:
        x0 = obstruction.x0 + math.floor((bounds[0] - obstruction.x0) / res) * res
        y0 = obstruction.y0 - math.floor((obstruction.y0 - bounds[3]) / res) * res
    cols, rows = max(math.ceil((bounds[2] - x0) / res), 1), max(math.ceil((y0 - bounds[1]) / res), 1)
    above = np.full((rows, cols), np.nan if dsm else 0.0, np.float32)
    if not obstruction.empty:
        dc, dr = round((obstruction.x0 - x0) / res), round((y0 - obstruction.y0) / res)
        src_rows, src_cols = obstruction.heights.shape
        r0, r1 = max(dr, 0), min(dr + src_rows, rows)
        c0, c1 = max(dc, 0), min(dc + src_cols, cols)
        if r0 < r1 and c0 < c1:
            above[r0:r1, c0:c1] = obstruction.heights[r0 - dr:r1 - dr, c0 - dc:c1 - dc]
    ground = resample(terrain, x0, y0, res, rows, cols, crs)
    notes = list(obstruction.notes)
    missing = np.isnan(ground)
    if missing.all():
        raise LayerError(terrain.source, translate("terrain", "does not cover the study area ({left:.0f}, "
                                                              "{bottom:.0f}) - ({right:.0f}, {top:.0f}) in {crs}")
                         .format(left=bounds[0], bottom=bounds[1], right=bounds[2], top=bounds[3],
                                 crs=crs.to_string()), layer=terrain.name)
    note = terrain_note(terrain.name, np.ma.masked_invalid(ground))
    if note is not None:
        notes.append(note)
    if missing.any():
        from scipy import ndimage

        nearest = ndimage.distance_transform_edt(missing, return_distances=False, return_indices=True)
        ground = ground[nearest[0], nearest[1]]
        notes.append(translate("terrain", "terrain '{name}' has no data under {share:.1%} of the study area: "
                                          "those cells take the elevation of the nearest cell with data")
                     .format(name=terrain.name, share=missing.mean()))
    if dsm:
        above = above - ground
        below = above < -DSM_BELOW_TERRAIN_M
        if below.any():
            notes.append(translate("terrain", "the DSM lies more than {limit:g} m below terrain '{name}' on "
                                              "{share:.1%} of the cells (down to {low:.1f} m): check that both use "
                                              "the same vertical datum; read as open ground")
                         .format(limit=DSM_BELOW_TERRAIN_M, name=terrain.name, share=below.mean(),
                                 low=float(np.nanmin(above))))
        above = np.maximum(np.nan_to_num(above, nan=0.0), 0.0)
    terrain_res, terrain_crs = terrain.res[0], _crs_of(terrain)
    unit = "m" if terrain_crs.is_projected else "°"
    notes.append(translate("terrain", "terrain '{name}' ({crs}, {cell:g} {unit} cells) resampled bilinearly to the "
                                      "{res:g} m obstruction grid; antenna and receiver heights are above the local "
                                      "ground").format(name=terrain.name, crs=terrain_crs.to_string(),
                                                       cell=terrain_res, unit=unit, res=res))
    heights = np.ascontiguousarray(ground + above, dtype=np.float32)
    return Obstruction(heights, float(x0), float(y0), res, crs, tuple(notes),
                       np.ascontiguousarray(ground, dtype=np.float32))


__all__ = ["antennas_over_ground", "resample", "with_terrain"]
