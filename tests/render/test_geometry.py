"""Preparing a layer's geometry for drawing: every part keeps its feature's row, single-part layers are not
exploded (that would copy every geometry), and polygon parts come back whole whatever order they are stored in."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box

from tests.render.scenes import CRS, X0, Y0, layer
from workbench.render import geometry


def test_multi_parts_keep_their_feature_row():
    hole = Polygon(box(0, 0, 10, 10).exterior.coords, [box(4, 4, 6, 6).exterior.coords])
    mixed = layer([Point(1, 2), MultiPoint([(3, 4), (5, 6)]), None, Point(), hole,
                   MultiPolygon([box(20, 0, 21, 1), box(30, 0, 31, 1)])], crs=CRS)
    prepared = geometry.prepare(mixed, mixed.crs)
    assert prepared.points.rows().tolist() == [0, 1, 1]
    assert prepared.points.xs.tolist() == [1, 3, 5] and prepared.points.ys.tolist() == [2, 4, 6]
    rings = prepared.rings
    assert sorted(rings.feature.tolist()) == [4, 4, 5, 5]
    starts = rings.part_start
    parts = {tuple(rings.bounds[starts[p]]): rings.feature[starts[p]:starts[p + 1]].tolist()
             for p in range(len(starts) - 1)}
    assert parts == {(0, 0, 10, 10): [4, 4], (20, 0, 21, 1): [5], (30, 0, 31, 1): [5]}  # the hole with its part
    hole_ring = np.flatnonzero(~rings.exterior)
    assert len(hole_ring) == 1 and tuple(rings.bounds[hole_ring[0]]) == (4, 4, 6, 6)


def test_single_points_with_missing_and_empty_features_keep_their_rows():
    points = layer([Point(X0 + 1, Y0 + 2), None, Point(), Point(X0 + 3, Y0 + 4), Point(X0 + 5, Y0 + 6)], crs=CRS)
    prepared = geometry.prepare(points, points.crs)
    assert prepared.points.rows().tolist() == [0, 3, 4]
    assert prepared.points.xs.tolist() == [X0 + 1, X0 + 3, X0 + 5]
    assert prepared.points.ys.tolist() == [Y0 + 2, Y0 + 4, Y0 + 6]


def test_single_part_layers_are_not_exploded(monkeypatch):
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 100, (500, 2)) + (X0, Y0)
    points = layer(list(shapely.points(xy)))

    def explode(*args, **kwargs):
        raise AssertionError("get_parts copies every geometry; a single-part layer has nothing to explode")

    monkeypatch.setattr(geometry.shapely, "get_parts", explode)
    prepared = geometry.prepare(points, points.crs)
    assert (prepared.points.xs == xy[:, 0]).all() and (prepared.points.ys == xy[:, 1]).all()
    assert (prepared.points.rows() == np.arange(500)).all()
    originals = np.asarray(points.gdf.geometry.array, dtype=object)
    assert all(a is b for a, b in zip(prepared.feature_geometries, originals, strict=True))
    with pytest.raises(AssertionError, match="get_parts"):  # the multi-part path still explodes
        geometry.prepare(layer([MultiPoint([(X0, Y0), (X0 + 1, Y0)])]), points.crs)
