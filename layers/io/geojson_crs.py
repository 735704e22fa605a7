"""Find a GeoJSON ``crs`` given as a link, which GDAL's GeoJSON driver fetches when it opens the file.

The 2008 GeoJSON draft let a CRS be ``{"type": "link", "properties": {"href": "http://..."}}`` (or type
``url``); GDAL still honours it by downloading the address (or reading the file) it names, on the top-level
object and on any geometry. No GDAL option turns that off, so the readers look for such members first.
GDAL matches member names without regard to case and JSON allows ``\\u`` escapes in them: both are matched.
The file is scanned in chunks, so a big GeoJSON costs one pass of reading and no extra memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from layers.i18n import QT_TRANSLATE_NOOP, translate

#: ``"crs"`` as a member name, each letter in either case or as a \\u escape.
_CRS_KEY = re.compile(rb'"(?:c|\\u00[46]3)(?:r|\\u00[57]2)(?:s|\\u00[57]3)"', re.I)
_CHUNK = 1 << 20
#: The most text after a ``"crs"`` key that is read to judge its value: a real CRS member is far smaller, and
#: one longer than this cannot be checked, so it counts as a link.
_SPAN = 1 << 16
_JSON_SPACE = " \t\r\n"
_LINK_TYPES = ("URL", "LINK")      # GDAL compares the type's first letters only, ignoring case
UNCHECKABLE = QT_TRANSLATE_NOOP("gdal_open", "(a crs member too long or malformed to check)")


def _member(mapping: dict, name: str) -> object:
    return next((value for key, value in mapping.items() if key.lower() == name), None)


def _link(after_key: bytes) -> str | None:
    """The address a ``"crs"`` member links to, given the text after its key; None if it is no link."""
    text = after_key.decode("utf-8", "replace").lstrip(_JSON_SPACE)
    if not text.startswith(":"):
        return None                          # "crs" is a string value here, not a member name
    value = text[1:].lstrip(_JSON_SPACE)
    if not value.startswith("{"):
        return None                          # e.g. a property "crs": "EPSG:4326", which GDAL does not read
    try:
        crs, _ = json.JSONDecoder().raw_decode(value)
    except (json.JSONDecodeError, RecursionError):       # cut at _SPAN, malformed, or nested thousands deep
        return translate("gdal_open", UNCHECKABLE)
    kinds = [str(value).upper() for key, value in crs.items() if key.lower() == "type"]
    if not any(kind.startswith(_LINK_TYPES) for kind in kinds):
        return None
    properties = _member(crs, "properties")
    address = (_member(properties, "url") or _member(properties, "href")) if isinstance(properties, dict) else None
    return str(address) if address else translate("gdal_open", UNCHECKABLE)


def crs_link(read: Callable[[int], bytes]) -> str | None:
    """The first CRS link in the GeoJSON that ``read(size)`` yields chunk by chunk, or None when it has none."""
    buffer, done = b"", False
    while not done:
        chunk = read(_CHUNK)
        done = not chunk
        buffer += chunk
        keep = max(0, len(buffer) - 32)      # a key cut by the chunk's end is found again with the next chunk
        for match in _CRS_KEY.finditer(buffer):
            if not done and len(buffer) - match.end() < _SPAN:
                keep = min(keep, match.start())     # judged once the text after it has been read
                break
            link = _link(buffer[match.end(): match.end() + _SPAN])
            if link is not None:
                return link
        buffer = buffer[keep:]
    return None
