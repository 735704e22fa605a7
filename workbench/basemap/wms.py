"""One WMS GetMap image per view: in the project CRS when the server offers it, else in web mercator or
geographic coordinates and warped like tiles. Answers are cached on disk under a hash of the request, so a view
seen once redraws offline; a stale copy serves when the server is down."""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Callable

import pyproj
from PyQt6.QtCore import QCoreApplication
from PyQt6.QtGui import QImage

from workbench.basemap.compose import grid_transform, transformed_bounds, warp
from workbench.basemap.fetch import BasemapUnavailable, backoff_reason, download, note_unreachable
from workbench.basemap.sources import WmsSource
from workbench.basemap.tile_cache import TileCache

#: Most servers refuse images wider or taller than 2048-4096 px; larger views are requested smaller and scaled.
MAX_REQUEST_PIXELS = 2048
#: A GetMap image of 2048 x 2048 px is a few MB even as PNG; more is refused unread.
MAX_IMAGE_BYTES = 32 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
#: CRSs to fall back on, in order, when the server does not offer the project's.
FALLBACK_CRS = ("EPSG:3857", "EPSG:900913", "EPSG:4326", "CRS:84")


#: Qt's translate (pylupdate6 reads ``translate("BasemapWms", "text")``).
translate = QCoreApplication.translate


def request_crs(source: WmsSource, crs: pyproj.CRS) -> str:
    """The CRS code to ask the server for: the project's when offered, else the first fallback offered."""
    offered = {code.upper(): code for code in source.crs_codes}
    epsg = crs.to_epsg()
    if epsg is not None and f"EPSG:{epsg}" in offered:
        return offered[f"EPSG:{epsg}"]
    for code in FALLBACK_CRS:
        if code in offered:
            return offered[code]
    raise BasemapUnavailable(translate("BasemapWms", "the WMS layer '{layer}' offers none of the coordinate systems "
                                                     "Lamplight can use ({codes})").format(
        layer=source.layer, codes=", ".join(source.crs_codes[:6])))


def getmap_url(source: WmsSource, code: str, bounds: tuple[float, float, float, float], width: int,
               height: int) -> str:
    """The GetMap request; WMS 1.3.0 orders BBOX by the CRS's axes (latitude first for EPSG:4326)."""
    minx, miny, maxx, maxy = bounds
    box = (minx, miny, maxx, maxy)
    if source.version.startswith("1.3") and _north_first(code):
        box = (miny, minx, maxy, maxx)
    params = {"SERVICE": "WMS", "VERSION": source.version, "REQUEST": "GetMap", "LAYERS": source.layer,
              "STYLES": source.style, ("CRS" if source.version.startswith("1.3") else "SRS"): code,
              "BBOX": ",".join(repr(float(v)) for v in box), "WIDTH": str(width), "HEIGHT": str(height),
              "FORMAT": source.image_format, "TRANSPARENT": "TRUE"}
    base = source.url_template
    separator = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        separator = ""
    return base + separator + urllib.parse.urlencode(params)


def render_wms(source: WmsSource, extent: tuple[float, float, float, float], size: tuple[int, int],
               crs: pyproj.CRS, cancelled: Callable[[], bool], cache: TileCache) -> tuple[QImage | None, str | None]:
    code = request_crs(source, crs)
    to_request = grid_transform(crs, pyproj.CRS.from_user_input(_pyproj_code(code)))
    bounds = transformed_bounds(extent, to_request)
    width, height = _request_size(bounds, size)
    url = getmap_url(source, code, bounds, width, height)
    data, problem = _fetch(source, url, cache)
    if cancelled():
        return None, None
    image = QImage.fromData(data)
    if image.isNull():
        text = data[:200].decode("utf-8", "replace").strip()
        raise BasemapUnavailable(translate("BasemapWms", "the WMS server sent no image: {text}").format(text=text))
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    if (width, height) == tuple(size) and bounds == tuple(extent):
        return image, problem
    resolution_x, resolution_y = (bounds[2] - bounds[0]) / width, (bounds[3] - bounds[1]) / height
    return warp(image, bounds[0], bounds[3], resolution_x, resolution_y, extent, size, to_request), problem


def _fetch(source: WmsSource, url: str, cache: TileCache) -> tuple[bytes, str | None]:
    """The answer from a fresh cache entry, the server, or a stale cache entry (with the server's problem)."""
    name = hashlib.sha1(url.replace(source.url_template, source.url, 1).encode("utf-8")).hexdigest()
    data, fresh = cache.get_named(source.cache_key, name)
    if data is not None and fresh:
        return data, None
    problem = backoff_reason(source)
    if problem is None:
        try:
            answer = download(url, TIMEOUT_SECONDS, MAX_IMAGE_BYTES)
        except BasemapUnavailable as exc:
            note_unreachable(source)
            problem = str(exc)
        else:
            if not QImage.fromData(answer).isNull():  # a service exception is not worth keeping
                cache.put_named(source.cache_key, name, answer)
            return answer, None
    if data is not None:
        return data, problem
    raise BasemapUnavailable(problem)


def _request_size(bounds: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[int, int]:
    """About the view's pixel count, in the shape of ``bounds``, at most MAX_REQUEST_PIXELS a side."""
    width, height = size
    aspect = (bounds[3] - bounds[1]) / max(bounds[2] - bounds[0], 1e-12)
    pixels = max(1, width * height)
    w = max(1.0, (pixels / aspect) ** 0.5)
    h = max(1.0, w * aspect)
    shrink = min(1.0, MAX_REQUEST_PIXELS / max(w, h))
    if abs(aspect - height / max(1, width)) < 1e-9 * max(1.0, aspect):
        w, h = float(width), float(height)  # same shape as the view: ask for exactly its pixels
        shrink = min(1.0, MAX_REQUEST_PIXELS / max(w, h))
    return max(1, round(w * shrink)), max(1, round(h * shrink))


def _north_first(code: str) -> bool:
    try:
        axes = pyproj.CRS.from_user_input(_pyproj_code(code)).axis_info
    except pyproj.exceptions.CRSError:
        return False
    return bool(axes) and axes[0].direction.lower() in ("north", "south")


def _pyproj_code(code: str) -> str:
    """pyproj spellings of WMS codes: CRS:84 is OGC:CRS84 (longitude first), EPSG:900913 is web mercator."""
    upper = code.upper()
    return {"CRS:84": "OGC:CRS84", "EPSG:900913": "EPSG:3857"}.get(upper, code)
