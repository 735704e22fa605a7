"""Custom basemaps against a real local server on 127.0.0.1: XYZ templates ({s}, {-y}), WMTS in two matrix sets,
WMS per view (in the project CRS, and warped from geographic), GCJ-02 shifting, the disk cache offline, hostile
capabilities. Expected pixels come from independent arithmetic: the OpenStreetMap tile formula, floor division
in the UTM matrix set, the GCJ-02 reference formula, and where the server's known meridian falls."""

import math

import numpy as np
import pyproj
import pytest
from PyQt6.QtGui import QColor

from layers.gcj02 import wgs84_to_gcj02
from workbench.basemap import BasemapSource, BasemapUnavailable, TileCache, render_basemap
from workbench.basemap.capabilities import parse_capabilities, read_capabilities, wms_source, wmts_source
from workbench.basemap.compose import GRID_STEP, _linear_weights, grid_transform
from workbench.basemap.fetch import download
from workbench.basemap.sources import source_from_definition

from .tile_server import EAST, SPLIT_LON, UTM_TOP_LEFT, WEST, TileServer, tile_colour

UTM49 = pyproj.CRS.from_epsg(32649)
TIANHE = (113.325, 23.120)
SIZE = (600, 400)


def osm_wiki_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """wiki.openstreetmap.org/wiki/Slippy_map_tilenames."""
    n = 2 ** zoom
    return int((lon + 180.0) / 360.0 * n), int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)


def decode_xyz(colour: QColor, lon: float, lat: float) -> bool:
    """True when ``colour`` is the test tile that the OSM formula puts at (lon, lat), at the zoom it encodes."""
    r, g, b, _ = colour.getRgb()
    zoom = b // 10
    x, y = osm_wiki_tile(lon, lat, zoom)
    return 10 <= zoom <= 19 and (r, g) == (x % 256, y % 256)


@pytest.fixture
def server():
    server = TileServer()
    yield server
    server.stop()


def view_around(lon: float, lat: float, half_width: float = 1500.0) -> tuple[float, float, float, float]:
    e, n = pyproj.Transformer.from_crs(4326, UTM49, always_xy=True).transform(lon, lat)
    return (e - half_width, n - half_width * SIZE[1] / SIZE[0], e + half_width, n + half_width * SIZE[1] / SIZE[0])


def lonlat_of_pixel(extent, px: float, py: float) -> tuple[float, float]:
    x = extent[0] + (px + 0.5) * (extent[2] - extent[0]) / SIZE[0]
    y = extent[3] - (py + 0.5) * (extent[3] - extent[1]) / SIZE[1]
    return pyproj.Transformer.from_crs(UTM49, 4326, always_xy=True).transform(x, y)


def split_column(extent, row: int) -> float:
    """The pixel column where the server's meridian SPLIT_LON crosses ``row`` of the view."""
    lat = lonlat_of_pixel(extent, SIZE[0] / 2, row)[1]
    e, _ = pyproj.Transformer.from_crs(4326, UTM49, always_xy=True).transform(SPLIT_LON, lat)
    return (e - extent[0]) / (extent[2] - extent[0]) * SIZE[0] - 0.5


@pytest.mark.parametrize("template", ["/{s}/{z}/{x}/{y}.png", "/tms/{z}/{x}/{-y}.png"])
def test_xyz_templates_with_subdomains_and_tms_rows(qapp, server, tmp_path, template):
    source = BasemapSource("custom", server.base + template, "(C) test", 18, subdomains=("a", "b"))
    extent = view_around(*TIANHE)
    image, problem = render_basemap(source, extent, SIZE, UTM49, cache=TileCache(tmp_path))
    assert problem is None
    for px, py in ((300, 200), (40, 30), (560, 370)):
        assert decode_xyz(image.pixelColor(px, py), *lonlat_of_pixel(extent, px, py))
    if "{s}" in template:  # tiles are spread over both subdomains
        assert any(p.startswith("/a/") for p in server.paths) and any(p.startswith("/b/") for p in server.paths)


