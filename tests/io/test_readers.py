"""Readers on the files planners actually get: zipped GBK shapefiles, CSV/XLSX tables, damaged files."""

from __future__ import annotations

import math
import zipfile

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pyproj
import pytest
import shapely
from scipy.integrate import quad

from layers import LayerError, Project
from layers.io import open_layers, write_layer

NAMES = ["天河路小学", "珠江新城中学", "华阳幼儿园"]


def _schools_shapefile(folder, encoding="GBK"):
    gdf = gpd.GeoDataFrame({"name": NAMES, "students": [1200, 1850, 240]},
                           geometry=shapely.points([(500000, 2557000), (500500, 2557300), (501000, 2557600)]),
                           crs=32649)
    path = folder / "schools.shp"
    pyogrio.write_dataframe(gdf, path, encoding=encoding)
    return path


def _strip_encoding_hints(shp):
    """Remove the .cpg and zero the .dbf language driver byte: a file that says nothing about its encoding."""
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0
    dbf.write_bytes(bytes(data))


def test_zipped_shapefile_with_gbk_dbf_and_no_cpg_reads_chinese_names(tmp_path):
    shp = _schools_shapefile(tmp_path)
    _strip_encoding_hints(shp)
    assert "天河路小学".encode("gbk") in shp.with_suffix(".dbf").read_bytes()
    archive = tmp_path / "schools.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in ("shp", "shx", "dbf", "prj"):
            zf.write(shp.with_suffix(f".{part}"), f"data/schools.{part}")
    layer, = open_layers(archive)
    assert layer.name == "schools" and layer.kind == "schools"
    assert layer.gdf["name"].tolist() == NAMES
    assert layer.gdf["students"].tolist() == [1200, 1850, 240]
    assert layer.crs.to_epsg() == 32649
    assert any("no .cpg file" in note and "GBK" in note for note in layer.notes)
    with pytest.raises(LayerError, match=r"schools\.zip: holds no shapefile or GeoJSON named 'poles'; it holds: "
                                         r"schools$"):
        open_layers(archive, layer="poles")


def test_plain_shapefile_utf8_without_cpg_and_without_prj(tmp_path):
    shp = _schools_shapefile(tmp_path, encoding="UTF-8")
    _strip_encoding_hints(shp)
    shp.with_suffix(".prj").unlink()
    layer, = open_layers(shp)
    assert layer.gdf["name"].tolist() == NAMES
    assert layer.crs is None and any("no coordinate reference system" in note for note in layer.notes)
    given, = open_layers(shp, crs=32649)
    assert given.crs.to_epsg() == 32649 and any("CRS set to EPSG:32649 as given" in n for n in given.notes)


def test_missing_shx_says_which_file_to_copy(tmp_path):
    shp = _schools_shapefile(tmp_path)
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in ("shp", "dbf", "prj"):
            zf.write(shp.with_suffix(f".{part}"), f"schools.{part}")
    shp.with_suffix(".shx").unlink()
    with pytest.raises(LayerError, match=r"schools\.shp: the index file schools\.shx is missing.*\.shp, \.shx and "
                                         r"\.dbf"):
        open_layers(shp)
    with pytest.raises(LayerError, match=r"bundle\.zip: the index file schools\.shx is missing"):
        open_layers(archive)


