"""The municipal schema: which fields each kind of layer has, their units and defaults, and how to check them.

Loading a file validates it against its kind so that every plugin can rely on, say, ``lamp_poles.height_m``
being a float in metres. ``validate`` fixes what it can (text numbers, "yes"/"no" flags, missing optional
columns, ``levels`` instead of ``height_m``, invalid geometries) and says so in notes; what it cannot fix it
reports in ONE ``LayerError`` so the planner sees every problem at once.

Example::

    gdf, notes = validate(gdf, "lamp_poles", source="poles.csv", layer="poles")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.building_heights import DEFAULT_HEIGHT_M, STOREY_HEIGHT_M, estimate_heights
from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate

FLOAT, INT, BOOL, STR, CSV_SET, CSV_DEGREES = "float", "int", "bool", "str", "csv_set", "csv_degrees"
POINT, LINE, POLYGON = "point", "line", "polygon"

_TRUE = {"yes", "y", "true", "t", "1", "是"}
_FALSE = {"no", "n", "false", "f", "0", "否"}
_GEOMETRY_FAMILY = {0: POINT, 1: LINE, 2: LINE, 3: POLYGON, 4: POINT, 5: LINE, 6: POLYGON}
#: How messages name a geometry family: one ("3 line features", "other" for anything else) and several
#: ("points or polygons", "collections" for a mixed reader's parts); translated where shown.
_FAMILY_ONE = {POINT: QT_TRANSLATE_NOOP("Geometry", "point"), LINE: QT_TRANSLATE_NOOP("Geometry", "line"),
               POLYGON: QT_TRANSLATE_NOOP("Geometry", "polygon"), "other": QT_TRANSLATE_NOOP("Geometry", "other")}
_FAMILY_SEVERAL = {POINT: QT_TRANSLATE_NOOP("Geometry", "points"), LINE: QT_TRANSLATE_NOOP("Geometry", "lines"),
                   POLYGON: QT_TRANSLATE_NOOP("Geometry", "polygons"),
                   "collection": QT_TRANSLATE_NOOP("Geometry", "collections")}


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a kind. ``default`` None with ``required`` False means "may be empty"."""

    name: str
    type: str
    unit: str = ""
    default: Any = None
    required: bool = False
    allowed: frozenset[str] | None = None
    description: str = ""

    @property
    def help(self) -> str:
        """``description`` in the interface language (it is marked at import time, before any translator)."""
        return translate("kinds", self.description).format(storey=STOREY_HEIGHT_M) if self.description else ""


@dataclass(frozen=True)
class KindSpec:
    """A municipal layer kind: its fields, the geometry families it may hold and the names that reveal it."""

    name: str
    geometry: frozenset[str]
    fields: tuple[FieldSpec, ...]
    aliases: tuple[str, ...] = ()
    require_one_of: tuple[str, ...] = ()
    id_field: str | None = None
    title: str = ""

    @property
    def label(self) -> str:
        """``title`` in the interface language (the kind's own ``name`` when it has none)."""
        return translate("kinds", self.title) if self.title else self.name

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


_STATUS = frozenset({"active", "planned", "faulty", "removed"})
_ATTACHMENTS = frozenset({"cctv", "wifi", "signage", "5g", "sensor", "ev_charger"})

KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec(
            "lamp_poles", frozenset({POINT}), title=QT_TRANSLATE_NOOP("kinds", "Smart lamp poles"), id_field="pole_id",
            aliases=("lamp_poles", "lamp_pole", "lampposts", "lamp_posts", "street_lamps", "street_lights",
                     "streetlights", "light_poles", "smart_poles", "poles", "路灯", "灯杆"),
            fields=(
                FieldSpec("pole_id", STR, required=True),
                FieldSpec("height_m", FLOAT, "m", 10.0),
                FieldSpec("has_power", BOOL, default=True),
                FieldSpec("power_w", FLOAT, "W", 0.0),
                FieldSpec("attachments", CSV_SET, default="", allowed=_ATTACHMENTS,
                          description=QT_TRANSLATE_NOOP("kinds", "comma-separated equipment already on the pole")),
                FieldSpec("capacity", INT, default=4,
                          description=QT_TRANSLATE_NOOP("kinds", "maximum number of attachments")),
                FieldSpec("road_id", STR),
                FieldSpec("status", STR, default="active", allowed=_STATUS),
            ),
        ),
        KindSpec(
            "sites_5g", frozenset({POINT}), title=QT_TRANSLATE_NOOP("kinds", "5G sites"), id_field="site_id",
            aliases=("sites_5g", "5g_sites", "small_cells", "base_stations", "cell_sites", "gnodeb", "基站"),
            fields=(
                FieldSpec("site_id", STR, required=True),
                FieldSpec("operator", STR),
                FieldSpec("height_m", FLOAT, "m", 30.0),
                FieldSpec("band_mhz", FLOAT, "MHz", 3500.0),
                FieldSpec("eirp_dbm", FLOAT, "dBm", 58.0),
                FieldSpec("azimuths", CSV_DEGREES, "°", "",
                          description=QT_TRANSLATE_NOOP("kinds", 'sector azimuths, "" = omni')),
                FieldSpec("beamwidth_deg", FLOAT, "°", 65.0),
                FieldSpec("tilt_deg", FLOAT, "°", 6.0),
                FieldSpec("status", STR, default="active"),
            ),
        ),
        KindSpec(
            "schools", frozenset({POINT, POLYGON}), title=QT_TRANSLATE_NOOP("kinds", "Schools"),
            aliases=("schools", "school", "学校"),
            fields=(
                FieldSpec("name", STR, required=True),
                FieldSpec("level", STR, allowed=frozenset({"kindergarten", "primary", "middle", "high",
                                                           "university"})),
                FieldSpec("students", INT),
            ),
        ),
        KindSpec(
            "office_space", frozenset({POINT}), title=QT_TRANSLATE_NOOP("kinds", "Office space listings"),
            id_field="listing_id",
            aliases=("office_space", "office_listings", "offices", "写字楼"),
            fields=(
                FieldSpec("listing_id", STR),
                FieldSpec("price_m2", FLOAT, "CNY/m²/month", required=True),
                FieldSpec("lease_term_months", INT, "months"),
                FieldSpec("industry", STR),
                FieldSpec("area_m2", FLOAT, "m²"),
                FieldSpec("floor", INT),
            ),
        ),
        KindSpec(
            "buildings", frozenset({POLYGON}), title=QT_TRANSLATE_NOOP("kinds", "Buildings"),
            aliases=("buildings", "building", "building_footprints", "footprints", "建筑", "建筑物"),
            fields=(
                FieldSpec("height_m", FLOAT, "m", description=QT_TRANSLATE_NOOP(
                    "kinds", "estimated on import where missing: see layers.building_heights and height_source")),
                FieldSpec("levels", INT, description=QT_TRANSLATE_NOOP(
                    "kinds", "storeys; height_m = levels × {storey:g} m where it has no height")),
            ),
        ),
        KindSpec(
            "roads", frozenset({LINE}), title=QT_TRANSLATE_NOOP("kinds", "Roads"),
            aliases=("roads", "road", "streets", "road_network", "道路"),
            fields=(
                FieldSpec("name", STR),
                FieldSpec("road_class", STR, allowed=frozenset({"arterial", "secondary", "local"})),
                FieldSpec("width_m", FLOAT, "m"),
            ),
        ),
        KindSpec(
            "demand", frozenset({POINT, POLYGON}), title=QT_TRANSLATE_NOOP("kinds", "Demand"),
            aliases=("demand", "population"),
            require_one_of=("residents", "workers"),
            fields=(FieldSpec("residents", FLOAT), FieldSpec("workers", FLOAT)),
        ),
    )
}


def family_name(family: str, *, plural: bool = False) -> str:
    """A geometry family ('point', 'line', ...) as a message names it, in the interface language."""
    name = (_FAMILY_SEVERAL if plural else _FAMILY_ONE).get(family)
    return translate("Geometry", name) if name else family


