"""Compile the renderer's kernels into a CPython extension module ahead of time (``numba.pycc``), at install.

A render process that loads this module never imports numba or llvmlite (``workbench.render.aot``). The
signatures exported are exactly those numba's JIT compiled while a real render ran a scene of every geometry
kind (``scene``), so the module holds the argument types real renders pass. The code is generated for this
CPU and its instruction sets (``target_cpu="host"``, not pycc's generic default) and releases the GIL, as the
JIT's ``nogil`` kernels do, so both paths compute the same and run alike. The module is built in a temporary
folder beside its place and renamed there (the manifest last), so a reader never sees half a module.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.render import aot
from workbench.render.kernel import KERNELS, Kernel


def build(scene: Callable[[], None]) -> tuple[Path, int, float]:
    """Build the module for the current sources (whatever is there already); its path, the number of functions
    it exports and the seconds it took. A failure raises, after leaving its reason for the render processes'
    log (``aot._load``)."""
    started = time.perf_counter()
    name = aot.module_name()
    try:
        with aot.disabled():
            scene()  # JIT-compiles (or loads) every kernel with the argument types of a real render
        exports = _exports(KERNELS)
        _compile(name, exports)
    except Exception as exc:
        _note_failure(name, exc)
        raise
    aot.failure_path(name).unlink(missing_ok=True)
    _remove_stale(name)
    aot.forget()
    return aot.module_path(name), len(exports), time.perf_counter() - started


def _exports(kernels: list[Kernel]) -> list[tuple[str, Kernel, Any]]:
    """(exported name, kernel, full signature) for every signature the JIT compiled for each kernel."""
    exports = []
    for kernel in kernels:
        if kernel._jit is None:
            continue
        stem = f"{kernel.py_func.__module__.rsplit('.', 1)[-1]}__{kernel.py_func.__name__}"
        for i, result in enumerate(kernel._jit.overloads.values()):
            exports.append((f"{stem}_{i}", kernel, result.signature))
    return exports


def _compile(name: str, exports: list[tuple[str, Kernel, Any]]) -> None:
    from numba.pycc import CC

    target = aot.folder()
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target, prefix=".build-") as temp:
        cc = CC(name)
        cc.output_dir = temp
        cc.target_cpu = "host"
        manifest: dict[str, list] = {}
        for export, kernel, signature in exports:
            cc.export(export, signature)(kernel.py_func)
            manifest.setdefault(kernel.name, []).append([[str(t) for t in signature.args], export])
        with _like_the_jit():
            cc.compile()
        built = Path(temp) / aot.module_path(name).name
        if not built.is_file():
            raise FileNotFoundError(f"numba.pycc wrote no {built.name} in {temp}")
        Path(temp, "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(built, aot.module_path(name))
        os.replace(Path(temp, "manifest.json"), aot.manifest_path(name))


@contextmanager
def _like_the_jit() -> Iterator[None]:
    """Compile as numba's JIT does for the renderer: pycc's Python wrappers would hold the GIL while a kernel runs
    (its flags have no ``nogil``; the kernels run in render threads beside the GUI thread), and its code for the
    host CPU model would assume every instruction set of that model (the JIT asks the CPU which it has: a
    virtual machine may hide some)."""
    from numba.core.codegen import AOTCPUCodegen
    from numba.core.compiler import Flags
    from numba.pycc import compiler

    class NogilFlags(Flags):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    plain_flags, plain_features = compiler.Flags, AOTCPUCodegen._customize_tm_features
    compiler.Flags = NogilFlags
    AOTCPUCodegen._customize_tm_features = AOTCPUCodegen._get_host_cpu_features  # type: ignore[method-assign]
    try:
        yield
    finally:
        compiler.Flags = plain_flags
        AOTCPUCodegen._customize_tm_features = plain_features  # type: ignore[method-assign]


def _note_failure(name: str, exc: Exception) -> None:
    """Leave why the build failed where render processes look for the module (they log it once)."""
    try:
        aot.folder().mkdir(parents=True, exist_ok=True)
        aot.failure_path(name).write_text(f"the build failed ({reason(exc)})\n", encoding="utf-8")
    except OSError:
        pass  # an unwritable cache folder: the render log then says "not built yet"


def reason(exc: Exception) -> str:
    """Why a build failed, in one line (numba's message on a missing compiler goes on with advice for conda)."""
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _remove_stale(current: str) -> None:
    """Drop the modules, manifests and notes of other sources (each is a few MB)."""
    for path in aot.folder().glob("lamplight_render_*"):
        if not path.name.startswith(current + "."):
            path.unlink(missing_ok=True)
