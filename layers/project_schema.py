"""What a ``project.json`` may hold, checked with jsonschema before any value is used.

A project file may come from a colleague, an older or newer Lamplight, or a hand edit. Every value the loader
uses has a type and bounds here, so a bad one is refused with the place it is at (``layers[2].opacity``) and what
was expected, in words a planner can act on, instead of failing later inside the map or a dock. Numbers must be
finite wherever the schema asks for a number (JSON from Python may hold NaN and Infinity).

Example::

    problem = manifest_problem(json.loads(text))
    if problem:
        raise LayerError(path, problem)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

import jsonschema
import jsonschema.exceptions
import jsonschema.validators
from jsonschema.exceptions import ValidationError

from layers.basemap_schema import schema as basemaps_schema
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.kinds import KINDS, RASTER_KINDS
from layers.rf_profile import schema as rf_profile_schema
from layers.scenarios import schema as scenarios_schema

#: Bounds that no real project comes near; they keep a damaged or hostile file from costing memory or time.
MAX_LAYERS = 10_000
MAX_RUNS = 20_000
MAX_NOTES = 10_000
MAX_TEXT = 100_000      # a CRS in WKT is a few thousand characters
MAX_NAME = 1_000
MAX_COORDINATE = 1e12   # metres or degrees: far beyond any map


def _text(limit: int, description: str, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "maxLength": limit, "description": description}


_A_TEXT = QT_TRANSLATE_NOOP("ProjectSchema", "a text of at most {limit} characters")
_READ_OPTIONS = {
    "type": ["object", "null"],
    "description": QT_TRANSLATE_NOOP("ProjectSchema", "reading settings: x_field, y_field, sheet or crs"),
    "additionalProperties": False,
    "properties": {
        "x_field": _text(MAX_NAME, _A_TEXT, nullable=True),
        "y_field": _text(MAX_NAME, _A_TEXT, nullable=True),
        "sheet": {"type": ["string", "integer", "null"], "maxLength": MAX_NAME,
                  "description": QT_TRANSLATE_NOOP("ProjectSchema", "a sheet name or number")},
        "crs": {"type": ["string", "integer", "null"], "maxLength": MAX_TEXT,
                "description": QT_TRANSLATE_NOOP("ProjectSchema", "a coordinate system such as EPSG:32649")},
    },
}
_LINKED = {
    "required": ["path"],
    "properties": {
        "path": {"type": "string", "minLength": 1, "maxLength": 4096,
                 "description": QT_TRANSLATE_NOOP("ProjectSchema", "the path of the linked data file")},
        "layer": _text(MAX_NAME, _A_TEXT, nullable=True),
        "part": _text(MAX_NAME, _A_TEXT, nullable=True),
        "options": _READ_OPTIONS,
    },
}
_EMBEDDED = {
    "required": ["member"],
    "properties": {
        "member": {"type": "string", "pattern": r"^data/[A-Za-z0-9_.-]{1,100}\.(gpkg|tif)$",
                   "description": QT_TRANSLATE_NOOP("ProjectSchema",
                                                    "a data file of the project, such as data/roads.gpkg")},
    },
}
LAYER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a layer entry (a group of settings)"),
    "required": ["id", "name", "data"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 200,
               "description": QT_TRANSLATE_NOOP("ProjectSchema", "a layer id (a short text)")},
        "name": _text(MAX_NAME, _A_TEXT),
        "kind": {"enum": [None, *KINDS, *RASTER_KINDS],
                 "description": QT_TRANSLATE_NOOP("ProjectSchema", "empty or one of the layer kinds: {kinds}")},
        "visible": {"type": "boolean", "description": QT_TRANSLATE_NOOP("ProjectSchema", "true or false")},
        "opacity": {"type": "number", "minimum": 0, "maximum": 1,
                    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a number from 0 to 1")},
        "style": {"type": ["object", "null"],
                  "description": QT_TRANSLATE_NOOP("ProjectSchema", "a style (a group of settings) or empty")},
        "metadata": {
            "type": ["object", "null"],
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "layer details (a group of settings) or empty"),
            "properties": {
                "notes": {"type": "array", "maxItems": MAX_NOTES, "texts": MAX_TEXT,
                          "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} texts")},
                "source_layer": _text(MAX_NAME, _A_TEXT, nullable=True),
                "source_part": _text(MAX_NAME, _A_TEXT, nullable=True),
                "source_options": _READ_OPTIONS,
                "provenance": {"type": ["object", "null"],
                               "description": QT_TRANSLATE_NOOP("ProjectSchema", "a run record or empty")},
            },
        },
        "data": {
            "type": "object",
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "where the layer's data is (a group of settings)"),
            "required": ["type"],
            "properties": {"type": {"enum": ["file", "embedded"],
                                    "description": QT_TRANSLATE_NOOP("ProjectSchema", "'file' or 'embedded'")}},
            "allOf": [
                {"if": {"properties": {"type": {"const": "file"}}}, "then": _LINKED},
                {"if": {"properties": {"type": {"const": "embedded"}}}, "then": _EMBEDDED},
            ],
        },
    },
}
_RUN = {
    "type": "object",
    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a run record (a group of settings)"),
    "required": ["algorithm"],
    "properties": {
        "algorithm": _text(MAX_NAME, _A_TEXT),
        "algorithm_name": _text(MAX_NAME, _A_TEXT),
        "parameters": {"type": "object", "description": QT_TRANSLATE_NOOP("ProjectSchema", "a group of settings")},
        "started": _text(MAX_NAME, _A_TEXT),
        "log": {"type": "array", "texts": MAX_TEXT,
                "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of texts")},
        "outputs": {
            "type": "object",
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "a group of settings"),
            "additionalProperties": {
                "type": "object",
                "description": QT_TRANSLATE_NOOP("ProjectSchema", "a group of settings"),
                "properties": {
                    "layer": _text(MAX_NAME, _A_TEXT),
                    "features": {"type": "integer", "minimum": 0,
                                 "description": QT_TRANSLATE_NOOP("ProjectSchema", "a whole number, 0 or more")},
                    "rows": {"type": "integer", "minimum": 0,
                             "description": QT_TRANSLATE_NOOP("ProjectSchema", "a whole number, 0 or more")},
                    "table": {"type": "object", "required": ["columns", "data"],
                              "properties": {"columns": {"type": "array"}, "data": {"type": "array"}},
                              "description": QT_TRANSLATE_NOOP("ProjectSchema", "a table with columns and data")},
                },
            },
        },
    },
}
#: The document; layer entries are checked one by one (``layer_problem``) so one damaged layer costs only itself.
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a group of project settings"),
    "required": ["format", "version"],
    "properties": {
        "format": {"const": "lamplight-project",
                   "description": QT_TRANSLATE_NOOP("ProjectSchema", "'lamplight-project'")},
        "version": {"type": "integer", "minimum": 1,
                    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a format version number such as 1")},
        "title": _text(MAX_NAME, _A_TEXT, nullable=True),
        "crs": _text(MAX_TEXT, _A_TEXT, nullable=True),
        "crs_name": _text(MAX_TEXT, _A_TEXT, nullable=True),
        "view_extent": {
            "type": ["array", "null"], "minItems": 4, "maxItems": 4,
            "items": {"type": "number", "minimum": -MAX_COORDINATE, "maximum": MAX_COORDINATE,
                      "description": QT_TRANSLATE_NOOP("ProjectSchema", "a coordinate (a finite number)")},
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "4 numbers: west, south, east, north"),
        },
        "layers": {"type": "array", "maxItems": MAX_LAYERS,
                   "items": {"type": "object", "description": LAYER_SCHEMA["description"]},
                   "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} layer entries")},
        "history": {"type": "array", "maxItems": MAX_RUNS, "items": _RUN,
                    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} run records")},
        "rf_profile": rf_profile_schema(),
        "basemaps": basemaps_schema(),
        "scenarios": scenarios_schema(),
    },
}


def _finite_number(checker: Any, value: Any) -> bool:
    """JSON from Python may hold NaN and Infinity; no number the loader uses may be one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _texts(validator: Any, limit: int, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """Keyword ``texts``: every item is a text of at most ``limit`` characters. One call for a whole list of
    notes or log lines, where ``items`` would descend into each (a hundred times slower on long histories)."""
    if not isinstance(instance, list):
        return      # "type" says so
    for index, item in enumerate(instance):
        if not isinstance(item, str) or len(item) > limit:
            yield ValidationError(translate("ProjectSchema", "item {index} is not a text of at most {limit} "
                                                             "characters").format(index=index, limit=limit),
                                  instance=item,
                                  path=[index], schema=_text(limit, _A_TEXT))
            return


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, validators={"texts": _texts},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number))
#: The document without its run records: their count is checked before any of them is looked at.
_OUTLINE = _Validator({**MANIFEST_SCHEMA, "properties": {
    **MANIFEST_SCHEMA["properties"],
    "history": {key: value for key, value in MANIFEST_SCHEMA["properties"]["history"].items() if key != "items"}}})
