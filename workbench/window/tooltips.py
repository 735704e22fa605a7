"""Tooltips for toolbar buttons: the name, the shortcut to learn, then what the button does."""

from __future__ import annotations

from PyQt6.QtGui import QKeySequence


def tool_tip(text: str, tip: str, shortcut: str | None = None) -> str:
    """'Save Project (Ctrl+S) — Save the project' from the menu text '&Save Project', a tip and a shortcut."""
    name = text.replace("&", "").rstrip("…")
    key = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText) if shortcut else ""
    return f"{name} ({key}) — {tip}" if key else f"{name} — {tip}"
