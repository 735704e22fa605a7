"""One image layer of the canvas (the online basemap, or the layers with their selection), rendered off the GUI
thread.

The canvas never waits for a render: a request is debounced, the work runs in the plane's own one-thread pool,
and until the fresh image arrives the last image is drawn moved and scaled to the current view. Every request
bumps a generation number; a job whose generation is no longer current sees ``cancelled()`` turn true and its
image is dropped, so stale renders stop early and never flash on screen.

The worker is a Python thread (``workbench.guarded_pool``), not a ``QThreadPool`` thread: pyproj 3.7 crashes when
called from threads Python did not create (pyproj issue #1509), and the renderer reprojects. The pool stops
emitting and joins its worker before the plane is deleted, however it is deleted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QRectF, QTimer, pyqtSignal
from PyQt6.QtGui import QImage, QPainter

from workbench.canvas.viewport import Viewport
from workbench.guarded_pool import GuardedPool

log = logging.getLogger(__name__)

Cancelled = Callable[[], bool]
#: Work for one render: called in a worker thread with a cancel check, returns the image or None (nothing to draw).
RenderWork = Callable[[Cancelled], QImage | None]
#: Called in the GUI thread with the view to render; snapshots what the work needs and returns it (None: empty).
Prepare = Callable[[Viewport], RenderWork | None]


def layers_work(renderer: Any, layers: list, settings: Any, ratio: float) -> RenderWork:
    """The work that renders ``layers`` with ``renderer`` (a MapRenderer) at the screen's device pixel ``ratio``."""
    def work(cancelled: Cancelled) -> QImage | None:
        image = renderer.render_image(layers, settings, cancelled=cancelled)
        if image is not None:
            image.setDevicePixelRatio(ratio)
        return image

    return work


class RenderPlane(QObject):
    """Debounced, cancellable background renders of one image that follows the canvas view."""

    updated = pyqtSignal()
    rendered = pyqtSignal(float)  # milliseconds the finished render took
    failed = pyqtSignal(str)
    message = pyqtSignal(str)  # a note from the work (e.g. "basemap unavailable"), for the status bar
    _finished = pyqtSignal(int, object, object, float, str)  # generation, image, viewport, ms, error

    def __init__(self, name: str, prepare: Prepare, *, delay_ms: int = 40, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._prepare = prepare
        self.pool = GuardedPool(self, f"render-{name}")
        self._generation = 0
        self._running = 0
        self._pending: Viewport | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._finished.connect(self._on_finished)
        # Bound here, in the GUI thread: workers must not look signals up on a wrapper Qt may be deleting.
        self._finished_signal = self._finished
        self._message_signal = self.message
        self.image: QImage | None = None
        self.image_viewport: Viewport | None = None
        self.last_render_ms: float | None = None

    def request(self, viewport: Viewport) -> None:
        """Render ``viewport`` soon; repeated requests within the delay collapse into one."""
        self._pending = viewport
        self._generation += 1  # anything already running is now stale
        self._timer.start()

    def clear(self) -> None:
        """Drop the image and any render in flight (e.g. when the project is replaced)."""
        self._timer.stop()
        self._pending = None
        self._generation += 1
        self.image, self.image_viewport = None, None
        self.updated.emit()

    @property
    def busy(self) -> bool:
        """True while a render is waiting for its debounce or running."""
        return self._timer.isActive() or self._running > 0

    def paint(self, painter: QPainter, viewport: Viewport) -> None:
        """Draw the last image where its map extent falls in ``viewport`` (moved/scaled while a render runs)."""
        if self.image is None or self.image_viewport is None:
            return
        painter.drawImage(QRectF(*viewport.rect_of(self.image_viewport)), self.image)

    def report(self, message: str) -> None:
        """Show ``message`` in the status bar; callable from the render work (a worker thread)."""
        self.pool.emit(self._message_signal, message)

    def shutdown(self) -> None:
        """Cancel and join the worker (a cancelled render stops at its next check); no job outlives the plane."""
        self._timer.stop()
        self._generation += 1
        self.pool.close()

    # -- internals ---------------------------------------------------------------------------------------
    def _start(self) -> None:
        viewport, self._pending = self._pending, None
        if viewport is None:
            return
        generation = self._generation
        try:
            work = self._prepare(viewport)
        except Exception as exc:  # a broken layer must not break the canvas
            log.exception("preparing the %s render failed", self.name)
            self.failed.emit(f"{self.name}: {exc}")
            return
        if work is None:
            self.image, self.image_viewport = None, viewport
            self.updated.emit()
            return
        if self.pool.submit(_render_job, self, generation, viewport, work) is not None:
            self._running += 1

    def _is_stale(self, generation: int) -> bool:
        return self.pool.closed or generation != self._generation

    def _on_finished(self, generation: int, image: QImage | None, viewport: Viewport, ms: float, error: str) -> None:
        self._running -= 1
        if error:
            self.failed.emit(error)
            return
        if self._is_stale(generation):
            return
        self.image, self.image_viewport = image, viewport
        self.last_render_ms = ms
        self.rendered.emit(ms)
        self.updated.emit()


def _render_job(plane: RenderPlane, generation: int, viewport: Viewport, work: RenderWork) -> None:
    """Runs in the worker thread; the result reaches the GUI thread through a queued signal."""

    def cancelled() -> bool:
        return plane._is_stale(generation)

    image, error, started = None, "", time.perf_counter()
    if not cancelled():
        try:
            image = work(cancelled)
        except Exception as exc:
            log.exception("the %s render failed", plane.name)
            error = f"{plane.name}: {exc}"
    elapsed = (time.perf_counter() - started) * 1000.0
    plane.pool.emit(plane._finished_signal, generation, image, viewport, elapsed, error)
