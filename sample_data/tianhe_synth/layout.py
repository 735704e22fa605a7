"""Street layout: the Pearl River, the Huacheng Square axis and the road grid, in local metres.

Local frame: x east, y north, (0, 0) at the sample centre (lon 113.325, lat 23.120); the area is
x -2000..2000, y -1500..1500. Arterials and secondary streets follow the real pattern of Zhujiang New Town
loosely (names are illustrative); local streets are laid out inside each superblock at a seeded spacing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

HALF_X, HALF_Y = 2000.0, 1500.0
AREA = shapely.box(-HALF_X, -HALF_Y, HALF_X, HALF_Y)

#: Where the green axis sits (x from -AXIS_HALF to +AXIS_HALF south of Huangpu Avenue).
AXIS_HALF = 140.0
HUANGPU_Y, TIANHE_ROAD_Y, HUACHENG_Y = 860.0, 1380.0, 80.0
ZHUJIANG_X = 290.0


@dataclass(frozen=True)
class Road:
    name: str
    road_class: str
    width_m: float
    line: LineString


def bank_y(x: np.ndarray | float) -> np.ndarray | float:
    """The Pearl River's north bank: a gentle curve, so the riverside road is not a ruler line."""
    return -1020.0 + 40.0 * np.sin((np.asarray(x) + 600.0) / 650.0) + 0.015 * np.asarray(x)


def _bank_xs() -> np.ndarray:
    return np.linspace(-HALF_X, HALF_X, 81)


def river() -> Polygon:
    xs = _bank_xs()
    ring = list(zip(xs, bank_y(xs), strict=True)) + [(HALF_X, -HALF_Y), (-HALF_X, -HALF_Y)]
    return Polygon(ring)


def linjiang_line() -> LineString:
    xs = _bank_xs()
    return LineString(list(zip(xs, bank_y(xs) + 130.0, strict=True)))


def _from_linjiang(x: float, north_end: float) -> LineString:
    """A north-south road that starts exactly on the Linjiang Avenue centreline."""
    start = shapely.intersection(LineString([(x, -HALF_Y), (x, 0)]), linjiang_line())
    return LineString([(start.x, start.y), (x, north_end)])


def _bridge(x: float) -> LineString:
    start = shapely.intersection(LineString([(x, -HALF_Y), (x, 0)]), linjiang_line())
    return LineString([(x, -HALF_Y), (start.x, start.y)])


def _ew(y: float, x0: float, x1: float) -> LineString:
    return LineString([(x0, y), (x1, y)])


def major_roads() -> list[Road]:
    """Arterials and secondary streets: the fixed skeleton every screenshot shows."""
    a, s = "arterial", "secondary"
    z = ZHUJIANG_X
    roads = [
        Road("Tianhe Road", a, 44, _ew(TIANHE_ROAD_Y, -HALF_X, HALF_X)),
        Road("Tianhe South 2nd Road", s, 24, _ew(1120, -1560, -z)),
        Road("Tianhe South 2nd Road", s, 24, _ew(1120, z, 1460)),
        Road("Huangpu Avenue West", a, 56, _ew(HUANGPU_Y, -HALF_X, HALF_X)),
        Road("Jinsui Road", s, 30, _ew(480, -1560, -z)),
        Road("Jinsui Road", s, 30, _ew(480, z, 1060)),
        Road("Huacheng Avenue", a, 44, _ew(HUACHENG_Y, -HALF_X, HALF_X)),
        Road("Xingsheng Road", s, 24, _ew(-300, -1560, -z)),
        Road("Xingsheng Road", s, 24, _ew(-300, z, 1460)),
        Road("Linjiang Avenue", a, 40, linjiang_line()),
        Road("Guangzhou Avenue Middle", a, 54, _from_linjiang(-1560, HALF_Y)),
        Road("Guangzhou Bridge", a, 54, _bridge(-1560)),
        Road("Yangji Road", s, 24, _from_linjiang(-1120, TIANHE_ROAD_Y)),
        Road("Huaxia Road", s, 26, _from_linjiang(-700, TIANHE_ROAD_Y)),
        Road("Zhujiang West Road", a, 40, _from_linjiang(-z, HUANGPU_Y)),
        Road("Tiyu West Road", s, 32, LineString([(-z, HUANGPU_Y), (-z, HALF_Y)])),
        Road("Zhujiang East Road", a, 40, _from_linjiang(z, HUANGPU_Y)),
        Road("Tiyu East Road", s, 32, LineString([(z, HUANGPU_Y), (z, HALF_Y)])),
        Road("Machang Road", s, 28, _from_linjiang(720, HALF_Y)),
        Road("Xiancun Road", s, 22, _from_linjiang(1060, TIANHE_ROAD_Y)),
        Road("Liede Avenue", a, 44, _from_linjiang(1460, HALF_Y)),
        Road("Liede Bridge", a, 44, _bridge(1460)),
        Road("Xinguang Expressway", a, 60,
             LineString([(1700, -HALF_Y), (1760, -1000), (1830, -300), (1880, 500), (1905, HALF_Y)])),
    ]
    return roads


