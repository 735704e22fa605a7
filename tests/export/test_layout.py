"""Print layout: elements present in PDF/SVG/PNG, and a scale bar whose length matches the map as drawn.

The scale bar is checked end to end on the PNG: two survey marks 600 m apart are located in the rendered map,
which gives the metres per pixel independently of the layout's own arithmetic; the bar's measured pixel length
times that must equal the length its label states.
"""

from __future__ import annotations

import re
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


def _frame_strips(info) -> list[tuple[float, float, float, float]]:
    """Page strips (mm) just outside the map frame's left and right edges, along its height."""
    x, y, w, h = info.map_rect_mm
    return [(x - 6.0, y + 2.0, 5.0, h - 4.0), (x + w + 0.8, y + 2.0, 3.0, h - 4.0)]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is not installed")
def test_svg_clips_the_map_to_its_frame(tmp_path, qapp):
    from tests.export.browser import Browser

    # zoomed in: roads, buildings and the RSRP raster reach far past the frame on every side
    path = tmp_path / "map.svg"
    extent = (sample.X0 + 350, sample.Y0 + 300, sample.X0 + 650, sample.Y0 + 500)
    info = export_layout(with_marks(), path, LayoutOptions(layout="a4-landscape", extent=extent, **OPTIONS))
    # A4 landscape at 96 px per inch, as Chromium shows an SVG sized in mm
    with Browser(1123, 794, folder=tmp_path) as browser:
        browser.open(path)
        browser.screenshot(tmp_path / "svg.png")
    pixels = image_array(tmp_path / "svg.png").astype(int)
    px = 96 / 25.4
    for sx, sy, sw, sh in _frame_strips(info):
        strip = pixels[round(sy * px):round((sy + sh) * px), round(sx * px):round((sx + sw) * px)]
        assert strip.size and (strip.min(axis=2) > 245).all(), "map drawn outside its frame"
    x, y, w, h = info.map_rect_mm
    inside = pixels[round((y + 20) * px):round((y + h - 20) * px), round((x + 20) * px):round((x + w - 20) * px)]
    assert (inside.min(axis=2) < 200).mean() > 0.3  # and the map itself is there


@needs_poppler
def test_footer_overview_and_map_do_not_overlap_on_a_portrait_page(tmp_path, qapp):
    # a long sources line wraps to several lines: the panel above must make room for it
    sources = "; ".join(f"district survey layer {i} (municipal open data portal, 2024 edition)" for i in range(8))
    path = tmp_path / "a3.pdf"
    project = with_marks()
    info = export_layout(project, path, LayoutOptions(layout="a3-portrait", title="Tianhe", sources=sources))
    ox, oy, ow, oh = info.overview_rect_mm
    assert oy + oh <= info.footer_top_mm and info.map_rect_mm[1] + info.map_rect_mm[3] <= info.footer_top_mm
    bbox = subprocess.run([PDFTOTEXT, "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    data_top_pt = float(re.search(r'yMin="([\d.]+)"[^>]*>Data:<', bbox).group(1))
    scale_top_pt = float(re.search(r'yMin="([\d.]+)"[^>]*>Scale<', bbox).group(1))
    pt_per_mm = 72 / 25.4
    assert min(data_top_pt, scale_top_pt) >= (oy + oh) * pt_per_mm  # the printed footer starts below the inset
    # the inset takes the shape of the area it shows, no empty band: the project and the printed extent, grown 6 %
    full, main = project.full_extent(visible_only=True), info.extent
    union = (min(full[0], main[0]), min(full[1], main[1]), max(full[2], main[2]), max(full[3], main[3]))
    pad = 0.12 * max(union[2] - union[0], union[3] - union[1])
    assert oh / ow == pytest.approx((union[3] - union[1] + pad) / (union[2] - union[0] + pad), rel=1e-6)


def test_overview_outline_stays_visible_on_a_red_raster(tmp_path, qapp):
    from affine import Affine

    from layers.layer import RasterLayer
    from layers.styles import default_style
    from workbench.export.layout_geometry import fit_extent

    project = sample.make_project()
    for layer in project.layers:
        layer.visible = False
    red = RasterLayer(np.full((40, 50), -130.0, np.float32), Affine(20, 0, sample.X0, 0, -20, sample.Y0 + 800),
                      sample.CRS, name="Weak RSRP", metadata={"quantity": "rsrp", "unit": "dBm"})
    red.style = default_style(red)  # below -120 dBm: the ramp's red end
    project.add_layer(red)
    dpi = 200
    path = tmp_path / "map.png"
    extent = (sample.X0 + 300, sample.Y0 + 250, sample.X0 + 700, sample.Y0 + 550)
    info = export_layout(project, path, LayoutOptions(layout="a4-landscape", dpi=dpi, extent=extent, legend=False))
    pixels = image_array(path).astype(int)
    px = dpi / 25.4
    ox, oy, ow, oh = info.overview_rect_mm
    full = (sample.X0, sample.Y0, sample.X0 + 1000, sample.Y0 + 800)
    pad = 0.06 * 1000
    shown = fit_extent((full[0] - pad, full[1] - pad, full[2] + pad, full[3] + pad), ow, oh)
    to_px = ow / (shown[2] - shown[0]) * px
    left, top = (ox + (full[0] - shown[0]) * ow / (shown[2] - shown[0])) * px, (oy + (shown[3] - full[3]) *
                                                                                 oh / (shown[3] - shown[1])) * px
    raster = pixels[round(top) + 3:round(top + 800 * to_px) - 3, round(left) + 3:round(left + 1000 * to_px) - 3]
    white = (raster.min(axis=2) > 235).sum()
    assert white > 4 * 400 * to_px  # a white casing along the outline's ~1,400 m perimeter, not only red on red


def test_the_data_asked_for_stays_clear_of_the_scale_bar_and_north_arrow(tmp_path, qapp):
    """A layer filling exactly the requested extent is drawn (found by its colour in the PNG) between the north
    arrow's box at the top of the frame and the scale bar's at the bottom, never under them."""
    from shapely.geometry import box

    project = sample.make_project()
    for layer in project.layers:
        layer.visible = False
    wanted = (sample.X0 + 100, sample.Y0 + 100, sample.X0 + 2100, sample.Y0 + 1300)  # wider than the frame
    project.add_layer(VectorLayer(gpd.GeoDataFrame(geometry=[box(*wanted)], crs=sample.CRS), "Area",
                                  style=SingleSymbol(Symbol(fill="#ff00ff", stroke="#ff00ff", stroke_width=0.0))))
    dpi = 100
    info = export_layout(project, tmp_path / "map.png", LayoutOptions(layout="a4-landscape", dpi=dpi, extent=wanted,
                                                                      legend=False, overview=False))
    pixels = image_array(tmp_path / "map.png").astype(int)
    rows = np.nonzero(((pixels[..., 0] > 200) & (pixels[..., 1] < 90) & (pixels[..., 2] > 200)).any(axis=1))[0]
    px_per_mm = dpi / 25.4
    frame_top, frame_bottom = info.map_rect_mm[1], info.map_rect_mm[1] + info.map_rect_mm[3]
    arrow_box_bottom = frame_top + 13.0 + 0.75 * 9.0  # the north arrow's backing (layout._compose)
    bar_top = frame_bottom - 9.0 - 4.0  # the scale bar's backing reaches about 4 mm above its origin
    assert rows.min() / px_per_mm > arrow_box_bottom and rows.max() / px_per_mm < bar_top
