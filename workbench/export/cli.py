"""The ``export`` sub-command of ``main.py``: print layout, web map and briefing report from a project file.

    python main.py export --project city.lamp --layout a4-landscape --out map.pdf --title "Tianhe" \\
        --web map.html --report briefing.pdf --qgz map.qgz

Exit status 0 on success, 1 when an export fails (message on stderr naming the file or layer), 2 for a wrong
command line, 130 when interrupted. Qt is loaded only when a layout or report is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers.errors import LayerError
from layers.i18n import translate
from plugins.cli import print_problem
from workbench.export.layout_geometry import PAGE_SIZES_MM

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
LAYOUTS = tuple(PAGE_SIZES_MM)  # the page presets, so a new preset is offered here too


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help=translate("Cli", "export a print layout (PDF/SVG/PNG), an offline web map, a briefing report "
                                        "and a QGIS project"),
        description=translate("Cli", "Export briefing material from a Lamplight project. Give at least one of --out, "
                                     "--web, --report, --qgz."))
    parser.add_argument("--project", required=True, help=translate("Cli", "the .lamp project file"))
    page = parser.add_argument_group(translate("Cli", "print layout"))
    page.add_argument("--out", help=translate("Cli", "page file: .pdf, .svg or .png"))
    page.add_argument("--layout", default="a4-landscape", choices=LAYOUTS,
                      help=translate("Cli", "page size and orientation"))
    page.add_argument("--dpi", type=int, default=300,
                      help=translate("Cli", "resolution (PNG pixels, PDF/SVG precision)"))
    page.add_argument("--no-legend", action="store_true", help=translate("Cli", "leave out the legend"))
    page.add_argument("--no-overview", action="store_true", help=translate("Cli", "leave out the overview inset"))
    common = parser.add_argument_group(translate("Cli", "content (all outputs)"))
    common.add_argument("--title", help=translate("Cli", "title (default: the project's title)"))
    common.add_argument("--subtitle", default="", help=translate("Cli", "subtitle"))
    common.add_argument("--extent",
                        help=translate("Cli", "map extent 'minx,miny,maxx,maxy' in the project CRS (default: saved "
                                              "view)"))
    common.add_argument("--notes", default="", help=translate("Cli", "free text printed on the page and in the report"))
    common.add_argument("--sources", help=translate("Cli", "data sources line (default: from the layers)"))
    common.add_argument("--date", help=translate("Cli", "date shown (default: today)"))
    web = parser.add_argument_group(translate("Cli", "web map"))
    web.add_argument("--web", help=translate("Cli", "interactive map file: .html"))
    web.add_argument("--fields", action="append", default=[], metavar="LAYER=FIELD,FIELD",
                     help=translate("Cli", "popup fields of a layer (repeatable)"))
    web.add_argument("--cdn", action="store_true",
                     help=translate("Cli", "link Leaflet from a CDN instead of inlining it (smaller, "
                                           "needs internet)"))
    web.add_argument("--no-basemap", action="store_true",
                     help=translate("Cli", "do not offer the online basemap layer"))
    parser.add_argument("--report", help=translate("Cli", "briefing report: .pdf or .html"))
    parser.add_argument("--qgz",
                        help=translate("Cli", "QGIS project: .qgz (layers, order, visibility, styles, CRS, extent); "
                                              "layers "
                                              "not linked to an unchanged file are written beside it"))
    parser.set_defaults(handler=handle_export)


def parse_extent(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        values = tuple(float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        raise ValueError(translate("Cli", "--extent {text}: expected four numbers minx,miny,maxx,maxy").format(
            text=repr(text))) from None
    if len(values) != 4 or values[2] <= values[0] or values[3] <= values[1]:
        raise ValueError(translate("Cli", "--extent {text}: expected minx,miny,maxx,maxy with minx < maxx and "
                                          "miny < maxy").format(text=repr(text)))
    return values


def parse_fields(entries: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for entry in entries:
        layer, sep, names = entry.partition("=")
        if not sep or not layer.strip():
            raise ValueError(translate("Cli", "--fields {entry}: expected LAYER=FIELD,FIELD").format(entry=repr(entry)))
        fields[layer.strip()] = [n.strip() for n in names.split(",") if n.strip()]
    return fields


def handle_export(args: argparse.Namespace) -> int:
    if not (args.out or args.web or args.report or args.qgz):
        print_problem(translate("Cli", "nothing to export; give --out, --web, --report and/or --qgz"))
        return EXIT_USAGE
    try:
        extent = parse_extent(args.extent)
        fields = parse_fields(args.fields)
    except ValueError as exc:
        print_problem(exc)
        return EXIT_USAGE
    try:
        from layers.project import Project

        project = Project.load(args.project)
        for problem in project.load_problems:
            print_problem(problem, warning=True)
        if not len(project):     # an empty page is no briefing: say why instead
            lost = len(project.load_problems)
            why = (translate("ExportError", "its layers could not be restored ({count})").format(count=lost) if lost
                   else translate("ExportError", "it holds no layers"))
            raise LayerError(args.project, translate("ExportError", "nothing to draw: {why}").format(why=why))
        written = _export(args, project, extent, fields)
    except KeyboardInterrupt:
        print(translate("Cli", "cancelled"), file=sys.stderr)
        return EXIT_CANCELLED
    except (LayerError, ValueError, OSError) as exc:
        print_problem(exc)
        return EXIT_FAILED
    print(json.dumps(written, indent=2))
    return EXIT_OK


def _export(args: argparse.Namespace, project, extent, fields: dict[str, list[str]]) -> dict:
    written: dict = {}
    if args.out:
        from workbench.export.layout import LayoutOptions
        from workbench.export.layout_export import export_layout

        info = export_layout(project, args.out, LayoutOptions(
            layout=args.layout, dpi=args.dpi, title=args.title, subtitle=args.subtitle, extent=extent,
            date=args.date, sources=args.sources, notes=args.notes, legend=not args.no_legend,
            overview=not args.no_overview))
        written["layout"] = {"path": str(Path(args.out).resolve()), "scale": round(info.scale),
                             "scale_bar_m": info.scale_bar.length_m if info.scale_bar else None,
                             "legend_entries_left_out": info.legend_missing}
    if args.web:
        from workbench.export.webmap import WebMapOptions, export_web_map

        notes: list[str] = []
        counts = export_web_map(project, args.web, WebMapOptions(
            title=args.title, subtitle=args.subtitle, fields=fields, self_contained=not args.cdn,
            online_basemap=not args.no_basemap, extent=extent, sources=args.sources), note=notes.append)
        written["web"] = {"path": str(Path(args.web).resolve()), "features": counts, "notes": notes}
    if args.report:
        from workbench.export.report import ReportOptions, export_report
        from workbench.export.report_data import figure_values

        data = export_report(project, args.report, ReportOptions(
            title=args.title, subtitle=args.subtitle, extent=extent, sources=args.sources,
            notes=args.notes, date=args.date))
        written["report"] = {"path": str(Path(args.report).resolve()),
                             "figures": figure_values(data.figures)}
    if args.qgz:
        from layers.qgis_project import export_qgis_project

        written["qgis"] = export_qgis_project(project, args.qgz, extent)
    return written
