"""Writers: GeoPackage (a named layer, appended to an existing file), GeoJSON, CSV, GeoTIFF.

New files are written to a temporary name in the same folder and moved into place (``layers.atomic``), so a
crash never leaves a half-written file under the real name and a replaced file keeps its permissions. Appending a
layer to an existing GeoPackage happens in place (SQLite keeps that safe). Layer metadata and kind go into
GeoPackage layer metadata and GeoTIFF tags (see ``layers.io.metadata``); a CSV gets a ``.prj`` beside it so
its CRS survives. The style goes where QGIS applies it on open (``layers.io.layer_styles``): the GeoPackage's
``layer_styles`` table, a ``.qml`` beside a GeoTIFF. CSV text cells (and column names) that start like a
spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) get a leading ``'`` so that opening the
export in a spreadsheet runs nothing; numbers are written as numbers, negative ones included.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import rasterio
import rasterio.crs
import rasterio.errors
import shapely

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import translate
from layers.io import metadata as tags
from layers.io.formats import GEOJSON, GEOPACKAGE, GEOTIFF, SUPPORTED_WRITE_EXTENSIONS, extension
from layers.io.layer_styles import write_geopackage_style, write_raster_sidecar
from layers.io.vector import geopackage_contents
from layers.layer import Layer, RasterLayer, VectorLayer

#: First characters that make Excel, LibreOffice or Google Sheets read a text cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_WRITE_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                 pyogrio.errors.GeometryError, rasterio.errors.RasterioError, OSError, ValueError, TypeError)


def _atomic(path: Path, write: Callable[[Path], object], overwrite: bool) -> None:
    """Run ``write`` on a temporary file next to ``path``, then move it into place (``write_atomically``)."""
    if path.exists() and not overwrite:
        raise LayerError(path, translate("LayerError", "already exists; choose another name or allow overwriting"))
    write_atomically(path, write)


def _write_geopackage(layer: VectorLayer, path: Path, name: str, overwrite: bool) -> None:
    metadata = tags.encode(layer.metadata, layer.kind)

    def write(target: Path) -> None:
        pyogrio.write_dataframe(layer.gdf, target, layer=name, driver="GPKG", layer_metadata=metadata or None)
        write_geopackage_style(target, name, layer)

    if not path.exists():
        _atomic(path, write, overwrite)
        return
    existing = [table for table, _ in geopackage_contents(path)]
    if name in existing and not overwrite:
        raise LayerError(path, translate("LayerError", "already has a layer with this name; choose another name or "
                                                       "allow overwriting"), layer=name)
    write(path)


def _write_geojson(layer: VectorLayer, path: Path, overwrite: bool) -> None:
    _atomic(path, lambda target: pyogrio.write_dataframe(layer.gdf, target, driver="GeoJSON"), overwrite)


def _defuse(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, with a leading apostrophe (OWASP "CSV injection")."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def defuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell and column name that starts like a formula defused; numbers untouched.

    Every CSV Lamplight writes should pass through this (the layer writer here; result tables elsewhere).
    """
    table = table.copy(deep=False)  # replaced columns must not reach the caller's frame
    for column in table.columns:
        series = table[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        values = series.astype(object)
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).to_numpy(dtype=bool)
        if risky.any():
            table[column] = values.where(~risky, values.map(_defuse))
    return table.rename(columns={c: _defuse(c) for c in table.columns if isinstance(c, str)})


def _csv_table(layer: VectorLayer) -> pd.DataFrame:
    """Attributes plus x/y (lon/lat when geographic) for single points, or a WKT column otherwise."""
    gdf = layer.gdf
    geometry = gdf.geometry.to_numpy()
    table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    type_ids = shapely.get_type_id(geometry)
    geographic = gdf.crs is not None and gdf.crs.is_geographic
    names = ("lon", "lat") if geographic else ("x", "y")
    if np.isin(type_ids, (-1, 0)).all() and not set(names) & set(map(str, table.columns)):
        coordinates = np.full((len(gdf), 2), np.nan)
        present = (type_ids == 0) & ~shapely.is_empty(geometry)
        coordinates[present] = shapely.get_coordinates(geometry[present])
        table[names[0]], table[names[1]] = coordinates[:, 0], coordinates[:, 1]
    else:
        table["wkt"] = shapely.to_wkt(geometry, rounding_precision=-1)
    return table


