"""Waiting on a solver call that cannot be interrupted, without making Cancel wait for it.

HiGHS's first-order LP method (PDLP, the saturation test) calls none of HiGHS's interrupt callbacks: once
started it runs to its iteration limit, which took 30 s on a loaded two-core machine for a 27,000-row model.
The call runs in a thread of its own (HiGHS releases the GIL) while this thread waits on it and asks Cancel every
``POLL_SECONDS``; on Cancel the run stops at once and the thread finishes its bounded work in the background,
its answer dropped. The same for the outer safety limit (``expired``): PDLP looks at its own time limit only now
and then (bench_city's saturation test ran 0.7-1 s past it), so the run stops waiting at the deadline and goes on
without the answer (``Abandoned``). The poll interval is a wait, not a limit: it changes no result.

Example::

    reached = call_cancellable(lambda: first_order_lp(reduced, k).reached, feedback.is_cancelled, effort.expired)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from layers.i18n import translate
from plugins.api import Cancelled

T = TypeVar("T")
POLL_SECONDS = 0.05


class Abandoned(Exception):
    """The safety limit ran out before the call answered; its thread finishes in the background, answer dropped."""


def call_cancellable(work: Callable[[], T], cancelled: Callable[[], bool],
                     expired: Callable[[], bool] = lambda: False) -> T:
    """``work()``; ``plugins.api.Cancelled`` as soon as ``cancelled()`` turns true while it runs, ``Abandoned`` as
    soon as ``expired()`` does."""
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome["error"] = exc
        finally:
            finished.set()

    # not a daemon: an interpreter that exits while HiGHS runs in it aborts ("terminate called without an active
    # exception"); it waits for the bounded call instead
    threading.Thread(target=target, name="cancellable-solver-call").start()
    while not finished.wait(POLL_SECONDS):
        if cancelled():
            raise Cancelled(translate("Run", "the run was cancelled"))
        if expired():
            raise Abandoned()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


__all__ = ["Abandoned", "call_cancellable"]
