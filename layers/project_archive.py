"""Opening a ``.lamp`` zip from anyone without letting it fill the disk, escape its folder or hang the reader.

Everything is decided from the zip's central directory before a byte is extracted: member names (no ``..``, no
absolute paths, no links, no duplicates, no encryption), member count, each member's size, the total size and
the compression ratio (a few megabytes must not unpack to gigabytes), and the size of ``project.json``. Its
nesting depth is measured on the raw text before ``json.loads``, which recurses once per level. Copies out of
the archive stop at the size the directory declared, so a directory that lies gains nothing.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from layers.errors import LayerError
from layers.i18n import translate

MANIFEST = "project.json"
#: Limits far above real projects (the Tianhe sample is 6 MB with 40 layers); each refusal says which was hit.
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 2 * 2**30
MAX_TOTAL_BYTES = 4 * 2**30
MAX_MANIFEST_BYTES = 32 * 2**20
#: Deflate reaches ~1,000:1 on zeros; real GeoPackages and GeoTIFFs stay far below this.
MAX_RATIO = 200
#: Members smaller than this may have any ratio (tiny files compress oddly, and cost nothing).
RATIO_FLOOR_BYTES = 2**20
#: Deeper than any project.json Lamplight writes (about 10 levels), far below Python's recursion limit.
MAX_JSON_DEPTH = 64
_CHUNK = 2**20
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)
_DEPTH_STEP = np.zeros(256, dtype=np.int32)
_DEPTH_STEP[[ord("["), ord("{")]] = 1
_DEPTH_STEP[[ord("]"), ord("}")]] = -1


def open_archive(path: Path) -> zipfile.ZipFile:
    """The project zip at ``path`` after its directory passed every check; a LayerError naming the file if not."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise LayerError(path, translate("ProjectArchive", "project file does not exist")) from exc
    except OSError as exc:
        raise LayerError(path, translate("ProjectArchive", "cannot be read ({problem})").format(problem=exc)) from exc
    if not stat.S_ISREG(mode):
        raise LayerError(path, translate("ProjectArchive", "is not a regular file (a folder, device or pipe); choose a "
                                                           "project file"))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LayerError(path, translate("ProjectArchive", "is not a Lamplight project file ({problem})").format(
            problem=exc)) from exc
    try:
        check_directory(archive, path)
    except LayerError:
        archive.close()
        raise
    return archive


def check_directory(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse unsafe names and sizes that would fill the disk or memory, from the directory alone."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise LayerError(path, translate(
            "ProjectArchive", "holds {count:,} files; a project holds at most {limit:,}").format(
            count=len(members), limit=MAX_MEMBERS))
    seen: set[str] = set()
    total = 0
    for info in members:
        _check_name(info, path, seen)
        if info.flag_bits & 0x1:
            raise LayerError(path, translate(
                "ProjectArchive", "'{member}' is encrypted; Lamplight projects never are").format(
                member=info.filename))
        if info.file_size > MAX_MEMBER_BYTES:
            raise LayerError(path, translate(
                "ProjectArchive", "'{member}' would unpack to {size}, more than the {limit} "
                                  "a project file may hold").format(
                member=info.filename, size=_size(info.file_size), limit=_size(MAX_MEMBER_BYTES)))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO and info.filename != MANIFEST:
            raise LayerError(path, translate(
                "ProjectArchive", "'{member}' would unpack from {packed} to {size} ({ratio:,.0f} "
                                  "times); real project data never compresses more than "
                                  "{limit} times, so the file was not opened").format(
                member=info.filename, packed=_size(info.compress_size), size=_size(info.file_size), ratio=ratio,
                limit=MAX_RATIO))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise LayerError(path, translate(
            "ProjectArchive", "would unpack to {size} in all, more than the {limit} a project "
                              "file may hold").format(size=_size(total),
                                                                           limit=_size(MAX_TOTAL_BYTES)))


