"""Lamplight styles to QGIS QML and back, so results open in QGIS styled and a planner's QGIS styling applies here.

Written QML is what QGIS 3.22+ reads: ``renderer-v2`` singleSymbol / categorizedSymbol / graduatedSymbol with
SimpleMarker, SimpleLine or SimpleFill symbol layers, simple labeling, and a raster ``singlebandpseudocolor``
renderer. Sizes stay in points (QGIS unit ``Point``): Lamplight sizes are points, so nothing is converted.

Two rules differ: a QGIS graduated range includes its upper bound (Lamplight's its lower one; values exactly on a
break may change class, as QGIS has no other choice), and a QGIS DISCRETE colour ramp item gives its colour to
values up to and with its value, whereas a Lamplight discrete stop gives its colour to values from its value on:
the items are written with the next stop's value minus one ulp (``math.nextafter``), so integer classes such as
best-server ids keep their colours exactly.

Reading QML from others: the text is capped at ``MAX_QML_BYTES`` and parsed with defusedxml (no entities, no
external references); parts Lamplight has no equivalent for are ignored and named in the returned notes.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import defusedxml.ElementTree

from layers.errors import LayerError
from layers.i18n import translate
from layers.styles import (
    Categorized,
    Category,
    Graduated,
    GraduatedClass,
    Labels,
    RasterRamp,
    SingleSymbol,
    Style,
    Symbol,
    format_colour,
    parse_colour,
)

#: Largest QML accepted from a file (a pole layer with a few hundred categories is ~300 kB).
MAX_QML_BYTES = 5_000_000
QGIS_VERSION = "3.22.0"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"

#: Lamplight marker -> QGIS SimpleMarker shape ("cross_fill" keeps the fill colour; QGIS's "cross" is lines).
_MARKER_TO_QGIS = {"circle": "circle", "square": "square", "triangle": "triangle", "diamond": "diamond",
                   "star": "star", "cross": "cross_fill"}
_MARKER_FROM_QGIS = {**{v: k for k, v in _MARKER_TO_QGIS.items()}, "cross": "cross", "cross2": "cross",
                     "rectangle": "square", "equilateral_triangle": "triangle", "filled_star": "star"}
_SYMBOL_TYPES = {"point": "marker", "line": "line", "polygon": "fill"}
#: QGIS render units -> points (the units Lamplight sizes are in).
_TO_POINTS = {"point": 1.0, "mm": 72 / 25.4, "pixel": 0.75, "inch": 72.0}


def _qgis_colour(colour: str) -> str:
    r, g, b, a = parse_colour(colour)
    return f"{r},{g},{b},{a}"


def _lamplight_colour(text: str | None, default: str) -> str:
    """``#RRGGBB[AA]`` from QGIS ``r,g,b,a`` (3.28+ appends ``,rgb:…``) or ``#RRGGBB``; ``default`` if unreadable."""
    if not text:
        return default
    if text.startswith("#"):
        try:
            return format_colour(parse_colour(text))
        except ValueError:
            return default
    parts = text.split(",")[:4]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return default
    return format_colour(values) if len(values) in (3, 4) else default


def _number(value: float) -> str:
    return "inf" if math.isinf(value) else repr(float(value))


# ----------------------------------------------------------------------------------------------- writing

def _option_map(parent: ET.Element, props: dict[str, str]) -> None:
    options = ET.SubElement(parent, "Option", type="Map")
    for key, value in props.items():
        ET.SubElement(options, "Option", name=key, type="QString", value=value)


