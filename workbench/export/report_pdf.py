"""The PDF report: the blocks of ``report_layout`` painted with QPainter on a QPdfWriter, A4 portrait.

The blocks flow down the page and onto the next when one does not fit; a heading never ends a page. The map is
drawn by the canvas renderer through the print layout (vector) and takes the room left on its page above the
notes that follow it; charts are matplotlib SVG replayed by QSvgRenderer (vector, real text), narrow ones side by
side. A table that does not fit where it would start begins a page and continues over as many as it needs, its
heading and column headings repeated. What only paper has: a footer with the page number on every page.
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
from workbench.export.paper import PT_PER_MM, Paper, qcolor
from workbench.export.progress import Progress
from workbench.export.qt_app import ensure_gui_application
from workbench.export.report import ReportOptions, map_block_height, map_block_options
from workbench.export.report_charts import figure_svg
from workbench.export.report_layout import (
    Block,
    Chart,
    ChartsBlock,
    DetailsBlock,
    FiguresBlock,
    FooterBlock,
    MapBlock,
    NotesBlock,
    PageBreak,
    TableBlock,
    TitleBlock,
)
from workbench.export.report_table import Table

PAGE_MM = (210.0, 297.0)
MARGIN = 16.0
WIDTH = PAGE_MM[0] - 2 * MARGIN
BOTTOM = PAGE_MM[1] - 16.0  # content stops here; the page footer sits below
DPI = 300
GAP = 6.0  # mm between blocks
HEADING_H = 8.0  # mm: a 13 pt section heading and the space under it
TABLE_PT = (8.5, 8.0, 7.5, 7.0)  # a table too wide for the page is set smaller before any text is cut
ROW_MM = 5.6
CHART_MM = {False: (87.0, 62.0), True: (WIDTH, 68.0)}  # narrow (two side by side) and wide charts
KICKER_H, TITLE_H, PATH_H = 4.5, 9.5, 5.0  # mm: line heights of 8 pt, 20 pt and 9.5 pt type
TILES_PER_ROW, TILE_GAP, TILE_H = 5, 3.0, 19.5
MIN_MAP_MM = 60.0
RUN_LINE = 8.5 / PT_PER_MM * 1.45
RUN_INDENT = 4.0
#: The run details' name column fits its longest name ("Time limit for the exact solver [s]") within these bounds.
RUN_KEYS_MM = (50.0, 80.0)

Draw = Callable[[Paper, float], None]  # paints at a y (mm) on the page


@dataclass
class _Piece:
    """A slice of a block that stays on one page; ``keep_with_next`` ties a heading to what follows it."""

    height: float
    draw: Draw
    keep_with_next: bool = False


class _Pages:
    """Places pieces down the page, starting the next page when a piece (with those kept with it) does not fit."""

    def __init__(self) -> None:
        self.pages: list[list[tuple[float, Draw]]] = [[]]
        self.y = MARGIN

    def at_top(self) -> bool:
        return not self.pages[-1]

    def new_page(self) -> None:
        if not self.at_top():
            self.pages.append([])
            self.y = MARGIN

    def gap(self) -> None:
        if not self.at_top():
            self.y += GAP

    def place(self, pieces: list[_Piece]) -> None:
        i = 0
        while i < len(pieces):
            group = [pieces[i]]
            while group[-1].keep_with_next and i + len(group) < len(pieces):
                group.append(pieces[i + len(group)])
            if self.y + sum(piece.height for piece in group) > BOTTOM:
                self.new_page()
            for piece in group:
                self.pages[-1].append((self.y, piece.draw))
                self.y += piece.height
            i += len(group)


def _inches(size_mm: tuple[float, float]) -> tuple[float, float]:
    return (size_mm[0] / MM_PER_INCH, size_mm[1] / MM_PER_INCH)


def _rule(paper: Paper, y: float, colour: str = ACCENT, width_pt: float = 1.2) -> None:
    painter = paper.painter
    painter.save()
    painter.setPen(paper.pen(colour, width_pt))
    painter.drawLine(paper.point(MARGIN, y), paper.point(MARGIN + WIDTH, y))
    painter.restore()


def _box(paper: Paper, rect_mm: tuple[float, float, float, float], colour: str, radius_mm: float = 0.0) -> None:
    painter = paper.painter
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(qcolor(colour))
    painter.drawRoundedRect(paper.rect(*rect_mm), paper.mm(radius_mm), paper.mm(radius_mm))
    painter.restore()


def _heading(text: str) -> _Piece:
    return _Piece(HEADING_H, lambda paper, y: paper.text((MARGIN, y, WIDTH, HEADING_H), text, 13.0, bold=True),
                  keep_with_next=True)


# -- blocks ---------------------------------------------------------------------------------------------------
def _title(block: TitleBlock) -> list[_Piece]:
    def draw(paper: Paper, y: float) -> None:
        top = y
        paper.text((MARGIN, y, WIDTH - 40, KICKER_H), paper.elide(block.kicker.upper(), 8.0, WIDTH - 40, bold=True),
                   8.0, colour=ACCENT, bold=True)
        paper.text((MARGIN + WIDTH - 40, top, 40, 6), block.date, 9.0, colour=MUTED,
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        y += KICKER_H
        paper.text((MARGIN, y, WIDTH, TITLE_H), paper.elide(block.title, 20.0, WIDTH, bold=True), 20.0, bold=True)
        y += TITLE_H
        if block.file:
            paper.text((MARGIN, y, WIDTH, PATH_H), paper.elide(block.file, 9.5, WIDTH), 9.5, colour=MUTED)
            y += PATH_H
        _rule(paper, y + 3.0)

    return [_Piece(KICKER_H + TITLE_H + (PATH_H if block.file else 0.0) + 3.0, draw)]


def _figures(block: FiguresBlock) -> list[_Piece]:
    tile_w = (WIDTH - TILE_GAP * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    rows = math.ceil(len(block.figures) / TILES_PER_ROW)

    def draw(paper: Paper, y: float) -> None:
        for i, figure in enumerate(block.figures):
            x = MARGIN + (i % TILES_PER_ROW) * (tile_w + TILE_GAP)
            ty = y + (i // TILES_PER_ROW) * (TILE_H + TILE_GAP)
            _box(paper, (x, ty, tile_w, TILE_H), "#eef3f8", 1.5)
            paper.text((x + 3, ty + 2.0, tile_w - 6, 8), paper.elide(figure.value, 15.0, tile_w - 6, bold=True),
                       15.0, colour=ACCENT, bold=True)
            label_pt = 7.5    # shrink a long label ("Weighted demand covered") before cutting it
            while label_pt > 5.5 and paper.text_size(figure.label, label_pt)[0] > tile_w - 6:
                label_pt -= 0.5
            paper.text((x + 3, ty + 10.8, tile_w - 6, 4), paper.elide(figure.label, label_pt, tile_w - 6), label_pt,
                       colour=INK)
            if figure.note:
                paper.text((x + 3, ty + 14.4, tile_w - 6, 4), paper.elide(figure.note, 6.5, tile_w - 6), 6.5,
                           colour=MUTED)

    return [_heading(block.heading), _Piece(rows * TILE_H + (rows - 1) * TILE_GAP, draw)]


def _notes_height(paper: Paper, block: NotesBlock) -> float:
    return paper.text_size("\n".join(block.paragraphs), 8.5, width_mm=WIDTH - 8)[1] + 6


def _notes(paper: Paper, block: NotesBlock) -> list[_Piece]:
    height = _notes_height(paper, block)

    def draw(paper: Paper, y: float) -> None:
        _box(paper, (MARGIN, y, WIDTH, height), "#fff8e5")
        _box(paper, (MARGIN, y, 1.2, height), "#e6ab02")
        paper.text((MARGIN + 5, y + 3, WIDTH - 8, height - 4), "\n".join(block.paragraphs), 8.5, wrap=True)

    return [_Piece(height, draw)]


def _map(paper: Paper, project, block: MapBlock, options: ReportOptions, top: float, below: float,
         steps: Progress) -> list[_Piece]:
    """The map takes the room on its page above its caption and ``below`` mm that must follow it there."""
    caption_h = paper.text_size(block.caption, 7.5, width_mm=WIDTH)[1] + 1.5
    room = BOTTOM - (top + HEADING_H) - caption_h - below
    if room < MIN_MAP_MM:
        raise LayerError(project.path, translate("ExportError", "the report's notes are too long to leave room for "
                                                                "the map on page 1"))
    height = map_block_height(project, options, WIDTH, room)

    def draw_map(paper: Paper, y: float) -> None:
        compose_layout(paper.painter, paper.rect(MARGIN, y, WIDTH, height), project,
                       map_block_options(options, (WIDTH, height), DPI), cancelled=steps.is_cancelled)
        steps.check()

    def draw_caption(paper: Paper, y: float) -> None:
        paper.text((MARGIN, y + 1.5, WIDTH, caption_h), block.caption, 7.5, colour=MUTED, wrap=True)

    heading = _heading(block.heading)
    return [heading, _Piece(height, draw_map, keep_with_next=True), _Piece(caption_h, draw_caption)]


def _draw_svg(paper: Paper, svg: bytes, rect_mm: tuple[float, float, float, float]) -> None:
    renderer = QSvgRenderer(QByteArray(svg))
    renderer.render(paper.painter, paper.rect(*rect_mm))


def _chart_rows(charts: list[Chart]) -> list[list[Chart]]:
    """Narrow charts two to a row, a wide chart on a row of its own, in the block's order."""
    rows: list[list[Chart]] = []
    for chart in charts:
        if not chart.wide and rows and len(rows[-1]) == 1 and not rows[-1][0].wide:
            rows[-1].append(chart)
        else:
            rows.append([chart])
    return rows


