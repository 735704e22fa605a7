"""Print layout: elements present in PDF/SVG/PNG, and a scale bar whose length matches the map as drawn.

The scale bar is checked end to end on the PNG: two survey marks 600 m apart are located in the rendered map,
which gives the metres per pixel independently of the layout's own arithmetic; the bar's measured pixel length
times that must equal the length its label states.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PyQt6.QtGui import QImage
from shapely.geometry import Point

from layers.errors import LayerError
from layers.layer import VectorLayer
from layers.styles import SingleSymbol, Symbol
from tests.export import sample_project as sample
from workbench.export.layout import LayoutOptions
from workbench.export.layout_export import export_layout
from workbench.export.layout_geometry import format_scale

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
needs_poppler = pytest.mark.skipif(not Path(PDFTOTEXT).exists(), reason="poppler-utils is not installed")

MARK_SPACING_M = 600.0
OPTIONS = dict(title="Tianhe small cells", subtitle="Phase 1 rollout", notes="Power upgrades needed on Huacheng Ave.",
               date="2025-03-14", sources="Tianhe synthetic sample")


def with_marks():
    project = sample.make_project()
    y = sample.Y0 + 720
    marks = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[Point(sample.X0 + 200, y),
                                                            Point(sample.X0 + 200 + MARK_SPACING_M, y)], crs=sample.CRS)
    project.add_layer(VectorLayer(marks, "Survey marks", style=SingleSymbol(
        Symbol(fill="#ff00ff", stroke="#ff00ff", size=7.0, marker="square", stroke_width=0.0))))
    return project


def pdf_text(path) -> str:
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def image_array(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits().asarray(image.sizeInBytes()), np.uint8)
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    return rows.reshape(image.height(), image.width(), 3).copy()  # the QImage's memory goes with it


@needs_poppler
def test_pdf_has_every_element_as_real_text(tmp_path, qapp):
    path = tmp_path / "map.pdf"
    info = export_layout(with_marks(), path, LayoutOptions(layout="a4-landscape", **OPTIONS))
    text = pdf_text(path)
    for expected in ("Tianhe small cells", "Phase 1 rollout", "2025-03-14", "Legend", "Lamp poles", "active",
                     "planned", "Roads", "arterial", "Buildings", "200–600 m", "RSRP (dBm)", "Survey marks",
                     "Notes", "Power upgrades needed", "Data: Tianhe synthetic sample", "EPSG:32649", "N",
                     f"{info.scale_bar.label(info.scale_bar.length_m)} {info.scale_bar.unit}",
                     format_scale(info.scale)):
        assert expected in text, expected
    assert "Hidden buildings" not in text
    assert info.legend_missing == 0
    # a round bar no longer than 28 % of the frame, and as long as that allows
    bar = info.scale_bar
    mantissa = bar.length_m / 10 ** np.floor(np.log10(bar.length_m))
    assert mantissa in (1.0, 2.0, 5.0)
    limit = min(info.map_rect_mm[2] * 0.28, 70.0)
    assert bar.length_mm <= limit + 1e-9 and bar.length_mm * {1.0: 2, 2.0: 2.5, 5.0: 2}[mantissa] > limit


def test_svg_keeps_vectors_and_text(tmp_path, qapp):
    path = tmp_path / "map.svg"
    export_layout(with_marks(), path, LayoutOptions(layout="a3-portrait", **OPTIONS))
    svg = path.read_text(encoding="utf-8")
    assert svg.count("<path") > 20
    assert "<text" in svg and "Tianhe small cells" in svg and "arterial" in svg


def test_scale_bar_matches_the_rendered_map(tmp_path, qapp):
    dpi = 150
    path = tmp_path / "map.png"
    info = export_layout(with_marks(), path, LayoutOptions(layout="a4-landscape", dpi=dpi, overview=False,
                                                           **OPTIONS))
    pixels = image_array(path)
    assert pixels.shape[:2] == (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi))
    px_per_mm = dpi / 25.4
    fx, fy, fw, fh = (round(v * px_per_mm) for v in info.map_rect_mm)
    frame = pixels[fy:fy + fh, fx:fx + fw].astype(int)
    magenta = (frame[..., 0] > 200) & (frame[..., 1] < 90) & (frame[..., 2] > 200)
    ys, xs = np.nonzero(magenta)
    left, right = xs < np.median(xs), xs >= np.median(xs)
    distance_px = np.hypot(xs[right].mean() - xs[left].mean(), ys[right].mean() - ys[left].mean())
    metres_per_px = MARK_SPACING_M / distance_px
    # the bar: dark segments and outline on the row through its middle, starting 5 mm inside the frame
    bar = info.scale_bar
    row = round((info.map_rect_mm[1] + info.map_rect_mm[3] - 9.0 - 0.8) * px_per_mm)
    x0 = round((info.map_rect_mm[0] + 5.0 - 1.0) * px_per_mm)
    x1 = round((info.map_rect_mm[0] + 5.0 + bar.length_mm + 3.0) * px_per_mm)
    dark = np.nonzero(pixels[row, x0:x1].astype(int).sum(axis=1) < 500)[0]  # ink, or a thin ink line half-covering
    measured_px = dark.max() - dark.min()
    assert measured_px * metres_per_px == pytest.approx(bar.length_m, rel=0.015)
    assert info.scale == pytest.approx(metres_per_px * px_per_mm * 1000, rel=0.01)


def test_wrong_requests_are_refused_with_their_name(tmp_path, qapp):
    with pytest.raises(ValueError, match="letter"):
        export_layout(sample.make_project(), tmp_path / "a.pdf", LayoutOptions(layout="letter"))
    with pytest.raises(LayerError, match=r"\.jpg"):
        export_layout(sample.make_project(), tmp_path / "a.jpg")
    with pytest.raises(LayerError, match="dpi"):
        export_layout(sample.make_project(), tmp_path / "a.png", LayoutOptions(dpi=5))
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind
