"""Layers: a GeoDataFrame or a raster array with the display state a planner sets (visibility, opacity, style).

Layers are plain Python objects usable from a notebook. Changing an observed attribute emits a ``changed``
event on ``layer.events`` so a project (and through it the GUI) learns about it without polling.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from affine import Affine

from layers.errors import LayerError
from layers.events import Event, EventEmitter
from layers.i18n import translate

#: Attributes whose change is broadcast as a ``changed`` event (data changes go through ``touch``).
OBSERVED_ATTRIBUTES = frozenset({"name", "visible", "opacity", "style", "kind", "selection"})

_GEOMETRY_FAMILIES = {
    shapely.GeometryType.POINT: "point",
    shapely.GeometryType.MULTIPOINT: "point",
    shapely.GeometryType.LINESTRING: "line",
    shapely.GeometryType.MULTILINESTRING: "line",
    shapely.GeometryType.LINEARRING: "line",
    shapely.GeometryType.POLYGON: "polygon",
    shapely.GeometryType.MULTIPOLYGON: "polygon",
}


def _geometry_family(geometries: Any) -> str:
    """The one family of these geometries (missing ones ignored), "mixed", or "empty" when there are none."""
    type_ids = np.unique(shapely.get_type_id(np.asarray(geometries)))
    families = {_GEOMETRY_FAMILIES.get(shapely.GeometryType(t), "mixed") for t in type_ids if t >= 0}
    if not families:
        return "empty"
    return families.pop() if len(families) == 1 else "mixed"


def to_crs_object(crs: Any) -> pyproj.CRS | None:
    """Accept EPSG ints, 'EPSG:4326' strings, WKT or pyproj CRS; None stays None."""
    if crs is None:
        return None
    if isinstance(crs, pyproj.CRS):
        return crs
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise LayerError(None, translate("Layer", "unknown coordinate reference system {crs!r} ({problem})").format(
            crs=crs, problem=exc)) from exc


def _same(old: Any, new: Any) -> bool:
    if old is new:
        return True
    try:
        return bool(old == new)
    except (TypeError, ValueError):  # e.g. arrays, whose == has no single truth value: treat as changed
        return False


_L = TypeVar("_L", bound="Layer")


class Layer:
    """Common state of every layer: identity, display settings and free-form metadata.

    Setting a display attribute (name, visibility, opacity, style, ...) emits a ``changed`` event on
    ``events``, so views follow the model without polling.

    Parameters
    ----------
    name : str
        The name shown in the layer tree and used to find the layer in a project.
    source : str, optional
        The file (or database table) the layer was read from; None for a layer made in this session.
    kind : str, optional
        The municipal kind (``lamp_poles``, ``demand``, ... see ``layers.kinds``) whose fields it has.
    style : layers.styles.Style, optional
        How the layer is drawn; None lets the renderer choose ``layers.styles.default_style``.
    metadata : dict, optional
        Free-form metadata (provenance of a run, quantity and unit of a raster, load notes).
    """

    events: EventEmitter  # set first in __init__, past __setattr__, which emits on it

    def __init__(
        self,
        name: str,
        *,
        source: str | None = None,
        kind: str | None = None,
        style: Any = None,
        metadata: dict | None = None,
    ) -> None:
        object.__setattr__(self, "events", EventEmitter())
        self.id = uuid.uuid4().hex
        self.name = name
        self.source = source
        self.kind = kind
        self.visible = True
        self.opacity = 1.0
        self.style = style
        self.metadata = dict(metadata or {})
        # A list of its own: a reprojected or re-validated copy adds notes without writing into the original's.
        self.metadata["notes"] = list(self.metadata.get("notes") or [])
        self.selection: frozenset[int] = frozenset()
        self.data_version = 0

    def __setattr__(self, attribute: str, value: Any) -> None:
        if attribute == "opacity":
            value = float(value)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"layer '{self.name}': opacity must be between 0 and 1, got {value}")
        if attribute == "selection":
            value = frozenset(int(i) for i in value)
        changed = attribute in OBSERVED_ATTRIBUTES and not _same(getattr(self, attribute, None), value)
        object.__setattr__(self, attribute, value)
        if attribute == "gdf":
            object.__setattr__(self, "_geometry_type_cache", None)  # a new table: its geometry types are unknown
        if changed:
            self.events.emit(Event("changed", layer=self, attribute=attribute))

    def touch(self) -> None:
        """Record that the data itself changed, so renderers drop their caches."""
        self.data_version += 1
        self.events.emit(Event("changed", layer=self, attribute="data"))

    @property
    def notes(self) -> list[str]:
        """What loading or processing noticed about the layer (a missing .prj, a recoded field), for the planner."""
        return self.metadata["notes"]

    @property
    def crs(self) -> pyproj.CRS | None:  # pragma: no cover - overridden
        """The coordinate reference system, or None when the file declared none."""
        raise NotImplementedError

    def assign_crs(self, crs: Any) -> None:  # pragma: no cover - overridden
        """Say which CRS the coordinates are in, without reprojecting (QGIS's Set Layer CRS)."""
        raise NotImplementedError

    @property
    def extent(self) -> tuple[float, float, float, float]:  # pragma: no cover - overridden
        """(minx, miny, maxx, maxy) in the layer's CRS; NaNs for a layer without data."""
        raise NotImplementedError

    def to_crs(self, crs: Any) -> Layer:  # pragma: no cover - overridden
        """A copy of the layer in ``crs`` (an EPSG code, ``'EPSG:4547'``, WKT or a ``pyproj.CRS``)."""
        raise NotImplementedError

    def _copy_state_to(self, other: _L) -> _L:
        other.visible = self.visible
        other.opacity = self.opacity
        return other

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} kind={self.kind} crs={self.crs and self.crs.to_string()}>"


