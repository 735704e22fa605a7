"""A render kernel: its ahead-of-time compiled function when one is built, numba's JIT otherwise.

Importing numba and loading its JIT-compiled kernels costs a render process about 130 MiB (LLVM, numba's
runtime, its typing registries), more than the 1M-point scene itself. ``lamplight warmup`` therefore also
compiles the kernels into a CPython extension module (``workbench.render.aot``); a ``Kernel`` calls that
module's function for the argument types it was built for, and only otherwise (no module: no compiler, a failed
build, a source changed since; or argument types the build did not see) imports numba and JIT-compiles.

``@kernel`` replaces ``@numba.njit(cache=True, nogil=True)``. numba still sees a ``Kernel`` called from
another kernel as its JIT dispatcher (``_numba_type_``), and reads ``inline="always"`` from ``targetoptions``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from workbench.render import aot

#: Every kernel of the renderer, in definition order (``aot.build`` exports them all).
KERNELS: list[Kernel] = []


class Kernel:
    """A numba-compilable function, called through the AOT module when it holds the arguments' types."""

    def __init__(self, py_func: Callable[..., Any], **options: Any) -> None:
        functools.update_wrapper(self, py_func)
        self.py_func = py_func
        self.name = f"{py_func.__module__}.{py_func.__qualname__}"
        self.targetoptions = {"cache": True, "nogil": True, **options}
        self._jit: Any = None
        KERNELS.append(self)

    def __call__(self, *args: Any) -> Any:
        function = aot.function(self.name, type_names(args))
        return (function or self.jit())(*args)

    def jit(self) -> Any:
        """numba's dispatcher of this kernel (importing numba on first use)."""
        if self._jit is None:
            import numba

            self._jit = numba.njit(**self.targetoptions)(self.py_func)
        return self._jit

    @property
    def _numba_type_(self) -> Any:
        """How numba types this kernel where another kernel calls it: as its JIT dispatcher."""
        return self.jit()._numba_type_


def kernel(function: Callable[..., Any] | None = None, **options: Any) -> Any:
    """``@kernel`` or ``@kernel(inline="always")``: the function as a ``Kernel`` (options go to ``numba.njit``)."""
    if function is None:
        return lambda f: Kernel(f, **options)
    return Kernel(function, **options)


def type_names(args: tuple) -> tuple[str, ...] | None:
    """numba's names of the arguments' types (``str(numba.typeof(a))``) without importing numba; None when an
    argument is of a kind kernels are not built for."""
    names = tuple(_type_name(a) for a in args)
    return None if None in names else names  # type: ignore[return-value]


#: numba's names of scalar types that need no look at the value (ints do: a huge one is uint64).
_SCALARS = {float: "float64", bool: "bool", np.bool_: "bool"}
#: Array type names by (dtype, ndim, flags): working them out is most of a call's overhead, and renders pass a
#: handful of kinds.
_ARRAYS: dict[tuple[np.dtype, int, int], str] = {}


def _type_name(value: Any) -> str | None:
    kind = type(value)
    if kind is np.ndarray:
        key = (value.dtype, value.ndim, value.flags.num)
        name = _ARRAYS.get(key)
        if name is None:
            name = _ARRAYS[key] = _array_name(value)
        return name
    if kind is int:
        return "int64" if -2**63 <= value < 2**63 else None
    name = _SCALARS.get(kind)
    if name is not None:
        return name
    if isinstance(value, np.number):
        return value.dtype.name
    if kind is tuple:
        names = [_type_name(item) for item in value]
        if None in names:
            return None
        if names and len(set(names)) == 1:
            return f"UniTuple({names[0]} x {len(names)})"
        return f"Tuple({', '.join(names)})"  # type: ignore[arg-type]
    return None


def _array_name(array: np.ndarray) -> str:
    flags = array.flags
    layout = "C" if flags.c_contiguous else "F" if flags.f_contiguous else "A"
    name = f"array({array.dtype.name}, {array.ndim}d, {layout})"
    name = name if flags.writeable else "readonly " + name
    return name if flags.aligned else "unaligned " + name
