"""Basemap presets for planners in mainland China: Tianditu (天地图), the national basemap, and a municipal WMTS.

Tianditu serves web-mercator tiles (its matrix set "w") in CGCS2000, which matches WGS84 to centimetres, so no
datum shift is needed. Every request carries the user's own key as ``tk=``; the key is kept in the user's
settings (``workbench.basemap.keys``), never in a project file. Each map is a background layer with a separate
annotation layer (place names) drawn over it.
"""

from __future__ import annotations

from PyQt6.QtCore import QCoreApplication

from workbench.basemap.sources import BasemapSource, BasemapStack

TIANDITU_KEY = "tianditu"
TIANDITU_KEY_PARAM = "tk"
TIANDITU_SUBDOMAINS = tuple(str(i) for i in range(8))
TIANDITU_MAX_ZOOM = 18
_TIANDITU_URL = ("https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                 "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
                 "&TILECOL={{x}}")
#: Preset id -> (background layer, annotation layer) of Tianditu.
TIANDITU_LAYERS = {"tianditu-vector": ("vec", "cva"), "tianditu-imagery": ("img", "cia")}


#: Qt's translate (pylupdate6 reads ``translate("BasemapPresets", "text")``).
translate = QCoreApplication.translate


def tianditu_names() -> dict[str, str]:
    """Preset id -> the name shown (and stored in the project)."""
    return {"tianditu-vector": translate("BasemapPresets", "Tianditu vector map (天地图 矢量)"),
            "tianditu-imagery": translate("BasemapPresets", "Tianditu imagery (天地图 影像)")}


def tianditu_attribution() -> str:
    return translate("BasemapPresets",
                     "© Tianditu (天地图), National Platform for Common GeoSpatial Information Services")


def tianditu(preset: str, key: str = "") -> BasemapStack:
    """The Tianditu ``preset`` (see TIANDITU_LAYERS) with the user's ``key`` (empty: still to be asked for)."""
    background, annotation = TIANDITU_LAYERS[preset]
    name = tianditu_names()[preset]
    parts = tuple(BasemapSource(f"{name} {layer}", _TIANDITU_URL.format(layer=layer), "", TIANDITU_MAX_ZOOM,
                                TIANDITU_SUBDOMAINS, key_name=TIANDITU_KEY, key_param=TIANDITU_KEY_PARAM, api_key=key)
                  for layer in (background, annotation))
    return BasemapStack(name, parts, tianditu_attribution())


def municipal_wmts_hint() -> str:
    """What the municipal WMTS preset tells the user to paste."""
    return translate("BasemapPresets",
                     "Paste the WMTS address your city's surveying and mapping institute gave you (its "
                     "GetCapabilities URL, e.g. https://map.example.gov.cn/wmts), then press Fetch layers. Matrix "
                     "sets in EPSG:3857 (GoogleMapsCompatible) and in the project's CRS or CGCS2000 are all drawn.")
