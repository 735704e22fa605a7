"""Point markers are drawn in feature order, the later feature on top, like QGIS: checked pixel by pixel against
QPainter drawing every marker one by one in feature order, and on vector targets (SVG)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
from PyQt6.QtCore import QPointF, QRectF, QSize
from PyQt6.QtGui import QColor, QImage, QPainter
from PyQt6.QtSvg import QSvgGenerator
from shapely.geometry import Point

from layers.styles import Categorized, Category, Symbol
from tests.render.scenes import CRS, X0, Y0, at, layer, pixels, rgba, settings
from workbench.render import MapRenderer, RenderSettings
from workbench.render.markers import marker_sprite

RED = Symbol(fill="#d62728", stroke="#1f1f1f", stroke_width=0.6, size=12)
BLUE = Symbol(fill="#1f77b4", stroke="#1f1f1f", stroke_width=0.6, size=12)


def two_markers(first: str, second: str):
    """Two overlapping markers: the first feature at (50, 50) m, the second 3 m north (drawn higher up)."""
    pair = layer([Point(X0 + 50, Y0 + 50), Point(X0 + 50, Y0 + 53)], kind=[first, second])
    pair.style = Categorized("kind", [Category("red", RED), Category("blue", BLUE)])
    return pair


def test_the_later_feature_is_drawn_on_top(qapp):
    # the overlap at (50, 51.5) m: drawing by pixel row (top first) would put the earlier, lower marker on top
    on_top = MapRenderer().render_image([two_markers("red", "blue")], settings())
    assert at(on_top, 50, 51.5) == rgba(BLUE.fill)
    swapped = MapRenderer().render_image([two_markers("blue", "red")], settings())
    assert at(swapped, 50, 51.5) == rgba(RED.fill)


def test_markers_at_one_pixel_show_the_last_feature(qapp):
    same_spot = layer([Point(X0 + 50.2, Y0 + 50.2), Point(X0 + 50.7, Y0 + 50.6)], kind=["blue", "red"])
    same_spot.style = Categorized("kind", [Category("red", RED), Category("blue", BLUE)])
    image = MapRenderer().render_image([same_spot], settings())
    assert at(image, 50.5, 50.5) == rgba(RED.fill)


def qpainter_reference(xy: np.ndarray, classes: np.ndarray, symbols: list[Symbol], size: int) -> np.ndarray:
    """Every marker's sprite drawn with QPainter.drawImage, one by one in feature order, on the background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    sprites = [marker_sprite(symbol, 96.0 / 72.0) for symbol in symbols]
    transform = settings(size=size).transform()
    px, py = transform.map_to_pixel(xy[:, 0], xy[:, 1])
    for x, y, c in zip(np.floor(px).astype(int), np.floor(py).astype(int), classes, strict=True):
        sprite = sprites[c]
        painter.drawImage(QPointF(x - sprite.half, y - sprite.half), sprite.image)
    painter.end()
    return pixels(image).astype(int)


def dense_crowd(size: int) -> tuple[np.ndarray, np.ndarray, list[Symbol], object]:
    """Three classes of different size and shape, some translucent, crowded across the compositing bands (64 px)
    and over the image borders; at most one feature per pixel, so nothing is thinned away."""
    rng = np.random.default_rng(7)
    cells = rng.choice((size + 8) ** 2, 700, replace=False)
    xy = np.column_stack([cells % (size + 8) - 4 + rng.uniform(0.05, 0.95, len(cells)),
                          cells // (size + 8) - 4 + rng.uniform(0.05, 0.95, len(cells))]) * (100 / size)
    xy += (X0, Y0)
    classes = rng.integers(0, 3, len(xy))
    symbols = [Symbol(fill="#d62728", stroke="#1f1f1f", stroke_width=0.6, size=7),
               Symbol(fill="#1f77b480", stroke="#08306b", stroke_width=1.0, size=11, marker="square"),
               Symbol(fill="#2ca02c", stroke="#00000000", stroke_width=0.0, size=5, marker="star")]
    crowd = layer(list(gpd.points_from_xy(xy[:, 0], xy[:, 1])), kind=[str(c) for c in classes])
    crowd.style = Categorized("kind", [Category(str(c), s) for c, s in enumerate(symbols)])
    return xy, classes, symbols, crowd


def test_dense_markers_match_drawing_each_one_in_feature_order(qapp):
    size = 200
    xy, classes, symbols, crowd = dense_crowd(size)
    ours = pixels(MapRenderer().render_image([crowd], settings(size=size, background="#ffffff"))).astype(int)
    reference = qpainter_reference(xy, classes, symbols, size)
    difference = np.abs(ours - reference)[:, :, :3]
    assert (reference[:, :, :3] != 255).any(axis=2).mean() > 0.5  # a crowded picture, not an empty one
    assert difference.max() <= 3  # rounding of the blends only


def test_markers_through_a_scaling_painter_are_the_screen_image_scaled(qapp):
    """A painter that scales by 1.3 (a layout drawn into an image) gets the markers as one image, as the screen's
    map drawn scaled: no seams where the 64-row compositing bands meet (at 83.2, 166.4 ... px once scaled)."""
    size, scaled = 200, 260
    crowd = dense_crowd(size)[3]
    screen = MapRenderer().render_image([crowd], settings(size=size, background="#ffffff"))
    reference, ours = (QImage(scaled, scaled, QImage.Format.Format_ARGB32_Premultiplied) for _ in range(2))
    for image in (reference, ours):
        image.fill(0)
    painter = QPainter(reference)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.drawImage(QRectF(0, 0, scaled, scaled), screen)
    painter.end()
    painter = QPainter(ours)
    MapRenderer().paint(painter, QRectF(0, 0, scaled, scaled), [crowd], settings(size=size, background="#ffffff"))
    painter.end()
    assert np.abs(pixels(ours).astype(int) - pixels(reference).astype(int)).max() <= 3


def svg_fill_order(pair, path) -> list[str]:
    """The marker fill colours in the order the SVG document draws them."""
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(100, 100))
    generator.setViewBox(QRectF(0, 0, 100, 100))
    painter = QPainter(generator)
    view = RenderSettings(extent=(X0, Y0, X0 + 100, Y0 + 100), size=(100, 100), crs=CRS, background=None)
    MapRenderer().paint(painter, QRectF(0, 0, 100, 100), [pair], view)
    painter.end()
    fills = [element.get("fill", "").lower() for element in ET.parse(path).iter()]
    return [fill for fill in fills if fill in (RED.fill, BLUE.fill)]


def test_vector_output_keeps_feature_order(qapp, tmp_path):
    """On SVG every marker is a path; the later feature's marker comes later in the document, whatever its class."""
    assert svg_fill_order(two_markers("red", "blue"), tmp_path / "a.svg") == [RED.fill, BLUE.fill]
    assert svg_fill_order(two_markers("blue", "red"), tmp_path / "b.svg") == [BLUE.fill, RED.fill]
