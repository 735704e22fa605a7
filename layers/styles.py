"""Layer styles as plain data, so the canvas, the print layout and the web export all draw the same thing.

A style is a small dataclass tree that serialises to JSON (``to_dict`` / ``style_from_dict``) and knows its own
legend (``legend()``). Nothing here draws: the renderer in ``workbench/render`` and the exporters read these.

Sizes are in points (1/72 inch) so a map printed at 300 dpi looks like the canvas at 96 dpi; colours are
``#RRGGBB`` or ``#RRGGBBAA`` strings.

Example::

    style = Graduated("price_m2", classify(gdf["price_m2"], 5, "quantile", "YlOrRd", template=Symbol(size=5)))
    layer.style = style
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from dataclasses import field as dc_field
from typing import Any

import numpy as np
import pandas as pd

from layers.i18n import translate

MARKERS = ("circle", "square", "triangle", "diamond", "cross", "star")

#: Named colour ramps (evenly spaced stops), chosen to read well in print and for colour-blind viewers.
RAMPS: dict[str, tuple[str, ...]] = {
    "viridis": ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"),
    "YlOrRd": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "Blues": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "Greys": ("#f7f7f7", "#cccccc", "#969696", "#636363", "#252525"),
    "RdYlGn": ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"),
    "Spectral": ("#d7191c", "#fdae61", "#ffffbf", "#abdda4", "#2b83ba"),
    "magma": ("#000004", "#51127c", "#b73779", "#fc8961", "#fcfdbf"),
}

#: Distinct colours for categories (ColorBrewer Set1 / Dark2 mix), cycled when there are more categories.
QUALITATIVE = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#1b9e77",
               "#d95f02", "#7570b3", "#66a61e", "#e6ab02")


def parse_colour(colour: str) -> tuple[int, int, int, int]:
    """(r, g, b, a) 0-255 from ``#RRGGBB`` or ``#RRGGBBAA``; a clear error for anything else."""
    text = colour.strip().lstrip("#")
    if len(text) not in (6, 8) or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError(translate("Styles", "colour {colour!r} is not #RRGGBB or #RRGGBBAA").format(colour=colour))
    values = [int(text[i:i + 2], 16) for i in range(0, len(text), 2)]
    return (values[0], values[1], values[2], values[3] if len(values) == 4 else 255)


def format_colour(rgba: Sequence[float]) -> str:
    """``#RRGGBB`` (or ``#RRGGBBAA`` when not opaque) from 0-255 components (r, g, b) or (r, g, b, a)."""
    parts = [int(round(min(255, max(0, v)))) for v in rgba]
    if len(parts) == 4 and parts[3] == 255:
        parts = parts[:3]
    return "#" + "".join(f"{p:02x}" for p in parts)


def interpolate_colour(stops: list[tuple[float, str]], value: float) -> str:
    """The colour at ``value`` on a ramp of (value, colour) stops, linear in RGBA, clamped at the ends."""
    if not stops:
        raise ValueError(translate("Styles", "a colour ramp needs at least one stop"))
    if value <= stops[0][0]:
        return stops[0][1]
    for (v0, c0), (v1, c1) in zip(stops, stops[1:], strict=False):
        if value <= v1:
            t = 0.0 if v1 == v0 else (value - v0) / (v1 - v0)
            a, b = parse_colour(c0), parse_colour(c1)
            return format_colour(tuple(x + (y - x) * t for x, y in zip(a, b, strict=True)))
    return stops[-1][1]


def _ramp(name: str) -> tuple[str, ...]:
    if name not in RAMPS:
        raise ValueError(translate("Styles", "unknown colour ramp {name!r}; known: {known}").format(
            name=name, known=", ".join(RAMPS)))
    return RAMPS[name]


def ramp_colours(ramp: str, n: int) -> list[str]:
    """``n`` colours sampled evenly along a named ramp."""
    colours = _ramp(ramp)
    stops = [(i / (len(colours) - 1), c) for i, c in enumerate(colours)]
    return [interpolate_colour(stops, i / max(1, n - 1)) for i in range(n)]


@dataclass
class Symbol:
    """How one feature is drawn. Points use marker/size, lines stroke, polygons fill and stroke."""

    fill: str = "#3182bd"
    stroke: str = "#1f1f1f"
    stroke_width: float = 0.4
    size: float = 4.0
    marker: str = "circle"

    def __post_init__(self) -> None:
        parse_colour(self.fill)
        parse_colour(self.stroke)
        if self.marker not in MARKERS:
            raise ValueError(translate("Styles", "marker {marker!r} is not one of {markers}").format(
                marker=self.marker, markers=", ".join(MARKERS)))
        if self.size < 0 or self.stroke_width < 0:
            raise ValueError(translate("Styles", "symbol size and stroke width must not be negative"))


