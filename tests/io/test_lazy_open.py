"""Rasters open file-backed by default: nothing is read until used, and what is used equals the raster read
whole (values, masks, default styles, terrain notes, projects saved and reopened); a file gone or rewritten
since opening is named in the error."""

from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from layers import LayerError, Project
from layers.default_styles import default_style
from layers.io import open_layers
from layers.io.raster import NOTE_CELLS, WindowReader, read_raster
from plugins.coverage.obstruction import Obstruction

X0, Y0, RES = 500_000.0, 2_560_000.0, 2.0


def _write(path, values, nodata=None, **extra):
    rows, cols = values.shape
    with rasterio.open(path, "w", driver="GTiff", width=cols, height=rows, count=1, dtype=values.dtype.name,
                       crs="EPSG:32649", transform=from_origin(X0, Y0, RES, RES), nodata=nodata, **extra) as dst:
        dst.write(values, 1)
    return path


@pytest.fixture
def heights(tmp_path):
    """1,000 x 1,100 cells: more than ``LAZY_CELLS``, so left in the file by default."""
    rng = np.random.default_rng(3)
    shape = (1000, 1100)
    values = np.where(rng.random(shape) < 0.3, rng.uniform(3, 120, shape), -1.0).astype(np.float32)
    return _write(tmp_path / "heights.tif", values, nodata=-1.0, tiled=True, blockxsize=128, blockysize=128), values


@pytest.fixture
def reads(monkeypatch):
    """Every window the file-backed layers ask their file for (None: the whole raster)."""
    seen = []
    original = WindowReader.__call__

    def counting(self, window):
        seen.append(window)
        return original(self, window)

    monkeypatch.setattr(WindowReader, "__call__", counting)
    return seen


def test_a_small_raster_is_read_at_once(tmp_path, reads):
    layer, = open_layers(_write(tmp_path / "small.tif", np.ones((100, 120), np.float32)))
    assert layer.loaded and reads == []


def test_open_reads_no_pixels_and_data_reads_the_whole_file_once(heights, reads):
    path, values = heights
    layer, = open_layers(path)
    assert not layer.loaded and (layer.height, layer.width, layer.dtype) == (1000, 1100, np.float32)
    # the terrain notes' sample only: 16 windows of 250 x 250 cells
    assert len(reads) == 16 and None not in reads
    assert sum((r1 - r0) * (c1 - c0) for r0, r1, c0, c1 in reads) == 16 * 250 * 250 <= NOTE_CELLS
    reads.clear()
    band = layer.band(1)
    np.testing.assert_array_equal(band.data, values)
    np.testing.assert_array_equal(np.ma.getmaskarray(band), values == -1.0)
    layer.band(1)
    assert reads == [None]  # read once, then held


def test_coverage_of_a_small_area_reads_one_window_of_its_cells(heights, reads):
    path, values = heights
    layer, = open_layers(path)
    reads.clear()  # the notes' sample
    extent = (X0 + 100.0, Y0 - 300.0, X0 + 300.0, Y0 - 100.0)
    part = Obstruction.from_raster(layer, extent=extent)
    assert reads == [(50, 150, 50, 150)] and not layer.loaded  # 100 x 100 cells of the 1,000 x 1,100
    np.testing.assert_array_equal(part.heights, np.maximum(values[50:150, 50:150], 0.0))


def test_default_style_and_notes_equal_the_raster_read_whole(tmp_path):
    # a ground model larger than the styles' and notes' samples (1.2 M cells): the sample's windows are read from
    # the file as from memory, so the stretch and the notes are identical
    y, x = np.mgrid[0:1000, 0:1200]
    dem = (20.0 + 0.05 * x + 30.0 * np.sin(y / 70.0) ** 2).astype(np.float32)
    path = _write(tmp_path / "dem.tif", dem)
    lazy = read_raster(str(path), source=str(path), name="surface")
    eager = read_raster(str(path), source=str(path), name="surface", lazy=False)
    assert not lazy.loaded and eager.loaded
    assert lazy.notes == eager.notes and any("ground elevation" in note for note in lazy.notes)
    assert default_style(lazy) == default_style(eager)
    assert not lazy.loaded
    sample = lazy.sample(250_000)
    assert sample.shape == (1, 16 * 125, 125)  # 16 windows of 125 x 125 cells, spread over the raster
    np.testing.assert_array_equal(sample, eager.sample(250_000))
    np.testing.assert_array_equal(sample[0, :125], dem[125 - 62:125 + 63, 150 - 62:150 + 63])  # the first one


