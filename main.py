"""Lamplight's entry point: parse the command line and dispatch. No logic lives here.

    python main.py                       open the workbench (on the Tianhe sample when it exists)
    python main.py open PROJECT.lamp     open a project in the workbench
    python main.py list | help ALGORITHM | run ALGORITHM --param value ...
    python main.py export --project PROJECT.lamp --out map.pdf ...   print layout, web map, report

Each sub-command module provides ``add_parser(subparsers)``, which adds its parser(s) and sets
``handler=function(args) -> exit status`` with ``set_defaults``. Adding a sub-command is one import and one
entry in ``SUBCOMMANDS``. The GUI is imported only when it is started, so the command line never loads Qt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plugins import cli as processing_cli
from workbench.export import cli as export_cli

SUBCOMMANDS = (processing_cli, export_cli)
SAMPLE_PROJECT = Path(__file__).resolve().parent / "sample_data" / "tianhe" / "tianhe.lamp"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py", description="Lamplight: 5G small cells on smart lamp poles.",
        epilog="Without a command the workbench opens, on the Tianhe sample project when it exists.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    opening = subparsers.add_parser("open", help="open a project in the workbench")
    opening.add_argument("project", help="a .lamp project file")
    opening.set_defaults(handler=lambda args: start_gui(args.project))
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def start_gui(project_path: str | None) -> int:
    from workbench.app import run_gui

    return run_gui(project_path)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return start_gui(str(SAMPLE_PROJECT) if SAMPLE_PROJECT.exists() else None)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
