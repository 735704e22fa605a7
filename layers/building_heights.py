"""Estimate missing building heights, and record per building how each height was obtained.

Real building layers rarely carry a height for every footprint: in OpenStreetMap most buildings have neither
``height`` nor ``building:levels``, and a city's cadastre may give storeys or a use but no height. Coverage
needs a height for every footprint, so on import a missing height is estimated, in this order:

1. ``levels`` (storeys) × a storey height (``STOREY_HEIGHT_M``, 3 m by default);
2. the building's type or use (``HEIGHT_BY_TYPE``: typical heights of that type in a Chinese city, English OSM
   values and Chinese use names alike);
3. a default height the planner can set (``DEFAULT_HEIGHT_M``).

``height_source`` says which rule gave each height (``height`` when the data had one), and the notes count
them, so a planner sees how much of the city's skyline is measured and how much is guessed.

Example::

    gdf, notes = estimate_heights(buildings_gdf, default_height_m=12.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.i18n import translate

#: Metres per storey (floor to floor) when a building has storeys but no height.
STOREY_HEIGHT_M = 3.0
#: Height for a building with neither height, storeys nor a known type.
DEFAULT_HEIGHT_M = 10.0

#: Typical height in metres by building type or use (OSM ``building=*`` values and Chinese use names).
#: Residential towers dominate new Guangzhou districts, hence apartments at 8 storeys; small and ancillary
#: buildings are one storey. The table is deliberately short: a planner with better data maps a height field.
HEIGHT_BY_TYPE: dict[str, float] = {
    "house": 7.0, "detached": 7.0, "semidetached_house": 7.0, "terrace": 9.0, "bungalow": 4.0, "farm": 7.0,
    "residential": 18.0, "apartments": 24.0, "dormitory": 18.0, "hotel": 30.0,
    "office": 36.0, "commercial": 18.0, "retail": 6.0, "supermarket": 6.0, "kiosk": 3.0,
    "industrial": 10.0, "warehouse": 9.0, "manufacture": 10.0,
    "school": 15.0, "kindergarten": 8.0, "university": 18.0, "college": 18.0, "hospital": 24.0,
    "public": 15.0, "civic": 15.0, "government": 18.0, "train_station": 15.0, "transportation": 10.0,
    "church": 15.0, "temple": 8.0, "mosque": 12.0,
    "garage": 3.0, "garages": 3.0, "carport": 3.0, "shed": 3.0, "hut": 3.0, "roof": 4.0, "service": 4.0,
    "construction": 10.0,
    "住宅": 24.0, "别墅": 9.0, "宿舍": 18.0, "酒店": 30.0, "宾馆": 30.0,
    "办公": 36.0, "写字楼": 36.0, "商业": 18.0, "商场": 18.0, "商铺": 6.0,
    "工业": 10.0, "厂房": 10.0, "仓库": 9.0, "仓储": 9.0,
    "学校": 15.0, "幼儿园": 8.0, "医院": 24.0, "行政": 18.0, "政府": 18.0,
}

#: Columns that may hold a building's type or use, most specific first (OSM, municipal, Chinese).
TYPE_FIELDS: tuple[str, ...] = ("building", "building_type", "use", "usage", "type", "建筑类型", "用途", "类型")
#: ``height_source`` values.
GIVEN, FROM_LEVELS, FROM_TYPE, FROM_DEFAULT = "height", "levels", "type", "default"


def building_types(gdf: pd.DataFrame) -> pd.Series:
    """Each building's type or use in lower case ("" when unknown), from the first of ``TYPE_FIELDS`` that has a
    value in its row (case-insensitive column names), so a layer merged from sources with different fields works."""
    lowered = {str(c).strip().lower(): c for c in gdf.columns}
    types = pd.Series("", index=gdf.index, dtype=object)
    for name in TYPE_FIELDS:
        if name in lowered:
            values = gdf[lowered[name]].astype(object)
            text = values.map(lambda v: str(v).strip().lower() if pd.notna(v) else "")
            types = types.where(types != "", text)
    return types


def _blank(series: pd.Series) -> np.ndarray:
    """Missing or empty cells; unreadable text ("tall") is not blank: validation reports it, nothing hides it."""
    blank = series.isna().to_numpy(copy=True)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        blank |= (series.astype(str).str.strip() == "").to_numpy()
    return blank


def _number(series: pd.Series) -> np.ndarray:
    text = series.astype(str).str.strip().str.replace(",", "", regex=False) if series.dtype == object else series
    return pd.to_numeric(text, errors="coerce").to_numpy(float, copy=True)


def estimate_heights(gdf: pd.DataFrame, *, storey_height_m: float = STOREY_HEIGHT_M,
                     default_height_m: float = DEFAULT_HEIGHT_M,
                     types: dict[str, float] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A copy of ``gdf`` whose empty ``height_m`` cells are estimated, and a note counting each rule used.

    ``height_source`` is added when anything was estimated (a layer measured throughout needs none); an existing
    one is kept for the rows that have a height. Unreadable or negative heights are left for validation to name.
    """
    if not storey_height_m > 0 or not default_height_m >= 0:
        raise ValueError(translate("BuildingHeights", "storey height must be positive and the default height "
                                                      "not negative"))
    table = HEIGHT_BY_TYPE if types is None else types
    gdf = gdf.copy()
    n = len(gdf)
    height = _number(gdf["height_m"]) if "height_m" in gdf.columns else np.full(n, np.nan)
    source = np.full(n, None, dtype=object)
    if "height_source" in gdf.columns:
        source[:] = gdf["height_source"].to_numpy(dtype=object)
    given = np.isfinite(height)
    source[given & pd.isna(source)] = GIVEN
    source[~given] = None
    blank = _blank(gdf["height_m"]) if "height_m" in gdf.columns else np.ones(n, bool)
    missing = blank.copy()
    counts = {GIVEN: int(given.sum()), FROM_LEVELS: 0, FROM_TYPE: 0, FROM_DEFAULT: 0}
    if missing.any() and "levels" in gdf.columns:
        levels = _number(gdf["levels"])
        usable = missing & np.isfinite(levels) & (levels > 0)
        height[usable] = levels[usable] * storey_height_m
        source[usable] = FROM_LEVELS
        counts[FROM_LEVELS] = int(usable.sum())
        missing &= ~usable
    if missing.any():
        lookup = {str(k).strip().lower(): v for k, v in table.items()}
        typed_height = pd.to_numeric(building_types(gdf).map(lookup), errors="coerce").to_numpy(float)
        usable = missing & np.isfinite(typed_height)
        height[usable] = typed_height[usable]
        source[usable] = FROM_TYPE
        counts[FROM_TYPE] = int(usable.sum())
        missing &= ~usable
    if missing.any():
        height[missing] = default_height_m
        source[missing] = FROM_DEFAULT
        counts[FROM_DEFAULT] = int(missing.sum())
    if "height_m" in gdf.columns and not pd.api.types.is_float_dtype(gdf["height_m"].dtype):
        # Text cells stay as they were: validation converts them and names the unreadable ones.
        heights = gdf["height_m"].astype(object).copy()
        heights[blank] = height[blank]
        gdf["height_m"] = heights
    else:
        gdf["height_m"] = height
    notes = []
    estimated = counts[FROM_LEVELS] or counts[FROM_TYPE] or counts[FROM_DEFAULT]
    if estimated or "height_source" in gdf.columns:
        gdf["height_source"] = pd.Series(source, index=gdf.index, dtype=object)
    if estimated:
        notes.append(translate(
            "BuildingHeights",
            "height_m of {total:,} buildings: {given:,} from the data, {levels:,} from storeys × {storey:g} m, "
            "{typed:,} from the building type, {default:,} set to the default {default_m:g} m "
            "(see the height_source field)").format(
            total=n, given=counts[GIVEN], levels=counts[FROM_LEVELS], storey=storey_height_m,
            typed=counts[FROM_TYPE], default=counts[FROM_DEFAULT], default_m=default_height_m))
    return gdf, notes


__all__ = ["DEFAULT_HEIGHT_M", "FROM_DEFAULT", "FROM_LEVELS", "FROM_TYPE", "GIVEN", "HEIGHT_BY_TYPE",
           "STOREY_HEIGHT_M", "TYPE_FIELDS", "building_types", "estimate_heights"]
