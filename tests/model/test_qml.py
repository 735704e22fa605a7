"""QML written from Lamplight styles reads back to the same style; a planner's QGIS styling reads as QGIS draws it."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely

from layers.default_styles import default_style
from layers.errors import LayerError
from layers.io.vector import read_geopackage
from layers.io.writers import write_layer
from layers.layer import VectorLayer
from layers.qml import MAX_QML_BYTES, style_from_qml, style_to_qml
from layers.styles import (
    RSRP_STOPS,
    Categorized,
    Category,
    Graduated,
    GraduatedClass,
    Labels,
    RasterRamp,
    SingleSymbol,
    Symbol,
)

STYLES = [
    SingleSymbol(Symbol(fill="#ff7f0066", stroke="#7f3f00", size=9.0, marker="star", stroke_width=0.5),
                 labels=Labels("name", size=7.5)),
    Categorized("status", [Category("active", Symbol(fill="#f2a900", size=3.2, marker="diamond")),
                           Category("planned", Symbol(fill="#6a51a3", marker="cross"), "Planned (2027)"),
                           Category(3, Symbol(marker="square")), Category(2.5, Symbol(marker="triangle"))],
                other=Symbol(fill="#9e9e9e"), labels=Labels("pole_id", halo=None, min_scale=None)),
    Graduated("price_m2", [GraduatedClass(0.0, 10.5, Symbol(fill="#ffffb2")),
                           GraduatedClass(10.5, 99.0, Symbol(fill="#bd0026"), "expensive")], method="jenks"),
    RasterRamp(RSRP_STOPS),
    RasterRamp([(0.0, "#e41a1c"), (1.0, "#377eb8"), (2.0, "#4daf4a80")], discrete=True),
]


#: What a symbol of each geometry carries (a line has no fill, size or marker; a fill no size or marker).
KEPT = {"point": ("fill", "stroke", "stroke_width", "size", "marker"), "line": ("stroke", "stroke_width"),
        "polygon": ("fill", "stroke", "stroke_width")}


@pytest.mark.parametrize("style", STYLES, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("geometry", ["point", "line", "polygon"])
def test_round_trip_gives_the_same_style(style, geometry):
    if not isinstance(style, RasterRamp):
        style = _drawn_as(style, geometry)
    back, notes = style_from_qml(style_to_qml(style, geometry))
    assert back == style
    assert notes == []


def _drawn_as(style, geometry):
    def symbol(s: Symbol) -> Symbol:
        return Symbol(**{name: getattr(s, name) for name in KEPT[geometry]})
    if isinstance(style, SingleSymbol):
        return SingleSymbol(symbol(style.symbol), labels=style.labels)
    if isinstance(style, Categorized):
        return Categorized(style.field, [Category(c.value, symbol(c.symbol), c.label) for c in style.categories],
                           symbol(style.other), labels=style.labels)
    return Graduated(style.field, [GraduatedClass(c.lower, c.upper, symbol(c.symbol), c.label) for c in style.classes],
                     style.method, labels=style.labels)


#: As QGIS 3.16 writes a categorised pole layer: <prop> pairs, sizes in millimetres, an "all other values" row,
#: a second symbol layer and an expression label.
PLANNER_QML = """<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.16.14-Hannover" styleCategories="AllStyleCategories" labelsEnabled="1">
 <renderer-v2 attr="STATUS" type="categorizedSymbol" forceraster="0" symbollevels="0" enableorderby="0">
  <categories>
   <category render="true" value="in service" symbol="0" label="In service"/>
   <category render="true" value="" symbol="1" label=""/>
  </categories>
  <symbols>
   <symbol force_rhr="0" alpha="1" type="marker" name="0" clip_to_extent="1">
    <layer pass="0" class="SimpleMarker" locked="0" enabled="1">
     <prop k="color" v="51,160,44,255"/>
     <prop k="name" v="pentagon"/>
     <prop k="outline_color" v="0,0,0,128"/>
     <prop k="outline_width" v="0.2"/>
     <prop k="outline_width_unit" v="MM"/>
     <prop k="size" v="2.54"/>
     <prop k="size_unit" v="MM"/>
    </layer>
    <layer pass="0" class="FontMarker" locked="0" enabled="1"><prop k="chr" v="A"/></layer>
   </symbol>
   <symbol force_rhr="0" alpha="1" type="marker" name="1" clip_to_extent="1">
    <layer pass="0" class="SimpleMarker" locked="0" enabled="1">
     <prop k="color" v="#808080"/>
     <prop k="name" v="square"/>
     <prop k="size" v="8"/>
     <prop k="size_unit" v="Pixel"/>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
 <labeling type="simple">
  <settings calloutType="simple">
   <text-style fieldName="'P-' || POLE_NO" isExpression="1" fontSize="10"/>
  </settings>
 </labeling>