def test_wms_in_the_project_crs_and_warped_from_geographic(qapp, server, tmp_path):
    caps = read_capabilities(server.base + "/wms", "WMS")
    assert caps.version == "1.3.0" and [layer.name for layer in caps.layers] == ["parks", "roads"]
    extent = view_around(*TIANHE)
    for layer, crs_asked in (("parks", "CRS=EPSG%3A32649"), ("roads", "CRS=EPSG%3A4326")):
        source = wms_source(caps, layer, layer, "(C) test WMS")
        image, problem = render_basemap(source, extent, SIZE, UTM49, cache=TileCache(tmp_path))
        assert problem is None and crs_asked in server.paths[-1]
        for row in (100, 200, 300):
            column = split_column(extent, row)
            assert image.pixelColor(round(column - 3), row).getRgb()[:3] == WEST
            assert image.pixelColor(round(column + 3), row).getRgb()[:3] == EAST
    assert "WIDTH=600&HEIGHT=400" in next(p for p in server.paths if "parks" in p and "GetMap" in p)


def test_wms_redraws_offline_from_the_cache(qapp, server, tmp_path):
    source = wms_source(read_capabilities(server.base + "/wms", "WMS"), "parks", "parks", "")
    extent, cache = view_around(*TIANHE), TileCache(tmp_path)
    first, _ = render_basemap(source, extent, SIZE, UTM49, cache=cache)
    server.stop()
    again, problem = render_basemap(source, extent, SIZE, UTM49, cache=cache)
    assert problem is None
    assert all(again.pixelColor(x, 200) == first.pixelColor(x, 200) for x in range(0, 600, 7))


