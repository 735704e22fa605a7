"""The style of a layer where QGIS keeps it: the GeoPackage ``layer_styles`` table, a ``.qml`` beside the file.

QGIS applies a GeoPackage layer's row with ``useAsDefault`` set when it opens the layer, and a ``name.qml`` next to
``name.tif`` (or ``name.shp``, ``name.geojson``, ...) when it opens that file; Lamplight writes both and reads both
back, so a planner's QGIS styling applies here too. Beside the QML goes an SLD of the same style (``layers.sld``)
for other readers. The table is the one QGIS's OGR provider creates (same columns and types), registered in
``gpkg_contents`` as an attribute table as OGR registers it. A QML file is read like any file from outside:
a local regular file only, its size checked before reading, parsed without entities (``layers.qml``).
"""

from __future__ import annotations

import os
import sqlite3
from copy import deepcopy
from pathlib import Path
from typing import Any

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from layers.io.gdal_open import local_file
from layers.layer import RasterLayer
from layers.qml import MAX_QML_BYTES, geometry_of, style_from_qml, style_to_qml
from layers.sld import style_to_sld
from layers.styles import RasterRamp, Style, default_style

TABLE = "layer_styles"
_CREATE = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
    styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
    ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""


def write_geopackage_style(path: Path, table: str, layer: Any) -> None:
    """Store ``layer.style`` as the default QGIS style of ``table`` in the GeoPackage; replaces earlier rows."""
    db = sqlite3.connect(path)
    try:
        with db:
            if _has_table(db):
                db.execute(f"DELETE FROM {TABLE} WHERE f_table_name = ?", (table,))
            if layer.style is None or isinstance(layer.style, RasterRamp):
                return
            db.execute(_CREATE)
            db.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
                       "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))", (TABLE, TABLE))
            row = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                             (table,)).fetchone()
            geometry = geometry_of(layer)
            db.execute(f"INSERT INTO {TABLE} (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                       "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
                       "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL)",
                       (table, row[0] if row else "geom", table, style_to_qml(layer.style, geometry),
                        style_to_sld(layer.style, table, geometry), "Lamplight style"))
    except sqlite3.Error as exc:  # e.g. a layer_styles table of another shape in a file written by another tool
        raise LayerError(path, translate("layer_styles", "its QGIS style table could not be written: {problem}"
                                         ).format(problem=exc), layer=table) from exc
    finally:
        db.close()


def _has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone() is not None


def qml_sidecar(path: Path) -> Path:
    """The ``.qml`` QGIS loads with ``path`` (same folder, same stem)."""
    return path.with_suffix(".qml")


def write_raster_sidecar(path: Path, layer: Any) -> None:
    """``name.qml`` beside ``name.tif`` with the raster's ramp; a stale one is removed when there is no ramp."""
    sidecar = qml_sidecar(path)
    if isinstance(layer.style, RasterRamp):
        sidecar.write_text(style_to_qml(layer.style), encoding="utf-8")
    else:
        sidecar.unlink(missing_ok=True)


def read_qml(path: str | os.PathLike) -> tuple[Style, list[str]]:
    """The style in a QML file and notes naming what was ignored.

    Raises
    ------
    LayerError
        Naming the file, when it is not a local regular file, is larger than ``layers.qml.MAX_QML_BYTES``
        (checked before reading), is not safe XML, or holds a renderer Lamplight has no equivalent for.
    """
    file = local_file(path)
    size = file.stat().st_size
    if size > MAX_QML_BYTES:
        raise LayerError(path, translate("qml", "is {size:,} bytes, more than the {limit:,} a QML style may be")
                         .format(size=size, limit=MAX_QML_BYTES))
    with file.open("rb") as handle:
        data = handle.read(MAX_QML_BYTES + 1)  # the file may have grown since: style_from_qml refuses that
    return style_from_qml(data, source=os.fspath(path))


