"""Smart lamp poles along the kerbs: every 25-40 m, alternating sides, as a street-lighting plan lays them out.

A pole stands on the kerb line (half the road width from the centreline). Poles that would land on
another road's carriageway (junction corners) or within 8 m of a pole already placed are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from tianhe_synth.layout import Road

#: Mean spacing along a road (m) by class; each gap is drawn within +-3 m and kept within 25-40 m.
SPACING_M = {"arterial": 25.0, "secondary": 26.0, "local": 27.0}
HEIGHT_M = {"arterial": (12.0, 15.0), "secondary": (10.0, 12.5), "local": (8.0, 10.5)}
POWER_W = {"arterial": [400, 600, 800, 1000], "secondary": [300, 400, 600], "local": [200, 300, 400]}
MIN_APART_M = 8.0


def _stations(road: Road, rng: np.random.Generator) -> np.ndarray:
    """Kerb positions (n x 2) along one road segment, alternating left and right from a random first side."""
    length = road.line.length
    spacing = SPACING_M[road.road_class]
    distances = []
    at = rng.uniform(3, 9)
    while at < length - 3:
        distances.append(at)
        at += float(np.clip(spacing + rng.uniform(-3, 3), 25, 40))
    if not distances:
        return np.empty((0, 2))
    distances = np.array(distances)
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(road.line, np.minimum(distances + 0.5, length)))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(road.line, np.maximum(distances - 0.5, 0)))
    tangent = ahead - behind
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    side = np.where(np.arange(len(distances)) % 2 == 0, 1.0, -1.0) * (1 if rng.random() < 0.5 else -1)
    centre = shapely.get_coordinates(shapely.line_interpolate_point(road.line, distances))
    return centre + normal * side[:, None] * road.width_m / 2


def _on_other_carriageway(points: np.ndarray, owner: np.ndarray, roads: list[Road]) -> np.ndarray:
    """True where a pole stands inside a road other than its own (e.g. across a junction)."""
    lines = np.array([r.line for r in roads], dtype=object)
    half = np.array([r.width_m / 2 for r in roads])
    tree = shapely.STRtree(lines)
    geoms = shapely.points(points)
    pole_index, road_index = tree.query(geoms, predicate="dwithin", distance=float(half.max()))
    other = road_index != owner[pole_index]
    inside = shapely.distance(geoms[pole_index], lines[road_index]) < half[road_index] - 0.5
    bad = np.zeros(len(points), bool)
    bad[pole_index[other & inside]] = True
    return bad


def _thin(points: np.ndarray) -> np.ndarray:
    """Keep a pole only if no pole kept before it is within MIN_APART_M."""
    tree = cKDTree(points)
    keep = np.ones(len(points), bool)
    for i, j in sorted(tree.query_pairs(MIN_APART_M)):
        if keep[i] and keep[j]:
            keep[j] = False
    return keep


def make_poles(roads: list[Road], road_ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """One row per pole: x, y (local metres) and the lamp_poles attributes."""
    points, owners = [], []
    for index, road in enumerate(roads):
        stations = _stations(road, rng)
        points.append(stations)
        owners.append(np.full(len(stations), index))
    xy = np.vstack(points)
    owner = np.concatenate(owners)
    keep = ~_on_other_carriageway(xy, owner, roads)
    xy, owner = xy[keep], owner[keep]
    keep = _thin(xy)
    xy, owner = xy[keep], owner[keep]
    classes = np.array([roads[i].road_class for i in owner])
    n = len(xy)
    height = np.array([rng.uniform(*HEIGHT_M[c]) for c in classes])
    has_power = rng.random(n) < 0.9
    power = np.array([float(rng.choice(POWER_W[c])) for c in classes]) * has_power
    arterial = classes == "arterial"
    cctv = rng.random(n) < np.where(arterial, 0.35, 0.18)
    wifi = rng.random(n) < 0.12
    signage = rng.random(n) < np.where(arterial, 0.25, 0.12)
    status = rng.choice(["active", "planned", "faulty"], size=n, p=[0.9, 0.06, 0.04])
    installed = status != "planned"
    attachments = [",".join(name for name, on in (("cctv", c), ("wifi", w), ("signage", s)) if on and live)
                   for c, w, s, live in zip(cctv, wifi, signage, installed, strict=True)]
    draw = rng.random(n)
    capacity = np.select([arterial, classes == "local"], [np.where(draw < 0.5, 6, 4), np.where(draw < 0.8, 4, 3)], 4)
    return pd.DataFrame({
        "x": xy[:, 0], "y": xy[:, 1],
        "pole_id": [f"TH-{i + 1:06d}" for i in range(n)],
        "height_m": np.round(height * 2) / 2,
        "has_power": has_power,
        "power_w": power,
        "attachments": attachments,
        "capacity": capacity.astype("int64"),
        "road_id": [road_ids[i] for i in owner],
        "status": status,
    })
