"""Level of detail of city-sized web maps: points gathered per grid cell (counts and positions checked by brute
force) and per zoom band (counts add up to the layer), polygons simplified within the band's tolerance (Hausdorff
distance to the originals), every feature once at full detail, a size bound per feature, polygon pictures whose
pixels sit under the polygons, small maps unchanged; the page decodes the bands in a real headless Chromium."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from layers import Project, VectorLayer
from layers.styles import Categorized, Category, SingleSymbol, Symbol
from tests.export.browser import Browser, available
from workbench.export.web_features import (
    AGGREGATE_FIELD,
    COORDINATE_TOLERANCE_M,
    aggregate_points,
    feature_symbols,
    vector_style,
)
from workbench.export.web_lod import LodOptions, lod_layer, lod_raster, zoom_bands
from workbench.export.web_raster import vector_picture
from workbench.export.webmap import WebMapOptions, build_web_map, export_web_map

CRS = "EPSG:32649"
X0, Y0 = 736_000.0, 2_557_000.0


def _poles(n: int = 3_000) -> VectorLayer:
    rng = np.random.default_rng(3)
    xs, ys = X0 + rng.uniform(0, 4000, n), Y0 + rng.uniform(0, 3000, n)
    status = rng.choice(["active", "planned", "faulty"], n)
    gdf = gpd.GeoDataFrame({"status": status}, geometry=shapely.points(xs, ys), crs=CRS)
    style = Categorized("status", [Category("active", Symbol(fill="#00aa00")),
                                   Category("planned", Symbol(fill="#0000ff")),
                                   Category("faulty", Symbol(fill="#ff0000"))])
    return VectorLayer(gdf, "poles", style=style)


def test_aggregated_points_match_a_brute_force_count_per_cell_and_symbol():
    layer, cell = _poles(), 250.0
    merged = aggregate_points(layer, cell)
    xs, ys = layer.gdf.geometry.x.to_numpy(), layer.gdf.geometry.y.to_numpy()
    _, index = feature_symbols(layer, vector_style(layer))
    assert merged.gdf[AGGREGATE_FIELD].sum() == len(layer.gdf)
    expected = {}
    for x, y, s in zip(xs, ys, index, strict=True):
        expected.setdefault((int(x // cell), int(y // cell), int(s)), []).append((x, y))
    assert len(merged.gdf) == len(expected)
    _, merged_index = feature_symbols(merged, merged.style)
    for point, count, s in zip(merged.gdf.geometry, merged.gdf[AGGREGATE_FIELD], merged_index, strict=True):
        members = np.array(expected[(int(point.x // cell), int(point.y // cell), int(s))])
        assert count == len(members)
        np.testing.assert_allclose([point.x, point.y], members.mean(axis=0), atol=1e-6)


def _blocks(n_side: int = 30) -> VectorLayer:
    """n_side² square buildings of 40 m every 100 m."""
    boxes = [shapely.box(X0 + 100 * i, Y0 + 100 * j, X0 + 100 * i + 40, Y0 + 100 * j + 40)
             for i in range(n_side) for j in range(n_side)]
    return VectorLayer(gpd.GeoDataFrame({"h": np.ones(len(boxes))}, geometry=boxes, crs=CRS), "blocks")


def test_polygon_picture_is_opaque_inside_the_polygons_and_clear_between_them():
    layer = _blocks()
    extent = (X0, Y0, X0 + 3000.0, Y0 + 3000.0)
    picture = vector_picture(layer, extent, pyproj.CRS(CRS), 600)
    (south, west), (north, east) = picture.bounds
    to_merc = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    from_utm = pyproj.Transformer.from_crs(CRS, "EPSG:3857", always_xy=True)
    (mx0, mx1), (my0, my1) = to_merc.transform([west, east], [south, north])
    rows, cols = picture.rgba.shape[:2]

    def alpha(x: float, y: float) -> int:
        mx, my = from_utm.transform(x, y)
        return int(picture.rgba[int((my1 - my) / (my1 - my0) * rows), int((mx - mx0) / (mx1 - mx0) * cols), 3])

    for i, j in ((0, 0), (7, 21), (29, 29), (15, 3)):
        assert alpha(X0 + 100 * i + 20, Y0 + 100 * j + 20) > 0  # a building's centre (its fill, translucent)
        assert alpha(X0 + 100 * i + 70, Y0 + 100 * j + 70) == 0  # the street between buildings


def _project(*layers: VectorLayer) -> Project:
    project = Project(CRS, title="LOD")
    for layer in layers:
        project.add_layer(layer)
    project.view_extent = (X0, Y0, X0 + 4000.0, Y0 + 3000.0)
    return project


def _bands(page: str) -> dict[str, list[dict]]:
    """Layer name -> the bands the page hands to Lamplight.lodLayer."""
    found = re.finditer(r'Lamplight\.register\(("[^"]*"), Lamplight\.lodLayer\(\s*(\[.*?\]), \{pane', page, re.S)
    return {json.loads(m.group(1)): json.loads(m.group(2)) for m in found}


def _features(chunk: dict) -> list[dict]:
    return json.loads(gzip.decompress(base64.b64decode(chunk["d"])))["features"]


def _band_features(band: dict) -> list[dict]:
    return [feature for chunk in band["chunks"] for feature in _features(chunk)]


CITY = WebMapOptions(online_basemap=False, lod_threshold=1_000, aggregate_threshold=500, lod_chunk_px=256)


def test_city_sized_map_draws_bands_whose_counts_add_up_to_every_feature():
    project = _project(_blocks(), _poles())
    m, counts = build_web_map(project, CITY)
    bands = _bands(m.get_root().render())
    assert counts == {"blocks": 900, "poles": 3_000}
    poles, blocks = bands["poles"], bands["blocks"]
    assert [b["minZoom"] is None for b in poles] == [True, False, False]
    for band in poles[:-1]:  # gathered per cell: the circles' counts add up to the layer
        assert band["fields"][0] == "Features"
        assert sum(int(f["properties"]["p"][0]) for f in _band_features(band)) == 3_000
    assert len(_band_features(poles[0])) < len(_band_features(poles[1])) <= 3_000
    assert len(_band_features(poles[-1])) == 3_000 and len(poles[-1]["chunks"]) > 1
    # the blocks: a picture of the extent first, then squares that no simplification shortens: drawn whole
    assert len(blocks) == 2 and blocks[0]["chunks"][0]["img"].startswith("data:image/png;base64,")
    assert len(_band_features(blocks[1])) == 900


def test_every_feature_is_in_exactly_one_chunk_of_the_full_band():
    layer = _poles()
    layer.gdf["pole_id"] = [f"P{i}" for i in range(len(layer.gdf))]
    project = _project(layer)
    m, _ = build_web_map(project, WebMapOptions(online_basemap=False, lod_threshold=100, aggregate_threshold=100,
                                                lod_chunk_px=256, fields={"poles": ["pole_id"]}))
    full = _bands(m.get_root().render())["poles"][-1]
    ids = [f["properties"]["p"][0] for f in _band_features(full)]
    assert sorted(ids) == sorted(layer.gdf["pole_id"]) and len(set(ids)) == len(ids)
    for chunk in full["chunks"]:  # each chunk's bounds hold its features
        (south, west), (north, east) = chunk["b"]
        xy = np.array([f["geometry"]["coordinates"] for f in _features(chunk)])
        assert (xy[:, 0] >= west).all() and (xy[:, 0] <= east).all()
        assert (xy[:, 1] >= south).all() and (xy[:, 1] <= north).all()


def _rings(n: int = 600) -> VectorLayer:
    """Round plots of 30-80 m with 64 vertices each: simplification has something to drop."""
    rng = np.random.default_rng(5)
    centres = shapely.points(X0 + rng.uniform(0, 4000, n), Y0 + rng.uniform(0, 3000, n))
    plots = shapely.buffer(centres, rng.uniform(30, 80, n), quad_segs=16)
    return VectorLayer(gpd.GeoDataFrame({"plot": [f"L{i}" for i in range(n)]}, geometry=plots, crs=CRS), "plots")


def test_simplified_polygons_stay_within_the_band_tolerance_of_the_originals():
    layer = _rings()
    extent = (X0, Y0, X0 + 4000.0, Y0 + 3000.0)
    options = LodOptions(width_px=1600, steps=(1.5, 3.0), aggregate_threshold=100, aggregate_px=32, chunk_px=256,
                         simplify_m=0.0)
    bands = zoom_bands(extent, pyproj.CRS(CRS), options)
    drawn = lod_layer(layer, ["plot"], bands, options, extent, pyproj.CRS(CRS))
    middle = drawn.bands[1]
    assert middle["minZoom"] == pytest.approx(bands[1].zoom)
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    originals = dict(zip(layer.gdf["plot"], layer.gdf.geometry, strict=True))
    kept = 0
    for feature in _band_features(middle):
        shape = shapely.transform(shapely.geometry.shape(feature["geometry"]),
                                  lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
        original = originals[feature["properties"]["p"][0]]
        assert shapely.hausdorff_distance(shape, original) <= bands[1].pixel_m + COORDINATE_TOLERANCE_M
        assert shape.is_valid
        kept += shapely.get_num_coordinates(shape)
    assert kept < 0.6 * shapely.get_num_coordinates(layer.gdf.geometry.to_numpy()).sum()  # it did simplify
    assert len(_band_features(drawn.bands[-1])) == len(layer.gdf)  # and the last band has every plot


#: Bytes per point a city layer may cost in the page, all bands together (plain GeoJSON with two fields: ~110).
BYTES_PER_POINT = 30


def test_size_of_a_large_point_layer_grows_by_a_bounded_amount_per_feature(tmp_path):
    def page_size(n: int) -> int:
        rng = np.random.default_rng(11)
        gdf = gpd.GeoDataFrame({"pole_id": [f"GZ-{i:06d}" for i in range(n)], "height_m": rng.uniform(6, 12, n)},
                               geometry=shapely.points(X0 + rng.uniform(0, 4000, n), Y0 + rng.uniform(0, 3000, n)),
                               crs=CRS)
        path = tmp_path / f"{n}.html"
        export_web_map(_project(VectorLayer(gdf, "poles")), path, WebMapOptions(
            online_basemap=False, lod_threshold=10, aggregate_threshold=10))
        return path.stat().st_size

    base, big = page_size(20), page_size(60_000)
    assert big - base <= BYTES_PER_POINT * 60_000


def test_small_map_keeps_every_feature():
    project = _project(_blocks(), _poles())
    m, counts = build_web_map(project, WebMapOptions(online_basemap=False))
    page = m.get_root().render()
    assert page.count('"type":"Feature"') == 900 + 3_000
    assert _bands(page) == {}


@pytest.mark.skipif(not available(), reason="Debian chromium is not installed")
def test_page_decodes_the_band_of_the_zoom_and_keeps_popups(tmp_path):
    project = _project(_blocks(), _poles())
    path = tmp_path / "city.html"
    export_web_map(project, path, CITY)
    drawn = """Lamplight.ready().then(() => Object.fromEntries(Lamplight.layers.map(e => [e.name,
        e.layer.getLayers().flatMap(l => l.getLayers ? l.getLayers() : [l])])))"""
    count = f"""{drawn}.then(d => ({{poles: d.poles.map(l => +l.feature.properties.p[0]).reduce((a, b) => a + b, 0),
        circles: d.poles.length, blocks: d.blocks.length, picture: d.blocks.filter(l => l._url).length}}))"""
    with Browser(folder=tmp_path) as browser:
        browser.open(path)
        ask = lambda js: browser.call("Runtime.evaluate", expression=js, awaitPromise=True,  # noqa: E731
                                      returnByValue=True)["result"]["value"]
        start = ask(count)
        assert start["poles"] == 3_000 and start["circles"] < 3_000  # gathered, every pole counted once
        assert start["blocks"] == 1 and start["picture"] == 1
        lon, lat = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + 2000, Y0 + 1500)
        browser.evaluate(f"Object.values(window).find(v => v instanceof L.Map).setView([{lat}, {lon}], 20, "
                         "{animate: false}) && 1")
        close = ask(f"""{drawn}.then(d => ({{blocks: d.blocks.length, picture: d.blocks.filter(l => l._url).length,
            heading: d.poles.length && d.poles[0].getPopup().getContent()(d.poles[0]).querySelector('th')
                .textContent, status: d.poles.every(l => ['active', 'planned', 'faulty']
                .includes(l.feature.properties.p[0]))}}))""")
        assert browser.errors == []
    assert 0 < close["blocks"] < 900 and close["picture"] == 0  # the squares near the view, as vectors
    assert close["heading"] == "Status" and close["status"]


def _png(url: str) -> np.ndarray:
    from PIL import Image

    data = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_raster_bands_reach_the_raster_own_pixels_in_tiles_that_put_each_value_in_place():
    """A 3,000 x 2,000 raster of 2 m cells in a 24 km map: class 1 west of x = X0 + 2,500 m, class 2 east."""
    from affine import Affine

    from layers.layer import RasterLayer
    from layers.styles import RasterRamp

    values = np.where(np.arange(3000)[None, :] < 1250, 1.0, 2.0).repeat(2000, axis=0)
    raster = RasterLayer(values, Affine(2.0, 0, X0, 0, -2.0, Y0 + 4000.0), CRS, name="classes",
                         style=RasterRamp([(1.0, "#ff0000"), (2.0, "#0000ff")], discrete=True))
    extent = (X0, Y0, X0 + 24_000.0, Y0 + 16_000.0)
    options = LodOptions(width_px=1600, steps=(1.5, 3.0), aggregate_threshold=100, aggregate_px=32, chunk_px=512,
                         simplify_m=0.0)
    bands = lod_raster(raster, zoom_bands(extent, pyproj.CRS(CRS), options), options, max_pixels=400)
    assert len(bands) == 3 and bands[0]["minZoom"] is None and len(bands[0]["chunks"]) == 1
    assert len(bands[1]["chunks"]) < len(bands[2]["chunks"])
    to_merc = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    from_merc = pyproj.Transformer.from_crs("EPSG:3857", CRS, always_xy=True)
    latitude = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + 3000, Y0 + 2000)[1]
    for chunk in bands[-1]["chunks"]:
        (south, west), (north, east) = chunk["b"]
        rgba = _png(chunk["img"])
        (mx0, mx1), (my0, my1) = to_merc.transform([west, east], [south, north])
        # the raster's own 2 m cells, in Web Mercator metres (scale 1 / cos(latitude))
        assert (mx1 - mx0) / rgba.shape[1] == pytest.approx(2.0 / np.cos(np.radians(latitude)), rel=0.01)
        rows, cols = np.nonzero(rgba[..., 3])
        x, _ = from_merc.transform(mx0 + (cols + 0.5) * (mx1 - mx0) / rgba.shape[1],
                                   my1 - (rows + 0.5) * (my1 - my0) / rgba.shape[0])
        x, colour = np.asarray(x), rgba[rows, cols, :3]
        clear = np.abs(x - (X0 + 2500.0)) > 3.0  # a cell from the border may go either way
        assert (colour[clear & (x < X0 + 2500.0)] == [255, 0, 0]).all()
        assert (colour[clear & (x > X0 + 2500.0)] == [0, 0, 255]).all()


@pytest.mark.skipif(not available(), reason="Debian chromium is not installed")
def test_markers_past_the_icon_limit_keep_their_shape_on_the_canvas(tmp_path):
    """A square's corner (0.75 r out on both axes, 1.06 r from the centre) is painted; a circle's would not be."""
    from PIL import Image

    gdf = gpd.GeoDataFrame({"n": [1, 2]}, geometry=shapely.points([X0 + 1000, X0 + 3000], [Y0 + 1500, Y0 + 1500]),
                           crs=CRS)
    square = Symbol(marker="square", fill="#ff0000", stroke="#ff0000", size=30.0)
    project = _project(VectorLayer(gdf, "squares", style=SingleSymbol(square)))
    path = tmp_path / "shapes.html"
    export_web_map(project, path, WebMapOptions(online_basemap=False, shaped_marker_limit=0, canvas_threshold=0))
    with Browser(folder=tmp_path) as browser:
        browser.open(path)
        centres = browser.evaluate("""(() => { const m = Object.values(window).find(v => v instanceof L.Map);
            return Lamplight.layers[0].layer.getLayers().map(l => { const p = m.latLngToContainerPoint(l.getLatLng());
                return [p.x, p.y, l._radius]; }); })()""")
        shot = np.asarray(Image.open(browser.screenshot(tmp_path / "shapes.png")).convert("RGB")).astype(int)
        assert browser.errors == []
    assert len(centres) == 2
    for x, y, r in centres:
        for dx, dy in ((0.75, 0.75), (-0.75, 0.75), (0.75, -0.75), (-0.75, -0.75)):
            pixel = shot[int(round(y + dy * r)), int(round(x + dx * r))]
            assert pixel[0] > 200 and pixel[1] < 60 and pixel[2] < 60
        assert (np.abs(shot[int(y), int(x + 1.4 * r)] - [243, 241, 236]) < 8).all()  # just outside: background
