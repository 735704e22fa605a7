"""Project files are read and written in a worker thread, so opening, saving and autosaving never freeze the window.

Why: opening a city-sized project took 1.4-1.9 s idle and 13 s under load, and autosave of an edited 77k-pole
layer froze the window for up to 6.9 s every 5 minutes, all in the GUI thread.

What is saved is a ``snapshot`` taken in the GUI thread: edits mutate ``layer.gdf`` in place (``layers.edits``),
so each vector layer has its frame copied, and the project's small settings are copied too. Copying a frame
copies its columns and the references to its (immutable) shapely geometries, not the geometries themselves:
milliseconds for the 3,101-pole sample (see ``benchmarks/bench_gui_stall.py``). An edit made while the worker
writes therefore changes the project, not the file being written, and the project stays unsaved. Raster pixels
are never edited in place and are shared.

``wait_for`` runs a job and waits for it with a local event loop: the window keeps painting and answering, and
callers that need the outcome (the unsaved-changes prompt, open before replacing the project) keep their order.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QEventLoop, QObject, pyqtSignal

from layers import Layer, Project, VectorLayer
from workbench.guarded_pool import GuardedPool


class _Written:
    """A frozen ``to_dict`` result, standing in for an object the GUI thread may change during the save."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return self._data


def _layer_copy(layer: Layer) -> Layer:
    """A copy of what a save reads from ``layer``: its settings and its frame."""
    twin = copy.copy(layer)
    object.__setattr__(twin, "metadata", copy.deepcopy(layer.metadata))
    object.__setattr__(twin, "style", copy.deepcopy(layer.style))
    if isinstance(layer, VectorLayer):
        object.__setattr__(twin, "gdf", layer.gdf.copy())
    return twin


def snapshot(project: Project) -> Project:
    """What saving ``project`` writes, detached from later edits (call it in the GUI thread)."""
    twin = Project(project.crs, title=project.title)
    twin.view_extent = project.view_extent
    twin.path = project.path
    twin.history = copy.deepcopy(project.history)
    twin.rf_profile = _Written(copy.deepcopy(project.rf_profile.to_dict()))
    twin.scenarios = [_Written(copy.deepcopy(scenario.to_dict())) for scenario in project.scenarios]
    twin.basemaps = copy.deepcopy(project.basemaps)
    twin.unavailable = copy.deepcopy(project.unavailable)
    twin._layers = [_layer_copy(layer) for layer in project]   # as they are: add_layer would rename and announce
    return twin


def load_for_display(path: Path) -> Project:
    """``Project.load`` plus what showing the project asks first, worked out here in the worker rather than in
    the GUI thread: each vector layer's geometry family (the layer tree's icons and legends; it is remembered on
    the layer, and naming the types of a city's 77,000 poles takes tens of milliseconds)."""
    project = Project.load(path)
    for layer in project:
        if isinstance(layer, VectorLayer):
            _ = layer.geometry_type
    return project


class RelinkPlan:
    """Stands in for the project while ``layers.project_file.relink_missing`` searches folders and opens files in
    the worker: it records where each layer found goes, and ``apply`` puts them into the project in the GUI thread
    (adding a layer announces it to the docks and the canvas, which live there)."""

    def __init__(self, project: Project) -> None:
        self.unavailable = list(project.unavailable)
        self.added: list[tuple[Layer, int]] = []

    def add_layer(self, layer: Layer, index: int) -> Layer:
        self.added.append((layer, index))
        return layer

    def apply(self, project: Project) -> None:
        for layer, index in self.added:
            project.add_layer(layer, index)
        project.unavailable = self.unavailable


class ProjectIO(QObject):
    """One worker thread for project files; results come back to the GUI thread."""

    _finished = pyqtSignal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = GuardedPool(self, "project-io")
        self._callbacks: dict[int, Callable[[Any, BaseException | None], None]] = {}
        self._next = 0
        self._finished.connect(self._deliver)
        self._signal = self._finished       # bound in the GUI thread, for the worker
        self.last_thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def run(self, job: Callable[..., Any], *args: Any,
            done: Callable[[Any, BaseException | None], None]) -> bool:
        """Run ``job(*args)`` in the worker; ``done(value, error)`` follows in the GUI thread. False when closing."""
        token, self._next = self._next, self._next + 1
        self._callbacks[token] = done
        if self.pool.submit(self._work, token, job, args) is None:
            del self._callbacks[token]
            return False
        return True

    def wait_for(self, job: Callable[..., Any], *args: Any) -> Any:
        """Run ``job(*args)`` in the worker and return its value (or raise its error), the window staying live
        meanwhile (a local event loop)."""
        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        def done(value: Any, error: BaseException | None) -> None:
            outcome.update(value=value, error=error)
            loop.quit()

        if not self.run(job, *args, done=done):
            raise RuntimeError("the window is closing")
        if not outcome:
            loop.exec()
        if outcome["error"] is not None:
            raise outcome["error"]
        return outcome["value"]

    def _work(self, token: int, job: Callable[..., Any], args: tuple) -> None:
        self.last_thread = threading.current_thread()
        try:
            value, error = job(*args), None
        except Exception as exc:  # delivered to the GUI thread, which tells the user
            value, error = None, exc
        self.pool.emit(self._signal, (token, value, error))

    def _deliver(self, payload: tuple[int, Any, BaseException | None]) -> None:
        token, value, error = payload
        done = self._callbacks.pop(token, None)
        if done is not None:
            done(value, error)

    def shutdown(self) -> None:
        """Let the job in progress finish (a save must not be cut), drop queued ones, deliver nothing more."""
        self.pool.close()
