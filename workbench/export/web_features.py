"""Turn a vector layer into compact GeoJSON for the browser: WGS84, styled by index, popup values as plain text.

Each feature carries only ``s`` (an index into the layer's style table) and ``p`` (the chosen fields' values as
display strings), so a 3,000-pole layer stays a few hundred kilobytes. Values are never turned into markup here
or in the page: the page writes them with ``textContent``, so ``<script>`` in an attribute shows as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from layers.default_styles import default_style
from layers.errors import LayerError
from layers.i18n import translate
from layers.kinds import KINDS
from layers.layer import VectorLayer
from layers.styles import Categorized, Graduated, SingleSymbol, Symbol
from workbench.export.values import display_value, field_heading
from workbench.export.web_styles import leaflet_style, marker_outline, marker_svg

WGS84 = "EPSG:4326"
#: Decimal places kept for longitude/latitude: 1e-6 degrees is about 0.1 m, finer than any municipal survey.
COORDINATE_DECIMALS = 6
#: The most a rounded position moves: half the last decimal in longitude and latitude, 111 km per degree.
COORDINATE_TOLERANCE_M = 0.5 * 10.0 ** -COORDINATE_DECIMALS * 111_320.0 * 2 ** 0.5
MAX_DEFAULT_FIELDS = 6

#: shapely geometry type ids (Point, LineString, LinearRing, Polygon, Multi...) to the family a style draws.
_FAMILY_OF_TYPE_ID = {0: "point", 1: "line", 2: "line", 3: "polygon", 4: "point", 5: "line", 6: "polygon"}


@dataclass
class WebLayerData:
    """What the page needs for one vector layer."""

    geojson: str
    styles: list[dict]
    fields: list[str]
    feature_count: int


def vector_style(layer: VectorLayer) -> SingleSymbol | Categorized | Graduated:
    """The layer's own style when it can be applied, else the default for its kind (never fails to draw)."""
    style = layer.style
    usable = isinstance(style, SingleSymbol | Categorized | Graduated)
    if usable and (style.field is None or style.field in layer.gdf.columns):
        return style
    fallback = default_style(layer)
    return fallback if isinstance(fallback, SingleSymbol | Categorized | Graduated) else SingleSymbol(Symbol())


def feature_symbols(layer: VectorLayer, style: SingleSymbol | Categorized | Graduated) -> tuple[list[Symbol],
                                                                                                  np.ndarray]:
    values = layer.gdf[style.field] if style.field else np.zeros(len(layer.gdf))
    return style.symbols_for(list(values) if style.field else values)


#: Fields that lead a popup when a layer has them: names, then the siting output's build order and effect.
LEADING_FIELDS = ("name", "rank", "phase", "pole_id", "site_id", "cumulative_people_pct", "cumulative_share_pct",
                  "new_demand", "cost")


def default_fields(layer: VectorLayer) -> list[str]:
    """Fields a briefing reader cares about: names and plan figures, the kind's id, the field the map colours by
    (a pole's status), the kind's schema fields, then the rest; fields empty in every feature are left out."""
    columns = [c for c in layer.fields if not c.startswith("_") and _has_values(layer, c)]
    spec = KINDS.get(layer.kind or "")
    chosen = [c for c in LEADING_FIELDS if c in columns]
    for name in (spec.id_field if spec is not None else None, getattr(vector_style(layer), "field", None)):
        if name in columns and name not in chosen:
            chosen.append(name)
    if spec is not None:
        chosen += [f.name for f in spec.fields if f.name in columns and f.name not in chosen]
    chosen += [c for c in columns if c not in chosen]
    return chosen[:MAX_DEFAULT_FIELDS]


def _has_values(layer: VectorLayer, name: str) -> bool:
    values = layer.gdf[name]
    return bool((values.notna() & (values.astype(str).str.strip() != "")).any())


def field_headings(layer: VectorLayer, fields: list[str]) -> list[str]:
    """Popup headings of ``fields``: readable, with the units of the layer kind's schema."""
    spec = KINDS.get(layer.kind or "")
    units = {f.name: f.unit for f in spec.fields} if spec is not None else {}
    return [field_heading(name, units.get(name, "")) for name in fields]


def check_fields(layer: VectorLayer, fields: list[str]) -> list[str]:
    missing = [f for f in fields if f not in layer.gdf.columns]
    if missing:
        raise LayerError(layer.source, translate("ExportError", "popup field(s) {fields} do not exist; available: "
                                                               "{available}").format(
            fields=", ".join(map(repr, missing)),
            available=", ".join(layer.fields) or translate("ExportError", "none")), layer=layer.name)
    return list(fields)


def script_safe_json(value: object) -> str:
    """JSON that can sit inside a ``<script>`` element: ``</script>`` or ``<!--`` in a value cannot end it."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _web_style(symbol: Symbol, family: str, opacity: float, shaped_markers: bool) -> dict:
    """Leaflet options of one symbol; a star or square keeps its shape: as an SVG icon (``shaped_markers``) or,
    by the thousand, as an outline the page draws on the map's canvas or SVG layer like a circle."""
    style = leaflet_style(symbol, family, opacity)
    if family == "point" and symbol.marker != "circle":
        if shaped_markers:
            style["svg"] = marker_svg(symbol, opacity)
            style["box"] = round(2 * style["radius"] + style["weight"] + 1, 1)
        else:
            style["outline"] = marker_outline(style)
    return style


@dataclass
class WebFeatures:
    """The features of one layer as GeoJSON texts, with their WGS84 bounds (west, south, east, north) so that a
    city's layer can be cut into spatial chunks, and the style table and fields the texts refer to."""

    texts: list[str]
    bounds: np.ndarray
    styles: list[dict]
    fields: list[str]


