"""Run an algorithm in a QThread so the window stays responsive; results come back as queued signals.

The thread calls ``plugins.runner.run_algorithm`` (validation included) with a ``Feedback`` whose callbacks
emit Qt signals; Qt delivers them in the GUI thread. ``cancel()`` sets the feedback's flag, and the
algorithm stops at its next poll. Outputs are added to the project by the receiver, in the GUI thread,
and only after a successful run, so a cancelled or failed run leaves the project untouched.
"""

from __future__ import annotations

import traceback
from typing import Any

from PyQt6.QtCore import QThread, pyqtSignal

from layers.errors import LayerError
from plugins.api import Algorithm, AlgorithmError, Cancelled, Context, Feedback, ParameterError
from plugins.runner import RunResult, run_algorithm


class AlgorithmThread(QThread):
    progress = pyqtSignal(float)
    message = pyqtSignal(str)
    succeeded = pyqtSignal(object)  # RunResult
    invalid = pyqtSignal(str, str)  # parameter name, message
    failed = pyqtSignal(str, str)  # message, details (traceback for unexpected errors)
    cancelled = pyqtSignal()

    def __init__(self, algorithm: Algorithm, raw_params: dict[str, Any], context: Context, parent=None) -> None:
        super().__init__(parent)
        self.algorithm = algorithm
        self.raw_params = dict(raw_params)
        self.context = context
        self.feedback = Feedback(on_progress=self.progress.emit, on_log=self.message.emit)
        self.result: RunResult | None = None

    def cancel(self) -> None:
        self.feedback.cancel()

    def run(self) -> None:  # runs in the worker thread
        try:
            self.result = run_algorithm(self.algorithm, self.raw_params, self.context, self.feedback)
        except Cancelled:
            self.cancelled.emit()
        except ParameterError as exc:
            self.invalid.emit(exc.parameter, str(exc))
        except (AlgorithmError, LayerError) as exc:
            self.failed.emit(str(exc), "")
        except Exception as exc:  # a bug in a plugin: report it with its traceback, keep the workbench alive
            self.failed.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.succeeded.emit(self.result)
