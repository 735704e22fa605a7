"""The coverage-accumulation polygon fill agrees with Qt's own anti-aliased polygon fill, also across borders."""

from __future__ import annotations

import numpy as np
import shapely
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF

from layers.styles import SingleSymbol, Symbol
from tests.render.scenes import X0, Y0, layer, pixels, settings
from workbench.render import MapRenderer


def random_polygons(rng: np.random.Generator, n: int) -> list:
    """Convex polygons, many straddling the image borders (centres from -20 m to 120 m)."""
    polygons = []
    for _ in range(n):
        centre = rng.uniform(-20, 120, 2)
        points = rng.normal(0, rng.uniform(1, 15), (12, 2)) + centre
        polygons.append(shapely.affinity.translate(shapely.MultiPoint(points).convex_hull, X0, Y0))
    return [p for p in polygons if p.geom_type == "Polygon"]


def qt_reference(polygons: list, size: int) -> np.ndarray:
    """The same polygons filled one by one with QPainter.drawPolygon (anti-aliased) on white."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000"))
    transform = settings(size=size).transform()
    for polygon in polygons:
        coords = shapely.get_coordinates(polygon.exterior)
        px, py = transform.map_to_pixel(coords[:, 0], coords[:, 1])
        painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in zip(px, py, strict=True)]))
    painter.end()
    return pixels(image)[:, :, 0].astype(int)


def test_fill_matches_qt_antialiased_fill(qapp):
    rng = np.random.default_rng(11)
    polygons = random_polygons(rng, 60)
    shapes = layer(polygons)
    shapes.style = SingleSymbol(Symbol(fill="#000000", stroke="#00000000", stroke_width=0))
    ours = pixels(MapRenderer().render_image([shapes], settings(size=200, background="#ffffff")))[:, :, 0]
    reference = qt_reference(polygons, 200)
    difference = np.abs(ours.astype(int) - reference)
    inside = reference == 0
    outside = reference == 255
    assert inside.sum() > 2000 and outside.sum() > 2000
    assert (ours[inside] == 0).mean() > 0.99 and (ours[outside] == 255).mean() > 0.99
    assert difference.mean() < 0.5  # only edge pixels differ, by a little (overlaps merge instead of darken)


def test_overlapping_polygons_of_a_class_merge_without_seams(qapp):
    left = shapely.box(X0 + 10.3, Y0 + 10, X0 + 50.5, Y0 + 90)
    right = shapely.box(X0 + 50.5, Y0 + 10, X0 + 90, Y0 + 90)  # shares the edge x = 50.5 m
    halves = layer([left, right])
    halves.style = SingleSymbol(Symbol(fill="#000000", stroke="#00000000", stroke_width=0))
    image = pixels(MapRenderer().render_image([halves], settings(background="#ffffff")))
    assert (image[20:80, 11:89, 0] == 0).all()  # the column at the shared edge is fully covered


def rotated_rectangles(rng: np.random.Generator) -> list:
    """One rotated rectangle in each 12.5 m cell of the square: outlines that never touch each other."""
    shapes = []
    for i in range(8):
        for j in range(8):
            w, h = rng.uniform(3, 10, 2)
            rectangle = shapely.box(-w / 2, -h / 2, w / 2, h / 2)
            rectangle = shapely.affinity.rotate(rectangle, rng.uniform(0, 180))
            shapes.append(shapely.affinity.translate(rectangle, X0 + 6.25 + 12.5 * i, Y0 + 6.25 + 12.5 * j))
    return shapes


def test_thin_outlines_carry_the_ink_of_qt_antialiased_strokes(qapp):
    """0.4 pt outlines (0.53 px at 96 dpi) are splatted, not stroked by Qt. Their ink is width x length (Qt's
    anti-aliased stroke of such thin pens has about 12 % less), and it lies where Qt's stroke puts it: per 4 x 4
    block, against Qt's scaled to the same total."""
    polygons = rotated_rectangles(np.random.default_rng(12))
    outlines = layer(polygons)
    outlines.style = SingleSymbol(Symbol(fill="#00000000", stroke="#000000", stroke_width=0.4))
    ours = 255 - pixels(MapRenderer().render_image([outlines], settings(size=200, background="#ffffff")))[:, :, 0]
    image = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("#000000"), 0.4 * 96 / 72)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    transform = settings(size=200).transform()
    for polygon in polygons:
        coords = shapely.get_coordinates(polygon.exterior)
        px, py = transform.map_to_pixel(coords[:, 0], coords[:, 1])
        painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in zip(px, py, strict=True)]))
    painter.end()
    reference = 255 - pixels(image)[:, :, 0].astype(int)
    ours = ours.astype(int)
    perimeter_px = sum(polygon.length for polygon in polygons) * 2  # 2 px per metre
    assert abs(ours.sum() / (perimeter_px * 0.4 * 96 / 72 * 255) - 1) < 0.02
    reference = reference * (ours.sum() / reference.sum())
    ours_blocks, reference_blocks = (a.reshape(50, 4, 50, 4).sum(axis=(1, 3)) for a in (ours, reference))
    inked = reference_blocks > 0
    assert np.abs(ours_blocks - reference_blocks)[inked].mean() < 0.15 * reference_blocks[inked].mean()


def test_a_speck_inside_a_polygon_of_its_class_does_not_punch_a_hole(qapp):
    """A part smaller than a pixel becomes a pixel wound like every exterior, so it adds to the fill around it."""
    big = shapely.box(X0 + 10, Y0 + 10, X0 + 90, Y0 + 90)
    speck = shapely.box(X0 + 50.3, Y0 + 50.3, X0 + 50.5, Y0 + 50.5)
    both = layer([big, speck])
    both.style = SingleSymbol(Symbol(fill="#000000", stroke="#00000000", stroke_width=0))
    image = pixels(MapRenderer().render_image([both], settings(background="#ffffff")))
    assert (image[12:88, 12:88, 0] == 0).all()