def test_terrain_below_sea_level_noted_the_same_when_file_backed(tmp_path):
    dem = np.full((60, 80), 12.0, np.float32)
    dem[10, 10] = -37.0
    path = _write(tmp_path / "dem.tif", dem)
    lazy = read_raster(str(path), source=str(path), name="dem", kind="terrain", lazy=True)
    eager = read_raster(str(path), source=str(path), name="dem", kind="terrain", lazy=False)
    assert lazy.notes == eager.notes and any("37" in note for note in lazy.notes)


def test_a_file_deleted_or_rewritten_after_opening_is_named(heights):
    path, values = heights
    layer, = open_layers(path)
    other, = open_layers(path)
    _write(path, values + 1, nodata=-1.0)
    os.utime(path, ns=(1, 1))  # a rewrite within the file system's time resolution still differs in time
    with pytest.raises(LayerError, match="changed on disk") as changed:
        other.read_pixels(0, 10, 0, 10)
    assert str(path) in str(changed.value)
    path.unlink()
    with pytest.raises(LayerError, match="no longer there") as gone:
        layer.band(1)
    assert str(path) in str(gone.value) and "heights" in str(gone.value)


def test_projects_link_file_backed_rasters_and_embed_them_when_edited_or_asked(heights, tmp_path):
    path, values = heights
    project = Project(32649)
    linked, = open_layers(path)
    project.add_layer(linked)
    embedded, = open_layers(path)
    embedded.name = "embedded"
    embedded.metadata["embed"] = True
    project.add_layer(embedded)
    edited, = open_layers(path)
    edited.name = "edited"
    edited.data = edited.data + 1.0
    edited.touch()
    project.add_layer(edited)
    saved = project.save(tmp_path / "p.lamp")

    reopened = Project.load(saved)
    assert not reopened.layer("heights").loaded  # a link opens file-backed again
    np.testing.assert_array_equal(reopened.layer("heights").data[0], values)
    path.unlink()  # the embedded copies do not need the file
    np.testing.assert_array_equal(reopened.layer("embedded").data[0], values)
    np.testing.assert_array_equal(reopened.layer("edited").data[0], values + 1.0)
    again = Project.load(saved)  # the linked layer's file is gone: left out, named; the copies still open
    assert [layer.name for layer in again] == ["embedded", "edited"]
    assert any(str(path) in str(problem) for problem in again.load_problems)
    np.testing.assert_array_equal(again.layer("edited").data[0], values + 1.0)


def test_the_canvas_colours_a_zoomed_view_from_one_window_as_from_the_raster_read_whole(heights, reads):
    from layers.styles import RasterRamp
    from workbench.render.raster import colour_view
    from workbench.render.settings import MapTransform

    path, _ = heights
    lazy, = open_layers(path)
    reads.clear()  # the notes' sample
    eager = read_raster(str(path), source=str(path), name="heights", lazy=False)
    ramp = RasterRamp([(0.0, "#000000"), (120.0, "#ffffff")])
    view = MapTransform((X0 + 300.0, Y0 - 900.0, X0 + 700.0, Y0 - 600.0), (400, 300))  # 200 x 150 cells of 2 m
    np.testing.assert_array_equal(colour_view(lazy, ramp, view, lazy.crs), colour_view(eager, ramp, view, None))
    assert len(reads) == 1 and reads[0] is not None and not lazy.loaded
    row0, row1, col0, col1 = reads[0]
    assert (row1 - row0) * (col1 - col0) <= 151 * 201  # the cells the view shows, no more
    whole = MapTransform((X0 - 100.0, Y0 - 2100.0, X0 + 2300.0, Y0 + 100.0), (240, 220))  # all of it
    np.testing.assert_array_equal(colour_view(lazy, ramp, whole, None), colour_view(eager, ramp, whole, None))


def test_a_geopackage_raster_table_is_left_in_its_file_and_read_by_window(tmp_path, reads):
    values = np.random.default_rng(1).uniform(0, 50, (1000, 1100)).astype(np.float32)
    path = tmp_path / "city.gpkg"
    with rasterio.open(path, "w", driver="GPKG", width=1100, height=1000, count=1, dtype="float32",
                       crs="EPSG:32649", transform=from_origin(X0, Y0, RES, RES), RASTER_TABLE="heights") as dst:
        dst.write(values, 1)
    layer, = open_layers(path)
    reads.clear()  # the notes' sample
    np.testing.assert_array_equal(layer.read_pixels(10, 20, 30, 50)[0], values[10:20, 30:50])
    assert reads == [(10, 20, 30, 50)] and not layer.loaded
    np.testing.assert_array_equal(layer.data[0], values)
