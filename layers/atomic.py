"""Atomic file replacement: a reader never opens half a file, and a failed write leaves the old file as it was.

Every file Lamplight writes (layers, projects, exports) goes through ``write_atomically``: the content is written
to a fresh name beside the target (same folder, so the rename stays on one file system; same suffix, so format
libraries recognise it), flushed to disk, given the permissions of the file it replaces, and renamed over it.

A process killed mid-write (power cut, kill -9) leaves its temporary file, named
``.<stem>.<pid>-<12 hex>.tmp<suffix>`` (``.<stem>.<12 hex>.tmp<suffix>`` before 2026-12), and its scratch
folder ``lamplight-<purpose>-<pid>-...`` in the system temporary folder. The next write of the same target
(and the next opening of a project) removes such leftovers: only names of exactly these patterns, only regular
files and real folders (never a link), only those last changed before this process started, and only those whose
process is gone, so a save running in another Lamplight is never disturbed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

#: When this process began using the model (before any write of its own): a leftover changed later may belong to
#: a write still running here. (The kernel's process start time is only known to within a second.)
_STARTED = time.time()
_SIDE_FILES = r"(?:-journal|-wal|-shm)?"     # SQLite's companions of a GeoPackage being written
_SCRATCH = re.compile(r"^lamplight-(?:save|open)-(\d+)-[A-Za-z0-9_]+$")


def write_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temp_path)`` (the path does not exist yet), then move the result over ``target``.

    A replaced file keeps its permissions, so a colleague who could read the old file can read the new one; a new
    file gets the user's usual ones (the writing library creates it under the umask). Leftovers of an earlier,
    interrupted write of ``target`` are removed first (see the module docstring).
    """
    target = Path(target)
    remove_stale_temporaries(target)
    temp = target.with_name(f".{target.stem}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp{target.suffix}")
    mode = target.stat().st_mode & 0o777 if target.exists() else None
    try:
        write(temp)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


@contextmanager
def scratch_folder(purpose: str) -> Iterator[Path]:
    """A private temporary folder named so that ``remove_stale_scratch`` recognises it after a crash."""
    with tempfile.TemporaryDirectory(prefix=f"lamplight-{purpose}-{os.getpid()}-") as folder:
        yield Path(folder)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove what interrupted writes of ``target`` left beside it, and stale scratch folders; returns them."""
    pattern = re.compile(rf"^\.{re.escape(target.stem)}\.(?:(\d+)-)?[0-9a-f]{{12}}\.tmp{re.escape(target.suffix)}"
                         rf"{_SIDE_FILES}$")
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:     # the folder is unreadable: the write itself will say so
        entries = []
    for entry in entries:
        match = pattern.match(entry.name)
        if match and _stale(entry, int(match.group(1) or 0), stat.S_ISREG):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed + remove_stale_scratch()


def remove_stale_scratch() -> list[Path]:
    """Remove scratch folders (``scratch_folder``) of Lamplight processes that are gone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return removed
    for entry in entries:
        match = _SCRATCH.match(entry.name)
        if match and _stale(entry, int(match.group(1)), stat.S_ISDIR):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def _stale(entry: os.DirEntry, pid: int, is_type: Callable[[int], bool]) -> bool:
    """Ours to remove: of the right type (links are never followed), changed before this process started, owned
    by this user and left by a process that no longer runs (``pid`` 0: a name from before names carried one)."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if not is_type(info.st_mode) or info.st_mtime >= _STARTED:
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return pid == 0 or (pid != os.getpid() and not psutil.pid_exists(pid))


__all__ = ["remove_stale_scratch", "remove_stale_temporaries", "scratch_folder", "write_atomically"]
