"""Writing export files atomically: a reader never opens half a PDF, and a failed export leaves the old file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from layers.errors import LayerError
from layers.project import temporary_sibling


def check_target(path: str | os.PathLike, suffixes: tuple[str, ...]) -> Path:
    """The output path, after checking its folder exists and its suffix is one we can write."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise LayerError(target, f"cannot write {target.suffix or 'a file without suffix'!r} here; "
                                 f"use {', '.join(suffixes)}")
    if not target.parent.is_dir():
        raise LayerError(target, f"folder {target.parent} does not exist")
    return target


def write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)`` then rename the temp file over ``target``.

    The temp file has the replaced file's permissions, or the user's umask for a new file (``temporary_sibling``),
    so a colleague who could read the old export can read the new one."""
    temp = temporary_sibling(target)
    try:
        write(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target
