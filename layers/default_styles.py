"""The style a layer gets when it is added: by municipal kind, by the quantity a raster holds, else by geometry.

Planners should see a readable map without touching the style editor: poles by status, 5G sites by operator with
sector wedges, offices by price, buildings by height, roads by class, coverage rasters in RSRP/SINR classes.
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP
from layers.layer import Layer, RasterLayer, VectorLayer
from layers.styles import (
    QUALITATIVE,
    RSRP_STOPS,
    SINR_STOPS,
    Categorized,
    Category,
    Graduated,
    GraduatedClass,
    Labels,
    RasterRamp,
    Sectors,
    SingleSymbol,
    Style,
    Symbol,
    categorize,
    classify,
    ramp_stops,
)

NO_STROKE = "#00000000"

#: Codes of the municipal kinds shown as category labels: marked so a legend reads them in the interface language
#: (``Categorized.legend``); the style keeps the code.
POLE_STATUS_COLOURS = {QT_TRANSLATE_NOOP("StyleValues", "active"): "#f2a900",
                       QT_TRANSLATE_NOOP("StyleValues", "planned"): "#6a51a3",
                       QT_TRANSLATE_NOOP("StyleValues", "faulty"): "#e31a1c",
                       QT_TRANSLATE_NOOP("StyleValues", "removed"): "#969696"}
OPERATOR_COLOURS = {"China Mobile": "#0072bc", "China Unicom": "#d7000f", "China Telecom": "#00a650"}
ROAD_CLASSES = ((QT_TRANSLATE_NOOP("StyleValues", "arterial"), "#e8893a", 2.4),
                (QT_TRANSLATE_NOOP("StyleValues", "secondary"), "#f2c36b", 1.5),
                (QT_TRANSLATE_NOOP("StyleValues", "local"), "#b9b9b9", 0.8))
BUILDING_HEIGHT_BREAKS = (0.0, 24.0, 50.0, 100.0, 200.0, 600.0)
BUILDING_COLOURS = ("#e9e5dc", "#d3c9b8", "#b5a48d", "#8f7b64", "#5f4f40")
#: Cells a raster's stretch is estimated from (every cell of a smaller raster).
STYLE_CELLS = 1_000_000


def default_style(layer: Layer) -> Style | None:
    """A sensible style for ``layer``; None for a raster without valid values."""
    if isinstance(layer, RasterLayer):
        return _raster_style(layer)
    if not isinstance(layer, VectorLayer):
        return None
    builder = _KIND_STYLES.get(layer.kind or "")
    return builder(layer) if builder else _generic_style(layer)


def _lamp_poles(layer: VectorLayer) -> Style:
    template = Symbol(size=3.2, stroke="#3d3d3d", stroke_width=0.3)
    return _categorized(layer, "status", POLE_STATUS_COLOURS, template)


def _sites_5g(layer: VectorLayer) -> Style:
    template = Symbol(size=7.0, marker="triangle", stroke="#ffffff", stroke_width=0.6)
    style = _categorized(layer, "operator", OPERATOR_COLOURS, template)
    style.sectors = Sectors()
    return style


def _categorized(layer: VectorLayer, field: str, colours: dict[str, str],
                 template: Symbol) -> SingleSymbol | Categorized:
    if field not in layer.gdf.columns:
        return SingleSymbol(template)
    present = categorize(layer.gdf[field], template=template, colours=colours)
    known = [Category(value, replace(template, fill=colour)) for value, colour in colours.items()
             if any(c.value == value for c in present)]
    extra = [c for c in present if c.value not in colours]
    return Categorized(field, known + extra, other=replace(template, fill="#9e9e9e"))


def _schools(layer: VectorLayer) -> Style:
    point = layer.geometry_type == "point"
    symbol = Symbol(fill="#ff7f00" if point else "#ff7f0066", stroke="#7f3f00", size=9.0,
                    marker="star", stroke_width=0.5)
    return SingleSymbol(symbol, labels=Labels("name", size=7.5) if "name" in layer.gdf.columns else None)


def _office_space(layer: VectorLayer) -> Style:
    template = Symbol(size=4.0, marker="square", stroke="#4d4d4d", stroke_width=0.3)
    if "price_m2" not in layer.gdf.columns or not np.isfinite(layer.gdf["price_m2"].astype(float)).any():
        return SingleSymbol(template)
    return Graduated("price_m2", classify(layer.gdf["price_m2"], 5, "quantile", "YlOrRd", template=template),
                     "quantile", QT_TRANSLATE_NOOP("Units", "CNY/m²/month"))


def _buildings(layer: VectorLayer) -> Style:
    classes = [GraduatedClass(lo, hi, Symbol(fill=colour, stroke="#857a6b", stroke_width=0.2),
                              label=f"{lo:g}–{hi:g}")
               for lo, hi, colour in zip(BUILDING_HEIGHT_BREAKS, BUILDING_HEIGHT_BREAKS[1:], BUILDING_COLOURS,
                                         strict=False)]
    return Graduated("height_m", classes, "manual", "m")


def _roads(layer: VectorLayer) -> Style:
    categories = [Category(name, Symbol(stroke=colour, stroke_width=width)) for name, colour, width in ROAD_CLASSES]
    labels = Labels("name", size=7.0, min_scale=15000.0) if "name" in layer.gdf.columns else None
    return Categorized("road_class", categories, other=Symbol(stroke="#c8c8c8", stroke_width=0.6), labels=labels)


def _demand(layer: VectorLayer) -> Style:
    """People per feature in blues; 'people' (residents + workers, as demand made from buildings carries it) when
    there, so offices with workers and no residents are drawn too."""
    columns = layer.gdf.columns
    field = "people" if "people" in columns else "residents" if "residents" in columns else "workers"
    template = Symbol(stroke=NO_STROKE, stroke_width=0.0)
    values = layer.gdf[field].astype(float)
    if not (values > 0).any():
        return SingleSymbol(Symbol(fill="#deebf7aa", stroke=NO_STROKE, stroke_width=0.0))
    classes = classify(values[values > 0], 5, "quantile", "Blues", template=template)
    for cls in classes:
        cls.symbol.fill = cls.symbol.fill + "aa"
    return Graduated(field, classes, "quantile", QT_TRANSLATE_NOOP("Units", "people"))


def _generic_style(layer: VectorLayer) -> Style:
    """A stable colour per layer name, so a layer keeps its colour from session to session."""
    colour = QUALITATIVE[zlib.crc32(layer.name.encode()) % len(QUALITATIVE)]
    family = layer.geometry_type
    if family == "line":
        return SingleSymbol(Symbol(stroke=colour, stroke_width=1.0))
    if family == "polygon":
        return SingleSymbol(Symbol(fill=colour + "66", stroke=colour, stroke_width=0.5))
    return SingleSymbol(Symbol(fill=colour, size=4.0, stroke="#ffffff", stroke_width=0.4))


def _raster_style(layer: RasterLayer) -> Style | None:
    quantity = str(layer.metadata.get("quantity", "")).lower()
    if quantity == "rsrp":
        return RasterRamp(list(RSRP_STOPS), unit="dBm")
    if quantity == "sinr":
        return RasterRamp(list(SINR_STOPS), unit="dB")
    # a best-server raster needs every server's colour; a stretch needs only the values' spread (as QGIS
    # estimates it from a sample), so a city raster left in its file is not read whole to be styled
    band = layer.band(1) if quantity == "best_server" else layer.masked(layer.sample(STYLE_CELLS)[0])
    values = band.compressed()
    if values.size == 0:
        return None
    unique = np.unique(values)
    if quantity == "best_server" or (np.issubdtype(layer.dtype, np.integer) and unique.size <= 12):
        # Every server area gets a colour; cycling the palette keeps neighbouring ids (usually neighbouring
        # poles) apart, so service areas read as a patchwork even with thousands of cells.
        return RasterRamp([(float(v), QUALITATIVE[i % len(QUALITATIVE)]) for i, v in enumerate(unique)],
                          discrete=True)
    low, high = np.percentile(values, [2, 98])
    if low == high:
        low, high = float(values.min()), float(values.max()) + 1e-9
    return RasterRamp(ramp_stops(float(low), float(high), "viridis"), unit=str(layer.metadata.get("unit", "")))


_KIND_STYLES = {
    "lamp_poles": _lamp_poles,
    "sites_5g": _sites_5g,
    "schools": _schools,
    "office_space": _office_space,
    "buildings": _buildings,
    "roads": _roads,
    "demand": _demand,
}

__all__ = ["default_style"]
