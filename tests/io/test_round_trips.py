"""Write with ``write_layer``, read with ``open_layers``: what a planner saves must come back unchanged."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from affine import Affine

from layers import LayerError, RasterLayer, VectorLayer
from layers.io import open_layers, write_layer


def _poles(crs=32649) -> VectorLayer:
    gdf = gpd.GeoDataFrame(
        {"pole_id": ["P1", "P2", "P3"], "height_m": [9.5, 12.0, 10.0], "has_power": [True, False, True],
         "power_w": [0.0, 150.0, 0.0], "attachments": ["cctv,wifi", "", "5g"], "capacity": [4, 2, 6],
         "road_id": ["R1", None, "R2"], "status": ["active", "planned", "faulty"]},
        geometry=[shapely.Point(500100.0, 2557100.0), shapely.Point(500200.5, 2557150.25),
                  shapely.Point(500300.0, 2557400.0)], crs=crs)
    return VectorLayer(gdf, "lamp_poles", kind="lamp_poles", metadata={"surveyed": "2024-05", "batch": [1, 2]})


def _buildings() -> VectorLayer:
    footprints = [shapely.box(500000, 2557000, 500020, 2557010),
                  shapely.Polygon(shapely.box(500100, 2557000, 500140, 2557025).exterior.coords,
                                  [shapely.box(500110, 2557005, 500120, 2557010).exterior.coords])]
    gdf = gpd.GeoDataFrame({"height_m": [12.0, 33.5], "levels": [4, 11]}, geometry=footprints, crs=32649)
    return VectorLayer(gdf, "buildings", kind="buildings")


def _dem() -> RasterLayer:
    data = np.arange(2 * 4 * 5, dtype="float32").reshape(2, 4, 5)
    data[0, 0, 0] = -9999.0
    return RasterLayer(data, Affine(2.0, 0, 500000.0, 0, -2.0, 2557010.0), 32649, name="heights",
                       nodata=-9999.0, band_names=["dsm", "dtm"], metadata={"resolution_note": "2 m grid"})


def _same_poles(back: VectorLayer) -> None:
    original = _poles().gdf
    assert back.kind == "lamp_poles" and back.crs.to_epsg() == 32649
    for column in ("pole_id", "height_m", "has_power", "power_w", "capacity", "status"):
        assert back.gdf[column].tolist() == original[column].tolist(), column
    assert back.gdf["attachments"].tolist() == ["cctv,wifi", "", "5g"]
    assert back.gdf["road_id"].tolist() == ["R1", None, "R2"]
    assert shapely.get_coordinates(back.gdf.geometry.to_numpy()).tolist() == [
        [500100.0, 2557100.0], [500200.5, 2557150.25], [500300.0, 2557400.0]]


def test_geopackage_holds_several_vector_layers_and_a_raster_table(tmp_path):
    path = tmp_path / "city.gpkg"
    write_layer(_poles(), path)
    write_layer(_buildings(), path)
    # A raster table next to the vector layers, as QGIS or gdal_translate would add it.
    dem = _dem()
    with rasterio.open(path, "w", driver="GPKG", width=5, height=4, count=1, dtype="float32",
                       crs="EPSG:32649", transform=dem.transform, RASTER_TABLE="terrain",
                       APPEND_SUBDATASET="YES") as dst:
        dst.write(dem.data[:1])
    assert [name for name, _ in pyogrio.list_layers(path)] == ["lamp_poles", "buildings"]

    loaded = {layer.name: layer for layer in open_layers(path)}
    assert list(loaded) == ["lamp_poles", "buildings", "terrain"]
    _same_poles(loaded["lamp_poles"])
    assert loaded["lamp_poles"].metadata["surveyed"] == "2024-05"
    assert loaded["lamp_poles"].metadata["batch"] == [1, 2]
    buildings = loaded["buildings"]
    assert buildings.kind == "buildings" and buildings.gdf.geometry.area.tolist() == [200.0, 950.0]
    terrain = loaded["terrain"]
    assert isinstance(terrain, RasterLayer) and terrain.crs.to_epsg() == 32649
    assert terrain.transform == dem.transform
    np.testing.assert_array_equal(terrain.data[0], dem.data[0])
    only, = open_layers(path, layer="buildings")
    assert only.name == "buildings"
    with pytest.raises(LayerError, match="has no layer named 'roads'; its layers are: lamp_poles, buildings, "
                                         "terrain"):
        open_layers(path, layer="roads")


def test_geopackage_refuses_to_overwrite_a_layer_unless_allowed(tmp_path):
    path = tmp_path / "city.gpkg"
    write_layer(_poles(), path)
    with pytest.raises(LayerError, match="layer 'lamp_poles': already has a layer with this name"):
        write_layer(_poles(), path, overwrite=False)
    smaller = _poles()
    smaller.gdf = smaller.gdf.iloc[:2]
    write_layer(smaller, path)
    assert len(open_layers(path)[0]) == 2


def test_geojson_round_trip_in_wgs84(tmp_path):
    layer = _poles().to_crs(4326)
    path = write_layer(layer, tmp_path / "poles.geojson")
    back, = open_layers(path)
    assert back.name == "poles" and back.kind == "lamp_poles" and back.crs.to_epsg() == 4326
    # GeoJSON keeps 15 significant digits: far below a millimetre
    np.testing.assert_allclose(shapely.get_coordinates(back.gdf.geometry.to_numpy()),
                               shapely.get_coordinates(layer.gdf.geometry.to_numpy()), rtol=0, atol=1e-9)
    assert back.gdf["pole_id"].tolist() == ["P1", "P2", "P3"]


def test_csv_with_prj_keeps_its_projected_crs(tmp_path):
    path = write_layer(_poles(), tmp_path / "poles.csv")
    assert (tmp_path / "poles.prj").exists()
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-2:] == ["x", "y"]
    back, = open_layers(path)
    _same_poles(back)
    assert any("read from poles.prj" in note for note in back.notes)


def test_csv_of_polygons_uses_a_wkt_column(tmp_path):
    path = write_layer(_buildings(), tmp_path / "buildings.csv")
    back, = open_layers(path)
    assert back.kind == "buildings" and back.crs.to_epsg() == 32649
    assert back.gdf.geometry.area.tolist() == [200.0, 950.0]


def test_geotiff_round_trip_keeps_nodata_crs_band_names_and_metadata(tmp_path):
    path = write_layer(_dem(), tmp_path / "heights.tif")
    back, = open_layers(path)
    assert isinstance(back, RasterLayer) and back.name == "heights"
    assert back.crs.to_epsg() == 32649 and back.transform == _dem().transform
    assert back.nodata == -9999.0 and back.band_names == ["dsm", "dtm"]
    assert back.metadata["resolution_note"] == "2 m grid"
    np.testing.assert_array_equal(back.data, _dem().data)
    assert back.band(1).count() == 19 and back.band(2).count() == 20
    with rasterio.open(path) as src:  # an independent reader sees the same
        assert src.nodata == -9999.0 and src.descriptions == ("dsm", "dtm") and src.crs.to_epsg() == 32649


def test_writers_refuse_what_cannot_be_saved(tmp_path):
    with pytest.raises(LayerError, match=r"a raster layer must be saved as GeoTIFF"):
        write_layer(_dem(), tmp_path / "dem.gpkg")
    with pytest.raises(LayerError, match=r"cannot save as '.shp'"):
        write_layer(_poles(), tmp_path / "poles.shp")
    with pytest.raises(LayerError, match="does not exist"):
        write_layer(_poles(), tmp_path / "missing" / "poles.gpkg")
    write_layer(_poles(), tmp_path / "poles.geojson")
    with pytest.raises(LayerError, match="already exists"):
        write_layer(_poles(), tmp_path / "poles.geojson", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poles.geojson"]  # no temporary files left behind


@pytest.mark.parametrize("name", ["poles.geojson", "poles.csv", "poles.tif"])
def test_replacing_a_layer_file_keeps_its_permissions_and_leaves_no_temp_file(tmp_path, name):
    layer = _dem() if name.endswith(".tif") else _poles()
    path = write_layer(layer, tmp_path / name)
    path.chmod(0o640)
    write_layer(layer, path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
