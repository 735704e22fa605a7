"""The furniture of a printed map, painted with QPainter in page millimetres: legend, scale bar, north arrow.

All of it is vector drawing and real text, so a PDF or SVG keeps crisp symbols and searchable labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QBrush, QPolygonF

from layers.i18n import translate
from layers.styles import Symbol
from workbench.export.layout_geometry import ScaleBar, format_scale
from workbench.export.legend import LegendItem, LegendSection
from workbench.export.paper import PT_PER_MM, Paper, qcolor
from workbench.render.markers import marker_path

INK = "#1f2a36"
MUTED = "#5b6672"
ACCENT = "#1f5f99"
SWATCH_W, SWATCH_H = 6.0, 3.6  # mm, at the legend's base size of 8 pt


def draw_swatch(paper: Paper, rect: tuple[float, float, float, float], item: LegendItem, opacity: float) -> None:
    """What one legend entry looks like, drawn in a mm box with the symbol's own colours and sizes."""
    symbol: Symbol | None = item.symbol
    if symbol is None and item.colour is None:
        return  # a summary line ("… 30 more classes") has no swatch
    painter = paper.painter
    painter.save()
    painter.setOpacity(opacity)
    box = paper.rect(*rect)
    if symbol is None:
        painter.setPen(paper.pen("#8a8a8a", 0.3))
        painter.setBrush(qcolor(item.colour or "#000000"))
        painter.drawRect(box)
    elif item.geometry == "line":
        pen = paper.pen(symbol.stroke, min(max(symbol.stroke_width, 0.6), 3.0))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()))
    elif item.geometry == "point":
        stroke = qcolor(symbol.stroke)
        painter.setPen(paper.pen(symbol.stroke, min(symbol.stroke_width, 1.0)) if stroke.alpha() and
                       symbol.stroke_width > 0 else Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(symbol.fill))
        radius = min(paper.pt(symbol.size) / 2, box.height() / 2 * 1.1)
        centre = box.center()
        painter.drawPath(marker_path(symbol.marker, 2 * max(radius, paper.mm(0.6))).translated(centre.x(), centre.y()))
    else:
        stroke = qcolor(symbol.stroke)
        painter.setPen(paper.pen(symbol.stroke, min(max(symbol.stroke_width, 0.3), 1.5)) if stroke.alpha() and
                       symbol.stroke_width > 0 else Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(symbol.fill))
        painter.drawRect(box)
    painter.restore()


@dataclass
class _Row:
    heading: bool
    text: str
    item: LegendItem | None = None
    opacity: float = 1.0
    block: int = 0  # rows of the section that starts here (heading included); 0 inside a section
    gap: bool = False  # space above: a heading, or a single-symbol line after a list of classes


Wrap = Callable[[str, bool], list[str]]


def _rows(sections: list[LegendSection], wrap: Wrap | None = None) -> list[_Row]:
    """Legend lines; a single-symbol layer after a layer with classes gets the space a heading gets, so it does
    not read as one more class of the layer above it. ``wrap(text, heading)`` splits a long label into lines:
    the first carries the swatch, the others continue under it (``item`` None)."""
    lines: Wrap = wrap or (lambda text, heading: [text])
    rows: list[_Row] = []
    previous_single = True
    for section in sections:
        start = len(rows)
        if not section.single:
            rows.extend(_Row(True, line) for line in lines(section.title, True))
        for item in section.items:
            first, *more = lines(item.label, False)
            rows.append(_Row(False, first, item, section.opacity))
            rows.extend(_Row(False, line, None, section.opacity) for line in more)
        if len(rows) > start:
            rows[start].block = len(rows) - start
            rows[start].gap = not (section.single and previous_single)
        previous_single = section.single
    return rows


def _columns(rows: list[_Row], row_h: float, heading_gap: float, height: float, n_columns: int
             ) -> list[list[tuple[_Row, float]]] | None:
    """Rows placed top to bottom, column after column, with y offsets; None when they do not all fit.

    A section moves whole to the next column when it fits there; only a section taller than a column is split.
    """
    columns: list[list[tuple[_Row, float]]] = [[]]
    y = 0.0
    for i, row in enumerate(rows):
        needed = row_h + (heading_gap if row.gap and y > 0 else 0.0)
        if row.block and row.block * row_h <= height + 1e-6:
            needed += (row.block - 1) * row_h
        elif row.heading and i + 1 < len(rows):  # keep a heading with its first entry
            needed += row_h
        if y + needed > height + 1e-6 and columns[-1]:
            if len(columns) == n_columns:
                return None
            columns.append([])
            y = 0.0
        if row.gap and y > 0:
            y += heading_gap
        if y + row_h > height + 1e-6:
            return None
        columns[-1].append((row, y))
        y += row_h
    return columns


