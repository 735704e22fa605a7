"""Demand from buildings and from a population raster, against hand-computed occupancy and exact totals."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from layers import RasterLayer, VectorLayer
from layers.kinds import validate
from plugins.api import Context
from plugins.runner import run_algorithm

UTM = "EPSG:32649"
X0, Y0 = 500_000.0, 2_560_000.0  # Guangzhou, UTM zone 49N


def _buildings(rows: list[tuple[float, float, float, float, dict]], crs: str = UTM) -> VectorLayer:
    """Buildings from (x, y, width, depth, attributes) in metres from the origin, validated as the kind."""
    frame = gpd.GeoDataFrame([attrs for *_, attrs in rows],
                             geometry=[shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + d) for x, y, w, d, _ in rows],
                             crs=UTM).to_crs(crs)
    gdf, _ = validate(frame, "buildings")
    return VectorLayer(gdf, "buildings", kind="buildings")


def run(algorithm_id: str, **params):
    return run_algorithm(algorithm_id, params, Context(crs=UTM))


def test_people_are_floor_area_over_area_per_person_by_use():
    buildings = _buildings([
        (0, 0, 20, 10, {"building": "apartments", "levels": 6}),    # 1,200 m² / 40 = 30 residents
        (50, 0, 10, 10, {"building": "office", "height_m": 30.0}),  # 10 storeys: 1,000 m² / 15 workers
        (100, 0, 10, 10, {"building": "shed", "height_m": 3.0}),    # ancillary: nobody
        (150, 0, 10, 10, {"building": "yes", "levels": 2}),         # unknown use: residential, 200 / 40
        (200, 0, 30, 20, {"用途": "学校", "levels": 3}),              # school: 1,800 m² / 10 daytime people
    ])
    result = run("demand.from_buildings", buildings=buildings)
    out = result.outputs["output"]
    assert out.kind == "demand" and len(out) == 4
    assert out.gdf["residents"].tolist() == pytest.approx([30.0, 0.0, 5.0, 0.0])
    assert out.gdf["workers"].tolist() == pytest.approx([0.0, 1000 / 15, 0.0, 180.0])
    assert result.summary["residents"] == 35 and result.summary["workers"] == 247
    assert result.summary["ancillary_or_empty"] == 1
    # The output is a valid demand layer that siting reads as it is.
    validate(out.gdf, "demand")


def test_unknown_use_as_chosen_and_density_scale():
    buildings = _buildings([(0, 0, 10, 10, {"building": "yes", "levels": 4})])
    office = run("demand.from_buildings", buildings=buildings, unknown_use="office", density_scale=1.5)
    assert office.outputs["output"].gdf["workers"].tolist() == pytest.approx([400 / 15 * 1.5])
    ignored = run("demand.from_buildings", buildings=buildings, unknown_use="ancillary")
    assert len(ignored.outputs["output"]) == 0


def _population(values: np.ndarray, crs: str = UTM, cell: float = 100.0) -> RasterLayer:
    return RasterLayer(values[np.newaxis].astype("float32"), Affine(cell, 0, X0, 0, -cell, Y0 + values.shape[0] * cell),
                       crs, name="worldpop", nodata=-1.0)


def test_raster_cells_become_demand_with_the_exact_total():
    values = np.array([[10.0, 0.0, 5.5], [-1.0, 120.0, 3.0]])  # -1 is nodata
    result = run("demand.from_raster", population=_population(values))
    out = result.outputs["output"].gdf
    assert len(out) == 4 and out["residents"].sum() == pytest.approx(138.5) and out["workers"].sum() == 0
    assert out.geometry.area.tolist() == pytest.approx([10_000.0] * 4)
    as_workers = run("demand.from_raster", population=_population(values), measure="workers")
    assert as_workers.outputs["output"].gdf["workers"].sum() == pytest.approx(138.5)


def test_a_geographic_raster_keeps_its_total_when_brought_to_metres():
    values = np.array([[7.0, 11.0], [13.0, 0.0]])
    raster = RasterLayer(values[np.newaxis], Affine(0.001, 0, 113.3, 0, -0.001, 23.13), "EPSG:4326",
                         name="pop", nodata=None)
    out = run("demand.from_raster", population=raster).outputs["output"]
    assert out.crs.to_epsg() == 32649 and out.gdf["residents"].sum() == pytest.approx(31.0)
    # Each cell is about 102 m x 111 m at 23° N, a quadrilateral in UTM.
    assert out.gdf.geometry.area.mean() == pytest.approx(102.4 * 110.7, rel=0.01)


def test_people_shared_among_homes_by_floor_area_and_totals_kept():
    values = np.array([[100.0, 40.0]])  # two 100 m cells side by side
    buildings = _buildings([
        (10, 10, 10, 10, {"building": "apartments", "levels": 1}),  # 100 m² of housing in cell 0
        (30, 10, 10, 10, {"building": "apartments", "levels": 3}),  # 300 m² of housing in cell 0
        (60, 10, 10, 10, {"building": "office", "levels": 5}),      # cell 0, but not a home
    ], crs="EPSG:4326")  # in another CRS than the raster
    result = run("demand.from_raster", population=_population(values), buildings=buildings)
    out = result.outputs["output"].gdf
    homes = out[out["origin"] == "building"]
    assert homes["residents"].tolist() == pytest.approx([25.0, 75.0])
    cells = out[out["origin"] == "cell"]
    assert cells["residents"].tolist() == pytest.approx([40.0])  # no building in cell 1: it keeps its people
    assert out["residents"].sum() == pytest.approx(140.0)
    assert result.summary["cells_shared_among_buildings"] == 1


def test_a_cell_with_only_workplaces_shares_by_occupied_floor_area():
    values = np.array([[60.0]])
    buildings = _buildings([(10, 10, 10, 10, {"building": "office", "levels": 2}),
                            (40, 10, 10, 10, {"building": "retail", "levels": 1})])
    out = run("demand.from_raster", population=_population(values), buildings=buildings).outputs["output"].gdf
    assert out["residents"].tolist() == pytest.approx([40.0, 20.0])


def test_negative_counts_are_refused_naming_the_raster():
    with pytest.raises(Exception, match="worldpop.*1 cells hold negative people counts"):
        run("demand.from_raster", population=_population(np.array([[5.0, -3.0]])))


def test_demand_from_buildings_is_drawn_for_offices_too():
    """Offices hold workers and no residents: the demand layer's default style must still draw them."""
    from layers.default_styles import default_style

    buildings = _buildings([(0, 0, 20, 10, {"building": "apartments", "levels": 6}),
                            (50, 0, 10, 10, {"building": "office", "levels": 10})])
    out = run("demand.from_buildings", buildings=buildings).outputs["output"]
    assert out.gdf["people"].tolist() == pytest.approx([30.0, 1000 / 15])
    style = default_style(out)
    assert style.field == "people"
    symbols, index = style.symbols_for(list(out.gdf["people"]))
    assert all(i < len(style.classes) for i in index)  # both buildings fall in a drawn class
