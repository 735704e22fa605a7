"""Generate the bundled SYNTHETIC Tianhe CBD sample (Zhujiang New Town, Guangzhou) into sample_data/tianhe/.

    python sample_data/generate_tianhe.py [--seed 20240601] [--out sample_data/tianhe]
    python sample_data/generate_tianhe.py --tiles 5 --out ~/.cache/lamplight/city-5x5   # a city, benchmarks

Writes ``tianhe.gpkg`` (roads, lamp_poles, buildings, schools, office_space, sites_5g, demand, water, green),
``building_height_2m.tif``, the project ``tianhe.lamp`` and ``README.md``.
Everything is built in a scratch folder next to the output and moved into place file by file, so a failed
run leaves the previous sample untouched. The same seed always gives the same data: every stage draws from
its own generator ``default_rng([seed, stage])``, so one layer can be rebuilt alone (the tests do).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import rasterio
import rasterio.features
import shapely
from rasterio.transform import from_origin

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for folder in (str(REPO), str(HERE)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

from tianhe_synth import amenities, layout, tiling  # noqa: E402
from tianhe_synth.buildings import CORE, STOREY_M, VILLAGES, Building, make_buildings, storeys  # noqa: E402
from tianhe_synth.demand import make_demand  # noqa: E402
from tianhe_synth.poles import make_poles  # noqa: E402

from layers import VectorLayer  # noqa: E402
from layers.io import open_layers, write_layer  # noqa: E402
from layers.kinds import validate  # noqa: E402

SEED = 20240601
#: Timestamp written into the GeoPackage (GDAL's OGR_CURRENT_DATE) instead of "now".
FIXED_DATE = "2024-06-01T00:00:00Z"
CRS = "EPSG:32649"
CENTRE_LONLAT = (113.325, 23.120)
RASTER_RES_M = 2.0
OFFICE_LISTINGS = 650
MACRO_SITES = 26
GPKG_NAME, RASTER_NAME, PROJECT_NAME = "tianhe.gpkg", "building_height_2m.tif", "tianhe.lamp"
CITY_GPKG, CITY_PROJECT = "city.gpkg", "city.lamp"
#: Stage numbers for the per-stage random generators (never renumber: it would change the data).
STAGE_STREETS, STAGE_BUILDINGS, STAGE_SCHOOLS, STAGE_OFFICES, STAGE_SITES, STAGE_POLES = 1, 2, 3, 4, 5, 6
#: GeoPackage layers in file order, with their municipal kind (None: context layers).
LAYER_KINDS = {"roads": "roads", "lamp_poles": "lamp_poles", "buildings": "buildings", "schools": "schools",
               "office_space": "office_space", "sites_5g": "sites_5g", "demand": "demand", "water": None,
               "green": None}
#: Project draw order, bottom first, and the layers that start hidden.
DRAW_ORDER = ("water", "green", "building_height_2m", "demand", "buildings", "roads", "schools", "office_space",
              "sites_5g", "lamp_poles")
HIDDEN = {"demand", "building_height_2m"}


def centre_utm() -> tuple[float, float]:
    """The sample centre in UTM 49N, rounded to 10 m so the grid lines fall on round numbers."""
    x, y = pyproj.Transformer.from_crs(4326, 32649, always_xy=True).transform(*CENTRE_LONLAT)
    return round(x, -1), round(y, -1)


def stage_rng(seed: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, stage])


def area_bounds() -> tuple[float, float, float, float]:
    x0, y0 = centre_utm()
    return x0 - layout.HALF_X, y0 - layout.HALF_Y, x0 + layout.HALF_X, y0 + layout.HALF_Y


def _to_utm(geoms: list | np.ndarray) -> np.ndarray:
    x0, y0 = centre_utm()
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: xy + (x0, y0))


def _frame(table: pd.DataFrame | dict, geoms: list | np.ndarray) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(table).reset_index(drop=True), geometry=_to_utm(geoms), crs=CRS)


def _points_frame(table: pd.DataFrame) -> gpd.GeoDataFrame:
    return _frame(table.drop(columns=["x", "y"]), shapely.points(table["x"].to_numpy(), table["y"].to_numpy()))


def build_streets(seed: int = SEED) -> list[layout.Road]:
    """Arterials, secondary and local streets, split at every junction (cheap: well under a second)."""
    majors = layout.major_roads()
    locals_ = layout.local_streets(majors, stage_rng(seed, STAGE_STREETS), villages=VILLAGES,
                                   core=CORE)
    order = {"arterial": 0, "secondary": 1, "local": 2}
    return sorted(layout.noded_roads(majors + locals_),
                  key=lambda r: (order[r.road_class], r.name, round(r.line.centroid.x), round(r.line.centroid.y)))


def roads_frame(streets: list[layout.Road]) -> gpd.GeoDataFrame:
    """The roads layer; ``road_id`` R-0001... follows the order of ``streets``."""
    table = {
        "road_id": [f"R-{i + 1:04d}" for i in range(len(streets))],
        "name": [r.name for r in streets],
        "road_class": [r.road_class for r in streets],
        "width_m": [float(r.width_m) for r in streets],
    }
    return _frame(table, [shapely.set_precision(r.line, 0.01) for r in streets])


def buildings_frame(buildings: list[Building]) -> gpd.GeoDataFrame:
    table = {
        "building_id": [f"B-{i + 1:05d}" for i in range(len(buildings))],
        "name": [b.name for b in buildings],
        "use": [b.use for b in buildings],
        "height_m": [float(b.height_m) for b in buildings],
        "levels": np.array([storeys(b.use, b.height_m) for b in buildings], dtype="int64"),
    }
    return _frame(table, [shapely.set_precision(b.footprint, 0.01) for b in buildings])


@dataclass
class Sample:
    layers: dict[str, gpd.GeoDataFrame]
    seed: int


def build_sample(seed: int = SEED) -> Sample:
    """Every layer of the sample as GeoDataFrames in EPSG:32649, validated against its kind."""
    streets = build_streets(seed)
    roads = roads_frame(streets)
    buildings = make_buildings(streets, stage_rng(seed, STAGE_BUILDINGS))
    schools = amenities.make_schools(buildings, streets, stage_rng(seed, STAGE_SCHOOLS))
    offices = amenities.make_office_listings(buildings, OFFICE_LISTINGS, stage_rng(seed, STAGE_OFFICES))
    sites = amenities.make_sites(buildings, MACRO_SITES, stage_rng(seed, STAGE_SITES))
    poles = make_poles(streets, list(roads["road_id"]), stage_rng(seed, STAGE_POLES))
    demand = make_demand(buildings)
    green = layout.carve_green(streets)
    frames = {
        "roads": roads,
        "lamp_poles": _points_frame(poles),
        "buildings": buildings_frame(buildings),
        "schools": _points_frame(schools),
        "office_space": _points_frame(offices),
        "sites_5g": _points_frame(sites),
        "demand": _frame(demand.drop(columns="geometry"), demand["geometry"].to_numpy()),
        "water": _frame({"name": ["Pearl River"]}, [shapely.intersection(layout.river(), layout.AREA)]),
        "green": _frame({"name": [n for n, _ in green]}, [g for _, g in green]),
    }
    for name, kind in LAYER_KINDS.items():
        if kind is None:
            continue
        checked, notes = validate(frames[name], kind, source="generate_tianhe.py", layer=name)
        if notes:
            raise RuntimeError(f"layer {name!r} does not match kind {kind!r} exactly: {'; '.join(notes)}")
        frames[name] = checked
    return Sample(frames, seed)


def rasterise_heights(buildings: gpd.GeoDataFrame) -> tuple[np.ndarray, rasterio.Affine]:
    """Building height (m) on a 2 m grid over the area; 0 is ground. Pixel centres decide coverage."""
    minx, miny, maxx, maxy = area_bounds()
    width, height = int(round((maxx - minx) / RASTER_RES_M)), int(round((maxy - miny) / RASTER_RES_M))
    transform = from_origin(minx, maxy, RASTER_RES_M, RASTER_RES_M)
    shapes = zip(buildings.geometry, buildings["height_m"].astype(float), strict=True)
    grid = rasterio.features.rasterize(shapes, out_shape=(height, width), transform=transform, fill=0.0,
                                       dtype="float32")
    return grid, transform


def _raster_profile(grid: np.ndarray, transform: rasterio.Affine) -> dict:
    return {"driver": "GTiff", "width": grid.shape[1], "height": grid.shape[0], "count": 1, "dtype": "float32",
            "crs": CRS, "transform": transform, "nodata": None, "compress": "deflate", "predictor": 3,
            "tiled": True, "blockxsize": 256, "blockysize": 256}


def write_raster(grid: np.ndarray, transform: rasterio.Affine, path: Path) -> None:
    with rasterio.open(path, "w", **_raster_profile(grid, transform)) as dst:
        dst.write(grid, 1)
        dst.set_band_description(1, "building height (m), 0 = ground")
        dst.update_tags(source="synthetic, generated by sample_data/generate_tianhe.py")


def write_geopackage(sample: Sample, path: Path) -> None:
    """All layers into one GeoPackage, with a fixed timestamp so the same seed gives the same bytes."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    for name, gdf in sample.layers.items():
        kind = LAYER_KINDS[name]
        metadata = {"description": _DESCRIPTIONS[name], "synthetic": True, "seed": sample.seed}
        write_layer(VectorLayer(gdf, name, kind=kind, metadata=metadata), path, layer_name=name)


