"""The broken-input corpus: every bad file gives one LayerError naming the file and the problem, never a crash.

Other cases of the corpus live beside their readers (test_readers.py: truncated GeoPackage, shapefile without
.shx/.prj, CSV with text or swapped coordinates, GBK attributes, missing path, mixed GeoJSON).
"""

import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from layers import LayerError
from layers.io import open_layers

EMPTY_FILE_PROBLEMS = {
    "gpkg": "not a GeoPackage",
    "geojson": "not a readable GeoJSON file",
    "json": "not a readable GeoJSON file",
    "csv": "no header row and no data",
    "tif": "not a readable raster file",
    "shp": "index file empty.shx is missing",
    "zip": "not a valid zip archive",
    "xlsx": "not a readable Excel .xlsx workbook",
    "osm.pbf": "not a readable OpenStreetMap file",
}


@pytest.mark.parametrize("suffix", sorted(EMPTY_FILE_PROBLEMS))
def test_an_empty_file_is_named_with_its_problem(tmp_path, suffix):
    path = tmp_path / f"empty.{suffix}"
    path.write_bytes(b"")
    with pytest.raises(LayerError) as caught:
        open_layers(path)
    assert str(caught.value).startswith(str(path))
    assert EMPTY_FILE_PROBLEMS[suffix] in caught.value.problem


def test_a_geojson_cut_short_is_named(tmp_path):
    path = tmp_path / "cut.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Pol')
    with pytest.raises(LayerError, match="cut.geojson: could not be read as GeoJSON"):
        open_layers(path)


def test_an_invalid_polygon_is_repaired_and_kept_with_a_note(tmp_path):
    path = tmp_path / "bowtie.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "bow"}, '
                    '"geometry": {"type": "Polygon", "coordinates": [[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]}')
    (layer,) = open_layers(path)
    assert len(layer) == 1 and layer.gdf.geometry.is_valid.all()
    assert layer.gdf.geometry.area.iloc[0] == pytest.approx(2.0)  # the two triangles of the bow tie, 1 m² each
    assert "repaired 1 invalid geometries (features #1)" in layer.notes
    assert shapely.get_num_geometries(layer.gdf.geometry.iloc[0]) == 2


def test_a_raster_without_crs_loads_with_a_note(tmp_path):
    path = tmp_path / "nocrs.tif"
    with rasterio.open(path, "w", driver="GTiff", width=3, height=2, count=1, dtype="float32",
                       transform=from_origin(0, 2, 1, 1)) as dst:
        dst.write(np.ones((1, 2, 3), "float32"))
    (layer,) = open_layers(path)
    assert layer.crs is None and layer.data.shape == (1, 2, 3)
    assert any("no coordinate reference system" in note for note in layer.notes)


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(LayerError, match="is a folder"):
        open_layers(tmp_path)
