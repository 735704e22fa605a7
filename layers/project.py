"""The workspace: ordered layers, project CRS, view extent and run history, saved as one copyable file.

A ``.lamp`` project file is a zip archive holding ``project.json`` plus the data of layers that have no
file of their own (analysis outputs, edited or database layers) as GeoPackage/GeoTIFF. Layers that come
from a file are stored as a path relative to the project file, so a project folder can be moved whole.
Saving writes a temporary file next to the target and renames it over the old one: a failed save never
damages the previous file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyproj

from layers.crs import metric_crs_for
from layers.errors import LayerError
from layers.events import Event, EventEmitter
from layers.i18n import translate
from layers.layer import Layer, to_crs_object
from layers.names import numbered_name
from layers.rf_profile import RfProfile
from layers.scenarios import Scenarios

FORMAT_NAME = "lamplight-project"
FORMAT_VERSION = 1
PROJECT_SUFFIX = ".lamp"


def _box(values: Iterable[float]) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) as floats from any four numbers; anything but four is a ValueError."""
    xmin, ymin, xmax, ymax = (float(v) for v in values)
    return xmin, ymin, xmax, ymax


class Project:
    """Ordered layers (bottom first, as drawn) with change events the GUI listens to.

    Parameters
    ----------
    crs : optional
        The project CRS (EPSG code, string, WKT or ``pyproj.CRS``); None lets the first layer with data choose a
        local metric CRS.
    title : str
        Shown in the window title, print layouts and reports.

    Examples
    --------
    >>> project = Project.load("sample_data/tianhe/tianhe.lamp")  # doctest: +SKIP
    >>> poles = project.layer("lamp_poles")  # doctest: +SKIP
    """

    def __init__(self, crs: Any = None, *, title: str = "Untitled project") -> None:
        self.events = EventEmitter()
        self.title = title
        self._layers: list[Layer] = []
        self._crs: pyproj.CRS | None = to_crs_object(crs)
        self._view_extent: tuple[float, float, float, float] | None = None
        self.history: list[dict] = []
        #: The radio assumptions coverage, rf-mode siting and the statistics share (``layers.rf_profile``).
        self.rf_profile = RfProfile()
        #: Named sets of runs and decisions, compared side by side (``layers.scenarios``).
        self.scenarios = Scenarios(self.events)
        #: Basemaps as plain data: ``active`` (the one shown, or None) and ``custom`` definitions the user added
        #: (see ``layers.basemap_schema``); never an access key.
        self.basemaps: dict[str, Any] = {}
        self.path: Path | None = None
        #: Layers that could not be restored when the project was opened, as readable messages.
        self.load_problems: list[str] = []
        #: Layers whose linked data file was missing or unreadable when the project was opened (a moved folder, an
        #: unmounted drive): (restored layers below it, its project.json entry with an absolute data path). Saving
        #: writes them back in place, so the project keeps them until their file is back.
        self.unavailable: list[tuple[int, dict[str, Any]]] = []

    # -- layers ---------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """A copy of the layer list, bottom first; change it through add/remove/move."""
        return list(self._layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(list(self._layers))

    def __len__(self) -> int:
        return len(self._layers)

    def layer(self, name_or_id: str) -> Layer:
        """The layer with this name or id; KeyError listing the project's layers when there is none."""
        for layer in self._layers:
            if layer.name == name_or_id or layer.id == name_or_id:
                return layer
        names = ", ".join(repr(layer.name) for layer in self._layers) or translate("Project", "none")
        raise KeyError(translate("Project", "no layer named {name!r} in the project (layers: {names})").format(
            name=name_or_id, names=names))

    def index_of(self, layer: Layer) -> int:
        """The position of ``layer`` (this very object), bottom first; KeyError when it is not in the project."""
        for i, candidate in enumerate(self._layers):
            if candidate is layer:
                return i
        raise KeyError(f"layer {layer.name!r} is not in the project")

    def unique_name(self, name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)``, ... when a layer already has it."""
        return numbered_name(name, {layer.name for layer in self._layers})

    def add_layer(self, layer: Layer, index: int | None = None) -> Layer:
        """Add on top (or at ``index``); a duplicate name gets ' (2)'. A project without a CRS takes a local metric
        CRS from its first data: the layer's own when it measures true distances there, else the estimated one
        (``layers.crs``), never WGS84 degrees or Web Mercator."""
        if any(existing is layer for existing in self._layers):
            raise ValueError(f"layer {layer.name!r} is already in the project")
        layer.name = self.unique_name(layer.name)
        if self._crs is None and layer.crs is not None:
            chosen = metric_crs_for(layer.extent, layer.crs)
            if chosen is not None:
                self.crs = chosen
        position = len(self._layers) if index is None else max(0, min(index, len(self._layers)))
        self._layers.insert(position, layer)
        layer.events.connect(self._forward_layer_event)
        self.events.emit(Event("added", layer=layer, index=position))
        return layer

    def add_layers(self, layers: list[Layer]) -> list[Layer]:
        """``add_layer`` each of ``layers`` in order (the last ends on top); returns them."""
        return [self.add_layer(layer) for layer in layers]

    def remove_layer(self, layer_or_name: Layer | str) -> Layer:
        """Take a layer (or the layer of that name) out of the project and return it."""
        layer = self.layer(layer_or_name) if isinstance(layer_or_name, str) else layer_or_name
        index = self.index_of(layer)
        del self._layers[index]
        layer.events.disconnect(self._forward_layer_event)
        self.events.emit(Event("removed", layer=layer, index=index))
        return layer

    def move_layer(self, layer_or_name: Layer | str, new_index: int) -> None:
        """Move a layer to ``new_index`` (0 is the bottom; clamped to the list)."""
        layer = self.layer(layer_or_name) if isinstance(layer_or_name, str) else layer_or_name
        old_index = self.index_of(layer)
        new_index = max(0, min(new_index, len(self._layers) - 1))
        if new_index == old_index:
            return
        self._layers.insert(new_index, self._layers.pop(old_index))
        self.events.emit(Event("moved", layer=layer, index=new_index, old_index=old_index))

    def clear(self) -> None:
        """Remove every layer, the run history and the scenarios (a new, empty workspace)."""
        for layer in self._layers:
            layer.events.disconnect(self._forward_layer_event)
        self._layers.clear()
        self.history.clear()
        self.scenarios.clear()
        self._view_extent = None
        self.events.emit(Event("cleared"))

    def _forward_layer_event(self, event: Event) -> None:
        self.events.emit(event)

    # -- CRS, extent, history --------------------------------------------------------------------
    @property
    def crs(self) -> pyproj.CRS | None:
        """The CRS the map is drawn in; setting it emits a ``crs`` event."""
        return self._crs

    @crs.setter
    def crs(self, value: Any) -> None:
        self._crs = to_crs_object(value)
        self.events.emit(Event("crs"))

    @property
    def view_extent(self) -> tuple[float, float, float, float] | None:
        """The map's visible (minx, miny, maxx, maxy) in the project CRS, saved with the project; None if unset."""
        return self._view_extent

    @view_extent.setter
    def view_extent(self, extent: tuple[float, float, float, float] | None) -> None:
        self._view_extent = None if extent is None else _box(extent)
        self.events.emit(Event("extent"))

    def layer_extent(self, layer: Layer) -> tuple[float, float, float, float]:
        """The layer's extent in the project CRS (transformed with densified edges, as pyproj does)."""
        extent = layer.extent
        if layer.crs is None or self._crs is None or layer.crs == self._crs or not np.all(np.isfinite(extent)):
            return extent
        transformer = pyproj.Transformer.from_crs(layer.crs, self._crs, always_xy=True)
        return _box(transformer.transform_bounds(*extent, densify_pts=21))

    def full_extent(self, *, visible_only: bool = False) -> tuple[float, float, float, float] | None:
        """The box around every layer (or every visible one) in the project CRS; None without data."""
        extents = [self.layer_extent(layer) for layer in self._layers if layer.visible or not visible_only]
        boxes = np.array([b for b in extents if np.all(np.isfinite(b))])
        if len(boxes) == 0:
            return None
        return (float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()), float(boxes[:, 3].max()))

    def record_run(self, record: dict) -> None:
        """Append a run record (algorithm, parameters, versions, timings) to ``history``; emits ``history``."""
        self.history.append(record)
        self.events.emit(Event("history", extra={"record": record}))

    # -- files -----------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write the whole workspace to one ``.lamp`` file, atomically."""
        from layers.project_file import write_project

        target = Path(path) if path is not None else self.path
        if target is None:
            raise LayerError(None, translate("Project", "the project has never been saved; choose a file name"))
        write_project(self, target)
        self.path = target
        return target

    def relink(self, folder: str | os.PathLike) -> tuple[list[Layer], list[str]]:
        """Find the files of ``unavailable`` layers by name in ``folder`` or below and restore those layers in
        their old place; returns (layers restored, why the others were not)."""
        from layers.project_file import relink_missing

        return relink_missing(self, Path(folder))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Project:
        """Open a ``.lamp`` file; layers that cannot be restored (data missing, entry damaged) are skipped and
        listed in ``load_problems``; those linked to a missing or unreadable file are also kept in ``unavailable``."""
        from layers.project_file import read_project

        return read_project(Path(path))


def json_safe(value: Any) -> Any:
    """Metadata may hold numpy scalars, paths or CRS objects: make it JSON without losing the reading."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pyproj.CRS):
        return value.to_string()
    return str(value)


__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "PROJECT_SUFFIX", "Project", "json_safe"]
