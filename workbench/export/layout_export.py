"""Write a print layout to PDF, SVG or PNG: the same ``compose_layout`` painted on three kinds of device.

PDF (QPdfWriter) and SVG (QSvgGenerator) keep vector geometry and real, selectable text; PNG is rendered at the
chosen dpi. The SVG is SVG 1.1, not Qt's default SVG Tiny 1.2, which cannot clip: features reaching past the map
frame would be drawn over the margins, the legend and the footer. Files are written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PyQt6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PyQt6.QtSvg import QSvgGenerator

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from workbench.export.files import check_target
from workbench.export.layout import LayoutInfo, LayoutOptions, compose_layout
from workbench.export.layout_geometry import MM_PER_INCH
from workbench.export.progress import ExportCancelled
from workbench.export.qt_app import ensure_gui_application

LAYOUT_SUFFIXES = (".pdf", ".svg", ".png")


def page_pixels(page_mm: tuple[float, float], dpi: float) -> tuple[int, int]:
    width_mm, height_mm = page_mm
    return round(width_mm / MM_PER_INCH * dpi), round(height_mm / MM_PER_INCH * dpi)


def _paint(device, page_rect: QRectF, project, options: LayoutOptions, cancelled, target: Path | None) -> LayoutInfo:
    """Compose the page on ``device``; a device Qt cannot draw on is reported against ``target``."""
    painter = QPainter()
    if not painter.begin(device):
        if isinstance(device, QImage):
            problem = translate("ExportError", "a page image of {width} x {height} pixels could not be made (not "
                                               "enough memory?); choose a lower dpi than {dpi}").format(
                width=device.width(), height=device.height(), dpi=options.dpi)
        else:
            problem = translate("ExportError", "could not open the file for writing")
        raise LayerError(target, problem)
    try:
        return compose_layout(painter, page_rect, project, options, cancelled=cancelled)
    finally:
        painter.end()


def pdf_writer(path: Path, page_mm: tuple[float, float], dpi: int, title: str) -> QPdfWriter:
    """A one-page PDF writer of exactly ``page_mm`` with no printer margins."""
    writer = QPdfWriter(str(path))
    writer.setResolution(int(dpi))
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(*page_mm), QPageSize.Unit.Millimeter, "Lamplight"),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("Lamplight")
    return writer


def _write_pdf(temp: Path, target: Path, project, options: LayoutOptions, cancelled) -> LayoutInfo:
    page_mm = options.page_size()
    writer = pdf_writer(temp, page_mm, options.dpi, options.title or project.title)
    width, height = page_pixels(page_mm, options.dpi)
    return _paint(writer, QRectF(0, 0, width, height), project, options, cancelled, target)


def _write_svg(temp: Path, target: Path, project, options: LayoutOptions, cancelled) -> LayoutInfo:
    width, height = page_pixels(options.page_size(), options.dpi)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)  # SVG Tiny 1.2 has no clip paths: the map would spill
    generator.setFileName(str(temp))
    generator.setResolution(int(options.dpi))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(options.title or project.title)
    generator.setDescription(translate("LayoutExport", "Map made with Lamplight"))
    return _paint(generator, QRectF(0, 0, width, height), project, options, cancelled, target)


def _blank_image(options: LayoutOptions) -> QImage:
    width, height = page_pixels(options.page_size(), options.dpi)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    dots_per_metre = round(options.dpi / MM_PER_INCH * 1000)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(0xFFFFFFFF)
    return image


def _write_png(temp: Path, target: Path, project, options: LayoutOptions, cancelled) -> LayoutInfo:
    image = _blank_image(options)
    info = _paint(image, QRectF(0, 0, image.width(), image.height()), project, options, cancelled, target)
    if not image.save(str(temp), "PNG"):
        raise LayerError(target, translate("ExportError", "could not write the PNG image (is the disk full?)"))
    return info


def layout_image(project, options: LayoutOptions, *, cancelled: Callable[[], bool] | None = None) -> QImage:
    """The page as an image at ``options.dpi`` (for reports, previews and thumbnails)."""
    ensure_gui_application()
    image = _blank_image(options)
    _paint(image, QRectF(0, 0, image.width(), image.height()), project, options, cancelled, None)
    return image


_WRITERS = {".pdf": _write_pdf, ".svg": _write_svg, ".png": _write_png}


def export_layout(project, path: str | os.PathLike, options: LayoutOptions | None = None, *,
                  cancelled: Callable[[], bool] | None = None) -> LayoutInfo:
    """Write the page for ``project`` to ``path`` (.pdf, .svg or .png, chosen by the suffix)."""
    options = options or LayoutOptions()
    target = check_target(path, LAYOUT_SUFFIXES)
    options.page_size()  # a wrong layout name fails before any file is touched
    if not 36 <= options.dpi <= 1200:
        raise LayerError(target, translate("ExportError", "dpi must be between 36 and 1200, got {dpi}").format(
            dpi=options.dpi))
    ensure_gui_application()
    result: list[LayoutInfo] = []

    def write(temp: Path) -> None:
        result.append(_WRITERS[target.suffix.lower()](temp, target, project, options, cancelled))
        if cancelled is not None and cancelled():
            raise ExportCancelled("export cancelled")

    write_atomically(target, write)
    return result[0]
