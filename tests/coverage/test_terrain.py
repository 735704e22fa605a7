"""Line of sight over terrain: against gdal_viewshed on a DEM (alone and with buildings on it), antenna heights
above local ground, a DEM declared as terrain, the below-sea-level note and on-the-fly resampling of a DEM in
another CRS."""

from __future__ import annotations

import math
import shutil
import subprocess

import numpy as np
import pyproj
import pytest
import rasterio
from affine import Affine

from layers import VectorLayer
from layers.io import open_layers
from plugins.api import Context
from plugins.coverage import CoverageConfig, Obstruction, Transmitters
from plugins.coverage.antenna import relative_gain_db
from plugins.coverage.engine import compute_coverage
from plugins.coverage.grid import Grid
from plugins.coverage.los import BLOCK, block_maxima, trace
from plugins.coverage.pairs import rsrp_at_points
from plugins.coverage.pathloss import C, umi_nlos_db
from plugins.coverage.terrain import resample, with_terrain
from plugins.runner import run_algorithm
from tests.coverage.scenes import CRS, ORIGIN_X, ORIGIN_Y, box_buildings, buildings_frame, height_grid

SIZE, RES = 300.0, 2.0
N = int(SIZE / RES)
HAS_VIEWSHED = shutil.which("gdal_viewshed") is not None


