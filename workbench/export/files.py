"""Where exports may be written: the target check shared by every export (writing itself is atomic, through
``layers.atomic.write_atomically``)."""

from __future__ import annotations

import os
from pathlib import Path

from layers.errors import LayerError


def check_target(path: str | os.PathLike, suffixes: tuple[str, ...]) -> Path:
    """The output path, after checking its folder exists and its suffix is one we can write."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise LayerError(target, f"cannot write {target.suffix or 'a file without suffix'!r} here; "
                                 f"use {', '.join(suffixes)}")
    if not target.parent.is_dir():
        raise LayerError(target, f"folder {target.parent} does not exist")
    return target