def test_wmts_google_maps_compatible_and_a_utm_matrix_set(qapp, server, tmp_path):
    caps = read_capabilities(server.base + "/wmts", "WMTS")
    assert caps.layer("city").options == ("GoogleMapsCompatible", "utm49")
    extent = view_around(*TIANHE)
    google = wmts_source(caps, "city", "GoogleMapsCompatible", "city", "")
    image, _ = render_basemap(google, extent, SIZE, UTM49, cache=TileCache(tmp_path))
    assert decode_xyz(image.pixelColor(300, 200), *lonlat_of_pixel(extent, 300, 200))

    utm = wmts_source(caps, "city", "utm49", "city utm", "")
    image, _ = render_basemap(utm, extent, SIZE, UTM49, cache=TileCache(tmp_path))
    # 3000 m over 600 px = 5 m/px: the coarsest level at least that fine is u4 (4 m/px, 1024 m tiles).
    for px, py in ((300, 200), (20, 20), (580, 380)):
        x = extent[0] + (px + 0.5) * 5.0
        y = extent[3] - (py + 0.5) * 5.0
        col, row = int((x - UTM_TOP_LEFT[0]) // 1024), int((UTM_TOP_LEFT[1] - y) // 1024)
        assert image.pixelColor(px, py).getRgb()[:3] == tile_colour(4, col, row)


def test_gcj02_tiles_are_shifted_onto_wgs84(qapp, server, tmp_path):
    """At zoom 17 a tile is about 280 m wide, so the 500-600 m GCJ-02 shift always changes the tile."""
    extent = view_around(*TIANHE, half_width=300.0)  # 1 m/px: zoom 17
    shifted = BasemapSource("gcj", server.url, "", 17, gcj02=True)
    plain = BasemapSource("plain", server.url, "", 17)
    image, _ = render_basemap(shifted, extent, SIZE, UTM49, cache=TileCache(tmp_path))
    raw, _ = render_basemap(plain, extent, SIZE, UTM49, cache=TileCache(tmp_path))
    for px, py in ((300, 200), (50, 50), (550, 350)):
        lon, lat = lonlat_of_pixel(extent, px, py)
        assert image.pixelColor(px, py).getRgb()[:3] == tile_colour(17, *osm_wiki_tile(*wgs84_to_gcj02(lon, lat), 17))
        assert raw.pixelColor(px, py).getRgb()[:3] == tile_colour(17, *osm_wiki_tile(lon, lat, 17))
        assert image.pixelColor(px, py) != raw.pixelColor(px, py)


def test_gcj02_warp_residual_between_grid_points_is_far_below_a_pixel():
    """The warp computes GCJ-02 exactly every 16 pixels and linearly in between; over a 3 km view of Tianhe the
    largest difference from the exact shift at every pixel is under 0.01 m (documented in compose.py)."""
    extent, (width, height) = view_around(*TIANHE), SIZE
    to_grid = grid_transform(UTM49, pyproj.CRS.from_epsg(3857), gcj02=True)
    xs = extent[0] + (np.arange(width) + 0.5) * (extent[2] - extent[0]) / width
    ys = extent[3] - (np.arange(height) + 0.5) * (extent[3] - extent[1]) / height
    exact_x, exact_y = to_grid(*np.meshgrid(xs, ys))
    grid_x = np.unique(np.append(np.arange(0, width, GRID_STEP), width - 1))
    grid_y = np.unique(np.append(np.arange(0, height, GRID_STEP), height - 1))
    coarse_x, coarse_y = to_grid(*np.meshgrid(xs[grid_x], ys[grid_y]))
    wx, wy = _linear_weights(grid_x.astype(float), width), _linear_weights(grid_y.astype(float), height)
    error = np.hypot(wy @ coarse_x @ wx.T - exact_x, wy @ coarse_y @ wx.T - exact_y)
    assert error.max() < 0.01  # mercator metres; a pixel here is 5 m


def test_custom_sources_survive_their_project_definition(qapp, server):
    caps = read_capabilities(server.base + "/wmts", "WMTS")
    sources = [BasemapSource("x", server.base + "/{s}/{z}/{x}/{y}.png", "(C)", 17, ("a", "b"), gcj02=True),
               wmts_source(caps, "city", "utm49", "city utm", "(C) city"),
               wms_source(read_capabilities(server.base + "/wms", "WMS"), "roads", "roads", "(C) roads")]
    for source in sources:
        assert source_from_definition(source.definition()) == source


def test_hostile_capabilities_are_refused(qapp, server):
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
    <Capabilities>&lol2;</Capabilities>"""
    with pytest.raises(BasemapUnavailable, match="DTD or entities"):
        parse_capabilities("http://127.0.0.1/wmts", "WMTS", bomb)
    with pytest.raises(BasemapUnavailable, match="not XML"):
        parse_capabilities("http://127.0.0.1/wmts", "WMTS", b"<html><body>oops")
    with pytest.raises(BasemapUnavailable, match="larger than the 100 bytes"):
        download(server.base + "/wmts?REQUEST=GetCapabilities", limit=100)
    with pytest.raises(BasemapUnavailable, match="not a web address"):
        download("file:///etc/passwd")


@pytest.mark.parametrize(("entry", "problem"), [
    ({"type": "xyz", "name": "a", "url": "https://x.org/{z}/{x}/{y}.png", "api_key": "SECRET"},
     "basemaps.active has a setting Lamplight does not know: 'api_key'"),
    ({"type": "wms", "name": "a", "url": "file:///etc/passwd", "layer": "x"},
     "basemaps.active.url should be a web address"),
    ({"type": "wmts", "name": "a", "url": "http://x.org/", "crs": "EPSG:3857",
      "levels": [["0", -1, 0, 0, 256, 256, 1, 1]]}, "basemaps.active.levels[0][1] should be a number above 0"),
    ({"type": "stack", "name": "a", "parts": [{"type": "stack", "name": "b", "parts": []}]},
     "basemaps.active.parts[0] has a setting Lamplight does not know: 'parts'"),
])
def test_project_files_with_bad_basemaps_are_refused_with_the_place(entry, problem):
    from layers.project_schema import manifest_problem

    found = manifest_problem({"format": "lamplight-project", "version": 1, "basemaps": {"active": entry}})
    assert found is not None and found.startswith(problem)
