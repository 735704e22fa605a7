"""Atomic file replacement: a reader never opens half a file, and a failed write leaves the old file as it was.

Every file Lamplight writes (layers, projects, exports) goes through ``write_atomically``: the content is written
to a fresh name beside the target (same folder, so the rename stays on one file system; same suffix, so format
libraries recognise it), flushed to disk, given the permissions of the file it replaces, and renamed over it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)`` (the path does not exist yet), then move the result over ``target``.

    A replaced file keeps its permissions, so a colleague who could read the old file can read the new one; a new
    file gets the user's usual ones (the writing library creates it under the umask).
    """
    target = Path(target)
    temp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.tmp{target.suffix}")
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


__all__ = ["write_atomically"]
