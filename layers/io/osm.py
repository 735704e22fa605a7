"""OpenStreetMap extracts (``.osm.pbf``, ``.osm``) as municipal layers, through pyosmium.

A planner often has no city inventory yet but can download an OSM extract of the district. One streaming read
(osmium adds a first pass over relations to assemble multipolygons) sorts the tagged objects into layers:

=============  ==========================================================================  ==============
layer          OSM objects                                                                 kind
=============  ==========================================================================  ==============
buildings      closed ways and multipolygon relations with ``building=*``                  buildings
roads          ``highway=*`` ways of the road classes in ``ROAD_CLASSES``                  roads
schools        ``amenity=school|kindergarten|college|university`` nodes and areas          schools
offices        ``office=*`` or ``building=office`` (areas as a point on the surface)       (none)
sites_5g       ``telecom=bts|antenna``, masts/towers with ``tower:type=communication``,    sites_5g
               ``communication:mobile_phone=yes`` (status active, operator when tagged)
lamp_poles     ``highway=street_lamp`` nodes                                               lamp_poles
=============  ==========================================================================  ==============

Offices carry no rent in OSM, and ``office_space`` requires ``price_m2``, so they load as plain points.
Everything is reprojected from WGS84 to the UTM zone of the data's centre (or to ``crs``), because every
plugin measures in metres.

Example::

    layers = read_osm("tianhe.osm.pbf")
    buildings, = read_osm("tianhe.osm.pbf", layer="buildings", crs="EPSG:32649")
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import osmium.filter
import osmium.geom
import pyproj
import shapely

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.io.finish import vector_layers
from layers.kinds import KINDS, repair_geometries
from layers.layer import VectorLayer, to_crs_object

#: OSM ``highway`` values loaded as roads, and the municipal road class each maps to.
ROAD_CLASSES: dict[str, str] = {
    "motorway": "arterial", "motorway_link": "arterial", "trunk": "arterial", "trunk_link": "arterial",
    "primary": "arterial", "primary_link": "arterial",
    "secondary": "secondary", "secondary_link": "secondary", "tertiary": "secondary", "tertiary_link": "secondary",
    "unclassified": "local", "residential": "local", "living_street": "local", "service": "local",
    "pedestrian": "local", "road": "local",
}
#: Width of one traffic lane, used for roads that give ``lanes`` but no ``width`` (a common design value).
LANE_WIDTH_M = 3.5
SCHOOL_LEVELS = {"kindergarten": "kindergarten", "school": None, "college": "university", "university": "university"}
#: ISCED levels (``isced:level``) of ``amenity=school`` as the schema's school levels.
_ISCED_LEVELS = {"0": "kindergarten", "1": "primary", "2": "middle", "3": "high"}
_WGS84 = pyproj.CRS.from_epsg(4326)
_FEET = 0.3048
_INCH = 0.0254
_NUMBER = r"(\d+(?:\.\d+)?)"
_METRIC = re.compile(rf"^{_NUMBER}\s*(m|meters?|metres?|km|cm|ft|feet|foot)?$")
_IMPERIAL = re.compile(rf"^{_NUMBER}\s*'\s*(?:{_NUMBER}\s*\")?$")
_UNIT_FACTORS = {None: 1.0, "m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0, "km": 1000.0,
                 "cm": 0.01, "ft": _FEET, "feet": _FEET, "foot": _FEET}


def parse_length(text: str | None) -> float | None:
    """Metres for an OSM length value: "12", "12.5", "12 m", "12,5", "40 ft", "40'6\"". None when unreadable.

    The first of several ";"-separated values is used, as OSM tools do.
    """
    if text is None:
        return None
    value = text.split(";")[0].strip().lower()
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    metric = _METRIC.match(value)
    if metric:
        return float(metric.group(1)) * _UNIT_FACTORS[metric.group(2)]
    imperial = _IMPERIAL.match(value)
    if imperial:
        return float(imperial.group(1)) * _FEET + float(imperial.group(2) or 0) * _INCH
    return None


def parse_count(text: str | None) -> float | None:
    """The number in ``building:levels`` or ``lanes`` ("4", "3;4" -> the first, "2.5"); None when unreadable."""
    if text is None:
        return None
    match = re.fullmatch(_NUMBER, text.split(";")[0].strip())
    return float(match.group(1)) if match else None


def utm_crs(lon: float, lat: float) -> pyproj.CRS:
    """The WGS84 UTM zone holding (lon, lat): zone = floor((lon + 180) / 6) + 1, EPSG 326zz north, 327zz south."""
    zone = min(int(math.floor((lon + 180.0) / 6.0)) + 1, 60)
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


@dataclass
class _Collected:
    """Rows of one output layer while the file streams by: attributes plus lon/lat points or WKB geometries."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    wkb: list[str] = field(default_factory=list)
    from_areas: int = 0

    def add_point(self, lon: float, lat: float, row: dict[str, Any]) -> None:
        self.points.append((lon, lat))
        self.wkb.append("")
        self.rows.append(row)

    def add_wkb(self, wkb: str, row: dict[str, Any]) -> None:
        self.points.append((math.nan, math.nan))
        self.wkb.append(wkb)
        self.rows.append(row)

    def geometries(self) -> np.ndarray:
        """Shapely geometries in WGS84, in row order (points and WKB geometries interleaved)."""
        coords = np.array(self.points, dtype=float).reshape(-1, 2)
        geoms = shapely.points(coords)
        has_wkb = np.array([bool(w) for w in self.wkb], dtype=bool)
        if has_wkb.any():
            geoms[has_wkb] = shapely.from_wkb(np.array(self.wkb, dtype=object)[has_wkb])
        return geoms


