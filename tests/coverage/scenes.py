"""Small synthetic scenes for the coverage tests, and an exact line-of-sight reference on building polygons.

Buildings are boxes on a 2 m grid, separated by at least one open cell, so a 2 m height grid represents them
exactly and the vector reference below can be compared decision by decision with the grid walk.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

from plugins.coverage import Obstruction

CRS = "EPSG:32649"
ORIGIN_X, ORIGIN_Y = 500_000.0, 2_560_000.0


def box_buildings(rng: np.random.Generator, count: int, size_m: float, cell: float = 2.0
                  ) -> tuple[list[shapely.Polygon], np.ndarray]:
    """Up to ``count`` non-touching grid-aligned boxes inside [0, size_m]² (local coordinates) with heights."""
    boxes: list[shapely.Polygon] = []
    for _ in range(count * 20):
        if len(boxes) == count:
            break
        w, h = rng.integers(3, 15, 2) * cell
        x = rng.integers(1, int((size_m - w) / cell) - 1) * cell
        y = rng.integers(1, int((size_m - h) / cell) - 1) * cell
        candidate = shapely.box(x, y, x + w, y + h)
        if all(candidate.distance(b) >= cell for b in boxes):
            boxes.append(candidate)
    return boxes, rng.uniform(4.0, 40.0, len(boxes))


def height_grid(boxes: list[shapely.Polygon], heights: np.ndarray, size_m: float, cell: float = 2.0) -> np.ndarray:
    """The boxes burnt into a north-up grid whose top-left corner is (0, size_m)."""
    n = int(size_m / cell)
    grid = np.zeros((n, n), np.float32)
    for b, h in zip(boxes, heights, strict=True):
        x0, y0, x1, y1 = b.bounds
        grid[int((size_m - y1) / cell):int((size_m - y0) / cell), int(x0 / cell):int(x1 / cell)] = h
    return grid


def exact_los(boxes: list[shapely.Polygon], heights: np.ndarray, tx: tuple[float, float, float],
              rx: tuple[float, float, float]) -> tuple[bool, bool, float]:
    """(LOS, indoor, indoor 2-D distance) from the polygons themselves.

    The ray height z(t) = rx_h + (tx_h - rx_h)·t is linear in the position t along the segment, so over the part
    of the segment inside a footprint its lowest point is at one end of that part: a building blocks when it is
    taller than the ray there. A receiver inside a building (taller than the receiver) is indoors; the ray's
    path inside that building up to the wall is the indoor part; a ray that reaches the roof height before the
    wall goes up through the floors and is NLOS.
    """
    (tx_x, tx_y, tx_h), (rx_x, rx_y, rx_h) = tx, rx
    segment = shapely.LineString([(rx_x, rx_y), (tx_x, tx_y)])
    length = segment.length
    receiver = shapely.Point(rx_x, rx_y)
    dz = tx_h - rx_h
    t_out, indoor, own = 0.0, False, -1
    for k, (b, h) in enumerate(zip(boxes, heights, strict=True)):
        if b.contains(receiver) and h > rx_h:
            indoor, own = True, k
            t_wall = max(segment.project(shapely.Point(p)) for p in _points(segment.intersection(b))) / length
            t_roof = (h - rx_h) / dz if dz > 0 else np.inf
            if t_roof < t_wall:
                return False, True, t_roof * length
            t_out = t_wall
    los = True
    for k, (b, h) in enumerate(zip(boxes, heights, strict=True)):
        part = segment.intersection(b)
        if k == own or part.is_empty:  # a convex building is left once and for all
            continue
        ts = [segment.project(shapely.Point(p)) / length for p in _points(part)]
        if h > min(rx_h + dz * min(ts), rx_h + dz * max(ts)):
            los = False
    return los, indoor, t_out * length


def _points(geometry) -> list[tuple[float, float]]:
    return [tuple(c) for c in shapely.get_coordinates(geometry)]


def buildings_frame(boxes: list[shapely.Polygon], heights: np.ndarray) -> gpd.GeoDataFrame:
    """The boxes as a buildings GeoDataFrame in the test CRS (moved to the scene origin)."""
    moved = [shapely.affinity.translate(b, ORIGIN_X, ORIGIN_Y) for b in boxes]
    return gpd.GeoDataFrame({"height_m": heights}, geometry=moved, crs=CRS)


def box_obstruction(x0: float, y0: float, cols: int, rows: int, res: float, *boxes) -> Obstruction:
    """Buildings (xmin, ymin, xmax, ymax, height) burnt into a ``res`` grid whose top-left corner is (x0, y0)."""
    heights = np.zeros((rows, cols), np.float32)
    for xmin, ymin, xmax, ymax, h in boxes:
        heights[int((y0 - ymax) / res):int((y0 - ymin) / res), int((xmin - x0) / res):int((xmax - x0) / res)] = h
    return Obstruction(heights, x0, y0, res)


def omni_gain_db(length: float, dz: float) -> float:
    """The omni antenna's vertical pattern (TR 38.901, 65°, no tilt) towards a path of 2-D length ``length``."""
    return -min(12.0 * (math.degrees(math.atan2(dz, length)) / 65.0) ** 2, 30.0)
