"""Read a vector layer through pyogrio's Arrow stream batch by batch, so no single call holds the GIL long.

``pyogrio.read_dataframe(use_arrow=True)`` turns the whole Arrow table into pandas and decodes every WKB
geometry in one ``shapely.from_wkb`` call: both hold the GIL for the whole layer (about 0.3 s for the 77,525
poles of a city), so the window freezes while a worker thread opens a project. Here each batch of
``BATCH_ROWS`` features is converted and decoded on its own, and only one batch's Arrow buffers and WKB bytes
exist at a time, which also lowers the reading's memory peak. The frame is the one ``read_dataframe`` returns:
columns pyogrio converts as a whole (datetimes, whose time zones it reconciles across the column, and JSON) are
read by pyogrio itself in a second pass of those columns only.

The other long hold is the cyclic garbage collector: shapely geometries are tracked objects, so reading a
city creates hundreds of thousands of them, and each full collection this triggers scans every tracked object
of the process with the GIL held (0.2-0.6 s at city size on a busy machine, in whichever thread allocated).
While a layer of more than one batch is read, automatic collection is paused; afterwards the objects alive
move straight to the oldest generation (``gc.freeze`` then ``gc.unfreeze``: no scan, and they do not count
towards the next full collection, which comes when it would have come without them). Nothing stays frozen:
a project closed later is still collected (its layers sit in reference cycles).

Without Arrow (a shapefile whose .dbf is in another encoding than UTF-8, e.g. GBK) pyogrio's read of the whole
layer is one call; ``read_dataframe_ranges`` reads it ``RANGE_ROWS`` features at a time instead.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely
from geopandas.array import from_shapely

#: Features per Arrow batch and per ``shapely.from_wkb`` call: 5,000 polygons decode in about 3 ms of CPU, which
#: a busy machine stretches several times; the total barely depends on it (1M points: the same at 5,000 as at
#: 20,000).
BATCH_ROWS = 5_000

#: Features per call when reading without Arrow (a shapefile in another encoding than UTF-8): pyogrio's own
#: reading holds the GIL for all of them, about 8 ms of CPU per 1,000 features with attributes.
RANGE_ROWS = 2_000

_collector_lock = threading.Lock()
_collector = {"reads": 0, "paused": False}   # big reads under way; whether they switched collection off


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Automatic garbage collection off while big reads run (in any thread), the young objects moved to the
    oldest generation after the last; nothing changes when the application had switched collection off."""
    with _collector_lock:
        if _collector["reads"] == 0 and gc.isenabled():
            gc.disable()
            _collector["paused"] = True
        _collector["reads"] += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector["reads"] -= 1
            if _collector["reads"] == 0 and _collector["paused"]:
                _collector["paused"] = False
                if gc.get_freeze_count() == 0:     # the application keeps nothing frozen that this would thaw
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()


def _whole_column_fields(meta: dict[str, Any]) -> list[str]:
    """Fields ``read_dataframe`` converts across the whole column after reading (see the module docstring)."""
    return [str(field) for field, dtype, subtype in zip(meta["fields"], meta["dtypes"], meta["ogr_subtypes"],
                                                         strict=True)
            if (dtype is not None and dtype.startswith("datetime") and dtype != "datetime64[D]")
            or subtype == "OFSTJSON"]


def _read_whole(frame: pd.DataFrame, source: str, fields: list[str], **options: Any) -> None:
    """Put into ``frame`` the ``fields`` pyogrio converts across the whole column, read by pyogrio in one pass of
    those columns only (no geometry)."""
    if fields:
        converted = pyogrio.read_dataframe(source, columns=fields, read_geometry=False, **options)
        for field in fields:
            frame[field] = converted[field]


