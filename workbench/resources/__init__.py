"""Icons of the workbench (hand-drawn SVG, 24 px grid), loaded by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PyQt6.QtGui import QIcon

ICON_DIR = Path(__file__).with_name("icons")


@cache
def icon(name: str) -> QIcon:
    """The icon ``name`` (file stem in resources/icons); a missing icon is a bug, so it raises."""
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"no icon named {name!r} in {ICON_DIR}")
    return QIcon(str(path))