def _charts(block: ChartsBlock) -> list[_Piece]:
    pieces = [_heading(block.heading)]
    for row in _chart_rows(block.charts):
        def draw(paper: Paper, y: float, row: list[Chart] = row) -> None:
            for i, chart in enumerate(row):
                w, h = CHART_MM[chart.wide]
                _draw_svg(paper, figure_svg(chart.draw(_inches((w, h)))), (MARGIN + i * (WIDTH - w), y, w, h))

        pieces.append(_Piece(CHART_MM[row[0].wide][1] + 5.0, draw))
    return pieces


def _details(paper: Paper, block: DetailsBlock) -> list[_Piece]:
    widest = max(paper.text_size(name.strip(), 8.5)[0] + (RUN_INDENT if name.startswith("  ") else 0.0)
                 for name, _ in block.lines)
    keys = min(max(widest + 3.0, RUN_KEYS_MM[0]), RUN_KEYS_MM[1])

    def line(name: str, value: str) -> _Piece:
        def draw(paper: Paper, y: float) -> None:
            indent = RUN_INDENT if name.startswith("  ") else 0.0
            paper.text((MARGIN + indent, y, keys - indent, RUN_LINE), paper.elide(name.strip(), 8.5, keys - indent - 2),
                       8.5, colour=MUTED)
            paper.text((MARGIN + keys, y, WIDTH - keys, RUN_LINE), paper.elide(value, 8.5, WIDTH - keys), 8.5)

        return _Piece(RUN_LINE, draw)

    return [_heading(block.heading)] + [line(name, value) for name, value in block.lines]


