"""GUI-thread work that can wait runs one step per pass of the event loop, so the window paints in between.

Why: showing a city project made several docks refill (attribute table, search panel) in the same pass as the
layer tree and the first paint, and the window froze for 300 ms. ``QTimer.singleShot(0)`` does not help when the
steps follow one another: callbacks posted from a posted callback run in the same pass, before any timer or
paint. Each step here is a 1 ms timer started after the previous step returned, so pending paints and timers
are handled between two steps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PyQt6 import sip
from PyQt6.QtCore import QObject, QTimer

_queue: deque[tuple[QObject, Callable[[], None]]] = deque()
_running = [False]


def later(owner: QObject, step: Callable[[], None]) -> None:
    """Run ``step`` in a later pass of the event loop, after the steps queued before it (once if queued twice);
    skipped when ``owner`` (the widget the step updates) has been deleted by then."""
    if (owner, step) in _queue:
        return
    _queue.append((owner, step))
    if not _running[0]:
        _running[0] = True
        QTimer.singleShot(1, _run_one)


def _run_one() -> None:
    owner, step = _queue.popleft()
    try:
        if not sip.isdeleted(owner):
            step()
    finally:
        if _queue:
            QTimer.singleShot(1, _run_one)
        else:
            _running[0] = False
