"""The per-antenna field cache the tiles of a coverage run share: a field is computed once, the cache keeps within
its byte budget, building data that goes away takes its fields with it, and building data dying while the cache
works never hangs the run (its finalizer used to take the lock its own thread held)."""

from __future__ import annotations

import threading
from functools import partial

import numpy as np

from plugins.coverage.field_cache import FieldCache

FIELD_BYTES = 80  # ten float64 values


class _Buildings:
    """Stands for a run's building data (a facade table, an obstruction grid): what a cache key names."""


class _Meta(np.ndarray):
    """A field's node grid that can carry a reference, so that evicting the field frees what it refers to."""


def _field_referring_to(buildings: _Buildings) -> tuple[np.ndarray, np.ndarray]:
    meta = np.zeros(5).view(_Meta)
    meta.buildings = buildings
    return meta, np.zeros(10)


def _field(value: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(5), np.full(FIELD_BYTES // 8, value)


class _Counted:
    def __init__(self, value: float = 0.0) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> tuple[np.ndarray, np.ndarray]:
        self.calls += 1
        return _field(self.value)


def _in_thread(call, seconds: float = 20.0):
    """``call()``'s result, run on a thread that must end within ``seconds`` (a deadlock would never end)."""
    done: list = []
    thread = threading.Thread(target=lambda: done.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the field cache hung"
    return done[0]


def test_building_data_freed_while_the_cache_evicts_does_not_hang():
    """The only reference to the buildings is in the cached field; the next field evicts it, under the cache's
    lock, and the buildings' finalizer runs right there, on the same thread."""
    cache = FieldCache(max_bytes=FIELD_BYTES)                # room for one field: each new one evicts the last
    buildings = _Buildings()
    cache.get((id(buildings), 0), buildings, partial(_field_referring_to, buildings))
    del buildings
    other = _Buildings()
    compute = _Counted(7.0)
    found = _in_thread(lambda: cache.get((id(other), 0), other, compute))
    assert compute.calls == 1 and found[1][0] == 7.0


def test_a_field_is_computed_once_and_kept_within_the_byte_budget():
    cache = FieldCache(max_bytes=2 * FIELD_BYTES)
    buildings = _Buildings()
    computes = [_Counted(float(k)) for k in range(3)]
    for _ in range(2):
        for k in range(2):
            assert cache.get((id(buildings), k), buildings, computes[k])[1][0] == k
    assert [c.calls for c in computes[:2]] == [1, 1]
    cache.get((id(buildings), 2), buildings, computes[2])  # a third field: the least recently used one goes
    cache.get((id(buildings), 1), buildings, computes[1])
    cache.get((id(buildings), 0), buildings, computes[0])
    assert [c.calls for c in computes] == [2, 1, 1]


def test_fields_of_building_data_that_went_away_are_never_served_again():
    """A key names its buildings by ``id``, which a new object may reuse once the old one is gone: the new one
    gets its own field, not the dead one's."""
    cache = FieldCache(max_bytes=10 * FIELD_BYTES)
    old = _Buildings()
    key = (id(old), 0)
    cache.get(key, old, _Counted(1.0))
    del old
    new = _Buildings()                                       # stands for an object given the same id
    compute = _Counted(2.0)
    assert cache.get(key, new, compute)[1][0] == 2.0 and compute.calls == 1


def test_threads_asking_for_one_field_compute_it_once():
    cache = FieldCache(max_bytes=10 * FIELD_BYTES)
    buildings = _Buildings()
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow() -> tuple[np.ndarray, np.ndarray]:
        calls.append(1)
        started.set()
        release.wait(20)
        return _field(3.0)

    first = threading.Thread(target=lambda: cache.get((id(buildings), 0), buildings, slow), daemon=True)
    first.start()
    assert started.wait(20)
    second: list = []
    waiter = threading.Thread(target=lambda: second.append(cache.get((id(buildings), 0), buildings, slow)),
                              daemon=True)
    waiter.start()
    release.set()
    first.join(20)
    waiter.join(20)
    assert len(calls) == 1 and second[0][1][0] == 3.0