class VectorLayer(Layer):
    """Features in a GeoDataFrame (one geometry column, any attributes).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The features; the layer's CRS is the frame's.
    name : str
        The layer name.
    source, kind, style, metadata
        As for ``Layer``.

    Raises
    ------
    LayerError
        When ``gdf`` is not a GeoDataFrame.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> poles = VectorLayer(gpd.GeoDataFrame({"pole_id": ["P1"]}, geometry=[shapely.Point(0, 0)], crs=4547),
    ...                     "poles")
    >>> poles.fields, poles.geometry_type
    (['pole_id'], 'point')
    """

    def __init__(
        self,
        gdf: gpd.GeoDataFrame,
        name: str,
        *,
        source: str | None = None,
        kind: str | None = None,
        style: Any = None,
        metadata: dict | None = None,
    ) -> None:
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise LayerError(source, f"expected a GeoDataFrame, got {type(gdf).__name__}", layer=name)
        self.gdf = gdf
        super().__init__(name, source=source, kind=kind, style=style, metadata=metadata)

    @property
    def crs(self) -> pyproj.CRS | None:
        return self.gdf.crs

    @property
    def extent(self) -> tuple[float, float, float, float]:
        if len(self.gdf) == 0 or self.gdf.geometry.is_empty.all():
            return (np.nan, np.nan, np.nan, np.nan)
        minx, miny, maxx, maxy = self.gdf.total_bounds
        return (float(minx), float(miny), float(maxx), float(maxy))

    @property
    def fields(self) -> list[str]:
        """The attribute column names, without the geometry column."""
        return [c for c in self.gdf.columns if c != self.gdf.geometry.name]

    @property
    def geometry_type(self) -> str:
        """point, line, polygon, mixed or empty: the family, so multi-parts count with their singles.

        Remembered per data version: the layer tree asks on every repaint, and naming the types of a city's
        77,000 poles takes tens of milliseconds in the GUI thread."""
        key = (self.data_version, len(self.gdf))
        cached = getattr(self, "_geometry_type_cache", None)
        if cached is None or cached[0] != key:
            cached = (key, _geometry_family(self.gdf.geometry.array))
            object.__setattr__(self, "_geometry_type_cache", cached)
        return cached[1]

    def __len__(self) -> int:
        return len(self.gdf)

    def assign_crs(self, crs: Any) -> None:
        """Say which CRS the coordinates are in (QGIS's Set Layer CRS): nothing is reprojected."""
        self.gdf = self.gdf.set_crs(to_crs_object(crs), allow_override=True)
        self.touch()

    def to_crs(self, crs: Any) -> VectorLayer:
        """A new layer in ``crs`` with the same name, kind, style, metadata and display state (it shares the
        GeoDataFrame when the layer is already in ``crs``)."""
        target = to_crs_object(crs)
        if self.crs is None:
            raise LayerError(self.source, translate("Layer", "has no coordinate reference system; set one before "
                                                             "reprojecting"), layer=self.name)
        gdf = self.gdf if self.crs == target else self.gdf.to_crs(target)
        layer = VectorLayer(gdf, self.name, source=self.source, kind=self.kind, style=self.style,
                            metadata=dict(self.metadata))
        return self._copy_state_to(layer)


