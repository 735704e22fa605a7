"""A Python worker thread tied to a QObject: its results reach Qt only while that object lives.

Why Python threads: pyproj 3.7 crashes in threads Python did not create (pyproj issue #1509), and the workers
read and reproject data. Why the guard: a worker that emits a signal while the GUI thread deletes the emitting
QObject crashes the whole process (seen when a window with a render in flight was deleted without its
``closeEvent``, e.g. after an unsaved-changes prompt was cancelled). So a worker emits only through ``emit``,
which holds a lock and checks ``closed``; ``close`` takes the same lock, so once it returns no worker is
emitting or ever will, and it then drops queued jobs and joins the running one (which sees its ``cancelled``
check turn true and stops early).

``close`` runs on the owner's ``destroyed`` signal, which every deletion path emits (``deleteLater``,
``sip.delete``, garbage collection, a parent's deletion); owners call it earlier too (``closeEvent``,
``aboutToQuit``), and calling it again does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from PyQt6.QtCore import QObject, Qt, pyqtSlot


class _Closer(QObject):
    """Receives the owner's ``destroyed`` and closes the pool (no parent: it lives as long as the pool)."""

    def __init__(self, pool: GuardedPool) -> None:
        super().__init__()
        self._pool = pool

    @pyqtSlot()
    def close(self) -> None:
        self._pool.close()


class GuardedPool:
    """One Python worker thread whose signal emissions stop, safely, when ``close`` is called."""

    def __init__(self, owner: QObject, name: str) -> None:
        self.name = name
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._closed = False
        self._futures: list[Future] = []
        # A slot of a QObject of our own, not a lambda or a bound method of the owner: by the time ``destroyed``
        # fires the owner's Python wrapper (which holds this pool) may already be gone, and the proxy PyQt makes
        # for a lambda is torn down by that same ``destroyed`` (the process crashed in it, reproducibly, when a
        # test's window was deleted). A slot decorated with ``pyqtSlot`` is a plain Qt connection.
        self._closer = _Closer(self)
        owner.destroyed.connect(self._closer.close, Qt.ConnectionType.DirectConnection)  # whatever thread made it

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, job: Callable[..., object], *args: object) -> Future | None:
        """Run ``job(*args)`` in the worker; None (nothing runs) once the pool is closed."""
        with self._lock:
            if self._closed:
                return None
            self._futures = [f for f in self._futures if not f.done()]
            future = self._executor.submit(job, *args)
            self._futures.append(future)
            return future

    def emit(self, signal, *args: object) -> bool:
        """Emit a bound ``signal`` of the owner from the worker unless closed; True when it was emitted.

        Bind the signal in the GUI thread (``pool.emit(self.finished, ...)`` evaluated there, or captured in the
        job's arguments): looking it up on a wrapper Qt is deleting is itself unsafe.
        """
        with self._lock:
            if self._closed:
                return False
            try:
                signal.emit(*args)  # a queued connection: this only posts an event to the GUI thread
            except RuntimeError:  # the wrapper was already marked deleted; ``destroyed`` is on its way
                return False
            return True

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the jobs submitted so far; True when none is left running."""
        with self._lock:
            futures = list(self._futures)
        _, running = wait(futures, timeout=timeout_s)
        return not running

    def close(self) -> None:
        """Stop emitting, drop queued jobs and join the running one. Idempotent; call it in the GUI thread."""
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