_DESCRIPTIONS = {
    "roads": "Road centrelines split at junctions: arterial avenues, secondary and local streets",
    "lamp_poles": "Smart lamp poles on the kerbs every 25-40 m, alternating sides",
    "buildings": "Building footprints with height in metres and storeys",
    "schools": "Kindergartens, primary, middle and high schools",
    "office_space": "Office space listings in towers; price in CNY per m2 per month",
    "sites_5g": "Existing rooftop macro 5G sites with three sectors",
    "demand": "100 m grid of residents and workers",
    "water": "The Pearl River",
    "green": "Huacheng Square axis, Tianhe Sports Centre park and the riverside park",
}


def write_project(folder: Path, *, gpkg_name: str = GPKG_NAME, project_name: str = PROJECT_NAME,
                  extent: tuple[float, float, float, float] | None = None,
                  title: str = "Tianhe CBD sample (synthetic)") -> Path:
    """A Lamplight project linking the GeoPackage layers and the raster (relative paths), styled by default."""
    from layers import Project
    from layers.styles import RasterRamp, SingleSymbol, Symbol, default_style, ramp_stops

    context_styles = {
        "water": SingleSymbol(Symbol(fill="#a9cbe8", stroke="#7fa7cc", stroke_width=0.4)),
        "green": SingleSymbol(Symbol(fill="#c5e1a5", stroke="#9ccc65", stroke_width=0.3)),
        "building_height_2m": RasterRamp([(0.0, "#00000000")] + ramp_stops(1.0, 300.0, "viridis"), unit="m"),
    }
    loaded = {layer.name: layer for layer in open_layers(folder / gpkg_name)}
    loaded.update({layer.name: layer for layer in open_layers(folder / RASTER_NAME)})
    project = Project(CRS, title=title)
    for name in DRAW_ORDER:
        layer = loaded[name]
        layer.id = f"tianhe-{name}"  # stable ids keep the project file the same from run to run
        layer.metadata["source_layer"] = name if name in LAYER_KINDS else None
        layer.style = context_styles.get(name) or default_style(layer)
        layer.visible = name not in HIDDEN
        project.add_layer(layer)
    project.view_extent = extent or area_bounds()
    return project.save(folder / project_name)


