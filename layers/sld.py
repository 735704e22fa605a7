"""Lamplight vector styles as OGC SLD 1.1 (Symbology Encoding), for the ``styleSLD`` column of ``layer_styles``.

QGIS prefers the QML beside it; SLD is for the other readers of a GeoPackage (GeoServer, MapServer, QGIS with the
QML removed). Only what SLD maps is written: one rule per category or class with a point, line or polygon
symboliser; labels and sector wedges are left out. Sizes are converted from points to SLD's pixels of 0.28 mm.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from layers.styles import Categorized, Graduated, RasterRamp, SingleSymbol, Style, Symbol, parse_colour

SLD, SE, OGC = "http://www.opengis.net/sld", "http://www.opengis.net/se", "http://www.opengis.net/ogc"
#: SLD pixels per point: the "standardized rendering pixel" is 0.28 mm, a point 25.4 / 72 mm.
PIXELS_PER_POINT = 25.4 / 72 / 0.28
_WELL_KNOWN = {"circle": "circle", "square": "square", "triangle": "triangle", "diamond": "diamond", "star": "star",
               "cross": "cross"}

for _prefix, _uri in (("", SLD), ("se", SE), ("ogc", OGC)):  # SLD as the default namespace, as QGIS writes it
    ET.register_namespace(_prefix, _uri)


def _se(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _paint(parent: ET.Element, tag: str, colour: str, width: float | None = None) -> None:
    r, g, b, a = parse_colour(colour)
    holder = _se(parent, tag)
    name = "fill" if tag == "Fill" else "stroke"
    _se(holder, "SvgParameter", f"#{r:02x}{g:02x}{b:02x}", name=name)
    if a != 255:
        _se(holder, "SvgParameter", f"{a / 255:.3g}", name=f"{name}-opacity")
    if width is not None:
        _se(holder, "SvgParameter", f"{width * PIXELS_PER_POINT:.4g}", name="stroke-width")


def _symbolizer(rule: ET.Element, symbol: Symbol, geometry: str) -> None:
    if geometry == "line":
        _paint(_se(rule, "LineSymbolizer"), "Stroke", symbol.stroke, symbol.stroke_width)
    elif geometry == "polygon":
        polygon = _se(rule, "PolygonSymbolizer")
        _paint(polygon, "Fill", symbol.fill)
        _paint(polygon, "Stroke", symbol.stroke, symbol.stroke_width)
    else:
        graphic = _se(_se(rule, "PointSymbolizer"), "Graphic")
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", _WELL_KNOWN[symbol.marker])
        _paint(mark, "Fill", symbol.fill)
        _paint(mark, "Stroke", symbol.stroke, symbol.stroke_width)
        _se(graphic, "Size", f"{symbol.size * PIXELS_PER_POINT:.4g}")


def _comparison(parent: ET.Element, operator: str, field: str, value: Any) -> None:
    element = ET.SubElement(parent, f"{{{OGC}}}{operator}")
    ET.SubElement(element, f"{{{OGC}}}PropertyName").text = field
    ET.SubElement(element, f"{{{OGC}}}Literal").text = str(value)


def _rule(parent: ET.Element, title: str) -> ET.Element:
    rule = _se(parent, "Rule")
    _se(rule, "Name", title)
    _se(_se(rule, "Description"), "Title", title)
    return rule


def style_to_sld(style: Style, name: str, geometry: str = "point") -> str:
    """The SLD document of a vector ``style`` for layer ``name``; empty text for a raster ramp."""
    if isinstance(style, RasterRamp):
        return ""
    root = ET.Element(f"{{{SLD}}}StyledLayerDescriptor", version="1.1.0")
    layer = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    _se(layer, "Name", name)
    user_style = ET.SubElement(layer, f"{{{SLD}}}UserStyle")
    _se(user_style, "Name", name)
    feature_type = _se(user_style, "FeatureTypeStyle")
    rules: list[tuple[ET.Element, Symbol]] = []
    if isinstance(style, SingleSymbol):
        rules.append((_rule(feature_type, name), style.symbol))
    elif isinstance(style, Categorized):
        for category in style.categories:
            rule = _rule(feature_type, category.label)
            _comparison(ET.SubElement(rule, f"{{{OGC}}}Filter"), "PropertyIsEqualTo", style.field, category.value)
            rules.append((rule, category.symbol))
        if style.other is not None:  # an explicit "none of the values" (QGIS 3.22 does not read ElseFilter)
            rule = _rule(feature_type, "other")
            negation = ET.SubElement(ET.SubElement(rule, f"{{{OGC}}}Filter"), f"{{{OGC}}}Not")
            if len(style.categories) > 1:
                negation = ET.SubElement(negation, f"{{{OGC}}}Or")
            for category in style.categories:
                _comparison(negation, "PropertyIsEqualTo", style.field, category.value)
            rules.append((rule, style.other))
    elif isinstance(style, Graduated):
        for i, cls in enumerate(style.classes):
            rule = _rule(feature_type, cls.label)
            both = ET.SubElement(ET.SubElement(rule, f"{{{OGC}}}Filter"), f"{{{OGC}}}And")
            _comparison(both, "PropertyIsGreaterThanOrEqualTo", style.field, repr(float(cls.lower)))
            last = i == len(style.classes) - 1   # Lamplight's last class includes its upper bound
            _comparison(both, "PropertyIsLessThanOrEqualTo" if last else "PropertyIsLessThan", style.field,
                        repr(float(cls.upper)))
            rules.append((rule, cls.symbol))
    for rule, symbol in rules:
        _symbolizer(rule, symbol, geometry)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
