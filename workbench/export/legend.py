"""What a legend lists, read from the layer styles: one section per visible layer, top of the map first.

The print layout draws these sections with QPainter and the web map writes them as HTML, so both legends say the
same thing as the canvas. Single-symbol layers are one line (symbol and layer name) rather than a heading.

Two kinds of raster read differently from their style's stops: a continuous ramp (RSRP, SINR) is clamped at its
ends, so its first and last entries say "≤" and "≥"; a class per value with thousands of values (the best server of
every cell) would list colours that mean nothing on paper, so it becomes one line under its heading
("3,101 cell areas").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from layers.default_styles import default_style
from layers.i18n import translate
from layers.layer import Layer, RasterLayer, VectorLayer
from layers.styles import LEGEND_LIMIT, Categorized, Graduated, RasterRamp, SingleSymbol, Symbol, unit_text


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
        return _ramp_section(layer, style)
    return None


def _ramp_section(layer: Layer, style: RasterRamp) -> LegendSection:
    unit = unit_text(style.unit)
    title = layer.name + (f" ({unit})" if unit else "")
    if style.discrete and len(style.stops) > LEGEND_LIMIT:
        what = translate("Legend", "{count:,} cell areas") if str(layer.metadata.get("quantity", "")).lower() \
            == "best_server" else translate("Legend", "{count:,} classes")
        return LegendSection(title, [LegendItem(what.format(count=len(style.stops)), "raster")], layer.opacity)
    labels = [entry.label.removesuffix(f" {unit}") if unit else entry.label for entry in style.legend(layer.name)]
    if not style.discrete and len(labels) > 1:  # values beyond the ends take the end colours
        labels[0], labels[-1] = f"≤ {labels[0]}", f"≥ {labels[-1]}"
    items = [LegendItem(label, "raster", colour=entry.colour)
             for label, entry in zip(labels, style.legend(layer.name), strict=True)]
    return LegendSection(title, items, layer.opacity)


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
    """Where the shown data comes from: source file names, then each analysis with the layers it made
    ("Lamplight coverage.rsrp (RSRP, SINR)"), so a page lists an analysis once however many outputs it shows."""
    files: list[str] = []
    analyses: dict[str, list[str]] = {}
    for layer in layers:
        if not layer.visible:
            continue
        provenance = layer.metadata.get("provenance")
        if isinstance(provenance, dict) and provenance.get("algorithm"):
            made = analyses.setdefault(str(provenance["algorithm"]), [])
            if layer.name not in made:
                made.append(layer.name)
        elif layer.source:
            name = Path(str(layer.source).split("|")[0]).name
            if name not in files:
                files.append(name)
    return files + [f"Lamplight {algorithm} ({', '.join(names)})" for algorithm, names in analyses.items()]