</qgis>
"""


def test_planner_qml_reads_as_qgis_draws_it_and_names_what_is_ignored():
    style, notes = style_from_qml(PLANNER_QML)
    assert isinstance(style, Categorized) and style.field == "STATUS"
    [active] = style.categories
    assert (active.value, active.label) == ("in service", "In service")
    assert active.symbol.fill == "#33a02c"
    assert active.symbol.stroke == "#00000080"
    assert active.symbol.size == pytest.approx(2.54 / 25.4 * 72)   # 2.54 mm = 0.1 inch = 7.2 pt
    assert active.symbol.stroke_width == pytest.approx(0.2 / 25.4 * 72, abs=1e-4)
    assert active.symbol.marker == "circle"
    assert style.other is not None and style.other.fill == "#808080" and style.other.marker == "square"
    assert style.other.size == pytest.approx(6.0)   # 8 px at 96 dpi
    assert style.labels is None
    joined = " | ".join(notes)
    assert "pentagon" in joined and "2 symbol layers" in joined and "expression" in joined


def test_qgis_discrete_ramp_reads_as_lower_bound_classes():
    qml = """<qgis><pipe><rasterrenderer type="singlebandpseudocolor" band="2" classificationMin="1">
      <rastershader><colorrampshader colorRampType="DISCRETE">
        <item value="5" color="#ff0000" alpha="255" label="1-5"/>
        <item value="inf" color="#0000ff" alpha="128" label="&gt;5"/>
      </colorrampshader></rastershader></rasterrenderer></pipe></qgis>"""
    style, _ = style_from_qml(qml)
    assert style == RasterRamp([(1.0, "#ff0000"), (math.nextafter(5.0, math.inf), "#0000ff80")], band=2,
                               discrete=True)
    # as QGIS draws it: 5 is still in the first class
    assert [style.colour_at(v) for v in (4.9, 5.0, 5.1)] == ["#ff0000", "#ff0000", "#0000ff80"]


@pytest.mark.parametrize(("text", "problem"), [
    ("<qgis><renderer-v2 type='heatmapRenderer'/></qgis>", "heatmapRenderer"),
    ("<style/>", "root element is <style>"),
    ("<qgis><renderer-v2", "not a readable QML"),
    ("<qgis/>", "neither a vector renderer nor a raster pipe"),
    ('<!DOCTYPE q [<!ENTITY e "x">]><qgis>&e;</qgis>', "not a readable QML"),
    ("<qgis><renderer-v2 type='graduatedSymbol' attr='h'><ranges><range lower='low' upper='2' symbol='0'/>"
     "</ranges></renderer-v2></qgis>", "low"),
])
def test_unusable_qml_is_refused_naming_the_file(text, problem):
    with pytest.raises(LayerError, match="poles.qml") as caught:
        style_from_qml(text, source="poles.qml")
    assert problem in str(caught.value)


def test_oversized_qml_is_refused_before_parsing():
    with pytest.raises(LayerError, match="more than"):
        style_from_qml("<qgis>" + " " * MAX_QML_BYTES + "</qgis>", source="big.qml")


def test_geopackage_written_by_lamplight_reopens_with_its_style(tmp_path):
    gdf = gpd.GeoDataFrame({"status": ["active", "planned", "faulty"]},
                           geometry=[shapely.Point(0, 0), shapely.Point(1, 1), shapely.Point(2, 2)], crs=3857)
    poles = VectorLayer(gdf, "poles", kind="lamp_poles")
    poles.style = Categorized("status", [Category("active", Symbol(fill="#123456"))], other=Symbol(marker="star"))
    path = write_layer(poles, tmp_path / "out.gpkg")
    write_layer(VectorLayer(gdf, "plain"), path)
    by_name = {layer.name: layer for layer in read_geopackage(path)}
    assert set(by_name) == {"poles", "plain"}          # the style table is no map layer
    assert by_name["poles"].style == poles.style
    assert by_name["plain"].style is None               # no style stored: the default style applies later
    assert default_style(by_name["plain"]) is not None


def test_foreign_style_table_of_another_shape_is_a_clear_error(tmp_path):
    import sqlite3

    gdf = gpd.GeoDataFrame({"status": ["active"]}, geometry=[shapely.Point(0, 0)], crs=3857)
    layer = VectorLayer(gdf, "poles")
    layer.style = SingleSymbol(Symbol())
    path = write_layer(layer, tmp_path / "theirs.gpkg")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE layer_styles")
        db.execute("CREATE TABLE layer_styles (f_table_name TEXT, qml TEXT)")
    with pytest.raises(LayerError, match=r"theirs.gpkg.*'poles'.*style table could not be written"):
        write_layer(layer, path, layer_name="poles", overwrite=True)
