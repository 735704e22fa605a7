"""Issue 12's first hour, end to end through the public APIs a user's actions call: a Guangzhou district's own
files (OSM extract, DEM, municipal GeoPackage with Chinese field names) opened and mapped, a project that picks
its own CRS, demand from buildings, coverage over terrain and buildings, MCLP, a PDF and a web map, save and
reopen. Checked against what the files hold (poles, statuses, storeys), hand formulas (floor area per worker), a
brute-force MCLP, and the reopened project equal to the saved one in every layer and every run."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from layers import Project, RasterLayer, VectorLayer
from layers.field_mapping import map_layer
from layers.field_suggestions import suggest_mapping
from layers.io import open_layers
from plugins.api import Context
from plugins.runner import add_to_project, run_algorithm
from tests.e2e.city import DEPTH, POLE_STATUS, POLES, WIDTH, City, write_city

RADIUS_M = 150.0
SITES = 3
LOCKED, EXCLUDED = "TH-001", "TH-004"
SPACING_M = 1000.0       # larger than any footprint: each building is one demand point (see _demand_points)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> City:
    return write_city(tmp_path_factory.mktemp("own_city"))


def open_city(city: City) -> Project:
    """What the user does first: open the GeoPackage (each layer through the suggested field mapping), then the
    OSM extract and the DEM, in a new project."""
    project = Project(title="Tianhe, own data")
    for raw in open_layers(city.gpkg):
        suggestion = suggest_mapping(raw.gdf, raw.name)
        project.add_layer(map_layer(raw, suggestion.mapping))
    project.add_layers(open_layers(city.osm))
    project.add_layers(open_layers(city.dem))
    return project


def run(project: Project, algorithm: str, **params):
    result = run_algorithm(algorithm, params, Context(project=project, crs=project.crs))
    add_to_project(result, project)
    return result


def _demand_points(demand: VectorLayer, crs) -> tuple[np.ndarray, np.ndarray]:
    """Demand points (in ``crs``) as the siting documentation states them: polygon cells on a grid aligned to
    multiples of the spacing, a polygon without such a point by a point on its surface; each carries its
    polygon's residents."""
    points, weights = [], []
    gdf = demand.gdf.to_crs(crs)
    for geom, residents in zip(gdf.geometry, gdf["residents"], strict=True):
        minx, miny, maxx, maxy = geom.bounds
        xs = np.arange(math.floor(minx / SPACING_M) * SPACING_M + SPACING_M / 2, maxx, SPACING_M)
        ys = np.arange(math.floor(miny / SPACING_M) * SPACING_M + SPACING_M / 2, maxy, SPACING_M)
        inside = [shapely.Point(x, y) for x in xs for y in ys if geom.contains(shapely.Point(x, y))]
        inside = inside or [shapely.point_on_surface(geom)]
        points += [(p.x, p.y) for p in inside]
        weights += [residents / len(inside)] * len(inside)
    return np.array(points), np.array(weights)


def brute_force_mclp(poles: VectorLayer, demand: VectorLayer, crs) -> float:
    """Best residents covered within RADIUS_M (measured in ``crs``) by SITES active poles including LOCKED and not
    EXCLUDED."""
    xy, weights = _demand_points(demand, crs)
    gdf = poles.gdf.to_crs(crs)
    free = [i for i in range(len(gdf)) if gdf["status"].iloc[i] == "active" and gdf["pole_id"].iloc[i] not in
            (LOCKED, EXCLUDED)]
    locked = int(np.flatnonzero(gdf["pole_id"] == LOCKED)[0])
    pole_xy = np.column_stack([gdf.geometry.x, gdf.geometry.y])
    near = np.hypot(xy[:, None, 0] - pole_xy[None, :, 0], xy[:, None, 1] - pole_xy[None, :, 1]) <= RADIUS_M
    return max(weights[near[:, [locked, *others]].any(axis=1)].sum()
               for others in itertools.combinations(free, SITES - 1))


