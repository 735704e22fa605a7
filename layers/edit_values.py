"""What a typed-in value means for a field: parsed by the column's dtype and checked against the layer's kind.

An edit must never put text into a numeric column (every plugin would then fail far from the cause) nor break a
kind's rule (a negative pole height, a status outside the allowed list). ``coerce_values`` turns what a planner
typed into values the column can hold, or raises one ``LayerError`` naming the field and the bad value.

Example::

    coerce_values(poles, "height_m", ["12.5"])  # -> [12.5]
    coerce_values(poles, "height_m", ["-3"])    # LayerError: ... field 'height_m': -3 is below 0 m
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from layers.errors import LayerError
from layers.i18n import translate
from layers.kinds import BOOL, CSV_DEGREES, CSV_SET, FLOAT, INT, KINDS, FieldSpec
from layers.layer import VectorLayer

_TRUE = {"yes", "y", "true", "t", "1", "是"}
_FALSE = {"no", "n", "false", "f", "0", "否"}
#: Units of quantities that cannot be negative (heights, power, areas, frequencies, durations, prices).
_NON_NEGATIVE_UNITS = frozenset({"m", "W", "m²", "MHz", "months", "CNY/m²/month"})
#: Counts that cannot be negative although they carry no unit.
_NON_NEGATIVE_FIELDS = frozenset({"capacity", "students", "levels"})

#: Field types a planner can add, and the pandas dtype each becomes (nullable, so a new field starts empty).
FIELD_TYPES = {"text": "object", "integer": "Int64", "decimal": "float64", "yes/no": "boolean"}


def field_spec(layer: VectorLayer, field: str) -> FieldSpec | None:
    """The kind's rule for ``field`` (None when the layer has no kind or the kind does not know the field)."""
    spec = KINDS.get(layer.kind or "")
    if spec is None:
        return None
    try:
        return spec.field(field)
    except KeyError:
        return None


def minimum(layer: VectorLayer, field: str) -> float | None:
    """The smallest value the kind allows in ``field`` (0 for heights, power, counts), or None."""
    spec = field_spec(layer, field)
    if spec is None or spec.type not in (FLOAT, INT):
        return None
    return 0.0 if spec.unit in _NON_NEGATIVE_UNITS or spec.name in _NON_NEGATIVE_FIELDS else None


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _refuse(layer: VectorLayer, problem: str) -> LayerError:
    return LayerError(layer.source, problem, layer=layer.name)


def _number(layer: VectorLayer, field: str, value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not a number").format(
            field=field, value=value))
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not a number").format(
            field=field, value=value)) from None


def _boolean(layer: VectorLayer, field: str, value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower().removesuffix(".0")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not yes or no").format(
        field=field, value=value))


def _text(layer: VectorLayer, field: str, value: Any, spec: FieldSpec | None) -> str:
    text = str(value).strip()
    if spec is None:
        return text
    if spec.type == CSV_SET and spec.allowed is not None:
        items = [item.strip().lower() for item in re.split(r"[,;，]", text) if item.strip()]
        unknown = [item for item in items if item not in spec.allowed]
        if unknown:
            raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} lists unknown items ({unknown}); "
                                                         "allowed: {allowed}").format(
                field=field, value=value, unknown=", ".join(unknown), allowed=", ".join(sorted(spec.allowed))))
        return ",".join(items)
    if spec.type == CSV_DEGREES:
        items = [item.strip() for item in re.split(r"[,;，]", text) if item.strip()]
        try:
            valid = all(0 <= float(item) <= 360 for item in items)
        except ValueError:
            valid = False
        if not valid:
            raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not comma-separated degrees "
                                                         "0-360").format(field=field, value=value))
        return ",".join(items)
    if spec.allowed is not None:
        if text.lower() not in spec.allowed:
            raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not one of {allowed}").format(
                field=field, value=value, allowed=", ".join(sorted(spec.allowed))))
        return text.lower()
    return text


