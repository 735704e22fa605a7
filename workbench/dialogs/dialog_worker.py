"""A dialog's worker thread for file reads and writes: ``finished(tag, result, error)`` comes back in the GUI thread.

The GUI thread never reads or writes files; a dialog hands such a job to this worker and reacts to ``finished``.
A ``LayerError`` arrives as its message (it names the file); any other exception as its type and text, never a
traceback to the planner. Emissions stop safely when the dialog goes (``GuardedPool``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from layers import LayerError
from workbench.guarded_pool import GuardedPool


class DialogWorker(QObject):
    """Runs ``job(*args)`` in one worker thread; ``finished(tag, result, error)`` reports each in the GUI thread."""

    finished = pyqtSignal(str, object, object)

    def __init__(self, parent: QObject, name: str) -> None:
        super().__init__(parent)
        self.pool = GuardedPool(self, name)

    def run(self, tag: str, job: Callable[..., Any], *args: Any) -> None:
        signal = self.finished  # bound here, in the GUI thread

        def work() -> None:
            try:
                result, error = job(*args), None
            except LayerError as exc:
                result, error = None, str(exc)
            except Exception as exc:  # noqa: BLE001 - shown in the dialog, never a traceback to the planner
                result, error = None, f"{type(exc).__name__}: {exc}"
            self.pool.emit(signal, tag, result, error)

        self.pool.submit(work)
