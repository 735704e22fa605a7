"""Sector wedges point along their azimuth; labels appear with their text and never overlap."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from shapely.geometry import LineString, Point

from layers.styles import Labels, Sectors, SingleSymbol, Symbol
from tests.render.scenes import BACKGROUND, X0, Y0, at, layer, pixels, rgba, settings
from workbench.render import MapRenderer
from workbench.render.labels import LabelJob, draw_labels, place_labels


def site(azimuths: str):
    sites = layer([Point(X0 + 50, Y0 + 50)], title="sites", azimuths=[azimuths], beamwidth_deg=[60.0])
    sites.style = SingleSymbol(Symbol(fill="#0072bc", size=3.0, stroke="#00000000", stroke_width=0),
                               sectors=Sectors(length=30.0))  # 40 px wedges
    return sites


@pytest.mark.parametrize("azimuth,towards,away", [("0", (50, 80), (50, 20)), ("90", (80, 50), (20, 50)),
                                                  ("180", (50, 20), (50, 80)), ("270", (20, 50), (80, 50))])
def test_sector_wedge_points_at_its_azimuth(qapp, azimuth, towards, away):
    image = MapRenderer().render_image([site(azimuth)], settings())
    assert at(image, *towards) != rgba(BACKGROUND)
    assert at(image, *away) == rgba(BACKGROUND)


def test_every_azimuth_gets_a_wedge_and_omni_sites_none(qapp):
    image = MapRenderer().render_image([site("0,120,240")], settings())
    # 120 deg is east-south-east: 25 px along that bearing from the site
    for bearing in (0.0, 120.0, 240.0):
        dx, dy = 25 * np.sin(np.radians(bearing)), 25 * np.cos(np.radians(bearing))
        assert at(image, 50 + dx, 50 + dy) != rgba(BACKGROUND)
    assert at(image, 50, 25) == rgba(BACKGROUND)  # due south lies between the 120 and 240 wedges
    omni = MapRenderer().render_image([site("")], settings())
    assert at(omni, 50, 75) == rgba(BACKGROUND)


def test_labels_appear_in_the_label_colour(qapp):
    schools = layer([Point(X0 + 30, Y0 + 50)], title="schools", name=["W"])
    schools.style = SingleSymbol(Symbol(size=4.0), labels=Labels("name", size=14.0, colour="#ff0000",
                                                                 halo=None, min_scale=None))
    image = pixels(MapRenderer().render_image([schools], settings(size=200)))
    red = (image[:, :, 0] > 200) & (image[:, :, 1] < 60) & (image[:, :, 2] < 60)
    rows, cols = np.nonzero(red)
    assert len(rows) > 20
    # right of the marker (at x=60 px, y=100 px), vertically centred on it
    assert cols.min() > 60 and cols.max() < 100 and abs(rows.mean() - 100) < 6


def test_labels_hide_beyond_their_scale(qapp):
    schools = layer([Point(X0 + 30, Y0 + 50)], title="schools", label=["School"])
    schools.style = SingleSymbol(Symbol(fill="#00000000", stroke="#00000000"),
                                 labels=Labels("label", colour="#ff0000", min_scale=1000.0))  # view is ~1:3780
    image = pixels(MapRenderer().render_image([schools], settings()))
    assert not ((image[:, :, 0] > 200) & (image[:, :, 1] < 60)).any()


def test_crowded_labels_do_not_overlap(qapp):
    rng = np.random.default_rng(5)
    xs, ys = rng.uniform(10, 190, 300), rng.uniform(10, 190, 300)
    job = LabelJob(Labels("name", size=9.0), [f"Pole {i}" for i in range(300)], xs, ys,
                   np.full(300, np.nan), np.full(300, 3.0))
    image = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    placed = place_labels(painter, [job], 200, 200, 96.0)
    painter.end()
    assert 5 < len(placed) < 300  # some fit, the rest are dropped rather than overlapping
    boxes = []
    for label in placed:
        metrics = QFontMetricsF(label.font, image)
        box = QRectF(label.anchor_x + label.x, label.anchor_y + label.y - metrics.ascent(),
                     metrics.horizontalAdvance(label.text), metrics.ascent() + metrics.descent())
        assert QRectF(0, 0, 200, 200).contains(box)
        boxes.append(box)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.intersects(b)


def test_line_labels_follow_the_line(qapp):
    roads = layer([LineString([(X0 + 10, Y0 + 10), (X0 + 90, Y0 + 90)])], title="roads", name=["Tianhe Road"])
    roads.style = SingleSymbol(Symbol(stroke="#cccccc", stroke_width=1.0),
                               labels=Labels("name", size=10.0, colour="#ff0000", halo=None, min_scale=None))
    image = pixels(MapRenderer().render_image([roads], settings(size=200)))
    red = (image[:, :, 0] > 200) & (image[:, :, 1] < 80) & (image[:, :, 2] < 80)
    rows, cols = np.nonzero(red)
    slope = np.polyfit(cols, rows, 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.2)  # rising to the north-east: 45 degrees on screen


@pytest.mark.parametrize("angle", [None, 0.6])
def test_label_halos_match_a_stroked_outline_of_the_text(qapp, angle):
    """On images the halo is the text's ink dilated by the halo radius; it must cover what Qt's stroke of the text
    outline (pen twice the radius wide, round joins: the vector-output halo) covers."""
    labels = Labels("name", size=12.0, colour="#000000", halo="#ffffff", min_scale=None)
    job = LabelJob(labels, ["Huacheng Avenue"], np.array([100.0]), np.array([100.0]),
                   np.array([np.nan if angle is None else angle]), np.array([0.0]))
    image = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    placed = place_labels(painter, [job], 200, 200, 96.0)
    draw_labels(painter, placed, 96.0)
    painter.end()
    [label] = placed
    reference = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    reference.fill(QColor("#000000"))
    painter = QPainter(reference)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(label.anchor_x, label.anchor_y)
    painter.rotate(label.angle_deg)
    path = QPainterPath()
    path.addText(QPointF(label.x, label.y), label.font, label.text)
    pen = QPen(QColor("#ffffff"), 2 * max(1.0, 0.14 * 12.0 * 96 / 72))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.strokePath(path, pen)
    painter.setPen(QColor("#000000"))
    painter.setFont(label.font)
    painter.drawText(QPointF(label.x, label.y), label.text)
    painter.end()
    ours, theirs = (pixels(i)[:, :, 0].astype(int) for i in (image, reference))
    assert theirs.sum() > 255 * 300  # a real halo
    assert abs(ours.sum() / theirs.sum() - 1) < 0.1
    halo_ours, halo_theirs = ours > 128, theirs > 128
    assert (halo_ours & halo_theirs).sum() / (halo_ours | halo_theirs).sum() > 0.85
