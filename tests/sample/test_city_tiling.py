"""The tiled city of the benchmarks: every tile is the sample moved by whole sample sizes, ids stay unique, and
the height raster repeats the sample's raster tile by tile in the same places as the buildings."""

from __future__ import annotations

import numpy as np
import rasterio
import shapely
from rasterio.transform import from_origin


def test_tiled_frame_repeats_the_sample_shifted_with_unique_ids(generator, frames):
    from tianhe_synth import tiling

    poles = frames["lamp_poles"]
    city = tiling.tile_frame(poles, 3, 4000.0, 3000.0)
    assert len(city) == 9 * len(poles)
    assert city["pole_id"].is_unique
    n = len(poles)
    for tile, (col, row) in enumerate((c, r) for r in range(3) for c in range(3)):
        part = city.iloc[tile * n:(tile + 1) * n]
        np.testing.assert_allclose(part.geometry.x.to_numpy(), poles.geometry.x.to_numpy() + 4000.0 * col)
        np.testing.assert_allclose(part.geometry.y.to_numpy(), poles.geometry.y.to_numpy() + 3000.0 * row)
        assert (part["height_m"].to_numpy() == poles["height_m"].to_numpy()).all()
        assert part["pole_id"].iloc[0] == f"c{col}r{row}-{poles['pole_id'].iloc[0]}"


def test_tiled_raster_puts_each_tile_under_its_own_buildings(generator, frames, tmp_path):
    from tianhe_synth import tiling

    grid, transform = generator.rasterise_heights(frames["buildings"])
    minx, miny, maxx, maxy = generator.area_bounds()
    w, h = maxx - minx, maxy - miny
    city_transform = from_origin(minx, miny + 2 * h, generator.RASTER_RES_M, generator.RASTER_RES_M)
    path = tmp_path / "city.tif"
    tiling.write_tiled_raster(grid, 2, path, generator._raster_profile(grid, city_transform))
    buildings = tiling.tile_frame(frames["buildings"], 2, w, h).sample(400, random_state=1)
    points = shapely.point_on_surface(buildings.geometry.to_numpy())
    with rasterio.open(path) as src:
        assert src.shape == (2 * grid.shape[0], 2 * grid.shape[1])
        values = np.array([v[0] for v in src.sample(zip(shapely.get_x(points), shapely.get_y(points), strict=True))])
    # a point on a footprint may fall on a pixel whose centre lies in a taller neighbour: most match exactly
    assert np.mean(np.isclose(values, buildings["height_m"].to_numpy())) > 0.95
