"""Building footprints and heights, block by block, in local metres.

Each block (land between kerbs, set back from the road) is cut into parcels by seeded recursive halving;
each parcel gets one footprint (two in the CBD core: tower and podium) shaped by the zone it lies in:
office towers on the axis, residential towers and slabs, the dense low-rise of urban villages,
large low cultural buildings at the south end of the axis. Heights fall off with distance from the axis,
and three supertall towers stand next to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon

from tianhe_synth.layout import AREA, HUANGPU_Y, Road, green_areas, river, road_space

#: Urban villages (dense low-rise, alleys only): Xiancun east of the core, Yangji in the north-west.
VILLAGES = {"Xiancun": shapely.box(1075, 95, 1445, 845), "Yangji": shapely.box(-1545, 875, -1135, 1105)}
CORE = shapely.box(-700, -900, 720, HUANGPU_Y)
#: Where the office market peaks: the axis between Huacheng Avenue and Jinsui Road.
AXIS_CENTRE = (0.0, 200.0)
#: (name, height m, local x, y): the supertall towers flanking the axis.
LANDMARKS = (
    ("Zhujiang East Tower", 530.0, 470.0, 260.0),
    ("Zhujiang West Tower", 440.0, -470.0, -120.0),
    ("Jinsui Tower", 455.0, -470.0, 650.0),
)
CULTURAL_NAMES = ("Opera House", "Provincial Museum", "City Library", "Children's Palace")
#: Metres per storey by use, to derive ``levels`` from ``height_m``.
STOREY_M = {"office": 4.2, "commercial": 5.0, "cultural": 6.0, "school": 4.0, "residential": 3.0, "village": 3.0}
_PARCEL_M = {"core": 90.0, "cultural": 150.0, "mixed": 70.0, "residential": 62.0, "village": 15.0}
_GAP_M = {"core": 7.0, "cultural": 8.0, "mixed": 5.0, "residential": 6.0, "village": 1.5}


@dataclass
class Building:
    footprint: Polygon
    use: str
    height_m: float
    name: str | None = None


def zone_at(x: float, y: float, arterials: shapely.Geometry) -> str:
    """Land use by position: village, core, cultural (south of the axis), mixed (on arterials), residential."""
    point = shapely.Point(x, y)
    if any(area.contains(point) for area in VILLAGES.values()):
        return "village"
    if CORE.contains(point):
        return "cultural" if y < -300 and abs(x) < 290 else "core"
    if abs(x) < 720 or shapely.distance(point, arterials) < 110:
        return "mixed"
    return "residential"


def blocks(roads: list[Road], setback: float = 5.0) -> list[Polygon]:
    """Buildable land: the area minus water, parks and the carriageways plus a pavement setback.

    An opening (shrink, then grow) rounds the block corners like kerbs at a junction.
    """
    land = shapely.difference(AREA, shapely.buffer(river(), 15.0))
    for _, area in green_areas():
        land = shapely.difference(land, shapely.buffer(area, 3.0))
    land = shapely.difference(land, road_space(roads, setback))
    land = shapely.buffer(shapely.buffer(land, -8.0, quad_segs=4), 8.0, quad_segs=4)
    parts = [p for p in shapely.get_parts(land) if isinstance(p, Polygon) and p.area > 300]
    return sorted(parts, key=lambda p: (round(p.centroid.y), round(p.centroid.x)))


def _parcels(bounds: tuple[float, float, float, float], target: float,
             rng: np.random.Generator) -> list[tuple[float, float, float, float]]:
    stack, done = [bounds], []
    while stack:
        minx, miny, maxx, maxy = stack.pop()
        w, h = maxx - minx, maxy - miny
        if max(w, h) <= target * rng.uniform(1.0, 1.45):
            done.append((minx, miny, maxx, maxy))
        elif w >= h:
            cut = minx + w * rng.uniform(0.4, 0.6)
            stack += [(minx, miny, cut, maxy), (cut, miny, maxx, maxy)]
        else:
            cut = miny + h * rng.uniform(0.4, 0.6)
            stack += [(minx, miny, maxx, cut), (minx, cut, maxx, maxy)]
    return done


def _rect(x: float, y: float, w: float, h: float) -> Polygon:
    return shapely.box(x, y, x + w, y + h)


def _l_shape(x: float, y: float, w: float, h: float, rng: np.random.Generator) -> Polygon:
    """A rectangle with one corner cut away (an L); the cut takes 40-60 % of each side."""
    cw, ch = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.4, 0.6)
    corner = int(rng.integers(4))
    cx = x + (w - cw if corner in (1, 2) else 0)
    cy = y + (h - ch if corner in (2, 3) else 0)
    return shapely.difference(_rect(x, y, w, h), _rect(cx, cy, cw, ch))


def _placed(inner: tuple[float, float, float, float], w: float, h: float,
            rng: np.random.Generator) -> tuple[float, float]:
    """Lower-left corner of a w x h box somewhere inside ``inner``."""
    x0, y0, x1, y1 = inner
    return x0 + rng.uniform(0, max(0.0, x1 - x0 - w)), y0 + rng.uniform(0, max(0.0, y1 - y0 - h))


def _core_height(x: float, y: float, rng: np.random.Generator) -> float:
    distance = np.hypot(x - AXIS_CENTRE[0], y - AXIS_CENTRE[1])
    return 70.0 + 260.0 * np.exp(-distance / 450.0) * rng.uniform(0.55, 1.1) + rng.uniform(0, 40)


def _footprints(zone: str, inner: tuple[float, float, float, float], rng: np.random.Generator) -> list[Building]:
    """The building(s) of one parcel, before they are fitted to the block."""
    x0, y0, x1, y1 = inner
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if zone == "village":
        bw, bh = w * rng.uniform(0.85, 1.0), h * rng.uniform(0.85, 1.0)
        storeys = int(rng.choice([3, 4, 5, 6, 6, 7, 7, 8]))
        return [Building(_rect(*_placed(inner, bw, bh, rng), bw, bh), "village", storeys * 3.0 + rng.uniform(0, 1))]
    if zone == "core":
        side = min(w, h, rng.uniform(36, 60))
        length = min(max(w, h), side * rng.uniform(0.9, 1.25))
        tower_first = rng.random() < 0.5
        if w >= h:
            tw, th, rest = length, side, w - length
            tx, ty = (x0 if tower_first else x1 - tw), y0 + rng.uniform(0, h - th)
            podium = _rect(x0 + tw + 6 if tower_first else x0, y0 + h * 0.1, rest - 6, h * rng.uniform(0.6, 0.85))
        else:
            tw, th, rest = side, length, h - length
            tx, ty = x0 + rng.uniform(0, w - tw), (y0 if tower_first else y1 - th)
            podium = _rect(x0 + w * 0.1, y0 + th + 6 if tower_first else y0, w * rng.uniform(0.6, 0.85), rest - 6)
        tower = Building(_rect(tx, ty, tw, th), "office", _core_height(cx, cy, rng))
        if rest < 22:
            return [tower]
        return [tower, Building(podium, "commercial", rng.uniform(14, 30))]
    if zone == "cultural":
        bw, bh = w * rng.uniform(0.6, 0.85), h * rng.uniform(0.6, 0.85)
        shape = _l_shape(*_placed(inner, bw, bh, rng), bw, bh, rng) if rng.random() < 0.4 else \
            _rect(*_placed(inner, bw, bh, rng), bw, bh)
        return [Building(shape, "cultural", rng.uniform(18, 45))]
    if zone == "mixed" and rng.random() < 0.55:
        bw, bh = min(w * rng.uniform(0.6, 0.9), 70), min(h * rng.uniform(0.6, 0.9), 70)
        shape = _l_shape(*_placed(inner, bw, bh, rng), bw, bh, rng) if rng.random() < 0.3 else \
            _rect(*_placed(inner, bw, bh, rng), bw, bh)
        if rng.random() < 0.6:
            return [Building(shape, "office", rng.uniform(45, 180))]
        return [Building(shape, "commercial", rng.uniform(12, 35))]
    kind = rng.choice(["slab", "tower", "l"], p=[0.4, 0.35, 0.25])
    high_rise = rng.random() < 0.7
    height = rng.uniform(45, 110) if high_rise else rng.uniform(16, 30)
    if kind == "tower":
        bw, bh = min(w * 0.9, rng.uniform(24, 36)), min(h * 0.9, rng.uniform(24, 36))
        shape = _rect(*_placed(inner, bw, bh, rng), bw, bh)
    elif kind == "slab":
        depth = rng.uniform(13, 20)
        bw, bh = (w * rng.uniform(0.7, 0.95), min(depth, h)) if w >= h else (min(depth, w), h * rng.uniform(0.7, 0.95))
        shape = _rect(*_placed(inner, bw, bh, rng), bw, bh)
    else:
        bw, bh = w * rng.uniform(0.6, 0.9), h * rng.uniform(0.6, 0.9)
        shape = _l_shape(*_placed(inner, bw, bh, rng), bw, bh, rng)
    return [Building(shape, "residential", height)]


def _compound(block: Polygon, rng: np.random.Generator) -> list[Building]:
    """A gated residential compound: rows of alike towers, or rows of older 6-9 storey slabs facing south."""
    minx, miny, maxx, maxy = block.bounds
    inside = shapely.buffer(block, -3.0)
    if rng.random() < 0.6:
        length, depth = rng.uniform(22, 32), rng.uniform(18, 26)
        step_x, step_y = length + rng.uniform(14, 26), depth + rng.uniform(22, 34)
        base = rng.uniform(55, 110)
    else:
        length, depth = rng.uniform(40, 70), rng.uniform(11, 14)
        step_x, step_y = length + rng.uniform(8, 14), depth + rng.uniform(11, 16)
        base = rng.uniform(17, 27)
    result = []
    for y in np.arange(miny + 3 + rng.uniform(0, 6), maxy - depth, step_y):
        for x in np.arange(minx + 3 + rng.uniform(0, 6), maxx - length, step_x):
            shape = _rect(x, y, length, depth)
            if inside.contains(shape):
                result.append(Building(shape, "residential", base * rng.uniform(0.9, 1.1)))
    return result


def _fit(shape: Polygon, block: Polygon) -> Polygon | None:
    """The footprint if it lies in the block, else its part inside when that is most of it and one piece."""
    if shape.is_empty or shape.area < 40:
        return None
    if block.contains(shape):
        return shape
    part = shapely.intersection(shape, block)
    if isinstance(part, Polygon) and part.area >= 0.7 * shape.area and part.area >= 60:
        return shapely.simplify(part, 0.3)
    return None


def make_buildings(roads: list[Road], rng: np.random.Generator) -> list[Building]:
    """Every footprint, in block order, with the supertall towers and cultural names assigned."""
    arterials = shapely.union_all([r.line for r in roads if r.road_class == "arterial"])
    result: list[Building] = []
    for block in blocks(roads):
        bx, by = block.centroid.x, block.centroid.y
        block_zone = zone_at(bx, by, arterials)
        if block_zone == "residential" and rng.random() < 0.7:
            compound = _compound(block, rng)
            for building in compound:
                building.height_m = round(float(building.height_m) * 2) / 2
            result += compound
            if compound:
                continue
        for rect in _parcels(block.bounds, _PARCEL_M[block_zone], rng):
            parcel = shapely.intersection(shapely.box(*rect), block)
            if parcel.is_empty or parcel.area < 0.35 * shapely.box(*rect).area:
                continue
            zone = zone_at((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2, arterials)
            zone = block_zone if zone == "village" or block_zone == "village" else zone
            gap = _GAP_M[zone]
            inner = (rect[0] + gap, rect[1] + gap, rect[2] - gap, rect[3] - gap)
            if inner[2] - inner[0] < 8 or inner[3] - inner[1] < 8:
                continue
            for building in _footprints(zone, inner, rng):
                fitted = _fit(building.footprint, block)
                if fitted is not None:
                    building.footprint = fitted
                    building.height_m = round(float(building.height_m) * 2) / 2
                    result.append(building)
    _raise_landmarks(result)
    _name_cultural(result)
    return [b for b in result if shapely.is_valid(b.footprint)]


def _raise_landmarks(buildings: list[Building]) -> None:
    """The biggest office tower near each landmark point becomes that supertall tower."""
    for name, height, x, y in LANDMARKS:
        point = shapely.Point(x, y)
        near = [b for b in buildings if b.use == "office" and b.name is None
                and b.footprint.distance(point) < 160]
        tower = max(near, key=lambda b: b.footprint.area)
        tower.height_m, tower.name = height, name


def _name_cultural(buildings: list[Building]) -> None:
    cultural = sorted((b for b in buildings if b.use == "cultural"), key=lambda b: -b.footprint.area)
    for building, name in zip(cultural, CULTURAL_NAMES, strict=False):
        building.name = name


def storeys(use: str, height_m: float) -> int:
    return max(1, int(round(height_m / STOREY_M[use])))

