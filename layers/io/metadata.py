"""Layer metadata <-> the string key/value pairs GeoPackage layer metadata and GeoTIFF tags can hold.

Each entry of ``layer.metadata`` (except the load ``notes``, which describe one particular load) is stored
as JSON under ``lamplight.<key>``; the layer kind goes under ``lamplight.kind``. Other tags in the file are
kept under ``metadata["file_tags"]`` so nothing the file says is lost.
"""

from __future__ import annotations

import json
from typing import Any

PREFIX = "lamplight."
KIND_KEY = PREFIX + "kind"
_NOT_STORED = {"notes", "file_tags"}


def encode(metadata: dict, kind: str | None) -> dict[str, str]:
    """String tags for ``metadata`` (JSON values) plus the kind."""
    tags = {PREFIX + key: json.dumps(value, default=str, ensure_ascii=False)
            for key, value in metadata.items() if key not in _NOT_STORED}
    if kind:
        tags[KIND_KEY] = kind
    return tags


def decode(tags: dict[str, str] | None) -> tuple[dict[str, Any], str | None]:
    """The metadata dict and kind stored by ``encode``; foreign tags go to ``file_tags``."""
    metadata: dict[str, Any] = {}
    kind = None
    foreign = {}
    for key, value in (tags or {}).items():
        if key == KIND_KEY:
            kind = value or None
        elif key.startswith(PREFIX):
            try:
                metadata[key[len(PREFIX):]] = json.loads(value)
            except json.JSONDecodeError:
                metadata[key[len(PREFIX):]] = value
        else:
            foreign[key] = value
    if foreign:
        metadata["file_tags"] = foreign
    return metadata, kind
