"""Files from others cannot make GDAL read other files or call the network (issue 14).

Each payload is first shown to work when GDAL picks the driver by content (plain pyogrio/rasterio leak the
marker of a file in tmp_path, or call the local HTTP server); then Lamplight must refuse it with a LayerError
naming the file and saying it is not the format its name says, leaking nothing and making no request.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin

from layers import LayerError, Project, RasterLayer, VectorLayer
from layers.io import open_layers
from layers.io.gdal_open import LOCKDOWN

MARKER = "LAMPLIGHT-SECRET-7f3a"
MARKER_VALUE = 217          # every pixel of the secret raster
PYOGRIO_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


@pytest.fixture
def secrets(tmp_path):
    """A CSV, a text file and a GeoTIFF holding the marker, beside where the payloads are written."""
    (tmp_path / "secret.csv").write_text(f"secret,WKT\n{MARKER},POINT (1 2)\n")
    (tmp_path / "secret.txt").write_text(MARKER)
    with rasterio.open(tmp_path / "secret.tif", "w", driver="GTiff", width=4, height=3, count=1, dtype="uint8",
                       crs="EPSG:32649", transform=from_origin(760000, 2560000, 5, 5)) as dst:
        dst.write(np.full((1, 3, 4), MARKER_VALUE, "uint8"))
    return tmp_path


@pytest.fixture
def server():
    """A local HTTP server on a free port that records every request path; stopped after the test."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def vector_vrt(source: str, layer: str = "secret") -> str:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource><SrcLayer>{layer}'
            '</SrcLayer><GeometryType>wkbPoint</GeometryType><GeometryField encoding="WKT" field="WKT"/>'
            '</OGRVRTLayer></OGRVRTDataSource>')


def raw_raster_vrt(sibling: str, length: int) -> str:
    """A VRT whose one band is the bytes of a file beside it."""
    return (f'<VRTDataset rasterXSize="{length}" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1" '
            f'subClass="VRTRawRasterBand"><SourceFilename relativetoVRT="1">{sibling}</SourceFilename>'
            f'<ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>{length}</LineOffset>'
            '</VRTRasterBand></VRTDataset>')


def raster_vrt(source: str) -> str:
    return ('<VRTDataset rasterXSize="4" rasterYSize="3"><VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
            f'<SourceFilename>{source}</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>'
            '</VRTDataset>')


def gdalg(source: str) -> str:
    return json.dumps({"type": "gdal_streamed_alg",
                       "command_line": f"gdal vector pipeline ! read {source} ! write --of stream streamed_dataset"})


def assert_refused(path, says: str, *, holds: str, layer: str | None = None) -> LayerError:
    with pytest.raises(LayerError) as caught:
        open_layers(path)
    error = caught.value
    assert error.source == str(path)
    assert error.layer == layer
    assert f"its name says {says} but it holds {holds}" in error.problem
    assert MARKER not in str(error)
    return error


# -- the payloads work when GDAL chooses by content ---------------------------------------------------------------

def test_the_payloads_leak_the_marker_when_gdal_picks_the_driver_by_content(secrets):
    (secrets / "a.geojson").write_text(vector_vrt(str(secrets / "secret.csv")))
    (secrets / "b.geojson").write_text(gdalg(str(secrets / "secret.csv")))
    (secrets / "c.tif").write_text(raw_raster_vrt("secret.txt", len(MARKER)))
    (secrets / "d.tif").write_text(raster_vrt(str(secrets / "secret.tif")))
    assert pyogrio.read_dataframe(secrets / "a.geojson")["secret"].tolist() == [MARKER]
    assert pyogrio.read_dataframe(secrets / "b.geojson")["secret"].tolist() == [MARKER]
    with rasterio.open(secrets / "c.tif") as src:
        assert bytes(src.read(1)[0]).decode() == MARKER
    with rasterio.open(secrets / "d.tif") as src:
        assert (src.read(1) == MARKER_VALUE).all()


def test_a_url_payload_calls_the_server_when_gdal_is_not_locked_down(tmp_path, server):
    url, requests = server
    (tmp_path / "remote.tif").write_text(raster_vrt(f"/vsicurl/{url}/x.tif"))
    with pytest.raises(rasterio.errors.RasterioIOError), rasterio.open(tmp_path / "remote.tif") as src:
        src.read()
    assert requests


# -- refused by Lamplight ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "says"), [("a.geojson", "GeoJSON"), ("a.json", "GeoJSON"),
                                            ("a.gpkg", "GeoPackage"), ("a.shp", "shapefile")])
