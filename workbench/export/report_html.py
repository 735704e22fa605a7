"""The HTML report: the blocks of ``report_layout`` as one file, the map as an embedded image, charts as inline
SVG, tables as tables.

Nothing is loaded from elsewhere, so it can be mailed and opened offline: Chinese text comes with the glyphs it
needs (``report_fonts``). It also prints cleanly (A4, sections kept whole). Every value from the project is
escaped.
"""

from __future__ import annotations

import base64

from PyQt6.QtCore import QBuffer, QByteArray, QIODevice

from workbench.export.layout_export import layout_image
from workbench.export.progress import Progress
from workbench.export.report import ReportOptions, map_block_height, map_block_options
from workbench.export.report_charts import figure_svg
from workbench.export.report_fonts import cjk_font_face, css_font_stack
from workbench.export.report_layout import (
    Block,
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
from workbench.export.web_styles import text

MAP_WIDTH_MM = 180.0
CHART_INCHES = {False: (5.2, 3.1), True: (10.6, 3.3)}  # narrow (two side by side) and wide charts

STYLE = """
body { font: 14px/1.45 FONTS; color: #1f2a36; margin: 0;
       background: #f4f5f7; }
main { max-width: 1060px; margin: 0 auto; background: #fff; padding: 28px 40px 40px; }
header { border-bottom: 3px solid #1f5f99; padding-bottom: 10px; margin-bottom: 18px; display: flex;
         justify-content: space-between; align-items: flex-end; gap: 20px; }
header .kicker { color: #1f5f99; font-size: 11px; letter-spacing: .12em; text-transform: uppercase; font-weight: 700; }
header h1 { margin: 2px 0 2px; font-size: 27px; }
header p { margin: 0; color: #5b6672; }
header .date { color: #5b6672; white-space: nowrap; }
h2 { font-size: 17px; margin: 26px 0 10px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }
.figure { background: #eef3f8; border-radius: 6px; padding: 10px 14px; }
.figure .value { font-size: 24px; font-weight: 700; color: #1f5f99; }
.figure .label { color: #5b6672; font-size: 12.5px; }
.figure .note { color: #5b6672; font-size: 11px; }
img.map { width: 100%; border: 1px solid #d5dbe1; }
.caption { color: #5b6672; font-size: 12px; margin-top: 4px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.charts .wide { grid-column: 1 / span 2; }
.charts svg { width: 100%; height: auto; }
.charts svg text { font-family: FONTS !important; }
table.sites { border-collapse: collapse; width: 100%; font-size: 13px; }
table.sites th { text-align: left; border-bottom: 2px solid #1f5f99; padding: 5px 8px; }
table.sites td { padding: 4px 8px; border-bottom: 1px solid #e3e7eb; }
table.sites tr:nth-child(even) td { background: #f7f9fb; }
table.sites .num { text-align: right; font-variant-numeric: tabular-nums; }
.notes { background: #fff8e5; border-left: 4px solid #e6ab02; padding: 8px 12px; margin-top: 16px; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; font-size: 13px; }
dl.run dt { color: #5b6672; }
dl.run dt.sub { padding-left: 14px; }
dl.run dd { margin: 0; }
footer { margin-top: 30px; color: #5b6672; font-size: 12px; border-top: 1px solid #e3e7eb; padding-top: 8px; }
@media print { body { background: #fff; } main { padding: 0; max-width: none; } section { break-inside: avoid; }
               .page-break { break-before: page; } }
@page { size: A4; margin: 14mm; }
"""


def _png_data_uri(image) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def _inline_svg(svg: bytes) -> str:
    """Matplotlib's SVG without its XML prologue, ready to sit inside HTML."""
    markup = svg.decode("utf-8")
    return markup[markup.index("<svg"):]


def _figures(block: FiguresBlock) -> str:
    tiles = "".join(f"<div class='figure'><div class='value'>{text(f.value)}</div><div class='label'>{text(f.label)}"
                    f"</div>{f'<div class=note>{text(f.note)}</div>' if f.note else ''}</div>" for f in block.figures)
    return f"<section><h2>{text(block.heading)}</h2><div class='figures'>{tiles}</div></section>"


def _map(project, block: MapBlock, options: ReportOptions, steps: Progress) -> str:
    size = (MAP_WIDTH_MM, map_block_height(project, options, MAP_WIDTH_MM, 260.0))
    image = layout_image(project, map_block_options(options, size, dpi=200), cancelled=steps.is_cancelled)
    return (f"<section><h2>{text(block.heading)}</h2><img class='map' alt='{text(block.alt)}' "
            f"src='{_png_data_uri(image)}'><div class='caption'>{text(block.caption)}</div></section>")


def _charts(block: ChartsBlock) -> str:
    charts = "".join(f"<div{' class=wide' if chart.wide else ''}>"
                     f"{_inline_svg(figure_svg(chart.draw(CHART_INCHES[chart.wide])))}</div>" for chart in block.charts)
    return f"<section><h2>{text(block.heading)}</h2><div class='charts'>{charts}</div></section>"


def _details(block: DetailsBlock) -> str:
    lines = "".join(f"<dt{' class=sub' if name.startswith('  ') else ''}>{text(name.strip())}</dt><dd>{text(value)}"
                    f"</dd>" for name, value in block.lines)
    return f"<section><h2>{text(block.heading)}</h2><dl class='run'>{lines}</dl></section>"


def _table(block: TableBlock) -> str:
    table = block.table
    head = "".join(f"<th class='{'num' if n else ''}'>{text(h)}</th>" for h, n in
                   zip(table.headings, table.numeric, strict=True))
    body = "".join("<tr>" + "".join(f"<td class='{'num' if n else ''}'>{text(v)}</td>"
                                    for v, n in zip(row, table.numeric, strict=True)) + "</tr>" for row in table.rows)
    return (f"<section><h2>{text(block.heading)}</h2>"
            f"<table class='sites'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>")


def _block(project, block: Block, options: ReportOptions, steps: Progress) -> str:
    """One block as HTML; the title and footer frame the page (``report_html``)."""
    if isinstance(block, FiguresBlock):
        return _figures(block)
    if isinstance(block, MapBlock):
        return _map(project, block, options, steps)
    if isinstance(block, NotesBlock):
        return "<div class='notes'>" + "".join(f"<p>{text(note)}</p>" for note in block.paragraphs) + "</div>"
    if isinstance(block, ChartsBlock):
        return _charts(block)
    if isinstance(block, DetailsBlock):
        return _details(block)
    if isinstance(block, TableBlock):
        return _table(block)
    if isinstance(block, PageBreak):
        return "<div class='page-break'></div>"
    raise TypeError(f"the HTML report cannot draw a {type(block).__name__}")


def report_html(project, blocks: list[Block], options: ReportOptions, steps: Progress) -> str:
    """The page: the title block as its header, every other block in order, the footer block last."""
    title = next(block for block in blocks if isinstance(block, TitleBlock))
    footer = next(block for block in blocks if isinstance(block, FooterBlock))
    body = []
    for number, block in enumerate(blocks, start=1):
        if not isinstance(block, TitleBlock | FooterBlock):
            body.append(_block(project, block, options, steps))
        steps.check()
        steps.report(10 + 80 * number / len(blocks))
    header = (f"<header><div><div class='kicker'>{text(title.kicker)}</div><h1>{text(title.title)}</h1>"
              f"<p>{text(title.file)}</p></div><div class='date'>{text(title.date)}</div></header>")
    main = f"{header}{''.join(body)}<footer>{text(footer.text)}</footer>"
    face = cjk_font_face(main)
    style = STYLE.replace("FONTS", css_font_stack("Helvetica Neue", "Arial", cjk_first=bool(face)))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{text(title.title)}</title>"
            f"<style>{face}{style}</style></head><body><main>{main}</main></body></html>")
