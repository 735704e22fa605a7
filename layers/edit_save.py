"""Write an edited layer back to the file it was read from, atomically ("Save Layer Edits").

The file is replaced only once the new content is complete (``layers.atomic``): a GeoPackage is copied beside
itself, the layer is replaced in the copy (the file's other layers stay as they were), and the copy is renamed
over the original. A layer without a file of its own is saved with the project instead; formats that cannot be
rewritten safely in one file (Shapefile, spreadsheets, OpenStreetMap extracts) are refused with the reason.

Example::

    if linked_file(poles) is not None:
        write_back(snapshot(poles))  # in a worker thread
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyogrio

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from layers.io import metadata as tags
from layers.io.formats import GEOJSON, GEOPACKAGE, extension
from layers.layer import VectorLayer

#: Extensions whose files one rename can replace whole.
WRITABLE = GEOPACKAGE + GEOJSON + (".csv",)


def linked_file(layer: VectorLayer) -> Path | None:
    """The file ``layer``'s edits are written back to, or None when it lives in the project only."""
    if not layer.source or layer.metadata.get("embed"):
        return None
    path = Path(str(layer.source))
    return path if path.suffix else None


def snapshot(layer: VectorLayer) -> VectorLayer:
    """A copy to hand to a worker thread: the planner may go on editing while it is written."""
    copy = VectorLayer(layer.gdf.copy(deep=True), layer.name, source=layer.source, kind=layer.kind,
                       metadata=dict(layer.metadata))
    return copy


def write_back(layer: VectorLayer) -> Path:
    """Replace the features of ``layer`` in its linked file; LayerError (file untouched) when that cannot be done."""
    path = linked_file(layer)
    if path is None:
        raise LayerError(layer.source, translate("EditSave", "has no file of its own; its edits are saved with the "
                                                             "project"), layer=layer.name)
    ext = extension(path)
    if ext not in WRITABLE:
        raise LayerError(path, translate("EditSave", "'{ext}' files cannot be rewritten safely in place; use Save "
                                                     "Features As to write a GeoPackage").format(ext=ext),
                         layer=layer.name)
    if not path.is_file():
        raise LayerError(path, translate("EditSave", "the linked file no longer exists; use Save Features As"),
                         layer=layer.name)
    try:
        if ext in GEOPACKAGE:
            _replace_geopackage_layer(layer, path)
        elif ext in GEOJSON:
            write_atomically(path, lambda target: pyogrio.write_dataframe(layer.gdf, target, driver="GeoJSON"))
        else:
            from layers.io.writers import write_layer

            write_layer(layer, path, overwrite=True)
    except LayerError:
        raise
    except (OSError, ValueError, TypeError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
        raise LayerError(path, translate("EditSave", "could not be written ({reason}); the file is unchanged").format(
            reason=exc), layer=layer.name) from exc
    return path


def _replace_geopackage_layer(layer: VectorLayer, path: Path) -> None:
    table = layer.metadata.get("source_layer") or layer.name
    metadata = tags.encode(layer.metadata, layer.kind)

    def write(target: Path) -> None:
        shutil.copyfile(path, target)
        pyogrio.write_dataframe(layer.gdf, target, layer=table, driver="GPKG", layer_metadata=metadata or None)

    write_atomically(path, write)


__all__ = ["WRITABLE", "linked_file", "snapshot", "write_back"]
