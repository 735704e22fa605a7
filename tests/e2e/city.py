"""A small Guangzhou district as a planner has it: an OpenStreetMap extract, a DEM and the city's own GeoPackage.

The files are written the way other tools write them: the OSM extract with pyosmium (buildings mostly without a
height, some with ``building:levels``, street lamps, schools, a communication mast), the DEM with rasterio in
WGS84 (a gentle hill), the GeoPackage with geopandas, two layers named and filled like a municipal export
(路灯 with 杆号/杆高/状态/是否有电, 学校 with 学校名称/学段). Positions are laid out in metres of EPSG:4547
(CGCS2000 3-degree Gauss-Krüger CM 114E, Guangzhou's local grid) around Tianhe and converted to lon/lat.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import osmium.osm.mutable as osm
import pyproj
import rasterio
from affine import Affine

LOCAL = pyproj.CRS.from_epsg(4547)
TO_LONLAT = pyproj.Transformer.from_crs(LOCAL, 4326, always_xy=True)
X0, Y0 = pyproj.Transformer.from_crs(4326, LOCAL, always_xy=True).transform(113.320, 23.120)

GRID = 14                       # buildings per row and column
SPACING, WIDTH, DEPTH = 45.0, 25.0, 18.0   # metres
TYPES = ("apartments", "office", "yes", "yes", "apartments", "yes")
OSM_LAMPS = 30
POLES = 24
POLE_STATUS = ("在用", "在用", "规划", "故障")       # active, active, planned, faulty
POLE_POWER = ("是", "否", "是")
SCHOOLS = (("天河小学", "小学", 150.0, 500.0), ("体育中学", "初中", 450.0, 160.0), ("华阳小学", "小学", 560.0, 560.0))
HILL = (330.0, 330.0, 40.0, 250.0)     # centre x, y (m from the origin), height above the plain (m), sigma (m)
PLAIN_M = 20.0


@dataclass(frozen=True)
class Building:
    """One OSM building as written: its type and the tags a survey gave it (storeys, height)."""

    x: float
    y: float
    building: str
    levels: int | None
    height: float | None


@dataclass(frozen=True)
class City:
    folder: Path
    osm: Path
    dem: Path
    gpkg: Path
    buildings: tuple[Building, ...]


def lonlat(dx, dy):
    """Lon/lat of points ``dx``, ``dy`` metres east and north of the district's origin."""
    return TO_LONLAT.transform(X0 + np.asarray(dx, dtype=float), Y0 + np.asarray(dy, dtype=float))


def city_buildings() -> tuple[Building, ...]:
    """GRID x GRID footprints; one in five has storeys, one in 23 a surveyed height, the rest nothing."""
    rows = []
    for i in range(GRID):
        for j in range(GRID):
            n = i * GRID + j
            levels = 3 + (i * j) % 10 if (i + j) % 5 == 0 else None
            height = 45.0 if levels is None and (i + 2 * j) % 23 == 0 else None
            rows.append(Building(20 + SPACING * i, 20 + SPACING * j, TYPES[n % len(TYPES)], levels, height))
    return tuple(rows)


def write_osm(path: Path, buildings: tuple[Building, ...]) -> None:
    nodes, ways = [], []

    def node(dx: float, dy: float, tags: dict | None = None) -> int:
        node_id = len(nodes) + 1
        nodes.append(osm.Node(id=node_id, location=tuple(float(v) for v in lonlat(dx, dy)), tags=tags or {}))
        return node_id

    for way_id, b in enumerate(buildings, start=1):
        ring = [node(b.x, b.y), node(b.x + WIDTH, b.y), node(b.x + WIDTH, b.y + DEPTH), node(b.x, b.y + DEPTH)]
        tags = {"building": b.building}
        if b.levels is not None:
            tags["building:levels"] = str(b.levels)
        if b.height is not None:
            tags["height"] = f"{b.height:g}"
        ways.append(osm.Way(id=way_id, nodes=[*ring, ring[0]], tags=tags))
    for k in range(OSM_LAMPS):
        node(10 + 22 * k, 332, {"highway": "street_lamp"})
    for name, _, x, y in SCHOOLS:
        node(x, y, {"amenity": "school", "name": name})
    node(335, 335, {"man_made": "mast", "tower:type": "communication", "operator": "China Mobile", "height": "30"})
    writer = osmium.SimpleWriter(str(path))
    for item in nodes:
        writer.add_node(item)
    for item in ways:
        writer.add_way(item)
    writer.close()


def hill_m(dx, dy):
    """Ground elevation of the DEM at metres from the origin (the hill's formula, for checks)."""
    cx, cy, top, sigma = HILL
    return PLAIN_M + top * np.exp(-((np.asarray(dx) - cx) ** 2 + (np.asarray(dy) - cy) ** 2) / (2 * sigma ** 2))


def write_dem(path: Path) -> None:
    """A WGS84 GeoTIFF of about 20 m cells over the district and the reach of its poles' signals around it."""
    cell = 0.0002
    west, north = (float(v) for v in lonlat(-900, 1400))
    cols, rows = 125, 110
    lon = west + cell * (np.arange(cols) + 0.5)
    lat = north - cell * (np.arange(rows) + 0.5)
    lons, lats = np.meshgrid(lon, lat)
    x, y = pyproj.Transformer.from_crs(4326, LOCAL, always_xy=True).transform(lons, lats)
    z = hill_m(x - X0, y - Y0).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=cols, height=rows, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(cell, 0.0, west, 0.0, -cell, north), nodata=-9999.0) as dataset:
        dataset.write(z, 1)


def municipal_poles() -> gpd.GeoDataFrame:
    n = np.arange(POLES)
    lon, lat = lonlat(15 + 27.0 * n, np.where(n % 2, 175.0, 490.0))
    return gpd.GeoDataFrame({
        "杆号": [f"TH-{i:03d}" for i in n],
        "杆高": 8.0 + n % 5,
        "状态": [POLE_STATUS[i % len(POLE_STATUS)] for i in n],
        "是否有电": [POLE_POWER[i % len(POLE_POWER)] for i in n],
    }, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def municipal_schools() -> gpd.GeoDataFrame:
    lon, lat = lonlat([s[2] for s in SCHOOLS], [s[3] for s in SCHOOLS])
    return gpd.GeoDataFrame({"学校名称": [s[0] for s in SCHOOLS], "学段": [s[1] for s in SCHOOLS]},
                            geometry=gpd.points_from_xy(lon, lat), crs=4326)


def write_city(folder: Path) -> City:
    """Write the three files into ``folder`` (as a user's download folder holds them)."""
    folder.mkdir(parents=True, exist_ok=True)
    buildings = city_buildings()
    city = City(folder, folder / "tianhe.osm.pbf", folder / "dem.tif", folder / "城管导出.gpkg", buildings)
    write_osm(city.osm, buildings)
    write_dem(city.dem)
    municipal_poles().to_file(city.gpkg, layer="路灯", driver="GPKG")
    municipal_schools().to_file(city.gpkg, layer="学校", driver="GPKG")
    return city
