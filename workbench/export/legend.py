"""What a legend lists, read from the layer styles: one section per visible layer, top of the map first.

The print layout draws these sections with QPainter and the web map writes them as HTML, so both legends say the
same thing as the canvas. Single-symbol layers are one line (symbol and layer name) rather than a heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from layers.default_styles import default_style
from layers.layer import Layer, RasterLayer, VectorLayer
from layers.styles import Categorized, Graduated, RasterRamp, SingleSymbol, Symbol


@dataclass
class LegendItem:
    label: str
    geometry: str  # point, line, polygon or raster
    symbol: Symbol | None = None
    colour: str | None = None


@dataclass
class LegendSection:
    title: str
    items: list[LegendItem]
    opacity: float = 1.0

    @property
    def single(self) -> bool:
        """A single-symbol layer: drawn as one line without a heading."""
        return len(self.items) == 1 and self.items[0].label == self.title


def layer_geometry(layer: Layer) -> str:
    if isinstance(layer, RasterLayer):
        return "raster"
    family = layer.geometry_type if isinstance(layer, VectorLayer) else "polygon"
    return family if family in ("point", "line", "polygon") else "polygon"


def effective_style(layer: Layer):
    """The style the layer is drawn with: its own, else the default a new layer would get."""
    return layer.style if layer.style is not None else default_style(layer)


def legend_section(layer: Layer) -> LegendSection | None:
    style = effective_style(layer)
    geometry = layer_geometry(layer)
    if isinstance(style, SingleSymbol):
        return LegendSection(layer.name, [LegendItem(layer.name, geometry, style.symbol)], layer.opacity)
    if isinstance(style, Categorized | Graduated):
        entries = style.legend(layer.name)
        if isinstance(style, Categorized) and style.other is not None and not _uses_other(layer, style):
            entries = entries[:-1]  # "other" only when some feature is drawn with it
        items = [LegendItem(entry.label, geometry, entry.symbol) for entry in entries]
        return LegendSection(layer.name, items, layer.opacity) if items else None
    if isinstance(style, RasterRamp):
        title = layer.name + (f" ({style.unit})" if style.unit else "")
        items = [LegendItem(entry.label.removesuffix(f" {style.unit}") if style.unit else entry.label, "raster",
                            colour=entry.colour) for entry in style.legend(layer.name)]
        return LegendSection(title, items, layer.opacity)
    return None


def _uses_other(layer: Layer, style: Categorized) -> bool:
    if not isinstance(layer, VectorLayer) or style.field not in layer.gdf.columns:
        return True
    _, index = style.symbols_for(list(layer.gdf[style.field]))
    return bool((index == len(style.categories)).any())


def legend_sections(layers: list[Layer]) -> list[LegendSection]:
    """Sections for the visible ``layers`` (given bottom first, as drawn), listed top first as a reader expects."""
    sections = [legend_section(layer) for layer in reversed(layers) if layer.visible]
    return [s for s in sections if s is not None]


def data_sources(layers: list[Layer]) -> list[str]:
    """Where the shown data comes from: source file names and the analyses that produced outputs."""
    found: list[str] = []
    for layer in layers:
        if not layer.visible:
            continue
        provenance = layer.metadata.get("provenance")
        if isinstance(provenance, dict) and provenance.get("algorithm"):
            entry = f"{layer.name}: Lamplight {provenance['algorithm']}"
        elif layer.source:
            entry = Path(str(layer.source).split("|")[0]).name
        else:
            continue
        if entry not in found:
            found.append(entry)
    return found
