"""The bundled Tianhe sample: where it is (wheel or checkout) and ``lamplight sample FOLDER`` to copy it out.

A wheel carries the sample as package data in ``lamplight/sample_data`` (1.8 MB, so shipping the files beats
regenerating them); a checkout has it in ``sample_data/tianhe``. Planners work on a copy, never on the files
inside site-packages, which may be read-only and are replaced by the next upgrade.
"""

from __future__ import annotations

import argparse
import shutil
from importlib.resources import as_file, files
from pathlib import Path

from layers.i18n import translate
from plugins.cli import print_problem

#: The sample's files; the project refers to the others by relative path, so they travel together.
SAMPLE_FILES = ("tianhe.lamp", "tianhe.gpkg", "building_height_2m.tif", "README.md")
PROJECT_FILE = "tianhe.lamp"
EXIT_OK, EXIT_FAILED = 0, 1


def sample_folder() -> Path | None:
    """The folder holding the sample: the installed package data first, else the checkout; None if neither."""
    packaged = files("lamplight").joinpath("sample_data")
    if packaged.joinpath(PROJECT_FILE).is_file():
        with as_file(packaged) as folder:  # a real folder for an unpacked wheel, which pip always installs
            return Path(folder)
    checkout = Path(__file__).resolve().parents[1] / "sample_data" / "tianhe"
    return checkout if (checkout / PROJECT_FILE).is_file() else None


def sample_project() -> Path | None:
    folder = sample_folder()
    return folder / PROJECT_FILE if folder is not None else None


def write_sample(destination: str | Path, *, overwrite: bool = False) -> Path:
    """Copy the sample into ``destination`` (created if needed); return the project file written.

    Raises FileNotFoundError when this installation has no sample and FileExistsError when a sample file
    is already in ``destination`` and ``overwrite`` is false: a planner's edited copy is never replaced silently.
    """
    source = sample_folder()
    if source is None:
        raise FileNotFoundError(translate("Cli", "this installation of Lamplight has no sample data "
                                                 "(lamplight/sample_data is missing); reinstall the wheel"))
    target = Path(destination)
    if target.exists() and not target.is_dir():
        raise FileExistsError(translate("Cli", "{path}: is a file, not a folder").format(path=target))
    clashes = [name for name in SAMPLE_FILES if (target / name).exists()]
    if clashes and not overwrite:
        raise FileExistsError(translate("Cli", "{path}: already holds {files}; use --overwrite to replace them").format(
            path=target, files=", ".join(clashes)))
    target.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_FILES:
        shutil.copyfile(source / name, target / name)
    return target / PROJECT_FILE


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``sample FOLDER``."""
    parser = subparsers.add_parser("sample", help=translate("Cli", "write the Tianhe sample project into a folder"),
                                   description=translate("Cli", "Copy the synthetic Tianhe CBD sample (project, "
                                                                "GeoPackage, building heights) into FOLDER, to open or "
                                                                "run algorithms on."))
    parser.add_argument("folder", help=translate("Cli", "folder to write into (created if missing)"))
    parser.add_argument("--overwrite", action="store_true",
                        help=translate("Cli", "replace sample files already in the folder"))
    parser.set_defaults(handler=handle_sample)


def handle_sample(args: argparse.Namespace) -> int:
    try:
        project = write_sample(args.folder, overwrite=args.overwrite)
    except OSError as exc:
        print_problem(exc)
        return EXIT_FAILED
    print(project)
    return EXIT_OK