def feature_collection(texts: list[str]) -> str:
    return f'{{"type":"FeatureCollection","features":[{",".join(texts)}]}}'


def web_features(layer: VectorLayer, fields: list[str], *, simplify_m: float = 0.0,
                 shaped_markers: bool = True) -> WebFeatures:
    """Styled WGS84 GeoJSON features of what the layer's style draws (unmatched categories are skipped), simplified
    by ``simplify_m`` metres (topology kept) and rounded to ``COORDINATE_DECIMALS``.

    With ``shaped_markers`` points keep their marker shape as an SVG icon; otherwise as a path Leaflet draws by the
    thousand.
    """
    if layer.crs is None:
        raise LayerError(layer.source, translate("ExportError", "has no coordinate reference system, so it cannot "
                                                                "be placed on a web map"), layer=layer.name)
    style = vector_style(layer)
    symbols, index = feature_symbols(layer, style)
    geometries = layer.gdf.geometry.to_numpy()
    drawn = (index >= 0) & ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    rows = np.flatnonzero(drawn)
    geometries = simplified(geometries[rows], metres_in(layer.crs, simplify_m))
    if layer.crs.to_epsg() != 4326:
        geometries = gpd.GeoSeries(geometries, crs=layer.crs).to_crs(WGS84).to_numpy()
    geometries = shapely.transform(geometries, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    families = [_FAMILY_OF_TYPE_ID.get(t, "point") for t in shapely.get_type_id(geometries).tolist()]
    table: dict[tuple[int, str], int] = {}
    styles: list[dict] = []
    style_of_row = np.empty(len(rows), dtype=np.int64)
    for i, (symbol_index, family) in enumerate(zip(index[rows].tolist(), families, strict=True)):
        key = (symbol_index, family)
        if key not in table:
            table[key] = len(styles)
            styles.append(_web_style(symbols[symbol_index], family, layer.opacity, shaped_markers))
        style_of_row[i] = table[key]
    values = [[display_value(v) for v in row] for row in
              layer.gdf.iloc[rows][fields].itertuples(index=False, name=None)] if fields else [[]] * len(rows)
    texts = shapely.to_geojson(geometries)
    features = [f'{{"type":"Feature","geometry":{g},"properties":{{"s":{s},"p":{script_safe_json(p)}}}}}'
                for g, s, p in zip(texts.tolist(), style_of_row.tolist(), values, strict=True)]
    return WebFeatures(features, shapely.bounds(geometries).reshape(-1, 4), styles, fields)


def layer_web_data(layer: VectorLayer, fields: list[str], *, simplify_m: float = 0.0,
                   shaped_markers: bool = True) -> WebLayerData:
    """The layer's features (see ``web_features``) as one FeatureCollection."""
    data = web_features(layer, fields, simplify_m=simplify_m, shaped_markers=shaped_markers)
    return WebLayerData(feature_collection(data.texts), data.styles, data.fields, len(data.texts))


def metres_in(crs, metres: float) -> float:
    """``metres`` in the units of ``crs`` (degrees for a geographic CRS, about 111 km each)."""
    return metres if crs.is_projected else metres / 111_320.0


def simplified(geometries: np.ndarray, tolerance: float) -> np.ndarray:
    """``geometries`` simplified by ``tolerance`` (their CRS's units) without changing their topology: a building
    stays a polygon and two streets still meet; every vertex kept lies on the original, so the Hausdorff distance
    to the original is at most ``tolerance``."""
    if tolerance <= 0 or not len(geometries):
        return geometries
    return shapely.simplify(geometries, tolerance, preserve_topology=True)


#: The popup field of an aggregated point: how many features the circle stands for.
AGGREGATE_FIELD = "features"


def aggregate_points(layer: VectorLayer, cell_m: float) -> VectorLayer:
    """Points of ``layer`` gathered per ``cell_m`` grid cell and per symbol into one point at their mean position,
    with the count in ``features``: a city's 77,525 poles become a few thousand circles a browser draws at once,
    each still coloured by the layer's style (the style field keeps the value that chose its symbol)."""
    style = vector_style(layer)
    _, index = feature_symbols(layer, style)
    geometries = layer.gdf.geometry.to_numpy()
    keep = (index >= 0) & ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    rows = np.flatnonzero(keep)
    centres = shapely.centroid(geometries[rows])
    xs, ys = shapely.get_x(centres), shapely.get_y(centres)
    _, first, group, counts = np.unique(_cell_keys(np.floor(xs / cell_m), np.floor(ys / cell_m), index[rows]),
                                        return_index=True, return_inverse=True, return_counts=True)
    group = group.ravel()
    mean_x = np.bincount(group, weights=xs) / counts
    mean_y = np.bincount(group, weights=ys) / counts
    table = {AGGREGATE_FIELD: counts.astype(np.int64)}
    if style.field:
        table[style.field] = layer.gdf[style.field].to_numpy()[rows[first]]
    gdf = gpd.GeoDataFrame(table, geometry=shapely.points(mean_x, mean_y), crs=layer.crs)
    merged = VectorLayer(gdf, layer.name, style=style, source=layer.source)
    merged.opacity = layer.opacity
    return merged


def _cell_keys(*columns: np.ndarray) -> np.ndarray:
    """One integer per row of ``columns`` (grid column, grid row, symbol), equal when all are: a 1-D unique is
    several times faster than a unique of rows."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64)
    shifted = [np.asarray(c, dtype=np.int64) - int(np.min(c)) for c in columns]
    return np.ravel_multi_index(shifted, [int(c.max()) + 1 for c in shifted])
