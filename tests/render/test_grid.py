"""The spatial grid finds every item that touches a view (checked against a brute-force bounds test), and a
zoomed-in render that uses it draws exactly what rendering only the features in view draws."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.styles import SingleSymbol, Symbol
from tests.render.scenes import CRS, X0, Y0, layer, pixels
from workbench.render import MapRenderer, RenderSettings
from workbench.render.grid import build_grid, radix_sort


def random_boxes(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 4) bounds: mostly small boxes and points, a few spanning much of the area."""
    centre = rng.uniform(0, 1000, (n, 2))
    half = np.where(rng.random((n, 1)) < 0.02, rng.uniform(50, 400, (n, 2)), rng.uniform(0, 6, (n, 2)))
    half[rng.random(n) < 0.3] = 0.0  # points
    return np.column_stack([centre - half, centre + half])


def touching(bounds: np.ndarray, extent: tuple[float, float, float, float]) -> set[int]:
    minx, miny, maxx, maxy = extent
    hit = ((bounds[:, 0] <= maxx) & (bounds[:, 2] >= minx) & (bounds[:, 1] <= maxy) & (bounds[:, 3] >= miny))
    return set(np.flatnonzero(hit).tolist())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grid_queries_find_every_item_touching_the_view(seed):
    rng = np.random.default_rng(seed)
    bounds = random_boxes(rng, 5000)
    bounds[rng.integers(0, len(bounds), 20)] = np.nan  # empty geometries have no bounds
    grid = build_grid(*bounds.T)
    for _ in range(40):
        x, y = rng.uniform(-100, 1000, 2)
        w, h = rng.uniform(1, 600, 2)
        extent = (x, y, x + w, y + h)
        expected = touching(bounds, extent)
        nearby = grid.nearby(extent)
        assert expected <= set(nearby.tolist())
        assert len(set(nearby.tolist())) == len(nearby)  # each item once
        ascending = grid.ascending(extent)
        if ascending is not None:
            assert expected <= set(ascending.tolist())
            assert (np.diff(ascending) > 0).all()


@pytest.mark.parametrize("seed", [4, 5])
def test_a_region_subset_visits_what_the_whole_grid_visits_in_the_same_order(seed):
    """A first render prepares only a region's items; any view inside the region must visit the same items in the
    same order as the whole layer's grid (drawing order decides overlapping pixels)."""
    rng = np.random.default_rng(seed)
    bounds = random_boxes(rng, 5000)
    grid = build_grid(*bounds.T)
    whole = grid.renumbered()  # items stored in by_cell order
    stored = grid.by_cell
    for _ in range(10):
        x, y = rng.uniform(0, 700, 2)
        region = (x, y, x + 300, y + 250)
        held, sub = grid.subset(region)
        assert touching(bounds, region) <= set(held.tolist())
        position = np.empty(len(bounds), dtype=np.int64)
        position[stored] = np.arange(len(stored))
        assert (np.diff(position[held]) > 0).all()  # stored in the whole grid's order
        for _ in range(10):
            qx, qy = rng.uniform(region[0], region[2] - 50), rng.uniform(region[1], region[3] - 50)
            view = (qx, qy, min(qx + rng.uniform(1, 250), region[2]), min(qy + rng.uniform(1, 200), region[3]))
            from_whole = stored[whole.nearby(view)]
            from_region = held[sub.nearby(view)]
            assert from_region.tolist() == from_whole.tolist()


def test_grid_of_one_spot_and_of_nothing():
    same = np.full(10, 5.0)
    grid = build_grid(same, same, same, same)
    assert sorted(grid.nearby((4, 4, 6, 6)).tolist()) == list(range(10))
    assert len(grid.nearby((7, 7, 8, 8))) == 0
    empty = build_grid(*np.empty((4, 0)))
    assert len(empty.nearby((0, 0, 1, 1))) == 0


def test_radix_sort_matches_numpy():
    rng = np.random.default_rng(5)
    for bound in (1, 7, 2048, 3_000_000):
        values = rng.integers(0, bound, 10_000).astype(np.int32)
        assert (radix_sort(values, bound) == np.sort(values)).all()


def in_view_only(big, extent: tuple[float, float, float, float]):
    """The features of ``big`` that touch ``extent``, by shapely's own intersection test."""
    keep = big.gdf.intersects(shapely.box(*extent)).to_numpy()
    subset = layer(list(big.gdf.geometry[keep]))
    subset.style = big.style
    return subset


@pytest.mark.parametrize("kind", ["points", "polygons"])
def test_zoomed_render_draws_what_rendering_only_the_features_in_view_draws(qapp, kind):
    rng = np.random.default_rng(11)
    n = 20_000 if kind == "points" else 6_000
    xy = rng.uniform(0, 1000, (n, 2)) + (X0, Y0)
    if kind == "points":
        geoms = list(gpd.points_from_xy(xy[:, 0], xy[:, 1]))
        style = SingleSymbol(Symbol(fill="#3182bd", stroke="#1f1f1f", stroke_width=0.4, size=6))
    else:
        size = rng.uniform(1, 8, (n, 1))
        geoms = list(shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + size[:, 0], xy[:, 1] + size[:, 0]))
        geoms.append(shapely.box(X0 + 100, Y0 + 100, X0 + 900, Y0 + 140))  # spans many grid cells
        style = SingleSymbol(Symbol(fill="#d3c9b8", stroke="#857a6b", stroke_width=0.8))
    big = layer(geoms)
    big.style = style
    view = RenderSettings(extent=(X0 + 400, Y0 + 90, X0 + 520, Y0 + 170), size=(240, 160), crs=CRS)
    margin = 10.0  # metres around the view: markers and outlines reach a few pixels past the features
    minx, miny, maxx, maxy = view.transform().visible_extent
    subset = in_view_only(big, (minx - margin, miny - margin, maxx + margin, maxy + margin))
    assert 0 < len(subset.gdf) < len(big.gdf) / 10
    ours = pixels(MapRenderer().render_image([big], view)).astype(int)
    reference = pixels(MapRenderer().render_image([subset], view)).astype(int)
    assert np.abs(ours - reference).max() <= 1
