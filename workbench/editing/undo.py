"""One QUndoStack for every change to the project, with the model's commands inside (the model stays Qt-free).

``EditHistory.push`` applies a ``layers.edits`` command first (a refused value raises there, before anything is
recorded) and then records it. Parts of the GUI that change the project directly — the layer tree's rename and
drag-reorder, the style editor, files being added, algorithm results — are recorded from the project's own events
as commands that are already applied, so they are undoable too without each part knowing about the stack.
Consecutive layer additions within one turn of the event loop (the outputs of a run, a multi-file drop) become
one step. The stack's clean state and the window's unsaved-changes flag follow each other.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any

from PyQt6 import sip
from PyQt6.QtCore import QObject, QThread, QTimer, pyqtSignal
from PyQt6.QtGui import QUndoCommand, QUndoStack

from layers import Event, Project
from layers.edits import AddLayers, ChangeStyle, EditCommand, MoveLayer, RemoveLayer, RenameLayer
from workbench.window.project_bridge import ProjectBridge

log = logging.getLogger(__name__)


class ModelCommand(QUndoCommand):
    """A ``layers.edits`` command on the Qt stack. It arrives applied, so the stack's first ``redo`` does nothing."""

    def __init__(self, history: EditHistory, command: EditCommand) -> None:
        super().__init__(command.description)
        self.history = history
        self.command = command
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.history.run(self.command.apply)

    def undo(self) -> None:
        self.history.run(self.command.revert)


class EditHistory(QObject):
    """The project's undo stack; also records GUI changes that did not come as commands."""

    failed = pyqtSignal(str)  # an undo or redo that could not be done, as a readable message

    def __init__(self, bridge: ProjectBridge, session: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.stack = QUndoStack(self)
        self.session = session
        self._running = 0
        self._known: dict[str, tuple[str, Any]] = {}  # layer id -> (name, style) as last seen
        self._open_add: tuple[AddLayers, ModelCommand] | None = None
        self._project: Project | None = None
        self._listen(bridge.project)
        bridge.project_replaced.connect(self._project_replaced)
        if session is not None:  # bound methods: Qt drops the connections when either side is deleted
            session.dirty_changed.connect(self._session_dirty_changed)
            self.stack.cleanChanged.connect(self._stack_clean_changed)

    @property
    def project(self) -> Project:
        return self.bridge.project

    def _session_dirty_changed(self, dirty: bool) -> None:
        if not dirty:
            self.stack.setClean()  # saved or opened: this is the state to come back to

    def _stack_clean_changed(self, clean: bool) -> None:
        if clean and not sip.isdeleted(self.session):
            self.session.mark_clean()  # undone back to the saved state

    # -- commands ---------------------------------------------------------------------------------------------
    def push(self, command: EditCommand) -> None:
        """Apply ``command`` and record it; a LayerError from a refused value propagates and nothing is recorded."""
        self._close_open_add()
        self.run(command.apply, raise_errors=True)
        self.stack.push(ModelCommand(self, command))

    def run(self, step, *, raise_errors: bool = False) -> None:
        """Run an apply/revert with recording paused (its own events are not new changes)."""
        with self._paused():
            try:
                step()
            except Exception as exc:
                if raise_errors:
                    raise
                log.exception("undo step failed")
                self.failed.emit(str(exc))
        self._remember_all()

    def undo(self) -> None:
        self._close_open_add()
        self.stack.undo()

    def redo(self) -> None:
        self._close_open_add()
        self.stack.redo()

    @contextmanager
    def _paused(self):
        self._running += 1
        try:
            yield
        finally:
            self._running -= 1

    # -- recording direct changes ----------------------------------------------------------------------------
    def _listen(self, project: Project) -> None:
        if self._project is not None:
            self._project.events.disconnect(self._on_event)
        self._project = project
        project.events.connect(self._on_event)
        self._remember_all()

    def _project_replaced(self, project: Project) -> None:
        self._open_add = None
        self._listen(project)
        self.stack.clear()

    def _remember_all(self) -> None:
        self._known = {layer.id: (layer.name, layer.style) for layer in self.project}

    def _record(self, command: EditCommand) -> ModelCommand:
        recorded = ModelCommand(self, command)
        self.stack.push(recorded)
        return recorded

    def _on_event(self, event: Event) -> None:
        if QThread.currentThread() is not self.thread():
            return  # a worker's change reaches the GUI later through the bridge; it is not an edit of the planner
        if self._running:
            return
        try:
            self._record_event(event)
        finally:
            self._remember_all()

    def _record_event(self, event: Event) -> None:
        project, layer = self.project, event.layer
        if event.type == "added":
            if self._open_add is not None:
                command, recorded = self._open_add
                command.include(layer)
                recorded.setText(command.description)
            else:
                command = AddLayers(project, [layer])
                self._open_add = (command, self._record(command))
                QTimer.singleShot(0, self._close_open_add)
        elif event.type == "history" and self._open_add is not None and "record" in event.extra:
            command, recorded = self._open_add
            command.record = event.extra["record"]
            recorded.setText(command.description)
        elif event.type == "removed":
            self._record(RemoveLayer(project, layer, event.index))
        elif event.type == "moved":
            self._record(MoveLayer(project, layer, event.index, event.old_index))
        elif event.type == "changed" and layer is not None and layer.id in self._known:
            old_name, old_style = self._known[layer.id]
            if event.attribute == "name":
                self._record(RenameLayer(project, layer, layer.name, old_name))
            elif event.attribute == "style":
                self._record(ChangeStyle(layer, layer.style, old_style, old_known=True))
        elif event.type == "cleared":
            self.stack.clear()

    def _close_open_add(self) -> None:
        self._open_add = None


__all__ = ["EditHistory", "ModelCommand"]
