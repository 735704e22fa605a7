"""Reading batch by batch (layers.io.chunked) gives exactly what one pyogrio.read_dataframe call gives."""

from __future__ import annotations

import gc
import threading
import weakref

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from layers.io import open_layers
from layers.io.chunked import read_dataframe_batched, read_dataframe_ranges

ROWS, BATCH = 53, 7     # eight batches, the last one short


@pytest.fixture(autouse=True)
def _collector_restored():
    yield
    gc.enable()


def _mixed_frame() -> gpd.GeoDataFrame:
    """Points, lines, polygons and multi-parts, empty and missing geometries, and attributes whose nulls fall
    in some batches only (so a batch alone would get another dtype than the whole column)."""
    rng = np.random.default_rng(16)
    shapes = [shapely.Point(1, 2), shapely.LineString([(0, 0), (3, 4), (5, 1)]),
              shapely.Polygon([(0, 0), (4, 0), (4, 3), (0, 0)], [[(1, 0.5), (2, 0.5), (2, 1), (1, 0.5)]]),
              shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
              shapely.MultiPoint([(0, 0), (1, 1)]), shapely.Point(), shapely.Polygon(), None]
    geometry = [shapely.affinity.translate(shapes[i % len(shapes)], 10 * i, -i) if shapes[i % len(shapes)]
                is not None else None for i in range(ROWS)]
    count = pd.array([None if i in (3, 40) else i * 11 for i in range(ROWS)], dtype="Int64")
    return gpd.GeoDataFrame({
        "name": [None if i % 9 == 4 else f"路灯-{i}" for i in range(ROWS)],
        "count": count,
        "height": rng.uniform(5, 15, ROWS),
        "lit": pd.array([None if i == 30 else bool(i % 2) for i in range(ROWS)], dtype="boolean"),
    }, geometry=geometry, crs=32649)


def _gpkg(tmp_path, frame: gpd.GeoDataFrame) -> str:
    path = tmp_path / "mixed.gpkg"
    pyogrio.write_dataframe(frame, path, layer="mixed", geometry_type="Unknown")
    return str(path)


def test_batched_gpkg_read_equals_one_pyogrio_read(tmp_path):
    written = _mixed_frame()
    path = _gpkg(tmp_path, written)
    plain = pyogrio.read_dataframe(path, layer="mixed", use_arrow=True)
    batched = read_dataframe_batched(path, layer="mixed", batch_rows=BATCH)
    assert_geodataframe_equal(batched, plain)
    assert_frame_equal(pd.DataFrame(batched.drop(columns="geometry")), pd.DataFrame(plain.drop(columns="geometry")),
                       check_exact=True)
    assert shapely.to_wkb(batched.geometry.array).tolist() == shapely.to_wkb(plain.geometry.array).tolist()
    missing = written.geometry.isna().to_numpy()
    assert (batched.geometry.isna().to_numpy() == missing).all() and missing.sum() == 6
    assert (batched.geometry.is_empty.to_numpy() == written.geometry.is_empty.to_numpy()).all()
    assert sorted(set(batched.geom_type.dropna())) == sorted(set(written.geom_type.dropna()))
    assert list(batched.dtypes.astype(str)) == list(plain.dtypes.astype(str))


def test_datetimes_with_offsets_across_batches_equal_one_read(tmp_path):
    """pyogrio reconciles a datetime column's time zones over the whole column (here: mixed offsets become
    UTC), which no batch alone can do; the batched read matches it."""
    frame = _mixed_frame().iloc[:20].copy()
    stamps = [f"2024-0{1 + i % 9}-1{i % 10}T08:30:00{'+08:00' if i < 12 else '+00:00'}" for i in range(20)]
    stamps[5] = None
    frame["seen"] = stamps
    path = tmp_path / "times.geojson"
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    plain = pyogrio.read_dataframe(path, use_arrow=True)
    assert str(plain["seen"].dtype).startswith("datetime64")          # parsed, so the second pass is exercised
    batched = read_dataframe_batched(str(path), batch_rows=BATCH)
    assert_geodataframe_equal(batched, plain)
    assert_frame_equal(pd.DataFrame(batched.drop(columns="geometry")), pd.DataFrame(plain.drop(columns="geometry")),
                       check_exact=True)


