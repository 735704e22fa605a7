"""The processing sub-commands of ``main.py``: ``list``, ``help ALGORITHM`` and ``run ALGORITHM --param value``.

``run`` validates the parameters (a bad one exits with status 2 and a message naming it), runs the algorithm
in a worker thread (Ctrl-C cancels it cleanly), writes the outputs (GeoPackage / GeoTIFF / CSV, into
``--output-dir`` or to ``--OUTPUTNAME path``), and prints a JSON summary on stdout. A progress bar goes to
stderr when stderr is a terminal. No Qt is imported here.

Example::

    python main.py run tools.nearest --input offices.gpkg --target schools.gpkg --output-dir out/
    python main.py run tools.buffer --project city.lamp --input "Lamp poles" --distance 150 --output b.gpkg
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shlex
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from layers.errors import LamplightError, LayerError
from layers.i18n import translate
from layers.io.writers import defuse_formulas
from layers.layer import Layer, VectorLayer
from plugins import field_mapping_cli
from plugins.api import (
    Algorithm,
    AlgorithmError,
    BoolParameter,
    Cancelled,
    Context,
    Feedback,
    Output,
    OutputLayer,
    OutputRaster,
    OutputTable,
    ParameterError,
)
from plugins.registry import Registry, default_registry

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
DEFAULT_EXTENSION = {OutputLayer: ".gpkg", OutputRaster: ".tif", OutputTable: ".csv"}
ALLOWED_EXTENSIONS = {OutputLayer: (".gpkg", ".geojson", ".json", ".csv"), OutputRaster: (".tif", ".tiff"),
                      OutputTable: (".csv",)}
_COMMON_OPTIONS = ("project", "save", "output_dir", "overwrite", "workers", "dask_scheduler")


class UsageError(LamplightError):
    """The command line is wrong (bad parameter, unknown algorithm, output in the way): exit status 2."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``list``, ``help``, ``run`` and ``map-fields`` on ``main.py``'s sub-command parser."""
    listing = subparsers.add_parser("list", help=translate("Cli", "list the processing algorithms"))
    listing.add_argument("--json", action="store_true", help=translate("Cli", "print the list as JSON"))
    listing.set_defaults(handler=handle_list)

    helping = subparsers.add_parser("help", help=translate("Cli", "describe an algorithm and its parameters"))
    helping.add_argument("algorithm", help=translate("Cli", "algorithm id, e.g. tools.buffer"))
    helping.set_defaults(handler=handle_help)

    running = subparsers.add_parser(
        "run", help=translate("Cli", "run an algorithm and write its outputs to files"), add_help=False,
        usage="main.py run ALGORITHM [--PARAMETER VALUE ...] [--project FILE] [--output-dir DIR] "
              "[--OUTPUTNAME PATH ...] [--overwrite]")
    running.add_argument("algorithm", nargs="?", help=translate("Cli", "algorithm id, e.g. tools.buffer"))
    running.add_argument("options", nargs=argparse.REMAINDER, help=translate("Cli", "--PARAMETER VALUE pairs"))
    running.set_defaults(handler=handle_run)
    field_mapping_cli.add_parser(subparsers)


def _registry() -> Registry:
    """The process registry; plugins that failed to load are reported once, as warnings on stderr."""
    logging.basicConfig(format=translate("Cli", "warning: {message}").format(message="%(message)s"),
                        level=logging.WARNING, stream=sys.stderr)
    return default_registry()


def print_problem(message: object, *, warning: bool = False) -> None:
    """One line on stderr, "error: …" or "warning: …", in the interface's language."""
    line = translate("Cli", "warning: {message}") if warning else translate("Cli", "error: {message}")
    print(line.format(message=message), file=sys.stderr)