def _wkb(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The WKB of an Arrow column as an object array of bytes (None where null), as ``from_wkb`` takes it."""
    if isinstance(column.type, pa.BaseExtensionType):   # geoarrow.wkb, when an extension type is registered
        column = column.storage
    return column.to_numpy(zero_copy_only=False)


def read_dataframe_batched(source: str, *, layer: str | None = None,
                           batch_rows: int = BATCH_ROWS) -> gpd.GeoDataFrame | pd.DataFrame:
    """``pyogrio.read_dataframe(source, layer=layer, use_arrow=True)``, read and decoded ``batch_rows`` at a time.

    Raises what pyogrio raises (the caller names the file)."""
    with ExitStack() as paused, pyogrio.open_arrow(source, layer=layer, batch_size=batch_rows, use_pyarrow=True,
                                                  datetime_as_string=True) as (meta, reader):
        geometry_name = meta["geometry_name"] or "wkb_geometry"
        if geometry_name not in reader.schema.names:    # a table without geometry: small, and pyogrio's own
            return pyogrio.read_dataframe(source, layer=layer, use_arrow=True)
        frames: list[pd.DataFrame] = []
        geometries: list[np.ndarray] = []
        for batch in reader:
            if len(geometries) == 1:                    # a second batch: a big read (see the module docstring)
                paused.enter_context(_collector_paused())
            geometries.append(shapely.from_wkb(_wkb(batch.column(geometry_name))))
            attributes = pa.Table.from_batches([batch.drop_columns([geometry_name])])
            del batch
            frames.append(attributes.to_pandas(self_destruct=True))
            del attributes
    if not frames:                                      # no features: the empty frame with pyogrio's dtypes
        return pyogrio.read_dataframe(source, layer=layer, use_arrow=True)
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    del frames
    _read_whole(frame, source, _whole_column_fields(meta), layer=layer, use_arrow=True)
    # a GeometryArray, not the object array: pandas would copy that, then geopandas again (16 MB per million)
    frame["geometry"] = from_shapely(np.concatenate(geometries) if len(geometries) > 1 else geometries[0],
                                     crs=meta["crs"])
    return gpd.GeoDataFrame(frame, geometry="geometry")


def _as_one_read(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """``frames`` with the dtypes one read gives. Without Arrow, pyogrio reads an integer or boolean field with
    nulls as float64, so a field that was float64 in some ranges (its nulls were there) is float64 in all; a
    range where a field is all null (object, or float64 for numbers) takes the dtype the other ranges agree on."""
    for column in frames[0].columns:
        kinds = {frame[column].dtype for frame in frames}
        if len(kinds) < 2:
            continue
        filled = {frame[column].dtype for frame in frames if frame[column].notna().any()}
        wanted = np.dtype(np.float64) if np.dtype(np.float64) in kinds else filled.pop() if len(filled) == 1 else None
        if wanted is not None:
            for frame in frames:
                frame[column] = frame[column].astype(wanted)
    return frames


def read_dataframe_ranges(source: str, *, layer: str | None = None, encoding: str | None = None,
                          range_rows: int = RANGE_ROWS) -> gpd.GeoDataFrame | pd.DataFrame:
    """``pyogrio.read_dataframe(source, layer=layer, encoding=encoding)`` without Arrow (which reads UTF-8 only),
    ``range_rows`` features per call (``skip_features``: a shapefile seeks to a feature through its index).

    Datetime fields, which pyogrio parses across the whole column, are read whole in a pass of their own.
    Raises what pyogrio raises (the caller names the file)."""
    info = pyogrio.read_info(source, layer=layer, encoding=encoding)
    count = int(info["features"])
    if count <= range_rows:                             # also -1: a count the driver does not know
        return pyogrio.read_dataframe(source, layer=layer, encoding=encoding)
    fields = [str(field) for field in info["fields"]]
    whole = [field for field, dtype in zip(fields, info["dtypes"], strict=True) if str(dtype).startswith("datetime")]
    rest = [field for field in fields if field not in whole]
    frames = []
    with _collector_paused():
        for start in range(0, count, range_rows):
            frames.append(pyogrio.read_dataframe(source, layer=layer, encoding=encoding, columns=rest,
                                                 skip_features=start, max_features=range_rows))
    frame = pd.concat(_as_one_read(frames), ignore_index=True)
    del frames
    _read_whole(frame, source, whole, layer=layer, encoding=encoding)
    if not isinstance(frame, gpd.GeoDataFrame):         # no geometry column: a table, as pyogrio returns it
        return pd.DataFrame(frame[fields])
    return gpd.GeoDataFrame(frame[[*fields, frame.geometry.name]], geometry=frame.geometry.name, crs=frame.crs)
