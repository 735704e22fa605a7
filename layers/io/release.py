"""Hand memory freed by a big read or preparation back to the operating system.

Allocators keep what a program frees for its next allocations. After reading a million features that is tens of
megabytes nobody will ask for again soon: Arrow's pool keeps the read buffers it allocated, and glibc's malloc keeps
the freed temporary arrays in holes between the geometries that stay (about 20 MB per million points read from a
GeoPackage). They stay resident, so the peak of whatever comes next (the first render) stacks on them.
``release_freed_memory`` returns both: Arrow's ``release_unused`` and glibc's ``malloc_trim(0)``, which gives back
every wholly free page of every arena (a few milliseconds). Other C libraries keep their own ways: nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache

import pyarrow


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on another C library or system."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):     # musl and others have no malloc_trim
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_freed_memory() -> None:
    """Return the memory Arrow's pool and malloc keep after being freed to the operating system."""
    pyarrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
