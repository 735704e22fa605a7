"""Raster reader: GeoTIFF files and raster tables of a GeoPackage, through rasterio.

A raster without a CRS loads (the planner can set it) with a note saying so, like a shapefile without .prj.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rasterio
import rasterio.errors

from layers.errors import LayerError
from layers.io import metadata as tags
from layers.io.gdal_errors import wrap
from layers.layer import RasterLayer, to_crs_object

NO_CRS_NOTE = ("the raster has no coordinate reference system; set the CRS in the layer properties "
               "before using it with other layers")


def read_raster(path: str, *, source: str, name: str, crs: Any = None, kind: str | None = None) -> RasterLayer:
    """All bands of one raster dataset, with nodata, band names and stored Lamplight metadata."""
    if kind:
        raise LayerError(source, f"kind '{kind}' describes vector features; a raster cannot have it", layer=name)
    notes: list[str] = []
    try:
        with rasterio.open(path) as src:
            data = src.read()
            stored, stored_kind = tags.decode(src.tags())
            file_crs = src.crs
            transform, nodata = src.transform, src.nodata
            band_names = [d or f"band {i + 1}" for i, d in enumerate(src.descriptions)]
    except (rasterio.errors.RasterioError, OSError) as exc:
        raise wrap(exc, source, "raster") from exc
    file_crs = to_crs_object(file_crs.to_wkt()) if file_crs is not None else None
    wanted = to_crs_object(crs)
    if wanted is not None:
        if file_crs is None:
            notes.append(f"CRS set to {wanted.to_string()} as given")
        elif file_crs != wanted:
            notes.append(f"the file declares {file_crs.to_string()}; replaced by {wanted.to_string()} as given")
        file_crs = wanted
    elif file_crs is None:
        notes.append(NO_CRS_NOTE)
    stored["notes"] = notes
    return RasterLayer(data, transform, file_crs, name=name, nodata=nodata, source=source, kind=stored_kind,
                       metadata=stored, band_names=band_names)


def read_geotiff(path: Path, *, kind: str | None = None, crs: Any = None) -> list[RasterLayer]:
    """A GeoTIFF as one raster layer named after the file."""
    return [read_raster(str(path), source=str(path), name=path.stem, crs=crs, kind=kind)]
