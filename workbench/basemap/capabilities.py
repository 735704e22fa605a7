"""Read a WMS or WMTS server's capabilities into plain choices (layers, CRSs, tile matrix sets) and sources.

A capabilities document comes from someone else's server, so it is treated as hostile: fetched with a size cap
and a timeout, refused when it carries a DTD or entity declarations (defusedxml: no billion laughs, no external
entities), and only then handed to OWSLib, which parses it from memory and never goes to the network itself.

Example::

    caps = read_capabilities("https://example.org/wmts", "WMTS")   # in a worker thread: it downloads
    source = wmts_source(caps, caps.layers[0].name, "GoogleMapsCompatible", "City map", "(C) City")
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

import defusedxml.ElementTree
import pyproj
from PyQt6.QtCore import QCoreApplication

from workbench.basemap.fetch import BasemapUnavailable, download
from workbench.basemap.grid import METRES_PER_DEGREE, OGC_PIXEL_METRES, TileGrid, TileLevel
from workbench.basemap.sources import WmsSource, WmtsSource

#: Capabilities of a large national server run to a few MB; more is refused unread.
MAX_CAPABILITIES_BYTES = 16 * 1024 * 1024
TIMEOUT_SECONDS = 15.0
#: A matrix set with more levels than this is not a real one.
MAX_LEVELS = 30


#: Qt's translate (pylupdate6 reads ``translate("BasemapCapabilities", "text")``).
translate = QCoreApplication.translate


@dataclass(frozen=True)
class LayerChoice:
    """A layer the user may pick: WMS ``options`` are CRS codes, WMTS ``options`` are tile matrix set ids."""

    name: str
    title: str
    options: tuple[str, ...]
    formats: tuple[str, ...] = ()


@dataclass
class Capabilities:
    service: str  # "WMS" or "WMTS"
    url: str      # where the capabilities came from
    title: str
    version: str
    layers: list[LayerChoice]
    #: WMS: the GetMap address. WMTS: tile URL templates by layer, and the usable matrix sets as grids.
    getmap_url: str = ""
    tile_templates: dict[str, str] = field(default_factory=dict)
    grids: dict[str, TileGrid] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def layer(self, name: str) -> LayerChoice:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise BasemapUnavailable(translate("BasemapCapabilities", "the server has no layer '{layer}'").format(
            layer=name))


def capabilities_url(url: str, service: str) -> str:
    """``url`` with SERVICE and REQUEST=GetCapabilities added unless it already asks for them."""
    parts = urllib.parse.urlsplit(url.strip())
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    names = {key.upper() for key, _ in query}
    if "REQUEST" not in names:
        query.append(("REQUEST", "GetCapabilities"))
    if "SERVICE" not in names:
        query.append(("SERVICE", service))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, urllib.parse.urlencode(query), ""))


def read_capabilities(url: str, service: str) -> Capabilities:
    """Download and parse; raises ``BasemapUnavailable`` with a readable reason."""
    data = download(capabilities_url(url, service), TIMEOUT_SECONDS, MAX_CAPABILITIES_BYTES)
    return parse_capabilities(url, service, data)


def parse_capabilities(url: str, service: str, data: bytes) -> Capabilities:
    root = _safe_root(data)
    tag = root.tag.rsplit("}", 1)[-1]
    if tag in ("ServiceExceptionReport", "ExceptionReport"):
        text = " ".join(t.strip() for t in root.itertext() if t.strip())[:300]
        raise BasemapUnavailable(translate("BasemapCapabilities", "the server answered with an error: {text}").format(
            text=text))
    try:
        if service == "WMS":
            return _parse_wms(url, data, "1.3.0" if tag == "WMS_Capabilities" else "1.1.1")
        return _parse_wmts(url, data)
    except BasemapUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - OWSLib raises anything on a malformed document
        raise BasemapUnavailable(translate("BasemapCapabilities", "the answer is not a {service} capabilities document "
                                                          "({problem})").format(service=service,
                                                                                problem=str(exc)[:200])) from exc


def _safe_root(data: bytes):
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise BasemapUnavailable(translate("BasemapCapabilities", "the server's answer declares a DTD or entities, "
                                                          "which Lamplight refuses to read")) from exc
    except defusedxml.ElementTree.ParseError as exc:
        raise BasemapUnavailable(translate("BasemapCapabilities", "the server's answer is not XML ({problem})").format(
            problem=exc)) from exc


def _parse_wms(url: str, data: bytes, version: str) -> Capabilities:
    from owslib.wms import WebMapService

    wms = WebMapService(url, version=version, xml=data)
    layers = []
    for name, layer in wms.contents.items():
        if name:
            codes = tuple(dict.fromkeys(str(c) for c in (layer.crsOptions or []) if c))
            layers.append(LayerChoice(name, layer.title or name, codes))
    getmap = url.split("?", 1)[0]
    try:
        methods = wms.getOperationByName("GetMap").methods
        getmap = next((m["url"] for m in methods if m.get("type", "Get").lower() == "get"), getmap)
    except (KeyError, AttributeError):
        pass
    return Capabilities("WMS", url, wms.identification.title or "", version, layers, getmap_url=getmap)


def _parse_wmts(url: str, data: bytes) -> Capabilities:
    from owslib.wmts import WebMapTileService

    wmts = WebMapTileService(url, xml=data)
    grids, problems = {}, []
    for identifier, matrix_set in wmts.tilematrixsets.items():
        try:
            grids[identifier] = matrix_set_grid(matrix_set)
        except (ValueError, pyproj.exceptions.CRSError) as exc:
            problems.append(f"{identifier}: {exc}")
    kvp = _get_tile_kvp(wmts)
    layers, templates = [], {}
    for name, layer in wmts.contents.items():
        sets = tuple(s for s in layer.tilematrixsetlinks if s in grids)
        formats = tuple(layer.formats or ())
        if not sets:
            continue
        layers.append(LayerChoice(name, layer.title or name, sets, formats))
        style = next((sid for sid, st in (layer.styles or {}).items() if st.get("isDefault")), None)
        style = style or next(iter(layer.styles or {}), "default")
        rest = next((r["template"] for r in layer.resourceURLs or [] if r.get("resourceType") == "tile"), None)
        if rest:
            templates[name] = rest.replace("{Style}", style).replace("{style}", style)
        elif kvp:
            image_format = next((f for f in formats if "png" in f), formats[0] if formats else "image/png")
            fixed = urllib.parse.urlencode({"SERVICE": "WMTS", "REQUEST": "GetTile", "VERSION": "1.0.0",
                                            "LAYER": name, "STYLE": style, "FORMAT": image_format})
            base = kvp.rstrip("?&")
            separator = "&" if "?" in base else "?"
            templates[name] = (f"{base}{separator}{fixed}&TILEMATRIXSET={{TileMatrixSet}}"
                               "&TILEMATRIX={TileMatrix}&TILEROW={TileRow}&TILECOL={TileCol}")
    return Capabilities("WMTS", url, wmts.identification.title or "", "1.0.0", layers, tile_templates=templates,
                        grids=grids, problems=problems)


def _get_tile_kvp(wmts) -> str:
    try:
        methods = wmts.getOperationByName("GetTile").methods
    except (KeyError, AttributeError):
        return wmts.url.split("?", 1)[0]
    for method in methods:
        constraints = method.get("constraints") or []
        encodings = {str(v).upper() for c in constraints for v in getattr(c, "values", [])}
        if method.get("type", "Get").lower() == "get" and (not encodings or "KVP" in encodings):
            return method["url"]
    return ""


def matrix_set_grid(matrix_set) -> TileGrid:
    """The levels of an OWSLib ``TileMatrixSet`` as a ``TileGrid`` (x = east or longitude first)."""
    crs = pyproj.CRS.from_user_input(matrix_set.crs)
    epsg = crs.to_epsg()
    code = f"EPSG:{epsg}" if epsg else crs.to_wkt()
    metres_per_unit = METRES_PER_DEGREE if crs.is_geographic else crs.axis_info[0].unit_conversion_factor
    north_first = bool(crs.axis_info) and crs.axis_info[0].direction.lower() in ("north", "south")
    matrices = list(matrix_set.tilematrix.values())
    if not matrices or len(matrices) > MAX_LEVELS:
        raise ValueError(translate("BasemapCapabilities", "{count} tile matrices").format(count=len(matrices)))
    levels = []
    for matrix in matrices:
        first, second = matrix.topleftcorner
        left, top = (second, first) if north_first else (first, second)
        if crs.is_geographic and abs(top) > 90.0 >= abs(left):
            left, top = top, left  # a server that wrote longitude first anyway
        resolution = matrix.scaledenominator * OGC_PIXEL_METRES / metres_per_unit
        levels.append(TileLevel(matrix.identifier, resolution, left, top, matrix.tilewidth, matrix.tileheight,
                                matrix.matrixwidth, matrix.matrixheight))
    levels.sort(key=lambda level: -level.resolution)
    return TileGrid(code, tuple(levels))


def wms_source(caps: Capabilities, layer: str, name: str, attribution: str) -> WmsSource:
    choice = caps.layer(layer)
    return WmsSource(name, caps.getmap_url, attribution, layer, choice.options or ("EPSG:3857",),
                     version=caps.version)


def wmts_source(caps: Capabilities, layer: str, matrix_set: str, name: str, attribution: str,
                gcj02: bool = False) -> WmtsSource:
    choice = caps.layer(layer)
    if matrix_set not in choice.options:
        message = translate("BasemapCapabilities", "layer '{layer}' has no tile matrix set '{set}'")
        raise BasemapUnavailable(message.format(layer=layer, set=matrix_set))
    template = caps.tile_templates.get(layer)
    if not template:
        raise BasemapUnavailable(translate("BasemapCapabilities", "the server gives no address for the tiles of layer "
                                                          "'{layer}'").format(layer=layer))
    url = template.replace("{TileMatrixSet}", matrix_set)
    return WmtsSource(name, url, attribution, caps.grids[matrix_set], layer, matrix_set, gcj02)
