"""Coverage statistics against counts made directly from the cell centres of a scene with a known radius."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import VectorLayer
from plugins.coverage import CoverageConfig, Transmitters
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.outputs import coverage_polygons
from plugins.coverage.statistics import coverage_statistics

C = 299_792_458.0
RADIUS = 151.3  # the RSRP threshold is set to the free-space RSRP at this distance


def _result():
    eirp_re = 50.0 - 10 * math.log10(12 * 273)
    threshold = eirp_re - 20 * math.log10(4 * math.pi * RADIUS * 3.5e9 / C)
    config = CoverageConfig(model="free_space", rx_height_m=10.0, eirp_dbm=50.0, rsrp_threshold_dbm=threshold,
                            max_radius_m=400.0)
    cells = Transmitters.from_arrays([0.0, 0.0], [0.0, -700.0], 10.0, config, site_id=["A", "B"])
    grid = Grid.covering((-200.0, -200.0, 300.0, 300.0), 5.0)
    return compute_coverage(cells, config, None, grid, workers=1), grid


def _centres(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = grid.centres()
    return np.meshgrid(xs, ys)


def test_shares_of_area_demand_buildings_and_schools():
    result, grid = _result()
    x, y = _centres(grid)
    covered = np.hypot(x, y) <= RADIUS
    squares = [shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100), shapely.box(150, 150, 250, 250)]
    residents, workers = np.array([1000.0, 600.0, 300.0]), np.array([10.0, 20.0, 40.0])
    demand = gpd.GeoDataFrame({"residents": residents, "workers": workers}, geometry=squares, crs=None)
    schools = gpd.GeoDataFrame({"name": ["near", "far"]}, geometry=shapely.points([50.0, 250.0], [50.0, 250.0]))
    houses = gpd.GeoDataFrame({"height_m": [10.0, 10.0, 10.0]},
                              geometry=[shapely.box(-12, -12, 12, 12), shapely.box(140, 0, 170, 6),
                                        shapely.box(200, 200, 230, 230)])
    summary, per_site = coverage_statistics(result, demand=VectorLayer(demand, "d"),
                                            buildings=VectorLayer(houses, "b"), schools=VectorLayer(schools, "s"))
    rows = summary.set_index("measure")
    assert rows.loc["area", "covered"] == pytest.approx(covered.sum() * 25 / 1e6)
    assert rows.loc["area", "total"] == pytest.approx(500 * 500 / 1e6)
    # each square spreads its people over its 400 cell centres; the covered share is the share of centres covered
    fractions = []
    for square in squares:
        x0, y0, x1, y1 = square.bounds
        inside = (x > x0) & (x < x1) & (y > y0) & (y < y1)
        assert inside.sum() == 400
        fractions.append((inside & covered).sum() / 400)
    assert fractions[0] == 1.0 and 0 < fractions[1] < 1 and fractions[2] == 0.0
    assert rows.loc["residents", "covered"] == pytest.approx(np.dot(fractions, residents))
    assert rows.loc["workers", "share_pct"] == pytest.approx(100 * np.dot(fractions, workers) / workers.sum())
    # the building at (155, 3) is beyond 151.3 m, the one at the site and the school at (50, 50) are covered
    assert (rows.loc["buildings", "covered"], rows.loc["buildings", "total"]) == (1, 3)
    assert (rows.loc["schools", "covered"], rows.loc["schools", "total"]) == (1, 2)
    site_a = per_site.set_index("site_id").loc["A"]
    assert site_a["served_area_m2"] == pytest.approx(covered.sum() * 25)
    assert site_a["residents"] == pytest.approx(np.dot(fractions, residents))
    assert (site_a["buildings"], site_a["schools"]) == (1, 1)
    assert per_site.set_index("site_id").loc["B", "served_area_m2"] == 0


def test_coverage_polygon_is_the_covered_disc():
    result, grid = _result()
    layer = coverage_polygons(result)
    assert list(layer.gdf["site_id"]) == ["A"]
    x, y = _centres(grid)
    assert layer.gdf["area_m2"].iloc[0] == pytest.approx((np.hypot(x, y) <= RADIUS).sum() * 25)
    assert layer.gdf.geometry.iloc[0].contains(shapely.Point(0, 0))
    assert not layer.gdf.geometry.iloc[0].contains(shapely.Point(0, 160))