def test_csv_lon_lat_columns_are_found_and_wgs84_is_noted(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text("Pole_ID,Longitude,Latitude,Height_M\nA1,113.3250,23.1200,12\nA2,113.3261,23.1207,\n",
                    encoding="utf-8")
    layer, = open_layers(path)
    assert layer.kind == "lamp_poles" and layer.crs.to_epsg() == 4326
    assert shapely.get_coordinates(layer.gdf.geometry.to_numpy()).tolist() == [[113.325, 23.12],
                                                                              [113.3261, 23.1207]]
    assert layer.gdf["height_m"].tolist() == [12.0, 10.0]
    assert any("'Longitude'/'Latitude' read as WGS84 longitude/latitude (EPSG:4326)" in n for n in layer.notes)
    assert any("renamed 'Pole_ID' to 'pole_id'" in n for n in layer.notes)


def test_csv_swapped_lat_lon_is_swapped_back_and_projected_numbers_are_refused(tmp_path):
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("site_id,lon,lat\nS1,23.12,113.325\n", encoding="utf-8")
    layer, = open_layers(swapped)
    assert (layer.gdf.geometry.x.iloc[0], layer.gdf.geometry.y.iloc[0]) == (113.325, 23.12)
    assert any("look swapped" in n for n in layer.notes)
    projected = tmp_path / "projected.csv"
    projected.write_text("site_id,x,y\nS1,500100,2557100\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"projected\.csv: layer 'projected': coordinates in 'x'/'y' reach "
                                         r"2,557,100.*give their CRS"):
        open_layers(projected)
    given, = open_layers(projected, crs=32649)
    assert given.crs.to_epsg() == 32649 and given.gdf.geometry.x.iloc[0] == 500100


def test_csv_bad_coordinates_name_the_rows_and_gbk_text_is_decoded(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lon,lat\na,113.3,23.1\nb,east,23.2\nc,113.4,23.3\nd,?,23.3\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"column 'lon' has 2 values that are not numbers \('east', '\?'\) in "
                                         r"rows 3, 5"):
        open_layers(bad)
    gbk = tmp_path / "schools.csv"
    gbk.write_bytes("name,lng,lat\n天河路小学,113.33,23.13\n".encode("gbk"))
    layer, = open_layers(gbk)
    assert layer.gdf["name"].tolist() == ["天河路小学"] and any("read as GBK" in n for n in layer.notes)


def test_xlsx_every_sheet_with_coordinates_becomes_a_layer(tmp_path):
    path = tmp_path / "survey.xlsx"
    book = openpyxl.Workbook()
    poles = book.active
    poles.title = "lamp_poles"
    poles.append(["pole_id", "经度", "纬度", "height_m"])
    poles.append(["P1", 113.325, 23.12, "12"])
    poles.append(["P2", 113.326, 23.121, 9])
    offices = book.create_sheet("offices")
    offices.append(["listing_id", "lon", "lat", "price_m2"])
    offices.append(["L1", 113.33, 23.125, 260.5])
    notes = book.create_sheet("readme")
    notes.append(["surveyed by", "district office"])
    book.save(path)
    loaded = {layer.name: layer for layer in open_layers(path)}
    assert list(loaded) == ["lamp_poles", "offices"]
    assert loaded["lamp_poles"].kind == "lamp_poles" and loaded["lamp_poles"].gdf["height_m"].tolist() == [12.0, 9.0]
    assert loaded["offices"].kind == "office_space" and loaded["offices"].gdf["price_m2"].tolist() == [260.5]
    assert any("skipped sheets without coordinate columns: readme" in n for n in loaded["lamp_poles"].notes)
    one, = open_layers(path, sheet="offices")
    assert len(one) == 1
    with pytest.raises(LayerError, match="has no coordinate columns"):
        open_layers(path, sheet="readme")


def test_truncated_or_foreign_geopackage_is_named_as_such(tmp_path):
    path = tmp_path / "city.gpkg"
    big = gpd.GeoDataFrame({"v": np.arange(2000)}, geometry=shapely.points(np.arange(2000), np.arange(2000)),
                           crs=32649)
    pyogrio.write_dataframe(big, path, layer="points")
    data = path.read_bytes()
    cut = tmp_path / "cut.gpkg"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(LayerError, match=r"cut\.gpkg: is truncated \([\d,]+ of [\d,]+ bytes\).*copy the file again"):
        open_layers(cut)
    text = tmp_path / "notes.gpkg"
    text.write_text("not a database")
    with pytest.raises(LayerError, match=r"notes\.gpkg: is not a GeoPackage \(it is not an SQLite database"):
        open_layers(text)


def test_mixed_geojson_splits_by_geometry_family(tmp_path):
    path = tmp_path / "mixed.geojson"
    gdf = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[shapely.Point(113.3, 23.1),
                                                               shapely.box(113.3, 23.1, 113.31, 23.11),
                                                               shapely.Point(113.32, 23.12)], crs=4326)
    pyogrio.write_dataframe(gdf, path, driver="GeoJSON")
    loaded = {layer.name: len(layer) for layer in open_layers(path)}
    assert loaded == {"mixed (points)": 2, "mixed (polygons)": 1}