def _misfit(style: Style, layer: Any) -> str | None:
    """Why ``style`` cannot style ``layer`` (a colour ramp on features, symbols on a raster, a field or band the
    layer lacks), or None."""
    if isinstance(style, RasterRamp) != isinstance(layer, RasterLayer):
        problem = (translate("qml", "holds a raster colour ramp; '{layer}' is a vector layer")
                   if isinstance(style, RasterRamp) else
                   translate("qml", "holds a vector renderer; '{layer}' is a raster"))
        return problem.format(layer=layer.name)
    if isinstance(style, RasterRamp):
        if style.band > layer.count:
            return translate("qml", "colours band {band}; '{layer}' has {count} band(s)").format(
                band=style.band, layer=layer.name, count=layer.count)
        return None
    used = [getattr(style, "field", ""), style.labels.field if style.labels is not None else ""]
    missing = [name for name in dict.fromkeys(used) if name and name not in layer.fields]
    if missing:
        return translate("qml", "uses field(s) {fields} that '{layer}' does not have").format(
            fields=", ".join(f"'{name}'" for name in missing), layer=layer.name)
    return None


def qml_style_for(path: str | os.PathLike, layer: Any) -> tuple[Style, list[str]]:
    """``read_qml(path)`` checked to fit ``layer``: a raster colour ramp for a raster, symbols for a vector layer."""
    style, notes = read_qml(path)
    problem = _misfit(style, layer)
    if problem is not None:
        raise LayerError(path, problem)
    return style, notes


def write_qml(path: str | os.PathLike, layer: Any, style: Style | None = None) -> Path:
    """``style`` (by default the layer's, else its default style) as a QML file QGIS loads with ``layer``; the file
    is replaced atomically."""
    style = style or layer.style or default_style(layer)
    if style is None:
        raise LayerError(path, translate("qml", "'{layer}' has no style to save").format(layer=layer.name))
    text = style_to_qml(style, geometry_of(layer))

    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8")

    return write_atomically(Path(path), write)


def apply_sidecar_style(layers: list[Any], path: str | os.PathLike) -> list[Any]:
    """``layers`` (read from ``path``) styled by the ``.qml`` of the same stem beside it, as QGIS opens them.

    A sidecar that cannot be read or does not fit costs the style, never the layers: the reason becomes a note
    naming the QML file."""
    sidecar = qml_sidecar(Path(path))
    if not os.path.lexists(sidecar):
        return layers
    try:
        style, notes = read_qml(sidecar)
        unreadable = None
    except LayerError as exc:
        style, notes, unreadable = None, [], exc.problem
    for layer in layers:
        problem = unreadable if style is None else _misfit(style, layer)
        if problem is not None:
            layer.notes.append(translate("layer_styles", "its QGIS style {file} was not applied: {problem}").format(
                file=sidecar.name, problem=problem))
            continue
        layer.style = deepcopy(style)
        layer.notes.extend(translate("layer_styles", "QGIS style {file}: {note}").format(file=sidecar.name, note=note)
                           for note in notes)
    return layers


def read_geopackage_styles(path: Path) -> dict[str, str]:
    """The QML of each table's default QGIS style (the newest ``useAsDefault`` row); empty without the table."""
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        if not _has_table(db):
            return {}
        rows = db.execute(f"SELECT f_table_name, styleQML FROM {TABLE} WHERE useAsDefault AND styleQML IS NOT NULL "
                          "ORDER BY update_time, id").fetchall()
    except sqlite3.DatabaseError:
        return {}  # a damaged style table costs the styles, never the layers
    finally:
        db.close()
    return {str(table): str(qml) for table, qml in rows}


def apply_stored_style(layers: list[Any], qml: str | None, source: str) -> None:
    """Give ``layers`` the style QGIS stored for their table; a style Lamplight cannot read becomes a note."""
    if not qml:
        return
    for layer in layers:
        try:
            style, notes = style_from_qml(qml, source=source)
        except LayerError as exc:
            layer.notes.append(translate("layer_styles", "its QGIS style was not applied: {problem}").format(
                problem=exc.problem))
            continue
        if isinstance(style, RasterRamp):  # a raster ramp stored for a vector table: nothing to apply
            continue
        layer.style = style
        layer.notes.extend(translate("layer_styles", "QGIS style: {note}").format(note=note) for note in notes)
