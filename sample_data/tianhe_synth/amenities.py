"""Schools, office listings and existing macro 5G sites, all tied to buildings so they sit where they should.

Schools turn a few residential buildings into low school buildings; office listings are points inside
office towers, dearer near the axis and on higher floors; macro sites stand on spread-out rooftops.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from tianhe_synth.buildings import AXIS_CENTRE, Building, storeys
from tianhe_synth.layout import Road

SCHOOL_LEVELS = ["kindergarten"] * 6 + ["primary"] * 8 + ["middle"] * 5 + ["high"] * 2
_SCHOOL_WORDS = {"kindergarten": "Kindergarten", "primary": "Primary School", "middle": "Middle School",
                 "high": "High School"}
_STUDENTS = {"kindergarten": (150, 420), "primary": (800, 2200), "middle": (1000, 2500), "high": (1500, 3000)}
INDUSTRIES = ("finance", "tech", "legal", "consulting", "media", "trade", "real_estate", "insurance")
_INDUSTRY_P = (0.28, 0.18, 0.09, 0.12, 0.07, 0.13, 0.08, 0.05)
OPERATORS = ("China Mobile", "China Unicom", "China Telecom")


def spread_choice(points: np.ndarray, count: int, rng: np.random.Generator) -> list[int]:
    """Farthest-point sampling: ``count`` indices, each as far as possible from those chosen before."""
    chosen = [int(rng.integers(len(points)))]
    nearest = np.linalg.norm(points - points[chosen[0]], axis=1)
    while len(chosen) < count:
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.linalg.norm(points - points[pick], axis=1))
    return chosen


def _centres(buildings: list[Building]) -> np.ndarray:
    return shapely.get_coordinates(shapely.point_on_surface([b.footprint for b in buildings]))


def _stem(name: str) -> str:
    return name.split(" ")[0]


def make_schools(buildings: list[Building], roads: list[Road], rng: np.random.Generator) -> pd.DataFrame:
    """Turn spread-out mid-sized residential buildings into schools; one point per school inside it."""
    candidates = [b for b in buildings if b.use == "residential" and 500 <= b.footprint.area <= 3500]
    picks = spread_choice(_centres(candidates), len(SCHOOL_LEVELS), rng)
    levels = list(rng.permutation(SCHOOL_LEVELS))
    tree = shapely.STRtree([r.line for r in roads])
    rows, taken = [], set()
    for pick, level in zip(picks, levels, strict=True):
        building = candidates[pick]
        building.use, building.height_m = "school", float(round(rng.uniform(12, 22) * 2) / 2)
        point = shapely.point_on_surface(building.footprint)
        name = f"{_stem(roads[int(tree.query_nearest(point)[0])].name)} {_SCHOOL_WORDS[level]}"
        number = 2
        while name in taken:
            name = f"{name.split(' No. ')[0]} No. {number}"
            number += 1
        taken.add(name)
        low, high = _STUDENTS[level]
        rows.append({"x": point.x, "y": point.y, "name": name, "level": level,
                     "students": int(rng.integers(low, high + 1) // 10 * 10)})
    return pd.DataFrame(rows)


def _point_inside(shape: shapely.Geometry, rng: np.random.Generator) -> tuple[float, float]:
    minx, miny, maxx, maxy = shape.bounds
    inner = shapely.buffer(shape, -1.0)
    for _ in range(200):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if inner.contains(shapely.Point(x, y)):
            return x, y
    point = shapely.point_on_surface(shape)
    return point.x, point.y


def make_office_listings(buildings: list[Building], count: int, rng: np.random.Generator) -> pd.DataFrame:
    """``count`` listings in office towers (40 m+), more and dearer near the axis; CNY per m2 per month."""
    towers = [b for b in buildings if b.use == "office" and b.height_m >= 40]
    centres = _centres(towers)
    distance = np.hypot(centres[:, 0] - AXIS_CENTRE[0], centres[:, 1] - AXIS_CENTRE[1])
    floors = np.array([storeys("office", b.height_m) for b in towers])
    weight = floors ** 0.8 * (1 + 2 * np.exp(-distance / 600))
    per_tower = rng.multinomial(count, weight / weight.sum())
    rows = []
    for tower, n, d, top in zip(towers, per_tower, distance, floors, strict=True):
        base = 85 + 215 * np.exp(-d / 900) * (1.15 if tower.name else 1.0)
        for _ in range(n):
            x, y = _point_inside(tower.footprint, rng)
            floor = int(rng.integers(2, top + 1)) if top > 2 else 1
            price = base * (1 + 0.15 * floor / top) * rng.uniform(0.9, 1.1)
            rows.append({
                "x": x, "y": y,
                "price_m2": float(np.clip(round(price), 80, 350)),
                "lease_term_months": int(rng.choice([12, 24, 36, 36, 60])),
                "industry": str(rng.choice(INDUSTRIES, p=_INDUSTRY_P)),
                "area_m2": float(np.clip(round(rng.lognormal(np.log(420), 0.7), -1), 60, 3000)),
                "floor": floor,
            })
    table = pd.DataFrame(rows)
    table.insert(2, "listing_id", [f"OF-{i + 1:05d}" for i in range(len(table))])
    return table


def make_sites(buildings: list[Building], count: int, rng: np.random.Generator) -> pd.DataFrame:
    """``count`` existing macro sites on rooftops 25-160 m high, spread over the area."""
    roofs = [b for b in buildings if 25 <= b.height_m <= 160 and b.use != "school" and b.name is None]
    picks = spread_choice(_centres(roofs), count, rng)
    rows = []
    for number, pick in enumerate(picks, start=1):
        roof = roofs[pick]
        point = shapely.point_on_surface(roof.footprint)
        operator = str(rng.choice(OPERATORS, p=[0.4, 0.3, 0.3]))
        band = float(rng.choice([2600, 4900], p=[0.7, 0.3])) if operator == "China Mobile" else 3500.0
        rotation = int(rng.integers(0, 24)) * 5
        rows.append({
            "x": point.x, "y": point.y,
            "site_id": f"GZ-TH-{number:03d}",
            "operator": operator,
            "height_m": float(roof.height_m + round(rng.uniform(3, 8) * 2) / 2),
            "band_mhz": band,
            "eirp_dbm": float(round(rng.uniform(55, 62) * 2) / 2),
            "azimuths": ",".join(str(rotation + k * 120) for k in range(3)),
            "beamwidth_deg": 65.0,
            "tilt_deg": float(rng.integers(4, 11)),
            "status": "planned" if rng.random() < 0.1 else "active",
        })
    return pd.DataFrame(rows)
