"""Interactive web map of a project's visible layers: one HTML file, by default self-contained so it opens offline.

Built with folium: each vector layer becomes a styled GeoJSON layer with popups (chosen fields, shown as text),
rasters become coloured image overlays under the vectors, and a layer control, scale bar, title box and a legend
built from the same styles as the canvas are added. No basemap tiles are needed: the page has a plain background
and draws the municipal layers; the online XYZ basemaps of the workbench and the project (``web_basemaps``) can be
chosen in the layer control when the reader is online. A city-sized map is drawn with a level of detail per zoom
band (``web_lod``), so it stays one file of a few megabytes that a browser opens in a second or two.

Example::

    export_web_map(project, "briefing.html", WebMapOptions(title="Tianhe small cells", fields={"poles": ["pole_id"]}))
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import folium
import numpy as np
import pyproj
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import RasterLayer, VectorLayer
from workbench.export.files import check_target
from workbench.export.legend import LegendSection, data_sources, legend_sections
from workbench.export.progress import Progress
from workbench.export.web_assets import lamplight_head, leaflet_head
from workbench.export.web_basemaps import WebBasemap, web_basemaps
from workbench.export.web_features import (
    check_fields,
    default_fields,
    field_headings,
    layer_web_data,
    script_safe_json,
)
from workbench.export.web_lod import LodOptions, ZoomBand, lod_layer, lod_raster, zoom_bands
from workbench.export.web_raster import web_raster
from workbench.export.web_styles import swatch_svg, text

RASTER_PANE = "lamplight-rasters"
log = logging.getLogger(__name__)


@dataclass
class WebMapOptions:
    """What goes into the page. ``fields`` maps a layer name to the attributes its popups show."""

    title: str | None = None
    subtitle: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    self_contained: bool = True
    online_basemap: bool = True
    extent: tuple[float, float, float, float] | None = None  # project CRS; None = the current view
    sources: str | None = None
    #: Past this many features in the map, everything draws on one canvas instead of SVG (stays fluid): the
    #: Tianhe briefing (11,171 features) pans in a median 161 ms on canvas against 415 ms as SVG paths.
    canvas_threshold: int = 5_000
    #: Point layers up to this size draw their marker shapes (stars, triangles) as icons; larger ones, and every
    #: layer of a city-sized map, as outlines on the canvas (no page element per marker).
    shaped_marker_limit: int = 1_000
    #: Lines and polygons of layers past this size are simplified by ``simplify_m`` metres.
    simplify_threshold: int = 2_000
    simplify_m: float = 1.0
    max_raster_pixels: int = 2048
    #: Past this many features in the map (a city, not a district), level of detail per zoom band (``web_lod``):
    #: band 0 from the zoom where the extent is ``lod_width_px`` wide, one more band ``lod_steps`` zooms above it
    #: each, the last with every feature. In every band but the last, point layers over ``aggregate_threshold``
    #: points are gathered into ``aggregate_px`` cells (count in the popup) and lines and polygons simplified to
    #: the band's pixel; line and polygon layers as large are one picture in band 0. Bands are cut into chunks about
    #: ``lod_chunk_px`` pixels wide that the page decodes when the view reaches them. Rasters: an overview at
    #: ``max_raster_pixels``, then tiles at each band's pixel size down to their own pixels.
    lod_threshold: int = 20_000
    aggregate_threshold: int = 5_000
    aggregate_px: int = 32
    lod_width_px: int = 1600
    lod_steps: tuple[float, ...] = (1.5, 3.0)
    lod_chunk_px: int = 1024


class _StyledGeoJson(Layer):
    """A vector layer drawn by the page helper ``Lamplight.geoJsonLayer`` (assets/lamplight-webmap.js)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = Lamplight.register({{ this.plain_name }}, Lamplight.geoJsonLayer(
    {{ this.data }}, {{ this.styles }}, {{ this.fields }}, {}));
{% endmacro %}
""")

    def __init__(self, name: str, data: str, styles: list[dict], fields: list[str]) -> None:
        super().__init__(name=text(name), overlay=True, control=True, show=True)
        self._name = "StyledGeoJson"
        self.plain_name = script_safe_json(name)
        self.data = data
        self.styles = script_safe_json(styles)
        self.fields = script_safe_json(fields)


class _LodLayer(Layer):
    """A city layer drawn per zoom band by the page helper ``Lamplight.lodLayer``; its pictures lie at ``order``
    among the other pictures, whenever they are loaded."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = Lamplight.register({{ this.plain_name }}, Lamplight.lodLayer(
    {{ this.bands }}, {pane: {{ this.pane }}, zIndex: {{ this.order }}}));
{% endmacro %}
""")

    def __init__(self, name: str, bands: list[dict], order: int) -> None:
        super().__init__(name=text(name), overlay=True, control=True, show=True)
        self._name = "LodLayer"
        self.plain_name = script_safe_json(name)
        self.bands = script_safe_json(bands)
        self.pane = script_safe_json(RASTER_PANE)
        self.order = int(order)


class _Basemap(Layer):
    """One choice of basemap in the layer control: XYZ tile layers one over the other, or none (a plain
    background) when ``basemap`` is None."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.layerGroup({{ this.parts }}.map(function (p) {
    return L.tileLayer(p.url, {attribution: p.attribution, subdomains: p.subdomains, maxNativeZoom: p.maxZoom,
                               maxZoom: 21});
}));
{% endmacro %}
""")

    def __init__(self, name: str, basemap: WebBasemap | None) -> None:
        super().__init__(name=text(name), overlay=False, control=True, show=basemap is None)
        self._name = "Basemap"
        parts = basemap.parts if basemap is not None else ()
        self.parts = script_safe_json([{"url": part.url, "attribution": text(part.attribution),
                                        "subdomains": list(part.subdomains) or ["a", "b", "c"],
                                        "maxZoom": part.max_zoom} for part in parts])


class _Script(MacroElement):
    """A line of page script run after the map and everything added before it exist."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "LamplightScript"
        self.code = code


