"""The style of a written layer where QGIS finds it: the GeoPackage ``layer_styles`` table, a ``.qml`` beside a TIFF.

QGIS applies a GeoPackage layer's row with ``useAsDefault`` set when it opens the layer, and a ``name.qml`` next to
``name.tif`` when it opens the raster. Beside the QML goes an SLD of the same style (``layers.sld``) for other
readers. The table is the one QGIS's OGR provider creates (same columns and types), registered in
``gpkg_contents`` as an attribute table as OGR registers it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from layers.errors import LayerError
from layers.i18n import translate
from layers.qml import geometry_of, style_from_qml, style_to_qml
from layers.sld import style_to_sld
from layers.styles import RasterRamp

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