def _plain(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Attribute values as Python objects, every missing value as None, polygons as one-part multipolygons: a
    GeoPackage reads text back as pandas' string dtype with NaN where the layer in memory held None, and stores a
    layer of polygons and multipolygons as multipolygons; the values and shapes are what must not change."""
    attributes = gdf.drop(columns=gdf.geometry.name).astype(object)
    shapes = [shapely.MultiPolygon([g]) if isinstance(g, shapely.Polygon) else g for g in gdf.geometry]
    return gpd.GeoDataFrame(attributes.where(attributes.notna(), None), geometry=shapes, crs=gdf.crs)


def assert_same_layers(saved: Project, reopened: Project) -> None:
    assert reopened.load_problems == []
    assert [(layer.name, layer.kind, type(layer)) for layer in reopened] == \
           [(layer.name, layer.kind, type(layer)) for layer in saved]
    for before, after in zip(saved, reopened, strict=True):
        assert after.crs == before.crs, before.name
        if isinstance(before, VectorLayer):
            assert len(after) == len(before), before.name
            assert_geodataframe_equal(_plain(after.gdf), _plain(before.gdf), check_like=True, check_dtype=False,
                                      check_less_precise=True)
        else:
            assert after.transform.almost_equals(before.transform), before.name
            np.testing.assert_array_equal(after.data, before.data, err_msg=before.name)


def test_own_city_from_files_to_briefing_and_back(qapp, city: City, tmp_path: Path):
    # qapp: the exports below would otherwise make a bare QGuiApplication, and a later widget test in the same
    # process could not create its QApplication.
    project = open_city(city)
    # The project took Guangzhou's local grid from its first (WGS84) layer, not degrees or Web Mercator.
    assert project.crs.to_epsg() == 4547
    assert [(layer.name, layer.kind) for layer in project] == [
        ("路灯", "lamp_poles"), ("学校", "schools"), ("buildings", "buildings"), ("schools", "schools"),
        ("offices", None), ("sites_5g", "sites_5g"), ("lamp_poles", "lamp_poles"), ("dem", "terrain")]

    # The municipal fields were mapped: ids as exported, 在用/规划/故障 as statuses, 是/否 as power.
    poles = project.layer("路灯")
    assert list(poles.gdf["pole_id"]) == [f"TH-{i:03d}" for i in range(POLES)]
    status = {"在用": "active", "规划": "planned", "故障": "faulty"}
    assert list(poles.gdf["status"]) == [status[POLE_STATUS[i % 4]] for i in range(POLES)]
    assert list(poles.gdf["has_power"]) == [i % 3 != 1 for i in range(POLES)]
    assert list(project.layer("学校").gdf["level"]) == ["primary", "middle", "primary"]
    assert list(project.layer("sites_5g").gdf["operator"]) == ["China Mobile"]

    # Building heights: surveyed kept, storeys x 3 m, the rest by type or the default, each one labelled.
    buildings = project.layer("buildings")
    written = {f"w{i}": b for i, b in enumerate(city.buildings, start=1)}
    assert len(buildings) == len(written)
    for osm_id, height, source in zip(buildings.gdf["osm_id"], buildings.gdf["height_m"],
                                      buildings.gdf["height_source"], strict=True):
        b = written[osm_id]
        if b.height is not None:
            assert (source, height) == ("height", b.height)
        elif b.levels is not None:
            assert (source, height) == ("levels", 3.0 * b.levels)
        else:
            assert source == ("default" if b.building == "yes" else "type")

    # Demand from buildings: workers in offices = floor area / 15 m² (storeys from levels or height / 3 m).
    demand_run = run(project, "demand.from_buildings", buildings=buildings)
    demand = project.layer(demand_run.record["outputs"]["output"]["layer"])
    storeys = {i: b.levels or (b.height or 36.0) / 3.0 for i, b in written.items() if b.building == "office"}
    assert sum(storeys.values()) * WIDTH * DEPTH / 15.0 == pytest.approx(demand.gdf["workers"].sum(), rel=2e-3)

    # Coverage over terrain and buildings from the municipal poles, on a coarse grid.
    coverage = run(project, "coverage.rsrp", transmitters=poles, buildings=buildings, terrain=project.layer("dem"),
                   demand=demand, schools=project.layer("学校"), resolution=20.0, obstruction_resolution=5.0)
    assert coverage.summary["sites"] == POLES
    log = coverage.record["log"]
    assert any(line.startswith("terrain 'dem' (EPSG:4326") for line in log), log
    assert not any("has no data" in line for line in log), log          # the DEM covers the study area
    assert 0 < coverage.summary["area_covered_pct"] <= 100

    # MCLP: three active poles, one locked and one excluded; the plan is the brute-force best.
    siting = run(project, "siting.mclp", candidates=poles, demand=demand, weight_field="residents", sites=SITES,
                 radius=RADIUS_M, sample_spacing=SPACING_M, locked=LOCKED, excluded=EXCLUDED)
    plan = project.layer(siting.record["outputs"]["selected_sites"]["layer"])
    assert LOCKED in set(plan.gdf["pole_id"]) and EXCLUDED not in set(plan.gdf["pole_id"])
    assert siting.summary["objective"] == pytest.approx(brute_force_mclp(poles, demand, project.crs), rel=1e-6)

    # The briefing: a PDF page and a web map with every pole.
    from workbench.export.layout import LayoutOptions
    from workbench.export.layout_export import export_layout
    from workbench.export.webmap import WebMapOptions, export_web_map

    export_layout(project, tmp_path / "map.pdf", LayoutOptions(dpi=72, title="Tianhe small cells"))
    assert (tmp_path / "map.pdf").read_bytes().startswith(b"%PDF")
    counts = export_web_map(project, tmp_path / "map.html", WebMapOptions(online_basemap=False))
    assert counts["路灯"] == POLES
    assert "天河小学" in (tmp_path / "map.html").read_text(encoding="utf-8")

    # Save, reopen: the same layers from the same sources and the same runs.
    project.save(tmp_path / "tianhe.lamp")
    reopened = Project.load(tmp_path / "tianhe.lamp")
    assert reopened.crs == project.crs
    assert_same_layers(project, reopened)
    assert reopened.history == project.history
    assert [r["algorithm"] for r in reopened.history] == ["demand.from_buildings", "coverage.rsrp", "siting.mclp"]
    assert isinstance(reopened.layer(coverage.record["outputs"]["rsrp"]["layer"]), RasterLayer)


def test_a_saved_mapping_loads_next_months_export_the_same_way(city: City, tmp_path: Path):
    """The mapping suggested for this month's 路灯 layer, saved as JSON, maps next month's export (one pole more,
    one repaired) with no questions asked, as ``|mapping=`` on the command line does."""
    from layers.field_mapping import load_mapping

    raw, = open_layers(city.gpkg, layer="路灯")
    path = suggest_mapping(raw.gdf, raw.name).mapping.save(tmp_path / "poles_map.json")
    next_month = municipal_poles_next_month()
    next_month.to_file(tmp_path / "2026-12.gpkg", layer="路灯", driver="GPKG")
    poles, = open_layers(tmp_path / "2026-12.gpkg", layer="路灯", mapping=path)
    assert poles.kind == "lamp_poles" and load_mapping(path).kind == "lamp_poles"
    assert list(poles.gdf["pole_id"]) == list(next_month["杆号"])
    status = {"在用": "active", "规划": "planned", "故障": "faulty"}
    assert list(poles.gdf["status"]) == [status[v] for v in next_month["状态"]]
    assert list(poles.gdf["height_m"]) == list(next_month["杆高"])


def municipal_poles_next_month():
    from tests.e2e.city import municipal_poles

    gdf = municipal_poles()
    gdf.loc[3, "状态"] = "在用"                       # TH-003 repaired
    extra = gdf.iloc[[0]].copy()
    extra["杆号"] = f"TH-{POLES:03d}"
    return gpd.GeoDataFrame(pd.concat([gdf, extra], ignore_index=True), crs=gdf.crs)
