"""Refusing a run that cannot fit before it starts: a memory estimate from counts, checked against free memory.

Coverage and site selection estimate the bytes they will allocate from cheap counts (cells x transmitters in
range, site-point pairs) before building anything, and refuse with that estimate and what to change, instead of
dying in a MemoryError after minutes of work (or taking the machine's swap with them). Only a fraction of the
free memory is granted (``SAFETY``): the estimate is rough, and the workbench and other programs need the rest.

Example::

    need = Need(bytes=46e9, work=1.5e11, what="3,101 sites x 48,000,000 cells at 0.5 m within 20,000 m",
                change="use a coarser resolution, a smaller extent or a shorter maximum radius")
    check_memory(need)          # raises AlgorithmError when 46 GB are not free
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.i18n import translate
from plugins.api import AlgorithmError

#: Share of the free memory a run may plan to use.
SAFETY = 0.6


@dataclass(frozen=True)
class Need:
    """What a run will take: ``bytes`` of memory at its peak, ``work`` units of its inner loop (links, pairs),
    ``what`` its size in words and ``change`` the parameters that shrink it."""

    bytes: float
    work: float
    what: str
    change: str


def available_bytes() -> int:
    """Memory the system can give without swapping (psutil's ``available``)."""
    import psutil

    return int(psutil.virtual_memory().available)


def size_text(n_bytes: float) -> str:
    """A byte count as people say it: '46 GB', '850 MB', '12 kB'."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            value = n_bytes / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{n_bytes:.0f} bytes"


def count_text(n: float) -> str:
    """A large count in words ('1.2 billion', '48 million') or with separators below a million."""
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {word}" if value >= 10 else f"{value:.1f} {word}"
    return f"{n:,.0f}"


def check_memory(need: Need, available: int | None = None) -> None:
    """Raise ``AlgorithmError`` stating the estimate, the free memory and what to change when ``need`` does not
    fit in ``SAFETY`` of the ``available`` bytes (default: what the system has free now)."""
    free = available_bytes() if available is None else int(available)
    if need.bytes <= SAFETY * free:
        return
    raise AlgorithmError(translate("Resources", "needs about {need} of memory for {what}; {free} are free. To run "
                                                "it, {change}.").format(need=size_text(need.bytes), what=need.what,
                                                                    free=size_text(free), change=need.change))


def check_work(need: Need, limit: float, unit: str) -> None:
    """Raise ``AlgorithmError`` when ``need.work`` exceeds ``limit``: a count, so the same input is refused on
    every machine rather than after some hours on a slow one."""
    if need.work <= limit:
        return
    raise AlgorithmError(translate("Resources", "would compute about {work} {unit} for {what}, more than the "
                                                "{limit} a run may take (hours of work). To run it, {change}.").format(
        work=count_text(need.work), unit=unit, what=need.what, limit=count_text(limit), change=need.change))


__all__ = ["SAFETY", "Need", "available_bytes", "check_memory", "check_work", "count_text", "size_text"]
