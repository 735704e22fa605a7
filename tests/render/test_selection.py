"""Selected points stand out: bigger than their normal marker, in the selection colour, with a dark outline and
a white halo, on raster targets (sprites) and vector targets (paths) alike. Real pixels of 100 px renders."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QImage, QPainter, QPicture
from shapely.geometry import Point, box

from layers.styles import SingleSymbol, Symbol
from tests.render.scenes import X0, Y0, layer, pixels, rgba, settings
from workbench.render import MapRenderer

YELLOW = "#ffff00"
SYMBOL = Symbol(fill="#1f77b4", stroke="#00000000", stroke_width=0.0, size=4.0)  # 4 pt = 5.3 px at 96 dpi


def scene(ground: str):
    """A ``ground``-coloured field with two poles: the west one plain, the east one selected."""
    field = layer([box(X0, Y0, X0 + 100, Y0 + 100)], title="field")
    field.style = SingleSymbol(Symbol(fill=ground, stroke="#00000000", stroke_width=0.0))
    poles = layer([Point(X0 + 25.5, Y0 + 49.5), Point(X0 + 75.5, Y0 + 49.5)], title="poles")
    poles.style = SingleSymbol(SYMBOL)
    poles.selection = frozenset({1})
    return [field, poles]


def footprint(image: np.ndarray, centre_col: int, ground: str) -> np.ndarray:
    """The pixels (rows 30-69, 20 columns each side of the centre) that differ from the ground colour."""
    window = image[30:70, centre_col - 20:centre_col + 20, :3].astype(int)
    return np.abs(window - np.array(rgba(ground)[:3])).max(axis=2) > 40


def width_of(mask: np.ndarray) -> int:
    columns = np.flatnonzero(mask.any(axis=0))
    return int(columns[-1] - columns[0] + 1) if len(columns) else 0


def render_raster(layers) -> np.ndarray:
    return pixels(MapRenderer().render_image(layers, settings(selection_colour=YELLOW)))


def render_vector(layers) -> np.ndarray:
    """Through a QPicture (a vector paint engine: markers as paths), then played back onto an image."""
    picture = QPicture()
    painter = QPainter(picture)
    MapRenderer().paint(painter, QRectF(0, 0, 100, 100), layers, settings(selection_colour=YELLOW))
    painter.end()
    image = QImage(100, 100, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.drawPicture(0, 0, picture)
    painter.end()
    return pixels(image)


def test_a_selected_point_is_bigger_than_a_plain_one(qapp):
    image = render_raster(scene("#f4f3ef"))
    plain, selected = width_of(footprint(image, 25, "#f4f3ef")), width_of(footprint(image, 75, "#f4f3ef"))
    assert 5 <= plain <= 7  # the 4 pt marker: 5.3 px across
    assert selected >= 2 * plain  # 7 pt marker + outline + halo: about 13.6 px across
    assert tuple(image[50, 75]) == rgba(YELLOW)  # filled with the selection colour


def test_a_selected_point_shows_on_ground_of_the_selection_colour(qapp):
    """Yellow on yellow used to vanish: the dark outline and white halo keep it visible."""
    for image in (render_raster(scene(YELLOW)), render_vector(scene(YELLOW))):
        window = image[38:62, 63:88, :3].astype(int)
        dark = window.max(axis=2) < 90
        white = window.min(axis=2) > 225
        assert dark.sum() >= 16 and white.sum() >= 16  # a ring of each around the marker
        assert tuple(image[50, 75]) == rgba(YELLOW)
        rows, cols = np.nonzero(dark)  # the outline surrounds the centre, it is not a blob beside it
        assert rows.min() < 12 < rows.max() and cols.min() < 12 < cols.max()


def test_selected_points_look_the_same_in_print_and_on_screen(qapp):
    raster, vector = render_raster(scene("#f4f3ef")), render_vector(scene("#f4f3ef"))
    a, b = footprint(raster, 75, "#f4f3ef"), footprint(vector, 75, "#f4f3ef")
    assert abs(width_of(a) - width_of(b)) <= 2
    assert (a != b).sum() <= 0.15 * a.sum()  # only anti-aliased edges and the sprite's pixel snapping differ