def _normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "_", name.lower()).strip("_")


def _kind_from_name(layer_name: str) -> str | None:
    tokens = f"_{_normalise(layer_name)}_"
    found = set()
    for spec in KINDS.values():
        for alias in spec.aliases:
            cjk = not alias.isascii()
            if (alias in tokens) if cjk else (f"_{alias}_" in tokens):
                found.add(spec.name)
    return found.pop() if len(found) == 1 else None


def detect_kind(layer_name: str, columns: list[str] | tuple[str, ...] | pd.Index) -> str | None:
    """Guess a kind from the layer name ("street_lamps" -> lamp_poles) or an id column ("site_id").

    Conservative: returns None when nothing matches or when the name and the columns disagree.
    """
    by_name = _kind_from_name(layer_name or "")
    lowered = {str(c).strip().lower() for c in columns}
    by_columns = {spec.name for spec in KINDS.values() if spec.id_field and spec.id_field in lowered}
    if by_name and by_columns and by_columns != {by_name}:
        return None
    if by_name:
        return by_name
    return by_columns.pop() if len(by_columns) == 1 else None


#: Kinds a raster can carry (what its values are): ``terrain`` is ground elevation above sea level in metres (a
#: DEM / DTM), as opposed to building heights above ground or a surface model that includes the buildings.
RASTER_KINDS = ("terrain",)
_TERRAIN_NAMES = ("dem", "dtm", "terrain", "elevation", "srtm", "高程", "地形")
_NOT_TERRAIN_NAMES = ("dsm", "ndsm", "height", "heights", "building", "buildings", "population", "建筑")


def detect_raster_kind(layer_name: str) -> str | None:
    """``terrain`` for a raster named like a ground model ("dem_5m", "city_DTM", "高程"), unless the name also
    says surface, heights or buildings ("dsm_dem_diff", "building_height"); None otherwise."""
    tokens = f"_{_normalise(layer_name or '')}_"

    def named(words: tuple[str, ...]) -> bool:
        return any((w in tokens) if not w.isascii() else (f"_{w}_" in tokens or re.search(rf"_{w}\d", tokens))
                   for w in words)

    return "terrain" if named(_TERRAIN_NAMES) and not named(_NOT_TERRAIN_NAMES) else None


def terrain_note(name: str, values: np.ma.MaskedArray) -> str | None:
    """A note for a terrain model going below sea level: possible (coasts, polders), but an undeclared no-data
    value such as -9999 reads the same way, and would dig pits into the ground."""
    valid = np.ma.compressed(values)
    if valid.size == 0 or float(valid.min()) >= 0:
        return None
    low = f"{float(valid.min()):.0f}".replace("-", "\u2212")
    return translate("kinds", "terrain '{name}': values down to {low} m: check nodata (ground below sea level is "
                              "possible, an undeclared no-data value is likelier)").format(name=name, low=low)


def looks_like_terrain(values: np.ma.MaskedArray) -> bool:
    """Values of a ground model: nearly all above sea level (99 %), with some relief (≥ 2 m), and no flat floor
    of zeros as a building-height raster has."""
    valid = np.ma.compressed(values)
    if valid.size < 4 or not np.issubdtype(valid.dtype, np.number):
        return False
    return bool((valid > 0).mean() >= 0.99 and float(valid.max() - valid.min()) >= 2.0)


def _rows(mask: np.ndarray, limit: int = 8) -> str:
    """1-based feature numbers of the True entries, shortened for a readable message."""
    numbers = np.flatnonzero(mask) + 1
    shown = ", ".join(str(n) for n in numbers[:limit])
    return f"#{shown}" + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _values(series: pd.Series, mask: np.ndarray, limit: int = 5) -> str:
    distinct = pd.unique(series[mask].astype(str))
    shown = ", ".join(repr(v) for v in distinct[:limit])
    return shown + (", ..." if len(distinct) > limit else "")


def _blank(series: pd.Series) -> np.ndarray:
    """True where a cell is missing or an empty/whitespace string."""
    missing = series.isna().to_numpy(copy=True)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        text = series.astype(str).str.strip()
        missing |= (text == "").to_numpy()
    return missing


