"""Per-antenna fields shared by the tiles of a run: each computed once, kept least-recently-used within a byte
budget, and dropped when the building data they were computed on goes away.

A field (Berg's paths of ``turns``, the multi-bounce power of ``bounces``) is a function of one antenna and the
buildings, but every tile the antenna reaches needs it; tiles run on several threads, so a tile that asks for a
field another thread is computing waits for it instead of computing it again.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

import numpy as np


class FieldCache:
    """Fields keyed by a tuple whose first item is ``id(token)``, the object naming the building data."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._fields: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self._busy: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple, token: object, compute: Callable[[], tuple[np.ndarray, np.ndarray]],
            poll: Callable[[], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The field of ``key``: (meta, flat values), computed by ``compute`` when not kept (``poll`` is called
        first: it raises to cancel the run)."""
        with self._lock:
            busy = self._busy.setdefault(key, threading.Lock())
        with busy:
            with self._lock:
                found = self._fields.get(key)
                if found is not None:
                    self._fields.move_to_end(key)
            if found is None:
                if poll is not None:
                    poll()
                found = compute()
                self._remember(key, token, found)
        with self._lock:
            self._busy.pop(key, None)
        return found

    def _remember(self, key: tuple, token: object, found: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            if not any(k[0] == key[0] for k in self._fields):
                weakref.finalize(token, self._forget, key[0])
            self._fields[key] = found
            while sum(v[1].nbytes for v in self._fields.values()) > self.max_bytes and len(self._fields) > 1:
                self._fields.popitem(last=False)

    def _forget(self, token_id: int) -> None:
        with self._lock:
            for key in [k for k in self._fields if k[0] == token_id]:
                del self._fields[key]


__all__ = ["FieldCache"]
