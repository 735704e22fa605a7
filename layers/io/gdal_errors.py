"""Translate pyogrio/rasterio/sqlite failures into LayerError messages a planner can act on."""

from __future__ import annotations

import re

from layers.errors import LayerError
from layers.i18n import translate

_NOT_RECOGNISED = re.compile(r"not recognized as (being in )?a supported (file|dataset) format", re.I)


def describe(exc: BaseException, what: str) -> str:
    """A short problem text for ``exc`` raised while reading a ``what`` (e.g. 'GeoJSON') file."""
    message = str(exc).strip().split("; It might help")[0]
    if _NOT_RECOGNISED.search(message):
        return translate("LayerError", "is not a readable {format} file (it may be damaged, incomplete or in "
                                        "another format)").format(format=what)
    if "No such file" in message or "does not exist" in message:
        return translate("LayerError", "the file does not exist")
    return translate("LayerError", "could not be read as {format}: {problem}").format(format=what, problem=message)


def wrap(exc: BaseException, source: str, what: str, layer: str | None = None) -> LayerError:
    """A LayerError for ``exc`` that names the file (and layer) and keeps the cause chained."""
    error = LayerError(source, describe(exc, what), layer=layer)
    error.__cause__ = exc
    return error