def test_a_vector_vrt_under_any_vector_name_is_refused(secrets, name, says):
    path = secrets / name
    path.write_text(vector_vrt(str(secrets / "secret.csv")))
    (secrets / "a.shx").write_bytes(b"")      # a shapefile needs its index beside it to be tried at all
    assert_refused(path, says, holds="a GDAL virtual dataset (VRT)")


@pytest.mark.parametrize("name", ["a.tif", "a.tiff"])
def test_a_raster_vrt_under_a_geotiff_name_is_refused(secrets, name):
    (secrets / f"raw-{name}").write_text(raw_raster_vrt("secret.txt", len(MARKER)))
    (secrets / name).write_text(raster_vrt(str(secrets / "secret.tif")))
    for path in (secrets / f"raw-{name}", secrets / name):
        assert_refused(path, "GeoTIFF", holds="a GDAL virtual dataset (VRT)")


def test_a_gdal_streamed_algorithm_under_a_geojson_name_is_refused(secrets):
    path = secrets / "alg.geojson"
    path.write_text(gdalg(str(secrets / "secret.csv")))
    assert_refused(path, "GeoJSON", holds="a GDAL streamed algorithm")


def test_other_formats_under_a_promised_name_are_refused_too(secrets):
    (secrets / "image.gpkg").write_bytes((secrets / "secret.tif").read_bytes())
    (secrets / "table.tif").write_text("<html><body>not a raster</body></html>")
    assert_refused(secrets / "image.gpkg", "GeoPackage", holds="a TIFF image")
    assert_refused(secrets / "table.tif", "GeoTIFF", holds="XML or HTML")


@pytest.mark.parametrize(("text", "driver", "holds"), [
    ('{"geometryType": "esriGeometryPoint", "features": [{"attributes": {"id": 1}, "geometry": {"x": 1, "y": 2}}]}',
     "ESRIJSON", "Esri JSON (ArcGIS)"),
    ('{"type": "Topology", "objects": {"p": {"type": "GeometryCollection", "geometries": [{"type": "Point", '
     '"coordinates": [1, 2]}]}}, "arcs": []}', "TopoJSON", "TopoJSON"),
])
def test_other_json_formats_gdal_would_switch_to_are_named(tmp_path, text, driver, holds):
    path = tmp_path / "delivery.json"
    path.write_text(text)
    assert pyogrio.read_info(path)["driver"] == driver      # GDAL alone reads it with another driver
    assert_refused(path, "GeoJSON", holds=holds)