def _symbol_element(symbol: Symbol, geometry: str, name: str, tag: str = "symbol") -> ET.Element:
    kind = _SYMBOL_TYPES.get(geometry, "marker")
    element = ET.Element(tag, type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    if kind == "marker":
        layer_class = "SimpleMarker"
        props = {"name": _MARKER_TO_QGIS[symbol.marker], "color": _qgis_colour(symbol.fill),
                 "outline_color": _qgis_colour(symbol.stroke), "outline_width": _number(symbol.stroke_width),
                 "outline_width_unit": "Point", "outline_style": "solid", "size": _number(symbol.size),
                 "size_unit": "Point", "angle": "0", "joinstyle": "bevel", "scale_method": "diameter"}
    elif kind == "line":
        layer_class = "SimpleLine"
        props = {"line_color": _qgis_colour(symbol.stroke), "line_width": _number(symbol.stroke_width),
                 "line_width_unit": "Point", "line_style": "solid", "capstyle": "round", "joinstyle": "round"}
    else:
        layer_class = "SimpleFill"
        props = {"color": _qgis_colour(symbol.fill), "style": "solid", "outline_color": _qgis_colour(symbol.stroke),
                 "outline_width": _number(symbol.stroke_width), "outline_width_unit": "Point",
                 "outline_style": "solid", "joinstyle": "bevel"}
    layer = ET.SubElement(element, "layer", attrib={"class": layer_class, "enabled": "1", "pass": "0",
                                                    "locked": "0"})
    _option_map(layer, props)
    return element


def _symbols(parent: ET.Element, symbols: list[Symbol], geometry: str) -> None:
    holder = ET.SubElement(parent, "symbols")
    for i, symbol in enumerate(symbols):
        holder.append(_symbol_element(symbol, geometry, str(i)))


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    return "double" if isinstance(value, float) else "string"


def _renderer(style: SingleSymbol | Categorized | Graduated, geometry: str) -> ET.Element:
    common = {"symbollevels": "0", "enableorderby": "0", "forceraster": "0"}
    if isinstance(style, SingleSymbol):
        renderer = ET.Element("renderer-v2", {"type": "singleSymbol", **common})
        _symbols(renderer, [style.symbol], geometry)
    elif isinstance(style, Categorized):
        renderer = ET.Element("renderer-v2", {"type": "categorizedSymbol", "attr": style.field, **common})
        categories = ET.SubElement(renderer, "categories")
        symbols = [c.symbol for c in style.categories]
        for i, category in enumerate(style.categories):
            ET.SubElement(categories, "category", render="true", symbol=str(i), value=str(category.value),
                          type=_value_type(category.value), label=category.label)
        if style.other is not None:  # an empty value is QGIS's "all other values"
            ET.SubElement(categories, "category", render="true", symbol=str(len(symbols)), value="",
                          type="string", label="other")
            symbols.append(style.other)
        _symbols(renderer, symbols, geometry)
    else:
        renderer = ET.Element("renderer-v2", {"type": "graduatedSymbol", "attr": style.field,
                                              "graduatedMethod": "GraduatedColor", **common})
        ranges = ET.SubElement(renderer, "ranges")
        for i, cls in enumerate(style.classes):
            ET.SubElement(ranges, "range", render="true", symbol=str(i), lower=_number(cls.lower),
                          upper=_number(cls.upper), label=cls.label)
        _symbols(renderer, [c.symbol for c in style.classes], geometry)
        ET.SubElement(renderer, "classificationMethod",
                      id={"equal": "EqualInterval", "jenks": "Jenks"}.get(style.method, "Quantile"))
    return renderer


def _labeling(labels: Labels) -> ET.Element:
    labeling = ET.Element("labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    ET.SubElement(settings, "text-style", fieldName=labels.field, isExpression="0", fontSize=_number(labels.size),
                  fontSizeUnit="Point", textColor=_qgis_colour(labels.colour), textOpacity="1")
    if labels.halo:
        ET.SubElement(settings, "text-buffer", bufferDraw="1", bufferColor=_qgis_colour(labels.halo),
                      bufferSize="1", bufferSizeUnit="Point", bufferOpacity="1")
    ET.SubElement(settings, "placement", placement="1", dist="1", distUnits="Point")
    scaled = labels.min_scale is not None
    # QGIS stores its minimumScale (most zoomed out, 1:N) as scaleMax: the names are swapped in the file
    ET.SubElement(settings, "rendering", scaleVisibility="1" if scaled else "0",
                  scaleMax=_number(labels.min_scale or 0.0), scaleMin="0", drawLabels="1")
    return labeling


def _raster_pipe(style: RasterRamp) -> ET.Element:
    pipe = ET.Element("pipe")
    stops = style.stops
    low, high = (stops[0][0], stops[-1][0]) if stops else (0.0, 0.0)
    renderer = ET.SubElement(pipe, "rasterrenderer", type="singlebandpseudocolor", band=str(style.band),
                             opacity="1", alphaBand="-1", classificationMin=_number(low),
                             classificationMax=_number(high), nodataColor="")
    shader = ET.SubElement(ET.SubElement(renderer, "rastershader"), "colorrampshader",
                           colorRampType="DISCRETE" if style.discrete else "INTERPOLATED", classificationMode="1",
                           clip="0", minimumValue=_number(low), maximumValue=_number(high),
                           labelPrecision="4")
    if style.discrete:  # QGIS: colour up to and with the item's value; Lamplight: from the stop's value on
        uppers = [math.nextafter(v, -math.inf) for v, _ in stops[1:]] + [math.inf]
        items = [(upper, colour, f"{_label(value)}{' ' + style.unit if style.unit else ''}")
                 for upper, (value, colour) in zip(uppers, stops, strict=True)]
    else:
        items = [(value, colour, f"{_label(value)}{' ' + style.unit if style.unit else ''}")
                 for value, colour in stops]
    for value, colour, label in items:
        r, g, b, a = parse_colour(colour)
        ET.SubElement(shader, "item", value=_number(value), color=f"#{r:02x}{g:02x}{b:02x}", alpha=str(a),
                      label=label)
    return pipe


def _label(value: float) -> str:
    return f"{value:g}"


def style_to_qml(style: Style, geometry: str = "point") -> str:
    """The QML document of ``style``; ``geometry`` (point, line, polygon) picks the QGIS symbol type."""
    labels = style.labels
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling",
                      labelsEnabled="1" if labels is not None and not isinstance(style, RasterRamp) else "0")
    if isinstance(style, RasterRamp):
        root.append(_raster_pipe(style))
    else:
        root.append(_renderer(style, geometry))
        if labels is not None:
            root.append(_labeling(labels))
    ET.indent(root)
    return DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"


