"""Vector readers: GeoPackage, Shapefile (also zipped), GeoJSON, all through pyogrio.

A GeoPackage yields every layer it holds (vector and raster), named as in the file. The big-file hot path
is pyogrio's Arrow stream read in batches (``layers.io.chunked``: a worker reading a big layer never holds the
GIL long) plus vectorised checks, so loading stays close to pyogrio.
Every file (and zip member) is checked to be the format its name says and read by that GDAL driver only
(``layers.io.gdal_open``): a data file cannot make GDAL read other files or the network.
"""

from __future__ import annotations

import sqlite3
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pyogrio.errors

from layers.errors import LayerError
from layers.i18n import translate
from layers.io import metadata as tags
from layers.io.chunked import read_dataframe_batched, read_dataframe_ranges
from layers.io.encoding import SAMPLE_BYTES, choose_encoding, dbf_records, python_codec
from layers.io.finish import NoGeometry, vector_layers
from layers.io.gdal_errors import wrap
from layers.io.gdal_open import (
    GEOJSON_DRIVER,
    GPKG_DRIVER,
    SHAPEFILE_DRIVER,
    check_file,
    check_member,
    local_file,
    vector_source,
)
from layers.io.layer_styles import TABLE as STYLE_TABLE
from layers.io.layer_styles import apply_stored_style, read_geopackage_styles
from layers.layer import Layer, VectorLayer

_PYOGRIO_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                   pyogrio.errors.GeometryError, pyogrio.errors.CRSError, UnicodeDecodeError, RuntimeError)
_GPKG_RASTER_TYPES = {"tiles", "2d-gridded-coverage"}
_GBK_LDID = 0x4D  # .dbf language driver id for code page 936 (simplified Chinese)


def read_frame(path: str, *, driver: str, source: str, what: str, layer: str | None = None,
               encoding: str | None = None) -> gpd.GeoDataFrame:
    """``pyogrio.read_dataframe`` by ``driver`` only (its content already checked), errors as LayerError."""
    options: dict[str, Any] = {"layer": layer}
    if encoding:
        options["encoding"] = encoding
    use_arrow = not encoding  # Arrow makes pyogrio several times faster on big layers; it reads UTF-8 only
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # recoding warnings: we report encoding ourselves
            if use_arrow:   # batch by batch: the GIL is free between batches (see layers.io.chunked)
                frame = read_dataframe_batched(vector_source(path, driver), layer=layer)
            else:
                frame = read_dataframe_ranges(vector_source(path, driver), **options)
    except _PYOGRIO_ERRORS as exc:
        raise wrap(exc, source, what, layer) from exc
    return frame


def _layer_tags(path: str, layer: str, source: str) -> dict[str, str]:
    try:
        return pyogrio.read_info(vector_source(path, GPKG_DRIVER), layer=layer).get("layer_metadata") or {}
    except _PYOGRIO_ERRORS as exc:
        raise wrap(exc, source, "GeoPackage", layer) from exc


def _check_sqlite(path: Path) -> None:
    """Raise a clear LayerError for a file that is not SQLite or was cut short (a failed copy/download)."""
    check_file(path, GPKG_DRIVER)
    with path.open("rb") as file:
        header = file.read(100)
    if len(header) < 100:
        raise LayerError(path, translate("LayerError", "is truncated ({size} bytes, not even a database header): the "
                                                       "copy or download did not finish; copy the file again").format(
            size=len(header)))
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = struct.unpack(">I", header[24:28])[0], struct.unpack(
        ">I", header[28:32])[0], struct.unpack(">I", header[92:96])[0]
    expected = page_size * pages
    actual = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    if change_counter == valid_for and actual < expected and not wal.exists():
        raise LayerError(path, translate("LayerError", "is truncated ({actual} of {expected} bytes): the copy or "
                                                       "download did not finish; copy the file again").format(
            actual=f"{actual:,}", expected=f"{expected:,}"))