@dataclass(frozen=True)
class _Category:
    """One output layer: its kind, which OSM data it needs, and the tag keys the pre-filter keeps."""

    name: str
    kind: str | None
    keys: tuple[str, ...]
    needs_ways: bool
    needs_areas: bool
    what: str


CATEGORIES: tuple[_Category, ...] = (
    _Category("buildings", "buildings", ("building",), True, True,
              QT_TRANSLATE_NOOP("OpenStreetMap", "buildings (building=*)")),
    _Category("roads", "roads", ("highway",), True, False,
              QT_TRANSLATE_NOOP("OpenStreetMap", "roads (highway=primary, residential, ...)")),
    _Category("schools", "schools", ("amenity",), True, True,
              QT_TRANSLATE_NOOP("OpenStreetMap", "schools (amenity=school, kindergarten, ...)")),
    _Category("offices", None, ("office", "building"), True, True,
              QT_TRANSLATE_NOOP("OpenStreetMap", "offices (office=*, building=office)")),
    _Category("sites_5g", "sites_5g", ("man_made", "telecom", "communication:mobile_phone"), True, True,
              QT_TRANSLATE_NOOP("OpenStreetMap", "mobile sites (telecom=bts/antenna, man_made=mast/tower for "
                                                 "communication)")),
    _Category("lamp_poles", "lamp_poles", ("highway",), False, False,
              QT_TRANSLATE_NOOP("OpenStreetMap", "street lamps (highway=street_lamp)")),
)
LAYER_NAMES: tuple[str, ...] = tuple(c.name for c in CATEGORIES)

#: How often (in tagged objects) the cancel flag is polled while the file streams by.
POLL_EVERY = 5000
#: Progress (percent) when the file reaches its nodes, ways and relations (areas follow their way or relation).
_STAGE_PERCENT = {"n": 5.0, "w": 45.0, "r": 75.0}

#: Metadata flag of a layer a reader loads without a kind on purpose (it explains why in a note).
KIND_DECLINED = "kind_declined"
OFFICES_NOTE = QT_TRANSLATE_NOOP("OpenStreetMap", "OSM offices carry no rent, and an 'office_space' layer requires "
                                                  "price_m2, so they were loaded as plain points without a kind; add "
                                                  "a price_m2 field to use them as office space")


def _osm_id(obj: Any) -> str:
    """'n123', 'w45' or 'r6': the OSM object behind a node, way or area (areas keep their way/relation id)."""
    if obj.is_area():
        return f"{'w' if obj.from_way() else 'r'}{obj.orig_id()}"
    return f"{obj.type_str()}{obj.id}"


def _telecom_type(tags: Any) -> str | None:
    """What marks an OSM object as a mobile site ('telecom=bts', 'mast', ...), or None when nothing does."""
    if tags.get("telecom") in ("bts", "antenna"):
        return f"telecom={tags.get('telecom')}"
    if tags.get("communication:mobile_phone") == "yes":
        return "communication:mobile_phone=yes"
    if tags.get("man_made") in ("mast", "tower") and tags.get("tower:type") == "communication":
        return f"man_made={tags.get('man_made')}"
    return None


def _is_office(tags: Any) -> bool:
    return ("office" in tags and tags.get("office") != "no") or tags.get("building") == "office"


