"""Write a file in a worker and tell the planner how it went, in the GUI thread: a status-bar line on success, a
dialog naming the file on failure. Save Features As and the QGIS project export both write this way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QObject, pyqtSignal
from PyQt6.QtWidgets import QWidget

from layers import LayerError
from workbench.dialogs.errors import show_error
from workbench.guarded_pool import GuardedPool

log = logging.getLogger(__name__)


class BackgroundWriter(QObject):
    """Runs ``write`` calls in its own worker; subclasses say what a success and a failure read like."""

    _done = pyqtSignal(str, object)  # path, error message or None

    def __init__(self, parent: QWidget, pool_name: str) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.pool = GuardedPool(self, pool_name)
        self._done.connect(self._report)
        self._done_signal = self._done  # bound in the GUI thread, for the worker

    def write(self, path: Path, work: Callable[[], None]) -> None:
        """Run ``work`` (which writes ``path``) in the worker; its outcome is reported in the GUI thread."""
        self.pool.submit(self._run, path, work)

    def wait(self, timeout_s: float = 60.0) -> bool:
        return self.pool.wait(timeout_s)

    def failure_title(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def success_text(self, path: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _run(self, path: Path, work: Callable[[], None]) -> None:
        try:
            work()
            error = None
        except LayerError as exc:
            error = str(exc)
        except Exception as exc:  # a writer bug must still reach the planner, not die with the worker's future
            log.exception("writing %s failed", path)
            error = QCoreApplication.translate("BackgroundWriter", "{path}: could not be written ({problem})").format(
                path=path, problem=f"{type(exc).__name__}: {exc}")
        self.pool.emit(self._done_signal, str(path), error)

    def _report(self, path: str, error: str | None) -> None:
        if error is not None:
            show_error(self.parent_widget, self.failure_title(), error)
            return
        status = getattr(self.parent_widget, "statusBar", None)
        if status is not None:
            status().showMessage(self.success_text(path), 8000)