class RasterLayer(Layer):
    """A gridded layer held as an array of shape (bands, rows, cols) with its affine transform.

    Parameters
    ----------
    data : numpy.ndarray
        The cells, (rows, cols) for one band or (bands, rows, cols).
    transform : affine.Affine
        Cell indices to map coordinates, as rasterio gives it (north-up: ``e`` negative).
    crs
        The coordinate reference system (EPSG code, string, WKT, ``pyproj.CRS``) or None.
    name : str
        The layer name.
    nodata : float, optional
        The value of cells without data; masked by ``band``.
    band_names : list of str, optional
        One name per band (``band 1``, ... by default).
    source, kind, style, metadata
        As for ``Layer``.

    Raises
    ------
    LayerError
        When ``data`` is neither 2-D nor 3-D.
    """

    def __init__(
        self,
        data: np.ndarray,
        transform: Affine,
        crs: Any,
        *,
        name: str,
        nodata: float | None = None,
        source: str | None = None,
        kind: str | None = None,
        style: Any = None,
        metadata: dict | None = None,
        band_names: list[str] | None = None,
    ) -> None:
        array = np.asarray(data)
        if array.ndim == 2:
            array = array[np.newaxis, ...]
        if array.ndim != 3:
            raise LayerError(source, f"raster data must be 2-D or 3-D, got shape {array.shape}", layer=name)
        self._data: np.ndarray | None = array
        self._shape: tuple[int, int, int] = array.shape
        self._dtype: np.dtype = array.dtype  # a file-backed layer's, known before its cells are read
        #: For a file-backed layer (``file_backed``): reads (bands, rows, cols) of a pixel window, or all.
        self._reader: Callable[[tuple[int, int, int, int] | None], np.ndarray] | None = None
        self.transform = Affine(*transform[:6]) if not isinstance(transform, Affine) else transform
        self._crs = to_crs_object(crs)
        self.nodata = nodata
        self.band_names = list(band_names) if band_names else [f"band {i + 1}" for i in range(array.shape[0])]
        super().__init__(name, source=source, kind=kind, style=style, metadata=metadata)

    @classmethod
    def file_backed(cls, reader: Callable[[tuple[int, int, int, int] | None], np.ndarray],
                    shape: tuple[int, int, int], dtype: Any, transform: Affine, crs: Any, *, name: str,
                    **options: Any) -> RasterLayer:
        """A layer whose pixels stay in their file until used: ``data`` reads them all on first use, while
        ``read_window`` reads only the window asked for (a city's height raster is 300 MB; a street needs a few).
        ``reader(None)`` returns every pixel, ``reader((row0, row1, col0, col1))`` that window."""
        layer = cls(np.zeros((shape[0], 0, 0), dtype=dtype), transform, crs, name=name, **options)
        layer._data, layer._shape, layer._reader = None, (shape[0], shape[1], shape[2]), reader
        layer._dtype = np.dtype(dtype)
        return layer

    @property
    def dtype(self) -> np.dtype:
        """The cells' type, known without reading them."""
        return self._data.dtype if self._data is not None else self._dtype

    @property
    def data(self) -> np.ndarray:
        """Every cell, (bands, rows, cols); a file-backed layer reads its file on first use."""
        if self._data is None:
            self._data = self._read_file(None)
        return self._data

    @data.setter
    def data(self, array: np.ndarray) -> None:
        self._data, self._shape = array, array.shape

    def _read_file(self, window: tuple[int, int, int, int] | None) -> np.ndarray:
        """Pixels from the file of a layer without its array: only ``file_backed`` gives a layer no array."""
        assert self._reader is not None, "a raster layer without its array must be file-backed"
        return self._reader(window)

    @property
    def loaded(self) -> bool:
        """False while a file-backed layer has not read its pixels."""
        return self._data is not None

    def read_window(self, bounds: tuple[float, float, float, float]) -> RasterLayer:
        """The cells covering ``bounds`` (clipped to the raster) as an in-memory layer with the same name, CRS,
        no-data and kind; from the file alone when the layer is file-backed and not yet loaded."""
        t = self.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            return self
        col0 = int(np.clip(np.floor((bounds[0] - t.c) / t.a), 0, self.width))
        col1 = int(np.clip(np.ceil((bounds[2] - t.c) / t.a), 0, self.width))
        row0 = int(np.clip(np.floor((t.f - bounds[3]) / -t.e), 0, self.height))
        row1 = int(np.clip(np.ceil((t.f - bounds[1]) / -t.e), 0, self.height))
        window = self.read_pixels(row0, row1, col0, col1)
        return RasterLayer(window, t @ Affine.translation(col0, row0), self.crs, name=self.name,
                           nodata=self.nodata, source=self.source, kind=self.kind, style=self.style,
                           metadata=dict(self.metadata), band_names=self.band_names)

    def read_pixels(self, row0: int, row1: int, col0: int, col1: int) -> np.ndarray:
        """Rows ``row0:row1`` and columns ``col0:col1`` of every band (clipped to the raster), from the file alone
        when the layer is file-backed and not yet loaded."""
        row0, row1 = int(np.clip(row0, 0, self.height)), int(np.clip(row1, 0, self.height))
        col0, col1 = int(np.clip(col0, 0, self.width)), int(np.clip(col1, 0, self.width))
        row1, col1 = max(row1, row0), max(col1, col0)
        if self._data is None:
            return self._read_file((row0, row1, col0, col1))
        return self._data[:, row0:row1, col0:col1]

    def sample(self, max_cells: int, windows: int = 4) -> np.ndarray:
        """At most ``max_cells`` cells a band, (bands, rows, cols): the whole raster when it is that small, else
        ``windows`` x ``windows`` square windows spread evenly over it, stacked. Statistics such as a style's
        stretch need the values' spread, not all 300 MB of a city raster; windows (unlike every n-th cell) let a
        file-backed layer decode only the file blocks under them."""
        if self.width * self.height <= max_cells:
            return self.read_pixels(0, self.height, 0, self.width)
        edge = max(1, min(int(np.sqrt(max_cells) / windows), self.height // windows, self.width // windows))
        parts = []
        for i in range(windows):
            row0 = int((i + 0.5) * self.height / windows) - edge // 2
            for j in range(windows):
                col0 = int((j + 0.5) * self.width / windows) - edge // 2
                parts.append(self.read_pixels(row0, row0 + edge, col0, col0 + edge))
        return np.concatenate(parts, axis=1)

    @property
    def crs(self) -> pyproj.CRS | None:
        return self._crs

    def assign_crs(self, crs: Any) -> None:
        """Say which CRS the cells are in (QGIS's Set Layer CRS): the grid and its transform stay as they are."""
        self._crs = to_crs_object(crs)
        self.touch()

    @property
    def count(self) -> int:
        """The number of bands."""
        return self._shape[0]

    @property
    def height(self) -> int:
        """The number of rows."""
        return self._shape[1]

    @property
    def width(self) -> int:
        """The number of columns."""
        return self._shape[2]

    @property
    def res(self) -> tuple[float, float]:
        """The cell size (x, y) in CRS units, both positive."""
        return (abs(self.transform.a), abs(self.transform.e))

    @property
    def extent(self) -> tuple[float, float, float, float]:
        xs = [self.transform.c, self.transform.c + self.transform.a * self.width]
        ys = [self.transform.f, self.transform.f + self.transform.e * self.height]
        return (min(xs), min(ys), max(xs), max(ys))

    def band(self, index: int = 1) -> np.ma.MaskedArray:
        """Band ``index`` (1-based, as in GDAL) with no-data and NaN masked."""
        if not 1 <= index <= self.count:
            raise LayerError(self.source, translate("Layer", "has {count} band(s); band {band} does not exist").format(
                count=self.count, band=index), layer=self.name)
        return self.masked(self.data[index - 1])

    def masked(self, values: np.ndarray) -> np.ma.MaskedArray:
        """``values`` of this layer (a band, a window or a ``sample`` of one) with no-data and NaN masked."""
        mask = ~np.isfinite(values) if np.issubdtype(values.dtype, np.floating) else np.zeros(values.shape, bool)
        if self.nodata is not None and not (isinstance(self.nodata, float) and np.isnan(self.nodata)):
            mask |= values == self.nodata
        return np.ma.MaskedArray(values, mask=mask)

    def to_crs(self, crs: Any, *, resampling: str = "nearest") -> RasterLayer:
        """The raster warped to ``crs`` (the layer itself when already there); ``resampling`` is a rasterio name."""
        from rasterio.enums import Resampling
        from rasterio.warp import calculate_default_transform, reproject

        if resampling not in Resampling.__members__:
            raise ValueError(f"layer '{self.name}': resampling {resampling!r} is not one of "
                             f"{', '.join(Resampling.__members__)}")
        target = to_crs_object(crs)
        if self.crs is None:
            raise LayerError(self.source, translate("Layer", "has no coordinate reference system; set one before "
                                                             "reprojecting"), layer=self.name)
        if self.crs == target:
            return self
        left, bottom, right, top = self.extent
        transform, width, height = calculate_default_transform(
            self.crs, target, self.width, self.height, left=left, bottom=bottom, right=right, top=top
        )
        nodata = self.nodata
        if nodata is None:
            nodata = np.nan if np.issubdtype(self.data.dtype, np.floating) else 0
        out = np.full((self.count, height, width), nodata, dtype=self.data.dtype)
        reproject(
            self.data, out, src_transform=self.transform, src_crs=self.crs, dst_transform=transform,
            dst_crs=target, src_nodata=nodata, dst_nodata=nodata, resampling=Resampling[resampling],
        )
        layer = RasterLayer(out, transform, target, name=self.name, nodata=nodata, source=self.source,
                            kind=self.kind, style=self.style, metadata=dict(self.metadata),
                            band_names=self.band_names)
        return self._copy_state_to(layer)
