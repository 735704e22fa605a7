"""Projects built from multi-layer sources reopen with every layer, each read again from the layer it came from.

The files are written the way other tools write them (geopandas, GDAL's own ogr2ogr, a zip of shapefiles), opened
as the workbench opens a file (every layer in it), saved and reopened. The reference is the source file itself,
read layer by layer with pyogrio.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from layers import Project
from layers.io import open_layers

X0, Y0 = 760000.0, 2560000.0


def _city() -> dict[str, gpd.GeoDataFrame]:
    """Four layers a city hands over: roads, buildings, lamp poles and schools, each fitting its kind."""
    roads = gpd.GeoDataFrame({"name": ["Tianhe Rd", "Huacheng Ave"], "road_class": ["arterial", "local"]},
                             geometry=[shapely.LineString([(X0, Y0), (X0 + 500, Y0)]),
                                       shapely.LineString([(X0, Y0), (X0, Y0 + 400)])], crs=32649)
    buildings = gpd.GeoDataFrame({"height_m": [12.0, 30.0, 45.0]},
                                 geometry=[shapely.box(X0 + 10 * i, Y0 + 20, X0 + 10 * i + 8, Y0 + 28)
                                           for i in range(3)], crs=32649)
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(4)], "height_m": [8.0, 9.0, 10.0, 12.0]},
                             geometry=[shapely.Point(X0 + 25 * i, Y0 + 5) for i in range(4)], crs=32649)
    schools = gpd.GeoDataFrame({"name": ["Tianhe Primary"], "students": [900]},
                               geometry=[shapely.Point(X0 + 300, Y0 + 300)], crs=32649)
    return {"roads": roads, "buildings": buildings, "lamp_poles": poles, "schools": schools}


def _reopen(path, tmp_path):
    """Open every layer of ``path`` as the workbench does, save the project, and load it again."""
    project = Project(32649)
    project.add_layers(open_layers(path))
    saved = project.save(tmp_path / "city.lamp")
    return project, Project.load(saved), json.loads(zipfile.ZipFile(saved).read("project.json"))


def _same_features(layer, reference: gpd.GeoDataFrame) -> bool:
    return len(layer.gdf) == len(reference) and bool(np.all(shapely.equals(
        layer.gdf.geometry.to_numpy(), reference.geometry.to_numpy())))


def test_a_geopandas_geopackage_with_four_layers_reopens_with_all_four(tmp_path):
    source = tmp_path / "city.gpkg"
    for name, gdf in _city().items():
        gdf.to_file(source, layer=name, driver="GPKG", engine="pyogrio")
    before, after, manifest = _reopen(source, tmp_path)
    assert [entry["data"]["layer"] for entry in manifest["layers"]] == ["roads", "buildings", "lamp_poles", "schools"]
    assert after.load_problems == [] and after.unavailable == []
    assert [(layer.name, layer.kind) for layer in after] == [(layer.name, layer.kind) for layer in before] == [
        ("roads", "roads"), ("buildings", "buildings"), ("lamp_poles", "lamp_poles"), ("schools", "schools")]
    for layer in after:     # linked, not copied: each is read again from its own layer of the file
        assert layer.source == str(source)
        assert _same_features(layer, pyogrio.read_dataframe(source, layer=layer.metadata["source_layer"]))


def test_a_geopackage_written_by_ogr2ogr_with_chinese_layer_names_reopens(tmp_path):
    if shutil.which("ogr2ogr") is None:
        pytest.skip("GDAL's ogr2ogr is not installed (scripts/bootstrap.sh installs gdal-bin)")
    chinese = {"roads": "道路", "buildings": "建筑", "lamp_poles": "路灯", "schools": "学校"}
    target = tmp_path / "城市.gpkg"
    for name, gdf in _city().items():
        part = tmp_path / f"{name}.geojson"
        gdf.to_file(part, driver="GeoJSON", engine="pyogrio")
        subprocess.run(["ogr2ogr", "-f", "GPKG", *(["-update"] if target.exists() else []), "-nln", chinese[name],
                        str(target), str(part)], check=True, capture_output=True)
    _, after, manifest = _reopen(target, tmp_path)
    assert sorted(entry["data"]["layer"] for entry in manifest["layers"]) == sorted(chinese.values())
    assert after.load_problems == []
    assert sorted((layer.name, layer.kind) for layer in after) == sorted(
        (chinese[kind], kind) for kind in chinese)
    for layer in after:
        assert _same_features(layer, pyogrio.read_dataframe(target, layer=chinese[layer.kind]))


def test_a_renamed_layer_of_a_geopackage_still_reopens_from_its_own_layer(tmp_path):
    source = tmp_path / "city.gpkg"
    for name, gdf in _city().items():
        gdf.to_file(source, layer=name, driver="GPKG", engine="pyogrio")
    project = Project(32649)
    project.add_layers(open_layers(source))
    project.layer("schools").name = "Schools (district survey)"
    project.layer("lamp_poles").opacity = 0.4
    after = Project.load(project.save(tmp_path / "city.lamp"))
    assert [layer.name for layer in after] == ["roads", "buildings", "lamp_poles", "Schools (district survey)"]
    assert after.layer("lamp_poles").opacity == 0.4
    assert list(after.layer("Schools (district survey)").gdf["name"]) == ["Tianhe Primary"]


def test_a_zip_of_two_shapefiles_reopens_with_both(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    city = _city()
    city["roads"].to_file(folder / "roads.shp", engine="pyogrio")
    city["lamp_poles"].to_file(folder / "路灯.shp", engine="pyogrio", encoding="UTF-8")
    source = tmp_path / "city.zip"
    with zipfile.ZipFile(source, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"export/{file.name}")
    before, after, manifest = _reopen(source, tmp_path)
    assert sorted(entry["data"]["layer"] for entry in manifest["layers"]) == ["export/roads.shp", "export/路灯.shp"]
    assert after.load_problems == []
    assert sorted((layer.name, layer.kind, len(layer.gdf)) for layer in after) == [
        ("roads", "roads", 2), ("路灯", "lamp_poles", 4)]
    assert list(after.layer("路灯").gdf["pole_id"]) == ["P0", "P1", "P2", "P3"]


def test_each_geometry_type_of_a_mixed_file_reopens_as_its_own_part(tmp_path):
    """A GeoJSON mixing points and polygons loads as two layers; each comes back with its own features, also
    after the user renamed one and gave the other a kind."""
    city = _city()
    mixed = gpd.GeoDataFrame(
        {"name": ["Tianhe Primary", "Old Hall", "Annex"]},
        geometry=[city["schools"].geometry[0], city["buildings"].geometry[0], city["buildings"].geometry[1]],
        crs=32649)
    source = tmp_path / "survey.geojson"
    mixed.to_file(source, driver="GeoJSON", engine="pyogrio")
    project = Project(32649)
    project.add_layers(open_layers(source))
    assert [layer.name for layer in project] == ["survey (points)", "survey (polygons)"]
    project.layer("survey (polygons)").name = "halls"
    project.layer("survey (points)").kind = "schools"
    after = Project.load(project.save(tmp_path / "survey.lamp"))
    assert after.load_problems == []
    assert [(layer.name, layer.kind, list(layer.gdf["name"])) for layer in after] == [
        ("survey (points)", "schools", ["Tianhe Primary"]), ("halls", None, ["Old Hall", "Annex"])]


def test_a_layer_stored_under_another_name_in_its_file_reopens_by_its_real_name(tmp_path):
    """A layer saved by Lamplight into another GeoPackage carries its old source layer in the file's metadata;
    the project must remember the layer it was read from, not that old name."""
    from layers.io import write_layer

    first = tmp_path / "first.gpkg"
    _city()["lamp_poles"].to_file(first, layer="poles_2024", driver="GPKG", engine="pyogrio")
    poles, = open_layers(first)
    second = tmp_path / "second.gpkg"
    write_layer(poles, second, layer_name="lamp_poles_2025")
    _city()["schools"].to_file(second, layer="schools", driver="GPKG", engine="pyogrio")
    _, after, manifest = _reopen(second, tmp_path)
    assert [entry["data"]["layer"] for entry in manifest["layers"]] == ["lamp_poles_2025", "schools"]
    assert after.load_problems == [] and len(after) == 2


@pytest.mark.xdist_group("postgis")
def test_layers_from_a_postgis_table_and_query_keep_their_data_and_origin(postgis_server, tmp_path):
    """A database layer has no file to link to: the project keeps a copy and says which table or query it was."""
    import uuid

    import psycopg

    from layers.io.postgis import read_postgis, write_postgis

    url = postgis_server.url()
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        poles = open_layers(_write(tmp_path, "lamp_poles"))[0]
        write_postgis(poles, url, f"{schema}.lamp_poles")
        project = Project(32649)
        project.add_layer(read_postgis(url, table=f"{schema}.lamp_poles"))
        project.add_layer(read_postgis(url, query=f"SELECT * FROM {schema}.lamp_poles WHERE height_m > 8.5",
                                       name="tall poles"))
        after = Project.load(project.save(tmp_path / "db.lamp"))
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")
    assert after.load_problems == []
    table, query = after.layer("lamp_poles"), after.layer("tall poles")
    assert table.metadata["source_table"] == f"{schema}.lamp_poles" and table.kind == "lamp_poles"
    assert sorted(table.gdf["pole_id"]) == ["P0", "P1", "P2", "P3"]
    assert query.metadata["source_query"].endswith("WHERE height_m > 8.5")
    assert sorted(query.gdf["pole_id"]) == ["P1", "P2", "P3"]


def _write(tmp_path, name: str):
    path = tmp_path / f"{name}.gpkg"
    _city()[name].to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def test_a_project_saved_before_the_layer_was_recorded_gets_its_layers_back(tmp_path):
    """Projects written with the bug stored "layer": null for every layer of a multi-layer GeoPackage; those whose
    name is still the layer's own come back (a renamed one cannot be told apart and stays unavailable)."""
    source = tmp_path / "city.gpkg"
    for name, gdf in _city().items():
        gdf.to_file(source, layer=name, driver="GPKG", engine="pyogrio")
    project = Project(32649)
    project.add_layers(open_layers(source))
    project.layer("schools").name = "my schools"
    saved = project.save(tmp_path / "old.lamp")
    with zipfile.ZipFile(saved) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["project.json"])
    for entry in manifest["layers"]:
        entry["data"]["layer"] = None
    members["project.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(saved, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    reopened = Project.load(saved)
    assert [(layer.name, layer.kind, len(layer.gdf)) for layer in reopened] == [
        ("roads", "roads", 2), ("buildings", "buildings", 3), ("lamp_poles", "lamp_poles", 4)]
    assert len(reopened.unavailable) == 1 and reopened.unavailable[0][1]["name"] == "my schools"
