"""The HTML report: one file with the map as an embedded image, charts as inline SVG and the site table.

Nothing is loaded from elsewhere, so it can be mailed and opened offline; it also prints cleanly (A4, one
section per page). Every value from the project is escaped.
"""

from __future__ import annotations

import base64

from PyQt6.QtCore import QBuffer, QByteArray, QIODevice

from workbench.export.layout_export import layout_image
from workbench.export.legend import data_sources
from workbench.export.progress import Progress
from workbench.export.report import ReportOptions, charts, map_block_height, map_block_options, report_notes
from workbench.export.report_charts import figure_svg
from workbench.export.report_data import ReportData
from workbench.export.report_runs import run_details
from workbench.export.report_scenarios import scenarios_html
from workbench.export.report_table import site_table_rows
from workbench.export.web_styles import text

MAP_WIDTH_MM = 180.0
CHART_INCHES = {"curve": (5.2, 3.1), "phases": (5.2, 3.1), "rsrp": (10.6, 3.3)}

STYLE = """
body { font: 14px/1.45 "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #1f2a36; margin: 0;
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
table.sites { border-collapse: collapse; width: 100%; font-size: 13px; }
table.sites th { text-align: left; border-bottom: 2px solid #1f5f99; padding: 5px 8px; }
table.sites td { padding: 4px 8px; border-bottom: 1px solid #e3e7eb; }
table.sites tr:nth-child(even) td { background: #f7f9fb; }
table.sites .num { text-align: right; font-variant-numeric: tabular-nums; }
.notes { background: #fff8e5; border-left: 4px solid #e6ab02; padding: 8px 12px; margin-top: 16px; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; font-size: 13px; }
dl.run dt { color: #5b6672; }
dl.run dd { margin: 0; }
footer { margin-top: 30px; color: #5b6672; font-size: 12px; border-top: 1px solid #e3e7eb; padding-top: 8px; }
@media print { body { background: #fff; } main { padding: 0; max-width: none; } section { break-inside: avoid; } }
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


def report_html(project, data: ReportData, options: ReportOptions, steps: Progress) -> str:
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{text(data.title)}</title><style>{STYLE}</style></head><body><main>",
             f"<header><div><div class='kicker'>{text(options.subtitle or 'Briefing report')}</div>"
             f"<h1>{text(data.title)}</h1><p>{text(project.path.name) if project.path else ''}</p></div>"
             f"<div class='date'>{text(data.date)}</div></header>"]
    if data.figures:
        parts.append("<section><h2>Key figures</h2><div class='figures'>")
        for figure in data.figures:
            note = f"<div class='note'>{text(figure.note)}</div>" if figure.note else ""
            parts.append(f"<div class='figure'><div class='value'>{text(figure.value)}</div>"
                         f"<div class='label'>{text(figure.label)}</div>{note}</div>")
        parts.append("</div></section>")
    steps.check()
    size = (MAP_WIDTH_MM, map_block_height(project, options, MAP_WIDTH_MM, 260.0))
    image = layout_image(project, map_block_options(options, size, dpi=200), cancelled=steps.is_cancelled)
    steps.report(50)
    sources = options.sources if options.sources is not None else "; ".join(data_sources(project.layers))
    parts.append(f"<section><h2>Map</h2><img class='map' alt='Map of {text(data.title)}' "
                 f"src='{_png_data_uri(image)}'>"
                 f"<div class='caption'>{text('Data: ' + sources) if sources else ''}</div></section>")
    figures = charts(data, CHART_INCHES)
    if figures:
        parts.append("<section><h2>Charts</h2><div class='charts'>")
        for name, figure in figures.items():
            wide = " class='wide'" if name == "rsrp" else ""
            parts.append(f"<div{wide}>{_inline_svg(figure_svg(figure))}</div>")
        parts.append("</div></section>")
    steps.report(75)
    if data.sites is not None and len(data.sites):
        table = site_table_rows(data.sites)
        head = "".join(f"<th class='{'num' if n else ''}'>{text(h)}</th>" for h, n in zip(table.headings,
                                                                                          table.numeric, strict=True))
        body = "".join("<tr>" + "".join(f"<td class='{'num' if n else ''}'>{text(v)}</td>"
                                        for v, n in zip(row, table.numeric, strict=True)) + "</tr>"
                       for row in table.rows)
        parts.append(f"<section><h2>Selected sites ({len(table.rows)})</h2>"
                     f"<table class='sites'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>")
    parts.append(scenarios_html(project))
    details = run_details(data)
    if details:
        parts.append("<section><h2>Runs</h2><dl class='run'>" +
                     "".join(f"<dt>{text(k.strip())}</dt><dd>{text(v)}</dd>" for k, v in details) + "</dl></section>")
    notes = report_notes(data, options)
    if notes:
        parts.append("<div class='notes'>" + "".join(f"<p>{text(n)}</p>" for n in notes) + "</div>")
    parts.append(f"<footer>Made with Lamplight · {text(data.date)}</footer></main></body></html>")
    return "".join(parts)