def _column_widths(paper: Paper, table: Table) -> tuple[float, list[float]]:
    """Type size and column widths of a table: each column as wide as its widest text. A table wider than the
    page is set smaller (down to 7 pt), then cuts the long texts of its word columns but the first (notes, not
    the scenario's or site's name) at one width, never a number or a heading; only when that is not enough does
    every column shrink alike."""
    for size in TABLE_PT:
        natural, floors = [], []
        for c, heading in enumerate(table.headings):
            head = paper.text_size(heading, size, bold=True)[0] + 4.0
            natural.append(max([head] + [paper.text_size(row[c], size)[0] + 4.0 for row in table.rows[:400]]))
            floors.append(natural[-1] if table.numeric[c] or c == 0 else head)
        if sum(natural) <= WIDTH:
            break
    if sum(floors) <= WIDTH and sum(natural) > WIDTH:
        low, high = 0.0, max(natural)   # the cap on word columns that fills the page exactly, by bisection
        for _ in range(40):
            cap = (low + high) / 2
            low, high = (cap, high) if sum(max(f, min(n, cap)) for f, n in zip(floors, natural, strict=True)) \
                <= WIDTH else (low, cap)
        natural = [max(f, min(n, low)) for f, n in zip(floors, natural, strict=True)]
    total = sum(natural)
    return size, [w * WIDTH / total for w in natural] if total > WIDTH else \
        [w + (WIDTH - total) / len(natural) for w in natural]


