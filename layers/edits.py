"""Undoable changes to the project and its vector layers: each command applies itself and reverts exactly.

Commands keep only the delta (the touched cells' old and new values, the deleted rows, the moved point), never a
copy of the layer, so ten thousand attribute edits cost memory in proportion to the edits. The workbench runs
them through one ``QUndoStack`` (``workbench.editing.undo``); a notebook can call ``apply``/``revert`` directly.
Layers announce every data change through ``Layer.touch`` and the project's own events, so views follow.

Example::

    command = SetAttributeValues(poles, [12], "status", ["planned"])
    command.apply()   # poles.gdf["status"].iloc[12] == "planned"
    command.revert()  # as before, dtype included
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.edit_values import FIELD_TYPES, coerce_values, field_spec, new_feature_values
from layers.errors import LayerError
from layers.events import Event
from layers.i18n import translate
from layers.layer import Layer, VectorLayer


class EditCommand:
    """One undoable change. ``apply`` must be callable again after ``revert`` (redo)."""

    #: What the change was, in the interface language, for the undo history ("Move point in 'lamp_poles'").
    description: str = ""

    def apply(self) -> None:  # pragma: no cover - every command overrides it
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - every command overrides it
        raise NotImplementedError


class CommandGroup(EditCommand):
    """Several commands as one step (a field calculator filling many fields, a paste)."""

    def __init__(self, description: str, commands: Sequence[EditCommand]) -> None:
        self.description = description
        self.commands = list(commands)

    def apply(self) -> None:
        for command in self.commands:
            command.apply()

    def revert(self) -> None:
        for command in reversed(self.commands):
            command.revert()


def _vector(layer: Layer) -> VectorLayer:
    if not isinstance(layer, VectorLayer):
        raise LayerError(layer.source, translate("Edits", "is a raster; only layers with features can be edited"),
                         layer=layer.name)
    return layer


def _positions(layer: VectorLayer, positions: Sequence[int] | np.ndarray) -> np.ndarray:
    array = np.asarray(positions, dtype=np.int64).reshape(-1)
    bad = array[(array < 0) | (array >= len(layer.gdf))]
    if len(bad):
        problem = translate("Edits", "has {count} features; feature #{position} does not exist")
        raise LayerError(layer.source, problem.format(count=len(layer.gdf), position=int(bad[0]) + 1),
                         layer=layer.name)
    return array


def _holding_dtype(column: pd.Series, values: list[Any]) -> Any:
    """The dtype the column needs to hold ``values``: its own unless an empty cell goes into an int or bool column
    or a new category into a categorical one."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) and any(v is not None and v not in dtype.categories for v in values):
        return np.dtype(object)  # a new category: plain values until undone (the categories come back then)
    if any(value is None for value in values):
        if pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            return "Int64"
        if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            return "boolean"
    return dtype