def test_a_layer_mixing_every_family_splits_by_family_with_the_features_without_geometry_in_the_largest():
    from layers.io.finish import vector_layers

    geometries = [shapely.Point(0, 0), None, shapely.LineString([(0, 0), (1, 1)]), shapely.box(0, 0, 1, 1),
                  shapely.MultiPoint([(0, 0), (1, 1)]), shapely.GeometryCollection([shapely.Point(5, 5)]),
                  shapely.MultiPolygon([shapely.box(2, 2, 3, 3)]), shapely.LinearRing([(0, 0), (1, 0), (1, 1)]),
                  shapely.MultiLineString([[(0, 0), (2, 2)]]), shapely.Point(3, 3), None, shapely.Point(4, 4)]
    frame = gpd.GeoDataFrame({"n": range(len(geometries))}, geometry=geometries, crs=32649)
    family = {"Point": "points", "MultiPoint": "points", "LineString": "lines", "LinearRing": "lines",
              "MultiLineString": "lines", "Polygon": "polygons", "MultiPolygon": "polygons",
              "GeometryCollection": "collections"}
    expected: dict[str, list[int]] = {}
    for n, geometry in enumerate(geometries):    # by shapely's type names, one feature at a time
        if geometry is not None:
            expected.setdefault(f"mixed ({family[geometry.geom_type]})", []).append(n)
    expected["mixed (points)"] += [n for n, geometry in enumerate(geometries) if geometry is None]  # the largest
    parts = vector_layers(frame, "mixed", source="mixed.gpkg")
    assert [part.name for part in parts] == sorted(expected)
    assert {part.name: sorted(part.gdf["n"]) for part in parts} == {name: sorted(rows) for name, rows in
                                                                     expected.items()}


def test_unknown_extension_and_missing_file(tmp_path):
    other = tmp_path / "plan.dwg"
    other.write_bytes(b"AC1032")
    with pytest.raises(LayerError, match=r"'\.dwg' files cannot be opened; supported: \.gpkg.*\.osm\.pbf"):
        open_layers(other)
    with pytest.raises(LayerError, match="the file does not exist"):
        open_layers(tmp_path / "nothing.gpkg")


def _meridian_arc(latitude_deg: float) -> float:
    """WGS84 meridian arc length from the equator, by integrating the meridional radius of curvature."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)

    def radius(phi: float) -> float:
        return a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5

    return quad(radius, 0.0, math.radians(latitude_deg), epsabs=1e-9)[0]


def test_reprojection_to_the_project_crs_matches_references(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text("pole_id,lon,lat\nCM,111.0,23.12\nTH,113.325,23.12\n", encoding="utf-8")
    layer, = open_layers(path)
    project = Project("EPSG:32649")
    projected = layer.to_crs(project.crs)
    coordinates = shapely.get_coordinates(projected.gdf.geometry.to_numpy())
    # On the zone's central meridian (111°E) UTM is the meridian arc scaled by k0 = 0.9996, easting 500 km.
    assert coordinates[0, 0] == pytest.approx(500000.0, abs=1e-6)
    assert coordinates[0, 1] == pytest.approx(0.9996 * _meridian_arc(23.12), abs=1e-3)
    expected = pyproj.Transformer.from_crs(4326, 32649, always_xy=True).transform(113.325, 23.12)
    assert tuple(coordinates[1]) == pytest.approx(expected, abs=1e-6)
    # and written out, the projected layer comes back where it was
    back, = open_layers(write_layer(projected, tmp_path / "utm.gpkg"))
    assert back.crs.to_epsg() == 32649
    np.testing.assert_allclose(shapely.get_coordinates(back.gdf.geometry.to_numpy()), coordinates, atol=1e-9)