class _Sorter:
    """Sorts OSM objects into the wanted layers and turns their tags into schema fields."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.layers = {name: _Collected() for name in wanted}
        self.factory = osmium.geom.WKBFactory()
        #: per layer, per OSM key: the values that are not numbers (reported in that layer's notes)
        self.unreadable: dict[str, dict[str, list[str]]] = {name: {} for name in wanted}
        self.broken_geometries = 0

    def _number(self, layer: str, tags: Any, key: str, parse: Callable[[str | None], float | None]) -> float | None:
        text = tags.get(key)
        value = parse(text)
        if text is not None and value is None:
            self.unreadable[layer].setdefault(key, []).append(text)
        return value

    def _add(self, name: str, obj: Any, row: dict[str, Any], *, point: bool = False) -> None:
        """Add ``obj`` to layer ``name`` as its point (nodes), line (ways) or multipolygon (areas)."""
        target = self.layers[name]
        if obj.is_node():
            target.add_point(obj.location.lon, obj.location.lat, row)
            return
        try:
            wkb = self.factory.create_multipolygon(obj) if obj.is_area() else self.factory.create_linestring(obj)
        except (osmium.InvalidLocationError, RuntimeError):
            self.broken_geometries += 1
            return
        if point:  # offices and masts mapped as areas: kept as points, placed on the surface later
            target.from_areas += 1
        target.add_wkb(wkb, row)

    def node(self, node: Any) -> None:
        tags = node.tags
        if not node.location.valid():
            return
        if "lamp_poles" in self.wanted and tags.get("highway") == "street_lamp":
            osm_id = _osm_id(node)
            self._add("lamp_poles", node, {"pole_id": osm_id, "osm_id": osm_id,
                                           "height_m": self._number("lamp_poles", tags, "height", parse_length),
                                           "lamp_mount": tags.get("lamp_mount"), "ref": tags.get("ref")})
        self._points_and_areas(node)

    def way(self, way: Any) -> None:
        tags = way.tags
        highway = tags.get("highway")
        if "roads" not in self.wanted or highway not in ROAD_CLASSES or tags.get("area") == "yes":
            return
        lanes = self._number("roads", tags, "lanes", parse_count)
        width = self._number("roads", tags, "width", parse_length)
        source = "width" if width is not None else ("lanes" if lanes is not None else None)
        if width is None and lanes is not None:
            width = lanes * LANE_WIDTH_M
        self._add("roads", way, {"osm_id": _osm_id(way), "name": tags.get("name"), "road_class": ROAD_CLASSES[highway],
                                 "highway": highway, "lanes": lanes, "width_m": width, "width_source": source})

    def area(self, area: Any) -> None:
        tags = area.tags
        building = tags.get("building")
        if "buildings" in self.wanted and building is not None and building != "no":
            height = self._number("buildings", tags, "height", parse_length)
            levels = self._number("buildings", tags, "building:levels", parse_count)
            # Missing heights are estimated (storeys, then the building type) when the layer is validated.
            self._add("buildings", area, {"osm_id": _osm_id(area), "name": tags.get("name"), "building": building,
                                          "height_m": height, "levels": None if levels is None else round(levels)})
        self._points_and_areas(area)

    def _points_and_areas(self, obj: Any) -> None:
        """Schools, offices and telecom sites, which come as nodes or as areas."""
        tags = obj.tags
        amenity = tags.get("amenity")
        if "schools" in self.wanted and amenity in SCHOOL_LEVELS:
            level = SCHOOL_LEVELS[amenity] or _ISCED_LEVELS.get((tags.get("isced:level") or "").split(";")[0].strip())
            self._add("schools", obj, {"osm_id": _osm_id(obj), "name": tags.get("name"), "level": level,
                                       "amenity": amenity})
        if "offices" in self.wanted and _is_office(tags):
            self._add("offices", obj, {"osm_id": _osm_id(obj), "name": tags.get("name"),
                                       "office": tags.get("office"), "building": tags.get("building")}, point=True)
        telecom = _telecom_type(tags) if "sites_5g" in self.wanted else None
        if telecom is not None:
            osm_id = _osm_id(obj)
            self._add("sites_5g", obj, {"site_id": osm_id, "osm_id": osm_id, "operator": tags.get("operator"),
                                        "height_m": self._number("sites_5g", tags, "height", parse_length),
                                        "name": tags.get("name"), "status": "active", "osm_tag": telecom},
                      point=True)


class ReadCancelled(LayerError):
    """Reading an OSM extract was cancelled through ``is_cancelled``; nothing was loaded."""


def _read(path: Path, categories: list[_Category], progress: Callable[[float], None],
          is_cancelled: Callable[[], bool]) -> tuple[_Sorter, tuple[float, float] | None]:
    """Stream the file once through the sorter; also the centre of the header's bounding box, if it has one.

    Progress is reported by stage (the file holds nodes, then ways, then relations; the total is unknown), and
    the cancel flag is polled every ``POLL_EVERY`` tagged objects.
    """
    sorter = _Sorter({c.name for c in categories})
    keys = sorted({key for c in categories for key in c.keys})
    processor = osmium.FileProcessor(str(path))
    if any(c.needs_areas for c in categories):
        processor = processor.with_areas(osmium.filter.KeyFilter(*keys))
    elif any(c.needs_ways for c in categories):
        processor = processor.with_locations()
    processor = processor.with_filter(osmium.filter.KeyFilter(*keys))
    handlers: dict[str, Callable[[Any], None]] = {"n": sorter.node, "w": sorter.way, "a": sorter.area}
    centre = None
    reached = 0.0
    for count, obj in enumerate(processor):
        type_code = obj.type_str()
        if _STAGE_PERCENT.get(type_code, 0.0) > reached:
            reached = _STAGE_PERCENT[type_code]
            progress(reached)
        if count % POLL_EVERY == 0 and is_cancelled():
            raise ReadCancelled(str(path), translate("OpenStreetMap", "reading was cancelled"))
        handler = handlers.get(type_code)
        if handler is not None:
            handler(obj)
    box = processor.header.box()
    if box.valid():
        centre = ((box.bottom_left.lon + box.top_right.lon) / 2, (box.bottom_left.lat + box.top_right.lat) / 2)
    return sorter, centre


def _centre(frames: dict[str, gpd.GeoDataFrame]) -> tuple[float, float]:
    bounds = np.array([frame.total_bounds for frame in frames.values() if len(frame)])
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    return ((bounds[:, 0].min() + bounds[:, 2].max()) / 2, (bounds[:, 1].min() + bounds[:, 3].max()) / 2)


def _frame(collected: _Collected, category: _Category) -> gpd.GeoDataFrame:
    geoms = collected.geometries()
    if category.name in ("offices", "sites_5g"):
        geoms = shapely.point_on_surface(geoms)
    gdf = gpd.GeoDataFrame(collected.rows, geometry=geoms, crs=_WGS84)
    schema = {f.name for f in KINDS[category.kind].fields} if category.kind else set()
    unused = [c for c in gdf.columns if c not in schema and c not in ("osm_id", "geometry") and gdf[c].isna().all()]
    gdf = gdf.drop(columns=unused)  # e.g. 'ref' or 'lamp_mount' when no feature has the tag
    if "lanes" in gdf.columns:
        gdf["lanes"] = gdf["lanes"].astype("Int64") if gdf["lanes"].dropna().mod(1).eq(0).all() else gdf["lanes"]
    if "levels" in gdf.columns:
        gdf["levels"] = gdf["levels"].astype("Int64")
    return gdf


def _category_notes(category: _Category, gdf: gpd.GeoDataFrame, collected: _Collected) -> list[str]:
    notes = []
    if category.name == "roads":
        from_lanes = int((gdf["width_source"] == "lanes").sum()) if "width_source" in gdf.columns else 0
        if from_lanes:
            notes.append(translate("OpenStreetMap", "width_m of {count} roads computed as lanes × {lane:g} m").format(
                count=from_lanes, lane=LANE_WIDTH_M))
    elif category.name == "offices":
        notes.append(translate("OpenStreetMap", OFFICES_NOTE))
    elif category.name == "sites_5g":
        tagged = gdf["osm_tag"].value_counts()
        notes.append(translate("OpenStreetMap", "existing mobile sites read from {tags}; status set to 'active'")
                     .format(tags=", ".join(f"{tag} ({count})" for tag, count in tagged.items())))
    if collected.from_areas:
        notes.append(translate("OpenStreetMap", "{count} features mapped as areas in OSM are shown as a point on "
                                                "their surface").format(count=collected.from_areas))
    return notes


def _select(layer: str | None, kind: str | None, source: str) -> list[_Category]:
    chosen = list(CATEGORIES)
    if layer is not None:
        chosen = [c for c in chosen if c.name == layer]
        if not chosen:
            raise LayerError(source, translate("OpenStreetMap", "has no layer named '{layer}'; an OSM extract gives "
                                                                "the layers: {layers}").format(
                layer=layer, layers=", ".join(LAYER_NAMES)))
    if kind is not None:
        chosen = [c for c in chosen if c.kind == kind]
        if not chosen:
            kinds = ", ".join(c.kind for c in CATEGORIES if c.kind)
            named = translate("OpenStreetMap", " named {layer!r}").format(layer=layer) if layer else ""
            raise LayerError(source, translate("OpenStreetMap", "cannot give a '{kind}' layer{named}; an OSM extract "
                                                                "gives the kinds: {kinds}").format(
                kind=kind, named=named, kinds=kinds))
    return chosen


def read_osm(path: str | os.PathLike, layer: str | None = None, crs: Any = None, kind: str | None = None, *,
             progress: Callable[[float], None] | None = None,
             is_cancelled: Callable[[], bool] | None = None) -> list[VectorLayer]:
    """Municipal layers from an OSM extract, in ``crs`` or the UTM zone of the data's centre.

    ``layer`` (one of ``LAYER_NAMES``) or ``kind`` reads just that layer. Layers with no features are left
    out (a first-layer note says which were looked for and not found); a file with none of them is an error.
    A city extract takes a while: ``progress`` receives percentages by stage and a true ``is_cancelled()``
    stops the read with ``ReadCancelled`` (a LayerError).
    """
    report = progress or (lambda percent: None)
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise LayerError(source, translate("OpenStreetMap", "the file does not exist") if not path.exists()
                         else translate("OpenStreetMap", "is not a file"))
    categories = _select(layer, kind, source)
    target = to_crs_object(crs)
    try:
        sorter, header_centre = _read(path, categories, report, is_cancelled or (lambda: False))
    except (RuntimeError, ValueError, OSError, osmium.InvalidLocationError) as exc:
        raise LayerError(source, translate("OpenStreetMap", "is not a readable OpenStreetMap file (it may be "
                                                            "damaged or cut short): {problem}").format(
            problem=str(exc).strip())) from exc
    report(85.0)
    frames = {c.name: _frame(sorter.layers[c.name], c) for c in categories}
    found = [c for c in categories if len(frames[c.name])]
    if not found:
        looked = "; ".join(translate("OpenStreetMap", c.what) for c in categories)
        raise LayerError(source, translate("OpenStreetMap", "holds none of the features Lamplight reads from OSM: "
                                                            "{looked}").format(looked=looked))
    if target is None:
        lon, lat = header_centre or _centre(frames)
        target = utm_crs(lon, lat)
    general = [translate("OpenStreetMap", "read from OpenStreetMap (WGS84) and reprojected to {name} ({crs})").format(
        name=target.name, crs=target.to_string())]
    if sorter.broken_geometries:
        general.append(translate("OpenStreetMap", "{count} OSM ways or areas were skipped because nodes are missing "
                                                  "from the extract").format(count=sorter.broken_geometries))
    result: list[VectorLayer] = []
    for category in found:
        gdf = frames[category.name].to_crs(target)
        notes = general + _category_notes(category, gdf, sorter.layers[category.name])
        for key, values in sorter.unreadable[category.name].items():
            shown = ", ".join(repr(v) for v in list(dict.fromkeys(values))[:5])
            notes.append(translate("OpenStreetMap", "{count} OSM '{key}' values could not be read as numbers "
                                                    "({shown}) and were left empty").format(count=len(values), key=key,
                                                                                            shown=shown))
        metadata = {"source_layer": category.name}
        if category.kind is None:
            gdf, repair_notes = repair_geometries(gdf)
            # Without a kind on purpose (the note says why): the import assistant is not offered for it.
            result.append(VectorLayer(gdf, category.name, source=source,
                                      metadata={**metadata, "notes": notes + repair_notes, KIND_DECLINED: True}))
        else:
            result += vector_layers(gdf, category.name, source=source, kind=category.kind, notes=notes,
                                    metadata=metadata)
    missing = [translate("OpenStreetMap", c.what) for c in categories if c not in found]
    if missing and layer is None and kind is None:
        result[0].notes.append(translate("OpenStreetMap", "the extract has no {missing}").format(
            missing=translate("OpenStreetMap", "; no ").join(missing)))
    report(100.0)
    return result


__all__ = ["KIND_DECLINED", "LANE_WIDTH_M", "LAYER_NAMES", "ROAD_CLASSES", "ReadCancelled", "parse_count",
           "parse_length", "read_osm", "utm_crs"]
