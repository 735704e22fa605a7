"""The open project as a working session: unsaved-changes tracking, recent projects, autosave.

Saving goes through ``write_project`` (temp file + rename), so a failed save never damages the last good file.
Autosave writes a sibling copy (``name.lamp.autosave``, or one in the user's data folder for a project never
saved) and never overwrites the user's own file behind their back. Both write a snapshot of the project in a
worker thread (``project_io``): the window never waits on the disk, and an edit made meanwhile is not lost (the
project stays unsaved).
"""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from layers import Event, LayerError, Project
from layers.project_file import write_project
from workbench.user_settings import user_settings
from workbench.window.project_bridge import ProjectBridge
from workbench.window.project_io import ProjectIO, snapshot

RECENT_KEY = "recent_projects"
MAX_RECENT = 10
AUTOSAVE_SUFFIX = ".autosave"
AUTOSAVE_MINUTES = 5
#: Event types that do not change what a save would write (selection is not saved; the view is stored on save).
_NOT_EDITS = {"extent"}


def recent_projects() -> list[str]:
    """Recent project files that still exist, newest first."""
    value = user_settings().value(RECENT_KEY, [])
    paths = [value] if isinstance(value, str) else list(value or [])
    return [p for p in paths if Path(p).is_file()]


def remember_project(path: str | os.PathLike) -> None:
    path = str(Path(path).resolve())
    paths = [path] + [p for p in recent_projects() if p != path]
    user_settings().setValue(RECENT_KEY, paths[:MAX_RECENT])


def autosave_path(project: Project) -> Path:
    if project.path is not None:
        return Path(str(project.path) + AUTOSAVE_SUFFIX)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lamplight" / "autosave" / f"untitled.lamp{AUTOSAVE_SUFFIX}"


class ProjectSession(QObject):
    """Knows whether the project has unsaved edits and keeps an autosaved copy while it does."""

    dirty_changed = pyqtSignal(bool)
    autosaved = pyqtSignal(str)

    def __init__(self, bridge: ProjectBridge, parent: QObject | None = None,
                 autosave_minutes: float = AUTOSAVE_MINUTES) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._dirty = False
        #: Edits so far: a save marks the project clean only if none came while it was being written.
        self._edits = 0
        self._autosaving = False
        self.io = ProjectIO(self)
        bridge.model_event.connect(self._on_event)
        bridge.project_replaced.connect(lambda project: self.mark_clean())
        self._autosave = QTimer(self)
        self._autosave.setInterval(max(1, int(autosave_minutes * 60_000)))
        self._autosave.timeout.connect(self.autosave)
        if autosave_minutes > 0:
            self._autosave.start()

    @property
    def project(self) -> Project:
        return self.bridge.project

    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_clean(self) -> None:
        self._set_dirty(False)

    def mark_dirty(self) -> None:
        self._set_dirty(True)

    def _set_dirty(self, value: bool) -> None:
        if value != self._dirty:
            self._dirty = value
            self.dirty_changed.emit(value)

    def _on_event(self, event: Event) -> None:
        if event.type in _NOT_EDITS or (event.type == "changed" and event.attribute == "selection"):
            return
        self._edits += 1
        self.mark_dirty()

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Save (atomically) to ``path`` or the project's own file; raises LayerError with a readable message.

        The snapshot is written in the worker while the window stays live; this returns once it is on disk."""
        project = self.project
        target = Path(path) if path is not None else project.path
        if target is None:
            raise LayerError(None, self.tr("the project has never been saved; choose a file name"))
        before = autosave_path(project)  # Save As moves the project: its old copy must go too
        edits = self._edits
        self.io.wait_for(write_project, snapshot(project), target)
        project.path = target
        if self._edits == edits and project is self.project:     # nothing changed while it was written
            self.mark_clean()
        self.io.wait_for(_after_save, target, {before, autosave_path(project)})
        return target

    def autosave(self) -> Path | None:
        """Start writing the autosave copy when there are unsaved edits; returns where it goes (None: nothing to
        do, or one is still being written). ``autosaved`` tells how it went; a failure is reported, never raised."""
        if not self._dirty or len(self.project) == 0 or self._autosaving:
            return None
        target = autosave_path(self.project)
        frozen = snapshot(self.project)

        def write() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_project(frozen, target)

        def done(_value: object, error: BaseException | None) -> None:
            self._autosaving = False
            # autosave is a safety net: a failure must never interrupt work
            self.autosaved.emit(self.tr("Autosave failed: {error}").format(error=error) if error is not None
                                else self.tr("Autosaved a copy to {path}").format(path=target))

        self._autosaving = self.io.run(write, done=done)
        return target if self._autosaving else None



def _after_save(target: Path, copies: set[Path]) -> None:
    """In the worker: the settings file and the autosave copies are files too."""
    remember_project(target)
    for copy in copies:
        _remove_quietly(copy)


def _remove_quietly(copy: Path) -> None:
    try:
        copy.unlink(missing_ok=True)
    except OSError:  # a copy left behind is older than the file just saved, so it is never offered
        pass


def newer_autosave(project_path: str | os.PathLike) -> Path | None:
    """The autosave copy of the project file at ``project_path`` when it is newer than the file (left by a crash
    or a session that ended unsaved), else None."""
    copy = Path(str(project_path) + AUTOSAVE_SUFFIX)
    try:
        if copy.is_file() and copy.stat().st_mtime > Path(project_path).stat().st_mtime:
            return copy
    except OSError:
        return None
    return None
