"""Raster layers (coverage RSRP, SINR, best server) as coloured PNG overlays for Leaflet.

Leaflet stretches an image overlay linearly between two corners in Web Mercator, so the raster is first warped to
EPSG:3857 (nearest neighbour: classes and dBm values are not blended) and capped at ``max_pixels`` on its long
side so that the HTML file stays small enough to mail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj
from rasterio.enums import Resampling
from rasterio.warp import calculate_default_transform, reproject

from layers.default_styles import default_style
from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import RasterLayer
from layers.styles import RasterRamp, parse_colour

WEB_MERCATOR = "EPSG:3857"


@dataclass
class WebRaster:
    rgba: np.ndarray  # (rows, cols, 4) uint8
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east)) in degrees


def raster_style(layer: RasterLayer) -> RasterRamp:
    style = layer.style if isinstance(layer.style, RasterRamp) else default_style(layer)
    if not isinstance(style, RasterRamp) or not style.stops:
        raise LayerError(layer.source, translate("ExportError", "has no valid values to colour"), layer=layer.name)
    return style


def colourise(values: np.ma.MaskedArray, style: RasterRamp, opacity: float = 1.0) -> np.ndarray:
    """RGBA pixels of ``values`` along the ramp; masked cells are fully transparent."""
    data = np.ma.getdata(values).astype(float)
    mask = np.ma.getmaskarray(values) | ~np.isfinite(data)
    stops = np.array([v for v, _ in style.stops])
    colours = np.array([parse_colour(c) for _, c in style.stops], dtype=np.uint8)
    if style.discrete or len(stops) == 1:
        position = np.clip(np.searchsorted(stops, np.where(mask, stops[0], data), side="right") - 1, 0,
                           len(stops) - 1)
        rgba = colours[position]
    else:
        low, high = float(stops[0]), float(stops[-1])
        table = style.lookup_table(low, high, 1024)
        scaled = np.clip((np.where(mask, low, data) - low) / (high - low), 0.0, 1.0)
        rgba = table[np.rint(scaled * 1023).astype(np.int64)]
    rgba = rgba.copy()
    rgba[..., 3] = np.where(mask, 0, np.rint(rgba[..., 3] * opacity)).astype(np.uint8)
    return rgba


def web_raster(layer: RasterLayer, *, max_pixels: int = 2048, mercator_px: float = 0.0) -> WebRaster:
    """The layer warped to Web Mercator, coloured by its style, with the corner coordinates Leaflet needs: at most
    ``max_pixels`` on its long side, or (``mercator_px`` > 0) in pixels of that size, never finer than its own."""
    if layer.crs is None:
        raise LayerError(layer.source, translate("ExportError", "has no coordinate reference system, so it cannot "
                                                               "be placed on a web map"), layer=layer.name)
    style = raster_style(layer)
    source = layer.band(style.band)
    left, bottom, right, top = layer.extent
    transform, width, height = calculate_default_transform(layer.crs, WEB_MERCATOR, layer.width, layer.height,
                                                           left=left, bottom=bottom, right=right, top=top)
    shrink = mercator_px / transform.a if mercator_px else max(width, height) / max_pixels
    if shrink > 1:
        transform = transform @ transform.scale(shrink, shrink)
        width, height = max(1, int(round(width / shrink))), max(1, int(round(height / shrink)))
    warped = np.full((height, width), np.nan, dtype=np.float64)
    reproject(np.ma.filled(source.astype(np.float64), np.nan), warped, src_transform=layer.transform,
              src_crs=layer.crs, dst_transform=transform, dst_crs=WEB_MERCATOR, src_nodata=np.nan, dst_nodata=np.nan,
              resampling=Resampling.nearest)
    rgba = colourise(np.ma.masked_invalid(warped), style, layer.opacity)
    return WebRaster(rgba, _corners(transform.c, transform.f, transform.a, transform.e, width, height))


def native_mercator_px(layer: RasterLayer) -> float:
    """The size in Web Mercator metres of the layer's own pixels (what warping it keeps)."""
    left, bottom, right, top = layer.extent
    transform, _, _ = calculate_default_transform(layer.crs, WEB_MERCATOR, layer.width, layer.height, left=left,
                                                  bottom=bottom, right=right, top=top)
    return float(transform.a)


def _corners(west: float, north: float, dx: float, dy: float, width: int, height: int) -> tuple:
    """((south, west), (north, east)) in degrees of a Web Mercator grid with its top-left corner and pixel steps."""
    to_degrees = pyproj.Transformer.from_crs(WEB_MERCATOR, "EPSG:4326", always_xy=True)
    lon0, lat1 = to_degrees.transform(west, north)
    lon1, lat0 = to_degrees.transform(west + dx * width, north + dy * height)
    return ((lat0, lon0), (lat1, lon1))


def tiles(raster: WebRaster, size: int) -> list[WebRaster]:
    """``raster`` cut into pieces of at most ``size`` x ``size`` pixels, each with its own corners; fully
    transparent pieces are left out."""
    (south, west), (north, east) = raster.bounds
    to_mercator = pyproj.Transformer.from_crs("EPSG:4326", WEB_MERCATOR, always_xy=True)
    (mx0, mx1), (my0, my1) = to_mercator.transform([west, east], [south, north])
    rows, cols = raster.rgba.shape[:2]
    dx, dy = (mx1 - mx0) / cols, (my0 - my1) / rows
    pieces = []
    for top in range(0, rows, size):
        for left in range(0, cols, size):
            rgba = raster.rgba[top:top + size, left:left + size]
            if rgba[..., 3].any():
                pieces.append(WebRaster(rgba, _corners(mx0 + dx * left, my1 + dy * top, dx, dy, rgba.shape[1],
                                                       rgba.shape[0])))
    return pieces


def vector_picture(layer, extent: tuple[float, float, float, float], crs, width_px: int) -> WebRaster:
    """``layer`` drawn with its style by the map renderer into a transparent Web Mercator image of ``extent`` (in
    ``crs``), ``width_px`` wide: a city's 65,000 buildings as one picture of the pixels they cover instead of
    16 MB of GeoJSON. Drawn in EPSG:3857 so that Leaflet's linear overlay puts every pixel where it belongs."""
    from PyQt6.QtGui import QImage

    from workbench.export.qt_app import ensure_gui_application
    from workbench.render import MapRenderer, RenderSettings

    ensure_gui_application()
    west, south, east, north = pyproj.Transformer.from_crs(crs, WEB_MERCATOR, always_xy=True).transform_bounds(
        *extent, densify_pts=21)
    height_px = max(1, int(round(width_px * (north - south) / (east - west))))
    settings = RenderSettings(extent=(west, south, east, north), size=(width_px, height_px),
                              crs=pyproj.CRS(WEB_MERCATOR), background=None)
    image = MapRenderer().render_image([layer], settings).convertToFormat(QImage.Format.Format_RGBA8888)
    buffer = image.constBits()
    buffer.setsize(image.sizeInBytes())
    rows = np.frombuffer(buffer, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    rgba = rows[:, :4 * image.width()].reshape(image.height(), image.width(), 4).copy()
    to_degrees = pyproj.Transformer.from_crs(WEB_MERCATOR, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_degrees.transform([west, east], [south, north])
    return WebRaster(rgba, ((lat0, lon0), (lat1, lon1)))
