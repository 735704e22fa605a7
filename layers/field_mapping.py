"""Field mappings: how a city's own layer becomes a Lamplight kind (QGIS "Refactor fields", saved as JSON).

A mapping names the target kind (or none) and, per target field, one source: a field of the layer (with an
optional value map, 在用 -> active), an expression in ``layers.expressions`` or a constant. The other fields are
kept, renamed or dropped. ``apply_mapping`` builds the frame ``kinds.validate`` then checks; ``map_layer`` does
both. Saved as a small versioned JSON file, a mapping makes a monthly export load the same way every time::

    mapping = load_mapping("poles_map.json")
    poles = map_layer(layer, mapping)          # a lamp_poles VectorLayer, or a LayerError naming the field
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import jsonschema
import numpy as np
import pandas as pd

from layers.errors import LayerError
from layers.expressions import ExpressionError, calculate
from layers.i18n import translate
from layers.kinds import KINDS, validate
from layers.layer import VectorLayer

FORMAT_NAME = "lamplight-field-mapping"
FORMAT_VERSION = 1
FIELD, EXPRESSION, CONSTANT = "field", "expression", "constant"
SOURCE_MODES = (FIELD, EXPRESSION, CONSTANT)
_SCALAR = {"type": ["string", "number", "boolean", "null"]}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "version", "kind", "fields"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT_NAME},
        "version": {"type": "integer", "minimum": 1},
        "kind": {"type": ["string", "null"]},
        "fields": {
            "type": "object",
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 2,
                "additionalProperties": False,
                "properties": {
                    FIELD: _NAME,
                    EXPRESSION: {"type": "string", "minLength": 1, "maxLength": 10000},
                    CONSTANT: _SCALAR,
                    "values": {"type": "object", "additionalProperties": _SCALAR},
                },
                "oneOf": [{"required": [FIELD]}, {"required": [EXPRESSION]}, {"required": [CONSTANT]}],
            },
        },
        "others": {"enum": ["keep", "drop"]},
        "rename": {"type": "object", "additionalProperties": _NAME},
        "drop": {"type": "array", "items": _NAME},
        "heights": {  # buildings: the planner's rules for estimating missing heights (layers.building_heights)
            "type": "object",
            "additionalProperties": False,
            "properties": {"storey_height_m": {"type": "number", "exclusiveMinimum": 0, "maximum": 20},
                           "default_height_m": {"type": "number", "minimum": 0, "maximum": 1000}},
        },
    },
}
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@dataclass
class FieldSource:
    """Where one target field's values come from; ``values`` maps source values (as text) to target values."""

    mode: str
    value: Any
    values: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``field '杆号'``, ``expression "高度" * 1.0`` or ``constant 4``, for messages."""
        if self.mode == FIELD:
            return translate("FieldMapping", "field '{name}'").format(name=self.value)
        if self.mode == EXPRESSION:
            return translate("FieldMapping", "expression {text}").format(text=self.value)
        return translate("FieldMapping", "constant {value!r}").format(value=self.value)

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {self.mode: self.value}
        if self.values:
            entry["values"] = dict(self.values)
        return entry


@dataclass
class FieldMapping:
    """Target kind, a source per target field, and what happens to the layer's other fields."""

    kind: str | None
    fields: dict[str, FieldSource] = field(default_factory=dict)
    others: str = "keep"
    rename: dict[str, str] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    #: For buildings: ``storey_height_m`` and ``default_height_m`` used where a height must be estimated.
    heights: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "kind": self.kind,
                "fields": {target: source.to_dict() for target, source in self.fields.items()},
                "others": self.others, "rename": dict(self.rename), "drop": list(self.drop)}
        if self.heights:
            data["heights"] = dict(self.heights)
        return data

    @classmethod
    def from_dict(cls, data: Any, name: str | None = None) -> FieldMapping:
        """Check ``data`` (the schema, the version, the kind and its targets) and build the mapping."""
        where = _where(name)
        error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(data))
        if error is not None:
            path = "/".join(str(part) for part in error.absolute_path) or translate("FieldMapping", "the top level")
            raise LayerError(None, translate("FieldMapping", "{where}: {path}: {problem}").format(
                where=where, path=path, problem=error.message[:300]))
        if data["version"] > FORMAT_VERSION:
            raise LayerError(None, translate(
                "FieldMapping", "{where}: version {version} was written by a newer Lamplight; "
                                "this one reads version {known}").format(
                where=where, version=data["version"], known=FORMAT_VERSION))
        kind = data["kind"]
        if kind is not None and kind not in KINDS:
            raise LayerError(None, translate(
                "FieldMapping", "{where}: unknown kind '{kind}'; known kinds: {kinds}").format(
                where=where, kind=kind, kinds=", ".join(KINDS)))
        if kind is not None:
            known = [spec.name for spec in KINDS[kind].fields]
            for target in data["fields"]:
                if target not in known:
                    raise LayerError(None, translate(
                        "FieldMapping", "{where}: '{target}' is not a field of kind '{kind}'; "
                                        "its fields are {fields}").format(
                        where=where, target=target, kind=kind, fields=", ".join(known)))
        fields = {}
        for target, entry in data["fields"].items():
            mode = next(m for m in SOURCE_MODES if m in entry)
            fields[target] = FieldSource(mode, entry[mode], dict(entry.get("values") or {}))
        heights = {key: float(value) for key, value in (data.get("heights") or {}).items()}
        return cls(kind, fields, data.get("others", "keep"), dict(data.get("rename") or {}),
                   list(data.get("drop") or []), heights)

    def save(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        try:
            path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise LayerError(path, translate(
                "FieldMapping", "the field mapping could not be written ({reason})").format(
                reason=exc.strerror or exc)) from exc
        return path


def load_mapping(path: str | os.PathLike) -> FieldMapping:
    """The mapping saved in ``path``; a LayerError names the file and what is wrong in it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LayerError(path, translate("FieldMapping", "the field mapping file does not exist")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LayerError(path, translate("FieldMapping", "the field mapping file cannot be read ({reason})").format(
            reason=exc)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LayerError(path, translate("FieldMapping", "is not a JSON file (line {line}: {reason})").format(
            line=exc.lineno, reason=exc.msg)) from exc
    return FieldMapping.from_dict(data, path.name)


def _where(name: str | None) -> str:
    return translate(
        "FieldMapping", "mapping {name}").format(name=name) if name else translate("FieldMapping", "field mapping")


def _text_key(value: Any) -> str | None:
    """A value as a value map's key: whole floats as integers (杆数 3.0 -> "3"), text stripped."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def map_values(series: pd.Series, values: dict[str, Any]) -> pd.Series:
    """``series`` with each value found in ``values`` (by its text) replaced; others kept as they are."""
    if not values:
        return series
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = [_text_key(value) for value in uniques]
    if not any(key in values for key in keys):
        return series
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [value if key is None else values.get(key, value) for key, value in zip(keys, uniques, strict=True)]
    mapped[-1] = None
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _column(gdf: gpd.GeoDataFrame, target: str, source: FieldSource, fail: Any) -> pd.Series:
    attributes = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    if source.mode == FIELD:
        if source.value not in gdf.columns or source.value == gdf.geometry.name:
            raise fail(target, source, translate("FieldMapping", "the layer has no such field; its fields are {fields}")
                       .format(fields=", ".join(attributes) or translate("FieldMapping", "none")))
        column = gdf[source.value]
    elif source.mode == EXPRESSION:
        try:
            column = calculate(str(source.value), gdf)
        except ExpressionError as exc:
            raise fail(target, source, str(exc)) from exc
    else:
        column = pd.Series([source.value] * len(gdf), index=gdf.index, dtype=object)
    return map_values(column, source.values)


def apply_mapping(gdf: gpd.GeoDataFrame, mapping: FieldMapping, *, mapping_name: str | None = None,
                  source: str | None = None, layer: str | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The mapped frame (geometry, the targets, the kept fields) and notes; not yet validated.

    A field used as a source moves to its target (it is not also kept under its old name). Errors name the
    mapping, the target, the source and the layer.
    """
    def fail(target: str, field_source: FieldSource, problem: str) -> LayerError:
        return LayerError(source, translate("FieldMapping", "{where}: {target} <- {source}: {problem}").format(
            where=_where(mapping_name), target=target, source=field_source.describe(), problem=problem), layer=layer)

    geometry = gdf.geometry.name
    columns: dict[str, pd.Series] = {target: _column(gdf, target, field_source, fail)
                                     for target, field_source in mapping.fields.items()}
    used = {s.value for s in mapping.fields.values() if s.mode == FIELD}
    for old, new in mapping.rename.items():
        if old not in gdf.columns or old == geometry:
            raise LayerError(source, translate(
                "FieldMapping", "{where}: rename '{old}' to '{new}': the layer has no such "
                                "field").format(where=_where(mapping_name), old=old, new=new),
                             layer=layer)
    notes = []
    for column in gdf.columns:
        if column == geometry or column in mapping.drop or (column in used and column not in mapping.rename):
            continue
        if mapping.others == "drop" and column not in mapping.rename:
            continue
        name = mapping.rename.get(column, column)
        if name in columns:
            notes.append(translate("FieldMapping", "field '{name}' replaced by the mapped one").format(name=name))
            continue
        columns[name] = gdf[column]
    columns[geometry] = gdf.geometry
    mapped = gpd.GeoDataFrame(pd.DataFrame(columns, index=gdf.index), geometry=geometry, crs=gdf.crs)
    summary = ", ".join(f"{target} <- {s.describe()}" for target, s in mapping.fields.items())
    if summary:
        notes.insert(0, translate("FieldMapping", "fields mapped with {where}: {summary}").format(
            where=_where(mapping_name), summary=summary))
    return mapped, notes


def map_layer(layer: VectorLayer, mapping: FieldMapping, *, mapping_name: str | None = None) -> VectorLayer:
    """A new layer: ``layer`` mapped and validated against the mapping's kind (metadata says how; the data is
    stored in the project, since its file alone no longer reads this way)."""
    gdf, notes = apply_mapping(layer.gdf, mapping, mapping_name=mapping_name, source=layer.source, layer=layer.name)
    if mapping.kind is not None:
        gdf, kind_notes = validate(gdf, mapping.kind, source=layer.source, layer=layer.name, heights=mapping.heights)
        notes += kind_notes
    metadata = {key: value for key, value in layer.metadata.items() if key != "notes"}
    metadata.update(field_mapping=mapping.to_dict(), embed=True)
    style = layer.style if layer.kind == mapping.kind else None   # a new kind gets its own default style
    mapped = VectorLayer(gdf, layer.name, source=layer.source, kind=mapping.kind, style=style, metadata=metadata)
    mapped.notes[:] = [n for n in layer.notes if "was loaded without that kind" not in n] + notes
    return mapped


__all__ = ["CONSTANT", "EXPRESSION", "FIELD", "FORMAT_NAME", "FORMAT_VERSION", "SCHEMA", "FieldMapping",
           "FieldSource", "apply_mapping", "load_mapping", "map_layer", "map_values"]
