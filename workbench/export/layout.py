"""The print layout: one pure function paints a whole briefing page onto any QPainter.

``compose_layout(painter, page_rect, project, options)`` is shared by the PDF, SVG and PNG exports and by the
live preview in the layout dialog, so what the preview shows is what gets printed. The map itself is drawn by the
same ``MapRenderer`` as the canvas. Landscape pages put legend, overview and notes in a panel on the right;
portrait pages put them under the map.

Example::

    writer = QPdfWriter("map.pdf"); ...; painter = QPainter(writer)
    compose_layout(painter, QRectF(0, 0, writer.width(), writer.height()), project, LayoutOptions(title="Tianhe"))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QPainter

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import Layer, VectorLayer
from workbench.basemap.keys import project_basemap
from workbench.export.layout_elements import (
    ACCENT,
    INK,
    MUTED,
    backing,
    draw_legend,
    draw_north_arrow,
    draw_scale_bar,
    scale_bar_box,
)
from workbench.export.layout_geometry import (
    ScaleBar,
    fit_extent,
    format_scale,
    page_size_mm,
    scale_bar,
    scale_denominator,
    true_north_angle,
)
from workbench.export.legend import data_sources, legend_sections
from workbench.export.paper import PT_PER_MM, Paper

Extent = tuple[float, float, float, float]
#: Width of the legend/overview panel of landscape pages, in mm at A4 type size.
PANEL_MM = 66.0
#: Share of the body that portrait pages give to the legend/overview panel under the map.
BOTTOM_PANEL_SHARE = 0.3
#: Tiles one printed basemap may use: an A4 map frame at 300 dpi needs about 130 at full detail.
PRINT_MAX_TILES = 160


@dataclass
class LayoutOptions:
    """What goes on the page. ``extent`` (project CRS) None means the current view of the project."""

    layout: str = "a4-landscape"
    dpi: int = 300
    title: str | None = None
    subtitle: str = ""
    extent: Extent | None = None
    date: str | None = None
    sources: str | None = None
    attribution: str = QT_TRANSLATE_NOOP("Layout", "Map made with Lamplight")  # translated where printed
    notes: str = ""
    legend: bool = True
    scale_bar: bool = True
    north_arrow: bool = True
    overview: bool = True
    #: Title band and footer (sources, scale, CRS); off when the map is a figure inside a report.
    header: bool = True
    footer: bool = True
    #: A page size in mm instead of the named ``layout``, and the margin (default 10 mm, scaled with the page).
    page_mm: tuple[float, float] | None = None
    margin_mm: float | None = None
    #: Size of type and furniture relative to an A4 page (default: grows with the page's short side).
    type_scale: float | None = None
    #: Draw the project's basemap (View > Basemap, saved in the project) under the layers, when one is chosen.
    basemap: bool = True

    def page_size(self) -> tuple[float, float]:
        return self.page_mm if self.page_mm is not None else page_size_mm(self.layout)


@dataclass
class LayoutInfo:
    """Where things ended up, for the caller (and the tests) to check against."""

    page_mm: tuple[float, float]
    map_rect_mm: tuple[float, float, float, float]
    extent: Extent
    scale: float
    scale_bar: ScaleBar | None
    legend_missing: int
    overview_rect_mm: tuple[float, float, float, float] | None = None
    footer_top_mm: float | None = None  # top of the footer's text


def requested_extent(project, options: LayoutOptions) -> Extent:
    extent = options.extent or project.view_extent or project.full_extent(visible_only=True)
    if extent is None or not np.all(np.isfinite(extent)) or extent[2] <= extent[0] or extent[3] <= extent[1]:
        raise LayerError(project.path, translate("ExportError", "has no visible layer with features and no view "
                                                                "extent; nothing to print"))
    return tuple(float(v) for v in extent)


def side_panel_frame_width(page_width_mm: float, type_scale: float, margin_mm: float) -> float:
    """Width of the map frame on a landscape page with the side panel (to size a map block to its data)."""
    return page_width_mm - 2 * margin_mm - (PANEL_MM + 5.0) * type_scale


def bottom_panel_page_height(frame_height_mm: float, type_scale: float) -> float:
    """Height of a page without header, footer or margins whose map frame, above the panel, is this tall."""
    return (frame_height_mm + 5.0 * type_scale) / (1.0 - BOTTOM_PANEL_SHARE)


def paint_map(paper: Paper, rect_mm: tuple[float, float, float, float], layers: list[Layer], extent: Extent,
              crs, cancelled: Callable[[], bool] | None = None, basemap=None) -> None:
    """The layers drawn by the canvas renderer into a mm rectangle, at the device's resolution, clipped; over
    ``basemap`` (a ``workbench.basemap`` source) when given, which is left out quietly when it cannot be had."""
    from workbench.render import MapRenderer, RenderSettings
    from workbench.render.markers import qcolour

    target = paper.rect(*rect_mm)
    size = (max(1, round(target.width())), max(1, round(target.height())))
    settings = RenderSettings(extent=extent, size=size, crs=crs, dpi=paper.dpi)
    painter = paper.painter
    painter.save()
    painter.setClipRect(target)
    if basemap is not None:
        painter.fillRect(target, qcolour(settings.background))  # the paper colour, under the basemap
        _paint_basemap(painter, target, basemap, extent, size, crs, cancelled or _never)
        settings = RenderSettings(extent=extent, size=size, crs=crs, dpi=paper.dpi, background=None)
    MapRenderer().paint(painter, target, layers, settings, cancelled=cancelled or _never)
    painter.restore()


def _never() -> bool:
    return False


def _paint_basemap(painter: QPainter, target: QRectF, source, extent: Extent, size: tuple[int, int], crs,
                   cancelled: Callable[[], bool]) -> None:
    from workbench.basemap import BasemapUnavailable, render_basemap

    try:
        image, _ = render_basemap(source, extent, size, crs, cancelled=cancelled, max_tiles=PRINT_MAX_TILES)
    except BasemapUnavailable:
        return  # offline and nothing cached: the page is printed without it, as the canvas shows it
    if image is not None:
        painter.drawImage(target, image)


def _frame(paper: Paper, rect_mm: tuple[float, float, float, float], width_pt: float = 0.6) -> None:
    painter = paper.painter
    painter.save()
    painter.setPen(paper.pen("#4d5660", width_pt))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(paper.rect(*rect_mm))
    painter.restore()


def _header(paper: Paper, project, options: LayoutOptions, k: float, margin: float) -> float:
    """Title, subtitle and date across the top; returns the header's bottom in mm."""
    width, _ = paper.page_mm
    title = options.title if options.title is not None else project.title
    when = options.date or printed_date(date.today())
    date_w = paper.text_size(when, 9.0 * k)[0] + 2
    text_w = width - 2 * margin - date_w - 5 * k
    y = margin
    y += paper.text((margin, y, text_w, 14 * k), paper.elide(title, 20.0 * k, text_w, bold=True), 20.0 * k,
                    bold=True)
    if options.subtitle:
        y += 0.6 * k + paper.text((margin, y + 0.6 * k, text_w, 8 * k),
                                  paper.elide(options.subtitle, 11.0 * k, text_w), 11.0 * k, colour=MUTED)
    paper.text((width - margin - date_w, margin + 1.5 * k, date_w, 6 * k), when, 9.0 * k, colour=MUTED,
               align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    y += 2.0 * k
    painter = paper.painter
    painter.save()
    painter.setPen(paper.pen(ACCENT, 1.2 * k))
    painter.drawLine(paper.point(margin, y), paper.point(width - margin, y))
    painter.restore()
    return y + 4.0 * k


def printed_date(day: date) -> str:
    """``day`` as the interface language writes dates (2026-12-07 in English, 2026年12月7日 in Chinese)."""
    return translate("Layout", "{year}-{month:02d}-{day:02d}").format(year=day.year, month=day.month, day=day.day)


#: Stands in for the scale while the footer is measured, before the frame (and so the scale) is known.
_WIDEST_SCALE = "1:00,000,000"


def _footer_texts(project, layers: list[Layer], options: LayoutOptions, scale: float | None) -> tuple[str, str]:
    """Sources and attribution (left) and scale and CRS (right)."""
    sources = options.sources if options.sources is not None else "; ".join(data_sources(layers))
    basemap = project_basemap(project) if options.basemap else None
    credit = basemap.attribution if basemap is not None else ""  # the licence's credit, legible on paper
    data = translate("Layout", "Data: {sources}").format(sources=sources) if sources else ""
    left = ". ".join(part for part in (data, credit, translate("Layout", options.attribution)) if part)
    crs = project.crs
    crs_text = f"{crs.to_string()} ({crs.name})" if crs is not None else ""
    shown = format_scale(scale) if scale is not None else _WIDEST_SCALE
    right = "   ".join(part for part in (translate("Layout", "Scale {scale}").format(scale=shown), crs_text) if part)
    return left, right


def _footer_columns(paper: Paper, project, layers: list[Layer], options: LayoutOptions, k: float, margin: float
                    ) -> tuple[float, float, float]:
    """(left width, right width, height) of the footer in mm, sized for the widest scale so that the height
    measured before the layout is the height drawn after it."""
    width, _ = paper.page_mm
    size = 7.0 * k
    left, right = _footer_texts(project, layers, options, None)
    right_w = min(paper.text_size(right, size)[0] + 2, (width - 2 * margin) * 0.45)
    left_w = width - 2 * margin - right_w - 6 * k
    return left_w, right_w, max(paper.text_size(left, size, width_mm=left_w)[1], size / PT_PER_MM * 1.3)


def _footer(paper: Paper, project, layers: list[Layer], options: LayoutOptions, scale: float, k: float,
            margin: float) -> float:
    """Sources and attribution bottom left, scale and CRS bottom right; returns the footer's top in mm."""
    width, height = paper.page_mm
    size = 7.0 * k
    left, right = _footer_texts(project, layers, options, scale)
    left_w, right_w, footer_h = _footer_columns(paper, project, layers, options, k, margin)
    top = height - margin - footer_h
    paper.text((margin, top, left_w, footer_h + 1), left, size, colour=MUTED, wrap=True)
    paper.text((width - margin - right_w, top, right_w, 6 * k), paper.elide(right, size, right_w), size,
               colour=MUTED, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return top


def _notes(paper: Paper, box: tuple[float, float, float, float], notes: str, k: float) -> float:
    """Free text for the reader, wrapped; returns the height used in mm."""
    if not notes.strip():
        return 0.0
    x, y, w, h = box
    used = paper.text((x, y, w, 6 * k), translate("Layout", "Notes"), 9.0 * k, bold=True)
    painter = paper.painter
    painter.save()
    painter.setClipRect(paper.rect(x, y, w, h))
    used += paper.text((x, y + used + 0.5 * k, w, h - used), notes, 8.0 * k, colour=INK, wrap=True)
    painter.restore()
    return min(used + 0.5 * k, h)


def _notes_height(paper: Paper, notes: str, width: float, k: float) -> float:
    heading = paper.text_size(translate("Layout", "Notes"), 9.0 * k, bold=True)[1]
    return heading + 0.5 * k + paper.text_size(notes, 8.0 * k, width_mm=width)[1] + 1.0 * k


def _overview(paper: Paper, project, layers: list[Layer], box: tuple[float, float, float, float], main: Extent,
              cancelled, *, bottom: bool = False) -> tuple[float, float, float, float] | None:
    """The whole project area with the printed extent outlined, so a reader sees where the map sits; returns the
    box drawn (shaped like the area, within ``box``).

    Only areas, lines and rasters are drawn: points and their labels would be clutter at this size."""
    full = project.full_extent(visible_only=True)
    if full is None:
        return None
    union = (min(full[0], main[0]), min(full[1], main[1]), max(full[2], main[2]), max(full[3], main[3]))
    pad = 0.06 * max(union[2] - union[0], union[3] - union[1])
    union = (union[0] - pad, union[1] - pad, union[2] + pad, union[3] + pad)
    x, y, w, h = box
    aspect = (union[3] - union[1]) / (union[2] - union[0])
    if h > w * aspect:  # no empty band in the box: it takes the area's shape, at the top or bottom of its space
        y, h = (y + h - w * aspect if bottom else y), w * aspect
        box = (x, y, w, h)
    extent = fit_extent(union, w, h)
    painter = paper.painter
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(Qt.GlobalColor.white)
    painter.drawRect(paper.rect(*box))
    painter.restore()
    context = [layer for layer in layers if not (isinstance(layer, VectorLayer) and layer.geometry_type == "point")]
    paint_map(paper, box, context or layers, extent, project.crs, cancelled)
    sx = w / (extent[2] - extent[0])
    sy = h / (extent[3] - extent[1])
    rx, ry = x + (main[0] - extent[0]) * sx, y + (extent[3] - main[3]) * sy
    outline = paper.rect(rx, ry, max((main[2] - main[0]) * sx, 0.8), max((main[3] - main[1]) * sy, 0.8))
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for colour, width_pt in (("#ffffff", 2.8), ("#d7191c", 1.2)):  # a white casing keeps it visible on red rasters
        painter.setPen(paper.pen(colour, width_pt))
        painter.drawRect(outline)
    painter.restore()
    _frame(paper, box, 0.5)
    return box


def furniture_bands(options: LayoutOptions, k: float) -> tuple[float, float]:
    """(top, bottom) heights in mm of the map frame's bands that the north arrow and the scale bar cover."""
    top = 21.0 * k if options.north_arrow else 0.0
    bottom = 15.0 * k if options.scale_bar else 0.0
    return top, bottom


def _clear_of_furniture(wanted: Extent, frame: tuple[float, float, float, float], options: LayoutOptions,
                        k: float) -> Extent:
    """The map extent: ``wanted`` fitted to the frame with room above and below it for the north arrow and the
    scale bar, so they stand on margin and never hide the data asked for."""
    top, bottom = furniture_bands(options, k)
    inner_h = max(frame[3] - top - bottom, frame[3] * 0.5)
    inner = fit_extent(wanted, frame[2], inner_h)
    per_mm = (inner[3] - inner[1]) / inner_h
    return (inner[0], inner[1] - bottom * per_mm, inner[2], inner[3] + top * per_mm)


def compose_layout(painter: QPainter, page_rect: QRectF, project, options: LayoutOptions | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> LayoutInfo:
    """Paint the whole page (title, map, legend, scale bar, north arrow, overview, notes, sources, date)."""
    options = options or LayoutOptions()
    page_mm = options.page_size()
    if project.crs is None:
        raise LayerError(project.path, translate("ExportError", "the project has no coordinate reference system; "
                                                                "add a layer first"))
    layers = [layer for layer in project.layers if layer.visible]
    paper = Paper(painter, page_rect, page_mm)
    painter.save()
    try:
        return _compose(paper, project, layers, options, page_rect, cancelled)
    finally:
        painter.restore()


def _compose(paper: Paper, project, layers: list[Layer], options: LayoutOptions, page_rect: QRectF,
             cancelled: Callable[[], bool] | None) -> LayoutInfo:
    painter = paper.painter
    page_mm = paper.page_mm
    width, height = page_mm
    # everything grows with the page: A3 type is 1.41 x A4 type
    k = options.type_scale if options.type_scale is not None else min(width, height) / 210.0
    margin = 10.0 * k if options.margin_mm is None else options.margin_mm
    gap = 5.0 * k
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(page_rect, Qt.GlobalColor.white)
    wanted = requested_extent(project, options)

    top = _header(paper, project, options, k, margin) if options.header else margin
    has_panel = options.legend or options.overview or bool(options.notes.strip())
    landscape = width > height
    # the footer shows the scale, which needs the frame: measure the footer first (with room for any scale)
    footer_h = _footer_columns(paper, project, layers, options, k, margin)[2] + 3.0 * k if options.footer else 0.0
    body = (margin, top, width - 2 * margin, height - margin - footer_h - top)
    if has_panel and landscape:
        panel_w = PANEL_MM * k
        frame = (body[0], body[1], body[2] - panel_w - gap, body[3])
        panel = (frame[0] + frame[2] + gap, body[1], panel_w, body[3])
    elif has_panel:
        panel_h = body[3] * BOTTOM_PANEL_SHARE
        frame = (body[0], body[1], body[2], body[3] - panel_h - gap)
        panel = (body[0], frame[1] + frame[3] + gap, body[2], panel_h)
    else:
        frame, panel = body, None
    extent = _clear_of_furniture(wanted, frame, options, k)
    scale = scale_denominator(extent, frame[2], project.crs)

    basemap = project_basemap(project) if options.basemap else None
    paint_map(paper, frame, layers, extent, project.crs, cancelled, basemap)
    bar = None
    if options.scale_bar:
        bar = scale_bar(scale, min(frame[2] * 0.28, 70.0 * k))
        origin = (frame[0] + 5.0 * k, frame[1] + frame[3] - 9.0 * k)
        backing(paper, scale_bar_box(paper, origin, bar, 7.0 * k))
        draw_scale_bar(paper, origin, bar, scale, 7.0 * k)
    if options.north_arrow:
        size = 9.0 * k
        centre = (frame[0] + frame[2] - 9.0 * k, frame[1] + 13.0 * k)
        backing(paper, (centre[0] - size * 0.75, centre[1] - size * 1.25, size * 1.5, size * 2.0))
        draw_north_arrow(paper, centre, size, true_north_angle(project.crs, extent))
    _frame(paper, frame, 0.8)

    missing = 0
    overview = None
    if panel is not None:
        px, py, pw, ph = panel
        if landscape:
            overview_h = min(pw * 0.8, ph * 0.4) if options.overview else 0.0
            below_legend = overview_h + (gap if overview_h else 0)
            if options.notes.strip():  # notes sit right above the overview, the legend takes the rest
                notes_box = min(ph * 0.3, _notes_height(paper, options.notes, pw, k))
                _notes(paper, (px, py + ph - below_legend - notes_box, pw, notes_box), options.notes, k)
                below_legend += notes_box + gap
            if options.legend:
                missing = draw_legend(paper, (px, py, pw, ph - below_legend), legend_sections(layers), 8.0 * k,
                                      min_column_mm=30.0 * k)
            if options.overview:
                overview = _overview(paper, project, layers, (px, py + ph - overview_h, pw, overview_h), extent,
                                     cancelled, bottom=True)
        else:
            side_w = min(pw * 0.34, ph * 1.4) if (options.overview or options.notes.strip()) else 0.0
            if options.legend:
                missing = draw_legend(paper, (px, py, pw - side_w - (gap if side_w else 0), ph),
                                      legend_sections(layers), 8.0 * k, min_column_mm=38.0 * k)
            sx = px + pw - side_w
            notes_h = _notes(paper, (sx, py, side_w, min(ph * 0.45, _notes_height(paper, options.notes, side_w, k))),
                             options.notes, k) if options.notes.strip() else 0
            if options.overview:
                oy = py + (notes_h + gap if notes_h else 0)
                overview = _overview(paper, project, layers, (sx, oy, side_w, py + ph - oy), extent, cancelled)
    footer_top = _footer(paper, project, layers, options, scale, k, margin) if options.footer else None
    return LayoutInfo(page_mm, frame, extent, scale, bar, missing, overview, footer_top)
