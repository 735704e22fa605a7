"""Raster reader: GeoTIFF files and raster tables of a GeoPackage, through rasterio.

A raster without a CRS loads (the planner can set it) with a note saying so, like a shapefile without .prj.
Lamplight's rasters are north-up grids: a file stored bottom-up or right-to-left is flipped with a note; a
rotated or sheared grid, or one with zero-size pixels, is refused (warping it is the planner's choice).
Files are opened only by their own driver (``layers.io.gdal_open``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.io import metadata as tags
from layers.io.gdal_errors import wrap
from layers.io.gdal_open import GPKG_DRIVER, GTIFF_DRIVER, check_file, check_side_files, open_raster
from layers.kinds import RASTER_KINDS, detect_raster_kind, looks_like_terrain, terrain_note
from layers.layer import RasterLayer, to_crs_object

NO_CRS_NOTE = QT_TRANSLATE_NOOP("raster", "the raster has no coordinate reference system; set the CRS in the "
                                          "layer properties before using it with other layers")
_FLIPPED_ROWS = QT_TRANSLATE_NOOP("raster", "the raster is stored bottom-up (south in the first row); its rows "
                                            "were flipped to north-up")
_FLIPPED_COLUMNS = QT_TRANSLATE_NOOP("raster", "the raster is stored right-to-left (east in the first column); "
                                               "its columns were flipped to west-to-east")


def north_up(data: np.ndarray, transform: Affine, source: str, name: str) -> tuple[np.ndarray, Affine, list[str]]:
    """``data`` and ``transform`` as a north-up grid, with a note per flip made; a LayerError for a grid that
    cannot be one (rotation or shear terms, zero-size or non-finite pixels). The identity transform is what
    rasterio gives a file with no georeferencing at all: kept as it was."""
    if transform == Affine.identity():
        return data, transform, []
    a, b, c, d, e, f = transform[:6]
    if not all(math.isfinite(value) for value in (a, b, c, d, e, f)):
        raise LayerError(source, translate("raster", "its georeferencing holds values that are not numbers "
                                                     "({transform}); the file is damaged").format(
            transform=", ".join(f"{value:g}" for value in (a, b, c, d, e, f))), layer=name)
    if b != 0 or d != 0:
        raise LayerError(source, translate("raster", "is rotated or sheared (its geotransform has rotation terms "
                                                     "{b:g} and {d:g}); Lamplight needs a north-up raster: warp it "
                                                     "first, e.g. gdalwarp").format(b=b, d=d), layer=name)
    if a == 0 or e == 0:
        problem = translate("raster", "has zero-size pixels (pixel width {a:g}, height {e:g}); its georeferencing "
                                      "is damaged")
        raise LayerError(source, problem.format(a=abs(a), e=abs(e)), layer=name)
    notes = []
    if e > 0:
        data, f, e = data[:, ::-1, :], f + e * data.shape[1], -e
        notes.append(translate("raster", _FLIPPED_ROWS))
    if a < 0:
        data, c, a = data[:, :, ::-1], c + a * data.shape[2], -a
        notes.append(translate("raster", _FLIPPED_COLUMNS))
    return np.ascontiguousarray(data) if notes else data, Affine(a, 0.0, c, 0.0, e, f), notes


class WindowReader:
    """Reads the pixels of a north-up raster file on demand (all, or a window), for ``RasterLayer.file_backed``.
    Picklable (a path, not an open dataset), so a distributed worker can read its own window from the file.

    The file's size and modification time are taken when it is opened: a file deleted, moved or rewritten
    since then is refused with a message naming it, rather than mixing pixels of two versions in one layer."""

    def __init__(self, path: str, table: str | None, side_files: bool, source: str, name: str = "") -> None:
        self.path, self.table, self.side_files, self.source, self.name = path, table, side_files, source, name
        self.stamp = _stamp(path)

    def __call__(self, window: tuple[int, int, int, int] | None) -> np.ndarray:
        from rasterio.windows import Window

        self._check_unchanged()
        driver = GTIFF_DRIVER if self.table is None else GPKG_DRIVER
        try:
            with open_raster(self.path, driver, table=self.table, side_files=self.side_files) as src:
                if window is None:
                    return src.read()
                row0, row1, col0, col1 = window
                return src.read(window=Window(col0, row0, col1 - col0, row1 - row0))
        except (rasterio.errors.RasterioError, OSError) as exc:
            raise wrap(exc, self.source, "raster") from exc

    def _check_unchanged(self) -> None:
        stamp = _stamp(self.path)
        if stamp is None:
            raise LayerError(self.source, translate("raster", "the raster's file is no longer there (moved or "
                                                              "deleted since it was opened), so its pixels cannot "
                                                              "be read: restore the file or remove the layer"),
                             layer=self.name or None)
        if stamp != self.stamp:
            raise LayerError(self.source, translate("raster", "the raster's file was changed on disk since it was "
                                                              "opened; open it again to use the new pixels"),
                             layer=self.name or None)


def _stamp(path: str) -> tuple[int, int] | None:
    """(size, modification time in ns) of ``path``; None when it is gone."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def read_raster(path: str, *, source: str, name: str, crs: Any = None, kind: str | None = None,
                table: str | None = None, side_files: bool = True, lazy: bool | None = None) -> RasterLayer:
    """All bands of one raster dataset, with nodata, band names and stored Lamplight metadata.

    ``path`` is a GeoTIFF, or with ``table`` the GeoPackage holding that raster table (already checked by the
    GeoPackage reader). ``side_files=False`` for files Lamplight wrote itself (see ``gdal_open.NO_SIDE_FILES``).
    A north-up raster of more than ``LAZY_CELLS`` cells a band (or any with ``lazy=True``) keeps its pixels in
    the file (``RasterLayer.file_backed``): ``data`` reads them all on first use, ``read_window`` /
    ``read_pixels`` only what a coverage tile or a small area needs (a city's height raster is 300 MB). The
    value-based terrain notes look at a sample of ``NOTE_CELLS`` cells. A smaller raster, one stored bottom-up
    or right-to-left, and ``lazy=False`` (a temporary copy deleted after opening) are read whole at once.
    """
    if kind and kind not in RASTER_KINDS:
        raise LayerError(source, translate("raster", "kind '{kind}' describes vector features; a raster cannot have "
                                                     "it (raster kinds: {kinds})").format(
            kind=kind, kinds=", ".join(RASTER_KINDS)), layer=name)
    if table is None:
        check_file(path, GTIFF_DRIVER, source=source, layer=name if source != path else None)  # a file is its layer
        if side_files:
            check_side_files(path, layer=name)
    try:
        driver = GTIFF_DRIVER if table is None else GPKG_DRIVER
        with open_raster(path, driver, table=table, side_files=side_files) as src:
            t = src.transform
            lazy = src.width * src.height > LAZY_CELLS if lazy is None else lazy
            lazy = lazy and t.b == 0 and t.d == 0 and t.a > 0 and t.e < 0  # flipped files are read whole
            shape, dtype = (src.count, src.height, src.width), src.dtypes[0]
            data = None if lazy else src.read()
            stored, stored_kind = tags.decode(src.tags())
            file_crs = src.crs
            transform, nodata = src.transform, src.nodata
            band_names = [d or f"band {i + 1}" for i, d in enumerate(src.descriptions)]
    except (rasterio.errors.RasterioError, OSError) as exc:
        raise wrap(exc, source, "raster") from exc
    notes: list[str] = []
    if data is not None:
        data, transform, notes = north_up(data, transform, source, name)
    file_crs = to_crs_object(file_crs.to_wkt()) if file_crs is not None else None
    wanted = to_crs_object(crs)
    if wanted is not None:
        if file_crs is None:
            notes.append(translate("LayerFinish", "CRS set to {crs} as given").format(crs=wanted.to_string()))
        elif file_crs != wanted:
            notes.append(translate("LayerFinish", "the file declares {declared}; replaced by {crs} as given").format(
                declared=file_crs.to_string(), crs=wanted.to_string()))
        file_crs = wanted
    elif file_crs is None:
        notes.append(translate("raster", NO_CRS_NOTE))
    stored["notes"] = notes
    options = {"nodata": nodata, "source": source, "kind": kind or stored_kind or detect_raster_kind(name),
               "metadata": stored, "band_names": band_names}
    if data is None:
        layer = RasterLayer.file_backed(WindowReader(path, table, side_files, source, name), shape, dtype,
                                        transform, file_crs, name=name, **options)
    else:
        layer = RasterLayer(data, transform, file_crs, name=name, **options)
    layer.notes.extend(_terrain_notes(layer))
    return layer


