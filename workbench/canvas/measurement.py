"""Distances and areas in metres for what the user clicks on the canvas.

Geographic CRSs (degrees) are measured on the ellipsoid with ``pyproj.Geod``; projected CRSs planar, scaled
to metres by the CRS's unit (a US-feet CRS still reports metres). Planners compare these numbers with
cable lengths and lease areas, so they must be right, not "about right".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyproj

Point = tuple[float, float]


def _geod(crs: pyproj.CRS) -> pyproj.Geod:
    return crs.get_geod() or pyproj.Geod(ellps="WGS84")


def _metres_per_unit(crs: pyproj.CRS | None) -> float:
    if crs is None or not crs.axis_info:
        return 1.0
    factor = crs.axis_info[0].unit_conversion_factor
    return float(factor) if factor else 1.0


def is_geodesic(crs: pyproj.CRS | None) -> bool:
    """Measurements in a geographic CRS are made on the ellipsoid."""
    return crs is not None and crs.is_geographic


def path_length(points: Sequence[Point], crs: pyproj.CRS | None) -> float:
    """Length in metres of the polyline through ``points`` (map coordinates in ``crs``)."""
    if len(points) < 2:
        return 0.0
    xs, ys = np.asarray(points, dtype=float).T
    if is_geodesic(crs):
        return float(_geod(crs).line_length(xs, ys))
    return float(np.hypot(np.diff(xs), np.diff(ys)).sum()) * _metres_per_unit(crs)


def polygon_area(points: Sequence[Point], crs: pyproj.CRS | None) -> float:
    """Area in square metres of the polygon with vertices ``points`` (closing edge implied)."""
    if len(points) < 3:
        return 0.0
    xs, ys = np.asarray(points, dtype=float).T
    if is_geodesic(crs):
        area, _ = _geod(crs).polygon_area_perimeter(xs, ys)
        return abs(float(area))
    shoelace = 0.5 * abs(float(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1))))
    return shoelace * _metres_per_unit(crs) ** 2


def polygon_perimeter(points: Sequence[Point], crs: pyproj.CRS | None) -> float:
    """Perimeter in metres, closing edge included."""
    if len(points) < 2:
        return 0.0
    return path_length([*points, points[0]], crs)


def format_length(metres: float) -> str:
    """'850.3 m' or '12.48 km'."""
    if metres >= 10_000:
        return f"{metres / 1000:,.2f} km"
    return f"{metres:,.1f} m"


def format_area(square_metres: float) -> str:
    """'1,250 m²', '3.40 ha' or '12.5 km²'; planners think of sites in m² and districts in ha or km²."""
    if square_metres >= 1_000_000:
        return f"{square_metres / 1_000_000:,.3f} km²"
    if square_metres >= 10_000:
        return f"{square_metres / 10_000:,.2f} ha"
    return f"{square_metres:,.0f} m²"
