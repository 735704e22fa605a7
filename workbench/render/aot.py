"""Find and load the renderer's kernels compiled ahead of time, without importing numba.

``lamplight warmup`` (``workbench.render.aot_build``) compiles every kernel into a CPython extension module, for
the argument types real renders pass them, in the user's cache folder. Its name holds a key of the kernel
modules' sources, numba, NumPy, Python and the CPU, so a module built for other sources or another machine is
never loaded: a render then falls back to numba's JIT, and says why once in the log. Beside the module, a JSON
manifest maps each kernel and argument types to the module's function; a failed build leaves a ``.failed`` note
with its reason instead.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import logging
import os
import platform
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
#: Marks the modules whose sources the compiled kernels come from: a line decorated ``@kernel``
#: (``workbench.render.kernel``).
KERNEL_MARK = b"\n@kernel"

_lock = threading.Lock()
_table: dict[str, dict[tuple[str, ...], Callable[..., Any]]] | None = None
_loaded = False
_enabled = True
_reported: set[tuple[str, tuple[str, ...] | None]] = set()


def folder() -> Path:
    """The per-user folder of the compiled modules ($XDG_CACHE_HOME/lamplight/aot, else ~/.cache/...)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lamplight" / "aot"


@functools.cache
def module_name() -> str:
    """The extension module's name for these kernel sources, numba, NumPy, Python and this CPU."""
    digest = hashlib.sha256()
    for part in (importlib.metadata.version("numba"), np.__version__, sys.version, platform.machine(), _cpu()):
        digest.update(part.encode() + b"\0")
    for source in sorted(PACKAGE.glob("*.py")):
        text = source.read_bytes()
        if KERNEL_MARK in text:
            digest.update(source.name.encode() + b"\0" + text)
    return f"lamplight_render_{digest.hexdigest()[:16]}"


def module_path(name: str) -> Path:
    return folder() / (name + importlib.machinery.EXTENSION_SUFFIXES[0])


def manifest_path(name: str) -> Path:
    return folder() / f"{name}.json"


def failure_path(name: str) -> Path:
    return folder() / f"{name}.failed"


def available() -> bool:
    """Whether the module for these sources is built (it is loaded on the first kernel call)."""
    return manifest_path(module_name()).is_file()


def function(kernel: str, types: tuple[str, ...] | None) -> Callable[..., Any] | None:
    """The compiled function of ``kernel`` (``module.qualname``) for arguments of ``types`` (numba's names), or
    None: no module, or not built for these types (logged once per kernel and types)."""
    global _loaded, _table
    if not _enabled:
        return None
    if not _loaded:
        with _lock:
            if not _loaded:
                _table = _load()
                _loaded = True
    if _table is None:
        return None
    found = _table.get(kernel, {}).get(types) if types is not None else None
    if found is None and (kernel, types) not in _reported:
        _reported.add((kernel, types))
        log.info("%s was not compiled ahead for arguments %s: numba compiles it", kernel, types)
    return found


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Every kernel call in the block goes to numba's JIT (the build records the types real renders use, and
    tests compare both paths); for one thread at a time, not for concurrent renders."""
    global _enabled
    before, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = before


def forget() -> None:
    """Look for the module again at the next kernel call (after a build in this process)."""
    global _loaded, _table
    with _lock:
        _loaded, _table = False, None


def _load() -> dict[str, dict[tuple[str, ...], Callable[..., Any]]] | None:
    name = module_name()
    if not manifest_path(name).is_file():
        if failure_path(name).is_file():
            log.warning("render kernels compiled ahead of time: %s (%s): numba compiles them instead",
                        failure_path(name).read_text(encoding="utf-8").strip(), failure_path(name))
        else:
            log.info("render kernels compiled ahead of time: none in %s (`lamplight warmup` builds them): numba "
                     "compiles them instead", folder())
        return None
    try:
        manifest = json.loads(manifest_path(name).read_text(encoding="utf-8"))
        spec = importlib.util.spec_from_file_location(name, module_path(name))
        if spec is None or spec.loader is None:
            raise ImportError(f"no extension module at {module_path(name)}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return {kernel: {tuple(types): getattr(module, export) for types, export in entries}
                for kernel, entries in manifest.items()}
    except (OSError, ImportError, ValueError, AttributeError) as exc:
        log.warning("cannot load the render kernels compiled ahead from %s (%s): numba compiles them",
                    folder(), exc)
        return None


def _cpu() -> str:
    """This CPU's model and instruction set (the module is compiled for it): /proc/cpuinfo's first processor on
    Linux, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            lines = info.read().split("\n\n", 1)[0].splitlines()
    except OSError:
        return platform.processor()
    return "\n".join(line for line in lines if line.startswith(("model name", "flags", "vendor_id", "cpu family",
                                                                 "model\t", "Features", "CPU part")))
