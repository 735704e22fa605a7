"""Level of detail for a city-sized web map: each layer drawn per zoom band, each band cut into spatial chunks
that the page decodes only when the view reaches them.

A city (77,525 poles, 65,075 buildings) cannot be drawn whole by a browser at once, nor mailed as 34 MB of
GeoJSON. So the zooms of the page are split into bands that start at the zoom fitting the extent:

- band 0 (the whole city): large point layers gathered into ``aggregate_px`` cells (the count in the popup), large
  line and polygon layers as one picture of the extent each (one image instead of 80,000 paths to build and draw);
- middle bands: points gathered into smaller cells, lines and polygons simplified to the band's pixel size where
  that drops vertices (else they are drawn whole from that band on);
- the last band: every feature, simplified only by ``simplify_m``.

Rasters (coverage of a whole city) are an overview picture in band 0, then per band a picture at the band's pixel
size cut into tiles, until their own pixels are reached (or ``raster_pixels`` per band).

A band's features are grouped by Web Mercator cells about ``chunk_px`` pixels wide at the band's first zoom, so a
view needs a few chunks. Each chunk is gzip-compressed GeoJSON in base64 (the page inflates it with the
browser's DecompressionStream): the whole city stays one self-contained file of a few megabytes.
"""

from __future__ import annotations

import base64
import gzip
import io
import math
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from PIL import Image

from layers.layer import RasterLayer, VectorLayer
from workbench.export.web_features import (
    AGGREGATE_FIELD,
    WebFeatures,
    aggregate_points,
    feature_collection,
    field_headings,
    metres_in,
    simplified,
    web_features,
)
from workbench.export.web_raster import WebRaster, native_mercator_px, tiles, vector_picture, web_raster

#: Web Mercator metres per pixel at zoom 0 (256-pixel tiles).
MERCATOR_PX0 = 2 * math.pi * 6_378_137.0 / 256.0
_TO_MERCATOR = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


@dataclass(frozen=True)
class ZoomBand:
    """Page zooms from ``zoom`` on (the first band: every zoom below the next band), where a pixel covers
    ``pixel_m`` metres of ground; ``full`` is the last band, which draws every feature."""

    zoom: float
    pixel_m: float
    full: bool

    @property
    def mercator_px(self) -> float:
        return MERCATOR_PX0 / 2.0 ** self.zoom


@dataclass
class LodOptions:
    """How a city's layers are thinned; see ``WebMapOptions`` for the values the export uses."""

    width_px: int
    steps: tuple[float, ...]
    aggregate_threshold: int
    aggregate_px: int
    chunk_px: int
    simplify_m: float
    raster_pixels: int = 8_000_000


def zoom_bands(extent: tuple[float, float, float, float], crs: pyproj.CRS, options: LodOptions) -> list[ZoomBand]:
    """Band 0 at the zoom where ``extent`` (in ``crs``, metres) is ``width_px`` wide, then one band per step."""
    west, _, east, _ = pyproj.Transformer.from_crs(crs, "EPSG:3857", always_xy=True).transform_bounds(
        *extent, densify_pts=21)
    zoom0 = math.log2(MERCATOR_PX0 * options.width_px / (east - west))
    ground_px0 = (extent[2] - extent[0]) / options.width_px
    zooms = (0.0, *options.steps)
    return [ZoomBand(zoom0 + step, ground_px0 / 2.0 ** step, i == len(zooms) - 1) for i, step in enumerate(zooms)]