@dataclass
class Labels:
    """Text drawn next to features from one field; ``min_scale`` hides them when zoomed out past 1:N."""

    field: str
    size: float = 8.0
    colour: str = "#202020"
    halo: str | None = "#ffffff"
    min_scale: float | None = 25000.0


@dataclass
class Sectors:
    """Antenna sector wedges for 5G sites: one wedge per azimuth, ``length`` in points on screen."""

    azimuth_field: str = "azimuths"
    beamwidth_field: str = "beamwidth_deg"
    default_beamwidth: float = 65.0
    length: float = 14.0


@dataclass
class LegendEntry:
    """One legend row: a label with a symbol (vector) or a colour swatch (raster)."""

    label: str
    symbol: Symbol | None = None
    colour: str | None = None  # raster ramp swatches


@dataclass
class _VectorStyle:
    """What every vector style has: optional labels and, for 5G sites, sector wedges."""

    labels: Labels | None = dc_field(default=None, kw_only=True)
    sectors: Sectors | None = dc_field(default=None, kw_only=True)

    def symbols_for(self, values: Any) -> tuple[list[Symbol], np.ndarray]:  # pragma: no cover - overridden
        """(symbols, index of each feature's symbol in them, -1 for not drawn) for the values of ``field``."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        """Plain JSON-able data, as saved in a project; ``style_from_dict`` reads it back."""
        return {"type": type(self).__name__, **asdict(self)}


@dataclass
class SingleSymbol(_VectorStyle):
    """Every feature the same."""

    symbol: Symbol = dc_field(default_factory=Symbol)

    @property
    def field(self) -> None:
        """No field: every feature is drawn alike."""
        return None

    def symbols_for(self, values: Any) -> tuple[list[Symbol], np.ndarray]:
        """(symbols, index of the symbol per feature); ``values`` only gives the feature count here."""
        return [self.symbol], np.zeros(len(values), dtype=np.int32)

    def legend(self, title: str = "") -> list[LegendEntry]:
        """One row: ``title`` with the symbol."""
        return [LegendEntry(title, self.symbol)]


@dataclass
class Category:
    value: Any
    symbol: Symbol
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or str(self.value)


@dataclass
class Categorized(_VectorStyle):
    """One symbol per distinct value of ``field`` (e.g. pole status, operator); others get ``other``."""

    field: str = ""
    categories: list[Category] = dc_field(default_factory=list)
    other: Symbol | None = None

    def symbols_for(self, values: Any) -> tuple[list[Symbol], np.ndarray]:
        """Features whose value has no category and no ``other`` symbol get index -1 (not drawn)."""
        symbols = [c.symbol for c in self.categories]
        lookup = {_key(c.value): i for i, c in enumerate(self.categories)}
        fallback = len(symbols) if self.other is not None else -1
        if self.other is not None:
            symbols.append(self.other)
        # look each distinct value up once (a million poles have a handful of statuses)
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        per_unique = np.fromiter((lookup.get(_key(u), fallback) for u in uniques), dtype=np.int32,
                                 count=len(uniques))
        missing = lookup.get(None, fallback)
        index = np.where(codes >= 0, per_unique[np.maximum(codes, 0)] if len(uniques) else missing, missing)
        return symbols, index.astype(np.int32)

    def legend(self, title: str = "") -> list[LegendEntry]:
        """One row per category, then "other" when other values are drawn; a label that is a code of a
        municipal kind (a pole status, a road class) reads in the interface language."""
        entries = [LegendEntry(translate("StyleValues", c.label), c.symbol) for c in self.categories]
        if self.other is not None:
            entries.append(LegendEntry(translate("Styles", "other"), self.other))
        return entries


def unit_text(unit: str) -> str:
    """A style's unit as a legend shows it: saved in English ("CNY/m²/month"), read in the interface language."""
    return translate("Units", unit) if unit else unit