def _rows_fitting(top: float) -> int:
    """Table rows that fit below a heading and the column headings starting at ``top``."""
    return max(0, int((BOTTOM - (top + HEADING_H + ROW_MM)) // ROW_MM))


def _table_part(paper: Paper, table: Table, rows: range, title: str) -> _Piece:
    size, widths = _column_widths(paper, table)

    def cells(paper: Paper, values: list[str], top: float, bold: bool) -> None:
        x = MARGIN
        for value, width, numeric in zip(values, widths, table.numeric, strict=True):
            align = (Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft) | \
                Qt.AlignmentFlag.AlignVCenter
            paper.text((x + 2, top, width - 4, ROW_MM), paper.elide(value, size, width - 4, bold=bold), size,
                       bold=bold, colour=INK, align=align)
            x += width

    def draw(paper: Paper, y: float) -> None:
        paper.text((MARGIN, y, WIDTH, HEADING_H), title, 13.0, bold=True)
        y += HEADING_H
        cells(paper, table.headings, y, True)
        y += ROW_MM
        _rule(paper, y, ACCENT, 1.0)
        for i in rows:
            if (i - rows.start) % 2 == 1:
                _box(paper, (MARGIN, y, WIDTH, ROW_MM), "#f3f6f9")
            cells(paper, table.rows[i], y, False)
            y += ROW_MM

    return _Piece(HEADING_H + ROW_MM * (len(rows) + 1), draw)


def _place_table(pages: _Pages, paper: Paper, block: TableBlock) -> None:
    """Where it is when the whole table fits there, else from the top of a page over as many as it needs."""
    count = len(block.table.rows)
    if _rows_fitting(pages.y) < count:
        pages.new_page()
    start = 0
    while True:
        rows = range(start, min(count, start + max(1, _rows_fitting(pages.y))))
        title = block.heading if start == 0 else block.continued.replace("{row}", str(start + 1))
        pages.place([_table_part(paper, block.table, rows, title)])
        start = rows.stop
        if start >= count:
            return
        pages.new_page()


def _footer(paper: Paper, footer: FooterBlock, page: int, pages: int) -> None:
    y = PAGE_MM[1] - 11.0
    _rule(paper, y - 1.5, "#d5dbe1", 0.5)
    paper.text((MARGIN, y, WIDTH * 0.75, 5), paper.elide(footer.text, 7.5, WIDTH * 0.75), 7.5, colour=MUTED)
    right = translate("ReportPdf", "Page {page} of {pages}").format(page=page, pages=pages)
    paper.text((MARGIN + WIDTH * 0.75, y, WIDTH * 0.25, 5), right, 7.5, colour=MUTED,
               align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)


# -- document -------------------------------------------------------------------------------------------------
def _lay_out(paper: Paper, project, blocks: list[Block], options: ReportOptions, steps: Progress
             ) -> list[list[tuple[float, Draw]]]:
    """Every block placed on its page (measured with ``paper``, nothing drawn yet): the page count is known
    before the footers are drawn."""
    pages = _Pages()
    for i, block in enumerate(blocks):
        if isinstance(block, FooterBlock):
            continue
        if isinstance(block, PageBreak):
            pages.new_page()
            continue
        pages.gap()
        if isinstance(block, TableBlock):
            _place_table(pages, paper, block)
        elif isinstance(block, MapBlock):
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            below = GAP + _notes_height(paper, after) if isinstance(after, NotesBlock) else 0.0
            pages.place(_map(paper, project, block, options, pages.y, below, steps))
        elif isinstance(block, TitleBlock):
            pages.place(_title(block))
        elif isinstance(block, FiguresBlock):
            pages.place(_figures(block))
        elif isinstance(block, NotesBlock):
            pages.place(_notes(paper, block))
        elif isinstance(block, ChartsBlock):
            pages.place(_charts(block))
        elif isinstance(block, DetailsBlock):
            pages.place(_details(paper, block))
        else:
            raise TypeError(f"the PDF report cannot draw a {type(block).__name__}")
    return pages.pages


def write_report_pdf(temp: Path, project, blocks: list[Block], options: ReportOptions, steps: Progress) -> None:
    ensure_gui_application()
    title = next(block for block in blocks if isinstance(block, TitleBlock))
    footer = next(block for block in blocks if isinstance(block, FooterBlock))
    writer = pdf_writer(temp, PAGE_MM, DPI, title.title)
    width, height = page_pixels(PAGE_MM, DPI)
    painter = QPainter()
    if not painter.begin(writer):
        raise LayerError(temp, translate("ExportError", "could not start writing the PDF"))
    try:
        pages = _lay_out(Paper(painter, QRectF(0, 0, width, height), PAGE_MM), project, blocks, options, steps)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for number, page in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            paper = Paper(painter, QRectF(0, 0, width, height), PAGE_MM)
            for y, draw in page:
                draw(paper, y)
                steps.check()
            _footer(paper, footer, number, len(pages))
            steps.report(10 + 90 * number / len(pages))
    finally:
        painter.end()
