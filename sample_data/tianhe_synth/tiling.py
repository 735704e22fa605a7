"""A city-sized scene made by repeating the Tianhe sample on an N x N grid of tiles (benchmarks only).

Tile (column i, row j) is the sample moved ``i`` sample widths east and ``j`` heights north. Every ``*_id``
field gets the tile as a prefix ("c2r3-TH-000001") so ids stay unique across the city; everything else is the
sample's own data, so the city is as deterministic as the sample.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def tile_prefix(col: int, row: int) -> str:
    return f"c{col}r{row}-"


def tile_frame(gdf: gpd.GeoDataFrame, tiles: int, width: float, height: float) -> gpd.GeoDataFrame:
    """``gdf`` repeated on ``tiles`` x ``tiles`` tiles of ``width`` x ``height`` metres, row by row from the
    south-west; ``*_id`` fields prefixed with their tile."""
    parts = []
    geoms = gdf.geometry.to_numpy()
    id_columns = [c for c in gdf.columns if c.endswith("_id") and c != gdf.geometry.name]
    for row in range(tiles):
        for col in range(tiles):
            offset = np.array([col * width, row * height])
            part = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).copy()
            for column in id_columns:
                part[column] = tile_prefix(col, row) + part[column].astype(str)
            moved = shapely.transform(geoms, lambda xy, o=offset: xy + o)
            parts.append(gpd.GeoDataFrame(part, geometry=moved, crs=gdf.crs))
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=gdf.crs)


def write_tiled_raster(grid: np.ndarray, tiles: int, path, profile: dict) -> tuple[int, int]:
    """``grid`` (north-up, the south-west tile's) repeated ``tiles`` x ``tiles`` times into ``path``, one
    window per tile so the city raster is never held whole in memory. Returns (rows, cols) of the file."""
    import rasterio
    from rasterio.windows import Window

    rows, cols = grid.shape
    profile = dict(profile, width=cols * tiles, height=rows * tiles)
    with rasterio.open(path, "w", **profile) as dst:
        for row in range(tiles):
            for col in range(tiles):
                top = (tiles - 1 - row) * rows  # tile row 0 is the southernmost, the last rows of the file
                dst.write(grid, 1, window=Window(col * cols, top, cols, rows))
        dst.set_band_description(1, "building height (m), 0 = ground")
        dst.update_tags(source=f"synthetic, the Tianhe sample tiled {tiles} x {tiles} by generate_tianhe.py")
    return rows * tiles, cols * tiles
