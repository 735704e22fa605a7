"""The coverage.rsrp algorithm as the GUI and command line run it: parameters, outputs, GeoTIFF, errors."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from layers import RasterLayer, VectorLayer
from layers.io import write_layer
from plugins.api import AlgorithmError, Context, ParameterError
from plugins.coverage import CoverageConfig
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.pairs import rsrp_at_points
from plugins.coverage.transmitters import Transmitters
from plugins.registry import discover
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y, box_buildings, buildings_frame, height_grid


def _layers():
    rng = np.random.default_rng(9)
    boxes, heights = box_buildings(rng, 25, 300.0)
    buildings = VectorLayer(buildings_frame(boxes, heights), "buildings", kind="buildings")
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(6)], "height_m": rng.uniform(8, 12, 6)},
                             geometry=shapely.points(ORIGIN_X + rng.uniform(30, 270, 6),
                                                     ORIGIN_Y + rng.uniform(30, 270, 6)), crs=CRS)
    demand = gpd.GeoDataFrame({"residents": [500.0, 800.0], "workers": [100.0, 50.0]},
                              geometry=[shapely.box(ORIGIN_X, ORIGIN_Y, ORIGIN_X + 150, ORIGIN_Y + 300),
                                        shapely.box(ORIGIN_X + 150, ORIGIN_Y, ORIGIN_X + 300, ORIGIN_Y + 300)],
                              crs=CRS)
    return (VectorLayer(poles, "poles", kind="lamp_poles"), buildings, VectorLayer(demand, "demand", kind="demand"),
            boxes, heights)


def test_registered_and_runs_end_to_end(tmp_path):
    assert "coverage.rsrp" in {a.id for a in discover().algorithms()}
    poles, buildings, demand, _, _ = _layers()
    result = run_algorithm("coverage.rsrp", {"transmitters": poles, "buildings": buildings, "demand": demand,
                                             "max_radius": 150, "resolution": 4, "antenna": "3 sectors",
                                             "indoor_loss": "high"}, Context(workers=1))
    out = result.outputs
    assert out["cells"] == 18
    assert out["rsrp"].metadata["quantity"] == "rsrp" and out["rsrp"].metadata["unit"] == "dBm"
    assert out["sinr"].metadata["quantity"] == "sinr" and out["sinr"].metadata["unit"] == "dB"
    assert out["best_server"].metadata["quantity"] == "best_server"
    assert out["rsrp"].style is not None and out["rsrp"].crs.to_epsg() == 32649
    statistics = out["statistics"].set_index("measure")
    assert set(statistics.index) == {"area", "residents", "workers", "buildings"}
    assert statistics.loc["residents", "total"] == pytest.approx(1300.0)
    assert out["per_site"]["cells"].sum() == 18
    assert 0 < out["area_covered_pct"] <= 100
    # the raster agrees with the pair API at a few cell centres
    raster = out["rsrp"]
    rows, cols = np.nonzero(raster.data[0] != -9999.0)
    pick = np.random.default_rng(1).choice(rows.size, 3, replace=False)
    rows, cols = rows[pick], cols[pick]
    t = raster.transform
    xs, ys = t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e
    config = CoverageConfig(max_radius_m=150, sector_azimuths=(0, 120, 240), indoor_loss="high")
    cells = Transmitters.from_layer(poles, config)
    obstruction = Obstruction.from_buildings(buildings, 2.0)
    _, point, rsrp = rsrp_at_points(cells, np.column_stack([xs, ys]), config, obstruction, 150)
    for k in range(3):
        assert raster.data[0, rows[k], cols[k]] == pytest.approx(rsrp[point == k].max(), abs=1e-3)
    # GeoTIFF keeps CRS, no-data and the quantity
    path = write_layer(raster, tmp_path / "rsrp.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 32649 and src.nodata == -9999.0
        assert np.array_equal(src.read(1), raster.data[0])
    assert len(out["coverage"]) > 0 and out["coverage"].crs.to_epsg() == 32649


def test_height_raster_gives_the_same_map_as_the_buildings_it_was_made_from():
    poles, buildings, _, boxes, heights = _layers()
    grid = height_grid(boxes, heights, 300.0)
    surface = RasterLayer(grid, Affine(2, 0, ORIGIN_X, 0, -2, ORIGIN_Y + 300), CRS, name="heights")
    # One extent for both runs (a height raster alone would cut the default extent to its own edges).
    common = {"transmitters": poles, "max_radius": 120, "resolution": 5, "extent": surface.extent}
    from_raster = run_algorithm("coverage.rsrp", {**common, "surface": surface}, Context(workers=1)).outputs
    from_vectors = run_algorithm("coverage.rsrp", {**common, "buildings": buildings}, Context(workers=1)).outputs
    np.testing.assert_array_equal(from_raster["best_server"].data, from_vectors["best_server"].data)
    np.testing.assert_allclose(from_raster["rsrp"].data, from_vectors["rsrp"].data, atol=1e-4)
    no_buildings = run_algorithm("coverage.rsrp", common, Context(workers=1))
    assert no_buildings.outputs["rsrp"].data.mean() > from_vectors["rsrp"].data.mean()  # all LOS is optimistic
    assert any("line of sight" in line for line in no_buildings.record["log"])


def test_parameter_and_run_errors_are_readable():
    poles, *_ = _layers()
    with pytest.raises(ParameterError, match="bandwidth_mhz"):
        run_algorithm("coverage.rsrp", {"transmitters": poles, "bandwidth_mhz": 33})
    with pytest.raises(ParameterError, match="rx_height_m"):
        run_algorithm("coverage.rsrp", {"transmitters": poles, "rx_height_m": 30})
    sites = gpd.GeoDataFrame({"site_id": ["S1"], "band_mhz": [2600.0]},
                             geometry=[shapely.Point(ORIGIN_X, ORIGIN_Y)], crs=CRS)
    with pytest.raises(AlgorithmError, match="no transmitter on the carrier"):
        run_algorithm("coverage.rsrp", {"transmitters": VectorLayer(sites, "sites", kind="sites_5g")})


def test_identify_on_the_best_server_raster_names_the_serving_pole(tmp_path):
    """Clicking the best-server map shows which pole serves the spot (its cell and site id), also after the raster
    went through GeoTIFF, and that pole is the strongest at that spot by the independent pair API."""
    from workbench.canvas.feature_query import identify_raster

    poles, buildings, _, _, _ = _layers()
    out = run_algorithm("coverage.rsrp", {"transmitters": poles, "buildings": buildings, "max_radius": 150,
                                          "resolution": 4}, Context(workers=1)).outputs
    path = write_layer(out["best_server"], tmp_path / "server.tif")
    from layers.io import open_layers

    reread, = open_layers(path)  # as a user opens the GeoTIFF later
    t = reread.transform
    col, row = np.floor((ORIGIN_X + 150.0 - t.c) / t.a), np.floor((ORIGIN_Y + 150.0 - t.f) / t.e)
    x, y = t.c + (col + 0.5) * t.a, t.f + (row + 0.5) * t.e  # the centre of the cell clicked
    shown = dict(identify_raster(reread, x, y, reread.crs)[0].attributes)
    assert shown["serving site"] in set(poles.gdf["pole_id"])
    config = CoverageConfig(max_radius_m=150)
    cells = Transmitters.from_layer(poles, config)
    cell, _, rsrp = rsrp_at_points(cells, np.array([[x, y]]), config, Obstruction.from_buildings(buildings, 2.0), 150)
    assert shown["serving cell"] == str(cells.cell_id[cell[np.argmax(rsrp)]])
