"""The PDF report, painted page by page with QPainter on a QPdfWriter (A4 portrait).

Page 1: title, key figures and the map (drawn by the canvas renderer through the print layout, so vector);
page 2: the charts (matplotlib SVG replayed by QSvgRenderer, so vector with real text) and the run details;
then the site table, continued over as many pages as it needs with its heading repeated; last, the scenarios
compared (``report_scenarios``) when the project has two or more.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PyQt6.QtCore import QByteArray, QRectF, Qt
from PyQt6.QtGui import QPainter
from PyQt6.QtSvg import QSvgRenderer

from layers.errors import LayerError
from layers.i18n import translate
from workbench.export.layout import compose_layout
from workbench.export.layout_elements import ACCENT, INK, MUTED
from workbench.export.layout_export import page_pixels, pdf_writer
from workbench.export.layout_geometry import MM_PER_INCH
from workbench.export.legend import data_sources
from workbench.export.paper import PT_PER_MM, Paper, qcolor
from workbench.export.progress import Progress
from workbench.export.qt_app import ensure_gui_application
from workbench.export.report import ReportOptions, charts, map_block_height, map_block_options, report_notes
from workbench.export.report_charts import figure_svg
from workbench.export.report_data import ReportData
from workbench.export.report_runs import run_details
from workbench.export.report_scenarios import scenario_table, scenario_title
from workbench.export.report_table import Table, site_table_rows

PAGE_MM = (210.0, 297.0)
MARGIN = 16.0
WIDTH = PAGE_MM[0] - 2 * MARGIN
BOTTOM = PAGE_MM[1] - 16.0  # content stops here; the page footer sits below
DPI = 300
TABLE_PT = 8.5
ROW_MM = 5.6
CHART_MM = {"curve": (87.0, 62.0), "phases": (87.0, 62.0), "rsrp": (WIDTH, 68.0)}


def _inches(size_mm: tuple[float, float]) -> tuple[float, float]:
    return (size_mm[0] / MM_PER_INCH, size_mm[1] / MM_PER_INCH)


def _rule(paper: Paper, y: float, colour: str = ACCENT, width_pt: float = 1.2) -> None:
    painter = paper.painter
    painter.save()
    painter.setPen(paper.pen(colour, width_pt))
    painter.drawLine(paper.point(MARGIN, y), paper.point(MARGIN + WIDTH, y))
    painter.restore()


HEADING_H = 8.0  # mm: a 13 pt section heading and the space under it


def _heading(paper: Paper | None, y: float, text: str) -> float:
    """Draw a section heading (or, with no paper, only work out where the section starts)."""
    if paper is not None:
        paper.text((MARGIN, y, WIDTH, HEADING_H), text, 13.0, bold=True)
    return y + HEADING_H


KICKER_H, TITLE_H, PATH_H = 4.5, 9.5, 5.0  # mm: line heights of 8 pt, 20 pt and 9.5 pt type
TILES_PER_ROW, TILE_GAP, TILE_H = 5, 3.0, 19.5


def _title_block_height(project) -> float:
    return MARGIN + KICKER_H + TITLE_H + (PATH_H if project.path is not None else 0.0) + 3.0 + 5.0


def _title_block(paper: Paper, project, data: ReportData, options: ReportOptions) -> float:
    y = MARGIN
    kicker = (options.subtitle or translate("ReportPdf", "Briefing report")).upper()
    paper.text((MARGIN, y, WIDTH - 40, KICKER_H), paper.elide(kicker, 8.0, WIDTH - 40, bold=True), 8.0,
               colour=ACCENT, bold=True)
    paper.text((MARGIN + WIDTH - 40, MARGIN, 40, 6), data.date, 9.0, colour=MUTED,
               align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    y += KICKER_H
    paper.text((MARGIN, y, WIDTH, TITLE_H), paper.elide(data.title, 20.0, WIDTH, bold=True), 20.0, bold=True)
    y += TITLE_H
    if project.path is not None:
        paper.text((MARGIN, y, WIDTH, PATH_H), paper.elide(project.path.name, 9.5, WIDTH), 9.5, colour=MUTED)
        y += PATH_H
    y += 3.0
    _rule(paper, y)
    return y + 5.0


def _figures_height(data: ReportData) -> float:
    rows = math.ceil(len(data.figures) / TILES_PER_ROW)
    return rows * TILE_H + (rows - 1) * TILE_GAP + 6.0 if rows else 0.0


def _figures(paper: Paper, y: float, data: ReportData) -> float:
    tile_w = (WIDTH - TILE_GAP * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    painter = paper.painter
    for i, figure in enumerate(data.figures):
        x = MARGIN + (i % TILES_PER_ROW) * (tile_w + TILE_GAP)
        ty = y + (i // TILES_PER_ROW) * (TILE_H + TILE_GAP)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(qcolor("#eef3f8"))
        painter.drawRoundedRect(paper.rect(x, ty, tile_w, TILE_H), paper.mm(1.5), paper.mm(1.5))
        painter.restore()
        paper.text((x + 3, ty + 2.0, tile_w - 6, 8), paper.elide(figure.value, 15.0, tile_w - 6, bold=True), 15.0,
                   colour=ACCENT, bold=True)
        label_pt = 7.5    # shrink a long label ("Weighted demand covered") before cutting it
        while label_pt > 5.5 and paper.text_size(figure.label, label_pt)[0] > tile_w - 6:
            label_pt -= 0.5
        paper.text((x + 3, ty + 10.8, tile_w - 6, 4), paper.elide(figure.label, label_pt, tile_w - 6), label_pt,
                   colour=INK)
        if figure.note:
            paper.text((x + 3, ty + 14.4, tile_w - 6, 4), paper.elide(figure.note, 6.5, tile_w - 6), 6.5,
                       colour=MUTED)
    return y + _figures_height(data)


@dataclass
class _SummaryPlan:
    """Heights on page 1, worked out before drawing so the page count is known for the footers."""

    top: float  # below the key figures
    caption: str
    caption_h: float
    notes: str
    notes_h: float
    map_h: float
    charts_y: float | None  # where the small charts go on page 1, None when they do not fit there


def _plan_summary(paper: Paper, project, data: ReportData, options: ReportOptions, small_charts: bool
                  ) -> _SummaryPlan:
    top = _title_block_height(project) + _figures_height(data)
    notes = " ".join(report_notes(data, options))
    sources = options.sources if options.sources is not None else "; ".join(data_sources(project.layers))
    caption = translate("ReportPdf", "Map of the visible layers. Data: {sources}.").format(sources=sources) if sources \
        else translate("ReportPdf", "Map of the visible layers.")
    caption_h = paper.text_size(caption, 7.5, width_mm=WIDTH)[1] + 1.5
    notes_h = paper.text_size(notes, 8.5, width_mm=WIDTH - 8)[1] + 6 if notes else 0.0
    room = BOTTOM - top - caption_h - (notes_h + 4 if notes else 0)
    if room < 60:
        raise LayerError(project.path, "the report's notes are too long to leave room for the map on page 1")
    map_h = map_block_height(project, options, WIDTH, room)
    below = top + map_h + caption_h + (notes_h + 4 if notes else 0) + 6
    fits = small_charts and BOTTOM - below >= CHART_MM["curve"][1]
    return _SummaryPlan(top, caption, caption_h, notes, notes_h, map_h, below if fits else None)


def _summary_page(paper: Paper, project, data: ReportData, options: ReportOptions, plan: _SummaryPlan,
                  figures: dict, steps: Progress) -> None:
    y = _title_block(paper, project, data, options)
    y = _figures(paper, y, data)
    compose_layout(paper.painter, paper.rect(MARGIN, y, WIDTH, plan.map_h), project,
                   map_block_options(options, (WIDTH, plan.map_h), DPI), cancelled=steps.is_cancelled)
    steps.check()
    y += plan.map_h + 1.5
    y += paper.text((MARGIN, y, WIDTH, plan.caption_h), plan.caption, 7.5, colour=MUTED, wrap=True)
    if plan.notes:
        y += 4
        painter = paper.painter
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(qcolor("#fff8e5"))
        painter.drawRect(paper.rect(MARGIN, y, WIDTH, plan.notes_h))
        painter.setBrush(qcolor("#e6ab02"))
        painter.drawRect(paper.rect(MARGIN, y, 1.2, plan.notes_h))
        painter.restore()
        paper.text((MARGIN + 5, y + 3, WIDTH - 8, plan.notes_h - 4), plan.notes, 8.5, wrap=True)
    if plan.charts_y is not None:
        _small_charts(paper, plan.charts_y, figures)


def _draw_svg(paper: Paper, svg: bytes, rect_mm: tuple[float, float, float, float]) -> None:
    renderer = QSvgRenderer(QByteArray(svg))
    renderer.render(paper.painter, paper.rect(*rect_mm))


SMALL_CHARTS = ("curve", "phases")


def _small_charts(paper: Paper, y: float, figures: dict) -> float:
    """Coverage curve and sites per phase side by side; returns the y below them."""
    row = [name for name in SMALL_CHARTS if name in figures]
    for i, name in enumerate(row):
        w, h = CHART_MM[name]
        _draw_svg(paper, figure_svg(figures[name]), (MARGIN + i * (WIDTH - w), y, w, h))
    return y + CHART_MM["curve"][1] + 5 if row else y


RUN_LINE = 8.5 / PT_PER_MM * 1.45
RUN_INDENT = 4.0
#: The run details' name column fits its longest name ("Time limit for the exact solver [s]") within these bounds.
RUN_KEYS_MM = (50.0, 80.0)


def _run_key_width(paper: Paper, details: list[tuple[str, str]]) -> float:
    widest = max(paper.text_size(key.strip(), 8.5)[0] + (RUN_INDENT if key.startswith("  ") else 0.0)
                 for key, _ in details)
    return min(max(widest + 3.0, RUN_KEYS_MM[0]), RUN_KEYS_MM[1])


def _charts_page(paper: Paper | None, data: ReportData, figures: dict, small_done: bool) -> float:
    """Charts left for page 2 and the runs described; returns where the page's content ends. With no paper
    nothing is drawn: the same steps only measure, so the site table can follow when it fits."""
    y = MARGIN
    if not small_done or "rsrp" in figures:
        y = _heading(paper, y, translate("ReportPdf", "Charts"))
    if not small_done:
        y = _small_charts(paper, y, figures) if paper is not None else y + CHART_MM["curve"][1] + 5
    if "rsrp" in figures:
        w, h = CHART_MM["rsrp"]
        if paper is not None:
            _draw_svg(paper, figure_svg(figures["rsrp"]), (MARGIN, y, w, h))
        y += h + 5
    details = run_details(data)
    if details:
        y = _heading(paper, y + 2, translate("ReportPdf", "Runs"))
        keys = _run_key_width(paper, details) if paper is not None else 0.0
        for key, value in details:
            if y + RUN_LINE > BOTTOM:
                break
            if paper is not None:
                indent = RUN_INDENT if key.startswith("  ") else 0.0
                paper.text((MARGIN + indent, y, keys - indent, RUN_LINE),
                           paper.elide(key.strip(), 8.5, keys - indent - 2), 8.5, colour=MUTED)
                paper.text((MARGIN + keys, y, WIDTH - keys, RUN_LINE), paper.elide(value, 8.5, WIDTH - keys), 8.5)
            y += RUN_LINE
    return y


def _column_widths(paper: Paper, table: Table) -> list[float]:
    widths = []
    for c, heading in enumerate(table.headings):
        texts = [heading] + [row[c] for row in table.rows[:400]]
        widths.append(max(paper.text_size(t, TABLE_PT, bold=(t is heading))[0] for t in texts) + 4.0)
    total = sum(widths)
    return [w * WIDTH / total for w in widths] if total > WIDTH else [w + (WIDTH - total) / len(widths)
                                                                      for w in widths]


def _table_page(paper: Paper, table: Table, rows: range, first: bool, top: float = MARGIN,
                title: str | None = None) -> None:
    if title is None:
        title = translate("ReportPdf", "Selected sites ({count})").format(count=len(table.rows)) if first else \
            translate("ReportPdf", "Selected sites (continued, from row {row})").format(row=rows.start + 1)
    y = _heading(paper, top, title)
    widths = _column_widths(paper, table)
    painter = paper.painter

    def cells(values: list[str], top: float, bold: bool, colour: str) -> None:
        x = MARGIN
        for value, width, numeric in zip(values, widths, table.numeric, strict=True):
            align = (Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft) | \
                Qt.AlignmentFlag.AlignVCenter
            paper.text((x + 2, top, width - 4, ROW_MM), paper.elide(value, TABLE_PT, width - 4, bold=bold), TABLE_PT,
                       bold=bold, colour=colour, align=align)
            x += width

    cells(table.headings, y, True, INK)
    y += ROW_MM
    _rule(paper, y, ACCENT, 1.0)
    for i in rows:
        if (i - rows.start) % 2 == 1:
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(qcolor("#f3f6f9"))
            painter.drawRect(paper.rect(MARGIN, y, WIDTH, ROW_MM))
            painter.restore()
        cells(table.rows[i], y, False, INK)
        y += ROW_MM


def _rows_fitting(top: float) -> int:
    """Table rows that fit below a heading and the column headings starting at ``top``."""
    return max(0, int((BOTTOM - (top + HEADING_H + ROW_MM)) // ROW_MM))


def _footer(paper: Paper, data: ReportData, page: int, pages: int) -> None:
    y = PAGE_MM[1] - 11.0
    _rule(paper, y - 1.5, "#d5dbe1", 0.5)
    left = translate("ReportPdf", "Lamplight briefing report · {title}").format(title=data.title)
    paper.text((MARGIN, y, WIDTH * 0.75, 5), paper.elide(left, 7.5, WIDTH * 0.75), 7.5, colour=MUTED)
    right = translate("ReportPdf", "Page {page} of {pages}").format(page=page, pages=pages)
    paper.text((MARGIN + WIDTH * 0.75, y, WIDTH * 0.25, 5), right, 7.5, colour=MUTED,
               align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)


def write_report_pdf(temp: Path, project, data: ReportData, options: ReportOptions, steps: Progress) -> None:
    ensure_gui_application()
    writer = pdf_writer(temp, PAGE_MM, DPI, data.title)
    width, height = page_pixels(PAGE_MM, DPI)
    figures = charts(data, {name: _inches(size) for name, size in CHART_MM.items()})
    painter = QPainter()
    if not painter.begin(writer):
        raise LayerError(temp, "could not start writing the PDF")
    try:
        plan = _plan_summary(Paper(painter, QRectF(0, 0, width, height), PAGE_MM), project, data, options,
                             any(name in figures for name in SMALL_CHARTS))
        pages = _pages(project, data, options, plan, figures, steps)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for number, draw in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            paper = Paper(painter, QRectF(0, 0, width, height), PAGE_MM)
            draw(paper)
            _footer(paper, data, number, len(pages))
            steps.check()
            steps.report(10 + 90 * number / len(pages))
    finally:
        painter.end()


def _pages(project, data: ReportData, options: ReportOptions, plan: _SummaryPlan, figures: dict,
           steps: Progress) -> list[Callable[[Paper], None]]:
    """One drawing function per page: summary, charts and runs (when any are left), the site table."""
    pages: list[Callable[[Paper], None]] = [
        lambda paper: _summary_page(paper, project, data, options, plan, figures, steps)]
    small_done = plan.charts_y is not None
    charts_page = "rsrp" in figures or bool(run_details(data)) or (bool(figures) and not small_done)
    table = site_table_rows(data.sites) if data.sites is not None and len(data.sites) else None
    shared_top = _charts_page(None, data, figures, small_done) + 6.0 if charts_page else None
    shares_page = table is not None and shared_top is not None and _rows_fitting(shared_top) >= len(table.rows)

    def charts_and_maybe_table(paper: Paper) -> None:
        end = _charts_page(paper, data, figures, small_done)
        if shares_page:  # a short site table follows the charts on the same page
            _table_page(paper, table, range(len(table.rows)), True, top=end + 6.0)

    if charts_page:
        pages.append(charts_and_maybe_table)
    if table is not None and not shares_page:
        per_page = _rows_fitting(MARGIN)
        for start in range(0, len(table.rows), per_page):
            rows = range(start, min(start + per_page, len(table.rows)))
            pages.append(lambda paper, rows=rows, first=start == 0: _table_page(paper, table, rows, first))
    scenarios = scenario_table(project, notes=False)
    if scenarios is not None:       # one page: a project compares a handful of scenarios
        shown = range(min(len(scenarios.rows), _rows_fitting(MARGIN)))
        pages.append(lambda paper: _table_page(paper, scenarios, shown, True, title=scenario_title(project)))
    return pages