def _write_csv(layer: VectorLayer, path: Path, overwrite: bool) -> None:
    table = defuse_formulas(_csv_table(layer))
    # CRLF as RFC 4180 has it; it also makes pandas quote a cell holding a lone carriage return, which would
    # otherwise end the row in every reader.
    _atomic(path, lambda target: table.to_csv(target, index=False, encoding="utf-8", lineterminator="\r\n"),
            overwrite)
    prj = path.with_suffix(".prj")
    crs = layer.crs
    if crs is not None:
        _atomic(prj, lambda target: target.write_text(crs.to_wkt()), True)
    else:
        prj.unlink(missing_ok=True)


def _write_geotiff(layer: RasterLayer, path: Path, overwrite: bool) -> None:
    data = layer.data.astype(np.uint8) if layer.data.dtype == bool else layer.data
    integer = np.issubdtype(data.dtype, np.integer)
    profile = {
        "driver": "GTiff", "width": layer.width, "height": layer.height, "count": layer.count,
        "dtype": data.dtype.name, "transform": layer.transform, "nodata": layer.nodata,
        "crs": rasterio.crs.CRS.from_wkt(layer.crs.to_wkt()) if layer.crs is not None else None,
        "compress": "deflate", "predictor": 2 if integer else 3,
    }
    if layer.width >= 512 and layer.height >= 512:
        profile.update(tiled=True, blockxsize=256, blockysize=256)

    def write(target: Path) -> None:
        with rasterio.open(target, "w", **profile) as dst:
            dst.write(data)
            for index, band_name in enumerate(layer.band_names, start=1):
                dst.set_band_description(index, band_name)
            dst.update_tags(**tags.encode(layer.metadata, layer.kind))

    _atomic(path, write, overwrite)
    write_raster_sidecar(path, layer)


def write_layer(layer: Layer, path: str | os.PathLike, *, layer_name: str | None = None,
                overwrite: bool = True) -> Path:
    """Save ``layer`` by extension: .gpkg (as layer ``layer_name``), .geojson, .csv (vector) or .tif (raster).

    Example: ``write_layer(poles, "city.gpkg", layer_name="lamp_poles")`` adds or replaces that layer.
    """
    path = Path(path)
    ext = extension(path)
    if ext not in SUPPORTED_WRITE_EXTENSIONS:
        message = translate("LayerError", "cannot save as '{extension}'; choose one of {extensions}")
        raise LayerError(path, message.format(extension=ext or translate("LayerError", "no extension"),
                                              extensions=", ".join(SUPPORTED_WRITE_EXTENSIONS)), layer=layer.name)
    is_raster = isinstance(layer, RasterLayer)
    if is_raster != (ext in GEOTIFF):
        message = translate("LayerError", "a raster layer must be saved as GeoTIFF (.tif)") if is_raster \
            else translate("LayerError", "a vector layer must be saved as GeoPackage, GeoJSON or CSV")
        raise LayerError(path, message, layer=layer.name)
    if not path.parent.is_dir():
        raise LayerError(path, translate("LayerError", "the folder {folder} does not exist").format(folder=path.parent),
                         layer=layer.name)
    try:
        if isinstance(layer, RasterLayer):
            _write_geotiff(layer, path, overwrite)
        elif ext in GEOPACKAGE:
            _write_geopackage(cast(VectorLayer, layer), path, layer_name or layer.name, overwrite)
        elif ext in GEOJSON:
            _write_geojson(cast(VectorLayer, layer), path, overwrite)
        else:
            _write_csv(cast(VectorLayer, layer), path, overwrite)
    except LayerError:
        raise
    except _WRITE_ERRORS as exc:
        raise LayerError(path, translate("LayerError", "could not be written: {problem}").format(problem=exc),
                         layer=layer.name) from exc
    return path
