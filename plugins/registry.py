"""Find every algorithm: built-in plugin packages, the ``workbench.plugins`` entry points and the user folder.

A plugin is anything that yields algorithms: a package or module with ``algorithms()`` (built-ins and the user
folder) or an entry point that loads a callable returning them. A plugin that fails to import, raises, or
returns nonsense is recorded in ``Registry.problems`` (and logged) and skipped: one broken plugin never stops
the workbench from starting.

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

from plugins.api import Algorithm

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "workbench.plugins"
BUILTIN_PACKAGES = ("plugins.tools", "plugins.demand", "plugins.coverage", "plugins.siting")


@dataclass(frozen=True)
class PluginProblem:
    """A plugin that could not be loaded: where it came from, a one-line message, and the traceback."""

    source: str
    message: str
    details: str = ""


def user_plugin_dir() -> Path:
    """``$LAMPLIGHT_PLUGIN_DIR``, else ``$XDG_DATA_HOME/lamplight/plugins`` (``~/.local/share/...``)."""
    explicit = os.environ.get("LAMPLIGHT_PLUGIN_DIR")
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "lamplight" / "plugins"


class Registry:
    """Algorithms by id, plus the problems met while loading plugins."""

    def __init__(self) -> None:
        self._algorithms: dict[str, Algorithm] = {}
        self._origins: dict[str, str] = {}
        self.problems: list[PluginProblem] = []

    # -- loading ----------------------------------------------------------------------------------------
    def add_plugin(self, source: str, provider: Callable[[], Iterable[Any]] | ModuleType) -> int:
        """Register what ``provider`` (a module with ``algorithms()`` or a callable) yields; return how many."""
        try:
            factory = getattr(provider, "algorithms", None) if isinstance(provider, ModuleType) else provider
            if isinstance(factory, ModuleType):  # importing a submodule named algorithms replaces the function
                self._report(source, "has a submodule named 'algorithms' that hides its algorithms() function; "
                                     "rename the submodule")
                return 0
            if not callable(factory):
                self._report(source, "has no algorithms() function; a plugin must define one")
                return 0
            items = list(factory())
        except (Exception, SystemExit) as exc:
            self._report(source, f"failed while listing its algorithms: {_one_line(exc)}", exc)
            return 0
        added = 0
        for item in items:
            added += self._add_algorithm(source, item)
        return added

    def _add_algorithm(self, source: str, item: Any) -> int:
        try:
            algorithm = item() if isinstance(item, type) else item
        except Exception as exc:
            self._report(source, f"could not create algorithm {item!r}: {_one_line(exc)}", exc)
            return 0
        if not isinstance(algorithm, Algorithm):
            self._report(source, f"returned {algorithm!r}, which is not a plugins.api.Algorithm")
            return 0
        if not algorithm.id or not algorithm.name:
            self._report(source, f"algorithm {type(algorithm).__name__} has no id or name")
            return 0
        if algorithm.id in self._algorithms:
            self._report(source, f"algorithm id '{algorithm.id}' is already provided by "
                                 f"{self._origins[algorithm.id]}; this one is skipped")
            return 0
        try:
            algorithm.parameters()
            algorithm.outputs()
        except Exception as exc:
            self._report(source, f"algorithm '{algorithm.id}' cannot declare its parameters: {_one_line(exc)}", exc)
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
            message = "is not installed" if missing else f"failed to import: {_one_line(exc)}"
            self._report(module_name, message, None if missing else exc)
            return 0
        return self.add_plugin(module_name, module)

    def load_builtins(self, packages: Iterable[str] = BUILTIN_PACKAGES) -> None:
        for package in packages:
            self.load_module(package)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Every entry point of ``group``; each loads a callable (or module) that yields algorithms."""
        try:
            entry_points = importlib.metadata.entry_points(group=group)
        except Exception as exc:  # a corrupt dist-info elsewhere on sys.path
            self._report(f"entry points '{group}'", f"could not be listed: {_one_line(exc)}", exc)
            return
        for entry_point in entry_points:
            distribution = getattr(entry_point.dist, "name", None) or "unknown distribution"
            source = f"{entry_point.name} = {entry_point.value} ({distribution})"
            try:
                provider = entry_point.load()
            except (Exception, SystemExit) as exc:
                self._report(source, f"failed to import: {_one_line(exc)}", exc)
                continue
            self.add_plugin(source, provider)

    def load_folder(self, folder: str | os.PathLike) -> None:
        """Each ``*.py`` module and each package (folder with ``__init__.py``) in ``folder`` is a plugin.

        Names starting with '.' or '_' are skipped; a plugin whose name is already imported from elsewhere
        (e.g. ``json.py``) is reported instead of shadowing that module.
        """
        folder = Path(folder)
        if not folder.is_dir():
            return
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "_")):
                continue
            if path.is_dir() and (path / "__init__.py").is_file():
                self._load_file(path.name, path / "__init__.py", package=True)
            elif path.suffix == ".py" and path.is_file():
                self._load_file(path.stem, path, package=False)

    def _load_file(self, name: str, file: Path, *, package: bool) -> None:
        """Import a user-folder plugin under its own name, so a copied package's absolute imports still work."""
        source = str(file.parent if package else file)
        existing = sys.modules.get(name)
        if existing is not None:
            if Path(getattr(existing, "__file__", "") or "").resolve() != file.resolve():
                self._report(source, f"its name '{name}' is already taken by the module {existing!r}; rename it")
                return
            self.add_plugin(source, existing)
            return
        try:
            locations = [str(file.parent)] if package else None
            spec = importlib.util.spec_from_file_location(name, file, submodule_search_locations=locations)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:
            for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[loaded]
            self._report(source, f"failed to import: {_one_line(exc)}", exc)
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

    def get(self, algorithm_id: str) -> Algorithm:
        if algorithm_id in self._algorithms:
            return self._algorithms[algorithm_id]
        close = difflib.get_close_matches(algorithm_id, list(self._algorithms), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'python main.py list' shows them all"
        # The algorithm may belong to a plugin that failed to load: say so, it is the likelier explanation.
        prefix = algorithm_id.split(".")[0]
        failed = [f"{p.source} {p.message}" for p in self.problems if prefix in p.source]
        if failed:
            hint += "; plugins that failed to load: " + "; ".join(failed)
        raise KeyError(f"no algorithm '{algorithm_id}'{hint}")

    def origin(self, algorithm_id: str) -> str:
        """Which plugin provided the algorithm (module name, entry point or file)."""
        return self._origins[algorithm_id]

    def __contains__(self, algorithm_id: object) -> bool:
        return algorithm_id in self._algorithms

    def __len__(self) -> int:
        return len(self._algorithms)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def discover(*, builtins: bool = True, entry_points: bool = True,
             folder: str | os.PathLike | None | bool = True) -> Registry:
    """A fresh registry from the built-ins, the entry points and the user plugin folder (``True`` = default)."""
    registry = Registry()
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


__all__ = ["BUILTIN_PACKAGES", "ENTRY_POINT_GROUP", "PluginProblem", "Registry", "default_registry", "discover",
           "user_plugin_dir"]
