"""XYZ basemap: tile arithmetic against the OpenStreetMap formula, a real local tile server, disk cache, offline."""

import math
import socket

import pyproj
import pytest
from PyQt6.QtGui import QColor

from workbench.basemap import BasemapSource, BasemapUnavailable, TileCache, available_basemaps, render_basemap
from workbench.basemap.tiles import tile_bounds, tiles_covering, zoom_for_resolution

from .tile_server import TileServer, tile_colour

UTM49 = pyproj.CRS.from_epsg(32649)
TIANHE = (113.325, 23.120)  # lon, lat near Zhujiang New Town


def osm_wiki_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The reference formula from wiki.openstreetmap.org/wiki/Slippy_map_tilenames."""
    n = 2 ** zoom
    lat_r = math.radians(lat)
    return int((lon + 180.0) / 360.0 * n), int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)


@pytest.fixture
def tile_server():
    server = TileServer()
    yield server
    server.stop()


@pytest.mark.parametrize("zoom", [0, 5, 12, 17])
def test_tile_math_agrees_with_the_osm_formula(zoom):
    x, y = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(*TIANHE)
    columns, rows = tiles_covering((x, y, x, y), zoom)
    assert (columns.start, rows.start) == osm_wiki_tile(*TIANHE, zoom)
    minx, miny, maxx, maxy = tile_bounds(zoom, columns.start, rows.start)
    assert minx <= x < maxx and miny < y <= maxy


def test_zoom_matches_resolution():
    # Zoom 0 tile is 40,075 km over 256 px = 156,543 m/px; each zoom halves it.
    assert zoom_for_resolution(156_543.04) == 0
    assert zoom_for_resolution(156_543.04 / 2 ** 15) == 15
    assert zoom_for_resolution(156_543.04 / 2 ** 15 * 0.99) == 16
    assert zoom_for_resolution(0.001, max_zoom=19) == 19


def test_offered_basemaps_have_tile_urls_and_attribution():
    sources = available_basemaps()
    assert "OpenStreetMap" in sources
    osm = sources["OpenStreetMap"]
    assert osm.tile_url(3, 4, 5).endswith("/3/4/5.png") and "OpenStreetMap" in osm.attribution


def _centre_pixel_check(image, extent, crs, zoom):
    """The centre pixel must carry the colour of the tile that the OSM formula puts under the centre."""
    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(cx, cy)
    expected = QColor(*tile_colour(zoom, *osm_wiki_tile(lon, lat, zoom)))
    assert image.pixelColor(image.width() // 2, image.height() // 2) == expected


def test_renders_tiles_from_a_server_into_the_project_crs_and_caches_them(qapp, tile_server, tmp_path):
    source = BasemapSource("local test", tile_server.url, "(C) test tiles", max_zoom=18)
    cache = TileCache(tmp_path)
    e, n = pyproj.Transformer.from_crs(4326, UTM49, always_xy=True).transform(*TIANHE)
    extent = (e - 1500, n - 1000, e + 1500, n + 1000)
    image, problem = render_basemap(source, extent, (600, 400), UTM49, cache=cache)
    assert problem is None and image.width() == 600 and image.height() == 400
    # 3 km over 600 px = 5 m/px (a little more in mercator at 23° N) -> zoom 15.
    _centre_pixel_check(image, extent, UTM49, 15)
    downloads = tile_server.requests
    assert downloads > 0
    tile_server.stop()  # offline from here: the cache alone must redraw the same map
    again, problem = render_basemap(source, extent, (600, 400), UTM49, cache=cache)
    assert problem is None and again.pixelColor(300, 200) == image.pixelColor(300, 200)


def test_unreachable_server_raises_a_readable_error(qapp, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = BasemapSource("dead", f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", "", 18)
    with pytest.raises(BasemapUnavailable, match="cannot reach the tile server"):
        render_basemap(source, (0, 0, 1000, 1000), (100, 100), pyproj.CRS.from_epsg(3857), cache=TileCache(tmp_path))
