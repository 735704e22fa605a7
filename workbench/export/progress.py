"""Progress and cancellation for exports that take a while (big layers, many pages), as the GUI needs them."""

from __future__ import annotations

from collections.abc import Callable

from layers.errors import LamplightError


class ExportCancelled(LamplightError):
    """The user pressed Cancel; nothing was written."""


class Progress:
    """Forwards percentages to an optional callback and raises ``ExportCancelled`` when asked to stop."""

    def __init__(self, report: Callable[[float], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> None:
        self._report = report
        self._cancelled = cancelled

    def report(self, percent: float) -> None:
        if self._report is not None:
            self._report(max(0.0, min(100.0, percent)))

    def is_cancelled(self) -> bool:
        """For renderers that poll a flag rather than catch an exception."""
        return self._cancelled is not None and bool(self._cancelled())

    def check(self) -> None:
        if self.is_cancelled():
            raise ExportCancelled("export cancelled")
