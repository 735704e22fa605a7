"""Paper arithmetic for print layouts, free of Qt: page presets, map scale, round scale-bar lengths, north.

Everything on paper is in millimetres here; the painter side converts with the device's units per millimetre.
The scale of a map frame is ground distance over paper distance, both in metres, so 1:N means one metre on paper
is N metres on the ground (measured along the frame's horizontal at its centre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyproj

#: Page presets: name -> (width, height) in millimetres.
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "a4-landscape": (297.0, 210.0),
    "a4-portrait": (210.0, 297.0),
    "a3-landscape": (420.0, 297.0),
    "a3-portrait": (297.0, 420.0),
    "slide-16x9": (338.667, 190.5),  # 13.333 x 7.5 in, the widescreen slide of presentation software
}
MM_PER_INCH = 25.4


def page_size_mm(layout: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES_MM[layout]
    except KeyError:
        raise ValueError(f"layout {layout!r} is not one of {', '.join(PAGE_SIZES_MM)}") from None


def fit_extent(extent: tuple[float, float, float, float], frame_w: float, frame_h: float
               ) -> tuple[float, float, float, float]:
    """Grow ``extent`` around its centre to the frame's aspect ratio, so nothing asked for is cut off."""
    minx, miny, maxx, maxy = extent
    width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    aspect = frame_w / frame_h
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def ground_metres_per_unit(crs: pyproj.CRS, extent: tuple[float, float, float, float]) -> float:
    """Metres on the ground per CRS unit along the x axis at the extent's centre (degrees, feet, metres)."""
    if crs.is_geographic:
        minx, miny, maxx, maxy = extent
        lat = (miny + maxy) / 2
        geod = pyproj.Geod(ellps="WGS84")
        _, _, metres = geod.inv((minx + maxx) / 2 - 0.5, lat, (minx + maxx) / 2 + 0.5, lat)
        return metres
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return float(factor or 1.0)


def scale_denominator(extent: tuple[float, float, float, float], frame_width_mm: float, crs: pyproj.CRS) -> float:
    """N of the map scale 1:N for ``extent`` shown ``frame_width_mm`` wide."""
    ground = (extent[2] - extent[0]) * ground_metres_per_unit(crs, extent)
    return ground / (frame_width_mm / 1000.0)


@dataclass(frozen=True)
class ScaleBar:
    length_m: float  # ground length of the whole bar
    length_mm: float  # its length on paper
    segments: int
    unit: str  # "m" or "km"

    def label(self, metres: float) -> str:
        value = metres / 1000.0 if self.unit == "km" else metres
        return f"{value:g}"


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above ``limit`` (for limit > 0)."""
    exponent = math.floor(math.log10(limit))
    for mantissa in (5.0, 2.0, 1.0):
        value = mantissa * 10.0 ** exponent
        if value <= limit * (1 + 1e-12):
            return value
    return 10.0 ** exponent


def scale_bar(scale: float, max_length_mm: float) -> ScaleBar:
    """A bar of round ground length (1, 2 or 5 x 10^n m) no longer than ``max_length_mm`` on paper."""
    if scale <= 0 or max_length_mm <= 0:
        raise ValueError("scale and bar length must be positive")
    length_m = nice_length(max_length_mm / 1000.0 * scale)
    mantissa = round(length_m / 10.0 ** math.floor(math.log10(length_m)))
    segments = {1: 4, 2: 4, 5: 5}.get(mantissa, 4)
    unit = "km" if length_m >= 1000.0 else "m"
    return ScaleBar(length_m, length_m / scale * 1000.0, segments, unit)


def true_north_angle(crs: pyproj.CRS, extent: tuple[float, float, float, float]) -> float:
    """Degrees clockwise from the map's up direction to true north at the extent's centre (grid convergence)."""
    if crs.is_geographic:
        return 0.0
    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    to_geo = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_map = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_geo.transform(cx, cy)
    nx, ny = to_map.transform(lon, min(lat + 0.01, 89.999))
    return math.degrees(math.atan2(nx - cx, ny - cy))


def format_scale(denominator: float) -> str:
    """1:12,500 style, rounded to 3 significant figures so a print does not claim false precision."""
    if denominator <= 0 or not math.isfinite(denominator):
        return ""
    digits = max(0, int(math.floor(math.log10(denominator))) - 2)
    rounded = round(denominator / 10 ** digits) * 10 ** digits
    return f"1:{rounded:,.0f}"