def _key(value: Any) -> Any:
    """Category lookup key: numbers compare by value (3 == 3.0), missing values all alike."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    return str(value)


@dataclass
class GraduatedClass:
    """One class of a ``Graduated`` style: values from ``lower`` (inclusive) below ``upper``; the label defaults
    to the range."""

    lower: float
    upper: float
    symbol: Symbol
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or f"{_number(self.lower)} – {_number(self.upper)}"


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.0f}"


@dataclass
class Graduated(_VectorStyle):
    """Classes of a numeric ``field`` (e.g. office price, building height); lower bound inclusive."""

    field: str = ""
    classes: list[GraduatedClass] = dc_field(default_factory=list)
    method: str = "quantile"
    unit: str = ""

    def symbols_for(self, values: Any) -> tuple[list[Symbol], np.ndarray]:
        """Values outside every class or not numeric get index -1 (not drawn)."""
        numbers = np.asarray(_as_float(values), dtype=float)
        index = np.full(len(numbers), -1, dtype=np.int32)
        for i, cls in enumerate(self.classes):
            last = i == len(self.classes) - 1
            inside = (numbers >= cls.lower) & ((numbers <= cls.upper) if last else (numbers < cls.upper))
            index[inside & (index < 0)] = i
        return [c.symbol for c in self.classes], index

    def legend(self, title: str = "") -> list[LegendEntry]:
        """One row per class, labelled with the unit."""
        suffix = f" {unit_text(self.unit)}" if self.unit else ""
        return [LegendEntry(c.label + suffix, c.symbol) for c in self.classes]


def _as_float(values: Any) -> np.ndarray:
    """Floats of ``values``; missing values and text that is not a number become NaN.

    Numeric columns convert in one call (a graduated style re-reads its field at every render of a new layer
    version, a million features at a time); only text and mixed columns go value by value.
    """
    if pd.api.types.is_numeric_dtype(getattr(values, "dtype", None)):
        return pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            pass
    return out


def class_breaks(values: Any, n: int, method: str = "quantile") -> list[float]:
    """``n + 1`` increasing breaks: equal interval, quantile or natural breaks (Jenks via mapclassify)."""
    numbers = np.asarray(_as_float(values), dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    if len(numbers) == 0:
        raise ValueError(translate("Styles", "no numeric values to classify"))
    low, high = float(numbers.min()), float(numbers.max())
    if low == high or n < 2:
        return [low, high]
    if method == "equal":
        breaks = list(np.linspace(low, high, n + 1))
    elif method == "quantile":
        breaks = list(np.quantile(numbers, np.linspace(0, 1, n + 1)))
    elif method == "jenks":
        import mapclassify

        k = min(n, len(np.unique(numbers)))
        breaks = [low, *map(float, mapclassify.NaturalBreaks(numbers, k=k).bins)]
    else:
        raise ValueError(translate("Styles", "classification method {method!r} is not one of equal, quantile, "
                                             "jenks").format(method=method))
    unique = [breaks[0]]
    for b in breaks[1:]:
        if b > unique[-1]:
            unique.append(float(b))
    return unique


def classify(values: Any, n: int = 5, method: str = "quantile", ramp: str = "YlOrRd", *,
             template: Symbol | None = None) -> list[GraduatedClass]:
    """Graduated classes with colours from ``ramp``; ``template`` gives the marker, size and stroke."""
    breaks = class_breaks(values, n, method)
    colours = ramp_colours(ramp, len(breaks) - 1)
    template = template or Symbol()
    return [GraduatedClass(lo, hi, replace(template, fill=colour))
            for lo, hi, colour in zip(breaks, breaks[1:], colours, strict=False)]


def categorize(values: Any, *, template: Symbol | None = None, colours: dict[Any, str] | None = None,
               limit: int = 12) -> list[Category]:
    """One category per distinct value (most frequent first, at most ``limit``), colours given or cycled."""
    template = template or Symbol()
    counts: dict[Any, int] = {}
    for v in values:
        if _key(v) is not None:
            counts[v] = counts.get(v, 0) + 1
    ordered = sorted(counts, key=lambda v: (-counts[v], str(v)))[:limit]
    chosen = colours or {}
    return [Category(v, replace(template, fill=chosen.get(v, QUALITATIVE[i % len(QUALITATIVE)])))
            for i, v in enumerate(sorted(ordered, key=str))]


#: Most entries a legend lists for one layer before summarising the rest.
LEGEND_LIMIT = 12


@dataclass
class RasterRamp:
    """A single-band raster coloured along (value, colour) stops; no-data and NaN are transparent.

    ``discrete`` colours each interval flat (classes) instead of blending; ``unit`` goes in the legend.
    """

    stops: list[tuple[float, str]] = dc_field(default_factory=list)
    band: int = 1
    discrete: bool = False
    unit: str = ""
    labels: Labels | None = None

    def __post_init__(self) -> None:
        self.stops = sorted((float(v), c) for v, c in self.stops)
        for _, colour in self.stops:
            parse_colour(colour)

    def lookup_table(self, low: float, high: float, size: int = 256) -> np.ndarray:
        """``size`` x 4 uint8 RGBA table over [low, high], for fast array colouring."""
        table = np.empty((size, 4), np.uint8)
        for i, value in enumerate(np.linspace(low, high, size)):
            colour = self.colour_at(float(value))
            table[i] = parse_colour(colour)
        return table

    def colour_at(self, value: float) -> str:
        """The ``#RRGGBB[AA]`` colour of ``value``: blended between stops, or a discrete class's own colour."""
        if not self.discrete:
            return interpolate_colour(self.stops, value)
        chosen = self.stops[0][1]
        for stop_value, colour in self.stops:
            if value >= stop_value:
                chosen = colour
        return chosen

    def legend(self, title: str = "") -> list[LegendEntry]:
        """One entry per stop; a discrete ramp with many classes (e.g. best-server ids) is summarised."""
        suffix = f" {unit_text(self.unit)}" if self.unit else ""
        entries = [LegendEntry(f"{_number(v)}{suffix}", colour=c) for v, c in self.stops]
        if self.discrete and len(entries) > LEGEND_LIMIT:
            shown = entries[:LEGEND_LIMIT - 1]
            return [*shown, LegendEntry(translate("Styles", "… {count} more classes").format(
                count=len(entries) - len(shown)))]
        return entries

    def to_dict(self) -> dict:
        """Plain JSON-able data, as saved in a project; ``style_from_dict`` reads it back."""
        data = asdict(self)
        data["stops"] = [list(s) for s in self.stops]
        return {"type": "RasterRamp", **data}