def hills(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ground elevation (m) at local coordinates: a valley floor at 20 m, a 45 m hill and a diagonal ridge."""
    hill = 45.0 * np.exp(-((x - 200.0) ** 2 + (y - 120.0) ** 2) / (2 * 35.0**2))
    ridge = 25.0 * np.exp(-((x - 0.7 * y - 60.0) ** 2) / (2 * 12.0**2))
    return 20.0 + hill + ridge


def local_centres() -> tuple[np.ndarray, np.ndarray]:
    cols, rows = np.meshgrid(np.arange(N), np.arange(N))
    return (cols + 0.5) * RES, SIZE - (rows + 0.5) * RES


def write(path, values: np.ndarray, transform: Affine, crs: str, nodata: float | None = None) -> str:
    with rasterio.open(path, "w", driver="GTiff", width=values.shape[1], height=values.shape[0], count=1,
                       dtype="float32", crs=crs, transform=transform, nodata=nodata) as dst:
        dst.write(values.astype(np.float32), 1)
    return str(path)


def utm_dem(tmp_path, name: str = "dem_utm.tif", extra: np.ndarray | None = None) -> str:
    """The hills on the scene's own 2 m grid in the poles' CRS (plus ``extra`` heights, e.g. buildings)."""
    xs, ys = local_centres()
    values = hills(xs, ys) + (extra if extra is not None else 0.0)
    return write(tmp_path / name, values, Affine(RES, 0, ORIGIN_X, 0, -RES, ORIGIN_Y + SIZE), CRS)


def geographic_dem(tmp_path, step_deg: float, margin_m: float = 20.0) -> str:
    """The same hills sampled on a grid of ``step_deg`` in EPSG:4326 covering the scene and ``margin_m``."""
    to_geo = pyproj.Transformer.from_crs(CRS, 4326, always_xy=True)
    to_utm = pyproj.Transformer.from_crs(4326, CRS, always_xy=True)
    lon0, lat0 = to_geo.transform(ORIGIN_X - margin_m, ORIGIN_Y - margin_m)
    lon1, lat1 = to_geo.transform(ORIGIN_X + SIZE + margin_m, ORIGIN_Y + SIZE + margin_m)
    cols, rows = math.ceil((lon1 - lon0) / step_deg), math.ceil((lat1 - lat0) / step_deg)
    lon, lat = np.meshgrid(lon0 + (np.arange(cols) + 0.5) * step_deg, lat1 - (np.arange(rows) + 0.5) * step_deg)
    x, y = to_utm.transform(lon, lat)
    return write(tmp_path / "dem_geographic.tif", hills(x - ORIGIN_X, y - ORIGIN_Y),
                 Affine(step_deg, 0, lon0, 0, -step_deg, lat1), "EPSG:4326")


def scene_bounds() -> tuple[float, float, float, float]:
    return ORIGIN_X, ORIGIN_Y, ORIGIN_X + SIZE, ORIGIN_Y + SIZE


def on_terrain(dem_path: str, above: Obstruction | None = None) -> Obstruction:
    """The scene's obstruction (open ground unless ``above``) put on the DEM as the coverage run does."""
    terrain, = open_layers(dem_path)
    base = above if above is not None else Obstruction(np.zeros((0, 0), np.float32), 0.0, 0.0, RES,
                                                       pyproj.CRS(CRS))
    return with_terrain(base, terrain, scene_bounds())


def viewshed(tmp_path, dem_path: str, observer: tuple[float, float], oz: float, radius: float) -> np.ndarray:
    """gdal_viewshed (1 visible, 0 hidden, 2 out of range) with observer and target heights above the DEM."""
    target = tmp_path / "viewshed.tif"
    subprocess.run(["gdal_viewshed", "-q", "-oz", str(oz), "-tz", "1.5", "-md", str(radius), "-cc", "0",
                    "-vv", "1", "-iv", "0", "-ov", "2", "-ox", str(ORIGIN_X + observer[0]), "-oy",
                    str(ORIGIN_Y + observer[1]), dem_path, str(target)], check=True, capture_output=True)
    out = np.full((N, N), 2, np.uint8)
    with rasterio.open(target) as src:
        part, t = src.read(1), src.transform
    r0, c0 = int(round((ORIGIN_Y + SIZE - t.f) / RES)), int(round((t.c - ORIGIN_X) / RES))
    out[r0:r0 + part.shape[0], c0:c0 + part.shape[1]] = part
    return out


def our_visibility(obstruction: Obstruction, observer: tuple[float, float], oz: float, compare: np.ndarray,
                   heights: np.ndarray | None = None) -> np.ndarray:
    """The kernel's decision for each compared cell: the observer ``oz`` above the ground of its cell, the
    receiver 1.5 m above the ground of its own (``heights`` replaces the surface, for grown/shrunk buildings)."""
    grid = obstruction.heights if heights is None else heights
    blocks = block_maxima(grid)
    ox, oy = ORIGIN_X + observer[0], ORIGIN_Y + observer[1]
    oz_abs = oz + float(obstruction.ground_at(np.array([ox]), np.array([oy]))[0])
    xs, ys = local_centres()
    out = np.full((N, N), -1)
    for i, j in zip(*np.nonzero(compare), strict=True):
        x, y = ORIGIN_X + xs[i, j], ORIGIN_Y + ys[i, j]
        rx_z = 1.5 + float(obstruction.ground_at(np.array([x]), np.array([y]))[0])
        out[i, j] = trace(grid, blocks, BLOCK, obstruction.x0, obstruction.y0, obstruction.res, ox, oy, oz_abs,
                          x, y, rx_z)[0]
    return out


def compared(gdal: np.ndarray, observer: tuple[float, float]) -> np.ndarray:
    xs, ys = local_centres()
    return (gdal != 2) & (np.hypot(xs - observer[0], ys - observer[1]) >= 3)


@pytest.mark.skipif(not HAS_VIEWSHED, reason="gdal_viewshed (gdal-bin) is not installed")
@pytest.mark.parametrize("dem_crs", ["poles' CRS", "EPSG:4326"])
@pytest.mark.parametrize("observer", [(99.0, 181.0), (151.0, 41.0)])
def test_line_of_sight_over_a_dem_agrees_with_gdal_viewshed(tmp_path, dem_crs, observer):
    """gdal_viewshed reads the DEM as point heights at cell centres; we read flat-topped cells of the DEM
    resampled to the obstruction grid (bilinearly from a ~1 m geographic grid in the second case)."""
    reference = utm_dem(tmp_path)
    ours = on_terrain(reference if dem_crs == "poles' CRS" else geographic_dem(tmp_path, 1e-5))
    gdal = viewshed(tmp_path, reference, observer, 10.0, 200.0)
    compare = compared(gdal, observer)
    assert compare.sum() > 15_000
    mine = our_visibility(ours, observer, 10.0, compare)
    agreement = float((mine[compare] == gdal[compare]).mean())
    print(f"terrain only, DEM in {dem_crs}, observer {observer}: {agreement:.2%} of {compare.sum()} cells agree")
    assert agreement >= 0.98
    assert 0.1 < gdal[compare].mean() < 0.9  # the hills hide part of the area


@pytest.mark.skipif(not HAS_VIEWSHED, reason="gdal_viewshed (gdal-bin) is not installed")
@pytest.mark.parametrize(("seed", "observer"), [(7, (99.0, 181.0)), (11, (151.0, 151.0))])
def test_buildings_on_a_dem_agree_with_gdal_viewshed_on_the_dsm(tmp_path, seed, observer):
    """Buildings burnt from footprints and put on the DEM against gdal_viewshed on DSM = DEM + buildings, with the
    rule of tests/coverage/test_los.py: where the decision does not depend on how building edge cells are read
    (the same with every building grown and shrunk by one cell) we agree almost everywhere."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    boxes, heights = box_buildings(rng, 40, SIZE)
    above = height_grid(boxes, heights, SIZE)
    ox, oy = int(observer[0] / RES), int((SIZE - observer[1]) / RES)
    above[max(oy - 2, 0):oy + 3, max(ox - 2, 0):ox + 3] = 0.0  # the observer stands on open ground
    dsm = utm_dem(tmp_path, "dsm.tif", extra=above)
    buildings = Obstruction.from_buildings(VectorLayer(buildings_frame(boxes, heights), "b"), RES)
    ours = on_terrain(utm_dem(tmp_path), buildings)
    ours_above = ours.heights - ours.ground
    ours_above[max(oy - 2, 0):oy + 3, max(ox - 2, 0):ox + 3] = 0.0
    np.testing.assert_allclose(ours_above, above, atol=1e-3)  # the burnt buildings sit on the DEM's cells
    ours = Obstruction(np.ascontiguousarray(ours.ground + ours_above), ours.x0, ours.y0, ours.res, ours.crs,
                       ours.notes, ours.ground)
    gdal = viewshed(tmp_path, dsm, observer, 10.0, 150.0)
    compare = compared(gdal, observer) & (above == 0)
    assert compare.sum() > 5000
    mine = our_visibility(ours, observer, 10.0, compare)
    grown = our_visibility(ours, observer, 10.0, compare, ours.ground + ndimage.grey_dilation(above, size=3))
    shrunk = our_visibility(ours, observer, 10.0, compare, ours.ground + ndimage.grey_erosion(above, size=3))
    robust = compare & (grown == shrunk)
    robust_agreement = float((mine[robust] == gdal[robust]).mean())
    overall = float((mine[compare] == gdal[compare]).mean())
    print(f"buildings on the DEM, seed {seed}: {robust_agreement:.2%} of {robust.sum()} robust cells, "
          f"{overall:.2%} of {compare.sum()} cells agree")
    assert robust.sum() > 0.6 * compare.sum()
    assert robust_agreement >= 0.97
    assert overall >= 0.85
    assert 0.1 < gdal[compare].mean() < 0.9


def step_dem(tmp_path, hill_m: float) -> str:
    """A valley floor at 0 m with a plateau of ``hill_m`` west of x = 60 m (local), on the scene grid."""
    xs, _ = local_centres()
    return write(tmp_path / f"dem_{hill_m:g}.tif", np.where(xs < 60.0, hill_m, 0.0),
                 Affine(RES, 0, ORIGIN_X, 0, -RES, ORIGIN_Y + SIZE), CRS)


def test_an_antenna_on_a_hill_sees_over_a_building_that_hides_it_from_the_valley_floor(tmp_path):
    """A 10 m pole on a 50 m hill, a 40 m building 20 m in front of it, a receiver 200 m away on the valley
    floor: the ray passes 52 m above the building, so the link is LOS, with d3D over the 58.5 m true height
    difference and the UMi breakpoint of the heights above local ground (10 m, 1.5 m). The same pole on the
    valley floor is behind the building: NLOS."""
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({"height_m": [40.0]}, geometry=[shapely.box(ORIGIN_X + 70, ORIGIN_Y, ORIGIN_X + 76,
                                                                          ORIGIN_Y + SIZE)], crs=CRS)
    buildings = Obstruction.from_buildings(VectorLayer(frame, "wall"), RES)
    # the street-canyon term needs the cells around a receiver (rasters only): off, so rasters and pairs compare
    config = CoverageConfig(frequency_mhz=3500.0, max_radius_m=400.0, model="umi", eirp_dbm=43.0, corner_reach_m=0.0)
    pole = (ORIGIN_X + 50.0, ORIGIN_Y + 151.0)
    cells = Transmitters.from_arrays([pole[0]], [pole[1]], [10.0], config, crs=pyproj.CRS(CRS))
    receiver = np.array([[pole[0] + 200.0, pole[1]]])
    fc = 3.5
    expected = {}
    for hill in (50.0, 0.0):
        dz = hill + 10.0 - 1.5
        d3d = math.hypot(200.0, dz)
        breakpoint_m = 4 * 9.0 * 0.5 * fc * 1e9 / C
        assert breakpoint_m >= 200.0
        los_loss = 32.4 + 21.0 * math.log10(d3d) + 20.0 * math.log10(fc)
        loss = los_loss if hill else umi_nlos_db(200.0, 10.0, 1.5, fc)
        gain = relative_gain_db(math.nan, 65.0, config.tilt_deg, config.vertical_beamwidth_deg, 200.0, 0.0, 200.0,
                                dz)
        expected[hill] = 43.0 - config.re_offset_db + gain - loss
    got = {}
    for hill in (50.0, 0.0):
        obstruction = on_terrain(step_dem(tmp_path, hill), buildings)
        got[hill] = float(rsrp_at_points(cells, receiver, config, obstruction, 400.0)[2][0])
        # the raster engine reads the same ground under its tiles
        grid = Grid.covering((pole[0] + 190, pole[1] - 20, pole[0] + 230, pole[1] + 20), 5.0, pyproj.CRS(CRS))
        raster = compute_coverage(cells, config, obstruction, grid, workers=1, tile_cells=4)
        xs, ys = grid.centres()
        centres = np.column_stack([np.tile(xs, grid.rows), np.repeat(ys, grid.cols)])
        _, point, pairs = rsrp_at_points(cells, centres, config, obstruction, 400.0)
        np.testing.assert_allclose(raster.rsrp.ravel()[point], pairs, atol=1e-3)
    assert got[50.0] == pytest.approx(expected[50.0], abs=0.01)
    assert got[0.0] == pytest.approx(expected[0.0], abs=0.01)
    assert got[50.0] - got[0.0] > 10.0


def test_a_dem_declared_terrain_is_ground_not_buildings(tmp_path):
    """Given as the height raster, an undeclared DEM is read as obstacles (with the heuristic note); once its
    kind says terrain it is the ground: the run equals the one with the DEM as terrain."""
    import geopandas as gpd
    import shapely

    path = utm_dem(tmp_path, "surface_model.tif")
    poles = gpd.GeoDataFrame({"pole_id": ["P1", "P2"], "height_m": [10.0, 12.0]},
                             geometry=[shapely.Point(ORIGIN_X + 99, ORIGIN_Y + 181),
                                       shapely.Point(ORIGIN_X + 151, ORIGIN_Y + 41)], crs=CRS)
    common = {"transmitters": VectorLayer(poles, "poles", kind="lamp_poles"), "max_radius": 150,
              "resolution": 10, "extent": scene_bounds()}
    undeclared, = open_layers(path)
    assert undeclared.kind is None
    assert any("look like ground elevation" in note for note in undeclared.notes)
    as_heights = run_algorithm("coverage.rsrp", {**common, "surface": undeclared}, Context(workers=1))
    assert any("looks like heights above sea level" in line for line in as_heights.record["log"])
    declared, = open_layers(path)
    declared.kind = "terrain"
    as_surface = run_algorithm("coverage.rsrp", {**common, "surface": declared}, Context(workers=1))
    as_terrain = run_algorithm("coverage.rsrp", {**common, "terrain": path}, Context(workers=1))
    assert not any("heights above sea level" in line for line in as_surface.record["log"])
    np.testing.assert_array_equal(as_surface.outputs["rsrp"].data, as_terrain.outputs["rsrp"].data)
    # read as buildings, 20-90 m "obstacles" hide nearly everything; as ground, the hills hide only part
    hidden = {name: float((run.outputs["rsrp"].data[0] != -9999).mean())
              for name, run in (("heights", as_heights), ("terrain", as_terrain))}
    assert hidden["heights"] == hidden["terrain"]  # the radius decides where a value is, not the surface
    assert as_heights.outputs["area_covered_pct"] < as_terrain.outputs["area_covered_pct"]


def test_a_dem_named_as_one_is_terrain_and_below_sea_level_gets_a_note(tmp_path):
    xs, ys = local_centres()
    path = write(tmp_path / "city_dem.tif", hills(xs, ys) - 32.0, Affine(RES, 0, ORIGIN_X, 0, -RES, ORIGIN_Y + SIZE),
                 CRS)
    layer, = open_layers(path)
    assert layer.kind == "terrain"
    low = math.floor(float(hills(xs, ys).min()) - 32.0 + 0.5)
    assert any(f"values down to \u2212{abs(low)} m: check nodata" in note for note in layer.notes), layer.notes
    obstruction = on_terrain(path)
    assert any("values down to \u2212" in note for note in obstruction.notes)
    np.testing.assert_allclose(obstruction.ground, hills(xs, ys) - 32.0, atol=1e-3)  # below 0 is kept


def test_a_coarse_geographic_dem_is_resampled_bilinearly_to_the_utm_grid(tmp_path):
    """A ~50 m DEM in EPSG:4326 on a 10 m UTM grid: each checked cell equals the bilinear interpolation of the four
    source cells around its centre (read with rasterio.sample), within the warper's approximation."""
    path = geographic_dem(tmp_path, 5e-4, margin_m=200.0)
    terrain, = open_layers(path)
    res, n = 10.0, int(SIZE / 10.0)
    ground = resample(terrain, ORIGIN_X, ORIGIN_Y + SIZE, res, n, n, pyproj.CRS(CRS))
    assert np.isfinite(ground).all()
    to_geo = pyproj.Transformer.from_crs(CRS, 4326, always_xy=True)
    rng = np.random.default_rng(3)
    with rasterio.open(path) as src:
        t = src.transform
        for i, j in rng.integers(0, n, (12, 2)):
            lon, lat = to_geo.transform(ORIGIN_X + (j + 0.5) * res, ORIGIN_Y + SIZE - (i + 0.5) * res)
            u, v = (lon - t.c) / t.a - 0.5, (lat - t.f) / t.e - 0.5  # in units of source cells, from centres
            c, r = math.floor(u), math.floor(v)
            corners = [(t.c + (c + dc + 0.5) * t.a, t.f + (r + dr + 0.5) * t.e) for dr in (0, 1) for dc in (0, 1)]
            z00, z01, z10, z11 = (float(value[0]) for value in src.sample(corners))
            fu, fv = u - c, v - r
            bilinear = (z00 * (1 - fu) * (1 - fv) + z01 * fu * (1 - fv) + z10 * (1 - fu) * fv + z11 * fu * fv)
            spread = max(z00, z01, z10, z11) - min(z00, z01, z10, z11)
            assert ground[i, j] == pytest.approx(bilinear, abs=0.02 * spread + 0.01), (i, j)


def test_rf_siting_runs_over_terrain(tmp_path):
    """rf-mode siting takes the terrain: ground at a constant 30 m changes no link (heights are above the local
    ground), a 200 m ridge ring around the poles hides the demand beyond it."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(4)
    xs, ys = np.meshgrid(ORIGIN_X + 60 + np.arange(3) * 90.0, ORIGIN_Y + 60 + np.arange(3) * 90.0)
    poles = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(9)], "height_m": 10.0, "attachments": "",
                              "capacity": 4, "status": "active"}, geometry=shapely.points(xs.ravel(), ys.ravel()),
                             crs=CRS)
    people = rng.uniform(0, SIZE, (200, 2)) + (ORIGIN_X, ORIGIN_Y)
    demand = gpd.GeoDataFrame({"residents": rng.integers(1, 50, 200).astype(float), "workers": 0.0},
                              geometry=shapely.points(people), crs=CRS)
    params = {"candidates": VectorLayer(poles, "poles", kind="lamp_poles"),
              "demand": VectorLayer(demand, "demand", kind="demand"), "sites": 2, "coverage_mode": "rf",
              "max_radius": 300, "threshold_dbm": -95}
    transform = Affine(RES, 0, ORIGIN_X - 100, 0, -RES, ORIGIN_Y + SIZE + 100)
    big = N + 100  # the DEMs reach 100 m past the scene on every side
    cols, rows = np.meshgrid(np.arange(big), np.arange(big))
    x, y = (cols + 0.5) * RES - 100, SIZE + 100 - (rows + 0.5) * RES
    ring = (np.maximum(np.abs(x - 150), np.abs(y - 150)) > 120) & (np.maximum(np.abs(x - 150), np.abs(y - 150)) < 126)
    flat = write(tmp_path / "flat_dem.tif", np.full((big, big), 30.0), transform, CRS)
    ridge = write(tmp_path / "ridge_dem.tif", np.where(ring, 230.0, 30.0), transform, CRS)
    open_air = run_algorithm("siting.mclp", params).summary
    on_flat = run_algorithm("siting.mclp", {**params, "terrain": flat}).summary
    behind_ridge = run_algorithm("siting.mclp", {**params, "terrain": ridge}).summary
    assert on_flat["coverage_pairs"] == open_air["coverage_pairs"]
    assert on_flat["covered_demand"] == pytest.approx(open_air["covered_demand"])
    assert 0 < behind_ridge["coverage_pairs"] < open_air["coverage_pairs"]


def test_a_dsm_minus_the_terrain_gives_the_buildings_and_needs_the_terrain(tmp_path):
    """A DSM declared "DSM (ground included)" over the DEM it was made from runs like the footprints on the DEM;
    without the terrain the run refuses, naming the raster."""
    import geopandas as gpd
    import shapely

    from plugins.api import AlgorithmError

    rng = np.random.default_rng(9)
    boxes, heights = box_buildings(rng, 30, SIZE)
    dem = utm_dem(tmp_path)
    dsm, = open_layers(utm_dem(tmp_path, "city_surface.tif", extra=height_grid(boxes, heights, SIZE)))
    poles = gpd.GeoDataFrame({"pole_id": ["P1", "P2"], "height_m": [10.0, 25.0]},
                             geometry=[shapely.Point(ORIGIN_X + 1, ORIGIN_Y + 1),
                                       shapely.Point(ORIGIN_X + 299, ORIGIN_Y + 151)], crs=CRS)
    common = {"transmitters": VectorLayer(poles, "poles", kind="lamp_poles"), "max_radius": 200,
              "resolution": 6, "extent": scene_bounds(), "terrain": dem}
    footprints = VectorLayer(buildings_frame(boxes, heights), "b", kind="buildings")
    from_footprints = run_algorithm("coverage.rsrp", {**common, "buildings": footprints}, Context(workers=1))
    from_dsm = run_algorithm("coverage.rsrp", {**common, "surface": dsm, "surface_type": "DSM (ground included)"},
                             Context(workers=1))
    np.testing.assert_allclose(from_dsm.outputs["rsrp"].data, from_footprints.outputs["rsrp"].data, atol=1e-3)
    flat = run_algorithm("coverage.rsrp", {**common, "terrain": None, "buildings": footprints}, Context(workers=1))
    assert not np.allclose(flat.outputs["rsrp"].data, from_footprints.outputs["rsrp"].data, atol=1e-3)
    with pytest.raises(AlgorithmError, match="city_surface.*DSM .ground included.: give the terrain"):
        run_algorithm("coverage.rsrp", {**common, "terrain": None, "surface": dsm,
                                        "surface_type": "DSM (ground included)"}, Context(workers=1))


def test_the_terrain_kind_is_given_on_open_and_kept_in_the_file(tmp_path):
    from layers.errors import LayerError
    from layers.io import write_layer

    path = utm_dem(tmp_path, "hills.tif")
    assert open_layers(path)[0].kind is None  # no name hint: values alone do not decide
    layer, = open_layers(path, kind="terrain")
    assert layer.kind == "terrain"
    reopened, = open_layers(write_layer(layer, tmp_path / "copy.tif"))
    assert reopened.kind == "terrain"
    with pytest.raises(LayerError, match="kind 'buildings' describes vector features.*raster kinds: terrain"):
        open_layers(path, kind="buildings")
