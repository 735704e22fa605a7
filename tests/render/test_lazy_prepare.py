"""A first render prepares only the lines and polygons around the view and the rest later (in the background):
what the user sees must be the very image a renderer that prepared the whole layer first draws, at any view,
after panning out of the prepared region, after an edit and after a change of CRS. Polygon rings come out
oriented as shapely orients them (exterior counter-clockwise, holes clockwise), whatever the source order."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from layers.styles import SingleSymbol, Symbol
from tests.render.scenes import CRS, X0, Y0, layer, pixels
from workbench.render import MapRenderer, RenderSettings
from workbench.render.geometry import prepare

SIDE = 4000.0
VIEWS = {  # (centre x, centre y, half width) inside the 4 km square
    "north-west": (600.0, 3300.0, 250.0),
    "panned a little": (650.0, 3280.0, 250.0),
    "south-east": (3300.0, 700.0, 300.0),
    "whole": (2000.0, 2000.0, 2100.0),
    "edge": (0.0, 2000.0, 200.0),
}


def city(seed: int = 7) -> list:
    """Footprints (some with a courtyard, some rings wound clockwise), two-part blocks, a district bigger than a
    grid cell, streets and poles."""
    rng = np.random.default_rng(seed)
    shapes: list = []
    for i, (x, y) in enumerate(rng.uniform(0, SIDE, (3000, 2)) + (X0, Y0)):
        w, h = rng.uniform(4, 30, 2)
        footprint = box(x, y, x + w, y + h, ccw=bool(i % 2))
        if i % 7 == 0:
            court = box(x + w / 4, y + h / 4, x + 3 * w / 4, y + 3 * h / 4, ccw=bool(i % 3))
            footprint = Polygon(footprint.exterior.coords, [court.exterior.coords])
        elif i % 11 == 0:
            footprint = MultiPolygon([footprint, box(x + w + 2, y, x + 2 * w, y + h)])
        shapes.append(footprint)
    shapes.append(box(X0 + 1500, Y0 + 1500, X0 + 2600, Y0 + 2400).exterior.buffer(3))  # a district, with a hole
    for x, y in rng.uniform(0, SIDE, (300, 2)) + (X0, Y0):
        shapes.append(LineString([(x, y), (x + rng.uniform(-80, 80), y + rng.uniform(-80, 80))]))
    shapes.extend(Point(x, y) for x, y in rng.uniform(0, SIDE, (400, 2)) + (X0, Y0))
    return shapes


def scene():
    built = layer(city(), "city")
    built.style = SingleSymbol(Symbol(fill="#d3c9b8", stroke="#857a6b", stroke_width=0.4, size=4.0))
    built.selection = frozenset(range(0, 3700, 9))
    return built


def view(name: str, size=(320, 200), crs=CRS) -> RenderSettings:
    cx, cy, half = VIEWS[name]
    return RenderSettings(extent=(X0 + cx - half, Y0 + cy - half, X0 + cx + half, Y0 + cy + half), size=size,
                          crs=crs, background="#f4f3ef")


class Deferred:
    """Background jobs held until the test runs them, so the renders in between use the regions' geometry."""

    def __init__(self) -> None:
        self.jobs: list = []

    def __call__(self, job) -> None:
        self.jobs.append(job)

    def run(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


def same_as_whole(lazy: MapRenderer, built, settings: RenderSettings) -> None:
    expected = pixels(MapRenderer(lazy=False).render_image([built], settings))
    actual = pixels(lazy.render_image([built], settings))
    differing = np.argwhere((actual != expected).any(axis=2))
    assert len(differing) == 0, f"{len(differing)} pixels differ, first at (row, col) {differing[:3].tolist()}"


def region_geometry(renderer: MapRenderer, built):
    return renderer._cache[(built.id, "view-geometry")][1]  # private: the tests look at what was prepared


def test_first_render_prepares_only_the_region_and_draws_the_same_image():
    built, deferred = scene(), Deferred()
    renderer = MapRenderer(background=deferred)
    same_as_whole(renderer, built, view("north-west"))
    held = region_geometry(renderer, built)
    whole = prepare(built, built.crs)
    assert held.region is not None and 0 < len(held.rings.feature) < len(whole.rings.feature) / 4
    assert len(deferred.jobs) == 1  # the whole layer, later
    same_as_whole(renderer, built, view("panned a little"))  # still inside the region
    assert region_geometry(renderer, built) is held
    for name in ("south-east", "edge"):  # outside it: a new region each
        same_as_whole(renderer, built, view(name))
        assert region_geometry(renderer, built) is not held
    same_as_whole(renderer, built, view("whole"))  # most of the layer: prepared whole at once
    assert (built.id, "view-geometry") not in renderer._cache
    assert renderer._cache[(built.id, "geometry")][1].region is None


def test_background_preparation_takes_over_with_the_same_image():
    built, deferred = scene(), Deferred()
    renderer = MapRenderer(background=deferred)
    same_as_whole(renderer, built, view("south-east"))
    deferred.run()
    assert (built.id, "view-geometry") not in renderer._cache  # the whole layer replaced the region
    for name in VIEWS:
        same_as_whole(renderer, built, view(name))
    assert not deferred.jobs


def test_background_thread_finishes_with_the_same_image():
    built = scene()
    renderer = MapRenderer()  # a real background thread
    same_as_whole(renderer, built, view("north-west"))
    renderer.wait_prepared()
    assert (built.id, "view-geometry") not in renderer._cache
    same_as_whole(renderer, built, view("south-east"))


def test_an_edit_is_drawn_from_a_new_region_then_the_whole_layer():
    built, deferred = scene(), Deferred()
    renderer = MapRenderer(background=deferred)
    before = pixels(renderer.render_image([built], view("north-west")))
    deferred.run()
    built.gdf.loc[0, "geometry"] = box(X0 + 550, Y0 + 3250, X0 + 650, Y0 + 3350)  # a big new building in view
    built.gdf.loc[1, "geometry"] = None
    built.touch()
    for name in ("north-west", "south-east"):
        same_as_whole(renderer, built, view(name))
        assert region_geometry(renderer, built).region is not None
    assert (pixels(renderer.render_image([built], view("north-west"))) != before).any()
    deferred.run()
    same_as_whole(renderer, built, view("north-west"))


def test_reprojected_views_match():
    built = scene()
    deferred = Deferred()
    renderer = MapRenderer(background=deferred)
    same_as_whole(renderer, built, view("north-west"))
    lonlat = built.to_crs("EPSG:4326").gdf.total_bounds
    west, south, east, north = lonlat
    settings = RenderSettings(extent=(west, south, west + (east - west) / 5, south + (north - south) / 5),
                              size=(300, 300), crs="EPSG:4326", background="#f4f3ef")
    same_as_whole(renderer, built, settings)
    assert region_geometry(renderer, built).region is not None


def test_rings_are_oriented_like_shapely():
    shapes = [geom for geom in city(3) if geom.geom_type in ("Polygon", "MultiPolygon")]
    prepared = prepare(layer(shapes), None).rings
    parts = shapely.get_parts(np.array(shapes, dtype=object))
    oriented = shapely.orient_polygons(parts)
    expected = {}
    for polygon in oriented:
        rings = shapely.get_rings(polygon)
        expected[tuple(shapely.bounds(rings[0]))] = [shapely.get_coordinates(r) for r in rings]
    assert len(prepared.part_start) - 1 == len(expected)
    for p in range(len(prepared.part_start) - 1):
        r0, r1 = prepared.part_start[p], prepared.part_start[p + 1]
        rings = [np.column_stack([prepared.xs[a:b], prepared.ys[a:b]])
                 for a, b in zip(prepared.offsets[r0:r1], prepared.offsets[r0 + 1:r1 + 1], strict=True)]
        want = expected[tuple(prepared.bounds[r0])]
        assert len(rings) == len(want)
        for got, ring in zip(rings, want, strict=True):
            np.testing.assert_array_equal(got, ring)
        assert (prepared.bounds[r0:r1] == [shapely.bounds(shapely.linearrings(w)) for w in want]).all()
