"""Translate plain-data styles (``layers.styles``) into Leaflet path options and small SVG marker drawings.

The web map and its legend read the same ``Symbol`` the canvas draws, so a pole that is orange on screen is orange
in the browser. Sizes in the style are in points; browsers lay out at 96 px per inch, hence ``PX_PER_PT``.
"""

from __future__ import annotations

import html
import math

from layers.styles import Symbol, parse_colour

PX_PER_PT = 96.0 / 72.0
#: Smallest point radius in the browser: smaller dots cannot be hovered or tapped.
MIN_RADIUS_PX = 2.5


def colour_and_alpha(colour: str) -> tuple[str, float]:
    """(``#rrggbb``, alpha 0-1): Leaflet takes colour and opacity separately."""
    r, g, b, a = parse_colour(colour)
    return f"#{r:02x}{g:02x}{b:02x}", a / 255.0


def leaflet_style(symbol: Symbol, geometry: str, opacity: float = 1.0) -> dict:
    """Leaflet path options for ``symbol`` drawn as ``geometry`` (point, line or polygon) at layer ``opacity``."""
    stroke, stroke_alpha = colour_and_alpha(symbol.stroke)
    fill, fill_alpha = colour_and_alpha(symbol.fill)
    weight = round(symbol.stroke_width * PX_PER_PT, 2)
    style: dict = {
        "color": stroke,
        "weight": weight,
        "opacity": round(stroke_alpha * opacity, 3),
        "stroke": stroke_alpha > 0 and weight > 0,
    }
    if geometry == "line":
        style.update(fill=False, weight=max(weight, 0.6), stroke=stroke_alpha > 0, lineCap="round",
                     lineJoin="round")
        return style
    style.update(fill=True, fillColor=fill, fillOpacity=round(fill_alpha * opacity, 3))
    if geometry == "point":
        style.update(radius=round(max(symbol.size * PX_PER_PT / 2.0, MIN_RADIUS_PX), 2), shape=symbol.marker)
    return style


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def marker_points(marker: str, r: float) -> list[tuple[float, float]]:
    """The outline of a non-circle ``marker`` of radius ``r`` around (0, 0), y down as on screen."""
    if marker == "square":
        s = r * 0.85
        return [(-s, -s), (s, -s), (s, s), (-s, s)]
    if marker == "diamond":
        return [(0.0, -r), (r, 0.0), (0.0, r), (-r, 0.0)]
    if marker == "triangle":
        return [(0.0, -r), (r * 0.866 * 1.1, r * 0.6), (-r * 0.866 * 1.1, r * 0.6)]
    if marker == "star":
        return _star(0.0, 0.0, r, r * 0.45)
    w = r / 3.0  # cross: a plus sign with arms a third of the size wide
    return [(-w, -r), (w, -r), (w, -w), (r, -w), (r, w), (w, w), (w, r), (-w, r), (-w, w), (-r, w), (-r, -w),
            (-w, -w)]


def marker_outline(style: dict) -> list[list[float]]:
    """The outline a page draws for a point ``style`` (``leaflet_style``) on the map's canvas, in pixels around
    the point, inset like the SVG icon so the stroke stays inside the symbol's size."""
    r = max(style["radius"] - style["weight"] / 2.0, 0.5)
    return [[round(x, 2), round(y, 2)] for x, y in marker_points(style["shape"], r)]


def marker_path(marker: str, box: float, stroke_px: float) -> str:
    """SVG path data of ``marker`` centred in a ``box`` x ``box`` square, inset so the stroke stays inside."""
    c = box / 2.0
    r = max(c - stroke_px / 2.0, 0.5)
    if marker == "circle":
        return f"M{c - r:.2f},{c:.2f}a{r:.2f},{r:.2f} 0 1,0 {2 * r:.2f},0a{r:.2f},{r:.2f} 0 1,0 {-2 * r:.2f},0Z"
    return "M" + "L".join(f"{c + x:.2f},{c + y:.2f}" for x, y in marker_points(marker, r)) + "Z"


def marker_svg(symbol: Symbol, opacity: float = 1.0, *, box: float | None = None) -> str:
    """A standalone inline ``<svg>`` drawing of a point symbol (for divIcon markers and legend swatches)."""
    style = leaflet_style(symbol, "point", opacity)
    size = box if box is not None else 2 * style["radius"] + style["weight"] + 1
    path = marker_path(symbol.marker, size, style["weight"])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:.1f}" height="{size:.1f}" '
            f'viewBox="0 0 {size:.2f} {size:.2f}"><path d="{path}" fill="{style["fillColor"]}" '
            f'fill-opacity="{style["fillOpacity"]}" stroke="{style["color"]}" '
            f'stroke-opacity="{style["opacity"] if style["stroke"] else 0}" stroke-width="{style["weight"]}"/></svg>')


def swatch_svg(geometry: str, symbol: Symbol | None = None, colour: str | None = None, opacity: float = 1.0) -> str:
    """An 18 x 14 px legend swatch: a marker, a line, a filled box, or a flat colour (raster classes)."""
    if symbol is None and colour is None:  # a summary line ("… 30 more classes"): an empty slot keeps alignment
        return '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="14"></svg>'
    if symbol is None:
        fill, alpha = colour_and_alpha(colour)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="18" height="14"><rect x="0.5" y="0.5" width="17" '
                f'height="13" fill="{fill}" fill-opacity="{round(alpha * opacity, 3)}" stroke="#7f7f7f" '
                f'stroke-width="0.5"/></svg>')
    if geometry == "point":
        return marker_svg(symbol, opacity, box=14.0)
    style = leaflet_style(symbol, geometry, opacity)
    stroke_opacity = style["opacity"] if style["stroke"] else 0
    if geometry == "line":
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="18" height="14"><line x1="1" y1="7" x2="17" y2="7" '
                f'stroke="{style["color"]}" stroke-opacity="{stroke_opacity}" '
                f'stroke-width="{max(style["weight"], 1.0)}" stroke-linecap="round"/></svg>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="18" height="14"><rect x="1" y="1" width="16" height="12" '
            f'fill="{style["fillColor"]}" fill-opacity="{style["fillOpacity"]}" stroke="{style["color"]}" '
            f'stroke-opacity="{stroke_opacity}" stroke-width="{max(style["weight"], 0.5)}"/></svg>')


def text(value: object) -> str:
    """HTML-escaped text for anything we write into markup ourselves (names, labels, titles)."""
    return html.escape(str(value), quote=True)
