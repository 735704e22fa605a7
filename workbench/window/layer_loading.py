"""Open data files off the GUI thread, give each new layer its default style, and collect readable errors.

A 200 MB GeoPackage must not freeze the window, and one bad file in a drop of ten must not stop the other
nine: every file is tried, and problems come back as messages that name the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal

from layers import Layer, LayerError, VectorLayer
from layers.default_styles import default_style
from layers.field_suggestions import Suggestion, suggest_mapping
from layers.i18n import translate
from layers.io import open_layers
from layers.io.coordinates import NotDegreesError
from layers.io.osm import KIND_DECLINED
from layers.project import PROJECT_SUFFIX
from workbench.guarded_pool import GuardedPool

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    layers: list[Layer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Files refused because their coordinates look projected and they name no CRS: the GUI can offer one.
    need_crs: list[str] = field(default_factory=list)
    #: Layers without a kind that look like one, with the suggested field mapping: the import assistant opens.
    assist: list[tuple[Layer, Suggestion]] = field(default_factory=list)


def is_project_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() == PROJECT_SUFFIX


def load_files(paths: Iterable[str | Path], crs: str | None = None) -> LoadResult:
    """Every layer of every file, styled; unreadable files become messages instead of exceptions.

    ``crs`` is the CRS of files that name none (a CSV in metres, a shapefile without .prj); it is kept in the
    layer's ``source_options`` so the project opens the file the same way next time.
    """
    result = LoadResult()
    options = {"crs": crs} if crs else {}
    for path in paths:
        try:
            layers = open_layers(path, **options)
        except LayerError as exc:
            if not crs and isinstance(exc, NotDegreesError) and exc.looks_projected:
                result.need_crs.append(str(path))
            result.errors.append(str(exc))
            continue
        except Exception as exc:  # a reader bug must not lose the other files of the drop
            log.exception("reading %s failed", path)
            result.errors.append(translate("LayerLoading", "{path}: could not be read ({problem})").format(
                path=path, problem=f"{type(exc).__name__}: {exc}"))
            continue
        if not layers:
            result.errors.append(translate("LayerLoading", "{path}: the file holds no layers").format(path=path))
        for layer in layers:
            if crs:
                layer.metadata["source_options"] = {**layer.metadata.get("source_options", {}), "crs": crs}
            if layer.style is None:
                try:
                    layer.style = default_style(layer)
                except Exception as exc:  # an odd column must not cost the user the layer itself
                    layer.notes.append(translate("LayerLoading", "no default style could be made ({problem}); using "
                                                                 "a plain symbol").format(problem=exc))
        result.layers += layers
        result.assist += suggestions_for(layers)
    return result


def suggestions_for(layers: list[Layer]) -> list[tuple[Layer, Suggestion]]:
    """The layers that did not fit a kind they look like, each with its suggested mapping (computed here, in the
    worker: value maps read whole columns)."""
    found = []
    for layer in layers:
        if isinstance(layer, VectorLayer) and layer.kind is None and not layer.metadata.get(KIND_DECLINED):
            try:
                suggestion = suggest_mapping(layer.gdf, layer.name)
            except Exception:  # an odd column costs the suggestion, never the layer
                log.exception("suggesting a field mapping for %s failed", layer.name)
                continue
            if suggestion.mapping.kind is not None:
                found.append((layer, suggestion))
    return found


class LayerLoader(QObject):
    """Runs ``load_files`` in a worker; ``finished`` delivers the result in the GUI thread."""

    finished = pyqtSignal(object)  # LoadResult
    started = pyqtSignal(list)
    _result = pyqtSignal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A Python thread, not a QThreadPool one: pyproj 3.7 crashes in threads Python did not create.
        self.pool = GuardedPool(self, "layer-loader")
        self.pending = 0
        self._result.connect(self._done)
        self._result_signal = self._result  # bound in the GUI thread, for the worker

    def load(self, paths: list[str], crs: str | None = None) -> None:
        if self.pool.submit(self._run, list(paths), crs) is None:
            return  # shut down: the window is closing
        self.pending += 1
        self.started.emit(list(paths))

    def _done(self, result: LoadResult) -> None:
        self.pending -= 1
        self.finished.emit(result)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Wait for reads in progress; True when none is left."""
        return self.pool.wait(timeout_ms / 1000.0)

    def shutdown(self) -> None:
        """Let the read in progress finish, drop queued ones and deliver nothing more (the window is closing)."""
        self.pool.close()

    def _run(self, paths: list[str], crs: str | None) -> None:
        result = load_files(paths, crs)
        self.pool.emit(self._result_signal, result)  # queued into the GUI thread, where the loader lives