# -- attribute values ------------------------------------------------------------------------------------------
class SetAttributeValues(EditCommand):
    """New values for ``field`` at row ``positions``: one cell, or many (a field calculator, a paste).

    Values are checked by the field's dtype and the layer's kind before anything changes (``coerce_values``).
    """

    def __init__(self, layer: Layer, positions: Sequence[int] | np.ndarray, field: str, values: Any) -> None:
        self.layer = _vector(layer)
        self.positions = _positions(self.layer, positions)
        raw = list(values) if isinstance(values, list | tuple | np.ndarray | pd.Series) else [values] * len(
            self.positions)
        if len(raw) != len(self.positions):
            raise ValueError(f"layer '{self.layer.name}': {len(raw)} values for {len(self.positions)} features")
        self.field = field
        self.new_values = coerce_values(self.layer, field, raw)
        column = self.layer.gdf[field]
        if len(self.positions) == 1:
            self.old_values = [column.iat[int(self.positions[0])]]
        else:
            self.old_values = column.iloc[self.positions].tolist()
        self.old_dtype = column.dtype
        self.new_dtype = _holding_dtype(column, self.new_values)
        count = len(self.positions)
        if count == 1:
            self.description = translate("Edits", "Set '{field}' of feature #{position} in '{layer}'").format(
                field=field, position=int(self.positions[0]) + 1, layer=self.layer.name)
        else:
            self.description = translate("Edits", "Set '{field}' of {count} features in '{layer}'").format(
                field=field, count=count, layer=self.layer.name)

    def _write(self, values: list[Any], dtype: Any) -> None:
        gdf = self.layer.gdf
        if gdf[self.field].dtype != dtype:
            gdf[self.field] = gdf[self.field].astype(dtype)
        location = gdf.columns.get_loc(self.field)
        if len(self.positions) == 1:
            gdf.iat[int(self.positions[0]), location] = values[0]
        else:
            holder = np.empty(len(values), dtype=object)
            holder[:] = values
            dtype = gdf[self.field].dtype
            gdf.iloc[self.positions, location] = holder if dtype == np.dtype(object) else pd.array(holder, dtype=dtype)
        self.layer.touch()

    def apply(self) -> None:
        self._write(self.new_values, self.new_dtype)

    def revert(self) -> None:
        self._write(self.old_values, self.new_dtype)
        if self.old_dtype != self.new_dtype:
            self.layer.gdf[self.field] = self.layer.gdf[self.field].astype(self.old_dtype)
            self.layer.touch()


