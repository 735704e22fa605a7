"""Basemap sources: XYZ templates, WMTS layers, WMS layers, and stacks of them (imagery under annotation).

A source is plain frozen data that the renderer reads. ``definition()`` gives what a project file stores: never
a user's access key (Tianditu's ``tk``), only the name of the user setting that holds it (``key_name``); the key
is put back when the project is opened on a machine whose user has entered one.

The presets offered in View > Basemap are taken from xyzservices (so URLs and attributions stay current).
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from workbench.basemap.grid import TileGrid, TileLevel, mercator_grid

#: Hosts of Chinese commercial tile services, whose tiles are in GCJ-02 (AutoNavi/Gaode, Tencent).
GCJ02_HOSTS = ("autonavi.com", "amap.com", "map.qq.com", "gtimg.com")


def _folder(name: str, identity: str) -> str:
    """A cache folder per service: readable name plus a hash of what the tiles depend on (never the key)."""
    digest = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')[:40] or 'tiles'}-{digest}"


def looks_gcj02(url: str) -> bool:
    """True for the hosts of Chinese commercial maps, whose tiles are shifted into GCJ-02."""
    host = urllib.parse.urlsplit(url.replace("{s}", "a")).hostname or ""
    return any(host == known or host.endswith("." + known) for known in GCJ02_HOSTS)


def with_key(url: str, key_param: str, key: str) -> str:
    """``url`` with ``key_param=key`` in its query (replacing any value already there); the rest kept as is."""
    if not key_param or not key:
        return url
    base = without_key(url, key_param)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{key_param}={urllib.parse.quote(key, safe='')}"


def without_key(url: str, key_param: str) -> str:
    """``url`` with ``key_param`` taken out of its query: what a project file may hold."""
    if not key_param or "?" not in url:
        return url
    base, _, query = url.partition("?")
    kept = [item for item in query.split("&") if item and item.split("=", 1)[0] != key_param]
    return f"{base}?{'&'.join(kept)}" if kept else base


@dataclass(frozen=True, kw_only=True)
class KeyedService:
    """What every tile or map service shares about access keys: the user setting that holds the key
    (``key_name``, e.g. "tianditu"; stored in projects), the query parameter that carries it (``key_param``,
    e.g. "tk") and the key itself (``api_key``: never stored in a project, never compared). Keyword-only, so
    each service keeps its own positional fields."""

    if TYPE_CHECKING:
        url: str  # each service's own first fields (a dataclass field here would come first in every service)

    key_name: str = ""
    key_param: str = ""
    api_key: str = field(default="", repr=False, compare=False)

    @property
    def url_template(self) -> str:
        """The address requests go to: ``url`` plus the user's key, when the service needs one."""
        return with_key(self.url, self.key_param, self.api_key)

    def _stored(self, kind: str, name: str, attribution: str) -> dict[str, Any]:
        """The part of ``definition()`` every service has: its address without the key, and the key's names."""
        return {"type": kind, "name": name, "url": without_key(self.url, self.key_param),
                "attribution": attribution, "key_name": self.key_name, "key_param": self.key_param}


@dataclass(frozen=True)
class BasemapSource(KeyedService):
    """An XYZ tile service: ``url`` has {z}, {x}, {y} (or {-y} for TMS rows) and optionally {s}, one of
    ``subdomains`` picked per tile. ``gcj02`` says the tiles are in GCJ-02 and must be shifted onto WGS84."""

    name: str
    url: str
    attribution: str
    max_zoom: int = 19
    subdomains: tuple[str, ...] = ()
    gcj02: bool = False

    kind = "xyz"

    @property
    def cache_key(self) -> str:
        """A folder name for this service's tiles in the disk cache."""
        return _folder(self.name, self.url)

    @property
    def grid(self) -> TileGrid:
        return mercator_grid(self.max_zoom)

    def tile_url(self, zoom: int, x: int, y: int) -> str:
        sub = self.subdomains[(x + y) % len(self.subdomains)] if self.subdomains else "a"
        text = self.url_template
        for name, value in (("{z}", zoom), ("{x}", x), ("{y}", y), ("{-y}", 2 ** zoom - 1 - y), ("{s}", sub),
                            ("{r}", "")):
            text = text.replace(name, str(value))
        return text

    def definition(self) -> dict[str, Any]:
        return {**self._stored("xyz", self.name, self.attribution), "max_zoom": self.max_zoom,
                "subdomains": list(self.subdomains), "gcj02": self.gcj02}


@dataclass(frozen=True)
class WmtsSource(KeyedService):
    """A WMTS layer in one tile matrix set; ``url`` holds {TileMatrix}, {TileRow} and {TileCol}, everything
    else (layer, style, format, matrix set) already filled in from the capabilities."""

    name: str
    url: str
    attribution: str
    grid: TileGrid
    layer: str = ""
    matrix_set: str = ""
    gcj02: bool = False

    kind = "wmts"

    @property
    def cache_key(self) -> str:
        return _folder(self.name, self.url)

    def tile_url(self, zoom: int, x: int, y: int) -> str:
        text = self.url_template.replace("{TileMatrix}", self.grid.levels[zoom].identifier)
        return text.replace("{TileRow}", str(y)).replace("{TileCol}", str(x))

    def definition(self) -> dict[str, Any]:
        levels = [[lv.identifier, lv.resolution, lv.left, lv.top, lv.tile_width, lv.tile_height, lv.matrix_width,
                   lv.matrix_height] for lv in self.grid.levels]
        return {**self._stored("wmts", self.name, self.attribution), "layer": self.layer,
                "matrix_set": self.matrix_set, "crs": self.grid.crs, "levels": levels, "gcj02": self.gcj02}


