"""What part of the map the canvas shows: a centre, a resolution (map units per pixel) and a pixel size.

The viewport is an immutable value so a render job can carry the exact view it was made for, and the canvas
can later draw that image moved and scaled into the current view while a fresh render runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

Extent = tuple[float, float, float, float]

#: Resolutions outside this range make no sense for a city map and break float arithmetic.
MIN_RESOLUTION = 1e-9
MAX_RESOLUTION = 1e9


@dataclass(frozen=True)
class Viewport:
    """Map centre ``(cx, cy)``, ``resolution`` in map units per pixel, widget ``size`` (width, height) in pixels."""

    cx: float = 0.0
    cy: float = 0.0
    resolution: float = 1.0
    width: int = 1
    height: int = 1

    @classmethod
    def fit(cls, extent: Extent, width: int, height: int, margin: float = 0.03) -> Viewport:
        """The view that shows all of ``extent`` (plus a small margin) in a ``width`` x ``height`` widget."""
        minx, miny, maxx, maxy = extent
        width, height = max(1, int(width)), max(1, int(height))
        span_x, span_y = max(maxx - minx, 0.0), max(maxy - miny, 0.0)
        if span_x == 0.0 and span_y == 0.0:  # a single point: show some surroundings
            span_x = span_y = 100.0 if abs(minx) > 360 or abs(miny) > 360 else 0.001
        resolution = max(span_x / width, span_y / height) * (1.0 + 2 * margin)
        return cls((minx + maxx) / 2, (miny + maxy) / 2, _clamp_resolution(resolution), width, height)

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def extent(self) -> Extent:
        half_w, half_h = self.width * self.resolution / 2, self.height * self.resolution / 2
        return (self.cx - half_w, self.cy - half_h, self.cx + half_w, self.cy + half_h)

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """Map coordinates to widget pixels (origin top-left, y down)."""
        minx, _, _, maxy = self.extent
        return ((x - minx) / self.resolution, (maxy - y) / self.resolution)

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        """Widget pixels to map coordinates."""
        minx, _, _, maxy = self.extent
        return (minx + px * self.resolution, maxy - py * self.resolution)

    def zoomed(self, factor: float, anchor: tuple[float, float] | None = None) -> Viewport:
        """Zoom in by ``factor`` (>1 zooms in) keeping the map point under pixel ``anchor`` where it is."""
        resolution = _clamp_resolution(self.resolution / factor)
        if anchor is None:
            return replace(self, resolution=resolution)
        ax, ay = self.to_map(*anchor)
        # After the zoom the anchor pixel must still show (ax, ay): solve for the new centre.
        px, py = anchor
        cx = ax - (px - self.width / 2) * resolution
        cy = ay + (py - self.height / 2) * resolution
        return replace(self, cx=cx, cy=cy, resolution=resolution)

    def panned(self, dx_pixels: float, dy_pixels: float) -> Viewport:
        """Move the map content by (dx, dy) pixels, as a drag of the mouse does."""
        return replace(self, cx=self.cx - dx_pixels * self.resolution, cy=self.cy + dy_pixels * self.resolution)

    def resized(self, width: int, height: int) -> Viewport:
        """Same centre and resolution in a new widget size (the map does not jump when the window grows)."""
        return replace(self, width=max(1, int(width)), height=max(1, int(height)))

    def centred_on(self, x: float, y: float) -> Viewport:
        return replace(self, cx=x, cy=y)

    def rect_of(self, other: Viewport) -> tuple[float, float, float, float]:
        """Where the image rendered for ``other`` lands in this view: (left, top, width, height) in pixels."""
        minx, _, maxx, maxy = other.extent
        left, top = self.to_pixel(minx, maxy)
        scale = other.resolution / self.resolution
        return (left, top, other.width * scale, other.height * scale)


def _clamp_resolution(resolution: float) -> float:
    if not math.isfinite(resolution) or resolution <= 0:
        return 1.0
    return min(MAX_RESOLUTION, max(MIN_RESOLUTION, resolution))


def valid_extent(extent: Extent | None) -> bool:
    """True for a finite extent with max >= min on both axes."""
    if extent is None:
        return False
    minx, miny, maxx, maxy = extent
    return all(math.isfinite(v) for v in extent) and maxx >= minx and maxy >= miny