def geopackage_contents(path: Path) -> list[tuple[str, str]]:
    """(table name, data type) of every layer listed in the GeoPackage, in file order."""
    _check_sqlite(path)
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid").fetchall()
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
        if "no such table" in problem:
            raise LayerError(path, translate("LayerError", "is an SQLite database but not a GeoPackage (no "
                                                           "gpkg_contents table)")) from exc
        message = translate("LayerError", "is damaged and cannot be read as a GeoPackage ({problem})")
        raise LayerError(path, message.format(problem=problem)) from exc
    finally:
        db.close()
    return [(str(name), str(kind).lower()) for name, kind in rows]


def read_geopackage(path: Path, *, layer: str | None = None, kind: str | None = None,
                    crs: Any = None) -> list[Layer]:
    """Every vector and raster layer of a GeoPackage (or just ``layer``)."""
    source = str(path)
    contents = geopackage_contents(path)
    if layer is not None:
        chosen = [(name, data_type) for name, data_type in contents if name == layer]
        if not chosen:
            names = ", ".join(name for name, _ in contents) or translate("LayerError", "none")
            message = translate("LayerError", "has no layer named '{layer}'; its layers are: {names}")
            raise LayerError(source, message.format(layer=layer, names=names))
        contents = chosen
    result: list[Layer] = []
    skipped = []
    without_geometry: NoGeometry | None = None
    styles = read_geopackage_styles(path)
    for name, data_type in contents:
        if name == STYLE_TABLE:  # QGIS's (and Lamplight's) saved styles, applied to their layers below
            continue
        if data_type == "features":
            stored, stored_kind = tags.decode(_layer_tags(source, name, source))
            gdf = read_frame(source, driver=GPKG_DRIVER, source=source, what="GeoPackage", layer=name)
            # the layer's own name, not one stored by an earlier save: a project reopens it by this name
            try:
                read = vector_layers(gdf, name, source=source, kind=kind, crs=crs,
                                     metadata={**stored, "source_layer": name}, stored_kind=stored_kind)
                apply_stored_style(read, styles.get(name), source)
                result += read
            except NoGeometry as exc:  # skipped like an attribute table; named when it was the only hope
                without_geometry = without_geometry or exc
                skipped.append(name)
        elif data_type in _GPKG_RASTER_TYPES:
            from layers.io.raster import read_raster  # rasterio only when the GeoPackage holds a raster

            raster = read_raster(source, source=source, name=name, crs=crs, table=name)
            raster.metadata["source_layer"] = name
            result.append(raster)
        else:
            skipped.append(name)
    if not result:
        if without_geometry is not None and len(skipped) == 1:
            raise without_geometry
        why = translate("LayerOpen", " (only tables without geometry: {tables})").format(tables=", ".join(skipped)) \
            if skipped else ""
        raise LayerError(source, translate("LayerOpen", "holds no map layers{why}").format(why=why))
    if skipped:
        result[0].notes.append(translate("LayerOpen", "skipped tables without geometry: {tables}").format(
            tables=", ".join(skipped)))
    return result


def _sibling(path: Path, extension: str) -> Path | None:
    """The file next to ``path`` with ``extension`` in any letter case (shapefile parts come as .SHX too)."""
    for candidate in (path.with_suffix(extension), path.with_suffix(extension.upper())):
        if candidate.exists():
            return candidate
    return None


def _declared_codec(cpg_text: str | None, dbf_head: bytes) -> str | None:
    if cpg_text:
        return python_codec(cpg_text)
    if len(dbf_head) > 29 and dbf_head[29] == _GBK_LDID:
        return "gbk"
    return None


def _shapefile_layers(vsi_path: str, name: str, *, source: str, dbf_head: bytes | None, cpg_text: str | None,
                      kind: str | None, crs: Any, source_layer: str | None = None) -> list[VectorLayer]:
    notes = []
    encoding = None
    if dbf_head is None:
        notes.append(translate("LayerNote", "no .dbf file: the features have no attributes"))
    else:
        declared = _declared_codec(cpg_text, dbf_head)
        encoding, note = choose_encoding(dbf_records(dbf_head), declared)
        if note:
            notes.append(note)
    gdf = read_frame(vsi_path, driver=SHAPEFILE_DRIVER, source=source, what="Shapefile", encoding=encoding)
    return vector_layers(gdf, name, source=source, kind=kind, crs=crs, notes=notes,
                         metadata={"source_layer": source_layer} if source_layer else None)


