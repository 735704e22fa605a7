"""Run an export off the GUI thread behind a progress dialog with Cancel, so the window stays responsive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PyQt6.QtCore import QEventLoop, QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QProgressDialog, QWidget

from workbench.export.progress import ExportCancelled

T = TypeVar("T")
Work = Callable[[Callable[[float], None], Callable[[], bool]], T]


class _Signals(QObject):
    progress = pyqtSignal(float)
    done = pyqtSignal()


def run_with_progress(parent: QWidget | None, label: str, work: Work) -> T | None:
    """Call ``work(report_progress, is_cancelled)`` in a thread; returns its result, None when cancelled, and
    re-raises its exception in the GUI thread so the caller can show it."""
    dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(1_000_000)  # shown by the timer below, only when the work takes a while
    dialog.setValue(0)
    cancelled = threading.Event()
    dialog.canceled.connect(cancelled.set)
    signals = _Signals()
    loop = QEventLoop()
    signals.progress.connect(lambda percent: dialog.setValue(int(percent)))
    signals.done.connect(loop.quit)
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = work(signals.progress.emit, cancelled.is_set)
        except BaseException as exc:  # handed to the GUI thread below
            outcome["error"] = exc
        finally:
            signals.done.emit()

    thread = threading.Thread(target=target, name="lamplight-export", daemon=True)
    thread.start()
    QTimer.singleShot(400, lambda: thread.is_alive() and dialog.show())
    loop.exec()
    thread.join()
    dialog.canceled.disconnect(cancelled.set)  # closing a progress dialog emits canceled
    dialog.close()
    error = outcome.get("error")
    if isinstance(error, ExportCancelled) or (cancelled.is_set() and "value" not in outcome):
        return None
    if error is not None:
        raise error
    return outcome.get("value")
