"""Web-mercator (EPSG:3857) tile arithmetic for XYZ ("slippy map") tiles, as OpenStreetMap defines them.

Tile (z, x, y) covers 1/2^z of the world's width; x grows east, y grows south from the top edge at
85.0511° N. Everything here is plain arithmetic so it is testable without a network.
"""

from __future__ import annotations

import math

#: Half the width of the web-mercator world in metres (pi * 6378137).
HALF_WORLD = math.pi * 6378137.0
TILE_PIXELS = 256


def tile_span(zoom: int) -> float:
    """Width (and height) of one tile in metres at ``zoom``."""
    return 2 * HALF_WORLD / (2 ** zoom)


def tile_bounds(zoom: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of tile (zoom, x, y) in EPSG:3857 metres."""
    span = tile_span(zoom)
    minx = -HALF_WORLD + x * span
    maxy = HALF_WORLD - y * span
    return (minx, maxy - span, minx + span, maxy)


def zoom_for_resolution(metres_per_pixel: float, max_zoom: int = 19) -> int:
    """The smallest zoom whose tiles are at least as detailed as ``metres_per_pixel`` (clamped to 0..max_zoom)."""
    if not math.isfinite(metres_per_pixel) or metres_per_pixel <= 0:
        return 0
    zoom = math.ceil(math.log2(2 * HALF_WORLD / (TILE_PIXELS * metres_per_pixel)) - 1e-9)
    return max(0, min(max_zoom, zoom))


def tiles_covering(extent: tuple[float, float, float, float], zoom: int) -> tuple[range, range]:
    """Column and row ranges of the tiles at ``zoom`` that cover ``extent`` (EPSG:3857), clipped to the world."""
    minx, miny, maxx, maxy = extent
    span, count = tile_span(zoom), 2 ** zoom
    x0 = _clip(math.floor((minx + HALF_WORLD) / span), count)
    x1 = _clip(math.floor((maxx + HALF_WORLD) / span), count)
    y0 = _clip(math.floor((HALF_WORLD - maxy) / span), count)
    y1 = _clip(math.floor((HALF_WORLD - miny) / span), count)
    return range(x0, x1 + 1), range(y0, y1 + 1)


def _clip(index: int, count: int) -> int:
    return max(0, min(count - 1, index))
