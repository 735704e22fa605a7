"""The briefing report's one layout description: an ordered list of typed blocks, drawn by two renderers.

What the report says and in what order is decided here once, from ``report_data`` (key figures, charts' data,
notes), ``report_table`` (the site table), ``report_runs`` (the runs described) and ``report_scenarios`` (the
scenarios compared). ``report_html`` and ``report_pdf`` only draw blocks: a section cannot exist in one format
and not the other. What only one format can carry is the renderer's own: the PDF numbers its pages and repeats
a table's heading on the pages it continues over; the HTML page has no pages (its ``PageBreak`` applies when it is
printed).

Example::

    for block in report_blocks(project, data, options):
        if isinstance(block, TableBlock): ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from layers.i18n import translate
from workbench.export.legend import data_sources
from workbench.export.report import ReportOptions
from workbench.export.report_charts import coverage_curve_figure, phase_figure, rsrp_histogram_figure
from workbench.export.report_data import KeyFigure, ReportData
from workbench.export.report_runs import run_details
from workbench.export.report_scenarios import scenario_table, scenario_title
from workbench.export.report_table import Table, site_table_rows


@dataclass(frozen=True)
class TitleBlock:
    kicker: str  # the subtitle, "Briefing report" by default
    title: str
    file: str  # the project file's name, "" for an unsaved project
    date: str


@dataclass(frozen=True)
class FiguresBlock:
    heading: str
    figures: list[KeyFigure]


@dataclass(frozen=True)
class MapBlock:
    """The print layout's map block (map, legend, overview), drawn by the canvas renderer at the format's size."""

    heading: str
    caption: str
    alt: str  # what the map shows, for a reader who cannot see the image


@dataclass(frozen=True)
class NotesBlock:
    paragraphs: list[str]


@dataclass(frozen=True)
class Chart:
    name: str
    wide: bool  # across the full width; narrow charts go side by side
    draw: Callable[[tuple[float, float]], Figure]  # the figure at a size in inches


@dataclass(frozen=True)
class ChartsBlock:
    heading: str
    charts: list[Chart]


@dataclass(frozen=True)
class DetailsBlock:
    """Name and value lines; a name starting with two spaces belongs to the line above it (shown indented)."""

    heading: str
    lines: list[tuple[str, str]]


@dataclass(frozen=True)
class TableBlock:
    heading: str
    continued: str  # the heading where the table goes on after a page break, with ``{row}`` for its first row
    table: Table


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a page (the scenario comparison stands on its own)."""


@dataclass(frozen=True)
class FooterBlock:
    text: str


Block = TitleBlock | FiguresBlock | MapBlock | NotesBlock | ChartsBlock | DetailsBlock | TableBlock | PageBreak | \
    FooterBlock


def report_charts(data: ReportData) -> list[Chart]:
    """The charts there is data for: coverage curve and sites per phase side by side, the RSRP histogram wide."""
    found: list[Chart] = []
    if data.curve is not None and len(data.curve) > 1:
        found.append(Chart("curve", False, lambda size: coverage_curve_figure(data.curve, size)))
    if data.phases is not None and len(data.phases):
        found.append(Chart("phases", False, lambda size: phase_figure(data.phases, size)))
    if data.rsrp is not None and data.rsrp.size:
        found.append(Chart("rsrp", True, lambda size: rsrp_histogram_figure(data.rsrp, data.rsrp_threshold,
                                                                             size=size)))
    return found


def map_caption(project, options: ReportOptions) -> str:
    sources = options.sources if options.sources is not None else "; ".join(data_sources(project.layers))
    if sources:
        return translate("Report", "Map of the visible layers. Data: {sources}.").format(sources=sources)
    return translate("Report", "Map of the visible layers.")


def report_blocks(project, data: ReportData, options: ReportOptions) -> list[Block]:
    """The report from top to bottom: title, key figures, map, notes, charts, runs, site table, scenarios."""
    blocks: list[Block] = [TitleBlock(options.subtitle or translate("Report", "Briefing report"), data.title,
                                      project.path.name if project.path is not None else "", data.date)]
    if data.figures:
        blocks.append(FiguresBlock(translate("Report", "Key figures"), data.figures))
    blocks.append(MapBlock(translate("Report", "Map"), map_caption(project, options),
                           translate("Report", "Map of {title}").format(title=data.title)))
    notes = [note for note in (options.notes, *data.notes) if note.strip()]  # the planner's own notes first
    if notes:
        blocks.append(NotesBlock(notes))
    charts = report_charts(data)
    if charts:
        blocks.append(ChartsBlock(translate("Report", "Charts"), charts))
    details = run_details(data)
    if details:
        blocks.append(DetailsBlock(translate("Report", "Runs"), details))
    if data.sites is not None and len(data.sites):
        table = site_table_rows(data.sites)
        blocks.append(TableBlock(translate("Report", "Selected sites ({count})").format(count=len(table.rows)),
                                 translate("Report", "Selected sites (continued, from row {row})"), table))
    scenarios = scenario_table(project)
    if scenarios is not None:
        title = scenario_title(project)
        blocks += [PageBreak(), TableBlock(title, translate("Report", "{title} (continued, from row {row})").format(
            title=title, row="{row}"), scenarios)]
    blocks.append(FooterBlock(translate("Report", "Lamplight briefing report · {title}").format(title=data.title)))
    return blocks
