"""Benchmark: the map renderer on 1,000,000 points and 200,000 small polygons at 1920 x 1080, and the cost of
highlighting 100,000 selected points.

    .venv/bin/python benchmarks/bench_render.py

Seeded data in a 10 km square (EPSG:32649): uniform random points, and rotated rectangles 8-25 m on a side
(building footprints). Each is rendered at full extent and zoomed in to 1/16 of the area (a 2.5 km square at the
centre). Printed per case: the first render (includes preparing the cached geometry arrays), the steady-state
render (median of 3, what panning and zooming cost) and ratios against
- QGIS 3.22 on this kind of machine (reference figures given with the task, not measured here):
  points 1.77 s full / 0.33 s zoomed, polygons 0.95 s full / 0.17 s zoomed;
- a straightforward per-feature QPainter loop measured in this run on a subset of the features in view and
  extrapolated per feature to all of them (labelled "extrapolated").
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from PyQt6.QtCore import QPointF, Qt  # noqa: E402
from PyQt6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen, QPolygonF  # noqa: E402

from layers.layer import VectorLayer  # noqa: E402
from layers.styles import SingleSymbol, Symbol  # noqa: E402
from workbench.render import MapRenderer, RenderSettings  # noqa: E402

SIZE = (1920, 1080)
CRS = "EPSG:32649"
X0, Y0, SIDE = 500_000.0, 2_550_000.0, 10_000.0
N_POINTS, N_POLYGONS = 1_000_000, 200_000
QGIS = {("points", "full"): 1.77, ("points", "zoomed"): 0.33, ("polygons", "full"): 0.95,
        ("polygons", "zoomed"): 0.17}
LOOP_SUBSET = {"points": 20_000, "polygons": 10_000}
POINT_SYMBOL = Symbol(fill="#3182bd", stroke="#1f1f1f", stroke_width=0.4, size=4.0)
POLYGON_SYMBOL = Symbol(fill="#d3c9b8", stroke="#857a6b", stroke_width=0.4)


def point_layer(rng: np.random.Generator) -> VectorLayer:
    xy = rng.uniform(0, SIDE, (N_POINTS, 2)) + (X0, Y0)
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)
    return VectorLayer(gdf, "points", style=SingleSymbol(POINT_SYMBOL))


def polygon_layer(rng: np.random.Generator) -> VectorLayer:
    centre = rng.uniform(0, SIDE, (N_POLYGONS, 2)) + (X0, Y0)
    half = rng.uniform(4.0, 12.5, (N_POLYGONS, 2))
    angle = rng.uniform(0, np.pi, N_POLYGONS)
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)], dtype=float)
    local = corners[None, :, :] * half[:, None, :]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    xs = centre[:, 0:1] + local[:, :, 0] * cos - local[:, :, 1] * sin
    ys = centre[:, 1:2] + local[:, :, 0] * sin + local[:, :, 1] * cos
    polygons = shapely.polygons(np.stack([xs, ys], axis=-1))
    return VectorLayer(gpd.GeoDataFrame(geometry=polygons, crs=CRS), "polygons", style=SingleSymbol(POLYGON_SYMBOL))


def extents() -> dict[str, tuple[float, float, float, float]]:
    half = SIDE / 8.0  # a 2.5 km square: 1/16 of the area
    cx, cy = X0 + SIDE / 2, Y0 + SIDE / 2
    return {"full": (X0, Y0, X0 + SIDE, Y0 + SIDE), "zoomed": (cx - half, cy - half, cx + half, cy + half)}


def time_renderer(layer: VectorLayer, settings: RenderSettings) -> tuple[float, float, QImage]:
    renderer = MapRenderer()
    started = time.perf_counter()
    image = renderer.render_image([layer], settings)
    first = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        image = renderer.render_image([layer], settings)
        runs.append(time.perf_counter() - started)
    return first, statistics.median(runs), image


def naive_loop(kind: str, layer: VectorLayer, settings: RenderSettings) -> tuple[float, int, int]:
    """Per-feature QPainter calls with per-feature coordinate transforms: (seconds, features drawn, in view)."""
    transform = settings.transform()
    minx, miny, maxx, maxy = transform.visible_extent
    in_view = np.flatnonzero(layer.gdf.intersects(shapely.box(minx, miny, maxx, maxy)).to_numpy())
    subset = in_view[:LOOP_SUBSET[kind]]
    geoms = layer.gdf.geometry.to_numpy()[subset]
    image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#f4f3ef"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ppp = settings.px_per_point
    symbol = POINT_SYMBOL if kind == "points" else POLYGON_SYMBOL
    painter.setPen(QPen(QColor(symbol.stroke), symbol.stroke_width * ppp))
    painter.setBrush(QColor(symbol.fill))
    radius = symbol.size * ppp / 2
    started = time.perf_counter()
    for geom in geoms:
        if kind == "points":  # plain float arithmetic: no NumPy overhead per point
            px = (geom.x - transform.centre_x) / transform.units_per_pixel + transform.width / 2
            py = transform.height / 2 - (geom.y - transform.centre_y) / transform.units_per_pixel
            painter.drawEllipse(QPointF(px, py), radius, radius)
        else:
            coords = shapely.get_coordinates(geom)
            px, py = transform.map_to_pixel(coords[:, 0], coords[:, 1])
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in zip(px.tolist(), py.tolist(), strict=True)]),
                                Qt.FillRule.WindingFill)
    elapsed = time.perf_counter() - started
    painter.end()
    return elapsed, len(subset), len(in_view)


def selection_cost(layer: VectorLayer) -> None:
    """Steady render with 10 % of the points selected (bigger markers with outline and halo, drawn on top) against
    the same layer with nothing selected, measured here."""
    selected = frozenset(range(0, N_POINTS, 10))
    print(f"{'selection (points)':<18}{'none':>9}{f'{len(selected):,} selected':>18}{'ratio':>8}")
    for view, extent in extents().items():
        settings = RenderSettings(extent=extent, size=SIZE, crs=CRS, background="#f4f3ef")
        layer.selection = frozenset()
        _, plain, _ = time_renderer(layer, settings)
        layer.selection = selected
        _, highlighted, image = time_renderer(layer, settings)
        image.save(f"/tmp/bench_render_selection_{view}.png")
        print(f"{view:<18}{plain:>8.3f}s{highlighted:>17.3f}s{highlighted / plain:>7.2f}x")
    layer.selection = frozenset()


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # fonts and pixmaps need a GUI application
    rng = np.random.default_rng(20240611)
    started = time.perf_counter()
    layers = {"points": point_layer(rng), "polygons": polygon_layer(rng)}
    print(f"data: {N_POINTS:,} points, {N_POLYGONS:,} polygons in a 10 km square "
          f"(generated in {time.perf_counter() - started:.1f} s); output {SIZE[0]} x {SIZE[1]} px, 96 dpi")
    print(f"{'case':<18}{'first':>8}{'steady':>9}{'QGIS 3.22':>11}{'vs QGIS':>9}{'naive loop*':>13}{'vs loop':>9}")
    for kind, layer in layers.items():
        for view, extent in extents().items():
            settings = RenderSettings(extent=extent, size=SIZE, crs=CRS, background="#f4f3ef")
            first, steady, image = time_renderer(layer, settings)
            image.save(f"/tmp/bench_render_{kind}_{view}.png")
            loop_s, drawn, in_view = naive_loop(kind, layer, settings)
            loop_total = loop_s / max(drawn, 1) * in_view
            qgis = QGIS[(kind, view)]
            print(f"{kind + ' ' + view:<18}{first:>7.2f}s{steady:>8.3f}s{qgis:>10.2f}s{qgis / steady:>8.1f}x"
                  f"{loop_total:>12.2f}s{loop_total / steady:>8.1f}x")
    print("* naive loop: per-feature QPainter.drawEllipse / drawPolygon with per-feature transforms, timed on the "
          f"first {LOOP_SUBSET['points']:,} points / {LOOP_SUBSET['polygons']:,} polygons in view and extrapolated "
          "per feature to all features in view.")
    print("Ratios are reference time / steady render time (higher = faster). Images: /tmp/bench_render_*.png")
    selection_cost(layers["points"])
    del app


if __name__ == "__main__":
    main()