#: Cells the terrain notes of a raster look at (16 windows spread over a larger raster).
NOTE_CELLS = 1_000_000
#: Cells a band above which a raster is left in its file by default (4 MB of float32: less is read at once).
LAZY_CELLS = 1_000_000


def _terrain_notes(layer: RasterLayer) -> list[str]:
    """A terrain model going below sea level is noted; an undeclared raster that looks like one is pointed out
    (it is not taken as terrain on its values alone: a DSM above sea level looks the same). The values looked
    at are a sample of ``NOTE_CELLS`` (``RasterLayer.sample``), read whole or not: masking and copying all of a
    city raster's 75 M cells to look at them took 1 GB beside its 300 MB."""
    if layer.count != 1:
        return []
    values = layer.masked(layer.sample(NOTE_CELLS)[0])
    if layer.kind == "terrain":
        note = terrain_note(layer.name, values)
        return [note] if note else []
    if layer.kind is None and looks_like_terrain(values):
        return [translate("raster", "its values look like ground elevation (all above sea level, with relief): if "
                                    "it is a terrain model (DEM), set its kind to terrain")]
    return []


def read_geotiff(path: Path, *, kind: str | None = None, crs: Any = None) -> list[RasterLayer]:
    """A GeoTIFF as one raster layer named after the file."""
    return [read_raster(str(path), source=str(path), name=path.stem, crs=crs, kind=kind)]
