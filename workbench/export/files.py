"""Where exports may be written: the target check shared by every export (writing itself is atomic, through
``layers.atomic.write_atomically``)."""

from __future__ import annotations

import os
from pathlib import Path

from layers.errors import LayerError
from layers.i18n import translate


def check_target(path: str | os.PathLike, suffixes: tuple[str, ...]) -> Path:
    """The output path, after checking its folder exists and its suffix is one we can write."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise LayerError(target, translate("ExportError", "cannot write {suffix!r} here; use {suffixes}").format(
            suffix=target.suffix or translate("ExportError", "a file without suffix"), suffixes=", ".join(suffixes)))
    if not target.parent.is_dir():
        raise LayerError(target, translate("ExportError", "folder {folder} does not exist").format(
            folder=target.parent))
    return target