def ramp_stops(low: float, high: float, ramp: str = "viridis") -> list[tuple[float, str]]:
    """Evenly spaced stops of a named ramp between ``low`` and ``high``."""
    colours = _ramp(ramp)
    values = np.linspace(low, high, len(colours))
    return [(float(v), c) for v, c in zip(values, colours, strict=True)]


#: RSRP classes an RF engineer reads at a glance (dBm), as in common drive-test colour schemes.
RSRP_STOPS: list[tuple[float, str]] = [(-120.0, "#d7191c"), (-110.0, "#fdae61"), (-100.0, "#ffffbf"),
                                       (-90.0, "#a6d96a"), (-80.0, "#1a9641")]
#: SINR classes (dB).
SINR_STOPS: list[tuple[float, str]] = [(-5.0, "#d7191c"), (0.0, "#fdae61"), (5.0, "#ffffbf"), (13.0, "#a6d96a"),
                                       (20.0, "#1a9641")]

Style = SingleSymbol | Categorized | Graduated | RasterRamp

_STYLE_TYPES = {cls.__name__: cls for cls in (SingleSymbol, Categorized, Graduated, RasterRamp)}


def style_from_dict(data: dict) -> Style:
    """Rebuild a style saved with ``to_dict``; unknown types raise ValueError naming the type."""
    data = dict(data)
    kind = data.pop("type", None)
    if kind not in _STYLE_TYPES:
        raise ValueError(translate("Styles", "unknown style type {kind!r}; known: {known}").format(
            kind=kind, known=", ".join(_STYLE_TYPES)))
    labels = Labels(**data.pop("labels")) if data.get("labels") else None
    data.pop("labels", None)
    if kind == "RasterRamp":
        return RasterRamp(stops=[tuple(s) for s in data.pop("stops", [])], labels=labels, **data)
    sectors = Sectors(**data.pop("sectors")) if data.get("sectors") else None
    data.pop("sectors", None)
    if kind == "SingleSymbol":
        return SingleSymbol(Symbol(**data["symbol"]), labels=labels, sectors=sectors)
    if kind == "Categorized":
        categories = [Category(c["value"], Symbol(**c["symbol"]), c.get("label", "")) for c in data["categories"]]
        other = Symbol(**data["other"]) if data.get("other") else None
        return Categorized(data["field"], categories, other, labels=labels, sectors=sectors)
    classes = [GraduatedClass(c["lower"], c["upper"], Symbol(**c["symbol"]), c.get("label", ""))
               for c in data["classes"]]
    return Graduated(data["field"], classes, data.get("method", "quantile"), data.get("unit", ""), labels=labels,
                     sectors=sectors)


def default_style(layer: Any) -> Style | None:
    """The style a newly added layer gets (by kind, raster quantity or geometry; see layers.default_styles)."""
    from layers.default_styles import default_style as choose

    return choose(layer)


__all__ = [
    "Categorized", "Category", "Graduated", "GraduatedClass", "Labels", "LegendEntry", "MARKERS", "QUALITATIVE",
    "RAMPS", "RSRP_STOPS", "RasterRamp", "SINR_STOPS", "Sectors", "SingleSymbol", "Style", "Symbol", "categorize",
    "class_breaks", "classify", "default_style", "format_colour", "interpolate_colour", "parse_colour", "ramp_colours",
    "ramp_stops", "style_from_dict",
]
