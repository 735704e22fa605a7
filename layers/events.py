"""A minimal evented model: the GUI subscribes to changes instead of polling (as napari's EventedModel does)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """What changed: ``type`` is one of added, removed, moved, changed, crs, extent, history, cleared."""

    type: str
    layer: Any = None
    index: int | None = None
    old_index: int | None = None
    attribute: str | None = None
    extra: dict = field(default_factory=dict)


class EventEmitter:
    """Calls each connected callback with an ``Event``; a failing listener is logged, never breaks the model."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Event], None]] = []
        self._blocked = 0

    def connect(self, callback: Callable[[Event], None]) -> None:
        """Call ``callback(event)`` on every event from now on; connecting it twice calls it once."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[Event], None]) -> None:
        """Stop calling ``callback``; a callback that is not connected is ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, event: Event) -> None:
        """Call every connected callback with ``event`` (nothing while ``blocked``); a failing one is logged."""
        if self._blocked:
            return
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:  # a broken listener must not corrupt the model's state
                log.exception("event listener %r failed on %s", callback, event.type)

    def blocked(self) -> _Blocker:
        """Context manager that silences events, for bulk loads that emit one summary event afterwards."""
        return _Blocker(self)


class _Blocker:
    def __init__(self, emitter: EventEmitter) -> None:
        self._emitter = emitter

    def __enter__(self) -> None:
        self._emitter._blocked += 1

    def __exit__(self, *exc: object) -> None:
        self._emitter._blocked -= 1
