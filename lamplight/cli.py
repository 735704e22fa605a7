"""Lamplight's command line: parse it and dispatch. No logic lives here.

    lamplight                            open the workbench (on the Tianhe sample when it exists)
    lamplight open PROJECT.lamp          open a project in the workbench
    lamplight list | help ALGORITHM | run ALGORITHM --param value ...
    lamplight export --project PROJECT.lamp --out map.pdf ...   print layout, web map, report
    lamplight sample FOLDER              write the Tianhe sample project into FOLDER
    lamplight warmup [GROUP ...]         compile the fast kernels now (once after installing)

``main.py`` in a checkout, the ``lamplight`` script and ``python -m lamplight`` all call ``main``. Each
sub-command module provides ``add_parser(subparsers)``, which adds its parser(s) and sets
``handler=function(args) -> exit status`` with ``set_defaults``. Adding a sub-command is one import and one
entry in ``SUBCOMMANDS``. The GUI is imported only when it is started, so the command line never loads Qt.
"""

from __future__ import annotations

import argparse
import os
import sys

from lamplight import argparse_words, samples, warmup
from layers.i18n import catalogue_translator, install_translator, translate
from plugins import cli as processing_cli
from workbench.export import cli as export_cli
from workbench.i18n import catalogue, environment_language, normalise

SUBCOMMANDS = (processing_cli, export_cli, samples, warmup)


def build_parser(prog: str = "lamplight") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description=translate("Cli", "Lamplight: 5G small cells on smart lamp poles."),
        epilog=translate("Cli", "Without a command the workbench opens, on the Tianhe sample project when it exists."))
    parser.add_argument("--lang", metavar="LANGUAGE",
                        help=translate("Cli", "interface language, e.g. zh_CN or en (default: the locale, as "
                                              "LANG=zh_CN.UTF-8)"))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    opening = subparsers.add_parser("open", help=translate("Cli", "open a project in the workbench"))
    opening.add_argument("project", help=translate("Cli", "a .lamp project file"))
    opening.set_defaults(handler=lambda args: start_gui(args.project, args.lang))
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def start_gui(project_path: str | None, language: str | None = None) -> int:
    from workbench.app import run_gui

    return run_gui(project_path, language)


def command_line_language(argv: list[str] | None) -> str | None:
    """``--lang`` when given, else what the locale variables ask for (the GUI also weighs its own setting)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    return early.parse_known_args(argv)[0].lang


def install_command_line_language(explicit: str | None) -> None:
    """Translate algorithm names, help and messages for the terminal from the ``.ts`` catalogue (Qt-free)."""
    source = catalogue(normalise(explicit) or environment_language() or "en", ".ts")
    install_translator(catalogue_translator(source) if source is not None else None)
    argparse_words.install()


def main(argv: list[str] | None = None, prog: str = "lamplight") -> int:
    language = command_line_language(argv)
    install_command_line_language(language)
    args = build_parser(prog).parse_args(argv)
    if args.command is None:
        project = samples.sample_project()
        return start_gui(str(project) if project is not None else None, language)
    try:
        status = args.handler(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:  # `lamplight list | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