@dataclass(frozen=True)
class WmsSource(KeyedService):
    """A WMS layer: ``url`` is the GetMap address; ``crs_codes`` are the CRSs the server offers for it."""

    name: str
    url: str
    attribution: str
    layer: str
    crs_codes: tuple[str, ...] = ("EPSG:3857",)
    image_format: str = "image/png"
    version: str = "1.3.0"
    style: str = ""

    kind = "wms"
    gcj02 = False

    @property
    def cache_key(self) -> str:
        return _folder(self.name, f"{self.url}|{self.layer}|{self.style}|{self.image_format}")

    def definition(self) -> dict[str, Any]:
        return {**self._stored("wms", self.name, self.attribution), "layer": self.layer,
                "crs_codes": list(self.crs_codes), "format": self.image_format, "version": self.version,
                "style": self.style}


@dataclass(frozen=True)
class BasemapStack:
    """Sources drawn one over the other (Tianditu: imagery, then the annotation layer with the place names)."""

    name: str
    parts: tuple[BasemapSource | WmtsSource | WmsSource, ...]
    attribution: str = ""

    kind = "stack"

    @property
    def gcj02(self) -> bool:
        return any(part.gcj02 for part in self.parts)

    @property
    def url(self) -> str:
        return self.parts[0].url if self.parts else ""

    def definition(self) -> dict[str, Any]:
        return {"type": "stack", "name": self.name, "attribution": self.attribution,
                "parts": [part.definition() for part in self.parts]}


Source = BasemapSource | WmtsSource | WmsSource | BasemapStack


def source_from_definition(entry: dict[str, Any], keys: dict[str, str] | None = None) -> Source:
    """The source a project's (already schema-checked) definition describes, with the user's keys put in."""
    keys = keys or {}
    key = keys.get(entry.get("key_name") or "", "")
    common = {"name": entry["name"], "url": entry.get("url", ""), "attribution": entry.get("attribution") or "",
              "key_name": entry.get("key_name") or "", "key_param": entry.get("key_param") or "", "api_key": key}
    kind = entry["type"]
    if kind == "xyz":
        return BasemapSource(max_zoom=int(entry.get("max_zoom", 19)), subdomains=tuple(entry.get("subdomains") or ()),
                             gcj02=bool(entry.get("gcj02")), **common)
    if kind == "wmts":
        levels = tuple(TileLevel(str(ident), float(r), float(x), float(y), int(tw), int(th), int(mw), int(mh))
                       for ident, r, x, y, tw, th, mw, mh in entry["levels"])
        return WmtsSource(grid=TileGrid(entry["crs"], levels), layer=entry.get("layer") or "",
                          matrix_set=entry.get("matrix_set") or "", gcj02=bool(entry.get("gcj02")), **common)
    if kind == "wms":
        return WmsSource(layer=entry["layer"], crs_codes=tuple(entry.get("crs_codes") or ("EPSG:3857",)),
                         image_format=entry.get("format") or "image/png", version=entry.get("version") or "1.3.0",
                         style=entry.get("style") or "", **common)
    parts = tuple(source_from_definition(part, keys) for part in entry.get("parts") or ())
    return BasemapStack(entry["name"], parts, entry.get("attribution") or "")  # type: ignore[arg-type]


def needed_key(source: Source) -> str:
    """The name of the access key ``source`` needs and lacks ("" when it has what it needs)."""
    parts = source.parts if isinstance(source, BasemapStack) else (source,)
    return next((part.key_name for part in parts if part.key_name and not part.api_key), "")


def with_api_key(source: Source, key_name: str, key: str) -> Source:
    """``source`` with ``key`` filled in wherever it asks for the key ``key_name``."""
    if isinstance(source, BasemapStack):
        return replace(source, parts=tuple(with_api_key(p, key_name, key) for p in source.parts))
    return replace(source, api_key=key) if source.key_name == key_name else source


#: xyzservices provider paths offered to the user (CARTO now needs an API key, so it is not offered).
OFFERED = {
    "OpenStreetMap": ("OpenStreetMap", "Mapnik"),
    "Esri World Imagery": ("Esri", "WorldImagery"),
    "Esri World Gray Canvas": ("Esri", "WorldGrayCanvas"),
}


def available_basemaps() -> dict[str, BasemapSource]:
    """Name -> source for the menu, in the order offered."""
    import xyzservices.providers as providers

    out = {}
    for name, path in OFFERED.items():
        provider = providers
        for key in path:
            provider = provider[key]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            url = provider.build_url(scale_factor="")
        out[name] = BasemapSource(name, url, str(provider.get("attribution", "")),
                                  int(provider.get("max_zoom") or 19))
    return out
