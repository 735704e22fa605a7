"""Per-antenna fields shared by the tiles of a run: each computed once, kept least-recently-used within a byte
budget, and dropped when the building data they were computed on goes away.

A field (Berg's paths of ``turns``, the multi-bounce power of ``bounces``) is a function of one antenna and the
buildings, but every tile the antenna reaches needs it; tiles run on several threads, so a tile that asks for a
field another thread is computing waits for it instead of computing it again.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable

import numpy as np


class DroppedTokens:
    """Ids of building data that went away, noted when it dies and acted on later, under the cache's own lock.

    A finalizer runs in whichever thread drops the last reference, which may be a thread holding the cache's lock
    (the cyclic garbage collector runs at any allocation, and evicting a field can release the last reference):
    a finalizer that took that lock would wait on its own thread for ever, and the coverage run with it. So the
    finalizer only appends to a deque (safe from any thread, lock-free), and the cache drops the entries of the
    ids noted before each lookup: a new object that reuses a dead one's id is never served its fields."""

    def __init__(self) -> None:
        self._ids: deque[int] = deque()

    def watch(self, token: object) -> None:
        weakref.finalize(token, self._ids.append, id(token))

    def take(self) -> set[int]:
        """The ids noted since the last call (call with the cache's lock held)."""
        taken = set()
        while self._ids:
            taken.add(self._ids.popleft())
        return taken


class FieldCache:
    """Fields keyed by a tuple whose first item is ``id(token)``, the object naming the building data.
    ``computed`` counts the fields computed since it was made (the rest were found kept)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.computed = 0
        self._fields: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._busy: dict[tuple, threading.Lock] = {}
        self._watched: set[int] = set()
        self._dropped = DroppedTokens()

    def get(self, key: tuple, token: object, compute: Callable[[], tuple[np.ndarray, np.ndarray]],
            poll: Callable[[], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The field of ``key``: (meta, flat values), computed by ``compute`` when not kept (``poll`` is called
        first: it raises to cancel the run)."""
        with self._lock:
            self._forget_dropped()
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
            if key[0] not in self._watched:
                self._watched.add(key[0])
                self._dropped.watch(token)
            self._fields[key] = found
            self.computed += 1
            self._bytes += found[1].nbytes
            while self._bytes > self.max_bytes and len(self._fields) > 1:
                self._bytes -= self._fields.popitem(last=False)[1][1].nbytes

    def _forget_dropped(self) -> None:
        """Drop the fields of building data that went away (with the lock held)."""
        gone = self._dropped.take()
        if not gone:
            return
        self._watched -= gone
        for key in [k for k in self._fields if k[0] in gone]:
            self._bytes -= self._fields.pop(key)[1].nbytes


__all__ = ["DroppedTokens", "FieldCache"]
