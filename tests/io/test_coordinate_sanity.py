"""Impossible coordinates in any vector format: swapped lat/lon is swapped back, projected numbers declared as
degrees are refused, NaN/inf/1e300 features are dropped with a note, and a table without geometry is named.

The references are the coordinates the test writes: a swapped file must come back as exactly the (lon, lat) the
test started from, and a dropped feature must be exactly one whose coordinates the test broke.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from layers import LayerError
from layers.io import open_layers
from layers.io.coordinates import coordinate_problem
from layers.io.finish import vector_layers

#: Guangzhou (Tianhe): longitude 113.3, latitude 23.1, far from the |lon| <= 90 band so a swap is certain.
GUANGZHOU = [(113.3250, 23.1200), (113.3261, 23.1207), (113.3302, 23.1311)]


def _geojson(path, coordinates, geometry_type="Point"):
    features = [{"type": "Feature", "properties": {"name": f"f{i}"},
                 "geometry": None if xy is None else {"type": geometry_type, "coordinates": xy}}
                for i, xy in enumerate(coordinates)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _xy(layer):
    return [tuple(xy) for xy in shapely.get_coordinates(layer.gdf.geometry.to_numpy()).tolist()]


def test_swapped_geojson_points_are_swapped_back_with_a_note(tmp_path):
    path = _geojson(tmp_path / "sites.geojson", [[lat, lon] for lon, lat in GUANGZHOU])
    (layer,) = open_layers(path)
    assert _xy(layer) == GUANGZHOU
    assert any("look swapped" in note and "swapped back" in note for note in layer.notes)


def test_swapped_geopackage_polygons_are_swapped_back_vertex_by_vertex(tmp_path):
    blocks = [shapely.box(113.30, 23.10, 113.31, 23.11), shapely.box(113.32, 23.12, 113.34, 23.13)]
    stored = shapely.transform(np.array(blocks), lambda c: c[:, ::-1])
    path = tmp_path / "city.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"block": ["a", "b"]}, geometry=stored, crs=4326), path,
                            layer="blocks")
    (layer,) = open_layers(path)
    for got, original in zip(layer.gdf.geometry, blocks, strict=True):
        assert got.equals_exact(original, tolerance=0)
    assert any("look swapped" in note for note in layer.notes)


def test_swapped_shapefile_with_a_wgs84_prj_is_swapped_back(tmp_path):
    path = tmp_path / "poles.shp"
    swapped = shapely.points([(lat, lon) for lon, lat in GUANGZHOU])
    pyogrio.write_dataframe(gpd.GeoDataFrame({"pole": ["a", "b", "c"]}, geometry=swapped, crs=4326), path)
    (layer,) = open_layers(path)
    assert _xy(layer) == GUANGZHOU


def test_pacific_centred_longitudes_and_world_edges_rounded_past_180_load_unchanged(tmp_path):
    # Fiji in 0..360 longitudes (Pacific-centred data), and a world layer's edge written as 180.00000000000003.
    pacific = [(178.4, -18.1), (181.2, -16.8), (359.9, 51.5)]
    edge = [(180.00000000000003, -16.5), (-180.00000000000003, 65.0), (0.0, 90.0)]
    for name, points in (("pacific", pacific), ("edge", edge)):
        (layer,) = open_layers(_geojson(tmp_path / f"{name}.geojson", [list(p) for p in points]))
        assert _xy(layer) == points and not any("swapped" in note for note in layer.notes)


def test_partly_swapped_coordinates_are_refused_naming_the_features(tmp_path):
    mixed = [[GUANGZHOU[0][1], GUANGZHOU[0][0]], list(GUANGZHOU[1]), list(GUANGZHOU[2])]
    path = _geojson(tmp_path / "mixed.geojson", mixed)
    with pytest.raises(LayerError) as caught:
        open_layers(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: layer 'mixed': ")
    assert "1 of 3 features are out of range (#1)" in message and "order is mixed" in caught.value.problem


def test_utm_numbers_in_a_geojson_are_refused_with_the_values_seen(tmp_path):
    path = _geojson(tmp_path / "poles.geojson", [[500100, 2557100], [500200, 2557300]])
    with pytest.raises(LayerError) as caught:
        open_layers(path)
    problem = caught.value.problem
    assert str(caught.value).startswith(f"{path}: layer 'poles': ")
    assert "2,557,300" in problem and "500,100" in problem and "EPSG:4326" in problem
    assert "CRS" in problem and "projected" in problem


def test_utm_numbers_declared_as_degrees_in_a_geopackage_are_refused_and_load_with_the_right_crs(tmp_path):
    path = tmp_path / "poles.gpkg"
    frame = gpd.GeoDataFrame({"pole": ["a", "b"]}, geometry=shapely.points([(500100, 2557100), (500300, 2557400)]),
                             crs=4326)
    pyogrio.write_dataframe(frame, path, layer="lamps")
    with pytest.raises(LayerError, match=r"poles\.gpkg: layer 'lamps': .*2,557,400"):
        open_layers(path)
    (layer,) = open_layers(path, crs=32649)  # the caller knows the real CRS: nothing to refuse
    assert layer.crs.to_epsg() == 32649 and _xy(layer) == [(500100, 2557100), (500300, 2557400)]


def test_nan_inf_and_1e300_features_are_dropped_with_a_count(tmp_path):
    good = [shapely.Point(113.325, 23.12), shapely.box(113.3, 23.1, 113.31, 23.11)]
    broken = [shapely.Point(np.nan, 23.1), shapely.Point(np.inf, 23.1),
              shapely.Polygon([(113.3, 23.1), (1e300, 23.1), (113.31, 23.11)]),
              shapely.LineString([(113.3, 23.1), (113.3, np.nan)])]
    order = [0, 2, 3, 1, 4, 5]  # broken features between the good ones
    geometries = np.array(good + broken, dtype=object)[order]
    names = np.array(["g0", "g1", "b0", "b1", "b2", "b3"])[order]
    path = tmp_path / "broken.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": names}, geometry=geometries, crs=4326), path, layer="mix")
    layers = open_layers(path)
    kept = sorted(name for layer in layers for name in layer.gdf["name"])
    assert kept == ["g0", "g1"]
    notes = [note for layer in layers for note in layer.notes if "dropped" in note]
    assert notes and "4 features" in notes[0] and "#2, #3, #5, #6" in notes[0]


def test_a_layer_whose_every_feature_is_nan_is_refused(tmp_path):
    path = tmp_path / "lost.gpkg"
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=shapely.points([(np.nan, 1.0), (np.inf, 2.0)]), crs=4326)
    pyogrio.write_dataframe(frame, path, layer="lost")
    with pytest.raises(LayerError, match=r"lost\.gpkg: layer 'lost': .*all 2 features"):
        open_layers(path)


def test_1e300_among_degrees_is_dropped_not_taken_for_a_wrong_crs(tmp_path):
    path = _geojson(tmp_path / "far.geojson", [[113.3, 23.1], [1e300, 23.1]])
    (layer,) = open_layers(path)
    assert layer.gdf["name"].tolist() == ["f0"]


def test_a_csv_with_inf_or_1e300_coordinates_drops_those_rows(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text("name,lon,lat\na,113.3,23.1\nb,inf,23.1\nc,113.4,1e300\nd,113.5,23.2\n", encoding="utf-8")
    (layer,) = open_layers(path)
    assert layer.gdf["name"].tolist() == ["a", "d"]
    assert any("dropped 2 features" in note for note in layer.notes)


def test_csv_swap_and_refusal_still_name_the_columns(tmp_path):
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("site_id,lon,lat\nS1,23.12,113.325\n", encoding="utf-8")
    (layer,) = open_layers(swapped)
    assert _xy(layer) == [(113.325, 23.12)]
    assert any("columns 'lon' and 'lat' look swapped" in note for note in layer.notes)
    projected = tmp_path / "projected.csv"
    projected.write_text("site_id,x,y\nS1,500100,2557100\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"coordinates in 'x'/'y' reach 2,557,100.*no CRS was given"):
        open_layers(projected)


def test_a_geojson_whose_features_all_lack_geometry_is_a_table_not_a_layer(tmp_path):
    path = _geojson(tmp_path / "owners.geojson", [None, None])
    with pytest.raises(LayerError, match=r"owners\.geojson: layer 'owners': has no geometry.*2 features"):
        open_layers(path)
    empty = _geojson(tmp_path / "template.geojson", [])
    (layer,) = open_layers(empty)  # no features at all: an empty layer, as before
    assert len(layer) == 0


def test_a_frame_without_a_geometry_column_is_named_not_an_attribute_error():
    with pytest.raises(LayerError, match=r"owners\.json: layer 'owners': has no geometry column.*'a', 'b'"):
        vector_layers(pd.DataFrame({"a": [1], "b": [2]}), "owners", source="owners.json")


def test_coordinate_problem_names_what_the_tools_cannot_use():
    def frame(points, crs=4326):
        return gpd.GeoDataFrame({"n": range(len(points))}, geometry=shapely.points(points), crs=crs)

    assert coordinate_problem(frame(GUANGZHOU)) is None
    assert coordinate_problem(frame([(500100, 2557100)], crs=32649)) is None
    assert "2,557,100" in coordinate_problem(frame([(500100, 2557100)]))
    assert "swapped" in coordinate_problem(frame([(23.12, 113.325)]))
    assert "#2" in coordinate_problem(frame([(113.3, 23.1), (np.nan, 23.1)]))
    assert "#1" in coordinate_problem(frame([(1e300, 23.1)], crs=32649))


def test_an_attribute_table_in_a_geopackage_is_named_when_asked_for(tmp_path):
    path = tmp_path / "city.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"district": ["Tianhe"], "budget": [1.5]}), path, layer="budget")
    with pytest.raises(LayerError, match=r"city\.gpkg: holds no map layers \(only tables without geometry: budget\)"):
        open_layers(path, layer="budget")


def test_a_geopackage_layer_whose_features_all_lack_geometry_is_named(tmp_path):
    path = tmp_path / "city.gpkg"
    frame = gpd.GeoDataFrame({"owner": ["a", "b", "c"]}, geometry=[None, None, None], crs=4326)
    pyogrio.write_dataframe(frame, path, layer="owners", geometry_type="Point")
    with pytest.raises(LayerError, match=r"city\.gpkg: layer 'owners': has no geometry: none of its 3 features"):
        open_layers(path)


_COORDINATE = st.one_of(st.floats(-200, 200), st.floats(-3e6, 3e6), st.sampled_from([np.nan, np.inf, -np.inf, 1e300]))


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(st.tuples(_COORDINATE, _COORDINATE), min_size=1, max_size=12))
def test_whatever_the_coordinates_a_reader_returns_usable_degrees_or_a_named_error(points):
    """Property: never another exception, never a NaN/inf/1e300 or an out-of-range degree passed on, and a layer
    that loads keeps exactly the features whose coordinates were finite (in their order, swapped or not)."""
    frame = gpd.GeoDataFrame({"n": range(len(points))}, geometry=shapely.points(points), crs=4326)
    try:
        layers = vector_layers(frame, "random", source="random.geojson")
    except LayerError as exc:
        assert str(exc).startswith("random.geojson: layer 'random': ")
        return
    got = np.concatenate([shapely.get_coordinates(layer.gdf.geometry.to_numpy()) for layer in layers])
    assert np.isfinite(got).all()
    assert ((got[:, 0] >= -180) & (got[:, 0] <= 360)).all() and (np.abs(got[:, 1]) <= 90).all()
    finite = [i for i, (x, y) in enumerate(points) if abs(x) < 1e10 and abs(y) < 1e10]
    assert sorted(n for layer in layers for n in layer.gdf["n"]) == finite
    expected = np.array([points[i] for i in finite])
    swapped = any("swapped back" in note for note in layers[0].notes)
    assert np.array_equal(got, expected[:, ::-1] if swapped else expected)


def test_out_of_range_counts_only_features_with_coordinates(tmp_path):
    path = _geojson(tmp_path / "typo.geojson", [[113.3, 23.1], None, [1131.3, 23.2], [113.4, 23.3]])
    with pytest.raises(LayerError, match=r"1 of 3 features are out of range \(#3\): fix those features"):
        open_layers(path)


def test_a_layer_without_geometry_beside_map_layers_is_skipped_with_a_note(tmp_path):
    path = tmp_path / "city.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"owner": ["a", "b"]}, geometry=[None, None], crs=4326), path,
                            layer="owners", geometry_type="Point")
    pyogrio.write_dataframe(gpd.GeoDataFrame({"pole": ["P1"]}, geometry=[shapely.Point(113.3, 23.1)], crs=4326),
                            path, layer="lamps")
    (layer,) = open_layers(path)  # the other layers still open, as with an attribute table
    assert layer.name == "lamps" and "skipped tables without geometry: owners" in layer.notes
    with pytest.raises(LayerError, match=r"layer 'owners': has no geometry"):
        open_layers(path, layer="owners")
