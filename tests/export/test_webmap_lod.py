"""Level of detail of city-sized web maps: points gathered per grid cell (counts and positions checked by brute
force), large polygon layers drawn as a picture whose pixels sit under the polygons, small maps unchanged."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from layers import Project, VectorLayer
from layers.styles import Categorized, Category, Symbol
from workbench.export.web_features import AGGREGATE_FIELD, aggregate_points, feature_symbols, vector_style
from workbench.export.web_raster import vector_picture
from workbench.export.webmap import WebMapOptions, build_web_map

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


def test_city_sized_map_aggregates_points_and_pictures_polygons():
    project = _project(_blocks(), _poles())
    options = WebMapOptions(online_basemap=False, lod_threshold=1_000, aggregate_threshold=500)
    m, counts = build_web_map(project, options)
    page = m.get_root().render()
    assert counts == {"blocks": 900, "poles": 3_000}  # every feature is represented
    assert page.count('"type":"Feature"') == len(aggregate_points(project.layers[1], 4000.0 / 1600 * 24).gdf)
    assert page.count("L.imageOverlay(") == 1  # the buildings' picture


def test_small_map_keeps_every_feature():
    project = _project(_blocks(), _poles())
    m, counts = build_web_map(project, WebMapOptions(online_basemap=False))
    page = m.get_root().render()
    assert page.count('"type":"Feature"') == 900 + 3_000
    assert "L.imageOverlay(" not in page