def handle_list(args: argparse.Namespace) -> int:
    registry = _registry()
    if args.json:
        rows = [{"id": a.id, "name": a.name, "group": a.group} for a in registry.algorithms()]
        problems = [{"id": b.id, "source": b.problem.source, "message": b.problem.message}
                    for b in registry.broken_plugins()]
        print(json.dumps({"algorithms": rows, "problems": problems}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for group, algorithms in registry.groups().items():
        print(algorithms[0].display_group() if algorithms[0].group == group else group)
        width = max(len(a.id) for a in algorithms)
        for algorithm in algorithms:
            print(f"  {algorithm.id:<{width}}  {algorithm.display_name()}")
    broken = registry.broken_plugins()  # listed like rasterio's broken commands: 'help ID' says what failed
    if broken:
        print(broken[0].display_group())
        for entry in broken:
            print(f"  {entry.id}  {entry.display_description()}")
    return EXIT_OK


def handle_help(args: argparse.Namespace) -> int:
    try:
        algorithm = _registry().get(args.algorithm)
    except KeyError as exc:
        print_problem(exc.args[0])
        return EXIT_USAGE
    print(algorithm.help_text())
    print("\n" + translate("Cli", "Options of 'run': --project FILE (layer names), --save (record the run in the "
                                  "project), --output-dir DIR, --OUTPUTNAME PATH, --overwrite, --workers N, "
                                  "--dask-scheduler ADDRESS"))
    return EXIT_OK


def algorithm_parser(algorithm: Algorithm) -> argparse.ArgumentParser:
    """The argument parser of ``run ALGORITHM``: one option per parameter and per output."""
    parser = argparse.ArgumentParser(prog=f"main.py run {algorithm.id}", description=algorithm.display_description(),
                                     exit_on_error=False)
    taken = set(_COMMON_OPTIONS)
    group = parser.add_argument_group(translate("Cli", "parameters"))
    for parameter in algorithm.parameters():
        _claim(taken, parameter.name, algorithm)
        text = f"{parameter.description}: {parameter.describe()}"
        if parameter.default is not None:
            text += f" (default {parameter.default})"
        text = text.replace("%", "%%")    # argparse %-formats help texts: a "95%" would break --help
        if isinstance(parameter, BoolParameter):
            group.add_argument(f"--{parameter.name}", nargs="?", const="true", help=text, metavar="true|false")
        else:
            group.add_argument(f"--{parameter.name}", help=text, metavar="VALUE")
    outputs = parser.add_argument_group(translate("Cli", "outputs (default: OUTPUTNAME.<ext> in --output-dir)"))
    for output in algorithm.outputs():
        if type(output) in DEFAULT_EXTENSION:
            _claim(taken, output.name, algorithm)
            allowed = ", ".join(ALLOWED_EXTENSIONS[type(output)])
            outputs.add_argument(f"--{output.name}", metavar="PATH",
                                 help=f"{output.description} ({allowed})".replace("%", "%%"))
    common = parser.add_argument_group(translate("Cli", "run options"))
    common.add_argument("--project", metavar="FILE",
                        help=translate("Cli", "a .lamp project whose layer names parameters may use"))
    common.add_argument("--save", action="store_true",
                        help=translate("Cli", "record the run in the --project file (history, outputs as layers), as "
                                              "the workbench does, so its report and web map show it"))
    common.add_argument("--output-dir", metavar="DIR", default=".",
                        help=translate("Cli", "folder for outputs without a path"))
    common.add_argument("--overwrite", action="store_true",
                        help=translate("Cli", "replace output files that already exist"))
    common.add_argument("--workers", type=int, help=translate("Cli", "worker threads/processes for the algorithm"))
    common.add_argument("--dask-scheduler", metavar="ADDRESS",
                        help=translate("Cli", "a dask.distributed scheduler to use"))
    return parser


def _claim(taken: set[str], name: str, algorithm: Algorithm) -> None:
    if name in taken:
        raise UsageError(f"algorithm {algorithm.id} declares '{name}' twice or reuses a run option name")
    taken.add(name)


def output_paths(algorithm: Algorithm, options: dict[str, Any], output_dir: Path,
                 overwrite: bool) -> dict[str, Path]:
    """Where each output goes; refuses before the run if a file is in the way or the extension is wrong."""
    paths = {}
    for output in algorithm.outputs():
        kind = type(output)
        if kind not in DEFAULT_EXTENSION:
            continue
        explicit = options.get(output.name)
        path = Path(explicit).expanduser() if explicit else output_dir / f"{output.name}{DEFAULT_EXTENSION[kind]}"
        if path.suffix.lower() not in ALLOWED_EXTENSIONS[kind]:
            raise UsageError(translate("Cli", "output '{output}': {file} must end in {extensions}").format(
                output=output.name, file=path.name,
                extensions=translate("Cli", " or ").join(ALLOWED_EXTENSIONS[kind])))
        if path.exists() and not overwrite:
            raise UsageError(translate("Cli", "output '{output}': {path} already exists; use --overwrite or another "
                                              "path").format(output=output.name, path=path))
        paths[output.name] = path
    return paths


def handle_run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except UsageError as exc:
        print_problem(exc)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if not args.algorithm or args.algorithm in ("-h", "--help"):
        raise UsageError(translate("Cli", "name an algorithm: main.py run ALGORITHM --PARAMETER VALUE ... "
                                          "('main.py list')"))
    try:
        algorithm = _registry().get(args.algorithm)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    parser = algorithm_parser(algorithm)
    if any(option in ("-h", "--help") for option in args.options):
        parser.print_help()
        return EXIT_OK
    try:
        options = vars(parser.parse_args(_attach_negative_numbers(args.options)))
    except argparse.ArgumentError as exc:
        raise UsageError(str(exc)) from None
    except SystemExit:  # argparse already printed the problem (e.g. unrecognised arguments)
        return EXIT_USAGE
    if options["save"] and not options.get("project"):
        raise UsageError(translate("Cli", "--save records the run in a project: give the project with --project "
                                          "FILE"))
    context = _context(options)
    output_dir = Path(options["output_dir"]).expanduser()
    paths = output_paths(algorithm, options, output_dir, options["overwrite"])
    raw = {p.name: options[p.name] for p in algorithm.parameters() if options.get(p.name) is not None}
    bar = ProgressBar(sys.stderr, algorithm.id)
    feedback = Feedback(on_progress=bar.update, on_log=bar.log)
    outcome = _run_in_thread(algorithm, raw, context, feedback)
    bar.finish()
    if isinstance(outcome, BaseException):
        return _failure(algorithm, outcome)
    try:
        written = _write_outputs(algorithm, outcome.outputs, paths)
    except (LayerError, OSError) as exc:
        print_problem(translate("Cli", "the run succeeded but its outputs could not be written: {problem}").format(
            problem=exc))
        return EXIT_FAILED
    summary = {"algorithm": algorithm.id, "status": "ok", "duration_s": outcome.record["duration_s"],
               "parameters": outcome.record["parameters"], "outputs": written, "summary": outcome.summary,
               "run_id": outcome.record["run_id"]}
    if options["save"]:
        try:
            summary["project"] = str(_save_in_project(outcome, context.project).resolve())
        except LayerError as exc:
            print_problem(translate("Cli", "the outputs were written but the project could not be saved: "
                                           "{problem}").format(problem=exc))
            return EXIT_FAILED
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return EXIT_OK


_NEGATIVE = re.compile(r"-\d*\.?\d+(e[-+]?\d+)?\s*[a-z]*", re.IGNORECASE)


def _attach_negative_numbers(words: list[str]) -> list[str]:
    """``--distance -2e6`` as ``--distance=-2e6``: argparse would take '-2e6' for an option."""
    out: list[str] = []
    for word in words:
        if out and out[-1].startswith("--") and "=" not in out[-1] and _NEGATIVE.fullmatch(word):
            out[-1] = f"{out[-1]}={word}"
        else:
            out.append(word)
    return out


def _context(options: dict[str, Any]) -> Context:
    project = None
    if options.get("project"):
        from layers.project import Project

        try:
            project = Project.load(options["project"])
        except LayerError as exc:
            raise UsageError(f"--project: {exc}") from None
        for problem in project.load_problems:  # its layer names would otherwise be reported as unknown
            print_problem(f"--project: {problem}", warning=True)
    context = Context(project=project, dask_scheduler=options.get("dask_scheduler"))
    if options.get("workers"):
        context.workers = options["workers"]
    return context


def _save_in_project(outcome: Any, project: Any) -> Path:
    """Add the outputs to the project and record the run, as the workbench's Processing dialog does; saved
    atomically, so an interrupted save leaves the previous project file whole."""
    from plugins.runner import add_to_project

    add_to_project(outcome, project)
    return project.save()


def _run_in_thread(algorithm: Algorithm, raw: dict[str, Any], context: Context,
                   feedback: Feedback) -> Any:
    """The RunResult, or the exception; Ctrl-C asks the algorithm to stop and waits for it."""
    from plugins.runner import run_algorithm

    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(run_algorithm(algorithm, raw, context, feedback))
        except BaseException as exc:  # handed to the main thread, which reports it
            outcome.append(exc)

    thread = threading.Thread(target=work, name=f"run {algorithm.id}", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt:
        feedback.cancel()
        thread.join()
    return outcome[0]


def _failure(algorithm: Algorithm, exc: BaseException) -> int:
    if isinstance(exc, Cancelled):
        print(translate("Cli", "cancelled: no outputs were written"), file=sys.stderr)
        return EXIT_CANCELLED
    if isinstance(exc, ParameterError):
        print_problem(exc)
        return EXIT_USAGE
    if isinstance(exc, AlgorithmError | LayerError):
        print_problem(exc)
        return EXIT_FAILED
    if not isinstance(exc, Exception):  # SystemExit, KeyboardInterrupt: not the algorithm's failure to explain
        raise exc
    # Anything else is a bug in the algorithm: say so in one line, then give the traceback for the report.
    print_problem(translate("Cli", "algorithm {algorithm} failed unexpectedly ({problem}); this is a bug in the "
                                   "algorithm, not in your parameters. Details for a bug report:").format(
        algorithm=algorithm.id, problem=f"{type(exc).__name__}: {exc}"))
    traceback.print_exception(exc, file=sys.stderr)
    return EXIT_FAILED


def _write_outputs(algorithm: Algorithm, outputs: dict[str, Any], paths: dict[str, Path]) -> dict[str, Any]:
    """Write each output, creating its folder; raises LayerError or OSError naming the output and its path."""
    from layers.io import write_layer

    written: dict[str, Any] = {}
    declared: dict[str, Output] = {o.name: o for o in algorithm.outputs()}
    for name, path in paths.items():
        value = outputs[name]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OSError(translate("Cli", "output '{output}': cannot create the folder {folder} ({reason})").format(
                output=name, folder=path.parent, reason=exc.strerror or exc)) from exc
        if isinstance(value, Layer):
            write_layer(value, path, layer_name=value.name)
            entry: dict[str, Any] = {"path": str(path), "type": declared[name].type_name, "layer": value.name}
            if isinstance(value, VectorLayer):
                entry["features"] = len(value)
        else:
            try:
                _write_table(value, path)
            except OSError as exc:
                raise OSError(translate("Cli", "output '{output}': {path} could not be written ({reason})").format(
                    output=name, path=path, reason=exc.strerror or exc)) from exc
            entry = {"path": str(path), "type": "table", "rows": len(value)}
        written[name] = entry
    return written


def _write_table(table: pd.DataFrame, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        defuse_formulas(table).to_csv(temporary, index=False, encoding="utf-8")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


class ProgressBar:
    """A one-line progress bar on a terminal; plain log lines otherwise (a pipe or a log file)."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.interactive = stream.isatty()
        self._lock = threading.Lock()
        self._shown = -1

    def update(self, percent: float) -> None:
        if not self.interactive or int(percent) == self._shown:
            return
        with self._lock:
            self._shown = int(percent)
            filled = int(self.WIDTH * percent / 100)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {percent:5.1f}%")
            self.stream.flush()

    def log(self, message: str) -> None:
        with self._lock:
            prefix = "\r\033[K" if self.interactive and self._shown >= 0 else ""
            self.stream.write(f"{prefix}{message}\n")
            self._shown = -1 if self.interactive else self._shown
            self.stream.flush()

    def finish(self) -> None:
        if self.interactive and self._shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def command_line(record: dict[str, Any], project_path: str | None = None) -> str:
    """``python main.py run ...`` reproducing a recorded run (for 'Copy as command line' in the history)."""
    words = ["python", "main.py", "run", record["algorithm"]]
    for name, value in record.get("parameters", {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = str(value)
        words += [f"--{name}", text]
    if project_path:
        words += ["--project", str(project_path)]
    return shlex.join(words)


__all__ = ["ProgressBar", "UsageError", "add_parser", "algorithm_parser", "command_line", "handle_help",
           "handle_list", "handle_run", "output_paths"]
