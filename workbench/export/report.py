"""Briefing report of a planning run, as one HTML file or a PDF: the map, key figures, charts and the site table.

Both formats draw the same layout description (``report_layout``: title, key figures, map, notes, charts, runs,
tables), built from ``report_data``, ``report_table``, ``report_runs`` and ``report_scenarios``; the map is the
print layout's map block drawn by the canvas renderer, so the report shows what the planner saw.

Example::

    export_report(project, "briefing.pdf", ReportOptions(subtitle="Phase 1 rollout"))
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from workbench.export.files import check_target
from workbench.export.layout import (
    LayoutOptions,
    bottom_panel_page_height,
    furniture_bands,
    requested_extent,
    side_panel_frame_width,
)
from workbench.export.progress import Progress
from workbench.export.report_data import ReportData, collect_report_data

REPORT_SUFFIXES = (".pdf", ".html", ".htm")
#: Type size of the report's map block relative to an A4 print layout (the block is narrower than a page).
MAP_TYPE_SCALE = 0.82


@dataclass
class ReportOptions:
    title: str | None = None
    subtitle: str | None = None  # None: "Briefing report", in the interface language
    extent: tuple[float, float, float, float] | None = None  # project CRS; None = the current view
    sources: str | None = None
    notes: str = ""
    date: str | None = None


def map_block_options(options: ReportOptions, size_mm: tuple[float, float], dpi: int = 300) -> LayoutOptions:
    """The report's map: no title band or footer (the report has its own), legend and overview at the side."""
    return LayoutOptions(page_mm=size_mm, dpi=dpi, extent=options.extent, sources=options.sources, header=False,
                         footer=False, margin_mm=0.0, type_scale=MAP_TYPE_SCALE, attribution="")


def map_block_height(project, options: ReportOptions, width_mm: float, max_mm: float) -> float:
    """Height of the map block: the map across the full width with the legend under it when there is room
    (a block taller than wide is laid out that way), else the map beside its legend; either way shaped like
    the extent, so no band of the frame is empty."""
    minx, miny, maxx, maxy = requested_extent(project, LayoutOptions(extent=options.extent))
    aspect = (maxy - miny) / (maxx - minx)
    bands = sum(furniture_bands(map_block_options(options, (width_mm, max_mm)), MAP_TYPE_SCALE))
    below = bottom_panel_page_height(width_mm * aspect + bands, MAP_TYPE_SCALE)
    if min(below, max_mm) >= width_mm:
        return min(below, max_mm)
    beside = side_panel_frame_width(width_mm, MAP_TYPE_SCALE, 0.0) * aspect + bands
    return min(max_mm, width_mm - 0.5, max(75.0, beside))


def export_report(project, path: str | os.PathLike, options: ReportOptions | None = None, *,
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ReportData:
    """Write the report to ``path``: HTML (one self-contained file) or PDF, chosen by the suffix."""
    options = options or ReportOptions()
    target = check_target(path, REPORT_SUFFIXES)
    if project.crs is None or not project.layers:
        raise LayerError(project.path, translate("ExportError", "the project has no layers; there is nothing to "
                                                                "report"))
    steps = Progress(progress, cancelled)
    data = collect_report_data(project, title=options.title)
    if options.date:
        data.date = options.date
    steps.report(10)
    from workbench.export.report_layout import report_blocks

    blocks = report_blocks(project, data, options)
    if target.suffix.lower() == ".pdf":
        from workbench.export.report_pdf import write_report_pdf

        write_atomically(target, lambda temp: write_report_pdf(temp, project, blocks, options, steps))
    else:
        from workbench.export.report_html import report_html

        page = report_html(project, blocks, options, steps)
        write_atomically(target, lambda temp: Path(temp).write_text(page, encoding="utf-8"))
    steps.report(100)
    return data
