"""Vector outputs stay vector (paths and text in SVG and PDF) and renders off the GUI thread match on-thread ones."""

from __future__ import annotations

import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PyQt6.QtCore import QRectF, QSize, QSizeF
from PyQt6.QtGui import QImage, QPageSize, QPainter, QPdfWriter
from PyQt6.QtSvg import QSvgGenerator
from shapely.geometry import LineString, Point, box

from layers.styles import Labels, Sectors, SingleSymbol, Symbol
from tests.render.scenes import X0, Y0, layer, pixels, settings
from workbench.render import MapRenderer

SVG = "{http://www.w3.org/2000/svg}"


def scene():
    blocks = layer([box(X0 + 10, Y0 + 10, X0 + 40, Y0 + 30), box(X0 + 60, Y0 + 60, X0 + 90, Y0 + 85)],
                   title="blocks", name=["North Block", "South Block"])
    blocks.style = SingleSymbol(Symbol(fill="#d3c9b8", stroke="#857a6b", stroke_width=0.5),
                                labels=Labels("name", size=8.0, min_scale=None))
    road = layer([LineString([(X0, Y0 + 50), (X0 + 100, Y0 + 45)])], title="roads")
    road.style = SingleSymbol(Symbol(stroke="#e8893a", stroke_width=2.0))
    sites = layer([Point(X0 + 50, Y0 + 70), Point(X0 + 20, Y0 + 80)], title="sites", azimuths=["0,180", "90"])
    sites.style = SingleSymbol(Symbol(fill="#0072bc", marker="triangle", size=7.0), sectors=Sectors())
    return [blocks, road, sites]


def test_svg_holds_paths_and_label_text(qapp, tmp_path):
    target = tmp_path / "map.svg"
    generator = QSvgGenerator()
    generator.setFileName(str(target))
    generator.setSize(QSize(400, 400))
    generator.setViewBox(QRectF(0, 0, 400, 400))
    painter = QPainter(generator)
    MapRenderer().paint(painter, QRectF(0, 0, 400, 400), scene(), settings(size=400))
    painter.end()
    root = ET.parse(target).getroot()
    assert len(root.findall(f".//{SVG}path")) >= 4  # polygons, road, wedges, markers as outlines
    assert not root.findall(f".//{SVG}image")  # nothing was rasterised
    texts = "".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "North Block" in texts and "South Block" in texts


@pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdfimages"), reason="needs poppler-utils")
def test_pdf_holds_text_and_no_images(qapp, tmp_path):
    target = tmp_path / "map.pdf"
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QSizeF(100, 100), QPageSize.Unit.Millimeter))
    writer.setResolution(300)
    painter = QPainter(writer)
    area = QRectF(0, 0, writer.width(), writer.height())
    MapRenderer().paint(painter, area, scene(), settings(size=int(area.width()), dpi=300))
    painter.end()
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "North Block" in text and "South Block" in text
    images = subprocess.run(["pdfimages", "-list", str(target)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2  # header lines only: the map is all vector


def test_paint_into_a_sub_rectangle_matches_render_image(qapp):
    renderer = MapRenderer()
    reference = pixels(renderer.render_image(scene(), settings(size=100)))
    canvas = QImage(300, 200, QImage.Format.Format_ARGB32_Premultiplied)
    canvas.fill(0)
    painter = QPainter(canvas)
    renderer.paint(painter, QRectF(150, 50, 100, 100), scene(), settings(size=100))
    painter.end()
    placed = pixels(canvas)
    assert np.abs(placed[50:150, 150:250].astype(int) - reference.astype(int)).max() <= 2
    assert (placed[:, :150, 3] == 0).all()  # nothing outside the target rectangle


def test_render_from_a_worker_thread_matches_the_gui_thread(qapp):
    renderer = MapRenderer()
    here = pixels(renderer.render_image(scene(), settings(size=150)))
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("image", MapRenderer().render_image(
        scene(), settings(size=150))))
    worker.start()
    worker.join(timeout=60)
    there = pixels(result["image"])
    assert np.abs(here.astype(int) - there.astype(int)).max() <= 2