def draw_legend(paper: Paper, box: tuple[float, float, float, float], sections: list[LegendSection],
                size_pt: float, *, min_column_mm: float = 42.0) -> int:
    """Legend in ``box`` (mm), in as many columns as fit, shrinking the text down to 70 %; returns the number
    of entries that still did not fit (0 when the legend is complete)."""
    x, y, w, h = box
    title_h = paper.text((x, y, w, 8 * size_pt), translate("Legend", "Legend"), size_pt * 1.2,
                         bold=True)
    top = y + title_h + 1.0
    rows = _rows(sections)
    n_columns = max(1, int(w // min_column_mm))
    chosen = None
    for factor in LEGEND_SHRINK:
        size = size_pt * factor
        row_h = size / PT_PER_MM * 1.55
        placed = _columns(rows, row_h, row_h * 0.45, y + h - top, n_columns)
        if placed is not None and _labels_fit(paper, placed, size, _column_width(w, placed)):
            chosen = (size, row_h, placed)  # the largest type that shows every label whole on one line
            break
    if chosen is None:  # long labels: wrap them onto more lines rather than cut them short
        chosen = _wrapped(paper, sections, w, y + h - top, size_pt, n_columns)
    missing = 0
    if chosen is None:  # even the smallest text is too long: draw what fits and say how much is left out
        size = size_pt * 0.7
        row_h = size / PT_PER_MM * 1.55
        for keep in range(len(rows) - 1, -1, -1):
            more = _Row(True, f"… {len(rows) - keep} more entries", gap=True)
            placed = _columns(rows[:keep] + [more], row_h, row_h * 0.45, y + h - top, n_columns)
            if placed is not None:
                missing = len(rows) - keep
                chosen = (size, row_h, placed)
                break
    if chosen is None:
        return len(rows)
    size, row_h, placed = chosen
    column_w = _column_width(w, placed)
    swatch_w, swatch_h = SWATCH_W * size / 8.0, SWATCH_H * size / 8.0
    for c, column in enumerate(placed):
        cx = x + c * column_w
        for row, dy in column:
            ry = top + dy
            if row.heading:
                paper.text((cx, ry, column_w - 2, row_h), paper.elide(row.text, size, column_w - 2, bold=True), size,
                           bold=True, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                continue
            if row.item is not None:
                draw_swatch(paper, (cx + 0.5, ry + (row_h - swatch_h) / 2, swatch_w, swatch_h), row.item,
                            row.opacity)
            label_x = cx + swatch_w + 2.5
            paper.text((label_x, ry, column_w - (label_x - cx) - 1, row_h),
                       paper.elide(row.text, size, column_w - (label_x - cx) - 1), size,
                       align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return missing


#: Type sizes tried for the legend, as factors of its base size: shrink to 70 % before wrapping labels.
LEGEND_SHRINK = (1.0, 0.92, 0.85, 0.78, 0.7)


def _wrapped(paper: Paper, sections: list[LegendSection], width: float, height: float, size_pt: float,
             n_columns: int) -> tuple[float, float, list[list[tuple[_Row, float]]]] | None:
    """The largest type (and fewest columns) at which every label fits when long ones wrap onto more lines."""
    for factor in LEGEND_SHRINK:
        size = size_pt * factor
        row_h = size / PT_PER_MM * 1.55
        for columns in range(1, n_columns + 1):
            column_w = width / columns
            label_room = column_w - SWATCH_W * size / 8.0 - 3.5

            def wrap(text: str, heading: bool, size: float = size, column_w: float = column_w,
                     label_room: float = label_room) -> list[str]:
                return wrap_text(paper, text, size, column_w - 2 if heading else label_room, bold=heading)

            placed = _columns(_rows(sections, wrap), row_h, row_h * 0.45, height, columns)
            if placed is not None and len(placed) == columns:
                return size, row_h, placed
    return None


def wrap_text(paper: Paper, text: str, size_pt: float, width_mm: float, *, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width_mm``: broken at spaces, or between characters for Chinese text
    and for a word longer than a line."""
    if paper.text_size(text, size_pt, bold=bold)[0] <= width_mm:
        return [text]
    lines: list[str] = []
    current = ""
    for token in re.findall(r"\s*[^\s\u3000-\u9fff\uff00-\uffef]+|\s*[\u3000-\u9fff\uff00-\uffef]", text):
        candidate = current + token
        if not current or paper.text_size(candidate, size_pt, bold=bold)[0] <= width_mm:
            current = candidate
            if paper.text_size(current, size_pt, bold=bold)[0] > width_mm and len(current) > 1:
                lines += _split_long(paper, current, size_pt, width_mm, bold)
                current = lines.pop()
            continue
        lines.append(current)
        current = token.lstrip()
    lines.append(current)
    return [line for line in lines if line]


def _split_long(paper: Paper, word: str, size_pt: float, width_mm: float, bold: bool) -> list[str]:
    """A word wider than the line, cut into pieces that fit (the last piece may be continued)."""
    pieces, current = [], ""
    for ch in word.strip():
        if current and paper.text_size(current + ch, size_pt, bold=bold)[0] > width_mm:
            pieces.append(current)
            current = ""
        current += ch
    return pieces + [current]


def _column_width(width: float, placed: list[list[tuple[_Row, float]]]) -> float:
    return width / len(placed) if len(placed) > 1 else width


def _labels_fit(paper: Paper, placed: list[list[tuple[_Row, float]]], size: float, column_w: float) -> bool:
    """Whether every heading and label fits its column at ``size`` without being cut short."""
    label_room = column_w - SWATCH_W * size / 8.0 - 3.5
    for column in placed:
        for row, _ in column:
            room = column_w - 2 if row.heading else label_room
            if paper.text_size(row.text, size, bold=row.heading)[0] > room:
                return False
    return True


def _bar_height(size_pt: float) -> float:
    return 1.6 * size_pt / 7.0


def scale_bar_box(paper: Paper, origin: tuple[float, float], bar: ScaleBar, size_pt: float
                  ) -> tuple[float, float, float, float]:
    """The mm box ``draw_scale_bar`` will cover (labels above, 1:N below), for the white card under it."""
    x, y = origin
    label_h = size_pt / PT_PER_MM * 1.3
    end_w = paper.text_size(f"{bar.label(bar.length_m)} {bar.unit}", size_pt)[0]
    scale_w = paper.text_size("1:000,000,000", size_pt)[0]
    height = _bar_height(size_pt)
    return (x - 2, y - height - label_h - 1.5, max(bar.length_mm + end_w / 2, scale_w) + 4,
            height + 2 * label_h + 3)


def draw_scale_bar(paper: Paper, origin: tuple[float, float], bar: ScaleBar, scale: float, size_pt: float) -> None:
    """Alternating dark/light segments with 0, middle and end labels, and 1:N below; ``origin`` is the bar's
    lower-left corner in mm."""
    x, y = origin
    height = _bar_height(size_pt)
    segment = bar.length_mm / bar.segments
    painter = paper.painter
    painter.save()
    painter.setPen(paper.pen(INK, 0.5))
    for i in range(bar.segments):
        painter.setBrush(QBrush(qcolor(INK if i % 2 == 0 else "#ffffff")))
        painter.drawRect(paper.rect(x + i * segment, y - height, segment, height))
    painter.restore()
    label_h = size_pt / PT_PER_MM * 1.3
    labels = [(0.0, bar.label(0.0)), (bar.length_m, f"{bar.label(bar.length_m)} {bar.unit}")]
    if bar.segments % 2 == 0:
        labels.insert(1, (bar.length_m / 2, bar.label(bar.length_m / 2)))
    for metres, label in labels:
        lx = x + metres / bar.length_m * bar.length_mm
        paper.text((lx - 15, y - height - label_h - 0.3, 30, label_h), label, size_pt,
                   align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
    paper.text((x, y + 0.6, bar.length_mm + 30, label_h), format_scale(scale), size_pt, colour=MUTED)


def draw_north_arrow(paper: Paper, centre: tuple[float, float], size_mm: float, angle_deg: float) -> None:
    """A split arrow pointing to true north (``angle_deg`` clockwise from up) with an N above it."""
    painter = paper.painter
    painter.save()
    c = paper.point(*centre)
    painter.translate(c)
    painter.rotate(angle_deg)
    half, s = paper.mm(size_mm) / 2, paper.mm(size_mm)
    tip, notch = QPointF(0, -half), QPointF(0, half * 0.45)
    left, right = QPointF(-s * 0.28, half), QPointF(s * 0.28, half)
    painter.setPen(paper.pen(INK, 0.6))
    painter.setBrush(qcolor(INK))
    painter.drawPolygon(QPolygonF([tip, left, notch]))
    painter.setBrush(qcolor("#ffffff"))
    painter.drawPolygon(QPolygonF([tip, notch, right]))
    painter.restore()
    label_h = size_mm * 0.5
    paper.text((centre[0] - size_mm, centre[1] - size_mm / 2 - label_h - 0.5, 2 * size_mm, label_h),
               translate("Layout", "N"),
               size_mm * 1.15, bold=True, align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)


def backing(paper: Paper, box: tuple[float, float, float, float]) -> None:
    """A white, slightly transparent card under furniture that sits on the map."""
    painter = paper.painter
    painter.save()
    colour = qcolor("#ffffffe1")
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(paper.rect(*box), paper.mm(1.0), paper.mm(1.0))
    painter.restore()