# ----------------------------------------------------------------------------------------------- reading

def _props(layer: ET.Element) -> dict[str, str]:
    """Symbol layer properties from old ``<prop k v>`` and new ``<Option type="Map">`` forms."""
    props = {p.get("k", ""): p.get("v", "") for p in layer.findall("prop")}
    options = layer.find("Option")
    if options is not None:
        props.update({o.get("name", ""): o.get("value", "") for o in options.findall("Option")
                      if o.get("value") is not None})
    return props


def _size(props: dict[str, str], key: str, default: float, notes: list[str]) -> float:
    try:
        value = float(props.get(key, default))
    except ValueError:
        return default
    unit = props.get(f"{key}_unit", "MM").lower()
    factor = _TO_POINTS.get(unit)
    if factor is None:
        notes.append(translate("qml", "size unit '{unit}' of '{key}' read as millimetres").format(
            unit=props.get(f"{key}_unit"), key=key))
        factor = _TO_POINTS["mm"]
    return round(value * factor, 4)


def _read_symbol(element: ET.Element | None, notes: list[str]) -> Symbol:
    if element is None:
        return Symbol()
    layers = element.findall("layer")
    if len(layers) > 1:
        notes.append(translate("qml", "symbol '{name}': only its first of {count} symbol layers is used").format(
            name=element.get("name", ""), count=len(layers)))
    if not layers:
        return Symbol()
    layer = layers[0]
    props = _props(layer)
    kind = layer.get("class", "")
    base = Symbol()
    if kind == "SimpleMarker":
        shape = props.get("name", "circle")
        marker = _MARKER_FROM_QGIS.get(shape)
        if marker is None:
            notes.append(translate("qml", "marker shape '{shape}' drawn as a circle").format(shape=shape))
            marker = "circle"
        return Symbol(fill=_lamplight_colour(props.get("color"), base.fill),
                      stroke=_lamplight_colour(props.get("outline_color"), base.stroke),
                      stroke_width=_size(props, "outline_width", base.stroke_width, notes),
                      size=_size(props, "size", base.size, notes), marker=marker)
    if kind == "SimpleLine":
        return Symbol(stroke=_lamplight_colour(props.get("line_color"), base.stroke),
                      stroke_width=_size(props, "line_width", base.stroke_width, notes))
    if kind == "SimpleFill":
        return Symbol(fill=_lamplight_colour(props.get("color"), base.fill),
                      stroke=_lamplight_colour(props.get("outline_color"), base.stroke),
                      stroke_width=_size(props, "outline_width", base.stroke_width, notes))
    notes.append(translate("qml", "symbol layer type '{kind}' drawn with the default symbol").format(kind=kind))
    return Symbol()


