"""What the ``basemaps`` entry of a project.json may hold: the basemap shown and the user's custom sources.

A basemap is plain data (the workbench turns it into a tile source): XYZ URL templates, WMS and WMTS layers, and
stacks of them (imagery under annotation). Access keys are never in a project: a source that needs one names the
user setting holding it (``key_name``) and the query parameter it goes in (``key_param``); unknown settings are
refused, so a key cannot ride along under another name either. Every list and text is bounded.
"""

from __future__ import annotations

from typing import Any

from layers.i18n import QT_TRANSLATE_NOOP

MAX_CUSTOM = 200
MAX_LEVELS = 30
MAX_PARTS = 8
_SHORT = 200
_LONG = 4096


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit,
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "a text of at most {limit} characters")}


def _number() -> dict[str, Any]:
    return {"type": "number", "minimum": -1e12, "maximum": 1e12,
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "a coordinate (a finite number)")}


def _count(maximum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": maximum,
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "a whole number, 1 or more")}


_LEVEL = {
    "type": "array", "minItems": 8, "maxItems": 8,
    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a tile matrix: id, resolution, left, top, tile width and "
                                                      "height, matrix width and height"),
    "prefixItems": [_text(_SHORT),
                    {"type": "number", "exclusiveMinimum": 0, "maximum": 1e12,
                     "description": QT_TRANSLATE_NOOP("ProjectSchema", "a number above 0")},
                    _number(), _number(), _count(4096), _count(4096), _count(1 << 30), _count(1 << 30)],
}
_PART_TYPES = ["xyz", "wms", "wmts"]
_PROPERTIES: dict[str, Any] = {
    "type": {"enum": [*_PART_TYPES, "stack"],
             "description": QT_TRANSLATE_NOOP("ProjectSchema", "'xyz', 'wms', 'wmts' or 'stack'")},
    "name": _text(_SHORT * 5),
    "url": {"type": "string", "maxLength": _LONG, "pattern": "^https?://",
            "description": QT_TRANSLATE_NOOP("ProjectSchema", "a web address (http or https) of at most {limit} "
                                                              "characters")},
    "attribution": _text(_SHORT * 5),
    "max_zoom": {"type": "integer", "minimum": 0, "maximum": 30,
                 "description": QT_TRANSLATE_NOOP("ProjectSchema", "a whole number from 0 to 30")},
    "subdomains": {"type": "array", "maxItems": 32, "texts": _SHORT,
                   "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} texts")},
    "gcj02": {"type": "boolean", "description": QT_TRANSLATE_NOOP("ProjectSchema", "true or false")},
    "key_name": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_.-]*$",
                 "description": QT_TRANSLATE_NOOP("ProjectSchema", "the name of a key setting (letters, digits)")},
    "key_param": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_.-]*$",
                  "description": QT_TRANSLATE_NOOP("ProjectSchema", "a query parameter name (letters, digits)")},
    "layer": _text(_SHORT * 5),
    "matrix_set": _text(_SHORT * 5),
    "crs": _text(100_000),
    "crs_codes": {"type": "array", "maxItems": 2000, "texts": _SHORT,
                  "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} texts")},
    "format": _text(_SHORT),
    "version": _text(20),
    "style": _text(_SHORT * 5),
    "levels": {"type": "array", "minItems": 1, "maxItems": MAX_LEVELS, "items": _LEVEL,
               "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} tile matrices")},
}
_RULES = [
    {"if": {"properties": {"type": {"enum": _PART_TYPES}}}, "then": {"required": ["url"]}},
    {"if": {"properties": {"type": {"const": "wms"}}}, "then": {"required": ["layer"]}},
    {"if": {"properties": {"type": {"const": "wmts"}}}, "then": {"required": ["levels", "crs"]}},
    {"if": {"properties": {"type": {"const": "stack"}}}, "then": {"required": ["parts"]}},
]
_PART = {
    "type": "object", "additionalProperties": False, "required": ["type", "name"],
    "description": QT_TRANSLATE_NOOP("ProjectSchema", "a basemap (a group of settings)"),
    "properties": {**_PROPERTIES, "type": {**_PROPERTIES["type"], "enum": _PART_TYPES}},
    "allOf": _RULES,
}
_BASEMAP = {
    **_PART,
    "properties": {**_PROPERTIES, "parts": {
        "type": "array", "minItems": 1, "maxItems": MAX_PARTS, "items": _PART,
        "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} basemaps")}},
}


def schema() -> dict[str, Any]:
    """The schema of the ``basemaps`` entry: ``active`` (the basemap shown, or null) and ``custom`` sources."""
    return {
        "type": "object", "additionalProperties": False,
        "description": QT_TRANSLATE_NOOP("ProjectSchema", "basemap settings (a group of settings)"),
        "properties": {
            "active": {**_BASEMAP, "type": ["object", "null"]},
            "custom": {"type": "array", "maxItems": MAX_CUSTOM, "items": _BASEMAP,
                       "description": QT_TRANSLATE_NOOP("ProjectSchema", "a list of at most {limit} basemaps")},
        },
    }


__all__ = ["schema"]
