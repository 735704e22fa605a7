"""Edit mode per vector layer, as in QGIS: toggle editing, change features and attributes, save or discard.

Every change goes through ``EditHistory.push`` as a ``layers.edits`` command, so it is undoable; a value the
field refuses comes back as a readable message, never a traceback. "Save Layer Edits" writes a copy of the layer
back to its linked file in a worker (``layers.edit_save``, atomic) after asking; a layer without a file of its
own is saved with the project. Leaving edit mode with changes asks to save or discard them.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import shapely
from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QWidget

from layers import Event, Layer, LayerError, VectorLayer
from layers.edit_save import linked_file, snapshot, write_back
from layers.edits import (
    AddFeature,
    AddField,
    CalculateField,
    DeleteFeatures,
    DeleteField,
    EditCommand,
    MoveFeature,
    RenameField,
)
from layers.expressions import ExpressionError, calculate
from layers.snapping import DEFAULT_TOLERANCE_M, RoadSnapper, Snapped
from workbench.canvas.feature_query import to_layer_crs
from workbench.editing.undo import EditHistory
from workbench.guarded_pool import GuardedPool

log = logging.getLogger(__name__)

#: The expression language's result kind for each field type a planner can create.
EXPRESSION_KINDS = {"text": "text", "integer": "integer", "decimal": "real", "yes/no": "boolean"}


def expression_kind(column: pd.Series) -> str:
    """The result kind a field calculator must produce for an existing column."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(column.dtype):
        return "integer"
    if pd.api.types.is_numeric_dtype(column.dtype):
        return "real"
    return "text"