def _symbol_table(renderer: ET.Element, notes: list[str]) -> dict[str, Symbol]:
    holder = renderer.find("symbols")
    if holder is None:
        return {}
    return {s.get("name", ""): _read_symbol(s, notes) for s in holder.findall("symbol")}


def _category_value(element: ET.Element) -> Any:
    text, kind = element.get("value", ""), element.get("type", "string")
    try:
        if kind == "integer":
            return int(text)
        if kind == "double":
            return float(text)
    except ValueError:
        pass
    if kind == "bool":
        return text.lower() in ("true", "1")
    return text


def _read_labels(root: ET.Element, notes: list[str]) -> Labels | None:
    labeling = root.find("labeling")
    if labeling is None or root.get("labelsEnabled", "1") == "0":
        return None
    if labeling.get("type") != "simple":
        notes.append(translate("qml", "labeling type '{kind}' ignored (only simple labels are read)").format(
            kind=labeling.get("type")))
        return None
    text = labeling.find("settings/text-style")
    if text is None or not text.get("fieldName") or text.get("isExpression") == "1":
        notes.append(translate("qml", "labels from an expression ignored (only a field is read)"))
        return None
    size_props = {"size": text.get("fontSize", "8"), "size_unit": text.get("fontSizeUnit", "Point")}
    buffer = labeling.find("settings/text-buffer")
    halo = (_lamplight_colour(buffer.get("bufferColor"), "#ffffff")
            if buffer is not None and buffer.get("bufferDraw") == "1" else None)
    rendering = labeling.find("settings/rendering")
    min_scale = None
    if rendering is not None and rendering.get("scaleVisibility") == "1":
        raw = rendering.get("scaleMax", "0")  # QGIS's minimumScale, under the swapped name QGIS writes
        min_scale = float(raw) if raw not in ("", "0") else None
    return Labels(text.get("fieldName", ""), size=_size(size_props, "size", 8.0, notes),
                  colour=_lamplight_colour(text.get("textColor"), "#202020"), halo=halo, min_scale=min_scale)


def _read_raster(pipe: ET.Element, notes: list[str]) -> RasterRamp:
    renderer = pipe.find("rasterrenderer")
    if renderer is None or renderer.get("type") != "singlebandpseudocolor":
        raise ValueError(translate("qml", "raster renderer '{kind}' has no Lamplight equivalent (only "
                                          "singlebandpseudocolor is read)").format(
            kind=None if renderer is None else renderer.get("type")))
    shader = renderer.find("rastershader/colorrampshader")
    if shader is None:
        raise ValueError(translate("qml", "the pseudocolor renderer has no colour ramp"))
    items = []
    for item in shader.findall("item"):
        alpha = int(float(item.get("alpha", "255")))
        colour = _lamplight_colour(item.get("color"), "#000000")
        r, g, b, _ = parse_colour(colour)
        items.append((float(item.get("value", "nan")), format_colour((r, g, b, alpha))))
    ramp_type = shader.get("colorRampType", "INTERPOLATED")
    if ramp_type == "EXACT":
        notes.append(translate("qml", "an EXACT colour ramp is read as discrete classes"))
    if ramp_type == "INTERPOLATED":
        return RasterRamp([(v, c) for v, c in items if math.isfinite(v)], band=int(renderer.get("band", "1")))
    lowest = float(renderer.get("classificationMin", shader.get("minimumValue", "nan")))
    uppers = [v for v, _ in items]
    # QGIS colours a value equal to an item's value with that item, so the next class starts just above it
    lowers = [lowest if math.isfinite(lowest) else uppers[0] - 1.0,
              *(math.nextafter(u, math.inf) for u in uppers[:-1])] if items else []
    return RasterRamp([(low, colour) for low, (_, colour) in zip(lowers, items, strict=True)],
                      band=int(renderer.get("band", "1")), discrete=True)


