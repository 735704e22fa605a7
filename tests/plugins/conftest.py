"""Small synthetic layers in EPSG:32649 (Guangzhou's UTM zone) shared by the plugin tests."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import Project, VectorLayer

ORIGIN = np.array([500_000.0, 2_555_000.0])
CRS = "EPSG:32649"


def points(n: int, seed: int, size: float = 1000.0) -> np.ndarray:
    return shapely.points(np.random.default_rng(seed).random((n, 2)) * size + ORIGIN)


@pytest.fixture
def poles() -> VectorLayer:
    rng = np.random.default_rng(1)
    gdf = gpd.GeoDataFrame({"pole_id": [f"P{i:04d}" for i in range(300)],
                            "height_m": rng.uniform(6, 14, 300), "has_power": rng.random(300) < 0.7},
                           geometry=points(300, 1), crs=CRS)
    return VectorLayer(gdf, "poles", kind="lamp_poles")


@pytest.fixture
def offices() -> VectorLayer:
    rng = np.random.default_rng(2)
    gdf = gpd.GeoDataFrame({"listing_id": [f"L{i}" for i in range(200)], "price_m2": rng.uniform(80, 320, 200),
                            "industry": rng.choice(["finance", "tech", "retail"], 200)},
                           geometry=points(200, 2), crs=CRS)
    gdf.loc[[3, 17], "price_m2"] = np.nan
    return VectorLayer(gdf, "offices", kind="office_space")


@pytest.fixture
def schools() -> VectorLayer:
    gdf = gpd.GeoDataFrame({"name": [f"School {i}" for i in range(12)]}, geometry=points(12, 3), crs=CRS)
    return VectorLayer(gdf, "schools", kind="schools")


@pytest.fixture
def districts() -> VectorLayer:
    x0, y0 = ORIGIN
    boxes = [shapely.box(x0, y0, x0 + 500, y0 + 500), shapely.box(x0 + 400, y0 + 300, x0 + 1000, y0 + 900),
             shapely.Point(x0 + 200, y0 + 800).buffer(150)]
    gdf = gpd.GeoDataFrame({"district": ["A", "B", "C"]}, geometry=boxes, crs=CRS)
    return VectorLayer(gdf, "districts")


@pytest.fixture
def project(poles, offices, schools, districts) -> Project:
    project = Project(CRS)
    project.add_layers([poles, offices, schools, districts])
    return project