def green_areas() -> list[tuple[str, Polygon]]:
    """Huacheng Square (the axis), Tianhe Sports Centre park north of it, and the riverside park.

    Drawn generously here; ``carve_green`` removes the road corridors that cross them.
    """
    xs = _bank_xs()
    riverside = Polygon(list(zip(xs, bank_y(xs), strict=True))
                        + list(zip(xs[::-1], bank_y(xs[::-1]) + 100.0, strict=True)))
    square = Polygon([(-AXIS_HALF, -600), (AXIS_HALF, -600), (AXIS_HALF, HUANGPU_Y), (-AXIS_HALF, HUANGPU_Y)])
    square = shapely.union(square, shapely.box(-AXIS_HALF - 40, -1100, AXIS_HALF + 40, -560))
    sports = shapely.box(-ZHUJIANG_X, HUANGPU_Y, ZHUJIANG_X, TIANHE_ROAD_Y)
    return [("Riverside Park", riverside), ("Huacheng Square", square), ("Tianhe Sports Centre Park", sports)]


def road_space(roads: list[Road], margin: float = 0.0) -> shapely.Geometry:
    """The carriageways (centreline buffered by half the width, plus ``margin``) as one geometry."""
    lines = np.array([r.line for r in roads], dtype=object)
    widths = np.array([r.width_m / 2 + margin for r in roads])
    return shapely.union_all(shapely.buffer(lines, widths, quad_segs=4))


def carve_green(roads: list[Road]) -> list[tuple[str, Polygon]]:
    """Green parts outside the water and the avenues crossing them (with a 2 m verge).

    Local streets only end at a park's edge, so they are left out: their round ends would notch the lawn.
    """
    space = road_space([r for r in roads if r.road_class != "local"], 2.0)
    water = river()
    parts = []
    for name, area in green_areas():
        shape = shapely.intersection(shapely.difference(shapely.difference(area, water), space), AREA)
        for piece in getattr(shape, "geoms", [shape]):
            if isinstance(piece, Polygon) and piece.area > 400:
                parts.append((name, piece))
    return parts


def _reach_major(line: LineString, majors: shapely.Geometry, reach: float = 45.0) -> LineString:
    """Extend each end of a street clipped at a kerb to the centreline of the road it meets.

    An end that meets no road within ``reach`` (a park edge, the map edge) is left where it is.
    """
    coords = np.asarray(line.coords, dtype=float)
    for end, inner in ((0, 1), (-1, -2)):
        tip = coords[end]
        direction = tip - coords[inner]
        direction /= np.linalg.norm(direction)
        ray = LineString([tip, tip + direction * reach])
        hit = shapely.intersection(ray, majors)
        if hit.is_empty:
            continue
        points = shapely.get_coordinates(hit)
        coords[end] = points[np.argmin(np.linalg.norm(points - tip, axis=1))]
    return LineString(coords)


def superblocks(roads: list[Road]) -> list[Polygon]:
    """Land between the carriageways, outside water and parks."""
    land = shapely.difference(AREA, river())
    for _, area in green_areas():
        land = shapely.difference(land, area)
    land = shapely.difference(land, road_space(roads))
    return [p for p in getattr(land, "geoms", [land]) if isinstance(p, Polygon) and p.area > 1000]