def _to_degrees(extent: tuple[float, float, float, float], crs: pyproj.CRS) -> list[list[float]]:
    transformer = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    west, south, east, north = transformer.transform_bounds(*extent, densify_pts=21)
    return [[south, west], [north, east]]


def _view_extent(project, options: WebMapOptions) -> tuple[float, float, float, float]:
    extent = options.extent or project.view_extent or project.full_extent(visible_only=True)
    if extent is None or not np.all(np.isfinite(extent)):
        raise LayerError(project.path, translate("ExportError", "has no visible layer with features, so there is no "
                                                                "map to export"))
    return extent


def _legend_html(sections: list[LegendSection], sources: str) -> str:
    parts = [f'<details class="lamplight-legend" open><summary>{text(translate("Legend", "Legend"))}</summary>']
    previous_single = True
    for section in sections:
        if not section.single:
            parts.append(f"<h2>{text(section.title)}</h2>")
        # a single-symbol layer after a list of classes is set apart, not read as one more class
        parts.append('<ul class="lamplight-apart">' if section.single and not previous_single else "<ul>")
        previous_single = section.single
        for item in section.items:
            swatch = swatch_svg(item.geometry if item.geometry != "raster" else "polygon", item.symbol, item.colour,
                                section.opacity)
            parts.append(f"<li>{swatch}<span>{text(item.label)}</span></li>")
        parts.append("</ul>")
    if sources:
        parts.append(f'<div class="lamplight-sources">{text(sources)}</div>')
    parts.append("</details>")
    return "".join(parts)


def _title_html(title: str, subtitle: str) -> str:
    sub = f"<p>{text(subtitle)}</p>" if subtitle else ""
    return f'<div class="lamplight-title"><h1>{text(title)}</h1>{sub}</div>'


Lod = tuple[list[ZoomBand], tuple[float, float, float, float], pyproj.CRS]


def _add_vector(m: folium.Map, layer: VectorLayer, options: WebMapOptions, lod: Lod | None, order: int) -> int:
    """Add one layer, with the level of detail ``lod`` (bands, extent and its CRS) when given; returns the number
    of features the layer draws (at full detail, not of circles or pictures standing for them)."""
    requested = options.fields.get(layer.name)
    fields = check_fields(layer, requested) if requested is not None else default_fields(layer)
    if lod is not None:
        bands, extent, crs = lod
        drawn = lod_layer(layer, fields, bands, _lod_options(options), extent, crs)
        _LodLayer(layer.name, drawn.bands, order).add_to(m)
        return drawn.feature_count
    simplify = options.simplify_m if len(layer.gdf) > options.simplify_threshold else 0.0
    data = layer_web_data(layer, fields, simplify_m=simplify,
                          shaped_markers=len(layer.gdf) <= options.shaped_marker_limit)
    _StyledGeoJson(layer.name, data.geojson, data.styles, field_headings(layer, data.fields)).add_to(m)
    return data.feature_count


def _lod_options(options: WebMapOptions) -> LodOptions:
    return LodOptions(width_px=options.lod_width_px, steps=options.lod_steps,
                      aggregate_threshold=options.aggregate_threshold, aggregate_px=options.aggregate_px,
                      chunk_px=options.lod_chunk_px, simplify_m=options.simplify_m)