def packed(text: str) -> str:
    """gzip + base64 of ``text`` (mtime 0: the same map gives the same file)."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)).decode("ascii")


def png_data_url(rgba: np.ndarray) -> str:
    """An RGBA picture as a palette PNG ``data:`` URL, about five times smaller than full RGBA: exact when it has
    at most 256 colours (raster classes), else the 256 an octree picks (a map picture's antialiased edges)."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    colours, index = np.unique(rgba.view(np.uint32).reshape(-1), return_inverse=True)
    extra = {}
    if len(colours) <= 256:
        table = colours.view(np.uint8).reshape(-1, 4)
        image = Image.fromarray(index.reshape(rgba.shape[:2]).astype(np.uint8), "P")
        image.putpalette(table[:, :3].tobytes(), rawmode="RGB")
        extra["transparency"] = table[:, 3].tobytes()
    else:
        image = Image.fromarray(rgba, "RGBA").quantize(256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True, **extra)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_chunk(picture: WebRaster) -> dict:
    (south, west), (north, east) = picture.bounds
    return {"b": [[south, west], [north, east]], "img": png_data_url(picture.rgba)}


def feature_chunks(features: WebFeatures, band: ZoomBand, chunk_px: int) -> list[dict]:
    """``features`` grouped by the Web Mercator cell of their bounding box's centre (cells ``chunk_px`` pixels of
    ``band`` wide; 0: one chunk); each chunk has its WGS84 bounds ``b`` and packed GeoJSON ``d``."""
    if not features.texts:
        return []
    bounds = features.bounds
    if not chunk_px:
        keys = np.zeros(len(bounds), dtype=np.int64)
    else:
        x, y = _TO_MERCATOR.transform((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)
        size = chunk_px * band.mercator_px
        cells = np.column_stack([np.floor(np.asarray(x) / size), np.floor(np.asarray(y) / size)]).astype(np.int64)
        _, keys = np.unique(cells, axis=0, return_inverse=True)
        keys = keys.ravel()
    chunks = []
    for key in range(int(keys.max()) + 1):
        rows = np.flatnonzero(keys == key)
        west, south = bounds[rows, 0].min(), bounds[rows, 1].min()
        east, north = bounds[rows, 2].max(), bounds[rows, 3].max()
        chunks.append({"b": [[float(south), float(west)], [float(north), float(east)]],
                       "d": packed(feature_collection([features.texts[i] for i in rows.tolist()]))})
    return chunks


def _points_only(layer: VectorLayer) -> bool:
    return bool(np.isin(shapely.get_type_id(layer.gdf.geometry.to_numpy()), (0, 4)).all())


@dataclass
class LodLayer:
    """What the page's ``Lamplight.lodLayer`` draws for one layer: ``bands`` from the coarsest, and how many of
    the layer's features the last band holds (every feature its style draws)."""

    bands: list[dict]
    feature_count: int


def lod_layer(layer: VectorLayer, fields: list[str], bands: list[ZoomBand], options: LodOptions,
              extent: tuple[float, float, float, float], crs: pyproj.CRS) -> LodLayer:
    """The bands of one vector layer, every point drawn on the map's canvas (no page element per marker). A point
    layer of at most ``aggregate_threshold`` features is one band (drawn whole at every zoom). Lines and polygons
    are a picture in band 0, all of them, so that they keep their drawing order among themselves (pictures lie
    under the canvas the points are drawn on). A band where simplifying would keep most vertices (rectangular
    buildings, two-point street segments) draws every feature already and ends the list: the file holds each
    feature at full detail once."""
    points = _points_only(layer)
    if points and len(layer.gdf) <= options.aggregate_threshold:
        features = web_features(layer, fields, shaped_markers=False)
        return LodLayer([_entry(None, features, layer, feature_chunks(features, bands[0], 0))],
                        len(features.texts))
    entries: list[dict] = []
    for i, band in enumerate(bands):
        first, chunk_px = (None, 0) if i == 0 else (band.zoom, options.chunk_px)
        if i == 0 and not points:
            entries.append(_picture_entry(None, [vector_picture(layer, extent, crs, options.width_px)]))
            continue
        if band.full or (not points and not _simplifies(layer, metres_in(layer.crs, band.pixel_m))):
            features = web_features(layer, fields, simplify_m=options.simplify_m, shaped_markers=False)
            entries.append(_entry(first, features, layer, feature_chunks(features, band, chunk_px)))
            return LodLayer(entries, len(features.texts))
        if points:
            merged = aggregate_points(layer, metres_in(layer.crs, band.pixel_m * options.aggregate_px))
            style_field = [merged.style.field] if merged.style.field else []
            features = web_features(merged, [AGGREGATE_FIELD, *style_field], shaped_markers=False)
        else:
            features = web_features(layer, fields, simplify_m=band.pixel_m, shaped_markers=False)
        entries.append(_entry(first, features, layer, feature_chunks(features, band, chunk_px)))
    raise ValueError("the last zoom band must be the full one")


#: A band simplifies a layer when it drops at least this share of the vertices; else it draws them all.
SIMPLIFY_GAIN = 0.2


def _simplifies(layer: VectorLayer, tolerance: float) -> bool:
    geometries = layer.gdf.geometry.to_numpy()
    before = int(shapely.get_num_coordinates(geometries).sum())
    after = int(shapely.get_num_coordinates(simplified(geometries, tolerance)).sum())
    return after <= (1.0 - SIMPLIFY_GAIN) * before


def _entry(min_zoom: float | None, features: WebFeatures, layer: VectorLayer, chunks: list[dict]) -> dict:
    return {"minZoom": min_zoom, "styles": features.styles, "fields": field_headings(layer, features.fields),
            "chunks": chunks}


def lod_raster(layer: RasterLayer, bands: list[ZoomBand], options: LodOptions, max_pixels: int) -> list[dict]:
    """The bands of a raster layer: band 0 the whole layer at most ``max_pixels`` wide, then the layer at each
    band's pixel size (never finer than its own pixels, nor than ``raster_pixels`` allow) in ``chunk_px`` tiles;
    a band that would add no detail ends the list."""
    overview = web_raster(layer, max_pixels=max_pixels)
    entries = [_picture_entry(None, [overview])]
    shown = _mercator_px(overview)
    native = native_mercator_px(layer)
    (south, west), (north, east) = overview.bounds
    (mx0, mx1), (my0, my1) = _TO_MERCATOR.transform([west, east], [south, north])
    affordable = math.sqrt((mx1 - mx0) * (my1 - my0) / options.raster_pixels)
    for band in bands[1:]:
        size = max(band.mercator_px, native, affordable)
        if size >= 0.99 * shown:
            break
        entries.append(_picture_entry(band.zoom, tiles(web_raster(layer, mercator_px=size), options.chunk_px)))
        shown = size
    return entries


def _mercator_px(picture: WebRaster) -> float:
    (south, west), (north, east) = picture.bounds
    (mx0, mx1), _ = _TO_MERCATOR.transform([west, east], [south, north])
    return (mx1 - mx0) / picture.rgba.shape[1]


def _picture_entry(min_zoom: float | None, pictures: list[WebRaster]) -> dict:
    return {"minZoom": min_zoom, "styles": [], "fields": [], "chunks": [image_chunk(p) for p in pictures]}
