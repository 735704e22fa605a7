"""The one way Lamplight hands a file to GDAL: only the driver its name promises, only a local file, no network.

GDAL picks its driver by a file's content, not its name. A ``.geojson``, ``.gpkg`` or ``.tif`` that really
holds a GDAL virtual dataset (VRT, XML) or a GDAL streamed algorithm (``.gdalg.json``) reads whatever files it
names, and one naming ``/vsicurl/http://...`` calls the network when opened. Project files and data files come
from other people, so every GDAL read in ``layers/io`` goes through here:

* the file must be a regular local file (not a ``/vsi`` or URL path, not a folder or a FIFO);
* its first bytes must be the format its name says, checked here before GDAL sees the file;
* GDAL is told the driver: rasterio takes ``driver=``; pyogrio has no driver list, so the documented
  ``GPKG:`` / ``GeoJSON:`` connection prefixes force it (shapefiles have none: their magic number is checked);
* network access is off for both GDAL copies (pyogrio and rasterio each bundle their own): ``/vsicurl/`` and
  its cloud relatives see no file at all, whatever path reaches them;
* a GeoJSON whose CRS is a link is refused: GDAL's GeoJSON driver fetches it and no option stops that.

A user who wants a VRT must turn it into a GeoTIFF or GeoPackage first: ``.vrt`` is not a Lamplight format.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

import pyogrio

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.io.geojson_crs import crs_link

if TYPE_CHECKING:    # rasterio (a second GDAL, about 17 MB) is imported when a raster is opened, not before
    from rasterio.io import DatasetReader

GPKG_DRIVER = "GPKG"
SHAPEFILE_DRIVER = "ESRI Shapefile"
GEOJSON_DRIVER = "GeoJSON"
GTIFF_DRIVER = "GTiff"

#: GDAL configuration for every read and write. The curl file systems (/vsicurl/, /vsis3/, ...) only see
#: files whose name ends with one of CPL_VSIL_CURL_ALLOWED_EXTENSIONS: one no file has keeps them from ever
#: connecting. The other options pin safe defaults a later GDAL or a user's environment could change.
LOCKDOWN: dict[str, str] = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".lamplight-never-network",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
    "PROJ_NETWORK": "OFF",
}
#: Extra options for files Lamplight wrote itself (project members): GDAL looks for no side files beside them
#: (.aux.xml, .ovr, .msk, world files), which a crafted project could otherwise place next to a member.
NO_SIDE_FILES: dict[str, str] = {"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "GDAL_PAM_ENABLED": "NO"}

pyogrio.set_gdal_config_options(LOCKDOWN)

_HEAD_BYTES = 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_SQLITE = b"SQLite format 3\x00"
_TIFF = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")     # classic and BigTIFF, both byte orders
_SHAPEFILE = b"\x00\x00\x27\x0a"                              # file code 9994, big-endian
_ZIP = b"PK\x03\x04"
#: Side files GDAL opens beside a GeoTIFF (by any driver), and how a real one starts.
_SIDE_FILES = (("ovr", _TIFF), ("msk", _TIFF), ("aux", (b"EHFA_HEADER_TAG",)))
#: A path GDAL would treat as something other than a plain local file: a /vsi file system or a URL. (A
#: "DRIVER:..." connection string cannot reach GDAL: it gets absolute paths, with the driver forced.)
_NOT_LOCAL = re.compile(r"^(/vsi|\\\\vsi|[A-Za-z][A-Za-z0-9+.-]*://)", re.I)
_GDALG = re.compile(rb'"type"\s*:\s*"gdal_streamed_alg"')
#: Other JSON GIS formats GDAL would read under a .json name (GDAL tells them apart the same way); Lamplight
#: promises GeoJSON only.
_TOPOJSON = re.compile(rb'"type"\s*:\s*"Topology"')
_ESRIJSON = re.compile(rb'"geometryType"\s*:\s*"esriGeometry')

#: Per format: how the refusal starts (as the readers always said it), the format's name, and what is wrong
#: with content that is no known format at all (most often a damaged file).
_REFUSAL = {
    GPKG_DRIVER: (QT_TRANSLATE_NOOP("gdal_open", "is not a GeoPackage"), "GeoPackage",
                 QT_TRANSLATE_NOOP("gdal_open", "it is not an SQLite database; the file may be damaged")),
    SHAPEFILE_DRIVER: (QT_TRANSLATE_NOOP("gdal_open", "is not a readable shapefile"), "shapefile",
                QT_TRANSLATE_NOOP("gdal_open", "it does not start like a shapefile; the file may be damaged")),
    GEOJSON_DRIVER: (QT_TRANSLATE_NOOP("gdal_open", "is not a readable GeoJSON file"), "GeoJSON",
              QT_TRANSLATE_NOOP("gdal_open", "it does not start like JSON; the file may be damaged")),
    GTIFF_DRIVER: (QT_TRANSLATE_NOOP("gdal_open", "is not a readable raster file"), "GeoTIFF",
              QT_TRANSLATE_NOOP("gdal_open", "it does not start like a TIFF image; the file may be damaged")),
}


def _content(head: bytes) -> str | None:
    """What ``head`` (a file's first bytes) really is, in words a planner can pass on; None: no known format."""
    text = head.removeprefix(_UTF8_BOM).lstrip()
    lowered = text[:_HEAD_BYTES].lower()
    if b"<vrtdataset" in lowered or b"<ogrvrtdatasource" in lowered:
        return translate("gdal_open", "it holds a GDAL virtual dataset (VRT), which makes GDAL read the other "
                                      "files or web addresses it names")
    if _GDALG.search(text[:_HEAD_BYTES]):
        return translate("gdal_open", "it holds a GDAL streamed algorithm (.gdalg.json), which makes GDAL run "
                                      "commands on other files")
    if _TOPOJSON.search(text[:_HEAD_BYTES]):
        return translate("gdal_open", "it holds TopoJSON; convert it to GeoJSON first")
    if text.startswith(b"{") and _ESRIJSON.search(text[:_HEAD_BYTES]):
        return translate("gdal_open", "it holds Esri JSON (ArcGIS); convert it to GeoJSON first")
    known = ((text.startswith(b"<"), QT_TRANSLATE_NOOP("gdal_open", "it holds XML or HTML")),
             (text.startswith(b"{"), QT_TRANSLATE_NOOP("gdal_open", "it holds JSON")),
             (text.startswith(b"["), QT_TRANSLATE_NOOP("gdal_open", "it holds a JSON array")),
             (head.startswith(_SQLITE), QT_TRANSLATE_NOOP("gdal_open", "it holds an SQLite database")),
             (head.startswith(_TIFF), QT_TRANSLATE_NOOP("gdal_open", "it holds a TIFF image")),
             (head.startswith(_SHAPEFILE), QT_TRANSLATE_NOOP("gdal_open", "it holds a shapefile")),
             (head.startswith(_ZIP), QT_TRANSLATE_NOOP("gdal_open", "it holds a zip archive")))
    return next((translate("gdal_open", words) for found, words in known if found), None)


def _matches(head: bytes, driver: str) -> bool:
    if driver == GPKG_DRIVER:
        return head.startswith(_SQLITE)
    if driver == SHAPEFILE_DRIVER:
        return head.startswith(_SHAPEFILE)
    if driver == GTIFF_DRIVER:
        return head.startswith(_TIFF)
    text = head.removeprefix(_UTF8_BOM).lstrip()
    return text.startswith(b"{") and not any(pattern.search(text[:_HEAD_BYTES])
                                             for pattern in (_GDALG, _TOPOJSON, _ESRIJSON))


def check_head(head: bytes, driver: str, source: str | os.PathLike, *, layer: str | None = None) -> None:
    """Raise a LayerError naming ``source`` unless ``head`` starts the way a ``driver`` file does."""
    if _matches(head, driver):
        return
    refusal, name, unknown = _REFUSAL[driver]
    refusal = translate("gdal_open", refusal)
    content = _content(head)
    if not head:
        problem = translate("gdal_open", "{refusal}: it is empty").format(refusal=refusal)
    elif content is None:
        problem = translate("gdal_open", "{refusal} ({unknown})").format(
            refusal=refusal, unknown=translate("gdal_open", unknown))
    else:
        problem = translate("gdal_open", "{refusal}: its name says {name} but {content}; Lamplight opens a file "
                                         "only as the format its name says").format(
            refusal=refusal, name=name, content=content)
    raise LayerError(source, problem, layer=layer)


def local_file(path: str | os.PathLike, *, layer: str | None = None) -> Path:
    """``path`` as an absolute Path, or a LayerError unless it names an existing regular file on this computer.

    Checked with ``os.stat`` before anything opens the file, so a FIFO or device is refused instead of
    blocking the read."""
    text = os.fspath(path)
    if _NOT_LOCAL.match(text):
        raise LayerError(text, translate("gdal_open", "is not a file on this computer; Lamplight reads only "
                                                      "local files"), layer=layer)
    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError as exc:
        raise LayerError(text, translate("gdal_open", "the file does not exist"), layer=layer) from exc
    except OSError as exc:
        raise LayerError(text, translate("gdal_open", "cannot be read ({error})").format(
            error=exc.strerror or exc), layer=layer) from exc
    if not stat.S_ISREG(mode):
        raise LayerError(text, translate("gdal_open", "is not a regular file (a folder, device or pipe)"),
                         layer=layer)
    return Path(os.path.abspath(text))


def check_file(path: str | os.PathLike, driver: str, *, source: str | os.PathLike | None = None,
               layer: str | None = None) -> Path:
    """``local_file(path)`` whose first bytes are a ``driver`` file (see ``check_head``); errors name
    ``source`` when given (e.g. a project member rather than its temporary copy)."""
    file = local_file(path, layer=layer)
    with file.open("rb") as handle:
        check_head(handle.read(_HEAD_BYTES), driver, path if source is None else source, layer=layer)
        if driver == GEOJSON_DRIVER:
            handle.seek(0)
            _check_crs(handle, path if source is None else source, layer)
    return file


def _check_crs(stream: IO[bytes], source: str | os.PathLike, layer: str | None) -> None:
    """Refuse a GeoJSON whose CRS is a link: GDAL would fetch it (see ``layers.io.geojson_crs``)."""
    link = crs_link(stream.read)
    if link is not None:
        raise LayerError(source, translate("gdal_open", "its CRS is given as a link ({link}), which GDAL would "
                                                        "fetch from the network or another file; Lamplight does "
                                                        "not follow links in data files: give the CRS by name "
                                                        "(e.g. EPSG:4326) or remove the crs member").format(
            link=link), layer=layer)


def check_side_files(path: str | os.PathLike, *, layer: str | None = None) -> None:
    """Refuse a GeoTIFF whose overview, mask or .aux side file is not what GDAL writes there.

    GDAL opens ``x.tif.ovr``, ``x.tif.msk`` and ``x.aux`` next to a GeoTIFF with any driver, so a VRT placed
    there would be followed. Legitimate ones are TIFF files (overviews, masks) or Erdas HFA (.aux)."""
    file = Path(path)
    for base in dict.fromkeys((file.name, file.stem)):
        for extension, magic in _SIDE_FILES:
            for candidate in (f"{base}.{extension}", f"{base}.{extension.upper()}"):
                side = file.with_name(candidate)
                if not os.path.lexists(side):
                    continue
                local_file(side, layer=layer)
                with side.open("rb") as handle:
                    head = handle.read(_HEAD_BYTES)
                if not head.startswith(magic):
                    what = _content(head) or translate("gdal_open", "its first bytes are not those of a TIFF image")
                    raise LayerError(path, translate(
                        "gdal_open", "its side file {side} is not what GDAL writes there: {content}; remove it or "
                                     "replace it").format(side=side.name, content=what), layer=layer)


def check_member(archive: zipfile.ZipFile, member: str, driver: str, source: str | os.PathLike) -> None:
    """Check a zip member GDAL will read through /vsizip/ like a file of its own: a name that stays inside the
    archive (no ``..``, not absolute) and first bytes of the format its name says (``check_head``)."""
    if member.startswith("/") or "\\" in member or ":" in member or ".." in PurePosixPath(member).parts:
        raise LayerError(source, translate("gdal_open", "holds a file with an unsafe name ({member}); a zipped "
                                                        "layer must be a plain file inside the archive").format(
            member=member))
    with archive.open(member) as file:
        check_head(file.read(_HEAD_BYTES), driver, source, layer=member)
    if driver == GEOJSON_DRIVER:
        with archive.open(member) as file:
            _check_crs(file, source, member)


def vector_source(path: str, driver: str) -> str:
    """The name to give pyogrio so GDAL opens ``path`` with ``driver`` and no other (``GPKG:``/``GeoJSON:``).

    A file path is made absolute, so no part of it can read as a connection string."""
    if not path.startswith("/vsizip/"):     # the readers build /vsizip/ paths from the zip's absolute path
        path = os.path.abspath(path)
    if driver == SHAPEFILE_DRIVER:
        return path
    if driver == GPKG_DRIVER:
        return f"GPKG:{path}" if '"' in path else f'GPKG:"{path}"'     # quoted: a ':' in a folder name
    return f"GeoJSON:{path}"


@contextmanager
def open_raster(path: str | os.PathLike, driver: str = GTIFF_DRIVER, *, table: str | None = None,
                side_files: bool = True) -> Iterator[DatasetReader]:
    """A rasterio dataset of ``path`` opened by ``driver`` only (``table``: a GeoPackage raster table).

    ``side_files=False`` for files Lamplight wrote itself (see ``NO_SIDE_FILES``)."""
    file = os.path.abspath(path)
    name = f'GPKG:"{file}":{table}' if table is not None else file
    import rasterio

    options = LOCKDOWN if side_files else {**LOCKDOWN, **NO_SIDE_FILES}
    with rasterio.Env(**options), rasterio.open(name, driver=driver) as dataset:
        yield dataset
