"""The one exception type the model raises for bad data, so callers can show it to a planner as is."""

from __future__ import annotations

import os


class LayerError(Exception):
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
