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
    """The building data an owner's entries are keyed by (tuples whose first item is ``id(token)``), watched once
    each, and the entries of those that went away dropped later, under the owner's own lock.

    A finalizer runs in whichever thread drops the last reference, which may be a thread holding the owner's lock
    (the cyclic garbage collector runs at any allocation, and evicting a field can release the last reference):
    a finalizer that took that lock would wait on its own thread for ever, and the coverage run with it. So the
    finalizer only appends to a deque (safe from any thread, lock-free), and the owner drops the entries of the
    ids noted before each lookup: a new object that reuses a dead one's id is never served its entries."""

    def __init__(self) -> None:
        self._ids: deque[int] = deque()
        self._watched: set[int] = set()

    def watch(self, token: object) -> None:
        """Note ``token``'s death from now on (call with the owner's lock held; once per token is enough)."""
        if id(token) not in self._watched:
            self._watched.add(id(token))
            weakref.finalize(token, self._ids.append, id(token))

    def forget_in(self, entries: dict) -> list:
        """Remove from ``entries`` those of the tokens that went away; the values removed (call with the owner's
        lock held)."""
        gone = set()
        while self._ids:
            gone.add(self._ids.popleft())
        if not gone:
            return []
        self._watched -= gone
        return [entries.pop(key) for key in [key for key in entries if key[0] in gone]]


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
        self._dropped = DroppedTokens()

    def get(self, key: tuple, token: object, compute: Callable[[], tuple[np.ndarray, np.ndarray]],
            poll: Callable[[], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The field of ``key``: (meta, flat values), computed by ``compute`` when not kept (``poll`` is called
        first: it raises to cancel the run)."""
        with self._lock:
            self._bytes -= sum(values.nbytes for _, values in self._dropped.forget_in(self._fields))
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
            self._dropped.watch(token)
            self._fields[key] = found
            self.computed += 1
            self._bytes += found[1].nbytes
            while self._bytes > self.max_bytes and len(self._fields) > 1:
                self._bytes -= self._fields.popitem(last=False)[1][1].nbytes


__all__ = ["DroppedTokens", "FieldCache"]