def _missing_shx(source: str, shx_name: str) -> LayerError:
    return LayerError(source, translate("LayerError", "the index file {name} is missing; a shapefile needs its .shp, "
                                                      ".shx and .dbf files side by side with the same name: copy them "
                                                      "all").format(name=shx_name))


def read_shapefile(path: Path, *, kind: str | None = None, crs: Any = None) -> list[VectorLayer]:
    """One shapefile; a missing .prj loads with CRS None and a note, a missing .shx is an error."""
    source = str(path)
    if _sibling(path, ".shx") is None:
        raise _missing_shx(source, path.with_suffix(".shx").name)
    check_file(path, SHAPEFILE_DRIVER)
    dbf = _sibling(path, ".dbf")
    cpg = _sibling(path, ".cpg")
    dbf_head = None
    if dbf is not None:
        with local_file(dbf).open("rb") as file:
            dbf_head = file.read(SAMPLE_BYTES)
    cpg_text = local_file(cpg).read_text(errors="replace").strip() if cpg else None
    return _shapefile_layers(source, path.stem, source=source, dbf_head=dbf_head, cpg_text=cpg_text,
                             kind=kind, crs=crs)


def read_zip(path: Path, *, layer: str | None = None, kind: str | None = None,
             crs: Any = None) -> list[VectorLayer]:
    """Every shapefile (and GeoJSON) inside a .zip, read in place through GDAL's /vsizip/ of the local zip.

    Each member is checked like a file of its own (format by content, a name that stays inside the zip)."""
    source = str(path)
    local_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise LayerError(source, translate("LayerError", "is not a valid zip archive (it may be damaged or "
                                                       "incomplete)")) from exc
    with archive:
        members = [m for m in archive.namelist() if not m.startswith("__MACOSX/") and not m.endswith("/")]
        lowered = {m.lower(): m for m in members}
        wanted = [m for m in members if m.lower().endswith((".shp", ".geojson"))]
        if layer is not None:
            names = ", ".join(Path(m).stem for m in wanted) or translate("LayerError", "none")
            wanted = [m for m in wanted if layer in (m, Path(m).stem)]   # a project stores the member path
            if not wanted:
                raise LayerError(source, translate("LayerError", "holds no shapefile or GeoJSON named '{layer}'; it "
                                                                 "holds: {names}").format(layer=layer, names=names))
        if not wanted:
            raise LayerError(source, translate("LayerError", "holds no shapefile or GeoJSON file"))
        result: list[VectorLayer] = []
        for member in wanted:
            is_geojson = member.lower().endswith(".geojson")
            check_member(archive, member, GEOJSON_DRIVER if is_geojson else SHAPEFILE_DRIVER, source)
            vsi = f"/vsizip/{path.resolve()}/{member}"
            stem = member[: -len(Path(member).suffix)]
            if is_geojson:
                gdf = read_frame(vsi, driver=GEOJSON_DRIVER, source=source, what="GeoJSON")
                result += vector_layers(gdf, Path(member).stem, source=source, kind=kind, crs=crs,
                                        metadata={"source_layer": member})
                continue
            if stem.lower() + ".shx" not in lowered:
                raise _missing_shx(source, Path(stem).name + ".shx")
            dbf_member = lowered.get(stem.lower() + ".dbf")
            cpg_member = lowered.get(stem.lower() + ".cpg")
            dbf_head = None
            if dbf_member:
                with archive.open(dbf_member) as file:
                    dbf_head = file.read(SAMPLE_BYTES)
            cpg_text = archive.read(cpg_member).decode(errors="replace").strip() if cpg_member else None
            result += _shapefile_layers(vsi, Path(member).stem, source=source, dbf_head=dbf_head,
                                        cpg_text=cpg_text, kind=kind, crs=crs, source_layer=member)
    return result


def read_geojson(path: Path, *, kind: str | None = None, crs: Any = None) -> list[VectorLayer]:
    """A GeoJSON file; mixed geometry types become one layer per type (unless a kind is forced)."""
    source = str(path)
    check_file(path, GEOJSON_DRIVER)
    gdf = read_frame(source, driver=GEOJSON_DRIVER, source=source, what="GeoJSON")
    return vector_layers(gdf, path.stem, source=source, kind=kind, crs=crs)
