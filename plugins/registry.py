"""Find every algorithm: built-in plugin packages, the ``workbench.plugins`` entry points and the user folder.

A plugin is anything that yields algorithms: a package or module with ``algorithms()`` (built-ins and the user
folder) or an entry point that loads a callable returning them. A plugin that fails to import, raises, or
returns nonsense is recorded in ``Registry.problems`` (and logged) and skipped: one broken plugin never stops
the workbench from starting. Like rasterio's ``BrokenCommand``, each problem is also an entry,
``Registry.get("broken.<plugin>")``, a ``BrokenPlugin`` whose help and run explain the failure.

Example::

    registry = discover()
    buffer = registry.get("tools.buffer")
    for problem in registry.problems:
        print(problem.source, problem.message)
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import importlib.util
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from layers.i18n import QT_TRANSLATE_NOOP, translate
from plugins.api import Algorithm, AlgorithmError, Context, Feedback, Output, Parameter
from plugins.plugin_probe import LOAD_SECONDS, Target, probe

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "workbench.plugins"
BUILTIN_PACKAGES = ("plugins.tools", "plugins.demand", "plugins.coverage", "plugins.siting")


@dataclass(frozen=True)
class PluginProblem:
    """A plugin that could not be loaded: where it came from, a one-line message, and the traceback."""

    source: str
    message: str
    details: str = ""


class BrokenPlugin(Algorithm):
    """The stand-in of a plugin that failed to load: listed, and explaining the failure when asked or run."""

    group = QT_TRANSLATE_NOOP("Algorithm", "Broken plugins")

    def __init__(self, problem: PluginProblem) -> None:
        self.problem = problem
        self.id = f"broken.{plugin_key(problem.source)}"  # type: ignore[misc]  # ids are class constants elsewhere
        self.name = translate("BrokenPlugin", "{plugin} (failed to load)").format(  # type: ignore[misc]
            plugin=plugin_key(problem.source))
        self.description = translate("BrokenPlugin", "The plugin {source} {message}.").format(  # type: ignore[misc]
            source=problem.source, message=problem.message)

    def parameters(self) -> list[Parameter]:
        return []

    def outputs(self) -> list[Output]:
        return []

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        raise AlgorithmError(translate("BrokenPlugin", "the plugin {source} {message}; fix or reinstall it")
                             .format(source=self.problem.source, message=self.problem.message))


def _import_failed(exc: BaseException) -> str:
    return translate("PluginRegistry", "failed to import: {problem}").format(problem=_one_line(exc))


def plugin_key(source: str) -> str:
    """The short name of a plugin source: entry point name, file or folder stem, or last module component."""
    name = source.split(" = ")[0]
    if os.sep in name or name.endswith(".py"):
        return Path(name).stem if name.endswith(".py") else Path(name).name
    return name.rsplit(".", 1)[-1]


def user_plugin_dir() -> Path:
    """``$LAMPLIGHT_PLUGIN_DIR``, else ``$XDG_DATA_HOME/lamplight/plugins`` (``~/.local/share/...``)."""
    explicit = os.environ.get("LAMPLIGHT_PLUGIN_DIR")
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "lamplight" / "plugins"


class Registry:
    """Algorithms by id, plus the problems met while loading plugins."""

    def __init__(self, load_seconds: float = LOAD_SECONDS) -> None:
        self._algorithms: dict[str, Algorithm] = {}
        self._origins: dict[str, str] = {}
        self.problems: list[PluginProblem] = []
        self.load_seconds = load_seconds

    # -- loading ----------------------------------------------------------------------------------------
    def add_plugin(self, source: str, provider: Callable[[], Iterable[Any]] | ModuleType) -> int:
        """Register what ``provider`` (a module with ``algorithms()`` or a callable) yields; return how many."""
        try:
            factory = getattr(provider, "algorithms", None) if isinstance(provider, ModuleType) else provider
            if isinstance(factory, ModuleType):  # importing a submodule named algorithms replaces the function
                self._report(source, translate("PluginRegistry", "has a submodule named 'algorithms' that hides its "
                                                                 "algorithms() function; rename the submodule"))
                return 0
            if not callable(factory):
                self._report(source, translate("PluginRegistry", "has no algorithms() function; a plugin must "
                                                                 "define one"))
                return 0
            items = list(factory())
        except (Exception, SystemExit) as exc:
            self._report(source, translate("PluginRegistry", "failed while listing its algorithms: {problem}").format(
                problem=_one_line(exc)), exc)
            return 0
        added = 0
        for item in items:
            added += self._add_algorithm(source, item)
        return added

    def _add_algorithm(self, source: str, item: Any) -> int:
        try:
            algorithm = item() if isinstance(item, type) else item
        except Exception as exc:
            self._report(source, translate("PluginRegistry", "could not create algorithm {item!r}: {problem}").format(
                item=item, problem=_one_line(exc)), exc)
            return 0
        if not isinstance(algorithm, Algorithm):
            self._report(source, translate("PluginRegistry", "returned {value!r}, which is not a "
                                                             "plugins.api.Algorithm").format(value=algorithm))
            return 0
        if not algorithm.id or not algorithm.name:
            self._report(source, translate("PluginRegistry", "algorithm {algorithm} has no id or name").format(
                algorithm=type(algorithm).__name__))
            return 0
        if algorithm.id in self._algorithms:
            self._report(source, translate("PluginRegistry", "algorithm id '{id}' is already provided by {origin}; "
                                                             "this one is skipped").format(
                id=algorithm.id, origin=self._origins[algorithm.id]))
            return 0
        try:
            algorithm.parameters()
            algorithm.outputs()
        except Exception as exc:
            problem = translate("PluginRegistry", "algorithm '{id}' cannot declare its parameters: {problem}")
            self._report(source, problem.format(id=algorithm.id, problem=_one_line(exc)), exc)
            return 0
        self._algorithms[algorithm.id] = algorithm
        self._origins[algorithm.id] = source
        return 1

    def load_module(self, module_name: str) -> int:
        """Import ``module_name`` and register its ``algorithms()``; report a missing or broken module."""
        try:
            module = importlib.import_module(module_name)
        except (Exception, SystemExit) as exc:
            missing = isinstance(exc, ModuleNotFoundError) and exc.name == module_name
            message = translate("PluginRegistry", "is not installed") if missing else _import_failed(exc)
            self._report(module_name, message, None if missing else exc)
            return 0
        return self.add_plugin(module_name, module)

    def load_builtins(self, packages: Iterable[str] = BUILTIN_PACKAGES) -> None:
        for package in packages:
            self.load_module(package)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP, *, only: str | None = None,
                          probe: bool = True) -> None:
        """Every entry point of ``group`` (or the one named ``only``); each loads a callable (or module) that
        yields algorithms. With ``probe``, each is first tried in a child process (``plugin_probe``)."""
        try:
            entry_points = [e for e in importlib.metadata.entry_points(group=group) if only in (None, e.name)]
        except Exception as exc:  # a corrupt dist-info elsewhere on sys.path
            problem = translate("PluginRegistry", "could not be listed: {problem}").format(problem=_one_line(exc))
            self._report(f"entry points '{group}'", problem, exc)
            return
        slow = self._probe([Target("entry", group, e.name) for e in entry_points]) if probe else {}
        for index, entry_point in enumerate(entry_points):
            distribution = getattr(entry_point.dist, "name", None) or "unknown distribution"
            source = f"{entry_point.name} = {entry_point.value} ({distribution})"
            if index in slow:
                self._report(source, slow[index])
                continue
            try:
                provider = entry_point.load()
            except (Exception, SystemExit) as exc:
                self._report(source, _import_failed(exc), exc)
                continue
            self.add_plugin(source, provider)

    def load_folder(self, folder: str | os.PathLike, *, probe: bool = True) -> None:
        """Each ``*.py`` module and each package (folder with ``__init__.py``) in ``folder`` is a plugin.

        Names starting with '.' or '_' are skipped; a plugin whose name is already imported from elsewhere
        (e.g. ``json.py``) is reported instead of shadowing that module. With ``probe``, each is first tried in a
        child process (``plugin_probe``): one that hangs there is reported and not imported.
        """
        folder = Path(folder)
        if not folder.is_dir():
            return
        items = [path for path in sorted(folder.iterdir()) if _is_plugin(path)]
        slow = self._probe([Target("file", str(path)) for path in items]) if probe else {}
        for index, path in enumerate(items):
            if index in slow:
                self._report(str(path), slow[index])
            else:
                self.load_folder_item(path)

    def load_folder_item(self, path: str | os.PathLike) -> None:
        """One plugin of the user folder: a package folder or a ``*.py`` module."""
        path = Path(path)
        if path.is_dir():
            self._load_file(path.name, path / "__init__.py", package=True)
        else:
            self._load_file(path.stem, path, package=False)

    def _probe(self, targets: list[Target]) -> dict[int, str]:
        """The targets that hung or crashed a child process while loading (nothing is started for none)."""
        return probe(targets, self.load_seconds) if targets else {}

    def _load_file(self, name: str, file: Path, *, package: bool) -> None:
        """Import a user-folder plugin under its own name, so a copied package's absolute imports still work."""
        source = str(file.parent if package else file)
        existing = sys.modules.get(name)
        if existing is not None:
            if Path(getattr(existing, "__file__", "") or "").resolve() != file.resolve():
                self._report(source, translate("PluginRegistry", "its name '{name}' is already taken by the module "
                                                                 "{module!r}; rename it").format(name=name,
                                                                                                 module=existing))
                return
            self.add_plugin(source, existing)
            return
        try:
            locations = [str(file.parent)] if package else None
            spec = importlib.util.spec_from_file_location(name, file, submodule_search_locations=locations)
            if spec is None or spec.loader is None:  # reported below like any other import failure
                raise ImportError(translate("PluginRegistry", "Python has no loader for {file}").format(file=file.name))
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:
            for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[loaded]
            self._report(source, _import_failed(exc), exc)
            return
        self.add_plugin(source, module)

    def _report(self, source: str, message: str, exc: BaseException | None = None) -> None:
        details = "".join(traceback.format_exception(exc)) if exc is not None else ""
        self.problems.append(PluginProblem(source, message, details))
        log.warning("plugin %s %s", source, message)

    # -- lookup -----------------------------------------------------------------------------------------
    def algorithms(self) -> list[Algorithm]:
        """All algorithms sorted by group, then name."""
        return sorted(self._algorithms.values(), key=lambda a: (a.group.lower(), a.name.lower()))

    def groups(self) -> dict[str, list[Algorithm]]:
        grouped: dict[str, list[Algorithm]] = {}
        for algorithm in self.algorithms():
            grouped.setdefault(algorithm.group or "Other", []).append(algorithm)
        return grouped

    def broken_plugins(self) -> list[BrokenPlugin]:
        """One entry per plugin that failed to load, in the order met (not in ``algorithms()``)."""
        return [BrokenPlugin(problem) for problem in self.problems]

    def get(self, algorithm_id: str) -> Algorithm:
        if algorithm_id in self._algorithms:
            return self._algorithms[algorithm_id]
        broken = [entry for entry in self.broken_plugins() if entry.id == algorithm_id]
        if broken:
            return broken[0]
        close = difflib.get_close_matches(algorithm_id, list(self._algorithms), n=3, cutoff=0.5)
        hint = translate("PluginRegistry", "; did you mean {names}?").format(names=", ".join(close)) if close \
            else translate("PluginRegistry", "; 'python main.py list' shows them all")
        # The algorithm may belong to a plugin that failed to load: say so, it is the likelier explanation.
        prefix = algorithm_id.split(".")[0]
        failed = [f"{p.source} {p.message}" for p in self.problems if prefix in p.source]
        if failed:
            hint += translate("PluginRegistry", "; plugins that failed to load: {plugins}").format(
                plugins="; ".join(failed))
        raise KeyError(translate("PluginRegistry", "no algorithm '{id}'{hint}").format(id=algorithm_id, hint=hint))

    def origin(self, algorithm_id: str) -> str:
        """Which plugin provided the algorithm (module name, entry point or file)."""
        return self._origins[algorithm_id]

    def __contains__(self, algorithm_id: object) -> bool:
        return algorithm_id in self._algorithms

    def __len__(self) -> int:
        return len(self._algorithms)


def _is_plugin(path: Path) -> bool:
    """A ``*.py`` module or a package folder whose name does not start with '.' or '_'."""
    if path.name.startswith((".", "_")):
        return False
    return (path.is_dir() and (path / "__init__.py").is_file()) or (path.suffix == ".py" and path.is_file())


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def discover(*, builtins: bool = True, entry_points: bool = True,
             folder: str | os.PathLike | None | bool = True, load_seconds: float = LOAD_SECONDS) -> Registry:
    """A fresh registry from the built-ins, the entry points and the user plugin folder (``True`` = default);
    a third-party plugin that takes longer than ``load_seconds`` to load is reported and skipped."""
    registry = Registry(load_seconds)
    if builtins:
        registry.load_builtins()
    if entry_points:
        registry.load_entry_points()
    if folder is True:
        registry.load_folder(user_plugin_dir())
    elif folder:
        registry.load_folder(folder)
    return registry


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of this process, discovered on first use."""
    global _default
    if _default is None:
        _default = discover()
    return _default


__all__ = ["BUILTIN_PACKAGES", "ENTRY_POINT_GROUP", "BrokenPlugin", "PluginProblem", "Registry", "default_registry",
           "discover", "plugin_key", "user_plugin_dir"]
