"""Tile grids: the levels of a tiled service (XYZ or a WMTS tile matrix set) as plain numbers.

An XYZ service is the web-mercator grid of OpenStreetMap; a WMTS matrix set may be in any CRS (CGCS2000
geographic, a city grid, UTM). Both reduce to the same arithmetic: per level, a resolution in CRS units per
pixel, the top-left corner, the tile size and the matrix size. The renderer only ever sees a ``TileGrid``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workbench.basemap.tiles import HALF_WORLD, TILE_PIXELS, tile_span

#: OGC's "standardized rendering pixel size" (0.28 mm) that turns a WMTS scale denominator into a resolution.
OGC_PIXEL_METRES = 0.00028
#: Metres per degree on the WMTS reference sphere (WMTS 1.0.0, Annex E: 6378137 m radius).
METRES_PER_DEGREE = 2 * math.pi * 6378137.0 / 360.0


@dataclass(frozen=True)
class TileLevel:
    """One zoom level: ``identifier`` goes into tile URLs; the rest places its tiles in the grid's CRS."""

    identifier: str
    resolution: float  # CRS units per pixel
    left: float
    top: float
    tile_width: int = TILE_PIXELS
    tile_height: int = TILE_PIXELS
    matrix_width: int = 1
    matrix_height: int = 1

    @property
    def tile_span_x(self) -> float:
        return self.resolution * self.tile_width

    @property
    def tile_span_y(self) -> float:
        return self.resolution * self.tile_height

    def covering(self, extent: tuple[float, float, float, float]) -> tuple[range, range]:
        """Columns and rows of this level covering ``extent`` (grid CRS), clipped to the matrix."""
        minx, miny, maxx, maxy = extent
        c0 = _clip(math.floor((minx - self.left) / self.tile_span_x), self.matrix_width)
        c1 = _clip(math.floor((maxx - self.left) / self.tile_span_x), self.matrix_width)
        r0 = _clip(math.floor((self.top - maxy) / self.tile_span_y), self.matrix_height)
        r1 = _clip(math.floor((self.top - miny) / self.tile_span_y), self.matrix_height)
        return range(c0, c1 + 1), range(r0, r1 + 1)


@dataclass(frozen=True)
class TileGrid:
    """Levels ordered from coarse to fine, in ``crs`` (an "EPSG:n" text or WKT)."""

    crs: str
    levels: tuple[TileLevel, ...]

    def level_for(self, resolution: float) -> int:
        """Index of the coarsest level at least as detailed as ``resolution`` (the finest when none is)."""
        for index, level in enumerate(self.levels):
            if level.resolution <= resolution * (1 + 1e-9):
                return index
        return len(self.levels) - 1


def mercator_grid(max_zoom: int = 19, min_zoom: int = 0) -> TileGrid:
    """The XYZ ("slippy map", GoogleMapsCompatible) grid, zoom ``min_zoom`` to ``max_zoom``."""
    levels = tuple(TileLevel(str(z), tile_span(z) / TILE_PIXELS, -HALF_WORLD, HALF_WORLD, TILE_PIXELS, TILE_PIXELS,
                             2 ** z, 2 ** z) for z in range(min_zoom, max_zoom + 1))
    return TileGrid("EPSG:3857", levels)


def _clip(index: int, count: int) -> int:
    return max(0, min(count - 1, index))
