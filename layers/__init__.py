"""Lamplight's GUI-free model: layers, the project, styles, readers and writers. Imports no Qt."""

from layers.errors import LayerError
from layers.events import Event, EventEmitter
from layers.layer import Layer, RasterLayer, VectorLayer

__all__ = ["Event", "EventEmitter", "Layer", "LayerError", "RasterLayer", "VectorLayer", "Project"]


def __getattr__(name: str):
    # Project pulls in I/O; import it lazily so `from layers import VectorLayer` stays light.
    if name == "Project":
        from layers.project import Project

        return Project
    raise AttributeError(name)