def _to_number(series: pd.Series) -> tuple[pd.Series, np.ndarray, int]:
    """Floats, the mask of unconvertible cells and how many text cells were converted."""
    if pd.api.types.is_numeric_dtype(series.dtype):  # booleans included: True is 1.0
        return series.astype(float), np.zeros(len(series), bool), 0
    blank = _blank(series)
    text = series.astype(str).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text.where(~blank), errors="coerce").astype(float)
    bad = numbers.isna().to_numpy() & ~blank
    is_text = _per_distinct(series, lambda v: isinstance(v, str)).astype(bool)
    converted = int((~blank & ~bad & is_text).sum())
    return numbers, bad, converted


def _to_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray, int]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(object), np.zeros(len(series), bool), 0
    blank = _blank(series)
    text = series.astype(str).str.strip().str.lower().str.replace(r"\.0$", "", regex=True)
    values = pd.Series(None, index=series.index, dtype=object)
    values[text.isin(_FALSE).to_numpy()] = False
    values[text.isin(_TRUE).to_numpy()] = True
    values[blank] = None
    bad = values.isna().to_numpy() & ~blank
    converted = int((~blank & ~bad).sum())
    return values, bad, converted


def _per_distinct(series: pd.Series, function: Any) -> np.ndarray:
    """``function`` applied once per distinct value and spread back to every row (missing cells get
    ``function(None)``), as an object array: municipal columns repeat a few values over many rows, so this turns
    a million Python calls into a handful."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [function(value) for value in uniques]
    mapped[-1] = function(None)
    return mapped[codes]


def _text_of(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _to_text(series: pd.Series) -> pd.Series:
    """Strings (None where missing), with whole floats written as integers so id 12.0 reads "12"."""
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return pd.Series(_stripped_text(series), index=series.index, dtype=object)
    return pd.Series(_per_distinct(series, _text_of), index=series.index, dtype=object)


#: Longest distinct text stripped in one NumPy call; longer texts would make NumPy's fixed-width array huge.
_VECTOR_STRIP_MAX_CHARS = 64


def _stripped_text(series: pd.Series) -> np.ndarray:
    """A text column stripped once per distinct value; ids (all distinct) in one vectorised NumPy call."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)
    mapped = np.empty(len(distinct) + 1, dtype=object)
    longest = max(map(len, distinct), default=0)
    if longest <= _VECTOR_STRIP_MAX_CHARS:
        mapped[:-1] = np.strings.strip(distinct.astype(str)).astype(object) if len(distinct) else distinct
    else:
        mapped[:-1] = [value.strip() for value in distinct]
    mapped[-1] = None
    return mapped[codes]


