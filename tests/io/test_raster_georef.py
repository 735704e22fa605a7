"""GeoTIFF georeferencing the rest of Lamplight cannot use: flipped grids are turned north-up with a note, rotated,
sheared or zero-size-pixel grids are refused naming the file (issue 14, readers and writers)."""

import numpy as np
import pytest
import rasterio
from affine import Affine

from layers import LayerError
from layers.io import open_layers

GRID = np.arange(12, dtype="int16").reshape(1, 3, 4)      # 3 rows, 4 columns, every value different


def _write(path, transform, data=GRID):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=1,
                       dtype=data.dtype.name, crs="EPSG:32649", transform=transform) as dst:
        dst.write(data)


def _value_at(data, transform, x, y):
    """The pixel of ``data`` under map point (x, y), by inverting ``transform`` (the reference lookup)."""
    col, row = ~transform @ (x, y)
    return data[0, int(np.floor(row)), int(np.floor(col))]


@pytest.mark.parametrize(("name", "transform", "note"), [
    ("south_up.tif", Affine(5, 0, 760000, 0, 5, 2560000), "stored bottom-up"),
    ("east_first.tif", Affine(-5, 0, 760020, 0, -5, 2560015), "stored right-to-left"),
])
def test_a_flipped_grid_is_turned_north_up_with_a_note_and_every_point_keeps_its_value(tmp_path, name, transform,
                                                                                        note):
    path = tmp_path / name
    _write(path, transform)
    (layer,) = open_layers(path)
    assert layer.transform.a > 0 and layer.transform.e < 0
    assert any(note in text for text in layer.notes)
    xs = 760000.5 + np.arange(20)          # both grids cover x 760000-760020, y 2560000-2560015; no point
    ys = 2560000.5 + np.arange(15)         # lies on a pixel edge
    for x in xs:
        for y in ys:
            assert _value_at(layer.data, layer.transform, x, y) == _value_at(GRID, transform, x, y)
    assert sorted(layer.data.ravel()) == sorted(GRID.ravel())


def test_a_rotated_grid_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "rotated.tif"
    _write(path, Affine(4.33, 2.5, 760000, 2.5, -4.33, 2560000))
    with pytest.raises(LayerError, match=r"rotated\.tif: layer 'rotated': is rotated or sheared .*terms 2\.5 and 2\.5"):
        open_layers(path)


def test_zero_size_pixels_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "flat.tif"
    _write(path, Affine(5, 0, 760000, 0, 0, 2560000))
    with pytest.raises(LayerError, match=r"flat\.tif: layer 'flat': has zero-size pixels \(pixel width 5, height 0\)"):
        open_layers(path)


def test_a_north_up_grid_loads_unchanged(tmp_path):
    path = tmp_path / "plain.tif"
    transform = Affine(5, 0, 760000, 0, -5, 2560015)
    _write(path, transform)
    (layer,) = open_layers(path)
    assert layer.transform == transform
    assert np.array_equal(layer.data, GRID)
    assert not any("flipped" in text for text in layer.notes)
