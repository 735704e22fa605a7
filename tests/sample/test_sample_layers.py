"""The Tianhe sample loads through the public readers, fits the municipal schema and has the promised size."""

from __future__ import annotations

import re

import numpy as np
import pyproj
import pytest

from layers.kinds import validate
from tests.sample.conftest import GPKG, SAMPLE_DIR

KINDS = {"roads": "roads", "lamp_poles": "lamp_poles", "buildings": "buildings", "schools": "schools",
         "office_space": "office_space", "sites_5g": "sites_5g", "demand": "demand", "water": None, "green": None}


def test_geopackage_holds_every_layer_with_its_kind_and_no_load_notes(sample_layers):
    assert {name: layer.kind for name, layer in sample_layers.items()} == KINDS
    for name, layer in sample_layers.items():
        assert layer.crs.to_epsg() == 32649, name
        assert layer.notes == [], f"{name}: {layer.notes}"
        assert layer.source == str(GPKG)


@pytest.mark.parametrize("name", [n for n, k in KINDS.items() if k])
def test_each_kind_layer_validates_without_any_fix(frames, name):
    checked, notes = validate(frames[name], KINDS[name], source=str(GPKG), layer=name)
    assert notes == []
    assert len(checked) == len(frames[name])


@pytest.mark.parametrize(("name", "low", "high"), [
    ("lamp_poles", 3000, 4000), ("buildings", 2000, 4000), ("schools", 15, 25), ("office_space", 500, 800),
    ("sites_5g", 20, 30), ("roads", 300, 1000),
])
def test_counts_are_in_the_stated_ranges(frames, name, low, high):
    assert low <= len(frames[name]) <= high


def test_area_is_4_by_3_km_centred_on_zhujiang_new_town(frames):
    minx, miny, maxx, maxy = frames["demand"].total_bounds
    assert (maxx - minx, maxy - miny) == (4000.0, 3000.0)
    lon, lat = pyproj.Transformer.from_crs(32649, 4326, always_xy=True).transform((minx + maxx) / 2,
                                                                                  (miny + maxy) / 2)
    assert abs(lon - 113.325) < 0.001 and abs(lat - 23.120) < 0.001


def test_demand_is_a_full_100_m_grid_with_workers_in_the_core_and_nobody_on_the_river(frames):
    demand = frames["demand"]
    assert len(demand) == 40 * 30
    np.testing.assert_allclose(demand.geometry.area, 10_000.0)
    assert demand.geometry.union_all().area == pytest.approx(12e6)
    assert (demand[["residents", "workers"]] >= 0).all().all()
    river = frames["water"].geometry.iloc[0]
    wet = demand.geometry.within(river)
    assert wet.sum() > 100
    assert (demand.loc[wet, ["residents", "workers"]] == 0).all().all()
    centre = demand.geometry.centroid
    x0, y0 = demand.total_bounds[[0, 1]] + (2000.0, 1500.0)
    core = (abs(centre.x - x0) < 700) & (centre.y - y0 > -850) & (centre.y - y0 < 860)
    assert demand.loc[core, "workers"].mean() > 5 * demand.loc[~core & ~wet, "workers"].mean()
    assert demand.loc[~core & ~wet, "residents"].mean() > 3 * demand.loc[core, "residents"].mean()


def test_pole_attributes_look_like_an_asset_register(frames):
    poles = frames["lamp_poles"]
    assert poles["pole_id"].is_unique
    assert poles["pole_id"].map(lambda v: bool(re.fullmatch(r"TH-\d{6}", v))).all()
    assert poles["height_m"].between(8, 15).all()
    by_class = poles.merge(frames["roads"][["road_id", "road_class"]], on="road_id", how="left")
    assert by_class["road_class"].notna().all()
    means = by_class.groupby("road_class")["height_m"].mean()
    assert means["arterial"] > means["secondary"] > means["local"]
    assert 0.85 <= poles["has_power"].mean() <= 0.95
    assert (poles.loc[~poles["has_power"], "power_w"] == 0).all()
    assert (poles.loc[poles["has_power"], "power_w"] > 0).all()
    items = poles["attachments"].str.split(",").explode()
    assert set(items[items != ""]) == {"cctv", "wifi", "signage"}
    assert (poles["attachments"].map(lambda v: len(v.split(",")) if v else 0) <= poles["capacity"]).all()
    shares = poles["status"].value_counts(normalize=True)
    assert shares["active"] > 0.8 and {"planned", "faulty"} <= set(shares.index)


def test_buildings_keep_height_and_have_a_few_supertall_towers_by_the_axis(frames):
    buildings = frames["buildings"]
    assert buildings["height_m"].notna().all() and buildings["levels"].notna().all()
    assert buildings["height_m"].min() >= 9
    supertall = buildings[buildings["height_m"] >= 440]
    assert 2 <= len(supertall) <= 4 and buildings["height_m"].max() <= 530
    axis_x = frames["demand"].total_bounds[0] + 2000  # the axis runs north-south through the centre
    assert (abs(supertall.geometry.centroid.x - axis_x) < 700).all()
    areas = buildings.geometry.area
    assert areas.min() >= 40 and areas.median() < 2000 and areas.max() < 20_000


def test_office_prices_fall_with_distance_from_the_axis(frames):
    offices = frames["office_space"]
    assert offices["price_m2"].between(80, 350).all()
    axis_x = frames["demand"].total_bounds[0] + 2000
    distance = np.hypot(offices.geometry.x - axis_x,
                        offices.geometry.y - (frames["demand"].total_bounds[1] + 1700))
    near, far = offices["price_m2"][distance < 500], offices["price_m2"][distance > 1500]
    assert near.mean() > far.mean() + 50
    assert set(offices["industry"]) >= {"finance", "tech", "legal", "consulting", "media", "trade"}
    assert offices["listing_id"].is_unique


def test_macro_sites_have_three_sectors_and_plausible_radio_parameters(frames):
    sites = frames["sites_5g"]
    assert set(sites["operator"]) == {"China Mobile", "China Unicom", "China Telecom"}
    assert set(sites["band_mhz"]) <= {2600.0, 3500.0, 4900.0}
    assert sites["eirp_dbm"].between(55, 62).all() and sites["tilt_deg"].between(4, 10).all()
    assert (sites["beamwidth_deg"] == 65).all()
    for azimuths in sites["azimuths"]:
        angles = [float(a) for a in azimuths.split(",")]
        assert len(angles) == 3 and np.allclose(np.diff(angles), 120)
    assert sites["site_id"].is_unique


def test_readme_describes_the_synthetic_seeded_sample_with_its_counts(frames):
    text = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in text.lower() and "seed" in text and "EPSG:32649" in text
    for name, gdf in frames.items():
        assert f"`{name}` " in text and f"{len(gdf):,}" in text