def _check_name(info: zipfile.ZipInfo, path: Path, seen: set[str]) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    unsafe = (name.startswith(("/", "\\")) or "\x00" in name or ".." in parts
              or (len(parts[0]) >= 2 and parts[0][1] == ":"))      # a drive letter: C:/...
    if unsafe:
        raise LayerError(path, translate("ProjectArchive", "holds a file named '{member}', which points outside the "
                                                           "project; the file was not opened").format(member=name))
    if stat.S_ISLNK(info.external_attr >> 16):
        raise LayerError(path, translate(
            "ProjectArchive", "holds a link '{member}'; a project holds only files").format(
            member=name))
    if name in seen:
        raise LayerError(path, translate("ProjectArchive", "holds two files named '{member}'").format(member=name))
    seen.add(name)


def read_manifest(archive: zipfile.ZipFile, path: Path) -> Any:
    """``project.json`` parsed, after its size and nesting depth were checked."""
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError as exc:
        raise LayerError(path, translate("ProjectArchive", "project.json is missing: this is not a Lamplight project "
                                                           "file, or it is damaged")) from exc
    if info.file_size > MAX_MANIFEST_BYTES:
        raise LayerError(path, translate("ProjectArchive", "project.json is {size}; a project's settings take at most "
                                                           "{limit}").format(size=_size(info.file_size),
                                                                     limit=_size(MAX_MANIFEST_BYTES)))
    try:
        with archive.open(info) as member:
            text = member.read(MAX_MANIFEST_BYTES + 1)
    except _READ_ERRORS as exc:
        raise LayerError(path, translate("ProjectArchive", "project.json is damaged ({problem})").format(
            problem=exc)) from exc
    if too_deep(text, MAX_JSON_DEPTH):
        raise LayerError(path, translate(
            "ProjectArchive", "project.json nests values more than {limit} levels deep; "
                              "Lamplight never writes that, so the file is damaged").format(limit=MAX_JSON_DEPTH))
    try:
        return json.loads(text)
    except ValueError as exc:    # JSONDecodeError, bad UTF-8, an integer of thousands of digits
        raise LayerError(path, translate("ProjectArchive", "project.json is damaged ({problem})").format(
            problem=exc)) from exc


def too_deep(text: bytes, limit: int) -> bool:
    """Whether JSON ``text`` nests brackets more than ``limit`` deep (brackets inside strings not counted).

    Linear and in C/NumPy, 1 MiB at a time: escapes are removed first (a run of backslashes pairs from its start,
    as JSON reads it), then every remaining quote toggles between inside and outside a string.
    """
    if text.count(b"[") + text.count(b"{") <= limit:
        return False
    plain = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    codes = np.frombuffer(plain, dtype=np.uint8)
    depth = 0
    in_string = 0
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        steps = _DEPTH_STEP[chunk]
        quotes = (chunk == ord('"')).view(np.uint8)
        if in_string or quotes.any():
            inside = np.bitwise_xor.accumulate(quotes) ^ in_string
            steps[inside.view(bool)] = 0
            in_string = int(inside[-1])
        running = np.cumsum(steps) + depth
        if running.max() > limit:
            return True
        depth = int(running[-1])
    return False


def extract_member(archive: zipfile.ZipFile, member: str, target: Path, path: Path, *,
                   layer: str | None = None) -> Path:
    """Copy ``member`` (the data of ``layer``) to ``target``, never more than the size the checked directory
    declared."""
    try:
        info = archive.getinfo(member)
    except KeyError as exc:
        raise LayerError(path, translate(
            "ProjectArchive", "the data file '{member}' is missing from the project").format(
            member=member), layer=layer) from exc
    free = shutil.disk_usage(target.parent).free
    if info.file_size > free:
        raise LayerError(path, translate("ProjectArchive", "'{member}' needs {size} of temporary space; only {free} is "
                                                           "free").format(member=member, size=_size(info.file_size),
                                                                  free=_size(free)), layer=layer)
    copied = 0
    try:
        with archive.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                copied += len(chunk)
                if copied > info.file_size:
                    raise LayerError(path, translate(
                        "ProjectArchive", "'{member}' holds more than its declared size; the "
                                          "project file is damaged").format(member=member),
                                     layer=layer)
                sink.write(chunk)
    except _READ_ERRORS as exc:
        raise LayerError(path, translate("ProjectArchive", "the data file '{member}' is damaged ({problem})").format(
            member=member, problem=exc), layer=layer) from exc
    return target


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count:,} bytes"


__all__ = ["MANIFEST", "check_directory", "extract_member", "open_archive", "read_manifest", "too_deep"]
