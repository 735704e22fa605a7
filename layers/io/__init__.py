"""Open any supported file as layers, and save layers to files.

``open_layers`` picks the reader by extension; every reader returns validated layers with load notes, and
every failure is a ``LayerError`` that names the file (and layer) and the problem.

Example::

    from layers.io import open_layers, write_layer
    poles, = open_layers("poles.csv", kind="lamp_poles", crs=4326)
    write_layer(poles, "city.gpkg", layer_name="lamp_poles")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layers.errors import LayerError
from layers.i18n import translate
from layers.io.formats import (
    DELIMITED,
    GEOJSON,
    GEOPACKAGE,
    GEOTIFF,
    SHAPEFILE,
    SPREADSHEET,
    SUPPORTED_READ_EXTENSIONS,
    ZIPPED,
    extension,
)
from layers.layer import Layer, VectorLayer

if TYPE_CHECKING:
    from layers.field_mapping import FieldMapping


def open_layers(path: str | os.PathLike, *, layer: str | None = None, kind: str | None = None, crs: Any = None,
                mapping: FieldMapping | str | os.PathLike | None = None, **options: Any) -> Sequence[Layer]:
    """Every layer in ``path`` (or only ``layer``), validated against ``kind`` when given or detected.

    ``crs`` overrides the file's CRS (e.g. a shapefile without .prj); for OpenStreetMap extracts, which are
    always WGS84, it is the CRS to reproject to, and ``progress``/``is_cancelled`` callbacks are accepted (see
    ``layers.io.osm.read_osm``). CSV/XLSX accept ``x_field``/``y_field`` and XLSX ``sheet``. ``mapping`` (a
    ``layers.field_mapping.FieldMapping`` or the path of one saved as JSON) maps every vector layer read to the
    mapping's kind, so a city's monthly export loads the same way every time. A single-layer file with a QGIS
    style beside it (``poles.shp`` + ``poles.qml``, ``dem.tif`` + ``dem.qml``) opens with that style, as in QGIS;
    GeoPackage layers take theirs from the ``layer_styles`` table (``layers.io.layer_styles``).

    Parameters
    ----------
    path : str or os.PathLike
        A GeoPackage, Shapefile (also zipped), GeoJSON, CSV/XLSX with coordinates, GeoTIFF or OSM extract.
    layer : str, optional
        One layer of a multi-layer file (a GeoPackage table, a zip member).
    kind : str, optional
        The municipal kind to validate against (``layers.kinds``); detected from the fields when not given.
    crs : optional
        A CRS that overrides the file's (EPSG code, string, WKT, ``pyproj.CRS``).
    mapping : FieldMapping or path, optional
        A field mapping to read a city's own field names through.
    **options
        ``x_field``, ``y_field``, ``sheet`` for tables; ``progress``, ``is_cancelled`` for OSM extracts.

    Returns
    -------
    list of Layer
        The layers read, each with its load ``notes``.

    Raises
    ------
    LayerError
        Naming the file (and layer) and what is wrong: missing, unsupported, damaged, or not fitting ``kind``.
    """
    if mapping is not None:
        return _mapped(path, mapping, layer=layer, kind=kind, crs=crs, **options)
    from layers.io.layer_styles import apply_sidecar_style
    from layers.io.tabular import read_delimited, read_spreadsheet
    from layers.io.vector import read_geojson, read_geopackage, read_shapefile, read_zip

    path = Path(path)
    name = path.name.lower()
    if name.endswith((".osm.pbf", ".osm")):
        from layers.io.osm import read_osm

        unexpected = set(options) - {"progress", "is_cancelled"}
        if unexpected:
            raise LayerError(path, f"unknown reading option(s) for OpenStreetMap: {', '.join(sorted(unexpected))}")
        return read_osm(path, layer=layer, crs=crs, kind=kind, **options)
    if not path.exists():
        raise LayerError(path, translate("LayerOpen", "the file does not exist"))
    if path.is_dir():
        raise LayerError(path, translate("LayerOpen", "is a folder; choose a file inside it"))
    ext = extension(path)
    unexpected = set(options) - {"x_field", "y_field", "sheet"}
    if unexpected:
        raise LayerError(path, f"unknown reading option(s): {', '.join(sorted(unexpected))}")
    if ext in GEOPACKAGE:
        return read_geopackage(path, layer=layer, kind=kind, crs=crs)
    if ext in SHAPEFILE:
        return apply_sidecar_style(read_shapefile(path, kind=kind, crs=crs), path)
    if ext in ZIPPED:
        return read_zip(path, layer=layer, kind=kind, crs=crs)
    if ext in GEOJSON:
        return apply_sidecar_style(read_geojson(path, kind=kind, crs=crs), path)
    if ext in DELIMITED:
        return apply_sidecar_style(read_delimited(path, kind=kind, crs=crs, x_field=options.get("x_field"),
                                                  y_field=options.get("y_field")), path)
    if ext in SPREADSHEET:
        return apply_sidecar_style(read_spreadsheet(path, sheet=options.get("sheet"), kind=kind, crs=crs,
                                                    x_field=options.get("x_field"), y_field=options.get("y_field")),
                                   path)
    if ext in GEOTIFF:
        from layers.io.raster import read_geotiff  # rasterio (a second GDAL) only for rasters

        return apply_sidecar_style(read_geotiff(path, kind=kind, crs=crs), path)
    supported = ", ".join(SUPPORTED_READ_EXTENSIONS)
    raise LayerError(path, translate("LayerOpen", "'{ext}' files cannot be opened; supported: {supported}").format(
        ext=ext or translate("LayerOpen", "no extension"), supported=supported))


def _mapped(path: str | os.PathLike, mapping: FieldMapping | str | os.PathLike, *, layer: str | None,
            kind: str | None, **options: Any) -> list[VectorLayer]:
    """The layers of ``path`` read without a kind, then mapped and validated (``layers.field_mapping``)."""
    from layers.field_mapping import FieldMapping, load_mapping, map_layer

    name = None
    if not isinstance(mapping, FieldMapping):
        name, mapping = Path(mapping).name, load_mapping(mapping)
    if kind is not None and mapping.kind != kind:
        raise LayerError(path, translate("layers.io", "the field mapping {name} is for kind '{mapped}', not '{kind}'")
                         .format(name=name or "", mapped=mapping.kind, kind=kind))
    vectors: list[VectorLayer] = []
    for read in open_layers(path, layer=layer, **options):
        if not isinstance(read, VectorLayer):
            raise LayerError(path, translate("layers.io", "a field mapping applies to vector layers; '{layer}' is a "
                                                          "raster").format(layer=read.name))
        vectors.append(read)
    return [map_layer(read, mapping, mapping_name=name) for read in vectors]


def write_layer(layer: Layer, path: str | os.PathLike, **options: Any) -> Path:
    """Save ``layer`` by extension (see ``layers.io.writers.write_layer``), atomically, with its style where
    QGIS finds it; returns the path written. Raises ``LayerError`` naming the file when it cannot be written."""
    from layers.io.writers import write_layer as write

    return write(layer, path, **options)


__all__ = ["open_layers", "write_layer"]
