"""The output raster grid of a coverage run: north-up, square cells, snapped to multiples of the resolution.

Snapping makes two runs over overlapping extents share cell boundaries, so their rasters can be compared
cell by cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyproj
from affine import Affine

from layers.i18n import translate

#: Refuse grids beyond this many cells: at 5 m this is a 70 km x 70 km city, and memory is ~16 bytes a cell.
MAX_CELLS = 200_000_000


@dataclass(frozen=True)
class Grid:
    """``rows`` x ``cols`` cells of ``res`` metres whose top-left corner is ``x0, y0``."""

    x0: float
    y0: float
    res: float
    rows: int
    cols: int
    crs: pyproj.CRS | None = None

    @classmethod
    def covering(cls, extent: tuple[float, float, float, float], res: float,
                 crs: pyproj.CRS | None = None) -> Grid:
        minx, miny, maxx, maxy = (float(v) for v in extent)
        if not (res > 0 and math.isfinite(res)):
            raise ValueError(translate("CoverageGrid", "resolution must be a positive number of metres, got "
                                                       "{res!r}").format(res=res))
        if not all(math.isfinite(v) for v in extent) or minx >= maxx or miny >= maxy:
            raise ValueError(f"extent must be minx < maxx, miny < maxy, got {extent!r}")
        x0, y0 = math.floor(minx / res) * res, math.ceil(maxy / res) * res
        cols = max(math.ceil((maxx - x0) / res - 1e-9), 1)
        rows = max(math.ceil((y0 - miny) / res - 1e-9), 1)
        if rows * cols > MAX_CELLS:
            raise ValueError(translate("CoverageGrid", "the grid would have {cells:,} cells ({cols} x {rows} at "
                                                       "{res:g} m); use a coarser resolution or a smaller extent (at "
                                                       "most {maximum:,} cells)").format(
                cells=rows * cols, cols=cols, rows=rows, res=res, maximum=MAX_CELLS))
        return cls(x0, y0, float(res), rows, cols, crs)

    @property
    def transform(self) -> Affine:
        return Affine(self.res, 0.0, self.x0, 0.0, -self.res, self.y0)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0 - self.rows * self.res, self.x0 + self.cols * self.res, self.y0)

    @property
    def cell_area_m2(self) -> float:
        return self.res * self.res

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x of every column centre and y of every row centre."""
        return (self.x0 + (np.arange(self.cols) + 0.5) * self.res,
                self.y0 - (np.arange(self.rows) + 0.5) * self.res)

    def cell_of(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, inside) of the cells holding the points."""
        cols = np.floor((np.asarray(xs, float) - self.x0) / self.res).astype(np.int64)
        rows = np.floor((self.y0 - np.asarray(ys, float)) / self.res).astype(np.int64)
        inside = (rows >= 0) & (rows < self.rows) & (cols >= 0) & (cols < self.cols)
        return np.where(inside, rows, 0), np.where(inside, cols, 0), inside


__all__ = ["MAX_CELLS", "Grid"]