def test_empty_layer_and_single_batch_equal_one_read(tmp_path):
    frame = _mixed_frame()
    path = _gpkg(tmp_path, frame.iloc[:0])
    assert_geodataframe_equal(read_dataframe_batched(path, layer="mixed"),
                              pyogrio.read_dataframe(path, layer="mixed", use_arrow=True))
    path = _gpkg(tmp_path, frame.iloc[:5])
    assert_geodataframe_equal(read_dataframe_batched(path, layer="mixed", batch_rows=BATCH),
                              pyogrio.read_dataframe(path, layer="mixed", use_arrow=True))


def test_open_layers_reads_a_many_batch_layer_whole(tmp_path):
    """The readers go through the batched path: every feature, in file order, each point where it was written."""
    xy = np.random.default_rng(3).uniform(0, 1000, (12_345, 2)) + (500_000, 2_550_000)
    frame = gpd.GeoDataFrame({"pole_id": [f"P{i}" for i in range(len(xy))]},
                             geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=32649)
    path = tmp_path / "poles.gpkg"
    pyogrio.write_dataframe(frame, path, layer="poles")
    layer, = open_layers(path)
    assert layer.gdf["pole_id"].tolist() == frame["pole_id"].tolist()
    np.testing.assert_array_equal(shapely.get_coordinates(layer.gdf.geometry.array), xy)


def test_a_big_read_moves_its_geometries_past_the_young_scans_and_leaks_nothing(tmp_path):
    """The geometries read land in the oldest generation (no young collection scans them), collection is on
    again, nothing stays frozen, and cyclic garbage from before the read is still collected."""
    path = _gpkg(tmp_path, _mixed_frame())

    class Cycle:
        pass

    garbage = Cycle()
    garbage.itself = garbage
    gone = weakref.ref(garbage)
    del garbage
    batched = read_dataframe_batched(path, layer="mixed", batch_rows=BATCH)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    geometries = [geometry for geometry in batched.geometry.array if geometry is not None]
    assert gc.is_tracked(geometries[0]) and all(id(geometry) in oldest for geometry in geometries)
    gc.collect()
    assert gone() is None


def test_overlapping_reads_in_threads_switch_collection_back_on_once_both_end(tmp_path):
    path = _gpkg(tmp_path, _mixed_frame())
    results: list[gpd.GeoDataFrame] = []
    threads = [threading.Thread(target=lambda: results.append(read_dataframe_batched(path, layer="mixed",
                                                                                     batch_rows=2)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and gc.isenabled()
    for result in results:
        assert_geodataframe_equal(result, results[0])


def test_collection_switched_off_by_the_application_stays_off(tmp_path):
    path = _gpkg(tmp_path, _mixed_frame())
    gc.disable()
    read_dataframe_batched(path, layer="mixed", batch_rows=BATCH)
    assert not gc.isenabled()


def test_gbk_shapefile_read_by_ranges_equals_one_pyogrio_read(tmp_path):
    """Without Arrow (a GBK .dbf), feature range by feature range: Chinese names, nulls, missing points."""
    frame = _mixed_frame()
    frame = frame[frame.geometry.isna() | (frame.geom_type == "Point")].reset_index(drop=True)
    frame["road"] = [None if i < 6 else f"天河路 {i}" for i in range(len(frame))]   # null in whole ranges only
    path = tmp_path / "poles.shp"
    pyogrio.write_dataframe(frame, path, encoding="GBK")
    plain = pyogrio.read_dataframe(path, encoding="GBK")
    assert plain["name"].iloc[0] == "路灯-0" and plain.geometry.isna().any()
    ranged = read_dataframe_ranges(str(path), encoding="GBK", range_rows=3)
    assert_geodataframe_equal(ranged, plain)
    assert_frame_equal(pd.DataFrame(ranged.drop(columns="geometry")), pd.DataFrame(plain.drop(columns="geometry")),
                       check_exact=True)


def test_datetimes_read_by_ranges_equal_one_read(tmp_path):
    """A datetime column whose nulls fall in one range only is parsed as pyogrio parses the whole column."""
    frame = _mixed_frame()
    frame["installed"] = pd.to_datetime([None if i in (2, 3, 4) else f"2019-0{1 + i % 9}-2{i % 8}T0{i % 10}:15:00"
                                         for i in range(ROWS)])
    path = _gpkg(tmp_path, frame)
    plain = pyogrio.read_dataframe(path, layer="mixed")
    assert str(plain["installed"].dtype).startswith("datetime64")
    ranged = read_dataframe_ranges(path, layer="mixed", range_rows=3)
    assert_geodataframe_equal(ranged, plain)
    assert_frame_equal(pd.DataFrame(ranged.drop(columns="geometry")), pd.DataFrame(plain.drop(columns="geometry")),
                       check_exact=True)