def _csv_items(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [item.strip() for item in re.split(r"[,;，]", str(value)) if item.strip()]


class _Checker:
    """Collects notes and problems while one kind's fields are converted."""

    def __init__(self, gdf: gpd.GeoDataFrame, spec: KindSpec) -> None:
        self.gdf, self.spec = gdf, spec
        self.notes: list[str] = []
        self.problems: list[str] = []

    def match_columns(self) -> None:
        """Rename columns that differ only in case/space from a schema field (Height_M -> height_m)."""
        wanted = {f.name for f in self.spec.fields}
        renames: dict[str, str] = {}
        for column in self.gdf.columns:
            if column == self.gdf.geometry.name or column in wanted:
                continue
            key = str(column).strip().lower().replace(" ", "_")
            if key in wanted and key not in self.gdf.columns and key not in renames.values():
                renames[column] = key
        if renames:
            self.gdf = self.gdf.rename(columns=renames)
            pair = translate("KindCheck", "'{old}' to '{new}'")
            pairs = ", ".join(pair.format(old=a, new=b) for a, b in renames.items())
            self.notes.append(translate("KindCheck", "renamed {pairs}").format(pairs=pairs))

    def estimate_building_heights(self, heights: dict[str, float]) -> None:
        """Buildings without a height get one from storeys, type or the default (layers.building_heights); the
        planner's ``heights`` (storey_height_m, default_height_m) replace the documented defaults."""
        if self.spec.name == "buildings":
            self.gdf, notes = estimate_heights(
                self.gdf, storey_height_m=heights.get("storey_height_m", STOREY_HEIGHT_M),
                default_height_m=heights.get("default_height_m", DEFAULT_HEIGHT_M))
            self.notes += notes

    def check_field(self, spec: FieldSpec) -> None:
        if spec.name not in self.gdf.columns:
            self.add_missing(spec)
            return
        series = self.gdf[spec.name]
        if spec.type in (FLOAT, INT):
            values, bad, converted = _to_number(series)
            if spec.type == INT:
                fractional = ~values.isna().to_numpy() & ~np.isclose(values.fillna(0) % 1, 0) & ~bad
                if fractional.any():
                    self.problems.append(translate("KindCheck", "{field}: {count} values are not whole numbers "
                                                                "({values}) in features {rows}").format(
                        field=spec.name, count=int(fractional.sum()), values=_values(series, fractional),
                        rows=_rows(fractional)))
            if bad.any():
                self.problems.append(translate("KindCheck", "{field}: {count} values are not numbers ({values}) in "
                                                            "features {rows}").format(
                    field=spec.name, count=int(bad.sum()), values=_values(series, bad), rows=_rows(bad)))
            if converted:
                self.notes.append(translate("KindCheck", "{field}: {count} text values converted to numbers").format(
                    field=spec.name, count=converted))
            values = self.fill_default(spec, values)
            if spec.type == INT:
                values = values.round().astype("Int64") if values.isna().any() else values.round().astype("int64")
            self.gdf[spec.name] = values
        elif spec.type == BOOL:
            values, bad, converted = _to_bool(series)
            if bad.any():
                self.problems.append(translate("KindCheck", "{field}: {count} values are not yes/no ({values}) in "
                                                            "features {rows}").format(
                    field=spec.name, count=int(bad.sum()), values=_values(series, bad), rows=_rows(bad)))
            if converted and not pd.api.types.is_bool_dtype(series.dtype):
                self.notes.append(translate("KindCheck", "{field}: {count} values read as yes/no").format(
                    field=spec.name, count=converted))
            values = self.fill_default(spec, values)
            self.gdf[spec.name] = values.astype(bool) if not values.isna().any() else values
        else:
            self.check_text(spec, series)

    def check_text(self, spec: FieldSpec, series: pd.Series) -> None:
        values = _to_text(series)
        if spec.type == CSV_SET:
            allowed = spec.allowed
            assert allowed is not None, f"field {spec.name}: a comma-separated set must list its allowed items"

            def normalised_set(value: Any) -> tuple[str | None, bool]:
                items = [i.lower() for i in _csv_items(value)]
                return (",".join(items) if value is not None else None), any(i not in allowed for i in items)

            checked = _per_distinct(values, normalised_set)
            bad = np.fromiter((flag for _, flag in checked), bool, len(checked))
            if bad.any():
                self.problems.append(translate("KindCheck", "{field}: {count} values list unknown items ({values}) in "
                                               "features {rows}; allowed: {allowed}").format(
                    field=spec.name, count=int(bad.sum()), values=_values(series, bad), rows=_rows(bad),
                    allowed=", ".join(sorted(allowed))))
            values = pd.Series([text for text, _ in checked], index=values.index, dtype=object)
        elif spec.type == CSV_DEGREES:
            def normalised_degrees(value: Any) -> tuple[str | None, bool]:
                items = _csv_items(value)
                try:
                    ok = all(0 <= float(x) <= 360 for x in items)
                except ValueError:
                    ok = False
                return (",".join(items) if value is not None else None), ok

            checked = _per_distinct(values, normalised_degrees)
            bad = ~np.fromiter((ok for _, ok in checked), bool, len(checked))
            if bad.any():
                self.problems.append(translate("KindCheck", "{field}: {count} values are not comma-separated degrees "
                                                            "0-360 ({values}) in features {rows}").format(
                    field=spec.name, count=int(bad.sum()), values=_values(series, bad), rows=_rows(bad)))
            values = pd.Series([text for text, _ in checked], index=values.index, dtype=object)
        elif spec.allowed is not None:
            lowered = pd.Series(_per_distinct(values, lambda v: v.lower() if isinstance(v, str) and v else None),
                                index=values.index, dtype=object)
            bad = (~lowered.isna() & ~lowered.isin(spec.allowed)).to_numpy()
            if bad.any():
                self.problems.append(translate("KindCheck", "{field}: {count} values are not one of {allowed} "
                                                            "({values}) in features {rows}").format(
                    field=spec.name, count=int(bad.sum()), allowed=", ".join(sorted(spec.allowed)),
                    values=_values(series, bad), rows=_rows(bad)))
            values = lowered
        values = self.fill_default(spec, values.astype(object))
        self.gdf[spec.name] = values

    def fill_default(self, spec: FieldSpec, values: pd.Series) -> pd.Series:
        empty = values.isna().to_numpy(copy=True)
        if spec.type in (STR, CSV_SET, CSV_DEGREES):
            empty |= values.to_numpy(dtype=object) == ""
        if spec.default == "" and empty.any():  # an empty list needs no note
            return values.where(~empty, "")
        if spec.default is None or not empty.any():
            if spec.required and empty.any():
                self.notes.append(translate("KindCheck", "{field}: {count} features have no value").format(
                    field=spec.name, count=int(empty.sum())))
            return values
        values = values.copy()
        values[empty] = spec.default
        self.notes.append(translate("KindCheck", "{field}: {count} empty values set to default {default}").format(
            field=spec.name, count=int(empty.sum()), default=_show(spec)))
        return values

    def add_missing(self, spec: FieldSpec) -> None:
        if spec.required:
            present = [c for c in self.gdf.columns if c != self.gdf.geometry.name]
            self.problems.append(translate("KindCheck", "missing required field '{field}'; the fields are: "
                                                        "{fields}").format(
                field=spec.name, fields=", ".join(map(str, present)) or translate("KindCheck", "none")))
            return
        if spec.name in self.spec.require_one_of:
            others = [n for n in self.spec.require_one_of if n in self.gdf.columns]
            if not others:
                self.problems.append(translate("KindCheck", "needs at least one of the fields {fields}").format(
                    fields=", ".join(self.spec.require_one_of)))
                return
            self.gdf[spec.name] = 0.0
            self.notes.append(translate("KindCheck", "{field}: field missing; set to 0").format(field=spec.name))
            return
        if spec.type == FLOAT:
            self.gdf[spec.name] = np.nan if spec.default is None else float(spec.default)
        elif spec.type == INT:
            self.gdf[spec.name] = pd.array([spec.default] * len(self.gdf),
                                           dtype="Int64" if spec.default is None else "int64")
        elif spec.type == BOOL and spec.default is not None:
            self.gdf[spec.name] = np.full(len(self.gdf), bool(spec.default))
        else:
            self.gdf[spec.name] = pd.Series([spec.default] * len(self.gdf), index=self.gdf.index, dtype=object)
        filled = translate("KindCheck", "filled with default {default}").format(default=_show(spec)) \
            if spec.default is not None else translate("KindCheck", "added empty")
        self.notes.append(translate("KindCheck", "{field}: field missing; {filled}").format(field=spec.name,
                                                                                             filled=filled))

    def check_geometry(self) -> None:
        geoms = self.gdf.geometry.to_numpy()
        type_ids = shapely.get_type_id(geoms)
        families = np.array(["other"] + [_GEOMETRY_FAMILY.get(t, "other") for t in range(8)])[
            np.clip(type_ids + 1, 0, 8)]
        present = (type_ids >= 0) & ~shapely.is_empty(geoms)
        wrong = present & ~np.isin(families, list(self.spec.geometry))
        if wrong.any():
            counts = pd.Series(families[wrong]).value_counts()
            found = ", ".join(translate("KindCheck", "{count} {family} features").format(
                count=n, family=family_name(fam)) for fam, n in counts.items())
            want = translate("KindCheck", " or ").join(family_name(g, plural=True) for g in sorted(self.spec.geometry))
            self.problems.append(translate("KindCheck", "has {found}; a '{kind}' layer must hold {want} (features "
                                                        "{rows})").format(found=found, kind=self.spec.name, want=want,
                                                                          rows=_rows(wrong)))


def _show(spec: FieldSpec) -> str:
    value = f"{spec.default:g}" if isinstance(spec.default, float) else repr(spec.default)
    return f"{value} {spec.unit}".rstrip() if spec.type in (FLOAT, INT) else value


def repair_geometries(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Make invalid geometries valid (shapely.make_valid) and report empty or missing ones; drops nothing.

    Point-only layers skip the validity test: a point cannot be repaired, and it keeps big loads fast.
    """
    notes: list[str] = []
    geoms = gdf.geometry.to_numpy()
    type_ids = shapely.get_type_id(geoms)
    missing = int((type_ids < 0).sum())
    if missing:
        notes.append(translate("KindCheck", "{count} features have no geometry").format(count=missing))
    if not np.isin(type_ids, (-1, 0, 4)).all():
        invalid = ~shapely.is_valid(geoms) & (type_ids >= 0)
        if invalid.any():
            fixed = geoms.copy()
            polygonal = invalid & np.isin(type_ids, (3, 6))
            fixed[polygonal] = shapely.make_valid(geoms[polygonal], method="structure", keep_collapsed=False)
            others = invalid & ~polygonal
            fixed[others] = shapely.make_valid(geoms[others])
            gdf = gdf.set_geometry(gpd.GeoSeries(fixed, index=gdf.index, crs=gdf.crs, name=gdf.geometry.name))
            notes.append(translate("KindCheck", "repaired {count} invalid geometries (features {rows})").format(
                count=int(invalid.sum()), rows=_rows(invalid)))
            geoms = fixed
    empty = int((shapely.is_empty(geoms) & (type_ids >= 0)).sum())
    if empty:
        notes.append(translate("KindCheck", "{count} features have an empty geometry").format(count=empty))
    return gdf, notes


def validate(gdf: gpd.GeoDataFrame, kind: str, *, source: str | None = None, layer: str | None = None,
             repair: bool = True, heights: dict[str, float] | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Check ``gdf`` against ``kind`` and return a fixed copy plus notes on what was changed.

    Raises one ``LayerError`` listing every problem that cannot be fixed (missing required fields,
    unconvertible values, wrong geometry type). ``repair=False`` skips the geometry repair for callers
    (the readers) that already ran ``repair_geometries``. ``heights`` sets a buildings layer's storey height and
    default height where heights are estimated.
    """
    if kind not in KINDS:
        raise LayerError(source, translate("KindCheck", "unknown layer kind '{kind}'; known kinds: {kinds}").format(
            kind=kind, kinds=", ".join(KINDS)), layer=layer)
    spec = KINDS[kind]
    notes: list[str] = []
    gdf = gdf.copy()
    if repair:
        gdf, notes = repair_geometries(gdf)
    checker = _Checker(gdf, spec)
    checker.match_columns()
    checker.estimate_building_heights(heights or {})
    checker.check_geometry()
    for field_spec in spec.fields:
        checker.check_field(field_spec)
    if checker.problems:
        listing = "\n".join(f"- {p}" for p in checker.problems)
        count = len(checker.problems)
        problems = translate("KindCheck", "{count} problem") if count == 1 else \
            translate("KindCheck", "{count} problems")
        raise LayerError(source, translate("KindCheck", "does not fit kind '{kind}' ({problems}):").format(
            kind=kind, problems=problems.format(count=count)) + f"\n{listing}", layer=layer)
    return checker.gdf, notes + checker.notes


__all__ = ["FieldSpec", "KindSpec", "KINDS", "RASTER_KINDS", "detect_kind", "detect_raster_kind",
           "looks_like_terrain", "repair_geometries", "terrain_note", "validate"]
