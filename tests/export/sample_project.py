"""A small planning project (UTM 49N, around Zhujiang New Town) for the export tests: every kind of element a
briefing map shows, with known feature counts and one hostile attribute value."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from affine import Affine
from shapely.geometry import LineString, Point, box

from layers.default_styles import default_style
from layers.layer import RasterLayer, VectorLayer
from layers.project import Project
from layers.styles import Categorized, Category, Symbol

CRS = "EPSG:32649"
X0, Y0 = 737_600.0, 2_558_200.0  # south-west corner of the study area (1,000 m x 800 m)
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
POLE_COUNT = 24
SCHOOL_COUNT = 2
BUILDING_COUNT = 6
ROAD_COUNT = 3
SITE_COUNT = 5


def _styled(layer):
    layer.style = default_style(layer)
    return layer


def roads() -> VectorLayer:
    lines = [LineString([(X0, Y0 + 400), (X0 + 1000, Y0 + 400)]),
             LineString([(X0 + 500, Y0), (X0 + 500, Y0 + 800)]),
             LineString([(X0 + 100, Y0 + 100), (X0 + 900, Y0 + 700)])]
    gdf = gpd.GeoDataFrame({"name": ["Huacheng Avenue", "Zhujiang East Road", "Xiancun Road"],
                            "road_class": ["arterial", "secondary", "local"], "width_m": [40.0, 24.0, 12.0]},
                           geometry=lines, crs=CRS)
    return _styled(VectorLayer(gdf, "Roads", kind="roads"))


def poles() -> VectorLayer:
    xs = np.linspace(X0 + 40, X0 + 960, POLE_COUNT // 2)
    points = [Point(x, Y0 + 385) for x in xs] + [Point(x, Y0 + 415) for x in xs]
    status = (["active"] * 3 + ["planned"]) * (POLE_COUNT // 4)
    ids = [f"P{i:04d}" for i in range(POLE_COUNT)]
    ids[0] = HOSTILE
    gdf = gpd.GeoDataFrame({"pole_id": ids, "height_m": 10.0, "has_power": True, "status": status},
                           geometry=points, crs=CRS)
    return _styled(VectorLayer(gdf, "Lamp poles", kind="lamp_poles"))


def schools() -> VectorLayer:
    gdf = gpd.GeoDataFrame({"name": ["Huayang Primary", "Tianhe Middle"], "level": ["primary", "middle"],
                            "students": [820, 1400]},
                           geometry=[Point(X0 + 200, Y0 + 600), Point(X0 + 780, Y0 + 180)], crs=CRS)
    return _styled(VectorLayer(gdf, "Schools", kind="schools"))


def buildings() -> VectorLayer:
    footprints = [box(X0 + 60 + 150 * i, Y0 + 450, X0 + 140 + 150 * i, Y0 + 560) for i in range(BUILDING_COUNT)]
    gdf = gpd.GeoDataFrame({"height_m": [12.0, 30.0, 60.0, 120.0, 250.0, 18.0]}, geometry=footprints, crs=CRS)
    return _styled(VectorLayer(gdf, "Buildings", kind="buildings"))


def rsrp() -> RasterLayer:
    """RSRP falling off with distance from the centre: -75 dBm there, about -125 dBm at the corners."""
    rows, cols, cell = 40, 50, 20.0
    yy, xx = np.mgrid[0:rows, 0:cols]
    distance = np.hypot((xx - cols / 2) * cell, (yy - rows / 2) * cell)
    values = (-75.0 - 0.078 * distance).astype(np.float32)
    values[0, 0] = np.nan
    layer = RasterLayer(values, Affine(cell, 0, X0, 0, -cell, Y0 + rows * cell), CRS, name="RSRP",
                        nodata=np.nan, metadata={"quantity": "rsrp", "unit": "dBm"})
    layer.opacity = 0.7
    return _styled(layer)


def selected_sites() -> VectorLayer:
    """The siting plugin's output (plugins/siting/outputs.py): poles in build order with rank, phase, what each
    adds, where coverage stands after it, and cost; demand total 10,000."""
    new_demand = np.array([3100.0, 1800.0, 1100.0, 600.0, 300.0])
    gdf = gpd.GeoDataFrame({"rank": np.arange(1, SITE_COUNT + 1), "phase": [1, 1, 2, 2, 3],
                            "pole_id": [f"P{i:04d}" for i in (2, 7, 13, 18, 21)], "height_m": 10.0,
                            "status": "active", "cost": [42000.0, 42000.0, 38500.0, 51000.0, 42000.0],
                            "new_demand": new_demand, "cumulative_demand": np.cumsum(new_demand),
                            "cumulative_share_pct": np.cumsum(new_demand) / 100.0,
                            "reach_demand": new_demand * 1.4, "sole_demand": new_demand * 0.8},
                           geometry=[Point(X0 + 120 + 190 * i, Y0 + 415) for i in range(SITE_COUNT)], crs=CRS)
    style = Categorized("phase", [Category(p, Symbol(fill=c, stroke="#000000", size=7.0, marker="diamond"),
                                           label=f"phase {p}")
                                  for p, c in ((1, "#d7191c"), (2, "#fdae61"), (3, "#2c7bb6"))])
    return VectorLayer(gdf, "Selected sites", style=style,
                       metadata={"quantity": "selected_sites", "provenance": {"algorithm": "siting.mclp",
                                                                              "run_id": "r1"}})


def make_project() -> Project:
    project = Project(CRS, title="Zhujiang New Town small cells")
    hidden = buildings()
    hidden.name = "Hidden buildings"
    hidden.visible = False
    for layer in (rsrp(), buildings(), hidden, roads(), poles(), schools(), selected_sites()):
        project.add_layer(layer)
    project.view_extent = (X0, Y0, X0 + 1000, Y0 + 800)
    return project