def coerce_value(layer: VectorLayer, field: str, value: Any) -> Any:
    """``value`` as ``field`` of ``layer`` holds it (None for an empty cell); LayerError when it does not fit."""
    if field not in layer.gdf.columns or field == layer.gdf.geometry.name:
        raise _refuse(layer, translate("EditValues", "has no field '{field}'; the fields are: {fields}").format(
            field=field, fields=", ".join(map(str, layer.fields)) or translate("EditValues", "none")))
    spec = field_spec(layer, field)
    dtype = layer.gdf[field].dtype
    if is_missing(value):
        if spec is not None and spec.required:
            raise _refuse(layer, translate("EditValues", "field '{field}' needs a value").format(field=field))
        if pd.api.types.is_string_dtype(dtype) and isinstance(value, str):
            return ""
        return None
    if pd.api.types.is_bool_dtype(dtype) or (spec is not None and spec.type == BOOL):
        return _boolean(layer, field, value)
    if pd.api.types.is_numeric_dtype(dtype) or (spec is not None and spec.type in (FLOAT, INT)):
        number = _number(layer, field, value)
        if not math.isfinite(number):
            raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not a finite number").format(
                field=field, value=value))
        lowest = minimum(layer, field)
        if lowest is not None and number < lowest:
            unit = f" {spec.unit}" if spec is not None and spec.unit else ""
            problem = translate("EditValues", "field '{field}': {value:g} is below {minimum:g}{unit}")
            raise _refuse(layer, problem.format(field=field, value=number, minimum=lowest, unit=unit))
        if pd.api.types.is_integer_dtype(dtype) or (spec is not None and spec.type == INT):
            if not number.is_integer():
                raise _refuse(layer, translate("EditValues", "field '{field}': {value:g} is not a whole number").format(
                    field=field, value=number))
            return int(number)
        return number
    if pd.api.types.is_datetime64_any_dtype(dtype):
        try:
            return pd.Timestamp(value)
        except ValueError:
            raise _refuse(layer, translate("EditValues", "field '{field}': {value!r} is not a date").format(
                field=field, value=value)) from None
    return _text(layer, field, value, spec)


def coerce_values(layer: VectorLayer, field: str, values: list[Any]) -> list[Any]:
    """Every value of ``values`` coerced for ``field`` (distinct values checked once)."""
    checked: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            key = (type(value), value)
            hash(key)
        except TypeError:
            out.append(coerce_value(layer, field, value))
            continue
        if key not in checked:
            checked[key] = coerce_value(layer, field, value)
        out.append(checked[key])
    return out


def new_feature_values(layer: VectorLayer) -> dict[str, Any]:
    """Attributes of a feature added by a click: the kind's defaults and, for its id field, the next free id
    in the layer's own style ("TH-003102" after "TH-003101"), so a new pole is valid and recognisable at once."""
    spec = KINDS.get(layer.kind or "")
    values: dict[str, Any] = {}
    if spec is None:
        return values
    for field in spec.fields:
        if field.name in layer.fields and field.default is not None:
            values[field.name] = field.default
    if spec.id_field and spec.id_field in layer.fields:
        values[spec.id_field] = next_id(layer.gdf[spec.id_field], layer.name)
    return values


def next_id(ids: pd.Series, prefix: str) -> str:
    """One more than the highest number among ``ids`` written in the same pattern (prefix and zero padding)."""
    taken = set(ids.dropna().astype(str))
    best: tuple[int, str, int] | None = None
    for text in taken:
        match = re.fullmatch(r"(.*?)(\d+)", text)
        if match and (best is None or int(match.group(2)) > best[0]):
            best = (int(match.group(2)), match.group(1), len(match.group(2)))
    number, head, width = best if best is not None else (0, f"{prefix}-", 1)
    candidate = f"{head}{number + 1:0{width}d}"
    while candidate in taken:
        number += 1
        candidate = f"{head}{number + 1:0{width}d}"
    return candidate


__all__ = ["FIELD_TYPES", "coerce_value", "coerce_values", "field_spec", "is_missing", "minimum",
           "new_feature_values", "next_id"]
