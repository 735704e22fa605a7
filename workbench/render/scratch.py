"""Per-thread scratch images for the raster kernels, kept between renders.

A fresh 1920 x 1080 float image costs about 2 ms of page faults on first write, more than clearing a kept one;
a render of a zoomed-in view takes a few tens of milliseconds, so this matters. Each rendering thread keeps its
own buffers (renders in different threads never share one), and only up to ``_KEEP_BYTES`` each, so a large print
export does not leave hundreds of megabytes behind.
"""

from __future__ import annotations

import threading

import numpy as np

_KEEP_BYTES = 48 * 2**20
_local = threading.local()


def scratch(name: str, shape: tuple[int, ...], dtype: type, *, zero: bool) -> np.ndarray:
    """A C-contiguous ``shape`` array of ``dtype`` for this thread (its contents zero when ``zero``). The caller
    must be done with it before asking for ``name`` again."""
    buffers: dict[str, np.ndarray] = _local.__dict__.setdefault("buffers", {})
    size = int(np.prod(shape))
    kept = buffers.get(name)
    if kept is not None and kept.dtype == dtype and kept.size >= size:
        array = kept[:size].reshape(shape)
        if zero:
            array.fill(0)
        return array
    array = np.zeros(size, dtype=dtype)
    if array.nbytes <= _KEEP_BYTES:
        buffers[name] = array
    return array.reshape(shape)