def _add_raster(m: folium.Map, layer: RasterLayer, options: WebMapOptions, lod: Lod | None, order: int) -> None:
    if lod is not None:
        _LodLayer(layer.name, lod_raster(layer, lod[0], _lod_options(options), options.max_raster_pixels),
                  order).add_to(m)
        return
    raster = web_raster(layer, max_pixels=options.max_raster_pixels)
    overlay = folium.raster_layers.ImageOverlay(
        image=raster.rgba, bounds=[list(raster.bounds[0]), list(raster.bounds[1])], name=text(layer.name),
        opacity=1.0, interactive=False, cross_origin=False, pane=RASTER_PANE, overlay=True, show=True,
    )
    overlay.add_to(m)
    _Script(f"Lamplight.register({script_safe_json(layer.name)}, {overlay.get_name()});").add_to(m)


def _add_basemaps(m: folium.Map, project, note: Callable[[str], None]) -> None:
    """The project's online XYZ basemaps as choices in the layer control, none of them shown at first."""
    offered, notes = web_basemaps(project)
    for line in notes:
        note(line)
    if not offered:
        return
    _Basemap(translate("WebMap", "No basemap (plain background)"), None).add_to(m)
    for basemap in offered:
        _Basemap(basemap.name, basemap).add_to(m)


def build_web_map(project, options: WebMapOptions | None = None, *,
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  note: Callable[[str], None] | None = None) -> tuple[folium.Map, dict[str, int]]:
    """The folium map of the project's visible layers and the number of features drawn per vector layer; what
    the page leaves out (a basemap that needs a key) is told to ``note`` (default: this module's log)."""
    options = options or WebMapOptions()
    note = note or log.warning
    steps = Progress(progress, cancelled)
    if project.crs is None:
        raise LayerError(project.path, translate("ExportError", "the project has no coordinate reference system; "
                                                                "add a layer first"))
    layers = [layer for layer in project.layers if layer.visible]
    if not layers:
        raise LayerError(project.path, translate("ExportError", "has no visible layers to put on a web map"))
    extent = _view_extent(project, options)
    bounds = _to_degrees(extent, project.crs)
    total = sum(len(layer) for layer in layers if isinstance(layer, VectorLayer))
    lod = None
    if total > options.lod_threshold and project.crs.is_projected:
        lod = (zoom_bands(extent, project.crs, _lod_options(options)), extent, project.crs)
    m = folium.Map(location=None, tiles=None, control_scale=True, prefer_canvas=total > options.canvas_threshold,
                   max_zoom=21, zoom_snap=0.25, zoom_control=False)
    m.default_js, m.default_css = [], []
    root = m.get_root()
    root.header.add_child(Element(leaflet_head(options.self_contained)), name="leaflet")
    root.header.add_child(Element(lamplight_head()), name="lamplight")
    title = options.title if options.title is not None else project.title
    root.html.add_child(Element(_title_html(title, options.subtitle)))
    folium.map.CustomPane(RASTER_PANE, z_index=350, pointer_events=False).add_to(m)
    if options.online_basemap:
        _add_basemaps(m, project, note)
    counts: dict[str, int] = {}
    for i, layer in enumerate(layers):
        steps.check()
        if isinstance(layer, RasterLayer):
            _add_raster(m, layer, options, lod, i + 1)
        elif isinstance(layer, VectorLayer):
            counts[layer.name] = _add_vector(m, layer, options, lod, i + 1)
        steps.report(100.0 * (i + 1) / len(layers))
    sources = options.sources if options.sources is not None else "; ".join(data_sources(layers))
    data = translate("WebMap", "Data: {sources}").format(sources=sources) if sources else ""
    root.html.add_child(Element(_legend_html(legend_sections(layers), data)))
    folium.LayerControl(collapsed=len(layers) > 8, position="topright").add_to(m)
    _Script(f"Lamplight.keepOrder({m.get_name()});").add_to(m)
    titles = {"zoomInTitle": translate("WebMap", "Zoom in"), "zoomOutTitle": translate("WebMap", "Zoom out")}
    _Script(f"L.control.zoom({script_safe_json(titles)}).addTo({m.get_name()});").add_to(m)
    m.fit_bounds(bounds)
    return m, counts


def export_web_map(project, path: str | os.PathLike, options: WebMapOptions | None = None, *,
                   progress: Callable[[float], None] | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   note: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the web map to ``path`` (atomically); returns the number of features drawn per vector layer."""
    target = check_target(path, (".html", ".htm"))
    m, counts = build_web_map(project, options, progress=progress, cancelled=cancelled, note=note)
    page = m.get_root().render()
    write_atomically(target, lambda temp: temp.write_text(page, encoding="utf-8"))
    return counts