def _readme(sample: Sample, raster_shape: tuple[int, int]) -> str:
    counts = {name: len(gdf) for name, gdf in sample.layers.items()}
    b = sample.layers["buildings"]
    poles = sample.layers["lamp_poles"]
    d = sample.layers["demand"]
    minx, miny, maxx, maxy = area_bounds()
    lines = [
        "# Tianhe CBD sample (synthetic)",
        "",
        "A **synthetic** but plausible sample of Guangzhou's Tianhe CBD around Zhujiang New Town, made for",
        "screenshots, demos, tests and benchmarks. It is generated deterministically by",
        f"`python sample_data/generate_tianhe.py` (seed {sample.seed}); running it again gives the same data.",
        "Street names follow the area loosely and all other names are illustrative: **this is not a survey**.",
        "",
        f"- CRS: EPSG:32649 (WGS 84 / UTM zone 49N); centre lon {CENTRE_LONLAT[0]:.3f}, lat {CENTRE_LONLAT[1]:.3f}",
        f"- Extent: x {minx:.0f}-{maxx:.0f}, y {miny:.0f}-{maxy:.0f} "
        f"({(maxx - minx) / 1000:.0f} km east-west x {(maxy - miny) / 1000:.0f} km north-south)",
        "",
        "## Files",
        "",
        "| file / layer | kind | features | what it is |",
        "| --- | --- | ---: | --- |",
    ]
    for name, kind in LAYER_KINDS.items():
        lines.append(f"| `{GPKG_NAME}` / `{name}` | {kind or '-'} | {counts[name]:,} | {_DESCRIPTIONS[name]} |")
    lines.append(f"| `{RASTER_NAME}` | raster | {raster_shape[1]} x {raster_shape[0]} px | Building height "
                 "(m) rasterised from `buildings.height_m` at 2 m; float32, 0 = ground, no nodata |")
    lines.append(f"| `{PROJECT_NAME}` | project | | Lamplight project linking the layers above (relative "
                 "paths), default styles, demand and raster hidden |")
    lines += [
        "",
        "## Fields worth knowing",
        "",
        "- `roads`: `road_id` (R-0001...), `name`, `road_class` (arterial, secondary, local), `width_m` "
        "(kerb to kerb).",
        f"- `lamp_poles`: `pole_id` (TH-000001...), `height_m` {poles['height_m'].min():g}-"
        f"{poles['height_m'].max():g} (taller on arterials), `has_power` ({poles['has_power'].mean():.0%} true), "
        "`power_w` (spare power for attachments, 0 without power), `attachments` (cctv, wifi, signage), "
        "`capacity` (attachment slots), `road_id`, `status` (active, planned, faulty).",
        f"- `buildings`: `building_id`, `name` (landmarks only), `use` ({', '.join(sorted(b['use'].unique()))}), "
        f"`height_m` {b['height_m'].min():g}-{b['height_m'].max():g} m, `levels` "
        f"(height / storey height: {', '.join(f'{k} {v:g} m' for k, v in STOREY_M.items())}).",
        "- `schools`: `name`, `level` (kindergarten, primary, middle, high), `students`.",
        "- `office_space`: `listing_id`, `price_m2` (CNY/m2/month, highest near the axis), `lease_term_months`, "
        "`industry`, `area_m2`, `floor`.",
        "- `sites_5g`: `site_id`, `operator`, `height_m` (roof + mast), `band_mhz` (2600, 3500, 4900), "
        "`eirp_dbm`, `azimuths` (three sectors), `beamwidth_deg`, `tilt_deg`, `status`.",
        f"- `demand`: `cell_id`, `residents`, `workers` per 100 m cell (totals: {d['residents'].sum():,.0f} "
        f"residents, {d['workers'].sum():,.0f} workers), from floor area by building use; 0 on the river.",
        "",
        "Regenerate with `make sample` (or the command above); the outputs are replaced atomically file by file.",
        "",
    ]
    return "\n".join(lines)


