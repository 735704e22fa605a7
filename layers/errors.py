"""Lamplight's exception root, and the one exception type the model raises for bad data.

Every exception Lamplight raises on purpose derives from ``LamplightError``, so a caller can tell a problem to
show the planner as is (``except LamplightError``) from a bug. Like rasterio's errors, the specific ones also
derive from the built-in they are closest to (``ParameterError`` is a ``ValueError``), so ``except ValueError``
keeps working.
"""

from __future__ import annotations

import os


class LamplightError(Exception):
    """Root of Lamplight's exceptions: a message meant for the planner, not a bug."""


class LayerError(LamplightError):
    """A layer or file could not be read, validated or written.

    The message always names the file (and the layer inside it, when there is one) and the problem,
    e.g. ``poles.csv: layer 'poles': column 'lat' has 3 non-numeric values (rows 4, 9, 12)``.
    """

    def __init__(self, source: str | os.PathLike | None, problem: str, layer: str | None = None):
        self.source = os.fspath(source) if source is not None else None
        self.layer = layer
        self.problem = problem
        super().__init__(self._format())

    def _format(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.layer:
            parts.append(f"layer '{self.layer}'")
        parts.append(self.problem)
        return ": ".join(parts)
