"""Guess the text encoding of a shapefile's .dbf, because Chinese city data often comes as GBK without a .cpg.

GDAL reads a .dbf without .cpg as ISO-8859-1, which turns both UTF-8 and GBK text into mojibake silently.
We decode a sample of the records with the declared encoding and fall back to UTF-8, then GBK.
"""

from __future__ import annotations

import codecs
import struct

from layers.i18n import translate

#: How many bytes of records are sampled; enough for thousands of rows, cheap for huge files.
SAMPLE_BYTES = 4 * 1024 * 1024
_FALLBACKS = ("utf-8", "gbk")
_CODE_PAGES = {"936": "gbk", "65001": "utf-8", "1252": "cp1252", "437": "cp437", "950": "big5"}


def python_codec(name: str) -> str | None:
    """Python codec name for a .cpg value such as 'UTF-8', 'GBK' or '936'; None when unknown."""
    name = name.strip().lower()
    name = _CODE_PAGES.get(name, name)
    if name.startswith("cp") and name[2:] in _CODE_PAGES:
        name = _CODE_PAGES[name[2:]]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def dbf_records(head: bytes) -> bytes:
    """Record bytes of a .dbf (header skipped, cut at a record boundary)."""
    if len(head) < 32:
        return b""
    header_length, record_length = struct.unpack("<HH", head[8:12])
    body = head[header_length:]
    if record_length:
        body = body[: len(body) // record_length * record_length]
    return body


def choose_encoding(records: bytes, declared: str | None) -> tuple[str | None, str | None]:
    """(GDAL encoding to force or None, note or None) for a sample of .dbf records.

    ``declared`` is the Python codec from the .cpg/.dbf header, or None when the file says nothing.
    """
    if records.isascii():
        return None, None
    if declared and _decodes(records, declared):
        return None, None
    for candidate in _FALLBACKS:
        if _decodes(records, candidate):
            if declared:
                note = translate("LayerEncoding", "attribute text is not valid {declared} as the file declares; read "
                                                  "as {encoding}").format(declared=declared, encoding=candidate.upper())
            else:
                note = translate("LayerEncoding", "no .cpg file says how attribute text is encoded; it was read as "
                                                  "{encoding}").format(encoding=candidate.upper())
            return candidate.upper(), note
    return "ISO-8859-1", translate("LayerEncoding", "attribute text is in an unknown encoding; read as ISO-8859-1 "
                                                    "(check names for garbling)")


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