def generate(out: Path, seed: int = SEED) -> dict[str, int]:
    """Build and write the whole sample into ``out``; returns the feature counts."""
    out.mkdir(parents=True, exist_ok=True)
    sample = build_sample(seed)
    grid, transform = rasterise_heights(sample.layers["buildings"])
    scratch = Path(tempfile.mkdtemp(prefix=".tianhe-build-", dir=out.parent))
    try:
        write_geopackage(sample, scratch / GPKG_NAME)
        write_raster(grid, transform, scratch / RASTER_NAME)
        write_project(scratch)
        (scratch / "README.md").write_text(_readme(sample, grid.shape), encoding="utf-8")
        names = [GPKG_NAME, RASTER_NAME, PROJECT_NAME, "README.md"]
        for name in names:
            (scratch / name).chmod(0o644)  # temp files start private; the sample is for everyone
            os.replace(scratch / name, out / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {name: len(gdf) for name, gdf in sample.layers.items()}


def generate_city(out: Path, tiles: int, seed: int = SEED) -> dict[str, int]:
    """The sample tiled ``tiles`` x ``tiles`` (see ``tianhe_synth.tiling``) into ``out`` as ``city.gpkg``, the
    height raster and ``city.lamp``, for benchmarks; built in a scratch folder and moved into place like the
    sample. Returns the feature counts."""
    if tiles < 1:
        raise ValueError(f"--tiles must be 1 or more, got {tiles}")
    out.mkdir(parents=True, exist_ok=True)
    sample = build_sample(seed)
    grid, _ = rasterise_heights(sample.layers["buildings"])
    minx, miny, maxx, maxy = area_bounds()
    width, height = maxx - minx, maxy - miny
    city = Sample({name: tiling.tile_frame(gdf, tiles, width, height) for name, gdf in sample.layers.items()},
                  seed)
    city_transform = from_origin(minx, miny + tiles * height, RASTER_RES_M, RASTER_RES_M)
    extent = (minx, miny, minx + tiles * width, miny + tiles * height)
    scratch = Path(tempfile.mkdtemp(prefix=".city-build-", dir=out.parent))
    try:
        write_geopackage(city, scratch / CITY_GPKG)
        tiling.write_tiled_raster(grid, tiles, scratch / RASTER_NAME, _raster_profile(grid, city_transform))
        write_project(scratch, gpkg_name=CITY_GPKG, project_name=CITY_PROJECT, extent=extent,
                      title=f"Tianhe sample tiled {tiles} x {tiles} (synthetic city)")
        for name in (CITY_GPKG, RASTER_NAME, CITY_PROJECT):
            (scratch / name).chmod(0o644)
            os.replace(scratch / name, out / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {name: len(gdf) for name, gdf in city.layers.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default sample_data/tianhe)")
    parser.add_argument("--tiles", type=int, default=0,
                        help="build a city instead: the sample tiled N x N into --out (5: 20 x 15 km, 77,525 "
                             "poles); the sample itself is left alone")
    args = parser.parse_args(argv)
    if args.tiles:
        if args.out is None:
            parser.error("--tiles needs --out (the city is not written into the repository)")
        counts = generate_city(args.out, args.tiles, args.seed)
    else:
        counts = generate(args.out or HERE / "tianhe", args.seed)
    for name, count in counts.items():
        print(f"{name:>14}: {count:,}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
