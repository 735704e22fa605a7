"""Project events as a Qt signal, so every widget hears about model changes in the GUI thread.

The model emits plain-Python events, possibly from a worker thread (an algorithm adding its output). Widgets
connect to ``ProjectBridge.model_event`` instead; Qt queues the call into the GUI thread when needed. When the window
switches to another project, ``project_replaced`` tells every listener to rebind.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from layers import Event, Project


class ProjectBridge(QObject):
    model_event = pyqtSignal(object)  # layers.Event; not "event", which would hide QObject.event()
    project_replaced = pyqtSignal(object)  # the new layers.Project

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        project.events.connect(self._forward)

    def set_project(self, project: Project) -> None:
        """Listen to ``project`` instead and tell everyone to rebind."""
        self.project.events.disconnect(self._forward)
        self.project = project
        project.events.connect(self._forward)
        self.project_replaced.emit(project)

    def detach(self) -> None:
        """Stop listening (the window is closing)."""
        self.project.events.disconnect(self._forward)

    def _forward(self, event: Event) -> None:
        try:
            self.model_event.emit(event)
        except RuntimeError:  # the window is gone; the model outlives it in a notebook
            self.project.events.disconnect(self._forward)
