"""The 2 m height raster agrees with the footprints; the project opens with every layer linked; same seed, same data."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import rasterio
import shapely

from layers import Project, RasterLayer
from tests.sample.conftest import PROJECT, RASTER


def _inner_points(footprints: np.ndarray) -> np.ndarray:
    """A point at least 1.5 m inside each footprint, so its 2 m pixel centre falls in the same building."""
    shrunk = shapely.buffer(footprints, -1.5)
    usable = ~shapely.is_empty(shrunk)
    assert usable.mean() > 0.99
    centroid = shapely.centroid(footprints)
    inside = usable & shapely.contains(shrunk, centroid)
    points = np.where(inside, centroid, None)
    points[usable & ~inside] = shapely.point_on_surface(shrunk[usable & ~inside])
    return points[usable], usable


def test_raster_is_a_tiled_deflated_2_m_float_grid_over_the_area(frames):
    with rasterio.open(RASTER) as src:
        assert src.crs.to_epsg() == 32649
        assert src.res == (2.0, 2.0) and src.dtypes == ("float32",) and src.nodata is None
        assert src.compression.name.lower() == "deflate" and src.profile["tiled"]
        assert tuple(src.bounds) == tuple(frames["demand"].total_bounds)


def test_raster_heights_match_building_heights_at_their_centres(frames):
    buildings = frames["buildings"]
    points, usable = _inner_points(buildings.geometry.to_numpy())
    with rasterio.open(RASTER) as src:
        sampled = np.array([v[0] for v in src.sample(shapely.get_coordinates(points))])
    np.testing.assert_array_equal(sampled, buildings["height_m"].to_numpy()[usable].astype(np.float32))


def test_raster_is_ground_on_kerbs_and_water(frames):
    with rasterio.open(RASTER) as src:
        kerbs = np.array([v[0] for v in src.sample(shapely.get_coordinates(frames["lamp_poles"].geometry))])
        water = frames["water"].geometry.iloc[0]
        river = np.array([v[0] for v in src.sample([(water.representative_point().x,
                                                     water.representative_point().y)])])
        grid = src.read(1)
    assert (kerbs == 0).all() and (river == 0).all()
    built = (grid > 0).sum() * 4.0
    assert abs(built - frames["buildings"].geometry.area.sum()) < 0.02 * built


def test_project_opens_with_every_layer_linked_in_draw_order():
    project = Project.load(PROJECT)
    assert project.load_problems == []
    names = [layer.name for layer in project]
    assert names == ["water", "green", "building_height_2m", "demand", "buildings", "roads", "schools",
                     "office_space", "sites_5g", "lamp_poles"]
    hidden = {layer.name for layer in project if not layer.visible}
    assert hidden == {"demand", "building_height_2m"}
    assert all(layer.style is not None for layer in project)
    assert isinstance(project.layer("building_height_2m"), RasterLayer)
    assert project.crs.to_epsg() == 32649
    assert project.view_extent == project.full_extent()
    with zipfile.ZipFile(PROJECT) as archive:
        manifest = json.loads(archive.read("project.json"))
        assert not [n for n in archive.namelist() if n.startswith("data/")]
    paths = {entry["data"]["path"] for entry in manifest["layers"]}
    assert paths == {"tianhe.gpkg", "building_height_2m.tif"}


def test_same_seed_rebuilds_the_committed_roads(generator, frames):
    rebuilt = generator.roads_frame(generator.build_streets(generator.SEED))
    committed = frames["roads"]
    assert list(rebuilt["road_id"]) == list(committed["road_id"])
    for column in ("name", "road_class", "width_m"):
        assert list(rebuilt[column]) == list(committed[column])
    assert shapely.equals_exact(rebuilt.geometry.to_numpy(), committed.geometry.to_numpy(), tolerance=0.01).all()
    other = generator.roads_frame(generator.build_streets(generator.SEED + 1))
    assert len(other) != len(committed) or not shapely.equals_exact(
        other.geometry.to_numpy(), committed.geometry.to_numpy(), tolerance=0.01).all()