class EditSession(QObject):
    """Which layers are in edit mode, and the edits a planner makes on them."""

    editing_changed = pyqtSignal(object, bool)  # layer, now editing
    message = pyqtSignal(str)  # for the status bar
    refused = pyqtSignal(str)  # an edit the model refused (bad value, wrong layer), as the model words it
    save_finished = pyqtSignal(object, str, bool)  # layer, message, succeeded
    _calculated = pyqtSignal(object, object, object)  # layer, job, values or the error text
    _written = pyqtSignal(object, object, str, int, int)  # layer, path or None, error, stack index, data version

    def __init__(self, history: EditHistory, window: QWidget) -> None:
        super().__init__(window)
        self.history = history
        self.window = window
        #: layer id -> (layer, stack index and layer data version when editing started)
        self._editing: dict[str, tuple[VectorLayer, int, int]] = {}
        self.snapping = False
        self.tolerance_m = DEFAULT_TOLERANCE_M
        self._snapper: RoadSnapper | None = None
        self.pool = GuardedPool(self, "layer-edits-writer")
        self.saving = 0
        self.calculating = 0
        self._written.connect(self._write_done)
        self._calculated.connect(self._calculation_done)
        self._calculated_signal = self._calculated
        self._written_signal = self._written  # bound in the GUI thread, for the worker
        history.bridge.model_event.connect(self._on_event)
        history.bridge.project_replaced.connect(self._project_replaced)

    # -- edit mode ----------------------------------------------------------------------------------------------
    def is_editing(self, layer: Layer | None) -> bool:
        return layer is not None and layer.id in self._editing

    def editing_layers(self) -> list[VectorLayer]:
        return [layer for layer, _, _ in self._editing.values()]

    def has_changes(self, layer: VectorLayer) -> bool:
        entry = self._editing.get(layer.id)
        return entry is not None and layer.data_version != entry[2]

    def start(self, layer: Layer | None) -> bool:
        if not isinstance(layer, VectorLayer):
            self.refused.emit(self.tr("Only layers with features can be edited; choose one in the Layers panel"))
            return False
        if layer.id not in self._editing:
            self._editing[layer.id] = (layer, self.history.stack.index(), layer.data_version)
            self.editing_changed.emit(layer, True)
            self.message.emit(self.tr("Editing \u201c{name}\u201d").format(name=layer.name))
        return True

    def stop(self, layer: VectorLayer, *, ask: bool = True) -> bool:
        """Leave edit mode; with changes, ask to save or discard them (False: the planner cancelled)."""
        if layer.id not in self._editing:
            return True
        if ask and self.has_changes(layer):
            answer = QMessageBox.question(
                self.window, self.tr("Stop Editing"),
                self.tr("Save the edits of \u201c{name}\u201d?").format(name=layer.name),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save and not self.save(layer):
                return False
            if answer == QMessageBox.StandardButton.Discard and not self.discard(layer):
                return False
        self._end(layer)
        return True

    def toggle(self, layer: Layer | None) -> bool:
        """Start or stop editing ``layer``; returns whether it is being edited afterwards."""
        if isinstance(layer, VectorLayer) and self.is_editing(layer):
            self.stop(layer)
        else:
            self.start(layer)
        return self.is_editing(layer)

    def discard(self, layer: VectorLayer) -> bool:
        """Undo the edits made since editing started, when no later step belongs to another layer."""
        _, start, _ = self._editing[layer.id]
        stack = self.history.stack
        later = [stack.command(i) for i in range(start, stack.index())]
        foreign = [c for c in later if getattr(getattr(c, "command", None), "layer", None) is not layer]
        if foreign:
            self.refused.emit(self.tr("Edits of \u201c{name}\u201d are followed by other changes ({step}); undo "
                                      "those first in the Undo History").format(name=layer.name,
                                                                                step=foreign[-1].text()))
            return False
        while stack.index() > start:
            self.history.undo()
        return True

    def _end(self, layer: VectorLayer) -> None:
        self._editing.pop(layer.id, None)
        self.editing_changed.emit(layer, False)
        self.message.emit(self.tr("Stopped editing \u201c{name}\u201d").format(name=layer.name))

    def _project_replaced(self, project: Any) -> None:
        self._snapper = None
        self._stop_all()

    def _stop_all(self) -> None:
        for layer in self.editing_layers():
            self._end(layer)

    def _on_event(self, event: Event) -> None:
        if event.type == "removed" and self.is_editing(event.layer):
            self._end(event.layer)

    # -- edits --------------------------------------------------------------------------------------------------
    def push(self, command_or_factory: Any) -> EditCommand | None:
        """Apply and record a command (or build it: a factory may refuse with LayerError); None when refused."""
        try:
            command = command_or_factory() if callable(command_or_factory) else command_or_factory
            self.history.push(command)
        except (LayerError, ValueError) as exc:
            self.refused.emit(str(exc))
            return None
        except Exception as exc:  # an unforeseen dtype or a model bug: reported, never a traceback in a Qt slot
            log.exception("edit failed")
            self.refused.emit(self.tr("The edit could not be made: {error}").format(error=f"{type(exc).__name__}: "
                                                                                          f"{exc}"))
            return None
        return command

    def _editable(self, layer: Layer | None) -> VectorLayer | None:
        if isinstance(layer, VectorLayer) and self.is_editing(layer):
            return layer
        self.refused.emit(self.tr("Toggle Editing on a layer first (Layers panel, right-click)")
                          if layer is None or isinstance(layer, VectorLayer) else
                          self.tr("\u201c{name}\u201d is a raster and cannot be edited").format(name=layer.name))
        return None

    def _point(self, layer: VectorLayer, x: float, y: float, crs: Any) -> tuple[shapely.Point, Snapped | None]:
        """The click (project CRS) as a point in the layer's CRS, snapped to a road when snapping is on."""
        point, snapped = shapely.Point(x, y), None
        if self.snapping:
            snapper = self._road_snapper()
            if snapper is not None:
                snapped = snapper.snap(point, crs=crs, tolerance_m=self.tolerance_m)
                point = snapped.point
        return to_layer_crs(point, crs, layer.crs), snapped

    def _road_snapper(self) -> RoadSnapper | None:
        roads = [layer for layer in reversed(self.history.project.layers)
                 if isinstance(layer, VectorLayer) and layer.kind == "roads" and layer.visible]
        if not roads:
            self.message.emit(self.tr("Snapping is on, but no visible roads layer is in the project"))
            return None
        if self._snapper is None or self._snapper.roads is not roads[0] or not self._snapper.is_current():
            try:
                self._snapper = RoadSnapper(roads[0])
            except LayerError as exc:
                self.refused.emit(str(exc))
                return None
        return self._snapper

    def _points_only(self, layer: VectorLayer) -> bool:
        if layer.geometry_type in ("point", "empty"):
            return True
        self.refused.emit(self.tr("\u201c{name}\u201d holds {family}s; points can be added and moved in point layers "
                                  "only").format(name=layer.name, family=layer.geometry_type))
        return False

    def add_point(self, layer: Layer | None, x: float, y: float, crs: Any) -> AddFeature | None:
        """Add a point feature at (x, y) in ``crs`` (the project's), snapped to a road when snapping is on."""
        target = self._editable(layer)
        if target is None or not self._points_only(target):
            return None
        point, snapped = self._point(target, x, y, crs)
        command = self.push(lambda: AddFeature(target, point))
        if command is not None:
            self.message.emit(self._placed_text(self.tr("Added a feature to \u201c{name}\u201d"), target, snapped))
        return command

    def move_point(self, layer: Layer | None, position: int, x: float, y: float, crs: Any) -> MoveFeature | None:
        target = self._editable(layer)
        if target is None or not self._points_only(target):
            return None
        point, snapped = self._point(target, x, y, crs)
        command = self.push(lambda: MoveFeature(target, position, point))
        if command is not None:
            self.message.emit(self._placed_text(self.tr("Moved a feature of \u201c{name}\u201d"), target, snapped))
        return command

    def _placed_text(self, text: str, layer: VectorLayer, snapped: Snapped | None) -> str:
        text = text.format(name=layer.name)
        if snapped is not None and snapped.road is not None:
            text += self.tr(" (snapped {distance:.1f} m onto a road)").format(distance=snapped.distance_m)
        return text

    def delete_selected(self, layer: Layer | None) -> DeleteFeatures | None:
        target = self._editable(layer)
        if target is None:
            return None
        if not target.selection:
            self.refused.emit(self.tr("Select the features to delete first"))
            return None
        return self.push(lambda: DeleteFeatures(target, sorted(target.selection)))

    def set_values(self, layer: Layer | None, command_factory) -> EditCommand | None:
        """An attribute edit of an editable layer (the attribute table builds the command)."""
        return self.push(command_factory) if self._editable(layer) is not None else None

    def add_field(self, layer: Layer | None, name: str, field_type: str) -> AddField | None:
        target = self._editable(layer)
        return None if target is None else self.push(lambda: AddField(target, name, field_type))

    def delete_field(self, layer: Layer | None, name: str) -> DeleteField | None:
        target = self._editable(layer)
        return None if target is None else self.push(lambda: DeleteField(target, name))

    def rename_field(self, layer: Layer | None, old: str, new: str) -> RenameField | None:
        target = self._editable(layer)
        return None if target is None else self.push(lambda: RenameField(target, old, new))

    def calculate_field(self, layer: Layer | None, field: str, expression: str, *, new_type: str | None = None,
                        selected_only: bool = False) -> bool:
        """Compute ``expression`` for every (or every selected) feature in a worker, then set ``field`` (a new one of
        ``new_type`` when given) in one undoable step; False when refused before computing."""
        target = self._editable(layer)
        if target is None:
            return False
        positions = sorted(target.selection) if selected_only else list(range(len(target.gdf)))
        if selected_only and not positions:
            self.refused.emit(self.tr("Select the features to calculate first"))
            return False
        if new_type is None and field not in target.gdf.columns:
            self.refused.emit(self.tr("\u201c{name}\u201d has no field '{field}'").format(name=target.name,
                                                                                          field=field))
            return False
        kind = EXPRESSION_KINDS.get(new_type) if new_type else expression_kind(target.gdf[field])
        job = (field, new_type, positions, target.data_version)
        frame = target.gdf.copy(deep=False)  # copy-on-write: later edits do not reach the worker's frame
        if self.pool.submit(self._calculate, target, frame, expression, kind, job) is None:
            return False
        self.calculating += 1
        return True

    def _calculate(self, layer: VectorLayer, frame: pd.DataFrame, expression: str, kind: str, job: tuple) -> None:
        try:
            result: Any = calculate(expression, frame, kind).iloc[job[2]].tolist()
        except ExpressionError as exc:
            result = str(exc)
        except Exception as exc:  # the expression package promises ExpressionError only; a message all the same
            log.exception("field calculation failed")
            result = f"{expression}: {type(exc).__name__}: {exc}"
        self.pool.emit(self._calculated_signal, layer, job, result)

    def _calculation_done(self, layer: VectorLayer, job: tuple, result: Any) -> None:
        self.calculating -= 1
        field, new_type, positions, version = job
        if isinstance(result, str):
            self.refused.emit(result)
        elif layer.data_version != version or not self.is_editing(layer):
            self.refused.emit(self.tr("\u201c{name}\u201d changed while '{field}' was calculated; run the "
                                      "calculation again").format(name=layer.name, field=field))
        elif self.push(lambda: CalculateField(layer, field, positions, result, new_type)) is not None:
            self.message.emit(self.tr("Calculated '{field}' for {count} features").format(field=field,
                                                                                         count=len(positions)))

    # -- saving -------------------------------------------------------------------------------------------------
    def save(self, layer: Layer | None, *, confirm: bool = True) -> bool:
        """Write the layer's features back to its linked file, after asking (False: not started or refused)."""
        if not isinstance(layer, VectorLayer):
            return False
        path = linked_file(layer)
        if path is None:
            self.message.emit(self.tr("\u201c{name}\u201d has no file of its own: its edits are saved with the "
                                      "project").format(name=layer.name))
            return True
        if confirm:
            answer = QMessageBox.question(
                self.window, self.tr("Save Layer Edits"),
                self.tr("Overwrite the features of \u201c{name}\u201d in\n{path}\nwith the edited ones? Other programs "
                        "using this file will see the change.").format(name=layer.name, path=path))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        state = (self.history.stack.index(), layer.data_version)  # what the file will hold
        if self.pool.submit(self._write, snapshot(layer), layer, state) is None:
            return False
        self.saving += 1
        self.message.emit(self.tr("Writing \u201c{name}\u201d to {file}…").format(name=layer.name, file=path.name))
        return True

    def _write(self, copy: VectorLayer, layer: VectorLayer, state: tuple[int, int]) -> None:
        try:
            path, error = write_back(copy), ""
        except LayerError as exc:
            path, error = None, str(exc)
        except Exception as exc:  # a writer bug must reach the planner as a message, and the file stays as it was
            log.exception("writing the edits of %s failed", copy.name)
            path, error = None, f"{copy.source}: {type(exc).__name__}: {exc}"
        self.pool.emit(self._written_signal, layer, path, error, *state)

    def _write_done(self, layer: VectorLayer, path: Any, error: str, index: int, version: int) -> None:
        self.saving -= 1
        if path is not None and layer.id in self._editing:  # the file now holds the edits made so far
            self._editing[layer.id] = (layer, index, version)
        if path is None:
            self.save_finished.emit(layer, self.tr("Edits of \u201c{name}\u201d not saved: {error}").format(
                name=layer.name, error=error), False)
            return
        self.save_finished.emit(layer, self.tr("Saved the edits of \u201c{name}\u201d to {path}").format(
            name=layer.name, path=path), True)

    def wait(self, timeout_s: float = 30.0) -> bool:
        return self.pool.wait(timeout_s)

    def shutdown(self) -> None:
        self.pool.close()


__all__ = ["EditSession"]