def local_streets(majors: list[Road], rng: np.random.Generator, *, villages: dict[str, Polygon],
                  core: Polygon) -> list[Road]:
    """Local streets across each superblock at ~140 m (CBD core) or ~160 m spacing, seeded jitter.

    Urban villages (superblocks whose centre lies in one of ``villages``) get only a few 8 m lanes.
    """
    centrelines = shapely.union_all([r.line for r in majors])
    streets: list[Road] = []
    stems = iter(_LOCAL_NAMES)
    for block in sorted(superblocks(majors), key=lambda p: (round(p.centroid.y), round(p.centroid.x))):
        centre = block.centroid
        if block.area < 20000:
            continue
        village = next((name for name, area in villages.items() if area.contains(centre)), None)
        spacing = 220.0 if village else 140.0 if core.contains(centre) else 160.0
        minx, miny, maxx, maxy = block.bounds
        name = village or next(stems)
        cuts: list[tuple[str, LineString]] = []
        for axis, (lo, hi) in (("ns", (minx, maxx)), ("ew", (miny, maxy))):
            count = max(0, round((hi - lo) / spacing) - 1)
            for i in range(count):
                at = lo + (hi - lo) * (i + 1) / (count + 1) + rng.uniform(-15, 15)
                if axis == "ns":
                    full = LineString([(at, miny - 1), (at, maxy + 1)])
                else:
                    full = LineString([(minx - 1, at), (maxx + 1, at)])
                cuts.append((axis, full))
        numbers = {"ns": 0, "ew": 0}
        cross = [full for axis, full in cuts if axis == "ns"]
        for axis, full in cuts:
            if rng.random() < 0.08 and not village:
                continue  # a compound that spans two blocks: the street was never built
            if axis == "ew" and cross and rng.random() < 0.3 and not village:
                full = _stop_at_crossing(full, cross, rng)
            clipped = shapely.intersection(full, block)
            pieces = [p for p in getattr(clipped, "geoms", [clipped]) if isinstance(p, LineString) and p.length > 40]
            if not pieces:
                continue
            numbers[axis] += 1
            noun = ("Lane" if axis == "ns" else "Alley") if village else "Road" if axis == "ns" else "Street"
            label = f"{name} {noun}" if numbers[axis] == 1 else f"{name} {_ordinal(numbers[axis])} {noun}"
            for piece in pieces:
                width = 8.0 if village else float(rng.choice([12.0, 14.0, 16.0]))
                streets.append(Road(label, "local", width, _reach_major(piece, centrelines)))
    return streets


def _stop_at_crossing(line: LineString, crossings: list[LineString], rng: np.random.Generator) -> LineString:
    """Keep one end of an east-west street up to a north-south one, making a T junction."""
    (x0, y), (x1, _) = line.coords
    xs = sorted(c.coords[0][0] for c in crossings)
    if rng.random() < 0.5:
        return LineString([(x0, y), (xs[0], y)])
    return LineString([(xs[-1], y), (x1, y)])


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


_LOCAL_NAMES = (
    "Huaming", "Huajiu", "Huaxing", "Huali", "Huasui", "Huacui", "Huaqiang", "Huating", "Haian", "Mingyue",
    "Xinghua", "Xingguo", "Xingmin", "Jinhui", "Jinyuan", "Tianrun", "Tianyu", "Zhusheng", "Zhujin", "Liecheng",
    "Liede North", "Lieyuan", "Shuiyin", "Yuejin", "Yanyu", "Tianhan", "Longkou", "Lijiao", "Pingyun",
    "Tianyuan", "Xiufeng", "Shuangcheng", "Huijing", "Guangli", "Hongmian", "Qiaoxin", "Wanhe", "Jingyue",
    "Zhenhua", "Xianlie", "Yuexiu", "Dongguan", "Ruyi", "Yunhe", "Fuqian", "Heping", "Yongxing", "Baihe",
    "Chuangxin", "Kaifa", "Jiangnan", "Yuancun", "Chebei", "Fenghuang", "Lanhua", "Meihua", "Songbai", "Zhuyuan",
    "Taoyuan", "Liuhua", "Xiyuan", "Nanyuan", "Beiyuan", "Dongyuan", "Xinghe", "Jiangwan", "Haiyue", "Yinhe",
    "Jinghu", "Qingyun", "Guanghua", "Minsheng", "Tongxin", "Kangle", "Anle", "Fulin", "Xianghe", "Ruihe",
)


def noded_roads(roads: list[Road]) -> list[Road]:
    """Split every road at every junction so each feature is one segment between junctions, as in real data."""
    sources = np.array([r.line for r in roads], dtype=object)
    tree = shapely.STRtree(sources)
    noded = shapely.union_all(sources)
    segments = []
    for piece in shapely.get_parts(noded):
        if piece.length < 2.0:
            continue
        middle = piece.interpolate(0.5, normalized=True)
        index = int(tree.query_nearest(middle)[0])
        source = roads[index]
        segments.append(Road(source.name, source.road_class, source.width_m, piece))
    return segments