_MANIFEST = _Validator(MANIFEST_SCHEMA)
_LAYER = _Validator(LAYER_SCHEMA)


def manifest_problem(manifest: Any, *, runs: bool = True) -> str | None:
    """Why ``manifest`` (parsed project.json) cannot be used, in planner words, or None when it can.

    ``runs=False`` leaves each run record unchecked (about 0.3 ms each): for a file just written from records the
    runner made, which the schema describes.
    """
    outline = _first_problem(_OUTLINE.iter_errors(manifest), ())
    return outline if outline is not None or not runs else _first_problem(_MANIFEST.iter_errors(manifest), ())


def layer_problem(entry: Any, index: int) -> str | None:
    """Why layer entry ``index`` of project.json cannot be used, or None when it can."""
    return _first_problem(_LAYER.iter_errors(entry), ("layers", index))


def json_path(parts: Iterable[str | int]) -> str:
    """``layers[2].data.path`` for the parts ("layers", 2, "data", "path"); the whole file is ``project.json``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "project.json"


def _first_problem(errors: Iterable[jsonschema.exceptions.ValidationError], prefix: tuple) -> str | None:
    error = jsonschema.exceptions.best_match(errors)
    if error is None:
        return None
    where = json_path((*prefix, *error.absolute_path))
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        return translate("ProjectSchema", "{where} lacks '{field}'").format(where=where, field=missing)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return translate("ProjectSchema", "{where} has a setting Lamplight does not know: '{field}'").format(
            where=where, field=extra[0] if extra else "?")
    return translate("ProjectSchema", "{where} should be {expected}, not {found}").format(
        where=where, expected=_expected(error), found=_shown(error.instance))


def _expected(error: jsonschema.exceptions.ValidationError) -> str:
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if not description:
        return translate("ProjectSchema", "a value of another type")
    schema = error.schema
    limit = schema.get("maxLength", schema.get("maxItems", ""))
    bounds = {key: f"{schema[key]:g}" if key in schema else "" for key in ("minimum", "maximum")}
    return translate("ProjectSchema", description).format(
        limit=f"{limit:,}" if limit != "" else "", kinds=", ".join([*KINDS, *RASTER_KINDS]),
        choices=", ".join(map(str, schema.get("enum", ()))), unit=schema.get("unit", ""), **bounds).strip()


def _shown(value: Any) -> str:
    """A short rendering of the bad value: type and size for big ones, never a megabyte of text."""
    if isinstance(value, str) and len(value) > 60:
        return translate("ProjectSchema", "a text of {count:,} characters").format(count=len(value))
    if isinstance(value, list) and len(value) > 8:
        return translate("ProjectSchema", "a list of {count:,} values").format(count=len(value))
    if isinstance(value, dict):
        return translate("ProjectSchema", "a group of settings") if value else "{}"
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 80 else shown[:77] + "..."


__all__ = ["LAYER_SCHEMA", "MANIFEST_SCHEMA", "json_path", "layer_problem", "manifest_problem"]
