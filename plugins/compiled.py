"""Compile numba kernels once, before the work that needs them, and say so while it happens.

numba compiles a kernel on its first call and keeps the machine code in its on-disk cache (``cache=True``: in
``__pycache__`` beside the module when that folder is writable, else in the user's cache folder, or in
``$NUMBA_CACHE_DIR`` when set), so only the first run after installing, or after a kernel's source changed,
compiles. That took 10-20 s, in silence, inside a first render or inside a siting run's timed solve.

A ``KernelGroup`` compiles its kernels by a tiny real run through the same functions real runs call (so with
the same argument types); a stamp beside numba's cache then records that they are compiled for these sources,
this numba and this CPU. ``ensure`` compiles a group whose stamp is missing, after telling the caller
"Compiling the fast kernels once (about N s)…". ``lamplight warmup`` compiles every group ahead of time
(``scripts/bootstrap.sh`` runs it); ``plugins.runner`` ensures an algorithm's group before its run starts, so
neither its duration nor a solver's limits include compiling.

Example::

    ensure(group, notify=print)   # prints the message and compiles, once per numba cache
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from layers.i18n import translate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KernelGroup:
    """The kernels of some packages, compiled together by ``run`` (a tiny real run through them)."""

    name: str
    #: Packages whose modules' sources decide whether the cached machine code is still current.
    packages: tuple[str, ...]
    run: Callable[[], None]
    #: About how long compiling takes (CPU seconds measured with a fresh NUMBA_CACHE_DIR), for the message.
    seconds: float
    #: What marks a module holding kernels (its source then enters the stamp's key): ``njit``, or the decorator
    #: that stands for it (the renderer's ``@kernel``).
    marker: bytes = b"njit"


_lock = threading.RLock()
_checked: set[str] = set()


def message(group: KernelGroup) -> str:
    return translate("Kernels", "Compiling the fast kernels once (about {seconds} s)…").format(
        seconds=int(round(group.seconds)))


def ensure(group: KernelGroup, notify: Callable[[str], None] | None = None) -> bool:
    """Compile ``group`` unless its stamp says numba's cache holds it; True when it compiled.

    Checked once per process. Another thread asking meanwhile waits for the compilation instead of doing it
    twice; the group's own tiny run, asking again in this thread, returns at once. A failure is logged, not
    raised: the real run then compiles what it needs itself."""
    with _lock:
        if group.name in _checked:
            return False
        _checked.add(group.name)
        stamp = stamp_path(group)
        if stamp.is_file():
            return False
        if notify is not None:
            notify(message(group))
        try:
            group.run()
        except Exception:  # noqa: BLE001 - compiling ahead is an optimisation; the cause goes to the log
            log.exception("compiling the %s kernels ahead failed", group.name)
            return True
        _write_stamp(stamp)
        return True


def compile_group(group: KernelGroup) -> int:
    """Compile ``group`` now, whatever its stamp says, and stamp it; the number of kernels it holds."""
    with _lock:
        _checked.add(group.name)
        group.run()
        _write_stamp(stamp_path(group))
    return len(kernels(group))


@contextlib.contextmanager
def reporting_compiles(report: Callable[[str, float], None]) -> Iterator[None]:
    """Call ``report(kernel, seconds)`` each time numba compiles a kernel (not when it loads one from its cache)
    while the block runs; a kernel compiled inside another's compilation is reported first."""
    from numba.core import event

    class Listener(event.Listener):
        def __init__(self) -> None:
            self.started: list[float] = []

        def on_start(self, ev: event.Event) -> None:
            self.started.append(time.perf_counter())

        def on_end(self, ev: event.Event) -> None:
            function = ev.data["dispatcher"].py_func
            report(f"{function.__module__}.{function.__qualname__}", time.perf_counter() - self.started.pop())

    with event.install_listener("numba:compile", Listener()):
        yield


def kernels(group: KernelGroup) -> list[str]:
    """The numba kernels (``@njit`` functions, and objects numba types as one: ``_numba_type_``, such as the
    renderer's ``Kernel``) of the group's loaded modules, by qualified name."""
    from numba.core.registry import CPUDispatcher

    found = []
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith(tuple(f"{p}." for p in group.packages)):
            continue
        found += [f"{module_name}.{name}" for name, value in vars(module).items()
                  if (isinstance(value, CPUDispatcher) or hasattr(type(value), "_numba_type_"))
                  and getattr(value, "__module__", None) == module_name]
    return sorted(found)


def stamp_path(group: KernelGroup) -> Path:
    """Where the stamp of ``group`` lives: numba's cache folder of its first package (``$NUMBA_CACHE_DIR``, else
    ``__pycache__`` beside the sources when writable, else the user's cache folder), named after the key."""
    first = Path(importlib.import_module(group.packages[0]).__file__ or ".").parent
    if _numba_setting("CACHE_DIR"):
        folder = Path(_numba_setting("CACHE_DIR"))
    elif os.access(first, os.W_OK):
        folder = first / "__pycache__"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lamplight" / "kernels"
    return folder / f"lamplight-kernels-{group.name}-{_key(group)}.stamp"


def _key(group: KernelGroup) -> str:
    """Changes with the sources of the group's kernel modules (those holding its ``marker``; numba's cache, too,
    is only invalidated by a kernel module's change), numba, Python, the CPU and the cache folder."""
    import numba

    digest = hashlib.sha256()
    for part in (numba.__version__, sys.version, platform.machine(), _numba_setting("CPU_NAME") or "host",
                 _numba_setting("CACHE_DIR")):
        digest.update(part.encode() + b"\0")
    for package in group.packages:
        folder = Path(importlib.import_module(package).__file__ or ".").parent
        for source in sorted(folder.rglob("*.py")):
            text = source.read_bytes()
            if group.marker in text:
                digest.update(source.relative_to(folder).as_posix().encode() + b"\0" + text)
    return digest.hexdigest()[:16]


def _numba_setting(name: str) -> str:
    """A setting of ``numba.config`` (set from the NUMBA_* environment variables at import), "" when unset."""
    import numba

    return str(getattr(numba.config, name, None) or "")


def _write_stamp(stamp: Path) -> None:
    """Write the stamp (and drop the group's stale ones); a cache folder that cannot be written is only logged."""
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        for old in stamp.parent.glob(stamp.name.rsplit("-", 1)[0] + "-*.stamp"):
            old.unlink(missing_ok=True)
        stamp.write_text("compiled\n", encoding="utf-8")
    except OSError as exc:
        log.warning("cannot write %s (%s): the kernels will be checked again next time", stamp, exc)


__all__ = ["KernelGroup", "compile_group", "ensure", "kernels", "message", "reporting_compiles", "stamp_path"]
