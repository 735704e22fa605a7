"""What to draw and where: the view settings and the map <-> pixel arithmetic shared by canvas, print and renderer.

The extent is fitted into the pixel size keeping the aspect ratio (centred), so the canvas, the print layout and
the renderer agree on where every coordinate lands. Pixel (0, 0) is the top-left corner of the image and pixel
``(i, j)`` covers ``[i, i + 1) x [j, j + 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj

from layers.layer import to_crs_object

#: Metres per inch; paper scale = metres on the ground per metre on the page.
_METRES_PER_INCH = 0.0254


@dataclass
class RenderSettings:
    """One view: map extent in ``crs`` units, output size in pixels and the resolution that turns points into pixels.

    ``background`` None leaves the image transparent (thumbnails, overlays).
    """

    extent: tuple[float, float, float, float]
    size: tuple[int, int]
    crs: Any = None
    dpi: float = 96.0
    background: str | None = "#f4f3ef"
    selection_colour: str = "#ffff00"

    def __post_init__(self) -> None:
        minx, miny, maxx, maxy = (float(v) for v in self.extent)
        if not all(np.isfinite([minx, miny, maxx, maxy])) or maxx <= minx or maxy <= miny:
            raise ValueError(f"render extent must be finite with min < max, got {self.extent}")
        width, height = (int(v) for v in self.size)
        if width <= 0 or height <= 0:
            raise ValueError(f"render size must be positive pixels, got {self.size}")
        if not self.dpi > 0:
            raise ValueError(f"render dpi must be positive, got {self.dpi}")
        self.extent = (minx, miny, maxx, maxy)
        self.size = (width, height)
        self.crs = to_crs_object(self.crs)

    @property
    def px_per_point(self) -> float:
        """Pixels per typographic point (1/72 inch): style sizes are in points."""
        return self.dpi / 72.0

    def transform(self) -> MapTransform:
        return MapTransform(self.extent, self.size)


class MapTransform:
    """Affine map <-> pixel transform of an extent fitted (centred, aspect kept) into a pixel size."""

    def __init__(self, extent: tuple[float, float, float, float], size: tuple[int, int]) -> None:
        minx, miny, maxx, maxy = extent
        self.width, self.height = int(size[0]), int(size[1])
        self.units_per_pixel = max((maxx - minx) / self.width, (maxy - miny) / self.height)
        self.centre_x = (minx + maxx) / 2.0
        self.centre_y = (miny + maxy) / 2.0

    @property
    def visible_extent(self) -> tuple[float, float, float, float]:
        """The map extent the whole pixel area shows (at least the requested extent)."""
        half_w = self.width * self.units_per_pixel / 2.0
        half_h = self.height * self.units_per_pixel / 2.0
        return (self.centre_x - half_w, self.centre_y - half_h, self.centre_x + half_w, self.centre_y + half_h)

    def map_to_pixel(self, xs: Any, ys: Any) -> tuple[Any, Any]:
        """Pixel coordinates (float, y down) of map coordinates; arrays in, arrays out."""
        px = (np.asarray(xs, dtype=float) - self.centre_x) / self.units_per_pixel + self.width / 2.0
        py = self.height / 2.0 - (np.asarray(ys, dtype=float) - self.centre_y) / self.units_per_pixel
        return px, py

    def pixel_to_map(self, px: Any, py: Any) -> tuple[Any, Any]:
        """Map coordinates of pixel coordinates (the inverse of ``map_to_pixel``)."""
        xs = (np.asarray(px, dtype=float) - self.width / 2.0) * self.units_per_pixel + self.centre_x
        ys = (self.height / 2.0 - np.asarray(py, dtype=float)) * self.units_per_pixel + self.centre_y
        return xs, ys


def ground_metres_per_pixel(settings: RenderSettings) -> float:
    """Metres on the ground per pixel across the middle of the view (geodesic for geographic CRSs)."""
    transform = settings.transform()
    crs: pyproj.CRS | None = settings.crs
    if crs is not None and crs.is_geographic:
        minx, _, maxx, _ = transform.visible_extent
        lat = min(89.0, max(-89.0, transform.centre_y))
        geod = crs.get_geod() or pyproj.Geod(ellps="WGS84")
        _, _, distance = geod.inv(minx, lat, maxx, lat)
        return float(distance) / transform.width
    factor = 1.0
    if crs is not None and crs.axis_info:
        factor = crs.axis_info[0].unit_conversion_factor or 1.0
    return transform.units_per_pixel * factor


def scale_denominator(settings: RenderSettings) -> float:
    """N of the map scale 1:N: ground metres shown by one metre of output at ``settings.dpi``."""
    return ground_metres_per_pixel(settings) / (_METRES_PER_INCH / settings.dpi)