def _shown(element: ET.Element, symbol: Symbol, notes: list[str]) -> Symbol:
    """``symbol``, made fully transparent when QGIS does not draw its class (the class's check box is off)."""
    if element.get("render", "true").lower() != "false":
        return symbol
    notes.append(translate("qml", "class '{label}' is switched off in QGIS: drawn fully transparent").format(
        label=element.get("label") or element.get("value", "")))
    r, g, b, _ = parse_colour(symbol.fill)
    sr, sg, sb, _ = parse_colour(symbol.stroke)
    return replace(symbol, fill=format_colour((r, g, b, 0)), stroke=format_colour((sr, sg, sb, 0)))


def _read_renderer(renderer: ET.Element, notes: list[str]) -> SingleSymbol | Categorized | Graduated:
    kind = renderer.get("type")
    symbols = _symbol_table(renderer, notes)
    if kind == "singleSymbol":
        return SingleSymbol(symbols.get("0", Symbol()))
    if kind == "categorizedSymbol":
        categories, other = [], None
        for element in renderer.findall("categories/category"):
            symbol = _shown(element, symbols.get(element.get("symbol", ""), Symbol()), notes)
            if element.get("value", "") == "" and element.get("type", "string") == "string":
                other = symbol
            else:
                categories.append(Category(_category_value(element), symbol, element.get("label", "")))
        return Categorized(renderer.get("attr", ""), categories, other)
    if kind == "graduatedSymbol":
        classes = [GraduatedClass(float(e.get("lower", "nan")), float(e.get("upper", "nan")),
                                  _shown(e, symbols.get(e.get("symbol", ""), Symbol()), notes), e.get("label", ""))
                   for e in renderer.findall("ranges/range")]
        method = renderer.find("classificationMethod")
        method_id = (method.get("id", "") if method is not None else "").lower()
        return Graduated(renderer.get("attr", ""), classes,
                         {"equalinterval": "equal", "jenks": "jenks"}.get(method_id, "quantile"))
    raise ValueError(translate("qml", "renderer '{kind}' has no Lamplight equivalent (single symbol, "
                                      "categorised and graduated are read)").format(kind=kind))


def style_from_qml(text: str | bytes, *, source: str = "QML") -> tuple[Style, list[str]]:
    """The Lamplight style in a QML document, with notes naming the parts that were ignored.

    Raises LayerError naming ``source`` for text that is too large, not XML, or holds no style Lamplight has.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if len(data) > MAX_QML_BYTES:
        raise LayerError(source, translate("qml", "is {size:,} bytes, more than the {limit:,} a QML style may "
                                                  "be").format(size=len(data), limit=MAX_QML_BYTES))
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except (ET.ParseError, defusedxml.DefusedXmlException) as exc:
        raise LayerError(source, translate("qml", "is not a readable QML style: {problem}").format(
            problem=exc)) from exc
    if root.tag != "qgis":
        raise LayerError(source, translate("qml", "is not a QML style (its root element is <{tag}>, not "
                                                  "<qgis>)").format(tag=root.tag))
    notes: list[str] = []
    try:
        renderer = root.find("renderer-v2")
        pipe = root.find("pipe")
        if renderer is not None:
            style: Style = _read_renderer(renderer, notes)
            style.labels = _read_labels(root, notes)
        elif pipe is not None:
            style = _read_raster(pipe, notes)
        else:
            raise ValueError(translate("qml", "it holds neither a vector renderer nor a raster pipe"))
    except ValueError as exc:
        raise LayerError(source, str(exc)) from exc
    return style, notes


def geometry_of(layer: Any) -> str:
    """point, line or polygon for the symbols of ``layer`` (mixed and empty layers get markers)."""
    geometry = getattr(layer, "geometry_type", "point")
    return geometry if geometry in _SYMBOL_TYPES else "point"
