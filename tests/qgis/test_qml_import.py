"""A planner's QGIS styling applies in Lamplight: QML files saved by real QGIS (Debian's PyQGIS) beside a shapefile
and a GeoTIFF give the layers, when Lamplight opens them, the classes and colours QGIS draws them with.

The reference is QGIS itself: the colour its renderer picks for every feature and every pixel.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from layers.io import open_layers
from layers.io.writers import write_layer
from layers.layer import RasterLayer
from layers.styles import Categorized, RasterRamp, parse_colour
from tests.qgis.test_qgis_interop import CRS, PROBLEM, run_qgis

pytestmark = pytest.mark.skipif(PROBLEM is not None, reason=PROBLEM or "")

STATUSES = ["active", "planned", "faulty", "removed", "unknown"]


def _hex(colour: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*parse_colour(colour)[:3])


def test_categorized_pole_style_saved_by_qgis_opens_with_the_same_categories(tmp_path):
    xy = np.array([(500_000 + 30 * i, 2_500_000 + 7 * (i % 5)) for i in range(40)], float)
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i:02d}" for i in range(40)],
                              "status": [STATUSES[i % len(STATUSES)] for i in range(40)]},
                             geometry=shapely.points(xy), crs=CRS)
    shp = tmp_path / "poles.shp"
    poles.to_file(shp, engine="pyogrio")
    got = run_qgis("""
        from qgis.core import (QgsCategorizedSymbolRenderer, QgsMarkerSymbol, QgsRenderContext,
                               QgsRendererCategory)
        layer = QgsVectorLayer(path, "poles", "ogr")
        def marker(colour, size, shape):
            return QgsMarkerSymbol.createSimple({"name": shape, "color": colour, "size": str(size),
                                                 "outline_color": "35,35,35,255"})
        categories = [QgsRendererCategory("active", marker("242,169,0,255", 2.5, "circle"), "In service"),
                      QgsRendererCategory("planned", marker("106,81,163,255", 3.0, "square"), "Planned"),
                      QgsRendererCategory("faulty", marker("227,26,28,255", 3.5, "triangle"), "Faulty"),
                      QgsRendererCategory("removed", marker("150,150,150,255", 2.0, "diamond"), "Removed",
                                          False)]  # unchecked in QGIS: not drawn
        layer.setRenderer(QgsCategorizedSymbolRenderer("status", categories))
        message, ok = layer.saveNamedStyle(qml)
        renderer = layer.renderer()
        context = QgsRenderContext()
        renderer.startRender(context, layer.fields())
        drawn = {}
        for feature in layer.getFeatures():
            symbol = renderer.symbolForFeature(feature, context)
            drawn[feature["pole_id"]] = None if symbol is None else [symbol.color().name(), symbol.size()]
        renderer.stopRender(context)
        result = {"ok": ok, "drawn": drawn}
    """, path=str(shp), qml=str(tmp_path / "poles.qml"))
    assert got["ok"] and (tmp_path / "poles.qml").is_file()

    [layer] = open_layers(shp)
    style = layer.style
    assert isinstance(style, Categorized) and style.field == "status"
    assert [(c.value, c.label, c.symbol.marker) for c in style.categories] == [
        ("active", "In service", "circle"), ("planned", "Planned", "square"), ("faulty", "Faulty", "triangle"),
        ("removed", "Removed", "diamond")]
    symbols, index = style.symbols_for(layer.gdf["status"])
    for pole_id, status, k in zip(layer.gdf["pole_id"], layer.gdf["status"], index, strict=True):
        qgis = got["drawn"][pole_id]
        if qgis is None:  # not drawn in QGIS: 'unknown' has no category, 'removed' is switched off
            assert k == -1 if status == "unknown" else \
                (parse_colour(symbols[k].fill)[3], parse_colour(symbols[k].stroke)[3]) == (0, 0)
            continue
        colour, size_mm = qgis
        assert _hex(symbols[k].fill) == colour
        assert symbols[k].size == pytest.approx(size_mm * 72 / 25.4, abs=1e-3)  # QGIS millimetres, our points


def test_graduated_raster_style_saved_by_qgis_colours_every_pixel_as_qgis_does(tmp_path):
    heights = np.linspace(-5.0, 140.0, 400, dtype="float32").reshape(1, 20, 20)
    dem = RasterLayer(heights, Affine(10, 0, 500_000, 0, -10, 2_500_200), CRS, name="dem", nodata=-9999)
    tif = write_layer(dem, tmp_path / "dem.tif")
    got = run_qgis("""
        import math
        from qgis.core import QgsColorRampShader, QgsRasterShader, QgsSingleBandPseudoColorRenderer
        layer = QgsRasterLayer(path, "dem")
        shader = QgsColorRampShader(0.0, 140.0)
        shader.setColorRampType(QgsColorRampShader.Discrete)
        shader.setColorRampItemList([QgsColorRampShader.ColorRampItem(10.0, QColor("#1a9850"), "<= 10"),
                                     QgsColorRampShader.ColorRampItem(35.5, QColor("#fee08b"), "10 - 35.5"),
                                     QgsColorRampShader.ColorRampItem(80.0, QColor("#f46d43"), "35.5 - 80"),
                                     QgsColorRampShader.ColorRampItem(math.inf, QColor("#a50026"), "> 80")])
        raster_shader = QgsRasterShader()
        raster_shader.setRasterShaderFunction(shader)
        layer.setRenderer(QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, raster_shader))
        message, ok = layer.saveNamedStyle(qml)
        values = layer.dataProvider().block(1, layer.extent(), 20, 20)
        colours = layer.renderer().block(1, layer.extent(), 20, 20)
        result = {"ok": ok, "pixels": [[values.value(row, col), QColor.fromRgba(colours.color(row, col)).name()]
                                       for row in range(20) for col in range(20)]}
    """, path=str(tif), qml=str(tmp_path / "dem.qml"))
    assert got["ok"]

    [layer] = open_layers(tif)
    style = layer.style
    assert isinstance(style, RasterRamp) and style.discrete
    assert [colour for _, colour in style.stops] == ["#1a9850", "#fee08b", "#f46d43", "#a50026"]
    drawn = {colour for _, colour in got["pixels"]}
    assert len(drawn) == 4  # every class appears on the grid
    for value, colour in got["pixels"]:
        assert _hex(style.colour_at(value)) == colour, value
