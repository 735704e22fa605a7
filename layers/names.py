"""Names a planner can tell apart: the second 'Plan A' becomes 'Plan A (2)', as file managers and QGIS do."""

from __future__ import annotations

from collections.abc import Collection


def numbered_name(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name (n)`` with the smallest n >= 2 not in ``taken``."""
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"