# -- features --------------------------------------------------------------------------------------------------
class AddFeature(EditCommand):
    """A new feature at the end of the layer: ``values`` checked by field, the kind's defaults for the rest."""

    def __init__(self, layer: Layer, geometry: shapely.Geometry, values: dict[str, Any] | None = None) -> None:
        self.layer = _vector(layer)
        self.geometry = geometry
        given = {**new_feature_values(self.layer), **(values or {})}
        self.values = {field: coerce_values(self.layer, field, [value])[0] for field, value in given.items()}
        self.old_dtypes: dict[str, Any] = {}
        self.description = translate("Edits", "Add feature to '{layer}'").format(layer=self.layer.name)

    def _row(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        index = gdf.index
        label = int(index.max()) + 1 if len(index) and pd.api.types.is_integer_dtype(index.dtype) else len(index)
        columns = {}
        for name in gdf.columns:
            if name == gdf.geometry.name:
                continue
            value = self.values.get(name)
            dtype = _holding_dtype(gdf[name], [value])
            columns[name] = pd.Series([value], index=[label], dtype=object).astype(dtype)
        row = gpd.GeoDataFrame(columns, index=pd.Index([label], dtype=index.dtype if len(index) else "int64"),
                               geometry=gpd.GeoSeries([self.geometry], index=[label], crs=gdf.crs,
                                                      name=gdf.geometry.name), crs=gdf.crs)
        return row[list(gdf.columns)]

    def apply(self) -> None:
        gdf = self.layer.gdf
        self.old_dtypes = dict(gdf.dtypes)
        combined = pd.concat([gdf, self._row(gdf)])
        self.layer.gdf = gpd.GeoDataFrame(combined, geometry=gdf.geometry.name, crs=gdf.crs)
        self.layer.touch()

    def revert(self) -> None:
        kept = self.layer.gdf.iloc[:-1]
        changed = {name: dtype for name, dtype in self.old_dtypes.items() if kept[name].dtype != dtype}
        self.layer.gdf = kept.astype(changed) if changed else kept
        self.layer.touch()
        if self.position + 1 in self.layer.selection:  # the removed feature cannot stay selected
            self.layer.selection = self.layer.selection - {self.position + 1}

    @property
    def position(self) -> int:
        """Row position of the new feature while applied."""
        return len(self.layer.gdf) - 1


class MoveFeature(EditCommand):
    """Feature ``position`` gets ``geometry`` (a dragged pole); the old geometry is kept for undo."""

    def __init__(self, layer: Layer, position: int, geometry: shapely.Geometry,
                 old_geometry: shapely.Geometry | None = None) -> None:
        self.layer = _vector(layer)
        self.position = int(_positions(self.layer, [position])[0])
        self.new_geometry = geometry
        self.old_geometry = old_geometry if old_geometry is not None else self.layer.gdf.geometry.iloc[self.position]
        self.description = translate("Edits", "Move feature #{position} in '{layer}'").format(
            position=self.position + 1, layer=self.layer.name)

    def _set(self, geometry: shapely.Geometry) -> None:
        gdf = self.layer.gdf
        gdf.iat[self.position, gdf.columns.get_loc(gdf.geometry.name)] = geometry  # drops the spatial index too
        self.layer.touch()

    def apply(self) -> None:
        self._set(self.new_geometry)

    def revert(self) -> None:
        self._set(self.old_geometry)


class DeleteFeatures(EditCommand):
    """Remove the features at ``positions``; their rows (only those) are kept to put them back in place."""

    def __init__(self, layer: Layer, positions: Sequence[int] | np.ndarray) -> None:
        self.layer = _vector(layer)
        self.positions = np.unique(_positions(self.layer, positions))
        self.rows: gpd.GeoDataFrame | None = None
        self.old_selection: frozenset[int] = frozenset()
        count = len(self.positions)
        self.description = translate("Edits", "Delete {count} feature(s) from '{layer}'").format(
            count=count, layer=self.layer.name)

    def apply(self) -> None:
        gdf = self.layer.gdf
        keep = np.ones(len(gdf), dtype=bool)
        keep[self.positions] = False
        self.rows = gdf.iloc[self.positions].copy()
        self.old_selection = self.layer.selection
        survivors = np.cumsum(keep) - 1  # new position of each kept row
        self.layer.selection = frozenset(int(survivors[p]) for p in self.old_selection
                                         if 0 <= p < len(keep) and keep[p])
        self.layer.gdf = gdf.iloc[np.flatnonzero(keep)]
        self.layer.touch()

    def revert(self) -> None:
        gdf = self.layer.gdf
        total = len(gdf) + len(self.positions)
        kept = np.ones(total, dtype=bool)
        kept[self.positions] = False
        combined = pd.concat([gdf, self.rows])
        order = np.argsort(np.concatenate([np.flatnonzero(kept), self.positions]), kind="stable")
        restored = combined.iloc[order]
        self.layer.gdf = gpd.GeoDataFrame(restored, geometry=gdf.geometry.name, crs=gdf.crs)
        self.rows = None
        self.layer.touch()
        self.layer.selection = self.old_selection


# -- fields ----------------------------------------------------------------------------------------------------
def _check_new_name(layer: VectorLayer, name: str) -> str:
    name = name.strip()
    if not name:
        raise LayerError(layer.source, translate("Edits", "a field needs a name"), layer=layer.name)
    if name in layer.gdf.columns:
        raise LayerError(layer.source, translate("Edits", "already has a field '{field}'").format(field=name),
                         layer=layer.name)
    return name


def _check_not_schema(layer: VectorLayer, field: str, action: str) -> None:
    if field not in layer.fields:
        raise LayerError(layer.source, translate("Edits", "has no field '{field}'").format(field=field),
                         layer=layer.name)
    if field_spec(layer, field) is not None:
        raise LayerError(layer.source, translate("Edits", "field '{field}' belongs to the '{kind}' schema that the "
                                                          "analyses rely on; it cannot be {action}").format(
            field=field, kind=layer.kind, action=action), layer=layer.name)


class AddField(EditCommand):
    """A new, empty field of one of ``FIELD_TYPES`` ("text", "integer", "decimal", "yes/no")."""

    def __init__(self, layer: Layer, name: str, field_type: str = "text") -> None:
        self.layer = _vector(layer)
        if field_type not in FIELD_TYPES:
            raise LayerError(self.layer.source, translate("Edits", "unknown field type '{type}'; choose one of "
                                                                   "{types}").format(
                type=field_type, types=", ".join(FIELD_TYPES)), layer=self.layer.name)
        self.name = _check_new_name(self.layer, name)
        self.dtype = FIELD_TYPES[field_type]
        self.description = translate("Edits", "Add field '{field}' to '{layer}'").format(
            field=self.name, layer=self.layer.name)

    def apply(self) -> None:
        gdf = self.layer.gdf.copy(deep=False)  # a new frame: a render reading the old one is not disturbed
        location = len(self.layer.fields) if gdf.columns[-1] == gdf.geometry.name else len(gdf.columns)
        gdf.insert(location, self.name, pd.Series([None] * len(gdf), index=gdf.index, dtype=object).astype(self.dtype))
        self.layer.gdf = gdf
        self.layer.touch()

    def revert(self) -> None:
        self.layer.gdf = self.layer.gdf.drop(columns=[self.name])
        self.layer.touch()


class DeleteField(EditCommand):
    """Remove a field that is not part of the layer's kind; its column is kept for undo."""

    def __init__(self, layer: Layer, name: str) -> None:
        self.layer = _vector(layer)
        _check_not_schema(self.layer, name, translate("Edits", "deleted"))
        self.name = name
        self.column: pd.Series | None = None
        self.location = 0
        self.description = translate("Edits", "Delete field '{field}' from '{layer}'").format(
            field=name, layer=self.layer.name)

    def apply(self) -> None:
        gdf = self.layer.gdf
        self.location = gdf.columns.get_loc(self.name)
        self.column = gdf[self.name]
        self.layer.gdf = gdf.drop(columns=[self.name])
        self.layer.touch()

    def revert(self) -> None:
        gdf = self.layer.gdf.copy(deep=False)
        gdf.insert(self.location, self.name, self.column)
        self.column = None
        self.layer.gdf = gdf
        self.layer.touch()


class RenameField(EditCommand):
    """A field that is not part of the layer's kind gets a new name."""

    def __init__(self, layer: Layer, old_name: str, new_name: str) -> None:
        self.layer = _vector(layer)
        _check_not_schema(self.layer, old_name, translate("Edits", "renamed"))
        self.old_name = old_name
        self.new_name = _check_new_name(self.layer, new_name)
        self.description = translate("Edits", "Rename field '{old}' to '{new}' in '{layer}'").format(
            old=old_name, new=self.new_name, layer=self.layer.name)

    def _rename(self, old: str, new: str) -> None:
        self.layer.gdf = self.layer.gdf.rename(columns={old: new})
        self.layer.touch()

    def apply(self) -> None:
        self._rename(self.old_name, self.new_name)

    def revert(self) -> None:
        self._rename(self.new_name, self.old_name)


class CalculateField(EditCommand):
    """Values computed for a field (a field calculator): into an existing field, checked like typed values, or into
    a new field of one of ``FIELD_TYPES`` that is added in the same step."""

    def __init__(self, layer: Layer, field: str, positions: Sequence[int] | np.ndarray, values: Any,
                 new_type: str | None = None) -> None:
        self.layer = _vector(layer)
        self.positions = _positions(self.layer, positions)
        self.values = list(values)
        self.add = AddField(self.layer, field, new_type) if new_type is not None else None
        self.field = self.add.name if self.add is not None else field
        self.set: SetAttributeValues | None = None
        if self.add is None:
            self.set = SetAttributeValues(self.layer, self.positions, self.field, self.values)
        self.description = translate("Edits", "Calculate '{field}' for {count} features in '{layer}'").format(
            field=self.field, count=len(self.positions), layer=self.layer.name)

    def apply(self) -> None:
        if self.add is not None:
            self.add.apply()
        if self.set is None:  # a new field's dtype is known only once it exists
            try:
                self.set = SetAttributeValues(self.layer, self.positions, self.field, self.values)
            except LayerError:
                if self.add is not None:
                    self.add.revert()
                raise
        self.set.apply()

    def revert(self) -> None:
        assert self.set is not None, "an edit is reverted only after it was applied"
        self.set.revert()
        if self.add is not None:
            self.add.revert()


# -- layers of the project -------------------------------------------------------------------------------------
class AddLayers(EditCommand):
    """Layers added on top of the project in one step, with the run that made them when there is one."""

    def __init__(self, project: Any, layers: Sequence[Layer], record: dict | None = None) -> None:
        self.project = project
        self.layers = list(layers)
        self.record = record
        self.indices: list[int | None] = [None] * len(self.layers)

    def include(self, layer: Layer) -> None:
        """One more layer of the same step (already added, as the outputs of a run arrive one by one)."""
        self.layers.append(layer)
        self.indices.append(None)

    @property
    def description(self) -> str:  # type: ignore[override]  # follows the layers and the run as they are included
        if self.record is not None:
            run = self.record.get("algorithm_name") or self.record.get("algorithm") or "?"
            return translate("Edits", "Add results of '{run}'").format(run=run)
        names = ", ".join(f"'{layer.name}'" for layer in self.layers[:3]) + ("…" if len(self.layers) > 3 else "")
        return translate("Edits", "Add layer(s) {names}").format(names=names)

    def apply(self) -> None:
        for layer, index in zip(self.layers, self.indices, strict=True):
            self.project.add_layer(layer, index)
        if self.record is not None and not any(r is self.record for r in self.project.history):
            self.project.record_run(self.record)

    def revert(self) -> None:
        if self.record is not None and any(r is self.record for r in self.project.history):
            self.project.history[:] = [r for r in self.project.history if r is not self.record]
            self.project.events.emit(Event("history", extra={"removed": self.record}))
        self.indices = [self.project.index_of(layer) for layer in self.layers]
        for layer in reversed(self.layers):
            self.project.remove_layer(layer)


class RemoveLayer(EditCommand):
    def __init__(self, project: Any, layer: Layer, index: int | None = None) -> None:
        self.project = project
        self.layer = layer
        self.index = index
        self.description = translate("Edits", "Remove layer '{layer}'").format(layer=layer.name)

    def apply(self) -> None:
        self.index = self.project.index_of(self.layer)
        self.project.remove_layer(self.layer)

    def revert(self) -> None:
        self.project.add_layer(self.layer, self.index)


class MoveLayer(EditCommand):
    def __init__(self, project: Any, layer: Layer, new_index: int, old_index: int | None = None) -> None:
        self.project = project
        self.layer = layer
        self.new_index = new_index
        self.old_index = project.index_of(layer) if old_index is None else old_index
        self.description = translate("Edits", "Move layer '{layer}'").format(layer=layer.name)

    def apply(self) -> None:
        self.project.move_layer(self.layer, self.new_index)

    def revert(self) -> None:
        self.project.move_layer(self.layer, self.old_index)


class RenameLayer(EditCommand):
    def __init__(self, project: Any, layer: Layer, new_name: str, old_name: str | None = None) -> None:
        self.project = project
        self.layer = layer
        self.old_name = layer.name if old_name is None else old_name
        self.new_name = new_name
        if not new_name.strip():
            raise LayerError(layer.source, translate("Edits", "a layer needs a name"), layer=layer.name)
        self.description = translate("Edits", "Rename layer '{old}' to '{new}'").format(old=self.old_name,
                                                                                        new=new_name)

    def apply(self) -> None:
        if self.layer.name != self.new_name:
            self.new_name = self.project.unique_name(self.new_name)
        self.layer.name = self.new_name

    def revert(self) -> None:
        self.layer.name = self.old_name


class ChangeStyle(EditCommand):
    def __init__(self, layer: Layer, new_style: Any, old_style: Any = None, *, old_known: bool = False) -> None:
        self.layer = layer
        self.new_style = new_style
        self.old_style = old_style if old_known else layer.style
        self.description = translate("Edits", "Change style of '{layer}'").format(layer=layer.name)

    def apply(self) -> None:
        self.layer.style = self.new_style

    def revert(self) -> None:
        self.layer.style = self.old_style


__all__ = ["AddFeature", "AddField", "AddLayers", "CalculateField", "ChangeStyle", "CommandGroup", "DeleteFeatures",
           "DeleteField", "EditCommand", "MoveFeature", "MoveLayer", "RemoveLayer", "RenameField", "RenameLayer",
           "SetAttributeValues"]
