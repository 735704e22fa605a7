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
    # the two triangles of the bow tie, 1 square degree each (GeoJSON is lon/lat)
    assert shapely.area(layer.gdf.geometry.iloc[0]) == pytest.approx(2.0)
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


def test_a_csv_beside_an_unreadable_prj_names_the_prj(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text("pole_id,x,y\nP1,500100,2557100\n", encoding="utf-8")
    (tmp_path / "poles.prj").write_text("PROJCS[broken", encoding="utf-8")
    with pytest.raises(LayerError, match=r"poles\.csv: poles\.prj beside it is not a readable CRS definition"):
        open_layers(path)
    (layer,) = open_layers(path, crs=32649)  # a CRS given when opening wins over the sidecar
    assert layer.crs.to_epsg() == 32649


def test_only_one_coordinate_column_named_asks_for_both(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text("pole_id,e,n\nP1,500100,2557100\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"give both coordinate columns \(x_field and y_field\), not only 'e'"):
        open_layers(path, x_field="e", crs=32649)
    (layer,) = open_layers(path, x_field="e", y_field="n", crs=32649)
    assert (layer.gdf.geometry.x.iloc[0], layer.gdf.geometry.y.iloc[0]) == (500100, 2557100)


def test_a_geopackage_cut_inside_its_header_is_truncated(tmp_path):
    path = tmp_path / "cut.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + bytes(20))
    with pytest.raises(LayerError, match=r"cut\.gpkg: is truncated \(36 bytes, not even a database header\)"):
        open_layers(path)


def test_repeated_csv_column_names_are_kept_apart_as_qgis_names_them(tmp_path):
    path = tmp_path / "poles.csv"
    # pandas alone would call the repeats 'name.2' and 'Name' and leave a real 'name.1' looking like one of them.
    path.write_text("name,lon,lat,name,Name,name.1\nP1,113.3,23.1,north gate,NG,x1\n", encoding="utf-8")
    (layer,) = open_layers(path)
    columns = [c for c in layer.gdf.columns if c != layer.gdf.geometry.name]
    assert columns == ["name", "name_1", "Name_2", "name.1"]
    assert layer.gdf.iloc[0][columns].tolist() == ["P1", "north gate", "NG", "x1"]
    note = next(n for n in layer.notes if "repeats" in n)
    assert "'name' (3 times)" in note and "'name_1', 'Name_2'" in note


def test_repeated_column_names_in_a_spreadsheet_are_renamed_too(tmp_path):
    import openpyxl

    path = tmp_path / "sites.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["site", "lon", "lat", "site"])
    sheet.append(["S1", 113.3, 23.1, "old id"])
    book.save(path)
    (layer,) = open_layers(path)
    assert layer.gdf["site_1"].tolist() == ["old id"] and layer.gdf["site"].tolist() == ["S1"]
    assert any("'site' (2 times)" in n for n in layer.notes)


def test_csv_export_defuses_spreadsheet_formulas_and_keeps_negative_numbers(tmp_path):
    import csv

    import geopandas as gpd

    from layers import VectorLayer
    from layers.io import write_layer

    notes = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "plain", None,
             "a=b"]
    heights = [-5.5, 3.0, -0.25, 0.0, -1e6, 7.0, -2.0, 1.5, -3.0]
    gdf = gpd.GeoDataFrame({"note": notes, "height_m": heights, "=cmd": ["x"] * 9},
                           geometry=shapely.points(np.column_stack([np.arange(9) * 10.0 + 500000, np.full(9, 2.5e6)])),
                           crs=32649)
    path = write_layer(VectorLayer(gdf, "poles"), tmp_path / "poles.csv")
    with path.open(newline="", encoding="utf-8") as file:  # what a spreadsheet would see, cell by cell
        rows = list(csv.reader(file))
    header, cells = rows[0], rows[1:]
    assert header[:3] == ["note", "height_m", "'=cmd"]
    expected = ["'" + n if n and n[0] in "=+-@\t\r" else (n or "") for n in notes]
    assert [row[0] for row in cells] == expected
    assert [float(row[1]) for row in cells] == heights  # numbers are not text cells: negatives stay numbers
    (back,) = open_layers(path)
    assert back.gdf["height_m"].tolist() == heights
    assert back.gdf["note"].tolist()[:3] == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+2", "'-2+3"]
