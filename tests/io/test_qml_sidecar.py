"""QML style files from outside: a sidecar beside a file styles it on open; a hostile, oversized or unfitting one
costs the style (with a note naming it), never the layer; reading one explicitly fails with a named error."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from layers.errors import LayerError
from layers.io import open_layers
from layers.io.layer_styles import qml_style_for, read_qml, write_qml
from layers.io.writers import write_layer
from layers.layer import RasterLayer, VectorLayer
from layers.qml import MAX_QML_BYTES, style_to_qml
from layers.styles import Categorized, Category, Labels, RasterRamp, Symbol

CRS = "EPSG:32650"
POLE_STYLE = Categorized("status", [Category("active", Symbol(fill="#f2a900", marker="diamond"), "Active"),
                                    Category("planned", Symbol(fill="#6a51a3", marker="square"), "Planned")],
                         labels=Labels("pole_id", halo=None))
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE qgis [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<qgis><renderer-v2 type="singleSymbol" attr="&d;"/></qgis>"""


@pytest.fixture
def poles_shp(tmp_path):
    gdf = gpd.GeoDataFrame({"pole_id": ["P1", "P2", "P3"], "status": ["active", "planned", "active"]},
                           geometry=shapely.points([(500_000, 2_500_000), (500_050, 2_500_000), (500_100, 2_500_000)]),
                           crs=CRS)
    path = tmp_path / "poles.shp"
    gdf.to_file(path, engine="pyogrio")
    return path


def test_a_sidecar_qml_styles_the_shapefile_it_sits_beside(poles_shp):
    poles_shp.with_suffix(".qml").write_text(style_to_qml(POLE_STYLE, "point"), encoding="utf-8")
    [layer] = open_layers(poles_shp)
    assert layer.style == POLE_STYLE
    symbols, index = layer.style.symbols_for(layer.gdf["status"])
    assert [symbols[i].fill for i in index] == ["#f2a900", "#6a51a3", "#f2a900"]


def test_a_geotiff_written_by_lamplight_reopens_with_its_ramp(tmp_path):
    raster = RasterLayer(np.arange(16, dtype="float32").reshape(1, 4, 4), Affine(10, 0, 5e5, 0, -10, 2.5e6), CRS,
                         name="rsrp")
    raster.style = RasterRamp([(0.0, "#ff0000"), (5.0, "#00ff00"), (10.0, "#0000ff")], discrete=True)
    [back] = open_layers(write_layer(raster, tmp_path / "rsrp.tif"))
    assert back.style == raster.style


@pytest.mark.parametrize("content", ["oversized", "entities", "renderer", "raster ramp", "field", "fifo"])
def test_a_bad_sidecar_costs_the_style_not_the_layer(poles_shp, content):
    sidecar = poles_shp.with_suffix(".qml")
    expected = _write_bad(sidecar, content)
    [layer] = open_layers(poles_shp)  # a FIFO would block a plain read: it is refused before opening
    assert layer.style is None and len(layer) == 3
    [note] = [n for n in layer.notes if "poles.qml" in n]
    assert "was not applied" in note and expected in note


@pytest.mark.parametrize("content", ["oversized", "entities", "renderer", "fifo"])
def test_reading_a_bad_qml_is_a_layer_error_naming_the_file(poles_shp, content):
    sidecar = poles_shp.with_suffix(".qml")
    expected = _write_bad(sidecar, content)
    with pytest.raises(LayerError) as raised:
        read_qml(sidecar)
    assert raised.value.source == str(sidecar) and expected in str(raised.value)


def test_a_style_of_the_other_family_is_refused_naming_file_and_layer(poles_shp, tmp_path):
    [layer] = open_layers(poles_shp)
    ramp = tmp_path / "ramp.qml"
    ramp.write_text(style_to_qml(RasterRamp([(0.0, "#000000"), (1.0, "#ffffff")])), encoding="utf-8")
    with pytest.raises(LayerError, match=r"ramp\.qml: holds a raster colour ramp; 'poles' is a vector layer"):
        qml_style_for(ramp, layer)


def test_save_qml_writes_what_load_qml_reads(tmp_path):
    gdf = gpd.GeoDataFrame({"status": ["active"], "pole_id": ["P1"]}, geometry=shapely.points([(0, 0)]), crs=CRS)
    layer = VectorLayer(gdf, "poles", style=POLE_STYLE)
    path = write_qml(tmp_path / "poles style.qml", layer)
    assert qml_style_for(path, layer) == (POLE_STYLE, [])


def _write_bad(sidecar, content: str) -> str:
    """Write a bad QML of ``content`` at ``sidecar``; return the words its error must contain."""
    if content == "oversized":
        with sidecar.open("wb") as file:
            file.truncate(MAX_QML_BYTES + 1)  # sparse: costs no disk
        return f"{MAX_QML_BYTES + 1:,} bytes"
    if content == "entities":
        sidecar.write_text(BILLION_LAUGHS, encoding="utf-8")
        return "not a readable QML style"
    if content == "renderer":
        sidecar.write_text('<qgis><renderer-v2 type="heatmapRenderer"/></qgis>', encoding="utf-8")
        return "renderer 'heatmapRenderer' has no Lamplight equivalent"
    if content == "raster ramp":
        sidecar.write_text(style_to_qml(RasterRamp([(0.0, "#000000"), (1.0, "#ffffff")])), encoding="utf-8")
        return "holds a raster colour ramp; 'poles' is a vector layer"
    if content == "field":
        renamed = Categorized("pole_status", POLE_STYLE.categories, labels=Labels("pole_no"))
        sidecar.write_text(style_to_qml(renamed, "point"), encoding="utf-8")
        return "uses field(s) 'pole_status', 'pole_no' that 'poles' does not have"
    os.mkfifo(sidecar)
    return "not a regular file"