def _zip(path, members: dict[str, str | bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(("member", "says"), [("roads/poles.shp", "shapefile"), ("poles.geojson", "GeoJSON")])
def test_a_vrt_inside_a_zip_is_refused_naming_the_zip_and_the_member(secrets, member, says):
    path = secrets / "delivery.zip"
    stem = member.rsplit(".", 1)[0]
    _zip(path, {member: vector_vrt(str(secrets / "secret.csv")), f"{stem}.shx": b"", f"{stem}.dbf": b""})
    assert_refused(path, says, holds="a GDAL virtual dataset (VRT)", layer=member)


def test_a_zip_member_named_outside_the_archive_is_refused(secrets):
    path = secrets / "delivery.zip"
    _zip(path, {"../poles.shp": b"\x00\x00\x27\x0a", "../poles.shx": b"", "../poles.dbf": b""})
    with pytest.raises(LayerError, match=r"delivery\.zip: holds a file with an unsafe name \(\.\./poles\.shp\)"):
        open_layers(path)


def _project_with_members(tmp_path):
    poles = VectorLayer(gpd.GeoDataFrame({"pole_id": ["P1", "P2"]}, geometry=[shapely.Point(760000, 2560000),
                                                                             shapely.Point(760010, 2560000)],
                                         crs=32649), "poles")
    kept = VectorLayer(gpd.GeoDataFrame({"road": ["R1"]}, geometry=[shapely.Point(760005, 2560005)], crs=32649),
                       "roads")
    grid = RasterLayer(np.full((3, 4), 5, "uint8"), from_origin(760000, 2560000, 5, 5), 32649, name="grid")
    project = Project(32649)
    for layer in (poles, kept, grid):
        project.add_layer(layer)
    path = project.save(tmp_path / "shared.lamp")
    with zipfile.ZipFile(path) as archive:
        members = {entry["name"]: entry["data"]["member"] for entry in json.loads(archive.read("project.json"))[
            "layers"]}
    return path, members["poles"], members["grid"]


def _replace_members(path, replacements: dict[str, str]) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    assert set(replacements) <= set(members)     # the members the real writer made
    _zip(path, {**members, **replacements})


def test_a_project_member_holding_a_vrt_is_refused_and_the_rest_opens(secrets):
    path, vector_member, raster_member = _project_with_members(secrets)
    _replace_members(path, {vector_member: vector_vrt(str(secrets / "secret.csv")),
                            raster_member: raster_vrt(str(secrets / "secret.tif"))})
    project = Project.load(path)
    assert [layer.name for layer in project] == ["roads"]
    problems = "\n".join(project.load_problems)
    assert f"{vector_member}: layer 'poles': is not a GeoPackage: its name says GeoPackage but it holds a GDAL " \
           "virtual dataset (VRT)" in problems
    assert f"{raster_member}: layer 'grid': is not a readable raster file: its name says GeoTIFF but it holds a " \
           "GDAL virtual dataset (VRT)" in problems
    assert MARKER not in problems
    assert project.layers[0].gdf["road"].tolist() == ["R1"]


def test_an_untouched_project_still_opens_every_member(secrets):
    path, _, _ = _project_with_members(secrets)
    project = Project.load(path)
    assert [layer.name for layer in project] == ["poles", "roads", "grid"]
    assert project.load_problems == []
    assert (project.layers[2].data == 5).all()


# -- no request reaches the network -------------------------------------------------------------------------------

def test_url_payloads_make_no_request(tmp_path, server):
    url, requests = server
    (tmp_path / "remote.tif").write_text(raster_vrt(f"/vsicurl/{url}/x.tif"))
    (tmp_path / "remote.geojson").write_text(vector_vrt(f"/vsicurl/{url}/x.csv", layer="x"))
    (tmp_path / "remote.gpkg").write_text(vector_vrt(f"/vsicurl/{url}/y.csv", layer="y"))
    for name in ("remote.tif", "remote.geojson", "remote.gpkg"):
        with pytest.raises(LayerError, match="GDAL virtual dataset"):
            open_layers(tmp_path / name)
    with pytest.raises(LayerError):
        open_layers(f"/vsicurl/{url}/z.geojson")
    assert requests == []


def test_the_gdal_settings_alone_keep_vsicurl_off_the_network(tmp_path, server):
    """The second line: even a VRT GDAL does open (not through Lamplight's readers) reaches no server."""
    url, requests = server
    (tmp_path / "remote.vrt").write_text(raster_vrt(f"/vsicurl/{url}/x.tif"))
    (tmp_path / "remote-vector.vrt").write_text(vector_vrt(f"/vsicurl/{url}/x.csv", layer="x"))
    with rasterio.Env(**LOCKDOWN), pytest.raises(rasterio.errors.RasterioIOError), \
            rasterio.open(tmp_path / "remote.vrt") as src:
        src.read()
    with pytest.raises(PYOGRIO_ERRORS):      # pyogrio's GDAL has LOCKDOWN set process-wide
        pyogrio.read_dataframe(tmp_path / "remote-vector.vrt")
    assert requests == []
    pyogrio.set_gdal_config_options({"CPL_VSIL_CURL_ALLOWED_EXTENSIONS": None})
    try:                                                        # without it, the same read calls the server
        with pytest.raises(PYOGRIO_ERRORS):
            pyogrio.read_dataframe(tmp_path / "remote-vector.vrt")
    finally:
        pyogrio.set_gdal_config_options(LOCKDOWN)
    assert requests


def _geojson_with_crs(crs: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [
        {"type": "Feature", "properties": {"id": 1}, "geometry": {"type": "Point", "coordinates": [113.3, 23.1]}}]})


def test_a_geojson_crs_link_is_fetched_by_gdal_but_refused_by_lamplight(tmp_path, server):
    url, requests = server
    path = tmp_path / "linked.geojson"
    path.write_text(_geojson_with_crs({"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}))
    pyogrio.read_dataframe(path)                      # GDAL alone, even with LOCKDOWN: fetches the link
    assert requests == ["/crs.wkt"]
    with pytest.raises(LayerError, match=rf"linked\.geojson: its CRS is given as a link \({url}/crs\.wkt\)"):
        open_layers(path)
    zipped = tmp_path / "linked.zip"
    _zip(zipped, {"linked.geojson": path.read_text()})
    with pytest.raises(LayerError, match=r"linked\.zip: layer 'linked\.geojson': its CRS is given as a link"):
        open_layers(zipped)
    assert requests == ["/crs.wkt"]                   # nothing more since


def test_a_geojson_crs_by_name_still_loads(tmp_path):
    path = tmp_path / "named.geojson"
    path.write_text(_geojson_with_crs({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}))
    (layer,) = open_layers(path)
    assert layer.crs.to_epsg() == 4326
    assert layer.gdf.geometry.iloc[0].equals(shapely.Point(113.3, 23.1))


# -- only local regular files ----------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("name", ["pipe.geojson", "pipe.gpkg", "pipe.tif", "pipe.zip"])
def test_a_named_pipe_is_refused_instead_of_blocking(tmp_path, name):
    path = tmp_path / name
    os.mkfifo(path)
    with pytest.raises(LayerError, match="is not a regular file"):
        open_layers(path)


def test_a_geopackage_in_a_folder_with_a_colon_opens_its_vector_and_raster_tables(tmp_path):
    folder = tmp_path / "survey:2026"
    folder.mkdir()
    path = folder / "city.gpkg"
    poles = gpd.GeoDataFrame({"pole_id": ["P1"]}, geometry=[shapely.Point(760000, 2560000)], crs=32649)
    pyogrio.write_dataframe(poles, path, layer="poles", driver="GPKG")
    heights = np.arange(12, dtype="uint8").reshape(1, 3, 4)
    with rasterio.open(path, "w", driver="GPKG", width=4, height=3, count=1, dtype="uint8", crs="EPSG:32649",
                       transform=from_origin(760000, 2560000, 5, 5), RASTER_TABLE="heights",
                       APPEND_SUBDATASET="YES") as dst:
        dst.write(heights)
    layers = {layer.name: layer for layer in open_layers(path)}
    assert layers["poles"].gdf["pole_id"].tolist() == ["P1"]
    assert np.array_equal(layers["heights"].data[:1], heights)


# -- side files GDAL opens beside a GeoTIFF ------------------------------------------------------------------------

def _small_vrt_over(source: str) -> str:
    """A 2 x 2 VRT of ``source``: as an overview of a 4 x 3 GeoTIFF, GDAL reads it for half-size requests."""
    return raster_vrt(source).replace('rasterXSize="4" rasterYSize="3"', 'rasterXSize="2" rasterYSize="2"')


def test_an_overview_side_file_holding_a_vrt_leaks_through_plain_gdal_and_is_refused(secrets):
    path = secrets / "poles.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="uint8", crs="EPSG:32649",
                       transform=from_origin(760000, 2560000, 5, 5)) as dst:
        dst.write(np.full((1, 3, 4), 1, "uint8"))
    side = secrets / "poles.tif.ovr"
    side.write_text(_small_vrt_over(str(secrets / "secret.tif")))
    with rasterio.open(path) as src:
        assert (src.read(1, out_shape=(2, 2)) == MARKER_VALUE).all()
    for name in ("poles.tif.ovr", "poles.tif.msk", "poles.aux"):
        side.rename(secrets / name)
        side = secrets / name
        with pytest.raises(LayerError, match=rf"poles\.tif: layer 'poles': its side file {name} is not what GDAL "
                                             r"writes there: it holds a GDAL virtual dataset \(VRT\)"):
            open_layers(path)


def test_a_real_tiff_overview_beside_a_geotiff_is_fine(secrets):
    path = secrets / "poles.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="uint8", crs="EPSG:32649",
                       transform=from_origin(760000, 2560000, 5, 5)) as dst:
        dst.write(np.full((1, 3, 4), 1, "uint8"))
    (secrets / "poles.tif.ovr").write_bytes((secrets / "secret.tif").read_bytes())
    (layer,) = open_layers(path)
    assert (layer.data == 1).all()


# -- whatever follows a recognised header, the answer is layers or a LayerError ---------------------------------

HEADERS = {
    "x.geojson": [b"", b"{", b'{"type": "FeatureCollection", "features": [', b"\xef\xbb\xbf {"],
    "x.gpkg": [b"", b"SQLite format 3\x00"],
    "x.tif": [b"", b"II*\x00", b"MM\x00*", b"II+\x00\x08\x00\x00\x00"],
    "x.shp": [b"", b"\x00\x00\x27\x0a"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(HEADERS)), data=st.data(), tail=st.binary(max_size=600))
def test_any_content_behind_a_known_header_gives_layers_or_a_layer_error(tmp_path, name, data, tail):
    path = tmp_path / name
    path.write_bytes(data.draw(st.sampled_from(HEADERS[name])) + tail)
    (tmp_path / "x.shx").write_bytes(tail[:100])
    try:
        layers = open_layers(path)
    except LayerError as error:
        assert error.source == str(path)
    else:
        assert all(layer.name for layer in layers)
